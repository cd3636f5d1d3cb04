"""The compiled DOM walker (copydesk/_walk.c) gives exactly what the Python walker (blocks._Walker) gives.

Compared strictly, field by field (types too: True is not 1), on the fixtures, on hypothesis-generated
pages (test_properties' strategies, and raw bytes), and on the hard cases: 100,000-deep nesting, huge
text nodes, invalid UTF-8, NUL bytes. Skipped when the extension is not built (or is disabled).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from copydesk import blocks, rules
from copydesk.options import DEFAULT_OPTIONS
from copydesk.parse import parse, prepare
from structural_diff import difference
from test_properties import PROPERTY, document

pytestmark = pytest.mark.skipif(blocks._fast is None,
                                reason=f"compiled walker unavailable: {blocks.COMPILED_WALKER_UNAVAILABLE}")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(blocks.__file__).parent / "examples"




def assert_same_walk(tree: LexborHTMLParser) -> blocks.PageBlocks:
    roots = [node for node in (tree.body, tree.root) if node is not None]
    page = None
    for root in roots:
        for skipped in (blocks.SKIPPED_TAGS, blocks._SKIPPED_WITH_NOSCRIPT):
            expected, got = blocks.walk_python(root, skipped), blocks.walk_compiled(root, skipped)
            found = difference(expected, got)
            assert found is None, found
            page = page or expected
        pages = []
        for walker in ("python", "compiled"):
            previous = blocks.set_walker(walker)
            try:
                pages.append(blocks.page_blocks(root))
            finally:
                blocks.set_walker(previous)
        found = difference(*pages)
        assert found is None, f"page_blocks: {found}"
    return page


def pipeline_tree(data: str | bytes) -> LexborHTMLParser:
    """Parsed as pipeline.heuristic_pass parses."""
    return parse(*prepare(data, DEFAULT_OPTIONS))


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("fuzz/*.html.gz"))
                         + sorted(EXAMPLES.glob("*.html")), ids=lambda p: p.name)
def test_fixtures(path: Path):
    page = assert_same_walk(pipeline_tree(path.read_bytes()))
    assert page.elements


def test_fixtures_parsed_raw():
    """The page fixtures straight into lexbor (no NUL stripping, no depth cap), as str and as bytes.
    (Not the fuzz ones: 100k unclosed divs take lexbor's tree builder half a minute without the cap.)"""
    for path in sorted(FIXTURES.glob("*.html")) + sorted(EXAMPLES.glob("*.html")):
        data = path.read_bytes()
        assert_same_walk(LexborHTMLParser(data))
        assert_same_walk(LexborHTMLParser(data.decode("utf-8", "replace")))


@PROPERTY
@given(document())
def test_generated_documents(doc: tuple[str, str]):
    markup, _ = doc
    assert_same_walk(LexborHTMLParser(markup))
    assert_same_walk(LexborHTMLParser(markup.encode("utf-8")))


@PROPERTY
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes):
    assert_same_walk(LexborHTMLParser(data))


_FRAGMENTS = [
    "<p>", "</p>", "<div class='nav main'>", "<div id='comments'>", "</div>", "<a href='/x'>", "<a>", "</a>",
    "<code>", "</code>", "<pre>", "</pre>", "<br>", "<h2>", "</h2>", "<ul>", "<ol>", "<li>", "<table>", "<tr>",
    "<td>", "<th>", "<blockquote>", "<figcaption>", "<nav-link href='/n'>", "<x-y>", "<img src='a' alt>",
    "<script type='application/ld+json'>{\"a\": 1}</script>", "<script>x</script>", "<noscript>", "</noscript>",
    "<div style='display:none' itemscope>", "<div hidden>", "<span aria-hidden='true'>", "<div role='dialog'>",
    "<div role='banner'>", "<div aria-modal='true'>", "<div class='accordion-body' hidden>",
    "<section role='tabpanel' aria-hidden='true'>", "<div role hidden>", "<div id='faq-1' style='display:none'>",
    "<div class>", "<div id>", "<div class='' id=''>",
    "<svg><text>s</text></svg>", "<math>m</math>", "<template><p>t</p></template>", "<!-- c -->",
    "<![CDATA[x]]>", "<?pi x?>", "<select><option>o</select>", "\u00a0", "\u3000", " ", "\n", "\t", "\x0b",
    "\ue000", "¶", "#", "🔗", "§", "word", "Wort", "слово", "語", "\ud83d\ude00".encode("utf-16", "surrogatepass")
    .decode("utf-16"), "&nbsp;", "&#0;", "\x00", "\x1c", "<p class='\ufffd'>", "<details><summary>s</summary>",
    "<dl><dt>t<dd>d", "<table><tr><td><div>layout</div></td></tr></table>", "<h1>Title ¶</h1>", "<hr>",
    "<footer>", "<aside>", "<header>", "<main>", "<article>", "<section>", "<form>", "<figure>",
]


