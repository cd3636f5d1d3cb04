"""Coverage-guided fuzzing of `copydesk.extract` with atheris (libFuzzer).

Every input is tried as raw bytes (the decoding path: gzip, BOMs, charsets, binary sniffing) and as the
same bytes read as UTF-8 text (the str path). The only exceptions allowed out are `ExtractionError`
subclasses; anything else, a hang (-timeout) or a memory blow-up (-rss_limit_mb) is a finding.

    pip install 'copydesk[fuzz]'
    python fuzz/fuzz_extract.py -max_total_time=1800 -timeout=20 fuzz/corpus

Findings land in crash-*/timeout-*/oom-* files in the working directory; copy each into
tests/fixtures/fuzz/ so `tests/test_robustness.py` keeps it as a regression case.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["copydesk"]):
    import copydesk


def test_one_input(data: bytes) -> None:
    for html in (data, data.decode("utf-8", "replace")):
        try:
            article = copydesk.extract(html)
        except copydesk.ExtractionError:
            continue
        # The record's derived forms are part of the contract too: they must render without raising.
        article.to_dict()
        article.text  # noqa: B018 - rendering is the point


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
