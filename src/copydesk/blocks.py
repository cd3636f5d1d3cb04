"""DOM to content blocks: one pass over the tree, cutting the text into blocks at block-level tags.

A block is a run of text inside one block-level element (a paragraph, a list item, a table cell, a
heading, a div's own text). Each keeps what later stages need: its text and links, the element it sits
in, and what kind of structure surrounds it (list, table, quote, code). Elements are kept in a flat
table (`Element`) with parent indices, so scoring subtrees needs no further DOM access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import rules
from .compiled import import_extension
from .rules import BLOCK_TAGS, HEADING_LEVELS, SKIPPED_TAGS, TAG_CATEGORIES, attribute_category, is_panel

# A <br> outside <pre>: survives whitespace folding, becomes a newline (two in a row: a blank line).
LINE_BREAK = "\ue000"
_BREAKS = re.compile(" ?(?:\ue000 ?)+")
# Permalink markers that documentation generators append to headings.
HEADING_MARKERS = " ¶#§🔗"

# A piece carrying this in place of an href is markup for the Markdown rendering only (inline code).
MARKDOWN_ONLY = "\x00md"

# A block with at least this many characters outside links reads as prose (for the mark guard).
_PROSE_MIN_CHARS = 60
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# Structural ancestors a block may sit in, one bit each (inherited down the tree): features for the model.
ANCESTOR_FLAGS = {
    "nav": 1, "header": 2, "footer": 4, "aside": 8, "article": 16, "main": 32, "form": 64,
    "li": 128, "table": 256, "blockquote": 512, "figure": 1024, "section": 2048, "hidden": 4096,
    "comment": 8192,
}
HIDDEN = ANCESTOR_FLAGS["hidden"]
# Set under any element whose class or id says "comment", believed or not: the model weighs it against
# the page (a blog's comment thread is not its content; a forum's posts are).
COMMENTS = ANCESTOR_FLAGS["comment"]
_MARK_FLAGS = {"hidden": HIDDEN, "comment": COMMENTS}
# A hidden schema.org item (itemscope under display:none) is the page's metadata and text copied out
# for search engines: never content, even beside a body the heuristics chose. Not a model feature.
SCHEMA_COPY = 1 << 20
# An element a "Related stories"-style heading opens (see classify.mark_related_sections): its mark is
# believed whatever share of the page it holds, since the heading, not a class name, says what it is.
HEADED_MODULE = 1 << 21


@dataclass(slots=True)
class Element:
    """A block-level element of the page: its tag, its parent's index, and any boilerplate mark."""

    tag: str
    parent: int
    mark: str | None
    depth: int
    chars: int = 0  # characters of text in its subtree, filled by the walk
    prose: int = 0  # characters of prose-like text (long, few links) in its subtree
    layout: bool = False  # for tables: a cell holds block-level content, so it is page layout
    flags: int = 0  # ANCESTOR_FLAGS bits of this element and everything above it
    signature: int = 0  # hash of tag and class
    shape: int = 0  # hash of its signature and its parent's: equal for the repeated cards of a list or thread
    end: int = 0  # one past the last element of its subtree (the table is in preorder), filled by the walk


@dataclass(slots=True)
class Block:
    """A run of text inside one block-level element, with the features classification needs."""

    element: int  # index of the enclosing block-level Element
    kind: str  # heading, paragraph, item, cell, code, caption
    pieces: list[tuple[str, str | None]]  # (text, link href or None), in order
    text: str = ""
    link_chars: int = 0
    links: int = 0  # number of links
    level: int = 0  # heading level
    list_element: int = -1  # nearest enclosing ul/ol/dl
    ordered: bool = False
    list_depth: int = 0
    table: int = -1  # enclosing data table
    row: int = -1
    quote: int = -1  # enclosing blockquote
    position: int = 0  # index among blocks
    score: float = 0.0
    rule: str | None = None  # category a wording rule gives it ("- Advertisement -"), whatever its place
    label: str | None = None  # boilerplate category when classified out
    # len(text): a field, not a property, since the heuristics read it for every block. Set from the
    # text here; the compiled walk, which makes blocks without __init__, sets it itself.
    chars: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.chars = len(self.text)


