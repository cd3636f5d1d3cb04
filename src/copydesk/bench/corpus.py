"""`copydesk bench --corpus`: the corpus runner's throughput and memory, copydesk against trafilatura.

The bench writes the benchmark pages into a WARC (Common Crawl layout, a request before each response),
then runs `copydesk corpus` over it with 1 and 2 workers, once with copydesk as the extractor and once
with trafilatura (`bare_extraction` with metadata, so both produce a full record) in the same runner:
same reader, same workers, same writer. Pages/s is counted from the moment every worker has loaded its
models to the last row, so the one-off start-up (about a second) does not blur the scaling figure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..corpus.runner import Summary, run
from ..corpus.settings import COPYDESK_EXTRACTOR, CorpusSettings
from ..corpus.warcfile import WarcWriter
from ..options import Options
from .datasets import Page

MIB = 1024 * 1024
TRAFILATURA_EXTRACTOR = "copydesk.bench.corpus:trafilatura_record"
EXTRACTORS = {"copydesk": COPYDESK_EXTRACTOR, "trafilatura": TRAFILATURA_EXTRACTOR}
# The targets.
MIN_VS_TRAFILATURA = 3.0
MIN_TWO_WORKER_SCALING = 1.8
MAX_WORKER_RSS = 300 * MIB


def trafilatura_record(payload: bytes | str, url: str | None, options: Options) -> dict[str, Any]:
    """trafilatura in copydesk's place: its record with metadata, under the row's column names."""
    import trafilatura

    document = trafilatura.bare_extraction(payload, url=url, with_metadata=True, as_dict=True)
    if not document:
        return {"text": ""}
    data = document if isinstance(document, dict) else document.as_dict()
    return {"title": data.get("title"), "authors": _split(data.get("author")), "published": data.get("date"),
            "site_name": data.get("sitename"), "description": data.get("description"),
            "tags": _split(data.get("tags")), "language": data.get("language"), "text": data.get("text") or "",
            "canonical_url": data.get("url"), "lead_image": data.get("image")}


def _split(value: str | list[str] | None) -> list[str]:
    parts = value if isinstance(value, list) else (value or "").replace(",", ";").split(";")
    return [part.strip() for part in parts if part.strip()]


def build_warc(pages: Sequence[Page], path: Path) -> int:
    """Write every page as a request + response pair; returns the number of pages."""
    with path.open("wb") as stream:
        warc = WarcWriter(stream)
        warc.warcinfo()
        for page in pages:
            url = page.url or f"http://bench.invalid/{page.id}"
            warc.request(url)
            warc.response(url, page.read_html())
    return len(pages)


def measure(warc: Path, extractor: str, workers: int, scratch: Path) -> Summary:
    out = scratch / f"out-{Path(extractor).name}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    settings = CorpusSettings(options=Options(), workers=workers, timeout=120.0, extractor=extractor,
                              progress=False)
    summary = run([str(warc)], out, settings)
    shutil.rmtree(out, ignore_errors=True)
    return summary


def run_command(pages: Sequence[Page], worker_counts: Sequence[int], quiet: bool, json_path: Path | None,
                rounds: int = 1) -> None:
    """Build the WARC, time every extractor with every worker count (`rounds` times, alternating, keeping
    each configuration's fastest run: the one least disturbed by other jobs), print the table, save the JSON."""
    scratch = Path(tempfile.mkdtemp(prefix="copydesk-corpus-bench-"))
    results: dict[str, dict[int, Summary]] = {}
    runs: list[dict[str, object]] = []
    try:
        warc = scratch / "bench.warc.gz"
        count = build_warc(pages, warc)
        _status(quiet, f"{count} pages in {warc} ({warc.stat().st_size / MIB:.1f} MiB)")
        for number in range(rounds):
            for name, extractor in EXTRACTORS.items():
                for workers in worker_counts:
                    _status(quiet, f"round {number + 1}: {name} with {workers} worker(s)")
                    load = os.getloadavg()[0]
                    summary = measure(warc, extractor, workers, scratch)
                    runs.append({**summary.as_dict(), "extractor": name, "workers": workers,
                                 "pages_per_second": round(rate(summary), 1), "load_average_before": round(load, 2)})
                    best = results.setdefault(name, {}).get(workers)
                    if best is None or rate(summary) > rate(best):
                        results[name][workers] = summary
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    click.echo(markdown(results, count), nl=False)
    path = json_path or Path("bench-results") / "corpus.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"best": {name: {str(w): s.as_dict() for w, s in by.items()}
                                         for name, by in results.items()}, "runs": runs}, indent=1) + "\n",
                    encoding="utf-8")
    _status(quiet, f"results: {path}")


def rate(summary: Summary) -> float:
    """Pages per wall-clock second, from every worker ready to the last row."""
    return summary.pages / summary.working_seconds if summary.working_seconds else 0.0


def cpu_rate(summary: Summary) -> float:
    """Pages per CPU-second of the whole pipeline (workers after start-up, and the parent): what one core
    gives, unaffected by other jobs sharing the machine."""
    cpu = sum(summary.worker_cpu_seconds) + summary.parent_cpu_seconds
    return summary.pages / cpu if cpu else 0.0


def markdown(results: dict[str, dict[int, Summary]], pages: int) -> str:
    lines = [f"### Corpus runs: {pages} benchmark pages in one WARC", "",
             "| extractor | workers | pages/s | pages/s per worker | pages per CPU-s | parent CPU share | wall s "
             "| errors | peak RSS per worker MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, by_workers in results.items():
        for workers, summary in sorted(by_workers.items()):
            peak = max(summary.worker_peak_rss, default=0) / MIB
            cpu = sum(summary.worker_cpu_seconds) + summary.parent_cpu_seconds
            share = summary.parent_cpu_seconds / cpu if cpu else 0.0
            lines.append(f"| {name} | {workers} | {rate(summary):.1f} | {rate(summary) / workers:.1f} | "
                         f"{cpu_rate(summary):.1f} | {share:.0%} | {summary.seconds:.1f} | "
                         f"{summary.statuses['error']} | {peak:.0f} |")
    return "\n".join(lines + ["", _targets(results)]) + "\n"


def _targets(results: dict[str, dict[int, Summary]]) -> str:
    mine, theirs = results.get("copydesk", {}), results.get("trafilatura", {})
    checks = []
    if 1 in mine and 1 in theirs:
        checks.append(_check("throughput per core (pages per CPU-s) vs trafilatura",
                             cpu_rate(mine[1]) / cpu_rate(theirs[1]), MIN_VS_TRAFILATURA))
        checks.append(_check("1-worker pages/s vs trafilatura", rate(mine[1]) / rate(theirs[1]), MIN_VS_TRAFILATURA))
    if 1 in mine and 2 in mine:
        checks.append(_check("2 workers vs 1", rate(mine[2]) / rate(mine[1]), MIN_TWO_WORKER_SCALING))
    peaks = [peak for summary in mine.values() for peak in summary.worker_peak_rss]
    if peaks:
        verdict = "met" if max(peaks) < MAX_WORKER_RSS else "MISSED"
        checks.append(f"peak RSS per worker {max(peaks) / MIB:.0f} MiB ({verdict}, limit {MAX_WORKER_RSS // MIB})")
    return "copydesk against the corpus targets: " + "; ".join(checks)


def _check(label: str, ratio: float, minimum: float) -> str:
    return f"{label} {ratio:.2f}x ({'met' if ratio >= minimum else 'MISSED'}, target >= {minimum:g}x)"


def _status(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(f"copydesk bench: {message}", err=True)
