"""Block features for the trained model: one row per block, computed from the walk and the heuristics.

Everything here is read off structures the walk already built (no second pass over the DOM). The
matrix is computed by the compiled `_features.c` where it is built, else by `block_features_python`,
the reference: the same float32 values either way. The column order is the model's contract:
`FEATURE_NAMES` is saved with the model and checked when it loads.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, itemgetter
from types import ModuleType

import numpy as np

from .blocks import ANCESTOR_FLAGS, Block, Element, PageBlocks
from .compiled import load_checked
from .rules import MARK_ALIASES, SENTENCE_END

KINDS = ("heading", "paragraph", "item", "cell", "code", "caption")
MARKS = (
    "navigation", "breadcrumb", "footer", "share", "advertisement", "related", "comment", "comment-form",
    "cookie-banner", "newsletter", "paywall", "caption", "metadata", "hidden", "modal", "other",
)


@dataclass(slots=True)
class HeuristicView:
    """What the heuristics decided, handed to the model as evidence."""

    page_marks: list[str | None]  # nearest believed mark per element, page-wide
    root: int
    root_end: int
    listing: bool
    kept: set[int]  # positions of blocks the heuristics keep


def _names() -> list[str]:
    names = [
        "log_chars", "log_words", "link_density", "log_links", "anchor_chars", "prose", "level",
        "ends_sentence", "digit_share", "upper_share", "log_chars_prev", "log_chars_next",
        "ld_prev", "ld_next", "weight_ratio", "weight_prev", "weight_next", "position", "char_position",
        "depth", "depth_below_root", "in_root", "heuristic_keep", "listing", "root_share", "element_share",
        "parent_prose_share", "repeats", "log_page_chars", "log_page_prose", "log_blocks", "raw_mark",
        "in_list", "in_table", "in_quote", "local_keep", "log_peers", "log_parent_peers", "parent_peers_share",
        "comment_prose_share", "log_prose_outside_comments",
    ]
    names += [f"kind_{k}" for k in KINDS]
    names += [f"mark_{m}" for m in MARKS]
    names += [f"under_{tag}" for tag in ANCESTOR_FLAGS]
    return names


FEATURE_NAMES = tuple(_names())


_DIGITS = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-ÞΑ-ΩА-Я]")
# Shape features look at a block's first characters only: enough to tell a date, a price or a label
# from prose, and the cost stays flat on long paragraphs.
_SHAPE_CHARS = 80
_DIGIT_BIT, _UPPER_BIT = 1, 2
_BMP = 0x10000


def _bmp_classes() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane: _DIGIT_BIT if _DIGITS matches it, _UPPER_BIT if
    _UPPER does. Read off the patterns themselves, so they stay the one definition."""
    plane = "".join(map(chr, range(_BMP)))
    table = np.zeros(_BMP, dtype=np.uint8)
    table[[m.start() for m in _DIGITS.finditer(plane)]] |= _DIGIT_BIT
    table[[m.start() for m in _UPPER.finditer(plane)]] |= _UPPER_BIT
    return table


_BMP_CLASSES = _bmp_classes()


