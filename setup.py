"""Builds the optional compiled DOM walker (src/copydesk/_walk.c); everything else is in pyproject.toml.

The extension is optional: without a C compiler the install still succeeds and copydesk uses the
Python walker (copydesk.blocks._Walker), which gives the same results, only slower.
"""

import sys

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "copydesk._walk",
            ["src/copydesk/_walk.c"],
            libraries=["dl"] if sys.platform.startswith("linux") else [],
            optional=True,
        )
    ]
)
