/*
 * _features.c -- copydesk.features.block_features, compiled: the same float32 matrix, bit for bit.
 *
 * What it is
 * ----------
 * `features.block_features_python` stays the reference implementation and the fallback. `fill()` computes
 * the same columns straight from the slots of the page's PageBlocks, HeuristicView, Block and Element
 * objects (read through the offsets of their member descriptors, looked up once by `configure()`), with
 * no numpy call per column and no attribute lookup per object. features.py uses it only once a probe page
 * has given equal matrices both ways (COPYDESK_PURE_PYTHON=1 turns it off); tests/test_features_compiled.py
 * compares the two on the fixtures, generated pages and edge cases.
 *
 * `page_sums()` and `confidence_sums()` take the sums the page-type row (pagetype.page_sums_python) and
 * the confidence row (confidence.confidence_sums) read, block by block in order, in double: their numpy
 * references sum in the same order (cumsum), so both give the same bits (tests/test_page_sums_compiled.py).
 *
 * The rules stay in Python
 * ------------------------
 * Column positions (features._INDEX), the kinds, the marks with their aliases, the ancestor flag bits,
 * SENTENCE_END, the digit/capital class of every code point of the Basic Multilingual Plane and the head
 * length of the shape columns are passed to `configure()`. This file only names the columns it computes
 * (FILLED, RAW32, RAW64); features.py checks that these and the indicator columns cover FEATURE_NAMES
 * exactly once. Past the BMP a character is a digit when Py_UNICODE_ISDECIMAL says so, which is what
 * `re`'s \d matches, and never a capital (features._UPPER's ranges are all in the BMP).
 *
 * Bit for bit
 * -----------
 * Each value is computed in the types and the order numpy uses in the Python code: float32 columns (link
 * density, weight, 0.3 * chars, the running sum of characters, position) in `float`; float64 ones (shares
 * of int64 arrays, window means, group sums) in `double`, rounded to float once at the end, as numpy's
 * assignment into the float32 matrix does. No expression multiplies and then adds, so a fused
 * multiply-add cannot change a rounding. log1p is numpy's, not libm's (they differ in the last bit on
 * some arguments): fill() writes the logs' arguments to `raw32` / `raw64`, and features.py applies
 * np.log1p to those with the dtypes the Python code uses.
 *
 * What it declines
 * ----------------
 * Anything the walk does not produce -- a subclass in place of a dataclass, an unset slot, a non-int field,
 * an index out of range, an empty block text, a mark that is not a str, a `kept` that is not a set of
 * ints -- makes fill() return False, and the Python code runs (and raises where it raises). With exact
 * str, int and set objects nothing fill() calls can run Python code, so the lists it borrows from the
 * page cannot change under it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#include "_slots.h"

/* ---- configuration ------------------------------------------------------------------------------- */

enum { P_ELEMENTS, P_BLOCKS, P_TOTAL_CHARS, P_TOTAL_PROSE, P_COMMENT_PROSE, P_N };
static const char *PAGE_FIELDS[P_N] = {"elements", "blocks", "total_chars", "total_prose", "comment_prose"};
enum { V_PAGE_MARKS, V_ROOT, V_ROOT_END, V_LISTING, V_KEPT, V_N };
static const char *VIEW_FIELDS[V_N] = {"page_marks", "root", "root_end", "listing", "kept"};
enum { B_TEXT, B_KIND, B_ELEMENT, B_LINK_CHARS, B_LINKS, B_SCORE, B_LEVEL, B_LIST_ELEMENT, B_TABLE, B_QUOTE,
       B_POSITION, B_N };
static const char *BLOCK_FIELDS[B_N] = {"text", "kind", "element", "link_chars", "links", "score", "level",
                                        "list_element", "table", "quote", "position"};
enum { E_PARENT, E_DEPTH, E_CHARS, E_PROSE, E_SHAPE, E_FLAGS, E_MARK, E_N };
static const char *ELEMENT_FIELDS[E_N] = {"parent", "depth", "chars", "prose", "shape", "flags", "mark"};

/* The columns fill() writes in the matrix itself. */
enum {
    C_LINK_DENSITY, C_ANCHOR_CHARS, C_PROSE, C_LEVEL, C_ENDS_SENTENCE, C_DIGIT_SHARE, C_UPPER_SHARE, C_LD_PREV,
    C_LD_NEXT, C_WEIGHT_RATIO, C_WEIGHT_PREV, C_WEIGHT_NEXT, C_POSITION, C_CHAR_POSITION, C_DEPTH,
    C_DEPTH_BELOW_ROOT, C_IN_ROOT, C_HEURISTIC_KEEP, C_LISTING, C_ROOT_SHARE, C_ELEMENT_SHARE,
    C_PARENT_PROSE_SHARE, C_REPEATS, C_RAW_MARK, C_IN_LIST, C_IN_TABLE, C_IN_QUOTE, C_LOCAL_KEEP,
    C_PARENT_PEERS_SHARE, C_COMMENT_PROSE_SHARE, C_N
};
static const char *FILLED[C_N] = {
    "link_density", "anchor_chars", "prose", "level", "ends_sentence", "digit_share", "upper_share", "ld_prev",
    "ld_next", "weight_ratio", "weight_prev", "weight_next", "position", "char_position", "depth",
    "depth_below_root", "in_root", "heuristic_keep", "listing", "root_share", "element_share",
    "parent_prose_share", "repeats", "raw_mark", "in_list", "in_table", "in_quote", "local_keep",
    "parent_peers_share", "comment_prose_share",
};
/* The log columns' arguments, a row per block: float32 ones, then float64 ones (page-wide ones repeated). */
enum { R32_CHARS, R32_CHARS_PREV, R32_CHARS_NEXT, R32_LINKS, R32_N };
static const char *RAW32[R32_N] = {"log_chars", "log_chars_prev", "log_chars_next", "log_links"};
enum { R64_WORDS, R64_PEERS, R64_PARENT_PEERS, R64_PAGE_CHARS, R64_PAGE_PROSE, R64_BLOCKS, R64_OUTSIDE_COMMENTS,
       R64_N };
