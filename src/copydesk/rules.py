"""Every boilerplate rule in one place, each named for what it matches and carrying its category.

Rules look at tags, class/id tokens and a block's own wording. They never name a site, a domain or a
URL. A class/id token rule marks a subtree; whether the mark is believed is decided in `classify`
(a wrapper called "page-with-sidebar" around the whole page must not take the article down with it).
"""

from __future__ import annotations

import re
from functools import lru_cache

try:  # the regex parser's own modules, to read the rules' first characters (see _start_dispatch)
    import re._constants as _sre
    from re._parser import parse as _sre_parse
except ImportError:  # a Python that moved them: no dispatch, every anchored rule is tried on every text
    _sre = _sre_parse = None  # type: ignore[assignment]

# Subtrees never rendered as text: scripts, styles, embedded media, form controls, the document head.
SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object", "embed",
        "video", "audio", "map", "head", "title", "meta", "link", "base", "button", "select", "option",
        "optgroup", "input", "textarea", "datalist", "dialog", "img", "picture", "source", "track",
        "area", "frame", "frameset", "param", "wbr",
    }
)

# Elements that start a new block of text (everything else is inline and joins its block).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "caption", "legend",
        "html", "option", "output", "search",
    }
)

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Structural tags that are boilerplate by their HTML meaning.
TAG_CATEGORIES = {
    "nav": "navigation",
    "footer": "footer",
    "aside": "other",
    "figcaption": "caption",
}

# Class/id tokens (split on anything not a letter or digit) and the category they mark.
# Why each exists: the kind of page block it was written for.
TOKEN_CATEGORIES = {
    # menus, breadcrumbs, pagers, tables of contents in doc sidebars
    "nav": "navigation", "navbar": "navigation", "navigation": "navigation", "menu": "navigation",
    "menubar": "navigation", "breadcrumb": "breadcrumb", "breadcrumbs": "breadcrumb",
    "pagination": "navigation", "pager": "navigation", "sidebar": "other", "toc": "navigation",
    "skip": "navigation", "skiplink": "navigation", "topbar": "navigation", "masthead": "navigation",
    # page footers and copyright lines
    "footer": "footer", "copyright": "footer", "colophon": "footer",
    # share bars and social widgets
    "share": "share", "sharing": "share", "social": "share", "sharedaddy": "share", "addthis": "share",
    "sharethis": "share", "socials": "share",
    # ad slots
    "ad": "advertisement", "ads": "advertisement", "advert": "advertisement",
    "advertisement": "advertisement", "adsense": "advertisement", "adslot": "advertisement",
    "sponsor": "advertisement", "sponsored": "advertisement", "dfp": "advertisement",
    "promo": "advertisement", "outbrain": "related", "taboola": "related",
    # related-story lists and recirculation modules
    "related": "related", "recommended": "related", "trending": "related", "popular": "related",
    "recirculation": "related", "morestories": "related", "readmore": "related",
    # comment sections and their forms
    "comment": "comment", "comments": "comment", "disqus": "comment", "respond": "comment-form",
    "commentform": "comment-form",
    # customer reviews and testimonials on shop pages: readers' comments on a product
    "review": "comment", "reviews": "comment", "testimonial": "comment", "testimonials": "comment",
    # consent and newsletter interruptions
    "cookie": "cookie-banner", "cookies": "cookie-banner", "consent": "cookie-banner",
    "gdpr": "cookie-banner", "newsletter": "newsletter", "subscribe": "newsletter",
    "subscription": "newsletter", "signup": "newsletter", "optin": "newsletter",
    "paywall": "paywall",
    # captions and credits
    "caption": "caption", "figcaption": "caption", "credit": "caption", "credits": "caption",
    # bylines, dates, tag lists: metadata, recovered elsewhere, not body text
    "byline": "metadata", "dateline": "metadata", "timestamp": "metadata", "tags": "metadata",
    "tagcloud": "metadata", "postmeta": "metadata", "entrymeta": "metadata", "meta": "metadata",
    # forum posts' author panels; signatures (a finer mark: see MARK_ALIASES)
    "signature": "signature",
    "postprofile": "metadata", "userinfo": "metadata", "usercard": "metadata",
    # invisible helpers and overlays
    "modal": "other", "popup": "other", "overlay": "other", "sronly": "other",
    "visuallyhidden": "other", "screenreader": "other",
}

