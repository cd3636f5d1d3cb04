"""Train text mode's line model on WCXB dev rendered to text: `copydesk train --mode text`.

The pages are rendered and their lines labelled by `bench.render` (one line per block, aligned with
`main_content`). Reproducible as the block model is: pages in id order, the same fixed
domain-grouped folds (`train.fold_of`), seeded LightGBM on one thread. The cross-validated F1 is
each page's `extract_text` body, from the model that did not see its domain, scored with WCXB's
word F1.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bench.render import RenderedPage, render_dataset
from .bench.scoring import wcxb_page
from .options import DEFAULT_OPTIONS
from .textmode import assemble_lines
from .textmode_features import FEATURE_NAMES, page_features, rule_categories
from .train import fold_of

PARAMS = {
    "objective": "binary", "learning_rate": 0.15, "num_leaves": 15, "min_child_samples": 40,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "verbose": -1, "num_threads": 1,
    "deterministic": True, "force_row_wise": True,
}
ROUNDS = 60
THRESHOLD = 0.5


@dataclass(slots=True)
class LinePage:
    """One rendered page's lines as training rows."""

    page: RenderedPage
    features: np.ndarray
    weights: np.ndarray


def line_examples(pages: list[RenderedPage]) -> list[LinePage]:
    examples = []
    for page in pages:
        chars = np.sqrt(np.array([len(line) for line in page.lines], dtype=np.float64))
        # Each page weighs the same in total; longer lines weigh more within it (the metric counts words).
        weights = 100.0 * chars / chars.sum() if len(chars) else chars
        examples.append(LinePage(page, page_features(page.lines), weights))
    return examples


def fit(examples: list[LinePage], seed: int = 0) -> object:
    import lightgbm

    rows = [e for e in examples if len(e.page.lines)]
    if not rows:
        raise ValueError("no training pages")
    data = lightgbm.Dataset(
        np.vstack([e.features for e in rows]), np.concatenate([e.page.labels for e in rows]),
        weight=np.concatenate([e.weights for e in rows]), feature_name=list(FEATURE_NAMES), free_raw_data=True,
    )
    return lightgbm.train({**PARAMS, "seed": seed}, data, num_boost_round=ROUNDS)


def fold_models(examples: list[LinePage], folds: int, seed: int) -> dict[int, object]:
    """One model per domain-grouped fold, fit on the other folds' pages."""
    return {fold: fit([e for e in examples if fold_of(e.page.domain, folds) != fold], seed) for fold in range(folds)}


def out_of_fold(examples: list[LinePage], folds: int, seed: int) -> dict[str, np.ndarray]:
    """Each page's line probabilities from the model that did not see its domain."""
    models = fold_models(examples, folds, seed)
    probabilities = {}
    for e in examples:
        booster = models[fold_of(e.page.domain, folds)]
        probabilities[e.page.id] = (booster.predict(e.features, num_threads=1)  # type: ignore[attr-defined]
                                    if len(e.page.lines) else np.zeros(0))
    return probabilities


def body_text(page: RenderedPage, probabilities: np.ndarray, threshold: float = THRESHOLD) -> str:
    """What `extract_text` would return as the body, given the line probabilities."""
    return assemble_lines(page.lines, probabilities, rule_categories(page.lines), options=DEFAULT_OPTIONS,
                          threshold=threshold).text


def cv_scores(examples: list[LinePage], probabilities: dict[str, np.ndarray],
              threshold: float = THRESHOLD) -> dict[str, float]:
    """Mean WCXB word F1 per page type and overall."""
    scores: dict[str, list[float]] = defaultdict(list)
    for e in examples:
        scores[e.page.page_type].append(wcxb_page(body_text(e.page, probabilities[e.page.id], threshold),
                                                  e.page.truth).f1)
    summary = {f"F1 {kind}": float(np.mean(values)) for kind, values in sorted(scores.items())}
    summary["F1 all"] = float(np.mean([v for values in scores.values() for v in values]))
    return summary


def train_text(data_dir: Path, out: Path, folds: int = 5, seed: int = 0, cv: bool = True,
               progress: bool = True) -> dict[str, float]:
    """Render WCXB dev, fit the line model on all of it and save it (LightGBM text + JSON sidecar);
    with `cv`, report the domain-grouped cross-validated F1 first."""
    examples = line_examples(render_dataset("wcxb", data_dir, progress))
    summary = cv_scores(examples, out_of_fold(examples, folds, seed)) if cv else {}
    meta = {"features": list(FEATURE_NAMES), "threshold": THRESHOLD, "params": PARAMS, "rounds": ROUNDS,
            "data": "WCXB dev rendered to text (CC-BY-4.0, Murrough Foley)", "pages": len(examples),
            "seed": seed, "folds": folds, "cv": summary}
    out.parent.mkdir(parents=True, exist_ok=True)
    fit(examples, seed).save_model(str(out))  # type: ignore[attr-defined]
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return summary
