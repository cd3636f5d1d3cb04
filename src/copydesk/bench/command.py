"""`copydesk bench`: measure copydesk against the peers on the labelled benchmarks."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from . import datasets, floors, report, runner
from . import speed as speed_bench
from .datasets import DATASETS, DatasetError, Page
from .peers import PEERS, PeerMissing, System, copydesk_cv_system, copydesk_system, load_peers


@dataclass(frozen=True)
class Selection:
    """One dataset as it will be run: its name, its floor/report key and the chosen pages."""

    name: str
    key: str
    pages: list[Page]


@click.command()
@click.option("--dataset", "dataset_arg", required=True, metavar="aeb|wcxb|aeb,wcxb|all",
              help="Benchmark(s) to run; several separated by commas, or all.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The dataset's folder (default ../shared/benchmarks/<name>). With several datasets: "
                   "the folder holding one sub-folder per dataset.")
@click.option("--peers", "peers_arg", default="", metavar="NAMES|all",
              help=f"Peers to compare, comma separated, or all: {', '.join(PEERS)}. Default: none.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="N",
              help="A fixed sample of N pages per dataset (WCXB: stratified by page type).")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Only the first N pages (quick runs).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Per-page results file (default bench-results/<key>.json).")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also draw a chart of F1 vs speed and F1 per page type to this PNG.")
@click.option("--memory", is_flag=True,
              help="Add a tracemalloc pass for each system's peak allocation (kept apart from timing).")
@click.option("--check-floors", "floors_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Exit 1 if copydesk's F1 falls below a floor in this JSON file.")
@click.option("--cv", "cv_folds", type=click.IntRange(min=0), default=5, show_default=True, metavar="K",
              help="On WCXB, score each page with a model trained without its domain's fold "
                   "(K domain-grouped folds, trained first); 0 uses the shipped model (in-sample on WCXB dev).")
@click.option("--quiet", is_flag=True, help="No progress bar or status lines on stderr.")
@click.option("--metadata", "metadata_only", is_flag=True,
              help="Score title, author and publication date instead of the body (WCXB; peers: trafilatura, "
                   "newspaper4k, htmldate).")
@click.option("--speed", "speed_only", is_flag=True,
              help="Instead: per-page p50/p95/p99/max ms and each system's peak RSS, with the bare parse "
                   "as the floor (shipped model, no --cv).")
@click.option("--mode", type=click.Choice(["html", "text"]), default="html", show_default=True,
              help="text: the pages rendered to text dumps, cleaned by extract_text, the do-nothing baseline "
                   "and the C4 line filter; with text mode's speed against HTML mode's.")
@click.option("--corpus", "corpus_only", is_flag=True,
              help="Instead: build a WARC of the pages and time `copydesk corpus` on it with 1 and 2 workers, "
                   "copydesk against trafilatura as the extractor, with each worker's peak RSS.")
@click.option("--rounds", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --corpus: run every configuration this many times, alternating, and keep the fastest.")
@click.option("--dedup", "dedup_only", is_flag=True,
              help="Instead: precision and recall of --dedup on perturbed copies of the WCXB bodies.")
def bench(dataset_arg: str, data_dir: Path | None, peers_arg: str, sample: int | None, limit: int | None,
          json_path: Path | None, plot_path: Path | None, memory: bool, floors_path: Path | None,
          cv_folds: int, quiet: bool, metadata_only: bool = False, speed_only: bool = False,
          mode: str = "html", corpus_only: bool = False, rounds: int = 1, dedup_only: bool = False) -> None:
    """Measure copydesk (and optionally its peers) on the AEB and WCXB benchmarks.

    Prints a Markdown table (F1, precision, recall, speed) and writes every page's scores to JSON.
    """
    if mode == "text":
        from . import text_bench

        text_floors = _read_floors(floors_path)
        runs = text_bench.run(data_dir, _split(dataset_arg, DATASETS, "--dataset"), cv_folds, quiet, json_path)
        if text_floors is not None and not text_bench.floors_pass(runs, text_floors):
            sys.exit(1)
        return
    if metadata_only:
        from . import metadata

        metadata.run_command(data_dir, peers_arg, sample, limit, json_path, quiet)
        return
    _preload_language_model()
    started = time.perf_counter()
    names = _split(dataset_arg, DATASETS, "--dataset")
    systems = _systems(_split(peers_arg, PEERS, "--peers") if peers_arg else [])
    selections = [_select(name, _data_dir(name, data_dir, len(names) > 1), sample, limit) for name in names]
    floors_data = _read_floors(floors_path)
    if corpus_only or dedup_only:
        _corpus_benches(selections, corpus_only, dedup_only, rounds, quiet, json_path)
        return
    if speed_only:
        speed_bench.run(selections, _split(peers_arg, PEERS, "--peers") if peers_arg else [], quiet, json_path)
        return
    _status(quiet, f"systems: {', '.join(s.name for s in systems)}")

    runs = []
    for sel in selections:
        dataset_systems = systems
        if sel.name == "wcxb" and cv_folds:
            _status(quiet, f"training {cv_folds} fold models for cross-validated WCXB scores")
            cv_system = copydesk_cv_system(_data_dir("wcxb", data_dir, len(names) > 1), cv_folds, quiet)
            dataset_systems = [cv_system, *systems[1:]]
        runner.warm_up(sel.pages, dataset_systems)
        runs.append(runner.run_dataset(sel.name, sel.key, sel.pages, dataset_systems, progress=not quiet))
    memory_stats = None
    if memory:
        all_pages = [page for sel in selections for page in sel.pages]
        memory_stats = runner.measure_memory(all_pages, systems, progress=not quiet)
    peak_rss = runner.peak_rss_bytes()

    click.echo(report.markdown(runs, memory_stats, peak_rss), nl=False)
    elapsed = time.perf_counter() - started
    # The parsed options, not sys.argv: the command may run inside another program (tests, notebooks).
    options = {key: str(value) if isinstance(value, Path) else value
               for key, value in click.get_current_context().params.items()}
    meta = {"options": options, "duration_s": round(elapsed, 1), "systems": [s.name for s in systems]}
    _write_outputs(runs, memory_stats, peak_rss, meta, json_path, plot_path, quiet)
    _warn_copydesk_failures(runs)
    _status(quiet, f"took {elapsed:.0f} s")
    if floors_data is not None and not _floors_pass(runs, floors_data):
        sys.exit(1)


def _corpus_benches(selections: list[Selection], corpus_only: bool, dedup_only: bool, rounds: int, quiet: bool,
                    json_path: Path | None) -> None:
    pages = [page for sel in selections for page in sel.pages]
    if corpus_only:
        from . import corpus as corpus_bench

        corpus_bench.run_command(pages, (1, 2), quiet, json_path, rounds)
    if dedup_only:
        from . import dedup as dedup_bench

        dedup_bench.run_command(pages, quiet, json_path)


def _preload_language_model() -> None:
    # Loaded once before timing, like the block model in the warm-up: otherwise the first page that
    # declares no language is billed about a second of model loading.
    from ..metadata.language import preload

    preload()


def _split(argument: str, known: tuple[str, ...], option: str) -> list[str]:
    """`a,b` -> [a, b]; `all` -> every known name; unknown names are a usage error."""
    if argument.strip() == "all":
        return list(known)
    names = [name.strip() for name in argument.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise click.BadParameter(f"unknown {', '.join(unknown) or repr(argument)}; "
                                 f"choose from {', '.join(known)} or all", param_hint=option)
    return list(dict.fromkeys(names))  # keep order, drop repeats


def _systems(peer_names: list[str]) -> list[System]:
    try:
        return [copydesk_system(), *load_peers(peer_names)]
    except PeerMissing as exc:
        raise click.ClickException(str(exc)) from exc


def _data_dir(name: str, given: Path | None, several: bool) -> Path:
    """Where dataset `name` lives: --data itself, --data/<name> with several datasets, or the default."""
    if given is not None:
        return given / name if several else given
    found = datasets.default_data_dir(name)
    if found is None:
        raise click.UsageError(f"no ../shared/benchmarks/{name} here; pass --data DIR")
    return found


def _select(name: str, data_dir: Path, sample: int | None, limit: int | None) -> Selection:
    try:
        pages = datasets.load(name, data_dir)
    except (DatasetError, OSError, ValueError) as exc:
        raise click.ClickException(f"cannot load {name}: {exc}") from exc
    if sample:
        pages = datasets.sample(pages, sample)
    if limit:
        pages = pages[:limit]
    if not pages:
        raise click.ClickException(f"{name}: no pages in {data_dir}")
    return Selection(name, floors.dataset_key(name, sample, limit), pages)


def _read_floors(path: Path | None) -> dict[str, dict[str, float]] | None:
    # Read before the run: a broken floors file should fail in a second, not after twenty minutes.
    if path is None:
        return None
    try:
        return floors.load_floors(path)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read floors: {exc}") from exc


def _write_outputs(runs: list[runner.DatasetRun], memory_stats: dict[str, runner.Memory] | None,
                   peak_rss: int | None, meta: dict[str, object], json_path: Path | None,
                   plot_path: Path | None, quiet: bool) -> None:
    json_path = json_path or Path("bench-results") / ("+".join(run.key for run in runs) + ".json")
    report.write_json(json_path, report.to_json(runs, memory_stats, peak_rss, meta))
    _status(quiet, f"per-page results: {json_path}")
    if plot_path is not None:
        try:
            report.plot(runs, plot_path)
        except ImportError as exc:
            hint = f"--plot needs matplotlib ({exc}): pip install copydesk[bench]"
            raise click.ClickException(hint) from exc
        _status(quiet, f"chart: {plot_path}")


def _warn_copydesk_failures(runs: list[runner.DatasetRun], shown: int = 10) -> None:
    # The issue requires copydesk never to raise nor to take over 1 s on a page: name the culprits
    # (the first few; the JSON file has them all).
    problems = [f"{run.key} page {page.id}: {m.error or f'took {m.ms:.0f} ms'}"
                for run in runs for page, m in zip(run.pages, run.results["copydesk"], strict=True)
                if m.error or m.ms > runner.SLOW_MS]
    for problem in problems[:shown]:
        click.echo(f"copydesk bench: warning: {problem}", err=True)
    if len(problems) > shown:
        click.echo(f"copydesk bench: warning: ... and {len(problems) - shown} more pages", err=True)


def _floors_pass(runs: list[runner.DatasetRun], floors_data: dict[str, dict[str, float]]) -> bool:
    results = [floors.check(run.key, run.summary("copydesk").f1, floors_data,
                            errors=runner.speed(run.results["copydesk"]).errors) for run in runs]
    for result in results:
        verdict = "ok" if result.passed else "FAILED"
        click.echo(f"copydesk bench: floor {verdict}: {result.message}", err=True)
    return all(result.passed for result in results)


def _status(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(f"copydesk bench: {message}", err=True)
