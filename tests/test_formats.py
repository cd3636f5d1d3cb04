"""The output formats: the JSON record against its published schema, Markdown front matter, safe HTML."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml

import copydesk
from conftest import NEWS_PAGE
from copydesk.formats import render, to_html, to_markdown

SCHEMA = json.loads((resources.files("copydesk") / "schema" / "article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def test_records_validate_against_the_schema(validator, news_article, forum_article, product_article, docs_article):
    bare = copydesk.extract("<html><body><p>Only a line.</p></body></html>")
    for article in (news_article, forum_article, product_article, docs_article, bare):
        record = json.loads(render(article, "json"))
        errors = [error.message for error in validator.iter_errors(record)]
        assert errors == []


def test_schema_rejects_what_the_record_must_not_be(validator):
    record = json.loads(render(copydesk.extract("<html><body><p>Text.</p></body></html>"), "json"))
    assert validator.is_valid(record)
    for broken in ({**record, "published": "4 Jan 2020"}, {**record, "authors": "Ann"},
                   {**record, "schema_version": "0.1"}, {**record, "extra": 1}):
        assert not validator.is_valid(broken)
    del record["title"]
    assert not validator.is_valid(record)


def test_schema_version_is_in_the_record(news_article):
    assert news_article.to_dict()["schema_version"] == SCHEMA["properties"]["schema_version"]["const"]


def test_markdown_front_matter_is_yaml_with_the_metadata(news_article):
    text = to_markdown(news_article)
    assert text.startswith("---\n")
    front, rest = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert meta["title"] == news_article.title
    assert meta["authors"] == ["Staff Reporter"]
    assert meta["published"] == "2020-01-04T11:32:10+00:00"  # quoted: stays a string, not a timestamp
    assert meta["section"] == "U.K."
    assert "url" not in meta  # none was given: empty fields are left out
    assert rest.lstrip("\n").startswith("# " + news_article.title + "\n\n" + news_article.body[0].markdown)


def test_markdown_without_metadata_has_no_front_matter():
    assert not to_markdown(copydesk.extract("<html><body><p>Only a line of text.</p></body></html>")).startswith("---")


HOSTILE = """<html><body><article>
<h2 onclick="steal()">Safe <em>heading</em></h2>
<p style="color:red">Fish &amp; chips cost &lt;5 &gt; 3 "quoted" text for everyone in the town today, said the owner.
<a href="javascript:alert(1)">bad link</a> and <a href="https://ok.test/a?b=1&c=2">good link</a> and
<img src=x onerror=alert(1)> more words to make this a real paragraph of content.</p>
<script>alert("x")</script><style>p{}</style>
<ul><li>first &lt;script&gt; item</li><li>second item here</li></ul>
<pre><code>if (a < b) { run(); }</code></pre>
<p>Another paragraph with enough words that the extractor keeps it as part of the article body.</p>
</article></body></html>"""


def test_html_is_safe_and_keeps_structure():
    article = copydesk.extract(HOSTILE, options=copydesk.Options(use_model=False))
    html = to_html(article)
    lowered = html.lower()
    for unsafe in ("<script", "onclick", "onerror", "style", "javascript:", "<img", "<em"):
        assert unsafe not in lowered
    assert "Fish &amp; chips cost &lt;5 &gt; 3" in html
    assert '<a href="https://ok.test/a?b=1&amp;c=2">good link</a>' in html
    assert "<li>first &lt;script&gt; item</li>" in html
    assert "<pre><code>if (a &lt; b) { run(); }</code></pre>" in html
    assert html.startswith("<h2>Safe heading</h2>")


def test_html_tags_are_only_the_allowed_ones(news_article):
    import re

    tags = set(re.findall(r"</?([a-z0-9]+)", to_html(news_article)))
    assert tags <= {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "tr", "td", "pre", "code",
                    "blockquote", "a"}
    assert {"p", "blockquote", "a"} <= tags


def test_cli_html_format(tmp_path):
    from click.testing import CliRunner

    from copydesk.cli import main

    source = tmp_path / "page.html"
    source.write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(source), "--format", "html"])
    assert result.exit_code == 0
    assert "<p>" in result.output and "<script" not in result.output


def test_explained_records_validate_against_the_schema(validator, fixtures_dir):
    for page in (NEWS_PAGE, fixtures_dir / "forum-thread.html", fixtures_dir / "product-page.html"):
        record = json.loads(render(copydesk.extract(page.read_bytes(), explain=True), "json"))
        assert record["removed"], page
        assert [error.message for error in validator.iter_errors(record)] == []


def test_xml_is_well_formed_and_holds_the_record(news_article):
    from xml.etree import ElementTree

    root = ElementTree.fromstring(render(news_article, "xml"))
    assert root.tag == "article"
    assert root.findtext("title") == news_article.title
    assert root.findtext("section") == "U.K."
    assert [a.text for a in root.iter("author")] == news_article.authors
    paragraphs = ["".join(p.itertext()) for p in root.find("body").iter("p")]
    assert paragraphs[0] == news_article.body[0].text
    images = root.find("images").findall("image")
    assert len(images) == len(news_article.images) and images[0].get("credit") == "GETTY"
    assert [link.get("url") for link in root.find("related")] == [r.url for r in news_article.related]


def test_xml_survives_control_characters_and_markup_in_the_text():
    from xml.etree import ElementTree

    page = ("<html><head><title>A &lt;b&gt; \x01 title</title></head><body><article><p>"
            + "Text with \x0b a control character & an <em>ampersand</em>, long enough to be a paragraph. " * 3
            + "</p></article></body></html>")
    root = ElementTree.fromstring(render(copydesk.extract(page), "xml"))
    assert "&" in "".join(root.find("body").itertext())
    assert "<b>" in (root.findtext("title") or "")
