"""Line features for text mode: what a page flattened to text still says about each line.

A text dump has lost its tags, but not its shape. Prose is long and punctuated; menus are runs of
short title-cased lines; ads, captions and related lists have their own wording; boilerplate
repeats; the article sits in the middle of the page's prose mass; and some words ("reply",
"subscribe", "©") belong to boilerplate lines on every site, which a learnt lexicon scores. Each
line gets its own signals, its neighbours' and its place on the page.

Text mode must cost a fraction of parsing the HTML. The Python code here counts the character-level
signals for the whole page at once (each line's head classified code point by code point through one
lookup table and summed per line with numpy); it is the reference and the fallback for `_lines.c`,
which does the same per-line work in C and tries the wording rules only on the lines that can match
them (see "the compiled lines" below).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import cache, lru_cache, reduce
from itertools import repeat
from operator import or_
from types import ModuleType

import numpy as np

from .compiled import load_checked
from .rules import TEXT_PATTERNS, compiled_tables, start_category, text_category
from .trees import _trees

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
# Calls to action: buttons and links that survive flattening as their own short lines. Each starts with
# a lower-case letter: the compiled lines try only those a line's first letter can start.
_ACTION_STARTS = (
    "click", "tap", "subscribe", "sign (up|in|out)", "log ?(in|out)", "register", "follow( us)?", "share", "download",
    "buy", "shop", "add to", "learn more", "read (more|next|full)", "see (all|more)", "view (all|more)",
    "show (all|more)", "load more", "get (the|our|started)", "join", "contact", "book now", "order", "watch", "listen",
    "continue", "skip", "back to", "go to", "next", "previous", "prev", "reply", "cancel", "submit", "search", "menu",
    "close", "home", "more",
)
_ACTION = re.compile(rf"({'|'.join(_ACTION_STARTS)})\b", re.I)
_ACTION_WORDS = 6  # only lines this short are buttons
_REPEAT_CAP = 10  # a line seen ten times is chrome: more says nothing new
_SHORT_WORDS, _SHORT_RUN_CAP = 5, 50  # menus are runs of lines of at most five words (counted up to 50)
# A line's head: what the character shares and the lexicon read. 200 characters read no better than 80
# (WCXB CV F1 0.827 then, 0.828 with 100 or 80, 0.827 with 60) at 2.5 times the per-character work, the
# largest part of a page's features.
_SAMPLE_CHARS = 80
# Whitespace that is not a single space between words (looking for each is faster than a regex scan).
_UNUSUAL_SPACES = ("  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
                   *(chr(code) for code in range(0x2000, 0x200B)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")
# The shared wording rules anchored at a line's start run on every line up to `_RULE_CHARS` long; the
# rules that may match anywhere need a closing bracket or a rare word, so they run only where those are.
_RULE_CHARS = 300
_CLOSERS = ")]"
_RARE_WORDS = ("akismet", "comment data", "cookie")
_RARE_WORD = re.compile("|".join(_RARE_WORDS))
# Text mode's caption: a credit closing a line ("... (Image: GETTY)"), whatever the line's length; like
# the credit feature it reads only the line's last `_CAPTION_TAIL` characters.
_CAPTION = re.compile(r"\((image|photo|picture|pic|credit|source|video)s?\s*:\s*[^)]{1,60}\)$", re.I)
_CAPTION_TAIL = 100

BASE_NAMES = (
    "log_chars", "words", "terminal", "ends_colon", "ends_ellipsis", "upper_share", "capitalised_share",
    "digit_share", "punct_share", "commas", "sentences", "separators", "tag", "rule", "credit", "action",
    "bullet", "repeats", "lexical", "lexical_coverage", "word_length", "link_like", "copyright", "currency",
)
_CONTEXT = ("words", "terminal", "capitalised_share", "rule", "lexical")
# Where on the page the calls to action, the rule lines and the copyright signs are: how many stand before a
# line and after it (log, counted up to `_EVENT_CAP`). Comments follow their "Reply" buttons, the footer its "©".
# With the mean words and the lexicon's mean over wider windows (the mean words within 10 lines is the model's
# second column by gain). WCXB dev rendered, 5-fold CV F1 0.835 -> 0.837, AEB rendered 0.864 -> 0.871, with the
# share of each kind within 4 and 10 lines as well: those six columns were dropped, next to no gain in the trees
# for 2-3 us a page (see _lines.c's fill_page).
_EVENTS = ("action", "rule", "copyright")
_EVENT_CAP = 1000
_WORDS_RADII = (3, 10)
_WIDE_LEXICAL_RADIUS = 20
FEATURE_NAMES = (
    *BASE_NAMES,
    "position", "char_position", "log_lines", "words_vs_page_max", "prose_before", "prose_after",
    "prose_window_2", "prose_window_6", "prose_window_15", "short_run", "rule_window_3", "page_prose_share",
    "page_mean_words", "lexical_window_1", "lexical_window_3", "lexical_window_8",
    *(f"{name}_{side}" for name in _EVENTS for side in ("before", "after")),
    *(f"words_window_{radius}" for radius in _WORDS_RADII), f"lexical_window_{_WIDE_LEXICAL_RADIUS}",
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


def normalise_lines(text: str, max_lines: int = sys.maxsize) -> list[str]:
    """A dump's first `max_lines` non-empty lines, whitespace inside each collapsed to single spaces (what
    the features expect)."""
    lines = _fast.split(text, max_lines) if _fast is not None else None
    return normalise_lines_python(text)[:max_lines] if lines is None else lines


def normalise_lines_python(text: str) -> list[str]:
    """`normalise_lines` in Python: the reference."""
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
    once: a head has at most `_SAMPLE_CHARS` (under 256) characters, so a field never carries into the next."""
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
    found = _fast.rule_categories(lines) if _fast is not None else None
    if found is None:
        return rule_categories_python(lines)
    # The compiled pass leaves the few lines a rule that may match anywhere could take to the rules here.
    categories, undecided, rare = found
    for i in undecided:
        categories[i] = _line_category(lines[i], i in rare)
    return categories


