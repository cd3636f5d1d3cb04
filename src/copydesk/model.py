"""The trained block model: loads the shipped LightGBM trees and scores a page's blocks.

The model file is LightGBM's text format, with a JSON sidecar (`<name>.json`) holding the feature
names it was trained on, the decision threshold, and how it was trained. Loading checks the feature
names against `features.FEATURE_NAMES`, so a stale model fails loudly instead of scoring garbage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .features import FEATURE_NAMES
from .trees import TreeEnsemble

BUNDLED_MODEL = "blocks.lgb"


@dataclass(frozen=True, slots=True)
class BlockModel:
    """A loaded model: `probabilities(X)` gives each block's chance of being main content."""

    booster: TreeEnsemble
    threshold: float
    meta: dict

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0)
        return self.booster.predict(features)


def bundled_model_path(name: str = BUNDLED_MODEL) -> Path:
    return Path(str(resources.files("copydesk") / "models" / name))


@lru_cache(maxsize=16)
def load_booster(path: str | None, bundled: str, features: tuple[str, ...]) -> tuple[TreeEnsemble, dict]:
    """Load (once per process) a LightGBM model file and its JSON sidecar: the file at `path`, or the
    one shipped as `bundled`. A model trained on other features than `features` is refused.

    The trees are scored by `trees.TreeEnsemble`, not by LightGBM: the same predictions without
    LightGBM's per-call overhead or its imports."""
    model_path = Path(path) if path else bundled_model_path(bundled)
    meta = json.loads(model_path.with_suffix(".json").read_text(encoding="utf-8"))
    if tuple(meta["features"]) != features:
        raise RuntimeError(f"{model_path}: trained on other features; retrain with `copydesk train`")
    return TreeEnsemble.from_file(model_path), meta


def load_model(path: str | None = None) -> BlockModel:
    """The block model at `path`, or the one shipped in the package."""
    booster, meta = load_booster(path, BUNDLED_MODEL, FEATURE_NAMES)
    return BlockModel(booster, float(meta["threshold"]), meta)
