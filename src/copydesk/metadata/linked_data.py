"""JSON-LD (schema.org) blocks: the article's own description of itself, when the page has one."""

from __future__ import annotations

import json
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

Fields = dict[str, list[Any]]

_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$|;\s*$")
_PAGE_TYPES = ("WebPage", "Page")
_ARTICLE_TYPES = ("Article", "BlogPosting", "Posting", "Report", "NewsArticle")
# Type names end with these (`_is`): "NewsMediaOrganization" is an "Organization".
_ORGANISATION_TYPES = ("Organization", "Corporation", "LocalBusiness")
MAX_OBJECTS = 200


def from_json_ld(tree: LexborHTMLParser, scripts: list[str] | None = None) -> Fields:
    """Candidates per field from the page's JSON-LD, the article object's before the page's.

    `scripts`: the JSON-LD texts when already read (`blocks.structured_data`); None reads them here.
    """
    if scripts is None:
        scripts = [node.text() for node in tree.css('script[type="application/ld+json"]')]
    objects = [obj for text in scripts for obj in _objects(text)]
    if not objects:
        return {}
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    fields: Fields = {}
    main = [obj for obj in objects if _is(obj, _ARTICLE_TYPES)] + [obj for obj in objects if _is(obj, _PAGE_TYPES)]
    for obj in main:
        _describe(obj, by_id, fields)
    for obj in objects:
        if _is(obj, ("WebSite",)):
            _add(fields, "site_name", _text(obj.get("name")))
        elif _is(obj, ("BreadcrumbList",)):
            _add(fields, "breadcrumb", _crumbs(obj, by_id))
    return fields


def article_body(scripts: list[str]) -> str:
    """The longest `articleBody` of the page's JSON-LD objects (the article's text as the site gives it
    to search engines), or "" when none has one."""
    bodies = [value for text in scripts if "articleBody" in text for obj in _objects(text)
              if isinstance(value := obj.get("articleBody"), str)]
    return max(bodies, key=len, default="")


def _objects(text: str) -> list[dict[str, Any]]:
    """Every typed object in one script: top level, lists, `@graph`, one level of main entities."""
    try:
        data = json.loads(_WRAPPERS.sub("", text), strict=False)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []
    pending = [data]
    while pending and len(found) < MAX_OBJECTS:
        item = pending.pop(0)
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            pending.extend(value for key in ("@graph", "mainEntity") if isinstance(value := item.get(key), list | dict))
    return found


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _is(obj: dict[str, Any], suffixes: tuple[str, ...]) -> bool:
    return any(kind.endswith(suffixes) for kind in _types(obj))


def _describe(obj: dict[str, Any], by_id: dict[str, dict[str, Any]], fields: Fields) -> None:
    _add(fields, "title", _text(obj.get("headline")) or _text(obj.get("name")))
    _add(fields, "subtitle", _text(obj.get("alternativeHeadline")))
    _add(fields, "description", _text(obj.get("description")))
    authors = obj.get("author") or obj.get("creator")
    _add(fields, "authors", _names(authors, by_id))
    # The authors that are organisations, which stand in for the people who wrote the page.
    _add(fields, "organisations", _names(authors, by_id, _ORGANISATION_TYPES))
    _add(fields, "published", _text(obj.get("datePublished")) or _text(obj.get("dateCreated")))
    _add(fields, "modified", _text(obj.get("dateModified")))
    _add(fields, "section", _text(obj.get("articleSection")))
    _add(fields, "publisher", _first_name(obj.get("publisher"), by_id))
    _add(fields, "language", _text(obj.get("inLanguage")))
    _add(fields, "tags", _keywords(obj.get("keywords")))
    _add(fields, "lead_image", _url(obj.get("image") or obj.get("thumbnailUrl")))
    _add(fields, "canonical_url", _url(obj.get("mainEntityOfPage")) or _text(obj.get("url")))
    if isinstance(obj.get("breadcrumb"), dict):
        _add(fields, "breadcrumb", _crumbs(obj["breadcrumb"], by_id))


def _add(fields: Fields, name: str, value: Any) -> None:
    if value:
        fields.setdefault(name, []).append(value)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float | dict)), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    # A reference by @id alone points into the @graph, where the person or organisation is described.
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _names(value: Any, by_id: dict[str, dict[str, Any]], kinds: tuple[str, ...] | None = None) -> list[str]:
    """The names of the people or organisations in `value`; with `kinds`, only of objects of those types."""
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values[:20]:
        item = _resolve(item, by_id)
        if kinds is not None and not (isinstance(item, dict) and _is(item, kinds)):
            continue
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name:
            names.append(name)
    return names


def _first_name(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    names = _names(value, by_id)
    return names[0] if names else None


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return _text(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [text for item in value if (text := _text(item))]


def _position(value: Any, default: int) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _crumbs(obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    items = obj.get("itemListElement")
    if not isinstance(items, list):
        return []
    ranked = []
    for index, item in enumerate(items[:20]):
        if not isinstance(item, dict):
            continue
        thing = _resolve(item.get("item"), by_id)
        name = _text(item.get("name")) or (_text(thing.get("name")) if isinstance(thing, dict) else None)
        ranked.append((_position(item.get("position"), index), index, name))
    return [name for _, _, name in sorted(ranked) if name]