def rule_categories_python(lines: list[str]) -> list[str | None]:
    """`rule_categories` in Python, every rule tried on every line: the reference."""
    rare = _lines_with_rare_words(lines)
    return [_line_category(line, i in rare) for i, line in enumerate(lines)]


def _line_category(line: str, rare: bool) -> str | None:
    """A line's rule category; `rare`: the line holds one of `_RARE_WORDS`."""
    category = None
    if len(line) <= _RULE_CHARS:
        category = start_category(line)
        if category is None and (line[-1] in _CLOSERS or rare):
            category = text_category(line)
    if category is None and line[-1] == ")" and _CAPTION.search(line, max(0, len(line) - _CAPTION_TAIL)):
        category = "caption"
    return category


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
    repeats = np.minimum(np.fromiter(map(seen.__getitem__, lines), dtype=np.float64, count=len(lines)), _REPEAT_CAP)
    rules = np.fromiter((category is not None for category in categories), dtype=np.float64, count=len(lines))
    special = np.zeros((len(lines), 3))
    for i in np.flatnonzero(last == 93).tolist():  # "]"
        special[i, 0] = _TAG.search(lines[i]) is not None
    for i in np.flatnonzero(last == 41).tolist():  # ")"
        special[i, 1] = _CREDIT.search(lines[i], max(0, len(lines[i]) - _CAPTION_TAIL)) is not None
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
    if not lines:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    if categories is None:
        categories = rule_categories(lines)
    if _fast is not None:
        features = page_features_compiled(lines, lexicon, categories)
        if features is not None:
            return features
    return page_features_python(lines, lexicon, categories)


