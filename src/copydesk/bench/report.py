"""Present a bench run: a Markdown table, a JSON file with every page's scores, an optional chart."""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .peers import BASELINE
from .runner import DatasetRun, Measurement, Memory, Speed, speed

MIB = 1024 * 1024


def system_names(runs: Sequence[DatasetRun]) -> list[str]:
    """Systems in the order they were given (copydesk first)."""
    return list(runs[0].results) if runs else []


# --- Markdown ------------------------------------------------------------------------------------


def markdown(runs: Sequence[DatasetRun], memory: dict[str, Memory] | None, peak_rss: int | None) -> str:
    """The full stdout report: one table per dataset, a combined speed table, memory lines."""
    parts = [dataset_table(run) for run in runs]
    if len(runs) > 1:
        parts.append(combined_speed_table(runs))
    if memory:
        parts.append(memory_table(memory))
    if peak_rss is not None:
        parts.append(f"Peak RSS of the bench process (all systems together): {peak_rss / MIB:.0f} MiB")
    return "\n\n".join(parts) + "\n"


def dataset_table(run: DatasetRun) -> str:
    """Quality and speed of every system on one dataset, best F1 first."""
    types = run.page_types() if run.name == "wcxb" else []
    header = ["system", "F1", "P", "R"] + [f"{kind} F1 (n={_count(run, kind)})" for kind in types]
    header += _SPEED_HEADER
    speeds = {name: speed(run.results[name]) for name in run.results}
    rows = []
    for name in sorted(run.results, key=lambda n: -run.summary(n).f1):
        total = run.summary(name)
        cells = [_bold_if_copydesk(name), _f(total.f1), _f(total.precision), _f(total.recall)]
        cells += [_f(run.summary(name, kind).f1) for kind in types]
        rows.append(cells + _speed_cells(speeds[name], speeds.get(BASELINE)))
    title = f"### {run.key}: {len(run.pages)} pages"
    return title + "\n\n" + _table(header, rows)


def combined_speed_table(runs: Sequence[DatasetRun]) -> str:
    """Speed over the pages of all datasets together, the figure to quote for throughput."""
    combined = {name: speed([m for run in runs for m in run.results[name]]) for name in system_names(runs)}
    rows = [[_bold_if_copydesk(name)] + _speed_cells(stats, combined.get(BASELINE))
            for name, stats in sorted(combined.items(), key=lambda item: item[1].median_ms)]
    pages = sum(len(run.pages) for run in runs)
    keys = " + ".join(run.key for run in runs)
    return f"### speed, all {pages} pages ({keys})\n\n" + _table(["system"] + _SPEED_HEADER, rows)


def memory_table(memory: dict[str, Memory]) -> str:
    """Peak traced allocation per system (separate tracemalloc pass)."""
    rows = [[_bold_if_copydesk(name), f"{m.max_peak_bytes / MIB:.1f}", f"{m.median_peak_bytes / MIB:.1f}"]
            for name, m in sorted(memory.items(), key=lambda item: item[1].max_peak_bytes)]
    note = ("tracemalloc counts Python allocations only; memory a C library allocates itself "
            "(lexbor, libxml2, ...) is not in these figures.")
    header = ["system", "peak traced MiB (worst page)", "median page MiB"]
    return "### memory (tracemalloc pass)\n\n" + _table(header, rows) + "\n\n" + note


_SPEED_HEADER = ["median ms", "p95 ms", "max ms", f"x {BASELINE}", "errors", "> 1 s"]


def _speed_cells(stats: Speed, baseline: Speed | None) -> list[str]:
    ratio = "-"
    if baseline is not None and baseline.median_ms > 0:
        ratio = f"{stats.median_ms / baseline.median_ms:.2f}"
    return [f"{stats.median_ms:.1f}", f"{stats.p95_ms:.1f}", f"{stats.max_ms:.0f}", ratio,
            str(stats.errors), str(stats.slow)]