@dataclass(slots=True)
class _Frame:
    """The structural context text is in: what kind of block, inside which list, table or quote."""

    kind: str
    level: int = 0
    list_element: int = -1
    ordered: bool = False
    list_depth: int = 0
    table: int = -1
    row: int = -1
    quote: int = -1
    pre: bool = False


@dataclass(slots=True)
class PageBlocks:
    """The result of the walk: the element table and the blocks in reading order."""

    elements: list[Element]
    blocks: list[Block]
    total_chars: int
    total_prose: int
    comment_prose: int = 0  # prose under "comment" classes (outermost such elements), believed or not
    structured_data: list[str] = field(default_factory=list)  # JSON-LD <script>s in the body, as text
    images: list[tuple[dict[str, str | None], int]] = field(default_factory=list)  # <img> attributes, element


def prose_chars(block: Block) -> int:
    """The block's characters outside links when it reads as prose (long, few links), else 0. The
    compiled walk (_walk.c) sums the same, from `_PROSE_MIN_CHARS`."""
    n = len(block.text)
    prose = n - block.link_chars
    return prose if prose >= _PROSE_MIN_CHARS and block.link_chars <= 0.3 * n else 0


def _is_hidden(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# Dialogs (refund policies, size guides, sign-in boxes) sit in the page closed, often longer than the
# content itself; they are never the page's content, whatever their share of its text.
_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})
_ROLE_CATEGORIES = {"navigation": "navigation", "contentinfo": "footer", "banner": "navigation"}


def _element_mark(tag: str, attrs: dict[str, str | None]) -> str | None:
    """The boilerplate category an element's attributes or tag give it, or None."""
    # Hidden subtrees are marked, not skipped: a stray unclosed display:none div can swallow a page.
    if ("style" in attrs or "hidden" in attrs or "aria-hidden" in attrs) and _is_hidden(attrs) and not is_panel(
            f"{attrs.get('class') or ''} {attrs.get('id') or ''}", attrs.get("role")):
        return "hidden"
    role = attrs.get("role")
    if role in _DIALOG_ROLES or attrs.get("aria-modal") == "true":
        return "modal"
    if role in _ROLE_CATEGORIES:
        return _ROLE_CATEGORIES[role]
    names = attrs.get("class") or ""
    if "id" in attrs:
        names = f"{names} {attrs['id'] or ''}"
    return (attribute_category(names) if names else None) or TAG_CATEGORIES.get(tag)


def fold_breaks(text: str) -> str:
    """Turn <br> marks into newlines: one break a line end, several a paragraph break."""
    if LINE_BREAK in text:
        text = _BREAKS.sub(lambda m: "\n\n" if m.group().count(LINE_BREAK) > 1 else "\n", text)
    return text.strip()


_CLOSE_BLOCK, _CLOSE_LINK, _CLOSE_CODE = 1, 2, 3
_TABLE_TAGS = frozenset({"td", "th", "tr", "table"})
# Tags that change a block's structural context; any other block tag inherits its parent's.
_CONTEXT_TAGS = frozenset(
    {*HEADING_LEVELS, "ul", "ol", "dl", "menu", "dir", "li", "dt", "dd", "table", "tr", "td", "th", "pre",
     "blockquote", "figcaption", "p"}
)


