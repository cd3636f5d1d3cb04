"""The `copydesk` command line: `extract` pages, `bench` against the peers."""

from __future__ import annotations

import sys
from typing import TextIO

import click

from . import __version__
from .errors import ExtractionError
from .formats import FORMATS, render
from .parse import read_gzip_or_plain
from .pipeline import extract


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return read_gzip_or_plain(path)


@click.group()
@click.version_option(__version__, prog_name="copydesk")
def main() -> None:
    """copydesk: web pages in, clean structured article records out."""


@main.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--url", default=None, help="The page's URL (resolves relative links).")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text: the body; json: the record (schema: copydesk/schema/article.schema.json); markdown: front matter "
         "with the metadata, then the body; html: the body as clean, safe HTML.",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write here (default stdout).")
@click.option("--explain", is_flag=True, help="List every removed block with its category (json).")
def extract_command(paths: tuple[str, ...], url: str | None, fmt: str, output: TextIO, explain: bool) -> None:
    """Extract the main content of PATH... (.html, .html.gz, or - for stdin).

    With several pages and --format json, one JSON record per line (JSONL).
    """
    failed = 0
    for path in paths:
        try:
            article = extract(_read(path), url=url, explain=explain)
        except (OSError, ExtractionError) as exc:
            click.echo(f"copydesk: error: {path}: {_one_line(exc)}", err=True)
            failed += 1
            continue
        output.write(render(article, fmt).rstrip("\n") + "\n")
        if len(paths) > 1 and fmt != "json":
            output.write("\n")
    if failed:
        sys.exit(1)


@main.command("train")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="WCXB folder (default ../shared/benchmarks/wcxb).")
@click.option("--out", type=click.Path(dir_okay=False), default="src/copydesk/models/blocks.lgb", show_default=True)
@click.option("--folds", type=int, default=5, show_default=True, help="Domain-grouped folds for the CV report.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-cv", is_flag=True, help="Skip the cross-validation report (fit on all pages only).")
def train_command(data_dir: str | None, out: str, folds: int, seed: int, no_cv: bool) -> None:
    """Train the block model on WCXB dev and save it (LightGBM text + JSON sidecar)."""
    from pathlib import Path

    from .bench.datasets import default_data_dir
    from .train import train

    folder = Path(data_dir) if data_dir else default_data_dir("wcxb")
    if folder is None:
        raise click.UsageError("no WCXB data: pass --data DIR")
    summary = train(folder, Path(out), folds=folds, seed=seed, cv=not no_cv)
    for name, value in summary.items():
        click.echo(f"cv {name:<40} {value:.3f}")
    click.echo(f"model written to {out}")


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _register_bench() -> None:
    # The bench lives in its own subpackage; its peers are an optional extra.
    from .bench.command import bench

    main.add_command(bench)


def _register_corpus() -> None:
    from .corpus.command import corpus

    main.add_command(corpus)


_register_bench()
_register_corpus()

if __name__ == "__main__":
    main()
