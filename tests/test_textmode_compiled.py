"""The compiled lines (copydesk/_lines.c) give exactly what textmode_features' Python code gives.

The lines of a dump, each line's rule category and the feature matrix (float64 bits) are compared on
text hypothesis writes from words, the rules' own wordings, odd whitespace, non-ASCII, astral and
control characters, and on the edge cases: empty and blank text, lines past the head length and past
the rules' length, NUL, lone surrogates, U+0130 (which str.lower() lengthens), a lexicon that is not a
dict. Lines the compiled code declines go to the Python code, with its result or its exception. The
gates must never keep a line from a rule that matches it. Skipped when the extension is not built (or
is disabled); the last test checks that COPYDESK_PURE_PYTHON=1 gives the same records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import copydesk
from conftest import FIXTURES
from copydesk import textmode_features as tf
from copydesk.rules import start_category
from copydesk.textmode import load_line_model
from test_properties import PROPERTY

pytestmark = pytest.mark.skipif(tf._fast is None, reason=f"compiled lines unavailable: {tf.COMPILED_LINES_UNAVAILABLE}")

LEXICON = {"the": 1.25, "said": 0.5, "reply": -2.0, "share": -1, "cookies": -0.75, "москва": 0.5, "naïve": 0.25,
           "οδος": 1.0, "i̇stanbul": 0.125, "k": 0.0625, "unknown": float("nan"), "[video]": -1.5}
WORDS = [
    "the", "The", "said", "minister", "Reply", "SHARE", "Share", "naïve", "Naïve", "Москва", "ΟΔΟΣ", "Σ", "İstanbul",
    "\u212a", "ſ", "日本語", "\U0001d400", "\U0001f600", "€12", "2024", "©", "…", "...", ".", ",", ":", "»", "›", "|",
    "/", "•", "-", "–", "(note)", "“quoted”", "e.g.", "[VIDEO]", "[PICTURES]", "(Image: GETTY)", "(Photo: Reuters)",
    "Advertisement", "- Advertisement -", "Read more:", "READ MORE:", "Leave a Reply", "12 comments", "Skip to content",
    "Sign up", "newsletter", "Subscribe", "Click here", "Log in", "Continue reading", "cookie", "We use cookies",
    "Akismet to reduce spam", "comment data", "Please enter your comment!", "Copyright", "All rights reserved",
    "\x00", "x", "ı",
]
SPACES = [" ", " ", " ", "  ", "\t", "\xa0", "\u2003", "\r", "\x1c", "\x85", "\u3000"]


@st.composite
def dumps(draw: st.DrawFn) -> str:
    """A text dump: lines of words and the rules' wordings, joined by any whitespace, some blank."""
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        most = draw(st.sampled_from([3, 12, 90]))
        words = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=most))
        gaps = draw(st.lists(st.sampled_from(SPACES), min_size=len(words) + 1, max_size=len(words) + 1))
        lines.append(gaps[0] + "".join(word + gap for word, gap in zip(words, gaps[1:], strict=True)))
    return "\n".join(lines)


