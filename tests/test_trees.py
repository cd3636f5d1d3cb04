"""The tree scorer (copydesk.trees) against LightGBM itself, on every shipped model, both code paths."""

from __future__ import annotations

import numpy as np
import pytest

from copydesk import trees
from copydesk.model import bundled_model_path
from copydesk.trees import TreeEnsemble, parse_model

lightgbm = pytest.importorskip("lightgbm")

MODELS = ["blocks.lgb", "pagetype.lgb", "confidence.lgb", "lines.lgb"]


def _rows(model: TreeEnsemble, seed: int) -> np.ndarray:
    """Rows that sit on, just below and just above the split thresholds, and random ones, and NaN."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(0, 3, size=(400, model.num_features))
    picks = rng.integers(0, len(model.feature), size=(400, 8))
    for r in range(len(rows)):
        for node in picks[r]:
            shift = rng.choice([0.0, -1e-9, 1e-9])
            rows[r, model.feature[node]] = model.threshold[node] + shift
    rows[::7, rng.integers(0, model.num_features)] = np.nan
    return rows.astype(np.float32)


@pytest.fixture(params=[True, False], ids=["compiled", "numpy"])
def scorer(request, monkeypatch):
    if request.param and trees._trees is None:
        pytest.skip("copydesk._trees is not built here")
    if not request.param:
        monkeypatch.setattr(trees, "_trees", None)
    return request.param


@pytest.mark.parametrize("name", MODELS)
def test_predictions_equal_lightgbm(name, scorer):
    path = bundled_model_path(name)
    ours = TreeEnsemble.from_file(path)
    theirs = lightgbm.Booster(model_file=str(path))
    rows = _rows(ours, seed=len(name))
    np.testing.assert_allclose(ours.predict(rows), theirs.predict(rows, num_threads=1), rtol=1e-9, atol=1e-12)


def test_empty_rows_and_wrong_width():
    model = TreeEnsemble.from_file(bundled_model_path("blocks.lgb"))
    assert model.predict(np.zeros((0, model.num_features), dtype=np.float32)).shape == (0,)
    with pytest.raises(ValueError):
        model.predict(np.zeros((3, model.num_features + 1)))


def _tiny_model(left: str, right: str) -> str:
    return (
        "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nmax_feature_idx=1\nobjective=binary sigmoid:1\n\n"
        "Tree=0\nnum_leaves=2\nnum_cat=0\nsplit_feature=1\nthreshold=0.5\ndecision_type=2\n"
        f"left_child={left}\nright_child={right}\nleaf_value=-1 2\nis_linear=0\nshrinkage=1\n\n\nend of trees\n"
    )


def test_a_hand_written_tree(scorer):
    model = parse_model(_tiny_model("-1", "-2"))
    rows = np.array([[9.0, 0.5], [9.0, 0.6], [0.0, np.nan]])
    np.testing.assert_allclose(model.raw(rows)[:, 0], [-1.0, 2.0, -1.0])


def test_corrupt_child_index_raises_instead_of_reading_outside():
    if trees._trees is None:
        pytest.skip("copydesk._trees is not built here")
    model = parse_model(_tiny_model("5", "-2"))
    with pytest.raises(ValueError, match="corrupt"):
        model.raw(np.zeros((2, 2)))


def test_unsupported_models_are_refused():
    with pytest.raises(ValueError, match="objective"):
        parse_model(_tiny_model("-1", "-2").replace("binary sigmoid:1", "lambdarank"))
    with pytest.raises(ValueError, match="numerical"):
        parse_model(_tiny_model("-1", "-2").replace("decision_type=2", "decision_type=1"))
