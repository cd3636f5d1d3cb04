"""Decide which blocks are the page's main content.

Two steps, both on the block table the walk produced:

1. Find the content root: every block votes for the elements above it, content-like blocks with
   their length, boilerplate-like blocks (link lists, marked widgets, boilerplate wording) against.
   The element with the highest total is the smallest subtree holding the content and little else.
   This works for an article's body as for a forum thread's posts or a product's description and
   specification table, since it only asks where text that reads like content sits.
2. Inside the root, drop the blocks that are still boilerplate (share bars, ad labels, captions,
   link-dense navigation), each labelled with why.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import Block, Element, PageBlocks
from .options import Options
from .rules import LINK_LIST_CATEGORIES, SENTENCE_END, text_category

# A mark on an element holding more than this share of the text it competes in is not believed:
# whole-page wrappers get class names like "has-sidebar" or "comments-open".
_MARK_MAX_SHARE = 0.5
# A link-list mark (menu, share bar, related list) is believed only on an element with at most this
# share of prose.
_LINK_LIST_MAX_PROSE = 0.3
# Weight of a block that is neither clearly content nor clearly boilerplate (headings, labels,
# short cells): a little positive, so a root grows to take in a product's specs or a title.
_NEUTRAL_WEIGHT = 0.3
# Weight of boilerplate text against content text when choosing the root.
_BOILERPLATE_WEIGHT = 1.0


@dataclass(slots=True)
class Selection:
    """The content root and the blocks kept, plus the removed ones with their categories."""

    root: int
    kept: list[Block]
    removed: list[Block]


def _inherited_marks(page: PageBlocks, start: int, end: int) -> list[str | None]:
    """For elements start..end-1 (a preorder subtree), the nearest believed mark at or above each.

    A mark is believed when its element holds at most half the subtree's prose.
    """
    elements = page.elements
    marks: list[str | None] = [None] * (end - start)
    limit = _MARK_MAX_SHARE * elements[start].prose
    for i in range(start, end):
        element = elements[i]
        own = element.mark if (element.mark and i != start and _believed(element, limit)) else None
        parent = element.parent
        inherited = marks[parent - start] if start <= parent < end and parent != i else None
        marks[i - start] = own or inherited
    return marks


def _believed(element: Element, prose_limit: float) -> bool:
    if element.prose > prose_limit:
        return False
    # Menus, share bars and related lists are link lists: a "nav" class on an element full of prose
    # is a layout name ("with-nav-sidebar"), not a menu.
    return element.mark not in LINK_LIST_CATEGORIES or element.prose <= _LINK_LIST_MAX_PROSE * element.chars


def _block_weight(block: Block, mark: str | None, options: Options) -> float:
    chars = block.chars
    if mark is not None or block.label is not None:
        return -_BOILERPLATE_WEIGHT * chars
    link_density = block.link_chars / chars
    if link_density > options.max_link_density:
        return -_BOILERPLATE_WEIGHT * chars
    prose = chars - block.link_chars
    if block.kind == "code" and chars >= options.min_block_chars:
        return prose
    if prose >= 80 and link_density <= 0.33:
        return prose
    if chars >= options.min_block_chars and block.text[-1] in SENTENCE_END and link_density <= 0.2:
        return 0.7 * prose
    return _NEUTRAL_WEIGHT * prose


def _subtree_end(page: PageBlocks, root: int) -> int:
    elements = page.elements
    depth = elements[root].depth
    end = root + 1
    while end < len(elements) and elements[end].depth > depth:
        end += 1
    return end


def choose_root(page: PageBlocks, options: Options) -> int:
    """The element whose subtree holds the most content-like text net of boilerplate."""
    elements = page.elements
    marks = _inherited_marks(page, 0, len(elements))
    scores = [0.0] * len(elements)
    for block in page.blocks:
        block.label = text_category(block.text)
        weight = _block_weight(block, marks[block.element], options)
        block.score = weight
        index = block.element
        while index >= 0:
            scores[index] += weight
            index = elements[index].parent
    return max(range(len(elements)), key=scores.__getitem__) if elements else 0


def _keep(block: Block, mark: str | None, options: Options) -> str | None:
    """None to keep the block, else the category it is removed under."""
    if block.label is not None:
        return block.label
    if mark is not None:
        return mark
    if block.kind == "caption":
        return "caption"
    if block.link_chars / block.chars > options.max_link_density and block.kind != "heading":
        return "navigation"
    return None


def select(page: PageBlocks, options: Options) -> Selection:
    """Choose the root, then keep the blocks under it that are not boilerplate."""
    if not page.blocks:
        return Selection(0, [], [])
    root = choose_root(page, options)
    end = _subtree_end(page, root)
    marks = _inherited_marks(page, root, end)
    kept: list[Block] = []
    removed: list[Block] = []
    for block in page.blocks:
        if not root <= block.element < end:
            block.label = block.label or "other"
            removed.append(block)
            continue
        category = _keep(block, marks[block.element - root], options)
        if category is None:
            kept.append(block)
        else:
            block.label = category
            removed.append(block)
    return Selection(root, kept, removed)
