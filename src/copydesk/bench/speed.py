"""`copydesk bench --speed`: per-page latency percentiles and peak memory, against a floor.

Timing comes from the usual interleaved run (`runner.run_dataset`, only the extraction call timed), with
one more system beside the peers: "parse", copydesk's own decoding and lexbor parse of the same bytes
and nothing after it, the floor under any extractor built on that parser.

Memory is measured apart: each system runs every page once more in a fresh process of its own and
reports its peak RSS. In the shared timing process the peak would mix every system's libraries and
whichever system's worst page came last.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from . import runner
from .datasets import Page
from .peers import BASELINE, PARSE_FLOOR, PeerMissing, System, copydesk_system, load_peers, parse_system

MIB = 1024 * 1024
# The targets for copydesk.
MAX_MEDIAN_VS_BASELINE = 1 / 5
MAX_MEDIAN_VS_PARSE = 4.0
MAX_P99_VS_BASELINE = 1 / 3


@dataclass(frozen=True)
class Latency:
    """Per-page milliseconds of one system on a set of pages."""

    p50: float
    p95: float
    p99: float
    max: float
    pages: int
    errors: int


@dataclass(frozen=True)
class Footprint:
    """Peak RSS of a fresh process running one system: after imports and one page, and after all pages."""

    baseline_bytes: int
    peak_bytes: int


def latency(measurements: Sequence[runner.Measurement]) -> Latency:
    times = sorted(m.ms for m in measurements)
    return Latency(runner.percentile(times, 50), runner.percentile(times, 95), runner.percentile(times, 99),
                   times[-1] if times else 0.0, len(times), sum(1 for m in measurements if m.error))


def run(selections: Sequence[Any], peer_names: list[str], quiet: bool, json_path: Path | None) -> None:
    """Time every system on every selected dataset, measure their memory, print and save the tables.

    `selections` are the command's (name, key, pages) choices. copydesk runs with its shipped model:
    cross-validation changes which model scores a page, not how long it takes.
    """
    try:
        systems = [copydesk_system(), parse_system(), *load_peers(peer_names)]
    except PeerMissing as exc:
        raise click.ClickException(str(exc)) from exc
    timings: dict[str, dict[str, list[runner.Measurement]]] = {}
    for sel in selections:
        _status(quiet, f"timing {len(systems)} systems on {sel.key} ({len(sel.pages)} pages)")
        runner.warm_up(sel.pages, systems)
        timings[sel.key] = runner.run_dataset(sel.name, sel.key, sel.pages, systems, progress=not quiet).results
    if len(timings) > 1:
        timings["all"] = {s.name: [m for key in list(timings) for m in timings[key][s.name]] for s in systems}
    pages = [page for sel in selections for page in sel.pages]
    footprints = {}
    for system in systems:
        _status(quiet, f"peak memory of {system.name} in its own process")
        footprints[system.name] = footprint(system.name, pages)
    stats = {key: {name: latency(ms) for name, ms in by_system.items()} for key, by_system in timings.items()}
    click.echo(markdown(stats, footprints), nl=False)
    path = json_path or Path("bench-results") / ("speed-" + "+".join(sel.key for sel in selections) + ".json")
    _write_json(path, stats, footprints, timings)
    _status(quiet, f"per-page times: {path}")


def footprint(system_name: str, pages: Sequence[Page]) -> Footprint:
    """Run one system over `pages` in a fresh process (spawned: nothing inherited) and read its peak RSS."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        baseline, peak = pool.submit(_run_for_memory, system_name, list(pages)).result()
    return Footprint(baseline, peak)


def _run_for_memory(system_name: str, pages: list[Page]) -> tuple[int, int]:
    system = _build(system_name)
    runner.warm_up(pages, [system])
    baseline = own_peak_rss()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for page in pages:
            raw = page.read_html()
            with contextlib.suppress(Exception):  # a failing page is the timing run's business
                system.extract(raw if system.wants_bytes else raw.decode("utf-8", "replace"), page.url)
    return baseline, own_peak_rss()