def page_features_python(lines: list[str], lexicon: Lexicon, categories: list[str | None]) -> np.ndarray:
    """`page_features` with numpy: the reference."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    base = line_rows(lines, categories, lexicon)
    words = base[:, _COLUMN["words"]]
    prose = ((words >= PROSE_WORDS) & (base[:, _COLUMN["terminal"]] > 0)).astype(np.float32)
    prose_words = prose * words
    total_prose = max(float(prose_words.sum()), 1.0)
    cumulative = np.cumsum(prose_words)
    lengths = np.fromiter(map(len, lines), dtype=np.float64, count=n)
    char_cumulative = np.cumsum(lengths)  # whole numbers: exact in any order
    columns = [
        np.arange(n, dtype=np.float32) / n, (char_cumulative - lengths) / char_cumulative[-1],
        np.full(n, np.log1p(n)), words / max(float(words.max()), 1.0),
        (cumulative - prose_words) / total_prose, (cumulative[-1] - cumulative) / total_prose,
        _window_mean(prose, 2), _window_mean(prose, 6), _window_mean(prose, 15), _short_runs(words),
        _window_mean(base[:, _COLUMN["rule"]], 3), np.full(n, prose.mean()), np.full(n, words.mean()),
        *(_window_mean(base[:, _COLUMN["lexical"]], radius) for radius in (1, 3, 8)),
    ]
    for name in _EVENTS:
        flags = (base[:, _COLUMN[name]] > 0).astype(np.float64)
        seen = np.cumsum(flags)  # whole numbers: exact in any order
        columns += [np.log1p(np.minimum(seen - flags, _EVENT_CAP)), np.log1p(np.minimum(seen[-1] - seen, _EVENT_CAP))]
    columns += [*(_running_mean(words, radius) for radius in _WORDS_RADII),
                _running_mean(base[:, _COLUMN["lexical"]], _WIDE_LEXICAL_RADIUS)]
    context = base[:, _CONTEXT_COLUMNS]
    shifted = [_shift(context, offset) for offset in (1, -1, 2, -2)]
    return np.hstack([base, np.column_stack(columns), *shifted])


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `values` over the lines within `radius` of each line (the page's edges count as 0).

    Summed line by line from the window's first line to its last, then divided by its width: the order
    _lines.c sums in, so both give the same bits (np.convolve's sums are ordered by numpy or its BLAS,
    which C cannot follow, and cost a call each)."""
    n = len(values)
    padded = np.zeros(n + 2 * radius)
    padded[radius: radius + n] = values
    total = np.zeros(n)
    for offset in range(2 * radius + 1):
        total += padded[offset: offset + n]
    return total / (2 * radius + 1)


def _running_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """`_window_mean` for the wide windows, in one pass: each window's sum a difference of the running sums of
    the page (zeros past its edges), added line by line as np.cumsum adds and _lines.c too. The same bits as
    `_window_mean` for whole numbers; within rounding of it for the lexicon's weights."""
    n = len(values)
    padded = np.zeros(n + 2 * radius + 1)
    padded[radius + 1: radius + 1 + n] = values
    running = np.cumsum(padded)
    return (running[2 * radius + 1:] - running[:n]) / (2 * radius + 1)


def _short_runs(words: np.ndarray, short: int = _SHORT_WORDS) -> np.ndarray:
    """For each line, the length of the run of consecutive short lines it is in (0 for a long line):
    menus, tag lists and footers are long runs of short lines."""
    is_short = np.concatenate([[False], words <= short, [False]])
    edges = np.flatnonzero(is_short[1:] != is_short[:-1])  # run starts and ends, alternating
    runs = np.zeros(len(words), dtype=np.float32)
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        runs[start:end] = min(end - start, _SHORT_RUN_CAP)
    return runs


def _shift(columns: np.ndarray, offset: int) -> np.ndarray:
    """Each line's view of the line `offset` before it (negative: after it); -1 past the page's edge."""
    shifted = np.full_like(columns, -1.0)
    if offset > 0:
        shifted[offset:] = columns[:-offset]
    else:
        shifted[:offset] = columns[-offset:]
    return shifted


# -- the compiled lines -------------------------------------------------------------------------------
# copydesk/_lines.c splits the dump, names the lines a wording rule could match and computes the
# matrix of `page_features_python` row by row. It is used once it has been configured with the tables
# above and a probe page has given the same results both ways; COPYDESK_PURE_PYTHON=1 turns it off.

try:  # the regex parser's own modules, to read which characters a rule's match can start with
    import re._constants as _sre
    from re._parser import parse as _sre_parse
except ImportError:  # a Python that moved them: no gates, every line goes to the rules
    _sre = _sre_parse = None  # type: ignore[assignment]

_ANY = (1 << 128) - 1  # a set of gate codes (ASCII, see GATE_STAND_INS) as a 128-bit mask: any character
_GATE_CHARS = 5  # the gates read a line's first five characters