def outcome(function, *args):
    """What a call gives: its result, or the type of what it raises."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - compared, not hidden
        return type(error)


def assert_same(text: str, lexicon: Mapping[str, float] = LEXICON) -> None:
    lines = tf.normalise_lines_python(text)
    assert tf.normalise_lines(text) == lines
    assert tf.normalise_lines(text, 3) == lines[:3]
    assert_same_lines(lines, lexicon)


def assert_same_lines(lines: list[str], lexicon: Mapping[str, float] = LEXICON) -> None:
    categories = outcome(tf.rule_categories_python, lines)
    assert outcome(tf.rule_categories, lines) == categories
    if not isinstance(categories, list) or not lines:
        return
    expected = outcome(tf.page_features_python, lines, lexicon, categories)
    got = outcome(tf.page_features_compiled, lines, lexicon, categories)
    if got is None:  # declined: page_features runs the Python code
        got = outcome(tf.page_features, lines, lexicon, categories)
    if isinstance(expected, type):
        assert got is expected
        return
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if got.tobytes() != expected.tobytes():
        cells = np.argwhere(got.view(np.uint64) != expected.view(np.uint64))[:5]
        raise AssertionError(f"differ at {[(int(r), tf.FEATURE_NAMES[c]) for r, c in cells]}")


@PROPERTY
@given(dumps())
def test_generated_dumps(text: str):
    assert_same(text)


@PROPERTY
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=12))
def test_any_lines_even_those_normalise_lines_never_makes(lines: list[str]):
    assert_same_lines(lines)


@pytest.mark.parametrize("text", [
    "", " \n\t\n", "one", "a\nb\nc", "\x00", "\x00\x00 \x00\n\x00", "x" * 5000, ("word " * 300).strip(),
    ("w" * 199 + " " + "tail " * 40).strip(), ("Share " + "x" * 400), "Share\n" * 12,
    "İstanbul cookies\nWe use cookies",
    "A\u0130\nWe use cookies to help", "Σ ΟΔΟΣ.\nΟΔΟΣ Σ", "\U0001f600 \U0001d400 " * 50, "a\u2003b\u3000c\xa0\xa0d",
    "\u212aELVIN cookie\nclick here", "Read more\n: the next line", "..\n.\n…\n:\n)\n]\n(Image: GETTY)\n[VIDEO]",
    "A short line.\n" + "y" * 40_000 + "\nMenu", "Home\n" * 33_000,  # past the log tables: numpy's logs
], ids=lambda text: repr(text[:60]))
def test_edge_cases(text: str):
    assert_same(text)


def test_event_and_wide_windows_on_a_long_page():
    """The columns that count calls to action, rule lines and copyright signs before and after a line, and the
    running means of radius 10 and 20, on a page longer than the widest window (dumps() stop at 25 lines)."""
    prose = "The minister said the harbour wall would be rebuilt by the spring, at a cost of €12m."
    lines = [*(["Menu", "Share", "Advertisement"] * 4), *([prose] * 30), "Leave a Reply", "Reply",
             *(["Naïve readers said so.", "Reply"] * 12), "© 2024 The Paper", "Copyright ©", "Skip to content"]
    assert_same_lines(lines)
    assert_same_lines(lines[::-1])
    assert_same("\n".join(["Reply"] * 1_200 + [prose] * 3))  # counts past the cap


def test_other_sequences_and_str_subclasses_go_to_the_python_code():
    class Text(str):
        pass

    text = "Share\nThe minister said so, and more.\nMenu"
    assert tf.normalise_lines(Text(text)) == tf.normalise_lines(text) == tf.normalise_lines_python(text)
    assert tf.normalise_lines(text, -1) == tf.normalise_lines_python(text)[:-1]
    lines = tuple(tf.normalise_lines(text))
    assert tf.rule_categories(lines) == tf.rule_categories_python(list(lines))
    assert tf.page_features(lines, LEXICON).tobytes() == tf.page_features_python(list(lines), LEXICON,
                                                                                 tf.rule_categories(lines)).tobytes()


def test_lone_surrogates_raise_as_the_python_code_does():
    for lines in (["ok line", "bad \ud800 line"], ["bad\udfff"], ["x" * 250 + "\ud800"]):
        assert_same_lines(lines)


def test_a_lexicon_the_table_cannot_hold_goes_to_the_python_code():
    class Words(Mapping):
        def __init__(self, words: dict[str, float]) -> None:
            self.words = words

        def __getitem__(self, key: str) -> float:
            return self.words[key]

        def __iter__(self):
            return iter(self.words)

        def __len__(self) -> int:
            return len(self.words)

    lines = ["The minister said so.", "Reply", "Share"]
    categories = tf.rule_categories(lines)
    for lexicon in (Words(LEXICON), {"the": "1.0"}, {"the": 1.0, 7: 2.0}, {"\ud800": 1.0}):
        assert tf.page_features_compiled(lines, lexicon, categories) is None
    assert_same_lines(lines, Words(LEXICON))


def test_the_shipped_lexicon_on_the_example_page():
    text = (FIXTURES / "news-page-text.txt").read_text(encoding="utf-8")
    assert_same(text, load_line_model().lexicon)


@PROPERTY
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=5), min_size=1, max_size=4).map(" ".join))
def test_gates_never_hide_a_line_a_rule_matches(line: str):
    line = line.strip()
    if not line:
        return
    start_gate, action_gate = tf.prefix_gate(tf._anchored_rules()), tf.prefix_gate([tf._ACTION])
    if start_category(line) is not None:
        assert passes(start_gate, line)
    if tf._ACTION.match(line):
        assert passes(action_gate, line)
        first = ord(line[0])
        assert tf._action_dispatch()[first if first < 128 else 128](line)


@PROPERTY
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=5), min_size=1, max_size=4).map(" ".join))
def test_required_characters_never_hide_a_line_a_regex_matches(line: str):
    patterns = [tf._CREDIT, tf._TAG, tf._CAPTION, *(pattern for pattern, *_ in tf.compiled_tables()[2])]
    for pattern in patterns:
        if pattern.search(line):
            assert set(tf.required_chars(pattern)) <= set(line), pattern.pattern


def test_required_characters_are_read_off_the_patterns():
    assert tf.required_chars(tf._CREDIT) == tf.required_chars(tf._CAPTION) == "():"
    assert tf.required_chars(tf._TAG) == "[]"
    assert tf.required_chars(tf.re.compile(r"a:b|c:d|(e|f)")) == ""  # not in every alternative
    assert tf.required_chars(tf.re.compile(r"(x;)+ (y,)? [.,] (?=!)")) == " ;"  # no optional part, class, lookahead
    assert tf.required_chars(tf.re.compile(r"AB", tf.re.I)) == ""  # letters: case folding widens them


def passes(gate: bytes | None, line: str) -> bool:
    """The C side of a gate (see gate_passes in _lines.c)."""
    if gate is None:
        return True
    codes = [ord(c) if c < "\x80" else ord(tf.GATE_STAND_INS.get(c, "\x7f")) for c in line[:5]]
    codes += [0] * (5 - len(codes))
    row = 128 * 128 + gate[codes[0] << 7 | codes[1]] * 48
    return all(gate[row + 16 * j + (c >> 3)] >> (c & 7) & 1 for j, c in enumerate(codes[2:]))


def test_only_the_stand_ins_match_an_ascii_pattern_when_case_is_ignored():
    ascii_letters = tf.re.compile(r"[\x00-\x7f]", tf.re.IGNORECASE)
    others = {chr(c) for c in range(128, sys.maxunicode + 1) if ascii_letters.fullmatch(chr(c))}
    assert others == set(tf.GATE_STAND_INS)
    assert all(tf.re.fullmatch(ascii, char, tf.re.IGNORECASE) for char, ascii in tf.GATE_STAND_INS.items())


def test_gates_are_read_off_the_patterns():
    assert tf.prefix_gate([tf.re.compile(r"ab(c|d)")]) == tf.prefix_gate([tf.re.compile(r"abc|abd")])
    gate = tf.prefix_gate([tf.re.compile(r"^(share|tweet)\s*:?$", tf.re.I)])
    assert passes(gate, "SHARE this") and passes(gate, "Tweet") and not passes(gate, "Shout")
    assert tf.prefix_gate([tf.re.compile(r"(?s)...")]) is None  # anything may start a match: no gate


PURE_PROBE = """
import json, sys, copydesk
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    print(json.dumps(copydesk.extract_text(text, explain=True).to_dict(), sort_keys=True))
"""


def test_pure_python_gives_the_same_records(tmp_path: Path):
    pages = [FIXTURES / "news-page-text.txt"]
    texts = ["Home › News\nA headline for the page here\n" + "The minister said it was done. " * 9,
             "Menu\nLog in\n- Advertisement -\n" + "Prose that runs on, ends well. " * 12 + "\n© 2024"]
    for i, text in enumerate(texts):
        pages.append(tmp_path / f"page{i}.txt")
        pages[-1].write_text(text, encoding="utf-8")
    src = str(Path(tf.__file__).parents[1])
    runs = []
    for pure in ("1", ""):
        env = {**os.environ, "COPYDESK_PURE_PYTHON": pure,
               "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        runs.append(subprocess.run([sys.executable, "-c", PURE_PROBE, *map(str, pages)], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert runs[0] == runs[1]
    assert [json.loads(line)["body"] for line in runs[0].splitlines()][0]
    expected = copydesk.extract_text(pages[0].read_text(encoding="utf-8"), explain=True).to_dict()
    assert json.loads(runs[0].splitlines()[0]) == json.loads(json.dumps(expected, sort_keys=True))


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.1, 0.4, 0.5, 0.5, 0.9, 1.0]) | st.floats(0, 1),
                          st.sampled_from([0.0, 1.0, 3.0, 12.0]) | st.integers(0, 400).map(float),
                          st.sampled_from([None, None, None, "comment-form", "spam-notice", "caption", "related"])),
                min_size=1, max_size=60),
       st.booleans(), st.booleans())
def test_verdicts_are_the_python_ones(rows: list[tuple[float, float, str | None]], use_rules: bool, strided: bool):
    from copydesk.options import Options
    from copydesk.textmode import _ARTICLE_ENDS, _DROPPED, line_verdicts_python

    probabilities = np.array([p for p, _, _ in rows])
    words = np.array([[w, 7.0] for _, w, _ in rows])[:, 0] if strided else np.array([w for _, w, _ in rows])
    categories = [c for _, _, c in rows]
    expected = line_verdicts_python(probabilities, categories, Options(use_heuristics=use_rules), words)
    assert tf.compiled_verdicts(probabilities, words, categories, use_rules, _ARTICLE_ENDS, _DROPPED) == expected


def test_verdicts_leave_nan_to_the_python_code():
    from copydesk.textmode import _ARTICLE_ENDS, _DROPPED

    probabilities, words = np.array([0.5, np.nan, 0.2]), np.array([3.0, 4.0, 5.0])
    assert tf.compiled_verdicts(probabilities, words, [None] * 3, True, _ARTICLE_ENDS, _DROPPED) is None


def scored_both_ways(text: str, use_rules: bool = True, repeats: bool = True) -> tuple[object, object]:
    """The verdicts of `compiled_scored` (None: declined) and of the reference steps: features, probabilities, cut
    (and repeated body lines marked, with `repeats`)."""
    from copydesk.options import Options
    from copydesk.rules import REPEAT_MIN_CHARS
    from copydesk.textmode import (
        _ARTICLE_ENDS,
        _DROPPED,
        DUPLICATE,
        line_probabilities_python,
        line_verdicts_python,
        mark_repeats,
    )

    booster = load_line_model().booster
    lines = tf.normalise_lines_python(text)
    categories = tf.rule_categories_python(lines)
    got = tf.compiled_scored(lines, categories, LEXICON, booster, use_rules, _ARTICLE_ENDS, _DROPPED,
                             (DUPLICATE, REPEAT_MIN_CHARS) if repeats else None)
    if not lines:
        return got, None
    features = tf.page_features_python(lines, LEXICON, categories)
    probabilities = line_probabilities_python(booster, features)
    expected = line_verdicts_python(probabilities, categories, Options(use_heuristics=use_rules),
                                    features[:, tf.FEATURE_NAMES.index("words")])
    if repeats:
        mark_repeats(lines, expected)
    return got, expected


@PROPERTY
@given(dumps(), st.booleans(), st.booleans())
def test_scored_lines_are_the_python_ones(text: str, use_rules: bool, repeats: bool):
    """One call of _lines.c (features, trees through _trees.C_API, sigmoid, cut) gives the reference's verdicts."""
    got, expected = scored_both_ways(text, use_rules, repeats)
    assert got is None or got == expected


