"""`copydesk bench --metadata`: title, author and publication date against WCXB's ground truth.

Pages count for a field only when their ground truth gives it. How a page scores (1 or 0):

- **title**: equal after normalisation (Unicode NFKC, typographic quotes and dashes made plain,
  whitespace collapsed, case folded).
- **author**: the same set of names. Ground truth writes several authors in one string ("A, B",
  "A and B"), so both sides are joined with ", " and split the same way, at commas, semicolons,
  "&" and " and ", each name normalised like titles. A name with credentials ("Ann Lee, MD") splits
  into parts on both sides alike, so it still matches.
- **date**: the same calendar day (the first 10 characters of ISO 8601: YYYY-MM-DD). No time-zone
  shift is applied: the day the page states is the day compared.

A system that returns nothing, or raises, scores 0 on the page. Peers, each through its documented
API on the same decoded HTML and URL: trafilatura's `bare_extraction(with_metadata=True)` (the full
extraction with metadata, so its time compares with copydesk's `extract`), newspaper4k's `Article`
with `download(input_html=...)` and `parse()`, and htmldate's `find_date` (dates only; defaults plus
`original_date=True`, since the publication date is what is scored).
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from . import datasets
from .datasets import Page

FIELDS = ("title", "author", "date")
META_PEERS = ("trafilatura", "newspaper4k", "htmldate")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_SPACES = re.compile(r"\s+")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


@dataclass
class Found:
    """What one system found on one page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    ms: float = 0.0
    error: str | None = None


@dataclass(frozen=True)
class Truth:
    title: str | None
    author: str | None
    date: str | None


# --- normalisation and scoring -------------------------------------------------------------------


