"""The title's headings read by the compiled walker (blocks.compiled_heading_texts) are the CSS query's
(metadata.title's reference): the same texts of the first twelve h1/h2 elements and of the first two h1s,
on the fixtures, on generated documents and on the cases that make a heading's text differ from its
node's text: a <br>, a script, a template, nested headings, an h1 after a dozen h2s. Skipped when the
compiled walker is not in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from selectolax.lexbor import LexborHTMLParser

from copydesk import blocks
from copydesk.metadata.title import _heading_text, find_title, heading_texts
from test_properties import PROPERTY, document

pytestmark = pytest.mark.skipif(blocks.WALKER != "compiled",
                                reason=f"compiled walker unavailable: {blocks.COMPILED_WALKER_UNAVAILABLE}")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(blocks.__file__).parent / "examples"


def reference(tree: LexborHTMLParser, limit: int = 12, h1_limit: int = 2) -> tuple[list[str], list[str]]:
    nodes = tree.css("h1, h2")
    return ([_heading_text(node) for node in nodes[:limit]],
            [_heading_text(node) for node in nodes if node.tag == "h1"][:h1_limit])


def assert_same(markup: str | bytes) -> None:
    tree = LexborHTMLParser(markup)
    if tree.root is None:
        return
    for limit, h1_limit in ((12, 2), (1, 0), (0, 1), (3, 5)):
        assert blocks.compiled_heading_texts(tree.root, limit, h1_limit) == reference(tree, limit, h1_limit)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")),
                         ids=lambda p: p.name)
def test_fixtures(path: Path):
    assert_same(path.read_bytes())


@PROPERTY
@given(document())
def test_generated_documents(doc: tuple[str, str]):
    assert_same(doc[0])


@pytest.mark.parametrize("markup", [
    "<h1>Data Analytics<br>Agency</h1>",
    "<h1>Headline<script>track()</script><style>h1{}</style><noscript>x</noscript></h1>",
    "<h2>A <template><b>hidden</b></template>b<!-- c --></h2>",
    "<h1>Outer <h2>inner</h2> tail</h1>",
    "<div><h2>Caf\u00e9 \u65e5\u672c</h2></div>" * 14 + "<h1>The late headline</h1><h1>Second</h1><h1>Third</h1>",
    "<h1></h1><h1>  </h1><svg><title>Logo</title></svg><h1><span>Span</span> text</h1>",
    "<p>no headings at all</p>",
])
def test_cases(markup: str):
    assert_same(f"<html><head><title>t</title></head><body>{markup}</body></html>")


def test_an_h1_after_twelve_h2s_still_titles_the_page():
    markup = ("<html><head><title>The late headline | Site</title></head><body>"
              + "<h2>Menu</h2>" * 12 + "<h1>The late headline</h1></body></html>")
    tree = LexborHTMLParser(markup)
    texts, h1s = heading_texts(tree)
    assert len(texts) == 12 and h1s == ["The late headline"]
    assert find_title(tree) == "The late headline"
