"""Page metadata beside the body: title, standfirst, authors, dates, section, site, language, ...

Every field comes from the most trusted source that has a usable value, in this order:

1. JSON-LD (`script[type="application/ld+json"]`): the `*Article`/`BlogPosting`/`*Posting` object,
   then `WebPage`-like objects, `@graph` and lists included; `WebSite` for the site's name and
   `BreadcrumbList` for the trail. Authors as a string, an object, a list or an `@id` reference.
2. OpenGraph and Twitter cards (`og:*`, `article:*`, `twitter:*`).
3. Plain `<meta>` names: `author`, `date`, Dublin Core (`dc.*`, `dcterms.*`), `parsely-*`,
   `sailthru.*`, `citation_*`, `keywords`, ...; then Twitter's "Written by" label/data pair.
4. Microdata (`itemprop`: author, datePublished, headline, ...). Several different people marked as
   authors are a thread's posters: the first of them counts only after the visible byline (a
   "Thread starter" label), since a pinned or featured post may come first.
5. `<time datetime>` elements (one marked as the publication's first, else the first in the page);
   then any other `<meta>` whose name says it holds a publication or update date.
6. The visible page: byline elements (`rel=author`, classes with "byline"/"author") or a "By ..."
   line after the headline, a date line by the headline, the breadcrumb trail, the standfirst;
   for authors still missing, the first element after the headline marked as a person's name
   ("author-name", a forum post's "username": a thread's first poster).
   An "Updated ..." date there is `modified`, and `published` only when no other date is shown.
   A declared publication date is checked against the dates shown by the headline: see
   `published.py` for when a shown date replaces it.
7. For the publication date only, a date in the URL's path (/2024/03/05/).

Exceptions, where a lower source is the better witness: the title is the page's own heading when the
declared titles confirm it (see `title.py`); the language is `<html lang>` first (the page's own
declaration of what it is written in), detected from the body text when nothing declares it; the
canonical URL is `<link rel=canonical>` first. A value that does not parse (a date before 1990 or in
the future, an author that is a URL) falls through to the next source. Nothing here raises.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from . import dom, language, markup
from . import published as published_date
from .dates import date_in_url, parse_date
from .linked_data import from_json_ld
from .names import clean_authors
from .title import find_title

__all__ = ["find_metadata", "find_title"]

Fields = dict[str, list[Any]]
_SPACES = re.compile(r"\s+")
_HOME = {"home", "homepage", "home page", "start", "startseite", "accueil", "inicio", "main", "index"}
# A user name, not a person's: one word with a dot, an underscore or a digit, or a capital inside it.
_HANDLE = re.compile(r"^(?=\S*(?:[._\d]|[a-z][A-Z]))[\w.-]{3,30}$")
_FULL_NAME = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[\w'’.-]+)*\s+[A-Z][\w'’.-]+$")
MAX_TAGS = 30
MAX_TAG_CHARS = 60
MAX_TEXT_CHARS = 1000


def find_metadata(tree: LexborHTMLParser, url: str | None, body_text: Callable[[], str],
                  json_ld: list[str] | None = None) -> dict[str, Any]:
    """Every metadata field of `Article` (url aside) for the parsed page. `body_text` is called only
    when the language has to be detected; `json_ld`: the page's JSON-LD texts when already read."""
    meta = markup.meta_tags(tree)
    links = markup.from_links(tree)
    linked, social, plain, other = from_json_ld(tree, json_ld), markup.social(meta), markup.plain(meta), \
        markup.other_dates(meta)
    microdata = markup.from_microdata(tree)
    pick = _Picker([linked, social, plain, markup.labelled(meta), microdata, markup.from_time_elements(tree), other])
    title = find_title(tree, pick.texts("title"), pick.texts("site_name"))
    head = _Lazy(lambda: dom.headline(tree, title))
    crumbs = _trail(pick.first("breadcrumb") or dom.breadcrumb(tree), title)
    base = url or _first_url(links.get("canonical_url"), None)
    return {
        "title": title,
        "subtitle": _clean_text(pick.first("subtitle") or dom.standfirst(head())),
        "authors": _authors(pick, tree, head),
        **_dates(pick, linked, [social, plain, other], microdata, tree, head, url),
        "section": _clean_text(pick.first("section")) or _section(crumbs),
        "breadcrumb": crumbs,
        "site_name": _clean_text(pick.first("site_name")),
        "publisher": _clean_text(next((p for p in pick.all("publisher") if "://" not in p), None)),
        "language": _language(links, pick, body_text),
        "canonical_url": _first_url(links.get("canonical_url"), base) or _first_url(pick.all("canonical_url"), base),
        "description": _clean_text(pick.first("description")),
        "tags": _tags(pick.all("tags")),
        "lead_image": _first_url(pick.all("lead_image") + links.get("lead_image", []), base),
    }


