"""Decide which blocks are the page's main content.

Three steps, all on the block table the walk produced:

1. Find the content root: every block votes for the elements above it, content-like blocks with
   their length, boilerplate-like blocks (link lists, marked widgets, boilerplate wording) against.
   The element with the highest total is the smallest subtree holding the content and little else.
   This works for an article's body as for a forum thread's posts or a product's description and
   specification table, since it only asks where text that reads like content sits.
2. Inside the root, drop the blocks that are still boilerplate (share bars, ad labels, captions,
   link-dense navigation), each labelled with why.
3. `apply_model`: the trained model makes the final call on every block, reading the verdicts of
   steps 1-2 among its features; wording rules veto (see `Options.use_heuristics`).
4. `drop_repeats`: of blocks kept twice word for word, the first copy stays (see `Options.drop_repeats`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from types import ModuleType

import numpy as np

from .blocks import (
    ANCESTOR_FLAGS,
    COMMENTS,
    HEADED_MODULE,
    HIDDEN,
    SCHEMA_COPY,
    Block,
    Element,
    PageBlocks,
    prose_chars,
)
from .compiled import load_checked
from .features import HeuristicView, block_features
from .model import BlockModel
from .options import Options
from .rules import (
    LINK_LIST_CATEGORIES,
    MARK_ALIASES,
    RELATED_HEADING,
    REPEATABLE_KINDS,
    SENTENCE_END,
    compiled_tables,
    is_cut_short,
    second_copies,
    text_category,
)

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
# An <article> with this much prose outside the comment areas is a post, and its comments are not content.
_POST_MIN_PROSE = 200
# Marks whose blocks are never content, whatever the model says: a forum post's signature is the
# poster's, repeated under every post; a module the heuristics believe is "related" (a "You might also
# like" list, teaser cards) is other stories.
VETOED_MARKS = frozenset({"signature", "related"})
# Weight of boilerplate text against content text when choosing the root.
_BOILERPLATE_WEIGHT = 1.0
# A block with this much text outside links, and at most this link density, is content at full weight;
# a shorter one that ends a sentence, with fewer links, at this share of its length.
_PROSE_MIN_CHARS = 80
_PROSE_MAX_LINK_DENSITY = 0.33
_SENTENCE_MAX_LINK_DENSITY = 0.2
_SENTENCE_WEIGHT = 0.7
# A list or table whose members average this far below the block model's threshold is boilerplate as a
# whole (a comment list, a menu, a footer's columns): its members the model would keep alone go with it.
# Measured on WCXB dev (5-fold CV, mean of 5 seeds): F1 +0.0004 (service +0.0017, article +0.0006),
# AEB +0.0009; 0.1 and 0.15 cost forum threads (their posts are list items), 0.3 gains nothing.
GROUP_DROP = 0.2
# A cut that keeps fewer words than this on a whole page (but keeps something) is taken again
# SHORT_BODY_DROP lower: a product's or a category's content is short lines (names, prices, options,
# specifications) the model scores below prose, and a body of a few dozen words is rarely all of it.
# Measured on WCXB dev (5-fold CV, mean of 5 seeds): F1 +0.0012 (collection +0.008, listing +0.006,
# product +0.0026; every seed higher), AEB -0.0003; 80 words cost AEB 0.002, a drop of 0.3 lost on products.
SHORT_BODY_WORDS = 50
SHORT_BODY_DROP = 0.2
# `apply_model` with a raised cut (a forum's, above the model's own threshold): when the blocks that reach
# the raised cut hold less than this share of the characters of those that reach the model's own, the
# page is cut at the model's own. See `raised_cut`.
RAISED_CUT_MIN_SHARE = 0.7


@dataclass(slots=True)
class Selection:
    """The blocks kept and the removed ones with their categories, and what the heuristics saw."""

    kept: list[Block]
    removed: list[Block]
    view: HeuristicView
    probabilities: np.ndarray | None = None  # the block model's, when it decided


def _inherited_marks(page: PageBlocks, start: int, end: int) -> list[str | None]:
    """For elements start..end-1 (a preorder subtree), the nearest believed mark at or above each.

    A mark is believed when its element holds at most half the subtree's prose and all elements of
    its category together hold at most three quarters of it: when "comment" boxes hold nearly all of
    a page's prose, the page is a forum thread and they are its content.
    """
    if _fast is not None and (marks := _fast.inherited_marks(page.elements, start, end)) is not None:
        return marks
    return _inherited_marks_python(page, start, end)


def _inherited_marks_python(page: PageBlocks, start: int, end: int) -> list[str | None]:
    """`_inherited_marks` in Python: the reference for _classify.c, and the fallback."""
    elements = page.elements
    marked = [i for i in range(start + 1, end) if elements[i].mark]
    marks: list[str | None] = [None] * (end - start)
    if not marked:
        return marks
    limit = _MARK_MAX_SHARE * elements[start].prose
    category_limit = _CATEGORY_MAX_SHARE * elements[start].prose
    category_prose = _category_prose(elements, start, marked)
    disbelieved = {category for category, prose in category_prose.items() if prose > category_limit}
    if "comment" in disbelieved and _has_post(elements, start, end):
        # A blog post with a long comment thread below it: the post is the content, however short.
        disbelieved.discard("comment")
    # Marked elements come in preorder, so an inner mark paints over the outer one around it.
    for i in marked:
        element = elements[i]
        mark = element.mark
        category = MARK_ALIASES.get(mark, mark)  # type: ignore[arg-type]
        if (mark == "modal" or element.flags & HEADED_MODULE
                or category not in disbelieved and _believed(element, limit)):
            marks[i - start: element.end - start] = [mark] * (element.end - i)
    return marks


def _category_prose(elements: list[Element], start: int, marked: list[int]) -> dict[str, int]:
    """Prose held by the outermost elements of each mark category among the marked elements (in
    preorder) of the subtree at `start`."""
    category_of: dict[int, str] = {}
    totals: dict[str, int] = {}
    for i in marked:
        element = elements[i]
        category = MARK_ALIASES.get(element.mark, element.mark)  # type: ignore[arg-type]
        above = element.parent
        while above > start and above not in category_of:
            above = elements[above].parent
        if category != category_of.get(above):
            totals[category] = totals.get(category, 0) + element.prose
        category_of[i] = category
    return totals


def _has_post(elements: list[Element], start: int, end: int) -> bool:
    """Whether an <article> outside the comment areas holds prose of its own."""
    return any(
        elements[i].tag == "article" and not elements[i].flags & COMMENTS and elements[i].prose >= _POST_MIN_PROSE
        for i in range(start, end)
    )


def _believed(element: Element, prose_limit: float) -> bool:
    if element.prose > prose_limit:
        return False
    # Menus, share bars and related lists are link lists: a "nav" class on an element full of prose
    # is a layout name ("with-nav-sidebar"), not a menu.
    return element.mark not in LINK_LIST_CATEGORIES or element.prose <= _LINK_LIST_MAX_PROSE * element.chars


def _block_weight(block: Block, mark: str | None, options: Options) -> float:
    chars = block.chars
    if mark is not None or block.rule is not None:
        return -_BOILERPLATE_WEIGHT * chars
    link_density = block.link_chars / chars
    if link_density > options.max_link_density:
        if is_headline_link(block):
            return _HEADLINE_WEIGHT * chars
        return -_BOILERPLATE_WEIGHT * chars
    prose = chars - block.link_chars
    if block.kind == "code" and chars >= options.min_block_chars:
        return prose
    if prose >= _PROSE_MIN_CHARS and link_density <= _PROSE_MAX_LINK_DENSITY:
        return prose
    sentence = block.text[-1] in SENTENCE_END
    if chars >= options.min_block_chars and sentence and link_density <= _SENTENCE_MAX_LINK_DENSITY:
        return _SENTENCE_WEIGHT * prose
    return _NEUTRAL_WEIGHT * prose


def is_headline_link(block: Block) -> bool:
    """A link whose words read like an item's title (listings), not a menu entry."""
    return block.links > 0 and block.link_chars / block.links >= _HEADLINE_MIN_CHARS and block.kind != "heading"


