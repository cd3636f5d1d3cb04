"""The compiled walk's class/id classification (_walk.c) against rules.attribute_category, the reference.

The walk classifies ASCII class/id strings itself, with attribute_category's tables, and calls the Python
function back for the rest. `_walk.attribute_category(names, tables, fallback)` is that classification;
its `fallback` here fails on ASCII strings, so a string the C side should have classified cannot pass by
being handed back to Python.
"""

from __future__ import annotations

import itertools
import random
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from copydesk import blocks, rules
from test_properties import PROPERTY
from test_walk_compiled import assert_same_walk

pytestmark = pytest.mark.skipif(blocks._fast is None,
                                reason=f"compiled walker unavailable: {blocks.COMPILED_WALKER_UNAVAILABLE}")

_EXTRA_WORDS = [
    "post", "48213", "widget", "card", "title", "x", "a1", "h2", "wp", "block", "inner", "list", "item",
    "commentary", "commentlist", "comments2", "sharebar", "socialicons", "sidebarleft", "breadcrumbtrail",
    "newsletterbox", "relatedposts", "advertorial", "adverts", "navx", "xnav", "reply", "form", "respond",
    "replyform", "formal", "overlay", "sronly", "modalcontent", "Comment", "SideBar", "NAV", "ARTICLE",
    "Post", "ReSpond", "caf\u00e9", "\u212a", "na\u00efve", "\u65e5\u672c", "\u0130nfo", "\ufffd", "",
]
WORDS = sorted(
    set(rules.TOKEN_CATEGORIES) | set(rules.TOKEN_PREFIXES) | rules.CONTENT_TOKENS | rules._FORM_TOKENS
    | set(_EXTRA_WORDS)
)
SEPARATORS = [" ", "-", "_", "__", "--", " - ", ":", ".", "/", "\t", "\n", "  ", "\x00", "\u00a0", "\u2014"]


def c_category(names: str, tables: tuple | None = None) -> str | None:
    def fallback(s: str) -> str | None:
        assert not s.isascii(), f"handed back to Python: {s!r}"
        return rules.attribute_category(s)

    return blocks._fast.attribute_category(names, rules.attribute_tables() if tables is None else tables, fallback)


def class_strings(count: int, seed: int) -> list[str]:
    """Varied class strings: 1-4 words of the tables and others, cased and joined at random."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
        words = [w.upper() if rng.random() < 0.1 else w.title() if rng.random() < 0.1 else w for w in words]
        parts = [words[0]]
        for w in words[1:]:
            parts += [rng.choice(SEPARATORS), w]
        found.append(rng.choice(["", " ", "-"]) + "".join(parts) + rng.choice(["", " ", "_", "-1"]))
    return found


HAND_PICKED = [
    "", " ", "--", "comment", "comments", "comment-respond", "comment-form-cookies", "comment-reply-title",
    "comments reply", "respond comments", "commentform", "commentlist", "comment-list form", "comment_FORM",
    "sharedaddy sd-sharing-enabled", "social-share", "sidebar", "sidebar article", "sidebar-widget content",
    "modal", "modal main-body", "modal post", "overlay comment", "overlay comment form", "sidebar nav",
    "nav sidebar", "post-48213 entry", "post-meta", "article-widget", "c-Article__body", "NAV", "Footer",
    "ad", "ads-slot", "adsense", "advert123", "advertisement", "x ad", "related-posts", "relatedposts",
    "breadcrumbs", "breadcrumb_trail", "newsletter-signup", "page-with-sidebar", "toc", "skip-link",
    "wp-block-group__inner-container", "entry-content clearfix", "td-post-content tagdiv-type",
    "caf\u00e9 nav", "\u212aomment", "nav \u00e9", "sidebar \u65e5\u672c", "\ufffd", "comment\u00a0form",
]


def test_table_words_and_hand_picked():
    strings = HAND_PICKED + WORDS + [f"{a} {b}" for a, b in itertools.product(
        ["comment", "sidebar", "modal", "nav", "post", "x"], ["form", "reply", "content", "article", "share", "9"])]
    for names in strings:
        assert c_category(names) == rules.attribute_category(names), names


def test_generated_class_strings():
    strings = class_strings(600, seed=1)
    assert sum(s.isascii() for s in strings) > 300 and sum(not s.isascii() for s in strings) > 30
    for names in strings:
        assert c_category(names) == rules.attribute_category(names), names


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=6),
       st.lists(st.sampled_from(SEPARATORS), min_size=6, max_size=6))
def test_hypothesis_class_strings(words: list[str], separators: list[str]):
    names = "".join(w + s for w, s in zip(words, separators, strict=False))
    assert c_category(names) == rules.attribute_category(names)


@pytest.fixture
def swapped_tables(monkeypatch):
    """Set rules' tables to others for one test; the reference then is attribute_category uncached."""
    def swap(**tables: object) -> None:
        for name, table in tables.items():
            monkeypatch.setattr(rules, name, table)
        rules._token_category.cache_clear()

    yield swap
    rules._token_category.cache_clear()


