"""What a worker does with one page: decode, extract, filter, and turn the record into a row.

Everything per page happens here, in the worker; the parent only reads inputs and writes rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..errors import DecodeError, ExtractionError
from ..options import Options
from . import dedup, rows
from .filters import rejection
from .readers import Task
from .settings import CorpusSettings

TEXT_MODE_MISSING = "text mode not available"

# (payload, url, options) -> the record's fields, as `Article.to_dict()` gives them.
Extractor = Callable[[bytes | str, "str | None", Options], dict[str, Any]]


def copydesk_record(payload: bytes | str, url: str | None, options: Options) -> dict[str, Any]:
    """The default extractor: `copydesk.extract`, the whole record."""
    from ..pipeline import extract

    return extract(payload, url=url, options=options).to_dict()


def text_mode_extractor() -> Callable[..., Any] | None:
    """The hook for text mode (WET records, JSONL `text`): `copydesk.extract_text(text, url)` once copydesk
    has it, None until then (those records are then skipped with TEXT_MODE_MISSING)."""
    import copydesk

    return getattr(copydesk, "extract_text", None)


def resolve(reference: str) -> Extractor:
    """"package.module:function" -> the function (a worker imports its extractor by name)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


class PageWorker:
    """Turns tasks into rows with one settings object; built once per worker process."""

    def __init__(self, settings: CorpusSettings) -> None:
        self.settings = settings
        self.extract = resolve(settings.extractor)

    def process(self, task: Task) -> dict[str, Any]:
        """Exactly one row for `task`, whatever happens inside the extractor (short of a hang or a crash)."""
        try:
            record = self._record(task)
        except DecodeError as exc:
            return self._row(task, "error", error=_one_line(exc))
        except ExtractionError as exc:  # empty input, not HTML: nothing to extract, nothing wrong
            return self._row(task, "skipped", reason=exc.reason)
        except Exception as exc:  # one bad page must not end a run of millions
            return self._row(task, "error", error=f"{type(exc).__name__}: {_one_line(exc)}")
        if record is None:
            return self._row(task, "skipped", reason=TEXT_MODE_MISSING)
        reason = rejection(record, self.settings.filters)
        row = self._row(task, "skipped" if reason else "ok", reason=reason, record=record)
        if self.settings.dedup and not reason:
            row[dedup.SIGNATURE_KEY] = dedup.signature(row.get("text") or "")
        return row

    def _record(self, task: Task) -> dict[str, Any] | None:
        if task.kind == "text":
            extract_text = text_mode_extractor()
            if extract_text is None:
                return None
            text = task.payload.decode("utf-8", "replace") if isinstance(task.payload, bytes) else task.payload
            return _as_record(extract_text(text, task.url))
        return _as_record(self.extract(task.payload, task.url, self.settings.options))

    def _row(self, task: Task, status: str, reason: str | None = None, error: str | None = None,
             record: dict[str, Any] | None = None) -> dict[str, Any]:
        return rows.row(task.record_id, task.url, task.source, status, reason, error, record)


def _as_record(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else result.to_dict()


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:500] if text else type(exc).__name__
