"""Metadata read off the visible page: the byline, the date line by the headline, the breadcrumb
trail and the standfirst, for pages that declare none (and the date line also to check a declared
date). Each is looked for only when asked, and the texts are walked from the headline, not from the
top of the page: the declared sources usually answer first, and the page's text costs more to read."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .dates import DATE_IN_TEXT, date_in_text
from .names import split_names

_SPACES = re.compile(r"\s+")
_BYLINE_SELECTOR = '[rel~="author"], [class*="byline"], [id*="byline"], [class*="author"], address'
# Author boxes at the foot of the article and comment authors hold names too, but not (only) the byline's.
_NOT_BYLINE = re.compile(r"comment|avatar|bio|description|about|box|related|more-from|reply|authoriz", re.IGNORECASE)
_NAME_LIKE = re.compile(r"^(?:(?:[A-Z][\w'’.-]*|van|von|der|de|da|del|di|le|la|bin|al)(?:\s+|$)){1,5}$")
_HANDLE = re.compile(r"^[a-z][\w.-]{2,24}$")
# "By" alone, or a label ("Author:", "Contributors", "Article by") whose next text is the names.
_BY_ALONE = re.compile(r"^(?:(?:written|posted|published|reported|words|authored|article|story)\s+)?by:?$"
                       r"|^(?:authors?|author\(s\)|contributors?|writers?|(?:thread|topic) starter|original poster)"
                       r"\s*:?$",
                       re.IGNORECASE)
_BY_LINE = re.compile(r"^(?:(?:written|posted|published|reported|words)\s+)?by\s+\S", re.IGNORECASE)
_DATE_SELECTOR = ", ".join(["time"] + [f'[{attr}*="{word}"]' for attr in ("class", "id")
                                       for word in ("date", "time", "publish", "posted", "meta", "byline", "stamp")])
_BREADCRUMB_SELECTOR = ('[itemtype*="BreadcrumbList"], nav[aria-label*="readcrumb"], [class*="breadcrumb"], '
                        '[id*="breadcrumb"], [class*="crumbs"]')
_CRUMB_SEPARATORS = " \t\n>›»/|·•→:"
_STANDFIRST_SELECTOR = ('[class*="standfirst"], [class*="subtitle"], [class*="subheadline"], [class*="sub-headline"], '
                        '[class*="strapline"], [class*="subhead"], [class*="dek"], [class*="deck"]')
_STANDFIRST_WORDS = re.compile(r"(?:^|[\s_-])(?:standfirst|subtitle|sub-?head(?:line)?|strapline|dek|deck)(?:$|[\s_-])",
                               re.IGNORECASE)
# Marks of an element that holds just a name: "author-name", "author__name", "username", "PostUser-name".
_NAMED_SELECTOR = '[class*="name"], [class*="Name"], [class*="user"], [class*="User"]'
_NAME_MARK = re.compile(r"(?:author|user|poster|member)[-_]{0,2}(?:box[-_]{0,2})?name|username", re.IGNORECASE)
MAX_NAMED_CHARS = 50
MAX_BYLINE_CHARS = 120  # a byline element's whole text
MAX_BY_LINE_CHARS = 60  # an unmarked "By ..." text
MAX_DATE_LINE_CHARS = 200
NEAR_HEADLINE_LEVELS = 3
DATE_LEVELS = 5
MAX_SCANNED = 250
SHORT_TEXT_CHARS = 120  # a text node is a date line only when it holds little else
MAX_TEXTS_AFTER = 150
MAX_TEXTS_BEFORE = 12
MAX_WALKED = 5000
_YEARISH = re.compile(r"(?:19|20)\d\d")
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "h1"})
_UPDATE_MARKS = re.compile(r"updat|modif|revis", re.IGNORECASE)
# A label on its own before the date it names: an update ("Last updated:", "Aktualisiert am"), or a
# date that is not the page's at all: a poster's joining, an organisation's founding, a birth.
MAX_LABEL_CHARS = 30
_UPDATE_LABEL = re.compile(r"^(?:last\s+)?(?:updated|modified|revised|edited)(?:\s+on|\s+at)?\s*:?$"
                           r"|^(?:zuletzt\s+)?aktualisiert(?:\s+am)?:?$|^mis\s+à\s+jour(?:\s+le)?\s*:?$"
                           r"|^actualizado(?:\s+el)?:?$|^(?:ultimo\s+)?aggiornamento:?$|^bijgewerkt(?:\s+op)?:?$",
                           re.IGNORECASE)
_NOT_PUBLISHED = re.compile(r"^(?:joined|member\s+since|registered|founded|established|born|since|"
                            r"mitglied\s+seit|registriert|inscrit|inscrito|iscritto)\b", re.IGNORECASE)
# A full name at the start of a text: two to four capitalised words, what may follow in lower case
# ("Ann Lee in Travel", "Ann Lee on behalf of ...") left out; an optional "By" before it.
_LEADING_NAME = re.compile(r"^(?:by\s+)?((?:[A-Z][^\W\d_][\w'’.-]*\s+){1,3}[A-Z][^\W\d_][\w'’.-]*)(?:\s+[a-z].*)?$")
# Labels and buttons that are capitalised words too ("Last Updated", "Written By", "Get Started").
_NOT_A_NAME = re.compile(r"\b(?:updated?|published|modified|posted|written|by|on|started|read|share|reviewed|"
                         r"edited|min|minutes|reading|time|jump|subscribe|sign|log|more|contents?)\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d$")
_SEPARATOR = re.compile(r"^[\s|•·–—,:-]*$")
NAME_BY_DATE_TEXTS = 6  # the date line must be among the first texts after the headline
NAME_BY_DATE_REACH = 2  # and the name at most this many texts from it


def _text(node: LexborNode) -> str:
    return _SPACES.sub(" ", node.text(deep=True, separator=" ")).strip()


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def headline(tree: LexborHTMLParser, title: str | None = None) -> LexborNode | None:
    """The heading that holds the title (a page may have a logo or a section name in an `<h1>`, and
    some put the headline in an `<h2>` or a styled `<p>`/`<div>`); else the first `<h1>`."""
    wanted = (title or "").casefold()
    first = tree.css_first("h1")
    if not wanted:
        return first
    for selector, limit in (("h1", 6), ("h2, h3", 40)):
        found = next((node for node in tree.css(selector)[:limit] if _text(node).casefold() == wanted), None)
        if found is not None:
            return found
    return first or _text_holder(tree, wanted)


def _text_holder(tree: LexborHTMLParser, wanted: str) -> LexborNode | None:
    # Text nodes, not elements: an element's text would be its whole subtree's, costly near the root.
    for count, node in enumerate(tree.body.traverse(include_text=True) if tree.body is not None else ()):
        if count > MAX_WALKED:
            break
        if node.tag == "-text" and _SPACES.sub(" ", node.text_content or "").strip().casefold() == wanted:
            return node.parent
    return None


# A tag name that can stand in a selector as it is: the parser keeps whatever a page writes ("h1>x",
# "articl\xbc"), and a selector built from such a name does not parse.
_PLAIN_TAG = re.compile(r"[a-z][a-z0-9-]*")


def _with_head(head: LexborNode | None, selector: str) -> str:
    """`selector`, also matching the headline's tag so the headline's place among the matches is known
    (when its tag can be written in a selector; otherwise the scan starts at the top)."""
    tag = head.tag if head is not None else None
    return f"{tag}, {selector}" if tag and _PLAIN_TAG.fullmatch(tag) else selector


def byline(tree: LexborHTMLParser, head: LexborNode | None) -> list[str]:
    """Authors from the byline: elements marked as such, else a "By ..." line near the headline."""
    for node in tree.css(_BYLINE_SELECTOR)[:40]:
        if _NOT_BYLINE.search(_marks(node)) or _inside_comments(node):
            continue
        text = _text(_name_inside(node))
        if 2 <= len(text) <= MAX_BYLINE_CHARS and (names := split_names(text)):
            return names
    return _by_line_near(tree, head)


def _name_inside(node: LexborNode) -> LexborNode:
    """The byline's element marked as the name ("username", "author-name"), when it has one: the rest
    is a rank, a badge or share buttons."""
    inner = (found for found in node.css(_NAMED_SELECTOR)[:10] if _NAME_MARK.search(_marks(found)))
    return next((found for found in inner if _text(found)), node)


def named_author(tree: LexborHTMLParser, head: LexborNode | None) -> list[str]:
    """For pages with no byline: the first element marked as holding a person's name (an author box's
    "author-name", a forum post's "username"), after the headline when there is one. In a thread the
    first poster is the one who wrote the page; an author box at the foot names the article's writer."""
    nodes = tree.css(_with_head(head, _NAMED_SELECTOR))[:MAX_SCANNED]
    start = next((i + 1 for i, node in enumerate(nodes) if node == head), 0)
    for node in nodes[start:]:
        if not _NAME_MARK.search(_marks(node)) or _inside_comments(node, 3):
            continue
        text = _text(node)
        if 2 <= len(text) <= MAX_NAMED_CHARS and (names := split_names(text)):
            return names[:1]
    return []


