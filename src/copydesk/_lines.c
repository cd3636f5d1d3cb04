/*
 * _lines.c -- text mode's per-line work, compiled: the lines, the wording rules' candidates and the
 * feature matrix of copydesk.textmode_features, bit for bit.
 *
 * What it is
 * ----------
 * The Python code in textmode_features.py stays the reference and the fallback. Three passes replace it:
 * `split()` cuts a dump into normalised lines (normalise_lines); `rule_categories()` calls
 * rules.start_category only on the lines a gate lets through, and leaves the few lines a rule that may
 * match anywhere could take to the Python code (the rules themselves stay in rules.py and
 * textmode_features.py, and still decide every category); `fill()`
 * computes the feature matrix of page_features row by row with no numpy call per column and no Python
 * object per word. textmode_features.py uses the module only once a probe page has given the same
 * results both ways (COPYDESK_PURE_PYTHON=1 turns it off); tests/test_textmode_compiled.py compares the
 * two on every kind of line hypothesis makes and on the edge cases.
 *
 * The rules stay in Python
 * ------------------------
 * Column positions, the character class of every code point of the Basic Multilingual Plane, the
 * lengths and counts the features use (head length, prose words, ...), the rare words, and two gates
 * are passed to `configure()`. A gate says, for each pair of first two characters (read as ASCII codes,
 * see gate_code; NUL past the line's end), which characters may come next, up to the fifth:
 * textmode_features.py derives it from the rules' parsed patterns, and a line it stops cannot match any
 * of them. The regular expressions that need calling (the [TAG] and credit
 * endings, the call-to-action start) are passed too, and only called on lines their gates let through; the
 * calls to action, spelt out as words (configure_actions), are matched here on a line whose start is ASCII.
 * A regex is given only the lines holding every character each of its matches holds (configure_required,
 * read off the patterns too: "(", ":" and ")" for a credit), and a line ending with ")" or "]" goes to the
 * Python rules only when one of theirs can match it.
 *
 * Bit for bit
 * -----------
 * Every value is computed in the type and the order the numpy code uses: counts and shares in double,
 * sums of whole numbers (exact in any order), the position in float as numpy divides a float32 range,
 * the page's prose share as the float32 mean of zeros and ones, cumulative sums in numpy's order. Where
 * numpy's own rounding counts, it is numpy's: log1p comes from a table numpy computed (indexed by a
 * line's length or the page's line count). The window means are counts divided by the window's width
 * (prose, rules), or sums of the lexicon column added from each window's first line to its last, the
 * order textmode_features._window_mean adds in (np.convolve, which it used before, has its sums ordered
 * by numpy or its BLAS, and cost a call per window).
 *
 * What it declines
 * ----------------
 * Anything normalise_lines does not produce -- an item that is not exactly a str, an empty line, a line
 * whose head has other whitespace than single spaces between words, a lone surrogate where the Python
 * code encodes to UTF-32 (it raises there) -- and a lexicon that is not a dict of str to float or int
 * makes the call return None or False, and the Python code runs (and raises where it raises). So does
 * a page holding U+0130 for rule_categories: lowering it adds a character, which moves the positions the
 * Python code maps its rare-word hits back to lines with.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "_slots.h"

#define BMP 0x10000
#define GATE_CHARS 5  /* the gates read a line's first five characters */
#define GATE_PAIRS_BYTES (128 * 128)  /* a row number per pair of first characters */
#define GATE_ROW_BYTES (16 * (GATE_CHARS - 2))  /* a 128-bit mask per next character */
#define MAX_NEEDLES 8
#define MAX_NEEDLE 32
#define MAX_HEAD 256
#define PREFIX 3  /* the characters of a rare word the eight-at-a-time scan compares */
#define MAX_ACTIONS 96  /* the calls to action's words, spelt out (see configure_actions) */
#define MAX_ACTION 24

/* Character class bits, in the order of textmode_features._COUNTED (textmode_features.py checks). */
enum {
    K_SPACE, K_UPPER, K_LETTER, K_DIGIT, K_TERMINAL, K_PUNCT, K_CURRENCY, K_SEPARATOR, K_BULLET, K_COMMA, K_LINK,
    K_COPYRIGHT, K_CAPITAL_START, K_SENTENCE_BREAK, K_SEPARATOR_WORD, K_N
};
static const char *COUNTED[K_N] = {
    "space", "upper", "letter", "digit", "terminal", "punct", "currency", "separator", "bullet", "comma", "link",
    "copyright", "capital_start", "sentence_break", "separator_word",
};
#define BIT(k) (1u << (k))

/* The columns fill() writes. The context columns are the five of CONTEXT seen from lines -1, +1, -2, +2. */
enum {
    C_LOG_CHARS, C_CHAR_POSITION, C_LOG_LINES, C_WORDS, C_TERMINAL, C_ENDS_COLON, C_ENDS_ELLIPSIS, C_UPPER_SHARE, C_CAPITALISED_SHARE, C_DIGIT_SHARE,
    C_PUNCT_SHARE, C_COMMAS, C_SENTENCES, C_SEPARATORS, C_TAG, C_RULE, C_CREDIT, C_ACTION, C_BULLET, C_REPEATS,
    C_LEXICAL, C_LEXICAL_COVERAGE, C_WORD_LENGTH, C_LINK_LIKE, C_COPYRIGHT, C_CURRENCY, C_POSITION,
    C_WORDS_VS_PAGE_MAX, C_PROSE_BEFORE, C_PROSE_AFTER, C_SHORT_RUN, C_RULE_WINDOW_3, C_PAGE_PROSE_SHARE,
    C_PAGE_MEAN_WORDS, C_PROSE_WINDOW_2, C_PROSE_WINDOW_6, C_PROSE_WINDOW_15, C_LEXICAL_WINDOW_1, C_LEXICAL_WINDOW_3,
    C_LEXICAL_WINDOW_8, C_ACTION_BEFORE, C_ACTION_AFTER, C_RULE_BEFORE, C_RULE_AFTER, C_COPYRIGHT_BEFORE,
    C_COPYRIGHT_AFTER, C_WORDS_WINDOW_3, C_WORDS_WINDOW_10, C_LEXICAL_WINDOW_20, C_CONTEXT, C_N = C_CONTEXT + 20
};
static const char *FILLED[C_N] = {
    "log_chars", "char_position", "log_lines", "words", "terminal", "ends_colon", "ends_ellipsis", "upper_share", "capitalised_share", "digit_share",
    "punct_share", "commas", "sentences", "separators", "tag", "rule", "credit", "action", "bullet", "repeats",
    "lexical", "lexical_coverage", "word_length", "link_like", "copyright", "currency", "position",
    "words_vs_page_max", "prose_before", "prose_after", "short_run", "rule_window_3", "page_prose_share",
    "page_mean_words", "prose_window_2", "prose_window_6", "prose_window_15", "lexical_window_1", "lexical_window_3",
    "lexical_window_8", "action_before", "action_after", "rule_before", "rule_after", "copyright_before",
    "copyright_after", "words_window_3", "words_window_10", "lexical_window_20",
    "prev1_words", "prev1_terminal", "prev1_capitalised_share", "prev1_rule", "prev1_lexical",
    "next1_words", "next1_terminal", "next1_capitalised_share", "next1_rule", "next1_lexical",
    "prev2_words", "prev2_terminal", "prev2_capitalised_share", "prev2_rule", "prev2_lexical",
    "next2_words", "next2_terminal", "next2_capitalised_share", "next2_rule", "next2_lexical",
};
static const int CONTEXT_OF[5] = {C_WORDS, C_TERMINAL, C_CAPITALISED_SHARE, C_RULE, C_LEXICAL};
static const int CONTEXT_OFFSET[4] = {1, -1, 2, -2};
#define RULE_RADIUS 3  /* rule_window_3 */
/* The windows of the prose flags and of the lexicon column: radius and column. */
static const int PROSE_RADIUS[3] = {2, 6, 15}, PROSE_WINDOW[3] = {C_PROSE_WINDOW_2, C_PROSE_WINDOW_6, C_PROSE_WINDOW_15};
static const int LEXICAL_RADIUS[3] = {1, 3, 8};
static const int LEXICAL_WINDOW[3] = {C_LEXICAL_WINDOW_1, C_LEXICAL_WINDOW_3, C_LEXICAL_WINDOW_8};
#define WIDE_LEXICAL_RADIUS 20  /* lexical_window_20, by running sums */
/* textmode_features._EVENTS: the flag each reads (its column > 0) and its first column (before, then after); the
   counts are capped at EVENT_CAP, inside the log table. */
static const int EVENT_OF[3] = {C_ACTION, C_RULE, C_COPYRIGHT};
static const int EVENT_FIRST[3] = {C_ACTION_BEFORE, C_RULE_BEFORE, C_COPYRIGHT_BEFORE};
#define EVENT_CAP 1000
static const int WORDS_RADIUS[2] = {3, 10}, WORDS_WINDOW[2] = {C_WORDS_WINDOW_3, C_WORDS_WINDOW_10};

static struct {
    int ready;
    uint16_t classes[BMP];
    Py_ssize_t width, column[C_N];
    /* numpy's np.log1p(k) for k below n_logs (not libm's: they may differ in the last bit), as the Python
       code computes a line's log length and the page's log line count; for a longer line or page the caller
       fills those columns. */
    double *log1p;
    Py_ssize_t n_logs;
    Py_ssize_t sample_chars, rule_chars, caption_tail, action_words, prose_words, short_words, short_cap, repeat_cap;
    PyObject *start_gate, *action_gate;  /* see gate_passes; NULL: every line passes */
    PyObject *tag_search, *credit_search;
    PyObject *action_match[129];  /* per ASCII first character, then for any other: a match method or None */
    /* rules.start_category, as rules.compiled_tables() has it: per ASCII first character, then for any other,
       None (no rule) or (match method, category per group index); see start_category_of. */
    PyObject *start_rules[129];
    PyObject *lastindex;  /* "lastindex", interned */
    Py_UCS4 closers[8];  /* endings that send a line to rules.text_category */
    int n_closers;
    Py_UCS4 caption_end;  /* the ending of a caption with its credit */
    Py_UCS4 stand_in[8];
    uint32_t stands_for[8];
    int n_stand_ins;
    char needles[MAX_NEEDLES][MAX_NEEDLE];
    Py_ssize_t needle_len[MAX_NEEDLES];
    int n_needles;
    uint8_t needle_start[128];  /* the first characters of the needles, both cases */
    /* the vector scans' view of each needle's first PREFIX characters: the character, 0x20 where a letter's
       case folds (set, it gives the lower case), and what else lowers to it (the Kelvin sign to 'k') */
    uint16_t needle_char[MAX_NEEDLES][PREFIX], needle_fold[MAX_NEEDLES][PREFIX], needle_stand[MAX_NEEDLES][PREFIX];
} cfg;

/* The calls to action as the words they match (configure_actions), lower-case ASCII, by first letter: a line
   whose start is ASCII is decided here, without calling the regex (about ten calls a page, most of which
   match). */
static struct {
    char word[MAX_ACTIONS][MAX_ACTION];
    uint8_t length[MAX_ACTIONS];
    uint8_t first[27];  /* the words starting with letter k are first[k] .. first[k + 1] - 1 */
    int n;
} actions;

/* What a regex's match cannot do without (textmode_features.required_chars): characters, ASCII but no
   letters (which case folding would widen), each of which every match holds. A line lacking one is not
   given to the regex: most lines ending with ")" are no caption ("(2019)", "(AP)"), and the call, or the
   Python rules behind it, cost more than the look. n == 0: nothing is required (every line is tried). */
#define MAX_REQUIRED 8
#define MAX_ANYWHERE 8
typedef struct {
    Py_UCS4 chars[MAX_REQUIRED];
    int n;
} Required;

/* configure_required(): the credit and [TAG] endings fill() calls; text mode's caption and the wording
   rules that may match anywhere (rules.text_category), which rule_categories() leaves to the Python code
   only when one of them can match the line. */
typedef struct {
    int ready;
    Required credit, tag, caption;
    struct {
        Py_UCS4 closer;  /* the line must end with it (0: any ending) */
        int needs_rare;  /* tried only on a line holding a rare word */
        Required required;
    } anywhere[MAX_ANYWHERE];
    int n_anywhere;
} Prefilters;

static Prefilters pre;

#if defined(__GNUC__) || defined(__clang__)
#define SPECIALISED static inline __attribute__((always_inline))
#else
#define SPECIALISED static inline
#endif

/* The loops over a str's characters are written once with `kind` as an argument, and called through
   BY_KIND with it constant, so that the compiler makes one copy per kind without a switch per character. */
#define BY_KIND(kind, call)                                         \
    ((kind) == PyUnicode_1BYTE_KIND   ? call(PyUnicode_1BYTE_KIND)  \
     : (kind) == PyUnicode_2BYTE_KIND ? call(PyUnicode_2BYTE_KIND)  \
                                      : call(PyUnicode_4BYTE_KIND))

static inline Py_UCS4
at(int kind, const void *data, Py_ssize_t i)
{
    return PyUnicode_READ(kind, data, i);
}

static uint8_t BMP_SPACE[BMP / 8];  /* Py_UNICODE_ISSPACE over the Basic Multilingual Plane, a bit each */

/* Py_UNICODE_ISSPACE, with no call for the characters pages are made of. */
static inline int
is_space(Py_UCS4 c)
{
    if (c < BMP) return (BMP_SPACE[c >> 3] >> (c & 7)) & 1;
    return Py_UNICODE_ISSPACE(c);
}

static inline uint16_t
class_of(Py_UCS4 c)
{
    return cfg.classes[c < BMP ? c : BMP - 1];
}

static inline int
is_surrogate(Py_UCS4 c)
{
    return c >= 0xD800 && c <= 0xDFFF;
}

/* A character as the gates read it: ASCII as itself, the few others an ASCII letter matches when case is
   ignored as that letter, anything else as 127 (textmode_features.GATE_STAND_INS). */
static inline uint32_t
gate_code(Py_UCS4 c)
{
    if (c < 128) return c;
    for (int k = 0; k < cfg.n_stand_ins; k++)
        if (c == cfg.stand_in[k]) return cfg.stands_for[k];
    return 127;
}

/* Whether `gate` lets a line starting with these characters through: the row of its first two (NUL past
   the line's end) must allow each of the next three (see textmode_features.prefix_gate). */
static inline int
gate_passes(PyObject *gate, int kind, const void *data, Py_ssize_t length)
{
    if (gate == NULL) return 1;
    uint32_t c[GATE_CHARS];
    for (int j = 0; j < GATE_CHARS; j++) c[j] = j < length ? gate_code(at(kind, data, j)) : 0;
    const uint8_t *table = (const uint8_t *)PyBytes_AS_STRING(gate);
    const uint8_t *masks = table + GATE_PAIRS_BYTES + (size_t)table[c[0] << 7 | c[1]] * GATE_ROW_BYTES;
    for (int j = 2; j < GATE_CHARS; j++, masks += 16)
        if (!((masks[c[j] >> 3] >> (c[j] & 7)) & 1)) return 0;
    return 1;
}

/* ---- split ---------------------------------------------------------------------------------------- */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* 0x80 in each byte of v that is zero, and nowhere else (no carry crosses a byte). */
static inline uint64_t
zero_bytes(uint64_t v)
{
    return ~(((v & ~HIGHS) + ~HIGHS) | v | ~HIGHS);
}

static inline uint64_t
load_bytes(const uint8_t *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    return v;
}


/* text[first:last] with each run of whitespace made one space (first and last are not whitespace). */
static PyObject *
collapsed(int kind, const void *data, Py_ssize_t first, Py_ssize_t last)
{
    Py_UCS4 *buf = PyMem_Malloc((size_t)(last - first) * sizeof(Py_UCS4));
    if (buf == NULL) return PyErr_NoMemory();
    Py_ssize_t n = 0;
    int space = 0;
    for (Py_ssize_t j = first; j < last; j++) {
        Py_UCS4 c = at(kind, data, j);
        if (is_space(c)) {
            space = 1;
            continue;
        }
        if (space) buf[n++] = ' ';
        space = 0;
        buf[n++] = c;
    }
    PyObject *line = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return line;
}

typedef struct {
    Py_ssize_t end;          /* the newline ending the line, or the text's length */
    Py_ssize_t first, last;  /* its words' span; first == last: no word */
    int clean;               /* nothing but single spaces between its words */
    int nul;                 /* it holds a NUL (a clean line never does: NUL is a control character) */
} Span;

/* The line starting at `start`, in one pass. */
SPECIALISED Span
line_span(int kind, const void *data, Py_ssize_t start, Py_ssize_t n)
{
    Span span = {start, -1, -1, 1, 0};
    int spaces = 0, unusual = 0;  /* the whitespace run before the current character */
    Py_ssize_t j = start;
    while (j < n) {
        Py_UCS4 c = at(kind, data, j);
        if (c == '\n') break;
        if (is_space(c)) {
            spaces++;
            unusual |= c != ' ';
            j++;
            continue;
        }
        if (span.first < 0) span.first = j;
        else if (spaces > 1 || unusual) span.clean = 0;
        spaces = unusual = 0;
        span.nul |= c == 0;
        /* the rest of the word: no newline, no whitespace */
        for (j++; j < n && (c = at(kind, data, j)) != '\n' && !is_space(c); j++) span.nul |= c == 0;
        span.last = j;
    }
    span.end = j;
    if (span.first < 0) span.first = span.last = j;
    return span;
}