def norm_text(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return _SPACES.sub(" ", text).strip().casefold()


def author_set(names: str | list[str] | None) -> frozenset[str]:
    joined = ", ".join(names) if isinstance(names, list) else (names or "")
    parts = (norm_text(part).strip(" .") for part in _NAME_SPLIT.split(norm_text(joined)))
    return frozenset(part for part in parts if part)


def score(truth: Truth, found: Found) -> dict[str, int | None]:
    """1/0 per field; None where the ground truth does not give the field."""
    return {
        "title": None if not truth.title else int(norm_text(found.title) == norm_text(truth.title)),
        "author": None if not truth.author else int(author_set(found.authors) == author_set(truth.author)),
        "date": None if not truth.date else int((found.date or "")[:10] == truth.date[:10]),
    }


def read_truth(page: Page) -> Truth:
    truth_file = page.html_path.parent.parent / "ground-truth" / f"{page.id}.json"
    record = json.loads(truth_file.read_text(encoding="utf-8")).get("ground_truth") or {}
    values = [record.get(name) for name in ("title", "author", "publish_date")]
    return Truth(*(value.strip() if isinstance(value, str) and value.strip() else None for value in values))


# --- the systems ---------------------------------------------------------------------------------


MetaSystem = Callable[[Any, "str | None"], Found]


def copydesk_meta() -> MetaSystem:
    import copydesk

    def run(html: bytes, url: str | None) -> Found:
        article = copydesk.extract(html, url=url)
        return Found(article.title, article.authors, article.published)

    return run


def trafilatura_meta() -> MetaSystem:
    import trafilatura

    def run(html: str, url: str | None) -> Found:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:
            return Found()
        authors = [name.strip() for name in (doc.author or "").split(";") if name.strip()]
        return Found(doc.title, authors, doc.date)

    return run


def newspaper_meta() -> MetaSystem:
    import newspaper

    def run(html: str, url: str | None) -> Found:
        article = newspaper.Article(url or "", fetch_images=False)
        article.download(input_html=html)
        article.parse()
        published = article.publish_date
        day = published.date().isoformat() if hasattr(published, "date") else None
        return Found(article.title, list(article.authors or []), day)

    return run


def htmldate_meta() -> MetaSystem:
    from htmldate import find_date

    def run(html: str, url: str | None) -> Found:
        return Found(date=find_date(html, url=url, original_date=True))

    return run


_PEER_FACTORIES: dict[str, Callable[[], MetaSystem]] = {
    "trafilatura": trafilatura_meta, "newspaper4k": newspaper_meta, "htmldate": htmldate_meta,
}


def load_systems(peer_names: list[str]) -> dict[str, MetaSystem]:
    """copydesk and the named peers that are installed (a missing one is skipped with a note)."""
    systems = {"copydesk": copydesk_meta()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in peer_names:
            try:
                systems[name] = _PEER_FACTORIES[name]()
            except ImportError as exc:
                click.echo(f"copydesk bench: skipping {name}: {exc}", err=True)
    return systems


# --- the run -------------------------------------------------------------------------------------


def _call(system: MetaSystem, html: Any, url: str | None) -> Found:
    start = time.perf_counter()
    try:
        found = system(html, url)
    except Exception as exc:  # noqa: BLE001 - a failing system scores 0 on the page; the run goes on
        found = Found(error=f"{type(exc).__name__}: {exc}"[:300])
    found.ms = (time.perf_counter() - start) * 1000
    return found


def run(pages: list[Page], systems: dict[str, MetaSystem]) -> list[dict[str, Any]]:
    """Every system on every page that has at least one metadata field in its ground truth."""
    rows = []
    names = list(systems)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for index, page in enumerate(pages):
            truth = read_truth(page)
            if not (truth.title or truth.author or truth.date):
                continue
            raw = page.read_html()
            text = raw.decode("utf-8", errors="replace")
            results = {}
            # Rotate the order so no system always runs on a cold cache.
            for name in names[index % len(names):] + names[: index % len(names)]:
                found = _call(systems[name], raw if name == "copydesk" else text, page.url)
                results[name] = {"found": asdict(found), "score": score(truth, found)}
            rows.append({"id": page.id, "url": page.url, "truth": asdict(truth), "results": results})
    return rows


def summary(rows: list[dict[str, Any]], systems: list[str]) -> dict[str, dict[str, Any]]:
    """Per system: accuracy and n per field, median ms/page."""
    table: dict[str, dict[str, Any]] = {}
    for name in systems:
        entry: dict[str, Any] = {}
        for fld in FIELDS:
            scores = [row["results"][name]["score"][fld] for row in rows]
            scores = [s for s in scores if s is not None]
            entry[fld] = {"accuracy": sum(scores) / len(scores) if scores else None, "n": len(scores)}
        entry["median_ms"] = statistics.median(row["results"][name]["found"]["ms"] for row in rows) if rows else None
        table[name] = entry
    return table


def markdown(table: dict[str, dict[str, Any]]) -> str:
    systems = list(table)
    lines = ["| field | n | " + " | ".join(systems) + " |", "|---|---:|" + "---:|" * len(systems)]
    for fld in FIELDS:
        n = next(iter(table.values()))[fld]["n"]
        cells = [_cell(table[name][fld]["accuracy"], name, fld) for name in systems]
        lines.append(f"| {fld} | {n} | " + " | ".join(cells) + " |")
    lines.append("| median ms/page | | " + " | ".join(f"{table[s]['median_ms']:.1f}" for s in systems) + " |")
    return "\n".join(lines) + "\n"


def _cell(accuracy: float | None, system: str, fld: str) -> str:
    if system == "htmldate" and fld != "date":
        return "-"
    return "-" if accuracy is None else f"{accuracy:.3f}"


def run_command(data_dir: Path | None, peers_arg: str, sample: int | None, limit: int | None,
                json_path: Path | None, quiet: bool) -> None:
    """The `--metadata` variant of `copydesk bench` (WCXB only: AEB has no metadata ground truth)."""
    folder = data_dir or datasets.default_data_dir("wcxb")
    if folder is None:
        raise click.UsageError("no ../shared/benchmarks/wcxb here; pass --data DIR")
    pages = datasets.load("wcxb", folder)
    pages = datasets.sample(pages, sample) if sample else pages
    pages = pages[:limit] if limit else pages
    peers = list(META_PEERS) if not peers_arg or peers_arg == "all" else \
        [name.strip() for name in peers_arg.split(",") if name.strip() in META_PEERS]
    systems = load_systems(peers)
    if not quiet:
        click.echo(f"copydesk bench: metadata of {len(pages)} pages: {', '.join(systems)}", err=True)
    from ..metadata.language import preload

    preload()
    first = pages[0].read_html()
    for name, system in systems.items():  # untimed warm-up: lazy imports and models are not a page's cost
        _call(system, first if name == "copydesk" else first.decode("utf-8", errors="replace"), pages[0].url)
    rows = run(pages, systems)
    table = summary(rows, list(systems))
    click.echo(markdown(table), nl=False)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"summary": table, "pages": rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
        if not quiet:
            click.echo(f"copydesk bench: per-page results: {json_path}", err=True)
