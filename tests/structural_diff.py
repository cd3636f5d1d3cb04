"""Where two structures first differ, strictly: used by the walker parity test and scripts/walk_parity.py."""

from __future__ import annotations

from dataclasses import fields, is_dataclass


def difference(a: object, b: object, path: str = "page") -> str | None:
    """Where `a` and `b` first differ, types included, or None."""
    if type(a) is not type(b):
        return f"{path}: type {type(a).__name__} != {type(b).__name__} ({a!r} vs {b!r})"
    if is_dataclass(a):
        for f in fields(a):
            found = difference(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
            if found:
                return found
        return None
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            found = difference(a[key], b[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"
