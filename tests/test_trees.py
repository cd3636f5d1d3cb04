"""The tree scorer (copydesk.trees) against LightGBM itself, on every shipped model, both code paths."""

from __future__ import annotations

import dataclasses
import pickle

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


# The compiled scorer (_trees.c): checked once per model, then leaf sets for up to 64 leaves a tree, four
# rows at a time (a short last block padded), a walk for larger trees, float32 rows read as they are.


def _compiled_only():
    if trees._trees is None:
        pytest.skip("copydesk._trees is not built here")


def _numpy_raw(model: TreeEnsemble, rows: np.ndarray, monkeypatch) -> np.ndarray:
    with monkeypatch.context() as patch:
        patch.setattr(trees, "_trees", None)
        return model.raw(rows)


@pytest.mark.parametrize("name", MODELS)
def test_float32_rows_and_every_block_remainder_match_the_numpy_sums_bit_for_bit(name, monkeypatch):
    _compiled_only()
    model = TreeEnsemble.from_file(bundled_model_path(name))
    rows = _rows(model, seed=3)
    rows[::5, 0] = 1e-36  # read as zero
    rows[1::5, 0] = -0.0
    for count in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 400):
        part = rows[:count]
        ours = model.raw(part)
        assert ours.tobytes() == model.raw(part.astype(np.float64)).tobytes()
        # The same order of additions per cell as the numpy path's, tree after tree: the same bits.
        assert ours.tobytes() == _numpy_raw(model, part, monkeypatch).tobytes()
    # A row scores the same alone as in any block (padding rows do not leak into real ones).
    alone = np.vstack([model.raw(rows[i : i + 1]) for i in range(9)])
    assert alone.tobytes() == model.raw(rows[:9]).tobytes()


@pytest.mark.parametrize("name", MODELS)
def test_avx2_and_sse2_blocks_give_the_same_bits(name, monkeypatch):
    """Where the CPU has AVX2 one-class models take four rows to a vector: the same bits as two (and numpy's)."""
    _compiled_only()
    model = TreeEnsemble.from_file(bundled_model_path(name))
    rows = _rows(model, seed=5)
    was = trees._trees.use_avx2(True)
    try:
        with_avx2 = model.raw(rows)
        trees._trees.use_avx2(False)
        assert model.raw(rows).tobytes() == with_avx2.tobytes()
    finally:
        trees._trees.use_avx2(was)
    assert with_avx2.tobytes() == _numpy_raw(model, rows, monkeypatch).tobytes()


@pytest.mark.parametrize(("objective", "num_leaves"), [("binary", 64), ("binary", 100), ("multiclass", 20),
                                                        ("multiclass", 70)])
def test_trained_models_with_big_trees(objective, num_leaves, monkeypatch):
    """64 leaves fill a leaf set's 64 bits; more are walked instead; both against LightGBM."""
    _compiled_only()
    rng = np.random.default_rng(num_leaves)
    x = rng.normal(size=(3000, 6))
    signal = x[:, 0] + np.sin(3 * x[:, 1]) + 0.5 * x[:, 2] * x[:, 3] + rng.normal(0, 0.3, len(x))
    params = {"objective": objective, "num_leaves": num_leaves, "min_data_in_leaf": 2, "verbose": -1,
              "num_threads": 1}
    if objective == "multiclass":
        params["num_class"] = 3
        labels = np.digitize(signal, [-0.5, 0.5])
    else:
        labels = signal > 0
    booster = lightgbm.train(params, lightgbm.Dataset(x, labels.astype(float)), num_boost_round=3)
    model = parse_model(booster.model_to_string())
    assert np.diff(np.r_[model.leaf_offsets, len(model.leaf_value)]).max() == num_leaves
    rows = rng.normal(size=(37, 6)).astype(np.float32)
    rows[::4, 2] = np.nan
    rows[::3, 1] = 0.0
    np.testing.assert_allclose(model.predict(rows), booster.predict(rows, num_threads=1), rtol=1e-9, atol=1e-12)
    assert model.raw(rows).tobytes() == _numpy_raw(model, rows, monkeypatch).tobytes()


def _model_text(*trees_text: str, num_class: int = 1) -> str:
    objective = "multiclass num_class:2" if num_class > 1 else "binary sigmoid:1"
    head = (f"tree\nversion=v4\nnum_class={num_class}\nnum_tree_per_iteration={num_class}\nmax_feature_idx=1\n"
            f"objective={objective}\n\n")
    body = "".join(f"Tree={i}\n{text}is_linear=0\nshrinkage=1\n\n\n" for i, text in enumerate(trees_text))
    return head + body + "end of trees\n"