def page_features_compiled(lines: list[str], lexicon: Lexicon, categories: list[str | None]) -> np.ndarray | None:
    """The matrix of `page_features_python`, by _lines.c and numpy for the columns whose rounding is
    numpy's own (see the top of _lines.c); None for lines or a lexicon it leaves to the Python code."""
    if _fast is None:
        raise RuntimeError(f"compiled lines unavailable: {COMPILED_LINES_UNAVAILABLE}")
    table = _lexicon_table(lexicon)
    if table is None:
        return None
    n = len(lines)
    out = np.empty((n, len(FEATURE_NAMES)))
    filled = _fast.fill(lines, categories, table, out)
    if not filled:
        return None
    if filled == 2:  # a line or the page past the log table: numpy's log1p, as page_features_python
        out[:, _INDEX["log_chars"]] = np.log1p(np.fromiter(map(len, lines), dtype=np.float64, count=n))
        out[:, _INDEX["log_lines"]] = np.log1p(n)
    return out


def compiled_lines() -> ModuleType | None:
    """_lines.c once configured and checked (None: the Python code runs; see COMPILED_LINES_UNAVAILABLE)."""
    return _fast


def compiled_verdicts(probabilities: np.ndarray, words: np.ndarray, categories: list[str | None], use_rules: bool,
                      ends: frozenset[str], dropped: str) -> list[str | None] | None:
    """`textmode.line_verdicts_python` by _lines.c (the expected-F1 cut, the comment-form end, the
    verdicts); None when the compiled part is off or declines the input."""
    if _fast is None:
        return None
    return _fast.verdicts(probabilities, words, categories, use_rules, ends, dropped)


def compiled_scored(lines: list[str], categories: list[str | None], lexicon: Lexicon, booster: object,
                    use_rules: bool, ends: frozenset[str], dropped: str,
                    repeats: tuple[str, int] | None = None) -> list[str | None] | None:
    """The lines' verdicts straight from the lines, by _lines.c in one call: the features, the trees (through
    _trees.c's C API), the probabilities and `compiled_verdicts`, the same as `page_features`, then
    `textmode.line_probabilities_python` and `textmode.line_verdicts_python`, without the arrays between
    them. None when the compiled parts are off or decline the input (a model that is not one sigmoid
    output, a lexicon the table cannot hold, a line past the log table). `repeats`: (the verdict, the fewest
    characters) with which `textmode.mark_repeats` marks repeated body lines; None leaves them in the body."""
    scoring = _scoring(lexicon, booster)
    if scoring is None:
        return None
    return _fast.scored(lines, categories, *scoring, use_rules, ends, dropped, *(repeats or (None, 0)))


PageFound = tuple[list[str], list[str | None] | None, list[str | None] | None]


def compiled_page(text: str, max_lines: int, lexicon: Lexicon | None, booster: object | None, use_rules: bool,
                  ends: frozenset[str], dropped: str, min_model_lines: int,
                  repeats: tuple[str, int] | None = None) -> PageFound | bool | None:
    """`normalise_lines`, `rule_categories` and, with a model (`booster` not None) and at least
    `min_model_lines` lines, `compiled_scored`, in one call of _lines.c: (lines, categories, verdicts), the
    categories or the verdicts None where those steps leave the page to the Python code; None when the
    compiled part is off or leaves the text to it; False when a line it read holds a NUL (the caller drops
    NULs first: the split finds them for it, cheaper than a scan of its own)."""
    if _fast is None:
        return None
    return compiled_page_with(text, page_arguments(max_lines, lexicon, booster, use_rules, ends, dropped,
                                                   min_model_lines, repeats))


def page_arguments(max_lines: int, lexicon: Lexicon | None, booster: object | None, use_rules: bool,
                   ends: frozenset[str], dropped: str, min_model_lines: int,
                   repeats: tuple[str, int] | None = None) -> tuple:
    """What `compiled_page` passes _lines.c besides the text, for `compiled_page_with`: made once, by a caller
    that calls with the same model and rules page after page (textmode keeps them per Options)."""
    scoring = _scoring(lexicon, booster) if booster is not None else None
    return (max_lines, _line_category, min_model_lines, *(scoring or (None, None, None)), use_rules, ends, dropped,
            *(repeats or (None, 0)))


