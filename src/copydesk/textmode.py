"""Text mode: the same `Article` record from a page a crawler already flattened to text.

`extract_text` splits the dump into lines, scores each line with the shipped line model
(`textmode_features` says what it sees), keeps the most probable lines, as many as maximise the
expected word F1, and lets the wording rules veto (`rules.text_category` and text mode's caption
rule: an ad label, a comment form, a caption with its credit is never body; a comment form after
most of the body ends the article). Then it reads the parts off the verdicts: the headline above the
body, the section from a breadcrumb line, captions and their credits and the related links inside
the body's span, and every removed line with its category.

Decided here, each for a kind of text-dump line: the breadcrumb ("Home › U.K. › ..." or "Home U.K.
Headline cut short..."), the headline, and for `explain` the category of a line the model dropped
(a short unpunctuated line is navigation, a copyright line the footer).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import MISSING, dataclass, fields
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np

from .article import Article, BodyNode
from .compiled import checked
from .errors import EmptyInputError
from .model import bundled_model_path, load_booster
from .options import DEFAULT_OPTIONS, Options
from .parts import Image, RelatedLink, RemovedBlock, split_credit
from .rules import REPEAT_MIN_CHARS, SENTENCE_END, TEXT_PATTERNS, second_copies
from .textmode_features import (
    COMPILED_LINES_UNAVAILABLE,
    FEATURE_NAMES,
    PROSE_WORDS,
    compiled_lines,
    compiled_page_with,
    compiled_record_with,
    compiled_scored,
    compiled_verdicts,
    normalise_lines,
    page_arguments,
    page_features,
    rule_categories,
)

BUNDLED_LINE_MODEL = "lines.lgb"
BODY = None  # a line's verdict when it is body
_ARTICLE_ENDS = frozenset({"comment-form", "spam-notice"})
_DROPPED = "dropped"  # the model's call, given a reported category once the headline is found
DUPLICATE = "duplicate"  # a body line's second copy (see mark_repeats)

# A breadcrumb trail: "Home › News › UK", "Home / Sport", or "Home U.K. The headline cut short..."
_CRUMB_SEPARATORS = re.compile(r"\s*[›»>/|•·]\s*|\s+-\s+")
_HOME = re.compile(r"^(home|start|startseite|accueil|inicio|главная)\b\s*", re.I)
_TRUNCATED = re.compile(r"\s*(\.\.\.|…)$")
# What _TRUNCATED.search finds, as endswith finds it ($ also matches before a final newline) without a regex
# scan of the line: a headline and a breadcrumb are tested for it on every page.
_ELLIPSES = ("...", "…", "...\n", "…\n")
_TAG = re.compile(r"\s*\[(?P<tag>[A-Z][A-Z0-9 &'-]{1,24})\]\s*$")
_RELATED_PREFIX = next(p for p, category in TEXT_PATTERNS if category == "related" and p.pattern.startswith("^"))
_BYLINE = re.compile(r"^(by|von|par|por)\s", re.I)
# The first characters _HOME and _BYLINE can match (re.I: "ſ" is an "s", "İ" and "ı" are "i"s; the tests check
# these against every character): a line starting otherwise is no match, told without a regex call. Nine of
# them a page, for lines above its body, cost a tenth of what is left after _lines.c.
_HOME_FIRST = frozenset("HhSsſAaIiİıГг")
_HOME_SECOND = frozenset("OoTtCcNnЛл")  # and the second (_lines.c's headline() reads both)
_BYLINE_FIRST = frozenset("BbVvPp")
_HTML_TAG = re.compile(
    r"<\s*(!doctype|html|head|body|div|p|span|a|br|table|meta|script|title|article|section|link|style|ul|li|h[1-6])"
    r"[\s>/]", re.I,
)
_WORDS = FEATURE_NAMES.index("words")
MAX_LINES = 50_000  # the feature matrix of this many lines is about 25 MB
_HEADING_SPACES = 12  # a body line with fewer spaces and no sentence end is a heading
_HEADLINE_WORDS = (3, 30)  # a headline's fewest and most words
_NOT_HEADLINE_END = ".:;,…"  # a headline ends with none of these
_TITLE_REACH = 10  # the lines above the body looked at for its headline
_CRUMB_REACH = 7  # the lines above the headline looked at for a breadcrumb
_MIN_MODEL_LINES = 3  # below this a "page" is a snippet: every prose-like line is body


@dataclass(frozen=True, slots=True)
class LineModel:
    """The line model's trees and the lexicon its features read."""

    booster: object
    lexicon: dict[str, float]

    def probabilities(self, lines: list[str], categories: list[str | None]) -> np.ndarray:
        features = page_features(lines, self.lexicon, categories)
        if len(features) == 0:
            return np.zeros(0)
        return line_probabilities_python(self.booster, features)


