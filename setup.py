"""Builds copydesk's optional compiled parts; everything else is in pyproject.toml.

Each extension is optional: without a C compiler the install still succeeds and copydesk uses the
pure-Python code beside it, which gives the same results, only slower.

- `copydesk._trees` (src/copydesk/_trees.c): scoring the shipped tree models (see trees.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("copydesk._trees", ["src/copydesk/_trees.c"], optional=True),
    ]
)
