"""The page-level sums in C (_features.c page_sums and confidence_sums) are the Python references' bit for
bit (pagetype.page_sums_python, confidence.confidence_sums): on the fixtures, generated documents, made-up
model probabilities and kept sets, pages with currency marks in and beyond the blocks' heads. Skipped when
the compiled features are not built (or disabled)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from copydesk import features, pagetype
from copydesk.blocks import page_blocks
from copydesk.classify import select
from copydesk.confidence import confidence_sums
from copydesk.features import FEATURE_NAMES, block_features
from copydesk.options import DEFAULT_OPTIONS
from test_properties import PROPERTY, document

pytestmark = pytest.mark.skipif(features._fast is None,
                                reason=f"compiled features unavailable: {features.COMPILED_FEATURES_UNAVAILABLE}")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(features.__file__).parent / "examples"
KEEP = FEATURE_NAMES.index("heuristic_keep")


def assert_same(markup: str | bytes, seed: int = 0) -> None:
    tree = LexborHTMLParser(markup)
    page = page_blocks(tree.body or tree.root)
    if not page.blocks:
        return
    rows = block_features(page, select(page, DEFAULT_OPTIONS).view)
    fast = features._fast.page_sums(page.blocks, rows, pagetype._SHARED_AT, *pagetype._SUM_COLUMNS,
                                    pagetype._HEAD_CHARS, pagetype._CURRENCY)
    assert fast == pagetype.page_sums_python(page.blocks, rows)
    rng = np.random.default_rng(seed)
    probabilities = rng.random(len(page.blocks))
    for kept in ([], page.blocks, page.blocks[::2]):
        mask = np.zeros(len(page.blocks), dtype=bool)
        mask[[block.position for block in kept]] = True
        chars = np.array([len(block.text) for block in page.blocks], dtype=np.float64)
        expected = confidence_sums(probabilities, chars, mask, rows[:, KEEP] > 0)
        assert features._fast.confidence_sums(page.blocks, list(kept), probabilities, rows, KEEP) == expected


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")),
                         ids=lambda p: p.name)
def test_fixtures(path: Path):
    assert_same(path.read_bytes())


@PROPERTY
@given(document(), st.integers(0, 1000))
def test_generated_documents(doc: tuple[str, str], seed: int):
    assert_same(doc[0], seed)


def test_currency_marks_count_as_str_count_counts_them():
    prices = ["$5 $6", "€10 EUREUR", "USD 3 GBP", "£1 ¥2", "x" * 78 + "$$", "x" * 79 + "EUR", "EU R", "€" * 90]
    markup = "<body>" + "".join(f"<p>{text}</p>" for text in prices) + "<p>" + "Prose. " * 30 + "</p></body>"
    assert_same(markup)
    page = page_blocks(LexborHTMLParser(markup).body)
    rows = block_features(page, select(page, DEFAULT_OPTIONS).view)
    heads = "\n".join(text[:80] for text in prices)
    assert pagetype.page_sums(page.blocks, rows)[6] == sum(map(heads.count, pagetype._CURRENCY))


def test_what_they_decline():
    page = page_blocks(LexborHTMLParser("<body><p>One.</p><p>Two.</p></body>").body)
    rows = block_features(page, select(page, DEFAULT_OPTIONS).view)
    assert features._fast.confidence_sums(page.blocks, [], np.zeros(2, dtype=np.float32), rows, KEEP) is None
    assert features._fast.page_sums(page.blocks, rows.astype(np.float64), pagetype._SHARED_AT,
                                    *pagetype._SUM_COLUMNS, 80, pagetype._CURRENCY) is None
