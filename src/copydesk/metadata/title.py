"""The page's headline.

Order of trust: a heading that the `<title>` or a declared title (JSON-LD headline, OpenGraph,
Twitter, Dublin Core) confirms, the longest confirming text winning, and never by a part that is the
site's name (the `<title>` usually carries the headline plus the site's name, and
the page's own heading has the headline without truncation); then the first `<h1>` when it shares at
least half its words with those titles (it is the headline as the reader sees it, reworded from the
search-engine title; an `<h1>` that shares nothing is a slogan or a section name); then the declared
title, then `<title>`, each cut at its first separator ("Headline | Site": titles put the headline
first far more often than last; but "Site | Tagline" gives the tagline); then the first heading.
A heading that is the site's name (declared, or the part of `<title>` the declared title leaves out)
is the logo, not the headline, unless `<title>` puts that name first and nothing leaves it out (a
shop's home page). A confirmed heading loses what it adds to the confirming title when that is a
date or a count of replies ("Dec 18 2025 Headline", "15 Replies to “Headline”").
"""

from __future__ import annotations

import html
import re
from collections.abc import Set

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..blocks import HEADING_MARKERS, compiled_heading_texts
from .dates import MONTHS

_SPACES = re.compile(r"\s+")
# "Headline | Site Name", "Headline - Site Name", "Site Name :: Headline": split at the separators.
_SEPARATORS = re.compile(r"\s+[|–—:·»-]{1,2}\s+")
_WORDS = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")
MIN_SHARED_WORDS = 0.5
# What a heading may add to the headline: a date ("Dec 2025", "18 December 2025"), a reply count.
_NOT_HEADLINE = re.compile(rf"(?:\d{{1,2}}\s+)?{MONTHS}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d"
                           r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d"
                           r"|\d+\s+(?:replies|responses|comments|thoughts)\s+(?:to|on)", re.IGNORECASE)
_EXTRA_MARKS = " \t|/–—:·•,-\"'“”‘’«»()[]"


def _clean(text: str | None) -> str | None:
    # A page that escapes twice shows its reader "&#x26;" and "&reg;": what it meant is "&" and "®".
    text = html.unescape(text) if text and "&" in text else text
    text = _SPACES.sub(" ", text or "").strip().strip(HEADING_MARKERS)
    return text or None


def _key(text: str) -> str:
    """A name as compared with the site's: case, spaces and punctuation aside ("AliExpress" is "aliexpress.")."""
    return _NOT_WORD.sub("", text.casefold())


def _ends(title: str) -> tuple[str, str, str, str] | None:
    """The title cut at its first and at its last separator: "A | B | C" gives ("A", "B | C") and
    ("A | B", "C"), as (first part, rest, all before the last part, last part); None without one."""
    separators = list(_SEPARATORS.finditer(title))
    if not separators:
        return None
    first, last = separators[0], separators[-1]
    return title[: first.start()], title[first.end():], title[: last.start()], title[last.end():]


def _site_parts(title: str | None, declared: list[str]) -> set[str]:
    """The parts of the `<title>` that a declared title leaves out: when the OpenGraph title is the
    `<title>` less its first or last part ("Site: Headline" declared as "Headline"), that part is the
    site's (or the section's) name, whatever it is called."""
    ends = _ends(title) if title else None
    if ends is None:
        return set()
    first, less_first, less_last, last = ends
    wanted = {_key(value) for value in declared}
    found = set()
    if _key(less_first) in wanted:
        found.add(_key(first))
    if _key(less_last) in wanted:
        found.add(_key(last))
    return found - {""}


def _headline_part(title: str, sites: Set[str] = frozenset()) -> str:
    """The first separator-delimited part of a title: the headline, not the site's name; but when
    that part is the site's name ("Site | Tagline", a home page), the rest."""
    parts = [part.strip() for part in _SEPARATORS.split(title) if part.strip()]
    if len(parts) > 1 and _key(parts[0]) in sites:
        return title[_SEPARATORS.search(title).end():].strip()
    return parts[0] if parts else title


def _confirms(heading: str, title: str) -> bool:
    # Of similar length too: a short candidate (the site's name) inside a long heading confirms nothing.
    heading, title = heading.lower(), title.lower()
    return heading == title or (0.6 * len(title) <= len(heading) <= 1.6 * len(title)
                                and (heading in title or title in heading))


def _shares_words(heading: str, references: list[str]) -> bool:
    words = set(_WORDS.findall(heading.lower()))
    for reference in references:
        other = set(_WORDS.findall(reference.lower()))
        if words and other and len(words & other) >= MIN_SHARED_WORDS * min(len(words), len(other)):
            return True
    return not references


def _title_candidates(reference: str) -> list[str]:
    """The title, each separator-delimited part, and the title less its first or last part (the
    headline may itself contain a dash, so the site's name is cut off whole, not split on)."""
    candidates = [reference, *(p.strip() for p in _SEPARATORS.split(reference))]
    if ends := _ends(reference):
        _, less_first, less_last, _ = ends
        candidates += [less_last, less_first]
    return [c for c in candidates if c]