def _shape_columns(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: whether it ends a sentence, and the shares of digits and capitals in its head.

    The heads are classified together, one table lookup per character: a regex per block cost more
    than the rest of the features.
    """
    heads = list(map(_HEAD, texts))
    lengths = np.fromiter(map(len, heads), dtype=np.int64, count=len(heads))
    points = np.frombuffer("".join(heads).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    classes = _BMP_CLASSES[np.minimum(points, _BMP - 1)]
    astral = points >= _BMP
    if astral.any():  # emoji and the like: only a few of the rarer planes' characters are digits
        classes[astral] = [_DIGIT_BIT if _DIGITS.match(chr(c)) else 0 for c in points[astral].tolist()]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    digits = np.add.reduceat((classes & _DIGIT_BIT) > 0, starts)
    upper = np.add.reduceat((classes & _UPPER_BIT) > 0, starts)
    ends = np.fromiter((text[-1] in SENTENCE_END for text in texts), dtype=np.float32, count=len(texts))
    return ends, digits / lengths, upper / lengths


_HEAD = itemgetter(slice(0, _SHAPE_CHARS))
# What the features read of each block and element, fetched in one call per object.
_BLOCK_FIELDS = attrgetter("link_chars", "links", "score", "element", "level", "list_element", "table", "quote")
_ELEMENT_FIELDS = attrgetter("parent", "depth", "chars", "prose", "shape", "flags")


def _shifted(values: np.ndarray, step: int) -> np.ndarray:
    """values[i - step] (the previous block for step 1, the next for -1), edges repeating themselves."""
    out = np.roll(values, step)
    if step > 0:
        out[:step] = values[:step]
    else:
        out[step:] = values[step:]
    return out


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of values[i - radius : i + radius + 1], clipped at the edges."""
    sums = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(len(values))
    low, high = np.maximum(index - radius, 0), np.minimum(index + radius + 1, len(values))
    return (sums[high] - sums[low]) / (high - low)


def block_features(page: PageBlocks, view: HeuristicView) -> np.ndarray:
    """The feature matrix (blocks x FEATURE_NAMES) of one page: by the compiled code where it is
    available and takes the page, else by `block_features_python`. The same matrix either way."""
    if _fast is not None:
        rows = block_features_compiled(page, view)
        if rows is not None:
            return rows
    return block_features_python(page, view)


def block_features_python(page: PageBlocks, view: HeuristicView) -> np.ndarray:
    """The feature matrix, built column by column: the reference implementation.

    Every per-block and per-element value is fetched once into an array; the columns are arithmetic
    on those arrays (a Python loop per column cost more than the model).
    """
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    texts = [block.text for block in blocks]
    fields = np.array(list(map(_BLOCK_FIELDS, blocks)), dtype=np.float64).reshape(n, 8)
    table = np.array(list(map(_ELEMENT_FIELDS, page.elements)), dtype=np.int64).reshape(-1, 6)
    parent_of, depth_of, chars_of, prose_of, shape_of, flags_of = table.T
    element_ids = fields[:, 3].astype(np.int64)
    parent_ids = np.where(parent_of[element_ids] >= 0, parent_of[element_ids], element_ids)
    chars = np.fromiter(map(len, texts), dtype=np.float32, count=n)
    link_chars = fields[:, 0].astype(np.float32)
    links = fields[:, 1].astype(np.float32)
    keep = np.zeros(n, dtype=np.float32)
    keep[list(view.kept)] = 1.0  # positions, which are the blocks' indices
    in_root = ((element_ids >= view.root) & (element_ids < view.root_end)).astype(np.float32)
    depth = depth_of[element_ids].astype(np.float32)
    density = link_chars / chars
    weight = fields[:, 2].astype(np.float32) / chars
    log_chars = np.log1p(chars)
    counts = Counter(texts)
    page_chars = max(page.total_chars, 1)
    columns = {
        "log_chars": log_chars,
        "log_words": np.log1p(np.fromiter(map(str.count, texts, repeat(" ")), dtype=np.int64, count=n) + 1),
        "link_density": density,
        "log_links": np.log1p(links),
        "anchor_chars": np.divide(link_chars, links, out=np.zeros_like(chars), where=links > 0),
        "prose": ((chars - link_chars >= 60) & (link_chars <= 0.3 * chars)).astype(np.float32),
        "level": fields[:, 4],
        "log_chars_prev": _shifted(log_chars, 1),
        "log_chars_next": _shifted(log_chars, -1),
        "ld_prev": _shifted(density, 1),
        "ld_next": _shifted(density, -1),
        "weight_ratio": weight,
        "weight_prev": _shifted(weight, 1),
        "weight_next": _shifted(weight, -1),
        "position": np.arange(n, dtype=np.float32) / n,
        "char_position": (np.cumsum(chars) - chars) / page_chars,
        "depth": depth,
        "depth_below_root": np.where(in_root > 0, depth - depth_of[view.root], -1),
        "in_root": in_root,
        "heuristic_keep": keep,
        "listing": float(view.listing),
        "root_share": chars_of[view.root] / page_chars,
        "element_share": chars_of[element_ids] / np.maximum(chars_of[parent_ids], 1),
        "parent_prose_share": prose_of[parent_ids] / np.maximum(chars_of[parent_ids], 1),
        "repeats": np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=n),
        "log_page_chars": np.log1p(page.total_chars),
        "log_page_prose": np.log1p(page.total_prose),
        "log_blocks": np.log1p(n),
        "raw_mark": [page.elements[i].mark is not None for i in element_ids.tolist()],
        "in_list": fields[:, 5] >= 0,
        "in_table": fields[:, 6] >= 0,
        "in_quote": fields[:, 7] >= 0,
        "local_keep": _window_mean(keep, 2),
        **_peer_columns(element_ids, parent_of, chars_of, shape_of, page.total_chars),
        **_comment_columns(page),
    }
    ends, digits, upper = _shape_columns(texts)
    columns.update(ends_sentence=ends, digit_share=digits, upper_share=upper)
    by_column = np.zeros((len(FEATURE_NAMES), n), dtype=np.float32)  # filled a column at a time
    for name, values in columns.items():
        by_column[_INDEX[name]] = values
    _one_hot(by_column, blocks, element_ids, flags_of, view)
    return np.ascontiguousarray(by_column.T)