static const char *RAW64[R64_N] = {"log_words", "log_peers", "log_parent_peers", "log_page_chars",
                                   "log_page_prose", "log_blocks", "log_prose_outside_comments"};

#define MAX_KINDS 16
#define MAX_FLAGS 64
#define MAX_ENDS 64
#define BMP 0x10000
/* Python int / int is correctly rounded; (double)a / (double)b is the same while both are exact doubles. */
#define EXACT_DOUBLE(v) ((v) > -((int64_t)1 << 53) && (v) < ((int64_t)1 << 53))

static struct {
    int ready;
    PyTypeObject *page_type, *view_type, *block_type, *element_type;
    Py_ssize_t page_off[P_N], view_off[V_N], block_off[B_N], element_off[E_N];
    Py_ssize_t width;  /* len(FEATURE_NAMES) */
    Py_ssize_t column[C_N];
    PyObject *kinds[MAX_KINDS];
    Py_ssize_t kind_column[MAX_KINDS];
    int n_kinds;
    PyObject *mark_columns;  /* dict: mark or alias (str) -> column */
    int64_t flag_bit[MAX_FLAGS];
    Py_ssize_t flag_column[MAX_FLAGS];
    int n_flags;
    Py_UCS4 ends[MAX_ENDS];  /* the one-character members of SENTENCE_END */
    int n_ends;
    uint8_t classes[BMP];
    uint8_t digit_bit, upper_bit;
    Py_ssize_t shape_chars;
} cfg;

/* ---- reading the objects ------------------------------------------------------------------------- */


/* The slots of element `index` of the page's list, borrowed; 0 unless it is an Element with all set. */
static inline int
element_slots(PyObject *elements, int64_t index, PyObject **f)
{
    return read_slots(PyList_GET_ITEM(elements, index), cfg.element_type, cfg.element_off, E_N, f);
}

/* ---- one page ------------------------------------------------------------------------------------ */

typedef struct {
    int64_t shape, count;
    double chars;
    int used;
} Group;

typedef struct {
    PyObject *text;  /* NULL: a free slot */
    Py_hash_t hash;
    int64_t count;
} TextCount;

typedef struct {
    PyObject *blocks, *elements, *page_marks, *kept;  /* borrowed from the page and the view */
    Py_ssize_t n, m;
    int64_t total_chars, total_prose, comment_prose, root, root_end;
    int listing;
    float *out, *raw32;
    double *raw64;
    /* scratch, one allocation */
    size_t *group_of;  /* per element: its slot in groups */
    int64_t *chars_of;  /* per element: its characters */
    Group *groups;
    size_t groups_cap;
    TextCount *texts;
    size_t texts_cap;
    size_t *text_of;  /* per block: its slot in texts */
    double *keep_sums;  /* n + 1 prefix sums of heuristic_keep */
    void *arena;
} Page;

static size_t
table_cap(Py_ssize_t items)
{
    size_t cap = 8;
    while (cap < (size_t)items * 2) cap <<= 1;
    return cap;
}

