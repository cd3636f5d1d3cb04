"""Line features for text mode: what a page flattened to text still says about each line.

A text dump has lost its tags, but not its shape. Prose is long and punctuated; menus are runs of
short title-cased lines; ads, captions and related lists have their own wording; boilerplate
repeats; the article sits in the middle of the page's prose mass; and some words ("reply",
"subscribe", "©") belong to boilerplate lines on every site, which a learnt lexicon scores. Each
line gets its own signals, its neighbours' and its place on the page.

Text mode must cost a fraction of parsing the HTML, so the character-level signals are counted for
the whole page at once: each line's head is classified code point by code point through one lookup
table and summed per line with numpy. Only the wording rules and the lexicon look-ups run per line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from itertools import repeat

import numpy as np

from .rules import start_category, text_category

Lexicon = Mapping[str, float]  # word -> log-odds of body vs boilerplate lines, learnt by train_text
PROSE_WORDS = 10  # a line of ten words or more that ends a sentence counts as prose
_TERMINAL = ".!?。！？\"'”’»)"
_SEPARATORS = "|»›>/•·"
_BULLETS = "-–—•·*»>▪►✓"

# Character classes: bits of one lookup table, counted per line all at once (bit i -> column i).
(_SPACE, _UPPER, _LETTER, _DIGIT, _TERMINAL_BIT, _PUNCT, _CURRENCY, _SEPARATOR, _BULLET_BIT, _COMMA, _LINK,
 _COPYRIGHT, _CAPITAL_START, _SENTENCE_BREAK, _SEPARATOR_WORD) = (1 << i for i in range(15))
_COUNTED = {name: i for i, name in enumerate((
    "space", "upper", "letter", "digit", "terminal", "punct", "currency", "separator", "bullet", "comma", "link",
    "copyright", "capital_start", "sentence_break", "separator_word",
))}

# "[VIDEO]", "[PICTURES]": the tag a related-story list puts after each headline.
_TAG = re.compile(r"\[[A-Z][A-Z0-9 &'-]{1,24}\]$")
# Credits that close a caption: "(Image: GETTY)", "(Photo: Reuters)".
_CREDIT = re.compile(r"\((images?|photos?|pictures?|pics?|credit|source|video)\s*:[^)]{1,80}\)$", re.I)
# Calls to action: buttons and links that survive flattening as their own short lines.
_ACTION = re.compile(
    r"(click|tap|subscribe|sign (up|in|out)|log ?(in|out)|register|follow( us)?|share|download|buy|shop|"
    r"add to|learn more|read (more|next|full)|see (all|more)|view (all|more)|show (all|more)|load more|get (the|our|"
    r"started)|join|contact|book now|order|watch|listen|continue|skip|back to|go to|next|previous|prev|reply|"
    r"cancel|submit|search|menu|close|home|more)\b",
    re.I,
)
_ACTION_WORDS = 6  # only lines this short are buttons
_SAMPLE_CHARS = 200  # a line's head: what the character shares and the lexicon read
# Whitespace that is not a single space between words (looking for each is faster than a regex scan).
_UNUSUAL_SPACES = ("  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
                   *(chr(code) for code in range(0x2000, 0x200B)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")
# The shared wording rules anchored at a line's start run on every line; the rules that may match
# anywhere need a closing bracket or a rare word, so they run only where those are.
_RARE_WORDS = ("akismet", "comment data", "cookie")
_RARE_WORD = re.compile("|".join(_RARE_WORDS))
# Text mode's caption: a credit closing a line ("... (Image: GETTY)"), whatever the line's length.
_CAPTION = re.compile(r"\((image|photo|picture|pic|credit|source|video)s?\s*:\s*[^)]{1,60}\)$", re.I)

BASE_NAMES = (
    "log_chars", "words", "terminal", "ends_colon", "ends_ellipsis", "upper_share", "capitalised_share",
    "digit_share", "punct_share", "commas", "sentences", "separators", "tag", "rule", "credit", "action",
    "bullet", "repeats", "lexical", "lexical_coverage", "word_length", "link_like", "copyright", "currency",
)
_CONTEXT = ("words", "terminal", "capitalised_share", "rule", "lexical")
FEATURE_NAMES = (
    *BASE_NAMES,
    "position", "char_position", "log_lines", "words_vs_page_max", "prose_before", "prose_after",
    "prose_window_2", "prose_window_6", "prose_window_15", "short_run", "rule_window_3", "page_prose_share",
    "page_mean_words", "lexical_window_1", "lexical_window_3", "lexical_window_8",
    *(f"{side}{offset}_{name}" for side, offset in (("prev", 1), ("next", 1), ("prev", 2), ("next", 2))
      for name in _CONTEXT),
)
_COLUMN = {name: i for i, name in enumerate(BASE_NAMES)}
_CONTEXT_COLUMNS = [_COLUMN[name] for name in _CONTEXT]


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Class bits of every code point of the Basic Multilingual Plane (built once, ~30 ms)."""
    table = np.zeros(0x10000, dtype=np.uint16)
    for code in range(0x10000):
        char = chr(code)
        bits = 0
        if char.isalpha():
            bits |= _LETTER | (_UPPER if char.isupper() else 0)
        elif char.isdigit():
            bits |= _DIGIT
        elif unicodedata.category(char) == "Sc":
            bits |= _CURRENCY | _PUNCT
        elif not char.isspace() and char.isprintable():
            bits |= _PUNCT
        table[code] = bits
    table[ord(" ")] = _SPACE  # lines are single-spaced; the newline between them is no class
    for char in _TERMINAL:
        table[ord(char)] |= _TERMINAL_BIT
    for char in _SEPARATORS:
        table[ord(char)] |= _SEPARATOR
    for char in _BULLETS:
        table[ord(char)] |= _BULLET_BIT
    table[ord(",")] |= _COMMA
    table[ord("@")] |= _LINK
    table[ord("/")] |= _LINK
    table[ord("©")] |= _COPYRIGHT
    return table