def name_by_date(tree: LexborHTMLParser, head: LexborNode | None) -> list[str]:
    """For pages with no byline and no marked name: a full name written beside the date line just
    after the headline ("Dec 19, 2025 · Ann Lee", "Ann Lee 02-12-2025", "Ann Lee | Travel | May 3, 2024").
    The text is unmarked, so the date line must be right after the headline and the name must look
    like a person's full name: capitalised words, two to four."""
    if head is None:
        return []
    texts = [text for text in _texts_after(tree, head, NAME_BY_DATE_TEXTS * 2) if not _SEPARATOR.match(text)]
    texts = texts[:NAME_BY_DATE_TEXTS]
    at = next((i for i, text in enumerate(texts) if _is_date_line(text)), None)
    if at is None:
        return []
    rest = DATE_IN_TEXT.sub(" ", texts[at]).strip(" |•·–—,:-")
    nearby = sorted(range(max(0, at - NAME_BY_DATE_REACH), min(len(texts), at + NAME_BY_DATE_REACH + 1)),
                    key=lambda i: (abs(i - at), i < at))
    for candidate in [rest] + [texts[i] for i in nearby if i != at]:
        match = _LEADING_NAME.match(candidate.strip(" |•·–—,:-"))
        if match and len(candidate) <= MAX_NAMED_CHARS and not _NOT_A_NAME.search(match.group(1)):
            return [match.group(1)]
    return []