/* line_span for a one-byte str whose line is already normalised (most are): its newline found by memchr,
   then eight bytes at a time, no whitespace but single spaces between words. A line that is not (a tab,
   a control character, a double or an edge space) is read again by line_span. */
static Span
clean_span_ucs1(const uint8_t *s, Py_ssize_t start, Py_ssize_t n, int *clean)
{
    const uint8_t *newline = memchr(s + start, '\n', (size_t)(n - start));
    Py_ssize_t end = newline ? newline - s : n, j = start;
    Span span = {end, start, end, 1, 0};
    *clean = end > start && s[start] != ' ' && s[end - 1] != ' ';
    for (; *clean && j + 9 <= end; j += 8) {
        uint64_t v = load_bytes(s + j), next = load_bytes(s + j + 1);
        uint64_t other = ((v - ONES * 0x20) & ~v) | zero_bytes(v ^ (ONES * 0x85)) | zero_bytes(v ^ (ONES * 0xA0));
        uint64_t doubled = zero_bytes(v ^ (ONES * ' ')) & zero_bytes(next ^ (ONES * ' '));
        *clean = ((other & HIGHS) | doubled) == 0;
    }
    for (; *clean && j < end; j++)
        *clean = s[j] >= 0x20 ? s[j] != 0x85 && s[j] != 0xA0 && !(s[j] == ' ' && j + 1 < end && s[j + 1] == ' ')
                              : 0;
    return span;
}

/* Two-byte text (any character past U+00FF, a curly quote, makes the whole dump two-byte: most pages), eight
   characters at a time in a 16-byte vector (GCC/clang vector extensions: SSE2 on x86-64, NEON on arm64). */
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
#define SPLAT16(c) ((u16x8){c, c, c, c, c, c, c, c})

static inline u16x8
load_u16x8(const uint16_t *s)
{
    u16x8 v;
    memcpy(&v, s, sizeof(v));
    return v;
}

static inline int
any_lane(u16x8 v)
{
    uint64_t halves[2];
    memcpy(halves, &v, sizeof(halves));
    return (halves[0] | halves[1]) != 0;
}

/* The lanes holding a character no normalised line holds: the two-byte whitespace of Py_UNICODE_ISSPACE
   but the space, and every control character (those that are no whitespace too: line_span sorts them). */
static inline u16x8
unusual_u16x8(u16x8 v)
{
    return (u16x8)((v < SPLAT16(0x20)) | (v == SPLAT16(0x85)) | (v == SPLAT16(0xA0)) | (v == SPLAT16(0x1680)) |
                   ((u16x8)(v - SPLAT16(0x2000)) < SPLAT16(0x0B)) | (v == SPLAT16(0x2028)) |
                   (v == SPLAT16(0x2029)) | (v == SPLAT16(0x202F)) | (v == SPLAT16(0x205F)) | (v == SPLAT16(0x3000)));
}

static inline int
unusual_u16(uint16_t c)
{
    return c < 0x20 || (c != ' ' && is_space(c));
}

/* clean_span_ucs1 for a two-byte str. `bits` gets the OR of the line's characters (clean lines only): below
   0x100 every character is, and the line is made one-byte, as PyUnicode_Substring would scan to find. */
static Span
clean_span_ucs2(const uint16_t *s, Py_ssize_t start, Py_ssize_t n, int *clean, uint16_t *bits)
{
    Py_ssize_t j = start;
    for (; j + 8 <= n && !any_lane((u16x8)(load_u16x8(s + j) == SPLAT16('\n'))); j += 8) {}
    for (; j < n && s[j] != '\n'; j++) {}
    Py_ssize_t end = j;
    Span span = {end, start, end, 1, 0};
    *clean = end > start && s[start] != ' ' && s[end - 1] != ' ';
    u16x8 all = SPLAT16(0);
    for (j = start; *clean && j + 9 <= end; j += 8) {
        u16x8 v = load_u16x8(s + j), next = load_u16x8(s + j + 1);
        *clean = !any_lane(unusual_u16x8(v) | (u16x8)((v == SPLAT16(' ')) & (next == SPLAT16(' '))));
        all |= v;
    }
    uint16_t tail = 0;
    for (; *clean && j < end; j++) {
        *clean = !unusual_u16(s[j]) && !(s[j] == ' ' && j + 1 < end && s[j + 1] == ' ');
        tail |= s[j];
    }
    for (int k = 0; k < 8; k++) tail |= all[k];
    *bits = tail;
    return span;
}

/* s[first:last] of a two-byte str as a str: one-byte when `bits` (the OR of its characters) says every
   character fits, as PyUnicode_Substring makes it, without its scan for the largest character. */
static PyObject *
ucs2_substring(const uint16_t *s, Py_ssize_t first, Py_ssize_t last, uint16_t bits)
{
    PyObject *line = PyUnicode_New(last - first, bits);
    if (line == NULL) return NULL;
    if (bits < 0x100) {
        Py_UCS1 *to = PyUnicode_1BYTE_DATA(line);
        Py_ssize_t j = first;
        for (; j + 16 <= last; j += 16) {  /* sixteen at a time: packed to bytes (every one is below 0x100) */
            u16x16 wide;
            memcpy(&wide, s + j, sizeof(wide));
            u8x16 narrow = __builtin_convertvector(wide, u8x16);
            memcpy(to + (j - first), &narrow, sizeof(narrow));
        }
        for (; j < last; j++) to[j - first] = (Py_UCS1)s[j];
    } else {
        memcpy(PyUnicode_2BYTE_DATA(line), s + first, (size_t)(last - first) * 2);
    }
    return line;
}

/* split(), and whether a line it read holds a NUL (*nul), for page(). */
static PyObject *
split_text(PyObject *const *args, int *nul)
{
    PyObject *text = args[0];
    Py_ssize_t max_lines = PyLong_Check(args[1]) ? PyLong_AsSsize_t(args[1]) : -1;
    if (max_lines == -1 && PyErr_Occurred()) PyErr_Clear();
    if (!PyUnicode_CheckExact(text) || max_lines < 0) Py_RETURN_NONE;  /* the Python code's slicing rules */
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *lines = PyList_New(0);
    if (lines == NULL) return NULL;
    for (Py_ssize_t start = 0; start <= n && PyList_GET_SIZE(lines) < max_lines;) {
        int clean = 0;
        uint16_t bits = 0;
        Span span = kind == PyUnicode_1BYTE_KIND   ? clean_span_ucs1(data, start, n, &clean)
                    : kind == PyUnicode_2BYTE_KIND ? clean_span_ucs2(data, start, n, &clean, &bits)
                                                   : (Span){0, 0, 0, 0};
#define LINE_SPAN(k) line_span(k, data, start, n)
        if (!clean) span = BY_KIND(kind, LINE_SPAN);
#undef LINE_SPAN
        *nul |= span.nul;
        if (span.first < span.last) {
            PyObject *line = clean && kind == PyUnicode_2BYTE_KIND ? ucs2_substring(data, span.first, span.last, bits)
                             : span.clean ? PyUnicode_Substring(text, span.first, span.last)
                                          : collapsed(kind, data, span.first, span.last);
            if (line == NULL || PyList_Append(lines, line) < 0) {
                Py_XDECREF(line);
                Py_DECREF(lines);
                return NULL;
            }
            Py_DECREF(line);
        }
        start = span.end + 1;
    }
    return lines;
}

static PyObject *
split(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 2, "split(text, max_lines)")) return NULL;
    int nul = 0;
    return split_text(args, &nul);
}

/* ---- rule candidates ------------------------------------------------------------------------------ */

/* A character as str.lower() leaves it for the rare words (ASCII), or 0: nothing else lowers to ASCII
   but U+0130, which rule_categories declines, and the Kelvin sign. */
static inline char
lower_ascii(Py_UCS4 c)
{
    if (c < 128) return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return c == 0x212A ? 'k' : 0;
}

/* Whether a rare word starts at j, compared as str.lower() would leave the line's characters. */
static inline int
needle_at(int kind, const void *data, Py_ssize_t length, Py_ssize_t j, int k)
{
    Py_ssize_t m = cfg.needle_len[k];
    if (j + m > length) return 0;
    Py_ssize_t q = 0;
    while (q < m && lower_ascii(at(kind, data, j + q)) == cfg.needles[k][q]) q++;
    return q == m;
}

SPECIALISED int
has_needle(int kind, const void *data, Py_ssize_t from, Py_ssize_t length)
{
    for (Py_ssize_t j = from; j < length; j++) {
        Py_UCS4 raw = at(kind, data, j);
        if (raw < 128 ? !cfg.needle_start[raw] : raw != 0x212A) continue;
        for (int k = 0; k < cfg.n_needles; k++)
            if (needle_at(kind, data, length, j, k)) return 1;
    }
    return 0;
}

/* has_needle for a one-byte str (nearly every line), sixteen starting positions at a time: the positions
   where a rare word's first three characters stand (ASCII letters in either case) are found for all
   sixteen at once in a vector (GCC/clang vector extensions: SSE2 on x86-64, NEON on arm64), and only
   those are compared in full. Scanning character by character was most of rule_categories(), and eight
   positions at a time in a 64-bit word still half of it. Only ASCII lowers to the words' ASCII in a
   one-byte str. */

static inline u8x16
load_u8x16(const uint8_t *s)
{
    u8x16 v;
    memcpy(&v, s, sizeof(v));
    return v;
}

/* The lanes set (all ones) in a vector of 16 bytes, as bits of a 64-bit word per half, for ctz/clz / 8. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIRST_LANE(bits, lane_bytes) (__builtin_clzll(bits) / (8 * (lane_bytes)))
#else
#define FIRST_LANE(bits, lane_bytes) (__builtin_ctzll(bits) / (8 * (lane_bytes)))
#endif

static int
has_needle_ucs1(const uint8_t *s, Py_ssize_t length)
{
    Py_ssize_t i = 0;
    for (; i + 16 + PREFIX - 1 <= length; i += 16) {
        u8x16 v[PREFIX], found = {0};
        for (int q = 0; q < PREFIX; q++) v[q] = load_u8x16(s + i + q);
        for (int k = 0; k < cfg.n_needles; k++) {
            u8x16 here = ~(u8x16){0};
            for (int q = 0; q < PREFIX && q < cfg.needle_len[k]; q++)
                here &= (u8x16)((v[q] | (uint8_t)cfg.needle_fold[k][q]) == (uint8_t)cfg.needle_char[k][q]);
            found |= here;
        }
        uint64_t halves[2];
        memcpy(halves, &found, sizeof(halves));
        for (int half = 0; half < 2; half++) {
            for (uint64_t bits = halves[half] & HIGHS; bits; bits &= bits - 1) {
                Py_ssize_t j = i + 8 * half + FIRST_LANE(bits, 1);
                for (int k = 0; k < cfg.n_needles; k++)
                    if (needle_at(PyUnicode_1BYTE_KIND, s, length, j, k)) return 1;
            }
        }
    }
    return has_needle(PyUnicode_1BYTE_KIND, s, i, length);
}

/* has_needle_ucs1 for a two-byte str (a line with a curly quote), eight positions at a time; the Kelvin
   sign lowers to 'k' and stands where a needle has one. */
static int
has_needle_ucs2(const uint16_t *s, Py_ssize_t length)
{
    Py_ssize_t i = 0;
    for (; i + 8 + PREFIX - 1 <= length; i += 8) {
        u16x8 v[PREFIX], found = {0};
        for (int q = 0; q < PREFIX; q++) v[q] = load_u16x8(s + i + q);
        for (int k = 0; k < cfg.n_needles; k++) {
            u16x8 here = ~(u16x8){0};
            for (int q = 0; q < PREFIX && q < cfg.needle_len[k]; q++)
                here &= (u16x8)((v[q] | cfg.needle_fold[k][q]) == cfg.needle_char[k][q]) |
                        (u16x8)(v[q] == cfg.needle_stand[k][q]);
            found |= here;
        }
        uint64_t halves[2];
        memcpy(halves, &found, sizeof(halves));
        for (int half = 0; half < 2; half++) {
            for (uint64_t bits = halves[half] & 0x8000800080008000ULL; bits; bits &= bits - 1) {
                Py_ssize_t j = i + 4 * half + FIRST_LANE(bits, 2);
                for (int k = 0; k < cfg.n_needles; k++)
                    if (needle_at(PyUnicode_2BYTE_KIND, s, length, j, k)) return 1;
            }
        }
    }
    return has_needle(PyUnicode_2BYTE_KIND, s, i, length);
}

/* Whether data[from:to] holds every character `need` lists (see Required). */
static int
has_required(int kind, const void *data, Py_ssize_t from, Py_ssize_t to, const Required *need)
{
    for (int k = 0; k < need->n; k++) {
        Py_UCS4 c = need->chars[k];
        if (from >= to) return 0;
        if (kind == PyUnicode_1BYTE_KIND) {
            if (memchr((const Py_UCS1 *)data + from, (int)c, (size_t)(to - from)) == NULL) return 0;
            continue;
        }
        Py_ssize_t j = from;
        while (j < to && at(kind, data, j) != c) j++;
        if (j == to) return 0;
    }
    return 1;
}

/* Whether a regex _line_category tries past the rules anchored at the start can match the line: a rule
   that may match anywhere (when text_category is reached: a closing ending or a rare word, and the line
   short enough), or text mode's caption (a ")" ending, in the last caption_tail characters). 0 leaves the
   line's category to start_category alone, as the Python code would find it. `last` is the line's last
   character; a line ending with whitespace goes to the Python code (text_category reads text.rstrip()). */
static int
anywhere_possible(int kind, const void *data, Py_ssize_t length, Py_UCS4 last, int rare)
{
    if (!pre.ready || is_space(last)) return 1;
    int closing = 0;
    for (int k = 0; k < cfg.n_closers; k++) closing |= last == cfg.closers[k];
    if (length <= cfg.rule_chars && (closing || rare)) {
        for (int k = 0; k < pre.n_anywhere; k++) {
            if ((pre.anywhere[k].closer == 0 || pre.anywhere[k].closer == last) && (rare || !pre.anywhere[k].needs_rare) &&
                has_required(kind, data, 0, length, &pre.anywhere[k].required))
                return 1;
        }
    }
    Py_ssize_t tail = length > cfg.caption_tail ? length - cfg.caption_tail : 0;
    return last == cfg.caption_end && has_required(kind, data, tail, length, &pre.caption);
}

static int
contains_dotted_capital_i(PyObject *line)
{
    return PyUnicode_MAX_CHAR_VALUE(line) >= 0x130 && PyUnicode_FindChar(line, 0x130, 0, PY_SSIZE_T_MAX, 1) >= 0;
}

/* rules.start_category(line), a new reference: the rules its first character can open with, their one regex
   tried at the start, and the category of the rule whose group closed last (the match's lastindex: each
   rule's group encloses its own). The same calls of the same regexes, without a Python frame around them. */
static PyObject *
start_category_of(PyObject *line, Py_UCS4 first)
{
    PyObject *rules = cfg.start_rules[first < 128 ? first : 128];
    if (rules == Py_None) return Py_NewRef(Py_None);
    PyObject *match = PyObject_CallOneArg(PyTuple_GET_ITEM(rules, 0), line);
    if (match == NULL || match == Py_None) return match;
    PyObject *index = PyObject_GetAttr(match, cfg.lastindex);
    Py_DECREF(match);
    if (index == NULL) return NULL;
    Py_ssize_t k = index == Py_None ? -1 : PyLong_AsSsize_t(index);
    Py_DECREF(index);
    if (k == -1 && PyErr_Occurred()) return NULL;
    PyObject *categories = PyTuple_GET_ITEM(rules, 1);
    return Py_NewRef(k >= 0 && k < PyTuple_GET_SIZE(categories) ? PyTuple_GET_ITEM(categories, k) : Py_None);
}

static int
read_start_rules(PyObject *rules)
{
    int ok = PyTuple_CheckExact(rules) && PyTuple_GET_SIZE(rules) == 129;
    for (Py_ssize_t k = 0; ok && k < 129; k++) {
        PyObject *item = PyTuple_GET_ITEM(rules, k);
        ok = item == Py_None || (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2 &&
                                 PyCallable_Check(PyTuple_GET_ITEM(item, 0)) &&
                                 PyTuple_CheckExact(PyTuple_GET_ITEM(item, 1)));
    }
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "start rules: 129 of None or (match, categories by group index)");
        return -1;
    }
    if (cfg.lastindex == NULL && (cfg.lastindex = PyUnicode_InternFromString("lastindex")) == NULL) return -1;
    for (int k = 0; k < 129; k++) Py_XSETREF(cfg.start_rules[k], Py_NewRef(PyTuple_GET_ITEM(rules, k)));
    return 0;
}

