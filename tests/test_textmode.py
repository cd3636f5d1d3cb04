"""Text mode: `extract_text` on crawler text dumps, the renderer that makes its data, the WET reader,
the C4 baseline and the command line.

`fixtures/news-page-text.txt` is a copy of `../shared/examples/news-page-text.txt` (the crawler's
dump of the news page the bundled `news-page.html` was built from). Text mode must give the same
article from it as HTML mode gives from the HTML: the expected parts are read off the HTML
extraction, not written out here.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

import copydesk
from conftest import FIXTURES
from copydesk.bench.c4 import c4_filter, c4_lines
from copydesk.bench.render import label_lines, render_lines
from copydesk.cli import main
from copydesk.textmode import looks_like_html
from copydesk.textmode_features import FEATURE_NAMES, normalise_lines, page_features, rule_categories
from copydesk.wet import read_wet

NEWS_TEXT = FIXTURES / "news-page-text.txt"


@pytest.fixture(scope="module")
def text_article() -> copydesk.Article:
    return copydesk.extract_text(NEWS_TEXT.read_text(encoding="utf-8"), explain=True)


# --- the example page ---------------------------------------------------------------------------


def test_example_body_is_the_html_modes_body(text_article, news_article):
    assert [node.text for node in text_article.body] == [node.text for node in news_article.body]
    assert len(text_article.body) == 23


def test_example_title_and_section(text_article, news_article):
    assert text_article.title == news_article.title
    assert text_article.section == "U.K."
    assert text_article.breadcrumb == ["Home", "U.K."]


def test_example_captions_with_their_credits(text_article, news_article):
    assert len(text_article.images) == 6
    assert {image.credit for image in text_article.images} == {"GETTY"}
    assert [image.caption for image in text_article.images] == [image.caption for image in news_article.images]
    assert all(image.src == "" for image in text_article.images)  # a dump keeps no picture URLs


def test_example_related_links(text_article, news_article):
    assert [(link.title, link.tag) for link in text_article.related] == [
        (link.title, link.tag) for link in news_article.related
    ]
    assert [link.tag for link in text_article.related] == [None, "CONFLICT", "WARNING", "VIDEO"]


def test_example_removed_lines_carry_their_categories(text_article):
    removed = Counter(block.category for block in text_article.removed)
    assert removed == {"caption": 6, "related": 4, "advertisement": 2, "comment-form": 2, "spam-notice": 1,
                       "breadcrumb": 1}
    body = {node.text for node in text_article.body}
    assert not body & {block.text for block in text_article.removed}


def test_example_record_is_valid_against_the_schema(text_article):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    schema = json.loads((resources.files("copydesk") / "schema" / "article.schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(text_article.to_dict())), schema)


# --- general rules, on dumps the tests write ----------------------------------------------------

PROSE = [
    "The harbour wall that the winter storms broke in January was repaired by the council on Tuesday.",
    "Engineers said the work cost less than expected because the old stones could be used again.",
    "Fishing boats will be able to moor inside the harbour again from the start of next month.",
    "The council thanked residents for their patience while the quay was closed to the public.",
]


def _dump(*middle: str) -> str:
    head = ["Home", "News", "Sport", "Weather", "Home › News › Coast", "Harbour wall repaired after storms"]
    return "\n".join([*head, PROSE[0], *middle, *PROSE[1:], "Share", "Privacy Policy", "© 2024 The Gazette"])


def test_breadcrumb_with_separators_names_the_section():
    article = copydesk.extract_text(_dump(), explain=True)
    assert article.title == "Harbour wall repaired after storms"
    assert article.section == "Coast"
    assert article.breadcrumb == ["Home", "News", "Coast"]
    assert article.text == "\n\n".join(PROSE)


def test_captions_related_tags_and_ad_labels_are_removed_whatever_the_wording_around_them():
    article = copydesk.extract_text(_dump("The repaired quay at low tide (Photo: Jane Doe)", "Advertisement",
                                          "Storm season: what to expect this winter [ANALYSIS]",
                                          "Read more: Ferry timetable changes"), explain=True)
    assert article.text == "\n\n".join(PROSE)
    assert [(image.caption, image.credit) for image in article.images] == [("The repaired quay at low tide",
                                                                             "Jane Doe")]
    assert [(link.title, link.tag) for link in article.related] == [
        ("Storm season: what to expect this winter", "ANALYSIS"), ("Ferry timetable changes", None)]
    categories = {block.text: block.category for block in article.removed}
    assert categories["Advertisement"] == "advertisement"


def test_readers_comments_after_the_comment_form_are_not_the_article():
    comments = ["I walked along the quay this morning and the new stones look very good indeed, well done.",
                "It took them long enough, the storms were in January and the boats have waited for months."]
    article = copydesk.extract_text("\n".join([_dump(), "Leave a Reply", *comments]))
    assert article.text == "\n\n".join(PROSE)


def test_whitespace_and_blank_lines_do_not_matter():
    spaced = _dump().replace("\n", "\n\n").replace(" ", "  ").replace("Harbour", "\tHarbour")
    assert copydesk.extract_text(spaced).text == copydesk.extract_text(_dump()).text


def test_heuristics_alone_keep_the_prose():
    article = copydesk.extract_text(_dump(), options=copydesk.Options(use_model=False))
    assert article.text == "\n\n".join(PROSE)


def test_empty_text_is_an_input_error():
    with pytest.raises(copydesk.EmptyInputError):
        copydesk.extract_text(" \n\t\n")


def test_a_huge_dump_is_cut_to_a_bounded_number_of_lines():
    from copydesk.textmode import MAX_LINES

    article = copydesk.extract_text("\n".join([*PROSE, *(["Menu item"] * (MAX_LINES + 5000))]), explain=True)
    assert len(article.body) + len(article.removed) + (article.title is not None) == MAX_LINES


def test_a_snippet_of_two_lines_is_kept_when_it_is_prose():
    article = copydesk.extract_text(PROSE[0] + "\n" + PROSE[1])
    assert article.text == PROSE[0] + "\n\n" + PROSE[1]


def test_features_have_one_row_per_line_and_the_declared_columns():
    lines = normalise_lines(_dump())
    features = page_features(lines, {"the": 1.0, "share": -2.0})
    assert features.shape == (len(lines), len(FEATURE_NAMES))
    assert np.isfinite(features).all()
    assert page_features([], {}).shape == (0, len(FEATURE_NAMES))


def test_event_columns_count_what_stands_before_and_after_a_line():
    prose = "The minister said the harbour wall would be rebuilt by the spring, at a cost of twelve million."
    lines = ["Share", prose, prose, "Reply", prose, "Reply", "© 2024 The Paper"]
    features = page_features(lines, {})
    column = {name: features[:, i] for i, name in enumerate(FEATURE_NAMES)}
    # Calls to action: "Share" and the two "Reply"s.
    assert column["action_before"].tolist() == np.log1p([0, 1, 1, 1, 2, 2, 3]).tolist()
    assert column["action_after"].tolist() == np.log1p([2, 2, 2, 1, 1, 0, 0]).tolist()
    assert column["copyright_before"].tolist() == [0] * 7 and column["copyright_after"][0] == np.log1p(1)
    assert column["rule_before"].tolist() == np.log1p([0, 1, 1, 1, 1, 1, 1]).tolist()  # "Share", then the "©" line
    words = [line.count(" ") + 1 for line in lines]
    assert column["words_window_3"][0] == sum(words[:4]) / 7
    assert column["words_window_10"][3] == sum(words) / 21
    assert (column["lexical_window_20"] == 0).all()  # an empty lexicon knows no word
    many = page_features(["Reply"] * 1_500, {})
    assert many[:, FEATURE_NAMES.index("action_before")].max() == np.log1p(1_000)  # counted up to a cap


def test_rule_categories_read_the_wording():
    lines = ["- Advertisement -", "Please enter your comment!", "A view of the bay (Image: Getty)",
             "This site uses Akismet to reduce spam.", "An ordinary sentence about the harbour wall."]
    assert rule_categories(lines) == ["advertisement", "comment-form", "caption", "spam-notice", None]


def test_html_is_told_from_text():
    assert looks_like_html(b"<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html("  <div class='a'>text</div>")
    assert not looks_like_html(NEWS_TEXT.read_bytes())
    assert not looks_like_html("a < b and b > c, said the maths teacher.")


# --- the renderer -------------------------------------------------------------------------------


def test_render_gives_one_line_per_block_and_skips_what_is_never_shown():
    # <noscript> is shown: a crawler runs no scripts.
    html = """<html><head><title>T</title><style>p{}</style></head><body>
    <nav><a href="/">Home</a> <a href="/n">News</a></nav><script>var x = 1;</script>
    <article><h1>Headline here</h1><p>First <b>bold</b> and <a href="#">linked</a> words.</p>
    <p>Line one<br>line two</p><noscript>Enable it</noscript><template><p>hidden</p></template>
    <ul><li>Item one</li><li>Item two</li></ul></article></body></html>"""
    assert render_lines(html) == ["Home News", "Headline here", "First bold and linked words.", "Line one",
                                  "line two", "Enable it", "Item one", "Item two"]


def test_render_reads_a_thread_served_in_noscript():
    # Forum engines leave the script-run page empty and serve the thread to script-less readers.
    html = """<html><body><section id="app"></section><noscript><div><h1>Thread title</h1>
    <div class="post"><p>The first post of the thread.</p></div></div></noscript></body></html>"""
    assert render_lines(html) == ["Thread title", "The first post of the thread."]


def test_render_labels_lines_by_the_truth():
    lines = ["Home News", "Headline here", "The first paragraph of the story is long enough to align."]
    truth = "Headline here\n\nThe first paragraph of the story is long enough to align."
    assert label_lines(lines, truth).tolist() == [0, 1, 1]


# --- the C4 baseline ----------------------------------------------------------------------------


def test_c4_line_rules():
    text = "\n".join([
        "Please enter your comment!",  # ends with punctuation but has 4 words: dropped
        "This sentence has more than five words in it.",
        "A line without a final punctuation mark at all",
        "You need to enable JavaScript to run this app properly.",
        "By using this site you agree to our Privacy Policy and terms.",
        "Another proper sentence of the article is here, with a citation.[1]",
    ])
    assert c4_lines(text) == ["This sentence has more than five words in it.",
                              "Another proper sentence of the article is here, with a citation."]


def test_c4_page_rules_drop_whole_pages():
    three = "One sentence of the page is here. Two sentences of the page are here. Three are here now, yes."
    assert c4_filter(three) == three
    assert c4_filter(three + "\nfunction x() { return 1; } is code here.") == ""
    assert c4_filter("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" + three) == ""
    assert c4_filter("Only one sentence of five words here.") == ""
    assert c4_filter("Only one sentence of five words here.", page_rules=False) != ""


# --- WET input ----------------------------------------------------------------------------------


def _record(kind: str, body: str, uri: str | None = None, record_id: str = "<urn:uuid:1>") -> bytes:
    payload = body.encode("utf-8")
    headers = [f"WARC-Type: {kind}", f"WARC-Record-ID: {record_id}", "Content-Type: text/plain",
               f"Content-Length: {len(payload)}"]
    if uri:
        headers.insert(2, f"WARC-Target-URI: {uri}")
    return ("WARC/1.0\r\n" + "\r\n".join(headers) + "\r\n\r\n").encode() + payload + b"\r\n\r\n"


def test_wet_conversion_records_are_read_as_text_pages(tmp_path):
    records = [_record("warcinfo", "software: test\r\n"),
               _record("conversion", "Héllo\nworld", "https://a.example/1", "<urn:uuid:2>"),
               _record("conversion", NEWS_TEXT.read_text(encoding="utf-8"), "https://b.example/2", "<urn:uuid:3>")]
    plain = list(read_wet(io.BytesIO(b"".join(records))))
    path = tmp_path / "crawl.warc.wet.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in records))  # gzip per record, as CC writes
    assert list(read_wet(path)) == plain
    assert [(record_id, url) for record_id, url, _ in plain] == [("<urn:uuid:2>", "https://a.example/1"),
                                                                  ("<urn:uuid:3>", "https://b.example/2")]
    assert plain[0][2] == "Héllo\nworld"
    assert copydesk.extract_text(plain[1][2], url=plain[1][1]).section == "U.K."


# --- command line -------------------------------------------------------------------------------


def test_cli_reads_a_text_dump_by_itself_and_with_text(tmp_path):
    runner = CliRunner()
    detected = runner.invoke(main, ["extract", str(NEWS_TEXT), "--format", "json"], catch_exceptions=False)
    forced = runner.invoke(main, ["extract", "--text", str(NEWS_TEXT), "--format", "json"], catch_exceptions=False)
    assert detected.exit_code == forced.exit_code == 0
    record = json.loads(detected.stdout)
    assert record == json.loads(forced.stdout)
    assert record["section"] == "U.K." and len(record["images"]) == 6
    assert "Please enter your comment!" not in record["text"]


def test_cli_still_reads_html_as_html(news_article):
    from conftest import NEWS_PAGE

    result = CliRunner().invoke(main, ["extract", str(NEWS_PAGE), "--format", "json"], catch_exceptions=False)
    assert json.loads(result.stdout)["authors"] == news_article.authors  # metadata only HTML mode reads


# --- bench and training, on miniature datasets the tests write ---------------------------------


def _page_html(i: int) -> str:
    body = "".join(f"<p>{line} Page {i} adds its own words here.</p>" for line in PROSE)
    return f"<html><body><nav><a>Home</a> <a>News</a></nav><h1>Story {i}</h1>{body}<footer>© Site</footer>"


def _page_truth(i: int) -> str:
    return "\n\n".join(f"{line} Page {i} adds its own words here." for line in PROSE)


@pytest.fixture()
def tiny_data(tmp_path):
    """Both layouts of ../shared/benchmarks in miniature: aeb/ (3 pages) and wcxb/dev/ (6 pages, 6 sites)."""
    aeb = tmp_path / "aeb"
    (aeb / "html").mkdir(parents=True)
    truth = {}
    for i in range(3):
        (aeb / "html" / f"aeb{i}.html.gz").write_bytes(gzip.compress(_page_html(i).encode("utf-8")))
        truth[f"aeb{i}"] = {"articleBody": _page_truth(i), "url": f"https://news{i}.example/story"}
    (aeb / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    dev = tmp_path / "wcxb" / "dev"
    (dev / "html").mkdir(parents=True)
    (dev / "ground-truth").mkdir(parents=True)
    for i in range(6):
        page_id = f"{i + 1:04d}"
        (dev / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(_page_html(i).encode("utf-8")))
        record = {"url": f"https://site{i}.example/story",
                  "_internal": {"page_type": {"primary": "forum" if i == 5 else "article"}},
                  "ground_truth": {"main_content": _page_truth(i)}}
        (dev / "ground-truth" / f"{page_id}.json").write_text(json.dumps(record), encoding="utf-8")
    return tmp_path


def test_training_weights_weigh_a_pages_lines_against_its_body():
    from copydesk.bench.render import RenderedPage
    from copydesk.train_text import BODY_FLOOR, line_examples

    def page(lines: list[str], labels: list[int]) -> RenderedPage:
        return RenderedPage("0001", "article", None, "site.example", "", lines, np.array(labels))

    prose = "A body line long enough to weigh more than the menu items around it."
    menu = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Weather", "Contact"]
    small, large = line_examples([page([*menu, prose, *menu], [0] * 8 + [1] + [0] * 8),
                                  page(["Home", prose, prose, prose], [0, 1, 1, 1])])
    # A body under BODY_FLOOR of the page's weight is taken for that share; a larger one weighs 50 in all.
    assert small.weights.sum() == pytest.approx(50.0 / BODY_FLOOR)
    assert large.weights[1:].sum() == pytest.approx(50.0)
    assert large.weights[1] > large.weights[0]  # longer lines weigh more
    assert line_examples([page([], [])])[0].weights.size == 0


def test_text_bench_table(tiny_data, tmp_path):
    from copydesk.bench.command import bench

    out = tmp_path / "text.json"
    result = CliRunner().invoke(bench, ["--mode", "text", "--dataset", "all", "--data", str(tiny_data), "--quiet",
                                        "--json", str(out), "--cv", "0"])
    assert result.exit_code == 0, result.output
    for system in ("all lines", "C4 lines", "C4 + page rules", "**copydesk text**"):
        assert f"| aeb (3 pages) | {system} |" in result.output
        assert f"| wcxb (6 pages) | {system} |" in result.output
    assert "| aeb | text |" in result.output and "| wcxb | html |" in result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [page["id"] for page in document["datasets"]["wcxb"]["pages"]] == [f"{i:04d}" for i in range(1, 7)]
    assert "forum (n=1)" in result.output
    assert len(document["ms"]["aeb"]["text"]) == 3


def test_text_training_is_reproducible_byte_for_byte(tiny_data, tmp_path):
    from copydesk.train_text import train_text

    first, second = tmp_path / "a" / "lines.lgb", tmp_path / "b" / "lines.lgb"
    summary = train_text(tiny_data / "wcxb", first, folds=2, progress=False)
    train_text(tiny_data / "wcxb", second, folds=2, cv=False, progress=False)
    assert 0.0 <= summary["F1 all"] <= 1.0
    for suffix in (".lgb", ".json", ".lexicon.json"):
        name = "lines" + suffix
        if suffix == ".json":  # the sidecar records the CV report, which only the first run made
            assert json.loads((first.parent / name).read_text())["features"] == list(FEATURE_NAMES)
            continue
        assert (first.parent / name).read_bytes() == (second.parent / name).read_bytes()
    article = copydesk.extract_text(_dump(), options=copydesk.Options(text_model_path=str(first)))
    assert article.body  # the model trained here loads and scores


@pytest.mark.parametrize(("floor", "exit_code"), [(0.0, 0), (1.01, 1)], ids=["held", "broken"])
def test_text_bench_floor_gate(tiny_data, tmp_path, floor, exit_code):
    from copydesk.bench.command import bench

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"aeb-text": {"f1": floor}}), encoding="utf-8")
    result = CliRunner().invoke(bench, ["--mode", "text", "--dataset", "aeb", "--data", str(tiny_data / "aeb"),
                                        "--quiet", "--json", str(tmp_path / "t.json"), "--check-floors", str(floors)])
    assert result.exit_code == exit_code, result.output
    assert ("FAILED" in result.output) == (exit_code == 1)


def test_nul_characters_never_reach_the_record():
    paragraph = "The story's first paragraph says\x00 enough to be kept as body text here.\n"
    article = copydesk.extract_text("Home\nA headline for\x00 the story\n" + paragraph * 3, explain=True)
    assert "\x00" not in article.text and "\x00" not in (article.title or "")
    assert all("\x00" not in block.text for block in article.removed or [])


def test_the_characters_home_and_byline_can_start_with_are_the_ones_listed():
    import re
    import sys

    from copydesk import textmode

    every = "".join(map(chr, range(sys.maxunicode + 1)))  # lone surrogates too: a str may hold them
    for pattern, at, chars in ((textmode._HOME, 0, textmode._HOME_FIRST), (textmode._HOME, 1, textmode._HOME_SECOND),
                               (textmode._BYLINE, 0, textmode._BYLINE_FIRST)):
        words = re.fullmatch(r"\^\(([^()]+)\).*", pattern.pattern, re.S).group(1).split("|")
        assert min(map(len, words)) > at
        matched = {c for letter in {word[at] for word in words} for c in re.findall(letter, every, pattern.flags)}
        assert matched == chars