def test_scored_marks_the_second_copies_of_body_lines():
    paragraphs = ["The council voted on Tuesday to close the old library by the end of the year.",
                  "Residents said they had not been told, and a petition has since gathered 4,000 names.",
                  "The library opened in 1904 and was paid for by a local mill owner, records show."]
    text = "\n".join(["Home", "News", "Library to close", *paragraphs, *paragraphs[:2], "Reply", "Reply",
                      "Copyright 2024"])
    got, expected = scored_both_ways(text)
    assert got is not None and got == expected
    assert got.count("duplicate") == 2 and got[3:6] == [None] * 3
    assert scored_both_ways(text, repeats=False)[0].count("duplicate") == 0


def test_scored_on_the_example_page_and_what_it_declines():
    from copydesk.textmode import _ARTICLE_ENDS, _DROPPED

    got, expected = scored_both_ways((FIXTURES / "news-page-text.txt").read_text(encoding="utf-8"))
    assert got is not None and got == expected and None in got
    booster = load_line_model().booster
    assert tf.compiled_scored([], [], LEXICON, booster, True, _ARTICLE_ENDS, _DROPPED) is None
    assert tf.compiled_scored(["a", "b"], [None], LEXICON, booster, True, _ARTICLE_ENDS, _DROPPED) is None
    assert tf.compiled_scored(["x" * 40_000], [None], LEXICON, booster, True, _ARTICLE_ENDS, _DROPPED) is None