# Categories whose blocks are lists of links; a mark of these on a prose-rich element is not believed.
LINK_LIST_CATEGORIES = frozenset({"navigation", "breadcrumb"})

# Tokens that say "this is the content". They protect an element only from the weak categories
# (a "post-meta" line is still metadata, but an "article-widget" wrapper is not thrown away).
CONTENT_TOKENS = frozenset({"article", "content", "entry", "main", "post", "story", "body", "prose", "markdown"})
WEAK_CATEGORIES = frozenset({"other"})

# Compound class names written without separators ("sharedaddy", "commentlist") are caught by
# prefix: a token starting with one of these counts as the prefix itself.
# Finer marks and the category they count as everywhere but one place: a forum post's signature is
# metadata to the model, to the heuristics' category shares and in `removed`, but never content
# (classify.apply_model vetoes it, as it vetoes captions).
MARK_ALIASES = {"signature": "metadata"}

# A text kept twice word for word is a second copy (classify.drop_repeats): a quoted reply, a product
# description shown again in a tab, a text served once for wide screens and once for narrow ones.
# Shorter texts ("Reply", "Add to cart", "Read more") repeat honestly on a page and never count.
REPEAT_MIN_CHARS = 20
# Repeated rows of a table and repeated lines of code are the content's own.
REPEATABLE_KINDS = frozenset({"cell", "code"})


def second_copies(texts: list[str | None]) -> list[int]:
    """The indices of the texts that repeat an earlier one word for word, both REPEAT_MIN_CHARS or longer;
    None is a text that never counts (a table cell, a line not in the body)."""
    seen: set[str] = set()
    copies = []
    for i, text in enumerate(texts):
        if text is None or len(text) < REPEAT_MIN_CHARS:
            continue
        if text in seen:
            copies.append(i)
        else:
            seen.add(text)
    return copies


# A hidden element that is a panel the reader opens in place (an accordion's answer, a tab's pane) holds
# the page's own text, hidden only until clicked: a service's FAQ, a product's specifications tab. Such
# an element is not marked hidden. It says so by its ARIA role or its class/id words; "collaps" and
# "accordion" also as prefixes ("collapsible", "accordionItem"). A collapsed menu is still a link list,
# which the link-density rules and the model drop.
PANEL_ROLES = frozenset({"tabpanel", "region"})
PANEL_TOKENS = frozenset({"accordion", "collapse", "collapsible", "collapsed", "tabpanel", "expander", "faq"})
PANEL_PREFIXES = ("accordion", "collaps")


def is_panel(class_id: str, role: str | None) -> bool:
    """Whether a hidden element's role or class/id words say it is a panel opened in place."""
    if role is not None and role.strip().lower() in PANEL_ROLES:
        return True
    return any(token in PANEL_TOKENS or token.startswith(PANEL_PREFIXES) for token in class_tokens(class_id))


# An element with the HTML `popover` attribute is closed until a script or a click opens it over the
# page (a push-notifications prompt with its per-browser tabs, a share sheet, a menu): unlike a panel
# opened in place (`is_panel`), it is never the page's content. `parse.drop_popovers` removes it.
POPOVER_SELECTOR = "[popover]"
# ...unless it holds more than this share of the body's text (an unclosed one swallowing the page).
POPOVER_MAX_SHARE = 0.5


TOKEN_PREFIXES = ("comment", "share", "social", "sidebar", "breadcrumb", "newsletter", "related", "advert")

# Words that turn a "comment" class into the comment form's.
_FORM_TOKENS = frozenset({"form", "reply", "respond"})

_TOKEN = re.compile(r"[a-z0-9]+")
# Bytes that are not ASCII letters or digits, to spaces: on ASCII class strings (nearly all), a byte
# translation and a split cut the tokens three times faster than the regex.
_ASCII_SEPARATORS = bytes(c for c in range(128) if not chr(c).isalnum())
_TO_SPACES = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))


def class_tokens(class_id: str) -> list[str]:
    """The lowercased ASCII words and numbers of a class or id string ("c-Article__body" -> c, article, body)."""
    lowered = class_id.lower()
    if lowered.isascii():
        return lowered.encode("ascii").translate(_TO_SPACES).decode("ascii").split()
    return _TOKEN.findall(lowered)