static int
alloc_scratch(Page *p)
{
    p->groups_cap = table_cap(p->m);
    p->texts_cap = table_cap(p->n);
    size_t size = p->m * (sizeof(size_t) + sizeof(int64_t)) + p->n * sizeof(size_t) + (p->n + 1) * sizeof(double) +
                  p->groups_cap * sizeof(Group) + p->texts_cap * sizeof(TextCount);
    char *a = PyMem_Calloc(1, size);
    if (a == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    p->arena = a;
    p->chars_of = (int64_t *)a;  /* (every part a multiple of 8 bytes: all aligned) */
    a += p->m * sizeof(int64_t);
    p->groups = (Group *)a;
    a += p->groups_cap * sizeof(Group);
    p->texts = (TextCount *)a;
    a += p->texts_cap * sizeof(TextCount);
    p->keep_sums = (double *)a;
    a += (p->n + 1) * sizeof(double);
    p->group_of = (size_t *)a;
    a += p->m * sizeof(size_t);
    p->text_of = (size_t *)a;
    return 0;
}

/* The page's and the view's fields; 0 when one is not what the walk and select() make. */
static int
read_page(Page *p, PyObject *page, PyObject *view)
{
    PyObject *pf[P_N], *vf[V_N];
    if (!read_slots(page, cfg.page_type, cfg.page_off, P_N, pf) ||
        !read_slots(view, cfg.view_type, cfg.view_off, V_N, vf))
        return 0;
    p->elements = pf[P_ELEMENTS];
    p->blocks = pf[P_BLOCKS];
    p->page_marks = vf[V_PAGE_MARKS];
    p->kept = vf[V_KEPT];
    if (!PyList_CheckExact(p->elements) || !PyList_CheckExact(p->blocks) || !PyList_CheckExact(p->page_marks) ||
        !PyAnySet_CheckExact(p->kept) || !PyBool_Check(vf[V_LISTING]))
        return 0;
    p->n = PyList_GET_SIZE(p->blocks);
    p->m = PyList_GET_SIZE(p->elements);
    p->listing = vf[V_LISTING] == Py_True;
    if (!as_int64(pf[P_TOTAL_CHARS], &p->total_chars) || !as_int64(pf[P_TOTAL_PROSE], &p->total_prose) ||
        !as_int64(pf[P_COMMENT_PROSE], &p->comment_prose) || !as_int64(vf[V_ROOT], &p->root) ||
        !as_int64(vf[V_ROOT_END], &p->root_end))
        return 0;
    /* (the shares of these are Python int divisions; root indexes numpy arrays, which would wrap it) */
    return EXACT_DOUBLE(p->total_chars) && EXACT_DOUBLE(p->total_prose) && EXACT_DOUBLE(p->comment_prose) &&
           p->root >= 0 && p->root < p->m;
}

/* Groups of elements of equal shape: how many, and their characters summed in element order (as
   np.bincount sums its weights); and every element's characters. */
static int
peer_groups(Page *p)
{
    const size_t mask = p->groups_cap - 1;
    for (Py_ssize_t j = 0; j < p->m; j++) {
        PyObject *f[E_N];
        int64_t shape, chars;
        if (!element_slots(p->elements, j, f) || !as_int64(f[E_SHAPE], &shape) || !as_int64(f[E_CHARS], &chars))
            return 0;
        size_t h = (size_t)(((uint64_t)shape * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
        while (p->groups[h].used && p->groups[h].shape != shape) h = (h + 1) & mask;
        Group *g = &p->groups[h];
        g->used = 1;
        g->shape = shape;
        g->count++;
        g->chars += (double)chars;
        p->chars_of[j] = chars;
        p->group_of[j] = h;
    }
    return 1;
}

/* Counts block i's text (Counter(texts)); -1 on error. */
static int
count_text(Page *p, Py_ssize_t i, PyObject *text)
{
    Py_hash_t hash = PyObject_Hash(text);
    if (hash == -1) return -1;
    const size_t mask = p->texts_cap - 1;
    size_t h = (size_t)hash & mask;
    while (p->texts[h].text != NULL && (p->texts[h].hash != hash || !same_str(p->texts[h].text, text)))
        h = (h + 1) & mask;
    TextCount *t = &p->texts[h];
    t->text = text;
    t->hash = hash;
    t->count++;
    p->text_of[i] = h;
    return 0;
}

typedef struct {
    Py_ssize_t len, spaces, head, digits, upper;
    Py_UCS4 last;
} TextShape;

/* Spaces in a 1-byte text, eight bytes at a time: the loop over long paragraphs was a fifth of fill(). */
static Py_ssize_t
count_spaces_ucs1(const Py_UCS1 *s, Py_ssize_t len)
{
    const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    Py_ssize_t count = 0, k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t x;
        memcpy(&x, s + k, 8);
        x ^= ones * ' ';  /* spaces become zero bytes */
        /* 0x80 exactly in the zero bytes (no carry crosses a byte: the high bits are added apart) */
        uint64_t zero = ~(((x & low7) + low7) | x | low7);
        count += (Py_ssize_t)(((zero >> 7) * ones) >> 56);
    }
    for (; k < len; k++) count += s[k] == ' ';
    return count;
}

/* Spaces in the whole text (for the word count), digits and capitals in its first cfg.shape_chars
   characters (`_shape_columns`), and its last character. */
#define SCAN_TEXT(T)                                                                                    \
    do {                                                                                                \
        const T *s = (const T *)data;                                                                   \
        for (Py_ssize_t k = 0; k < t->head; k++) {                                                      \
            Py_UCS4 c = s[k];                                                                           \
            uint8_t class = c < BMP ? cfg.classes[c] : (Py_UNICODE_ISDECIMAL(c) ? cfg.digit_bit : 0);   \
            t->digits += (class & cfg.digit_bit) != 0;                                                  \
            t->upper += (class & cfg.upper_bit) != 0;                                                   \
        }                                                                                               \
        t->last = s[t->len - 1];                                                                        \
    } while (0)

static void
scan_text(PyObject *text, TextShape *t)
{
    const void *data = PyUnicode_DATA(text);
    memset(t, 0, sizeof(*t));
    t->len = PyUnicode_GET_LENGTH(text);
    t->head = t->len < cfg.shape_chars ? t->len : cfg.shape_chars;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        SCAN_TEXT(Py_UCS1);
        t->spaces = count_spaces_ucs1(data, t->len);
        break;
    case PyUnicode_2BYTE_KIND:
        SCAN_TEXT(Py_UCS2);
        for (Py_ssize_t k = 0; k < t->len; k++) t->spaces += ((const Py_UCS2 *)data)[k] == ' ';
        break;
    default:
        SCAN_TEXT(Py_UCS4);
        for (Py_ssize_t k = 0; k < t->len; k++) t->spaces += ((const Py_UCS4 *)data)[k] == ' ';
        break;
    }
}

static inline int
ends_sentence(Py_UCS4 c)
{
    for (int k = 0; k < cfg.n_ends; k++)
        if (cfg.ends[k] == c) return 1;
    return 0;
}

/* The kind's column; -1 for a kind features.KINDS does not know (the Python code raises KeyError). */
static Py_ssize_t
kind_column(PyObject *kind)
{
    for (int k = 0; k < cfg.n_kinds; k++)
        if (kind == cfg.kinds[k]) return cfg.kind_column[k];  /* the walk's kinds are interned */
    if (!PyUnicode_CheckExact(kind)) return -1;
    for (int k = 0; k < cfg.n_kinds; k++)
        if (same_str(kind, cfg.kinds[k])) return cfg.kind_column[k];
    return -1;
}

/* The mark's column, or -1 for none (no believed mark, or one outside MARKS); -2 on error. */
static Py_ssize_t
mark_column(PyObject *mark)
{
    if (mark == Py_None) return -1;
    PyObject *column = PyDict_GetItemWithError(cfg.mark_columns, mark);
    if (column == NULL) return PyErr_Occurred() ? -2 : -1;
    return PyLong_AsSsize_t(column);  /* checked in range by configure() */
}

typedef struct {
    int64_t depth;
    float share;
} Root;

/* Block i's own columns (the ones that do not look at its neighbours): 1, 0 to decline, -1 on error. */
static int
block_row(Page *p, Py_ssize_t i, const Root *root, float *running)
{
    PyObject *f[B_N];
    if (!read_slots(PyList_GET_ITEM(p->blocks, i), cfg.block_type, cfg.block_off, B_N, f)) return 0;
    PyObject *text = f[B_TEXT];
    if (!PyUnicode_CheckExact(text) || PyUnicode_GET_LENGTH(text) == 0) return 0;
    int64_t link_chars, links, id, level, list_element, table, quote;
    double score;
    if (!as_int64(f[B_LINK_CHARS], &link_chars) || !as_int64(f[B_LINKS], &links) || !as_int64(f[B_ELEMENT], &id) ||
        !as_int64(f[B_LEVEL], &level) || !as_int64(f[B_LIST_ELEMENT], &list_element) ||
        !as_int64(f[B_TABLE], &table) || !as_int64(f[B_QUOTE], &quote) || !as_double(f[B_SCORE], &score))
        return 0;
    PyObject *own[E_N], *parent[E_N];
    int64_t up, depth_of, flags, parent_prose;
    if (id < 0 || id >= p->m || id >= PyList_GET_SIZE(p->page_marks) || !element_slots(p->elements, id, own) ||
        !as_int64(own[E_PARENT], &up) || !as_int64(own[E_DEPTH], &depth_of) || !as_int64(own[E_FLAGS], &flags))
        return 0;
    int64_t parent_id = up >= 0 ? up : id;
    if (parent_id >= p->m || !element_slots(p->elements, parent_id, parent) ||
        !as_int64(parent[E_PROSE], &parent_prose))
        return 0;
    PyObject *mark = PyList_GET_ITEM(p->page_marks, id);
    if (mark != Py_None && !PyUnicode_CheckExact(mark)) return 0;
    Py_ssize_t kind = kind_column(f[B_KIND]), marked = mark_column(mark);
    if (kind < 0) return 0;
    if (marked == -2 || count_text(p, i, text) < 0) return -1;
    TextShape shape;
    scan_text(text, &shape);

    float *row = p->out + i * cfg.width, *raw32 = p->raw32 + i * R32_N;
    double *raw64 = p->raw64 + i * R64_N;
    const Py_ssize_t *col = cfg.column;
    /* the block fields pass through a float64 array, the element fields through int64 ones */
    float chars = (float)(double)shape.len, lc = (float)(double)link_chars, lk = (float)(double)links;
    float depth = (float)depth_of;
    int in_root = id >= p->root && id < p->root_end;
    double parent_chars = (double)(p->chars_of[parent_id] > 1 ? p->chars_of[parent_id] : 1);
    int64_t page_chars = p->total_chars > 1 ? p->total_chars : 1;
    const Group *peers = &p->groups[p->group_of[id]];
    const Group *parent_peers = &p->groups[p->group_of[up > 0 ? up : 0]];

    raw32[R32_CHARS] = chars;
    raw32[R32_LINKS] = lk;
    raw64[R64_WORDS] = (double)(shape.spaces + 1);
    raw64[R64_PEERS] = (double)peers->count;
    raw64[R64_PARENT_PEERS] = (double)parent_peers->count;
    raw64[R64_PAGE_CHARS] = (double)p->total_chars;
    raw64[R64_PAGE_PROSE] = (double)p->total_prose;
    raw64[R64_BLOCKS] = (double)p->n;
    raw64[R64_OUTSIDE_COMMENTS] = (double)(p->total_prose - p->comment_prose);

    row[col[C_LINK_DENSITY]] = lc / chars;
    row[col[C_ANCHOR_CHARS]] = lk > 0 ? lc / lk : 0.0f;
    row[col[C_PROSE]] = (chars - lc >= 60.0f) && (lc <= 0.3f * chars);
    row[col[C_LEVEL]] = (float)(double)level;
    row[col[C_ENDS_SENTENCE]] = ends_sentence(shape.last);
    row[col[C_DIGIT_SHARE]] = (float)((double)shape.digits / (double)shape.head);
    row[col[C_UPPER_SHARE]] = (float)((double)shape.upper / (double)shape.head);
    row[col[C_WEIGHT_RATIO]] = (float)score / chars;
    row[col[C_POSITION]] = (float)i / (float)p->n;
    *running += chars;  /* np.cumsum(chars) - chars, in float32 */
    row[col[C_CHAR_POSITION]] = (*running - chars) / (float)page_chars;
    row[col[C_DEPTH]] = depth;
    /* float32 depth minus an int64 scalar: numpy computes that in float64 */
    row[col[C_DEPTH_BELOW_ROOT]] = in_root ? (float)((double)depth - (double)root->depth) : -1.0f;
    row[col[C_IN_ROOT]] = in_root;
    row[col[C_LISTING]] = p->listing;
    row[col[C_ROOT_SHARE]] = root->share;
    row[col[C_ELEMENT_SHARE]] = (float)((double)p->chars_of[id] / parent_chars);
    row[col[C_PARENT_PROSE_SHARE]] = (float)((double)parent_prose / parent_chars);
    row[col[C_RAW_MARK]] = own[E_MARK] != Py_None;
    row[col[C_IN_LIST]] = list_element >= 0;
    row[col[C_IN_TABLE]] = table >= 0;
    row[col[C_IN_QUOTE]] = quote >= 0;
    row[col[C_PARENT_PEERS_SHARE]] = (float)(parent_peers->chars / (double)page_chars);
    row[col[C_COMMENT_PROSE_SHARE]] =
        (float)((double)p->comment_prose / (double)(p->total_prose > 1 ? p->total_prose : 1));
    row[kind] = 1.0f;
    if (marked >= 0) row[marked] = 1.0f;
    for (int k = 0; k < cfg.n_flags; k++)
        if (flags & cfg.flag_bit[k]) row[cfg.flag_column[k]] = 1.0f;
    return 1;
}

/* heuristic_keep from the kept positions (numpy's indexing: negative ones count from the end). */
static int
mark_kept(Page *p)
{
    PyObject *it = PyObject_GetIter(p->kept), *item;
    if (it == NULL) return -1;
    int ok = 1;
    while (ok && (item = PyIter_Next(it)) != NULL) {
        int64_t at;
        ok = PyLong_CheckExact(item) && as_int64(item, &at) && at >= -p->n && at < p->n;
        if (ok) p->out[(at < 0 ? at + p->n : at) * cfg.width + cfg.column[C_HEURISTIC_KEEP]] = 1.0f;
        Py_DECREF(item);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : ok;
}

/* The columns that look at other blocks: neighbours (edges repeating themselves), the keep window, repeats. */
static void
neighbour_columns(Page *p)
{
    const Py_ssize_t *col = cfg.column, n = p->n, w = cfg.width;
    float *out = p->out, *raw32 = p->raw32;
    float sum = 0.0f;  /* np.cumsum of the float32 keep column */
    p->keep_sums[0] = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        sum += out[i * w + col[C_HEURISTIC_KEEP]];
        p->keep_sums[i + 1] = (double)sum;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t prev = i > 0 ? i - 1 : 0, next = i + 1 < n ? i + 1 : n - 1;
        Py_ssize_t low = i >= 2 ? i - 2 : 0, high = i + 3 < n ? i + 3 : n;
        float *row = out + i * w;
        row[col[C_LD_PREV]] = out[prev * w + col[C_LINK_DENSITY]];
        row[col[C_LD_NEXT]] = out[next * w + col[C_LINK_DENSITY]];
        row[col[C_WEIGHT_PREV]] = out[prev * w + col[C_WEIGHT_RATIO]];
        row[col[C_WEIGHT_NEXT]] = out[next * w + col[C_WEIGHT_RATIO]];
        raw32[i * R32_N + R32_CHARS_PREV] = raw32[prev * R32_N + R32_CHARS];
        raw32[i * R32_N + R32_CHARS_NEXT] = raw32[next * R32_N + R32_CHARS];
        row[col[C_LOCAL_KEEP]] = (float)((p->keep_sums[high] - p->keep_sums[low]) / (double)(high - low));
        row[col[C_REPEATS]] = (float)p->texts[p->text_of[i]].count;
    }
}

static int
fill_page(Page *p)
{
    memset(p->out, 0, p->n * cfg.width * sizeof(float));
    int r = peer_groups(p);
    if (r <= 0) return r;
    PyObject *f[E_N];
    int64_t depth, chars = p->chars_of[p->root], page_chars = p->total_chars > 1 ? p->total_chars : 1;
    if (!element_slots(p->elements, p->root, f) || !as_int64(f[E_DEPTH], &depth)) return 0;
    Root root = {depth, (float)((double)chars / (double)page_chars)};
    float running = 0.0f;
    for (Py_ssize_t i = 0; i < p->n; i++)
        if ((r = block_row(p, i, &root, &running)) <= 0) return r;
    if ((r = mark_kept(p)) <= 0) return r;
    neighbour_columns(p);
    return 1;
}

/* ---- buffers ------------------------------------------------------------------------------------- */

typedef struct {
    Py_buffer view;
    int held;
} Held;

/* A writable C-contiguous 2-D array of `format` with `rows` x `cols` items. */
static int
hold(PyObject *object, Held *held, const char *format, Py_ssize_t itemsize, Py_ssize_t rows, Py_ssize_t cols)
{
    if (PyObject_GetBuffer(object, &held->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) return -1;
    held->held = 1;
    Py_buffer *v = &held->view;
    if (v->itemsize != itemsize || v->format == NULL || strcmp(v->format, format) != 0 || v->ndim != 2 ||
        v->shape[0] != rows || v->shape[1] != cols) {
        PyErr_Format(PyExc_ValueError, "a (%zd, %zd) array of type '%s' expected", rows, cols, format);
        return -1;
    }
    return 0;
}

/* fill(page, view, out, raw32, raw64) -> bool */
static PyObject *
fill(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (wrong_call(nargs, 5, "fill(page, view, out, raw32, raw64)")) return NULL;
    if (not_configured(cfg.ready, "copydesk._features")) return NULL;
    Page p = {0};
    if (!read_page(&p, args[0], args[1])) Py_RETURN_FALSE;
    Held held[3] = {{{0}}};
    int r = -1;
    if (hold(args[2], &held[0], "f", 4, p.n, cfg.width) == 0 && hold(args[3], &held[1], "f", 4, p.n, R32_N) == 0 &&
        hold(args[4], &held[2], "d", 8, p.n, R64_N) == 0 && alloc_scratch(&p) == 0) {
        p.out = held[0].view.buf;
        p.raw32 = held[1].view.buf;
        p.raw64 = held[2].view.buf;
        r = p.n == 0 ? 1 : fill_page(&p);
    }
    PyMem_Free(p.arena);
    for (int k = 0; k < 3; k++)
        if (held[k].held) PyBuffer_Release(&held[k].view);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* ---- setup --------------------------------------------------------------------------------------- */

/* A column position: an int in [0, width). */
static int
column_of(PyObject *value, Py_ssize_t *column)
{
    *column = PyLong_Check(value) ? PyLong_AsSsize_t(value) : -1;
    if (*column == -1 && PyErr_Occurred()) return -1;
    if (*column < 0 || *column >= cfg.width) {
        PyErr_SetString(PyExc_ValueError, "column position out of range");
        return -1;
    }
    return 0;
}

static int
configure_columns(PyObject *index, PyObject *kinds, PyObject *kind_columns, PyObject *mark_columns,
                  PyObject *flag_bits, PyObject *flag_columns)
{
    cfg.width = PyDict_GET_SIZE(index);
    for (int c = 0; c < C_N; c++) {
        PyObject *at = PyDict_GetItemString(index, FILLED[c]);
        if (at == NULL) {
            PyErr_Format(PyExc_KeyError, "no column %s", FILLED[c]);
            return -1;
        }
        if (column_of(at, &cfg.column[c]) < 0) return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(kinds);
    if (n > MAX_KINDS || PyTuple_GET_SIZE(kind_columns) != n || PyTuple_GET_SIZE(flag_bits) > MAX_FLAGS ||
        PyTuple_GET_SIZE(flag_columns) != PyTuple_GET_SIZE(flag_bits)) {
        PyErr_SetString(PyExc_ValueError, "kinds or flags do not fit");
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *kind = PyTuple_GET_ITEM(kinds, k);
        if (!PyUnicode_CheckExact(kind) || column_of(PyTuple_GET_ITEM(kind_columns, k), &cfg.kind_column[k]) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "kinds must be str");
            return -1;
        }
        Py_XSETREF(cfg.kinds[k], Py_NewRef(kind));
    }
    cfg.n_kinds = (int)n;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(flag_bits); k++) {
        int64_t bit;
        if (!as_int64(PyTuple_GET_ITEM(flag_bits, k), &bit) ||
            column_of(PyTuple_GET_ITEM(flag_columns, k), &cfg.flag_column[k]) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "flag bits must be ints");
            return -1;
        }
        cfg.flag_bit[k] = bit;
    }
    cfg.n_flags = (int)PyTuple_GET_SIZE(flag_bits);
    /* str keys only, so that a lookup with a str mark compares strs and runs no Python code */
    Py_ssize_t pos = 0, column;
    PyObject *key, *value;
    while (PyDict_Next(mark_columns, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key) || column_of(value, &column) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "marks must be str");
            return -1;
        }
    PyObject *copy = PyDict_Copy(mark_columns);
    if (copy == NULL) return -1;
    Py_XSETREF(cfg.mark_columns, copy);
    return 0;
}

