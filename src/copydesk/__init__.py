"""copydesk: web pages in, clean structured article records out.

    >>> import copydesk
    >>> article = copydesk.extract("<html><body><article><h1>Hi</h1><p>Some text.</p></article></body></html>")
    >>> article.title
    'Hi'
"""

from __future__ import annotations

from .article import Article, BodyNode
from .errors import DecodeError, EmptyInputError, ExtractionError, NotHTMLError
from .options import DEFAULT_OPTIONS, Options
from .pipeline import extract
from .textmode import extract_text

__all__ = [
    "Article",
    "BodyNode",
    "DEFAULT_OPTIONS",
    "DecodeError",
    "EmptyInputError",
    "ExtractionError",
    "NotHTMLError",
    "Options",
    "extract",
    "extract_text",
]
__version__ = "0.1.0"