ONE_LEAF = "num_leaves=1\nnum_cat=0\nleaf_value=0.25\n"


def _split(feature="1", left="-1", right="-2", leaves="-1 2", threshold="0.5", decision="2") -> str:
    return (f"num_leaves={len(leaves.split())}\nnum_cat=0\nsplit_feature={feature}\nthreshold={threshold}\n"
            f"decision_type={decision}\nleft_child={left}\nright_child={right}\nleaf_value={leaves}\n")


def test_trees_without_splits(scorer):
    rows = np.array([[9.0, 0.5], [9.0, 0.6], [0.0, np.nan]], dtype=np.float32)
    model = parse_model(_model_text(ONE_LEAF, _split(), ONE_LEAF))
    np.testing.assert_array_equal(model.raw(rows)[:, 0], [0.25 - 1 + 0.25, 0.25 + 2 + 0.25, 0.25 - 1 + 0.25])
    only = parse_model(_model_text(ONE_LEAF, ONE_LEAF, ONE_LEAF, ONE_LEAF, num_class=2))
    np.testing.assert_array_equal(only.raw(np.zeros((5, 2))), np.full((5, 2), 0.5))


THREE_LEAVES = {"feature": "0 1", "left": "1 -1", "right": "-3 -2", "leaves": "1 2 3", "threshold": "0.5 0.5",
                "decision": "2 2"}


@pytest.mark.parametrize("change", [
    {"left": "5 -1"},  # a node outside the tree
    {"left": "0 -1"},  # a cycle: the root its own child
    {"right": "-3 1"},  # a cycle: a node its own child
    {"feature": "0 1 1", "left": "1 2 -1", "right": "2 -2 -3", "leaves": "1 2 3 4", "threshold": "0.5 0.5 0.5",
     "decision": "2 2 2"},  # a node with two parents
    {"left": "1 -3"},  # a leaf with two parents, another with none
    {"right": "-4 -2"},  # a leaf outside the tree
    {"feature": "0 2"},  # a feature past the row's end
    {"feature": "-1 1"},
    {"leaves": "1 2 3 4"},  # leaves that no split reaches
], ids=str)
def test_corrupt_models_are_refused(change):
    _compiled_only()
    parse_model(_model_text(_split(**THREE_LEAVES))).raw(np.zeros((2, 2)))  # the unchanged tree is fine
    model = parse_model(_model_text(_split(**{**THREE_LEAVES, **change})))
    with pytest.raises(ValueError, match="corrupt"):
        model.raw(np.zeros((2, 2)))


def test_corrupt_offsets_are_refused():
    _compiled_only()
    model = parse_model(_model_text(_split(), _split()))
    for offsets in [{"node_offsets": [0, 5]}, {"node_offsets": [1, 0]}, {"leaf_offsets": [0, 3]},
                    {"leaf_offsets": [-1, 2]}, {"node_offsets": [0, 5], "leaf_offsets": [0, 6]}]:
        arrays = {name: np.array(value, dtype=np.int32) for name, value in offsets.items()}
        with pytest.raises(ValueError, match="corrupt"):
            dataclasses.replace(model, **arrays).raw(np.zeros((2, 2)))


def test_compiled_model_misuse_is_refused():
    _compiled_only()
    model = TreeEnsemble.from_file(bundled_model_path("blocks.lgb"))
    model.raw(np.zeros((1, model.num_features), dtype=np.float32))
    compiled, rows, out = model._compiled, np.zeros((3, model.num_features)), np.zeros((3, 1))
    trees._trees.add_leaf_values(compiled, rows, out)
    with pytest.raises(ValueError):
        trees._trees.add_leaf_values(compiled, np.zeros((3, model.num_features - 1)), out)
    with pytest.raises(ValueError):
        trees._trees.add_leaf_values(compiled, rows, np.zeros((2, 1)))
    with pytest.raises(TypeError):
        trees._trees.add_leaf_values(compiled, rows.astype(np.int64), out)
    with pytest.raises(ValueError):
        trees._trees.add_leaf_values(object(), rows, out)
    with pytest.raises(ValueError):
        model.threshold[0] = 1.0  # read-only: the compiled copy would not see it


def test_pickled_models_compile_again():
    model = TreeEnsemble.from_file(bundled_model_path("pagetype.lgb"))
    rows = _rows(model, seed=5)[:6]
    before = model.raw(rows)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.raw(rows).tobytes() == before.tobytes()
