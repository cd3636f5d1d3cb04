"""Page type: which of WCXB's seven kinds a page is (article, forum, product, collection, listing,
documentation, service), from a small trained model over whole-page statistics.

The statistics are read off what the earlier stages built (the block feature matrix, the walk's
totals) plus the page's own declarations of what it is (schema.org types, og:type), so the cost is a
few array reductions. The type decides how the body is chosen (see `classify.apply_model`): an
article is cut to its body, while a forum, listing or service page keeps every item that is likely
content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from .blocks import Block, PageBlocks
from .features import FEATURE_NAMES, compiled_features
from .model import load_booster

PAGE_TYPES = ("article", "collection", "documentation", "forum", "listing", "product", "service")
BUNDLED_PAGE_MODEL = "pagetype.lgb"

# Declared types, grouped by the page type they suggest (schema.org @type values and og:type).
_DECLARED = {
    "article": ("newsarticle", "article", "blogposting", "reportagenewsarticle", "opinionnewsarticle", "report"),
    "product": ("product", "offer", "aggregateoffer", "productgroup", "og:product"),
    "forum": ("discussionforumposting", "qapage", "question", "answer", "comment", "socialmediaposting"),
    "collection": ("itemlist", "collectionpage", "offercatalog", "searchresultspage"),
    "documentation": ("techarticle", "apireference", "softwaresourcecode", "howto"),
    "service": ("localbusiness", "organization", "service", "professionalservice", "faqpage", "contactpage",
                "aboutpage"),
}
_DECLARED_INDEX = {name: group for group, names in _DECLARED.items() for name in names}
_MAX_SCRIPT_CHARS = 20000
_TYPE_VALUE = re.compile(r'"@type"\s*:\s*\[?\s*"([A-Za-z]+)"')
# Currency marks: counted with str.count, a regex scan of every block would cost more than the model.
_CURRENCY = ("$", "€", "£", "¥", "EUR", "USD", "GBP")

_COLUMNS = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _page_feature_names() -> tuple[str, ...]:
    names = [
        "log_blocks", "log_chars", "log_prose", "prose_share", "comment_share", "root_share", "listing",
        "kept_share", "link_share", "headline_share", "item_share", "cell_share", "code_share",
        "heading_share", "caption_share", "max_group_share", "mean_peers", "price_share", "digit_share",
        "sentence_share", "mean_block_chars", "under_article", "under_main", "under_form", "under_table",
    ]
    names += [f"declared_{group}" for group in _DECLARED]
    return tuple(names)


PAGE_FEATURE_NAMES = _page_feature_names()


def declared_types(tree: LexborHTMLParser, scripts: list[str]) -> set[str]:
    """The page-type groups the page declares itself as, from its JSON-LD scripts' @type values (see
    `blocks.structured_data`) and its og:type."""
    groups = set()
    for script in scripts:
        # The types that matter sit at a script's top; a megabyte of product data need not be read.
        for value in _TYPE_VALUE.findall(script, 0, _MAX_SCRIPT_CHARS):
            group = _DECLARED_INDEX.get(value.lower())
            if group:
                groups.add(group)
    head = tree.head
    og = head.css_first('meta[property="og:type"]') if head is not None else None
    if og is not None:
        value = (og.attributes.get("content") or "").strip().lower()
        group = _DECLARED_INDEX.get(value) or _DECLARED_INDEX.get(f"og:{value}")
        if group:
            groups.add(group)
    return groups


def page_features(page: PageBlocks, block_rows: np.ndarray, declared: set[str]) -> np.ndarray:
    """One row of whole-page statistics (PAGE_FEATURE_NAMES) for the page-type model."""
    row = np.zeros(len(PAGE_FEATURE_NAMES), dtype=np.float32)
    blocks = page.blocks
    if not blocks:
        return row
    total, link, headline, headings, max_group, peers, prices, *sums = page_sums(blocks, block_rows)
    n = len(blocks)
    share = dict(zip(_SHARED, (value / total for value in sums), strict=True))
    values = {
        "log_blocks": np.log1p(n),
        "log_chars": np.log1p(total),
        "log_prose": np.log1p(page.total_prose),
        "prose_share": page.total_prose / max(page.total_chars, 1),
        "comment_share": page.comment_prose / max(page.total_prose, 1),
        "root_share": block_rows[0, _COLUMNS["root_share"]],
        "listing": block_rows[0, _COLUMNS["listing"]],
        "kept_share": share["heuristic_keep"],
        "link_share": link / total,
        "headline_share": headline / total,
        "item_share": share["kind_item"],
        "cell_share": share["kind_cell"],
        "code_share": share["kind_code"],
        "heading_share": headings / n,
        "caption_share": share["kind_caption"],
        "max_group_share": max_group,
        "mean_peers": peers / n,
        "price_share": min(prices / n, 1.0),
        "digit_share": share["digit_share"],
        "sentence_share": share["ends_sentence"],
        "mean_block_chars": np.log1p(total / n),
        "under_article": share["under_article"],
        "under_main": share["under_main"],
        "under_form": share["under_form"],
        "under_table": share["under_table"],
    }
    for group in _DECLARED:
        values[f"declared_{group}"] = float(group in declared)
    row[:] = [values[name] for name in PAGE_FEATURE_NAMES]
    return row


# The block columns whose means weighted by block length the row holds (shares of the page's text).
_SHARED = ("heuristic_keep", "kind_item", "kind_cell", "kind_code", "kind_caption", "digit_share", "ends_sentence",
           "under_article", "under_main", "under_form", "under_table")
_SHARED_AT = tuple(_COLUMNS[name] for name in _SHARED)
_SUM_COLUMNS = tuple(_COLUMNS[name] for name in ("anchor_chars", "kind_heading", "parent_peers_share", "log_peers"))
_HEAD_CHARS = 80  # where a block's price sits, if it has one


def page_sums(blocks: list[Block], block_rows: np.ndarray) -> tuple[float, ...]:
    """The page's characters, link characters, characters in headline links, headings, the largest group
    share, the sum of log peers, currency marks, then each _SHARED column weighted by block length: by
    _features.c when it is built, else by `page_sums_python`."""
    fast = compiled_features()
    if fast is not None:
        sums = fast.page_sums(blocks, block_rows, _SHARED_AT, *_SUM_COLUMNS, _HEAD_CHARS, _CURRENCY)
        if sums is not None:
            return sums
    return page_sums_python(blocks, block_rows)


def page_sums_python(blocks: list[Block], block_rows: np.ndarray) -> tuple[float, ...]:
    """`page_sums` in numpy, the reference: every sum taken block by block in order (cumsum), in float64,
    so the compiled loop gives the same bits."""
    anchor, heading, group, peers = (block_rows[:, at] for at in _SUM_COLUMNS)
    chars = np.fromiter(map(len, [block.text for block in blocks]), dtype=np.float64, count=len(blocks))
    shares = np.cumsum(chars[:, None] * block_rows[:, _SHARED_AT], axis=0)[-1]
    heads = "\n".join([block.text[:_HEAD_CHARS] for block in blocks])
    headline = (anchor >= 30) & (heading == 0)
    return (float(np.cumsum(chars)[-1]), float(sum(block.link_chars for block in blocks)),
            float(np.cumsum(chars * headline)[-1]), float(np.cumsum(heading.astype(np.float64))[-1]),
            float(group.max()), float(np.cumsum(peers.astype(np.float64))[-1]),
            float(sum(map(heads.count, _CURRENCY))), *shares.tolist())


@dataclass(frozen=True, slots=True)
class PageTypeModel:
    """A loaded page-type model: `predict(row)` gives (type, confidence, probabilities)."""

    booster: object
    meta: dict

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.booster.predict(rows, num_threads=1)  # type: ignore[attr-defined]

    def predict(self, row: np.ndarray) -> tuple[str, float, np.ndarray]:
        probabilities = self.probabilities(row[None, :])[0]
        best = int(np.argmax(probabilities))
        return PAGE_TYPES[best], float(probabilities[best]), probabilities


def load_page_model(path: str | None = None) -> PageTypeModel:
    """The page-type model at `path`, or the one shipped in the package."""
    return PageTypeModel(*load_booster(path, BUNDLED_PAGE_MODEL, PAGE_FEATURE_NAMES))


# How far each type moves the block model's threshold. A listing or a collection keeps every item, a
# service page every section, so blocks are kept from a lower probability there; a forum thread asks
# for more, since its quoted replies, vote counts and "n hours ago, X said:" headers the block model
# keeps from 0.5 where the threads' own text (the posts) stands well above it. A product page keeps
# the model's own cut (+0.05 scored 0.002 lower on products once hidden tab panes counted as text).
# The cut moves only on a page the model is sure (p >= SURE) is not an article or documentation (their
# bodies are prose the model knows best), and then by the types' probabilities, so a page between two
# types moves it part of the way. Chosen by domain-grouped cross-validation on WCXB dev, F1 averaged
# over five seeds of the models (forum +0.2 the best of a grid averaged over three seeds; collection
# -0.35 and service -0.3, from -0.2 and -0.15, scored +0.0017 overall: collection +0.0135, service
# +0.003, AEB -0.0002; collection -0.4 to -0.45 scored the same, -0.5 lower).
# The cut stays put unless the type is clear: SURE 0.5 (from 0.6) scored +0.0010 (mean of five seeds;
# service +0.0045, listing +0.0036, collection +0.0028, AEB +0.0004), but 0.45 moved the cut on news
# articles the type model half-takes for listings (WCXB +0.0004 more, AEB -0.0023), and 0.3 more so.
THRESHOLD_SHIFTS = {"collection": -0.35, "listing": -0.2, "service": -0.3, "forum": 0.2}
SURE = 0.5
_SHIFTS = np.array([THRESHOLD_SHIFTS.get(kind, 0.0) for kind in PAGE_TYPES])
_OWN_CUT = frozenset(PAGE_TYPES.index(kind) for kind in ("article", "documentation"))


def body_threshold(type_probabilities: np.ndarray, threshold: float) -> float:
    """The block-model threshold for a page, given its page-type probabilities."""
    best = int(np.argmax(type_probabilities))
    if best in _OWN_CUT or type_probabilities[best] < SURE:
        return threshold
    return threshold + float(type_probabilities @ _SHIFTS)
