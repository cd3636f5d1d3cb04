"""copydesk's corpus runs with 1 and 2 workers, alternated, each with the load average it started under.

    python bench/corpus_scaling.py --data ../shared/benchmarks --rounds 3

The scaling half of `copydesk bench --corpus` without the trafilatura runs, so that a quiet minute on a
shared machine is enough for a round (about 40 s on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

from copydesk.bench import datasets
from copydesk.bench.corpus import build_warc, measure, rate
from copydesk.corpus.settings import COPYDESK_EXTRACTOR


def main(data: Path, rounds: int) -> None:
    pages = [page for name in datasets.DATASETS for page in datasets.load(name, data / name)]
    scratch = Path(tempfile.mkdtemp(prefix="copydesk-scaling-"))
    try:
        warc = scratch / "bench.warc.gz"
        build_warc(pages, warc)
        for number in range(rounds):
            rates = {}
            for workers in (1, 2):
                load = os.getloadavg()[0]
                rates[workers] = rate(measure(warc, COPYDESK_EXTRACTOR, workers, scratch))
                print(json.dumps({"round": number + 1, "workers": workers,
                                  "pages_per_second": round(rates[workers], 1),
                                  "load_average_before": round(load, 2)}), flush=True)
            print(json.dumps({"round": number + 1, "two_vs_one": round(rates[2] / rates[1], 2)}), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.data, arguments.rounds)