@lru_cache(maxsize=65536)
def _token_category(token: str) -> str | None:
    # Cached per token: ids such as "post-48213" make most class strings unique, not their words.
    category = TOKEN_CATEGORIES.get(token)
    if category is None and token.startswith(TOKEN_PREFIXES):
        prefix = next(p for p in TOKEN_PREFIXES if token.startswith(p))
        category = TOKEN_CATEGORIES[prefix]
    return category


@lru_cache(maxsize=16384)
def attribute_category(class_id: str) -> str | None:
    """The boilerplate category named by an element's class and id, or None.

    Cached: pages repeat the same class strings hundreds of times (menu items, cards).
    """
    tokens = class_tokens(class_id)
    weak = None
    for token in tokens:
        category = _token_category(token)
        if category is None:
            continue
        if category == "comment" and any(t in _FORM_TOKENS or _token_category(t) == "comment-form" for t in tokens):
            # "comment-respond", "comment-form-cookies", "comment-reply-title": the form, not the comments.
            return "comment-form"
        if category not in WEAK_CATEGORIES:
            return category
        weak = weak or category
    if weak and not any(t in CONTENT_TOKENS for t in tokens):
        return weak
    return None


def attribute_tables() -> tuple[dict[str, str], tuple[str, ...], frozenset[str], frozenset[str], frozenset[str]]:
    """The tables `attribute_category` reads, as they are now: the compiled walk (_walk.c) classifies ASCII
    class/id strings with them, the same way, instead of calling it back."""
    return TOKEN_CATEGORIES, TOKEN_PREFIXES, WEAK_CATEGORIES, CONTENT_TOKENS, _FORM_TOKENS


# A block's own wording that marks it as boilerplate wherever it stands. Anchored so a sentence of the
# article that merely mentions "advertisement" is kept.
TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[-–—\s]*(advertisement|advertising|sponsored( content)?|anzeige|publicité|publicidad)[-–—\s]*$",
                re.I),
     "advertisement"),
    (re.compile(r"^(read more|see also|related|more from|also read|recommended|watch|listen)\s*:", re.I), "related"),
    (re.compile(r"^please enter your (comment|name|email)", re.I), "comment-form"),
    (re.compile(r"^(leave a (reply|comment)|post a comment|add a comment|\d+ comments?|comments? \(\d+\))", re.I),
     "comment-form"),
    (re.compile(r"akismet to reduce spam|how your comment data is processed", re.I), "spam-notice"),
    (re.compile(r"^(share( this( article| story| post)?)?|share on \w+|tweet|email|print)( this)?\s*:?$", re.I),
     "share"),
    (re.compile(r"\b(we use cookies|this (web)?site uses cookies|accept (all )?cookies|cookie policy)\b", re.I),
     "cookie-banner"),
    (re.compile(r"^(sign up|subscribe)\b.{0,80}\b(newsletter|inbox|updates)\b", re.I), "newsletter"),
    (re.compile(r"^(all rights reserved|copyright|©)", re.I), "footer"),
    (re.compile(r"\((image|photo|picture|credit|pic)s?\s*:\s*[^)]{1,60}\)\s*$", re.I), "caption"),
    (re.compile(r"^(skip to (main )?content|jump to navigation|toggle navigation|back to top)$", re.I), "navigation"),
    (re.compile(r"\[[A-Z][A-Z ]{2,20}\]\s*$"), "related"),
)


def _start_rules(patterns: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[re.Pattern[str], list[str]]:
    """The rules anchored at a block's start, as one regex tried once at position 0."""
    parts, categories = [], []
    for pattern, category in patterns:
        if pattern.pattern.startswith("^"):
            flags = "i" if pattern.flags & re.I else ""
            body = f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"
            parts.append(f"(?P<rule{len(categories)}>{body})")
            categories.append(category)
    return re.compile("|".join(parts)), categories


_START_RULE, _START_CATEGORIES = _start_rules(TEXT_PATTERNS)


# The anchored rules a text can match depend on its first character: "Share" can only be the share
# rule or the ad label's "Sponsored". Trying just those is three times faster than the whole
# alternation, on every block of every page. The first characters are read off the parsed patterns.
_CLASS_ESCAPES = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
} if _sre is not None else {}


def _class_source(items: list) -> str | None:
    """A parsed character class back as regex source, or None for a construct not handled here."""
    parts = []
    for op, av in items:
        if op is _sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is _sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _sre.CATEGORY and av in _CLASS_ESCAPES:
            parts.append(_CLASS_ESCAPES[av])
        elif op is _sre.NEGATE and not parts:
            parts.append("^")
        else:
            return None
    return f"[{''.join(parts)}]"


