"""The one error type the service answers with: an HTTP status, a stable code and a sentence for a person."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Turned into `{"error": {"status", "code", "message"}}` with `status` as the HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message}}