def _is_date_line(text: str) -> bool:
    return len(text) <= SHORT_TEXT_CHARS and (date_in_text(text, updates=True) is not None
                                              or _NUMERIC_DATE.match(text) is not None)


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
        if node is None or node.tag == "html":
            break
        found.append(node)
    return found


def _by_line_near(tree: LexborHTMLParser, head: LexborNode | None) -> list[str]:
    """A short "By Name" line among the first texts after the headline ("By" alone takes the next
    text). Unmarked text, so the names must look like names: capitalised words."""
    pending = False
    for text in _texts_after(tree, head, MAX_TEXTS_AFTER):
        wanted = pending or (len(text) <= MAX_BY_LINE_CHARS and _BY_LINE.match(text))
        names = split_names(text) if wanted else []
        # A lone lower-case word after "by" is a user's handle ("by jdoe"); several are a phrase.
        if names := [name for name in names if _NAME_LIKE.match(name) or _HANDLE.match(name)]:
            return names
        pending = _BY_ALONE.match(text) is not None
    return []


def date_lines(head: LexborNode | None) -> tuple[str | None, str | None]:
    """The dates written near the headline, (published, updated): in the innermost container of the
    headline that has one, the nearest after the headline (a date before it is more often the site's
    "today" or a teaser). Only `<time>` and elements marked as a date or meta line are read here.
    A date the page calls an update counts as the update."""
    updated = None
    if head is None:
        return None, None
    for container in _near(head, DATE_LEVELS):
        nodes = container.css(_with_head(head, _DATE_SELECTOR))[:MAX_SCANNED]
        start = next((i for i, node in enumerate(nodes) if node == head), -1)
        for node in nodes[start + 1:] + nodes[:max(start, 0)][::-1]:
            found, update = _date_of(node)
            if found and not update:
                return found, updated
            updated = updated or found
    return None, updated