class _Lazy:
    """A value computed on first use: the headline's node is looked for only when the DOM is read."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute, self.done, self.value = compute, False, None

    def __call__(self) -> Any:
        if not self.done:
            self.value, self.done = self.compute(), True
        return self.value


class _Picker:
    """The candidates for each field across the sources, most trusted first."""

    def __init__(self, sources: list[Fields]) -> None:
        self.sources = sources

    def all(self, field: str) -> list[Any]:
        return [value for source in self.sources for value in source.get(field, ())]

    def first(self, field: str) -> Any:
        return next(iter(self.all(field)), None)

    def texts(self, field: str) -> list[str]:
        return [text for value in self.all(field) if (text := _clean_text(value))]

    def date(self, field: str) -> str | None:
        return next((found for value in self.all(field) if (found := parse_date(value))), None)

    def dates(self, field: str) -> list[str]:
        return [found for value in self.all(field) if (found := parse_date(value))]


def _clean_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", html.unescape(value)).strip()
    return text[:MAX_TEXT_CHARS] or None


def _authors(pick: _Picker, tree: LexborHTMLParser, head: _Lazy) -> list[str]:
    """The first source's names; but a source that names only the site or its publisher (an
    organisation standing in as author) yields to a later one that names people."""
    # An author the page's JSON-LD types as an organisation stands in for the byline's people too.
    organisations = clean_authors([_clean_text(v) or "" for value in pick.all("organisations") for v in value])
    owners = {text.casefold() for text in pick.texts("site_name") + pick.texts("publisher") + organisations}
    fallback: list[str] = []
    for value in pick.all("authors"):
        names = clean_authors([_clean_text(v) or "" for v in (value if isinstance(value, list) else [value])])
        if names and not {name.casefold() for name in names} <= owners:
            if all(_HANDLE.match(name) for name in names) and (shown := _full_names(dom.byline(tree, head()))):
                return shown  # a login ("jdoe", "KatieS") the system filled in; the byline the writer's name
            return _people(names, owners)
        fallback = fallback or names
    posters = clean_authors([_clean_text(v) or "" for value in pick.all("posters") for v in value])
    return (_people(dom.byline(tree, head()), owners) or posters[:1] or dom.named_author(tree, head())
            or dom.name_by_date(tree, head()) or fallback)


def _full_names(names: list[str]) -> list[str]:
    """The names when each is a full name as people write theirs: capitalised words, two or more."""
    return names if names and all(_FULL_NAME.match(name) for name in names) else []


def _people(names: list[str], owners: set[str]) -> list[str]:
    """Names without the publication's: "Ann Lee, The Daily Post" is Ann Lee, and so is a byline's
    "Ann Lee USA TODAY" (the publisher's name run on after hers)."""
    people = []
    for name in names:
        folded = name.casefold()
        owner = next((owner for owner in owners if folded.endswith(" " + owner)), None)
        if owner and name[: -len(owner)].rstrip()[-1:].isalpha():
            name = name[: -len(owner)].rstrip()
        if folded not in owners and name:
            people.append(name)
    return people or names


def _dates(pick: _Picker, linked: Fields, metas: list[Fields], microdata: Fields, tree: LexborHTMLParser,
           head: _Lazy, url: str | None) -> dict[str, str | None]:
    """Published and modified. A declared publication date is checked against the dates shown by the
    headline (see `published.choose`). A page that shows or declares only an update date ("Last
    updated: ...") gives that as its best publication date too: published on or before it, and
    nothing earlier is said. `linked`, `metas`, `microdata`: the JSON-LD, the `<meta>` tag and the
    microdata sources on their own, for where the declared dates come from."""
    published, modified = pick.date("published"), pick.date("modified")
    if published is not None:
        declared = published_date.Declared(
            published, modified=pick.dates("modified"), witnesses=_Picker([linked, *metas]).dates("published"),
            in_meta=any(meta.get("published") for meta in metas), thread=len(microdata.get("published", ())) > 1)
        published = published_date.choose(declared, lambda: _shown(tree, head()))
    else:
        shown, updated = dom.date_lines(head())
        if shown is None:
            shown, updated_later = dom.date_after_headline(tree, head())
            updated = updated or updated_later
        published = shown or updated or date_in_url(url) or modified
        modified = modified or updated
    return {"published": published, "modified": modified}


def _shown(tree: LexborHTMLParser, head: Any) -> published_date.Shown:
    line, line_update = dom.date_lines(head)
    first, first_update = dom.date_after_headline(tree, head)
    return published_date.Shown(line, line_update, first, first_update)


def _language(links: Fields, pick: _Picker, body_text: Callable[[], str]) -> str | None:
    for value in links.get("language", []) + pick.all("language"):
        if isinstance(value, str) and (tag := language.normalise(value)):
            return tag
    return language.detect(body_text())


def _trail(crumbs: list[str], title: str | None) -> list[str]:
    """The breadcrumb without its last item when that is the page's own (often truncated) title."""
    crumbs = [text for crumb in crumbs if (text := _clean_text(crumb))]
    if crumbs and title and _is_title(crumbs[-1], title):
        crumbs = crumbs[:-1]
    return crumbs


def _is_title(crumb: str, title: str) -> bool:
    stem = crumb.rstrip(".… ").casefold()
    return len(stem) >= 15 and title.casefold().startswith(stem) or stem == title.casefold()


def _section(crumbs: list[str]) -> str | None:
    inner = [crumb for crumb in crumbs if crumb.casefold() not in _HOME]
    return inner[-1] if inner else None


def _first_url(values: list[Any] | None, base: str | None) -> str | None:
    for value in values or ():
        text = _clean_text(value)
        if not text or text.startswith(("data:", "javascript:")) or " " in text:
            continue
        return urljoin(base, text) if base else text
    return None


def _tags(values: list[Any]) -> list[str]:
    tags: dict[str, str] = {}
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            text = _clean_text(item)
            if text and len(text) <= MAX_TAG_CHARS:
                tags.setdefault(text.casefold(), text)
    return list(tags.values())[:MAX_TAGS]