@PROPERTY
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60), st.booleans())
def test_generated_tag_soup(parts: list[str], as_bytes: bool):
    markup = "".join(parts)
    assert_same_walk(LexborHTMLParser(markup.encode("utf-8") if as_bytes else markup))


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.binary(min_size=1, max_size=6)), max_size=40))
def test_generated_invalid_utf8(parts: list[str | bytes]):
    data = b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in parts)
    assert_same_walk(LexborHTMLParser(data))


def test_invalid_utf8_everywhere():
    data = (b"<body class='\xff\xfe'><di\xffv id='a\xc3'>t\xe2\x82ext \xed\xa0\x80 s\xc0\xaf</di\xffv>"
            b"<p class='nav\xff' id='\xf0\x9f'>\xf0\x9f\x94 para</p><a href='/\xff'>l\xffink</a>"
            b"<script type='application/ld+json'>{\"a\": \"\xff\xf0\x9f\"}</script>"
            b"<img alt='\xff' src='x\xfe'><pre>\xff\n\xfe</pre><h2>\xff \xc2\xb6</h2></body>")
    page = assert_same_walk(LexborHTMLParser(data))
    assert any("\ufffd" in block.text for block in page.blocks)
    assert page.structured_data and page.images


def test_nul_bytes():
    data = b"<p>a\x00b</p><div class='x\x00y' id='\x00'>\x00</div><pre>\x00\n\x00</pre><a href='\x00'>\x00</a>"
    assert_same_walk(LexborHTMLParser(data))
    assert_same_walk(LexborHTMLParser(data.decode("latin-1")))