def lexicon_path(model_path: Path) -> Path:
    """Where a line model's lexicon lives: beside it, `<name>.lexicon.json`."""
    return model_path.with_suffix(".lexicon.json")


@lru_cache(maxsize=4)
def load_line_model(path: str | None = None) -> LineModel:
    """The line model at `path` (from `copydesk train --mode text`), or the one shipped."""
    booster, _ = load_booster(path, BUNDLED_LINE_MODEL, FEATURE_NAMES)
    model_path = Path(path) if path else bundled_model_path(BUNDLED_LINE_MODEL)
    lexicon = json.loads(lexicon_path(model_path).read_text(encoding="utf-8"))
    return LineModel(booster, lexicon)


def looks_like_html(data: str | bytes) -> bool:
    """Whether input has HTML markup near its start (else it is a text dump for `extract_text`)."""
    head = data[:65536]
    if isinstance(head, bytes):
        head = head.decode("utf-8", errors="replace")
    return _HTML_TAG.search(head) is not None


def extract_text(text: str, url: str | None = None, options: Options | None = None,
                 explain: bool = False) -> Article:
    """Turn one page's visible text (a WET record, a text dump) into an `Article`.

    `text` is one block per line, as crawlers write it; blank lines are ignored. The record has the
    body, `title`, `section` (from a breadcrumb line), `images` (captions with credits, no `src`),
    `related` (titles and tags, no `url`) and, with `explain`, every removed line with its category.

    Raises `EmptyInputError` when the text has no line with anything but whitespace.
    """
    options = options or DEFAULT_OPTIONS
    # Bounded as HTML mode bounds its input: a page is never this long, a corrupt dump can be.
    text = text[: options.max_input_bytes]
    found = _compiled_page(text, options, url, record=not explain)
    if type(found) is Article:  # the whole record from _lines.c (see _compiled_page)
        return found
    # A binary or corrupt dump: NUL is no text (HTML mode's parser drops it too). _lines.c says when a
    # line holds one (False); only the Python code looks for it itself (a two-byte str is scanned for NUL
    # a character at a time: 2 us on a median page).
    if found is False or found is None and "\x00" in text:
        text = text.replace("\x00", "")
        found = _compiled_page(text, options) if found is False else None
    lines, categories, verdicts = found if found is not None else (normalise_lines(text, MAX_LINES), None, None)
    if not lines:
        raise EmptyInputError("no text (empty or only whitespace)")
    if categories is None:
        categories = rule_categories(lines)
    if verdicts is None:
        verdicts = _compiled_verdicts(lines, categories, options)
    if verdicts is None:
        probabilities, words = _scored(lines, categories, options)
        verdicts = line_verdicts(lines, probabilities, categories, options, words)
    return _assembled(lines, verdicts, url, explain)


