"""The record copydesk returns for a page, and its output formats (plain text, Markdown, JSON-ready dict)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .parts import Comment, Image, RelatedLink, RemovedBlock, as_dicts

NodeKind = Literal["heading", "paragraph", "list", "table", "code", "quote"]

SCHEMA_VERSION = "0.2"


@dataclass(slots=True)
class BodyNode:
    """One structural element of the body, in reading order.

    `text` is the plain rendering (list items and table rows one per line); `markdown` is the same
    element as Markdown, links kept, rendered when first asked for (corpus runs that want only the
    text do not pay for it). `level` is the heading level (1-6) and 0 otherwise; `ordered` says
    whether a list is numbered.
    """

    kind: NodeKind
    text: str
    level: int = 0
    ordered: bool = False
    render: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    _markdown: str | None = field(default=None, repr=False, compare=False)

    @property
    def markdown(self) -> str:
        if self._markdown is None:
            self._markdown = self.render() if self.render is not None else self.text
        return self._markdown

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.kind == "heading":
            data["level"] = self.level
        if self.kind == "list":
            data["ordered"] = self.ordered
        return data


@dataclass(slots=True)
class Article:
    """The clean record of one page.

    `text` and `markdown` are derived from `body`, so the three always agree. Every metadata field is
    None (or an empty list) when the page does not say; see `copydesk.metadata` for where each comes
    from. Dates are ISO 8601 strings: a date-time with its UTC offset when the page gives a time,
    else the day alone.
    """

    title: str | None = None
    url: str | None = None
    body: list[BodyNode] = field(default_factory=list)
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    site_name: str | None = None
    publisher: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    lead_image: str | None = None
    page_type: str | None = None  # article, collection, documentation, forum, listing, product or service
    page_type_confidence: float | None = None  # the page-type model's probability for it
    # Expected F1 of `text` against the page's true main content, in [0, 1]: filter corpora on it.
    # None when the model did not decide (model off, or a fragment of fewer than eight blocks).
    confidence: float | None = None
    images: list[Image] = field(default_factory=list)  # the article's pictures, captions and credits
    related: list[RelatedLink] = field(default_factory=list)  # links the article recommends
    comments: list[Comment] = field(default_factory=list)  # readers' comments, never in the body
    removed: list[RemovedBlock] | None = None  # every block left out and why, with explain=True

    @property
    def text(self) -> str:
        """The main content as plain text: one line per paragraph, heading or list item; blank line between blocks."""
        return "\n\n".join(node.text for node in self.body)

    @property
    def markdown(self) -> str:
        """The body as Markdown: headings, lists, tables, block quotes, code and links kept."""
        return "\n\n".join(node.markdown for node in self.body)

    def metadata(self) -> dict[str, Any]:
        """The metadata fields alone, in schema order."""
        return {name: getattr(self, name) for name in METADATA_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the record (described by `copydesk/schema/article.schema.json`)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "url": self.url,
            **self.metadata(),
            "page_type": self.page_type,
            "page_type_confidence": self.page_type_confidence,
            "confidence": self.confidence,
            "images": as_dicts(self.images),
            "related": as_dicts(self.related),
            "comments": as_dicts(self.comments),
            "removed": as_dicts(self.removed) if self.removed is not None else None,
            "text": self.text,
            "markdown": self.markdown,
            "body": [node.to_dict() for node in self.body],
        }


METADATA_FIELDS = (
    "title", "subtitle", "authors", "published", "modified", "section", "breadcrumb", "site_name", "publisher",
    "language", "canonical_url", "description", "tags", "lead_image",
)