static PyObject *
rule_categories(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 1, "rule_categories(lines)")) return NULL;
    if (not_configured(cfg.ready, "copydesk._lines")) return NULL;
    PyObject *lines = args[0];
    if (!PyList_CheckExact(lines)) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_CheckExact(line) || PyUnicode_GET_LENGTH(line) == 0 || contains_dotted_capital_i(line))
            Py_RETURN_NONE;
    }
    PyObject *categories = PyList_New(n), *undecided = PyList_New(0), *rare = PySet_New(NULL);
    if (categories == NULL || undecided == NULL || rare == NULL) goto error;
    for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(categories, i, Py_NewRef(Py_None));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (PyList_GET_SIZE(lines) != n || !PyUnicode_CheckExact(line) || PyUnicode_GET_LENGTH(line) == 0) {
            PyErr_SetString(PyExc_RuntimeError, "rule_categories(): the lines changed during the call");
            goto error;
        }
        int kind = PyUnicode_KIND(line);
        const void *data = PyUnicode_DATA(line);
        Py_ssize_t length = PyUnicode_GET_LENGTH(line);
        Py_UCS4 last = at(kind, data, length - 1);
        /* A rare word only matters to the rules tried on lines up to rule_chars long (_line_category): the
           long lines, most of a page's characters, are not scanned. */
#define HAS_NEEDLE(k) has_needle(k, data, 0, length)
        int needle = length > cfg.rule_chars            ? 0
                     : kind == PyUnicode_1BYTE_KIND ? has_needle_ucs1(data, length)
                     : kind == PyUnicode_2BYTE_KIND ? has_needle_ucs2(data, length)
                                                    : BY_KIND(kind, HAS_NEEDLE);
        int other = last == cfg.caption_end || needle;
#undef HAS_NEEDLE
        for (int k = 0; k < cfg.n_closers && length <= cfg.rule_chars; k++) other |= last == cfg.closers[k];
        other = other && anywhere_possible(kind, data, length, last, needle);
        if (other) {  /* a rule that may match anywhere is in reach: the Python code decides */
            PyObject *index = PyLong_FromSsize_t(i);
            int failed = index == NULL || PyList_Append(undecided, index) < 0 || (needle && PySet_Add(rare, index) < 0);
            Py_XDECREF(index);
            if (failed) goto error;
        } else if (length <= cfg.rule_chars && gate_passes(cfg.start_gate, kind, data, length)) {
            /* else the line's category is start_category's (whose regex is Python: the line held). */
            Py_INCREF(line);
            PyObject *category = start_category_of(line, at(kind, data, 0));
            Py_DECREF(line);
            if (category == NULL) goto error;
            PyList_SetItem(categories, i, category);
        }
    }
    PyObject *result = PyTuple_Pack(3, categories, undecided, rare);
    Py_DECREF(categories);
    Py_DECREF(undecided);
    Py_DECREF(rare);
    return result;
error:
    Py_XDECREF(categories);
    Py_XDECREF(undecided);
    Py_XDECREF(rare);
    return NULL;
}

/* ---- the lexicon ---------------------------------------------------------------------------------- */

/* The lexicon's words, UTF-8, in an open-addressing table: a word is looked up without making a str. It
   is read for every word of every page, often with caches cooled by other work, so a lookup reads one
   slot: the word's first eight bytes, its length and its weight are there (24 bytes), and only the rest
   of a word longer than eight bytes is read elsewhere. A table with one slot and an entry per word read
   two places for each word, and the second was the one waiting on memory.

   A third of a page's words are not in the lexicon, and finding that out in the slots took two or three
   probes, each a branch hard to predict. A byte per slot says first whether it is free or which word could
   be there (seven bits of the hash, Swiss-table style): eight slots are looked at with one load from 8 KB
   that stays in cache, and a slot is read only where the byte matches. */
typedef struct {
    uint64_t head;    /* the word's first eight bytes, zero-padded */
    double value;
    uint32_t length;  /* 0: a free slot (no word is empty) */
    uint32_t offset;  /* of the whole word in `words` */
} Slot;

typedef struct {
    size_t mask;
    Slot *slots;
    char *words;
    uint8_t *control;  /* per slot: 0 free, else 0x80 | the hash's top seven bits; the first 8 repeated after
                          the last, so that eight slots from any one are one load */
} Lexicon;

static inline uint8_t
fingerprint(uint64_t h)
{
    return (uint8_t)(0x80 | (h >> 57));
}

#define LEXICON_CAPSULE "copydesk._lines.Lexicon"

/* Eight bytes from s on (readable: words are kept zero-padded to a multiple of eight). */
static inline uint64_t
load8(const char *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    return v;
}

static inline uint64_t
mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 32);
}

/* A zero-padded word's hash, eight bytes at a time (the table is built and read with it in one process). */
static inline uint64_t
hash_padded(const char *s, Py_ssize_t n)
{
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ULL;
    for (Py_ssize_t i = 0; i < n; i += 8) h = mix(h, load8(s + i));
    return h;
}

/* Any bytes' hash: the same, the tail read byte by byte. */
static inline uint64_t
hash_bytes(const char *s, Py_ssize_t n)
{
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ULL;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) h = mix(h, load8(s + i));
    uint64_t tail = 0;
    for (Py_ssize_t j = 0; i + j < n; j++) tail |= (uint64_t)(uint8_t)s[i + j] << (8 * j);
    return i < n ? mix(h, tail) : h;
}

#define PADDED(n) (((n) + 7) / 8 * 8)

static void
free_table(Lexicon *t)
{
    if (t == NULL) return;
    PyMem_Free(t->slots);
    PyMem_Free(t->words);
    PyMem_Free(t->control);
    PyMem_Free(t);
}

static void
free_lexicon(PyObject *capsule)
{
    free_table(PyCapsule_GetPointer(capsule, LEXICON_CAPSULE));
}

/* The table of a dict of str to float or int, or NULL (an error set, or declined: *declined = 1). */
static Lexicon *
build_table(PyObject *lexicon, int *declined)
{
    Py_ssize_t count = PyDict_GET_SIZE(lexicon), bytes = 0, pos = 0, length;
    PyObject *key, *value;
    double weight = 0;
    *declined = 1;
    while (PyDict_Next(lexicon, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || !as_double(value, &weight)) return NULL;
        if (PyUnicode_AsUTF8AndSize(key, &length) == NULL) {  /* a lone surrogate */
            PyErr_Clear();
            return NULL;
        }
        bytes += PADDED(length);
    }
    if (bytes >= UINT32_MAX || count >= UINT32_MAX) return NULL;
    *declined = 0;
    size_t size = 16;
    while (size < (size_t)count * 2) size <<= 1;
    Lexicon *t = PyMem_Calloc(1, sizeof(Lexicon));
    if (t == NULL || (t->slots = PyMem_Calloc(size, sizeof(Slot))) == NULL ||
        (t->words = PyMem_Calloc((size_t)bytes + 8, 1)) == NULL || (t->control = PyMem_Calloc(size + 8, 1)) == NULL) {
        free_table(t);
        PyErr_NoMemory();
        return NULL;
    }
    t->mask = size - 1;
    Py_ssize_t offset = 0;
    pos = 0;
    while (PyDict_Next(lexicon, &pos, &key, &value)) {
        const char *word = PyUnicode_AsUTF8AndSize(key, &length);
        as_double(value, &weight);
        if (length == 0 || isnan(weight)) continue;  /* no word is empty; NaN: numpy's unknown word */
        char *kept = t->words + offset;  /* zero-padded: the arena is calloc'd */
        memcpy(kept, word, (size_t)length);
        uint64_t h = hash_padded(kept, length);
        size_t slot = (size_t)h & t->mask;
        while (t->slots[slot].length) slot = (slot + 1) & t->mask;
        t->slots[slot] = (Slot){load8(kept), weight, (uint32_t)length, (uint32_t)offset};
        t->control[slot] = fingerprint(h);
        if (slot < 8) t->control[size + slot] = fingerprint(h);
        offset += PADDED(length);
    }
    return t;
}

static PyObject *
lexicon_table(PyObject *self, PyObject *lexicon)
{
    if (!PyDict_CheckExact(lexicon)) Py_RETURN_NONE;
    int declined;
    Lexicon *t = build_table(lexicon, &declined);
    if (t == NULL) {
        if (declined) Py_RETURN_NONE;
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(t, LEXICON_CAPSULE, free_lexicon);
    if (capsule == NULL) free_table(t);
    return capsule;
}

/* The weight of a lower-cased word (UTF-8, zero-padded to a multiple of eight), or NaN when the lexicon
   does not know it. */
static inline double
hashed_word_weight(const Lexicon *t, const char *word, Py_ssize_t length, uint64_t h)
{
    uint64_t head = load8(word), want = ONES * fingerprint(h);
    for (size_t slot = (size_t)h & t->mask;; slot = (slot + 8) & t->mask) {
        uint64_t control = load_bytes(t->control + slot), free = zero_bytes(control);
        /* the slots whose byte matches (one past a free slot holds another word: compared, and passed) */
        for (uint64_t match = zero_bytes(control ^ want); match; match &= match - 1) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            const Slot *e = &t->slots[(slot + __builtin_clzll(match) / 8) & t->mask];
#else
            const Slot *e = &t->slots[(slot + __builtin_ctzll(match) / 8) & t->mask];
#endif
            if (e->head == head && e->length == (uint32_t)length &&
                (length <= 8 || memcmp(t->words + e->offset + 8, word + 8, (size_t)length - 8) == 0))
                return e->value;
        }
        if (free) return NAN;
    }
}

static inline double
word_weight(const Lexicon *t, const char *word, Py_ssize_t length)
{
    return hashed_word_weight(t, word, length, hash_padded(word, length));
}

/* The weight of line[start:end].lower() by str.lower() itself, for the words whose lowering depends on
   more than each character (U+0130 becomes two; a capital sigma reads its neighbours). */
static int
weight_by_str_lower(PyObject *line, Py_ssize_t start, Py_ssize_t end, const Lexicon *t, double *weight)
{
    static PyObject *lower = NULL;
    if (lower == NULL && (lower = PyUnicode_InternFromString("lower")) == NULL) return -1;
    PyObject *word = PyUnicode_Substring(line, start, end);
    if (word == NULL) return -1;
    PyObject *lowered = PyObject_CallMethodNoArgs(word, lower);
    Py_DECREF(word);
    if (lowered == NULL) return -1;
    Py_ssize_t length;
    const char *utf8 = PyUnicode_AsUTF8AndSize(lowered, &length);
    char *padded = utf8 == NULL ? NULL : PyMem_Calloc((size_t)PADDED(length) + 8, 1);
    if (padded != NULL) {
        memcpy(padded, utf8, (size_t)length);
        *weight = word_weight(t, padded, length);
        PyMem_Free(padded);
    } else if (utf8 != NULL) {
        PyErr_NoMemory();
    }
    Py_DECREF(lowered);
    return padded == NULL ? -1 : 0;
}

/* A head's words lower-cased into UTF-8 (str.lower() for every character but U+0130 and U+03A3, see above),
   one after the other, each zero-padded to whole eight-byte chunks for word_weight. Each chunk is made in a
   register and stored whole: read back by the hash as one word after byte-wide stores, it stalled the load
   (store forwarding fails), the costliest instruction of fill(). All of a head's words are kept so that
   their lexicon slots are all asked for (prefetched) before any is read: with caches cooled by other work
   each lookup was a wait on memory, one after the other. */
#define MAX_WORDS (MAX_HEAD / 2 + 1)  /* single spaces between words */
typedef struct {
    uint64_t chunks[(4 * MAX_HEAD) / 8 + MAX_WORDS + 2];
    uint64_t current;  /* the bytes of the chunk being made */
    Py_ssize_t base, length;  /* the current word: its first chunk, its bytes so far */
} Word;

static inline void
word_clear(Word *w)
{
    w->current = 0;
    w->length = 0;
}

static inline void
word_put(Word *w, uint8_t byte)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w->current |= (uint64_t)byte << (56 - 8 * (w->length & 7));
#else
    w->current |= (uint64_t)byte << (8 * (w->length & 7));
#endif
    if ((++w->length & 7) == 0) {
        w->chunks[w->base + w->length / 8 - 1] = w->current;
        w->current = 0;
    }
}

/* The word's bytes, zero-padded (its last chunk stored). */
static inline const char *
word_bytes(Word *w)
{
    w->chunks[w->base + w->length / 8] = w->current;
    return (const char *)(w->chunks + w->base);
}

/* A word of a head, to be weighed once the head is read. */
typedef struct {
    Py_ssize_t base, length, start, end;  /* its chunks and bytes in a Word; where it is in the line */
    uint64_t hash;
    int by_str;  /* weighed by str.lower() (see weight_by_str_lower) */
} PendingWord;

/* The next word goes after this one. */
static inline void
word_next(Word *w)
{
    w->base += w->length / 8 + 1;
    word_clear(w);
}

