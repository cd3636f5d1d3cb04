"""Train the block model on WCXB dev: `copydesk train --data DIR --out MODEL`.

Reproducible by construction: pages in id order, a fixed domain-grouped 5-fold split (a domain's
pages all fall in one fold, chosen by a hash of the domain), seeded LightGBM on one thread.
Labels come from aligning each block with the page's `main_content`: a block of three words or
more is content when most of its word trigrams occur in the truth; a shorter one when it matches a
short line of the truth. The cross-validated scores printed are each page scored by the model that
did not see its domain.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .bench.scoring import wcxb_page
from .blocks import Block, structured_data
from .classify import SHORT_BODY_DROP, block_groups, is_short_body, model_verdicts
from .confidence import BUNDLED_CONFIDENCE_MODEL, CONFIDENCE_FEATURE_NAMES, confidence_row
from .features import FEATURE_NAMES, block_features
from .options import Options
from .pagetype import BUNDLED_PAGE_MODEL, PAGE_FEATURE_NAMES, PAGE_TYPES, body_threshold, declared_types, page_features
from .pipeline import MODEL_MIN_BLOCKS, heuristic_pass

_WORDS = re.compile(r"\w+")
# The block model learns from the pages' popovers too (their text is labelled boilerplate), whether or
# not extraction drops them (`Options.drop_popovers`, off by default). Trained without them, WCXB CV F1
# on seeds 0-3 went 0.8735 0.8729 0.8727 0.8707 to 0.8730 0.8728 0.8704 0.8717 (mean -0.0005); dropped
# at extraction only, to 0.8738 0.8739 0.8730 0.8711 (every seed higher; forum +0.004 +0.012 +0.004
# +0.005).
HEURISTIC_OPTIONS = Options(use_model=False)
PARAMS = {
    "objective": "binary", "learning_rate": 0.15, "num_leaves": 15, "min_child_samples": 20,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "verbose": -1, "num_threads": 1,
    "deterministic": True, "force_row_wise": True,
}
ROUNDS = 60  # 60 trees of 15 leaves: +0.003 CV F1 over 7 leaves, for about 0.02 ms a page more scoring
PAGE_PARAMS = {
    "objective": "multiclass", "num_class": len(PAGE_TYPES), "learning_rate": 0.1, "num_leaves": 7,
    "min_child_samples": 10, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "verbose": -1,
    "num_threads": 1, "deterministic": True, "force_row_wise": True,
}
PAGE_ROUNDS = 30
CONFIDENCE_PARAMS = {
    "objective": "cross_entropy", "learning_rate": 0.05, "num_leaves": 7, "min_child_samples": 20,
    "verbose": -1, "num_threads": 1, "deterministic": True, "force_row_wise": True,
}
CONFIDENCE_ROUNDS = 100
THRESHOLD = 0.5  # chosen by 5-fold CV on WCXB dev (0.4-0.5 tie overall; 0.5 better on articles)


@dataclass(slots=True)
class PageExamples:
    """One page's blocks as training rows."""

    page_id: str
    page_type: str
    domain: str
    truth: str
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    texts: list[str]
    groups: np.ndarray  # list or table of each block (see classify.block_groups)
    page_row: np.ndarray  # whole-page statistics for the page-type model


def label_blocks(blocks: list[Block], truth: str) -> np.ndarray:
    """1 for blocks that belong to the truth text, else 0 (see the module doc for the rule)."""
    words = _WORDS.findall(truth.lower())
    trigrams = set(zip(words, words[1:], words[2:], strict=False))
    lines = [" ".join(_WORDS.findall(line.lower())) for line in truth.split("\n")]
    whole_lines = set(lines)
    short_lines = [line for line in lines if line.count(" ") < 8]
    labels = np.zeros(len(blocks), dtype=np.int8)
    for i, block in enumerate(blocks):
        tokens = _WORDS.findall(block.text.lower())
        if len(tokens) >= 3:
            grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
            labels[i] = sum(g in trigrams for g in grams) >= 0.5 * len(grams)
        elif tokens:
            text = " ".join(tokens)
            labels[i] = text in whole_lines or any(text in line for line in short_lines)
    return labels


