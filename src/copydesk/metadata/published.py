"""The publication date when the page declares one: which of its declared dates, or of the dates it
shows by its headline, is the one it presents as its own.

A page often declares one date in its markup and shows another beside its headline. The shown date
is what the reader takes as the date of the page, so where markup and text disagree the text is
trusted when something else backs it:

1. A declared publication date the page also shows stands. A declared moment (a date-time with its
   offset) is shown on any day it falls on somewhere on Earth: a post saved at 02:17 UTC on the 10th
   is shown as the 9th by a site that keeps New York's time, and is still the same date.
2. Sources that disagree about the publication date (JSON-LD against OpenGraph) are settled by the
   page's text: the one it shows wins.
3. A publication date that no `<meta>` tag declares (only JSON-LD, microdata or `<time>` give one)
   yields to a shown date that the page declares as its modification: the page presents the
   revision as its date (an evergreen guide's "Updated March 3, 2025" over the record's creation in
   2019). A date a `<meta>` tag also declares (OpenGraph's `article:published_time`, Dublin Core)
   is the publishing system's own record and stands against the shown revision. Nor does a thread
   yield: its structured dates are its posts', and the one shown may be the last reply's.
4. An earlier day than the declared one shown by the headline was the first publication (the
   declared date is a re-publication or the system's save time), when it is also the first date a
   reader meets after the headline: the date-line search reaches up several containers and may
   find a related story's or a comment's date first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# The furthest local clocks are from UTC: UTC-12 (Baker Island) to UTC+14 (the Line Islands).
_WEST = timedelta(hours=12)
_EAST = timedelta(hours=14)


@dataclass(frozen=True)
class Declared:
    """The page's declared dates as parsed ISO strings, most trusted source first."""

    published: str  # the most trusted source's
    modified: list[str] = field(default_factory=list)
    # Publication dates from the sources that describe the whole page (JSON-LD and <meta> tags), whose
    # disagreement the shown date settles; microdata and <time> are on the shown elements themselves.
    witnesses: list[str] = field(default_factory=list)
    in_meta: bool = False  # a <meta> tag declares a publication date
    thread: bool = False  # microdata gives several publication dates: a thread's posts


@dataclass(frozen=True)
class Shown:
    """Dates shown by the headline: the marked date line's (published, updated) and the first date
    in the texts after the headline, else just before it (published, updated), each a day or a
    date-time."""

    line: str | None = None
    line_update: str | None = None
    first: str | None = None
    first_update: str | None = None

    def days(self) -> list[str]:
        """The days of the dates found, updates included, in the order above."""
        return [value[:10] for value in (self.line, self.line_update, self.first, self.first_update) if value]


def choose(declared: Declared, shown: Callable[[], Shown]) -> str:
    """The publication date of a page that declares one, by the rules above. `shown` reads the
    page's text, which is only done here."""
    seen = shown()
    days = seen.days()
    if any(_shown_on(declared.published, day) for day in days):
        return declared.published
    for value in declared.witnesses:
        if value[:10] in days:
            return value
    if not declared.in_meta and not declared.thread:
        revised = _shown_revision(declared.modified, days)
        if revised:
            return revised
    return _earlier_line(declared.published, seen)


def _shown_on(declared: str, day: str) -> bool:
    """Whether a page showing `day` shows the declared date: the same day, or for a date-time with an
    offset, a day the moment falls on in some time zone (rule 1)."""
    if declared[:10] == day:
        return True
    try:
        moment = datetime.fromisoformat(declared)
        shown = date.fromisoformat(day)
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return (moment - _WEST).date() <= shown <= (moment + _EAST).date()


def _shown_revision(modified: list[str], days: list[str]) -> str | None:
    """The declared modification date the page shows, the first shown; of those on one day, the
    most trusted source's (rule 3)."""
    by_day = {value[:10]: value for value in reversed(modified)}
    return next((by_day[day] for day in days if day in by_day), None)


def _earlier_line(published: str, seen: Shown) -> str:
    """The date line's date when it is earlier than the declared one and also the first date after
    the headline (rule 4), else the declared date."""
    line, reading = seen.line, seen.first or seen.first_update
    if line and line[:10] < published[:10] and (reading is None or reading[:10] == line[:10]):
        return line
    return published