def _compiled_page(text: str, options: Options, url: str | None = None,
                   record: bool = False) -> tuple[list[str], list | None, list | None] | bool | Article | None:
    """The lines, their categories and their verdicts from _lines.c in one call (see compiled_page), None, or
    False for a text holding a NUL; with `record`, the page's record itself (`_assembled` without explain) where
    _lines.c makes it in the same call."""
    if compiled_lines() is None:
        return None
    held = _PAGE_ARGUMENTS.get(id(options))
    if held is None or held[0] is not options:
        model = load_line_model(options.text_model_path) if options.use_model else None
        held = (options, page_arguments(MAX_LINES, model and model.lexicon, model and model.booster,
                                        options.use_heuristics, _ARTICLE_ENDS, _DROPPED, _MIN_MODEL_LINES,
                                        _repeats(options)))
        if len(_PAGE_ARGUMENTS) >= 4:  # as many as load_line_model keeps
            del _PAGE_ARGUMENTS[next(iter(_PAGE_ARGUMENTS))]
        _PAGE_ARGUMENTS[id(options)] = held
    if record and _compiled_record is not None:
        return compiled_record_with(text, url, held[1])
    return compiled_page_with(text, held[1])


# What _compiled_page passes _lines.c besides the text, made once per Options (frozen) rather than each page: its
# model looked up, its tables read and the arguments' tuple built cost about 2 us a page after HTML mode. Kept
# with the Options itself, so that an id is never another object's.
_PAGE_ARGUMENTS: dict[int, tuple[Options, tuple]] = {}


def _compiled_verdicts(lines: list[str], categories: list[str | None], options: Options) -> list[str | None] | None:
    """The verdicts from _lines.c in one call (features, trees, probabilities, cut), or None: the steps
    below, one by one (their reference), give the same."""
    if not options.use_model or len(lines) < _MIN_MODEL_LINES or compiled_lines() is None:
        return None
    model = load_line_model(options.text_model_path)
    return compiled_scored(lines, categories, model.lexicon, model.booster, options.use_heuristics, _ARTICLE_ENDS,
                           _DROPPED, _repeats(options))


def _repeats(options: Options) -> tuple[str, int] | None:
    return (DUPLICATE, REPEAT_MIN_CHARS) if options.drop_repeats else None


def assemble_lines(lines: list[str], probabilities: np.ndarray, categories: list[str | None],
                   url: str | None = None, options: Options = DEFAULT_OPTIONS, explain: bool = False,
                   words: np.ndarray | None = None) -> Article:
    """The record from scored lines and their rule categories (`copydesk train --mode text` scores
    its folds through this too); `words`, each line's word count, when the caller has it."""
    return _assembled(lines, line_verdicts(lines, probabilities, categories, options, words), url, explain)


def _assembled(lines: list[str], verdicts: list[str | None], url: str | None, explain: bool) -> Article:
    if not explain and _compiled_record is not None and compiled_lines():
        article = _compiled_record(lines, verdicts, url)  # what follows, in one call
        if article is not None:
            return article
    found = _compiled_parts(lines, verdicts) if _compiled_parts is not None and compiled_lines() else None
    title_at, crumbs, body, captions, related = _parts_python(lines, verdicts) if found is None else found
    return Article(
        title=lines[title_at] if title_at is not None else None, url=url, section=crumbs[-1] if crumbs else None,
        breadcrumb=crumbs, body=body, images=find_images(lines, captions) if captions else [],
        related=find_related(lines, related) if related else [],
        removed=_removed(lines, verdicts) if explain else None,
    )


def _parts_python(lines: list[str], verdicts: list[str | None]) -> tuple[int | None, list[str], list[BodyNode],
                                                                       list[int], list[int]]:
    """The headline's line, the crumbs, the body's nodes, and the caption and related lines inside the body's span,
    with the headline's and the breadcrumb's lines marked in `verdicts` (_lines.c's parts() in one call)."""
    title_at, crumb_at, crumbs = headline(lines, verdicts)
    if title_at is not None:
        verdicts[title_at] = "title"
    if crumb_at is not None:
        verdicts[crumb_at] = "breadcrumb"
    body, captions, related = body_nodes(lines, verdicts)
    return title_at, crumbs, body, captions, related