def domain_of(url: str | None) -> str:
    host = urlparse(url or "").netloc.lower()
    return host[4:] if host.startswith("www.") else host


def fold_of(domain: str, folds: int) -> int:
    """The fixed fold of a domain: independent of the machine, the page order and the seed."""
    return int(hashlib.sha1(domain.encode("utf-8")).hexdigest(), 16) % folds


def page_examples(html: bytes, url: str | None, truth: str, page_id: str, page_type: str) -> PageExamples:
    """Walk a page as extraction does and turn its blocks into labelled rows."""
    tree, page, selection = heuristic_pass(html, HEURISTIC_OPTIONS)
    features = block_features(page, selection.view)
    chars = np.sqrt(np.array([block.chars for block in page.blocks], dtype=np.float64))
    # Each page weighs the same in total; within a page, longer blocks weigh more (the metric
    # counts words).
    weights = 100.0 * chars / chars.sum() if len(chars) else chars
    return PageExamples(
        page_id, page_type, domain_of(url), truth, features,
        label_blocks(page.blocks, truth), weights, [block.text for block in page.blocks],
        block_groups(page.blocks), page_features(page, features, declared_types(tree, structured_data(tree, page))),
    )


def fit(examples: list[PageExamples], seed: int = 0) -> object:
    """A LightGBM booster fit on the rows of `examples`."""
    import lightgbm

    rows = [e for e in examples if len(e.labels)]
    if not rows:
        raise ValueError("no training pages (too few domains for the number of folds?)")
    data = lightgbm.Dataset(
        np.vstack([e.features for e in rows]), np.concatenate([e.labels for e in rows]),
        weight=np.concatenate([e.weights for e in rows]), feature_name=list(FEATURE_NAMES),
        free_raw_data=True,
    )
    return lightgbm.train({**PARAMS, "seed": seed}, data, num_boost_round=ROUNDS)


def fit_page_types(examples: list[PageExamples], seed: int = 0) -> object:
    """A LightGBM multiclass booster from whole-page statistics to the seven page types."""
    import lightgbm

    data = lightgbm.Dataset(
        np.vstack([e.page_row for e in examples]), np.array([PAGE_TYPES.index(e.page_type) for e in examples]),
        feature_name=list(PAGE_FEATURE_NAMES), free_raw_data=True,
    )
    return lightgbm.train({**PAGE_PARAMS, "seed": seed}, data, num_boost_round=PAGE_ROUNDS)


def page_types_out_of_fold(examples: list[PageExamples], folds: int, seed: int) -> dict[str, np.ndarray]:
    """Each page's page-type probabilities from the model that did not see its fold."""
    probabilities: dict[str, np.ndarray] = {}
    for fold in range(folds):
        booster = fit_page_types([e for e in examples if fold_of(e.domain, folds) != fold], seed)
        test = [e for e in examples if fold_of(e.domain, folds) == fold]
        rows = booster.predict(np.vstack([e.page_row for e in test]), num_threads=1)  # type: ignore[attr-defined]
        probabilities.update({e.page_id: row for e, row in zip(test, rows, strict=True)})
    return probabilities


