"""The errors copydesk raises. Everything it raises on bad input is an `ExtractionError`."""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class: the input could not be turned into a record. `reason` says why, in one line."""

    reason = "extraction failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.reason)


class EmptyInputError(ExtractionError):
    """The input holds no bytes or no markup at all."""

    reason = "empty input"


class NotHTMLError(ExtractionError):
    """The input is binary data (an image, a PDF, an archive) rather than a page."""

    reason = "input is not HTML or text"


class DecodeError(ExtractionError):
    """Compressed input that cannot be unpacked (truncated or corrupt gzip)."""

    reason = "input could not be decoded"