/* Past ASCII: the lowered character's UTF-8 bytes (out of line: most words never come here). */
static void
word_put_wide(Word *w, Py_UCS4 c)
{
    c = Py_UNICODE_TOLOWER(c);
    if (c < 128) {  /* the Kelvin sign */
        word_put(w, (uint8_t)c);
    } else if (c < 0x800) {
        word_put(w, (uint8_t)(0xC0 | c >> 6));
        word_put(w, (uint8_t)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        word_put(w, (uint8_t)(0xE0 | c >> 12));
        word_put(w, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
        word_put(w, (uint8_t)(0x80 | (c & 0x3F)));
    } else {
        word_put(w, (uint8_t)(0xF0 | c >> 18));
        word_put(w, (uint8_t)(0x80 | ((c >> 12) & 0x3F)));
        word_put(w, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
        word_put(w, (uint8_t)(0x80 | (c & 0x3F)));
    }
}

static inline void
word_put_lowered(Word *w, Py_UCS4 c)
{
    if (c < 128) word_put(w, (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    else word_put_wide(w, c);
}

/* ---- one page's matrix ---------------------------------------------------------------------------- */

typedef struct {
    PyObject *line;  /* NULL: a free slot */
    uint64_t hash;
    Py_ssize_t count;
} Seen;

static inline int
same_text(PyObject *a, PyObject *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    return a == b || (n == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
                      memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0);
}

/* How many times each line occurs on the page (collections.Counter), into `repeats`. */
static int
count_repeats(PyObject *lines, Py_ssize_t n, double *repeats)
{
    size_t size = 16;
    while (size < (size_t)n * 2) size <<= 1;
    Seen *seen = PyMem_Calloc(size, sizeof(Seen));
    size_t *slot_of = PyMem_Malloc((size_t)n * sizeof(size_t));
    if (seen == NULL || slot_of == NULL) {
        PyMem_Free(seen);
        PyMem_Free(slot_of);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        /* Equal str have the same kind and bytes: a hash of their length and of their first and last 16 bytes,
           cheaper than str's own SipHash or a hash of every byte (a chain of multiplications along each line,
           most of the repeat count's time). Lines that share those and differ between are told apart by
           same_text, as any two lines whose hashes collide. */
        Py_ssize_t bytes = PyUnicode_GET_LENGTH(line) * PyUnicode_KIND(line);
        const char *data = (const char *)PyUnicode_DATA(line);
        uint64_t h = bytes <= 32 ? hash_bytes(data, bytes)
                                 : mix(mix(hash_bytes(data, 16), load8(data + bytes - 16)), load8(data + bytes - 8));
        size_t slot = (size_t)h & (size - 1);
        while (seen[slot].line != NULL && !(seen[slot].hash == h && same_text(seen[slot].line, line)))
            slot = (slot + 1) & (size - 1);
        if (seen[slot].line == NULL) seen[slot] = (Seen){line, h, 0};
        seen[slot].count++;
        slot_of[i] = slot;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t count = seen[slot_of[i]].count;
        repeats[i] = (double)(count < cfg.repeat_cap ? count : cfg.repeat_cap);
    }
    PyMem_Free(seen);
    PyMem_Free(slot_of);
    return 0;
}

/* A regex method's verdict on a line: 1 matched, 0 not, -1 error. */
static int
matches(PyObject *method, PyObject *line, Py_ssize_t pos)
{
    PyObject *found;
    if (pos < 0) {
        found = PyObject_CallOneArg(method, line);
    } else {
        PyObject *start = PyLong_FromSsize_t(pos);
        if (start == NULL) return -1;
        PyObject *call[2] = {line, start};
        found = PyObject_Vectorcall(method, call, 2, NULL);
        Py_DECREF(start);
    }
    if (found == NULL) return -1;
    int r = found != Py_None;
    Py_DECREF(found);
    return r;
}

/* Whether a call to action opens the line, as _ACTION.match says it (its words, ignoring case, then a word
   boundary): 1 or 0, or -1 when a character it compared or the one after is past ASCII (which case
   folding or \\b may read otherwise: the regex decides) or no words are configured. */
SPECIALISED int
action_opens(int kind, const void *data, Py_ssize_t length)
{
    Py_UCS4 c = at(kind, data, 0) | 0x20;
    if (actions.n == 0 || c < 'a' || c > 'z') return -1;
    int undecided = 0;
    for (int k = actions.first[c - 'a']; k < actions.first[c - 'a' + 1]; k++) {
        Py_ssize_t n = actions.length[k], j = 0;
        if (n > length) continue;
        for (; j < n; j++) {
            Py_UCS4 d = at(kind, data, j);
            if (d >= 128) break;
            if ((d >= 'A' && d <= 'Z' ? d + 32 : d) != (Py_UCS4)(uint8_t)actions.word[k][j]) break;
        }
        if (j < n) {
            undecided |= at(kind, data, j) >= 128;
            continue;
        }
        if (n == length) return 1;
        Py_UCS4 next = at(kind, data, n);
        if (next >= 128) {
            undecided = 1;
            continue;
        }
        if (!(next == '_' || (next >= '0' && next <= '9') || ((next | 0x20) >= 'a' && (next | 0x20) <= 'z'))) return 1;
    }
    return undecided ? -1 : 0;
}

/* Bits 0-7 of a byte spread into the bytes of a 64-bit word: one addition counts eight classes. */
static uint64_t SPREAD[256];

typedef struct {
    uint64_t packed[2];  /* the class counts, eight bits each (a head is shorter than 256 characters) */
    Py_ssize_t spaces, capital_starts, separator_words, sentence_breaks, hits;
    double lexical;  /* the sum of the known words' weights */
    uint16_t first_bits;
} Head;

static inline double
count_of(const Head *h, int k)
{
    return (double)((h->packed[k / 8] >> (8 * (k % 8))) & 0xFF);
}

/* One pass over the head: class counts, word starts, sentence breaks, each word's weight. 0 declined (see
   the top: whitespace other than single spaces between words, a surrogate), -1 error, 1 done. */
SPECIALISED int
read_head(int kind, const void *data, PyObject *line, Py_ssize_t head_len, const Lexicon *t, Head *h)
{
    Word word;
    PendingWord pending[MAX_WORDS];
    int n_words = 0;
    Py_ssize_t word_start = 0;
    int by_str = 0;  /* the word needs str.lower() */
    Py_UCS4 prev = ' ';  /* before the head: a word starts */
    memset(h, 0, sizeof(*h));
    word.base = 0;
    word_clear(&word);
    for (Py_ssize_t j = 0; j <= head_len; j++) {
        Py_UCS4 c = j < head_len ? at(kind, data, j) : ' ';
        if (c == ' ') {
            if (prev == ' ' || (j == head_len - 1)) return 0;  /* a leading, trailing or double space */
            const char *bytes = word_bytes(&word);
            uint64_t hash = by_str ? 0 : hash_padded(bytes, word.length);
            if (!by_str) __builtin_prefetch(&t->slots[(size_t)hash & t->mask]);
            pending[n_words++] = (PendingWord){word.base, word.length, word_start, j, hash, by_str};
            word_next(&word);
            word_start = j + 1;
            by_str = 0;
            if (j == head_len) break;
            h->spaces++;
            h->sentence_breaks += prev == '.';
        } else {
            /* whitespace and surrogates are of no class (configure() checks): only those are looked at */
            if (class_of(c) == 0 && (is_space(c) || is_surrogate(c))) return 0;
            if (c == 0x130 || c == 0x3A3) by_str = 1;
            word_put_lowered(&word, c);
        }
        uint16_t bits = class_of(c);
        if (prev == ' ') {
            h->capital_starts += (bits & BIT(K_UPPER)) != 0;
            h->separator_words += (bits & BIT(K_SEPARATOR)) != 0;
        }
        if (j == 0) h->first_bits = bits;
        h->packed[0] += SPREAD[bits & 0xFF];
        h->packed[1] += SPREAD[bits >> 8];
        prev = c;
    }
    for (int k = 0; k < n_words; k++) {  /* the weights, summed in the words' order */
        double weight;
        if (!pending[k].by_str)
            weight = hashed_word_weight(t, (const char *)(word.chunks + pending[k].base), pending[k].length,
                                        pending[k].hash);
        else if (weight_by_str_lower(line, pending[k].start, pending[k].end, t, &weight) < 0)
            return -1;
        if (!isnan(weight)) {
            h->lexical += weight;
            h->hits++;
        }
    }
    return 1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ASCII_HEADS 0  /* the chunks below are little-endian: read_head reads every head */
#else
#define ASCII_HEADS 1
#endif

/* Eight ASCII bytes with A-Z made a-z (str.lower() on ASCII), no byte carrying into the next. */
static inline uint64_t
lower8(uint64_t v)
{
    uint64_t low7 = v & ~HIGHS;
    uint64_t above_z = low7 + ONES * (0x7F - 'Z');  /* high bit set where the byte is past 'Z' */
    uint64_t from_a = low7 + ONES * (0x80 - 'A');   /* ... where it is 'A' or past */
    uint64_t upper = from_a & ~above_z & ~v & HIGHS;
    return v | (upper >> 2);
}

/* read_head for a head of printable ASCII (and DEL) with single spaces between its words, about nine heads
   in ten: the same Head, read a word at a time. Each character's class counts come from one table
   (ascii_packed, SPREAD of its classes), and each word's lower-cased chunks are read eight bytes at once
   from a zero-padded copy of the head instead of built a byte at a time. 0: not such a head, read_head
   reads it (and declines it where it declines). */
static uint64_t ascii_packed[128][2];

static int
read_head_ascii(const uint8_t *s, Py_ssize_t head_len, const Lexicon *t, Head *h)
{
    if (!ASCII_HEADS || s[0] == ' ' || s[head_len - 1] == ' ') return 0;
    uint64_t padded[MAX_HEAD / 8 + 2];
    uint64_t chunks[MAX_HEAD / 8 + MAX_WORDS + 2];
    uint8_t space_at[MAX_HEAD];
    PendingWord pending[MAX_WORDS];
    Py_ssize_t n_spaces = 0;
    uint64_t packed0 = 0, packed1 = 0;
    for (Py_ssize_t j = 0; j < head_len; j++) {
        uint8_t c = s[j];
        if ((uint8_t)(c - 0x20) >= 0x60) return 0;  /* a control character or past ASCII */
        packed0 += ascii_packed[c][0];
        packed1 += ascii_packed[c][1];
        space_at[n_spaces] = (uint8_t)j;
        n_spaces += c == ' ';
    }
    padded[head_len / 8] = padded[head_len / 8 + 1] = 0;  /* a word's last chunk reads at most 7 bytes past */
    memcpy(padded, s, (size_t)head_len);
    const uint8_t *b = (const uint8_t *)padded;
    memset(h, 0, sizeof(*h));
    h->packed[0] = packed0;
    h->packed[1] = packed1;
    h->first_bits = class_of(s[0]);
    h->spaces = n_spaces;
    Py_ssize_t base = 0;
    for (Py_ssize_t k = 0, start = 0; k <= n_spaces; k++) {
        Py_ssize_t end = k < n_spaces ? space_at[k] : head_len, length = end - start;
        if (length == 0) return 0;  /* a double space: read_head declines the line */
        uint16_t first = class_of(s[start]);
        h->capital_starts += (first & BIT(K_UPPER)) != 0;
        h->separator_words += (first & BIT(K_SEPARATOR)) != 0;
        if (k < n_spaces) h->sentence_breaks += s[end - 1] == '.';
        /* the word's chunks, lower-cased, the last one zero-padded past the word (as word_bytes leaves it) */
        uint64_t hash = (uint64_t)length * 0x9E3779B97F4A7C15ULL;
        Py_ssize_t n_chunks = (length + 7) / 8;
        for (Py_ssize_t q = 0; q < n_chunks; q++) {
            uint64_t v = lower8(load_bytes(b + start + 8 * q));
            if (q == n_chunks - 1 && (length & 7)) v &= ((uint64_t)1 << (8 * (length & 7))) - 1;
            chunks[base + q] = v;
            hash = mix(hash, v);
        }
        __builtin_prefetch(&t->slots[(size_t)hash & t->mask]);
        pending[k] = (PendingWord){base, length, start, end, hash, 0};
        base += n_chunks;
        start = end + 1;
    }
    for (Py_ssize_t k = 0; k <= n_spaces; k++) {  /* the weights, summed in the words' order */
        double weight = hashed_word_weight(t, (const char *)(chunks + pending[k].base), pending[k].length,
                                           pending[k].hash);
        if (!isnan(weight)) {
            h->lexical += weight;
            h->hits++;
        }
    }
    return 1;
}

/* How many spaces the line has (str.count(" ")). */
SPECIALISED Py_ssize_t
count_spaces(int kind, const void *data, Py_ssize_t length)
{
    Py_ssize_t spaces = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *s = data, *end = s + length;
        while ((s = memchr(s, ' ', (size_t)(end - s))) != NULL) {
            spaces++;
            s++;
        }
        return spaces;
    }
    for (Py_ssize_t j = 0; j < length; j++) spaces += at(kind, data, j) == ' ';
    return spaces;
}

/* A line's own columns, column c at cell[c * stride] (see Columns); 0 declined, -1 error, 1 done. */
static int
fill_row(PyObject *line, PyObject *category, const Lexicon *table, double *cell, Py_ssize_t stride)
{
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line);
    if (length == 0) return 0;
    Py_ssize_t head_len = length;
    if (length > cfg.sample_chars) {
        head_len = cfg.sample_chars;
        while (head_len > 0 && is_space(at(kind, data, head_len - 1))) head_len--;
    }
    if (head_len == 0 || head_len >= MAX_HEAD) return 0;
    Py_UCS4 last = at(kind, data, length - 1), before_last = length > 1 ? at(kind, data, length - 2) : ' ';
    if (is_surrogate(last) || is_surrogate(before_last)) return 0;
    Head h;
#define READ_HEAD(k) read_head(k, data, line, head_len, table, &h)
    int r = kind == PyUnicode_1BYTE_KIND ? read_head_ascii(data, head_len, table, &h) : 0;
    if (r == 0) r = BY_KIND(kind, READ_HEAD);
#undef READ_HEAD
    if (r <= 0) return r;
    /* The head's spaces are counted: only the rest of a long line is read again. */
    const void *rest = (const char *)data + head_len * kind;
#define COUNT_SPACES(k) count_spaces(k, rest, length - head_len)
    double words = (double)(h.spaces + (length > head_len ? BY_KIND(kind, COUNT_SPACES) : 0)) + 1;
#undef COUNT_SPACES
    double sampled = (double)head_len, sampled_words = (double)h.spaces + 1, letters = count_of(&h, K_LETTER);
    int ellipsis = last == 0x2026 || (last == '.' && before_last == '.');
    cell[C_LOG_CHARS * stride] = length < cfg.n_logs ? cfg.log1p[length] : NAN;  /* NaN: see fill() */
    cell[C_WORDS * stride] = words;
    cell[C_TERMINAL * stride] = (class_of(last) & BIT(K_TERMINAL)) && !ellipsis;
    cell[C_ENDS_COLON * stride] = last == ':';
    cell[C_ENDS_ELLIPSIS * stride] = ellipsis;
    cell[C_UPPER_SHARE * stride] = count_of(&h, K_UPPER) / (letters > 1 ? letters : 1);
    cell[C_CAPITALISED_SHARE * stride] = (double)h.capital_starts / sampled_words;
    cell[C_DIGIT_SHARE * stride] = count_of(&h, K_DIGIT) / sampled;
    cell[C_PUNCT_SHARE * stride] = count_of(&h, K_PUNCT) / sampled;
    cell[C_COMMAS * stride] = count_of(&h, K_COMMA);
    cell[C_SENTENCES * stride] = (double)h.sentence_breaks;
    cell[C_SEPARATORS * stride] = (double)h.separator_words;
    cell[C_RULE * stride] = category != Py_None;
    cell[C_BULLET * stride] = (h.first_bits & BIT(K_BULLET)) != 0;
    cell[C_LEXICAL * stride] = h.lexical / (double)(h.hits > 0 ? h.hits : 1);
    cell[C_LEXICAL_COVERAGE * stride] = (double)h.hits / sampled_words;
    cell[C_WORD_LENGTH * stride] = (double)length / words;
    cell[C_LINK_LIKE * stride] = count_of(&h, K_LINK);
    cell[C_COPYRIGHT * stride] = count_of(&h, K_COPYRIGHT);
    cell[C_CURRENCY * stride] = count_of(&h, K_CURRENCY);
    int tag = 0, credit = 0, action = 0;
    Py_ssize_t tail = length > cfg.caption_tail ? length - cfg.caption_tail : 0;
    if (last == ']' && has_required(kind, data, 0, length, &pre.tag) && (tag = matches(cfg.tag_search, line, -1)) < 0)
        return -1;
    if (last == ')' && has_required(kind, data, tail, length, &pre.credit) &&
        (credit = matches(cfg.credit_search, line, tail)) < 0)
        return -1;
    if (words <= (double)cfg.action_words && gate_passes(cfg.action_gate, kind, data, length)) {
        Py_UCS4 first = at(kind, data, 0);
        PyObject *match = cfg.action_match[first < 128 ? first : 128];
#define ACTION_OPENS(k) action_opens(k, data, length)
        action = match == Py_None ? 0 : BY_KIND(kind, ACTION_OPENS);
#undef ACTION_OPENS
        if (action < 0 && (action = matches(match, line, -1)) < 0) return -1;
    }
    cell[C_TAG * stride] = tag;
    cell[C_CREDIT * stride] = credit;
    cell[C_ACTION * stride] = action;
    return 1;
}

/* A page's columns, column-major: each column of FILLED before the context ones is a run of n doubles (one a
   line) with PAD cells either side, `stride` cells from one column's start to the next's. The twenty context
   columns are no copies: their lines are the five columns they read, a line or two over, and the pad cells of
   those five hold the -1.0 read past the page's edges. fill_page() reads and writes whole columns, and the tree
   scorer reads sixteen lines of a column at once (_trees.c's add_leaf_values_by_column): a row-major matrix
   (lines x 60 doubles, most of them written only to be gathered back one by one) cost more than the sums. */
#define PAD 2
typedef struct {
    Py_ssize_t n, stride;
    double *cells;          /* C_CONTEXT columns of `stride` cells */
    const double *of[C_N];  /* column c's first line */
} Columns;

static inline double *
column(const Columns *cols, int c)
{
    return cols->cells + (Py_ssize_t)c * cols->stride + PAD;
}

/* The columns of n lines, uninitialised, their context pointers set; -1 out of memory (an error set). */
static int
columns_new(Columns *cols, Py_ssize_t n)
{
    cols->n = n;
    cols->stride = n + 2 * PAD;
    cols->cells = PyMem_Malloc((size_t)C_CONTEXT * (size_t)cols->stride * sizeof(double));
    if (cols->cells == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int c = 0; c < C_CONTEXT; c++) cols->of[c] = column(cols, c);
    for (int o = 0; o < 4; o++)
        for (int k = 0; k < 5; k++) cols->of[C_CONTEXT + 5 * o + k] = column(cols, CONTEXT_OF[k]) - CONTEXT_OFFSET[o];
    return 0;
}

/* How many of flags[i - radius .. i + radius] are set (none past the page's edges), for each line, divided
   by the window's width into `to`: a count, the same whatever order textmode_features sums in. */
static void
count_means(double *to, const char *flags, Py_ssize_t n, int radius)
{
    const double width = 2 * radius + 1;
    Py_ssize_t count = 0;
    for (Py_ssize_t j = 0; j < radius && j < n; j++) count += flags[j];
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i + radius < n) count += flags[i + radius];
        if (i - radius - 1 >= 0) count -= flags[i - radius - 1];
        to[i] = (double)count / width;
    }
}

/* textmode_features._window_mean of the lexicon column: each window summed from its first line to its last
   (zeros past the edges), line by line in the same order as the Python code's vector additions, so the bits
   are the same. `padded` holds the column with `radius` zeros (at least) on each side. */
static void
sum_means(double *to, const double *padded, Py_ssize_t pad, Py_ssize_t n, int radius)
{
    const double *from = padded + pad - radius;
    for (Py_ssize_t i = 0; i < n; i++) to[i] = 0.0;
    for (int k = 0; k <= 2 * radius; k++)  /* lines outer, window inner would chain every addition */
        for (Py_ssize_t i = 0; i < n; i++) to[i] += from[i + k];
    for (Py_ssize_t i = 0; i < n; i++) to[i] /= (double)(2 * radius + 1);
}

/* textmode_features._running_mean: each window's sum the difference of two running sums of the column (zeros
   past the page's edges, and one before its start), added line by line as np.cumsum adds. `running` holds
   n + 2 * radius + 1 doubles. */
static void
running_means(double *to, const double *values, Py_ssize_t n, int radius, double *running)
{
    double sum = 0.0;
    Py_ssize_t k = 0;
    for (; k <= radius; k++) running[k] = sum;  /* += 0.0 leaves the sum as it is */
    for (Py_ssize_t i = 0; i < n; i++, k++) running[k] = sum += values[i];
    for (Py_ssize_t j = 0; j < radius; j++, k++) running[k] = sum;
    const double width = 2 * radius + 1;
    for (Py_ssize_t i = 0; i < n; i++) to[i] = (running[i + 2 * radius + 1] - running[i]) / width;
}

#define MAX_RADIUS 20  /* of the lexicon windows and the running sums */

/* The columns that read the whole page: position, prose around, windows, runs of short lines, neighbours.
   `logs`: the page is short enough for the log table (else the caller fills log_lines). -1 out of memory. */
static int
fill_page(Columns *cols, const Py_ssize_t *length_of, Py_ssize_t n, int logs)
{
    double *scratch = PyMem_Malloc((size_t)(n + 2 * MAX_RADIUS + 1) * sizeof(double) + 2 * (size_t)n);
    if (scratch == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    double *padded = scratch;
    char *prose = (char *)(padded + n + 2 * MAX_RADIUS + 1), *rule = prose + n;
    const double *word_count = column(cols, C_WORDS), *terminal = column(cols, C_TERMINAL);
    const double *rule_of = column(cols, C_RULE), *lexical = column(cols, C_LEXICAL);
    double max_words = 0, sum_words = 0, total_prose = 0, total_chars = 0;
    Py_ssize_t prose_lines = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double words = word_count[i];
        int is_prose = words >= (double)cfg.prose_words && terminal[i] > 0;
        prose[i] = (char)is_prose;
        rule[i] = rule_of[i] > 0;
        max_words = words > max_words ? words : max_words;
        sum_words += words;
        total_prose += is_prose ? words : 0;
        prose_lines += is_prose;
        total_chars += (double)length_of[i];  /* whole numbers: exact in any order */
    }
    double char_cumulative = 0, cumulative = 0, page_words = max_words > 1.0 ? max_words : 1.0;
    double after_all = total_prose;
    total_prose = total_prose > 1.0 ? total_prose : 1.0;
    const float prose_share = (float)prose_lines / (float)n;
    const double mean_words = sum_words / (double)n;
    double *char_position = column(cols, C_CHAR_POSITION), *log_lines = column(cols, C_LOG_LINES);
    double *position = column(cols, C_POSITION), *vs_max = column(cols, C_WORDS_VS_PAGE_MAX);
    double *before = column(cols, C_PROSE_BEFORE), *after = column(cols, C_PROSE_AFTER);
    double *share = column(cols, C_PAGE_PROSE_SHARE), *mean = column(cols, C_PAGE_MEAN_WORDS);
    for (Py_ssize_t i = 0; i < n; i++) {
        double words = word_count[i], prose_words = prose[i] ? words : 0;
        double chars = (double)length_of[i];
        cumulative += prose_words;
        char_cumulative += chars;
        char_position[i] = (char_cumulative - chars) / total_chars;
        log_lines[i] = logs ? cfg.log1p[n] : 0.0;  /* 0.0: the caller's to fill (see fill()) */
        position[i] = (double)((float)i / (float)n);
        vs_max[i] = words / page_words;
        before[i] = (cumulative - prose_words) / total_prose;
        after[i] = (after_all - cumulative) / total_prose;
        share[i] = (double)prose_share;
        mean[i] = mean_words;
    }
    /* The context columns' reads past the page's edges (see Columns). */
    for (int k = 0; k < 5; k++) {
        double *read = column(cols, CONTEXT_OF[k]);
        for (int j = 1; j <= PAD; j++) read[-j] = read[n - 1 + j] = -1.0;
    }
    count_means(column(cols, C_RULE_WINDOW_3), rule, n, RULE_RADIUS);
    for (int k = 0; k < 3; k++) count_means(column(cols, PROSE_WINDOW[k]), prose, n, PROSE_RADIUS[k]);
    for (Py_ssize_t i = 0; i < MAX_RADIUS; i++) padded[i] = padded[n + MAX_RADIUS + i] = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) padded[MAX_RADIUS + i] = lexical[i];
    for (int k = 0; k < 3; k++) sum_means(column(cols, LEXICAL_WINDOW[k]), padded, MAX_RADIUS, n, LEXICAL_RADIUS[k]);
    /* padded is free again: the running sums */
    running_means(column(cols, C_LEXICAL_WINDOW_20), lexical, n, WIDE_LEXICAL_RADIUS, padded);
    for (int k = 0; k < 2; k++) running_means(column(cols, WORDS_WINDOW[k]), word_count, n, WORDS_RADIUS[k], padded);
    for (int e = 0; e < 3; e++) {  /* the counts before each line, then those after it */
        const double *of = column(cols, EVENT_OF[e]);
        double *before_of = column(cols, EVENT_FIRST[e]), *after_of = column(cols, EVENT_FIRST[e] + 1);
        Py_ssize_t seen = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            before_of[i] = cfg.log1p[seen < EVENT_CAP ? seen : EVENT_CAP];
            seen += of[i] > 0;
        }
        Py_ssize_t later = 0;
        for (Py_ssize_t i = n - 1; i >= 0; i--) {
            after_of[i] = cfg.log1p[later < EVENT_CAP ? later : EVENT_CAP];
            later += of[i] > 0;
        }
    }
    double *short_run = column(cols, C_SHORT_RUN);
    for (Py_ssize_t i = 0; i < n;) {  /* runs of short lines */
        Py_ssize_t end = i;
        while (end < n && word_count[end] <= (double)cfg.short_words) end++;
        Py_ssize_t run = end - i < cfg.short_cap ? end - i : cfg.short_cap;
        for (Py_ssize_t j = i; j < end; j++) short_run[j] = (double)run;
        if (end == i) short_run[end++] = 0.0;
        i = end;
    }
    PyMem_Free(scratch);
    return 0;
}

