"""Coverage-guided fuzzing of text mode, `copydesk.extract_text`, with atheris (libFuzzer).

Text mode's line work runs in C (`_lines.c`: splitting, the wording-rule gates, the features, the
trees, the verdicts and the body's nodes), so its inputs get their own fuzzer. Every input is read as
UTF-8 (errors replaced) and as Latin-1, so that both one-byte and wider strings reach the C code, and
each is also tried split into many short lines, where the window and run features work hardest, and
twice over, where every line repeats (the marking of second copies). The only exceptions allowed out
are `ExtractionError` subclasses, and no record may hold a NUL.

    pip install 'copydesk[fuzz]'
    python fuzz/fuzz_extract_text.py -max_total_time=1800 -timeout=20 fuzz/corpus

Findings land in crash-*/timeout-*/oom-* files in the working directory; copy each into
tests/fixtures/fuzz/ so `tests/test_robustness.py` keeps it as a regression case.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["copydesk"]):
    import copydesk


def _texts(data: bytes) -> list[str]:
    wide, narrow = data.decode("utf-8", "replace"), data.decode("latin-1")
    # Many short lines: every 7th character a line break.
    lines = "\n".join(wide[i:i + 7] for i in range(0, len(wide), 7))
    # The page twice over: every line repeated, for the marking of repeated body lines.
    return [wide, narrow, lines, f"{wide}\n{wide}"]


def test_one_input(data: bytes) -> None:
    for text in _texts(data):
        try:
            article = copydesk.extract_text(text, explain=True)
        except copydesk.ExtractionError:
            continue
        # The record's derived forms are part of the contract too: they must render without raising,
        # and hold no NUL (a dump's NULs are dropped, as HTML mode's parser drops them).
        data = article.to_dict()
        assert "\x00" not in data["text"] and "\x00" not in data["markdown"], "NUL in the record"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