@PROPERTY
@given(dumps(), st.booleans(), st.integers(0, 5))
def test_one_call_page_is_the_steps(text: str, use_rules: bool, min_model_lines: int):
    """split, rule_categories and scored in one call of _lines.c give what the steps give one by one."""
    from copydesk.textmode import _ARTICLE_ENDS, _DROPPED

    booster = load_line_model().booster
    repeats = ("duplicate", 20) if min_model_lines % 2 else None
    found = tf.compiled_page(text, 7, LEXICON, booster, use_rules, _ARTICLE_ENDS, _DROPPED, min_model_lines, repeats)
    lines = tf.normalise_lines_python(text)[:7]
    # A NUL in a line it reads sends the text back (extract_text drops NULs, then asks again).
    assert (found is False) == any("\x00" in line for line in lines)
    if found is False:
        return
    assert found is not None and found[0] == lines
    if lines and found[1] is not None:
        assert found[1] == tf.rule_categories_python(lines)
    if found[2] is not None:
        assert len(lines) >= min_model_lines
        assert found[2] == tf.compiled_scored(lines, found[1], LEXICON, booster, use_rules, _ARTICLE_ENDS, _DROPPED,
                                              repeats)
    without_model = tf.compiled_page(text, 7, None, None, use_rules, _ARTICLE_ENDS, _DROPPED, min_model_lines)
    assert without_model[:2] == found[:2] and without_model[2] is None


