"""The parts of a page that are not its body, kept apart instead of lost.

- `images`: the article's pictures, each with its caption and the credit split off it
  ("... (Image: GETTY)" becomes caption "..." and credit "GETTY");
- `related`: the links the article itself recommends inside its span ("READ MORE: ..." lines and
  in-article lists such as "... [VIDEO]"), each with its title, URL and tag. Site-wide modules
  ("Most popular", a sidebar's list) are page chrome: they stay in `removed` as "related";
- `comments`: readers' comments, each with author, time and text when the page gives them;
- `removed`: every block left out of the body with the category it was removed under.

All are read off the walk and the final selection; nothing here touches the DOM again.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin

from .blocks import ANCESTOR_FLAGS, COMMENTS, MARKDOWN_ONLY, Block, Element, PageBlocks
from .rules import MARK_ALIASES

_FORM = ANCESTOR_FLAGS["form"]

# A credit at the end of a caption: "(Image: GETTY)", "Photo: Reuters", "Credit: AP", "© Jane Doe".
_CREDIT = re.compile(
    r"\s*(?:\(\s*(?:images?|photos?|pictures?|pics?|credit|source)\s*:\s*(?P<paren>[^)]{1,80})\)"
    r"|(?:[|/–—-]\s*)?(?:images?|photos?|photograph|pictures?|credit|source)\s*:\s*(?P<label>[^.:()]{1,80})"
    r"|©\s*(?P<copy>[^.()]{1,80}))\s*$",
    re.I,
)
_TAG = re.compile(r"\s*\[(?P<tag>[A-Z][A-Z0-9 &'-]{1,24})\]\s*$")
# "Jane on March 3, 2020 at 4:47 pm said:", "Jane says:", "Jane wrote:".
_COMMENT_BYLINE = re.compile(r"^(?P<author>.{2,60}?)(?:\s+on\s+(?P<time>.{6,60}?))?\s+(?:said|says|wrote)\s*:?$", re.I)
_DATE_LIKE = re.compile(
    r"\b(\d{4}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d+\s+(minutes?|hours?|days?|weeks?) ago)", re.I
)

# Categories removed blocks are reported under: the walk's finer labels folded into the documented set.
_REPORTED = {"hidden": "other", "modal": "other", "metadata": "other"}


@dataclass(slots=True)
class Image:
    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(slots=True)
class RelatedLink:
    title: str
    url: str
    tag: str | None = None  # "[VIDEO]" and the like, without brackets


@dataclass(slots=True)
class Comment:
    text: str
    author: str | None = None
    time: str | None = None


@dataclass(slots=True)
class RemovedBlock:
    category: str
    text: str


def as_dicts(items: list[Any]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]


def split_credit(caption: str) -> tuple[str, str | None]:
    """The caption without its trailing credit, and the credit (None when there is none)."""
    match = _CREDIT.search(caption)
    if not match or match.start() == 0:
        return caption, None
    credit = (match.group("paren") or match.group("label") or match.group("copy") or "").strip()
    return caption[: match.start()].rstrip(" |/–—-"), credit or None


def body_span(kept: list[Block]) -> tuple[int, int]:
    """First and last block positions of the body (-1, -1 when it is empty)."""
    if not kept:
        return -1, -1
    return kept[0].position, kept[-1].position


def find_images(page: PageBlocks, kept: list[Block], marks: list[str | None], url: str | None) -> list[Image]:
    """The pictures inside the body's span, each with the caption of its <figure>. `marks`: the
    believed boilerplate mark of each element (`HeuristicView.page_marks`)."""
    if not kept:
        return []
    first, last = kept[0].element, max(block.element for block in kept)
    candidates = [(attributes, element) for attributes, element in page.images if first <= element <= last]
    if not candidates:
        return []
    elements = page.elements
    captions = {
        _figure_of(elements, block.element): block.text for block in page.blocks if block.kind == "caption"
    }
    # Elements holding a block removed as chrome ("- Advertisement -"): a picture beside it is the ad.
    chrome = {block.element for block in page.blocks if block.label in _CHROME}
    images = []
    for attributes, element in candidates:
        src = attributes.get("src") or attributes.get("data-src") or attributes.get("data-lazy-src")
        if not src or src.startswith("data:") or marks[element] in _CHROME:
            continue
        if element in chrome or elements[element].parent in chrome:
            continue
        caption = captions.get(_figure_of(elements, element))
        caption, credit = split_credit(caption) if caption else (None, None)
        images.append(Image(urljoin(url, src) if url else src, attributes.get("alt") or None, caption, credit))
    return images


# Marks that make a picture page chrome (an ad's creative, a share icon, an author's avatar in a box).
_CHROME = frozenset({
    "advertisement", "navigation", "breadcrumb", "share", "related", "comment", "comment-form", "newsletter",
    "cookie-banner", "footer", "modal", "hidden",
})


def _figure_of(elements: list[Element], index: int) -> int:
    """The <figure> at or up to three levels above an element, else the element itself."""
    for _ in range(4):
        if index < 0:
            break
        if elements[index].tag == "figure":
            return index
        index = elements[index].parent
    return -1


def find_related(page: PageBlocks, kept: list[Block], url: str | None) -> list[RelatedLink]:
    """Links the article recommends inside its own span: removed as "related", with a link."""
    first, last = body_span(kept)
    related = []
    for block in page.blocks[first + 1: last] if first >= 0 else []:
        if block.label != "related":
            continue
        tag_match = _TAG.search(block.text)
        tag = tag_match.group("tag") if tag_match else None
        for title, href in _links(block):
            related.append(RelatedLink(_TAG.sub("", title).strip(), urljoin(url, href) if url else href, tag))
    return related


def _links(block: Block) -> list[tuple[str, str]]:
    """(text, href) of each link in a block, pieces of one link joined."""
    links: list[tuple[str, str]] = []
    for text, href in block.pieces:
        if href is None or href == MARKDOWN_ONLY:
            continue
        if links and links[-1][1] == href:
            links[-1] = (links[-1][0] + text, href)
        else:
            links.append((text, href))
    return [(" ".join(text.split()), href) for text, href in links if href and text.strip()]


def find_comments(page: PageBlocks) -> list[Comment]:
    """Readers' comments: removed "comment" blocks outside forms, grouped by their repeated unit."""
    elements = page.elements
    candidates = [
        block for block in page.blocks
        if block.label == "comment" and elements[block.element].flags & COMMENTS
        and not elements[block.element].flags & _FORM
    ]
    if not candidates:
        return []
    shapes: dict[int, int] = {}
    for element in elements:
        if element.flags & COMMENTS:
            shapes[element.shape] = shapes.get(element.shape, 0) + 1
    groups: dict[int, list[Block]] = {}
    for block in candidates:
        groups.setdefault(_comment_unit(elements, shapes, block.element), []).append(block)
    return [comment for blocks in groups.values() if (comment := _comment(blocks)) is not None]