def compiled_page_with(text: str, arguments: tuple) -> PageFound | bool | None:
    """`compiled_page` with its arguments from `page_arguments`."""
    return _fast.page(text, *arguments) if _fast is not None else None


def compiled_record_with(text: str, url: str | None, arguments: tuple) -> object:
    """`compiled_page_with`, then _lines.c's record() on the lines and verdicts (textmode configures it): the
    record (an Article), or what `compiled_page_with` returns where record() does not make one."""
    return _fast.page_record(text, url, *arguments) if _fast is not None else None


def _scoring(lexicon: Lexicon, booster: object) -> tuple[object, object, float] | None:
    """What _lines.c scores a page with (the lexicon's table, the trees' capsule, the sigmoid's scale), or None
    for a model or a lexicon it leaves to the Python code (not one sigmoid output; not a dict of floats)."""
    if _fast is None or not _SCORING or getattr(booster, "transform", None) != "sigmoid" or booster.num_class != 1:
        return None
    table = _lexicon_table(lexicon)
    if table is None:
        return None
    return table, booster._compiled or booster._compile(), float(booster.sigmoid)  # type: ignore[attr-defined]


_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
# numpy's log1p of 0, 1, 2, ..., as `page_features_python` computes a line's log length and the page's
# log line count: the compiled code reads them (longer lines and pages go to numpy, see
# page_features_compiled).
_LOG_TABLE_SIZE = 1 << 15
# A lexicon's C table, made on first use and kept while the lexicon is one of the last few used: a
# lexicon is read as it is then (the shipped one never changes; training makes a new one per fold).
_LEXICON_TABLES: dict[int, tuple[Lexicon, object]] = {}


def _lexicon_table(lexicon: Lexicon) -> object | None:
    held = _LEXICON_TABLES.get(id(lexicon))
    if held is not None and held[0] is lexicon:
        return held[1]
    table = _fast.lexicon_table(lexicon)
    if table is not None:
        if len(_LEXICON_TABLES) >= 8:
            del _LEXICON_TABLES[next(iter(_LEXICON_TABLES))]
        _LEXICON_TABLES[id(lexicon)] = (lexicon, table)
    return table


def prefix_gate(patterns: list[re.Pattern[str]]) -> bytes | None:
    """What a line must start with for some pattern's `match` to accept it, read off the patterns: for
    each pair of first two characters (as gate codes), the characters each of the next three may be.
    A line too short reads NUL past its end. A line some pattern matches passes, and more lines do.

    As bytes: a table of 128 x 128 bytes, the pair's row (at `first << 7 | second`), then the rows,
    each three 128-bit masks (little-endian bits) for characters 2, 3 and 4: 17 KB, read for every line
    of every page. None: the patterns could not be read (or need more than 256 rows), and no line may
    be left out."""
    if _sre_parse is None:
        return None
    prefixes = set()
    try:
        for pattern in patterns:
            items = [(op, av, pattern.flags) for op, av in _sre_parse(pattern.pattern, pattern.flags)]
            prefixes |= _prefixes(items, _GATE_CHARS)
    except Exception:  # a future Python's parser: no gate
        return None
    allowed = np.zeros((128, 128, _GATE_CHARS - 2, 128), dtype=bool)  # first, second, position, character
    for prefix in prefixes:
        first, second, *rest = (np.array([mask >> i & 1 for i in range(128)], dtype=bool) for mask in prefix)
        allowed[np.ix_(first, second)] |= np.array(rest)
    packed = np.packbits(allowed, axis=-1, bitorder="little").reshape(128 * 128, -1)
    rows: dict[bytes, int] = {}
    row_of_pair = [rows.setdefault(row.tobytes(), len(rows)) for row in packed]
    if len(rows) > 256 or len(rows) == 1 and allowed[0, 0].all():
        return None
    return bytes(row_of_pair) + b"".join(rows)


