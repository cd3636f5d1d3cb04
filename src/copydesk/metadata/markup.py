"""Metadata the page declares in markup: `<meta>` tags (OpenGraph, Twitter cards, Dublin Core and
the generic names publishing systems use), `<link>`s, `<html lang>`, microdata and `<time>`."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

Fields = dict[str, list]

# Field -> meta names/properties, most trusted first. OpenGraph and Twitter before plain names.
_META_SOCIAL = {
    "title": ("og:title", "twitter:title"),
    "description": ("og:description", "twitter:description"),
    "site_name": ("og:site_name",),
    "lead_image": ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
    "canonical_url": ("og:url",),
    "language": ("og:locale",),
    "published": ("article:published_time", "og:article:published_time", "og:published_time"),
    "modified": ("article:modified_time", "og:article:modified_time", "og:updated_time"),
    "section": ("article:section", "og:article:section"),
    "tags": ("article:tag", "og:article:tag"),
    "authors": ("article:author", "og:article:author"),
}
_META_PLAIN = {
    "title": ("dc.title", "dcterms.title", "parsely-title", "sailthru.title", "citation_title", "title"),
    "description": ("description", "dc.description", "dcterms.description", "sailthru.description"),
    "authors": ("author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "byl",
                "citation_author", "article.author", "creator", "dc.contributor"),
    "published": ("datepublished", "publishdate", "publish-date", "publish_date", "published_time",
                  "publication_date", "pubdate", "date", "dc.date", "dc.date.issued", "dc.date.created",
                  "dcterms.date", "dcterms.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
                  "citation_publication_date", "citation_date", "article.published", "created",
                  "originalpublicationdate", "published"),
    "modified": ("datemodified", "last-modified", "lastmod", "dc.date.modified", "dcterms.modified",
                 "article.updated", "revised", "updated"),
    "section": ("parsely-section", "section", "article.section", "category"),
    "site_name": ("application-name", "apple-mobile-web-app-title"),
    "publisher": ("publisher", "dc.publisher", "dcterms.publisher", "citation_publisher", "article:publisher"),
    "language": ("content-language", "language", "dc.language", "dcterms.language"),
    "tags": ("news_keywords", "parsely-tags", "sailthru.tags", "keywords"),
}
_PUBLISHED_NAME = re.compile(r"(?:publi|pub[_.:-]|release|issued|posted).*(?:date|time)"
                             r"|(?:date|time).*(?:publi|issued)")
_MODIFIED_NAME = re.compile(r"(?:modif|updat|revis).*(?:date|time)|(?:date|time).*(?:modif|updat)")
_MICRODATA = {
    "headline": "title", "alternativeheadline": "subtitle", "author": "authors", "creator": "authors",
    "datepublished": "published", "datecreated": "published", "datemodified": "modified",
    "articlesection": "section", "publisher": "publisher", "keywords": "tags",
}
MAX_META = 400
MAX_ITEMPROPS = 300


def meta_tags(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """Every `<meta>` in the page: lower-cased name/property/http-equiv -> its contents in page order."""
    found: dict[str, list[str]] = {}
    for node in tree.css("meta")[:MAX_META]:
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        key = attrs.get("property") or attrs.get("name") or attrs.get("http-equiv")
        if content and key:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def social(meta: dict[str, list[str]]) -> Fields:
    """OpenGraph and Twitter card values, grouped like the other sources."""
    return _grouped(meta, _META_SOCIAL)


def plain(meta: dict[str, list[str]]) -> Fields:
    """Dublin Core and the generic meta names."""
    return _grouped(meta, _META_PLAIN)


def _grouped(meta: dict[str, list[str]], table: dict[str, tuple[str, ...]]) -> Fields:
    fields: Fields = {}
    for field, names in table.items():
        for name in names:
            contents = meta.get(name, [])
            if field == "tags":
                fields.setdefault(field, []).extend([part.strip() for part in c.split(",")] for c in contents)
            elif field == "authors" and contents:
                # One author per tag, several tags for several authors (a name's commas are its own: "Lee, Ann").
                fields.setdefault(field, []).append(contents)
            else:
                fields.setdefault(field, []).extend(contents)
    return fields


def labelled(meta: dict[str, list[str]]) -> Fields:
    """Twitter's label/data pairs ("twitter:label1" = "Written by", "twitter:data1" = the name)."""
    fields: Fields = {}
    for index in range(1, 5):
        label = " ".join(meta.get(f"twitter:label{index}", [])).lower()
        data = meta.get(f"twitter:data{index}", [])
        if data and ("written by" in label or "author" in label):
            fields.setdefault("authors", []).append(data[:1])
    return fields