def _peer_columns(element_ids: np.ndarray, parent_of: np.ndarray, chars_of: np.ndarray, shape_of: np.ndarray,
                  total_chars: int) -> dict[str, np.ndarray]:
    """How often a block's element, and its parent, repeat with the same tag, class and parent shape.

    Article paragraphs share one parent; the cards of a teaser list, a thread's posts or a listing's
    items are many parents of one shape. How much of the page such a group holds tells them apart.
    """
    _, group = np.unique(shape_of, return_inverse=True)
    counts = np.bincount(group)
    group_chars = np.bincount(group, weights=chars_of.astype(np.float64))
    own = group[element_ids]
    parents = group[np.maximum(parent_of[element_ids], 0)]
    return {
        "log_peers": np.log1p(counts[own]),
        "log_parent_peers": np.log1p(counts[parents]),
        "parent_peers_share": group_chars[parents] / max(total_chars, 1),
    }


def _comment_columns(page: PageBlocks) -> dict[str, float]:
    """How much of the page's prose sits under "comment" classes: nearly all on a forum thread, a
    share after the post on a blog."""
    return {
        "comment_prose_share": page.comment_prose / max(page.total_prose, 1),
        "log_prose_outside_comments": float(np.log1p(page.total_prose - page.comment_prose)),
    }


def _one_hot(by_column: np.ndarray, blocks: list, element_ids: np.ndarray, flags_of: np.ndarray,
             view: HeuristicView) -> None:
    """Kind, nearest believed mark and structural ancestors, as indicator columns."""
    index = np.arange(len(blocks))
    kind_base, mark_base, flag_base = _INDEX["kind_heading"], _INDEX[f"mark_{MARKS[0]}"], _INDEX["under_nav"]
    kinds = np.fromiter(map(_KIND_INDEX.__getitem__, map(_KIND, blocks)), dtype=np.int64, count=len(blocks))
    by_column[kind_base + kinds, index] = 1.0
    page_marks = view.page_marks
    marks = np.array([_MARK_INDEX.get(page_marks[i], -1) for i in element_ids.tolist()], dtype=np.int64)
    has_mark = marks >= 0
    by_column[mark_base + marks[has_mark], index[has_mark]] = 1.0
    flags = flags_of[element_ids]
    by_column[flag_base: flag_base + len(_FLAG_BITS)] = ((flags[:, None] & _FLAG_BITS) > 0).T


_KIND = attrgetter("kind")
_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
_MARK_INDEX = {mark: i for i, mark in enumerate(MARKS)}
_MARK_INDEX.update({alias: _MARK_INDEX[category] for alias, category in MARK_ALIASES.items()})
_FLAG_BITS = np.array(list(ANCESTOR_FLAGS.values()), dtype=np.int64)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


# -- the compiled features ----------------------------------------------------------------------------
# copydesk/_features.c computes the matrix of `block_features_python` from the objects' slots, without
# a numpy call per column. It is used once it has been configured with the tables above and a probe
# page has given the same matrix both ways; COPYDESK_PURE_PYTHON=1 (see compiled.py) turns it off.

def block_features_compiled(page: PageBlocks, view: HeuristicView) -> np.ndarray | None:
    """The matrix of `block_features_python`, by _features.c; None for a page it leaves to the Python
    code (anything the walk does not make: see the top of _features.c). RuntimeError when unavailable."""
    if _fast is None:
        raise RuntimeError(f"compiled features unavailable: {COMPILED_FEATURES_UNAVAILABLE}")
    n = len(page.blocks)
    rows = np.empty((n, len(FEATURE_NAMES)), dtype=np.float32)
    raw32 = np.empty((n, len(_RAW32_COLUMNS)), dtype=np.float32)
    raw64 = np.empty((n, len(_RAW64_COLUMNS)), dtype=np.float64)
    if not _fast.fill(page, view, rows, raw32, raw64):
        return None
    # numpy's log1p, with the dtypes the Python code uses: C's differs from it in the last bit on some values
    rows[:, _RAW32_COLUMNS] = np.log1p(raw32, out=raw32)
    rows[:, _RAW64_COLUMNS] = np.log1p(raw64, out=raw64)
    return rows