def _prefixes(items: list, k: int, depth: int = 0) -> set[tuple[int, ...]]:
    """The first `k` characters a match of the parsed sequence `items` ((op, argument, flags) triples)
    can start with: tuples of ASCII masks, `_ANY` where anything may stand (past the match's end,
    or a construct this does not read). Anchors and lookarounds are read as consuming nothing: the
    sets only grow."""
    if k == 0:
        return {()}
    if not items or depth > 50:
        return {(_ANY,) * k}
    (op, av, flags), rest = items[0], items[1:]
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return _prefixes(rest, k, depth + 1)
    atom = _atom_mask(op, av, flags)
    if atom is not None:
        return {(atom, *tail) for tail in _prefixes(rest, k - 1, depth + 1)}
    if op is _sre.SUBPATTERN:
        _, add, remove, body = av
        return _prefixes([(o, a, (flags | add) & ~remove) for o, a in body] + rest, k, depth + 1)
    if op is _sre.ATOMIC_GROUP:
        return _prefixes([(o, a, flags) for o, a in av] + rest, k, depth + 1)
    if op is _sre.BRANCH:
        return set().union(*(_prefixes([(o, a, flags) for o, a in branch] + rest, k, depth + 1) for branch in av[1]))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, high, body = av
        found = _prefixes(rest, k, depth + 1) if low == 0 else set()
        if high != 0:  # one more round of the body, then the rest of the repeat
            again = (op, (max(low - 1, 0), high if high is _sre.MAXREPEAT else high - 1, body), flags)
            found |= _prefixes([(o, a, flags) for o, a in body] + [again] + rest, k, depth + 1)
        return found
    return {(_ANY,) * k}


_CLASS_ESCAPES = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
} if _sre is not None else {}


def _atom_mask(op: object, av: object, flags: int) -> int | None:
    """The gate codes (see `_gate_code`) of the characters one parsed character item matches, as a mask
    (sre itself judges cases and classes); None when the item is not a single character."""
    wide = op is _sre.NOT_LITERAL or op is _sre.ANY or op is _sre.LITERAL and av >= 128
    if op is _sre.LITERAL:
        source = re.escape(chr(av))
    elif op is _sre.NOT_LITERAL:
        source = f"[^{re.escape(chr(av))}]"
    elif op is _sre.ANY:
        source = "."
    elif op is _sre.IN:
        parts = []
        for item, value in av:
            if item is _sre.LITERAL:
                parts.append(re.escape(chr(value)))
                wide = wide or value >= 128
            elif item is _sre.RANGE:
                parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                wide = wide or value[1] >= 128
            elif item is _sre.CATEGORY and value in _CLASS_ESCAPES:
                parts.append(_CLASS_ESCAPES[value])
                wide = True
            elif item is _sre.NEGATE and not parts:
                parts.append("^")
                wide = True
            else:
                return _ANY
        source = f"[{''.join(parts)}]"
    else:
        return None
    return _code_mask(source, flags & (re.IGNORECASE | re.DOTALL | re.ASCII), wide)


# The gates read a character as an ASCII code: itself, the ASCII letter for the few others an ASCII
# letter matches when case is ignored (tests/test_textmode_compiled.py checks there are no more), and
# 127 for any other (or DEL itself).
GATE_STAND_INS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_OTHER = 127


@cache
def _code_mask(source: str, flags: int, wide: bool) -> int:
    """The gate codes a one-character pattern matches; `wide`: it may match characters past ASCII."""
    pattern = re.compile(source, flags)
    mask = sum(1 << code for code in range(128) if pattern.fullmatch(chr(code)))
    for char, code in GATE_STAND_INS.items():
        if pattern.fullmatch(char):
            mask |= 1 << ord(code)
    return mask | (1 << _OTHER if wide else 0)


def _action_dispatch() -> tuple[object, ...]:
    """Per ASCII first character, `match` of the calls to action a line starting with it can open with
    (None: none can), then `_ACTION.match` itself for any other first character: trying a few
    alternatives instead of all forty is what makes the call cheap."""
    firsts = [_first_chars(re.compile(start, _ACTION.flags)) for start in _ACTION_STARTS]
    table: list[object] = []
    for code in range(128):
        starts = [start for start, first in zip(_ACTION_STARTS, firsts, strict=True) if first >> code & 1]
        table.append(re.compile(rf"({'|'.join(starts)})\b", _ACTION.flags).match if starts else None)
    return (*table, _ACTION.match)