class _Walker:
    """Cuts the DOM into blocks. Iterative, so 100,000-deep nesting cannot overflow the stack."""

    def __init__(self, skipped: frozenset[str]) -> None:
        self.skipped = skipped
        self.elements: list[Element] = []
        self.blocks: list[Block] = []
        # The structural context of each open element; a plain <div> shares its parent's (no copy).
        self.frames: list[_Frame] = []
        self.open_elements: list[int] = []
        self.pieces: list[tuple[str, str | None]] = []
        self.href: str | None = None
        self.link_depth = 0
        self.had_link = False  # whether the pending pieces may hold link text
        self.structured_data: list[str] = []  # JSON-LD scripts met in the body
        self.images: list[tuple[dict[str, str | None], int]] = []  # <img> attributes and enclosing element

    def run(self, root: LexborNode) -> PageBlocks:
        # The stack holds nodes to visit and, below each opened element, an int saying what closes.
        self._open(root, "body", {})
        stack: list[LexborNode | int] = _children_reversed(root)
        frames = self.frames
        while stack:
            node = stack.pop()
            if node.__class__ is int:
                if node == _CLOSE_BLOCK:
                    # Inlined _close_block (one call per element adds up): the root is never closed here.
                    if self.pieces:
                        self._flush()
                    frames.pop()
                    self.open_elements.pop()
                elif node == _CLOSE_LINK:
                    self._close_link()
                else:
                    self.pieces.append(("`", MARKDOWN_ONLY))
                continue
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if not text:
                    continue
                if text.isspace() and not frames[-1].pre:
                    # Whitespace between tags: one space at most, none at a block's start.
                    pieces = self.pieces
                    if pieces and not pieces[-1][0].endswith((" ", "\n", LINE_BREAK)):
                        pieces.append((" ", self.href))
                    continue
                self.pieces.append((text, self.href))
                continue
            if tag is None or tag[0] in "-_#!" or tag in self.skipped:
                if tag == "img":
                    self.images.append((node.attributes, self.open_elements[-1]))
                elif tag == "script" and node.attributes.get("type") == "application/ld+json":
                    # Kept as text, not as the node: a node would keep the whole DOM alive.
                    self.structured_data.append(node.text(deep=True))
                continue
            if tag == "br":
                self.pieces.append(("\n" if frames[-1].pre else LINE_BREAK, None))
                continue
            if tag in BLOCK_TAGS:
                self._open(node, tag, node.attributes)
                stack.append(_CLOSE_BLOCK)
            elif tag == "a" or ("-" in tag and "href" in (attrs := node.attributes)):
                # A custom element with an href (<dropdown-item href>, <nav-link href>) is a link
                # rendered by script: its text is link text to the link-density signals.
                self._open_link(node.attributes.get("href") if tag == "a" else attrs["href"])
                stack.append(_CLOSE_LINK)
            elif tag == "code" and not frames[-1].pre:
                self.pieces.append(("`", MARKDOWN_ONLY))
                stack.append(_CLOSE_CODE)
            stack.extend(_children_reversed(node))
        self._close_block()
        return self._finish()

    # -- elements ---------------------------------------------------------------------------------

    def _open(self, node: LexborNode, tag: str, attrs: dict[str, str | None]) -> None:
        if self.pieces:
            self._flush()
        index = len(self.elements)
        mark = _element_mark(tag, attrs) if attrs and tag not in ("body", "html") else TAG_CATEGORIES.get(tag)
        self.open_elements.append(index)
        if not self.frames:
            self.elements.append(Element(tag, -1, mark, 0, flags=ANCESTOR_FLAGS.get(tag, 0)))
            self.frames.append(_Frame("paragraph"))
            return
        parent = self.frames[-1]
        parent_index = self.open_elements[-2]
        above = self.elements[parent_index]
        signature = hash((tag, attrs.get("class"))) if attrs else hash(tag)
        flags = above.flags | ANCESTOR_FLAGS.get(tag, 0)
        if mark is not None:
            flags |= _MARK_FLAGS.get(mark, 0)
            if mark == "hidden" and "itemscope" in attrs:
                flags |= SCHEMA_COPY
        # Positional: this runs once per element of every page.
        self.elements.append(Element(tag, parent_index, mark, above.depth + 1, 0, 0, False, flags, signature,
                                     hash((signature, above.signature))))
        if parent.kind == "cell" and tag not in _TABLE_TAGS:
            self.elements[parent.table].layout = True
        if tag in _CONTEXT_TAGS:
            frame = _Frame(parent.kind, parent.level, parent.list_element, parent.ordered,
                           parent.list_depth, parent.table, parent.row, parent.quote, parent.pre)
            self._frame_kind(frame, tag, index)
            self.frames.append(frame)
        else:
            self.frames.append(parent)

    def _frame_kind(self, frame: _Frame, tag: str, index: int) -> None:
        if tag in HEADING_LEVELS:
            frame.kind, frame.level = "heading", HEADING_LEVELS[tag]
        elif tag in ("ul", "ol", "dl", "menu", "dir"):
            frame.list_element, frame.ordered = index, tag == "ol"
            frame.list_depth += 1
        elif tag in ("li", "dt", "dd"):
            frame.kind = "item"
        elif tag == "table":
            frame.table, frame.kind = index, "paragraph"
        elif tag == "tr":
            frame.row = index
        elif tag in ("td", "th"):
            frame.kind = "cell"
        elif tag == "pre":
            frame.kind, frame.pre = "code", True
        elif tag == "blockquote":
            frame.quote = index
        elif tag == "figcaption":
            frame.kind = "caption"
        elif tag == "p" and frame.kind not in ("item", "cell", "caption"):
            frame.kind = "paragraph"

    def _close_block(self) -> None:
        if self.pieces:
            self._flush()
        if len(self.frames) > 1:
            self.frames.pop()
            self.open_elements.pop()

    def _open_link(self, href: str | None) -> None:
        self.had_link = True
        self.link_depth += 1
        if self.link_depth == 1:
            self.href = href or ""

    def _close_link(self) -> None:
        self.link_depth -= 1
        if self.link_depth == 0:
            self.href = None

    # -- text ---------------------------------------------------------------------------------------

    def _flush(self) -> None:
        if not self.pieces:
            return
        pieces, self.pieces = self.pieces, []
        frame = self.frames[-1]
        if frame.pre:
            text = "".join(p[0] for p in pieces if p[1] != MARKDOWN_ONLY).strip("\n")
            if not text.strip():
                return
        else:
            if len(pieces) == 1 and pieces[0][1] != MARKDOWN_ONLY:
                joined = pieces[0][0]
            else:
                joined = "".join([p[0] for p in pieces if p[1] != MARKDOWN_ONLY])
            text = fold_breaks(" ".join(joined.split()))
            if frame.kind == "heading":
                text = text.strip(HEADING_MARKERS)
            if not text:
                return
        link_chars = links = 0
        if self.had_link:
            previous = None
            for piece_text, href in pieces:
                if href is not None and href != MARKDOWN_ONLY:
                    link_chars += len(piece_text.strip())
                    links += href != previous
                previous = href
            self.had_link = self.href is not None
        # Positional, in Block's field order: this runs once per block of every page.
        self.blocks.append(Block(
            self.open_elements[-1], frame.kind, pieces, text, link_chars, links, frame.level,
            frame.list_element, frame.ordered, frame.list_depth, frame.table, frame.row, frame.quote,
            len(self.blocks),
        ))

    def _finish(self) -> PageBlocks:
        elements = self.elements
        for block in self.blocks:
            element = elements[block.element]
            element.chars += len(block.text)
            element.prose += prose_chars(block)
        # Children follow their parents in the table: one backward pass sums every subtree.
        comment_prose = 0
        for index, element in enumerate(elements):
            element.end = index + 1
        for element in reversed(elements[1:]):
            parent = elements[element.parent]
            parent.chars += element.chars
            parent.prose += element.prose
            parent.end = max(parent.end, element.end)
            # Its subtree is summed by now (descendants come later in the table).
            if element.flags & COMMENTS and not parent.flags & COMMENTS:
                comment_prose += element.prose
        root = elements[0] if elements else Element("body", -1, None, 0)
        return PageBlocks(elements, self.blocks, root.chars, root.prose, comment_prose, self.structured_data,
                          self.images)