_CONTENT_BEFORE_SHARE = 0.4
# ...or this much prose before the heading, when the module's container is a run of like cards.
_PROSE_BEFORE_CARDS = 200
_CARD_TAGS = frozenset({"article", "li", "div", "section"})
_CARDS_MIN_SHARE = 0.6
_MODULE_MIN_CARDS = 3


def mark_related_sections(page: PageBlocks) -> None:
    """Mark what a "Related stories" / "Customers also bought" heading opens as related.

    That is the heading's own container, and the siblings after it up to the next one that starts
    with a heading: pages wrap such modules as <section><h2/><ul/></section> as often as they
    write <div><h2/></div><ul/>.
    """
    # The length test first: it is what most blocks fail, and it is cheap.
    headings = [b for b in page.blocks if b.chars <= _MODULE_TITLE_MAX_CHARS and _titles_module(page, b)]
    if not headings:
        return
    elements = page.elements
    first_block_of: dict[int, Block] = {}
    for block in page.blocks:
        index = block.element
        while index >= 0 and index not in first_block_of:
            first_block_of[index] = block
            index = elements[index].parent
    for heading in headings:
        _mark_section(page, first_block_of, heading)


# A short unlinked line in a <p> or <div> titles the link list after it as a heading would: sites
# style a div as a module's title as often as they write <h3>.
_LABEL_MAX_CHARS = 40
_LABEL_TAGS = frozenset({"p", "div"})
_HEADING_MAX_CHARS = 60
_MODULE_TITLE_MAX_CHARS = max(_LABEL_MAX_CHARS, _HEADING_MAX_CHARS)


def _titles_module(page: PageBlocks, block: Block) -> bool:
    """A heading, or a label over a link list, that reads "Related stories", "You may also like"..."""
    if block.kind == "heading":
        return block.chars <= _HEADING_MAX_CHARS and RELATED_HEADING.search(block.text) is not None
    return _is_list_label(page, block) and RELATED_HEADING.search(block.text) is not None


def _is_list_label(page: PageBlocks, block: Block) -> bool:
    """A short unlinked line followed by links: the next block and two of the next three mostly link text."""
    if block.kind not in ("paragraph", "cell") or block.chars > _LABEL_MAX_CHARS or block.link_chars:
        return False
    following = page.blocks[block.position + 1:block.position + 4]
    if len(following) < 3 or page.elements[block.element].tag not in _LABEL_TAGS:
        return False
    linked = [b.link_chars >= 0.5 * b.chars for b in following]
    return linked[0] and sum(linked) >= 2


