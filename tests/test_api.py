"""The public API: `extract`, the `Article` record and its formats, and the errors."""

from __future__ import annotations

import gzip
import json

import pytest

import copydesk
from conftest import NEWS_PAGE
from copydesk import Article, BodyNode, DecodeError, EmptyInputError, ExtractionError, NotHTMLError

# A small page with one of each structure, inside the usual chrome.
SMALL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>How to brew better tea at home | The Kettle Blog</title></head>
<body>
<header class="site-header">
  <a class="logo" href="/">The Kettle Blog</a>
  <nav class="main-nav"><ul>
    <li><a href="/">Home</a></li><li><a href="/guides/">Guides</a></li>
    <li><a href="/reviews/">Reviews</a></li>
    <li><a href="/shop/">Shop</a></li><li><a href="/about/">About</a></li>
  </ul></nav>
</header>
<main>
<article class="post">
  <h1>How to brew better tea at home</h1>
  <p>Good tea needs <a href="/guides/water/">fresh, soft water</a> and a little patience.
  Most of the bitterness people complain about comes from water that is too hot
  or leaves left in too long.</p>
  <h2>What you need</h2>
  <ul>
    <li>Loose-leaf tea</li>
    <li>A kettle with a temperature setting</li>
    <li>A timer</li>
  </ul>
  <h2>Steps</h2>
  <ol>
    <li>Heat the water to 80 °C for green tea or 95 °C for black tea.</li>
    <li>Steep for two to four minutes.</li>
    <li>Remove the leaves and serve.</li>
  </ol>
  <blockquote><p>Tea is nought but this: first you heat the water, then you make the tea.</p></blockquote>
  <p>For more detail, read our
  <a href="https://www.kettleblog.example/guides/temperature/">temperature guide</a>.</p>
</article>
</main>
<aside class="sidebar"><h3>Popular posts</h3><ul>
  <li><a href="/p/1">The ten best teapots of the year</a></li>
  <li><a href="/p/2">Why matcha costs so much</a></li>
</ul></aside>
<footer class="site-footer"><p>&copy; 2024 The Kettle Blog. All rights reserved.</p>
  <ul><li><a href="/privacy/">Privacy</a></li><li><a href="/contact/">Contact</a></li></ul></footer>