def _date_of(node: LexborNode) -> tuple[str | None, bool]:
    text = _text(node)
    if not text or len(text) > MAX_DATE_LINE_CHARS:
        return None, False
    if _UPDATE_MARKS.search(_marks(node)):
        return date_in_text(text, updates=True), True
    found = date_in_text(text)
    return (found, False) if found else (date_in_text(text, updates=True), True)


def date_after_headline(tree: LexborHTMLParser, head: LexborNode | None) -> tuple[str | None, str | None]:
    """The first date in the texts that follow the headline, else in the few just before it,
    (published, updated), for pages whose date line carries no mark. A label before the date
    ("Last updated:", "Joined") makes it the update, or no date of the page's at all."""
    # Before the headline the texts are read backwards, nearest first: none is labelled by the one read before it.
    texts = itertools.chain(_labelled(_texts_after(tree, head, MAX_TEXTS_AFTER)),
                            (("", text) for text in _texts_before(head, MAX_TEXTS_BEFORE)))
    updated = None
    for label, text in texts:
        if len(text) > SHORT_TEXT_CHARS or not _YEARISH.search(text) or _NOT_PUBLISHED.search(label):
            continue
        found = date_in_text(text) if not _UPDATE_LABEL.search(label) else None
        if found:
            return found, updated
        updated = updated or date_in_text(text, updates=True)
    return None, updated


def _labelled(texts: Iterator[str]) -> Iterator[tuple[str, str]]:
    """Each text with the one before it when that is short enough to be its label ("Updated:",
    "Joined"), else with ""."""
    previous = ""
    for text in texts:
        yield (previous if len(previous) <= MAX_LABEL_CHARS else ""), text
        previous = text


def _texts_before(head: LexborNode | None, limit: int) -> Iterator[str]:
    """The last `limit` non-blank texts before the headline within its near containers, nearest first."""
    seen, node = 0, head
    for _ in range(NEAR_HEADLINE_LEVELS):
        if node is None or node.tag in ("body", "html"):
            return
        sibling = node.prev
        while sibling is not None:
            for text_node in reversed(list(sibling.traverse(include_text=True))):
                text = _SPACES.sub(" ", text_node.text_content or "").strip() if text_node.tag == "-text" else ""
                if text:
                    yield text
                    seen += 1
                    if seen >= limit:
                        return
            sibling = sibling.prev
        node = node.parent


def _texts_after(tree: LexborHTMLParser, head: LexborNode | None, limit: int) -> Iterator[str]:
    """The first `limit` non-blank texts after the headline in reading order, spaces collapsed. Walks text nodes, not
    elements (an element's text is its whole subtree's, costly near the root), and starts at the
    headline, not at the top of the page."""
    seen = 0
    for node in _following(head):
        if node.tag == "-text" and node.parent is not None and node.parent.tag not in _NOT_TEXT:
            text = _SPACES.sub(" ", node.text_content or "").strip()
            if text:
                yield text
                seen += 1
                if seen >= limit:
                    return


def _following(node: LexborNode | None) -> Iterator[LexborNode]:
    """Every node after `node` in document order (its own subtree excluded)."""
    while node is not None and node.tag not in ("body", "html"):
        sibling = node.next
        while sibling is not None:
            yield from sibling.traverse(include_text=True)
            sibling = sibling.next
        node = node.parent


def breadcrumb(tree: LexborHTMLParser) -> list[str]:
    """The breadcrumb trail's items, in order."""
    node = tree.css_first(_BREADCRUMB_SELECTOR)
    if node is None:
        return []
    items = node.css("li") or node.css("a, span:last-child")
    crumbs = [text for item in items[:15] if (text := _text(item).strip(_CRUMB_SEPARATORS))]
    return list(dict.fromkeys(crumbs))


def standfirst(head: LexborNode | None) -> str | None:
    """The standfirst (dek, subtitle) beside the headline."""
    for container in _near(head):
        for node in container.css(_STANDFIRST_SELECTOR)[:10]:
            if _STANDFIRST_WORDS.search(node.attributes.get("class") or ""):
                text = _text(node)
                if 20 <= len(text) <= 400:
                    return text
    return None
