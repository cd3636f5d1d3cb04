"""Parity of the compiled DOM walker (copydesk/_walk.c) with the Python one (blocks._Walker), page by page.

For every page of the AEB and WCXB (dev) benchmarks, parsed exactly as `pipeline.heuristic_pass` parses
it, both walkers run with SKIPPED_TAGS and with the noscript retry's skip list, and `page_blocks` runs
with each; the PageBlocks are compared field by field, strictly (same types, so True is not 1, and the
same values, down to every (text, href) piece). Then `copydesk.extract` runs on every page with each
walker and the `.text` of the two records is compared, and the whole records too (explain=True, so
the removed blocks are in them, as dicts).

    python scripts/walk_parity.py                      # both benchmarks under ../shared/benchmarks
    python scripts/walk_parity.py --bench-dir DIR --limit 50

Exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import copydesk
from copydesk import blocks

# The strict structural comparison the parity test uses (tests/structural_diff.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from copydesk.options import DEFAULT_OPTIONS
from copydesk.parse import parse, prepare
from structural_diff import difference  # noqa: E402


def page_files(bench_dir: Path) -> list[Path]:
    files = sorted((bench_dir / "aeb" / "html").glob("*.html.gz"))
    files += sorted((bench_dir / "wcxb" / "dev" / "html").glob("*.html.gz"))
    return files




def walk_differences(data: bytes) -> list[str]:
    """Both walkers on one page: each skip list, and page_blocks (with its noscript retry)."""
    tree = parse(*prepare(data, DEFAULT_OPTIONS))
    root = tree.body or tree.root
    if root is None:
        return []
    found = []
    for name, skipped in (("SKIPPED_TAGS", blocks.SKIPPED_TAGS), ("noscript retry", blocks._SKIPPED_WITH_NOSCRIPT)):
        diff = difference(blocks.walk_python(root, skipped), blocks.walk_compiled(root, skipped))
        if diff:
            found.append(f"{name}: {diff}")
    pages = {}
    for walker in ("python", "compiled"):
        previous = blocks.set_walker(walker)
        try:
            pages[walker] = blocks.page_blocks(root)
        finally:
            blocks.set_walker(previous)
    diff = difference(pages["python"], pages["compiled"])
    if diff:
        found.append(f"page_blocks: {diff}")
    return found


def extract_record(data: bytes, walker: str) -> tuple[str, dict]:
    """`extract(data)` with the given walker: its `.text`, and the whole record as a dict."""
    previous = blocks.set_walker(walker)
    try:
        article = copydesk.extract(data, explain=True)
        return article.text, article.to_dict()
    except copydesk.ExtractionError as error:
        return f"<{type(error).__name__}>", {}
    finally:
        blocks.set_walker(previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-dir", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "benchmarks")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--no-extract", action="store_true", help="skip the extract comparison")
    args = parser.parse_args()
    if blocks._fast is None:
        print(f"compiled walker unavailable: {blocks.COMPILED_WALKER_UNAVAILABLE}")
        return 2
    files = page_files(args.bench_dir)
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no pages under {args.bench_dir}")
        return 2
    print(f"copydesk from {copydesk.__file__}; {len(files)} pages")
    started = time.perf_counter()
    walk_diffs = extract_diffs = 0
    for path in files:
        data = path.read_bytes()
        try:
            found = walk_differences(data)
        except copydesk.ExtractionError:
            found = []
        for line in found:
            print(f"DIFF {path.name}: {line}")
        walk_diffs += bool(found)
    print(f"walk: {walk_diffs} pages differ out of {len(files)} "
          f"(4 comparisons a page: 2 skip lists, page_blocks, types strict)")
    if not args.no_extract:
        record_diffs = 0
        for path in files:
            data = path.read_bytes()
            (python_text, python_record), (compiled_text, compiled_record) = (
                extract_record(data, "python"), extract_record(data, "compiled"))
            if python_text != compiled_text:
                extract_diffs += 1
                print(f"DIFF {path.name}: extract().text differs")
            if python_record != compiled_record:
                record_diffs += 1
                print(f"DIFF {path.name}: extract(explain=True).to_dict() differs")
        print(f"extract: .text differs on {extract_diffs} pages out of {len(files)}; "
              f"the whole record (explain=True, to_dict()) on {record_diffs}")
        extract_diffs += record_diffs
    print(f"{time.perf_counter() - started:.0f} s")
    return 1 if walk_diffs or extract_diffs else 0


if __name__ == "__main__":
    sys.exit(main())
