"""A depth cap on markup, applied before parsing.

The HTML5 tree builder looks through the whole stack of open elements for a `<p>` to close on every
block start tag (`<div>`, `<ul>`, `<section>`, ...), and lexbor does exactly that: parsing is quadratic in
the nesting depth, and 100,000 nested divs take half a minute. Browsers cap the tree's depth (Chromium at
512). copydesk counts the depth with a light tag scan and, beyond `MAX_DEPTH`, replaces the excess tags
with spaces: their text stays, in the element at the cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Real pages stay under a few hundred levels; this leaves a wide margin and parses in milliseconds.
MAX_DEPTH = 5000
# Depth needs tags: below this many `<` the worst case (all of them nested divs) parses in under a second,
# and the scan (about 45 ms per MB of markup) is skipped; that is 1,489 of the 1,491 AEB and WCXB pages.
SCAN_MIN_TAGS = 20_000
# lexbor's <select> is quadratic in its options too (20,000 take 3-6 s); copydesk skips selects, so options
# past this many lose their tags (their text stays inside the select, still skipped).
MAX_OPTIONS = 2000
# A tag's attributes are read this far at most, so a `<` never closed by `>` costs a bounded scan.
_MAX_TAG_CHARS = 4096

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comments: their contents are not tags
    r"|<(script|style|textarea|title|xmp)\b.*?(?:</\1\s*>|\Z)"  # raw text: '<div>' in a script is no tag
    rf"|<(/?)([a-zA-Z][^\s/>]*)[^>]{{0,{_MAX_TAG_CHARS}}}+>?",
    re.S | re.I,
)
# Never open anything (void) or never nest in themselves (closed by a sibling or their parent's end):
# counting them would read a page of unclosed <p> or <li> as deep.
_UNCOUNTED = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "keygen", "frame", "basefont", "bgsound", "image", "p", "li", "dt", "dd", "optgroup",
    "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "rb", "rt", "rp", "rtc", "h1", "h2",
    "h3", "h4", "h5", "h6", "html", "head", "body",
})


@dataclass(frozen=True, slots=True)
class TagCounts:
    """Upper bounds on a page's `<` and `<option` counts, taken on the raw bytes where there are any
    (a bytes scan is a tenth of a str scan's cost): a '<' byte inside a multibyte character only makes
    the count higher, which can only cost a scan, never skip one that was needed."""

    tags: int
    options: int

    @classmethod
    def of_bytes(cls, data: bytes) -> TagCounts:
        tags = data.count(b"<")
        # A search that stops at the first hit before two counts that read everything.
        has_select = tags > MAX_OPTIONS and (b"<select" in data or b"<SELECT" in data)
        options = data.count(b"<option") + data.count(b"<OPTION") if has_select else 0
        return cls(tags, options)

    @classmethod
    def of_text(cls, markup: str) -> TagCounts:
        tags = markup.count("<")
        return cls(tags, _options(markup) if tags > MAX_OPTIONS else 0)


def cap_depth(markup: str, counts: TagCounts | None = None) -> str:
    """`markup` with the tags that nest deeper than `MAX_DEPTH`, and the `<option>` tags past `MAX_OPTIONS`,
    replaced by spaces (unchanged if there are none). `counts`: from the raw bytes, when known."""
    counts = counts or TagCounts.of_text(markup)
    if counts.tags <= MAX_OPTIONS or (counts.tags < SCAN_MIN_TAGS and counts.options <= MAX_OPTIONS):
        return markup
    cuts = _excess_tags(markup)
    if not cuts:
        return markup
    pieces, previous = [], 0
    for start, end in cuts:
        pieces.append(markup[previous:start])
        pieces.append(" ")
        previous = end
    pieces.append(markup[previous:])
    return "".join(pieces)


def _options(markup: str) -> int:
    # The usual spellings only: a page mixing cases in 2,000 option tags is left to the full scan's trigger.
    return markup.count("<option") + markup.count("<OPTION")


def _excess_tags(markup: str) -> list[tuple[int, int]]:
    """Spans of the start and end tags of elements beyond `MAX_DEPTH`, by a stack of open elements."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    excess: dict[str, int] = {}  # elements opened beyond the cap and not yet closed, by name
    cuts: list[tuple[int, int]] = []
    options = 0
    for match in _TOKEN.finditer(markup):
        name = match.group(3)
        if name is None:
            continue
        name = name.lower()
        if name == "option":
            options += not match.group(2)
            if options > MAX_OPTIONS:
                cuts.append(match.span())
            continue
        if name in _UNCOUNTED:
            continue
        if not match.group(2):
            if len(stack) < MAX_DEPTH:
                stack.append(name)
                open_count[name] = open_count.get(name, 0) + 1
            else:
                excess[name] = excess.get(name, 0) + 1
                cuts.append(match.span())
        elif excess.get(name):
            # Elements beyond the cap are always the innermost: an end tag closes one of them first.
            excess[name] -= 1
            cuts.append(match.span())
        elif open_count.get(name):
            _close(stack, open_count, name)
            excess.clear()  # closing an ancestor closed everything inside it
    return cuts


def _close(stack: list[str], open_count: dict[str, int], name: str) -> None:
    while True:
        top = stack.pop()
        open_count[top] -= 1
        if top == name:
            return
