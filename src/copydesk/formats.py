"""The output formats of an `Article`, in one place: JSON, plain text, Markdown with front matter, HTML,
XML.

The HTML is safe to embed as it is: it is written from the extracted text, never copied from the
page, so it holds only `h1`-`h6`, `p`, `ul`/`ol`/`li`, `table`/`tr`/`td`, `pre`/`code`, `blockquote`
and `a` (http, https and mailto targets only), every text and attribute value escaped, no scripts,
styles, event handlers or other attributes.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from .article import Article, BodyNode

FORMATS = ("text", "json", "markdown", "html", "xml")
# The Markdown links assemble.py writes: [text](target).
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_LIST_MARKER = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")
FRONT_MATTER_FIELDS = ("title", "subtitle", "authors", "published", "modified", "section", "site_name",
                       "publisher", "language", "url", "canonical_url", "description", "tags", "lead_image")


def render(article: Article, fmt: str) -> str:
    """`article` in one of FORMATS."""
    if fmt == "json":
        return json.dumps(article.to_dict(), ensure_ascii=False)
    if fmt == "markdown":
        return to_markdown(article)
    if fmt == "html":
        return to_html(article)
    if fmt == "xml":
        return to_xml(article)
    return article.text


# --- Markdown ------------------------------------------------------------------------------------


def to_markdown(article: Article) -> str:
    """YAML front matter with the metadata that the page gives, a `# title`, then the body."""
    lines = [f"{name}: {_yaml(value)}" for name in FRONT_MATTER_FIELDS
             if (value := getattr(article, name)) not in (None, "", [])]
    front = "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" if lines else ""
    heading = f"# {article.title}\n\n" if article.title else ""
    return front + heading + article.markdown


def _yaml(value: Any) -> str:
    # A JSON string or list of strings is valid YAML, and quoting every scalar spares the reader's
    # parser from guessing (a title "No: 1", a date read as a timestamp).
    return json.dumps(value, ensure_ascii=False)


# --- HTML ----------------------------------------------------------------------------------------


def to_html(article: Article) -> str:
    """The body as clean, safe HTML (see the module's docstring), one element per line."""
    return "\n".join(_node_html(node) for node in article.body)


def _node_html(node: BodyNode) -> str:
    if node.kind == "heading":
        level = min(max(node.level, 1), 6)
        return f"<h{level}>{_inline(node.markdown.lstrip('#').strip())}</h{level}>"
    if node.kind == "list":
        tag = "ol" if node.ordered else "ul"
        items = "".join(f"<li>{_inline(_LIST_MARKER.sub('', line))}</li>" for line in node.markdown.split("\n"))
        return f"<{tag}>{items}</{tag}>"
    if node.kind == "table":
        rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in line.split(" | ")) + "</tr>"
                       for line in node.text.split("\n"))
        return f"<table>{rows}</table>"
    if node.kind == "code":
        return f"<pre><code>{escape(node.text)}</code></pre>"
    if node.kind == "quote":
        paragraphs = (line.removeprefix(">").strip() for line in node.markdown.split("\n"))
        return "<blockquote>" + "".join(f"<p>{_inline(p)}</p>" for p in paragraphs if p) + "</blockquote>"
    return f"<p>{_inline(node.markdown)}</p>"


def _inline(markdown: str) -> str:
    """Escaped text with the Markdown links turned back into `<a>`; unsafe targets become plain text."""
    parts, last = [], 0
    for match in _MD_LINK.finditer(markdown):
        parts.append(escape(markdown[last:match.start()]))
        text, target = match.groups()
        if target.lower().startswith(_SAFE_SCHEMES):
            parts.append(f'<a href="{escape(target, quote=True)}">{escape(text)}</a>')
        else:
            parts.append(escape(text))
        last = match.end()
    parts.append(escape(markdown[last:]))
    return "".join(parts)


# --- XML -----------------------------------------------------------------------------------------

# Characters XML 1.0 forbids even escaped: control characters a page may hold are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SCALARS = ("title", "subtitle", "published", "modified", "section", "site_name", "publisher", "language",
                "url", "canonical_url", "description", "lead_image", "page_type")


def to_xml(article: Article) -> str:
    """One `<article>` document: the metadata as elements, the body as the safe HTML elements of
    `to_html`, then the images, related links and comments kept apart from it. Always well-formed."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>', "<article>"]
    parts += [_element(name, value) for name in _XML_SCALARS if (value := getattr(article, name)) not in (None, "")]
    parts += _list("authors", "author", article.authors) + _list("tags", "tag", article.tags)
    parts += _list("breadcrumb", "crumb", article.breadcrumb)
    parts.append("<body>" + to_html(article) + "</body>")
    if article.images:
        parts.append("<images>" + "".join(
            f"<image{_attributes(src=i.src, alt=i.alt, credit=i.credit)}>{_escape(i.caption or '')}</image>"
            for i in article.images) + "</images>")
    if article.related:
        parts.append("<related>" + "".join(
            f"<link{_attributes(url=r.url, tag=r.tag)}>{_escape(r.title)}</link>" for r in article.related
        ) + "</related>")
    if article.comments:
        parts.append("<comments>" + "".join(
            f"<comment{_attributes(author=c.author, time=c.time)}>{_escape(c.text)}</comment>"
            for c in article.comments) + "</comments>")
    parts.append("</article>")
    return _NOT_XML.sub("", "\n".join(parts))


def _escape(value: object) -> str:
    return escape(str(value), quote=True)


def _element(name: str, value: object) -> str:
    return f"<{name}>{_escape(value)}</{name}>"


def _list(name: str, item: str, values: list[str]) -> list[str]:
    return [f"<{name}>" + "".join(_element(item, value) for value in values) + f"</{name}>"] if values else []


def _attributes(**values: str | None) -> str:
    return "".join(f' {name}="{_escape(value)}"' for name, value in values.items() if value)
