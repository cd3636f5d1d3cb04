"""The page's language: declared (normalised to a BCP 47 tag), else detected from the body text.

Detection uses py3langid (a maintained fork of langid.py: one small bundled model, numpy only,
about 0.3 ms on 2,000 characters once loaded). It is imported on the first undeclared page only.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)
MIN_DETECT_CHARS = 40
DETECT_CHARS = 2000


def normalise(value: str) -> str | None:
    """`en_GB`, `EN-gb`, `en-GB, fr` -> `en-GB`; None for what is not a language tag."""
    tag = value.strip().split(",")[0].split(";")[0].strip().replace("_", "-")
    if not _TAG.match(tag) or tag.lower() in ("und", "mul", "zxx", "xx"):
        return None
    primary, *rest = tag.split("-")
    return "-".join([primary.lower(), *(part.upper() if len(part) == 2 else part for part in rest)])


def detect(text: str) -> str | None:
    """The language of `text` as a two-letter code, or None for too little text."""
    sample = text[:DETECT_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_DETECT_CHARS:
        return None
    classify = _classifier()
    if classify is None:
        return None
    return str(classify(sample)[0])


def preload() -> None:
    """Load the detection model now (about a second, once per process) rather than on the first page
    that declares no language: for services and benchmarks that must not stall on one page."""
    classify = _classifier()
    if classify is not None:
        classify("warm up")


@cache
def _classifier() -> Any:
    try:
        import py3langid
    except ImportError:  # detection is a nicety: without the library, undeclared stays None
        return None
    return py3langid.classify