@pytest.mark.parametrize("prefixes", [("rep", "com"), ("rep", "com", "")])
def test_other_tables(swapped_tables, prefixes: tuple[str, ...]):
    """Tables with what rules.py's lack: "comment" weak, a falsy category, None, keys that match no token,
    an empty prefix (every token has one), a prefix that is also a form word."""
    swapped_tables(
        TOKEN_CATEGORIES={"comment": "comment", "respond": "comment-form", "blank": "", "none": None,
                          "Nav": "navigation", "side-bar": "other", "ad": "advertisement", "": "paywall",
                          "wide": "other", "rep": "related", "com": "comment"},
        TOKEN_PREFIXES=prefixes,
        WEAK_CATEGORIES=frozenset({"comment", "other", ""}),
        CONTENT_TOKENS=frozenset({"main", "Body"}),
        _FORM_TOKENS=frozenset({"reply", "form"}),
    )
    reference = rules.attribute_category.__wrapped__
    for names in ["comment", "comment main", "comment reply", "commentary form", "blank", "blank comment",
                  "blank ad", "none", "nav", "Nav", "side-bar", "side bar", "wide", "wide main", "wide body",
                  "reply", "replying", "x", "x main", "comment wide reply", "ad comment reply", "nothing"]:
        assert c_category(names) == reference(names), names


def test_prefix_missing_from_token_categories_raises_as_in_python(swapped_tables):
    swapped_tables(TOKEN_PREFIXES=("comment", "zz"))
    reference = rules.attribute_category.__wrapped__
    for names in ("zzz", "zz", "x Zz-1"):
        with pytest.raises(KeyError):
            reference(names)
        with pytest.raises(KeyError):
            blocks._fast.attribute_category(names, rules.attribute_tables(), reference)
    assert blocks._fast.attribute_category("comments", rules.attribute_tables(), reference) == "comment"
    assert blocks._fast.attribute_category("nav zz", rules.attribute_tables(), reference) == "navigation"


def test_tables_not_read_in_c_go_to_python():
    calls = []

    def fallback(s: str) -> str:
        calls.append(s)
        return "from python"

    tables = rules.attribute_tables()
    others = [
        None, (), tables[:4],
        (tables[0], (*tables[1], 7), *tables[2:]),  # startswith would raise TypeError
        ({"nav": ["unhashable"]}, *tables[1:]),  # `in WEAK_CATEGORIES` would raise TypeError
        (types.MappingProxyType(tables[0]), *tables[1:]),  # not a dict
    ]
    for other in others:
        assert blocks._fast.attribute_category("nav", other, fallback) == "from python"
    assert len(calls) == len(others)
    assert blocks._fast.attribute_category("nav", tables, fallback) == "navigation"


def test_walk_classifies_ascii_strings_without_calling_back():
    strings = class_strings(300, seed=2)
    markup = "".join(f"<div class='{s}' id='{t}'>x</div><p class='{t}'>y</p>" for s, t in zip(
        strings, reversed(strings), strict=True) if "'" not in s + t)
    tree = LexborHTMLParser(markup)
    assert_same_walk(tree)

    def non_ascii_only(names: str) -> str | None:
        assert not names.isascii(), names
        return rules.attribute_category(names)

    page = blocks._fast.walk(tree.body.mem_id, "body", blocks.SKIPPED_TAGS, blocks.BLOCK_TAGS,
                             blocks.HEADING_LEVELS, blocks.TAG_CATEGORIES, non_ascii_only, rules.attribute_tables())
    assert page == blocks.walk_python(tree.body, blocks.SKIPPED_TAGS)
    assert len({e.mark for e in page.elements}) > 5


def test_tokens_of_every_length_and_long_strings():
    """Tokens are read a word (eight bytes) at a time and hashed from their ends: every length around the
    table words, and strings past the walk's stack buffer (512 bytes)."""
    rng = random.Random(7)
    strings = []
    for word in WORDS:
        if not word.isascii():
            continue
        for extra in range(0, 18):
            tail = "".join(rng.choice("abcxyz019") for _ in range(extra))
            strings += [word + tail, tail + word, (word + tail).upper(), f"{tail}-{word}", f"{word}{tail} x"]
    strings += [" ".join(rng.choice(WORDS[:40]) for _ in range(n)) for n in (60, 90, 200)]
    strings += ["a" * n for n in range(1, 20)] + ["-" * 600 + "comment", "nav" + "x" * 700, "x " * 400 + "sidebar"]
    for names in strings:
        assert c_category(names) == rules.attribute_category(names), names
    tree = LexborHTMLParser("".join(f"<div class='{s}' id='{s[::-1]}'>t</div>" for s in strings[::37] if s.isascii()))
    assert_same_walk(tree)
