"""Block features for the trained model: one row per block, computed from the walk and the heuristics.

Everything here is read off structures the walk already built (no second pass over the DOM), so the
cost is a few list comprehensions per page. The column order is the model's contract: `FEATURE_NAMES`
is saved with the model and checked when it loads.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .blocks import ANCESTOR_FLAGS, PageBlocks
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


def _shape_features(text: str) -> tuple[float, float, float]:
    head = text[:_SHAPE_CHARS]
    n = len(head)
    return (float(text[-1] in SENTENCE_END), len(_DIGITS.findall(head)) / n, len(_UPPER.findall(head)) / n)


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
    """The feature matrix (blocks x FEATURE_NAMES) of one page, built column by column."""
    blocks = page.blocks
    elements = page.elements
    n = len(blocks)
    rows = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    if n == 0:
        return rows
    counts = Counter(block.text for block in blocks)
    chars = np.array([block.chars for block in blocks], dtype=np.float32)
    link_chars = np.array([block.link_chars for block in blocks], dtype=np.float32)
    links = np.array([block.links for block in blocks], dtype=np.float32)
    score = np.array([block.score for block in blocks], dtype=np.float32)
    element_ids = [block.element for block in blocks]
    own = [elements[i] for i in element_ids]
    parents = [elements[e.parent] if e.parent >= 0 else e for e in own]
    keep = np.array([block.position in view.kept for block in blocks], dtype=np.float32)
    in_root = np.array([view.root <= i < view.root_end for i in element_ids], dtype=np.float32)
    depth = np.array([e.depth for e in own], dtype=np.float32)
    density = link_chars / chars
    weight = score / chars
    log_chars = np.log1p(chars)
    columns = {
        "log_chars": log_chars,
        "log_words": np.log1p([block.text.count(" ") + 1 for block in blocks]),
        "link_density": density,
        "log_links": np.log1p(links),
        "anchor_chars": np.divide(link_chars, links, out=np.zeros_like(chars), where=links > 0),
        "prose": ((chars - link_chars >= 60) & (link_chars <= 0.3 * chars)).astype(np.float32),
        "level": [block.level for block in blocks],
        "log_chars_prev": _shifted(log_chars, 1),
        "log_chars_next": _shifted(log_chars, -1),
        "ld_prev": _shifted(density, 1),
        "ld_next": _shifted(density, -1),
        "weight_ratio": weight,
        "weight_prev": _shifted(weight, 1),
        "weight_next": _shifted(weight, -1),
        "position": np.arange(n, dtype=np.float32) / n,
        "char_position": (np.cumsum(chars) - chars) / max(page.total_chars, 1),
        "depth": depth,
        "depth_below_root": np.where(in_root > 0, depth - elements[view.root].depth, -1),
        "in_root": in_root,
        "heuristic_keep": keep,
        "listing": float(view.listing),
        "root_share": elements[view.root].chars / max(page.total_chars, 1),
        "element_share": [e.chars / max(p.chars, 1) for e, p in zip(own, parents, strict=True)],
        "parent_prose_share": [p.prose / max(p.chars, 1) for p in parents],
        "repeats": [counts[block.text] for block in blocks],
        "log_page_chars": np.log1p(page.total_chars),
        "log_page_prose": np.log1p(page.total_prose),
        "log_blocks": np.log1p(n),
        "raw_mark": [e.mark is not None for e in own],
        "in_list": [block.list_element >= 0 for block in blocks],
        "in_table": [block.table >= 0 for block in blocks],
        "in_quote": [block.quote >= 0 for block in blocks],
        "local_keep": _window_mean(keep, 2),
        **_peer_columns(element_ids, elements, page.total_chars),
        **_comment_columns(page),
    }
    for name, values in columns.items():
        rows[:, _INDEX[name]] = values
    shapes = np.array([_shape_features(block.text) for block in blocks], dtype=np.float32)
    rows[:, _INDEX["ends_sentence"]: _INDEX["upper_share"] + 1] = shapes
    _one_hot(rows, blocks, elements, view)
    return rows


def _peer_columns(element_ids: list[int], elements: list, total_chars: int) -> dict[str, np.ndarray]:
    """How often a block's element, and its parent, repeat with the same tag, class and parent shape.

    Article paragraphs share one parent; the cards of a teaser list, a thread's posts or a listing's
    items are many parents of one shape. How much of the page such a group holds tells them apart.
    """
    n = len(elements)
    shapes = np.fromiter((e.shape for e in elements), np.int64, n)
    _, group = np.unique(shapes, return_inverse=True)
    counts = np.bincount(group)
    group_chars = np.bincount(group, weights=np.fromiter((e.chars for e in elements), np.float64, n))
    own = group[element_ids]
    parents = group[np.fromiter((max(elements[i].parent, 0) for i in element_ids), np.int64, len(element_ids))]
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


def _one_hot(rows: np.ndarray, blocks: list, elements: list, view: HeuristicView) -> None:
    """Kind, nearest believed mark and structural ancestors, as indicator columns."""
    n = len(blocks)
    index = np.arange(n)
    kind_base, mark_base, flag_base = _INDEX["kind_heading"], _INDEX[f"mark_{MARKS[0]}"], _INDEX["under_nav"]
    rows[index, kind_base + np.array([_KIND_INDEX[block.kind] for block in blocks])] = 1.0
    marks = np.array([_MARK_INDEX.get(view.page_marks[block.element], -1) for block in blocks])
    has_mark = marks >= 0
    rows[index[has_mark], mark_base + marks[has_mark]] = 1.0
    flags = np.array([elements[block.element].flags for block in blocks], dtype=np.int64)
    rows[:, flag_base: flag_base + len(_FLAG_BITS)] = (flags[:, None] & _FLAG_BITS) > 0


_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
_MARK_INDEX = {mark: i for i, mark in enumerate(MARKS)}
_MARK_INDEX.update({alias: _MARK_INDEX[category] for alias, category in MARK_ALIASES.items()})
_FLAG_BITS = np.array(list(ANCESTOR_FLAGS.values()), dtype=np.int64)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
