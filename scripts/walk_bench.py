"""Speed of the compiled DOM walker against the Python one, interleaved in one process.

For every AEB and WCXB (dev) page, parsed as `pipeline.heuristic_pass` parses it, `page_blocks` (the
walk, with its noscript retry) runs `--rounds` times with each walker, alternating which goes first; a
page's time is its median. Then `copydesk.extract` is timed the same way with each walker. Reports the
median and mean over pages, and the ratio.

The Python walker calls rules.attribute_category (an lru_cache, in Python, ~2 us a call it has not seen)
for an element's class and id strings; the compiled one classifies ASCII strings itself, with the same
tables, and calls it for the others only. Repeating a page warms that cache; a run over many pages finds
about 4 in 5 of a page's distinct class strings new to it. So the walk is timed three ways: "warm" (the
page repeated), "cold" (the cache cleared before every timed walk), and in single passes over all the
pages, each page walked right after it is parsed, each walker with its own cache (what a real run sees,
its DOM and caches as fresh as in a run).

    python scripts/walk_bench.py                 # both benchmarks under ../shared/benchmarks
    python scripts/walk_bench.py --limit 200 --rounds 5 --extract-rounds 3
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path

from selectolax.lexbor import LexborNode

import copydesk
from copydesk import blocks
from copydesk.options import DEFAULT_OPTIONS
from copydesk.parse import parse, prepare
from copydesk.rules import attribute_category

WALKERS = ("python", "compiled")


def page_files(bench_dir: Path) -> list[Path]:
    files = sorted((bench_dir / "aeb" / "html").glob("*.html.gz"))
    files += sorted((bench_dir / "wcxb" / "dev" / "html").glob("*.html.gz"))
    return files


def timed(fn, walker: str, cold: bool) -> float:  # noqa: ANN001
    blocks.set_walker(walker)
    if cold:
        attribute_category.cache_clear()
    started = time.perf_counter()
    fn()
    # Each walker pays for collecting its own young objects (the compiled walker pauses the collector
    # while it runs, so its collection would otherwise fall on whatever runs next).
    gc.collect(0)
    return time.perf_counter() - started


def parsed_root(data: bytes) -> LexborNode | None:
    """The node `page_blocks` walks, parsed as extraction parses it; None for a page that is not HTML.
    The tree stays alive through the root node."""
    try:
        tree = parse(*prepare(data, DEFAULT_OPTIONS))
    except copydesk.ExtractionError:
        return None
    return tree.body or tree.root


def bench(pages: list[bytes], rounds: int, what: str, cold: bool = False) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {w: [] for w in WALKERS}
    for data in pages:
        if what == "walk":
            if (root := parsed_root(data)) is None:
                continue

            def fn(root=root) -> None:  # noqa: ANN001
                blocks.page_blocks(root)
        else:
            def fn(data=data) -> None:  # noqa: ANN001
                with contextlib.suppress(copydesk.ExtractionError):
                    copydesk.extract(data)
        per_page: dict[str, list[float]] = {w: [] for w in WALKERS}
        for r in range(rounds):
            order = WALKERS if r % 2 == 0 else WALKERS[::-1]
            for walker in order:
                per_page[walker].append(timed(fn, walker, cold))
        for walker in WALKERS:
            times[walker].append(statistics.median(per_page[walker]))
    return times


def bench_single_pass(pages: list[bytes], passes: int) -> dict[str, list[float]]:
    """Each page parsed, then walked once by each walker (which goes first alternating page by page), in
    passes over all the pages; each walker has its own attribute_category cache, fresh at each pass: the
    cache state each would have in a run over these pages one after the other. (The compiled walker keeps
    rules' own function: given another, it would call that back for every string instead of classifying.)"""
    per_page: list[dict[str, list[float]]] = [{w: [] for w in WALKERS} for _ in pages]
    try:
        for p in range(passes):
            attribute_category.cache_clear()
            caches = {"python": lru_cache(maxsize=attribute_category.cache_info().maxsize)(
                attribute_category.__wrapped__), "compiled": attribute_category}
            for i, data in enumerate(pages):
                if (root := parsed_root(data)) is None:
                    continue
                order = WALKERS if (i + p) % 2 == 0 else WALKERS[::-1]
                for walker in order:
                    blocks.attribute_category = caches[walker]

                    def fn(root=root) -> None:  # noqa: ANN001
                        blocks.page_blocks(root)
                    per_page[i][walker].append(timed(fn, walker, cold=False))
    finally:
        blocks.attribute_category = attribute_category
    kept = [times for times in per_page if times[WALKERS[0]]]
    return {w: [statistics.median(times[w]) for times in kept] for w in WALKERS}


def report(title: str, times: dict[str, list[float]]) -> None:
    py, c = times["python"], times["compiled"]
    print(f"{title} ({len(py)} pages), ms per page:")
    print(f"  python   median {statistics.median(py) * 1e3:7.3f}  mean {statistics.fmean(py) * 1e3:7.3f}")
    print(f"  compiled median {statistics.median(c) * 1e3:7.3f}  mean {statistics.fmean(c) * 1e3:7.3f}")
    print(f"  speed-up median {statistics.median(py) / statistics.median(c):5.2f}x  "
          f"mean {statistics.fmean(py) / statistics.fmean(c):5.2f}x  "
          f"median of per-page ratios {statistics.median(p / q for p, q in zip(py, c, strict=True)):5.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-dir", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "benchmarks")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=6, help="walks per page and walker (0: none)")
    parser.add_argument("--passes", type=int, default=3, help="single passes over all pages (0: none)")
    parser.add_argument("--extract-rounds", type=int, default=4, help="extracts per page and walker (0: none)")
    args = parser.parse_args()
    if blocks._fast is None:
        print(f"compiled walker unavailable: {blocks.COMPILED_WALKER_UNAVAILABLE}")
        return 2
    files = page_files(args.bench_dir)[: args.limit or None]
    pages = [path.read_bytes() for path in files]
    print(f"copydesk from {copydesk.__file__}; {len(pages)} pages")
    for data in pages[:20]:  # warm up: models loaded, caches filled
        for walker in WALKERS:
            blocks.set_walker(walker)
            with contextlib.suppress(copydesk.ExtractionError):
                copydesk.extract(data)
    gc.collect()
    if args.rounds:
        report("page_blocks (the walk), attribute_category cache warm", bench(pages, args.rounds, "walk"))
        report("page_blocks (the walk), attribute_category cache cold", bench(pages, args.rounds, "walk", cold=True))
    if args.passes:
        report("page_blocks (the walk), single passes over the pages, each page walked right after it is parsed "
               "(each walker its own attribute_category cache)", bench_single_pass(pages, args.passes))
    if args.extract_rounds:
        report("copydesk.extract", bench(pages, args.extract_rounds, "extract"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