typedef struct {
    Py_buffer view;
    int held;
} Held;

/* A C-contiguous buffer of `rows` x `cols` items of `format` (cols 0: one dimension). */
static int
hold(PyObject *object, Held *held, const char *format, Py_ssize_t rows, Py_ssize_t cols)
{
    if (PyObject_GetBuffer(object, &held->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) return -1;
    held->held = 1;
    Py_buffer *v = &held->view;
    int ndim = cols ? 2 : 1;
    if (v->ndim != ndim || strcmp(v->format, format) != 0 || v->shape[0] != rows || (cols && v->shape[1] != cols)) {
        PyErr_SetString(PyExc_ValueError, "fill(): an output array of the wrong shape or type");
        return -1;
    }
    return 0;
}

/* The columns of n lines (a list of exactly n str), made by columns_new: 1 done, 2 done but for the log columns
   (a line or the page too long for the log table: see fill), 0 declined, -1 error. */
static int
fill_matrix(PyObject *lines, PyObject *categories, const Lexicon *table, Columns *cols)
{
    Py_ssize_t n = PyList_GET_SIZE(lines);
    int r = 1;
    double *first = column(cols, 0);
    for (Py_ssize_t i = 0; i < n && r == 1; i++)
        r = fill_row(PyList_GET_ITEM(lines, i), PyList_GET_ITEM(categories, i), table, first + i, cols->stride);
    if (r != 1) return r;
    Py_ssize_t *length_of = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    if (length_of == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if ((r = count_repeats(lines, n, column(cols, C_REPEATS))) == 0) {
        int logs = n < cfg.n_logs;
        for (Py_ssize_t i = 0; i < n; i++) {
            length_of[i] = PyUnicode_GET_LENGTH(PyList_GET_ITEM(lines, i));
            logs &= length_of[i] < cfg.n_logs;
        }
        r = fill_page(cols, length_of, n, logs) < 0 ? -1 : logs ? 1 : 2;
    }
    PyMem_Free(length_of);
    return r;
}

/* Whether fill() and scored() take these arguments: lines a non-empty list of str, categories a list as long. */
static int
fillable(PyObject *lines, PyObject *categories)
{
    if (!PyList_CheckExact(lines) || !PyList_CheckExact(categories) ||
        PyList_GET_SIZE(categories) != PyList_GET_SIZE(lines) || PyList_GET_SIZE(lines) == 0)
        return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++)
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(lines, i))) return 0;
    return 1;
}

static PyObject *
fill(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 4, "fill(lines, categories, table, out)")) return NULL;
    if (not_configured(cfg.ready, "copydesk._lines")) return NULL;
    PyObject *lines = args[0], *categories = args[1];
    Lexicon *table = PyCapsule_GetPointer(args[2], LEXICON_CAPSULE);
    if (table == NULL) return NULL;
    if (!fillable(lines, categories)) return PyLong_FromLong(0);
    Held held[1] = {{{0}, 0}};
    Columns cols = {0};
    int r = -1;
    if (hold(args[3], &held[0], "d", PyList_GET_SIZE(lines), cfg.width) == 0 &&
        columns_new(&cols, PyList_GET_SIZE(lines)) == 0 && (r = fill_matrix(lines, categories, table, &cols)) > 0) {
        /* The matrix the Python code makes, row by row, from the columns. */
        double *out = held[0].view.buf;
        for (int c = 0; c < C_N; c++)
            for (Py_ssize_t i = 0; i < cols.n; i++) out[i * cfg.width + cfg.column[c]] = cols.of[c][i];
    }
    PyMem_Free(cols.cells);
    if (held[0].held) PyBuffer_Release(&held[0].view);
    return r < 0 ? NULL : PyLong_FromLong(r);
}

/* ---- the verdicts -------------------------------------------------------------------------------- */

typedef struct {
    const char *buf;
    Py_ssize_t stride;
} Column;

static inline double
value_at(Column c, Py_ssize_t i)
{
    double v;
    memcpy(&v, c.buf + i * c.stride, sizeof(v));
    return v;
}

/* A float64 vector of n values (any stride), held in `view`; 0 when it is something else. */
static int
hold_column(PyObject *object, Py_buffer *view, Py_ssize_t n, Column *column)
{
    if (PyObject_GetBuffer(object, view, PyBUF_STRIDED_RO | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        return 0;
    }
    if (view->ndim != 1 || view->shape[0] != n || view->format == NULL || strcmp(view->format, "d") != 0) {
        PyBuffer_Release(view);
        return 0;
    }
    column->buf = view->buf;
    column->stride = view->strides[0];
    return 1;
}

/* A line's sort key (-p) beside its index: the merges compare keys without a load through the index. */
typedef struct {
    double key;
    Py_ssize_t index;
} Keyed;

#define SORTED_RUN 16  /* runs sorted by insertion before the merges: four passes fewer on a page */

/* Indices 0..n-1 sorted by -p ascending, ties in index order: np.argsort(-p, kind="stable"). A stable sort's
   order is the one order by key then index, whichever stable sort makes it: insertion sort of short runs,
   then bottom-up merges, between `a` and `b` (n each). */
static void
stable_order(Column p, Py_ssize_t n, Py_ssize_t *order, Keyed *a, Keyed *b)
{
    for (Py_ssize_t i = 0; i < n; i++) a[i] = (Keyed){-value_at(p, i), i};
    for (Py_ssize_t lo = 0; lo < n; lo += SORTED_RUN) {
        Py_ssize_t hi = lo + SORTED_RUN < n ? lo + SORTED_RUN : n;
        for (Py_ssize_t i = lo + 1; i < hi; i++) {  /* an earlier line stays first unless strictly larger */
            Keyed x = a[i];
            Py_ssize_t j = i;
            for (; j > lo && x.key < a[j - 1].key; j--) a[j] = a[j - 1];
            a[j] = x;
        }
    }
    for (Py_ssize_t width = SORTED_RUN; width < n; width *= 2) {
        for (Py_ssize_t lo = 0; lo < n; lo += 2 * width) {
            Py_ssize_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            Py_ssize_t l = lo, r = mid, k = lo;
            while (l < mid && r < hi)  /* the right run goes first only when strictly smaller */
                b[k++] = a[r].key < a[l].key ? a[r++] : a[l++];
            while (l < mid) b[k++] = a[l++];
            while (r < hi) b[k++] = a[r++];
        }
        Keyed *swap = a;
        a = b;
        b = swap;
    }
    for (Py_ssize_t i = 0; i < n; i++) order[i] = a[i].index;
}

/* textmode.expected_f1_cut into `kept`; `total` is the sum of p * w in line order. */
static void
f1_cut(Column p, Column w, double total, Py_ssize_t n, char *kept, Py_ssize_t *order, Keyed *scratch)
{
    memset(kept, 0, (size_t)n);
    int any = 0;
    for (Py_ssize_t i = 0; i < n && !any; i++) any = value_at(p, i) * value_at(w, i) != 0.0;
    if (!any) return;
    stable_order(p, n, order, scratch, scratch + n);
    double mass = 0, words = 0, best = 0;
    Py_ssize_t best_at = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t i = order[j];
        mass += value_at(p, i) * value_at(w, i);
        words += value_at(w, i);
        double expected = 2 * mass / (words + total);
        if (isnan(expected)) {  /* np.argmax: the first NaN, if any */
            best_at = j;
            break;
        }
        if (j == 0 || expected > best) {  /* np.argmax: the first of the largest */
            best = expected;
            best_at = j;
        }
    }
    for (Py_ssize_t j = 0; j <= best_at; j++) kept[order[j]] = 1;
}

/* textmode._comment_form_end: -1 on an error. */
static Py_ssize_t
comment_form_end(Column w, PyObject *categories, PyObject *ends, Py_ssize_t n, const char *kept, double *body)
{
    int any = 0, found = 0;
    for (Py_ssize_t i = 0; i < n; i++) any |= kept[i];
    for (Py_ssize_t i = 0; i < n && any && !found; i++) {
        PyObject *category = PyList_GET_ITEM(categories, i);
        if (category != Py_None && (found = PySet_Contains(ends, category)) < 0) return -1;
    }
    if (!found) return n;
    double sum = 0;
    for (Py_ssize_t i = 0; i < n; i++) body[i] = sum += kept[i] ? value_at(w, i) : 0.0;
    double half = 0.5 * body[n - 1];
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *category = PyList_GET_ITEM(categories, i);
        int end = category != Py_None ? PySet_Contains(ends, category) : 0;
        if (end < 0) return -1;
        if (end && body[i] >= half && half > 0) return i + 1;
    }
    return n;
}

static PyObject *
verdicts_of(PyObject *categories, int use_rules, PyObject *dropped, const char *kept, Py_ssize_t n)
{
    PyObject *verdicts = PyList_New(n);
    if (verdicts == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *category = PyList_GET_ITEM(categories, i);
        PyObject *verdict = use_rules && category != Py_None ? category : kept[i] ? Py_None : dropped;
        PyList_SET_ITEM(verdicts, i, Py_NewRef(verdict));
    }
    return verdicts;
}

/* textmode.line_verdicts_python: a new list, Py_None for a NaN (the Python code then), NULL on an error. The
   lines' probability mass is summed in line order, as np.cumsum sums it there. */
static PyObject *
line_verdicts(Column p, Column w, Py_ssize_t n, PyObject *categories, int use_rules, PyObject *ends,
              PyObject *dropped)
{
    if (n <= 0) return PyList_New(0);
    int plain = 1;  /* no NaN: numpy sorts those last, and its argmax stops at one */
    double total = 0;
    for (Py_ssize_t i = 0; i < n && plain; i++) {
        plain = !isnan(value_at(p, i)) && !isnan(value_at(w, i));
        total += value_at(p, i) * value_at(w, i);
    }
    if (!plain) return Py_NewRef(Py_None);
    char *scratch = PyMem_Malloc((size_t)n * (2 * sizeof(Keyed) + sizeof(Py_ssize_t) + sizeof(double) + 1) + 1);
    if (scratch == NULL) return PyErr_NoMemory();
    Keyed *keyed = (Keyed *)scratch;  /* 2n: stable_order's two buffers */
    Py_ssize_t *order = (Py_ssize_t *)(keyed + 2 * n);
    double *body = (double *)(order + n);
    char *kept = (char *)(body + n);
    PyObject *result = NULL;
    f1_cut(p, w, total, n, kept, order, keyed);
    Py_ssize_t end = use_rules ? comment_form_end(w, categories, ends, n, kept, body) : n;
    if (end >= 0) {
        memset(kept + end, 0, (size_t)(n - end));
        result = verdicts_of(categories, use_rules, dropped, kept, n);
    }
    PyMem_Free(scratch);
    return result;
}

static PyObject *
verdicts(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 6, "verdicts(probabilities, words, categories, use_rules, ends, dropped)")) return NULL;
    PyObject *categories = args[2], *ends = args[4], *dropped = args[5];
    int use_rules = PyObject_IsTrue(args[3]);
    if (use_rules < 0) return NULL;
    if (!PyList_CheckExact(categories) || !PyFrozenSet_CheckExact(ends)) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(categories);
    Py_buffer views[2];
    Column p, w;
    if (!hold_column(args[0], &views[0], n, &p)) Py_RETURN_NONE;
    if (!hold_column(args[1], &views[1], n, &w)) {
        PyBuffer_Release(&views[0]);
        Py_RETURN_NONE;
    }
    PyObject *result = line_verdicts(p, w, n, categories, use_rules, ends, dropped);
    PyBuffer_Release(&views[0]);
    PyBuffer_Release(&views[1]);
    return result;
}

/* ---- the whole page --------------------------------------------------------------------------------- */

static const TreesAPI *trees_api;  /* _trees.c's (see _slots.h) */

/* configure_actions(words): the calls to action's words (str, lower-case ASCII letters and spaces, each
   starting and ending with a letter, sorted by first letter); () turns the matching off. */
static PyObject *
configure_actions(PyObject *self, PyObject *words)
{
    if (!PyTuple_Check(words) || PyTuple_GET_SIZE(words) > MAX_ACTIONS) {
        PyErr_SetString(PyExc_ValueError, "configure_actions: a tuple of at most MAX_ACTIONS words");
        return NULL;
    }
    actions.n = 0;
    int n = (int)PyTuple_GET_SIZE(words), letter = 0;
    for (int k = 0; k < n; k++) {
        PyObject *word = PyTuple_GET_ITEM(words, k);
        Py_ssize_t length;
        const char *s = PyUnicode_Check(word) ? PyUnicode_AsUTF8AndSize(word, &length) : NULL;
        if (s == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "configure_actions: words are str");
            return NULL;
        }
        int ok = length > 0 && length < MAX_ACTION && s[0] >= 'a' && s[0] <= 'z' && s[length - 1] >= 'a' &&
                 s[length - 1] <= 'z' && s[0] - 'a' >= letter - 1;
        for (Py_ssize_t j = 0; ok && j < length; j++) ok = (s[j] >= 'a' && s[j] <= 'z') || s[j] == ' ';
        if (!ok) {
            PyErr_SetString(PyExc_ValueError, "configure_actions: lower-case ASCII words, sorted by first letter");
            return NULL;
        }
        while (letter <= s[0] - 'a') actions.first[letter++] = (uint8_t)k;
        memcpy(actions.word[k], s, (size_t)length);
        actions.length[k] = (uint8_t)length;
    }
    while (letter <= 26) actions.first[letter++] = (uint8_t)n;
    actions.n = n;
    Py_RETURN_NONE;
}