</body>
</html>
"""
SMALL_TITLE = "How to brew better tea at home"
SMALL_URL = "https://www.kettleblog.example/guides/better-tea/"
# The body as plain text, block by block (the headline may lead it).
SMALL_BLOCKS = [
    "Good tea needs fresh, soft water and a little patience. Most of the bitterness people complain about "
    "comes from water that is too hot or leaves left in too long.",
    "What you need",
    "Loose-leaf tea\nA kettle with a temperature setting\nA timer",
    "Steps",
    "Heat the water to 80 °C for green tea or 95 °C for black tea.\nSteep for two to four minutes.\n"
    "Remove the leaves and serve.",
    "Tea is nought but this: first you heat the water, then you make the tea.",
    "For more detail, read our temperature guide.",
]


@pytest.fixture(scope="module")
def small() -> Article:
    return copydesk.extract(SMALL_PAGE, url=SMALL_URL)


def _body_blocks(article: Article) -> list[str]:
    blocks = article.text.split("\n\n")
    return blocks[1:] if blocks and blocks[0] == article.title else blocks


def test_extract_returns_an_article(small):
    assert isinstance(small, Article)
    assert all(isinstance(node, BodyNode) for node in small.body)
    assert small.title == SMALL_TITLE
    assert small.url == SMALL_URL


def test_text_blocks_separated_by_blank_lines(small):
    assert _body_blocks(small) == SMALL_BLOCKS


def test_text_has_no_markup(small):
    text = small.text
    assert "<" not in text and ">" not in text
    assert "](" not in text and "**" not in text
    assert not any(line.startswith(("#", "- ", "> ", "1. ")) for line in text.splitlines())
    assert "\n\n\n" not in text
    assert text == text.strip()


def test_text_leaves_out_the_chrome(small):
    chrome = ("The Kettle Blog", "Popular posts", "The ten best teapots", "All rights reserved", "Privacy")
    for noise in chrome:
        assert noise not in small.text
    assert not {"Home", "Guides", "Reviews", "Shop", "About"} & set(small.text.splitlines())


def test_body_node_kinds_and_levels(small):
    nodes = [node for node in small.body if not (node.kind == "heading" and node.level == 1)]
    kinds = ["paragraph", "heading", "list", "heading", "list", "quote", "paragraph"]
    assert [node.kind for node in nodes] == kinds
    assert [node.level for node in nodes if node.kind == "heading"] == [2, 2]
    assert [node.ordered for node in nodes if node.kind == "list"] == [False, True]
    assert all(node.text and node.markdown for node in nodes)


def test_markdown_structure(small):
    lines = small.markdown.splitlines()
    assert "## What you need" in lines
    assert "## Steps" in lines
    assert "- Loose-leaf tea" in lines
    assert "- A kettle with a temperature setting" in lines
    assert "1. Heat the water to 80 °C for green tea or 95 °C for black tea." in lines
    assert "3. Remove the leaves and serve." in lines
    assert "> Tea is nought but this: first you heat the water, then you make the tea." in lines


def test_markdown_keeps_links_resolved_against_url(small):
    md = small.markdown
    assert "[fresh, soft water](https://www.kettleblog.example/guides/water/)" in md
    assert "[temperature guide](https://www.kettleblog.example/guides/temperature/)" in md


def test_markdown_keeps_relative_links_without_url():
    md = copydesk.extract(SMALL_PAGE).markdown
    assert "[fresh, soft water](/guides/water/)" in md


def test_markdown_blocks_separated_by_blank_lines(small):
    blocks = small.markdown.split("\n\n")
    assert "- Loose-leaf tea\n- A kettle with a temperature setting\n- A timer" in blocks
    assert "## What you need" in blocks


def test_to_dict_is_json_ready(small):
    data = small.to_dict()
    restored = json.loads(json.dumps(data, ensure_ascii=False))
    assert restored == data
    assert data["title"] == SMALL_TITLE
    assert data["text"] == small.text
    assert data["url"] == SMALL_URL
    assert isinstance(data["body"], list) and len(data["body"]) == len(small.body)
    assert all(isinstance(node["kind"], str) and isinstance(node["text"], str) for node in data["body"])


def test_to_dict_of_the_news_fixture_is_json_ready(news_article):
    data = json.loads(json.dumps(news_article.to_dict()))
    assert data["title"] == news_article.title
    assert data["text"] == news_article.text


def test_str_and_bytes_give_the_same_text(small):
    from_bytes = copydesk.extract(SMALL_PAGE.encode("utf-8"), url=SMALL_URL)
    assert from_bytes.text == small.text
    assert from_bytes.markdown == small.markdown
    assert from_bytes.title == small.title


def test_str_and_bytes_give_the_same_record_for_the_news_fixture(fixtures_dir):
    raw = NEWS_PAGE.read_bytes()
    assert copydesk.extract(raw.decode("utf-8")).to_dict() == copydesk.extract(raw).to_dict()


def test_plain_text_without_markup_is_accepted():
    article = copydesk.extract("Just one sentence of plain text, with no markup at all, is still a page.")
    assert article.text == "Just one sentence of plain text, with no markup at all, is still a page."


def test_page_without_content_gives_an_empty_record():
    article = copydesk.extract("<html><head><title>Nothing here</title></head><body></body></html>")
    assert article.text == ""
    assert article.body == []


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"], ids=["empty", "whitespace"])
def test_empty_bytes_raise_empty_input_error(data):
    with pytest.raises(EmptyInputError) as info:
        copydesk.extract(data)
    assert isinstance(info.value, ExtractionError)
    assert str(info.value) and "\n" not in str(info.value)


def test_error_hierarchy():
    for error in (EmptyInputError, NotHTMLError, DecodeError):
        assert issubclass(error, ExtractionError)
    assert issubclass(ExtractionError, Exception)


BINARY_TAIL = bytes(range(256)) * 4
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + BINARY_TAIL
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + BINARY_TAIL


@pytest.mark.parametrize("data", [PNG, PDF], ids=["png", "pdf"])
def test_binary_input_raises_not_html_error(data):
    with pytest.raises(NotHTMLError):
        copydesk.extract(data)


@pytest.mark.parametrize(
    "data",
    [b"\x1f\x8b\x08\x00garbage that is not deflate data" * 4, gzip.compress(SMALL_PAGE.encode())[:-30]],
    ids=["corrupt", "truncated"],
)
def test_bad_gzip_raises_decode_error(data):
    with pytest.raises(DecodeError):
        copydesk.extract(data)


def test_gzip_bytes_are_unpacked(small):
    article = copydesk.extract(gzip.compress(SMALL_PAGE.encode("utf-8")), url=SMALL_URL)
    assert article.text == small.text
