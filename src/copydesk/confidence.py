"""Document confidence: how likely the extracted text is the page's main content, in [0, 1].

Corpus builders filter on it. It is a small regression model from how the block model decided (how
sure it was about what it kept and what it dropped, how much of the page sat in between, whether the
heuristics agreed) and from the page type, trained by `copydesk train` on each WCXB page's
cross-validated F1, so its output reads as an expected F1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import load_booster
from .pagetype import PAGE_TYPES

BUNDLED_CONFIDENCE_MODEL = "confidence.lgb"

CONFIDENCE_FEATURE_NAMES = (
    "kept_share", "log_kept_chars", "log_blocks", "kept_mean_p", "dropped_mean_p", "uncertain_share",
    "weak_kept_share", "heuristic_agreement", *(f"type_{kind}" for kind in PAGE_TYPES),
)


def confidence_row(probabilities: np.ndarray, chars: np.ndarray, kept: np.ndarray, heuristic_kept: np.ndarray,
                   page_types: np.ndarray) -> np.ndarray:
    """One row of CONFIDENCE_FEATURE_NAMES from a page's block decisions."""
    return row_from_sums(confidence_sums(probabilities, chars, kept, heuristic_kept), len(chars), page_types)


def confidence_sums(probabilities: np.ndarray, chars: np.ndarray, kept: np.ndarray,
                    heuristic_kept: np.ndarray) -> tuple[float, ...]:
    """The characters of the page, of the kept blocks, the model's probability times characters over the
    kept and over the dropped blocks, the dropped blocks' characters, the uncertain ones' (0.25 < p <
    0.75), the weakly kept ones' (p < 0.75) and those of the blocks the heuristics decided alike. Each is
    summed block by block in order, as _features.c's confidence_sums sums them (the same bits)."""
    weighted = probabilities * chars
    dropped = ~kept
    uncertain = (probabilities > 0.25) & (probabilities < 0.75)
    parts = (chars, chars[kept], weighted[kept], weighted[dropped], chars[dropped], chars[uncertain],
             chars[kept & (probabilities < 0.75)], chars[kept == heuristic_kept])
    return tuple(float(np.cumsum(part)[-1]) if len(part) else 0.0 for part in parts)


def row_from_sums(sums: tuple[float, ...], blocks: int, page_types: np.ndarray) -> np.ndarray:
    """The confidence row from `confidence_sums`' sums, the page's block count and its type probabilities."""
    all_chars, kept_chars, kept_weighted, dropped_weighted, dropped_chars, uncertain, weak, agreeing = sums
    total = max(all_chars, 1.0)
    values = [
        kept_chars / total,
        np.log1p(kept_chars),
        np.log1p(blocks),
        kept_weighted / max(kept_chars, 1.0),
        dropped_weighted / max(dropped_chars, 1.0),
        uncertain / total,
        weak / max(kept_chars, 1.0),
        agreeing / total,
        *page_types,
    ]
    return np.array(values, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    booster: object
    meta: dict

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.clip(self.booster.predict(rows, num_threads=1), 0.0, 1.0)  # type: ignore[attr-defined]


def load_confidence_model(path: str | None = None) -> ConfidenceModel:
    """The confidence model at `path`, or the one shipped in the package."""
    return ConfidenceModel(*load_booster(path, BUNDLED_CONFIDENCE_MODEL, CONFIDENCE_FEATURE_NAMES))
