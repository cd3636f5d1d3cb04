"""copydesk's optional compiled parts (`_walk`, `_classify`, `_features`, `_trees`, `_lines`): how each is
imported, and the one switch that turns them all off.

Each sits beside a Python reference that gives the same results; a part is used only when it was
built, and (for all but the tree scorer, which checks each model as it loads it) once it has passed its
own checks at import.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
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


def load_checked(name: str, set_up: Callable[[ModuleType], None]) -> tuple[ModuleType | None, str]:
    """`import_extension(name)`, then `set_up(module)`: the part's configuration and its probe, which
    raises where the compiled code and its Python reference disagree. Any failure leaves the part off,
    with the reason."""
    return checked(*import_extension(name), set_up)


def checked(module: ModuleType | None, why_not: str,
            set_up: Callable[[ModuleType], None]) -> tuple[ModuleType | None, str]:
    """`module` once `set_up(module)` has run without raising, or None with the reason (`why_not` when
    `module` is None already): for a second set-up of a part that is loaded (text mode's body nodes)."""
    if module is None:
        return None, why_not
    try:
        set_up(module)
    except Exception as error:  # noqa: BLE001 - any failure means: use the Python code
        return None, f"failed its checks ({type(error).__name__}: {error})"
    return module, ""
