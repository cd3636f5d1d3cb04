"""Properties of `extract` over generated HTML: nested realistic tags, text in several scripts, entities,
attributes and broken markup (unclosed tags, stray brackets and end tags).

- it raises nothing but `ExtractionError` subclasses;
- every word of the extracted text comes from the page's text (never from attributes, scripts or
  styles, never invented), compared after entity decoding with whitespace ignored;
- it is deterministic: the same input twice gives the same record.

And of `extract_text` over generated text dumps: it raises nothing but `ExtractionError` subclasses,
keeps whole lines of the dump (body, title and removed lines; never a NUL), and is deterministic.

The default profile is derandomized and moderate, so CI runs are fast and repeatable; run
`COPYDESK_EXPLORE=1 pytest tests/test_properties.py` to search longer with fresh examples.
"""

from __future__ import annotations

import gzip
import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import copydesk

# A decorator, not a loaded profile, so other test files keep hypothesis's own defaults.
_EXPLORE = bool(os.environ.get("COPYDESK_EXPLORE"))
PROPERTY = settings(max_examples=5000 if _EXPLORE else 150, derandomize=not _EXPLORE, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

WORDS = ["tea", "water", "kettle", "steep", "minutes", "Café", "naïve", "€12", "日本語の文章", "Москва", "δοκιμή",
         "مرحبا", "x", "42", "well-known", "(note)", "e.g.", "“quoted”", "tab\there"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&eacute;", "&nbsp;", "&#65;", "&#x263A;", "&#0;", "&copy;",
            "&amp", "&notit;", "&#x80;", "&#xD800;", "&bogus;", "&#X1F600;", "&#128512;"]
# Broken markup in text position: stray brackets, end tags with nothing open, comment oddities, NULs.
# (A '<' right before a letter would open a tag whose attributes swallow what follows, scripts included:
# the markup would then show text this generator does not know is visible.)
VISIBLE_STRAYS = ["< ", " < ", "&", "]]>", "\x00", "< /a>", "<3 "]
SILENT_STRAYS = ["</>", "<!-->", "<!---->", "</p>", "</div>", "</li>", "</td>", "<![CDATA[x]]>", "<?php ?>"]
# Words that appear only in attributes, scripts and styles: any of them in the output is a leak.
HIDDEN_WORDS = ["zqattr", "zqscript", "zqstyle"]

BLOCKS = ["p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote", "pre",
          "h1", "h2", "h3", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th", "figure", "figcaption",
          "noscript", "form", "details", "summary"]
INLINES = ["span", "a", "b", "i", "em", "strong", "code", "small", "sup", "font", "label"]
VOIDS = ["br", "img", "hr", "wbr", "input"]
RAW = {"script": "zqscript", "style": "zqstyle"}
ATTRIBUTES = [
    ("class", ["content", "post-body", "nav", "sidebar", "comment", "ad-slot", "zqattr"]),
    ("id", ["main", "footer", "related", "zqattr"]),
    ("href", ["/p/1", "#top", "javascript:void(0)", "https://example.com/ä?a=1&amp;b=2", "zqattr"]),
    ("style", ["display:none", "color:red", "visibility: hidden"]),
    ("hidden", [""]),
    ("aria-hidden", ["true"]),
    ("role", ["navigation", "main"]),
    ("title", ["zqattr"]),
]


@dataclass
class Page:
    """Generated markup and the text a reader of it could see (entities decoded)."""

    markup: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


text_piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(ENTITIES), st.sampled_from(VISIBLE_STRAYS),
                       st.sampled_from(SILENT_STRAYS),
                       st.text(alphabet=st.characters(categories=["L", "N", "P"]), min_size=1, max_size=8))


@st.composite
def text_run(draw: st.DrawFn) -> tuple[str, str]:
    """(markup, visible text) of a run of words, entities and strays."""
    pieces = draw(st.lists(st.tuples(text_piece, st.sampled_from([" ", "", "\n", "  "])), min_size=1, max_size=8))
    visible, segment = [], []
    for piece, gap in pieces:
        if piece in SILENT_STRAYS:
            # A tag, even one the parser drops, ends a character reference: decode each side alone.
            visible.append(html.unescape("".join(segment)))
            segment = [gap]
        else:
            segment.append(piece + gap)
    visible.append(html.unescape("".join(segment)))
    return "".join(piece + gap for piece, gap in pieces), "".join(visible)


attribute = st.sampled_from(ATTRIBUTES).flatmap(
    lambda pair: st.sampled_from(pair[1]).map(lambda value, name=pair[0]: f' {name}="{value}"' if value else
                                               f" {name}"))


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> Page:
    """One text run, void tag, raw-text element or element with children (maybe left unclosed)."""
    kind = draw(st.sampled_from(["text", "text", "void", "raw", "element", "element"] if depth < 6 else ["text"]))
    page = Page()
    if kind == "text":
        raw, visible = draw(text_run())
        page.markup.append(raw)
        page.text.append(visible)
    elif kind == "void":
        page.markup.append(f"<{draw(st.sampled_from(VOIDS))}{draw(attribute)}>")
    elif kind == "raw":
        tag = draw(st.sampled_from(sorted(RAW)))
        page.markup.append(f"<{tag}>var {RAW[tag]} = 1; {RAW[tag]}</{tag}>")
    else:
        tag = draw(st.sampled_from(BLOCKS + INLINES))
        attrs = "".join(draw(st.lists(attribute, max_size=3)))
        page.markup.append(f"<{tag}{attrs}>")
        for child in draw(st.lists(node(depth + 1), max_size=4)):
            page.markup.extend(child.markup)
            page.text.extend(child.text)
        if draw(st.integers(0, 4)):  # one in five left open
            page.markup.append(f"</{tag}>")
    return page


