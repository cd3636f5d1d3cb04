"""The corpus filters: each says why a page is left out, so a filtered page keeps its row and its reason."""

from __future__ import annotations

from typing import Any

from .settings import Filters


def rejection(record: dict[str, Any], filters: Filters) -> str | None:
    """None when `record` passes every filter, else "filtered: <why>"."""
    for check in (_language, _length, _page_type, _confidence):
        reason = check(record, filters)
        if reason:
            return f"filtered: {reason}"
    return None


def _language(record: dict[str, Any], filters: Filters) -> str | None:
    if not filters.languages:
        return None
    language = record.get("language")
    primary = language.split("-")[0].lower() if language else None
    return None if primary in filters.languages else f"language {language or 'unknown'}"


def _length(record: dict[str, Any], filters: Filters) -> str | None:
    chars = len(record.get("text") or "")
    return f"body of {chars} characters < {filters.min_chars}" if chars < filters.min_chars else None


def _page_type(record: dict[str, Any], filters: Filters) -> str | None:
    if not filters.page_types:
        return None
    page_type = record.get("page_type")
    return None if page_type in filters.page_types else f"page type {page_type or 'unknown'}"


def _confidence(record: dict[str, Any], filters: Filters) -> str | None:
    if filters.min_confidence is None:
        return None
    confidence = record.get("confidence")
    if confidence is None:
        return "no confidence"
    return f"confidence {confidence} < {filters.min_confidence}" if confidence < filters.min_confidence else None