def _count(run: DatasetRun, kind: str) -> int:
    return sum(1 for page in run.pages if page.page_type == kind)


def _bold_if_copydesk(name: str) -> str:
    return f"**{name}**" if name == "copydesk" else name


def _f(value: float) -> str:
    return f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- JSON ----------------------------------------------------------------------------------------


def to_json(runs: Sequence[DatasetRun], memory: dict[str, Memory] | None, peak_rss: int | None,
            meta: dict[str, Any]) -> dict[str, Any]:
    """Everything needed to find a regression on a single page: per-page scores of every system."""
    document: dict[str, Any] = {"meta": {**meta, **_environment(), "peak_rss_bytes": peak_rss}}
    document["datasets"] = {run.key: _dataset_json(run) for run in runs}
    if len(runs) > 1:
        document["speed_all_pages"] = {
            name: _speed_json(speed([m for run in runs for m in run.results[name]]))
            for name in system_names(runs)
        }
    if memory:
        document["memory"] = {
            name: {"max_peak_bytes": m.max_peak_bytes, "median_peak_bytes": m.median_peak_bytes}
            for name, m in memory.items()
        }
    return document


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write the results file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _dataset_json(run: DatasetRun) -> dict[str, Any]:
    systems = {}
    for name, measurements in run.results.items():
        total = run.summary(name)
        systems[name] = {
            "f1": total.f1, "precision": total.precision, "recall": total.recall,
            "per_type": {kind: _summary_json(run, name, kind) for kind in run.page_types()},
            "speed": _speed_json(speed(measurements)),
        }
    pages = [
        {"id": page.id, "page_type": page.page_type, "url": page.url,
         "systems": {name: _measurement_json(run.results[name][i], run.name) for name in run.results}}
        for i, page in enumerate(run.pages)
    ]
    return {"dataset": run.name, "pages_count": len(run.pages), "systems": systems, "pages": pages}


def _summary_json(run: DatasetRun, name: str, kind: str) -> dict[str, float]:
    summary = run.summary(name, kind)
    return {"f1": summary.f1, "precision": summary.precision, "recall": summary.recall,
            "pages": summary.pages}


def _measurement_json(m: Measurement, dataset: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"p": round(m.score.precision, 5), "r": round(m.score.recall, 5),
                             "f1": round(m.score.f1, 5), "ms": round(m.ms, 3)}
    if dataset == "aeb":  # the normalised counts decide which means a page enters
        entry.update(tp=round(m.score.tp, 5), fp=round(m.score.fp, 5), fn=round(m.score.fn, 5))
    if m.error:
        entry["error"] = m.error
    return entry


def _speed_json(stats: Speed) -> dict[str, float | int]:
    return {"median_ms": stats.median_ms, "p95_ms": stats.p95_ms, "max_ms": stats.max_ms,
            "over_1s": stats.slow, "errors": stats.errors, "pages": stats.pages}


def _environment() -> dict[str, Any]:
    from .. import __version__

    return {"copydesk_version": __version__, "python": platform.python_version(),
            "platform": platform.platform()}


# --- chart ---------------------------------------------------------------------------------------

_HIGHLIGHT = "#d62728"
_ONE_TWO_FIVE = [m * 10.0**e for e in range(-2, 5) for m in (1, 2, 5)]
_PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#7f7f7f", "#bcbd22", "#e377c2"]