def score_lines(lines: list[str], categories: list[str | None], options: Options) -> np.ndarray:
    """Each line's probability of being body: the model's, or a prose test with the model off."""
    return _scored(lines, categories, options)[0]


def _scored(lines: list[str], categories: list[str | None], options: Options) -> tuple[np.ndarray, np.ndarray | None]:
    """`score_lines`, and the lines' word counts when the features counted them."""
    if not options.use_model or len(lines) < _MIN_MODEL_LINES:
        return np.array([_prose_like(line) for line in lines], dtype=np.float64), None
    model = load_line_model(options.text_model_path)
    features = page_features(lines, model.lexicon, categories)
    return line_probabilities_python(model.booster, features), features[:, _WORDS]


def line_probabilities_python(booster: object, features: np.ndarray) -> np.ndarray:
    """The line model's probabilities: its trees' raw scores through the sigmoid, by libm's exp (math.exp),
    which _lines.c calls too (numpy's own exp may round otherwise); an overflow is infinity, as in C."""
    if getattr(booster, "transform", None) != "sigmoid" or booster.num_class != 1:
        return booster.predict(features, num_threads=1)  # type: ignore[attr-defined]
    scale = -float(booster.sigmoid)
    return np.array([1.0 / (1.0 + _exp(scale * raw)) for raw in booster.raw(features)[:, 0].tolist()],
                    dtype=np.float64)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _prose_like(line: str) -> float:
    return float(line.count(" ") + 1 >= PROSE_WORDS and line[-1] in SENTENCE_END)


def line_verdicts(lines: list[str], probabilities: np.ndarray, categories: list[str | None],
                  options: Options, words: np.ndarray | None = None) -> list[str | None]:
    """BODY (None), the rule category a line is removed under, or _DROPPED (the model's call);
    `words`: each line's word count (counted here when None)."""
    if words is None:
        words = np.array([line.count(" ") for line in lines], dtype=np.float64) + 1
    verdicts = compiled_verdicts(probabilities, words, categories, options.use_heuristics, _ARTICLE_ENDS, _DROPPED)
    if verdicts is None:
        verdicts = line_verdicts_python(probabilities, categories, options, words)
    if options.drop_repeats:
        mark_repeats(lines, verdicts)
    return verdicts


def mark_repeats(lines: list[str], verdicts: list[str | None]) -> None:
    """Body lines that repeat an earlier body line word for word become DUPLICATE, in place: a quoted reply,
    a description a tab shows again (see rules.second_copies). WCXB dev rendered, 5-fold CV: F1 +0.006."""
    for i in second_copies([line if verdict is BODY else None for line, verdict in zip(lines, verdicts, strict=True)]):
        verdicts[i] = DUPLICATE


def line_verdicts_python(probabilities: np.ndarray, categories: list[str | None], options: Options,
                         words: np.ndarray) -> list[str | None]:
    """`line_verdicts` with numpy: the reference."""
    kept = expected_f1_cut(probabilities, words)
    use_rules = options.use_heuristics
    if use_rules:
        kept[_comment_form_end(kept, words, categories):] = False
    if not use_rules:
        return [BODY if keep else _DROPPED for keep in kept.tolist()]
    return [category if category is not None else (BODY if keep else _DROPPED)
            for keep, category in zip(kept.tolist(), categories, strict=True)]


def _comment_form_end(kept: np.ndarray, words: np.ndarray, categories: list[str | None]) -> int:
    """Where the article ends at the latest: after a comment form (or its spam notice) that follows
    at least half of the body. What comes after it is readers' comments and the site's chrome."""
    if not kept.any() or _ARTICLE_ENDS.isdisjoint(categories):
        return len(kept)
    body_words = np.cumsum(kept * words)
    for i, category in enumerate(categories):
        if category in _ARTICLE_ENDS and body_words[i] >= 0.5 * body_words[-1] > 0:
            return i + 1
    return len(kept)


