"""Page metadata beside the body. For now the title: OpenGraph, then the first `<h1>`, then `<title>`."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_SPACES = re.compile(r"\s+")
# "Headline | Site Name" and "Headline - Site Name": the site's name after the last separator.
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,40}$")


def _clean(text: str | None) -> str | None:
    text = _SPACES.sub(" ", text or "").strip()
    return text or None


def find_title(tree: LexborHTMLParser) -> str | None:
    """The page's headline: the og:title or first h1 when present, else `<title>` without the site name."""
    meta = tree.css_first('meta[property="og:title"], meta[name="twitter:title"]')
    og = _clean(meta.attributes.get("content")) if meta is not None else None
    h1 = tree.css_first("h1")
    heading = _clean(h1.text()) if h1 is not None else None
    title_node = tree.css_first("title")
    title = _clean(title_node.text()) if title_node is not None else None
    if heading and (not title or heading.lower() in title.lower() or (og and heading.lower() in og.lower())):
        return heading
    if og:
        return og
    if title:
        return _TITLE_SUFFIX.sub("", title) or title
    return heading