static PyObject *
configure_scoring(PyObject *self, PyObject *api)
{
    const TreesAPI *found = PyCapsule_GetPointer(api, TREES_API_CAPSULE);
    if (found == NULL) return NULL;
    trees_api = found;
    Py_RETURN_NONE;
}

/* The model's probability from its raw score: textmode.line_probabilities_python's, libm's exp both ways (an
   overflow is infinity there too). */
static inline double
sigmoid_of(double raw, double sigmoid)
{
    return 1.0 / (1.0 + exp(-sigmoid * raw));
}

/* textmode.mark_repeats: a body line (verdict None) of at least min_chars characters that repeats an earlier
   body line word for word becomes `duplicate`, in place; 0, or -1 on an error. Only lines the page holds more
   than once (their repeat count, column C_REPEATS) are looked up: most pages have none in the body. */
static int
mark_repeats(PyObject *lines, PyObject *verdicts, const double *repeats, Py_ssize_t n, PyObject *duplicate,
             Py_ssize_t min_chars)
{
    PyObject *seen = NULL;
    int status = 0;
    for (Py_ssize_t i = 0; i < n && status == 0; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (repeats[i] < 2 || PyList_GET_ITEM(verdicts, i) != Py_None ||
            PyUnicode_GET_LENGTH(line) < min_chars)
            continue;
        if (seen == NULL && (seen = PySet_New(NULL)) == NULL) return -1;
        int found = PySet_Contains(seen, line);
        if (found < 0 || (!found && PySet_Add(seen, line) < 0))
            status = -1;
        else if (found)
            PyList_SetItem(verdicts, i, Py_NewRef(duplicate));  /* i is in range: the list is n long */
    }
    Py_XDECREF(seen);
    return status;
}

static PyObject *
scored(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 10, "scored(lines, categories, table, model, sigmoid, use_rules, ends, dropped, duplicate,"
                              " min_chars)"))
        return NULL;
    if (!cfg.ready || trees_api == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "copydesk._lines is not configured for scoring");
        return NULL;
    }
    PyObject *lines = args[0], *categories = args[1], *model = args[3], *ends = args[6], *dropped = args[7];
    Lexicon *table = PyCapsule_GetPointer(args[2], LEXICON_CAPSULE);
    if (table == NULL) return NULL;
    int use_rules = PyObject_IsTrue(args[5]);
    if (use_rules < 0) return NULL;
    if (!fillable(lines, categories) || !PyFloat_CheckExact(args[4]) || !PyFrozenSet_CheckExact(ends))
        Py_RETURN_NONE;
    double sigmoid = PyFloat_AS_DOUBLE(args[4]);
    PyObject *duplicate = args[8];  /* None: every copy stays */
    Py_ssize_t min_chars = PyLong_AsSsize_t(args[9]);
    if (min_chars == -1 && PyErr_Occurred()) return NULL;
    if (duplicate != Py_None && !PyUnicode_CheckExact(duplicate)) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(lines), w = cfg.width;
    Columns cols = {0};
    /* raw scores, probabilities, then each of the model's features' column (its first line) */
    double *raw = PyMem_Malloc(2 * (size_t)n * sizeof(double) + (size_t)w * sizeof(double *));
    if (raw == NULL) return PyErr_NoMemory();
    double *p = raw + n;
    const double **feature = (const double **)(p + n);
    PyObject *result = NULL;
    int r = columns_new(&cols, n) < 0 ? -1 : fill_matrix(lines, categories, table, &cols);
    if (r == 1) {
        for (Py_ssize_t f = 0; f < w; f++) feature[f] = NULL;
        for (int c = 0; c < C_N; c++) feature[cfg.column[c]] = cols.of[c];
        for (Py_ssize_t f = 0; f < w && r == 1; f++) r = feature[f] != NULL;  /* a feature fill() never makes */
    }
    if (r == 1) {
        for (Py_ssize_t i = 0; i < n; i++) raw[i] = 0.0;
        if (trees_api->add_leaf_values_by_column(model, feature, n, w, raw) == 0) {
            for (Py_ssize_t i = 0; i < n; i++) p[i] = sigmoid_of(raw[i], sigmoid);
            Column probabilities = {(const char *)p, sizeof(double)};
            Column words = {(const char *)column(&cols, C_WORDS), sizeof(double)};
            result = line_verdicts(probabilities, words, n, categories, use_rules, ends, dropped);
            if (result != NULL && result != Py_None && duplicate != Py_None &&
                mark_repeats(lines, result, column(&cols, C_REPEATS), n, duplicate, min_chars) < 0)
                Py_CLEAR(result);
        }
    } else if (r >= 0) {  /* declined, or past the log table: the Python code */
        result = Py_NewRef(Py_None);
    }
    PyMem_Free(cols.cells);
    PyMem_Free(raw);
    return result;
}

/* The undecided lines' categories, by line_category(line, rare) (textmode_features._line_category), into
   categories; -1 on an error. */
static int
decide(PyObject *lines, PyObject *categories, PyObject *undecided, PyObject *rare, PyObject *line_category)
{
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(undecided); k++) {
        PyObject *index = PyList_GET_ITEM(undecided, k);
        Py_ssize_t i = PyLong_AsSsize_t(index);
        int is_rare = PySet_Contains(rare, index);
        if ((i == -1 && PyErr_Occurred()) || is_rare < 0) return -1;
        PyObject *category = PyObject_CallFunctionObjArgs(line_category, PyList_GET_ITEM(lines, i),
                                                          is_rare ? Py_True : Py_False, NULL);
        if (category == NULL) return -1;
        PyList_SetItem(categories, i, category);  /* i is one of the list's: rule_categories made both */
    }
    return 0;
}

static PyObject *
page(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 12, "page(text, max_lines, line_category, min_model_lines, table, model, sigmoid,"
                              " use_rules, ends, dropped, duplicate, min_chars)"))
        return NULL;
    int nul = 0;
    PyObject *lines = split_text(args, &nul);
    if (lines == NULL || lines == Py_None) return lines;
    /* A NUL is dropped from the text before it is split (textmode.extract_text): not by a scan of the whole
       text per page (for a two-byte str CPython looks for NUL a character at a time), but here, by the
       split's own reading of its lines, which sends the rare page holding one back to be cleaned. */
    if (nul) {
        Py_DECREF(lines);
        Py_RETURN_FALSE;
    }
    PyObject *categories = Py_NewRef(Py_None), *verdicts = Py_NewRef(Py_None), *found = NULL, *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines), min_model_lines = PyLong_AsSsize_t(args[3]);
    if (min_model_lines == -1 && PyErr_Occurred()) goto done;
    if (n > 0 && (found = rule_categories(self, &lines, 1)) == NULL) goto done;
    if (found != NULL && found != Py_None) {
        Py_SETREF(categories, Py_NewRef(PyTuple_GET_ITEM(found, 0)));
        if (decide(lines, categories, PyTuple_GET_ITEM(found, 1), PyTuple_GET_ITEM(found, 2), args[2]) < 0) goto done;
        if (args[4] != Py_None && n >= min_model_lines) {
            PyObject *scoring[10] = {lines, categories, args[4], args[5], args[6], args[7], args[8], args[9], args[10],
                                     args[11]};
            Py_SETREF(verdicts, scored(self, scoring, 10));
            if (verdicts == NULL) goto done;
        }
    }
    result = PyTuple_Pack(3, lines, categories, verdicts);
done:
    Py_DECREF(lines);
    Py_DECREF(categories);
    Py_XDECREF(verdicts);
    Py_XDECREF(found);
    return result;
}

/* ---- the body ----------------------------------------------------------------------------------- */

/* The BodyNode fields body() fills, in textmode._node's order (textmode_features.py checks the names). */
enum { N_KIND, N_TEXT, N_LEVEL, N_ORDERED, N_RENDER, N_MARKDOWN, N_N };
static const char *NODE_FIELDS[N_N] = {"kind", "text", "level", "ordered", "render", "_markdown"};

static struct {
    int ready;
    PyTypeObject *type;
    Py_ssize_t off[N_N];
    PyObject *heading, *paragraph, *level, *zero, *prefix, *caption, *related;
    Py_UCS4 ends[32];  /* rules.SENTENCE_END */
    int n_ends;
    Py_ssize_t heading_spaces;  /* a heading has fewer spaces than this */
} body_cfg;

static int
ends_sentence(Py_UCS4 c)
{
    for (int k = 0; k < body_cfg.n_ends; k++)
        if (c == body_cfg.ends[k]) return 1;
    return 0;
}

/* textmode._node: a heading (no sentence end, few words) or a paragraph, made without the dataclass's
   __init__ (a Python call per body line was most of what the record cost): allocated by its type, each
   field set through its slot as __init__ would set it. */
static PyObject *
body_node(PyObject *line)
{
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line), spaces = 0;
    int heading = !ends_sentence(at(kind, data, length - 1));
    for (Py_ssize_t j = 0; j < length && heading; j++) {
        spaces += at(kind, data, j) == ' ';
        heading = spaces < body_cfg.heading_spaces;
    }
    PyObject *markdown = heading ? PyUnicode_Concat(body_cfg.prefix, line) : Py_NewRef(Py_None);
    PyObject *node = markdown == NULL ? NULL : body_cfg.type->tp_alloc(body_cfg.type, 0);
    if (node == NULL) {
        Py_XDECREF(markdown);
        return NULL;
    }
    PyObject *values[N_N] = {
        heading ? body_cfg.heading : body_cfg.paragraph, line, heading ? body_cfg.level : body_cfg.zero,
        Py_False, Py_None, markdown,
    };
    for (int k = 0; k < N_N; k++)
        *(PyObject **)((char *)node + body_cfg.off[k]) = k == N_MARKDOWN ? markdown : Py_NewRef(values[k]);
    return node;
}

static int
append_index(PyObject *list, Py_ssize_t i)
{
    PyObject *index = PyLong_FromSsize_t(i);
    int r = index == NULL ? -1 : PyList_Append(list, index);
    Py_XDECREF(index);
    return r;
}

/* Lines and verdicts as body(), headline() and parts() take them: two lists of one length. */
static int
paired(PyObject *lines, PyObject *verdicts)
{
    return PyList_CheckExact(lines) && PyList_CheckExact(verdicts) && PyList_GET_SIZE(lines) == PyList_GET_SIZE(verdicts);
}

/* A line body() and headline() read: an exact, non-empty str (what extract_text's lines are); else they
   decline. */
static int
readable_line(PyObject *line)
{
    return PyUnicode_CheckExact(line) && PyUnicode_GET_LENGTH(line) > 0;
}

/* Whether body() reads every line: each readable, its verdict None (BODY) or a str. */
static int
readable_lines(PyObject *lines, PyObject *verdicts)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *verdict = PyList_GET_ITEM(verdicts, i);
        if (!readable_line(PyList_GET_ITEM(lines, i)) || (verdict != Py_None && !PyUnicode_CheckExact(verdict)))
            return 0;
    }
    return 1;
}

/* A verdict is BODY (None) or a str; captions and related lines are told by their names. */
static int
is_named(PyObject *verdict, PyObject *name)
{
    return verdict == name || (PyUnicode_CheckExact(verdict) && same_str(verdict, name));
}

/* body() on lines it has checked (parts() checks them before it marks the headline). */
static PyObject *
body_of(PyObject *lines, PyObject *verdicts)
{
    Py_ssize_t n = PyList_GET_SIZE(lines), start = -1, stop = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyList_GET_ITEM(verdicts, i) == Py_None) {
            start = start < 0 ? i : start;
            stop = i + 1;
        }
    }
    start = start < 0 ? 0 : start;
    PyObject *nodes = PyList_New(0), *captions = PyList_New(0), *related = PyList_New(0), *result = NULL;
    if (nodes == NULL || captions == NULL || related == NULL) goto done;
    for (Py_ssize_t i = start; i < stop; i++) {
        PyObject *verdict = PyList_GET_ITEM(verdicts, i);
        if (verdict == Py_None) {
            PyObject *node = body_node(PyList_GET_ITEM(lines, i));
            int failed = node == NULL || PyList_Append(nodes, node) < 0;
            Py_XDECREF(node);
            if (failed) goto done;
        } else if ((is_named(verdict, body_cfg.caption) && append_index(captions, i) < 0) ||
                   (is_named(verdict, body_cfg.related) && append_index(related, i) < 0)) {
            goto done;
        }
    }
    result = Py_BuildValue("(OnnOO)", nodes, start, stop, captions, related);
done:
    Py_XDECREF(nodes);
    Py_XDECREF(captions);
    Py_XDECREF(related);
    return result;
}

static PyObject *
body(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 2, "body(lines, verdicts)")) return NULL;
    PyObject *lines = args[0], *verdicts = args[1];
    if (!body_cfg.ready || !paired(lines, verdicts) || !readable_lines(lines, verdicts)) Py_RETURN_NONE;
    return body_of(lines, verdicts);
}

static PyObject *
configure_body(PyObject *self, PyObject *args)
{
    PyObject *type, *ends, *heading, *paragraph, *level, *prefix, *caption, *related;
    Py_ssize_t heading_spaces;
    if (!PyArg_ParseTuple(args, "OUnUUO!UUU:configure_body", &type, &ends, &heading_spaces, &heading, &paragraph,
                          &PyLong_Type, &level, &prefix, &caption, &related))
        return NULL;
    body_cfg.ready = 0;
    if (PyUnicode_GET_LENGTH(ends) > 32) {
        PyErr_SetString(PyExc_ValueError, "configure_body(): at most 32 sentence ends");
        return NULL;
    }
    if (slot_offsets(type, NODE_FIELDS, N_N, body_cfg.off, &body_cfg.type) < 0) return NULL;
    if (body_cfg.type->tp_itemsize != 0 || body_cfg.type->tp_alloc == NULL) {
        PyErr_SetString(PyExc_TypeError, "configure_body(): a fixed-size class with slots");
        return NULL;
    }
    body_cfg.n_ends = (int)PyUnicode_GET_LENGTH(ends);
    for (int k = 0; k < body_cfg.n_ends; k++) body_cfg.ends[k] = PyUnicode_READ_CHAR(ends, k);
    body_cfg.heading_spaces = heading_spaces;
    Py_XSETREF(body_cfg.heading, Py_NewRef(heading));
    Py_XSETREF(body_cfg.paragraph, Py_NewRef(paragraph));
    Py_XSETREF(body_cfg.level, Py_NewRef(level));
    if (body_cfg.zero == NULL && (body_cfg.zero = PyLong_FromLong(0)) == NULL) return NULL;
    Py_XSETREF(body_cfg.prefix, Py_NewRef(prefix));
    Py_XSETREF(body_cfg.caption, Py_NewRef(caption));
    Py_XSETREF(body_cfg.related, Py_NewRef(related));
    body_cfg.ready = 1;
    Py_RETURN_NONE;
}

/* ---- the headline and the breadcrumb --------------------------------------------------------------- */

/* textmode.find_title and find_breadcrumb: their loops and shape tests here, and the regexes they try (_HOME,
   _BYLINE, _CRUMB_SEPARATORS) called as they are, by their match and search methods, on the lines whose first
   character those can match (most lines' cannot: see textmode._HOME_FIRST). In Python the two cost more than
   the body's nodes once HTML mode has cooled the caches, as the bench runs them; here a line looked at costs a
   few loads. A breadcrumb line found is read by textmode._crumbs_of itself (one a page at most). */
#define MAX_FIRSTS 16
static struct {
    int ready;
    PyObject *home_match, *byline_match, *separators_search, *crumbs_of, *ellipses, *dropped;
    Py_UCS4 home_first[MAX_FIRSTS], home_second[MAX_FIRSTS], byline_first[MAX_FIRSTS], not_last[MAX_FIRSTS];
    int n_home_first, n_home_second, n_byline_first, n_not_last;
    Py_ssize_t min_words, max_words, prose_words, title_reach, crumb_reach;
} head_cfg;

static int
one_of(Py_UCS4 c, const Py_UCS4 *set, int n)
{
    for (int k = 0; k < n; k++)
        if (c == set[k]) return 1;
    return 0;
}

/* Whether _HOME could match the line: its first two characters are ones the home words' first and second can
   match (a word matches at least four). */
static int
home_possible(int kind, const void *data, Py_ssize_t length)
{
    return length >= 2 && one_of(at(kind, data, 0), head_cfg.home_first, head_cfg.n_home_first) &&
           one_of(at(kind, data, 1), head_cfg.home_second, head_cfg.n_home_second);
}

static int
home_possible_str(PyObject *line)
{
    return home_possible(PyUnicode_KIND(line), PyUnicode_DATA(line), PyUnicode_GET_LENGTH(line));
}

/* line.endswith(textmode._ELLIPSES): 1, 0, or -1 on an error. */
static int
ends_with_ellipsis(PyObject *line)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(head_cfg.ellipses); k++) {
        Py_ssize_t r = PyUnicode_Tailmatch(line, PyTuple_GET_ITEM(head_cfg.ellipses, k), 0, PY_SSIZE_T_MAX, 1);
        if (r != 0) return (int)r;
    }
    return 0;
}

