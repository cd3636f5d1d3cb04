"""Metadata read off the visible page, for pages that declare none: the byline, the date line near
the headline, the breadcrumb trail and the standfirst. Each is looked for only when asked (the
declared sources usually answer first, and these selects cost more)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .dates import date_in_text
from .names import split_names

_SPACES = re.compile(r"\s+")
_BYLINE_SELECTOR = '[rel~="author"], [class*="byline"], [id*="byline"], [class*="author"], address'
# Author boxes at the foot of the article and comment authors hold names too, but not (only) the byline's.
_NOT_BYLINE = re.compile(r"comment|avatar|bio|description|about|box|related|more-from|reply", re.IGNORECASE)
_BY_LINE = re.compile(r"^(?:(?:written|posted|published|reported|words)\s+)?by\s+\S", re.IGNORECASE)
_DATE_MARKS = re.compile(r"date|time|publish|posted|meta|byline|info|stamp", re.IGNORECASE)
_BREADCRUMB_SELECTOR = ('[itemtype*="BreadcrumbList"], nav[aria-label*="readcrumb"], [class*="breadcrumb"], '
                        '[id*="breadcrumb"], [class*="crumbs"]')
_CRUMB_SEPARATORS = " \t\n>›»/|·•→:"
_STANDFIRST_SELECTOR = ('[class*="standfirst"], [class*="subtitle"], [class*="subheadline"], [class*="sub-headline"], '
                        '[class*="strapline"], [class*="subhead"], [class*="dek"], [class*="deck"]')
_STANDFIRST_WORDS = re.compile(r"(?:^|[\s_-])(?:standfirst|subtitle|sub-?head(?:line)?|strapline|dek|deck)(?:$|[\s_-])",
                               re.IGNORECASE)
MAX_BYLINE_CHARS = 120
NEAR_HEADLINE_LEVELS = 3
DATE_LEVELS = 5
MAX_SCANNED = 250
SHORT_DATE_CHARS = 40  # an unmarked element is a date line only when it holds little else


def _text(node: LexborNode) -> str:
    return _SPACES.sub(" ", node.text(deep=True, separator=" ")).strip()


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def headline(tree: LexborHTMLParser, title: str | None = None) -> LexborNode | None:
    """The `<h1>` that holds the title (a page may have a logo or a section name in another)."""
    headings = tree.css("h1")[:6]
    wanted = (title or "").casefold()
    return next((h for h in headings if wanted and _text(h).casefold() == wanted), headings[0] if headings else None)


def byline(tree: LexborHTMLParser, title: str | None = None) -> list[str]:
    """Authors from the byline: elements marked as such, else a "By ..." line near the headline."""
    for node in tree.css(_BYLINE_SELECTOR)[:40]:
        if _NOT_BYLINE.search(_marks(node)) or _inside_comments(node):
            continue
        text = _text(node)
        if 2 <= len(text) <= MAX_BYLINE_CHARS and (names := split_names(text)):
            return names
    return _by_line_near(headline(tree, title))


def _inside_comments(node: LexborNode, levels: int = 6) -> bool:
    parent = node.parent
    for _ in range(levels):
        if parent is None:
            return False
        if "comment" in _marks(parent).lower():
            return True
        parent = parent.parent
    return False


def _near(head: LexborNode | None, levels: int = NEAR_HEADLINE_LEVELS) -> list[LexborNode]:
    """The headline's containers, innermost first: where a byline or date line sits."""
    found, node = [], head
    for _ in range(levels):
        node = node.parent if node is not None else None
        if node is None or node.tag in ("body", "html"):
            break
        found.append(node)
    return found


def _by_line_near(head: LexborNode | None) -> list[str]:
    for container in _near(head):
        for node in container.css("p, span, div, a, address, li")[:80]:
            text = _text(node)
            if len(text) <= MAX_BYLINE_CHARS and _BY_LINE.match(text) and (names := split_names(text)):
                return names
    return []


def date_line(tree: LexborHTMLParser, title: str | None = None) -> str | None:
    """A date written near the headline: in the innermost container of the headline that has one,
    the nearest after the headline (a date before it is more often the site's "today" or a teaser)."""
    head = headline(tree, title)
    for container in _near(head, DATE_LEVELS):
        nodes = container.css("*")[:MAX_SCANNED]
        start = next((i for i, node in enumerate(nodes) if node == head), 0)
        for node in nodes[start:] + nodes[:start][::-1]:
            if (found := _date_of(node)) is not None:
                return found
    return None


def _date_of(node: LexborNode) -> str | None:
    marked = node.tag == "time" or _DATE_MARKS.search(_marks(node))
    text = _text(node) if marked or node.child is None or node.child.tag == "-text" else ""
    if not text or len(text) > (200 if marked else SHORT_DATE_CHARS):
        return None
    return date_in_text(text)


def breadcrumb(tree: LexborHTMLParser) -> list[str]:
    """The breadcrumb trail's items, in order."""
    node = tree.css_first(_BREADCRUMB_SELECTOR)
    if node is None:
        return []
    items = node.css("li") or node.css("a, span:last-child")
    crumbs = [text for item in items[:15] if (text := _text(item).strip(_CRUMB_SEPARATORS))]
    return list(dict.fromkeys(crumbs))


def standfirst(tree: LexborHTMLParser) -> str | None:
    """The standfirst (dek, subtitle) under the headline."""
    for node in tree.css(_STANDFIRST_SELECTOR)[:10]:
        if _STANDFIRST_WORDS.search(node.attributes.get("class") or ""):
            text = _text(node)
            if 20 <= len(text) <= 400:
                return text
    return None
