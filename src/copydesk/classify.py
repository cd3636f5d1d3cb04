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
# Marks of one category holding more than this share of the prose together are the content: an
# article's comments may outweigh it, but a thread whose every post is a "comment" is a forum.
_CATEGORY_MAX_SHARE = 0.75
# A link-list mark (menu, share bar, related list) is believed only on an element with at most this
# share of prose.
_LINK_LIST_MAX_PROSE = 0.3
# Links this long on average are item titles (a listing), not menu entries.
_HEADLINE_MIN_CHARS = 30
# Weight of such a headline link when choosing the root: small, so a related-stories box does not
# pull an article's root up, but enough to find a listing that has little else.
_HEADLINE_WEIGHT = 0.1
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

    A mark is believed when neither its element nor all elements of its category together hold
    more than half the subtree's prose: when "comment" boxes hold most of a page's prose, the page
    is a forum thread and they are its content.
    """
    elements = page.elements
    limit = _MARK_MAX_SHARE * elements[start].prose
    category_prose = _category_prose(page, start, end)
    category_limit = _CATEGORY_MAX_SHARE * elements[start].prose
    disbelieved = {category for category, prose in category_prose.items() if prose > category_limit}
    marks: list[str | None] = [None] * (end - start)
    for i in range(start + 1, end):
        element = elements[i]
        mark = element.mark
        own = mark if (mark and mark not in disbelieved and _believed(element, limit)) else None
        parent = element.parent
        marks[i - start] = own or (marks[parent - start] if parent > start else None)
    return marks


def _category_prose(page: PageBlocks, start: int, end: int) -> dict[str, int]:
    """Prose held by the outermost elements of each mark category in the subtree."""
    elements = page.elements
    nearest: list[str | None] = [None] * (end - start)
    totals: dict[str, int] = {}
    for i in range(start + 1, end):
        element = elements[i]
        above = nearest[element.parent - start] if element.parent > start else None
        mark = element.mark
        if mark and mark != above:
            totals[mark] = totals.get(mark, 0) + element.prose
        nearest[i - start] = mark or above
    return totals


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
        if is_headline_link(block):
            return _HEADLINE_WEIGHT * chars
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


def is_headline_link(block: Block) -> bool:
    """A link whose words read like an item's title (listings), not a menu entry."""
    return block.links > 0 and block.link_chars / block.links >= _HEADLINE_MIN_CHARS and block.kind != "heading"


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


def _is_listing(blocks: list[Block], root: int, end: int, options: Options) -> bool:
    """Whether the root is a list of linked items (more headline-link text than prose)."""
    headlines = prose = 0
    for block in blocks:
        if root <= block.element < end:
            if block.link_chars / block.chars > options.max_link_density:
                headlines += block.chars if is_headline_link(block) else 0
            elif block.score > 0:
                prose += block.chars - block.link_chars
    return headlines > prose


def _keep(block: Block, mark: str | None, options: Options, listing: bool) -> str | None:
    """None to keep the block, else the category it is removed under."""
    if block.label is not None:
        return block.label
    if mark is not None:
        return mark
    if block.kind == "caption":
        return "caption"
    if block.link_chars / block.chars > options.max_link_density and block.kind != "heading":
        if listing and is_headline_link(block):
            return None
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
    listing = _is_listing(page.blocks, root, end, options)
    for block in page.blocks:
        if not root <= block.element < end:
            block.label = block.label or "other"
            removed.append(block)
            continue
        category = _keep(block, marks[block.element - root], options, listing)
        if category is None:
            kept.append(block)
        else:
            block.label = category
            removed.append(block)
    kept, trimmed = _trim_edges(kept)
    removed.extend(trimmed)
    return Selection(root, kept, removed)


def _is_anchor(block: Block) -> bool:
    """A block that reads as content by itself (not a label, date or name, nor a headline link)."""
    return block.score > 0 and block.score >= 0.7 * (block.chars - block.link_chars)


def _trim_edges(kept: list[Block]) -> tuple[list[Block], list[Block]]:
    """Drop the short labels a root drags in at its edges: bylines, dates, "Share", reading times.

    Headings just above the first content block stay (they title it); lists and tables at the end
    stay (an article may close on a list).
    """
    anchors = [i for i, block in enumerate(kept) if _is_anchor(block)]
    if not anchors:
        return kept, []
    first, last = anchors[0], anchors[-1]
    keep_from = first
    while keep_from > 0 and kept[keep_from - 1].kind == "heading" and first - keep_from < 2:
        keep_from -= 1
    keep_to = last + 1
    while keep_to < len(kept) and (kept[keep_to].kind in ("item", "cell", "code") or kept[keep_to].quote >= 0):
        keep_to += 1
    trimmed = kept[:keep_from] + kept[keep_to:]
    for block in trimmed:
        block.label = "metadata" if block.chars < 80 else "other"
    return kept[keep_from:keep_to], trimmed
