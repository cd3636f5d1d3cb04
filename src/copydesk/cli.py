"""The `copydesk` command line: `extract` pages, `bench` against the peers."""

from __future__ import annotations

import sys
from typing import TextIO

import click

from . import __version__
from .article import Article
from .errors import ExtractionError
from .formats import FORMATS, render
from .parse import decode, read_gzip_or_plain
from .pipeline import extract
from .textmode import extract_text, looks_like_html


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
         "with the metadata, then the body; html: the body as clean, safe HTML; xml: the record as one XML document.",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write here (default stdout).")
@click.option("--explain", is_flag=True, help="List every removed block with its category (json).")
@click.option("--text", "text_mode", is_flag=True,
              help="The input is a page's visible text (a crawler's text dump), not HTML. Without markup "
                   "near its start, input is read as text anyway.")
def extract_command(paths: tuple[str, ...], url: str | None, fmt: str, output: TextIO, explain: bool,
                    text_mode: bool) -> None:
    """Extract the main content of PATH... (.html, .html.gz, .txt, or - for stdin).

    With several pages and --format json, one JSON record per line (JSONL).
    """
    failed = 0
    for path in paths:
        try:
            article = _extract(_read(path), url, explain, text_mode)
        except (OSError, ExtractionError) as exc:
            click.echo(f"copydesk: error: {path}: {_one_line(exc)}", err=True)
            failed += 1
            continue
        output.write(render(article, fmt).rstrip("\n") + "\n")
        if len(paths) > 1 and fmt != "json":
            output.write("\n")
    if failed:
        sys.exit(1)


def _extract(data: bytes, url: str | None, explain: bool, text_mode: bool) -> Article:
    if (text_mode or not looks_like_html(data)) and data.strip() and b"\0" not in data[:4096]:
        return extract_text(decode(data), url=url, explain=explain)
    return extract(data, url=url, explain=explain)


@main.command("train")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="WCXB folder (default ../shared/benchmarks/wcxb).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Default: src/copydesk/models/blocks.lgb (html) or lines.lgb (text).")
@click.option("--folds", type=int, default=5, show_default=True, help="Domain-grouped folds for the CV report.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-cv", is_flag=True, help="Skip the cross-validation report (fit on all pages only).")
@click.option("--mode", type=click.Choice(["html", "text"]), default="html", show_default=True,
              help="html: the block, page-type and confidence models; text: the line model of extract_text, "
                   "trained on WCXB dev rendered to text.")
def train_command(data_dir: str | None, out: str | None, folds: int, seed: int, no_cv: bool, mode: str) -> None:
    """Train the block model (or, with --mode text, the line model) on WCXB dev and save it."""
    from pathlib import Path

    from .bench.datasets import default_data_dir
    from .train import train

    folder = Path(data_dir) if data_dir else default_data_dir("wcxb")
    if folder is None:
        raise click.UsageError("no WCXB data: pass --data DIR")
    out = out or f"src/copydesk/models/{'lines' if mode == 'text' else 'blocks'}.lgb"
    if mode == "text":
        from .train_text import train_text

        summary = train_text(folder, Path(out), folds=folds, seed=seed, cv=not no_cv)
    else:
        summary = train(folder, Path(out), folds=folds, seed=seed, cv=not no_cv)
    for name, value in summary.items():
        click.echo(f"cv {name:<40} {value:.3f}")
    click.echo(f"model written to {out}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=int, default=None, help="Extraction processes (default: one per CPU).")
@click.option("--extract-timeout", type=float, default=10.0, show_default=True,
              help="Seconds one extraction may run before its process is killed (504).")
@click.option("--max-body-mb", type=float, default=20.0, show_default=True, help="Largest request body (413).")
@click.option("--allow-network", "allow_networks", multiple=True, metavar="CIDR",
              help="Let URL fetches reach this non-public network (repeatable), e.g. 10.0.0.0/8.")
def serve_command(host: str, port: int, workers: int | None, extract_timeout: float, max_body_mb: float,
                  allow_networks: tuple[str, ...]) -> None:
    """Serve the extraction API and the web page (needs the `service` extra)."""
    try:
        from .service import FetchOptions, ServiceOptions, serve
    except ImportError as exc:
        raise click.ClickException(f"{exc.name} is missing: pip install 'copydesk[service]'") from None
    settings = {"workers": workers} if workers else {}
    serve(ServiceOptions(host=host, port=port, extract_timeout=extract_timeout, max_body_bytes=int(max_body_mb * 2**20),
                         fetch=FetchOptions(allow_networks=allow_networks), **settings))


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