def page_type_accuracy(examples: list[PageExamples], probabilities: dict[str, np.ndarray]) -> dict[str, float]:
    """Share of pages whose type is guessed right, per true type and overall."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for e in examples:
        hits[e.page_type].append(PAGE_TYPES[int(np.argmax(probabilities[e.page_id]))] == e.page_type)
    summary = {kind: float(np.mean(values)) for kind, values in sorted(hits.items())}
    summary["all"] = float(np.mean([v for values in hits.values() for v in values]))
    return summary


Decided = dict[str, tuple[np.ndarray, float]]  # page id -> (kept blocks, F1)


def confidence_examples(examples: list[PageExamples], blocks: dict[str, np.ndarray], types: dict[str, np.ndarray],
                        decided: Decided) -> tuple[list[PageExamples], np.ndarray, np.ndarray]:
    """Rows (from out-of-fold decisions) and targets (the page's F1) for the confidence model."""
    used, rows, targets = [], [], []
    keep_column = FEATURE_NAMES.index("heuristic_keep")
    for e in (e for e in examples if len(e.texts)):
        kept, f1 = decided[e.page_id]
        chars = np.array([len(t) for t in e.texts], dtype=np.float64)
        rows.append(confidence_row(blocks[e.page_id], chars, kept, e.features[:, keep_column] > 0, types[e.page_id]))
        targets.append(f1)
        used.append(e)
    return used, np.vstack(rows), np.array(targets)


def fit_confidence(rows: np.ndarray, targets: np.ndarray, seed: int = 0) -> object:
    import lightgbm

    data = lightgbm.Dataset(rows, targets, feature_name=list(CONFIDENCE_FEATURE_NAMES), free_raw_data=True)
    return lightgbm.train({**CONFIDENCE_PARAMS, "seed": seed}, data, num_boost_round=CONFIDENCE_ROUNDS)


def evaluate_confidence(used: list[PageExamples], rows: np.ndarray, targets: np.ndarray, folds: int,
                        seed: int) -> dict[str, float]:
    """How well out-of-fold confidence ranks pages by their F1 (Spearman), and its mean absolute error."""
    predicted = np.zeros(len(used))
    fold_ids = np.array([fold_of(e.domain, folds) for e in used])
    for fold in range(folds):
        booster = fit_confidence(rows[fold_ids != fold], targets[fold_ids != fold], seed)
        predicted[fold_ids == fold] = booster.predict(rows[fold_ids == fold], num_threads=1)  # type: ignore[attr-defined]
    ranks = np.argsort(np.argsort(predicted)), np.argsort(np.argsort(targets))
    top = predicted >= np.median(predicted)
    return {
        "spearman": float(np.corrcoef(*ranks)[0, 1]),
        "mean abs error": float(np.abs(predicted - targets).mean()),
        "F1 of the more confident half": float(targets[top].mean()),
        "F1 of the less confident half": float(targets[~top].mean()),
    }


def save(booster: object, out: Path, meta: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(out))  # type: ignore[attr-defined]
    full = {"features": list(FEATURE_NAMES), "threshold": THRESHOLD, "params": PARAMS, "rounds": ROUNDS, **meta}
    out.with_suffix(".json").write_text(json.dumps(full, indent=1), encoding="utf-8")


def out_of_fold(examples: list[PageExamples], folds: int, seed: int) -> dict[str, np.ndarray]:
    """Each page's block probabilities from the model that did not see its fold."""
    probabilities: dict[str, np.ndarray] = {}
    for fold in range(folds):
        booster = fit([e for e in examples if fold_of(e.domain, folds) != fold], seed)
        for e in (e for e in examples if fold_of(e.domain, folds) == fold):
            probabilities[e.page_id] = booster.predict(e.features, num_threads=1) if len(e.texts) else np.zeros(0)  # type: ignore[attr-defined]
    return probabilities


def page_f1(example: PageExamples, kept: np.ndarray) -> float:
    text = "\n".join(t for t, keep in zip(example.texts, kept, strict=True) if keep)
    return wcxb_page(text, example.truth).f1


def verdicts_and_f1(examples: list[PageExamples], blocks: dict[str, np.ndarray],
                    types: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, float]]:
    """Each page's out-of-fold decisions, made as extraction makes them (the page type choosing the
    threshold), and the F1 they score: what the CV report and the confidence model both read."""
    results = {}
    for e in examples:
        threshold = body_threshold(types[e.page_id], THRESHOLD)
        kept = model_verdicts(blocks[e.page_id], e.groups, threshold)
        if kept.any() and len(e.texts) >= MODEL_MIN_BLOCKS and is_short_body(
                [text for text, keep in zip(e.texts, kept, strict=True) if keep]):
            kept = model_verdicts(blocks[e.page_id], e.groups, threshold - SHORT_BODY_DROP)
        results[e.page_id] = kept, page_f1(e, kept)
    return results