def _first_atoms(items: list) -> tuple[list[str] | None, bool]:
    """What a match of a parsed sequence can start with, as one-character patterns, and whether it
    can be empty. None for a construct not handled here (the rule is then tried on every text)."""
    atoms: list[str] = []
    for op, av in items:
        if op is _sre.AT:
            continue  # anchors consume nothing
        if op is _sre.LITERAL or op is _sre.IN:
            atom = re.escape(chr(av)) if op is _sre.LITERAL else _class_source(av)
            return (None, False) if atom is None else (atoms + [atom], False)
        if op is _sre.SUBPATTERN:
            first, empty = _first_atoms(av[-1])
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            first, empty = _first_atoms(av[2])
            empty = empty or av[0] == 0
        elif op is _sre.BRANCH:
            branches = [_first_atoms(branch) for branch in av[1]]
            first = None if any(f is None for f, _ in branches) else [a for f, _ in branches for a in f or ()]
            empty = any(e for _, e in branches)
        else:
            return None, False
        if first is None:
            return None, False
        atoms += first
        if not empty:
            return atoms, False
    return atoms, True


def _first_ascii(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The ASCII characters a match of the pattern can start with (sre itself judges case
    equivalence), or None when any character may start one."""
    try:
        atoms, empty = _first_atoms(list(_sre_parse(pattern.pattern, pattern.flags)))
    except Exception:  # a future Python's parser: no dispatch, every rule tried
        return None
    if atoms is None or empty:
        return None
    flags = pattern.flags & re.IGNORECASE
    compiled = [re.compile(atom, flags) for atom in atoms]
    return frozenset(c for c in map(chr, range(128)) if any(atom.fullmatch(c) for atom in compiled))


_StartRules = tuple[re.Pattern[str], list[str]]


def _start_dispatch(patterns: tuple[tuple[re.Pattern[str], str], ...]) -> dict[str, _StartRules | None]:
    """Per ASCII first character, the anchored rules a text starting with it can match (None: no rule)."""
    anchored = [(pattern, category) for pattern, category in patterns if pattern.pattern.startswith("^")]
    firsts = [_first_ascii(pattern) for pattern, _ in anchored]
    table: dict[str, _StartRules | None] = {}
    for c in map(chr, range(128)):
        subset = tuple(rule for rule, first in zip(anchored, firsts, strict=True) if first is None or c in first)
        table[c] = _start_rules(subset) if subset else None
    return table


_START_BY_FIRST_CHAR = _start_dispatch(TEXT_PATTERNS)
_ALL_START_RULES = (_START_RULE, _START_CATEGORIES)  # for texts opening with a character not in the table
# Rules that may match anywhere are tried only when what they need is there (a closing bracket, a
# word): scanning every block for them would cost more than all the anchored rules together.
_NEEDLES = {"spam-notice": ("akismet", "comment data"), "cookie-banner": ("cookie",)}
_CLOSERS = {"caption": ")", "related": "]"}
_ANYWHERE_RULES = tuple(
    (pattern, category, _CLOSERS.get(category), _NEEDLES.get(category))
    for pattern, category in TEXT_PATTERNS if not pattern.pattern.startswith("^")
)


def start_category(text: str) -> str | None:
    """The category of the first wording rule anchored at the text's start that matches, or None."""
    rules = _START_BY_FIRST_CHAR.get(text[:1], _ALL_START_RULES)
    if rules is None:
        return None
    match = rules[0].match(text)
    return rules[1][int(match.lastgroup[4:])] if match and match.lastgroup else None


# One look for every rule's prerequisite at once: most blocks have none, and leave here.
_CLOSER_CHARS = frozenset(closer for _, _, closer, _ in _ANYWHERE_RULES if closer)
_ALL_NEEDLES = tuple(n for _, _, _, needles in _ANYWHERE_RULES for n in needles or ())
_ALL_GATED = all(closer or needles for _, _, closer, needles in _ANYWHERE_RULES)


# Longer blocks are prose: no wording rule is tried on them.
_MAX_RULE_CHARS = 300
# The characters outside ASCII whose lower() holds ASCII letters, which the needles could then match.
_LOWER_TO_ASCII = {c: c.lower() for c in ("\u0130", "\u212a")}


def compiled_tables() -> tuple[tuple[_StartRules | None, ...], _StartRules, tuple, str, tuple[str, ...], bool,
                               dict[str, str], int]:
    """What `text_category` reads, for the compiled heuristics (_classify.c), which apply it the same way
    (calling these regexes) to every block without a Python call per block."""
    by_first_char = tuple(_START_BY_FIRST_CHAR.get(chr(c), _ALL_START_RULES) for c in range(128))
    return (by_first_char, _ALL_START_RULES, _ANYWHERE_RULES, "".join(sorted(_CLOSER_CHARS)), _ALL_NEEDLES,
            _ALL_GATED, _LOWER_TO_ASCII, _MAX_RULE_CHARS)


def text_category(text: str) -> str | None:
    """The boilerplate category a block's wording alone reveals, or None."""
    if len(text) > _MAX_RULE_CHARS:
        return None
    # start_category inlined: this runs for every block of every page.
    rules = _START_BY_FIRST_CHAR.get(text[:1], _ALL_START_RULES)
    if rules is not None and (match := rules[0].match(text)) and match.lastgroup:
        return rules[1][int(match.lastgroup[4:])]
    last = text.rstrip()[-1:]
    lowered = text.lower()
    if _ALL_GATED and last not in _CLOSER_CHARS:
        for needle in _ALL_NEEDLES:  # a loop, not any(): most blocks have no needle, and leave here
            if needle in lowered:
                break
        else:
            return None
    for pattern, category, closer, needles in _ANYWHERE_RULES:
        if closer is not None and last != closer:
            continue
        if needles is not None and not any([needle in lowered for needle in needles]):
            continue
        if pattern.search(text):
            return category
    return None


# Sentence-ending punctuation across scripts: prose has it, menus and labels do not.
SENTENCE_END = frozenset(".!?。！？…\"'”’»:;)")


# Headings that announce a recirculation module: the section they open is "related", not content.
RELATED_HEADING = re.compile(
    # "Recommended Posts" is what forum engines title a thread's own replies with: not a module.
    r"^(related|recommended(?! posts)|more (from|in|on|like this|stories|articles|news)|you (may|might) also|"
    r"customers (also|who)|recently viewed|popular|trending|also (read|see|on)|read (next|more)|"
    r"similar (topics|threads|posts|products|items)|other (stories|articles|products)|"
    r"most (read|popular|viewed|shared)|editor'?s'? picks|don'?t miss|in case you missed|around the web|"
    r"from the web|(sponsored|promoted) (stories|content)|what to read next|read this next"
    # "More The Examiner", "More Recipes": "More" and one to three words is a module of more stories or
    # items (but "More information", "More details" and the like are the page's own sections).
    r"|more (?!information\b|info\b|details\b|about\b|help\b|examples?\b|options\b|ways\b|features\b)"
    r"[a-z][\w.'’-]*( [a-z][\w.'’-]*){0,2}$"
    # The same modules in the other languages of the web's news and blogs.
    r"|(leia|veja|lea|lee|lire|lisez|leggi) (também|tambem|también|tambien|aussi|anche)|à lire aussi"
    r"|(você|voce) (também |tambem )?(pode|poderá) gostar|(también |tambien )?te (puede|podría) interesar"
    r"|vous (aimerez|pourriez aimer)|(das|dies) könnte (sie|dich) auch interessieren|mehr zum thema"
    r"|potrebbe(ro)? interessarti|ti potrebbe interessare"
    r"|(artigos|artículos|articles|articoli|notícias|noticias|posts|matérias) (relacionad[oa]s|similaires|correlati)"
    r"|ähnliche (artikel|beiträge)|lees ook|gerelateerde artikelen)\b",
    re.I,
)

# A text cut short with an ellipsis ("... the hampers on Tuesday, December 1..."): the excerpt a teaser
# card shows of another page (see classify.drop_teasers).
TRUNCATED_END = re.compile(r"(\.\.\.|…)[\s\])»]*$")


def is_cut_short(text: str) -> bool:
    """Whether a text ends with an ellipsis (TRUNCATED_END). The substring tests first: a regex search
    tries every position of every block, and nearly no block holds an ellipsis at all."""
    return ("..." in text or "…" in text) and TRUNCATED_END.search(text) is not None
