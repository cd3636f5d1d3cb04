"""MinHash signatures and LSH clusters (copydesk.corpus.dedup) on bodies built for the purpose."""

from __future__ import annotations

import random

import numpy as np

from copydesk.corpus import dedup
from corpus_pages import distinct_paragraphs


def _matrix(texts: list[str]) -> np.ndarray:
    return np.frombuffer(b"".join(dedup.signature(text) for text in texts), dtype=np.uint32).reshape(
        -1, dedup.NUM_PERM)


def _edited(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    words = [word for word in text.split() if rng.random() >= rate]
    return " ".join(words) + " Share this story with your friends."


def test_signature_estimates_shingle_similarity():
    story = " ".join(distinct_paragraphs(1))
    original, again, copy, other = _matrix([story, story, _edited(story, 0.05, 2), " ".join(distinct_paragraphs(2))])
    assert np.array_equal(original, again)  # no per-process salt: signatures compare across workers and runs
    assert np.mean(original == copy) > 0.6 and np.mean(original == other) < 0.1
    assert dedup.signature("Hello") is None and dedup.signature("") is None  # fewer words than a shingle


def test_clusters_join_copies_and_pick_the_longest_as_canonical():
    stories = [" ".join(distinct_paragraphs(seed)) for seed in range(5)]
    texts = [*stories, _edited(stories[0], 0.05, 7), _edited(stories[0], 0.08, 8), _edited(stories[3], 0.05, 9)]
    lengths = np.array([len(text) for text in texts])
    lengths[6] = lengths[3] = 10**6  # the longest: story 0's second copy, and story 3's original

    canonical = dedup.clusters(_matrix(texts), lengths, threshold=0.3)

    assert canonical.tolist() == [6, 1, 2, 3, 4, 6, 6, 3]