def test_line_probabilities_are_the_model_ones():
    """libm's exp for the sigmoid, as _lines.c: the model's predictions to the last bit or two."""
    from copydesk.textmode import line_probabilities_python

    model = load_line_model()
    lines = tf.normalise_lines((FIXTURES / "news-page-text.txt").read_text(encoding="utf-8"))
    features = tf.page_features(lines, model.lexicon)
    np.testing.assert_allclose(line_probabilities_python(model.booster, features), model.booster.predict(features),
                               rtol=1e-15, atol=0)


LATIN1_WORDS = [word for word in WORDS if max(map(ord, word)) < 256]
LATIN1_SPACES = [space for space in SPACES if max(map(ord, space)) < 256] + ["\x01", "\x1f", "  "]


@PROPERTY
@given(st.lists(st.lists(st.sampled_from(LATIN1_WORDS) | st.text(st.characters(max_codepoint=255), max_size=6),
                         max_size=30).map(" ".join), max_size=20),
       st.lists(st.sampled_from(LATIN1_SPACES), min_size=40, max_size=40))
def test_one_byte_dumps(lines: list[str], spaces: list[str]):
    """One-byte text takes split's and the rare words' eight-bytes-at-a-time paths."""
    text = "\n".join(spaces[i % 40] + line + spaces[(i + 7) % 40] * (i % 3) for i, line in enumerate(lines))
    assert_same(text)


TWO_BYTE_WORDS = ["“quoted”", "it’s", "—", "x", "the", "naïve", "Москва", "日本語", "\ufffe", "\ud800", "\x00"]
TWO_BYTE_SPACES = ["", " ", "  ", "\t", "\xa0", "\x85", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029",
                   "\u202f", "\u205f", "\u3000", "\x1f", "\r"]


