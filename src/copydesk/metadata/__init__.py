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
   ("author-name", a forum post's "username": a thread's first poster), then a full name beside
   the date line just after the headline.
   An "Updated ..." date there (or one after a label of its own, "Last updated:") is `modified`,
   and `published` only when no other date is shown; one after "Joined" or "Founded" is neither.
7. For the publication date only, a date in the URL's path (/2024/03/05/).

Exceptions, where a lower source is the better witness: the title is the page's own heading when the
declared titles confirm it (see `title.py`); a declared publication date yields to a date shown by
the headline in the cases `published.py` lists; authors that are only the site's name, the
publisher's or an organisation (as the JSON-LD types it) yield to a later source that names people,
and at the last to the names the page shows (byline, first poster, marked name, name by the date
line); declared logins ("andrew.keaveney", "KatieS") yield to the byline's full names; the language
is `<html lang>` first (the page's own declaration of what it is written in), detected from the
body text when nothing declares it; the canonical URL is `<link rel=canonical>` first. A value that
does not parse (a date before 1990 or in the future, an author that is a URL) falls through to the
next source. Nothing here raises.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import dom, language, markup
from . import published as published_date
from .dates import date_in_url, parse_date
from .linked_data import from_json_ld
from .names import all_full_names, all_logins, clean_authors
from .title import find_title

__all__ = ["find_metadata", "find_title"]

Fields = dict[str, list[Any]]
_SPACES = re.compile(r"\s+")
_HOME = {"home", "homepage", "home page", "start", "startseite", "accueil", "inicio", "main", "index"}
MAX_TAGS = 30
MAX_TAG_CHARS = 60
MAX_TEXT_CHARS = 1000


def find_metadata(tree: LexborHTMLParser, url: str | None, body_text: Callable[[], str],
                  json_ld: list[str] | None = None) -> dict[str, Any]:
    """Every metadata field of `Article` (url aside) for the parsed page. `body_text` is called only
    when the language has to be detected; `json_ld`: the page's JSON-LD texts when already read."""
    meta = markup.meta_tags(tree)
    links = markup.from_links(tree)
    linked, microdata = from_json_ld(tree, json_ld), markup.from_microdata(tree)
    social, plain, other = markup.social(meta), markup.plain(meta), markup.other_dates(meta)
    pick = _Picker([linked, social, plain, markup.labelled(meta), microdata, markup.from_time_elements(tree), other])
    title = find_title(tree, pick.texts("title"), pick.texts("site_name"))
    head = _Lazy(lambda: dom.headline(tree, title))
    crumbs = _trail(pick.first("breadcrumb") or dom.breadcrumb(tree), title)
    base = url or _first_url(links.get("canonical_url"), None)
    return {
        "title": title,
        "subtitle": _clean_text(pick.first("subtitle") or dom.standfirst(head())),
        "authors": _authors(pick, tree, head),
        **_dates(pick, _declared(pick, linked, [social, plain, other], microdata), tree, head, url),
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
    """The first source's names; but a source that names only the site, its publisher or an
    organisation (one standing in as author) yields to a later source that names people, and at the
    last to the names the page shows. Declared logins yield to the byline's full names."""
    owners = _owners(pick)
    fallback: list[str] = []
    for value in pick.all("authors"):
        names = _author_names(value if isinstance(value, list) else [value])
        if names and not {name.casefold() for name in names} <= owners:
            return _byline_for_logins(names, tree, head) or _people(names, owners)
        fallback = fallback or names
    posters = _author_names([name for value in pick.all("posters") for name in value])
    return (_people(dom.byline(tree, head()), owners) or posters[:1] or dom.named_author(tree, head())
            or dom.name_by_date(tree, head()) or fallback)


def _author_names(values: list[Any]) -> list[str]:
    """The cleaned names in raw author values (`names.clean_authors`)."""
    return clean_authors([_clean_text(value) or "" for value in values])


def _owners(pick: _Picker) -> set[str]:
    """The names, case folded, of whoever owns the page rather than wrote it: the site, the publisher,
    and the authors the page's JSON-LD types as organisations."""
    organisations = _author_names([name for value in pick.all("organisations") for name in value])
    return {text.casefold() for text in pick.texts("site_name") + pick.texts("publisher") + organisations}


def _byline_for_logins(names: list[str], tree: LexborHTMLParser, head: _Lazy) -> list[str]:
    """When the declared authors are all logins ("andrew.keaveney", "KatieS") the publishing system
    filled in, the byline's names if they are full names: the writer's name as the page shows it."""
    if not all_logins(names):
        return []
    shown = dom.byline(tree, head())
    return shown if all_full_names(shown) else []


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


def _declared(pick: _Picker, linked: Fields, metas: list[Fields], microdata: Fields) -> published_date.Declared | None:
    """The page's declared publication date and what `published.choose` weighs it with, or None
    when it declares none. `linked`, `metas`, `microdata`: the JSON-LD, the `<meta>` tag and the
    microdata sources on their own, for where the declared dates come from."""
    published = pick.date("published")
    if published is None:
        return None
    return published_date.Declared(
        published, modified=pick.dates("modified"), witnesses=_Picker([linked, *metas]).dates("published"),
        in_meta=any(meta.get("published") for meta in metas), thread=len(microdata.get("published", ())) > 1)


def _dates(pick: _Picker, declared: published_date.Declared | None, tree: LexborHTMLParser, head: _Lazy,
           url: str | None) -> dict[str, str | None]:
    """Published and modified. A declared publication date is checked against the dates shown by the
    headline (see `published.choose`). A page that shows or declares only an update date ("Last
    updated: ...") gives that as its best publication date too: published on or before it, and
    nothing earlier is said."""
    modified = pick.date("modified")
    if declared is not None:
        return {"published": published_date.choose(declared, lambda: _dates_shown(tree, head())), "modified": modified}
    published, updated = _date_shown(tree, head())
    return {"published": published or updated or date_in_url(url) or modified, "modified": modified or updated}


def _dates_shown(tree: LexborHTMLParser, head: LexborNode | None) -> published_date.Shown:
    """Every date shown by the headline, to check a declared one against."""
    line, line_update = dom.date_lines(head)
    first, first_update = dom.date_after_headline(tree, head)
    return published_date.Shown(line, line_update, first, first_update)


def _date_shown(tree: LexborHTMLParser, head: LexborNode | None) -> tuple[str | None, str | None]:
    """(published, updated) as the page shows them, for a page that declares no publication date: the
    marked date line's, else the first date after the headline's."""
    shown, updated = dom.date_lines(head)
    if shown is None:
        shown, updated_later = dom.date_after_headline(tree, head)
        updated = updated or updated_later
    return shown, updated


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