def _action_words() -> tuple[str, ...]:
    """Every call to action of `_ACTION_STARTS` spelt out ("sign (up|in|out)": "sign up", "sign in", ...), sorted,
    for _lines.c, which matches them itself on a line whose start is ASCII; () when a start is more than
    words, groups of alternatives and optional parts (the regexes are then called as before)."""
    if _sre_parse is None:
        return ()
    words: list[str] = []
    for start in _ACTION_STARTS:
        spelt = _spelt_out(list(_sre_parse(start, _ACTION.flags)))
        if spelt is None:
            return ()
        words += spelt
    if not all(re.fullmatch("[a-z]([a-z ]{0,21}[a-z])?", word) for word in words):
        return ()
    return tuple(sorted(set(words)))


def _spelt_out(items: list) -> list[str] | None:
    """The strings a parsed pattern of literals, groups, alternatives and `?` matches, or None."""
    spelt = [""]
    for op, av in items:
        if op is _sre.LITERAL:
            options = [chr(av)]
        elif op is _sre.SUBPATTERN:
            options = _spelt_out(list(av[-1]))
        elif op is _sre.BRANCH:
            branches = [_spelt_out(list(branch)) for branch in av[1]]
            options = None if None in branches else [word for branch in branches for word in branch]
        elif op is _sre.MAX_REPEAT and av[0] == 0 and av[1] == 1:
            inner = _spelt_out(list(av[2]))
            options = None if inner is None else ["", *inner]
        else:
            return None
        if options is None:
            return None
        spelt = [head + tail for head in spelt for tail in options]
    return spelt


def _first_chars(pattern: re.Pattern[str]) -> int:
    """The ASCII characters a match of `pattern` can start with, as a mask (`_ANY` when unknown)."""
    if _sre_parse is None:
        return _ANY
    try:
        items = [(op, av, pattern.flags) for op, av in _sre_parse(pattern.pattern, pattern.flags)]
        return reduce(or_, (first for first, in _prefixes(items, 1)), 0)
    except Exception:  # a future Python's parser
        return _ANY


def required_chars(pattern: re.Pattern[str]) -> str:
    """Characters every match of `pattern` holds, read off the parsed pattern: ASCII, but no letters (an ASCII
    non-letter matches itself alone, case ignored or not: see GATE_STAND_INS). A line lacking one cannot
    match, and _lines.c does not call the regex on it. "" when none is sure (or the parser is not there)."""
    if _sre_parse is None:
        return ""
    try:
        return "".join(sorted(_required(list(_sre_parse(pattern.pattern, pattern.flags)))))
    except Exception:  # a future Python's parser: nothing required
        return ""


def _required(items: list, depth: int = 0) -> set[str]:
    """`required_chars` of a parsed sequence: each item's, a branch's common to all its alternatives, a
    repeat's when it repeats at least once; nothing from a construct not read here (or a lookaround)."""
    found: set[str] = set()
    if depth > 50:
        return found
    for op, av in items:
        if op is _sre.LITERAL and av < 128 and not chr(av).isalpha():
            found.add(chr(av))
        elif op is _sre.SUBPATTERN:
            found |= _required(list(av[-1]), depth + 1)
        elif op is _sre.ATOMIC_GROUP:
            found |= _required(list(av), depth + 1)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found |= _required(list(av[2]), depth + 1)
        elif op is _sre.BRANCH:
            found |= set.intersection(*(_required(list(branch), depth + 1) for branch in av[1]))
    return found


def _anywhere_rules() -> tuple[tuple[str, bool, str], ...]:
    """The shared rules that may match anywhere, as `rules.text_category` tries them, for _lines.c: each one's
    closer ("" for none), whether it needs a rare word (one of its needles, all of which are `_RARE_WORDS`,
    which _lines.c looks for; else it is tried on every line text_category reaches) and `required_chars`."""
    return tuple((closer or "", needles is not None and set(needles) <= set(_RARE_WORDS), required_chars(pattern))
                 for pattern, _, closer, needles in compiled_tables()[2])