@PROPERTY
@given(st.lists(st.lists(st.sampled_from(TWO_BYTE_WORDS) | st.text(st.characters(max_codepoint=0xFFFF), max_size=9),
                         max_size=30).map(" ".join), max_size=20),
       st.lists(st.sampled_from(TWO_BYTE_SPACES), min_size=40, max_size=40))
def test_two_byte_dumps(lines: list[str], spaces: list[str]):
    """Two-byte text takes split's eight-characters-at-a-time path; its lines are one-byte where they can be
    (`==` between str of different kinds is False, so the comparison checks that too)."""
    text = "\n".join(spaces[i % 40] + line + spaces[(i + 7) % 40] * (i % 3) for i, line in enumerate(lines)) + "\u2019"
    assert_same(text)


@pytest.mark.parametrize("length", range(1, 26))
def test_two_byte_lines_of_every_length(length: int):
    for line in ("a" * length, "é" * length, "’" * length, "a " * length + "’", "’" + " a" * length):
        for end in ("", "\n", " \n", "  x\n"):
            assert_same(f"{line}{end}{line[::-1]}\u2019\n{line}")


@pytest.mark.parametrize("offset", range(0, 20))
@pytest.mark.parametrize("word", ["akismet", "AKISMET", "Comment Data", "comment  data", "cookie", "\u212aookie",
                                  "cooki", "akismex"])
def test_rare_words_at_every_offset(word: str, offset: int):
    line = "x" * offset + word + " trailing words here."
    assert_same_lines([line, line[: offset + len(word)], "(" + line + ")"])


def verdicts_for(lines: list[str], choices: list[str | None]) -> st.SearchStrategy[list[str | None]]:
    """A verdict per line, drawn from `choices` (repeat one to draw it more often)."""
    return st.lists(st.sampled_from(choices), min_size=len(lines), max_size=len(lines))


@st.composite
def verdict_pages(draw: st.DrawFn) -> tuple[list[str], list[str | None]]:
    lines = draw(st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=30), min_size=0, max_size=30)
                 .map(lambda words: [" ".join(words[i:i + 14]) or "x" for i in range(0, max(len(words), 1), 3)]))
    return lines, draw(verdicts_for(lines, [None, None, "caption", "related", "dropped", "navigation", "title"]))


@PROPERTY
@given(verdict_pages())
def test_body_nodes_are_the_python_ones(page: tuple[list[str], list[str | None]]):
    from copydesk.textmode import _node_fields, body_nodes, body_nodes_python

    lines, verdicts = page
    got, expected = body_nodes(lines, verdicts), body_nodes_python(lines, verdicts)
    assert (_node_fields(got[0]), *got[1:]) == (_node_fields(expected[0]), *expected[1:])


def test_body_nodes_leave_other_input_to_the_python_code():
    from copydesk.textmode import _compiled_body

    assert _compiled_body(["a", "b"], [None]) is None
    assert _compiled_body(("a",), [None]) is None
    assert _compiled_body(["a", ""], [None, None]) is None
    assert _compiled_body(["a"], [3]) is None


# Lines a headline search reads: crumb trails, bylines, home words in every case (and what re.I lets match them),
# truncations, sentence ends, and headline-sized runs of words.
HEAD_STARTS = ["Home", "home", "HOME", "ſtart", "Startseite", "İnicio", "ınicio", "Главная", "By", "von", "Par", "por",
               "Homer", "Bylines", "A", "Share", "The"]
HEAD_TAILS = ["", " › News › UK", " / Sport", " | x", " - y", " News headline cut short...", " U.K. Headline…",
              ".", ":", ";", ",", "…", "...", "...\n", " words. More", " and nine more words in a row here now"]


@st.composite
def headline_pages(draw: st.DrawFn) -> tuple[list[str], list[str | None]]:
    lines = draw(st.lists(
        st.builds(lambda a, b, c: (a + b + c).strip() or "x", st.sampled_from(HEAD_STARTS) | st.text(max_size=4),
                  st.sampled_from(HEAD_TAILS) | st.text(max_size=20), st.sampled_from(["", *HEAD_TAILS])),
        min_size=0, max_size=24))
    return lines, draw(verdicts_for(lines, [None, None, "dropped", "dropped", "navigation", "caption"]))


