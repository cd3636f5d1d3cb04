"""`copydesk corpus INPUT... -o OUT`: the command line over `runner.run`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..options import Options
from .settings import COPYDESK_EXTRACTOR, FORMATS, CorpusSettings, Filters

_DEFAULTS = CorpusSettings()


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({name.strip().lower() for name in (value or "").split(",") if name.strip()}))


@click.command("corpus")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: numbered part files, a manifest and, when done, _SUCCESS.json.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="parquet (default) or jsonl; default from OUT's extension (.jsonl), else parquet.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds a page may take; past it the worker is killed and the page recorded as an error.")
@click.option("--language", default=None, metavar="CODES", help="Keep pages in these languages (en,de).")
@click.option("--min-chars", type=click.IntRange(min=0), default=0, help="Keep bodies of at least N characters.")
@click.option("--page-type", default=None, metavar="TYPES", help="Keep pages of these types (article,forum).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Keep pages whose confidence reaches X.")
@click.option("--dedup", is_flag=True, help="Mark near-duplicate bodies: dup_cluster and dup_canonical columns.")
@click.option("--dedup-threshold", type=click.FloatRange(0, 1), default=_DEFAULTS.dedup_threshold,
              show_default=True, help="Estimated shingle similarity from which two bodies are near-copies.")
@click.option("--no-metadata", is_flag=True, help="Title and body only (faster).")
@click.option("--part-rows", type=click.IntRange(min=1), default=_DEFAULTS.part_rows, show_default=True,
              help="Rows per part file (the unit a resumed run keeps or redoes).")
@click.option("--group-rows", type=click.IntRange(min=1), default=_DEFAULTS.group_rows, show_default=True,
              help="Rows per Parquet row group.")
@click.option("--extractor", default=COPYDESK_EXTRACTOR, show_default=True, metavar="MODULE:FUNCTION",
              help="The per-page function (payload, url, options) -> record dict; the bench runs trafilatura here.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def corpus(inputs: tuple[str, ...], out: Path, fmt: str | None, workers: int | None, timeout: float,
           language: str | None, min_chars: int, page_type: str | None, min_confidence: float | None, dedup: bool,
           dedup_threshold: float, no_metadata: bool, part_rows: int, group_rows: int, extractor: str,
           quiet: bool) -> None:
    """Extract every record of INPUT... (WARC/WET files, folders of .html/.html.gz, JSONL with html or
    text) into OUT, one row per record, in parallel. Run the same command again to resume a killed run."""
    filters = Filters(_names(language), min_chars, _names(page_type), min_confidence)
    settings = CorpusSettings(
        options=Options(metadata=not no_metadata), filters=filters, workers=workers or os.cpu_count() or 1,
        timeout=timeout, group_rows=min(group_rows, part_rows), part_rows=part_rows,
        format=fmt or ("jsonl" if out.name.lower().endswith(".jsonl") else "parquet"),
        dedup=dedup, dedup_threshold=dedup_threshold, extractor=extractor, progress=not quiet)
    from .output import OutputMismatch
    from .pool import WorkerStartError
    from .readers import InputError
    from .runner import format_summary, run

    try:
        summary = run(list(inputs), out, settings)
    except (InputError, OutputMismatch, WorkerStartError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not quiet:
        click.echo(format_summary(summary, out), err=True)
