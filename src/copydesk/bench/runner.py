"""Run every system on every page, timing only the extraction call.

All systems run in this one process, interleaved page by page with the order rotated on each page, so
a burst of machine noise (another job, a GC pause, thermal throttling) lands on all of them alike
instead of on whichever system happened to run during it.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
import tracemalloc
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from .datasets import Page
from .peers import System
from .scoring import SCORERS, PageScore, Summary

SLOW_MS = 1000.0  # the per-page budget for copydesk


@dataclass(frozen=True)
class Measurement:
    """One system on one page: its score, the time of the extraction call, and its error if it raised."""

    score: PageScore
    ms: float
    error: str | None = None


@dataclass
class DatasetRun:
    """Everything measured on one dataset; `results[system][i]` belongs to `pages[i]`."""

    name: str
    key: str
    pages: list[Page]
    results: dict[str, list[Measurement]] = field(default_factory=dict)

    def summary(self, system: str, page_type: str | None = None) -> Summary:
        """The dataset's metric for `system`, over all pages or over one page type."""
        _, summarise = SCORERS[self.name]
        scores = [m.score for page, m in zip(self.pages, self.results[system], strict=True)
                  if page_type is None or page.page_type == page_type]
        return summarise(scores)

    def page_types(self) -> list[str]:
        """Page types present, most common first (so the table leads with the big groups)."""
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.page_type] = counts.get(page.page_type, 0) + 1
        return sorted(counts, key=lambda kind: (-counts[kind], kind))


@dataclass(frozen=True)
class Speed:
    """Timing statistics of one system over a set of pages."""

    median_ms: float
    p95_ms: float
    max_ms: float
    slow: int
    errors: int
    pages: int


def speed(measurements: Sequence[Measurement]) -> Speed:
    """Median, p95 and max ms/page, pages over 1 s, and pages that raised."""
    times = sorted(m.ms for m in measurements)
    return Speed(
        median(times) if times else 0.0,
        percentile(times, 95),
        times[-1] if times else 0.0,
        sum(1 for t in times if t > SLOW_MS),
        sum(1 for m in measurements if m.error),
        len(times),
    )


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def run_dataset(name: str, key: str, pages: list[Page], systems: Sequence[System],
                progress: bool = False) -> DatasetRun:
    """Measure every system on every page of one dataset."""
    score_page, _ = SCORERS[name]
    run = DatasetRun(name, key, pages, {system.name: [] for system in systems})
    with _quiet_libraries(), _progress(len(pages), name, progress) as bar:
        for index, page in enumerate(pages):
            raw = page.read_html()
            inputs = {True: raw, False: raw.decode("utf-8", errors="replace")}
            for system in _rotated(systems, index):
                text, ms, error = _timed_call(system, inputs[system.wants_bytes], page.url)
                run.results[system.name].append(Measurement(score_page(text, page.truth), ms, error))
            bar.update(1)
    return run


def warm_up(pages: Sequence[Page], systems: Sequence[System]) -> None:
    """One untimed call per system, so one-off lazy loading (stoplists, models) is not billed to a page."""
    if not pages:
        return
    raw = pages[0].read_html()
    with _quiet_libraries():
        for system in systems:
            html = raw if system.wants_bytes else raw.decode("utf-8", errors="replace")
            _timed_call(system, html, pages[0].url)


def _rotated(systems: Sequence[System], index: int) -> list[System]:
    shift = index % len(systems) if systems else 0
    return list(systems[shift:]) + list(systems[:shift])


def _timed_call(system: System, html: bytes | str, url: str | None) -> tuple[str, float, str | None]:
    """Run one extraction; a system that raises scores as empty text, with the error kept."""
    start = time.perf_counter()
    try:
        text = system.extract(html, url)
    except Exception as exc:  # noqa: BLE001 - any failure of a system under test is a result, not a crash
        return "", (time.perf_counter() - start) * 1000, f"{type(exc).__name__}: {exc}"[:300]
    ms = (time.perf_counter() - start) * 1000
    return text if isinstance(text, str) else "", ms, None


# --- memory --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """Peak traced allocation of one system's extraction calls (Python allocations only)."""

    max_peak_bytes: int
    median_peak_bytes: float


def measure_memory(pages: Sequence[Page], systems: Sequence[System],
                   progress: bool = False) -> dict[str, Memory]:
    """Per system, the peak traced allocation of a single extraction call, over all pages.

    A separate pass because tracemalloc slows allocation-heavy code several fold, which would distort
    the timing run. tracemalloc only sees memory allocated through Python's allocator: memory that
    C libraries (lexbor, libxml2, ...) allocate themselves is invisible to it.
    """
    peaks: dict[str, list[int]] = {system.name: [] for system in systems}
    with _quiet_libraries(), _progress(len(pages), "memory", progress) as bar:
        for page in pages:
            raw = page.read_html()
            decoded = raw.decode("utf-8", errors="replace")
            for system in systems:
                html = raw if system.wants_bytes else decoded
                peaks[system.name].append(_traced_peak(system, html, page.url))
            bar.update(1)
    return {name: Memory(max(values, default=0), median(values) if values else 0.0)
            for name, values in peaks.items()}


def _traced_peak(system: System, html: bytes | str, url: str | None) -> int:
    gc.collect()  # garbage of the previous call must not count against this one
    tracemalloc.start()
    try:
        with contextlib.suppress(Exception):
            system.extract(html, url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peak_rss_bytes() -> int | None:
    """The whole process's peak resident set size so far (all systems together)."""
    try:
        import resource
    except ImportError:  # Windows: psutil knows the peak working set instead
        return _psutil_peak()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB, macOS bytes


def _psutil_peak() -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    info = psutil.Process().memory_info()
    return getattr(info, "peak_wset", info.rss)


# --- plumbing ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_libraries() -> Iterator[None]:
    # Peers warn freely (deprecations, parser hints); on 1,000+ pages that buries the progress bar.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class _NoBar:
    def update(self, _n: int) -> None:
        pass


@contextlib.contextmanager
def _progress(total: int, label: str, enabled: bool) -> Iterator[Any]:
    """A tqdm bar on stderr when asked for and stderr is a terminal; a silent stand-in otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield _NoBar()
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield _NoBar()
        return
    with tqdm(total=total, desc=label, unit="page", file=sys.stderr, leave=False) as bar:
        yield bar
