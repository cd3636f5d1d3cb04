"""The switch over copydesk's compiled parts (compiled.py), and what they rely on in the Python objects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from copydesk import blocks, classify, features
from copydesk.blocks import Block

PROBE = ("import copydesk.blocks as b, copydesk.classify as c, copydesk.features as f, copydesk.trees as t; "
         "print(b.WALKER, c._fast, f._fast, t._trees, "
         "f.COMPILED_FEATURES_UNAVAILABLE == 'COPYDESK_PURE_PYTHON is set', b.__file__)")


def test_pure_python_environment_variable_turns_every_part_off():
    src = str(Path(blocks.__file__).parents[1])
    env = {**os.environ, "COPYDESK_PURE_PYTHON": "1", "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["python", "None", "None", "None", "True", blocks.__file__]
    # ...and without it, in this process, the compiled features and heuristics passed their checks.
    assert features.COMPILED_FEATURES_UNAVAILABLE == ""
    assert classify.COMPILED_CLASSIFY_UNAVAILABLE == ""


def test_block_chars_is_its_text_length_however_it_is_made():
    block = Block(3, "paragraph", [("Some words", None)], "Some words")
    assert block.chars == len("Some words")
    page = blocks.page_blocks(blocks.LexborHTMLParser("<body><p>One two</p><li>é\u00e9 x</li></body>").body)
    assert [b.chars for b in page.blocks] == [len(b.text) for b in page.blocks]