@st.composite
def document(draw: st.DrawFn) -> tuple[str, str]:
    """(markup, the page's visible text) for a whole document, sometimes with the usual frame around it."""
    page = Page()
    for child in draw(st.lists(node(), min_size=1, max_size=6)):
        page.markup.extend(child.markup)
        page.text.extend(child.text)
    body = "".join(page.markup)
    if draw(st.booleans()):
        body = f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>"
    return body, "".join(page.text)


def as_input(markup: str, form: str) -> str | bytes:
    if form == "str":
        return markup
    if form == "gzip":
        return gzip.compress(markup.encode("utf-8"))
    return markup.encode(form)


def words(text: str) -> list[str]:
    return text.replace("\x00", "").split()


def extract_or_error(data: str | bytes) -> copydesk.Article | None:
    try:
        return copydesk.extract(data, url="https://example.com/a/b")
    except copydesk.ExtractionError:
        return None


@PROPERTY
@given(document(), st.sampled_from(["str", "utf-8", "utf-16", "gzip"]))
def test_extraction_only_keeps_words_of_the_page(doc: tuple[str, str], form: str):
    markup, visible = doc
    article = extract_or_error(as_input(markup, form))
    if article is None:
        return
    # Whitespace ignored: blocks may split a text run into lines, and inline tags join words across runs.
    reference = "".join(words(visible))
    for word in words(article.text):
        assert word in reference, f"{word!r} is not in the page's text"
    for hidden in HIDDEN_WORDS:
        assert hidden not in article.text


def test_title_never_holds_script_text():
    article = copydesk.extract("<h1>Real headline<script>var zqscript = 1;</script></h1><p>Body text.</p>")
    assert "zqscript" not in (article.title or "")


@PROPERTY
@given(document(), st.sampled_from(["str", "utf-8"]))
def test_extraction_is_deterministic(doc: tuple[str, str], form: str):
    assert_same_record_twice(extract_or_error, as_input(doc[0], form))


def assert_same_record_twice(extract: Callable[[Any], copydesk.Article | None], data: Any) -> None:
    """`extract` (an `*_or_error` wrapper) gives the same record, or the same error, twice."""
    first, second = extract(data), extract(data)
    assert (first is None) == (second is None)
    if first is not None:
        assert first.to_dict() == second.to_dict()


@PROPERTY
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_give_an_article_or_an_extraction_error(data: bytes):
    article = extract_or_error(data)
    if article is not None:
        article.to_dict()


@PROPERTY
@given(st.text(max_size=2048))
def test_arbitrary_text_gives_an_article_or_an_extraction_error(data: str):
    article = extract_or_error(data)
    if article is not None:
        article.to_dict()


# --- text mode ------------------------------------------------------------------------------------

# Lines of a flattened page: prose, menu words, the wording rules' own phrases, captions with credits,
# tagged headlines, odd whitespace and NULs, in any order.
TEXT_LINE_PIECES = [*WORDS, "Home", "›", "Advertisement", "READ MORE:", "[VIDEO]", "(Image: GETTY)",
                    "Please enter your comment!", "Leave a Reply", "12 comments", "©", "Share", "cookie",
                    "akismet", "\t", "\u00a0", "\u3000", "\x00", ".", "?", "…", "\U0001f600"]
text_line = st.lists(st.sampled_from(TEXT_LINE_PIECES), min_size=1, max_size=30).map(" ".join)
text_dump = st.lists(text_line, min_size=1, max_size=60).map("\n".join)


def extract_text_or_error(text: str) -> copydesk.Article | None:
    try:
        return copydesk.extract_text(text, explain=True)
    except copydesk.ExtractionError:
        return None


def dump_lines(text: str) -> set[str]:
    """The dump's lines as text mode reads them: NULs dropped, whitespace collapsed, blank lines gone."""
    return {line for raw in text.replace("\x00", "").splitlines() if (line := " ".join(raw.split()))}


@PROPERTY
@given(text_dump)
def test_text_mode_keeps_whole_lines_of_the_dump(dump: str):
    article = extract_text_or_error(dump)
    if article is None:
        return
    lines = dump_lines(dump)
    for node in article.body:
        assert node.text in lines, f"{node.text!r} is not a line of the dump"
    for removed in article.removed or []:
        assert removed.text in lines
    assert article.title is None or article.title in lines
    assert "\x00" not in article.text


@PROPERTY
@given(text_dump)
def test_text_mode_is_deterministic(dump: str):
    assert_same_record_twice(extract_text_or_error, dump)


@PROPERTY
@given(st.text(max_size=2048))
def test_arbitrary_text_gives_a_text_mode_article_or_an_extraction_error(data: str):
    article = extract_text_or_error(data)
    if article is not None:
        assert "\x00" not in article.to_dict()["text"]
