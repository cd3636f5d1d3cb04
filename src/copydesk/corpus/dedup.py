"""Near-duplicate bodies: MinHash signatures over word shingles, banded LSH for candidates, clusters.

A signature is computed in the worker with the page (`signature`); once every part is written the parent
groups them (`clusters`): pages whose estimated Jaccard similarity of shingles reaches the threshold join one
cluster, and its longest body is the canonical member. A syndicated story copied across sites, with each
site's own lines around it, ends up as one cluster.

The hashing is numpy multiply-shift over 64-bit shingle hashes: stable across processes and machines
(Python's `hash` is salted per process), and a page of 2,000 words costs well under a millisecond.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterator

import numpy as np

SIGNATURE_KEY = "_signature"  # the worker's row carries it to the writer, which keeps it beside the part
NUM_PERM = 128
# Chosen on perturbed WCXB dev bodies (`copydesk bench --dedup`): word pairs keep some order yet survive
# scattered edits that break longer shingles; 64 bands of 2 rows make pairs from about 0.25 similar
# share a band almost surely, and the similarity check then decides.
BANDS = 64
SHINGLE = 2
_BLOCK = 2048  # shingles hashed at once: bounds the (shingles x permutations) matrix on huge pages
_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x9E3779B97F4A7C15)

_rng = np.random.default_rng(20261124)
_A = _rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """64-bit hashes of the text's word `size`-grams (lower-cased words)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return np.zeros(0, dtype=np.uint64)
    codes = np.fromiter((zlib.crc32(word.encode()) for word in words), dtype=np.uint64, count=len(words))
    hashes = np.zeros(len(words) - size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            hashes = hashes * _MIX + codes[offset: len(codes) - size + 1 + offset]
    return np.unique(hashes)


def signature(text: str, shingle: int = SHINGLE) -> bytes | None:
    """The body's MinHash signature (NUM_PERM uint32), or None when it has fewer words than a shingle."""
    hashes = shingle_hashes(text, shingle)
    if not len(hashes):
        return None
    low = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(hashes), _BLOCK):
            block = hashes[start: start + _BLOCK, None] * _A + _B
            low = np.minimum(low, block.min(axis=0))
    return (low >> np.uint64(32)).astype(np.uint32).tobytes()


def clusters(signatures: np.ndarray, lengths: np.ndarray, threshold: float, bands: int = BANDS) -> np.ndarray:
    """For each row of `signatures` (n x NUM_PERM uint32), the index of its cluster's canonical member.

    Candidates share an LSH band; a candidate joins when its estimated similarity to the band bucket's
    first member reaches `threshold` (comparing with one member per bucket keeps a bucket of thousands of
    copies linear). The canonical member is the longest body (`lengths`), the earliest on ties.
    """
    parent = np.arange(len(signatures))
    for first, other in _candidate_pairs(signatures, bands):
        agree = np.mean(signatures[first] == signatures[other], axis=1)
        for left, right in zip(first[agree >= threshold].tolist(), other[agree >= threshold].tolist(), strict=True):
            _union(parent, left, right)
    return _canonical(parent, lengths)


def _candidate_pairs(signatures: np.ndarray, bands: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Per band: (bucket's first member, member) for every row that is not the first in its bucket."""
    rows = NUM_PERM // bands
    for band in range(bands):
        keys = np.ascontiguousarray(signatures[:, band * rows: (band + 1) * rows]).view(f"V{rows * 4}").ravel()
        _, first_index, inverse = np.unique(keys, return_index=True, return_inverse=True)
        first = first_index[inverse.ravel()]
        others = np.flatnonzero(first != np.arange(len(signatures)))
        yield first[others], others


def _find(parent: np.ndarray, index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = int(parent[index])
    return index


def _union(parent: np.ndarray, left: int, right: int) -> None:
    a, b = _find(parent, left), _find(parent, right)
    if a != b:
        parent[max(a, b)] = min(a, b)


def _canonical(parent: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(parent)):
        members[_find(parent, index)].append(index)
    canonical = np.empty(len(parent), dtype=np.int64)
    for group in members.values():
        best = max(group, key=lambda i: (lengths[i], -i))
        canonical[group] = best
    return canonical
