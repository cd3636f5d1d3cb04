"""The compiled loops of the heuristics (copydesk/_classify.c) give exactly what classify's Python gives:
the same inherited marks for the page and for every subtree, the same rule and score (value and type)
on every block, and the same root.

Compared on the fixtures, on documents hypothesis generates (through the walk), and on element tables
with marks of every category, aliases, modals and headed modules, comment-heavy pages with and without a
post. What the compiled code declines (hand-made tables with no subtree ends, odd types) goes to the
Python code. Skipped when the extension is not built (or is disabled).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from copydesk import classify
from copydesk.blocks import COMMENTS, HEADED_MODULE, HIDDEN, SCHEMA_COPY, Block, Element, PageBlocks, page_blocks
from copydesk.classify import (
    _inherited_marks_python,
    _root_scores_python,
    cut_outcome,
    heuristic_cut_outcome,
    mark_related_sections,
)
from copydesk.options import DEFAULT_OPTIONS, Options
from copydesk.rules import MARK_ALIASES, text_category
from test_properties import PROPERTY, document

pytestmark = pytest.mark.skipif(classify._fast is None,
                                reason=f"compiled classify unavailable: {classify.COMPILED_CLASSIFY_UNAVAILABLE}")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(classify.__file__).parent / "examples"
MARKS = ["navigation", "breadcrumb", "related", "comment", "comment-form", "advertisement", "other", "modal",
         "signature", "metadata", "share", "footer"]


def assert_same(page: PageBlocks, options: Options = DEFAULT_OPTIONS) -> None:
    fast = classify._fast
    elements, blocks = page.elements, page.blocks
    for start in range(len(elements)):  # the page, and every subtree as select() asks for the root's
        end = elements[start].end
        assert fast.inherited_marks(elements, start, end) == _inherited_marks_python(page, start, end), start
    if not blocks:
        return
    marks = _inherited_marks_python(page, 0, len(elements))
    rules = [text_category(block.text) for block in blocks]
    root = _root_scores_python(page, marks, rules, options)
    expected = [(block.rule, block.score, type(block.score)) for block in blocks]
    for block in blocks:
        block.rule, block.score = "stale", -5.0
    assert fast.root_scores(blocks, elements, marks, rules, options.max_link_density, options.min_block_chars) == root
    assert [(block.rule, block.score, type(block.score)) for block in blocks] == expected


def with_rules(page: PageBlocks) -> PageBlocks:
    """The page with each block's wording rule set, as choose_root sets it before the cuts run."""
    for block in page.blocks:
        block.rule = text_category(block.text)
    return page


def walked(markup: str | bytes) -> PageBlocks:
    tree = LexborHTMLParser(markup)
    page = page_blocks(tree.body or tree.root)
    mark_related_sections(page)  # the marks choose_root adds before it inherits them
    return page


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")),
                         ids=lambda p: p.name)
def test_fixtures(path: Path):
    assert_same(walked(path.read_bytes()))


@PROPERTY
@given(document())
def test_generated_documents(doc: tuple[str, str]):
    assert_same(walked(doc[0]))


@st.composite
def element_table(draw: st.DrawFn) -> PageBlocks:
    """A preorder tree of elements with subtree ends, marks, flags and prose, and blocks on it."""
    n = draw(st.integers(1, 30))
    parents = [-1] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    # Preorder needs each element's parent on the path to it: rebuild the order depth-first.
    children: dict[int, list[int]] = {i: [] for i in range(n)}
    for i in range(1, n):
        children[parents[i]].append(i)
    order: list[int] = []
    stack = [0]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children[node]))
    position = {node: i for i, node in enumerate(order)}
    elements = []
    for node in order:
        prose = draw(st.integers(0, 2000))
        elements.append(Element(
            draw(st.sampled_from(["div", "article", "p", "li"])), position.get(parents[node], -1),
            draw(st.none() | st.sampled_from(MARKS)), 1, chars=prose + draw(st.integers(0, 500)), prose=prose,
            flags=draw(st.sampled_from([0, COMMENTS, HEADED_MODULE, COMMENTS | HEADED_MODULE, HIDDEN, SCHEMA_COPY]))))
    for i in reversed(range(n)):  # subtree ends, from the leaves up
        elements[i].end = max([i + 1] + [elements[j].end for j in range(i + 1, n) if elements[j].parent == i])
    texts = st.sampled_from(["Share", "- Advertisement -", "A sentence that ends.", "Home", "x" * 90, "(Image: AP)"])
    blocks = [Block(draw(st.integers(0, n - 1)), draw(st.sampled_from(["paragraph", "heading", "code", "item"])), [],
                    draw(texts), link_chars=draw(st.integers(0, 3)) * 10, links=draw(st.integers(0, 2)), position=k)
              for k in range(draw(st.integers(0, 12)))]
    for block in blocks:
        block.link_chars = min(block.link_chars, block.chars)
    return PageBlocks(elements, blocks, elements[0].chars, elements[0].prose)


@PROPERTY
@given(element_table())
def test_generated_element_tables(page: PageBlocks):
    assert_same(page)


def test_a_comment_thread_under_a_post_keeps_the_post_and_the_compiled_code_agrees():
    markup = ("<body><article><p>" + "Post prose that reads as a sentence. " * 10 + "</p></article>"
              + "".join(f'<div class="comment"><p>{"A reply that goes on. " * 12}</p></div>' for _ in range(6))
              + "</body>")
    page = walked(markup)
    marks = classify._fast.inherited_marks(page.elements, 0, len(page.elements))
    assert "comment" in marks  # believed despite holding most of the prose: the post is the content
    assert_same(page)


