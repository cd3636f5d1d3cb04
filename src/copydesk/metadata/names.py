"""Author names as bylines write them, reduced to the names alone: no "By", no roles, no dates."""

from __future__ import annotations

import re

from .dates import DATE_IN_TEXT

_SPACES = re.compile(r"\s+")
# Labels before the name: "By", "Written by", "Author:", "Insights from", "Read more about".
_LEADING = re.compile(
    r"^(?:(?:written|posted|published|reported|authored|words|story|text|article|reviewed|edited)\s+)?by\b[:\s]*"
    r"|^(?:(?:topic\s+)?authors?|writers?|posted|reporter|autor(?:in)?|auteur|por|von|par|di)\b\s*[:\-–]?\s*"
    r"|^(?:insights|words|story)\s+from\s+|^read\s+more\s+(?:about|from|by)\s+|^via\s+|^about\s+",
    re.IGNORECASE,
)
# What bylines put after the name: a date, a separator and a role, a reading time, a place.
_TRAILING = re.compile(
    r"(?:^|\s+)(?:[|•·–—»●⋅]|-\s|on(?:\s+\S*\d|\s*\||\s*$)|(?:last\s+)?updated\b|published\b|posted\b|"
    r"sponsored\b|view\b|\d+\s*min(?:ute)?s?\s+read|\d+\s+(?:year|month|week|day|hour|minute)s?\s+ago|"
    r"in\s+(?=[A-Z])|(?:written|posted|authored)\s+by\s*$)",
    re.IGNORECASE,
)
_ROLE_WORDS = (
    r"writer|editor|reporter|correspondent|contributor|columnist|journalist|staff|analyst|producer|intern|"
    r"photographer|co-?founder|founder|ceo|cto|manager|expert|specialist|consultant|director|officer|president|"
    r"strategist|coordinator|winemaker|editor-in-chief|reviewer|researcher|professor|lecturer|engineer|developer|"
    r"designer|owner|partner|attorney|lawyer|moderator"
)
_ROLE = re.compile(rf"\b(?:{_ROLE_WORDS})s?\b", re.IGNORECASE)
# A role after the name without a comma ("Jo Lee Senior Editor"): cut at the role's first word.
_MODIFIERS = (r"former|senior|sr\.?|junior|deputy|chief|head|vice|lead|associate|assistant|managing|executive|"
              r"contributing|staff|content|marketing|tech|news|sports|review|general|digital|the|a|an")
_ROLE_PHRASE = re.compile(rf"\s+(?:(?:{_MODIFIERS})\s+)*(?:{_ROLE_WORDS})s?\b.*$", re.IGNORECASE)
_ONLY_ROLE = re.compile(rf"^(?:(?:{_MODIFIERS}|{_ROLE_WORDS})s?\b[\s-]*)+$", re.IGNORECASE)
_MID_BY = re.compile(r"^.{0,40}?\s\bby\s+(?=\S)", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:;|\s&\s|\sand\s|\sund\s|\set\s|\sy\s)\s*", re.IGNORECASE)
# A template's unfilled key ("page.head.extra.author") is no name either.
_NOT_NAME = re.compile(r"https?:|www\.|@\w+\.|\.(?:com|org|net)\b|[<>{}=]|^[a-z_]+(?:\.[a-z_]+)+\.(?:author|name)$"
                       r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.IGNORECASE)
_CREDENTIAL = re.compile(r"^[A-Z][A-Za-z.]{0,5}$")
_STRIPPED = " .,:;-–\"'“”‘’[]"
# A user name, not a person's: one word with a dot, an underscore or a digit, or a capital inside it.
_LOGIN = re.compile(r"^(?=\S*(?:[._\d]|[a-z][A-Z]))[\w.-]{3,30}$")
# A full name as people write theirs: two or more words, the first and the last capitalised.
_FULL_NAME = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[\w'’.-]+)*\s+[A-Z][\w'’.-]+$")
MAX_NAME_CHARS = 70
MAX_NAME_WORDS = 7


def clean_authors(values: list[str]) -> list[str]:
    """Names from raw author strings, several per string split, repeats dropped (case folded),
    order kept."""
    names: dict[str, str] = {}
    for value in values:
        for name in split_names(value):
            names.setdefault(name.casefold(), name)
    return list(names.values())


def split_names(value: str) -> list[str]:
    text = _SPACES.sub(" ", DATE_IN_TEXT.sub(" | ", value)).strip()
    if (by := _MID_BY.search(text)) is not None:
        text = text[by.end():]  # "03/10/2023 by Jane Doe", "Posted in News by Jane Doe"
    text = _TRAILING.split(_LEADING.sub("", text), maxsplit=1)[0].strip(_STRIPPED)
    text = _drop_comma_roles(text)
    names = [name for part in _SPLIT.split(text) for raw in _comma_names(part) if (name := _one_name(raw))]
    people = [name for name in names if not _ONLY_ROLE.match(name)]
    return people or names[:1]  # "Staff Reporter" alone is the byline; beside a name it is a role


def _drop_comma_roles(text: str) -> str:
    """"Ann Lee, Senior Editor & Critic" -> "Ann Lee": a comma part that holds a role ends the names."""
    parts = text.split(",")
    for index, part in enumerate(parts[1:], start=1):
        if _ROLE.search(part):
            return ",".join(parts[:index])
    return text


def _comma_names(chunk: str) -> list[str]:
    """Split at commas only between full names: "Ann Lee, Bo Chen" is two people, "Ann Lee, MD" one,
    and "Lee, Ann" (a citation's order) is Ann Lee."""
    parts = [part.strip() for part in chunk.split(",") if part.strip()]
    if len(parts) == 2 and " " not in parts[0] and len(parts[1].split()) <= 2 and not _CREDENTIAL.match(parts[1]):
        return [f"{parts[1]} {parts[0]}"]
    if len(parts) > 1 and all(" " in part for part in parts):
        return parts
    return [", ".join(parts)]


def _without_initials(part: str) -> str:
    """"CM Craig McCarthy" -> "Craig McCarthy": an avatar's initials before the name they abbreviate."""
    first, _, rest = part.partition(" ")
    initials = "".join(word[0] for word in rest.split() if word[:1].isupper())
    return rest if len(first) >= 2 and first.isupper() and first == initials and " " in rest else part


def _one_name(part: str) -> str | None:
    part = _LEADING.sub("", part).strip(_STRIPPED)
    cut = _ROLE_PHRASE.sub("", part).strip(_STRIPPED)
    # "Jo Lee Senior Editor" is Jo Lee; "Podium Staff" is a byline of its own, not a person and a role.
    part = cut if " " in cut and not _ONLY_ROLE.match(cut) else part
    part = _without_initials(part)
    if part.count("(") > part.count(")"):
        part += ")"
    if not part or len(part) > MAX_NAME_CHARS or len(part.split()) > MAX_NAME_WORDS:
        return None
    if _NOT_NAME.search(part) or not any(ch.isalpha() for ch in part):
        return None
    return part


def all_logins(names: list[str]) -> bool:
    """Whether every name is a login ("andrew.keaveney", "KatieS"), as publishing systems fill in
    for the author when the writer set no display name."""
    return all(_LOGIN.match(name) for name in names)


def all_full_names(names: list[str]) -> bool:
    """Whether there are names and each is a full name ("Ann Lee", "Justin C. Meserole")."""
    return bool(names) and all(_FULL_NAME.match(name) for name in names)