def _mark_section(page: PageBlocks, first_block_of: dict[int, Block], heading: Block) -> None:
    elements = page.elements
    top = heading.element
    while elements[top].parent > 0 and first_block_of.get(elements[top].parent) is heading:
        top = elements[top].parent
    if elements[top].chars > _MARK_MAX_SHARE * page.total_chars:
        # A container that holds most of the page is the module only when the page's content came
        # before it: most of the page's text (a teaser grid under a short article), or some prose
        # with the container a run of like cards (a short post, then a grid of other posts). At the
        # top of the page it may wrap the article too.
        if _chars_before(page, heading) < _CONTENT_BEFORE_SHARE * page.total_chars and not (
                _prose_before(page, heading) >= _PROSE_BEFORE_CARDS and _holds_cards(elements, top)):
            return
        elements[top].flags |= HEADED_MODULE
    parent = elements[top].parent
    elements[top].mark = elements[top].mark or "related"
    for index in range(top + 1, len(elements)):
        element = elements[index]
        if element.depth <= elements[parent].depth:
            break
        if element.parent != parent:
            continue
        first = first_block_of.get(index)
        if first is not None and (first.kind == "heading" or _opens_prose(first)):
            break
        element.mark = element.mark or "related"


# An <article> holding this much prose, and at least this share of the page's, is the page's story...
_STORY_MIN_PROSE = 1000
_STORY_MIN_SHARE = 0.5
# ...and other <article>s that open with a linked headline and are this small beside it are teaser
# cards for other stories: a "more stories" grid that has no heading to say so.
_CARD_MAX_SHARE = 0.25
_CARD_MAX_CHARS = 800
_MIN_CARDS = 2


def mark_teaser_cards(page: PageBlocks) -> None:
    """Mark as related the small <article> cards beside a page's one dominant <article>.

    A listing's cards are alike in size and none holds half the page, so it is left alone; so is a
    forum thread, whose posts are articles of the same kind.
    """
    elements = page.elements
    if sum(element.tag == "article" for element in elements) <= _MIN_CARDS:
        return
    owner = _outermost_articles(elements)
    articles = sorted({i for i in owner if i >= 0})
    if len(articles) <= _MIN_CARDS:
        return
    story = max(articles, key=lambda i: elements[i].prose)
    story_prose = elements[story].prose
    if story_prose < _STORY_MIN_PROSE or story_prose < _STORY_MIN_SHARE * page.total_prose:
        return
    opening: dict[int, list[Block]] = {}
    for block in page.blocks:
        article = owner[block.element]
        if article >= 0 and len(blocks := opening.setdefault(article, [])) < 2:
            blocks.append(block)
    cards = [
        i for i in articles
        if i != story and elements[i].prose <= _CARD_MAX_SHARE * story_prose and elements[i].chars <= _CARD_MAX_CHARS
        and any(b.kind == "heading" and b.link_chars >= 0.6 * b.chars for b in opening.get(i, ()))
    ]
    if len(cards) >= _MIN_CARDS:
        for i in cards:
            elements[i].mark = elements[i].mark or "related"


def _outermost_articles(elements: list[Element]) -> list[int]:
    """For each element, the outermost <article> at or above it (outside comment areas), else -1."""
    owner = [-1] * len(elements)
    for i, element in enumerate(elements):
        above = owner[element.parent] if element.parent >= 0 else -1
        if above < 0 and element.tag == "article" and not element.flags & COMMENTS:
            above = i
        owner[i] = above
    return owner


def _chars_before(page: PageBlocks, block: Block) -> int:
    return sum([b.chars for b in page.blocks[:block.position]])


def _prose_before(page: PageBlocks, block: Block) -> int:
    return sum([prose_chars(b) for b in page.blocks[:block.position]])


def _holds_cards(elements: list[Element], top: int) -> bool:
    """Whether most of the element's text sits in a run of like cards: children of one card tag, each
    a container (with elements of its own), at least `_MODULE_MIN_CARDS` of them."""
    chars: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index in range(top + 1, elements[top].end):
        element = elements[index]
        is_container = index + 1 < len(elements) and elements[index + 1].parent == index
        if element.parent == top and element.tag in _CARD_TAGS and element.chars and is_container:
            chars[element.tag] = chars.get(element.tag, 0) + element.chars
            counts[element.tag] = counts.get(element.tag, 0) + 1
    return any(counts[tag] >= _MODULE_MIN_CARDS and total >= _CARDS_MIN_SHARE * elements[top].chars
               for tag, total in chars.items())


def _opens_prose(block: Block) -> bool:
    """A sibling starting with a paragraph of prose: the article resumes after an inline "Trending" box.
    Related items open with their linked headline instead."""
    return block.chars >= 80 and block.link_chars < 0.3 * block.chars


def choose_root(page: PageBlocks, options: Options) -> tuple[int, list[str | None]]:
    """The element whose subtree holds the most content-like text net of boilerplate.

    Returns it with the page-wide believed marks (the model reads them too).
    """
    elements = page.elements
    mark_related_sections(page)
    mark_teaser_cards(page)
    marks = _inherited_marks(page, 0, len(elements))
    rules = _fast.text_rules(page.blocks) if _fast is not None else None
    if rules is None:
        rules = [text_category(block.text) for block in page.blocks]
    root = None
    if _fast is not None:
        root = _fast.root_scores(page.blocks, elements, marks, rules, options.max_link_density, options.min_block_chars)
    if root is None:
        root = _root_scores_python(page, marks, rules, options)
    return root, marks


