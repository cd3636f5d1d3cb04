"""Load the two labelled benchmarks (layouts described in ../shared/README.md) and sample them.

Only the small ground truth is loaded up front; each page's HTML is read when the runner reaches it,
so a 1,310-page run does not hold every page in memory at once.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..parse import read_gzip_or_plain

DATASETS = ("aeb", "wcxb")
AEB_PAGE_TYPE = "article"  # AEB is all news/blog articles: one group


class DatasetError(Exception):
    """The benchmark folder is missing or not laid out as expected."""


@dataclass(frozen=True)
class Page:
    """One labelled page: where its HTML is and what the extractor should have found."""

    id: str
    page_type: str
    url: str | None
    truth: str
    html_path: Path

    def read_html(self) -> bytes:
        """The page's raw bytes, gunzipped (as a crawler would hand them over)."""
        return read_gzip_or_plain(str(self.html_path))


def default_data_dir(name: str, cwd: Path | None = None) -> Path | None:
    """`../shared/benchmarks/<name>` relative to the current directory, when it exists."""
    candidate = (cwd or Path.cwd()) / ".." / "shared" / "benchmarks" / name
    return candidate.resolve() if candidate.is_dir() else None


def load(name: str, data_dir: Path) -> list[Page]:
    """All pages of dataset `name` under `data_dir`, sorted by id."""
    if name == "aeb":
        pages = load_aeb(data_dir)
    elif name == "wcxb":
        pages = load_wcxb(data_dir)
    else:
        raise DatasetError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    return sorted(pages, key=lambda page: page.id)


def load_aeb(data_dir: Path) -> list[Page]:
    """AEB: `html/<id>.html.gz` and one `ground-truth.json` mapping id -> {articleBody, url}."""
    truth_file = data_dir / "ground-truth.json"
    if not truth_file.is_file():
        raise DatasetError(f"{truth_file} not found: is {data_dir} the AEB folder?")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    return [
        Page(page_id, AEB_PAGE_TYPE, entry.get("url"), entry.get("articleBody") or "",
             _html_path(data_dir / "html", page_id))
        for page_id, entry in truth.items()
    ]


def load_wcxb(data_dir: Path) -> list[Page]:
    """WCXB: `dev/html/<id>.html.gz` and `dev/ground-truth/<id>.json` (accepts the dev folder itself too)."""
    split = data_dir / "dev" if (data_dir / "dev").is_dir() else data_dir
    truth_dir = split / "ground-truth"
    if not truth_dir.is_dir():
        raise DatasetError(f"{truth_dir} not found: is {data_dir} the WCXB folder?")
    return [_wcxb_page(path, split / "html") for path in sorted(truth_dir.glob("*.json"))]


def _wcxb_page(truth_file: Path, html_dir: Path) -> Page:
    record = json.loads(truth_file.read_text(encoding="utf-8"))
    page_id = truth_file.stem
    page_type = record.get("_internal", {}).get("page_type", {}).get("primary") or "unknown"
    # Some pages (e.g. script-rendered products) have no main content: truth is "" or null.
    truth = (record.get("ground_truth") or {}).get("main_content") or ""
    return Page(page_id, page_type, record.get("url"), truth, _html_path(html_dir, page_id))


def _html_path(html_dir: Path, page_id: str) -> Path:
    for name in (f"{page_id}.html.gz", f"{page_id}.html"):
        if (html_dir / name).is_file():
            return html_dir / name
    raise DatasetError(f"no HTML for page {page_id} in {html_dir}")


# --- sampling ------------------------------------------------------------------------------------


def sample(pages: list[Page], size: int, seed: int = 0) -> list[Page]:
    """A fixed sample of `size` pages, stratified by page type, returned sorted by id.

    Each type gets a share proportional to its size (largest remainders break ties, every type
    present gets at least one page when size allows). Within a type the pages are ranked by a hash
    of seed and id, not by `random`, so the sample is the same on every machine and Python version,
    and a larger sample contains the smaller one's pages of each type.
    """
    if size >= len(pages):
        return list(pages)
    by_type: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_type[page.page_type].append(page)
    quotas = _quotas({kind: len(members) for kind, members in by_type.items()}, size)
    chosen = [
        page
        for kind, members in by_type.items()
        for page in sorted(members, key=lambda p: _rank(seed, p.id))[: quotas[kind]]
    ]
    return sorted(chosen, key=lambda page: page.id)


def _quotas(counts: dict[str, int], size: int) -> dict[str, int]:
    """Split `size` over the types in proportion to `counts` (largest-remainder method)."""
    total = sum(counts.values())
    exact = {kind: size * count / total for kind, count in counts.items()}
    quotas = {kind: int(share) for kind, share in exact.items()}
    if size >= len(counts):
        # A type with a handful of pages must still be seen, or its per-type column would be empty.
        quotas = {kind: max(1, quota) for kind, quota in quotas.items()}
    # Hand out what is left (or take back what the minimum of one overspent), by remainder then name.
    order = sorted(counts, key=lambda kind: (-(exact[kind] - int(exact[kind])), kind))
    spare = size - sum(quotas.values())
    while spare != 0:
        for kind in order if spare > 0 else reversed(order):
            if spare > 0 and quotas[kind] < counts[kind]:
                quotas[kind] += 1
                spare -= 1
            elif spare < 0 and quotas[kind] > 1:
                quotas[kind] -= 1
                spare += 1
            if spare == 0:
                break
    return quotas


def _rank(seed: int, page_id: str) -> str:
    return hashlib.sha256(f"{seed}:{page_id}".encode()).hexdigest()
