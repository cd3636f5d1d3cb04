"""The training pieces that decide what the model learns: labels and the fold split."""

from __future__ import annotations

import numpy as np

from copydesk.blocks import page_blocks
from copydesk.parse import parse
from copydesk.train import domain_of, fold_of, label_blocks

PAGE = """<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour wall repaired</h1>
<p>The council finished repairing the harbour wall on Tuesday after the winter storms.</p>
<p>Work cost less than expected, the engineer said.</p></article>
<footer>Copyright 2024 The Gazette</footer></body></html>"""
TRUTH = ("Harbour wall repaired\n\nThe council finished repairing the harbour wall on Tuesday after the "
         "winter storms.\n\nWork cost less than expected, the engineer said.")


def test_labels_follow_the_truth_text():
    blocks = page_blocks(parse(PAGE).body).blocks
    labels = dict(zip((b.text for b in blocks), label_blocks(blocks, TRUTH), strict=True))
    assert labels["The council finished repairing the harbour wall on Tuesday after the winter storms."] == 1
    assert labels["Work cost less than expected, the engineer said."] == 1
    assert labels["Harbour wall repaired"] == 1
    assert labels["Home News"] == 0
    assert labels["Copyright 2024 The Gazette"] == 0


def test_labels_of_a_page_without_truth_are_all_negative():
    blocks = page_blocks(parse(PAGE).body).blocks
    assert not np.any(label_blocks(blocks, ""))


def test_folds_group_a_domain_and_do_not_move():
    assert domain_of("https://www.example.org/a/b") == "example.org"
    assert domain_of("http://example.org/other") == "example.org"
    assert fold_of("example.org", 5) == fold_of(domain_of("https://www.example.org/x"), 5)
    folds = [fold_of(f"site{i}.example", 5) for i in range(200)]
    assert set(folds) == {0, 1, 2, 3, 4}
    assert folds == [fold_of(f"site{i}.example", 5) for i in range(200)]