def _root_scores_python(page: PageBlocks, marks: list[str | None], rules: list[str | None], options: Options) -> int:
    """Each block's rule and score, and the element whose subtree scores highest: the reference for
    _classify.c's root_scores, and the fallback."""
    elements = page.elements
    scores = [0.0] * len(elements)
    for block, rule in zip(page.blocks, rules, strict=True):
        block.rule = rule
        block.score = _block_weight(block, marks[block.element], options)
        scores[block.element] += block.score
    # Children come after their parents in the table, so one backward pass sums every subtree.
    parents = [element.parent for element in elements]
    for index in range(len(elements) - 1, 0, -1):
        scores[parents[index]] += scores[index]
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
    if block.rule is not None:
        return block.rule
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
        return Selection([], [], HeuristicView([], 0, 0, False, set()))
    root, page_marks = choose_root(page, options)
    end = page.elements[root].end
    marks = _inherited_marks(page, root, end)
    listing = _is_listing(page.blocks, root, end, options)
    cut = None
    if _fast is not None:
        cut = _fast.heuristic_cut(page.blocks, page_marks, marks, root, end, listing, options.max_link_density)
    kept, removed = cut or _heuristic_cut_python(page, page_marks, marks, root, end, listing, options)
    kept, trimmed = _trim_edges(kept)
    removed.extend(trimmed)
    view = HeuristicView(page_marks, root, end, listing, {block.position for block in kept})
    return Selection(kept, removed, view)


def _heuristic_cut_python(page: PageBlocks, page_marks: list[str | None], marks: list[str | None], root: int, end: int,
                          listing: bool, options: Options) -> tuple[list[Block], list[Block]]:
    """The blocks under the root that are not boilerplate, and the rest, each removed one labelled: the
    reference for _classify.c's heuristic_cut, and the fallback. `marks` are the root subtree's."""
    kept: list[Block] = []
    removed: list[Block] = []
    for block in page.blocks:
        if not root <= block.element < end:
            block.label = block.rule or page_marks[block.element] or "other"
            removed.append(block)
            continue
        category = _keep(block, marks[block.element - root], options, listing)
        if category is None:
            kept.append(block)
        else:
            block.label = category
            removed.append(block)
    return kept, removed


def _is_anchor(block: Block) -> bool:
    """A block that reads as content by itself: a sentence, not a label, a date or a name."""
    if block.score <= 0:
        return False
    return block.score >= 0.7 * (block.chars - block.link_chars) or (
        block.chars >= 25 and block.text[-1] in SENTENCE_END and block.link_chars < 0.5 * block.chars
    )


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


def apply_model(page: PageBlocks, selection: Selection, model: BlockModel, options: Options,
                features: np.ndarray | None = None, threshold: float | None = None) -> Selection:
    """The model's final call on every block, with the heuristics' verdicts among its features.

    Wording rules veto (an "- Advertisement -" label or a "(Image: GETTY)" caption is never content)
    unless `options.use_heuristics` is off, in which case the model alone decides.
    """
    if features is None:
        features = block_features(page, selection.view)
    probabilities = model.probabilities(features)
    if options.model_threshold is not None:
        threshold = options.model_threshold
    elif threshold is None:
        threshold = model.threshold
    elif options.guard_raised_cut:
        threshold = raised_cut(page, probabilities, threshold, model.threshold)
    kept, removed = _revealing_cut(page, selection, probabilities, threshold, options)
    if kept and options.model_threshold is None and is_short_body(block.text for block in kept):
        kept, removed = _revealing_cut(page, selection, probabilities, threshold - SHORT_BODY_DROP, options)
    if not kept:
        # Nothing reached the threshold (tiny or odd pages the model has seen little like): an
        # empty record is the worst answer, so the heuristics' choice stands.
        fallback = _heuristic_verdicts(page, selection)
        return Selection(fallback.kept, fallback.removed, fallback.view, probabilities)
    return Selection(kept, removed, selection.view, probabilities)


def raised_cut(page: PageBlocks, probabilities: np.ndarray, threshold: float, own: float) -> float:
    """The threshold to cut at, given the page's (`threshold`) and the model's own (`own`).

    A raised cut (a forum thread's: replies score lower than prose, and signatures and quote headers
    between them nearly as high as the posts) is kept while the blocks that reach it hold at least
    RAISED_CUT_MIN_SHARE of the characters of the blocks that reach the model's own threshold. A thread
    whose posts the block model scores just under the raised cut (0.55 to 0.65 against about 0.68)
    would lose most of its text to it: such a page is cut at the model's own threshold.

    Measured on WCXB dev (5-fold CV, fixed fold models): F1 0.8730 to 0.8735, forum 0.8096 to 0.8158
    (two threads, +0.43 and +0.22; no page lower); AEB unchanged (0.9597). Any share from 0.6 to 0.75
    gives the same; 0.3 to 0.5 rescue one thread, 0.9 costs forum 0.004. With `parse.drop_popovers`,
    which rescues most of both threads by itself, it adds less and not on every seed: forum on seeds
    0-3 of the fold models +0.0008 +0.0050 -0.0045 +0.0041 (F1 +0.0001 +0.0004 -0.0005 +0.0003); a
    share of 0.5 gives a mean of +0.0003 forum, taking the cut halfway or a quarter of the way down
    instead of to the model's own gives +0.0010 to +0.0012.
    """
    if threshold <= own:
        return threshold
    chars = np.fromiter((block.chars for block in page.blocks), dtype=np.float64, count=len(page.blocks))
    believed = float(chars[probabilities >= own].sum())
    if believed > 0 and float(chars[probabilities >= threshold].sum()) < RAISED_CUT_MIN_SHARE * believed:
        return own
    return threshold