def start_rules() -> tuple[tuple[object, tuple[str | None, ...]] | None, ...]:
    """`rules.start_category` as _lines.c calls it: per ASCII first character, then for any other, None (no
    rule) or the `match` of the rules' one regex and the category of each group index. A match's `lastindex`
    is the rule whose group closed last, as its `lastgroup` ("rule<k>") is for `start_category`."""
    by_first_char, all_rules = compiled_tables()[:2]
    table = []
    for rules in (*by_first_char, all_rules):
        if rules is None:
            table.append(None)
            continue
        pattern, categories = rules
        by_index: list[str | None] = [None] * (pattern.groups + 1)
        for name, index in pattern.groupindex.items():
            if name.startswith("rule"):
                by_index[index] = categories[int(name[4:])]
        table.append((pattern.match, tuple(by_index)))
    return tuple(table)


def _anchored_rules() -> list[re.Pattern[str]]:
    """The shared rules `start_category` tries, as it tries them: only their case flag kept."""
    return [re.compile(pattern.pattern, pattern.flags & re.IGNORECASE)
            for pattern, _ in TEXT_PATTERNS if pattern.pattern.startswith("^")]


def _probe_lines() -> list[str]:
    """Lines with every column in play: prose, a menu run, a repeat, a tag, a credit, a caption, rule
    lines, an action, non-ASCII and astral characters, a long line cut at its head, an ellipsis."""
    prose = "The minister said on Monday that the plan, first drafted in 2019, would cost €12m. It did."
    return [
        "Home › News › World", "Skip to content", "Menu", "Log in", "Home › News › World", prose,
        "Advertisement", "Iran crisis: the talks resume [VIDEO]", "A soldier on patrol (Image: GETTY)",
        "Read more: What the deal means", "Naïve café owners say “no” to the ÉTAT… ",
        "Δοκιμή ΟΔΟΣ Москва 日本語 \U0001d400x",
        " ".join(["Long sentences run on and on, well past the head the shares read."] * 6) + ".",
        "We use cookies to improve your experience.", "Leave a Reply", "Share", "© 2024 The Paper", "x",
        "Subscribe to our newsletter for updates", prose, "Continue reading...", "•", "42",
    ]


def _set_up_compiled(module: ModuleType) -> None:
    """Configure _lines.c with the tables above, then check it on the probe lines (the functions it is checked
    through read `_fast`, so it is set for the probe; a failure sets it back to None)."""
    global _fast
    if sorted(module.FILLED) != sorted(FEATURE_NAMES) or tuple(_COUNTED) != module.COUNTED:
        raise RuntimeError("its columns or classes are not textmode_features'")
    log1p = np.log1p(np.arange(_LOG_TABLE_SIZE, dtype=np.float64))
    module.configure(
        _char_classes(), len(FEATURE_NAMES), tuple(_INDEX[name] for name in module.FILLED), log1p,
        prefix_gate(_anchored_rules()), prefix_gate([_ACTION]), _TAG.search,
        _CREDIT.search, _action_dispatch(), start_rules(), "".join(GATE_STAND_INS),
        "".join(GATE_STAND_INS.values()), _CLOSERS, ord(")"), _RARE_WORDS, _SAMPLE_CHARS,
        _RULE_CHARS, _CAPTION_TAIL, _ACTION_WORDS, PROSE_WORDS, _SHORT_WORDS, _SHORT_RUN_CAP, _REPEAT_CAP,
    )
    module.configure_actions(_action_words())
    module.configure_required(required_chars(_CREDIT), required_chars(_TAG), required_chars(_CAPTION),
                              _anywhere_rules())
    global _SCORING
    _SCORING = _trees is not None and hasattr(_trees, "C_API")
    if _SCORING:
        module.configure_scoring(_trees.C_API)
    _fast = module
    text = "\n".join(f"  {line}\t" for line in _probe_lines())
    lines = normalise_lines_python(text)
    lexicon = {"the": 1.5, "said": 0.25, "reply": -2.0, "share": -1, "москва": 0.5, "naïve": 0.75, "οδος": 2.0}
    categories = rule_categories_python(lines)
    same = (module.split(text, len(lines)) == lines and rule_categories(lines) == categories
            and page_features_compiled(lines, lexicon, categories).tobytes()
            == page_features_python(lines, lexicon, categories).tobytes())
    if not same:
        raise RuntimeError("the probe page's lines, rules or features differ")


_fast = None
_SCORING = False  # _lines.c scores lines through _trees.c (see compiled_scored)
_fast, COMPILED_LINES_UNAVAILABLE = load_checked("_lines", _set_up_compiled)