def normalise_lines(text: str) -> list[str]:
    """A dump's non-empty lines, whitespace inside each collapsed to single spaces (what the features expect)."""
    if any(space in text for space in _UNUSUAL_SPACES):
        return [" ".join(words) for line in text.split("\n") if (words := line.split())]
    # Most dumps are already single-spaced: stripping each line is all they need.
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


def line_rows(lines: list[str], categories: list[str | None], lexicon: Lexicon) -> np.ndarray:
    """One row of `BASE_NAMES` per line; `lines` must be normalised (see `normalise_lines`).

    Character shares are read off each line's first `_SAMPLE_CHARS` characters: a paragraph's
    first sentences say as much about its shape as the whole, at a fraction of the cost."""
    n = len(lines)
    heads = sample_heads(lines)
    codes = np.frombuffer("\n".join(heads).encode("utf-32-le"), dtype=np.uint32)
    bits = _char_classes()[np.minimum(codes, 0xFFFF)]
    sampled = np.fromiter(map(len, heads), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    starts[1:] = np.cumsum(sampled + 1)[:-1]
    # A word starts after a space, a newline (no class) or the page's start.
    word_start = np.ones(len(codes), dtype=bool)
    word_start[1:] = (bits[:-1] == _SPACE) | (codes[:-1] == 10)
    bits[word_start & ((bits & _UPPER) > 0)] |= _CAPITAL_START
    bits[word_start & ((bits & _SEPARATOR) > 0)] |= _SEPARATOR_WORD
    bits[:-1][(codes[:-1] == 46) & (codes[1:] == 32)] |= _SENTENCE_BREAK
    c = _count_classes(bits, starts)
    lengths = np.fromiter(map(len, lines), dtype=np.float64, count=n)
    words = np.fromiter(map(str.count, lines, repeat(" ")), dtype=np.float64, count=n) + 1
    tails = np.frombuffer("".join(line[-2:].rjust(2) for line in lines).encode("utf-32-le"), dtype=np.uint32)
    last, before_last = tails[1::2], tails[::2]
    ellipsis = (last == 0x2026) | ((last == 46) & (before_last == 46))
    repeats, rules, special = _line_flags(lines, words, last, categories)
    sampled_words = c["space"] + 1
    lexical, coverage = lexical_scores(heads, sampled_words, lexicon)
    return np.column_stack([
        np.log1p(lengths), words, ((_char_classes()[np.minimum(last, 0xFFFF)] & _TERMINAL_BIT) > 0) & ~ellipsis,
        last == 58, ellipsis, c["upper"] / np.maximum(c["letter"], 1), c["capital_start"] / sampled_words,
        c["digit"] / sampled, c["punct"] / sampled, c["comma"], c["sentence_break"], c["separator_word"],
        special[:, 0], rules, special[:, 1], special[:, 2], (bits[starts] & _BULLET_BIT) > 0, repeats, lexical,
        coverage, lengths / words, c["link"], c["copyright"], c["currency"],
    ])


def _count_classes(bits: np.ndarray, starts: np.ndarray) -> dict[str, np.ndarray]:
    """How many characters of each line's head carry each class bit. Each character's bits are
    spread into eight-bit fields of two 64-bit words, so one sum per word counts eight classes at
    once: a head has at most 200 characters, so a field never carries into the next."""
    low, high = _packed_classes()
    sums = [np.add.reduceat(table[bits], starts) for table in (low, high)]
    return {name: ((sums[i // 8] >> np.uint64(8 * (i % 8))) & np.uint64(255)).astype(np.float64)
            for name, i in _COUNTED.items()}


@lru_cache(maxsize=1)
def _packed_classes() -> tuple[np.ndarray, np.ndarray]:
    """For every class-bit pattern, its bits 0-7 and 8-15 spread into the bytes of two 64-bit words."""
    patterns = np.arange(1 << 16, dtype=np.uint64)
    spread = [sum(((patterns >> np.uint64(bit)) & np.uint64(1)) << np.uint64(8 * (bit % 8)) for bit in bits)
              for bits in (range(8), range(8, 16))]
    return spread[0], spread[1]


def rule_categories(lines: list[str]) -> list[str | None]:
    """The category each line's wording gives it (the shared rules, and text mode's caption), or None."""
    rare = _lines_with_rare_words(lines)
    categories: list[str | None] = []
    for i, line in enumerate(lines):
        category = None
        if len(line) <= 300:
            category = start_category(line)
            if category is None and (line[-1] in ")]" or i in rare):
                category = text_category(line)
        if category is None and line[-1] == ")" and _CAPTION.search(line, max(0, len(line) - 100)):
            category = "caption"
        categories.append(category)
    return categories


def _lines_with_rare_words(lines: list[str]) -> set[int]:
    """Indices of the lines holding a word some rule needs ("akismet", "cookie"): one search of the page."""
    text = "\n".join(lines).lower()
    if not any(word in text for word in _RARE_WORDS):
        return set()
    starts = np.cumsum([0, *(len(line) + 1 for line in lines)])
    hits = [match.start() for match in _RARE_WORD.finditer(text)]
    return {int(i) - 1 for i in np.searchsorted(starts, hits, side="right")}


def _line_flags(lines: list[str], words: np.ndarray, last: np.ndarray,
                categories: list[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repeat count, rule hits and (tag, credit, action) flags of each line; the patterns run only on
    the lines that can match them (closing bracket, few words)."""
    seen = Counter(lines)
    repeats = np.minimum(np.fromiter(map(seen.__getitem__, lines), dtype=np.float64, count=len(lines)), 10)
    rules = np.fromiter((category is not None for category in categories), dtype=np.float64, count=len(lines))
    special = np.zeros((len(lines), 3))
    for i in np.flatnonzero(last == 93).tolist():  # "]"
        special[i, 0] = _TAG.search(lines[i]) is not None
    for i in np.flatnonzero(last == 41).tolist():  # ")"
        special[i, 1] = _CREDIT.search(lines[i], max(0, len(lines[i]) - 100)) is not None
    for i in np.flatnonzero(words <= _ACTION_WORDS).tolist():
        special[i, 2] = _ACTION.match(lines[i]) is not None
    return repeats, rules, special


def sample_heads(lines: list[str]) -> list[str]:
    """Each line's first `_SAMPLE_CHARS` characters, cut at a word's end (what the shares and the
    lexicon read)."""
    return [line if len(line) <= _SAMPLE_CHARS else line[:_SAMPLE_CHARS].rstrip() for line in lines]


def line_tokens(lines: list[str]) -> list[list[str]]:
    """The lower-cased words of each line's head (split at spaces, punctuation kept): what the lexicon scores."""
    return [head.lower().split() for head in sample_heads(lines)]


def lexical_scores(lines: list[str], words: np.ndarray, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """Each line's mean lexicon weight over the words the lexicon knows, and the share it knows.
    The page is split in one pass; `words` (each line's word count) tells the lines apart. `lines`
    are the heads `sample_heads` cuts."""
    n = len(lines)
    tokens = "\n".join(lines).lower().split()
    counts = words.astype(np.int64)
    if len(tokens) != counts.sum():  # whitespace `normalise_lines` did not see: split line by line
        per_line = line_tokens(lines)
        tokens, counts = [token for line in per_line for token in line], np.array([len(t) for t in per_line])
    weights = np.fromiter(map(lexicon.get, tokens, repeat(np.nan)), dtype=np.float64, count=len(tokens))
    known = ~np.isnan(weights)
    owners = np.repeat(np.arange(n), counts)[known]
    hits = np.bincount(owners, minlength=n)
    total = np.bincount(owners, weights=weights[known], minlength=n)
    return total / np.maximum(hits, 1), hits / np.maximum(counts, 1)


def page_features(lines: list[str], lexicon: Lexicon, categories: list[str | None] | None = None) -> np.ndarray:
    """The feature matrix of a page's normalised lines (`FEATURE_NAMES` columns); `categories` are
    the lines' `rule_categories` when the caller has them already."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    base = line_rows(lines, rule_categories(lines) if categories is None else categories, lexicon)
    words = base[:, _COLUMN["words"]]
    prose = ((words >= PROSE_WORDS) & (base[:, _COLUMN["terminal"]] > 0)).astype(np.float32)
    prose_words = prose * words
    total_prose = max(float(prose_words.sum()), 1.0)
    cumulative = np.cumsum(prose_words)
    chars = np.exp(base[:, _COLUMN["log_chars"]]) - 1
    char_cumulative = np.cumsum(chars)
    columns = [
        np.arange(n, dtype=np.float32) / n, (char_cumulative - chars) / char_cumulative[-1],
        np.full(n, np.log1p(n)), words / max(float(words.max()), 1.0),
        (cumulative - prose_words) / total_prose, (cumulative[-1] - cumulative) / total_prose,
        _window_mean(prose, 2), _window_mean(prose, 6), _window_mean(prose, 15), _short_runs(words),
        _window_mean(base[:, _COLUMN["rule"]], 3), np.full(n, prose.mean()), np.full(n, words.mean()),
        *(_window_mean(base[:, _COLUMN["lexical"]], radius) for radius in (1, 3, 8)),
    ]
    context = base[:, _CONTEXT_COLUMNS]
    shifted = [_shift(context, offset) for offset in (1, -1, 2, -2)]
    return np.hstack([base, np.column_stack(columns), *shifted])


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `values` over the lines within `radius` of each line (the page's edges count as 0)."""
    kernel = np.ones(2 * radius + 1, dtype=np.float32) / (2 * radius + 1)
    return np.convolve(values, kernel)[radius: radius + len(values)]


def _short_runs(words: np.ndarray, short: int = 5) -> np.ndarray:
    """For each line, the length of the run of consecutive short lines it is in (0 for a long line):
    menus, tag lists and footers are long runs of short lines."""
    is_short = np.concatenate([[False], words <= short, [False]])
    edges = np.flatnonzero(is_short[1:] != is_short[:-1])  # run starts and ends, alternating
    runs = np.zeros(len(words), dtype=np.float32)
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        runs[start:end] = min(end - start, 50)
    return runs


def _shift(columns: np.ndarray, offset: int) -> np.ndarray:
    """Each line's view of the line `offset` before it (negative: after it); -1 past the page's edge."""
    shifted = np.full_like(columns, -1.0)
    if offset > 0:
        shifted[offset:] = columns[:-offset]
    else:
        shifted[:offset] = columns[-offset:]
    return shifted
