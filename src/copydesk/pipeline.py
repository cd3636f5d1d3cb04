"""The pipeline: parse -> blocks -> classify -> assemble, with metadata beside."""

from __future__ import annotations

from .article import Article
from .assemble import assemble
from .blocks import page_blocks
from .classify import apply_model, select
from .metadata import find_title
from .model import load_model
from .options import DEFAULT_OPTIONS, Options
from .parse import parse, to_text

MODEL_MIN_BLOCKS = 8


def extract(html: str | bytes, url: str | None = None, options: Options = DEFAULT_OPTIONS) -> Article:
    """Turn one page's HTML (str, or bytes in any encoding, gzip accepted) into an `Article`.

    Raises `ExtractionError` (or a subclass) when the input cannot be read as a page at all.
    """
    tree = parse(to_text(html, options))
    root = tree.body or tree.root
    page = page_blocks(root) if root is not None else None
    body = []
    if page is not None and page.blocks:
        selection = select(page, options)
        # The model learnt from whole pages; on a fragment of a few blocks the heuristics decide.
        if options.use_model and len(page.blocks) >= MODEL_MIN_BLOCKS:
            selection = apply_model(page, selection, load_model(options.model_path), options)
        body = assemble(selection.kept, page.elements, url, options)
    return Article(title=find_title(tree), url=url, body=body)