def _children_reversed(node: LexborNode) -> list[LexborNode | int]:
    children: list[LexborNode | int] = list(node.iter(include_text=True))
    children.reverse()
    return children


# Below this much prose the page may be a script-rendered app whose crawler view sits in <noscript>
# (forum engines do this): walk again, reading <noscript> as content.
_NOSCRIPT_RETRY_PROSE = 200
_SKIPPED_WITH_NOSCRIPT = SKIPPED_TAGS - {"noscript"}


def walk_python(root: LexborNode, skipped: frozenset[str]) -> PageBlocks:
    """The walk by `_Walker`: the reference implementation."""
    return _Walker(skipped).run(root)


def walk_compiled(root: LexborNode, skipped: frozenset[str]) -> PageBlocks:
    """The walk by the compiled walker (copydesk/_walk.c): the same PageBlocks as `walk_python`.

    Raises RuntimeError when it is unavailable (see `COMPILED_WALKER_UNAVAILABLE`)."""
    if _fast is None:
        raise RuntimeError(f"compiled walker unavailable: {COMPILED_WALKER_UNAVAILABLE}")
    # A fragment's root is walked with its siblings by selectolax (it starts from the hidden wrapper);
    # that case, rare here, is left to the Python walker.
    if root.parent is None:
        return _Walker(skipped).run(root)
    # The walk classifies class/id strings with attribute_category's own tables, unless the function in
    # use is not rules' (a stand-in): then it calls that back for every one.
    tables = rules.attribute_tables() if attribute_category is rules.attribute_category else None
    return _fast.walk(root.mem_id, "body", skipped, BLOCK_TAGS, HEADING_LEVELS, TAG_CATEGORIES,
                      attribute_category, tables)


