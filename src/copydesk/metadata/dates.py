"""Dates as pages write them, turned into ISO 8601 strings; never raises.

A value with a time of day keeps it (and its UTC offset when the page gives one); a value with only
a day stays a day (YYYY-MM-DD), so no time or zone is invented. Dates before 1990 or after tomorrow
are refused: they are template placeholders, copyright years or events, not publication dates.
Month names are read in English and in German, French, Spanish, Italian, Portuguese and Dutch.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as date_parser

EARLIEST = date(1990, 1, 1)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_NUMBERS = re.compile(r"\d+")
_TIME = re.compile(r"\d:\d\d")
# English month names: also for the dates a heading adds to the headline (title.py).
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Month names of the languages most pages besides English are written in (German, French, Spanish,
# Italian, Portuguese, Dutch), under the English abbreviation dateutil reads. Abbreviations are read
# only between a day and a year ("04-ago-2021", "3 févr. 2024"): alone, "ago", "set" or "mar" are
# words of running text.
_FOREIGN_NAMES = {
    "jan": "januar jänner janvier enero gennaio janeiro januari",
    "feb": "februar février fevrier febrero febbraio fevereiro februari",
    "mar": "märz maerz mars marzo março maart",
    "apr": "avril abril aprile",
    "may": "mai mayo maggio maio mei",
    "jun": "juni juin junio giugno junho",
    "jul": "juli juillet julio luglio julho",
    "aug": "august août aout agosto augustus",
    "sep": "septembre septiembre setiembre settembre setembro",
    "oct": "oktober octobre octubre ottobre outubro",
    "nov": "novembre noviembre novembro",
    "dec": "dezember décembre decembre diciembre dicembre dezembro",
}
_FOREIGN_ABBREVIATIONS = {
    "jan": "janv ene gen", "feb": "févr fevr fév fev febr", "mar": "mär mrz mrt", "apr": "avr abr",
    "may": "mag", "jul": "juil lug", "aug": "ago", "sep": "set sett", "oct": "okt out ott", "dec": "déc dez dic",
}


def _to_english(names_by_month: dict[str, str]) -> dict[str, str]:
    """Each foreign name -> the English month it names."""
    return {name: month for month, names in names_by_month.items() for name in names.split()}


def _alternatives(names: dict[str, str]) -> str:
    """The names as a regular-expression alternation, longest first: "févr" is tried before "fév"."""
    return "|".join(sorted(names, key=len, reverse=True))


_ENGLISH_MONTH = _to_english(_FOREIGN_NAMES)
_ENGLISH_ABBREVIATION = _to_english(_FOREIGN_ABBREVIATIONS)
_FOREIGN_MONTH = re.compile(rf"\b({_alternatives(_ENGLISH_MONTH)})\b", re.IGNORECASE)
_FOREIGN_SHORT = re.compile(rf"(?<=\d[-\s./])({_alternatives(_ENGLISH_ABBREVIATION)})\.?(?=[-\s./]+(?:19|20)\d\d)",
                            re.IGNORECASE)
# The "de" of Spanish and Portuguese dates ("4 de agosto de 2021"), which dateutil does not read.
_SPANISH_DE = re.compile(r"\s+de\s+", re.IGNORECASE)
# "4. August 2021", "4 de agosto de 2021", "le 4 août 2021".
_FOREIGN_DATE = rf"\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{_alternatives(_ENGLISH_MONTH)})\s+(?:de\s+)?(?:19|20)\d\d\b"
# Date expressions inside running text ("Published March 3, 2024 at 10:00"), tried in this order.
DATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:19|20)\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?"
    rf"|\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
    rf"|\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+(?:19|20)\d\d\b"
    r"|(?<![\d/.])\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d\b"
    r"|(?<![\d/.])(?:19|20)\d\d/\d{1,2}/\d{1,2}\b"
    r"|(?<![\d/.])\d{1,2}-\w{3,4}-(?:19|20)\d\d(?:\s+\d\d?:\d\d(?::\d\d)?)?"
    rf"|{_FOREIGN_DATE}",
    re.IGNORECASE,
)
_UPDATE_WORDS = re.compile(r"updat|modifi|revis|edited|aktualisiert|mis à jour|actualizado", re.IGNORECASE)
_HOUR = 3600
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": _HOUR, "CET": _HOUR, "CEST": 2 * _HOUR, "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR, "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR, "AKST": -9 * _HOUR,
    "HST": -10 * _HOUR, "JST": 9 * _HOUR, "KST": 9 * _HOUR, "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR,
}
# /2024/03/05/ or -2024-03-05 in a URL path.
_IN_URL = re.compile(r"[/_-]((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?:[/_.-]|$)")


def latest_allowed() -> date:
    # A day of slack: a page published "tomorrow" in its own time zone is still today somewhere.
    return datetime.now(UTC).date() + timedelta(days=1)


def parse_date(value: object) -> str | None:
    """`value` as an ISO 8601 date or date-time string, or None when it is not a plausible date."""
    if not isinstance(value, str):
        return None
    value = value.strip()[:80]
    if _EPOCH.match(value):
        return _from_epoch(int(value[:10]))
    if not _YEAR.search(value) or len(_NUMBERS.findall(value)) < 2:
        # dateutil would fill a missing year or day from its default: a guess, not a date.
        return None
    try:
        parsed = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        parsed = _loose(value)
    if parsed is None or not EARLIEST <= parsed.date() <= latest_allowed():
        return None
    if not _TIME.search(value):
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()


def _zone(name: str | None, offset: int | None) -> int | None:
    # dateutil knows no abbreviations by itself (and warns, later raises); ambiguous ones stay unknown.
    return _ZONES.get((name or "").upper(), offset)


def _in_english(value: str) -> str:
    """Foreign month names as English ones; "de" between the parts ("4 de agosto de 2021") dropped."""
    value = _FOREIGN_MONTH.sub(lambda match: _ENGLISH_MONTH[match.group(1).lower()], value)
    value = _FOREIGN_SHORT.sub(lambda match: _ENGLISH_ABBREVIATION[match.group(1).lower()], value)
    return _SPANISH_DE.sub(" ", value)


def _loose(value: str) -> datetime | None:
    # Most dates are in English: the foreign names are looked up only in a value that may hold one.
    if not value.isascii() or _FOREIGN_MONTH.search(value) or _FOREIGN_SHORT.search(value):
        value = _in_english(value)
    try:
        return date_parser.parse(value, fuzzy=True, default=datetime(2000, 1, 1), tzinfos=_zone)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None


def _from_epoch(seconds: int) -> str | None:
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.isoformat() if EARLIEST <= moment.date() <= latest_allowed() else None


def date_in_text(text: str, updates: bool = False) -> str | None:
    """The first date written in `text` ("Posted on 3 March 2024 by ..."), as ISO. Unless `updates`,
    a date the text calls an update ("Updated: 5 May 2024") is passed over."""
    for match in DATE_IN_TEXT.finditer(text[:300]):
        if not updates and _UPDATE_WORDS.search(text[max(0, match.start() - 25):match.start()]):
            continue
        found = parse_date(match.group(0))
        if found:
            return found
    return None


def date_in_url(url: str | None) -> str | None:
    """A date in the URL's path (/2024/03/05/), the day only."""
    match = _IN_URL.search(url or "")
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found.isoformat() if EARLIEST <= found <= latest_allowed() else None