def is_short_body(texts: Iterable[str]) -> bool:
    """Whether kept texts hold fewer than SHORT_BODY_WORDS words (split on white space). It stops at the
    text that reaches the count: asked of every page, twice, it would otherwise split whole bodies."""
    words = 0
    for text in texts:
        words += len(text.split())
        if words >= SHORT_BODY_WORDS:
            return False
    return True


def _revealing_cut(page: PageBlocks, selection: Selection, probabilities: np.ndarray, threshold: float,
                   options: Options) -> tuple[list[Block], list[Block]]:
    """The model's cut; when it keeps a short body (`is_short_body`) and `options.reveal_hidden` is on, the
    cut again with hidden blocks no longer vetoed: a page that keeps (nearly) all its content under
    display:none and reveals it by script (a shop's search results) has nothing else to show.

    Measured on WCXB dev (5-fold CV): F1 0.8730 to 0.8742, collection 0.6702 to 0.6801, product 0.6565
    to 0.6640 (two pages whose visible text is menus and footers: empty records became 0.87 and 0.97);
    no page lower, AEB unchanged (0.9597). Revealing them whenever hidden blocks hold half the page's
    text or more scored lower (listing -0.007: pop-ups and hidden copies of a visible body).
    """
    kept, removed = _model_cut(page, selection, probabilities, threshold, options)
    if options.reveal_hidden and is_short_body(block.text for block in kept):
        hidden = {block.position for block in page.blocks if page.elements[block.element].flags & HIDDEN}
        if hidden - selection.view.kept:
            kept, removed = _model_cut(page, selection, probabilities, threshold, options, hidden)
    return kept, removed


def _model_cut(page: PageBlocks, selection: Selection, probabilities: np.ndarray, threshold: float,
               options: Options, revealed: set[int] | None = None) -> tuple[list[Block], list[Block]]:
    """The model's cut; blocks at the positions in `revealed` are not vetoed for being hidden."""
    marks, heuristic_kept = selection.view.page_marks, selection.view.kept
    if revealed:
        # The veto spares hidden blocks the heuristics kept: the revealed ones count as such.
        heuristic_kept = heuristic_kept | revealed
    cut = None
    if _fast is not None:
        cut = _fast.model_cut(page.blocks, page.elements, probabilities, threshold, marks, heuristic_kept,
                              options.use_heuristics)
    return cut or _model_cut_python(page, probabilities, threshold, marks, heuristic_kept, options.use_heuristics)


def drop_repeats(selection: Selection) -> Selection:
    """The selection without the kept blocks that repeat an earlier kept block's text, labelled duplicate.

    Measured on WCXB dev (5-fold CV): F1 0.859 to 0.865; forum +0.025, product +0.015, collection
    +0.009, article +0.003, documentation -0.005 (its truths repeat steps, "On the File menu, click
    Save.", on purpose). Keeping isolated short repeats (a question put to each interviewee) as labels
    rather than copies measured lower (0.864), as did leaving list items alone.
    """
    blocks = selection.kept
    at = second_copies([block.text if block.kind not in REPEATABLE_KINDS else None for block in blocks])
    if not at:
        return selection
    return _without(selection, [blocks[i] for i in at], "duplicate")


# Teaser cards (`drop_teasers`): excerpts of at least this many characters, mostly unlinked, cut short with
# an ellipsis...
_EXCERPT_MIN_CHARS = 40
# ...in elements of one shape (tag, class and parent's) repeated at least this many times, each at most
# this long: the card is the largest such element around its excerpt.
_MIN_TEASERS = 3
_TEASER_MAX_CHARS = 1000
# The page keeps this much prose outside the cards (blocks of _PROSE_MIN_CHARS or more), and at least this
# share of the prose kept inside them: the story the cards sit beside.
_STORY_OUTSIDE_MIN_PROSE = 500
_STORY_OUTSIDE_MIN_RATIO = 0.5


def drop_teasers(page: PageBlocks, selection: Selection) -> Selection:
    """The selection without the kept blocks of teaser cards, labelled related: three or more cards of
    one shape, each showing an excerpt of another page cut short with an ellipsis ("...", "…"), beside
    a story of their own page's.

    For pages whose type is article (the caller's test): a listing's cards are its content. Measured on
    WCXB dev (5-fold CV), alone: F1 0.8645 to 0.8650, article 0.9547 to 0.9558 (precision 0.9410 to
    0.9427); listing -0.002 (a listing taken for an article), forum -0.001.
    """
    elements = page.elements
    excerpts = [block for block in page.blocks
                if block.chars >= _EXCERPT_MIN_CHARS and block.link_chars < 0.5 * block.chars
                and is_cut_short(block.text)]
    if len(excerpts) < _MIN_TEASERS:
        return selection
    chains = []
    for block in excerpts:
        chain, index = [], block.element
        while index >= 0 and elements[index].chars <= _TEASER_MAX_CHARS:
            chain.append(index)
            index = elements[index].parent
        chains.append(chain)
    # Elements of each shape holding an excerpt: a card's shape is held by several, the grid's by one.
    holders = Counter(elements[i].shape for i in {i for chain in chains for i in chain})
    cards = set()
    for chain in chains:
        repeated = [i for i in chain if holders[elements[i].shape] >= _MIN_TEASERS]
        if repeated:
            cards.add(repeated[-1])
    if len(cards) < _MIN_TEASERS:
        return selection
    # Subtrees are preorder ranges: one pass over a difference array says which elements are in a card.
    depth = [0] * (len(elements) + 1)
    for card in cards:
        depth[card] += 1
        depth[elements[card].end] -= 1
    in_card = list(accumulate(depth))
    in_cards = [block for block in selection.kept if in_card[block.element] > 0]
    if not in_cards:
        return selection
    inside = sum(prose_chars(block) for block in in_cards)
    dropped = {block.position for block in in_cards}
    outside = sum(prose_chars(block) for block in selection.kept
                  if block.position not in dropped and block.chars >= _PROSE_MIN_CHARS)
    if outside < _STORY_OUTSIDE_MIN_PROSE or outside < _STORY_OUTSIDE_MIN_RATIO * inside:
        return selection
    return _without(selection, in_cards, "related")