def other_dates(meta: dict[str, list[str]]) -> Fields:
    """Dates under names no table lists but that say what they are ("x-published-date", "pub_time")."""
    fields: Fields = {}
    for name, contents in meta.items():
        field = "modified" if _MODIFIED_NAME.search(name) else "published" if _PUBLISHED_NAME.search(name) else None
        if field:
            fields.setdefault(field, []).extend(contents)
    return fields


def from_links(tree: LexborHTMLParser) -> Fields:
    """`<html lang>`, `<link rel=canonical>` and `<link rel=image_src>`."""
    fields: Fields = {}
    html = tree.css_first("html")
    if html is not None and (lang := html.attributes.get("lang") or html.attributes.get("xml:lang")):
        fields["language"] = [lang]
    for node in tree.css('link[rel~="canonical"], link[rel~="image_src"]'):
        href = (node.attributes.get("href") or "").strip()
        if href:
            field = "canonical_url" if "canonical" in (node.attributes.get("rel") or "") else "lead_image"
            fields.setdefault(field, []).append(href)
    return fields


def from_microdata(tree: LexborHTMLParser) -> Fields:
    """schema.org microdata properties (`itemprop`) of the article."""
    fields: Fields = {}
    for node in tree.css("[itemprop]")[:MAX_ITEMPROPS]:
        for prop in (node.attributes.get("itemprop") or "").lower().split():
            field = _MICRODATA.get(prop)
            value = _item_value(node, field) if field else None
            if value:
                fields.setdefault(field, []).append([value] if field == "authors" else value)
    if len({name.casefold() for [name] in fields.get("authors", [])}) > 1:
        # Several people marked as authors: a thread's posters, in page order, where the first may
        # be a pinned or featured post; a byline ("Thread starter ...") says who began the thread.
        fields["posters"] = fields.pop("authors")
    return fields


def _item_value(node: LexborNode, field: str) -> str | None:
    attrs = node.attributes
    if field in ("published", "modified"):
        value = attrs.get("content") or attrs.get("datetime") or node.text(deep=True)
    elif attrs.get("content"):
        value = attrs["content"]
    elif "itemscope" in attrs:
        # A Person or Organization: its name, not its whole card (bio, avatar alt text, links).
        name = node.css_first("[itemprop~=name]")
        value = (name.attributes.get("content") or name.text(deep=True)) if name is not None else None
    else:
        value = node.text(deep=True)
    return " ".join(value.split())[:300] if value else None


def from_time_elements(tree: LexborHTMLParser) -> Fields:
    """`<time datetime>` elements: one marked as the publication (pubdate, a "published" class)
    first, else the first one in the page (later ones are usually related stories or comments)."""
    times = tree.css("time[datetime]")[:30]
    marked = [t for t in times if "pubdate" in t.attributes or "publish" in (t.attributes.get("class") or "")]
    updated = [t for t in times if "modif" in (t.attributes.get("class") or "")]
    fields: Fields = {}
    for node in marked + times[:1]:
        fields.setdefault("published", []).append(node.attributes.get("datetime") or "")
    for node in updated[:1]:
        fields["modified"] = [node.attributes.get("datetime") or ""]
    return fields
