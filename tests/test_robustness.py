"""The pathological corpus: every input gives an `Article` or a documented `ExtractionError`, in bounded
time and memory. The time bounds are hang guards (a stuck parse takes minutes), not speed targets."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import copydesk
import pathological
from copydesk.blocks import LINE_BREAK, MARKDOWN_ONLY
from copydesk.nesting import MAX_DEPTH, SCAN_MIN_TAGS, cap_depth
from pathological import CASES, Case

FUZZ_FIXTURES = Path(__file__).parent / "fixtures" / "fuzz"
ERRORS = (copydesk.EmptyInputError, copydesk.NotHTMLError, copydesk.DecodeError)


def extract_timed(data: bytes | str, **kwargs) -> tuple[copydesk.Article | copydesk.ExtractionError, float]:
    start = time.perf_counter()
    try:
        result = copydesk.extract(data, **kwargs)
    except copydesk.ExtractionError as exc:
        result = exc
    return result, time.perf_counter() - start


def assert_clean(article: copydesk.Article) -> None:
    """What any record must satisfy, however odd the page: it renders, and no internal marker leaks."""
    data = article.to_dict()
    for text in (data["text"], data["markdown"], article.title or ""):
        assert "\x00" not in text
        assert LINE_BREAK not in text
        assert MARKDOWN_ONLY not in text


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_pathological_input(case: Case):
    result, elapsed = extract_timed(case.build())
    assert elapsed < case.seconds, f"{case.name} took {elapsed:.1f} s"
    assert type(result) is case.expect, f"{case.name}: {result!r}"
    if isinstance(result, copydesk.ExtractionError):
        message = str(result)
        assert message and "\n" not in message
        return
    assert_clean(result)
    for expected in case.contains:
        assert expected in result.text


def test_every_error_class_is_documented_and_public():
    for error in ERRORS:
        assert issubclass(error, copydesk.ExtractionError)
        assert error.__doc__ and error.reason
        assert getattr(copydesk, error.__name__) is error


# --- depth -----------------------------------------------------------------------------------------


def test_deep_nesting_is_flattened_beyond_the_cap_and_keeps_its_text():
    depth = MAX_DEPTH + 3000
    markup = "<body>" + "<div><p>x</p>" * depth + "end" + "</div>" * depth
    capped = cap_depth(markup)
    assert capped.count("<div>") == MAX_DEPTH
    assert capped.count("</div>") == MAX_DEPTH
    assert capped.count("<p>x</p>") == depth


def test_shallow_markup_is_left_alone():
    markup = "<div><p>a</p></div>" * SCAN_MIN_TAGS
    assert cap_depth(markup) is markup
    assert cap_depth("<div>" * 100) == "<div>" * 100


def test_tags_inside_scripts_and_comments_are_not_counted():
    fake = "<div>" * (MAX_DEPTH + 10)
    markup = f"<script>var s = '{fake}';</script><!-- {fake} --><div>real</div>" + "<br>" * SCAN_MIN_TAGS
    assert cap_depth(markup) is markup


def test_closing_an_ancestor_closes_the_excess_inside_it():
    markup = "<section>" + "<div>" * (MAX_DEPTH + 5) + "</section>" + "<div>after</div>" * SCAN_MIN_TAGS
    capped = cap_depth(markup)
    assert capped.count("<div>") == MAX_DEPTH - 1 + SCAN_MIN_TAGS
    assert capped.endswith("<div>after</div>")


def test_a_deep_page_with_real_content_still_yields_its_article():
    article = copydesk.extract("<body>" + "<div>" * 50_000 + pathological.page(pathological.WESTERN))
    assert pathological.WESTERN in article.text


# --- size ------------------------------------------------------------------------------------------

_BIG_PAGE_SCRIPT = """
import time
import copydesk, pathological
from copydesk.bench.speed import own_peak_rss
data = pathological.big_page()
start = time.perf_counter()
article = copydesk.extract(data)
elapsed = time.perf_counter() - start
print(elapsed, own_peak_rss(), len(article.text), pathological.WESTERN in article.text)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child's own peak RSS is read from /proc")
def test_50_mb_page_in_bounded_time_and_memory():
    # A fresh process, so the peak RSS is this page's alone (the 50 MB input included). Read from /proc, as
    # getrusage's ru_maxrss would carry over the pytest process's own peak through fork and exec.
    paths = [str(Path(copydesk.__file__).parents[1]), str(Path(__file__).parent)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run([sys.executable, "-c", _BIG_PAGE_SCRIPT], env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    elapsed, peak, chars, has_text = done.stdout.split()
    assert float(elapsed) < 90
    assert int(peak) < 1024**3, f"peak RSS {int(peak) >> 20} MB"
    assert has_text == "True" and int(chars) > 1_000_000


def test_input_beyond_max_input_bytes_is_cut_not_refused():
    options = copydesk.Options(max_input_bytes=64 * 1024)
    data = pathological.big_page(1024 * 1024)
    article = copydesk.extract(data, options=options)
    assert pathological.WESTERN in article.text
    assert len(article.text) < 64 * 1024
    assert copydesk.DEFAULT_OPTIONS.max_input_bytes == 16 * 1024 * 1024


def test_gzip_bomb_is_unpacked_only_up_to_the_cap():
    bomb = pathological.gzip_bomb()
    result, elapsed = extract_timed(bomb, options=copydesk.Options(max_input_bytes=2 * 1024 * 1024))
    assert isinstance(result, copydesk.Article)
    assert elapsed < 10


def test_cli_file_reader_caps_a_gzip_bomb(tmp_path):
    from copydesk.parse import read_gzip_or_plain

    path = tmp_path / "bomb.html.gz"
    path.write_bytes(pathological.gzip_bomb())
    assert len(read_gzip_or_plain(str(path))) == copydesk.DEFAULT_OPTIONS.max_input_bytes
    path.write_bytes(pathological.truncated_gzip())
    with pytest.raises(copydesk.DecodeError, match="bomb.html.gz: truncated gzip"):
        read_gzip_or_plain(str(path))


# --- fuzzer findings -------------------------------------------------------------------------------


def _fuzz_fixtures() -> list[Path]:
    return sorted(path for path in FUZZ_FIXTURES.iterdir() if path.is_file() and path.name != "README.md")


@pytest.mark.parametrize("path", _fuzz_fixtures(), ids=lambda path: path.name)
def test_fuzz_finding_stays_fixed(path: Path):
    data = path.read_bytes()
    for html in (data, data.decode("utf-8", "replace")):
        result, elapsed = extract_timed(html)
        assert elapsed < 10
        if isinstance(result, copydesk.Article):
            assert_clean(result)


@pytest.mark.parametrize("path", _fuzz_fixtures(), ids=lambda path: path.name)
def test_fuzz_finding_stays_fixed_in_text_mode(path: Path):
    # fuzz/fuzz_extract_text.py reads its inputs as UTF-8 and as Latin-1 (one-byte and wide strings).
    data = path.read_bytes()
    for text in (data.decode("utf-8", "replace"), data.decode("latin-1")):
        start = time.perf_counter()
        with contextlib.suppress(copydesk.ExtractionError):
            assert_clean(copydesk.extract_text(text, explain=True))
        assert time.perf_counter() - start < 10
