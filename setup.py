"""Builds copydesk's optional compiled parts; everything else is in pyproject.toml.

Each extension is optional: without a C compiler the install still succeeds and copydesk uses the
pure-Python code beside it, which gives the same results, only slower.

- `copydesk._walk` (src/copydesk/_walk.c): the DOM walk (see blocks.py; the Python `_Walker` is the
  reference and the fallback).
- `copydesk._features` (src/copydesk/_features.c): the block feature matrix (see features.py; the numpy
  `block_features_python` is the reference and the fallback).
- `copydesk._trees` (src/copydesk/_trees.c): scoring the shipped tree models (see trees.py).
- `copydesk._classify` (src/copydesk/_classify.c): the heuristics' loops over every element and block
  (see classify.py; `_inherited_marks_python` and `_root_scores_python` are the reference and the fallback).
- `copydesk._lines` (src/copydesk/_lines.c): text mode's lines, rule candidates and line features (see
  textmode_features.py; its Python functions are the reference and the fallback).
"""

import sys

from setuptools import Extension, setup

SLOTS = "src/copydesk/_slots.h"  # what _classify.c, _features.c and _lines.c share

setup(
    ext_modules=[
        Extension(
            "copydesk._walk",
            ["src/copydesk/_walk.c"],
            libraries=["dl"] if sys.platform.startswith("linux") else [],
            optional=True,
        ),
        Extension("copydesk._features", ["src/copydesk/_features.c"], depends=[SLOTS], optional=True),
        Extension("copydesk._trees", ["src/copydesk/_trees.c"], optional=True),
        Extension("copydesk._classify", ["src/copydesk/_classify.c"], depends=[SLOTS], optional=True),
        Extension("copydesk._lines", ["src/copydesk/_lines.c"], depends=[SLOTS], optional=True),
    ]
)
