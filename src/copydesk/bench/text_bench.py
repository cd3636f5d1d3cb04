"""`copydesk bench --mode text`: text mode on the benchmark pages rendered to text dumps.

Every page is rendered to its visible text (`render`), then three systems clean the text:

- `all lines`: the do-nothing baseline, the whole dump;
- `C4 lines` / `C4 + page rules`: the C4 paper's line filter, without and with its page rules (`c4`);
- `copydesk text`: `extract_text`. On WCXB dev each page is scored by a line model trained without
  its domain's fold (5 domain-grouped folds, as `copydesk train --mode text` reports); on AEB by the
  shipped model (trained on all of WCXB dev; AEB is never used to fit).

Scores as the HTML bench: AEB with 4-gram shingle F1, WCXB with word F1 per page. Speed: each page's
`extract_text` on its dump against `extract` (metadata off, as the HTML bench times it) on its HTML,
interleaved page by page, the call alone timed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from ..errors import ExtractionError
from ..options import Options
from ..pipeline import extract
from ..textmode import extract_text
from . import datasets, floors
from .c4 import c4_filter
from .render import RenderedPage, render_dataset
from .runner import percentile
from .scoring import SCORERS, PageScore

SYSTEMS = ("all lines", "C4 lines", "C4 + page rules", "copydesk text")
HTML_OPTIONS = Options(metadata=False)


@dataclass(frozen=True, slots=True)
class TextRun:
    """One dataset's scores: per system, one score per page (pages in id order)."""

    name: str
    pages: list[RenderedPage]
    scores: dict[str, list[PageScore]]


def run(data_dir: Path | None, names: list[str], folds: int, quiet: bool, json_path: Path | None) -> list[TextRun]:
    """Render, clean, score and time; print the tables and write the per-page results."""
    runs, timings = [], {}
    for name in names:
        folder = data_dir / name if data_dir is not None and len(names) > 1 else data_dir
        folder = folder or datasets.default_data_dir(name)
        if folder is None:
            raise click.UsageError(f"no ../shared/benchmarks/{name} here; pass --data DIR")
        _status(quiet, f"rendering {name} to text")
        pages = render_dataset(name, folder, progress=not quiet)
        runs.append(TextRun(name, pages, _score(name, pages, folds, quiet)))
        _status(quiet, f"timing text mode against HTML mode on {name}")
        timings[name] = time_modes(datasets.load(name, folder), pages)
    click.echo(markdown(runs, timings), nl=False)
    path = json_path or Path("bench-results") / ("text-" + "+".join(names) + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(runs, timings), indent=1), encoding="utf-8")
    _status(quiet, f"per-page results: {path}")
    return runs


def floors_pass(runs: list[TextRun], floors_data: dict[str, dict[str, float]]) -> bool:
    """Text mode's F1 on each dataset against its floor, keyed `<dataset>-text` (`aeb-text`)."""
    results = [floors.check(f"{run.name}-text", _summary(run.name, run.scores["copydesk text"])[0], floors_data)
               for run in runs]
    for result in results:
        click.echo(f"copydesk bench: floor {'ok' if result.passed else 'FAILED'}: {result.message}", err=True)
    return all(result.passed for result in results)


def _score(name: str, pages: list[RenderedPage], folds: int, quiet: bool) -> dict[str, list[PageScore]]:
    score_page = SCORERS[name][0]
    predictions: dict[str, Callable[[RenderedPage], str]] = {
        "all lines": lambda page: page.text,
        "C4 lines": lambda page: c4_filter(page.text, page_rules=False),
        "C4 + page rules": lambda page: c4_filter(page.text),
        "copydesk text": _cross_validated(pages, folds, quiet) if name == "wcxb" and folds else _shipped,
    }
    return {system: [score_page(predict(page), page.truth) for page in pages]
            for system, predict in predictions.items()}


def _shipped(page: RenderedPage) -> str:
    try:
        return extract_text(page.text).text
    except ExtractionError:  # a page with no visible text at all
        return ""


def _cross_validated(pages: list[RenderedPage], folds: int, quiet: bool) -> Callable[[RenderedPage], str]:
    """Each WCXB page's body from the line model (and lexicon) fit without its domain's fold."""
    from ..train import fold_of
    from ..train_text import body_text, fold_models, line_examples

    _status(quiet, f"training {folds} domain-grouped fold models for cross-validated WCXB scores")
    examples = {e.page.id: e for e in line_examples(pages)}
    models = fold_models(list(examples.values()), folds, seed=0)

    def predict(page: RenderedPage) -> str:
        example = examples[page.id]
        return body_text(example, models[fold_of(page.domain, folds)].probabilities(example))

    return predict


