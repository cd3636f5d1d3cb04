"""The two published metrics, implemented exactly as ../shared/README.md defines them.

AEB (Article Extraction Benchmark): 4-token shingles, per-page tp/fp/fn normalised to sum to 1,
precision and recall averaged over the pages where they are defined, F1 from those two means.
WCXB: bag-of-words precision, recall and F1 per page, then plain means (overall and per page type).

Both must match the published tables, so nothing here is "improved": the odd edge cases are the spec.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

_WORD = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class PageScore:
    """One system's score on one page (tp/fp/fn are only meaningful for AEB)."""

    precision: float
    recall: float
    f1: float
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0


@dataclass(frozen=True)
class Summary:
    """Aggregate score of one system on a set of pages."""

    precision: float
    recall: float
    f1: float
    pages: int


def harmonic(precision: float, recall: float) -> float:
    """F1 of a precision and a recall; 0 when both are 0 (no division by zero)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


# --- AEB -----------------------------------------------------------------------------------------


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of `size`-token shingles; AEB tokens are case-sensitive `\\w+` runs."""
    tokens = _WORD.findall(text)
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def aeb_counts(prediction: str, truth: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page: they sum to 1 so long pages weigh no more than short ones."""
    pred, true = shingles(prediction), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def aeb_precision(tp: float, fp: float, fn: float) -> float:
    """Per-page precision with AEB's edge cases (checked in this order, as upstream does)."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def aeb_recall(tp: float, fp: float, fn: float) -> float:
    """Per-page recall with AEB's edge cases (mirror of `aeb_precision`)."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def aeb_page(prediction: str, truth: str) -> PageScore:
    """Score one page for the per-page report; the dataset figure comes from `aeb_summary`."""
    tp, fp, fn = aeb_counts(prediction, truth)
    precision, recall = aeb_precision(tp, fp, fn), aeb_recall(tp, fp, fn)
    return PageScore(precision, recall, harmonic(precision, recall), tp, fp, fn)


def aeb_summary(pages: Sequence[PageScore]) -> Summary:
    """AEB aggregate: precision is averaged only over pages with tp+fp > 0, recall over tp+fn > 0.

    So an empty prediction lowers recall but not precision, exactly as the published numbers were made.
    An empty mean (e.g. a system that returned nothing on every page) counts as 0.
    """
    precision = _mean_or_zero(aeb_precision(p.tp, p.fp, p.fn) for p in pages if p.tp + p.fp > 0)
    recall = _mean_or_zero(aeb_recall(p.tp, p.fp, p.fn) for p in pages if p.tp + p.fn > 0)
    return Summary(precision, recall, harmonic(precision, recall), len(pages))


# --- WCXB ----------------------------------------------------------------------------------------


def words(text: str) -> Counter[str]:
    """Bag of lower-cased `\\w+` tokens (WCXB's tokenisation)."""
    return Counter(_WORD.findall(text.lower()))


def wcxb_page(prediction: str, truth: str) -> PageScore:
    """Bag-of-words P/R/F1 of one page; both empty is a perfect 1.0, one empty is 0."""
    pred, true = words(prediction), words(truth)
    if not pred and not true:
        return PageScore(1.0, 1.0, 1.0)
    common = sum((pred & true).values())
    if common == 0:
        return PageScore(0.0, 0.0, 0.0)
    precision = common / sum(pred.values())
    recall = common / sum(true.values())
    return PageScore(precision, recall, harmonic(precision, recall))


def wcxb_summary(pages: Sequence[PageScore]) -> Summary:
    """WCXB aggregate: plain means of the per-page P, R and F1 (F1 is not recomputed from P and R)."""
    return Summary(
        _mean_or_zero(p.precision for p in pages),
        _mean_or_zero(p.recall for p in pages),
        _mean_or_zero(p.f1 for p in pages),
        len(pages),
    )


def _mean_or_zero(values: Iterable[float]) -> float:
    collected = list(values)
    return fmean(collected) if collected else 0.0


SCORERS = {"aeb": (aeb_page, aeb_summary), "wcxb": (wcxb_page, wcxb_summary)}
