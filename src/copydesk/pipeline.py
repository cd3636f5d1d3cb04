"""The pipeline: parse -> blocks -> classify -> assemble, with metadata beside."""

from __future__ import annotations

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from .article import Article
from .assemble import assemble
from .blocks import PageBlocks, page_blocks
from .classify import Selection, apply_model, select
from .features import block_features
from .metadata import find_title
from .model import load_model
from .options import DEFAULT_OPTIONS, Options
from .pagetype import declared_types, load_page_model, page_features
from .parse import parse, to_text

MODEL_MIN_BLOCKS = 8


def heuristic_pass(html: str | bytes, options: Options) -> tuple[LexborHTMLParser, PageBlocks, Selection]:
    """Parse, walk and run the heuristics: the stages extraction and `copydesk train` share, so the
    model is trained on exactly the blocks and features it will see."""
    tree = parse(to_text(html, options))
    root = tree.body or tree.root
    page = page_blocks(root) if root is not None else PageBlocks([], [], 0, 0)
    return tree, page, select(page, options)


def extract(html: str | bytes, url: str | None = None, options: Options = DEFAULT_OPTIONS) -> Article:
    """Turn one page's HTML (str, or bytes in any encoding, gzip accepted) into an `Article`.

    Raises `ExtractionError` (or a subclass) when the input cannot be read as a page at all.
    """
    tree, page, selection = heuristic_pass(html, options)
    body = []
    page_type: tuple[str | None, float | None] = (None, None)
    if page.blocks:
        if options.use_model:
            features = block_features(page, selection.view)
            page_type = _page_type(tree, page, features, options)
            # The model learnt from whole pages; on a fragment of a few blocks the heuristics decide.
            if len(page.blocks) >= MODEL_MIN_BLOCKS:
                selection = apply_model(page, selection, load_model(options.model_path), options, features)
        body = assemble(selection.kept, page.elements, url, options)
    return Article(title=find_title(tree), url=url, body=body, page_type=page_type[0],
                   page_type_confidence=page_type[1])


def _page_type(tree: LexborHTMLParser, page: PageBlocks, features: np.ndarray,
               options: Options) -> tuple[str | None, float | None]:
    row = page_features(page, features, declared_types(tree, page))
    kind, confidence, _ = load_page_model(options.page_model_path).predict(row)
    return kind, round(confidence, 3)
