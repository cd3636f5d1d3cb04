"""One output row as a plain dict (built in workers, which never import pyarrow; `schema` types it)."""

from __future__ import annotations

from typing import Any

from ..article import SCHEMA_VERSION

STATUSES = ("ok", "skipped", "error")


def row(record_id: str, url: str | None, source: str | None, status: str, reason: str | None = None,
        error: str | None = None, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """One output row; `record` is `Article.to_dict()` (or an extractor's dict of the same keys)."""
    data: dict[str, Any] = dict(record) if record else {}
    data.pop("url", None)  # the record's own url is the one given: the row's is the crawl's
    text = data.get("text")
    if record is not None:
        data.setdefault("schema_version", SCHEMA_VERSION)
    data.update(record_id=record_id, url=url, source=source, status=status, reason=reason, error=error,
                chars=len(text) if isinstance(text, str) else None)
    return data