def load_examples(data_dir: Path, progress: bool = True) -> list[PageExamples]:
    from .bench.datasets import load_wcxb

    pages = sorted(load_wcxb(data_dir), key=lambda page: page.id)
    iterator = pages
    if progress:
        from tqdm import tqdm

        iterator = tqdm(pages, desc="features", unit="page")
    return [page_examples(p.read_html(), p.url, p.truth, p.id, p.page_type) for p in iterator]


def train_fold_models(data_dir: Path, out_dir: Path, folds: int = 5, seed: int = 0,
                      progress: bool = True) -> dict[int, tuple[Path, Path]]:
    """Block and page-type models per fold, each fit on the other folds' pages (the page type chooses
    the cut, so it must not have seen the fold either); returns fold -> (block model, page model)."""
    examples = load_examples(data_dir, progress)
    paths = {}
    for fold in range(folds):
        training = [e for e in examples if fold_of(e.domain, folds) != fold]
        meta = {"fold": fold, "folds": folds, "seed": seed}
        paths[fold] = (out_dir / f"fold{fold}.lgb", out_dir / f"fold{fold}-pagetype.lgb")
        save(fit(training, seed), paths[fold][0], meta)
        _save_side_model(fit_page_types(training, seed), paths[fold][1],
                         {"features": list(PAGE_FEATURE_NAMES), "types": list(PAGE_TYPES), **meta})
    return paths


def train(data_dir: Path, out: Path, folds: int = 5, seed: int = 0, cv: bool = True) -> dict[str, float]:
    """Build the examples, fit the block, page-type and confidence models and save them beside `out`.

    The confidence model learns from out-of-fold decisions (as on pages never seen), so the folds are
    always run; `cv` adds the reports (cross-validated F1, page-type accuracy, confidence ranking).
    """
    started = time.perf_counter()
    examples = load_examples(data_dir)
    blocks_oof = out_of_fold(examples, folds, seed)
    types_oof = page_types_out_of_fold(examples, folds, seed)
    decided = verdicts_and_f1(examples, blocks_oof, types_oof)
    used, rows, targets = confidence_examples(examples, blocks_oof, types_oof, decided)
    summary: dict[str, float] = {}
    if cv:
        scores: dict[str, list[float]] = defaultdict(list)
        for e in examples:
            scores[e.page_type].append(decided[e.page_id][1])
        summary = {f"F1 {kind}": float(np.mean(values)) for kind, values in sorted(scores.items())}
        summary["F1 all"] = float(np.mean([v for values in scores.values() for v in values]))
        summary.update({f"page type accuracy {k}": v for k, v in page_type_accuracy(examples, types_oof).items()})
        summary.update({f"confidence {k}": v for k, v in evaluate_confidence(used, rows, targets, folds, seed).items()})
    meta = {"data": "WCXB dev (CC-BY-4.0, Murrough Foley)", "pages": len(examples), "seed": seed,
            "folds": folds, "cv": summary, "seconds": round(time.perf_counter() - started, 1)}
    save(fit(examples, seed), out, meta)
    _save_side_model(fit_page_types(examples, seed), out.with_name(BUNDLED_PAGE_MODEL),
                     {"features": list(PAGE_FEATURE_NAMES), "types": list(PAGE_TYPES), "params": PAGE_PARAMS,
                      "rounds": PAGE_ROUNDS, **meta})
    _save_side_model(fit_confidence(rows, targets, seed), out.with_name(BUNDLED_CONFIDENCE_MODEL),
                     {"features": list(CONFIDENCE_FEATURE_NAMES), "params": CONFIDENCE_PARAMS,
                      "rounds": CONFIDENCE_ROUNDS, **meta})
    return summary


def _save_side_model(booster: object, path: Path, meta: dict) -> None:
    booster.save_model(str(path))  # type: ignore[attr-defined]
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