def compiled_heading_texts(root: LexborNode, limit: int, h1_limit: int) -> tuple[list[str], list[str]] | None:
    """The visible texts of the first `limit` h1/h2 elements under `root` and of its first `h1_limit` h1s,
    read by the compiled walker (see metadata.title, which has the Python reference); None when the
    compiled walker is not in use."""
    if _fast is None or WALKER != "compiled":
        return None
    return _fast.heading_texts(root.mem_id, limit, h1_limit)


def page_blocks(root: LexborNode) -> PageBlocks:
    """Walk the tree under `root` (normally `<body>`) and return its blocks."""
    walk = _walk
    page = walk(root, SKIPPED_TAGS)
    if page.total_prose < _NOSCRIPT_RETRY_PROSE and root.css_first("noscript") is not None:
        retry = walk(root, _SKIPPED_WITH_NOSCRIPT)
        if retry.total_prose > page.total_prose:
            return retry
    return page


def structured_data(tree: LexborHTMLParser, page: PageBlocks) -> list[str]:
    """The page's JSON-LD scripts as text, in page order: the <head>'s read here, the body's as the walk
    met them. Read once for the page type and the metadata alike."""
    head = tree.head
    scripts = [node.text(deep=True) for node in head.css('script[type="application/ld+json"]')] if head else []
    return scripts + page.structured_data


# -- the compiled walker ------------------------------------------------------------------------------
# copydesk/_walk.c does what `_Walker` does, several times faster. It reads lexbor's structures inside
# selectolax's own extension module, so it is used only under selectolax versions it was checked
# against, and only once a probe page gives the same PageBlocks from both walkers. COPYDESK_PURE_PYTHON=1
# forces the Python walker (see compiled.py).
VERIFIED_SELECTOLAX = frozenset({"1.0.2"})

_PROBE_PAGE = """<!doctype html><html><head><title>t</title></head><body class="b" id="top">
<!-- a comment --><div class="content main" id="x">Caf\u00e9 <b>na\u00efve</b>\u00a0text \u65e5\u672c
<p>First <a href="/one">link <i>one</i></a>, <a>empty</a> and <nav-link href="/n">custom</nav-link>.<br>line<br><br>
x</p>
<h2 class="title">Heading \u00b6</h2><pre>  code <code>x</code>\n  more</pre><p>inline <code>c()</code> end</p>
<ul class="menu"><li>one</li><li><ol><li>n</li></ol></li></ul><dl><dt>t</dt><dd>d</dd></dl>
<table><tr><td>cell <div>layout</div></td><th>h</th></tr></table><blockquote>q</blockquote>
<figure><img src="a.png" alt=""><figcaption>cap</figcaption></figure>
<div style="display: none" itemscope>hidden</div><div hidden>h</div><div aria-hidden="true">h</div>
<div class="faq-Answer" hidden>a</div><section role="tabpanel" aria-hidden="true" id="t">t</section>
<div role="dialog">d</div><div role="navigation">n</div><div aria-modal="true">m</div><div data-x>v</div>
<script type="application/ld+json">{"@type": "Article"}</script><script>var x;</script>
<footer>f</footer><aside class="sidebar">s</aside><div id="">i</div><div class="">c</div>
<span>\ud83d\udd17 emoji \U0001f517</span> <noscript><p>noscript</p></noscript></div></body></html>"""


