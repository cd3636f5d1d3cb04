"""The pipeline: parse -> blocks -> classify -> assemble, with metadata beside."""

from __future__ import annotations

from typing import Any

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from .article import Article
from .assemble import assemble
from .blocks import PageBlocks, page_blocks, structured_data
from .classify import (
    Selection,
    apply_model,
    drop_footers,
    drop_outside_schema_body,
    drop_repeats,
    drop_teasers,
    keep_shop_prose,
    select,
)
from .confidence import confidence_sums, load_confidence_model, row_from_sums
from .features import FEATURE_NAMES, block_features, compiled_features
from .metadata import find_metadata, find_title
from .metadata.linked_data import article_body
from .model import load_model
from .options import DEFAULT_OPTIONS, Options
from .pagetype import PAGE_TYPES, body_threshold, declared_types, load_page_model, page_features
from .parse import drop_popovers, parse, prepare
from .parts import find_comments, find_images, find_related, removed_blocks

MODEL_MIN_BLOCKS = 8
# The page type is "article" for `drop_teasers` when the page-type model gives it this probability or more.
ARTICLE_MIN_PROBABILITY = 0.5
_ARTICLE = PAGE_TYPES.index("article")
# A page is a shop's for `keep_shop_prose` when the page-type model gives collection and product together this
# probability or more (0.5 to 0.7 scored the same on WCXB dev).
SHOP_MIN_PROBABILITY = 0.6
_SHOP = [PAGE_TYPES.index("collection"), PAGE_TYPES.index("product")]


def heuristic_pass(html: str | bytes, options: Options) -> tuple[LexborHTMLParser, PageBlocks, Selection]:
    """Parse, walk and run the heuristics: the stages extraction and `copydesk train` share, so the
    model is trained on exactly the blocks and features it will see."""
    markup, counts = prepare(html, options)
    tree = parse(markup, counts)
    if options.drop_popovers:
        drop_popovers(tree, markup)
    root = tree.body or tree.root
    page = page_blocks(root) if root is not None else PageBlocks([], [], 0, 0)
    return tree, page, select(page, options)


def extract(html: str | bytes, url: str | None = None, options: Options = DEFAULT_OPTIONS,
            explain: bool = False) -> Article:
    """Turn one page's HTML (str, or bytes in any encoding, gzip accepted) into an `Article`.

    With `explain`, the record also lists every removed block with its category (it costs space).

    Raises `ExtractionError` (or a subclass) when the input cannot be read as a page at all.
    """
    tree, page, selection = heuristic_pass(html, options)
    # Everything that reads the DOM itself runs first: on a big page the DOM is the largest object
    # alive, and freed here it is gone before the model's feature matrix is built (on a 50 MB page
    # that is half a gigabyte less at the peak).
    scripts = structured_data(tree, page)
    declared = declared_types(tree, scripts) if options.use_model and page.blocks else set()
    if options.metadata:
        # The language is detected (when undeclared) on what the heuristics kept: the body is not cut yet.
        metadata = find_metadata(tree, url, lambda: "\n".join(block.text for block in selection.kept), scripts)
    else:
        metadata = {"title": find_title(tree)}
    del tree
    judged: dict[str, Any] = {}
    if page.blocks and options.use_model:
        selection, judged = _model_pass(page, selection, declared, options)
    if options.drop_repeats:
        selection = drop_repeats(selection)
    if options.schema_body and selection.probabilities is not None:
        # After the repeats: a second copy would count twice as text the articleBody holds.
        selection = drop_outside_schema_body(selection, article_body(scripts))
    kept = selection.kept if page.blocks else []
    return Article(url=url, body=assemble(kept, page.elements, url, options) if kept else [], **metadata, **judged,
                   images=find_images(page, kept, selection.view.page_marks, url),
                   related=find_related(page, kept, url), comments=find_comments(page),
                   removed=removed_blocks(page, kept) if explain else None)


_HEURISTIC_KEEP = FEATURE_NAMES.index("heuristic_keep")


def _model_pass(page: PageBlocks, selection: Selection, declared: set[str],
                options: Options) -> tuple[Selection, dict[str, Any]]:
    """The page type, then (on whole pages) the block model's cut and the confidence in it."""
    features = block_features(page, selection.view)
    type_probabilities = _page_type_probabilities(page, features, declared, options)
    best = int(np.argmax(type_probabilities))
    judged: dict[str, Any] = {"page_type": PAGE_TYPES[best],
                              "page_type_confidence": round(float(type_probabilities[best]), 3)}
    # The model learnt from whole pages; on a fragment of a few blocks the heuristics decide.
    if len(page.blocks) >= MODEL_MIN_BLOCKS:
        model = load_model(options.model_path)
        threshold = body_threshold(type_probabilities, model.threshold)
        selection = apply_model(page, selection, model, options, features, threshold)
        selection = _after_cut(page, selection, type_probabilities, options)
        judged["confidence"] = _confidence(page, selection, features, type_probabilities, options)
    return selection, judged


def _after_cut(page: PageBlocks, selection: Selection, type_probabilities: np.ndarray,
               options: Options) -> Selection:
    """The model's cut less what the page itself says is not its content, by the steps `options` leaves
    on: footers, teaser cards beside a story (article pages), a shop page's grid beside its own text."""
    if options.drop_footers:
        selection = drop_footers(page, selection)
    if options.drop_teasers and type_probabilities[_ARTICLE] >= ARTICLE_MIN_PROBABILITY:
        selection = drop_teasers(page, selection)
    if options.shop_prose and type_probabilities[_SHOP].sum() >= SHOP_MIN_PROBABILITY:
        selection = keep_shop_prose(selection)
    return selection


def _page_type_probabilities(page: PageBlocks, features: np.ndarray, declared: set[str],
                             options: Options) -> np.ndarray:
    row = page_features(page, features, declared)
    return load_page_model(options.page_model_path).probabilities(row[None, :])[0]


def _confidence(page: PageBlocks, selection: Selection, features: np.ndarray, type_probabilities: np.ndarray,
                options: Options) -> float | None:
    if selection.probabilities is None:
        return None
    fast = compiled_features()
    sums = fast.confidence_sums(page.blocks, selection.kept, selection.probabilities, features,
                                _HEURISTIC_KEEP) if fast is not None else None
    if sums is None:
        chars = np.array([block.chars for block in page.blocks], dtype=np.float64)
        kept = np.zeros(len(page.blocks), dtype=bool)
        kept[[block.position for block in selection.kept]] = True
        sums = confidence_sums(selection.probabilities, chars, kept, features[:, _HEURISTIC_KEEP] > 0)
    row = row_from_sums(sums, len(page.blocks), type_probabilities)
    return round(float(load_confidence_model(options.confidence_model_path).predict(row[None, :])[0]), 3)
