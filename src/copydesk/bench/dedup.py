"""`copydesk bench --dedup`: precision and recall of the corpus near-duplicate marking (`corpus.dedup`).

The test set is built from the benchmark's true main contents: some bodies become "stories", each copied
twice with its words perturbed as republishing does (a share of words deleted, others inserted, a site's
boilerplate appended); the other bodies stay as unrelated pages. A good marking puts each story with its
copies and nothing else. Scores are over pairs: precision is the share of pairs put in one cluster that
are copies of one story, recall the share of such pairs put in one cluster. Tune on WCXB dev only.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click
import numpy as np

from ..corpus import dedup
from ..corpus.settings import CorpusSettings
from .datasets import Page

MIN_WORDS = 50
COPIES = 2
EDIT_RATES = (0.05, 0.10, 0.20)  # share of words deleted, and the same share inserted
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
BOILERPLATE = [
    "Share this article on Facebook Twitter and WhatsApp.",
    "Sign up to our newsletter for the latest headlines every morning.",
    "Copyright all rights reserved. Terms of use. Privacy policy. Cookie settings.",
    "This article was originally published by our partner and is republished with permission.",
    "Follow us on social media and join the conversation in the comments below.",
    "Advertisement. Continue reading below.",
]


def perturb(text: str, rate: float, vocabulary: Sequence[str], rng: random.Random) -> str:
    """`text` with `rate` of its words deleted, as many random words inserted, and boilerplate appended."""
    words = [word for word in text.split() if rng.random() >= rate]
    for _ in range(int(len(text.split()) * rate)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
    return " ".join(words) + "\n\n" + " ".join(rng.sample(BOILERPLATE, 3))


def build(pages: Sequence[Page], seed: int = 0) -> dict[float, tuple[list[str], list[int]]]:
    """For each edit rate: the texts and the group of each (copies share their story's group)."""
    bodies = [page.truth for page in pages if len(re.findall(r"\w+", page.truth)) >= MIN_WORDS]
    rng = random.Random(seed)
    rng.shuffle(bodies)
    stories, unrelated = bodies[: len(bodies) // 3], bodies[len(bodies) // 3:]
    vocabulary = [word for body in unrelated[:200] for word in body.split()]
    sets = {}
    for rate in EDIT_RATES:
        texts, groups = list(unrelated), list(range(len(unrelated)))
        for number, story in enumerate(stories, len(unrelated)):
            texts += [story] + [perturb(story, rate, vocabulary, rng) for _ in range(COPIES)]
            groups += [number] * (COPIES + 1)
        sets[rate] = (texts, groups)
    return sets


def pair_scores(predicted: np.ndarray, truth: Sequence[int]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against the true groups."""
    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter(zip(predicted.tolist(), truth, strict=True)))
    said, true = pairs(Counter(predicted.tolist())), pairs(Counter(truth))
    return (both / said if said else 1.0), (both / true if true else 1.0)


def evaluate(texts: list[str], groups: list[int], thresholds: Sequence[float]) -> dict[float, tuple[float, float]]:
    signed = [(index, sig) for index, sig in enumerate(dedup.signature(text) for text in texts) if sig is not None]
    matrix = np.frombuffer(b"".join(sig for _, sig in signed), dtype=np.uint32).reshape(-1, dedup.NUM_PERM)
    lengths = np.array([len(texts[index]) for index, _ in signed])
    kept_groups = [groups[index] for index, _ in signed]
    return {threshold: pair_scores(dedup.clusters(matrix, lengths, threshold), kept_groups)
            for threshold in thresholds}


def run_command(pages: Sequence[Page], quiet: bool, json_path: Path | None) -> None:
    sets = build(pages)
    default = CorpusSettings().dedup_threshold
    thresholds = sorted({*THRESHOLDS, default})
    results = {}
    for rate, (texts, groups) in sets.items():
        if not quiet:
            click.echo(f"copydesk bench: dedup, {len(texts)} bodies, {rate:.0%} of words edited", err=True)
        results[rate] = evaluate(texts, groups, thresholds)
    stories = len(set(sets[EDIT_RATES[0]][1])) - sum(1 for g in Counter(sets[EDIT_RATES[0]][1]).values() if g == 1)
    click.echo(markdown(results, len(sets[EDIT_RATES[0]][0]), stories, default), nl=False)
    path = json_path or Path("bench-results") / "dedup.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {f"{rate:.2f}": {f"{t:.2f}": {"precision": p, "recall": r} for t, (p, r) in by.items()}
                for rate, by in results.items()}
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def markdown(results: dict[float, dict[float, tuple[float, float]]], bodies: int, stories: int,
             default: float) -> str:
    header = "| words edited | " + " | ".join(
        f"{'**' if t == default else ''}P/R at {t:.2f}{'**' if t == default else ''}" for t in next(iter(
            results.values()))) + " |"
    lines = [f"### Near-duplicates: {bodies} bodies, {stories} stories with {COPIES} perturbed copies each", "",
             header, "|---" * (len(next(iter(results.values()))) + 1) + "|"]
    for rate, by_threshold in results.items():
        cells = [f"{p:.3f} / {r:.3f}" for p, r in by_threshold.values()]
        lines.append(f"| {rate:.0%} deleted + {rate:.0%} inserted + boilerplate | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
