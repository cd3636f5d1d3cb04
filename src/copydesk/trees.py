"""Scoring LightGBM's tree ensembles without LightGBM: the shipped models, read from their text files.

Extraction scores a few hundred blocks per page with three small models. LightGBM's own `predict`
costs about 0.1 ms a call before it looks at a row, and importing it pulls in scikit-learn and pandas
where they are installed (100+ MiB per worker). Walking 60 trees of 7 leaves is cheap: a compiled
loop (`_trees.c`, which checks a model's arrays once and then finds each tree's leaf for four rows at a
time without walking) does it in microseconds; where the extension is not built, numpy does it per tree.

Training still uses LightGBM (`copydesk train`); `tests/test_trees.py` checks that both paths give
LightGBM's own predictions. Only what copydesk's models use is read: numerical splits (missing values
treated as zero, LightGBM's default), the binary, cross-entropy and multiclass objectives. Anything
else (categorical splits, linear trees, other objectives) is refused when the file loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from .compiled import import_extension

# Built without a compiler, or COPYDESK_PURE_PYTHON=1: the numpy path below.
_trees, _ = import_extension("_trees")


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """A model's trees as flat arrays. Node `k` of tree `t` is `node_offsets[t] + k`; a child index
    below zero is a leaf, `~child` within the tree's leaves (at `leaf_offsets[t]`)."""

    feature: np.ndarray  # int32 per node
    threshold: np.ndarray  # float64 per node: go left when value <= threshold
    left: np.ndarray  # int32 per node
    right: np.ndarray  # int32 per node
    leaf_value: np.ndarray  # float64 per leaf
    node_offsets: np.ndarray  # int32 per tree
    leaf_offsets: np.ndarray  # int32 per tree
    num_class: int
    transform: str  # "sigmoid" or "softmax"
    sigmoid: float
    num_features: int
    # _trees.compile's checked copy of the arrays, made on first use (so a corrupt file raises there).
    _compiled: object = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The compiled copy would not see a change: the arrays are read-only from here on.
        for name in ("feature", "threshold", "left", "right", "leaf_value", "node_offsets", "leaf_offsets"):
            getattr(self, name).flags.writeable = False

    def __getstate__(self) -> list:
        # The compiled copy is a C pointer: not pickled, a copy compiles its own on first use.
        return [None if f.name == "_compiled" else getattr(self, f.name) for f in fields(self)]

    def __setstate__(self, state: list) -> None:
        for f, value in zip(fields(self), state, strict=True):
            object.__setattr__(self, f.name, value)

    @classmethod
    def from_file(cls, path: Path) -> TreeEnsemble:
        return parse_model(path.read_text(encoding="utf-8"), str(path))

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """Summed leaf values, shape (rows, num_class). float32 rows are read as they are (the compiled
        path widens each value to double, as LightGBM does); anything else becomes float64."""
        rows = np.asarray(rows)
        rows = np.ascontiguousarray(rows, dtype=np.float32 if rows.dtype == np.float32 else np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.num_features:
            raise ValueError(f"expected rows of {self.num_features} features, got shape {rows.shape}")
        out = np.zeros((len(rows), self.num_class), dtype=np.float64)
        if len(rows):
            if _trees is not None:
                _trees.add_leaf_values(self._compiled or self._compile(), rows, out)
            else:
                self._raw_numpy(_as_lightgbm_reads(rows.astype(np.float64, copy=False)), out)
        return out

    def _compile(self) -> object:
        compiled = _trees.compile(self.feature, self.threshold, self.left, self.right, self.leaf_value,
                                  self.node_offsets, self.leaf_offsets, self.num_class, self.num_features)
        object.__setattr__(self, "_compiled", compiled)
        return compiled

    def predict(self, rows: np.ndarray, num_threads: int = 1) -> np.ndarray:
        """Probabilities as LightGBM's `Booster.predict` gives them: (rows,) for one class, else
        (rows, classes). `num_threads` is accepted for the same call shape; scoring is single-threaded."""
        raw = self.raw(rows)
        if self.transform == "softmax":
            raw = np.exp(raw - raw.max(axis=1, keepdims=True))
            return raw / raw.sum(axis=1, keepdims=True)
        probabilities = 1.0 / (1.0 + np.exp(-self.sigmoid * raw))
        return probabilities[:, 0] if self.num_class == 1 else probabilities

    def _raw_numpy(self, rows: np.ndarray, out: np.ndarray) -> None:
        index = np.arange(len(rows))
        for tree in range(len(self.node_offsets)):
            base, leaves = self.node_offsets[tree], self.leaf_offsets[tree]
            end = self.node_offsets[tree + 1] if tree + 1 < len(self.node_offsets) else len(self.feature)
            # A one-leaf tree has no splits: every row is at its leaf 0 (child index ~0 = -1).
            node = np.full(len(rows), -1 if base == end else 0, dtype=np.int64)
            active = node >= 0
            while active.any():
                at = base + node[active]
                go_left = rows[index[active], self.feature[at]] <= self.threshold[at]
                node[active] = np.where(go_left, self.left[at], self.right[at])
                active = node >= 0
            out[:, tree % self.num_class] += self.leaf_value[leaves + ~node]


# LightGBM stores values this close to zero as zero, and reads a missing value (NaN) as zero for
# splits whose missing type is "none" (all of copydesk's); _trees.c does the same, once per value read.
ZERO = float(np.float32(1e-35))  # LightGBM's kZeroThreshold is the float 1e-35f


def _as_lightgbm_reads(rows: np.ndarray) -> np.ndarray:
    rows = np.where(np.isnan(rows), 0.0, rows)
    rows[np.abs(rows) <= ZERO] = 0.0
    return rows


def parse_model(text: str, name: str = "model") -> TreeEnsemble:
    """Read LightGBM's text model format (the header, then one `Tree=` section per tree)."""
    header, *sections = text.split("\nTree=")
    head = _fields(header)
    num_class = int(head.get("num_class", "1"))
    objective = head.get("objective", "").split()
    transform, sigmoid = _transform(objective, name)
    features, thresholds, lefts, rights, leaves, node_offsets, leaf_offsets = [], [], [], [], [], [], []
    for section in sections:
        section = section.split("\nend of trees")[0]
        tree = _fields(section)
        if tree.get("num_cat", "0") != "0" or tree.get("is_linear", "0") != "0":
            raise ValueError(f"{name}: categorical splits and linear trees are not supported")
        node_offsets.append(len(features))
        leaf_offsets.append(len(leaves))
        leaves += [float(v) for v in tree["leaf_value"].split()]
        if int(tree["num_leaves"]) == 1:
            continue
        if any(int(d) & ~2 for d in tree["decision_type"].split()):
            raise ValueError(f"{name}: only numerical splits with missing values as zero are supported")
        features += [int(v) for v in tree["split_feature"].split()]
        thresholds += [float(v) for v in tree["threshold"].split()]
        lefts += [int(v) for v in tree["left_child"].split()]
        rights += [int(v) for v in tree["right_child"].split()]
    return TreeEnsemble(
        np.array(features, dtype=np.int32), np.array(thresholds, dtype=np.float64),
        np.array(lefts, dtype=np.int32), np.array(rights, dtype=np.int32), np.array(leaves, dtype=np.float64),
        np.array(node_offsets, dtype=np.int32), np.array(leaf_offsets, dtype=np.int32), num_class, transform,
        sigmoid, int(head["max_feature_idx"]) + 1,
    )


def _fields(section: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in section.splitlines() if "=" in line)


def _transform(objective: list[str], name: str) -> tuple[str, float]:
    kind = objective[0] if objective else ""
    if kind == "multiclass":
        return "softmax", 1.0
    if kind == "binary":
        options = dict(o.split(":", 1) for o in objective[1:] if ":" in o)
        return "sigmoid", float(options.get("sigmoid", "1"))
    if kind in ("cross_entropy", "xentropy"):
        return "sigmoid", 1.0
    raise ValueError(f"{name}: objective {kind or '(none)'} is not supported")