_FOOTER = ANCESTOR_FLAGS["footer"]
# `drop_footers` leaves a page alone when less than this much text outside links is kept outside footers.
_OUTSIDE_FOOTERS_MIN_CHARS = 100


def drop_footers(page: PageBlocks, selection: Selection) -> Selection:
    """The selection without the kept blocks inside a <footer> (the page's, or an article's own: the
    disclaimer, the tags, the sign-off box), labelled footer. A page whose kept text is nearly all in
    footers (markup that wraps its content in one) is left alone.

    Measured on WCXB dev (5-fold CV), alone: F1 0.8645 to 0.8661, article 0.9547 to 0.9556, collection
    0.638 to 0.647, product 0.645 to 0.650; no page type lower.
    """
    elements = page.elements
    in_footers = [block for block in selection.kept if elements[block.element].flags & _FOOTER]
    if not in_footers:
        return selection
    dropped = {block.position for block in in_footers}
    rest = sum(block.chars - block.link_chars for block in selection.kept if block.position not in dropped)
    if rest < _OUTSIDE_FOOTERS_MIN_CHARS:
        return selection
    return _without(selection, in_footers, "footer")


# `drop_outside_schema_body`: an articleBody this long is the article's text...
_SCHEMA_BODY_MIN_CHARS = 500
# ...when this share of the kept text (blocks of three words or more) is in it; then a kept block of
# three words or more with less than this share of its word trigrams in it is not the article's.
_SCHEMA_BODY_MIN_COVER = 0.5
_SCHEMA_BODY_MIN_SHARE = 0.5
_WORD = re.compile(r"\w+")


def drop_outside_schema_body(selection: Selection, article_body: str) -> Selection:
    """The selection without the kept blocks the page's JSON-LD articleBody does not hold, labelled other:
    the sign-up box, the author's bio and the teasers that the site's own copy of its article leaves
    out. Nothing changes when the articleBody is short or misses much of the kept text (a summary,
    another article's body).

    Measured on WCXB dev (5-fold CV), alone: F1 0.8645 to 0.8648, article 0.9547 to 0.9551 (28 pages
    have an articleBody of 500 characters or more; of the 15 it changes, 2 score lower).
    """
    if len(article_body) < _SCHEMA_BODY_MIN_CHARS:
        return selection
    words = _WORD.findall(html.unescape(article_body).lower())
    trigrams = set(zip(words, words[1:], words[2:], strict=False))
    outside: list[Block] = []
    covered = measured = 0
    for block in selection.kept:
        tokens = _WORD.findall(block.text.lower())
        if len(tokens) < 3:
            continue
        grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        measured += block.chars
        if sum(gram in trigrams for gram in grams) >= _SCHEMA_BODY_MIN_SHARE * len(grams):
            covered += block.chars
        else:
            outside.append(block)
    if not outside or covered < _SCHEMA_BODY_MIN_COVER * measured:
        return selection
    return _without(selection, outside, "other")


# `keep_shop_prose`: a kept block of this many words (split on white space), with at most this share of its
# characters in links, is prose...
_SHOP_PROSE_MIN_WORDS = 20
_SHOP_PROSE_MAX_LINK_SHARE = 0.3
# ...and a shop page whose kept prose holds this many words, at most this share of the kept words, is its
# text's page (the rest is a product grid around it).
_SHOP_PROSE_MIN_TOTAL = 400
_SHOP_PROSE_MAX_SHARE = 0.5


def _is_shop_prose(block: Block) -> bool:
    return (len(block.text.split()) >= _SHOP_PROSE_MIN_WORDS
            and block.link_chars <= _SHOP_PROSE_MAX_LINK_SHARE * block.chars)


def keep_shop_prose(selection: Selection) -> Selection:
    """The selection without its kept blocks that are not prose (nor a heading right before prose),
    labelled other, when its prose (blocks of 20 words or more, few links) holds 400 words or more but
    at most half the kept words: a shop's category page with a long text of its own (a buying guide, the
    range's story) beside a product grid is that text, not the grid's names, prices and filters. Where the
    prose is most of the kept text, what else is kept belongs with it (a product's specifications).

    For shop pages, those the page-type model takes for a collection or a product (the caller's test).
    Measured on WCXB dev (5-fold CV): F1 0.8742 to 0.8761, collection 0.6801 to 0.7015, listing 0.7316 to
    0.7354, service 0.8377 to 0.8398, others unchanged, AEB unchanged (0.9597); over the fold models of
    seeds 1 and 2, F1 +0.0014 and +0.0018, collection +0.012 and +0.019, product unchanged. 11 pages
    change, 1 lower: a category page whose truth is its grid loses it (0.73 to 0.17, from a site whose
    other category page gains 0.39 to 1.00). Half the collection gain is one site's five category pages.
    Without the share test, product pages with long descriptions lost their specifications (product
    -0.001, -0.003 and -0.005 over the three seeds); from 200 to 300 words or 500 scored lower overall,
    as did taking pages of collection type alone (from a surer type).
    """
    kept = selection.kept
    prose_words = sum(len(block.text.split()) for block in kept if _is_shop_prose(block))
    if (prose_words < _SHOP_PROSE_MIN_TOTAL
            or prose_words > _SHOP_PROSE_MAX_SHARE * sum(len(block.text.split()) for block in kept)):
        return selection
    other = [block for i, block in enumerate(kept)
             if not _is_shop_prose(block)
             and not (block.kind == "heading" and i + 1 < len(kept) and _is_shop_prose(kept[i + 1]))]
    if not other:
        return selection
    return _without(selection, other, "other")


