"""Author names as bylines write them, reduced to the names alone."""

from __future__ import annotations

import re

from .dates import DATE_IN_TEXT

_SPACES = re.compile(r"\s+")
_LEADING = re.compile(
    r"^(?:(?:written|posted|published|reported|words|story|text|article)\s+)?by\b[:\s]*"
    r"|^(?:authors?|writers?|posted|reporter|autor(?:in)?|auteur|por|von|par|di)\s*[:\-–]\s*",
    re.IGNORECASE,
)
# What bylines put after the name: a date, a role, a place ("Jane Doe | 3 March 2024", "Jane Doe - Staff Writer").
_TRAILING = re.compile(r"(?:^|\s+)(?:[|•·–—]|-\s|on(?:\s+\S*\d|\s*\||\s*$)|updated\b|published\b|posted\b|last\b).*$",
                       re.IGNORECASE)
_ROLE = re.compile(
    r"\b(?:writer|editor|reporter|correspondent|contributor|columnist|journalist|staff|team lead|"
    r"analyst|producer|intern|photographer|founder|ceo|manager|expert|specialist|consultant|director|"
    r"officer|president|strategist|coordinator)s?\b",
    re.IGNORECASE,
)
_MID_BY = re.compile(r"^.{0,40}?\s\bby\s+(?=\S)", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:;|\s&\s|\sand\s|\sund\s|\set\s|\sy\s|\|)\s*", re.IGNORECASE)
_NOT_NAME = re.compile(r"https?:|www\.|@\w+\.|\.(?:com|org|net)\b|[<>{}=]", re.IGNORECASE)
MAX_NAME_CHARS = 70
MAX_NAME_WORDS = 7


def clean_authors(values: list[str]) -> list[str]:
    """Names from raw author strings, "By" and roles and dates dropped, several per string split,
    repeats dropped (case folded), order kept."""
    names: dict[str, str] = {}
    for value in values:
        for name in split_names(value):
            names.setdefault(name.casefold(), name)
    return list(names.values())


def split_names(value: str) -> list[str]:
    text = _SPACES.sub(" ", DATE_IN_TEXT.sub(" | ", value)).strip()
    if (by := _MID_BY.search(text)) is not None:
        text = text[by.end():]  # "03/10/2023 by Jane Doe", "Posted in News by Jane Doe"
    text = _LEADING.sub("", text)
    text = _TRAILING.sub("", text).strip(" ,:;-–")
    parts = [part for chunk in _SPLIT.split(text) for part in _comma_parts(chunk)]
    return [name for part in parts if (name := _one_name(part))]


def _comma_parts(chunk: str) -> list[str]:
    """Split at commas only between full names: "Ann Lee, Bo Chen" is two people, "Ann Lee, MD" one,
    "Ann Lee, Senior Editor" one person and a role."""
    parts = [part.strip() for part in chunk.split(",") if part.strip()]
    kept = [part for part in parts if not _ROLE.search(part)] or parts[:1]
    if len(kept) > 1 and all(" " in part for part in kept):
        return kept
    return [", ".join(kept)]


def _one_name(part: str) -> str | None:
    part = _LEADING.sub("", part).strip(" .,:;-–\"'“”‘’()[]")
    if not part or len(part) > MAX_NAME_CHARS or len(part.split()) > MAX_NAME_WORDS:
        return None
    if _NOT_NAME.search(part) or not any(ch.isalpha() for ch in part):
        return None
    return part