static int
configure_text(PyObject *sentence_end, PyObject *classes, int digit_bit, int upper_bit, Py_ssize_t shape_chars)
{
    cfg.n_ends = 0;
    PyObject *it = PyObject_GetIter(sentence_end), *item;
    if (it == NULL) return -1;
    while ((item = PyIter_Next(it)) != NULL) {
        /* longer members can never equal the one character tested */
        if (PyUnicode_Check(item) && PyUnicode_GET_LENGTH(item) == 1 && cfg.n_ends < MAX_ENDS)
            cfg.ends[cfg.n_ends++] = PyUnicode_READ_CHAR(item, 0);
        else if (PyUnicode_Check(item) && PyUnicode_GET_LENGTH(item) == 1)
            PyErr_SetString(PyExc_ValueError, "too many sentence ends");
        Py_DECREF(item);
        if (PyErr_Occurred()) break;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    Py_buffer table;
    if (PyObject_GetBuffer(classes, &table, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    int ok = table.len == BMP && table.itemsize == 1 && table.format && strcmp(table.format, "B") == 0;
    if (ok) memcpy(cfg.classes, table.buf, BMP);
    PyBuffer_Release(&table);
    if (!ok || shape_chars < 1 || digit_bit <= 0 || digit_bit > 255 || upper_bit <= 0 || upper_bit > 255) {
        PyErr_SetString(PyExc_ValueError, "a uint8 table of the BMP, two class bits and a head length expected");
        return -1;
    }
    cfg.digit_bit = (uint8_t)digit_bit;
    cfg.upper_bit = (uint8_t)upper_bit;
    cfg.shape_chars = shape_chars;
    return 0;
}

static PyObject *
configure(PyObject *self, PyObject *args)
{
    PyObject *page_cls, *view_cls, *block_cls, *element_cls, *index, *kinds, *kind_columns, *mark_columns;
    PyObject *flag_bits, *flag_columns, *sentence_end, *classes;
    int digit_bit, upper_bit;
    Py_ssize_t shape_chars;
    if (!PyArg_ParseTuple(args, "OOOOO!O!O!O!O!O!OOiin:configure", &page_cls, &view_cls, &block_cls, &element_cls,
                          &PyDict_Type, &index, &PyTuple_Type, &kinds, &PyTuple_Type, &kind_columns, &PyDict_Type,
                          &mark_columns, &PyTuple_Type, &flag_bits, &PyTuple_Type, &flag_columns, &sentence_end,
                          &classes, &digit_bit, &upper_bit, &shape_chars))
        return NULL;
    cfg.ready = 0;
    if (slot_offsets(page_cls, PAGE_FIELDS, P_N, cfg.page_off, &cfg.page_type) < 0 ||
        slot_offsets(view_cls, VIEW_FIELDS, V_N, cfg.view_off, &cfg.view_type) < 0 ||
        slot_offsets(block_cls, BLOCK_FIELDS, B_N, cfg.block_off, &cfg.block_type) < 0 ||
        slot_offsets(element_cls, ELEMENT_FIELDS, E_N, cfg.element_off, &cfg.element_type) < 0 ||
        configure_columns(index, kinds, kind_columns, mark_columns, flag_bits, flag_columns) < 0 ||
        configure_text(sentence_end, classes, digit_bit, upper_bit, shape_chars) < 0)
        return NULL;
    cfg.ready = 1;
    Py_RETURN_NONE;
}

/* ---- page_sums: what pagetype.page_features adds up over the blocks --------------------------------- */

#define MAX_NEEDLES 16
#define MAX_NEEDLE_CHARS 8

/* The needles as code points, and which ASCII characters open one (most characters open none). */
typedef struct {
    Py_ssize_t n, len[MAX_NEEDLES];
    Py_UCS4 chars[MAX_NEEDLES][MAX_NEEDLE_CHARS];
    uint8_t ascii_first[128];
} Needles;

static int
read_needles(PyObject *tuple, Needles *nd)
{
    memset(nd, 0, sizeof(*nd));
    nd->n = PyTuple_GET_SIZE(tuple);
    if (nd->n > MAX_NEEDLES) return 0;
    for (Py_ssize_t j = 0; j < nd->n; j++) {
        PyObject *needle = PyTuple_GET_ITEM(tuple, j);
        if (!PyUnicode_CheckExact(needle)) return 0;
        nd->len[j] = PyUnicode_GET_LENGTH(needle);
        if (nd->len[j] < 1 || nd->len[j] > MAX_NEEDLE_CHARS) return 0;
        for (Py_ssize_t q = 0; q < nd->len[j]; q++) nd->chars[j][q] = PyUnicode_READ_CHAR(needle, q);
        if (nd->chars[j][0] < 128) nd->ascii_first[nd->chars[j][0]] = 1;
    }
    return 1;
}

/* How many times the needles occur in the first `head` characters of `text`, each counted as str.count
   counts it (left to right, matches not overlapping). */
static int64_t
count_needles(PyObject *text, Py_ssize_t head, const Needles *nd)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), next_free[MAX_NEEDLES] = {0};
    if (head < n) n = head;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int64_t count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128 && !nd->ascii_first[c]) continue;
        for (Py_ssize_t j = 0; j < nd->n; j++) {
            Py_ssize_t m = nd->len[j];
            if (nd->chars[j][0] != c || i < next_free[j] || i + m > n) continue;
            Py_ssize_t q = 1;
            while (q < m && PyUnicode_READ(kind, data, i + q) == nd->chars[j][q]) q++;
            if (q == m) {
                count++;
                next_free[j] = i + m;
            }
        }
    }
    return count;
}