def _without(selection: Selection, blocks: list[Block], label: str) -> Selection:
    """The selection with `blocks` (kept ones) moved to the removed, labelled `label`."""
    for block in blocks:
        block.label = label
    dropped = {block.position for block in blocks}
    kept = [block for block in selection.kept if block.position not in dropped]
    removed = sorted(selection.removed + blocks, key=lambda block: block.position)
    return Selection(kept, removed, selection.view, selection.probabilities)


def _model_cut_python(page: PageBlocks, probabilities: np.ndarray, threshold: float, marks: list[str | None],
                      heuristic_kept: set[int], use_heuristics: bool) -> tuple[list[Block], list[Block]]:
    """The blocks the model keeps and the rest, each removed one labelled: the reference for
    _classify.c's model_cut, and the fallback."""
    verdicts = model_verdicts(probabilities, block_groups(page.blocks), threshold).tolist()
    kept: list[Block] = []
    removed: list[Block] = []
    for block, keep in zip(page.blocks, verdicts, strict=True):
        if keep and not (use_heuristics and _vetoed(block, page.elements[block.element], marks, heuristic_kept)):
            block.label = None
            kept.append(block)
        else:
            block.label = block.label or block.rule or marks[block.element] or "other"
            removed.append(block)
    return kept, removed


def _vetoed(block: Block, element: Element, marks: list[str | None], heuristic_kept: set[int]) -> bool:
    """Whether the heuristics overrule the model's keep: a wording rule's match or a caption is never
    content, whatever the model says."""
    return (
        block.rule is not None or block.kind == "caption"
        # Hidden text (schema.org copies, collapsed menus) stays out unless the heuristics found
        # the content itself there (a page that reveals its body by script).
        or bool(element.flags & HIDDEN and block.position not in heuristic_kept)
        or bool(element.flags & SCHEMA_COPY)
        or marks[block.element] in VETOED_MARKS
    )


def block_groups(blocks: list[Block]) -> np.ndarray:
    """For each block, the list (for items) or data table (for cells) it belongs to, else -1."""
    return np.array([
        block.list_element if block.kind == "item" else block.table if block.kind == "cell" else -1
        for block in blocks
    ], dtype=np.int64)


def model_verdicts(probabilities: np.ndarray, groups: np.ndarray, threshold: float) -> np.ndarray:
    """Keep a block when the model says so, and a whole list or table when its items do on average:
    a list does not lose its last item because that item alone looks weaker. A list whose items
    average `GROUP_DROP` below the threshold goes whole too, its stronger items with it."""
    keep = probabilities >= threshold
    grouped = groups >= 0
    if grouped.any():
        # Group ids are element indices: bincount sums by them directly, in block order as before.
        members = groups[grouped]
        means = np.bincount(members, weights=probabilities[grouped])[members] / np.bincount(members)[members]
        keep[grouped] = (keep[grouped] | (means >= threshold)) & (means >= threshold - GROUP_DROP)
    return keep


def _heuristic_verdicts(page: PageBlocks, selection: Selection) -> Selection:
    kept_positions = selection.view.kept
    for block in page.blocks:
        if block.position in kept_positions:
            block.label = None
    return selection


# -- the compiled loops -------------------------------------------------------------------------------
# copydesk/_classify.c runs `_inherited_marks_python` and `_root_scores_python`, the two loops over every
# element and block, with the tables and thresholds above. It is used once a probe page gives the same
# marks, rules, scores and root both ways; COPYDESK_PURE_PYTHON=1 turns it off (see compiled.py).

_PROBE_PAGE = """<html><body><div class="menu"><a href="/a">Home</a> <a href="/b">World news today</a></div>
<div class="comments"><article><p>A post with enough prose to count as one, and more words after that.
It goes on for a while so that it holds more than two hundred characters of prose, which is what a post
needs before its comments stop being the content of the page.</p></article>
<div class="comment"><p>First comment, a sentence that ends.</p></div><div class="modal"><p>Sign in</p></div></div>
<div class="signature"><p>Sent from my phone</p></div><ul class="related"><li><a href="/c">A related story
with a long title</a></li></ul><pre>code()</pre><p>- Advertisement -</p><div id="footer">(c) 2026</div>
</body></html>"""


# A text for each kind of wording rule, and texts that only nearly match one.
_PROBE_TEXTS = ("- Advertisement -", "Read more: the story", "Please enter your comment!", "3 Comments",
                "This site uses Akismet to reduce spam.", "We use cookies", "We use COO\u212aIES here", "Share",
                "Subscribe to our newsletter", "© 2026", "A caption (Image: GETTY)", "Back to top",
                "A story [VIDEO]", "Share this with everyone you know.", "", " ", "x" * 301, "Ünïcode text")


