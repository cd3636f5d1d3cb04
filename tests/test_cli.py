"""The `copydesk extract` command, run in-process with click's CliRunner."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from conftest import NEWS_PAGE
from copydesk.cli import main

NEWS_HEADLINE = "SAS bid to assassinate Iran’s Qasem Soleimani ‘blocked’ by David Miliband in 2007"
NEWS_FIRST = (
    "Soleimani was killed by a US airstrike near Baghdad airport on Friday morning. The strike was ordered "
    "by President Donald Trump following an attack on the American embassy."
)
NEWS_LAST = (
    "“US citizens should depart via airline while possible, and failing that, to other countries via land.”"
)
NEWS_NOISE = (
    "Advertisement",
    "(Image: GETTY)",
    "READ MORE",
    "[CONFLICT]",
    "Please enter your comment!",
    "Akismet",
)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def news_path(fixtures_dir) -> str:
    return str(NEWS_PAGE)


def run(runner: CliRunner, *args: str, input: bytes | None = None):
    return runner.invoke(main, ["extract", *args], input=input, catch_exceptions=False)


def test_text_format_is_the_default(runner, news_path):
    result = run(runner, news_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert NEWS_FIRST in result.stdout and NEWS_LAST in result.stdout
    for noise in NEWS_NOISE:
        assert noise not in result.stdout
    assert run(runner, news_path, "--format", "text").stdout == result.stdout


def test_json_format(runner, news_path):
    result = run(runner, news_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == NEWS_HEADLINE
    assert NEWS_FIRST in record["text"] and NEWS_LAST in record["text"]
    for noise in NEWS_NOISE:
        assert noise not in record["text"]


def test_json_format_keeps_non_ascii_readable(runner, news_path):
    result = run(runner, news_path, "--format", "json")
    assert "’" in result.stdout and "\\u2019" not in result.stdout


def test_markdown_format(runner, news_path):
    result = run(runner, news_path, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "---"  # the metadata's front matter comes first, the headline right after it
    assert lines[lines.index("---", 1) + 2] == "# " + NEWS_HEADLINE
    assert "> " + NEWS_LAST in lines
    assert "[President Donald Trump](https://www.dailyledger.example/tag/donald-trump/)" in result.stdout
    assert sum(line == "# " + NEWS_HEADLINE for line in lines) == 1  # the headline is not repeated


def test_url_option_resolves_relative_links(runner, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>Notes</h1><p>The full schedule is on the "
        "<a href='../events/'>events page</a>, "
        "which is updated every Monday morning by the club secretary.</p></article></body></html>",
        encoding="utf-8",
    )
    result = run(runner, str(page), "--url", "https://club.example/news/notes/", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "[events page](https://club.example/news/events/)" in result.stdout


def test_gzipped_input(runner, news_path, tmp_path):
    gz = tmp_path / "news-page.html.gz"
    with open(news_path, "rb") as handle:
        gz.write_bytes(gzip.compress(handle.read()))
    result = run(runner, str(gz), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run(runner, news_path, "--format", "json").stdout


def test_stdin(runner, news_path):
    with open(news_path, "rb") as handle:
        data = handle.read()
    result = run(runner, "-", input=data)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run(runner, news_path).stdout


def test_gzipped_stdin(runner, news_path):
    with open(news_path, "rb") as handle:
        data = gzip.compress(handle.read())
    result = run(runner, "-", "--format", "json", input=data)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"] == NEWS_HEADLINE


def test_output_file(runner, news_path, tmp_path):
    out = tmp_path / "article.md"
    result = run(runner, news_path, "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = out.read_text(encoding="utf-8")
    assert written == run(runner, news_path, "--format", "markdown").stdout
    assert written.startswith("---\ntitle: ") and "\n# " + NEWS_HEADLINE + "\n" in written


def test_several_pages_as_json_lines(runner, news_path, tmp_path):
    other = tmp_path / "other.html"
    other.write_text(
        "<html><head><title>Second page</title></head><body><article><h1>Second page</h1>"
        "<p>A second page with one paragraph of text that is long enough to count as the content of the "
        "page.</p></article></body></html>",
        encoding="utf-8",
    )
    result = run(runner, news_path, str(other), "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["title"] for record in records] == [NEWS_HEADLINE, "Second page"]


def _assert_one_line_error(result, path: str) -> None:
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert path in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file(runner, tmp_path):
    missing = str(tmp_path / "no-such-page.html")
    result = run(runner, missing)
    _assert_one_line_error(result, missing)


def test_directory_instead_of_file(runner, tmp_path):
    result = run(runner, str(tmp_path))
    _assert_one_line_error(result, str(tmp_path))


def test_corrupt_gzip_file(runner, tmp_path):
    bad = tmp_path / "broken.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00" + b"this is not deflate data" * 10)
    result = run(runner, str(bad))
    _assert_one_line_error(result, str(bad))


def test_empty_file(runner, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run(runner, str(empty))
    _assert_one_line_error(result, str(empty))


def test_one_missing_file_among_good_ones(runner, news_path, tmp_path):
    missing = str(tmp_path / "gone.html")
    result = run(runner, news_path, missing, "--format", "json")
    assert result.exit_code != 0
    assert json.loads(result.stdout.splitlines()[0])["title"] == NEWS_HEADLINE
    assert missing in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_is_rejected(runner, news_path):
    result = runner.invoke(main, ["extract", news_path, "--format", "docx"])
    assert result.exit_code != 0
    assert "docx" in result.stderr


def test_explain_lists_removed_blocks_in_json(runner_output_json):
    record = runner_output_json(["--explain"])
    categories = {block["category"] for block in record["removed"]}
    assert {"advertisement", "comment-form", "spam-notice", "caption"} <= categories


def test_without_explain_no_removed_list(runner_output_json):
    assert runner_output_json([])["removed"] is None


@pytest.fixture
def runner_output_json():
    def run(extra: list[str]) -> dict:
        result = CliRunner().invoke(main, ["extract", str(NEWS_PAGE), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run