def test_deep_nesting():
    """100,000 levels, straight into lexbor (no depth cap): the walk is iterative, in C as in Python.

    Each <div> start tag makes lexbor's tree builder look for an open <p> down the stack of open
    elements (quadratic: 100,000 nested divs take it half a minute), unless a <marquee> (a scope
    boundary) stops the search: "<marquee><div>" repeated builds the same depth in milliseconds."""
    depth = 100_000
    cases = {
        "blocks": "<marquee><div>" * depth + "deep text",
        "blocks and links": "<marquee><div class='c' id='i'><span><a href='/x'>" * (depth // 2) + "deep text",
        "inline": "<span>" * depth + "deep text" + "</span>" * depth,
        "code": "<marquee><pre><code><b>" * (depth // 4) + "deep text",
    }
    for name, markup in cases.items():
        page = assert_same_walk(LexborHTMLParser(f"<body>{markup}<p>after</p></body>"))
        assert any(block.text.startswith("deep text") for block in page.blocks), name
    page = blocks.walk_compiled(LexborHTMLParser(cases["blocks"]).body, blocks.SKIPPED_TAGS)
    assert max(element.depth for element in page.elements) == depth


def test_huge_text_nodes():
    big = "word " * 2_000_000 + "fin"
    wide = "語\u00a0" * 500_000
    page = assert_same_walk(LexborHTMLParser(f"<p>{big}</p><pre>{wide}</pre><h1>{wide}¶</h1><p>{wide}<br>x</p>"))
    assert page.blocks[0].text.endswith("word fin")


def test_fragment_root_falls_back_to_the_python_walker():
    tree = LexborHTMLParser("<p>one</p><p>two <a href='/x'>link</a></p>", is_fragment=True)
    root = tree.root
    assert difference(blocks.walk_python(root, blocks.SKIPPED_TAGS), blocks.walk_compiled(root, blocks.SKIPPED_TAGS)) \
        is None


def test_tuple_hash_matches_python():
    values = [0, 1, -1, -2, 2**61 - 2, 2**61 - 1, 2**61, -(2**61) + 1, -(2**61), 2**63 - 1, -(2**63), 123456789]
    for a in values:
        for b in values:
            assert blocks._fast.pair_hash_of_ints(a, b) == hash((a, b))
    for a, b in (("div", None), ("p", ""), ("h1", "nav main"), ("", "\x00"), ("x", "語")):
        assert blocks._fast.pair_hash_of(a, b) == hash((a, b))


@given(st.integers(-(2**63), 2**63 - 1), st.integers(-(2**63), 2**63 - 1))
def test_tuple_hash_of_ints_matches_python(a: int, b: int):
    assert blocks._fast.pair_hash_of_ints(a, b) == hash((a, b))


def test_page_blocks_uses_the_compiled_walker():
    assert blocks.WALKER == "compiled"
    assert blocks.page_blocks.__module__ == "copydesk.blocks"


def test_set_walker_round_trip():
    assert blocks.set_walker("python") == "compiled"
    try:
        assert blocks.WALKER == "python"
    finally:
        assert blocks.set_walker("compiled") == "python"
    with pytest.raises(ValueError):
        blocks.set_walker("rust")


def test_rules_are_read_at_call_time(monkeypatch):
    """The rules stay in Python: edited ones reach both walkers alike."""
    markup = ("<div class='story'><span>one</span> <x-card href='/c'>card</x-card><h4>h</h4><p>text</p></div>"
              "<section class='promo'>ad</section><noscript><p>ns</p></noscript>")
    monkeypatch.setattr(blocks, "BLOCK_TAGS", blocks.BLOCK_TAGS | {"span"})
    monkeypatch.setattr(blocks, "HEADING_LEVELS", {**blocks.HEADING_LEVELS, "h4": 2})
    monkeypatch.setattr(blocks, "TAG_CATEGORIES", {**blocks.TAG_CATEGORIES, "section": "other"})
    monkeypatch.setattr(blocks, "attribute_category", lambda names: "related" if "story" in names else None)
    page = assert_same_walk(LexborHTMLParser(markup))
    assert [e.tag for e in page.elements].count("span") == 1
    assert any(e.mark == "related" for e in page.elements)


def test_errors_in_callbacks_propagate():
    def broken(names: str) -> str | None:
        raise ZeroDivisionError(names)

    tree = LexborHTMLParser("<div class='x'>a</div>")
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        blocks._fast.walk(tree.body.mem_id, "body", blocks.SKIPPED_TAGS, blocks.BLOCK_TAGS, blocks.HEADING_LEVELS,
                          blocks.TAG_CATEGORIES, broken)
    assert gc.isenabled()  # the collector, paused during the walk, is running again


# Text that exercises the collapsing of whitespace eight bytes at a time (runs of word bytes and single
# spaces copied as they are; anything else byte by byte), across chunk and piece boundaries, and the
# wide path (any piece not ASCII, a <br> among them): Unicode whitespace, and the narrowest str kind
# when the widest character is dropped (whitespace, a heading marker, a <br> folded to a newline).
_TEXTS = [
    "abcdefg", "abcdefgh", "abcdefghi", "abcdefg h", "abcdefgh ", " abcdefgh", "  abcdefghijklmnop  ",
    "ab cd ef gh ij kl", "abcdefg  hijklmn", "abcdefgh\tijklmnop", "a\nb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x1fi",
    "control\x01chars\x7fkept", "tab\t\tand  double  spaces  everywhere ", "x" * 31 + " " + "y" * 33,
    "\u00a0nbsp\u00a0around\u00a0", "ideographic\u3000space", "line\u2028sep\u2029para", "next\x85line",
    "ogham\u1680mark", "thin\u2009and\u202fnarrow\u205f", "curly \u2019quote\u2019 in prose of some length",
    "caf\u00e9 cr\u00e8me", "\u00a0\u3000", "emoji \U0001f517 link", "mixed \u00e9 and \u8a9e and \U0001f600",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_collapsing_text(text: str):
    markup = (f"<p>{text}</p><p>{text}<b>{text}</b>{text}</p><h2>{text} \u00b6</h2><h3>\U0001f517 {text} #</h3>"
              f"<h2>\u00a7 plain \u00b6</h2><h2>\U0001f517</h2><p>{text}<br>{text}<br><br>end</p><li>{text}<br></li>"
              f"<pre>{text}</pre><p><a href='/x'>{text}</a> {text}</p><p>{text}<code>{text}</code></p>")
    assert_same_walk(LexborHTMLParser(markup))


@PROPERTY
@given(st.lists(st.sampled_from(["a", "bc", "defghij", "klmnopqrstu", " ", "  ", "\t", "\n", "\u00a0", "\u3000",
                                 "\u2019", "\U0001f517", "\u00b6", "#", "<br>", "<b>", "</b>", "<a href='/x'>",
                                 "</a>", "<code>", "</code>"]), max_size=40),
       st.sampled_from(["p", "h2", "li", "td", "pre", "figcaption"]))
def test_generated_text(parts: list[str], tag: str):
    assert_same_walk(LexborHTMLParser(f"<{tag}>{''.join(parts)}</{tag}><p>x {''.join(parts)}</p>"))


def test_only_piece_is_the_text():
    """A block's only piece, already collapsed, is its text: the same str (ASCII or not)."""
    page = blocks.walk_compiled(LexborHTMLParser("<p>plain words</p><p>caf\u00e9 au lait</p><p> spaced </p>").body,
                                blocks.SKIPPED_TAGS)
    first, second, third = page.blocks
    assert first.text is first.pieces[0][0] and second.text is second.pieces[0][0]
    assert third.text == "spaced" and third.text is not third.pieces[0][0]


def test_objects_are_not_tracked_by_the_collector():
    """Pieces, blocks, their piece lists and elements hold no containers that could make a cycle: untracked,
    as CPython untracks tuples of strs itself."""
    tree = LexborHTMLParser("<div class='a'><p>one <a href='/x'>two</a> <b>three</b></p></div>")
    page = blocks.page_blocks(tree.body)
    assert gc.is_tracked(page) and gc.is_tracked(page.blocks) and gc.is_tracked(page.elements)
    for block in page.blocks:
        assert not gc.is_tracked(block) and not gc.is_tracked(block.pieces)
        assert not any(gc.is_tracked(piece) for piece in block.pieces)
    assert not any(gc.is_tracked(element) for element in page.elements)


def test_tag_rules_swapped_between_walks():
    """The tags' rules are kept across walks only for the same rule objects: other ones are read anew."""
    tree = LexborHTMLParser("<div><span>one</span><h4>four</h4><section>s</section><x-y>custom</x-y></div>")
    other = (blocks.SKIPPED_TAGS | {"section"}, blocks.BLOCK_TAGS | {"span", "x-y"}, {**blocks.HEADING_LEVELS, "h4": 1},
             {**blocks.TAG_CATEGORIES, "div": "other"})
    for swapped in (None, other, None, other):
        skipped, block_tags, levels, categories = swapped or (blocks.SKIPPED_TAGS, blocks.BLOCK_TAGS,
                                                             blocks.HEADING_LEVELS, blocks.TAG_CATEGORIES)
        got = blocks._fast.walk(tree.body.mem_id, "body", skipped, block_tags, levels, categories,
                                blocks.attribute_category)
        walker = blocks._Walker(skipped)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(blocks, "BLOCK_TAGS", block_tags)
            patch.setattr(blocks, "HEADING_LEVELS", levels)
            patch.setattr(blocks, "TAG_CATEGORIES", categories)
            expected = walker.run(tree.body)
        assert difference(expected, got) is None


def test_walk_started_from_a_callback(monkeypatch):
    """A walk run from a walk's callback (here the stand-in attribute_category), with other rules, has its
    own tables: the outer walk goes on with its own."""
    inner_tree = LexborHTMLParser("<div class='comment'><p>inner</p><section>s</section></div>")
    inner_pages = []

    def category(names: str) -> str | None:
        inner_pages.append(blocks._fast.walk(inner_tree.body.mem_id, "body", blocks.SKIPPED_TAGS | {"section"},
                                             blocks.BLOCK_TAGS | {"span"}, blocks.HEADING_LEVELS,
                                             blocks.TAG_CATEGORIES, rules.attribute_category, ((), (), (), (), ())))
        return "related" if "story" in names else None

    monkeypatch.setattr(blocks, "attribute_category", category)
    page = assert_same_walk(LexborHTMLParser("<div class='story'><p>a</p><span>b</span><div class='x'>c</div></div>"))
    assert any(e.mark == "related" for e in page.elements)
    monkeypatch.undo()
    expected = blocks._Walker(blocks.SKIPPED_TAGS | {"section"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "BLOCK_TAGS", blocks.BLOCK_TAGS | {"span"})
        expected = expected.run(inner_tree.body)
    assert inner_pages and all(difference(expected, inner) is None for inner in inner_pages)


def test_ascii_str_hash_matches_python():
    for s in ("", "a", "post-48213", "col-md-6 col-sm-12", "x" * 1000, "\x00\x7f"):
        assert blocks._fast.ascii_hash(s) == hash(s)
    with pytest.raises(TypeError):
        blocks._fast.ascii_hash("caf\u00e9")