def test_what_it_declines_goes_to_the_python_code():
    # Hand-made elements with no subtree end (end=0): the compiled code declines, the result is Python's.
    elements = [Element("body", -1, None, 0, 100, 100), Element("nav", 0, "navigation", 1, 10, 0)]
    blocks = [Block(1, "item", [], "Home", link_chars=4, links=1)]
    page = PageBlocks(elements, blocks, 100, 100)
    assert classify._fast.inherited_marks(elements, 0, 2) is None
    assert classify._inherited_marks(page, 0, 2) == _inherited_marks_python(page, 0, 2)
    # root_scores reads no subtree ends: it takes the page, as Python does...
    assert classify._fast.root_scores(blocks, elements, [None, None], [None], 0.5, 25) == 0
    # ...but not a block whose element is out of range.
    blocks[0].element = 7
    assert classify._fast.root_scores(blocks, elements, [None, None], [None], 0.5, 25) is None


def test_aliases_count_as_their_category():
    assert MARK_ALIASES  # the table the compiled code was configured with
    page = walked('<body><div class="signature"><p>Sent from my phone, every time.</p></div>'
                  '<div class="byline"><p>By A. Writer</p></div><p>' + "Body text here. " * 20 + "</p></body>")
    assert_same(page)


def assert_same_cut(page: PageBlocks, seed: int) -> None:
    """model_cut against the Python cut, with and without the vetoes, on made-up probabilities and marks."""
    rng = np.random.default_rng(seed)
    probabilities = rng.random(len(page.blocks))
    marks = _inherited_marks_python(page, 0, len(page.elements))
    for block in page.blocks[::3]:
        block.label = "navigation"  # what select() left on some blocks: kept by the cut or not
    heuristic_kept = set(rng.integers(0, max(len(page.blocks), 1), size=3).tolist())
    for use_heuristics in (True, False):
        fast = cut_outcome(classify._fast, page, probabilities, marks, heuristic_kept, use_heuristics)
        assert fast is not None
        assert fast == cut_outcome(None, page, probabilities, marks, heuristic_kept, use_heuristics)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")),
                         ids=lambda p: p.name)
def test_model_cut_on_fixtures(path: Path):
    page = walked(path.read_bytes())
    assert_same_cut(with_rules(page), 0)


@PROPERTY
@given(element_table(), st.integers(0, 1000))
def test_model_cut_on_generated_element_tables(page: PageBlocks, seed: int):
    for block in with_rules(page).blocks:
        block.kind = ("item", "cell", "caption", "paragraph")[block.position % 4]
        block.list_element = block.table = block.element
    assert_same_cut(page, seed)


def test_model_cut_declines_float32_probabilities():
    page = walked("<body><p>One sentence that ends.</p><p>Another one.</p></body>")
    marks = [None] * len(page.elements)
    assert classify._fast.model_cut(page.blocks, page.elements, np.zeros(2, dtype=np.float32), 0.5, marks, set(),
                                    True) is None


_WORDING = st.sampled_from(["advertisement", "Sponsored", "read more", "READ MORE:", "see also:", "share", "Share on X",
                            "akismet to reduce spam", "comment data", "cookie", "COOKIE", "COO\u212aIE", "\u0130",
                            "cook\u0130e", "(Image: AP)", "(photo: x)", "[VIDEO]", "]", ")", "©", "copyright",
                            "leave a reply", "12 comments", "please enter your name", "sign up for our newsletter",
                            "back to top", "-", "—", " ", "\t", "\n", "x", "É", "日本"])


@PROPERTY
@given(st.lists(st.one_of(st.text(max_size=40), st.lists(_WORDING, max_size=6).map("".join)), max_size=20))
def test_text_rules_are_text_category(texts: list[str]):
    blocks = [Block(0, "paragraph", [], text) for text in texts]
    assert classify._fast.text_rules(blocks) == [text_category(text) for text in texts]


def test_text_rules_at_the_length_limit():
    for n in (299, 300, 301):
        texts = ["Share" + " " * (n - 5), "x" * (n - 18) + " (Image: GETTY)", "We use cookies" + "." * (n - 14)]
        blocks = [Block(0, "paragraph", [], text) for text in texts]
        assert classify._fast.text_rules(blocks) == [text_category(text) for text in texts]


def assert_same_heuristic_cut(page: PageBlocks, root: int) -> None:
    marks = _inherited_marks_python(page, 0, len(page.elements))
    end = page.elements[root].end
    root_marks = _inherited_marks_python(page, root, end)
    for block in page.blocks[::4]:
        block.label = "stale"
    for listing in (True, False):
        args = (page, marks, root_marks, root, end, listing, DEFAULT_OPTIONS)
        fast = heuristic_cut_outcome(classify._fast, *args)
        assert fast is not None
        assert fast == heuristic_cut_outcome(None, *args)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")),
                         ids=lambda p: p.name)
def test_heuristic_cut_on_fixtures(path: Path):
    page = walked(path.read_bytes())
    if not page.blocks:
        return
    with_rules(page)
    for root in {0, page.blocks[len(page.blocks) // 2].element, page.elements[page.blocks[-1].element].parent}:
        assert_same_heuristic_cut(page, max(root, 0))


@PROPERTY
@given(element_table(), st.integers(0, 29))
def test_heuristic_cut_on_generated_element_tables(page: PageBlocks, root: int):
    for block in with_rules(page).blocks:
        block.kind = ("paragraph", "heading", "caption", "item")[block.position % 4]
    assert_same_heuristic_cut(page, min(root, len(page.elements) - 1))