def _set_up_compiled(module: ModuleType) -> None:
    """Configure _classify.c with the tables and thresholds above, then check it on the probe page."""
    from selectolax.lexbor import LexborHTMLParser

    from .blocks import page_blocks
    from .options import DEFAULT_OPTIONS

    module.configure(
        Element, Block, MARK_ALIASES, LINK_LIST_CATEGORIES, VETOED_MARKS, SENTENCE_END, HEADED_MODULE, COMMENTS,
        HIDDEN, SCHEMA_COPY, {
            "mark_max_share": _MARK_MAX_SHARE, "category_max_share": _CATEGORY_MAX_SHARE,
            "link_list_max_prose": _LINK_LIST_MAX_PROSE, "post_min_prose": _POST_MIN_PROSE,
            "boilerplate_weight": _BOILERPLATE_WEIGHT, "headline_weight": _HEADLINE_WEIGHT,
            "headline_min_chars": _HEADLINE_MIN_CHARS, "neutral_weight": _NEUTRAL_WEIGHT,
            "prose_min_chars": _PROSE_MIN_CHARS, "prose_max_link_density": _PROSE_MAX_LINK_DENSITY,
            "sentence_max_link_density": _SENTENCE_MAX_LINK_DENSITY, "sentence_weight": _SENTENCE_WEIGHT,
            "group_drop": GROUP_DROP,
        })
    module.configure_rules(*compiled_tables())
    body = LexborHTMLParser(_PROBE_PAGE).body
    assert body is not None
    if _compiled_differs(module, page_blocks(body), DEFAULT_OPTIONS):
        raise RuntimeError("probe page's marks or scores differ")


def _compiled_differs(module: object, page: PageBlocks, options: Options) -> bool:
    """Whether the compiled loops disagree with the Python ones on `page` (or decline it)."""
    elements, blocks = page.elements, page.blocks
    marks = _inherited_marks_python(page, 0, len(elements))
    rules = [text_category(block.text) for block in blocks]
    root = _root_scores_python(page, marks, rules, options)
    scores = [(block.rule, block.score, type(block.score)) for block in blocks]
    probe_rules = [Block(0, "paragraph", [], text) for text in _PROBE_TEXTS]
    if module.text_rules(probe_rules) != [text_category(text) for text in _PROBE_TEXTS]:  # type: ignore[attr-defined]
        return True
    fast_marks = module.inherited_marks(elements, 0, len(elements))  # type: ignore[attr-defined]
    fast_root = module.root_scores(  # type: ignore[attr-defined]
        blocks, elements, fast_marks, rules, options.max_link_density, options.min_block_chars)
    if (fast_marks != marks or fast_root != root
            or [(block.rule, block.score, type(block.score)) for block in blocks] != scores):
        return True
    root_marks = _inherited_marks_python(page, root, elements[root].end)
    for listing in (True, False):
        args = (marks, root_marks, root, elements[root].end, listing)
        if heuristic_cut_outcome(module, page, *args, options) != heuristic_cut_outcome(None, page, *args, options):
            return True
    probabilities = np.linspace(0.0, 1.0, len(blocks))
    for use_heuristics in (True, False):
        fast = cut_outcome(module, page, probabilities, marks, {0, 2}, use_heuristics)
        if fast is None or fast != cut_outcome(None, page, probabilities, marks, {0, 2}, use_heuristics):
            return True
    return False


def heuristic_cut_outcome(module: object | None, page: PageBlocks, page_marks: list[str | None],
                          marks: list[str | None], root: int, end: int, listing: bool,
                          options: Options) -> tuple[list[int], list[int], list[str | None]] | None:
    """The positions kept and removed and every block's label after `module`'s heuristic_cut (None:
    the Python code's), the blocks' labels put back as they were."""
    labels = [block.label for block in page.blocks]
    if module is None:
        cut = _heuristic_cut_python(page, page_marks, marks, root, end, listing, options)
    else:
        cut = module.heuristic_cut(page.blocks, page_marks, marks, root, end, listing,  # type: ignore[attr-defined]
                                   options.max_link_density)
    outcome = None if cut is None else ([b.position for b in cut[0]], [b.position for b in cut[1]],
                                        [b.label for b in page.blocks])
    for block, label in zip(page.blocks, labels, strict=True):
        block.label = label
    return outcome


def cut_outcome(module: object | None, page: PageBlocks, probabilities: np.ndarray, marks: list[str | None],
                heuristic_kept: set[int], use_heuristics: bool) -> tuple[list[int], list[int], list[str | None]] | None:
    """The positions kept and removed and every block's label after a model cut by `module`'s
    model_cut (None: the Python code's), the blocks' labels put back as they were."""
    labels = [block.label for block in page.blocks]
    if module is None:
        cut = _model_cut_python(page, probabilities, 0.5, marks, heuristic_kept, use_heuristics)
    else:
        cut = module.model_cut(page.blocks, page.elements, probabilities, 0.5, marks,  # type: ignore[attr-defined]
                               heuristic_kept, use_heuristics)
    outcome = None if cut is None else ([b.position for b in cut[0]], [b.position for b in cut[1]],
                                        [b.label for b in page.blocks])
    for block, label in zip(page.blocks, labels, strict=True):
        block.label = label
    return outcome


_fast, COMPILED_CLASSIFY_UNAVAILABLE = load_checked("_classify", _set_up_compiled)