@PROPERTY
@given(headline_pages())
def test_headline_is_the_python_one(page: tuple[list[str], list[str | None]]):
    from copydesk.textmode import _compiled_headline, headline_python

    lines, verdicts = page
    assert _compiled_headline(lines, verdicts) == headline_python(lines, verdicts)


@PROPERTY
@given(headline_pages())
def test_parts_are_the_python_ones(page: tuple[list[str], list[str | None]]):
    from copydesk.textmode import _compiled_parts, _node_fields, body_nodes_python, headline_python

    lines, verdicts = page
    got_verdicts, expected_verdicts = list(verdicts), list(verdicts)
    got = _compiled_parts(lines, got_verdicts)
    title_at, crumb_at, crumbs = headline_python(lines, expected_verdicts)
    for at, mark in ((title_at, "title"), (crumb_at, "breadcrumb")):
        if at is not None:
            expected_verdicts[at] = mark
    body, captions, related = body_nodes_python(lines, expected_verdicts)
    assert (*got[:2], _node_fields(got[2]), *got[3:]) == (title_at, crumbs, _node_fields(body), captions, related)
    assert got_verdicts == expected_verdicts


@PROPERTY
@given(headline_pages(), st.sampled_from([None, "https://example.com/a"]))
def test_record_is_the_python_one(page: tuple[list[str], list[str | None]], url: str | None):
    from copydesk.textmode import _assembled_python, _compiled_record

    lines, verdicts = page
    got_verdicts, expected_verdicts = list(verdicts), list(verdicts)
    got, expected = _compiled_record(lines, got_verdicts, url), _assembled_python(lines, expected_verdicts, url)
    assert got.to_dict() == expected.to_dict() and got_verdicts == expected_verdicts


def test_records_never_share_a_default_list():
    from copydesk.textmode import _compiled_record

    first, second = (_compiled_record(["A line of text"], ["navigation"], None) for _ in range(2))
    assert first == second and first.authors is not second.authors and first.comments is not second.comments
    first.tags.append("x")
    assert second.tags == []


def test_headline_leaves_other_input_to_the_python_code():
    from copydesk.textmode import _compiled_headline

    assert _compiled_headline(["a", "b"], [None]) is None
    assert _compiled_headline(("a",), [None]) is None
    assert _compiled_headline(["", "a"], [None, None]) is None  # the Python code raises (IndexError)
    assert _compiled_headline(["a"], [3]) is None
    from copydesk.textmode import _compiled_parts, _compiled_record

    for lines, verdicts in ((["a", "b"], [None]), (["a", ""], ["x", None]), (["a", "b"], [None, 3])):
        before = list(verdicts)
        assert _compiled_parts(lines, verdicts) is None
        assert _compiled_record(lines, verdicts, None) is None
        assert verdicts == before  # untouched: the Python code reads them as they were


# Calls to action spelt in every case, cut short, run on into a word, an underscore or a digit, and with
# the characters past ASCII an ASCII letter matches when case is ignored (the regex decides those).
ACTION_TAILS = ["", " now", "!", "_x", "1", "s", "é", "ſ", " ✓", ":", "-it", "\u212a", "K", " Us"]


@st.composite
def action_lines(draw) -> str:
    word = draw(st.sampled_from([*tf._action_words(), "sign", "log", "follow u", "ṡhare", "x"]))
    word = "".join(draw(st.sampled_from([c, c.upper(), {"s": "ſ", "k": "\u212a", "i": "\u0130"}.get(c, c)]))
                   for c in word)
    return word + draw(st.sampled_from(ACTION_TAILS))


def test_the_calls_to_action_are_spelt_out():
    """_lines.c matches the calls to action itself only if every one of them is spelt out."""
    words = tf._action_words()
    assert len(words) > len(tf._ACTION_STARTS) and {"sign up", "log in", "login", "follow us", "more"} <= set(words)
    assert all(tf._ACTION.fullmatch(word) for word in words)


@PROPERTY
@given(st.lists(action_lines(), min_size=1, max_size=12))
def test_calls_to_action_matched_in_c_are_the_regex_ones(lines: list[str]):
    assert_same("\n".join(lines))
