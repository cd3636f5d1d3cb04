"""Pages rendered to text the way crawlers' text dumps look, and their lines labelled: text mode's data.

A page's visible text, one line per block: every block-level element (and `<br>`) starts a new line,
inline elements join their block, whitespace inside a line is collapsed, and nothing is dropped but
what a browser never shows as text (script, style, template and the head). A crawler runs no scripts,
so what a page gives script-less readers in `<noscript>` is in its dump (forum engines serve their
whole thread there, and the script-run page is empty without it). No boilerplate
is removed: menus, ads, captions and footers are all there, as in a Common Crawl WET record.

Labels come from aligning each line with the page's `main_content`, with the rule the HTML block
model is labelled by (`train.label_blocks`). WCXB dev renders are the training data; AEB renders are
for checking only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from selectolax.lexbor import LexborNode

from ..options import DEFAULT_OPTIONS
from ..parse import parse, prepare
from ..rules import BLOCK_TAGS
from ..train import domain_of, label_blocks
from .datasets import Page, load

# Never text on screen. Everything else, hidden or not, is in a crawler's dump (<noscript> included:
# a crawler is a reader without scripts).
INVISIBLE_TAGS = frozenset({"script", "style", "template", "head", "title", "meta", "link"})
# Start a line without being a block: line breaks, and controls whose label sits on its own line.
LINE_BREAK_TAGS = frozenset({"br", "hr", "textarea", "select", "button", "img", "input"})
_NEW_LINE = BLOCK_TAGS | LINE_BREAK_TAGS | {"article", "main", "aside", "nav", "header", "footer"}


@dataclass(frozen=True, slots=True)
class _Text:
    """A line as `train.label_blocks` reads it (it only needs `.text`)."""

    text: str


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One benchmark page as a text dump, its lines labelled 1 (main content) or 0."""

    id: str
    page_type: str
    url: str | None
    domain: str
    truth: str
    lines: list[str]
    labels: np.ndarray

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def render_lines(html: str | bytes) -> list[str]:
    """The page's visible text, one line per block (no empty lines)."""
    tree = parse(*prepare(html, DEFAULT_OPTIONS))
    root = tree.body or tree.root
    if root is None:
        return []
    lines: list[str] = []
    current: list[str] = []
    for piece in _pieces(root):
        if piece is None:
            _flush(current, lines)
        else:
            current.append(piece)
    _flush(current, lines)
    return lines


def _pieces(root: LexborNode) -> Iterator[str | None]:
    """Text pieces in document order, None where a new line starts. Iterative: deep pages are fine."""
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            yield None
            continue
        tag = node.tag
        if tag == "-text":
            yield node.text_content or ""
            continue
        if tag in INVISIBLE_TAGS or tag == "-comment" or tag is None:
            continue
        block = tag in _NEW_LINE
        if block:
            yield None
            stack.append(None)  # the line ends where the element does
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))


def _flush(current: list[str], lines: list[str]) -> None:
    if current:
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()


def label_lines(lines: list[str], truth: str) -> np.ndarray:
    """1 for lines that belong to the truth text, else 0 (the HTML block model's alignment rule)."""
    return label_blocks([_Text(line) for line in lines], truth)  # type: ignore[arg-type]


def render_page(page: Page) -> RenderedPage:
    lines = render_lines(page.read_html())
    return RenderedPage(page.id, page.page_type, page.url, domain_of(page.url), page.truth, lines,
                        label_lines(lines, page.truth))


def render_dataset(name: str, data_dir: Path, progress: bool = False) -> list[RenderedPage]:
    """Every page of a benchmark rendered and labelled, in id order."""
    pages = load(name, data_dir)
    if progress:
        from tqdm import tqdm

        pages = tqdm(pages, desc=f"render {name}", unit="page")
    return [render_page(page) for page in pages]
