"""`copydesk bench --metadata`: normalisation, scoring and the command on a tiny WCXB-shaped folder."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from copydesk.bench.command import bench
from copydesk.bench.metadata import Found, Truth, author_set, norm_text, score, summary


def test_titles_normalise_case_space_quotes_and_dashes():
    assert norm_text("  Iran’s  “Big”\u00a0Plan – Now ") == norm_text("iran's \"big\" plan - now")
    assert norm_text("Plan A") != norm_text("Plan B")


def test_author_sets_split_both_sides_alike():
    assert author_set("Chen Zhao, Daryl Fairweather") == author_set(["Daryl Fairweather", "chen zhao"])
    assert author_set("Mark Lu and Jo Jaeger") == author_set(["Mark Lu", "Jo Jaeger"])
    assert author_set("Ann Lee, MD") == author_set(["Ann Lee, MD"])
    assert author_set("Ann Lee") != author_set(["Ann Lee", "Bo Chen"])
    assert author_set(None) == author_set([]) == frozenset()


def test_score_per_field():
    truth = Truth(title="The Plan", author="Ann Lee and Bo Chen", date="2024-03-05")
    assert score(truth, Found("the plan", ["Bo Chen", "Ann Lee"], "2024-03-05T23:10:00-05:00")) == \
        {"title": 1, "author": 1, "date": 1}
    assert score(truth, Found("The Plan | Site", ["Ann Lee"], "2024-03-06")) == {"title": 0, "author": 0, "date": 0}
    assert score(truth, Found()) == {"title": 0, "author": 0, "date": 0}
    assert score(Truth("T", None, None), Found("T")) == {"title": 1, "author": None, "date": None}


def test_summary_counts_only_pages_with_the_field():
    rows = [{"results": {"x": {"score": {"title": 1, "author": None, "date": 0}, "found": {"ms": 2.0}}}},
            {"results": {"x": {"score": {"title": 0, "author": 1, "date": None}, "found": {"ms": 4.0}}}}]
    table = summary(rows, ["x"])
    assert table["x"]["title"] == {"accuracy": 0.5, "n": 2}
    assert table["x"]["author"] == {"accuracy": 1.0, "n": 1}
    assert table["x"]["date"] == {"accuracy": 0.0, "n": 1}
    assert table["x"]["median_ms"] == 3.0


PAGE = """<html lang="en"><head><title>{title} | Town News</title>
<meta name="author" content="{author}"><meta property="article:published_time" content="{date}T08:00:00Z">
</head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"""


def _wcxb(root: Path) -> Path:
    pages = {"0001": ("Bridge reopens", "Ann Lee", "2024-03-05"), "0002": ("Park closes", "Bo Chen", "2023-01-02"),
             "0003": ("No metadata here", None, None)}
    for page_id, (title, author, date) in pages.items():
        html = PAGE.format(title=title, author=author or "", date=date or "", body="Words about the town. " * 20)
        (root / "dev" / "html").mkdir(parents=True, exist_ok=True)
        (root / "dev" / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth = {"title": title, "author": author, "publish_date": date if page_id != "0002" else "2023-01-03",
                 "main_content": "Words about the town."}
        (root / "dev" / "ground-truth").mkdir(parents=True, exist_ok=True)
        (root / "dev" / "ground-truth" / f"{page_id}.json").write_text(
            json.dumps({"url": f"https://town.test/{page_id}", "ground_truth": truth,
                        "_internal": {"page_type": {"primary": "article"}}}), encoding="utf-8")
    return root


def test_bench_metadata_command(tmp_path: Path):
    data, out = _wcxb(tmp_path / "wcxb"), tmp_path / "meta.json"
    result = CliRunner().invoke(bench, ["--metadata", "--dataset", "wcxb", "--data", str(data), "--peers", "none",
                                        "--json", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "| title | 3 | 1.000 |" in result.stdout
    assert "| author | 2 | 1.000 |" in result.stdout
    assert "| date | 2 | 0.500 |" in result.stdout  # page 0002's truth is a day later than the page says
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [page["id"] for page in record["pages"]] == ["0001", "0002", "0003"]
    assert record["pages"][1]["results"]["copydesk"]["score"]["date"] == 0
    assert record["summary"]["copydesk"]["title"]["n"] == 3