def time_modes(html_pages: list[datasets.Page], pages: list[RenderedPage]) -> dict[str, list[float]]:
    """Milliseconds per page of `extract_text` on the dump and `extract` on the HTML, interleaved."""
    with contextlib.suppress(ExtractionError):  # load the models before timing
        extract_text(pages[0].text + "\nA line.")
        extract(html_pages[0].read_html(), options=HTML_OPTIONS)
    times: dict[str, list[float]] = {"text": [], "html": []}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection lands on whichever call is running: keep it out of both
    try:
        for i, (html_page, page) in enumerate(zip(html_pages, pages, strict=True)):
            html, text = html_page.read_html(), page.text
            started = time.perf_counter()
            with contextlib.suppress(ExtractionError):
                extract(html, url=html_page.url, options=HTML_OPTIONS)
            middle = time.perf_counter()
            with contextlib.suppress(ExtractionError):  # a page with no visible text
                extract_text(text, url=page.url)
            times["html"].append((middle - started) * 1000)
            times["text"].append((time.perf_counter() - middle) * 1000)
            if i % 100 == 99:
                gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()
    return times


def _summary(name: str, scores: list[PageScore]) -> tuple[float, float, float]:
    summary = SCORERS[name][1](scores)
    return summary.f1, summary.precision, summary.recall


def markdown(runs: list[TextRun], timings: dict[str, dict[str, list[float]]]) -> str:
    lines = ["| dataset (rendered to text) | system | F1 | P | R |", "|---|---|---|---|---|"]
    for run in runs:
        for system in SYSTEMS:
            f1, precision, recall = _summary(run.name, run.scores[system])
            name = f"**{system}**" if system == "copydesk text" else system
            lines.append(f"| {run.name} ({len(run.pages)} pages) | {name} | {f1:.3f} | {precision:.3f} "
                         f"| {recall:.3f} |")
    for run in (run for run in runs if run.name == "wcxb"):
        lines += ["", *_per_type_table(run)]
    lines += ["", "| dataset | mode | median ms | mean ms | p95 ms | html / text (median) |",
              "|---|---|---|---|---|---|"]
    for name, times in timings.items():
        medians = {mode: percentile(sorted(values), 50) for mode, values in times.items()}
        for mode in ("html", "text"):
            values = sorted(times[mode])
            ratio = f"{medians['html'] / medians['text']:.1f}x" if mode == "text" and medians["text"] else ""
            lines.append(f"| {name} | {mode} | {medians[mode]:.2f} | {np.mean(values):.2f} | "
                         f"{percentile(values, 95):.2f} | {ratio} |")
    return "\n".join(lines) + "\n"


def _per_type_table(run: TextRun) -> list[str]:
    """WCXB F1 of each system per page type."""
    counts = Counter(page.page_type for page in run.pages)
    kinds = sorted(counts)
    header = " | ".join(f"{kind} (n={counts[kind]})" for kind in kinds)
    rows = [f"| wcxb F1 per page type | {header} |", "|---" * (len(kinds) + 1) + "|"]
    for system in SYSTEMS:
        cells = [np.mean([score.f1 for page, score in zip(run.pages, run.scores[system], strict=True)
                          if page.page_type == kind]) for kind in kinds]
        rows.append(f"| {system} | " + " | ".join(f"{cell:.3f}" for cell in cells) + " |")
    return rows


def to_json(runs: list[TextRun], timings: dict[str, dict[str, list[float]]]) -> dict[str, object]:
    return {
        "datasets": {
            run.name: {
                "summary": {system: dict(zip(("f1", "precision", "recall"), _summary(run.name, scores), strict=True))
                            for system, scores in run.scores.items()},
                "pages": [{"id": page.id, "page_type": page.page_type, "lines": len(page.lines),
                           **{system: round(run.scores[system][i].f1, 4) for system in SYSTEMS}}
                          for i, page in enumerate(run.pages)],
            }
            for run in runs
        },
        "ms": {name: {mode: [round(value, 3) for value in values] for mode, values in times.items()}
               for name, times in timings.items()},
    }


def _status(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(f"copydesk bench: {message}", err=True)
