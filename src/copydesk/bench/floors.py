"""The quality gate: copydesk's F1 on each dataset must not drop below a pinned floor.

Floors are keyed by what was run (`aeb`, `wcxb`, `wcxb-sample150`, ...) so a gate on a sample is never
compared against the full set's floor. A run whose key has no floor fails: a typo in the gate
must not pass silently. Pages on which copydesk raised also fail the gate (up to an optional
`max_errors` in the entry, default 0): the issue requires that no page raises, and with low floors a
copydesk that crashes everywhere would otherwise pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# Extraction and scoring are deterministic, so this is not noise: it lets a floor be pinned at 3 decimals
# and lets a harmless change that moves one page by a hair through.
TOLERANCE = 0.005


@dataclass(frozen=True)
class FloorCheck:
    """The outcome of comparing one run against its floor."""

    key: str
    f1: float
    floor: float | None
    passed: bool
    message: str


def dataset_key(name: str, sample: int | None, limit: int | None) -> str:
    """Key identifying what was measured, e.g. `wcxb-sample150` or `aeb-limit10`."""
    key = name
    if sample:
        key += f"-sample{sample}"
    if limit:
        key += f"-limit{limit}"
    return key


def load_floors(path: Path) -> dict[str, dict[str, float]]:
    """Read the floors file; a broken file is a usage error reported in one line by the caller."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of {{key: {{\"f1\": floor}}}}")
    return data


def check(key: str, f1: float, floors: dict[str, dict[str, float]], errors: int = 0) -> FloorCheck:
    """Compare copydesk's F1 on `key` with its floor (allowing TOLERANCE) and its errors with the cap."""
    entry = floors.get(key)
    if not isinstance(entry, dict) or not isinstance(entry.get("f1"), int | float):
        known = ", ".join(sorted(floors)) or "none"
        return FloorCheck(key, f1, None, False, f"no floor for {key!r} in the floors file (has: {known})")
    floor = float(entry["f1"])
    max_errors = int(entry.get("max_errors", 0))
    if errors > max_errors:
        message = f"{key}: copydesk raised on {errors} page(s), more than the {max_errors} allowed"
        return FloorCheck(key, f1, floor, False, message)
    if f1 < floor - TOLERANCE:
        message = f"{key}: copydesk F1 {f1:.4f} is below the floor {floor:.4f} (tolerance {TOLERANCE})"
        return FloorCheck(key, f1, floor, False, message)
    message = f"{key}: copydesk F1 {f1:.4f} >= floor {floor:.4f} - {TOLERANCE}"
    return FloorCheck(key, f1, floor, True, message)