def plot(runs: Sequence[DatasetRun], path: Path) -> None:
    """One row per dataset: F1 against median ms/page (log x), and F1 per page type as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")  # headless: CI and servers have no display
    import matplotlib.pyplot as plt

    colours = _colours(system_names(runs))
    fig, axes = plt.subplots(len(runs), 2, figsize=(15, 5.2 * len(runs)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for row, run in zip(axes, runs, strict=True):
        _scatter(row[0], run, colours)
        _bars(row[1], run, colours)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _colours(names: list[str]) -> dict[str, str]:
    peers = [name for name in names if name != "copydesk"]
    colours = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(peers)}
    colours["copydesk"] = _HIGHLIGHT
    return colours


def _scatter(ax: Any, run: DatasetRun, colours: dict[str, str]) -> None:
    points = {name: (max(speed(ms).median_ms, 1e-3), run.summary(name).f1)  # log axis: no 0 ms
              for name, ms in run.results.items()}
    for name, (ms, f1) in points.items():
        mine = name == "copydesk"
        ax.scatter([ms], [f1], s=160 if mine else 70, color=colours[name], zorder=3,
                   edgecolors="black" if mine else "none", marker="*" if mine else "o")
    ax.set_xscale("log")
    ax.margins(x=0.25, y=0.12)
    ax.autoscale_view()  # fix the limits now so label placement can work in screen units
    _label_points(ax, points, colours)
    # Plain 1-2-5 labels: matplotlib's default minor labels (2x10^0, 3x10^0, ...) run into each other.
    from matplotlib.ticker import FixedLocator, NullFormatter, StrMethodFormatter

    ax.xaxis.set_major_locator(FixedLocator(_ONE_TWO_FIVE))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("median ms per page (log scale; left is faster)")
    ax.set_ylabel("F1 (up is better)")
    ax.set_title(f"{run.key} ({len(run.pages)} pages): quality vs speed")
    ax.grid(True, which="both", alpha=0.3)


# Where a point's label may go, in points from the point: right-above first, then the other corners.
_LABEL_SPOTS = ((7, 5, "left"), (7, -14, "left"), (-7, 5, "right"), (-7, -14, "right"))


def _label_points(ax: Any, points: dict[str, tuple[float, float]], colours: dict[str, str]) -> None:
    """Label each point in the first spot whose text box overlaps no label placed before.

    Peers often land close together (e.g. two at the same F1 and speed); fixed offsets would print
    one name over the other.
    """
    to_points = 72 / ax.figure.dpi
    placed: list[tuple[float, float, float, float]] = []
    for name, (ms, f1) in sorted(points.items(), key=lambda item: item[0] != "copydesk"):
        px, py = (v * to_points for v in ax.transData.transform((ms, f1)))
        width, height = 6.5 * len(name), 10.0  # rough size of the text at the default font
        boxes = [(px + dx - (width if ha == "right" else 0), py + dy, width, height)
                 for dx, dy, ha in _LABEL_SPOTS]
        choice = next((i for i, box in enumerate(boxes) if not any(_overlap(box, o) for o in placed)), 0)
        dx, dy, ha = _LABEL_SPOTS[choice]
        placed.append(boxes[choice])
        ax.annotate(name, (ms, f1), textcoords="offset points", xytext=(dx, dy), ha=ha,
                    fontweight="bold" if name == "copydesk" else "normal", color=colours[name])


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _bars(ax: Any, run: DatasetRun, colours: dict[str, str]) -> None:
    types = run.page_types()
    names = sorted(run.results, key=lambda n: -run.summary(n).f1)
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        xs = [t + (i - (len(names) - 1) / 2) * width for t in range(len(types))]
        heights = [run.summary(name, kind).f1 for kind in types]
        mine = name == "copydesk"
        bars = ax.bar(xs, heights, width, label=name, color=colours[name],
                      edgecolor="black" if mine else "none", linewidth=1.2 if mine else 0)
        if len(types) <= 2:  # few groups: room to print the values, which bars from 0 hide
            ax.bar_label(bars, fmt="%.3f", fontsize="small", fontweight="bold" if mine else "normal")
    ax.set_xticks(range(len(types)), [f"{kind}\n(n={_count(run, kind)})" for kind in types])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.set_title(f"{run.key}: F1 per page type (systems by overall F1, best first)")
    ax.grid(True, axis="y", alpha=0.3)
    # Below the axis, so the legend never hides a bar.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(len(names), 7), fontsize="small",
              frameon=False)
