"""copydesk's optional compiled parts (`_walk`, `_classify`, `_features`, `_trees`, `_lines`): how each is
imported, and the one switch that turns them all off.

Each sits beside a Python reference that gives the same results; a part is used only when it was
built, and (for all but the tree scorer, which checks each model as it loads it) once it has passed its
own checks at import.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

# COPYDESK_PURE_PYTHON=1 (read once, at import) makes every stage run its Python reference: to compare
# the two, or to rule the compiled code out when something looks wrong.
PURE_PYTHON = os.environ.get("COPYDESK_PURE_PYTHON", "").strip() not in ("", "0")


def import_extension(name: str) -> tuple[ModuleType | None, str]:
    """copydesk's compiled module `name` ("_walk", ...), or None with the reason it is not used."""
    if PURE_PYTHON:
        return None, "COPYDESK_PURE_PYTHON is set"
    try:
        return importlib.import_module(f"{__package__}.{name}"), ""
    except ImportError as error:
        return None, f"not built ({error})"
