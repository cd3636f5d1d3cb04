"""The pipeline: parse -> blocks -> classify -> assemble, with metadata beside."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .article import Article
from .assemble import assemble
from .blocks import PageBlocks, page_blocks
from .classify import Selection, apply_model, select
from .metadata import find_title
from .model import load_model
from .options import DEFAULT_OPTIONS, Options
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
    title = find_title(tree)
    # On a big page the DOM is the largest object alive; freed here, it is gone before the model's
    # feature matrix is built (on a 50 MB page that is half a gigabyte less at the peak).
    del tree
    body = []
    if page.blocks:
        # The model learnt from whole pages; on a fragment of a few blocks the heuristics decide.
        if options.use_model and len(page.blocks) >= MODEL_MIN_BLOCKS:
            selection = apply_model(page, selection, load_model(options.model_path), options)
        body = assemble(selection.kept, page.elements, url, options)
    return Article(title=title, url=url, body=body)
