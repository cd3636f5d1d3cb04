"""The wording rules tried by a text's first character give what the whole alternation gives."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk import rules


def whole_alternation(text: str) -> str | None:
    match = rules._START_RULE.match(text)
    return rules._START_CATEGORIES[int(match.lastgroup[4:])] if match and match.lastgroup else None


# Openings of the rules, in several cases, so generated texts often reach deep into a rule.
OPENINGS = [
    "Advertisement", "- ADVERTISING -", " sponsored content", "Read more: ", "SEE ALSO:", "Related:",
    "Please enter your comment!", "Leave a Reply", "12 comments", "Comments (3)", "Share this article",
    "Share on Facebook", "Tweet", "EMAIL", "Print this", "Sign up for our newsletter", "Subscribe to updates",
    "All rights reserved", "Copyright 2024", "© 2024", "Skip to main content", "Back to top", "Watch:",
    "Listen:", "Publicité", "anzeige", "The article", "x", "",
]


def test_every_ascii_start_and_the_openings():
    texts = [c + rest for c in map(chr, range(128)) for rest in ("", "dvertisement", "hare", "kip to content")]
    texts += OPENINGS + [o.upper() for o in OPENINGS] + [o.lower() + " more words" for o in OPENINGS]
    for text in texts:
        assert rules.start_category(text) == whole_alternation(text), text


def test_rules_are_dispatched_not_all_tried():
    # The dispatch must narrow the rules, or it is only overhead: "x" can start no rule, "r" only one.
    assert rules._START_BY_FIRST_CHAR["x"] is None
    assert rules._START_BY_FIRST_CHAR["r"] is not None and len(rules._START_BY_FIRST_CHAR["r"][1]) == 1


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(OPENINGS), st.text(alphabet=string.printable + "–—©éİıſK", max_size=30),
       st.text(max_size=3))
def test_generated_texts(opening: str, tail: str, head: str):
    for text in (opening + tail, head + opening + tail, tail, head + tail):
        assert rules.start_category(text) == whole_alternation(text)


def test_without_the_regex_parser_every_rule_is_tried():
    """A Python whose re internals moved: rules.py still imports, and gives the same answers."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['re._parser'] = None\n"
            "from copydesk import rules\n"
            "whole = (rules._START_RULE, rules._START_CATEGORIES)\n"
            "assert all(v == whole for v in rules._START_BY_FIRST_CHAR.values())\n"
            "print(rules.text_category('Share this article'), rules.text_category('Read more: x'), "
            "rules.text_category('xyz'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["share", "related", "None"]
