"""The compiled features (copydesk/_features.c) give exactly the matrix of features.block_features_python.

Compared byte for byte (float32 bits, so -0.0 and NaN too) on the fixtures, on pages hypothesis
generates (as HTML through the walk and the heuristics, and as block tables built directly, with any
text, score, mark or view), and on the edge cases: one block, astral characters, every decimal digit
Unicode has, an empty page. Pages the compiled code declines go to the Python code, with its result or
its exception. Skipped when the extension is not built (or is disabled).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from copydesk import features
from copydesk.blocks import Block, Element, PageBlocks, page_blocks
from copydesk.classify import select
from copydesk.errors import EmptyInputError
from copydesk.features import KINDS, MARKS, HeuristicView, block_features, block_features_python
from copydesk.options import DEFAULT_OPTIONS
from copydesk.parse import parse, prepare
from copydesk.rules import MARK_ALIASES, SENTENCE_END
from test_properties import PROPERTY, document
from test_walk_compiled import _FRAGMENTS

pytestmark = pytest.mark.skipif(features._fast is None,
                                reason=f"compiled features unavailable: {features.COMPILED_FEATURES_UNAVAILABLE}")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(features.__file__).parent / "examples"


def assert_same_features(page: PageBlocks, view: HeuristicView) -> np.ndarray:
    expected = block_features_python(page, view)
    got = features.block_features_compiled(page, view)
    assert got is not None, "the compiled code declined a page"
    assert got.dtype == expected.dtype and got.shape == expected.shape and got.flags.c_contiguous
    if got.tobytes() != expected.tobytes():
        cells = np.argwhere(got.view(np.uint32) != expected.view(np.uint32))[:5]
        raise AssertionError(f"differ at {[(int(r), features.FEATURE_NAMES[c]) for r, c in cells]}")
    return got


def page_and_view(markup: str | bytes) -> tuple[PageBlocks, HeuristicView]:
    """As the pipeline makes them (straight into lexbor where the pipeline refuses the input as empty)."""
    try:
        tree = parse(*prepare(markup, DEFAULT_OPTIONS))
    except EmptyInputError:
        tree = LexborHTMLParser(markup)
    page = page_blocks(tree.body or tree.root)
    return page, select(page, DEFAULT_OPTIONS).view


def assert_same_for_views(page: PageBlocks, view: HeuristicView) -> None:
    """The heuristics' view, and others: another root, listing, kept positions counted from the end."""
    assert_same_features(page, view)
    n, m = len(page.blocks), len(page.elements)
    if n:
        assert_same_features(page, replace(view, listing=not view.listing, kept={-1, 0, n // 2 - n}))
        assert_same_features(page, replace(view, root=m // 2, root_end=m, kept=set()))


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("fuzz/*.html.gz"))
                         + sorted(EXAMPLES.glob("*.html")), ids=lambda p: p.name)
def test_fixtures(path: Path):
    page, view = page_and_view(path.read_bytes())
    assert_same_for_views(page, view)


@PROPERTY
@given(document())
def test_generated_documents(doc: tuple[str, str]):
    assert_same_for_views(*page_and_view(doc[0]))


@PROPERTY
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60))
def test_generated_tag_soup(parts: list[str]):
    assert_same_for_views(*page_and_view("".join(parts)))


# -- block tables built directly: any values the fields may hold ------------------------------------------

# Characters the shape columns tell apart: sentence ends, capitals of the _UPPER ranges and their
# neighbours, digits of several scripts (some astral), emoji, lone surrogates, the space.
_SPECIAL = [*SENTENCE_END, *"AZ@[ÀÞß×ΑΩαАЯа ", " ", "\u00a0", "٣", "५", "𝟙", "𑁦", "😀", "\U0010ffff", "\ud83d",
            "\ude00", "\x00"]
_TEXT = st.text(st.one_of(st.characters(), st.sampled_from(_SPECIAL)), min_size=1, max_size=120)
_MARK = st.sampled_from([None, *MARKS, *MARK_ALIASES, "unknown", ""])
_SHAPE = st.one_of(st.integers(-3, 3), st.sampled_from([2**63 - 1, -(2**63), 2**62]), st.integers(-(2**63), 2**63 - 1))


@st.composite
def block_table(draw: st.DrawFn) -> tuple[PageBlocks, HeuristicView]:
    m = draw(st.integers(1, 10))
    elements = [Element("div", draw(st.integers(-1, j - 1)), draw(_MARK), draw(st.integers(0, 40)),
                        chars=draw(st.integers(0, 5000)), prose=draw(st.integers(0, 5000)),
                        flags=draw(st.integers(0, 2**22)), shape=draw(_SHAPE)) for j in range(m)]
    pool = draw(st.lists(_TEXT, min_size=1, max_size=4))  # drawn from again, so texts repeat
    n = draw(st.integers(1, 25))
    blocks = []
    for i in range(n):
        text = draw(st.one_of(st.sampled_from(pool), _TEXT))
        link_chars = draw(st.integers(0, len(text)))
        blocks.append(Block(
            draw(st.integers(0, m - 1)), draw(st.sampled_from(KINDS)), [], text, link_chars=link_chars,
            links=draw(st.integers(0 if link_chars == 0 else 1, 6)), level=draw(st.integers(0, 6)),
            list_element=draw(st.integers(-1, m - 1)), table=draw(st.integers(-1, m - 1)),
            quote=draw(st.integers(-1, m - 1)), position=i,
            score=draw(st.one_of(st.floats(-50, 50), st.floats(width=32), st.integers(-3, 3))),
        ))
    total_prose = draw(st.integers(0, 10**6))
    page = PageBlocks(elements, blocks, draw(st.integers(0, 10**7)), total_prose,
                      comment_prose=draw(st.integers(0, total_prose)))
    root = draw(st.integers(0, m - 1))
    view = HeuristicView([draw(_MARK) for _ in range(m)], root, draw(st.integers(root, m)), draw(st.booleans()),
                         draw(st.sets(st.integers(-n, n - 1))))
    return page, view


@PROPERTY
@given(block_table())
def test_generated_block_tables(table: tuple[PageBlocks, HeuristicView]):
    with np.errstate(all="ignore"):  # infinite and NaN scores: the same warnings either way
        assert_same_features(*table)


# -- edge cases ---------------------------------------------------------------------------------------------


def _page(texts: list[str], **block_fields: object) -> tuple[PageBlocks, HeuristicView]:
    elements = [Element("body", -1, None, 0, sum(map(len, texts)), 0, shape=7),
                Element("p", 0, "comments", 1, sum(map(len, texts)), 0, flags=16, shape=8)]
    blocks = [Block(1, "paragraph", [], text, position=i, **block_fields) for i, text in enumerate(texts)]
    page = PageBlocks(elements, blocks, sum(map(len, texts)), 0)
    return page, HeuristicView([None, "comment"], 0, 2, False, set(range(len(texts))))


def test_one_block():
    page, view = page_and_view("<p>Only one.</p>")
    assert len(page.blocks) == 1
    assert_same_for_views(page, view)
    assert_same_features(*_page(["x"]))


def test_empty_page():
    page, view = page_and_view("<html><body></body></html>")
    assert not page.blocks
    assert assert_same_features(page, view).shape == (0, len(features.FEATURE_NAMES))
    assert block_features(page, view).shape == (0, len(features.FEATURE_NAMES))


def test_astral_characters_and_emoji():
    texts = ["😀 emoji 🔗 and 𝐀𝐁 bold capitals", "𝟙𝟚𝟛 4 ٥ mixed digits", "\U0001f600" * 100, "a\ud83d\ude00b",
             "Ω" * 79 + "😀" + "A"]
    assert_same_features(*_page(texts, link_chars=1, links=1))
    assert_same_for_views(*page_and_view("".join(f"<p>{text}</p>" for text in texts)))


def test_every_decimal_digit():
    """Each of Unicode's decimal digits (BMP and astral) in a head of its own, and next to capitals."""
    digits = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal()]
    assert any(ord(d) >= 0x10000 for d in digits)
    texts = ["".join(digits[k: k + 40]) for k in range(0, len(digits), 40)]
    texts += [d + "É x" for d in digits[::7]]
    rows = assert_same_features(*_page(texts))
    assert rows[: len(digits) // 40, features._INDEX["digit_share"]].min() == 1.0


def test_spaces_counted_in_long_texts():
    """Word counts past the head, in one-, two- and four-byte texts (the one-byte count goes 8 bytes at a time)."""
    texts = [" " * k + "x" for k in range(20)] + ["a b" * 1000, "ü " * 999, "語 " * 1001, "😀 " * 1003, " " * 4097]
    assert_same_features(*_page(texts))


def test_large_values():
    """Past float32's exact integers (2**24): the float32 columns must round where numpy rounds."""
    page, view = _page(["x" * 70_000, "y" * 20_000_000], link_chars=3, links=1, score=2.5e38, level=2**40)
    page.total_chars = page.total_prose = 2**40
    page.elements[0].shape = page.elements[1].shape = 2**63 - 1
    assert_same_features(page, view)
    # 0.3 * chars in float32 reaches 1048579 here, in float64 it stays below: prose only in float32
    page, view = _page(["z" * 3_495_263], link_chars=1_048_579, links=1)
    assert assert_same_features(page, view)[0, features._INDEX["prose"]] == 1.0


class _OtherBlock(Block):
    __slots__ = ()


@pytest.mark.parametrize("case", ["subclass", "numpy score", "int listing", "non-str mark", "negative root",
                                  "bool kept", "empty text", "unknown kind", "element out of range",
                                  "kept out of range", "parent out of range"])
def test_declined_pages_go_to_the_python_code(case: str):
    """What the walk and the heuristics never make: the compiled code declines it, and block_features gives
    what the Python code gives, its exception included."""
    page, view = _page(["one", "two", "three"])
    block = page.blocks[1]
    changes = {
        "subclass": lambda: page.blocks.__setitem__(1, _OtherBlock(block.element, block.kind, [], block.text)),
        "numpy score": lambda: setattr(block, "score", np.float64(0.5)),
        "int listing": lambda: setattr(view, "listing", 1),
        "non-str mark": lambda: view.page_marks.__setitem__(1, 5),
        "negative root": lambda: setattr(view, "root", -1),
        "bool kept": lambda: setattr(view, "kept", {True}),
        "empty text": lambda: setattr(block, "text", ""),
        "unknown kind": lambda: setattr(block, "kind", "table"),
        "element out of range": lambda: setattr(block, "element", 2),
        "kept out of range": lambda: setattr(view, "kept", {3}),
        "parent out of range": lambda: setattr(page.elements[1], "parent", 5),
    }
    changes[case]()
    assert features.block_features_compiled(page, view) is None
    with np.errstate(all="ignore"):  # an empty text divides by zero
        assert_same_outcome(page, view)


def assert_same_outcome(page: PageBlocks, view: HeuristicView) -> None:
    try:
        expected = block_features_python(page, view)
    except Exception as error:  # noqa: BLE001 - the same exception either way
        with pytest.raises(type(error)):
            block_features(page, view)
    else:
        assert block_features(page, view).tobytes() == expected.tobytes()


def test_block_features_uses_the_compiled_code(monkeypatch):
    page, view = page_and_view((FIXTURES / "forum-thread.html").read_bytes())

    def refuse(*args: object) -> None:
        raise AssertionError("the Python code ran")

    monkeypatch.setattr(features, "block_features_python", refuse)
    assert block_features(page, view).shape == (len(page.blocks), len(features.FEATURE_NAMES))


def test_probe_page_covers_every_column_kind():
    rows = assert_same_features(*features._probe_page())
    for name in ("heuristic_keep", "raw_mark", "in_list", "in_table", "digit_share", "upper_share", "ends_sentence"):
        assert rows[:, features._INDEX[name]].any(), name
