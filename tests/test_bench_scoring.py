"""The bench's metrics, sampling and command, on small hand-made data (no network, no ../shared)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.bench import command, datasets, scoring
from copydesk.bench.command import bench
from copydesk.bench.datasets import Page
from copydesk.bench.floors import check, dataset_key
from copydesk.bench.peers import System

# --- AEB -----------------------------------------------------------------------------------------


def test_aeb_shingles_are_case_sensitive_four_token_windows():
    assert scoring.shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})
    assert scoring.shingles("A b c d") != scoring.shingles("a b c d")
    assert scoring.shingles("only three words") == Counter()


def test_aeb_counts_are_normalised_per_page():
    # truth shingles: abcd bcde cdef; prediction: abcd bcde cdeX -> tp 2, fp 1, fn 1, total 4
    tp, fp, fn = scoring.aeb_counts("a b c d e X", "a b c d e f")
    assert (tp, fp, fn) == pytest.approx((0.5, 0.25, 0.25))


def test_aeb_counts_use_multisets():
    # "w x y z" twice in the prediction, once in the truth: one match, one false positive.
    tp, fp, fn = scoring.aeb_counts("w x y z. w x y z", "w x y z")
    # prediction shingles: wxyz, xyzw, yzwx, zwxy, wxyz -> tp 1, fp 4, fn 0
    assert (tp, fp, fn) == pytest.approx((0.2, 0.8, 0.0))


def test_aeb_edge_cases():
    assert scoring.aeb_precision(0.0, 0.0, 1.0) == 0.0  # tp = fp = 0 (empty prediction)
    assert scoring.aeb_recall(0.0, 1.0, 0.0) == 0.0  # tp = fn = 0 (empty truth, something predicted)
    assert scoring.aeb_precision(1.0, 0.0, 0.0) == 1.0  # fp = fn = 0
    assert scoring.aeb_precision(0.0, 0.0, 0.0) == 1.0  # nothing on either side: fp = fn = 0 wins
    assert scoring.aeb_recall(0.0, 0.0, 0.0) == 1.0
    assert scoring.aeb_precision(0.6, 0.2, 0.2) == pytest.approx(0.75)
    assert scoring.aeb_recall(0.6, 0.3, 0.1) == pytest.approx(6 / 7)


def test_aeb_summary_means_only_over_pages_where_defined():
    perfect = scoring.aeb_page("a b c d e", "a b c d e")  # P 1, R 1
    empty = scoring.aeb_page("", "a b c d e")  # tp = fp = 0: left out of precision, recall 0
    half = scoring.aeb_page("a b c d e X", "a b c d e f")  # P 2/3, R 2/3
    summary = scoring.aeb_summary([perfect, empty, half])
    assert summary.precision == pytest.approx((1 + 2 / 3) / 2)
    assert summary.recall == pytest.approx((1 + 0 + 2 / 3) / 3)
    expected_f1 = 2 * summary.precision * summary.recall / (summary.precision + summary.recall)
    assert summary.f1 == pytest.approx(expected_f1)


def test_aeb_summary_of_nothing_found_is_zero():
    summary = scoring.aeb_summary([scoring.aeb_page("", "a b c d e")])
    assert (summary.precision, summary.recall, summary.f1) == (0.0, 0.0, 0.0)


# --- WCXB ----------------------------------------------------------------------------------------


def test_wcxb_bag_of_words_is_lower_cased():
    score = scoring.wcxb_page("The cat, the HAT!", "the cat sat")
    # prediction bag: the x2, cat, hat (4); truth: the, cat, sat (3); common: the, cat (2)
    assert score.precision == pytest.approx(2 / 4)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_wcxb_edge_cases():
    assert scoring.wcxb_page("", "") == scoring.PageScore(1.0, 1.0, 1.0)
    assert scoring.wcxb_page("  ...  ", "!").f1 == 1.0  # no word tokens on either side
    assert scoring.wcxb_page("words", "").f1 == 0.0
    assert scoring.wcxb_page("", "words").f1 == 0.0
    assert scoring.wcxb_page("alpha", "beta").f1 == 0.0


def test_wcxb_summary_averages_page_f1_not_pooled_counts():
    pages = [scoring.wcxb_page("a b", "a b"), scoring.wcxb_page("a", "a b c d")]
    summary = scoring.wcxb_summary(pages)
    assert summary.f1 == pytest.approx((1.0 + 0.4) / 2)
    assert summary.precision == pytest.approx(1.0)
    assert summary.recall == pytest.approx((1.0 + 0.25) / 2)


# --- sampling and floors -------------------------------------------------------------------------


def _pages(counts: dict[str, int]) -> list[Page]:
    pages, n = [], 0
    for kind, count in counts.items():
        for _ in range(count):
            pages.append(Page(f"{n:04d}", kind, None, "", Path("unused")))
            n += 1
    return pages


def test_sample_is_deterministic_and_stratified():
    pages = _pages({"article": 70, "forum": 20, "product": 9, "listing": 1})
    first = datasets.sample(pages, 20)
    assert [p.id for p in first] == [p.id for p in datasets.sample(list(reversed(pages)), 20)]
    assert len(first) == 20
    assert [p.id for p in first] == sorted(p.id for p in first)
    kinds = Counter(p.page_type for p in first)
    assert kinds == {"article": 14, "forum": 4, "product": 1, "listing": 1}  # every type seen once at least


def test_sample_larger_than_dataset_is_everything():
    pages = _pages({"article": 3})
    assert datasets.sample(pages, 10) == pages


def test_floor_key_and_tolerance():
    assert dataset_key("wcxb", 150, None) == "wcxb-sample150"
    assert dataset_key("aeb", None, None) == "aeb"
    floors = {"aeb": {"f1": 0.9}}
    assert check("aeb", 0.896, floors).passed  # within 0.005
    assert not check("aeb", 0.894, floors).passed
    assert not check("wcxb", 0.99, floors).passed  # no floor is a failure, never a silent pass


# --- the command, end to end ---------------------------------------------------------------------

ARTICLE = (
    "<html><head><title>{t}</title></head><body><nav>Home | News</nav>"
    "<article><h1>{t}</h1>{p}</article><footer>Contact us</footer></body></html>"
)
BODY = "<p>The council voted on Tuesday to repair the old bridge before winter comes to the valley.</p>" \
       "<p>Residents said the crossing had been closed for months and shops on both banks had suffered.</p>"
TRUTH = "The council voted on Tuesday to repair the old bridge before winter comes to the valley.\n" \
        "Residents said the crossing had been closed for months and shops on both banks had suffered."


def _write_gz(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(html.encode("utf-8")))


@pytest.fixture()
def tiny_data(tmp_path: Path) -> Path:
    """Both layouts of ../shared/benchmarks in miniature: aeb/ and wcxb/dev/."""
    truth = {}
    for i in range(3):
        page_id = f"aeb{i}"
        _write_gz(tmp_path / "aeb" / "html" / f"{page_id}.html.gz", ARTICLE.format(t=f"Bridge {i}", p=BODY))
        truth[page_id] = {"articleBody": TRUTH, "url": f"https://example.org/{i}"}
    (tmp_path / "aeb" / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    for i, kind in enumerate(["article", "article", "forum"]):
        page_id = f"{i + 1:04d}"
        html = ARTICLE.format(t="Bridge", p=BODY)
        _write_gz(tmp_path / "wcxb" / "dev" / "html" / f"{page_id}.html.gz", html)
        record = {"url": f"https://example.net/{i}", "file_id": page_id,
                  "_internal": {"page_type": {"primary": kind}},
                  "ground_truth": {"main_content": TRUTH, "title": "Bridge", "author": None,
                                   "publish_date": None, "with": [], "without": []}}
        gt = tmp_path / "wcxb" / "dev" / "ground-truth" / f"{page_id}.json"
        gt.parent.mkdir(parents=True, exist_ok=True)
        gt.write_text(json.dumps(record), encoding="utf-8")
    return tmp_path


def test_bench_command_end_to_end(tiny_data: Path, tmp_path: Path):
    out = tmp_path / "out.json"
    # --cv 0: three pages are too few to train fold models on; the CV path is run by the quality gate.
    result = CliRunner().invoke(bench, ["--dataset", "all", "--data", str(tiny_data), "--quiet",
                                       "--json", str(out), "--cv", "0"])
    assert result.exit_code == 0, result.output
    assert "### aeb: 3 pages" in result.output
    assert "### wcxb: 3 pages" in result.output
    assert "| **copydesk** |" in result.output
    assert "article F1 (n=2)" in result.output and "forum F1 (n=1)" in result.output
    assert "### speed, all 6 pages" in result.output

    document = json.loads(out.read_text(encoding="utf-8"))
    pages = document["datasets"]["wcxb"]["pages"]
    assert [p["id"] for p in pages] == ["0001", "0002", "0003"]
    assert pages[2]["page_type"] == "forum"
    assert set(pages[0]["systems"]["copydesk"]) >= {"p", "r", "f1", "ms"}
    # The extractor's quality is not this test's business (it changes); the report's shape is.
    assert 0.0 <= document["datasets"]["aeb"]["systems"]["copydesk"]["f1"] <= 1.0


def _fake_copydesk(text: str | None) -> System:
    """A stand-in for copydesk with a known output (None: it raises), so the gate is tested alone."""

    def run(html: bytes, url: str | None) -> str:
        if text is None:
            raise ValueError("boom")
        return text

    return System("copydesk", run, wants_bytes=True)


@pytest.mark.parametrize(
    ("output", "floor", "exit_code"),
    [(TRUTH, 0.99, 0), (TRUTH, 1.0, 0), ("The council voted", 0.5, 1), (None, 0.0, 1)],
    ids=["above", "at", "below", "raises"],
)
def test_bench_floor_gate(tiny_data: Path, tmp_path: Path, monkeypatch, output, floor, exit_code):
    monkeypatch.setattr(command, "copydesk_system", lambda: _fake_copydesk(output))
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"aeb-sample2": {"f1": floor}}), encoding="utf-8")
    args = ["--dataset", "aeb", "--data", str(tiny_data / "aeb"), "--sample", "2", "--quiet",
            "--json", str(tmp_path / "aeb.json"), "--check-floors", str(floors)]
    result = CliRunner().invoke(bench, args)
    assert result.exit_code == exit_code, result.output
    assert ("FAILED" in result.output) == (exit_code == 1)


def test_bench_floor_gate_needs_a_floor_for_what_ran(tiny_data: Path, tmp_path: Path):
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"aeb": {"f1": 0.0}}), encoding="utf-8")  # full set, but a sample runs
    args = ["--dataset", "aeb", "--data", str(tiny_data / "aeb"), "--sample", "2", "--quiet",
            "--json", str(tmp_path / "aeb.json"), "--check-floors", str(floors)]
    result = CliRunner().invoke(bench, args)
    assert result.exit_code == 1
    assert "no floor for 'aeb-sample2'" in result.output


def test_bench_reports_missing_data_clearly(tmp_path: Path):
    result = CliRunner().invoke(bench, ["--dataset", "aeb", "--data", str(tmp_path), "--quiet"])
    assert result.exit_code != 0
    assert "ground-truth.json" in result.output