def compiled_features() -> object | None:
    """The compiled features module (copydesk._features) when it is built and passed its checks, else None."""
    return _fast


def _probe_page() -> tuple[PageBlocks, HeuristicView]:
    """A small page with every kind of column in play: marks and an alias, flags, kinds, a repeated text,
    links, digits of three scripts (one astral), capitals, an emoji, kept positions counted from the end."""
    elements = [
        Element("body", -1, None, 0, 900, 400, shape=1),
        Element("div", 0, "navigation", 1, 40, 0, flags=1, shape=2),
        Element("article", 0, None, 1, 700, 380, flags=16, shape=3),
        Element("p", 2, None, 2, 300, 300, shape=4),
        Element("p", 2, "signature", 2, 120, 0, flags=16 | 8192, shape=4),
        Element("li", 1, None, 2, 20, 0, shape=5),
    ]
    rows = [  # text, link_chars, links, score, element, kind
        ("Home", 4, 1, 0.0, 5, "item"),
        ("A title", 0, 0, 0.3, 2, "heading"),
        ("Prose " * 20 + "ends.", 0, 0, 1.0, 3, "paragraph"),
        ("\U0001d7d9 2024 \u0663 \U0001f600 ÉΩЯ", 3, 1, -0.2, 4, "cell"),
        ("Home", 4, 1, 0.1, 5, "code"),
        ("x" * 90 + "9", 0, 0, 0.5, 3, "caption"),
    ]
    blocks = [Block(element, kind, [], text, link_chars=link_chars, links=links, score=score,
                    level=2 if kind == "heading" else 0, list_element=5 if kind == "item" else -1,
                    table=2 if kind == "cell" else -1, position=i)
              for i, (text, link_chars, links, score, element, kind) in enumerate(rows)]
    page = PageBlocks(elements, blocks, 900, 400, comment_prose=120)
    return page, HeuristicView([None, "navigation", None, None, "signature", "navigation"], 2, 5, False, {1, 2, -1})


def _set_up_compiled(module: ModuleType) -> None:
    """Configure _features.c with the tables above, then check it on the probe page (block_features_compiled
    reads `_fast`, so it is set for the probe; a failure sets it back to None)."""
    global _fast, _RAW32_COLUMNS, _RAW64_COLUMNS
    covered = [*module.FILLED, *module.RAW32, *module.RAW64, *(f"kind_{k}" for k in KINDS),
               *(f"mark_{m}" for m in MARKS), *(f"under_{tag}" for tag in ANCESTOR_FLAGS)]
    if sorted(covered) != sorted(FEATURE_NAMES):
        raise RuntimeError("its columns are not FEATURE_NAMES")
    kind_base, mark_base, flag_base = _INDEX["kind_heading"], _INDEX[f"mark_{MARKS[0]}"], _INDEX["under_nav"]
    module.configure(
        PageBlocks, HeuristicView, Block, Element, _INDEX, KINDS, tuple(kind_base + i for i in range(len(KINDS))),
        {mark: mark_base + i for mark, i in _MARK_INDEX.items()}, tuple(_FLAG_BITS.tolist()),
        tuple(range(flag_base, flag_base + len(_FLAG_BITS))), SENTENCE_END, _BMP_CLASSES, _DIGIT_BIT, _UPPER_BIT,
        _SHAPE_CHARS,
    )
    _RAW32_COLUMNS, _RAW64_COLUMNS = (np.array([_INDEX[name] for name in names], dtype=np.intp)
                                      for names in (module.RAW32, module.RAW64))
    _fast = module
    page, view = _probe_page()
    got = block_features_compiled(page, view)
    if got is None or got.tobytes() != block_features_python(page, view).tobytes():
        raise RuntimeError("probe page's features differ")


_fast = None
_RAW32_COLUMNS = _RAW64_COLUMNS = np.zeros(0, dtype=np.intp)  # where fill() leaves np.log1p's arguments
_fast, COMPILED_FEATURES_UNAVAILABLE = load_checked("_features", _set_up_compiled)