/* textmode._crumb_shaped: 1, 0, or -1 on an error. */
static int
crumb_shaped(PyObject *line)
{
    if (!home_possible_str(line)) return 0;
    int r = matches(head_cfg.home_match, line, -1);
    if (r != 1) return r;
    r = matches(head_cfg.separators_search, line, -1);
    return r != 0 ? r : ends_with_ellipsis(line);
}

/* Whether ". " is in the line. */
SPECIALISED int
has_sentence_break(int kind, const void *data, Py_ssize_t length)
{
    for (Py_ssize_t j = 0; j + 1 < length; j++)
        if (at(kind, data, j) == '.' && at(kind, data, j + 1) == ' ') return 1;
    return 0;
}

/* textmode._headline_shaped: 1, 0, or -1 on an error. */
static int
headline_shaped(PyObject *line)
{
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line);
#define COUNT_ALL(k) count_spaces(k, data, length)
    Py_ssize_t words = BY_KIND(kind, COUNT_ALL) + 1;
#undef COUNT_ALL
    if (words < head_cfg.min_words || words > head_cfg.max_words ||
        one_of(at(kind, data, length - 1), head_cfg.not_last, head_cfg.n_not_last))
        return 0;
#define BREAK(k) has_sentence_break(k, data, length)
    if (BY_KIND(kind, BREAK)) return 0;
#undef BREAK
    int r = ends_with_ellipsis(line);
    if (r != 0) return r < 0 ? -1 : 0;
    Py_UCS4 first = at(kind, data, 0);
    if (one_of(first, head_cfg.byline_first, head_cfg.n_byline_first) &&
        (r = matches(head_cfg.byline_match, line, -1)) != 0)
        return r < 0 ? -1 : 0;
    if (home_possible(kind, data, length) && (r = matches(head_cfg.home_match, line, -1)) != 0)
        return r < 0 ? -1 : 0;
    return 1;
}

/* textmode._next_body: the first body line from `start` on that is no breadcrumb trail, or -1 (none); -2 on an
   error, -3 declined (a line or verdict it does not read). */
static Py_ssize_t
next_body(PyObject *lines, PyObject *verdicts, Py_ssize_t start)
{
    for (Py_ssize_t i = start; i < PyList_GET_SIZE(verdicts); i++) {
        PyObject *verdict = PyList_GET_ITEM(verdicts, i), *line = PyList_GET_ITEM(lines, i);
        if (verdict != Py_None && !PyUnicode_CheckExact(verdict)) return -3;
        if (verdict != Py_None) continue;
        if (!readable_line(line)) return -3;
        int r = crumb_shaped(line);
        if (r < 0) return -2;
        if (r == 0) return i;
    }
    return -1;
}

/* textmode.find_title: its line, -1 (none), -2 on an error, -3 declined. */
static Py_ssize_t
find_title(PyObject *lines, PyObject *verdicts)
{
    Py_ssize_t first = next_body(lines, verdicts, 0);
    if (first < 0) return first;
    int r = headline_shaped(PyList_GET_ITEM(lines, first));
    if (r < 0) return -2;
    if (r) {
        Py_ssize_t second = next_body(lines, verdicts, first + 1);
        if (second < -1) return second;
        if (second >= 0) {
            PyObject *line = PyList_GET_ITEM(lines, second);
            int kind = PyUnicode_KIND(line);
            const void *data = PyUnicode_DATA(line);
            Py_ssize_t length = PyUnicode_GET_LENGTH(line);
#define COUNT_ALL(k) count_spaces(k, data, length)
            if (BY_KIND(kind, COUNT_ALL) + 1 >= head_cfg.prose_words) return first;
#undef COUNT_ALL
        }
    }
    Py_ssize_t stop = first - head_cfg.title_reach - 1 > -1 ? first - head_cfg.title_reach - 1 : -1;
    for (Py_ssize_t i = first - 1; i > stop; i--) {
        PyObject *verdict = PyList_GET_ITEM(verdicts, i), *line = PyList_GET_ITEM(lines, i);
        if (verdict == Py_None) continue;
        if (!PyUnicode_CheckExact(verdict) || !readable_line(line)) return -3;
        if (!same_str(verdict, head_cfg.dropped)) continue;
        if ((r = headline_shaped(line)) < 0) return -2;
        if (r) return i;
    }
    return -1;
}

/* headline() on lists of one length: (title_at, crumb_at, crumbs), None declined, NULL on an error. */
static PyObject *
headline_of(PyObject *lines, PyObject *verdicts)
{
    Py_ssize_t title_at = find_title(lines, verdicts);
    if (title_at == -2) return NULL;
    if (title_at == -3) Py_RETURN_NONE;
    if (title_at < 0) return Py_BuildValue("(OO[])", Py_None, Py_None);
    /* textmode.find_breadcrumb: _crumbs_of finds none in a line _HOME does not match (_HOME is tried twice on the
       rare line it does). */
    PyObject *title = PyList_GET_ITEM(lines, title_at);
    Py_ssize_t stop = title_at - head_cfg.crumb_reach - 1 > -1 ? title_at - head_cfg.crumb_reach - 1 : -1;
    for (Py_ssize_t i = title_at - 1; i > stop; i--) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!readable_line(line)) Py_RETURN_NONE;
        if (!home_possible_str(line)) continue;
        int home = matches(head_cfg.home_match, line, -1);  /* the regex alone: no Python frame for most */
        if (home < 0) return NULL;
        if (home == 0) continue;
        PyObject *crumbs = PyObject_CallFunctionObjArgs(head_cfg.crumbs_of, line, title, NULL);
        int found = crumbs == NULL ? -1 : PyObject_IsTrue(crumbs);
        if (found != 0) {
            PyObject *result = found < 0 ? NULL : Py_BuildValue("(nnO)", title_at, i, crumbs);
            Py_XDECREF(crumbs);
            return result;
        }
        Py_DECREF(crumbs);
    }
    return Py_BuildValue("(nO[])", title_at, Py_None);
}

static PyObject *
headline(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 2, "headline(lines, verdicts)")) return NULL;
    PyObject *lines = args[0], *verdicts = args[1];
    if (!head_cfg.ready || !paired(lines, verdicts)) Py_RETURN_NONE;
    return headline_of(lines, verdicts);
}

/* textmode._parts: headline(), the headline's and the breadcrumb's lines marked in `verdicts` (with `title` and
   `breadcrumb`), then body(): (title_at, crumbs, nodes, captions, related), None for input it leaves to the
   Python code (then verdicts are as they were). One call, not two and the Python around them. */
static PyObject *title_mark, *breadcrumb_mark;

static PyObject *
parts(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 2, "parts(lines, verdicts)")) return NULL;
    PyObject *lines = args[0], *verdicts = args[1];
    /* What body() reads, checked first: once a verdict is marked the page is this call's. */
    if (!head_cfg.ready || !body_cfg.ready || title_mark == NULL || !paired(lines, verdicts) ||
        !readable_lines(lines, verdicts))
        Py_RETURN_NONE;
    PyObject *head = headline_of(lines, verdicts);
    if (head == NULL || head == Py_None) return head;
    PyObject *title_at = PyTuple_GET_ITEM(head, 0), *crumb_at = PyTuple_GET_ITEM(head, 1), *found = NULL;
    if ((title_at != Py_None && PyList_SetItem(verdicts, PyLong_AsSsize_t(title_at), Py_NewRef(title_mark)) < 0) ||
        (crumb_at != Py_None && PyList_SetItem(verdicts, PyLong_AsSsize_t(crumb_at), Py_NewRef(breadcrumb_mark)) < 0) ||
        (found = body_of(lines, verdicts)) == NULL) {
        Py_DECREF(head);
        return NULL;
    }
    PyObject *result = PyTuple_Pack(5, title_at, PyTuple_GET_ITEM(head, 2), PyTuple_GET_ITEM(found, 0),
                                    PyTuple_GET_ITEM(found, 3), PyTuple_GET_ITEM(found, 4));
    Py_DECREF(head);
    Py_DECREF(found);
    return result;
}

/* A str's characters into `set` (at most MAX_FIRSTS); -1 with an error set past that. */
static int
read_chars(PyObject *chars, Py_UCS4 *set, int *n)
{
    if (PyUnicode_GET_LENGTH(chars) > MAX_FIRSTS) {
        PyErr_SetString(PyExc_ValueError, "configure_headline(): at most 16 characters a set");
        return -1;
    }
    *n = (int)PyUnicode_GET_LENGTH(chars);
    for (int k = 0; k < *n; k++) set[k] = PyUnicode_READ_CHAR(chars, k);
    return 0;
}

static PyObject *
configure_headline(PyObject *self, PyObject *args)
{
    PyObject *home_match, *byline_match, *separators_search, *crumbs_of, *ellipses, *dropped, *home_first,
        *home_second, *byline_first, *not_last, *title, *breadcrumb;
    Py_ssize_t min_words, max_words, prose_words, title_reach, crumb_reach;
    if (!PyArg_ParseTuple(args, "OOOOO!UUUUUnnnnnUU:configure_headline", &home_match, &byline_match, &separators_search,
                          &crumbs_of, &PyTuple_Type, &ellipses, &dropped, &home_first, &home_second, &byline_first,
                          &not_last, &min_words, &max_words, &prose_words, &title_reach, &crumb_reach, &title,
                          &breadcrumb))
        return NULL;
    head_cfg.ready = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(ellipses); k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(ellipses, k))) {
            PyErr_SetString(PyExc_TypeError, "configure_headline(): the ellipses are str");
            return NULL;
        }
    }
    if (read_chars(home_first, head_cfg.home_first, &head_cfg.n_home_first) < 0 ||
        read_chars(home_second, head_cfg.home_second, &head_cfg.n_home_second) < 0 ||
        read_chars(byline_first, head_cfg.byline_first, &head_cfg.n_byline_first) < 0 ||
        read_chars(not_last, head_cfg.not_last, &head_cfg.n_not_last) < 0)
        return NULL;
    Py_XSETREF(head_cfg.home_match, Py_NewRef(home_match));
    Py_XSETREF(head_cfg.byline_match, Py_NewRef(byline_match));
    Py_XSETREF(head_cfg.separators_search, Py_NewRef(separators_search));
    Py_XSETREF(head_cfg.crumbs_of, Py_NewRef(crumbs_of));
    Py_XSETREF(head_cfg.ellipses, Py_NewRef(ellipses));
    Py_XSETREF(head_cfg.dropped, Py_NewRef(dropped));
    head_cfg.min_words = min_words;
    head_cfg.max_words = max_words;
    head_cfg.prose_words = prose_words;
    head_cfg.title_reach = title_reach;
    head_cfg.crumb_reach = crumb_reach;
    Py_XSETREF(title_mark, Py_NewRef(title));
    Py_XSETREF(breadcrumb_mark, Py_NewRef(breadcrumb));
    head_cfg.ready = 1;
    Py_RETURN_NONE;
}

/* ---- the record ----------------------------------------------------------------------------------------- */

/* textmode._assembled without `explain` in one call: parts(), then the Article, made as body() makes its nodes,
   without the dataclass's __init__: allocated by its class, each field set through its slot, as __init__ would set
   it (the fields _assembled passes, the others their defaults: a value, or a new list for a list factory). The
   captions and related lines, on the pages that have them, are read by textmode.find_images and find_related.
   Calling the class from here cost more than the Python between the calls it saved (a call from C into Python
   code enters the interpreter anew); this costs neither. */
#define MAX_ARTICLE_FIELDS 64
enum { A_TITLE, A_URL, A_SECTION, A_BREADCRUMB, A_BODY, A_IMAGES, A_RELATED, A_N };
static const char *ARTICLE_GIVEN[A_N] = {"title", "url", "section", "breadcrumb", "body", "images", "related"};
static struct {
    PyTypeObject *type;
    int n;                                /* the class's fields */
    Py_ssize_t off[MAX_ARTICLE_FIELDS];   /* their slots */
    int given[MAX_ARTICLE_FIELDS];        /* which of ARTICLE_GIVEN a field is, or -1: its default */
    PyObject *defaults;                   /* per field: the default, or `list` for a new list */
    PyObject *find_images, *find_related;
} record_cfg;

/* configure_record(article, fields, defaults, find_images, find_related): the Article class, its fields' names in
   order and their defaults (`list`: a new list each), and what reads captions and related lines. */
static PyObject *
configure_record(PyObject *self, PyObject *args)
{
    PyObject *article, *fields, *defaults, *find_images, *find_related;
    if (!PyArg_ParseTuple(args, "OO!O!OO:configure_record", &article, &PyTuple_Type, &fields, &PyTuple_Type,
                          &defaults, &find_images, &find_related))
        return NULL;
    Py_CLEAR(record_cfg.type);
    Py_ssize_t n = PyTuple_GET_SIZE(fields);
    if (n > MAX_ARTICLE_FIELDS || PyTuple_GET_SIZE(defaults) != n) {
        PyErr_SetString(PyExc_ValueError, "configure_record(): a default per field, at most 64 fields");
        return NULL;
    }
    const char *names[MAX_ARTICLE_FIELDS];
    int found[A_N] = {0};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyTuple_GET_ITEM(fields, i);
        if (!PyUnicode_Check(name) || (names[i] = PyUnicode_AsUTF8(name)) == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "configure_record(): field names are str");
            return NULL;
        }
        record_cfg.given[i] = -1;
        for (int k = 0; k < A_N; k++)
            if (strcmp(names[i], ARTICLE_GIVEN[k]) == 0) found[k] = 1, record_cfg.given[i] = k;
    }
    for (int k = 0; k < A_N; k++) {
        if (!found[k]) {
            PyErr_Format(PyExc_TypeError, "configure_record(): the class has no field %s", ARTICLE_GIVEN[k]);
            return NULL;
        }
    }
    PyTypeObject *type = NULL;
    if (slot_offsets(article, names, (int)n, record_cfg.off, &type) < 0) return NULL;
    if (type->tp_itemsize != 0 || type->tp_alloc == NULL) {
        Py_DECREF(type);
        PyErr_SetString(PyExc_TypeError, "configure_record(): a fixed-size class with slots");
        return NULL;
    }
    record_cfg.n = (int)n;
    Py_XSETREF(record_cfg.defaults, Py_NewRef(defaults));
    Py_XSETREF(record_cfg.find_images, Py_NewRef(find_images));
    Py_XSETREF(record_cfg.find_related, Py_NewRef(find_related));
    record_cfg.type = type;
    Py_RETURN_NONE;
}

/* find(lines, indices), or a new empty list when there are no indices (as _assembled skips the call). */
static PyObject *
found_parts(PyObject *find, PyObject *lines, PyObject *indices)
{
    return PyList_GET_SIZE(indices) ? PyObject_CallFunctionObjArgs(find, lines, indices, NULL) : PyList_New(0);
}

/* The Article of these fields (new references taken: NULL ones are errors, and cleared). */
static PyObject *
new_article(PyObject **given)
{
    PyObject *article = NULL;
    for (int k = 0; k < A_N; k++)
        if (given[k] == NULL) goto done;
    if ((article = record_cfg.type->tp_alloc(record_cfg.type, 0)) == NULL) goto done;
    for (int i = 0; i < record_cfg.n; i++) {
        PyObject *fallback = PyTuple_GET_ITEM(record_cfg.defaults, i);
        PyObject *value = record_cfg.given[i] >= 0       ? Py_NewRef(given[record_cfg.given[i]])
                          : fallback == (PyObject *)&PyList_Type ? PyList_New(0)
                                                               : Py_NewRef(fallback);
        if (value == NULL) {
            Py_CLEAR(article);  /* its slots set so far are released with it */
            goto done;
        }
        *(PyObject **)((char *)article + record_cfg.off[i]) = value;
    }
done:
    for (int k = 0; k < A_N; k++) Py_XDECREF(given[k]);
    return article;
}

static PyObject *
record(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 3, "record(lines, verdicts, url)")) return NULL;
    if (record_cfg.type == NULL) Py_RETURN_NONE;
    PyObject *lines = args[0], *got = parts(self, args, 2);
    if (got == NULL || got == Py_None) return got;  /* declined: verdicts untouched */
    PyObject *title_at = PyTuple_GET_ITEM(got, 0), *crumbs = PyTuple_GET_ITEM(got, 1);
    Py_ssize_t n_crumbs = PyList_GET_SIZE(crumbs);
    PyObject *given[A_N] = {
        Py_NewRef(title_at == Py_None ? Py_None : PyList_GET_ITEM(lines, PyLong_AsSsize_t(title_at))),
        Py_NewRef(args[2]),
        Py_NewRef(n_crumbs ? PyList_GET_ITEM(crumbs, n_crumbs - 1) : Py_None),
        Py_NewRef(crumbs),
        Py_NewRef(PyTuple_GET_ITEM(got, 2)),
        found_parts(record_cfg.find_images, lines, PyTuple_GET_ITEM(got, 3)),
        NULL,
    };
    if (given[A_IMAGES] != NULL) given[A_RELATED] = found_parts(record_cfg.find_related, lines, PyTuple_GET_ITEM(got, 4));
    Py_DECREF(got);
    return new_article(given);
}

/* page(), then record() on the lines and verdicts it made: textmode.extract_text's whole record in one call (an
   Article), or what page() gives where record() declines or there are no verdicts, for the Python code to go on
   from. */
