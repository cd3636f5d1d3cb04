"""Kept blocks to the body's structure: headings, paragraphs, lists, tables, quotes and code."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import groupby
from urllib.parse import urljoin

from .article import BodyNode
from .blocks import HEADING_MARKERS, MARKDOWN_ONLY, Block, Element, fold_breaks
from .options import Options

_SPACES = re.compile(r"\s+")
_UNLINKABLE = ("javascript:", "#", "mailto:", "data:")


def inline_markdown(block: Block, base_url: str | None, options: Options) -> str:
    """A block's text with its links as Markdown links (consecutive pieces of one link merged)."""
    if block.kind == "code":
        return block.text
    parts: list[str] = []
    for href, group in groupby(block.pieces, key=lambda piece: piece[1]):
        text = "".join(piece[0] for piece in group)
        if not _linkable(href, text, options):
            parts.append(text)
        else:
            target = urljoin(base_url, href) if base_url else href
            lead, core, trail = _split_spaces(text)
            parts.append(f"{lead}[{core}]({target.replace(' ', '%20')}){trail}")
    markdown = fold_breaks(_SPACES.sub(" ", "".join(parts)))
    return markdown.strip(HEADING_MARKERS) if block.kind == "heading" else markdown


def _linkable(href: str | None, text: str, options: Options) -> bool:
    """Whether a run of text renders as a Markdown link (not in-page anchors or script links)."""
    if not href or href == MARKDOWN_ONLY or not options.include_links or not text.strip():
        return False
    return not href.startswith(_UNLINKABLE)


def _split_spaces(text: str) -> tuple[str, str, str]:
    core = text.strip()
    start = text.find(core[0]) if core else 0
    return text[:start], _SPACES.sub(" ", core), text[start + len(core):]


def _group_key(block: Block, elements: list[Element]) -> tuple[str, int]:
    """Blocks with the same key, next to each other, form one body node."""
    if block.kind == "heading":
        return ("heading", block.position)
    if block.kind == "code":
        return ("code", block.position)
    if block.table >= 0 and not elements[block.table].layout and block.kind == "cell":
        return ("table", block.table)
    if block.quote >= 0:
        return ("quote", block.quote)
    if block.kind == "item" and block.list_element >= 0:
        return ("list", 0)
    return ("paragraph", block.position)


def _rows(blocks: list[Block]) -> list[list[int]]:
    rows: list[list[int]] = []
    last_row = None
    for i, block in enumerate(blocks):
        if block.row != last_row:
            rows.append([])
            last_row = block.row
        rows[-1].append(i)
    return rows


def _table_markdown(blocks: list[Block], md: list[str]) -> str:
    rows = _rows(blocks)
    width = max(len(row) for row in rows)
    lines = []
    for n, row in enumerate(rows):
        cells = [md[i].replace("|", "\\|").replace("\n", " ") for i in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _list_markdown(blocks: list[Block], md: list[str]) -> str:
    base = min(block.list_depth for block in blocks)
    lines = []
    for n, (block, text) in enumerate(zip(blocks, md, strict=True)):
        marker = f"{n + 1}." if block.ordered else "-"
        lines.append(f"{'  ' * (block.list_depth - base)}{marker} {text}")
    return "\n".join(lines)


def _markdown(kind: str, blocks: list[Block], md: list[str]) -> str:
    if kind == "heading":
        return "#" * blocks[0].level + " " + md[0]
    if kind == "code":
        return "```\n" + blocks[0].text + "\n```"
    if kind == "table":
        return _table_markdown(blocks, md)
    if kind == "list":
        return _list_markdown(blocks, md)
    if kind == "quote":
        return "\n>\n".join("\n".join("> " + line for line in m.split("\n")) for m in md)
    return md[0]


def _text(kind: str, blocks: list[Block]) -> str:
    if kind == "table":
        return "\n".join(" | ".join(blocks[i].text for i in row) for row in _rows(blocks))
    if kind in ("list", "quote"):
        return "\n".join(block.text for block in blocks)
    return blocks[0].text


def _renderer(kind: str, blocks: list[Block], base_url: str | None, options: Options) -> Callable[[], str]:
    def render() -> str:
        return _markdown(kind, blocks, [inline_markdown(block, base_url, options) for block in blocks])

    return render


def assemble(blocks: list[Block], elements: list[Element], base_url: str | None, options: Options) -> list[BodyNode]:
    """Group kept blocks (in reading order) into body nodes; their Markdown is rendered on demand."""
    nodes: list[BodyNode] = []
    for (kind, _), group in groupby(blocks, key=lambda b: _group_key(b, elements)):
        members = list(group)
        if (kind == "table" and not options.include_tables) or (kind == "code" and not options.include_code):
            continue
        nodes.append(BodyNode(kind, _text(kind, members), level=members[0].level if kind == "heading" else 0,
                              ordered=kind == "list" and members[0].ordered,
                              render=_renderer(kind, members, base_url, options)))
    return nodes
