"""Parity of text mode's compiled lines (copydesk/_lines.c) with the Python code, page by page.

Every page of the AEB and WCXB (dev) benchmarks is rendered to text as `copydesk bench --mode text`
renders it, then: the lines (`normalise_lines`), each line's rule category, the feature matrix (float64
bits), the line model's probabilities (bits), the verdicts of the one-call compiled path (features, trees,
cut: `compiled_scored`) and the whole `extract_text` record (explain=True: removed lines and
their categories; the body's Markdown too; and without explain, the Article _lines.c makes) are
compared, the compiled way against the Python one (textmode_features' `*_python` functions, and
`extract_text` with the compiled part switched off).

    python scripts/textmode_parity.py                      # both benchmarks under ../shared/benchmarks
    python scripts/textmode_parity.py --bench-dir DIR --limit 50

Exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import copydesk
from copydesk import textmode_features as tf
from copydesk.bench import render
from copydesk.errors import ExtractionError
from copydesk.options import DEFAULT_OPTIONS
from copydesk.rules import REPEAT_MIN_CHARS
from copydesk.textmode import (
    _ARTICLE_ENDS,
    _DROPPED,
    DUPLICATE,
    MAX_LINES,
    line_probabilities_python,
    line_verdicts_python,
    load_line_model,
    mark_repeats,
)


def record(text: str, explain: bool = True) -> object:
    """The whole record, as data, or the type of what extract_text raises. Without explain (and with a URL) the
    compiled part makes the Article itself (_lines.c's record()): compared too."""
    try:
        article = copydesk.extract_text(text, url=None if explain else "https://example.com/a", explain=explain)
    except ExtractionError as error:
        return type(error)
    return type(article), article.to_dict(), [node.markdown for node in article.body]


def pure_record(text: str, explain: bool = True) -> object:
    compiled, tf._fast = tf._fast, None
    try:
        return record(text, explain)
    finally:
        tf._fast = compiled


def differences(text: str) -> list[str]:
    found = []
    lines = tf.normalise_lines_python(text)[:MAX_LINES]
    if tf.normalise_lines(text, MAX_LINES) != lines:
        found.append("lines")
    categories = tf.rule_categories_python(lines)
    if tf.rule_categories(lines) != categories:
        found.append("rule categories")
    if lines:
        model = load_line_model()
        expected = tf.page_features_python(lines, model.lexicon, categories)
        got = tf.page_features_compiled(lines, model.lexicon, categories)
        if got is None:
            found.append("features declined")
        elif got.tobytes() != expected.tobytes():
            found.append("features")
        elif line_probabilities_python(model.booster, got).tobytes() != line_probabilities_python(
                model.booster, expected).tobytes():
            found.append("probabilities")
        else:
            probabilities = line_probabilities_python(model.booster, expected)
            words = expected[:, tf.FEATURE_NAMES.index("words")]
            verdicts = tf.compiled_scored(lines, categories, model.lexicon, model.booster, True, _ARTICLE_ENDS,
                                          _DROPPED, (DUPLICATE, REPEAT_MIN_CHARS))
            expected_verdicts = line_verdicts_python(probabilities, categories, DEFAULT_OPTIONS, words)
            mark_repeats(lines, expected_verdicts)
            if verdicts is not None and verdicts != expected_verdicts:
                found.append("verdicts")
    if record(text) != pure_record(text):
        found.append("record")
    if record(text, explain=False) != pure_record(text, explain=False):
        found.append("record without explain")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-dir", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset")
    args = parser.parse_args()
    if tf._fast is None:
        print(f"compiled lines unavailable: {tf.COMPILED_LINES_UNAVAILABLE}")
        return 1
    started, compared, differing = time.perf_counter(), 0, 0
    for name, folder in (("aeb", args.bench_dir / "aeb"), ("wcxb", args.bench_dir / "wcxb" / "dev")):
        for page in render.render_dataset(name, folder)[: args.limit]:
            compared += 1
            found = differences(page.text)
            if found:
                differing += 1
                print(f"{name} {page.id}: {', '.join(found)}")
    print(f"{compared} pages compared, {differing} differ ({time.perf_counter() - started:.0f} s)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