def _comment_unit(elements: list[Element], shapes: dict[int, int], index: int) -> int:
    """The outermost element above `index`, inside the comment area, whose shape repeats on the page:
    one comment (a thread's list or container appears once)."""
    unit, current = index, index
    while current >= 0 and elements[current].flags & COMMENTS:
        if shapes.get(elements[current].shape, 0) >= 2:
            unit = current
        current = elements[current].parent
    return unit


def _comment(blocks: list[Block]) -> Comment | None:
    texts = [block.text for block in blocks]
    author = time = None
    byline = _COMMENT_BYLINE.match(texts[0])
    if byline:
        author, time, texts = byline.group("author"), byline.group("time"), texts[1:]
    elif len(texts) > 1 and len(texts[0]) <= 60:
        author, texts = texts[0], texts[1:]
        if texts and len(texts[0]) <= 60 and _DATE_LIKE.search(texts[0]):
            time, texts = texts[0], texts[1:]
    text = "\n\n".join(texts).strip()
    # Two words or fewer is a form label or a counter ("Reply", "0"), not a comment.
    if len(text.split()) <= 2:
        return None
    return Comment(text, author, time)


def _reported(label: str | None) -> str:
    category = MARK_ALIASES.get(label or "other", label or "other")
    return _REPORTED.get(category, category)


def removed_blocks(page: PageBlocks, kept: list[Block]) -> list[RemovedBlock]:
    """Every block left out of the body, in reading order, with the category it was removed under."""
    kept_positions = {block.position for block in kept}
    return [
        RemovedBlock(_reported(block.label), block.text)
        for block in page.blocks if block.position not in kept_positions
    ]