def own_peak_rss() -> int:
    """This process's peak RSS. On Linux from /proc (VmHWM): `getrusage`'s ru_maxrss survives fork and exec,
    so a freshly spawned child would report its parent's peak if that was higher."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return runner.peak_rss_bytes() or 0


def _build(name: str) -> System:
    if name == "copydesk":
        return copydesk_system()
    if name == PARSE_FLOOR:
        return parse_system()
    return load_peers([name])[0]


# --- report ----------------------------------------------------------------------------------------


def markdown(stats: dict[str, dict[str, Latency]], footprints: dict[str, Footprint]) -> str:
    """One latency table per dataset (and pooled), the memory table, and copydesk against its targets."""
    parts = [_latency_table(key, by_system) for key, by_system in stats.items()]
    parts.append(_memory_table(footprints))
    parts.append(_targets(stats))
    return "\n\n".join(parts) + "\n"


def _latency_table(key: str, by_system: dict[str, Latency]) -> str:
    base, floor = by_system.get(BASELINE), by_system.get(PARSE_FLOOR)
    header = ["system", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
              f"p50 / {BASELINE}", f"p99 / {BASELINE}", f"p50 / {PARSE_FLOOR}"]
    rows = []
    for name, lat in sorted(by_system.items(), key=lambda item: item[1].p50):
        rows.append([f"**{name}**" if name == "copydesk" else name, _ms(lat.p50), _ms(lat.p95), _ms(lat.p99),
                     _ms(lat.max), str(lat.errors), _ratio(lat.p50, base.p50 if base else None),
                     _ratio(lat.p99, base.p99 if base else None), _ratio(lat.p50, floor.p50 if floor else None)])
    pages = next(iter(by_system.values())).pages if by_system else 0
    return f"### Speed: {key} ({pages} pages)\n\n" + _table(header, rows)


def _memory_table(footprints: dict[str, Footprint]) -> str:
    header = ["system", "peak RSS MiB", "after imports + 1 page MiB", "growth over the pages MiB"]
    rows = [[name, f"{fp.peak_bytes / MIB:.0f}", f"{fp.baseline_bytes / MIB:.0f}",
             f"{(fp.peak_bytes - fp.baseline_bytes) / MIB:.0f}"]
            for name, fp in sorted(footprints.items(), key=lambda item: item[1].peak_bytes)]
    return "### Peak memory (each system alone in a fresh process, all pages)\n\n" + _table(header, rows)


def _targets(stats: dict[str, dict[str, Latency]]) -> str:
    lines = ["### copydesk against the speed targets"]
    for key, by_system in stats.items():
        mine, base, floor = by_system.get("copydesk"), by_system.get(BASELINE), by_system.get(PARSE_FLOOR)
        if mine is None:
            continue
        checks = []
        if base is not None:
            checks.append(_check(f"p50 <= 1/5 of {BASELINE}'s", mine.p50 / base.p50, MAX_MEDIAN_VS_BASELINE))
            checks.append(_check(f"p99 <= 1/3 of {BASELINE}'s", mine.p99 / base.p99, MAX_P99_VS_BASELINE))
        if floor is not None:
            checks.append(_check("p50 <= 4x the bare parse", mine.p50 / floor.p50, MAX_MEDIAN_VS_PARSE))
        lines.append(f"- {key}: " + "; ".join(checks))
    return "\n".join(lines)


def _check(label: str, ratio: float, limit: float) -> str:
    return f"{label}: {ratio:.2f} ({'met' if ratio <= limit else 'MISSED'}, limit {limit:.2f})"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:.2f}" if reference else "-"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _write_json(path: Path, stats: dict[str, dict[str, Latency]], footprints: dict[str, Footprint],
                timings: dict[str, dict[str, list[runner.Measurement]]]) -> None:
    document = {
        "latency_ms": {key: {name: asdict(lat) for name, lat in by_system.items()} for key, by_system in stats.items()},
        "memory": {name: asdict(fp) for name, fp in footprints.items()},
        "per_page_ms": {key: {name: [round(m.ms, 3) for m in ms] for name, ms in by_system.items()}
                        for key, by_system in timings.items() if key != "all"},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def _status(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(f"copydesk bench: {message}", err=True)