def _probe() -> None:
    """Raise unless the compiled walker gives the Python walker's results on the probe page."""
    for a, b in ((0, 0), (-1, 7), (2**63 - 1, -(2**63)), (2**61 - 1, 2**61), (-(2**61) - 5, 123456789)):
        if _fast.pair_hash_of_ints(a, b) != hash((a, b)):
            raise RuntimeError("tuple hash differs")
    for a, b in (("div", None), ("p", "x y"), ("h1", "\u00e9")):
        if _fast.pair_hash_of(a, b) != hash((a, b)):
            raise RuntimeError("tuple hash differs")
    for s in ("", "x", "post-48213", "col-md-6 col-sm-12 entry-content " * 9):
        if _fast.ascii_hash(s) != hash(s):
            raise RuntimeError("str hash differs")
    tree = LexborHTMLParser(_PROBE_PAGE.encode("utf-8", "surrogatepass").replace(b"\xed\xa0\xbd", b"\xff"))
    if not _fast.check_layout(tree.root.mem_id):
        raise RuntimeError("lexbor's node layout is not the one _walk.c reads")
    for node in (tree.body, tree.root):
        for skipped in (SKIPPED_TAGS, _SKIPPED_WITH_NOSCRIPT):
            if walk_compiled(node, skipped) != walk_python(node, skipped):
                raise RuntimeError("probe page walked differently")


def _load_compiled() -> tuple[object | None, str]:
    _walk, why_not = import_extension("_walk")
    if _walk is None:
        return None, why_not
    import selectolax
    import selectolax.lexbor

    if selectolax.__version__ not in VERIFIED_SELECTOLAX:
        return None, f"selectolax {selectolax.__version__} is not one it was verified with"
    global _fast
    try:
        _walk.init(selectolax.lexbor.__file__)
        _walk.configure(
            Element, tuple(f.name for f in fields(Element)), Block, tuple(f.name for f in fields(Block)), PageBlocks,
            ANCESTOR_FLAGS, _MARK_FLAGS, _DIALOG_ROLES, _ROLE_CATEGORIES, _TABLE_TAGS, _CONTEXT_TAGS,
            _HIDDEN_STYLE.search, is_panel, MARKDOWN_ONLY, LINE_BREAK, HEADING_MARKERS, _PROSE_MIN_CHARS, SCHEMA_COPY,
            COMMENTS,
        )
        _fast = _walk
        _probe()
    except Exception as error:  # noqa: BLE001 - any failure means: use the Python walker
        _fast = None
        return None, f"failed its checks ({type(error).__name__}: {error})"
    return _walk, ""


_fast = None
_fast, COMPILED_WALKER_UNAVAILABLE = _load_compiled()
# The walk page_blocks uses: the compiled one when available.
_walk = walk_compiled if _fast is not None else walk_python
WALKER = "compiled" if _fast is not None else "python"


def set_walker(name: str) -> str:
    """Make page_blocks use the "python" or the "compiled" walker; returns the previous one's name.
    For parity checks and benchmarks."""
    global _walk, WALKER
    if name == "compiled" and _fast is None:
        raise RuntimeError(f"compiled walker unavailable: {COMPILED_WALKER_UNAVAILABLE}")
    if name not in ("python", "compiled"):
        raise ValueError(name)
    previous, WALKER = WALKER, name
    _walk = walk_compiled if name == "compiled" else walk_python
    return previous