def expected_f1_cut(probabilities: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The lines to keep: the most probable ones, as many as maximise the expected word F1.

    With calibrated probabilities p and word counts w, keeping the set S has expected F1 about
    2 sum_S(p w) / (sum_S(w) + sum_all(p w)); the best S is a prefix of the lines sorted by p. Where
    the model is sure this is a cut at 0.5; on an uncertain page (a listing whose items all score
    0.4) it keeps the likeliest lines rather than none."""
    mass = probabilities * words
    if not mass.any():
        return np.zeros(len(probabilities), dtype=bool)
    order = np.argsort(-probabilities, kind="stable")
    # The page's mass summed in line order (numpy's sum() pairs its terms in an order of its own).
    expected = 2 * np.cumsum(mass[order]) / (np.cumsum(words[order]) + np.cumsum(mass)[-1])
    kept = np.zeros(len(probabilities), dtype=bool)
    kept[order[: int(np.argmax(expected)) + 1]] = True
    return kept


def _removed(lines: list[str], verdicts: list[str | None]) -> list[RemovedBlock]:
    return [RemovedBlock(_shape_category(line) if verdict == _DROPPED else verdict, line)
            for line, verdict in zip(lines, verdicts, strict=True) if verdict is not BODY and verdict != "title"]


def _shape_category(line: str) -> str:
    """Why a line the model dropped was dropped, read off its shape (for `explain`)."""
    if "©" in line or line.lower().startswith("copyright"):
        return "footer"
    if line.count(" ") < 4 and line[-1] not in SENTENCE_END:
        return "navigation"
    return "other"


def headline(lines: list[str], verdicts: list[str | None]) -> tuple[int | None, int | None, list[str]]:
    """The headline's line (`find_title`), the breadcrumb's line above it and its crumbs (`find_breadcrumb`):
    each None (and no crumbs) when there is none."""
    found = _compiled_headline(lines, verdicts) if _compiled_headline is not None and compiled_lines() else None
    return headline_python(lines, verdicts) if found is None else found


def headline_python(lines: list[str], verdicts: list[str | None]) -> tuple[int | None, int | None, list[str]]:
    """`headline` in Python: the reference."""
    title_at = find_title(lines, verdicts)
    if title_at is None:
        return None, None, []
    return (title_at, *find_breadcrumb(lines, title_at))


def find_title(lines: list[str], verdicts: list[str | None]) -> int | None:
    """The headline: the body's first line when it is headline-shaped and prose follows (the model
    keeps headlines now and then: some pages' truth starts with one), else the nearest
    headline-shaped line above the body, within ten lines. A breadcrumb trail is never the headline."""
    first = _next_body(lines, verdicts, 0)
    if first is None:
        return None
    if _headline_shaped(lines[first]):
        second = _next_body(lines, verdicts, first + 1)
        if second is not None and lines[second].count(" ") + 1 >= PROSE_WORDS:
            return first
    for i in range(first - 1, max(first - _TITLE_REACH - 1, -1), -1):
        if verdicts[i] == _DROPPED and _headline_shaped(lines[i]):
            return i
    return None


def _next_body(lines: list[str], verdicts: list[str | None], start: int) -> int | None:
    """The first body line from `start` on that is no breadcrumb trail, or None. list.index finds body
    lines (None among str: `==` finds what `is` would) past the page's chrome without a Python step per line."""
    try:
        while True:
            start = verdicts.index(BODY, start)
            if not _crumb_shaped(lines[start]):
                return start
            start += 1
    except ValueError:
        return None


def _crumb_shaped(line: str) -> bool:
    """"Home › News", "Home U.K. A headline cut short...": a trail that starts at the home page."""
    return line[0] in _HOME_FIRST and _HOME.match(line) is not None and (
        _CRUMB_SEPARATORS.search(line) is not None or line.endswith(_ELLIPSES))


def _headline_shaped(line: str) -> bool:
    """3 to 30 words, one sentence without a closing full stop, not a byline, date or truncation."""
    words = line.count(" ") + 1
    fewest, most = _HEADLINE_WORDS
    if not fewest <= words <= most or line[-1] in _NOT_HEADLINE_END or ". " in line or line.endswith(_ELLIPSES):
        return False
    return ((line[0] not in _BYLINE_FIRST or not _BYLINE.match(line))
            and (line[0] not in _HOME_FIRST or not _HOME.match(line)))


def find_breadcrumb(lines: list[str], title_at: int) -> tuple[int | None, list[str]]:
    """The breadcrumb line above the headline and its crumbs up to the page's section (the page
    itself left out), or (None, [])."""
    title = lines[title_at]
    for i in range(title_at - 1, max(title_at - _CRUMB_REACH - 1, -1), -1):
        crumbs = _crumbs_of(lines[i], title)
        if crumbs:
            return i, crumbs
    return None, []


def _crumbs_of(line: str, title: str) -> list[str]:
    home = _HOME.match(line) if line[0] in _HOME_FIRST else None
    if home is None or len(line) > len(title) + 120:
        return []
    first, rest = line[: home.end()].strip(), line[home.end():]
    crumbs = [crumb for crumb in _CRUMB_SEPARATORS.split(rest) if crumb]
    if len(crumbs) > 1:
        # "Home › U.K. › Headline": the crumbs before the one that is the page itself.
        crumbs = [crumb for crumb in crumbs if not _is_title_prefix(crumb, title)]
        return [first, *crumbs] if crumbs else []
    # "Home U.K. Headline cut short...": the section is what stands before the headline's start.
    start = rest.find(" ".join(title.split()[:3]))
    if start <= 0 or not rest.endswith(_ELLIPSES) and not rest.endswith(title):
        return []
    section = rest[:start].strip()
    return [first, section] if 0 < len(section) <= 40 else []


def _is_title_prefix(crumb: str, title: str) -> bool:
    return title.startswith(_TRUNCATED.sub("", crumb)) and len(crumb) >= 8


def body_nodes(lines: list[str], verdicts: list[str | None]) -> tuple[list[BodyNode], list[int], list[int]]:
    """The body's nodes, and the indices of the caption and related lines inside the body's span."""
    # Off with the rest of the compiled lines (COPYDESK_PURE_PYTHON=1, or a parity run switching them off).
    found = _compiled_body(lines, verdicts) if _compiled_body is not None and compiled_lines() else None
    return body_nodes_python(lines, verdicts) if found is None else found[:1] + found[3:]


def body_nodes_python(lines: list[str], verdicts: list[str | None]) -> tuple[list[BodyNode], list[int], list[int]]:
    """`body_nodes` in Python: the reference."""
    span = _body_span(verdicts)
    body = [_node(line) for line, verdict in zip(lines, verdicts, strict=True) if verdict is BODY]
    return body, [i for i in span if verdicts[i] == "caption"], [i for i in span if verdicts[i] == "related"]


def _body_span(verdicts: list[str | None]) -> range:
    """From the body's first line to its last: captions and related links outside it are page chrome."""
    if BODY not in verdicts:  # verdicts are None (BODY) or str: `in` and index() find the same lines `is` would
        return range(0)
    return range(verdicts.index(BODY), len(verdicts) - verdicts[::-1].index(BODY))


def find_images(lines: list[str], captions: list[int]) -> list[Image]:
    """The captions (lines inside the body's span), each with its credit split off (a dump has no picture URLs)."""
    return [Image("", None, *split_credit(lines[i])) for i in captions]


def find_related(lines: list[str], indices: list[int]) -> list[RelatedLink]:
    """Links the article recommends, the related lines inside its span: "READ MORE: ..." lines and tagged
    headlines (a dump keeps their titles, not their URLs)."""
    related = []
    for i in indices:
        line = lines[i]
        tag = _TAG.search(line)
        title = _TAG.sub("", line) if tag else line
        prefix = _RELATED_PREFIX.match(title)
        if prefix and tag is None:
            title = title[prefix.end():]
        related.append(RelatedLink(title.strip(), "", tag.group("tag") if tag else None))
    return related


def _node(line: str) -> BodyNode:
    if line[-1] not in SENTENCE_END and line.count(" ") < _HEADING_SPACES:
        return BodyNode("heading", line, 2, False, None, f"## {line}")
    return BodyNode("paragraph", line)


# _lines.c makes the body's nodes too (see body_nodes), once a probe has given the same nodes both ways.

def _node_fields(nodes: list[BodyNode]) -> list[tuple]:
    return [(n.kind, n.text, n.level, n.ordered, n.render, n.markdown) for n in nodes]


def _set_up_compiled_body(module: ModuleType) -> None:
    """Configure _lines.c's body nodes with what `_node` makes, then check them on a probe (raises if they differ)."""
    if tuple(f.name for f in fields(BodyNode)) != module.NODE_FIELDS:
        raise RuntimeError("BodyNode's fields are not the ones _lines.c fills")
    module.configure_body(BodyNode, "".join(sorted(SENTENCE_END)), _HEADING_SPACES, "heading", "paragraph", 2,
                          "## ", "caption", "related")
    lines = ["Home", "A caption (Image: GETTY)", "The headline of the day", "Some prose, said the man.",
             "READ MORE: More", "Ünïcode ✓ heading", " ".join(["word"] * 12), "Tail line", "x"]
    verdicts = ["navigation", "caption", BODY, BODY, "related", BODY, BODY, "caption", "related"]
    got, expected = module.body(lines, verdicts), body_nodes_python(lines, verdicts)
    if got is None or (_node_fields(got[0]), *got[3:]) != (_node_fields(expected[0]), *expected[1:]):
        raise RuntimeError("the probe's body nodes differ")


_body_module, COMPILED_BODY_UNAVAILABLE = checked(compiled_lines(), COMPILED_LINES_UNAVAILABLE, _set_up_compiled_body)
_compiled_body = _body_module.body if _body_module is not None else None


# And the headline and breadcrumb (see headline), once a probe has found the same lines both ways.

def _set_up_compiled_headline(module: ModuleType) -> None:
    """Configure _lines.c's headline() with what find_title and find_breadcrumb read, then check it on probes
    (raises if they differ)."""
    module.configure_headline(_HOME.match, _BYLINE.match, _CRUMB_SEPARATORS.search, _crumbs_of, _ELLIPSES, _DROPPED,
                              "".join(sorted(_HOME_FIRST)), "".join(sorted(_HOME_SECOND)),
                              "".join(sorted(_BYLINE_FIRST)), _NOT_HEADLINE_END,
                              *_HEADLINE_WORDS, PROSE_WORDS, _TITLE_REACH, _CRUMB_REACH, "title", "breadcrumb")
    prose = "The story's first paragraph says enough, and then some more, to be kept as body text."
    probes = [
        (["Home › News › UK", "Menu", "The headline of the day", prose, prose],
         ["navigation", _DROPPED, _DROPPED, BODY, BODY]),
        (["Startseite Politik Ein Titel der Seite ist hier...", "Ein Titel der Seite ist hier und mehr", prose],
         [_DROPPED, _DROPPED, BODY]),
        (["By The Reporter Name", "Home / Sport / Football", "İnce headline with words", prose],
         [_DROPPED, BODY, BODY, BODY]),
        (["Sign in to read", "A short one.", prose], [_DROPPED, _DROPPED, BODY]),
        (["Nothing kept here", "at all"], [_DROPPED, "navigation"]),
    ]
    for lines, verdicts in probes:
        if module.headline(lines, verdicts) != headline_python(lines, verdicts):
            raise RuntimeError("the probe's headline differs")
        if _body_module is not None:  # and the parts, headline and body in one call (_parts_python in Python)
            got, marked = module.parts(lines, list(verdicts)), list(verdicts)
            title_at, crumb_at, crumbs = headline_python(lines, marked)
            for at, mark in ((title_at, "title"), (crumb_at, "breadcrumb")):
                if at is not None:
                    marked[at] = mark
            body, captions, related = body_nodes_python(lines, marked)
            if got is None or (*got[:2], _node_fields(got[2]), *got[3:]) != (
                    title_at, crumbs, _node_fields(body), captions, related):
                raise RuntimeError("the probe's parts differ")


_headline_module, COMPILED_HEADLINE_UNAVAILABLE = checked(compiled_lines(), COMPILED_LINES_UNAVAILABLE,
                                                          _set_up_compiled_headline)
_compiled_headline = _headline_module.headline if _headline_module is not None else None
_compiled_parts = _headline_module.parts if _headline_module is not None and _body_module is not None else None


# And the record from there (see _assembled), once a probe has given the same records both ways.

def _set_up_compiled_record(module: ModuleType) -> None:
    """Configure _lines.c's record() with the Article class, its fields' defaults (a value, or a new list: what
    the dataclass makes) and what reads captions and related lines, then check it on a probe (raises if the
    records differ)."""
    if _compiled_parts is None:
        raise RuntimeError("no compiled parts")
    names, defaults = [], []
    for field in fields(Article):
        factory = field.default_factory
        if factory not in (MISSING, list) or factory is MISSING and field.default is MISSING:
            raise RuntimeError(f"Article.{field.name}: a default record() does not make")
        names.append(field.name)
        defaults.append(list if factory is list else field.default)
    module.configure_record(Article, tuple(names), tuple(defaults), find_images, find_related)
    prose = "The story's first paragraph says enough, and then some more, to be kept as body text."
    lines = ["Home › News › UK", "The headline of the day", "A caption (Image: GETTY)", prose,
             "READ MORE: Another story", "[VIDEO] A tagged one", prose, "Share"]
    verdicts = ["navigation", _DROPPED, "caption", BODY, "related", "related", BODY, "share"]
    caption_as_body = [*verdicts[:2], BODY, *verdicts[3:]]
    for url, marks in ((None, verdicts), ("https://example.com/a", verdicts), (None, caption_as_body)):
        got, expected = module.record(lines, list(marks), url), _assembled_python(lines, list(marks), url)
        if got is None or type(got) is not type(expected) or got != expected or got.to_dict() != expected.to_dict():
            raise RuntimeError("the probe's records differ")


def _assembled_python(lines: list[str], verdicts: list[str | None], url: str | None) -> Article:
    """`_assembled` by the Python code (for the probe: the compiled body and headline are checked above)."""
    title_at, crumb_at, crumbs = headline_python(lines, verdicts)
    for at, mark in ((title_at, "title"), (crumb_at, "breadcrumb")):
        if at is not None:
            verdicts[at] = mark
    body, captions, related = body_nodes_python(lines, verdicts)
    return Article(title=lines[title_at] if title_at is not None else None, url=url,
                   section=crumbs[-1] if crumbs else None, breadcrumb=crumbs, body=body,
                   images=find_images(lines, captions), related=find_related(lines, related))


_record_module, COMPILED_RECORD_UNAVAILABLE = checked(_headline_module, COMPILED_HEADLINE_UNAVAILABLE,
                                                      _set_up_compiled_record)
_compiled_record = _record_module.record if _record_module is not None else None
