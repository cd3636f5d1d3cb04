"""`run`: inputs in, one row per record out, in parallel, resumable; the progress bar and the summary."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import output
from .pool import Pool
from .readers import Task, all_inputs, input_size, read_inputs
from .settings import CorpusSettings


@dataclass
class Summary:
    """What a run did. `rows` counts rows written by this run; `resumed` the records a previous run had done."""

    rows: int = 0
    resumed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    records_per_second: float = 0.0  # rows (every record, pages or not) per wall-clock second
    pages: int = 0  # rows of records that went to a worker (pages and texts), this run
    working_seconds: float = 0.0  # from every worker ready (models loaded) to the last row
    worker_peak_rss: list[int] = field(default_factory=list)
    worker_cpu_seconds: list[float] = field(default_factory=list)  # after start-up, workers still alive at the end
    parent_cpu_seconds: float = 0.0
    workers_replaced: int = 0
    dedup: dict[str, int] | None = None

    def count(self, row: dict[str, Any]) -> None:
        self.rows += 1
        self.statuses[row["status"]] += 1
        if row.get("reason") or row.get("error"):
            self.reasons[_reason_key(row)] += 1

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "resumed": self.resumed, "statuses": dict(self.statuses),
                "reasons": dict(self.reasons.most_common(20)), "seconds": round(self.seconds, 2),
                "records_per_second": round(self.records_per_second, 1), "pages": self.pages,
                "working_seconds": round(self.working_seconds, 2), "worker_peak_rss": self.worker_peak_rss,
                "worker_cpu_seconds": [round(cpu, 2) for cpu in self.worker_cpu_seconds],
                "parent_cpu_seconds": round(self.parent_cpu_seconds, 2),
                "workers_replaced": self.workers_replaced, "dedup": self.dedup}


class _Progress:
    """A tqdm bar over input bytes (that is what the ETA can be known for) with pages, pages/s and errors."""

    def __init__(self, total: int, enabled: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="B", unit_scale=True, disable=not enabled, dynamic_ncols=True,
                        desc="corpus")
        self.started = time.perf_counter()
        self.shown = 0.0

    def advance(self, nbytes: int) -> None:
        self.bar.update(nbytes)

    def note(self, summary: Summary) -> None:
        now = time.perf_counter()
        if now - self.shown > 0.5:
            self.shown = now
            rate = summary.pages / max(now - self.started, 1e-9)
            self.bar.set_postfix(pages=summary.pages, pages_s=f"{rate:.1f}", errors=summary.statuses["error"],
                                 refresh=False)

    def close(self) -> None:
        self.bar.close()


def run(paths: list[str], out: Path, settings: CorpusSettings) -> Summary:
    """Extract every record of `paths` into OUT (see `output` for the layout); resumes a killed run.

    Workers are spawned processes: a script calling this needs the `if __name__ == "__main__":` guard.
    """
    inputs = all_inputs(paths)
    done, first_part = output.prepare(out, inputs, settings)
    writer = output.PartWriter(out, settings, first_part)
    summary = Summary()
    progress = _Progress(sum(input_size(path) for path in inputs), settings.progress)
    started, started_cpu = time.perf_counter(), _cpu_seconds()

    def emit(row: dict[str, Any]) -> None:
        writer.write(row)
        summary.count(row)
        progress.note(summary)

    def emit_page(row: dict[str, Any]) -> None:
        summary.pages += 1
        emit(row)

    pool = Pool(settings, emit_page)
    try:
        pool.run(_chunks(read_inputs(inputs, settings.options.max_input_bytes, progress.advance), done, emit,
                         settings, summary))
        pool.close()
    except BaseException:
        pool.kill()  # Ctrl-C or a broken run: committed parts stay, the next run resumes after them
        raise
    finally:
        progress.close()
    finished = time.perf_counter()
    writer.commit()
    _timings(summary, pool, started, started_cpu, finished)
    if settings.dedup:
        summary.dedup = output.mark_duplicates(out, settings.format, settings.dedup_threshold, settings.group_rows)
    output.write_success(out, summary.as_dict())
    return summary


def _timings(summary: Summary, pool: Pool, started: float, started_cpu: float, finished: float) -> None:
    summary.seconds = finished - started
    summary.working_seconds = finished - (pool.ready_at or started)
    summary.records_per_second = summary.rows / summary.seconds if summary.seconds else 0.0
    summary.worker_peak_rss, summary.workers_replaced = pool.peak_rss, pool.replaced
    summary.worker_cpu_seconds, summary.parent_cpu_seconds = pool.cpu_seconds, _cpu_seconds() - started_cpu


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _chunks(items: Iterator[Task | dict[str, Any]], done: set[str], emit: Any, settings: CorpusSettings,
            summary: Summary) -> Iterator[list[Task]]:
    """Tasks in chunks of at most `chunk_pages` pages or `chunk_bytes` bytes; skip rows go straight out,
    and records a previous run committed are passed over."""
    chunk: list[Task] = []
    size = 0
    for item in items:
        record_id = item.record_id if isinstance(item, Task) else item["record_id"]
        if record_id in done:
            summary.resumed += 1
            continue
        if not isinstance(item, Task):
            emit(item)
            continue
        chunk.append(item)
        size += len(item.payload)
        if len(chunk) >= settings.chunk_pages or size >= settings.chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _reason_key(row: dict[str, Any]) -> str:
    if row.get("error"):
        return "error: " + str(row["error"]).split(":")[0]
    reason = str(row["reason"])
    # "filtered: body of 12 characters < 200" counts under "filtered: body"; "not HTML: image/png" stays whole
    return " ".join(reason.split()[:2]) if reason.startswith("filtered") else reason


def format_summary(summary: Summary, out: Path) -> str:
    """The lines printed at the end of a run."""
    lines = [f"copydesk corpus: {summary.rows} rows written to {out} in {summary.seconds:.1f} s "
             f"({summary.records_per_second:.1f} records/s)"
             + (f"; {summary.resumed} records already done by an earlier run" if summary.resumed else "")]
    lines.append("  " + ", ".join(f"{status}: {count}" for status, count in sorted(summary.statuses.items())))
    lines += [f"  {count:>8}  {reason}" for reason, count in summary.reasons.most_common(8)]
    if summary.workers_replaced:
        lines.append(f"  {summary.workers_replaced} workers replaced after a timeout or crash")
    if summary.dedup is not None:
        lines.append(f"  dedup: {summary.dedup['duplicates']} near-duplicates in {summary.dedup['clusters']} clusters")
    return "\n".join(lines)
