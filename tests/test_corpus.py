"""`copydesk corpus`: one row per input record, whatever the input and whatever a page does to a worker."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import copydesk
from copydesk.corpus import CorpusSettings, Filters, run
from copydesk.corpus.output import OutputMismatch
from copydesk.corpus.warcfile import WarcWriter
from copydesk.corpus.work import TEXT_MODE_MISSING, text_mode_extractor
from copydesk.options import Options
from corpus_pages import article_html, distinct_paragraphs

TESTS = Path(__file__).parent


def _settings(**changes: object) -> CorpusSettings:
    base = {"workers": 2, "progress": False, "options": Options(metadata=True)}
    return CorpusSettings(**{**base, **changes})  # type: ignore[arg-type]


def _rows(out: Path) -> list[dict]:
    parts = sorted(out.glob("part-*.parquet"))
    if parts:
        return [row for part in parts for row in pq.read_table(part).to_pylist()]
    return [json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.open()]


def _build_warc(path: Path, pages: int, marker_pages: dict[int, str] | None = None) -> dict[str, str]:
    """A Common Crawl-like WARC: warcinfo, request+response pairs, an image, a redirect, a WET record.
    Returns each record id with what its row's status must be."""
    expected = {}
    with path.open("wb") as stream:
        warc = WarcWriter(stream)
        expected[warc.warcinfo()] = "skipped"
        for number in range(pages):
            url = f"http://site{number % 3}.test/story/{number}"
            expected[warc.request(url)] = "skipped"
            marker = (marker_pages or {}).get(number, "")
            expected[warc.response(url, article_html(number, marker=marker).encode())] = "ok"
        expected[warc.response("http://site0.test/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), mime="image/png")] = (
            "skipped")
        expected[warc.response("http://site0.test/old", b"", status=301)] = "skipped"
        expected[warc.conversion("http://site0.test/story/0", "The text of a page, as a WET file holds it.")] = (
            "ok" if text_mode_extractor() else "skipped")
    return expected


def test_every_input_kind_gives_one_row_per_record(tmp_path):
    expected = _build_warc(tmp_path / "crawl.warc.gz", pages=12)
    folder = tmp_path / "pages" / "deeper"
    folder.mkdir(parents=True)
    (folder / "a.html").write_text(article_html(100))
    (folder / "b.html.gz").write_bytes(gzip.compress(article_html(101).encode()))
    (folder / "notes.txt").write_text("not a page: not an input record")
    expected[str(folder / "a.html")] = expected[str(folder / "b.html.gz")] = "ok"
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_text(json.dumps({"id": "j-1", "url": "http://j.test/1", "html": article_html(102)}) + "\n"
                     + "{broken json\n" + json.dumps({"id": "j-3", "title": "no page"}) + "\n")
    expected.update({"j-1": "ok", f"{jsonl}:2": "error", "j-3": "skipped"})

    summary = run([str(tmp_path / "crawl.warc.gz"), str(tmp_path / "pages"), str(jsonl)], tmp_path / "out",
                  _settings())

    rows = _rows(tmp_path / "out")
    assert Counter(row["record_id"] for row in rows) == Counter(list(expected))  # each record exactly once
    assert {row["record_id"]: row["status"] for row in rows} == expected
    assert summary.rows == len(expected) and (tmp_path / "out" / "_SUCCESS.json").exists()
    by_reason = Counter(row["reason"] for row in rows if row["status"] == "skipped")
    assert by_reason["request record"] == 12 and by_reason["not HTML: image/png"] == 1
    assert by_reason["HTTP status 301"] == 1 and by_reason["warcinfo record"] == 1
    if not text_mode_extractor():
        assert by_reason[TEXT_MODE_MISSING] == 1
    story = next(row for row in rows if row["url"] == "http://site1.test/story/4" and row["status"] == "ok")
    assert story["title"].startswith("Story number 4") and story["chars"] == len(story["text"]) > 300
    assert story["body"][0]["kind"] in ("heading", "paragraph") and story["language"] == "en"
    assert all(row["error"] for row in rows if row["status"] == "error")


def test_jsonl_output_and_filters(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(4):
        (pages / f"long{number}.html").write_text(article_html(number, paragraphs=8))
    (pages / "short.html").write_text(article_html(9, paragraphs=1))
    (pages / "german.html").write_text(
        "<html lang='de'><body><article><h1>Nachrichten</h1>" + "<p>Der Gemeinderat hat am Dienstag beschlossen, "
        "die Bibliothek länger zu öffnen, und die Bürger begrüßen die Entscheidung sehr.</p>" * 6
        + "</article></body></html>")
    settings = _settings(format="jsonl", filters=Filters(languages=("en",), min_chars=600), chunk_pages=1,
                         recycle_pages=2)

    summary = run([str(pages)], tmp_path / "out.jsonl", settings)

    assert len(summary.worker_peak_rss) >= 3  # workers retired after 2 pages each, and their stand-ins

    rows = {Path(row["record_id"]).name: row for row in _rows(tmp_path / "out.jsonl")}
    assert len(rows) == 6 and all(rows[f"long{n}.html"]["status"] == "ok" for n in range(4))
    assert rows["german.html"]["status"] == "skipped" and rows["german.html"]["reason"] == "filtered: language de"
    assert rows["short.html"]["status"] == "skipped" and rows["short.html"]["reason"].startswith("filtered: body of")
    assert set(rows["long0.html"]) >= {"record_id", "url", "status", "reason", "error", "title", "text", "body"}


def test_page_type_and_confidence_filters(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "story.html").write_text(article_html(1, paragraphs=8))
    run([str(pages)], tmp_path / "types", _settings(workers=1, filters=Filters(page_types=("forum",))))
    run([str(pages)], tmp_path / "sure", _settings(workers=1, filters=Filters(min_confidence=1.01)))
    (by_type,), (by_confidence,) = _rows(tmp_path / "types"), _rows(tmp_path / "sure")
    assert by_type["status"] == "skipped" and by_type["reason"] == f"filtered: page type {by_type['page_type']}"
    assert by_confidence["status"] == "skipped" and by_confidence["reason"].startswith("filtered: confidence")


def test_a_hanging_page_and_a_crashing_page_cost_one_error_row_each(tmp_path):
    expected = _build_warc(tmp_path / "crawl.warc.gz", pages=10, marker_pages={3: "HANG-HERE", 6: "CRASH-HERE"})
    settings = _settings(timeout=2.0, chunk_pages=4, extractor="corpus_pages:misbehaving")

    summary = run([str(tmp_path / "crawl.warc.gz")], tmp_path / "out", settings)

    rows = _rows(tmp_path / "out")
    assert Counter(row["record_id"] for row in rows) == Counter(list(expected))
    by_url = {row["url"]: row for row in rows if row["url"] and "/story/" in row["url"] and row["reason"] is None}
    assert by_url["http://site0.test/story/3"]["status"] == "error"
    assert by_url["http://site0.test/story/3"]["error"] == "timed out after 2 s"
    assert by_url["http://site0.test/story/6"]["status"] == "error"
    assert by_url["http://site0.test/story/6"]["error"].startswith("worker died (exit code 3)")
    # The pages queued behind them in the same chunk went to the fresh workers and were extracted.
    assert [n for n in range(10) if by_url[f"http://site{n % 3}.test/story/{n}"]["status"] == "ok"] == [
        0, 1, 2, 4, 5, 7, 8, 9]
    assert summary.workers_replaced == 2


def _corpus_command(inputs: list[Path], out: Path) -> list[str]:
    return [sys.executable, "-m", "copydesk", "corpus", *map(str, inputs), "-o", str(out), "--workers", "2",
            "--part-rows", "8", "--extractor", "corpus_pages:slow", "--quiet"]


def test_kill_9_then_the_same_command_resumes_with_each_record_once(tmp_path):
    expected = _build_warc(tmp_path / "crawl.warc.gz", pages=60)
    out = tmp_path / "out"
    command = _corpus_command([tmp_path / "crawl.warc.gz"], out)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    first = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        while len(list(out.glob("part-*.parquet"))) < 3 and first.poll() is None:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait()
    assert not (out / "_SUCCESS.json").exists(), "the run ended before it could be killed"
    kept = {part.name: part.read_bytes() for part in out.glob("part-*.parquet")}
    assert len(kept) >= 3

    subprocess.run(command, env=env, check=True, timeout=300)

    rows = _rows(out)
    assert Counter(row["record_id"] for row in rows) == Counter(list(expected))
    assert {row["record_id"]: row["status"] for row in rows} == expected
    assert all((out / name).read_bytes() == data for name, data in kept.items())  # resumed, not redone
    summary = json.loads((out / "_SUCCESS.json").read_text())
    assert summary["resumed"] == sum(len(pq.read_table(out / name).to_pylist()) for name in kept)
    assert not list(out.glob("*.tmp"))


def test_a_different_run_into_the_same_folder_is_refused(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(article_html(1))
    run([str(pages)], tmp_path / "out", _settings(workers=1))
    with pytest.raises(OutputMismatch):
        run([str(pages)], tmp_path / "out", _settings(workers=1, filters=Filters(min_chars=10)))


def test_dedup_puts_a_syndicated_story_in_one_cluster(tmp_path):
    story = distinct_paragraphs(7)
    pages = tmp_path / "pages"
    pages.mkdir()
    # The same story on three sites, each with its own chrome and a line of its own; three unrelated stories.
    for site in range(3):
        body = [*story, f"This story first appeared in the national edition and was shared by site {site}."]
        (pages / f"copy{site}.html").write_text(article_html(50 + site, body=body, chrome=f"Site {site} news"))
    for number in range(3):
        (pages / f"other{number}.html").write_text(article_html(200 + number, body=distinct_paragraphs(number)))

    summary = run([str(pages)], tmp_path / "out", _settings(dedup=True))

    rows = {Path(row["record_id"]).stem: row for row in _rows(tmp_path / "out")}
    copies = [rows[f"copy{site}"] for site in range(3)]
    assert len({row["dup_cluster"] for row in copies}) == 1
    assert sum(row["dup_canonical"] for row in copies) == 1
    others = [rows[f"other{n}"] for n in range(3)]
    assert all(row["dup_canonical"] for row in others)
    assert len({row["dup_cluster"] for row in others} | {copies[0]["dup_cluster"]}) == 4
    assert summary.dedup == {"clusters": 4, "duplicates": 2}



def test_text_records_go_to_text_mode_once_copydesk_has_it(monkeypatch):
    from copydesk.corpus.readers import Task
    from copydesk.corpus.work import PageWorker

    worker = PageWorker(_settings(filters=Filters(min_chars=10)))
    task = Task("wet-1", "http://a.test/", "x.wet.gz", "text", b"A page's text, as a WET record holds it.")
    if text_mode_extractor() is None:
        assert worker.process(task)["reason"] == TEXT_MODE_MISSING
    seen = []

    def extract_text(text: str, url: str | None) -> copydesk.Article:
        seen.append((text, url))
        return copydesk.Article(url=url, body=[copydesk.BodyNode("paragraph", text)])

    monkeypatch.setattr(copydesk, "extract_text", extract_text, raising=False)
    row = worker.process(task)
    assert seen == [("A page's text, as a WET record holds it.", "http://a.test/")]
    assert row["status"] == "ok" and row["text"] == seen[0][0] and row["record_id"] == "wet-1"


def test_jsonl_parts_resume_after_a_lost_part(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(7):
        (pages / f"p{number}.html").write_text(article_html(number))
    out = tmp_path / "out.jsonl"
    settings = _settings(workers=1, format="jsonl", part_rows=3)
    run([str(pages)], out, settings)
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == 3
    # As after kill -9: the last part never committed, a half-written one left behind.
    parts[-1].unlink()
    (out / "_SUCCESS.json").unlink()
    (out / "part-000004.jsonl.tmp").write_text('{"record_id": "half a row')
    first_two = {part.name: part.read_bytes() for part in parts[:2]}

    summary = run([str(pages)], out, settings)

    assert summary.resumed == 6 and summary.rows == 1
    assert Counter(row["record_id"] for row in _rows(out)) == Counter(str(pages / f"p{n}.html") for n in range(7))
    assert all((out / name).read_bytes() == data for name, data in first_two.items())
    assert not list(out.glob("*.tmp"))


def test_an_unreadable_warc_costs_one_error_row_and_the_run_goes_on(tmp_path):
    (tmp_path / "broken.warc").write_bytes(b"this is not a WARC file at all\r\n\r\n" * 10)
    expected = _build_warc(tmp_path / "good.warc.gz", pages=2)

    run([str(tmp_path / "broken.warc"), str(tmp_path / "good.warc.gz")], tmp_path / "out", _settings(workers=1))

    rows = _rows(tmp_path / "out")
    broken = [row for row in rows if row["source"].endswith("broken.warc")]
    assert len(broken) == 1 and broken[0]["status"] == "error" and broken[0]["error"].startswith("unreadable WARC")
    assert {row["record_id"]: row["status"] for row in rows if row not in broken} == expected