#define MAX_SHARES 32

/* page_sums(blocks, rows, share_columns, anchor, heading, group, peers, head, needles) -> tuple: every sum
   pagetype.page_sums_python takes, in its order and its arithmetic (block by block, in double). */
static PyObject *
page_sums(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready || nargs != 9 || !PyList_CheckExact(args[0]) || !PyTuple_CheckExact(args[2]) ||
        !PyTuple_CheckExact(args[8]) || PyTuple_GET_SIZE(args[2]) > MAX_SHARES)
        Py_RETURN_NONE;
    PyObject *blocks = args[0], *shares_at = args[2], *needles = args[8];
    Py_ssize_t n = PyList_GET_SIZE(blocks), k = PyTuple_GET_SIZE(shares_at), col[MAX_SHARES], at[4], head;
    for (Py_ssize_t j = 0; j < k; j++) col[j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shares_at, j));
    for (int j = 0; j < 4; j++) at[j] = PyLong_AsSsize_t(args[3 + j]);
    head = PyLong_AsSsize_t(args[7]);
    Needles nd;
    if (!read_needles(needles, &nd)) Py_RETURN_NONE;
    Py_buffer view;
    if (PyErr_Occurred() || n == 0 || PyObject_GetBuffer(args[1], &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Py_ssize_t width = view.ndim == 2 ? view.shape[1] : 0;
    int ok = view.ndim == 2 && view.shape[0] == n && view.itemsize == 4 && view.format && strcmp(view.format, "f") == 0;
    for (Py_ssize_t j = 0; j < k && ok; j++) ok = col[j] >= 0 && col[j] < width;
    for (int j = 0; j < 4 && ok; j++) ok = at[j] >= 0 && at[j] < width;
    double total = 0, link = 0, headline = 0, headings = 0, max_group = 0, peers = 0, prices = 0, share[MAX_SHARES] = {0};
    const float *rows = view.buf;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        PyObject *f[B_N];
        int64_t link_chars;
        ok = read_slots(PyList_GET_ITEM(blocks, i), cfg.block_type, cfg.block_off, B_N, f) &&
             PyUnicode_CheckExact(f[B_TEXT]) && as_int64(f[B_LINK_CHARS], &link_chars);
        if (!ok) break;
        const float *row = rows + i * width;
        double chars = (double)PyUnicode_GET_LENGTH(f[B_TEXT]);
        total += chars;
        link += (double)link_chars;
        if ((double)row[at[0]] >= 30.0 && row[at[1]] == 0.0f) headline += chars;
        headings += (double)row[at[1]];
        if (i == 0 || (double)row[at[2]] > max_group) max_group = (double)row[at[2]];
        peers += (double)row[at[3]];
        prices += (double)count_needles(f[B_TEXT], head, &nd);
        for (Py_ssize_t j = 0; j < k; j++) share[j] += chars * (double)row[col[j]];
    }
    PyBuffer_Release(&view);
    if (!ok) Py_RETURN_NONE;
    PyObject *out = PyTuple_New(7 + k);
    double fixed[7] = {total, link, headline, headings, max_group, peers, prices};
    for (Py_ssize_t j = 0; out != NULL && j < 7 + k; j++) {
        PyObject *v = PyFloat_FromDouble(j < 7 ? fixed[j] : share[j - 7]);
        if (v == NULL) Py_CLEAR(out);
        else PyTuple_SET_ITEM(out, j, v);
    }
    return out;
}