static PyObject *
page_record(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 13, "page_record(text, url, max_lines, line_category, min_model_lines, table, model, sigmoid,"
                              " use_rules, ends, dropped, duplicate, min_chars)"))
        return NULL;
    PyObject *page_args[12] = {args[0]};
    for (int k = 1; k < 12; k++) page_args[k] = args[k + 1];
    PyObject *found = page(self, page_args, 12);
    if (found == NULL || !PyTuple_Check(found) || !PyList_Check(PyTuple_GET_ITEM(found, 2))) return found;
    PyObject *record_args[3] = {PyTuple_GET_ITEM(found, 0), PyTuple_GET_ITEM(found, 2), args[1]};
    PyObject *article = record(self, record_args, 3);
    if (article != Py_None) {
        Py_DECREF(found);
        return article;
    }
    Py_DECREF(article);
    return found;
}

/* ---- configuration -------------------------------------------------------------------------------- */

static int
read_gate(PyObject *gate, PyObject **slot)
{
    Py_CLEAR(*slot);
    if (gate == Py_None) return 0;
    Py_ssize_t size = PyBytes_CheckExact(gate) ? PyBytes_GET_SIZE(gate) : 0, rows;
    int ok = size > GATE_PAIRS_BYTES && (size - GATE_PAIRS_BYTES) % GATE_ROW_BYTES == 0;
    if (ok) {
        rows = (size - GATE_PAIRS_BYTES) / GATE_ROW_BYTES;
        const uint8_t *pairs = (const uint8_t *)PyBytes_AS_STRING(gate);
        for (Py_ssize_t k = 0; k < GATE_PAIRS_BYTES && ok; k++) ok = pairs[k] < rows;
    }
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "a gate is None or a pair table and its rows (see prefix_gate)");
        return -1;
    }
    *slot = Py_NewRef(gate);
    return 0;
}

static int
read_classes(PyObject *classes)
{
    Py_buffer table;
    if (PyObject_GetBuffer(classes, &table, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    int ok = table.ndim == 1 && table.shape[0] == BMP && table.itemsize == 2 && strcmp(table.format, "H") == 0;
    if (ok) memcpy(cfg.classes, table.buf, sizeof(cfg.classes));
    PyBuffer_Release(&table);
    /* read_head relies on it: no class for whitespace but the space, nor for surrogates, nor past the BMP */
    for (Py_UCS4 c = 0; c < BMP && ok; c++)
        ok = c == ' ' ? cfg.classes[c] == BIT(K_SPACE) : !(is_space(c) || is_surrogate(c)) || cfg.classes[c] == 0;
    ok = ok && cfg.classes[BMP - 1] == 0;
    if (!ok) PyErr_SetString(PyExc_ValueError, "classes: uint16 of one entry per BMP code point, none for spaces");
    return ok ? 0 : -1;
}

static int
read_logs(PyObject *log1p)
{
    Py_buffer view;
    if (PyObject_GetBuffer(log1p, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    int ok = view.ndim == 1 && strcmp(view.format, "d") == 0 && view.shape[0] > EVENT_CAP;
    double *copy = ok ? PyMem_Malloc((size_t)view.shape[0] * sizeof(double)) : NULL;
    if (copy != NULL) {
        PyMem_Free(cfg.log1p);
        cfg.log1p = copy;
        cfg.n_logs = view.shape[0];
        memcpy(cfg.log1p, view.buf, (size_t)cfg.n_logs * sizeof(double));
    }
    PyBuffer_Release(&view);
    if (!ok) PyErr_SetString(PyExc_ValueError, "log1p: a float64 array past EVENT_CAP");
    else if (copy == NULL) PyErr_NoMemory();
    return ok && copy != NULL ? 0 : -1;
}

static int
read_needles(PyObject *needles)
{
    Py_ssize_t n = PyTuple_GET_SIZE(needles);
    memset(cfg.needle_start, 0, sizeof(cfg.needle_start));
    if (n > MAX_NEEDLES) goto bad;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *s = PyTuple_GET_ITEM(needles, k);
        if (!PyUnicode_CheckExact(s) || !PyUnicode_IS_ASCII(s) || PyUnicode_GET_LENGTH(s) == 0 ||
            PyUnicode_GET_LENGTH(s) >= MAX_NEEDLE)
            goto bad;
        const char *chars = (const char *)PyUnicode_DATA(s);
        for (Py_ssize_t q = 0; q < PyUnicode_GET_LENGTH(s); q++)
            if (chars[q] >= 'A' && chars[q] <= 'Z') goto bad;
        memcpy(cfg.needles[k], chars, (size_t)PyUnicode_GET_LENGTH(s));
        cfg.needle_start[(uint8_t)chars[0]] = 1;
        if (chars[0] >= 'a' && chars[0] <= 'z') cfg.needle_start[chars[0] - 32] = 1;
        cfg.needle_len[k] = PyUnicode_GET_LENGTH(s);
        for (int q = 0; q < PREFIX; q++) {
            uint8_t c = q < cfg.needle_len[k] ? (uint8_t)chars[q] : 0;
            cfg.needle_char[k][q] = c;
            cfg.needle_fold[k][q] = c >= 'a' && c <= 'z' ? 0x20 : 0;  /* 'A' | 0x20 == 'a': letters only */
            cfg.needle_stand[k][q] = c == 'k' ? 0x212A : c;  /* lower_ascii's one other character */
        }
    }
    cfg.n_needles = (int)n;
    return 0;
bad:
    PyErr_SetString(PyExc_ValueError, "needles: a few short lower-case ASCII words");
    return -1;
}

static PyObject *
configure(PyObject *self, PyObject *args)
{
    PyObject *classes, *columns, *start_gate, *action_gate, *tag, *credit, *action, *start, *stand_ins, *stands_for;
    PyObject *closers, *needles;
    PyObject *log1p;
    Py_ssize_t width, caption_end;
    if (!PyArg_ParseTuple(args, "OnO!OOOOOO!OUUUnO!nnnnnnnn:configure", &classes, &width, &PyTuple_Type, &columns,
                          &log1p, &start_gate, &action_gate, &tag, &credit, &PyTuple_Type, &action, &start,
                          &stand_ins, &stands_for, &closers, &caption_end,
                          &PyTuple_Type, &needles, &cfg.sample_chars, &cfg.rule_chars, &cfg.caption_tail,
                          &cfg.action_words, &cfg.prose_words, &cfg.short_words, &cfg.short_cap, &cfg.repeat_cap))
        return NULL;
    cfg.ready = 0;
    if (PyTuple_GET_SIZE(columns) != C_N || PyTuple_GET_SIZE(action) != 129 || PyUnicode_GET_LENGTH(closers) > 8 ||
        cfg.sample_chars >= MAX_HEAD) {
        PyErr_SetString(PyExc_ValueError, "configure(): columns, closers or head length out of range");
        return NULL;
    }
    for (int c = 0; c < C_N; c++) {
        cfg.column[c] = PyLong_AsSsize_t(PyTuple_GET_ITEM(columns, c));
        if (cfg.column[c] < 0 || cfg.column[c] >= width) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "configure(): a column out of range");
            return NULL;
        }
    }
    if (read_classes(classes) < 0 || read_logs(log1p) < 0 || read_start_rules(start) < 0 || read_gate(start_gate, &cfg.start_gate) < 0 ||
        read_gate(action_gate, &cfg.action_gate) < 0 || read_needles(needles) < 0)
        return NULL;
    if (PyUnicode_GET_LENGTH(stand_ins) > 8 || PyUnicode_GET_LENGTH(stands_for) != PyUnicode_GET_LENGTH(stand_ins)) {
        PyErr_SetString(PyExc_ValueError, "configure(): stand-ins and the ASCII they stand for, up to 8");
        return NULL;
    }
    cfg.n_stand_ins = (int)PyUnicode_GET_LENGTH(stand_ins);
    for (int k = 0; k < cfg.n_stand_ins; k++) {
        cfg.stand_in[k] = PyUnicode_READ_CHAR(stand_ins, k);
        cfg.stands_for[k] = PyUnicode_READ_CHAR(stands_for, k) & 127;
    }
    cfg.n_closers = (int)PyUnicode_GET_LENGTH(closers);
    for (int k = 0; k < cfg.n_closers; k++) cfg.closers[k] = PyUnicode_READ_CHAR(closers, k);
    Py_XSETREF(cfg.tag_search, Py_NewRef(tag));
    Py_XSETREF(cfg.credit_search, Py_NewRef(credit));
    for (int k = 0; k < 129; k++) Py_XSETREF(cfg.action_match[k], Py_NewRef(PyTuple_GET_ITEM(action, k)));
    cfg.width = width;
    cfg.caption_end = (Py_UCS4)caption_end;
    for (int c = 0; c < 128; c++) {
        ascii_packed[c][0] = SPREAD[cfg.classes[c] & 0xFF];
        ascii_packed[c][1] = SPREAD[cfg.classes[c] >> 8];
    }
    cfg.ready = 1;
    Py_RETURN_NONE;
}

/* A Required from a str of characters. */
static int
read_required(PyObject *chars, Required *need)
{
    if (!PyUnicode_CheckExact(chars) || PyUnicode_GET_LENGTH(chars) > MAX_REQUIRED) {
        PyErr_SetString(PyExc_ValueError, "required characters: a str of at most 8");
        return -1;
    }
    need->n = (int)PyUnicode_GET_LENGTH(chars);
    for (int k = 0; k < need->n; k++) need->chars[k] = PyUnicode_READ_CHAR(chars, k);
    return 0;
}

static PyObject *
configure_required(PyObject *self, PyObject *args)
{
    PyObject *credit, *tag, *caption, *anywhere;
    if (!PyArg_ParseTuple(args, "UUUO!:configure_required", &credit, &tag, &caption, &PyTuple_Type, &anywhere))
        return NULL;
    /* Read into a copy: until a whole configuration is read, every line goes to the regexes. */
    memset(&pre, 0, sizeof(pre));
    Prefilters read = {0};
    if (PyTuple_GET_SIZE(anywhere) > MAX_ANYWHERE) {
        PyErr_SetString(PyExc_ValueError, "configure_required(): at most 8 rules that may match anywhere");
        return NULL;
    }
    if (read_required(credit, &read.credit) < 0 || read_required(tag, &read.tag) < 0 ||
        read_required(caption, &read.caption) < 0)
        return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(anywhere); k++) {
        PyObject *closer, *required;
        int needs_rare;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(anywhere, k), "UpU:configure_required", &closer, &needs_rare,
                              &required) ||
            read_required(required, &read.anywhere[k].required) < 0)
            return NULL;
        if (PyUnicode_GET_LENGTH(closer) > 1) {
            PyErr_SetString(PyExc_ValueError, "configure_required(): a closer is one character or none");
            return NULL;
        }
        read.anywhere[k].closer = PyUnicode_GET_LENGTH(closer) ? PyUnicode_READ_CHAR(closer, 0) : 0;
        read.anywhere[k].needs_rare = needs_rare;
    }
    read.n_anywhere = (int)PyTuple_GET_SIZE(anywhere);
    read.ready = 1;
    pre = read;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(classes, width, columns, log1p, start_gate, action_gate, tag_search, credit_search,"
     " action_matches, start_rules, stand_ins, stands_for, closers, caption_end, needles, sample_chars, rule_chars, caption_tail, action_words,"
     " prose_words, short_words, short_cap, repeat_cap): textmode_features.py's tables."},
    {"split", (PyCFunction)(void (*)(void))split, METH_FASTCALL,
     "split(text, max_lines) -> list[str] | None: normalise_lines(text)[:max_lines]; None unless text is a str"
     " and max_lines an int of at least 0 (the Python code then)."},
    {"rule_categories", (PyCFunction)(void (*)(void))rule_categories, METH_FASTCALL,
     "rule_categories(lines) -> (categories, undecided, rare) | None: each line's start_category where no other"
     " rule is in reach (None where the gate keeps it from every rule), the indices of the lines left to the"
     " Python code, those holding a rare word; None for lines it leaves to the Python code."},
    {"lexicon_table", lexicon_table, METH_O,
     "lexicon_table(lexicon) -> capsule | None: the lexicon as a C table of UTF-8 words (None: not a dict of"
     " str to float)."},
    {"verdicts", (PyCFunction)(void (*)(void))verdicts, METH_FASTCALL,
     "verdicts(probabilities, words, categories, use_rules, ends, dropped) -> list | None:"
     " textmode.line_verdicts; None for input it leaves to the Python code."},
    {"configure_required", configure_required, METH_VARARGS,
     "configure_required(credit, tag, caption, anywhere): the characters every match of the credit, [TAG] and"
     " caption endings holds, and per rule that may match anywhere (closer or '', needs a rare word, characters);"
     " a line lacking one is not given to the regex. Until it is called every line is."},
    {"configure_actions", configure_actions, METH_O,
     "configure_actions(words): the calls to action's words, lower-case ASCII, sorted by first letter (see"
     " textmode_features._action_words); () leaves every line to the regexes."},
    {"configure_scoring", configure_scoring, METH_O,
     "configure_scoring(api): _trees.C_API, through which scored() scores the lines."},
    {"scored", (PyCFunction)(void (*)(void))scored, METH_FASTCALL,
     "scored(lines, categories, table, model, sigmoid, use_rules, ends, dropped, duplicate, min_chars) -> list |"
     " None: the verdicts of textmode.line_verdicts from the lines' features (fill), the tree model's raw scores"
     " (_trees.c's capsule `model`) and the sigmoid of them, without an array in between, with repeated body"
     " lines of min_chars or more marked `duplicate` (None: left in the body); None for input it leaves to the"
     " Python code."},
    {"page", (PyCFunction)(void (*)(void))page, METH_FASTCALL,
     "page(text, max_lines, line_category, min_model_lines, table, model, sigmoid, use_rules, ends, dropped,"
     " duplicate, min_chars) ->"
     " (lines, categories, verdicts) | None: split, rule_categories (the undecided lines by"
     " line_category(line, rare)) and, with a table (not None) and at least min_model_lines lines, scored, in one"
     " call; categories or verdicts None where those leave the page to the Python code, None where split does."},
    {"configure_record", configure_record, METH_VARARGS,
     "configure_record(article, fields, defaults, find_images, find_related): the Article class, its fields in"
     " order and their defaults (list: a new list each), and what reads captions and related lines."},
    {"record", (PyCFunction)(void (*)(void))record, METH_FASTCALL,
     "record(lines, verdicts, url) -> Article | None: textmode._assembled without explain, from parts() and the"
     " Article class; None (verdicts untouched) for input it leaves to the Python code."},
    {"page_record", (PyCFunction)(void (*)(void))page_record, METH_FASTCALL,
     "page_record(text, url, max_lines, line_category, min_model_lines, table, model, sigmoid, use_rules, ends,"
     " dropped, duplicate, min_chars) -> Article | what page() returns: page(), then record() on its lines and"
     " verdicts; page()'s result where there are none or record() declines."},
    {"configure_body", configure_body, METH_VARARGS,
     "configure_body(node_type, sentence_ends, heading_spaces, heading, paragraph, level, prefix, caption, related):"
     " what textmode._node makes."},
    {"body", (PyCFunction)(void (*)(void))body, METH_FASTCALL,
     "body(lines, verdicts) -> (nodes, start, stop, captions, related) | None: the BodyNode of each body line"
     " (verdict None), the body's span, and the indices of the caption and related lines inside it; None for"
     " input it leaves to the Python code."},
    {"configure_headline", configure_headline, METH_VARARGS,
     "configure_headline(home_match, byline_match, separators_search, crumbs_of, ellipses, dropped, home_first,"
     " home_second, byline_first, not_last, min_words, max_words, prose_words, title_reach, crumb_reach, title,"
     " breadcrumb): what textmode.find_title and find_breadcrumb read, and the verdicts parts() marks."},
    {"parts", (PyCFunction)(void (*)(void))parts, METH_FASTCALL,
     "parts(lines, verdicts) -> (title_at, crumbs, nodes, captions, related) | None: headline(), its lines"
     " marked in verdicts, then body(); None (verdicts untouched) for input it leaves to the Python code."},
    {"headline", (PyCFunction)(void (*)(void))headline, METH_FASTCALL,
     "headline(lines, verdicts) -> (title_at, crumb_at, crumbs) | None: textmode.find_title, and"
     " find_breadcrumb above the headline found (None, []: none); None for input it leaves to the Python code."},
    {"fill", (PyCFunction)(void (*)(void))fill, METH_FASTCALL,
     "fill(lines, categories, table, out) -> int: the columns of FILLED in `out`, and 1; 2 when a line or the"
     " page is too long for the log table, and the log columns are left to the caller; 0 for lines it leaves"
     " to the Python code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "copydesk._lines",
    "copydesk.textmode_features, compiled (see the comment at the top of _lines.c).", -1, methods,
};

PyMODINIT_FUNC
PyInit__lines(void)
{
    for (Py_UCS4 c = 0; c < BMP; c++) BMP_SPACE[c >> 3] |= (uint8_t)(Py_UNICODE_ISSPACE(c) != 0) << (c & 7);
    for (int b = 0; b < 256; b++)
        for (int k = 0; k < 8; k++) SPREAD[b] |= (uint64_t)((b >> k) & 1) << (8 * k);
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (add_names(m, "COUNTED", COUNTED, K_N) < 0 || add_names(m, "FILLED", FILLED, C_N) < 0 ||
        add_names(m, "NODE_FIELDS", NODE_FIELDS, N_N) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