def _best_confirmed(headings: list[str], candidates: list[str]) -> str | None:
    """The heading confirmed by the longest candidate (a site-name h1 only matches a short part)."""
    best, best_length = None, 0
    for heading in headings:
        for candidate in candidates:
            if len(candidate) > best_length and _confirms(heading, candidate):
                best, best_length = _trimmed(heading, candidate), len(candidate)
    return best


def _trimmed(heading: str, candidate: str) -> str:
    """The heading less what it adds to the confirming title when that is a date or a count of
    replies: a blog's "Dec 18 2025 Headline", a comment section's "15 Replies to “Headline”"."""
    at = heading.lower().find(candidate.lower())
    if at < 0 or len(candidate) >= len(heading):
        return heading
    extra = f"{heading[:at]} {heading[at + len(candidate):]}".strip(_EXTRA_MARKS)
    return heading[at: at + len(candidate)] if _NOT_HEADLINE.fullmatch(extra) else heading


_UNSEEN_TAGS = ("script", "style", "noscript", "template")
_UNSEEN_OR_BREAK = ", ".join((*_UNSEEN_TAGS, "br"))


def heading_texts(tree: LexborHTMLParser, limit: int = 12, h1_limit: int = 2) -> tuple[list[str], list[str]]:
    """The visible texts of the page's first `limit` h1 and h2 elements, in order, and of its first
    `h1_limit` h1 elements: by the compiled walker when it is in use (one pass that stops once both are
    found), else from a CSS query, the reference."""
    root = tree.root
    if root is None:
        return [], []
    found = compiled_heading_texts(root, limit, h1_limit)
    if found is not None:
        return found
    nodes = tree.css("h1, h2")
    h1s = [node for node in nodes if node.tag == "h1"][:h1_limit]
    return [_heading_text(node) for node in nodes[:limit]], [_heading_text(node) for node in h1s]


def _heading_text(node: LexborNode) -> str:
    """A heading's visible text: a <script> inside a heading (tracking, ad slots) is not its words,
    and a line break between two words ("Data Analytics<br>Agency") is a space."""
    if node.css_first(_UNSEEN_OR_BREAK) is None:
        return node.text()
    parts, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.tag == "-text":
            parts.append(current.text_content or "")
        elif current.tag == "br":
            parts.append(" ")
        elif current.tag not in _UNSEEN_TAGS:
            stack.extend(reversed(list(current.iter(include_text=True))))
    return "".join(parts)


def find_title(tree: LexborHTMLParser, declared: list[str] | None = None,
               site_names: list[str] | None = None) -> str | None:
    """The page's headline. `declared`: the titles the page's metadata gives, most trusted first;
    None reads the OpenGraph/Twitter title itself. `site_names`: the names the page gives its site
    (a heading that is one of them is the logo, not the headline)."""
    title_node = tree.css_first("title")
    title = _clean(title_node.text()) if title_node is not None else None
    if declared is None:
        meta = tree.css_first('meta[property="og:title"], meta[name="twitter:title"]')
        declared = [meta.attributes.get("content") or ""] if meta is not None else []
    social = next((text for value in declared if (text := _clean(value))), None)
    sites, logos = _site_keys(title, declared, site_names or [])
    first_texts, h1_texts = heading_texts(tree)
    headings = [text for raw in first_texts if (text := _clean(raw)) and _key(text) not in logos]
    # Both titles at once: the longer the confirming text, the surer the match (a section's name in
    # the <title> may match a section heading while the declared title matches the headline whole).
    candidates = [text for reference in (title, social) if reference for text in _title_candidates(reference)
                  if _key(text) not in sites]
    confirmed = _best_confirmed(headings, candidates)
    if confirmed:
        return confirmed
    first_h1 = next((text for raw in h1_texts if (text := _clean(raw)) and _key(text) not in logos), None)
    if first_h1 and _shares_words(first_h1, [r for r in (title, social) if r]):
        return first_h1
    if social:
        return _headline_part(social, sites)
    if title:
        return _headline_part(title, sites)
    return headings[0] if headings else None


def _site_keys(title: str | None, declared: list[str], site_names: list[str]) -> tuple[set[str], set[str]]:
    """The site's names as `_key`s: those no part of a title may be taken for the headline (the
    declared names and the parts of `<title>` the declared title leaves out), and those no heading
    may be (the logo's). A heading with the declared name is still the headline when `<title>` puts
    that name first and the declared title does not leave it out (a shop's home page: "The Barn - Shop")."""
    names = {_key(name) for name in site_names}
    left_out = _site_parts(title, [value for value in declared if value and _key(value) not in names])
    logos = (names - {_key(_headline_part(title))} if title else names) | left_out
    return names | left_out, logos