/* ---- confidence_sums: what confidence.confidence_sums adds up over the blocks -------------------------- */

/* Kept positions (`kept`: a list of Blocks) as a mask; 0 to decline. */
static int
kept_mask(PyObject *kept, Py_ssize_t n, char *mask)
{
    memset(mask, 0, n);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(kept); i++) {
        PyObject *f[B_N];
        int64_t position;
        if (!read_slots(PyList_GET_ITEM(kept, i), cfg.block_type, cfg.block_off, B_N, f) ||
            !as_int64(f[B_POSITION], &position) || position < 0 || position >= n)
            return 0;
        mask[position] = 1;
    }
    return 1;
}

/* confidence_sums(blocks, kept, probabilities, rows, keep_column) -> tuple | None: the sums of
   confidence.confidence_sums, block by block in order, in double. */
static PyObject *
confidence_sums(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready || nargs != 5 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1])) Py_RETURN_NONE;
    PyObject *blocks = args[0];
    Py_ssize_t n = PyList_GET_SIZE(blocks), keep_column = PyLong_AsSsize_t(args[4]);
    Py_buffer p_view, rows_view;
    if (PyErr_Occurred() || n == 0 || PyObject_GetBuffer(args[2], &p_view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (PyObject_GetBuffer(args[3], &rows_view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&p_view);
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Py_ssize_t width = rows_view.ndim == 2 ? rows_view.shape[1] : 0;
    char *mask = PyMem_Malloc(n);
    int ok = mask != NULL && p_view.ndim == 1 && p_view.shape[0] == n && p_view.format &&
             strcmp(p_view.format, "d") == 0 && rows_view.ndim == 2 && rows_view.shape[0] == n && rows_view.format &&
             strcmp(rows_view.format, "f") == 0 && keep_column >= 0 && keep_column < width &&
             kept_mask(args[1], n, mask);
    /* all, kept, p * chars over kept, over dropped, dropped, uncertain, kept with p < 0.75, agreeing */
    double sum[8] = {0};
    const double *p = p_view.buf;
    const float *rows = rows_view.buf;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        PyObject *f[B_N];
        ok = read_slots(PyList_GET_ITEM(blocks, i), cfg.block_type, cfg.block_off, B_N, f) &&
             PyUnicode_CheckExact(f[B_TEXT]);
        if (!ok) break;
        double chars = (double)PyUnicode_GET_LENGTH(f[B_TEXT]), weighted = p[i] * chars;
        int heuristic = rows[i * width + keep_column] > 0.0f;
        sum[0] += chars;
        if (mask[i]) {
            sum[1] += chars;
            sum[2] += weighted;
            if (p[i] < 0.75) sum[6] += chars;
        } else {
            sum[3] += weighted;
            sum[4] += chars;
        }
        if (p[i] > 0.25 && p[i] < 0.75) sum[5] += chars;
        if (mask[i] == heuristic) sum[7] += chars;
    }
    PyMem_Free(mask);
    PyBuffer_Release(&p_view);
    PyBuffer_Release(&rows_view);
    if (!ok) Py_RETURN_NONE;
    return Py_BuildValue("(dddddddd)", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(PageBlocks, HeuristicView, Block, Element, index, kinds, kind_columns, mark_columns, flag_bits,"
     " flag_columns, sentence_end, bmp_classes, digit_bit, upper_bit, shape_chars): features.py's classes and"
     " tables."},
    {"fill", (PyCFunction)(void (*)(void))fill, METH_FASTCALL,
     "fill(page, view, out, raw32, raw64) -> bool: the matrix in `out` and the log columns' arguments in raw32"
     " and raw64; False (nothing to use) for a page it leaves to the Python code."},
    {"confidence_sums", (PyCFunction)(void (*)(void))confidence_sums, METH_FASTCALL,
     "confidence_sums(blocks, kept, probabilities, rows, keep_column) -> tuple | None: the sums of"
     " confidence.confidence_sums; None for a page it leaves to the Python code."},
    {"page_sums", (PyCFunction)(void (*)(void))page_sums, METH_FASTCALL,
     "page_sums(blocks, rows, share_columns, anchor, heading, group, peers, head, needles) -> tuple | None: the"
     " sums of pagetype.page_sums_python; None for a page it leaves to the Python code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "copydesk._features",
    "copydesk.features.block_features, compiled (see the comment at the top of _features.c).", -1, methods,
};

PyMODINIT_FUNC
PyInit__features(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (add_names(m, "FILLED", FILLED, C_N) < 0 || add_names(m, "RAW32", RAW32, R32_N) < 0 ||
        add_names(m, "RAW64", RAW64, R64_N) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
