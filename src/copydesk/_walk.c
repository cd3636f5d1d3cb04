/*
 * _walk.c -- the DOM walk of copydesk.blocks (`_Walker`), compiled: the same PageBlocks, several times faster.
 *
 * What it is
 * ----------
 * `copydesk.blocks._Walker` stays the reference implementation and the fallback. This file does what it
 * does, node for node, and `blocks.page_blocks()` calls it when it is available. Its results are checked
 * against the Python walker's, strictly and field by field, by scripts/walk_parity.py (every benchmark
 * page) and tests/test_walk_compiled.py (fixtures, generated pages, deep/huge/invalid inputs).
 *
 * Reaching lexbor
 * ---------------
 * selectolax links lexbor statically into its extension module (selectolax/lexbor.cpython-*.so) and
 * exports lexbor's functions in its dynamic symbol table. `init(path)` dlopen()s that already-loaded
 * module with RTLD_NOLOAD (never a second copy) and dlsym()s the functions used here. A walk starts from
 * `LexborNode.mem_id`, the node's `lxb_dom_node_t *`; the caller keeps the LexborNode (and so the tree)
 * alive for the call.
 *
 * The version guard
 * -----------------
 * Tag names, attribute names and values go through exported functions. The node links and kinds
 * (first_child, next, local_name = tag id, type) and a text node's data (`lxb_dom_character_data_t`:
 * the node, then a `lexbor_str_t`) are read as struct fields, laid out as selectolax 1.0.2's lexbor.pxd
 * declares them (and as its compiled accessors read them: lxb_dom_node_type_noi reads +0x58). So
 * blocks.py uses this walker only under selectolax versions it was verified with (VERIFIED_SELECTOLAX),
 * and only after, at import, `check_layout()` has found every field equal to lexbor's own accessor on a
 * probe page and both walkers have given equal PageBlocks for it; otherwise it uses the Python walker
 * (COPYDESK_PURE_PYTHON=1 forces that too).
 *
 * Exactly as selectolax and the Python walker do
 * ----------------------------------------------
 * - Strings are decoded as selectolax decodes them: UTF-8 with errors="replace". A tag is the element's
 *   qualified name; text/comment/doctype/document nodes are "-text"/"-comment"/"-doctype"/"-document" by
 *   tag id, other non-elements None. Attribute keys are qualified names, a valueless attribute is None,
 *   and of repeated names the last wins (as in the dict `LexborNode.attributes` builds). `text(deep=True)`
 *   of a JSON-LD script concatenates the raw bytes of its text nodes and decodes once, as selectolax does.
 * - The rules stay in Python, one source of truth: SKIPPED_TAGS, BLOCK_TAGS, HEADING_LEVELS,
 *   TAG_CATEGORIES, `attribute_category` and the tables it reads are passed in on every call; blocks.py's
 *   own tables, its hidden-style regex and its dataclasses are passed once to `configure()`. A class/id
 *   string is classified once per distinct (class, id) pair within a page (a per-page table keyed on the
 *   raw bytes: equal bytes decode to equal strings): here, with attribute_category's tables, when it is
 *   ASCII, else by calling `attribute_category` back (see "class and id words"). The style regex is
 *   called once per distinct style string within a page. What the tag rules say of a tag is kept across
 *   walks for as long as the walk is passed the same rule objects (see "What the rules say of each
 *   tag"), as attribute_category's tables are read once for as long as they are the same objects.
 * - hash((tag, class)) and hash((signature, parent_signature)) are computed with CPython's tuple hash
 *   from the items' hashes, and hash(class) of an ASCII class from its bytes as CPython hashes a str
 *   (all checked against hash() at import and in the tests).
 * - Whitespace is str.split()'s: Py_UNICODE_ISSPACE, read into a table at import for the BMP.
 *
 * Iterative
 * ---------
 * An explicit heap stack holds nodes and close markers like the Python walker's list does, but each
 * opened node pushes only its first child and each popped node its next sibling: the same visiting order,
 * no C recursion, so 100,000-deep nesting costs heap, not C stack.
 *
 * Objects
 * -------
 * Element and Block instances are made without their dataclass __init__: allocated as their type's
 * tp_alloc (PyType_GenericAlloc) would, less tracking them (see below), each field written through the
 * slot offset of its member descriptor. `configure()` checks that the dataclasses' field names are
 * exactly the ones this file fills, so a field added in Python makes it refuse (and the Python walker
 * runs). Immutable values are shared where the Python walker makes equal ones: one int per element
 * index (and per value for the other int fields, see value_int), the constant pieces ((" ", None),
 * (LINE_BREAK, None), ("\n", None), ("`", MARKDOWN_ONLY)), and a block's only piece's str as its text
 * when the two are equal. The walk makes thousands of objects and no reference cycles, so the cyclic
 * garbage collector is paused while it runs (and left as it was found).
 *
 * Nor can what it makes ever be part of a cycle: a piece is a tuple of two strs (or a str and None), an
 * Element holds strs, ints, bools and None, a Block the same and its list of pieces; later stages assign
 * only such values to their fields. So the pieces, the Blocks with their piece lists and the Elements
 * are untracked by the cyclic collector (CPython untracks tuples and dicts of such values itself, the
 * tuples only once a collection has traversed them). Tracked, they were traversed by every collection
 * while the page lived (the first one, right after the walk, cost about a sixth as much as the walk).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include "_slots.h"

/* ---- lexbor ------------------------------------------------------------------------------------ */

typedef struct lxb_node lxb_node;
typedef struct {
    unsigned char *data;
    size_t length;
} lexbor_str;

/* lxb_dom_node_t, as declared in selectolax 1.0.2's lexbor.pxd (only its size is relied on). */
struct lxb_node {
    void *events;
    uintptr_t local_name;
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    lxb_node *next;
    lxb_node *prev;
    lxb_node *parent;
    lxb_node *first_child;
    lxb_node *last_child;
    void *user;
    int type;
};

typedef struct {
    lxb_node node;
    lexbor_str data;
} lxb_chardata;

#define LXB_TAG__TEXT 0x0002
#define LXB_TAG__DOCUMENT 0x0003
#define LXB_TAG__EM_COMMENT 0x0004
#define LXB_TAG__EM_DOCTYPE 0x0005
#define LXB_NODE_ELEMENT 0x01
#define LXB_NODE_TEXT 0x03

typedef int (*walker_cb_t)(lxb_node *, void *);

static struct {
    uintptr_t (*tag_id)(lxb_node *);
    int (*type)(lxb_node *);
    lxb_node *(*first_child)(lxb_node *);
    lxb_node *(*next)(lxb_node *);
    const unsigned char *(*element_qname)(void *, size_t *);
    void *(*first_attr)(void *);
    void *(*next_attr)(void *);
    const unsigned char *(*attr_qname)(void *, size_t *);
    const unsigned char *(*attr_value)(void *, size_t *);
    void (*simple_walk)(lxb_node *, walker_cb_t, void *);
    int ready;
} lx;

/* ---- configuration ------------------------------------------------------------------------------- */

enum { E_TAG, E_PARENT, E_MARK, E_DEPTH, E_CHARS, E_PROSE, E_LAYOUT, E_FLAGS, E_SIGNATURE, E_SHAPE, E_END, E_N };
static const char *ELEMENT_FIELDS[E_N] = {"tag", "parent", "mark", "depth", "chars", "prose", "layout",
                                          "flags", "signature", "shape", "end"};
enum {
    B_ELEMENT, B_KIND, B_PIECES, B_TEXT, B_LINK_CHARS, B_LINKS, B_LEVEL, B_LIST_ELEMENT, B_ORDERED,
    B_LIST_DEPTH, B_TABLE, B_ROW, B_QUOTE, B_POSITION, B_SCORE, B_RULE, B_LABEL, B_CHARS, B_N
};
static const char *BLOCK_FIELDS[B_N] = {"element", "kind", "pieces", "text", "link_chars", "links", "level",
                                        "list_element", "ordered", "list_depth", "table", "row", "quote",
                                        "position", "score", "rule", "label", "chars"};

enum { K_PARAGRAPH, K_HEADING, K_ITEM, K_CELL, K_CODE, K_CAPTION, K_N };
static const char *KIND_NAMES[K_N] = {"paragraph", "heading", "item", "cell", "code", "caption"};

static struct {
    int ready;
    PyTypeObject *element_type, *block_type;
    int element_plain, block_plain;  /* plain_slots_type() */
    PyObject *page_cls;
    Py_ssize_t element_off[E_N], block_off[B_N];
    PyObject *kinds[K_N];
    PyObject *ancestor_flags;   /* dict tag -> int */
    PyObject *mark_flags;       /* dict mark -> int */
    PyObject *dialog_roles;     /* frozenset */
    PyObject *role_categories;  /* dict */
    PyObject *table_tags;       /* frozenset */
    PyObject *context_tags;     /* frozenset */
    PyObject *hidden_search;    /* callable(style) -> match or None */
    PyObject *is_panel;         /* rules.is_panel: callable(class_id, role) -> bool */
    PyObject *markdown_only;    /* str */
    PyObject *heading_markers;  /* str */
    PyObject *s_space, *s_newline, *s_line_break, *s_backtick, *s_hidden, *s_empty, *s_body, *s_html;
    PyObject *zero_float;
    /* pieces that are always the same: (" ", None), (LINE_BREAK, None), ("\n", None), ("`", MARKDOWN_ONLY);
       tuples are immutable, so one object serves every block (the Python walker makes equal ones) */
    PyObject *t_space, *t_line_break, *t_newline, *t_backtick;
    Py_UCS4 line_break;
    long prose_min_chars, schema_copy, comments;
} cfg;

/* ---- small helpers ------------------------------------------------------------------------------- */

static inline PyObject *
decode(const unsigned char *data, size_t len)
{
    return PyUnicode_DecodeUTF8((const char *)data, (Py_ssize_t)len, "replace");
}

/* Py_hash_t of a Python int holding v (CPython's long_hash, modulus 2**61 - 1). */
static inline Py_hash_t
int_hash(int64_t v)
{
    const uint64_t P = ((uint64_t)1 << 61) - 1;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int64_t h = (int64_t)(a % P);
    if (v < 0) h = -h;
    if (h == -1) h = -2;
    return (Py_hash_t)h;
}

/* hash((a, b)) from hash(a) and hash(b): CPython's tuple hash (xxHash-based, 3.8+). */
#define XXPRIME_1 ((uint64_t)11400714785074694791ULL)
#define XXPRIME_2 ((uint64_t)14029467366897019727ULL)
#define XXPRIME_5 ((uint64_t)2870177450012600261ULL)
#define XXROTATE(x) ((x << 31) | (x >> 33))

static inline Py_hash_t
pair_hash(Py_hash_t a, Py_hash_t b)
{
    uint64_t acc = XXPRIME_5, lane;
    lane = (uint64_t)a;
    acc += lane * XXPRIME_2;
    acc = XXROTATE(acc);
    acc *= XXPRIME_1;
    lane = (uint64_t)b;
    acc += lane * XXPRIME_2;
    acc = XXROTATE(acc);
    acc *= XXPRIME_1;
    acc += 2 ^ (XXPRIME_5 ^ 3527539UL);
    if (acc == (uint64_t)-1) return 1546275796;
    return (Py_hash_t)acc;
}

/* A hash of a byte string, eight bytes at a time (class strings run to hundreds of bytes). */
static inline uint64_t
hash_bytes(uint64_t h, const unsigned char *p, size_t n)
{
    const uint64_t K = 0x9E3779B97F4A7C15ULL;
    uint64_t v;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&v, p, 8);
        h = (h ^ v) * K;
        h ^= h >> 29;
    }
    v = 0;
    if (n) memcpy(&v, p, n);
    h = (h ^ v ^ ((uint64_t)n << 59)) * K;
    return h ^ (h >> 32);
}

/* Whether a character is whitespace to str.split(): a bit per character of the BMP, read off
   Py_UNICODE_ISSPACE at import (beyond it, asked each time); a call per non-ASCII character cost the
   text of most non-English pages (and of English ones with curly quotes) more than all the rest. */
static unsigned char SPACE_BITS[0x10000 / 8];

static void
fill_space_bits(void)
{
    for (Py_UCS4 c = 0; c < 0x10000; c++)
        if (Py_UNICODE_ISSPACE(c)) SPACE_BITS[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static inline size_t
is_space(Py_UCS4 c)
{
    return c < 0x10000 ? (SPACE_BITS[c >> 3] >> (c & 7)) & 1 : Py_UNICODE_ISSPACE(c) != 0;
}

/* hash(s) for the str of these ASCII bytes, without making it: CPython hashes a str of one byte per
   character over those bytes (checked against hash() at import: `ascii_hash`). */
static inline Py_hash_t
ascii_str_hash(const unsigned char *p, size_t n)
{
    return _Py_HashBytes(p, (Py_ssize_t)n);
}

static inline int
bytes_is(const unsigned char *p, size_t n, const char *lit, size_t litlen)
{
    return n == litlen && memcmp(p, lit, litlen) == 0;
}
#define BYTES_IS(p, n, lit) bytes_is((p), (n), lit, sizeof(lit) - 1)

static inline int
str_equals_ascii(PyObject *s, const char *lit)
{
    return PyUnicode_Check(s) && PyUnicode_CompareWithASCIIString(s, lit) == 0;
}

/* ---- the attributes an element's mark, signature and links read ------------------------------------- */

enum { A_CLASS, A_ID, A_STYLE, A_HIDDEN, A_ARIA_HIDDEN, A_ROLE, A_ARIA_MODAL, A_ITEMSCOPE, A_HREF, A_TYPE, A_N };

typedef struct {
    int any;               /* the element has at least one attribute */
    int has[A_N];
    const unsigned char *val[A_N];  /* NULL: valueless (None) */
    size_t len[A_N];
} Attrs;

static void
scan_attrs(lxb_node *node, Attrs *a)
{
    memset(a, 0, sizeof(*a));
    for (void *attr = lx.first_attr(node); attr != NULL; attr = lx.next_attr(attr)) {
        size_t n = 0, vn = 0;
        const unsigned char *name = lx.attr_qname(attr, &n);
        int k = -1;
        a->any = 1;
        if (name == NULL) continue;
        switch (n) {
        case 2: if (BYTES_IS(name, n, "id")) k = A_ID; break;
        case 4:
            if (BYTES_IS(name, n, "role")) k = A_ROLE;
            else if (BYTES_IS(name, n, "href")) k = A_HREF;
            else if (BYTES_IS(name, n, "type")) k = A_TYPE;
            break;
        case 5:
            if (BYTES_IS(name, n, "class")) k = A_CLASS;
            else if (BYTES_IS(name, n, "style")) k = A_STYLE;
            break;
        case 6: if (BYTES_IS(name, n, "hidden")) k = A_HIDDEN; break;
        case 9: if (BYTES_IS(name, n, "itemscope")) k = A_ITEMSCOPE; break;
        case 10: if (BYTES_IS(name, n, "aria-modal")) k = A_ARIA_MODAL; break;
        case 11: if (BYTES_IS(name, n, "aria-hidden")) k = A_ARIA_HIDDEN; break;
        default: break;
        }
        if (k < 0) continue;
        a->has[k] = 1;
        a->val[k] = lx.attr_value(attr, &vn);
        a->len[k] = a->val[k] ? vn : 0;
    }
}

/* The attribute's value as selectolax gives it: a str, or None when absent or valueless. */
static PyObject *
attr_str(Attrs *a, int k)
{
    if (!a->has[k] || a->val[k] == NULL) Py_RETURN_NONE;
    return decode(a->val[k], a->len[k]);
}

/* node.attributes */
static PyObject *
attributes_dict(lxb_node *node)
{
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (lx.type(node) != LXB_NODE_ELEMENT) return d;
    for (void *attr = lx.first_attr(node); attr != NULL; attr = lx.next_attr(attr)) {
        size_t n = 0, vn = 0;
        const unsigned char *name = lx.attr_qname(attr, &n);
        PyObject *key = decode(name, n), *value;
        if (key == NULL) goto fail;
        const unsigned char *v = lx.attr_value(attr, &vn);
        if (v) {
            value = decode(v, vn);
            if (value == NULL) { Py_DECREF(key); goto fail; }
        } else {
            value = Py_NewRef(Py_None);
        }
        int r = PyDict_SetItem(d, key, value);
        Py_DECREF(key);
        Py_DECREF(value);
        if (r < 0) goto fail;
    }
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

/* node.text(deep=True): the text nodes under `node`, concatenated as bytes, decoded once. */
typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} TextBuf;

static int
text_cb(lxb_node *node, void *ctx)
{
    TextBuf *t = (TextBuf *)ctx;
    if (lx.tag_id(node) != LXB_TAG__TEXT) return 0;
    lxb_chardata *cd = (lxb_chardata *)node;
    if (cd->data.data == NULL) return 0;
    size_t n = cd->data.length;
    if (t->len + n > t->cap) {
        size_t cap = (t->len + n) * 2 + 64;
        char *b = PyMem_Realloc(t->buf, cap);
        if (b == NULL) { t->failed = 1; return 1; /* LEXBOR_ACTION_STOP */ }
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, cd->data.data, n);
    t->len += n;
    return 0;
}

static PyObject *
deep_text(lxb_node *node)
{
    TextBuf t = {NULL, 0, 0, 0};
    PyObject *r;
    lx.simple_walk(node, text_cb, &t);
    if (t.failed) {
        PyMem_Free(t.buf);
        return PyErr_NoMemory();
    }
    if (t.len == 0) r = Py_NewRef(cfg.s_empty);
    else r = PyUnicode_DecodeUTF8(t.buf, (Py_ssize_t)t.len, "replace");
    PyMem_Free(t.buf);
    return r;
}

/* ---- tags ----------------------------------------------------------------------------------------- */

enum { T_SKIP, T_IMG, T_SCRIPT, T_BR, T_BLOCK, T_A, T_CUSTOM, T_CODE, T_INLINE };
enum { C_NONE, C_HEADING, C_LIST, C_ITEM, C_TABLE, C_TR, C_CELL, C_PRE, C_BLOCKQUOTE, C_FIGCAPTION, C_P };

typedef struct {
    PyObject *tag;       /* str (owned) */
    PyObject *category;  /* TAG_CATEGORIES.get(tag) (owned, may be None) */
    Py_hash_t hash;
    long ancestor_flag;
    long level;
    int cls, ctx, ordered, is_table_tag, body_or_html;
} TagInfo;

enum { R_SKIPPED, R_BLOCK_TAGS, R_HEADING_LEVELS, R_TAG_CATEGORIES, R_N };

typedef struct {
    unsigned char *key;  /* a copy of the name's bytes; NULL: an empty slot */
    size_t len;
    uint64_t h;
    TagInfo *info;       /* owned; allocated alone, so growing the table moves no TagInfo */
} TagEntry;

/* Tags by their names' bytes (see "What the rules say of each tag" below). */
typedef struct {
    PyObject *rules[R_N];  /* owned: the objects the entries were filled under */
    unsigned long configured;
    TagEntry *slots;
    size_t cap, n;
} TagCache;

/* The walk's own table, by the name's address (lexbor interns tag names within a document). */
typedef struct {
    const unsigned char *key;  /* NULL: an empty slot */
    size_t len;
    TagInfo *info;             /* the cache's */
} TagSeen;

/* ---- class and id words: rules.attribute_category, in C ------------------------------------------- */
/*
 * Most class strings a page has are new to the per-page cache (ids such as "post-48213"), and calling
 * rules.attribute_category back for each cost the walk more than anything else it still did in Python.
 * So ASCII strings (nearly all) are classified here, the way attribute_category does it, reading its own
 * tables: the walk is passed `rules.attribute_tables()` (TOKEN_CATEGORIES, TOKEN_PREFIXES,
 * WEAK_CATEGORIES, CONTENT_TOKENS, _FORM_TOKENS) and reads them into a token table, once for as long as
 * it is passed the same objects. Strings with other characters (lowercasing and splitting them is
 * Unicode's business), tables of a shape not read here and tokens that would make the Python code raise
 * go to attribute_category itself. Only "comment" and "comment-form" are named here: they are part of
 * attribute_category's logic, not of its tables.
 */

#define RULE_TABLES 5

/* What a token's category is (only set when it has one), and what the token itself is. */
enum { CAT_COMMENT = 1, CAT_COMMENT_FORM = 2, CAT_WEAK = 4, CAT_TRUTHY = 8, TOK_FORM = 16, TOK_CONTENT = 32 };

typedef struct {
    PyObject *key;        /* owned str of [a-z0-9]; NULL: an empty slot */
    PyObject *category;   /* owned; NULL when TOKEN_CATEGORIES has none for it (or None) */
    unsigned flags;
    size_t hash, len;     /* token_hash(key), len(key): a probe compares these before the key's bytes */
} TokenRule;

typedef struct {
    PyObject *key;        /* owned str of [a-z0-9] */
    PyObject *category;   /* owned, NULL for None */
    unsigned flags;
    int missing;          /* not a key of TOKEN_CATEGORIES: Python raises KeyError on a token it starts */
} PrefixRule;

typedef struct {
    PyObject *sources[RULE_TABLES];  /* owned: what it was read from; the same objects, the same rules */
    TokenRule *slots;
    size_t mask;
    PrefixRule *prefixes;
    Py_ssize_t n_prefixes;
    unsigned char prefix_first[128];  /* the first characters prefixes start with (all, for an empty one) */
    PyObject *s_comment, *s_comment_form;
    int usable;
} ClassRules;

static ClassRules class_rules_c;

/* Eight bytes at a time, read as a little-endian word: where that is how words are read, the text and the
   class strings are scanned a word at a time, else a byte at a time. The masks hold the high bit of each
   byte that is zero, that is below 0x20 (for ASCII bytes), or a space; exact per byte (no borrow runs
   from one byte into the next). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_LE 1
#else
#define WORDS_LE 0
#endif
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline uint64_t zero_bytes(uint64_t v) { return ~(((v & ~HIGHS) + ~HIGHS) | v) & HIGHS; }

/* An ASCII byte lowercased if it is a letter or digit, else 0 (a separator), as class_tokens cuts. */
static unsigned char FOLD[128];

static void
fill_fold(void)
{
    for (int c = 0; c < 128; c++)
        FOLD[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ? c : (c >= 'A' && c <= 'Z') ? c + 32 : 0;
}

/* A hash of a folded token (n >= 1 lowercase letters and digits) from its first eight bytes and, past
   eight, its last eight. Most tokens are not in the table, so hashing is most of what looking one up
   costs: a byte-at-a-time hash cost more than the rest of the classification. */
static inline size_t
mix_token(uint64_t first, uint64_t last, size_t n)
{
    uint64_t h = (first * 0x9E3779B97F4A7C15ULL) ^ (last * 0xC2B2AE3D27D4EB4FULL) ^ n;
    return (size_t)(h ^ (h >> 29));
}

/* token_hash of a token read in place (a key, at setup) */
static size_t
token_hash(const unsigned char *s, size_t n)
{
    uint64_t first = 0, last = 0;
    memcpy(&first, s, n < 8 ? n : 8);
    if (n > 8) memcpy(&last, s + n - 8, 8);
    return mix_token(first, last, n);
}

/* The same, of a token in a buffer with eight readable bytes past it (see classify_ascii). */
static inline size_t
padded_token_hash(const unsigned char *s, size_t n)
{
#if WORDS_LE
    uint64_t first, last = 0;
    memcpy(&first, s, 8);
    if (n < 8) first &= ((uint64_t)1 << (8 * n)) - 1;
    if (n > 8) memcpy(&last, s + n - 8, 8);
    return mix_token(first, last, n);
#else
    return token_hash(s, n);
#endif
}

/* The slot of a folded token with hash h, or the empty slot where it would go. */
static TokenRule *
token_slot(const ClassRules *r, const unsigned char *token, size_t n, size_t h)
{
    for (size_t k = h & r->mask;; k = (k + 1) & r->mask) {
        TokenRule *e = &r->slots[k];
        if (e->key == NULL) return e;
        if (e->hash == h && e->len == n && memcmp(token, PyUnicode_1BYTE_DATA(e->key), n) == 0) return e;
    }
}

/* Only lowercase ASCII letters and digits can equal a token: other keys never match, and are skipped. */
static int
is_token_word(PyObject *s)
{
    if (!PyUnicode_Check(s) || !PyUnicode_IS_ASCII(s)) return 0;
    const unsigned char *p = PyUnicode_1BYTE_DATA(s);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(s); i < n; i++)
        if (FOLD[p[i]] != p[i]) return 0;
    return 1;
}

static int
category_flags(ClassRules *r, PyObject *category, PyObject *weak, unsigned *flags)
{
    int comment = PyObject_RichCompareBool(category, r->s_comment, Py_EQ);
    int form = comment < 0 ? -1 : PyObject_RichCompareBool(category, r->s_comment_form, Py_EQ);
    int is_weak = form < 0 ? -1 : PySequence_Contains(weak, category);
    int truthy = is_weak < 0 ? -1 : PyObject_IsTrue(category);
    if (truthy < 0) return -1;
    *flags = (comment ? CAT_COMMENT : 0) | (form ? CAT_COMMENT_FORM : 0) | (is_weak ? CAT_WEAK : 0) |
             (truthy ? CAT_TRUTHY : 0);
    return 0;
}

/* Enter `key` (ignored unless it can equal a token) with its category (None or NULL: none) and flags. */
static int
add_token_rule(ClassRules *r, PyObject *key, PyObject *category, PyObject *weak, unsigned flags)
{
    if (!is_token_word(key) || PyUnicode_GET_LENGTH(key) == 0) return 0;
    size_t n = (size_t)PyUnicode_GET_LENGTH(key), h = token_hash(PyUnicode_1BYTE_DATA(key), n);
    TokenRule *e = token_slot(r, PyUnicode_1BYTE_DATA(key), n, h);
    if (e->key == NULL) {
        e->key = Py_NewRef(key);
        e->hash = h;
        e->len = n;
    }
    if (category != NULL && category != Py_None) {
        unsigned cat;
        if (category_flags(r, category, weak, &cat) < 0) return -1;
        Py_XSETREF(e->category, Py_NewRef(category));
        flags |= cat;
    }
    e->flags |= flags;
    return 0;
}

static int
add_token_set(ClassRules *r, PyObject *tokens, unsigned flag)
{
    PyObject *it = PyObject_GetIter(tokens), *key;
    if (it == NULL) return -1;
    while ((key = PyIter_Next(it)) != NULL) {
        int bad = add_token_rule(r, key, NULL, NULL, flag);
        Py_DECREF(key);
        if (bad < 0) break;
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

/* TOKEN_PREFIXES in order, each with TOKEN_CATEGORIES[prefix]; 0 with usable left 0 for a non-str one. */
static int
read_prefixes(ClassRules *r, PyObject *prefixes, PyObject *categories, PyObject *weak)
{
    Py_ssize_t n = PyTuple_GET_SIZE(prefixes);
    r->prefixes = PyMem_Calloc(n ? n : 1, sizeof(PrefixRule));
    if (r->prefixes == NULL) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyTuple_GET_ITEM(prefixes, i);
        if (!PyUnicode_Check(p)) return 0;  /* startswith raises TypeError: Python's to say when */
        if (!is_token_word(p)) continue;      /* starts no token */
        if (PyUnicode_GET_LENGTH(p) == 0) memset(r->prefix_first, 1, sizeof(r->prefix_first));
        else r->prefix_first[PyUnicode_1BYTE_DATA(p)[0]] = 1;
        PrefixRule *rule = &r->prefixes[r->n_prefixes++];
        rule->key = Py_NewRef(p);
        PyObject *category = PyDict_GetItemWithError(categories, p);
        if (category == NULL && PyErr_Occurred()) return -1;
        rule->missing = category == NULL;
        if (category == NULL || category == Py_None) continue;
        rule->category = Py_NewRef(category);
        if (category_flags(r, category, weak, &rule->flags) < 0) return -1;
    }
    return 1;
}

static void
clear_class_rules(ClassRules *r)
{
    for (int i = 0; i < RULE_TABLES; i++) Py_CLEAR(r->sources[i]);
    for (size_t k = 0; r->slots && k <= r->mask; k++) {
        Py_XDECREF(r->slots[k].key);
        Py_XDECREF(r->slots[k].category);
    }
    for (Py_ssize_t i = 0; i < r->n_prefixes; i++) {
        Py_XDECREF(r->prefixes[i].key);
        Py_XDECREF(r->prefixes[i].category);
    }
    PyMem_Free(r->slots);
    PyMem_Free(r->prefixes);
    r->slots = NULL;
    r->prefixes = NULL;
    r->mask = 0;
    r->n_prefixes = 0;
    memset(r->prefix_first, 0, sizeof(r->prefix_first));
    r->usable = 0;
}

/* Read the five tables into `r`: 1 if done, 0 if they are not of a shape read here, -1 on an error. */
static int
read_class_rules(ClassRules *r, PyObject *tables)
{
    PyObject *categories = PyTuple_GET_ITEM(tables, 0), *prefixes = PyTuple_GET_ITEM(tables, 1);
    PyObject *weak = PyTuple_GET_ITEM(tables, 2), *content = PyTuple_GET_ITEM(tables, 3);
    PyObject *form = PyTuple_GET_ITEM(tables, 4);
    if (!PyDict_Check(categories) || !PyTuple_Check(prefixes)) return 0;
    Py_ssize_t n_content = PyObject_Length(content), n_form = n_content < 0 ? -1 : PyObject_Length(form);
    if (n_form < 0) return -1;
    size_t cap = 16, wanted = (size_t)(PyDict_GET_SIZE(categories) + n_content + n_form);
    while (cap < wanted * 4) cap *= 2;  /* at most a quarter full: a miss, the usual case, stops soon */
    r->slots = PyMem_Calloc(cap, sizeof(TokenRule));
    if (r->slots == NULL) return -1;
    r->mask = cap - 1;
    PyObject *key, *category;
    Py_ssize_t pos = 0;
    while (PyDict_Next(categories, &pos, &key, &category))
        if (add_token_rule(r, key, category, weak, 0) < 0) return -1;
    if (add_token_set(r, content, TOK_CONTENT) < 0 || add_token_set(r, form, TOK_FORM) < 0) return -1;
    return read_prefixes(r, prefixes, categories, weak);
}

/* Walks running: more than one when a walk's Python callback started another (or asked for
   attribute_category), which must not free the shared tables the first one reads. */
static int walks_running;

/* The rules for `tables` (rules.attribute_tables()), read again only when one of them is another object
   (rules.py's tables are constants; a test that swaps one in swaps the object). NULL, without an error,
   when every string is to go to Python: no tables, or ones not read here (or that raise on being read:
   Python will raise when it meets the same), or other ones than a running walk reads. */
static const ClassRules *
class_rules(PyObject *tables)
{
    ClassRules *r = &class_rules_c;
    if (!PyTuple_Check(tables) || PyTuple_GET_SIZE(tables) != RULE_TABLES) return NULL;
    int same = r->sources[0] != NULL;
    for (int i = 0; i < RULE_TABLES && same; i++) same = r->sources[i] == PyTuple_GET_ITEM(tables, i);
    if (same) return r->usable ? r : NULL;
    if (walks_running) return NULL;
    clear_class_rules(r);
    if (r->s_comment == NULL && (r->s_comment = PyUnicode_InternFromString("comment")) == NULL) goto failed;
    if (r->s_comment_form == NULL && (r->s_comment_form = PyUnicode_InternFromString("comment-form")) == NULL)
        goto failed;
    for (int i = 0; i < RULE_TABLES; i++) r->sources[i] = Py_NewRef(PyTuple_GET_ITEM(tables, i));
    int done = read_class_rules(r, tables);
    if (done < 0) goto failed;
    r->usable = done;
    return r->usable ? r : NULL;
failed:
    PyErr_Clear();
    r->usable = 0;
    return NULL;
}

/* attribute_category's loop, kept as it goes: which token first had the category "comment" and which
   first had a category not weak (that one's), the first truthy weak category, and whether any token was
   a form or content word. */
typedef struct {
    long tokens, first_comment, first_strong;
    PyObject *strong, *weak;  /* borrowed from the rules */
    int any_form, any_content;
} Verdict;

/* _token_category(token), of a folded token in a padded buffer: its category (NULL for None) and flags;
   -1 when Python would raise KeyError (a prefix TOKEN_CATEGORIES lacks). */
static int
token_rule(const ClassRules *r, const unsigned char *t, size_t n, PyObject **category, unsigned *flags)
{
    const TokenRule *e = token_slot(r, t, n, padded_token_hash(t, n));
    *category = e->category;
    *flags = e->flags;
    if (e->category != NULL || !r->prefix_first[t[0]]) return 0;
    for (Py_ssize_t i = 0; i < r->n_prefixes; i++) {
        const PrefixRule *p = &r->prefixes[i];
        size_t len = (size_t)PyUnicode_GET_LENGTH(p->key);
        if (len > n || memcmp(t, PyUnicode_1BYTE_DATA(p->key), len) != 0) continue;
        if (p->missing) return -1;
        *category = p->category;
        *flags |= p->flags;
        return 0;
    }
    return 0;
}

static int
read_token(const ClassRules *r, Verdict *v, const unsigned char *t, size_t n)
{
    PyObject *category;
    unsigned f;
    if (token_rule(r, t, n, &category, &f) < 0) return -1;
    long k = v->tokens++;
    v->any_form |= (f & (TOK_FORM | CAT_COMMENT_FORM)) != 0;
    v->any_content |= (f & TOK_CONTENT) != 0;
    if (category == NULL) return 0;
    if ((f & CAT_COMMENT) && v->first_comment < 0) v->first_comment = k;
    if (!(f & CAT_WEAK) && v->first_strong < 0) {
        v->first_strong = k;
        v->strong = category;
    } else if ((f & CAT_WEAK) && v->weak == NULL && (f & CAT_TRUTHY)) {
        v->weak = category;  /* weak = weak or category */
    }
    return 0;
}

/* The tokens of s[0:n], folded (letters and digits lowercased, separators 0) and followed by eight zero
   bytes, into the verdict: class_tokens' split. A word at a time, the separators skipped and a token's
   end found by the first zero byte (most tokens and most runs of separators fit in one word). */
static int
read_words(const ClassRules *r, Verdict *v, const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
#if WORDS_LE
        uint64_t word;
        for (;; i += 8) {
            if (i >= n) return 0;
            memcpy(&word, s + i, 8);
            if (word) break;
        }
        i += (size_t)__builtin_ctzll(word) / 8;
        if (i >= n) return 0;
        size_t start = i;
        for (;; i += 8) {
            memcpy(&word, s + i, 8);
            uint64_t ends = zero_bytes(word);
            if (ends) {
                i += (size_t)__builtin_ctzll(ends) / 8;
                break;
            }
        }
#else
        while (i < n && !s[i]) i++;
        if (i == n) return 0;
        size_t start = i;
        while (s[i]) i++;
#endif
        if (read_token(r, v, s + start, i - start) < 0) return -1;
    }
}

static inline int
all_ascii(const unsigned char *s, size_t n)
{
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++) any |= s[i];
    return any < 0x80;
}

/* s[0:n] folded into out, and whether it was all ASCII. */
static inline int
fold_ascii(unsigned char *out, const unsigned char *s, size_t n)
{
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++) {
        any |= s[i];
        out[i] = FOLD[s[i] & 0x7f];
    }
    return any < 0x80;
}

/* attribute_category(f"{a} {b}") when both are ASCII: 1 with a new reference in *category; 0 when it is
   Python's to say. */
static int
classify_ascii(const ClassRules *r, const unsigned char *a, size_t an, const unsigned char *b, size_t bn,
               PyObject **category)
{
    Verdict v = {0, -1, -1, NULL, NULL, 0, 0};
    /* folded "a\0b" and eight zero bytes (a space between them: the same tokens) */
    unsigned char local[512], *folded = local;
    size_t n = an + 1 + bn;
    if (n + 8 > sizeof(local) && (folded = PyMem_Malloc(n + 8)) == NULL) return 0;
    int ascii = fold_ascii(folded, a, an) & fold_ascii(folded + an + 1, b, bn);
    folded[an] = 0;
    memset(folded + n, 0, 8);
    int read = ascii && read_words(r, &v, folded, n) == 0;
    if (folded != local) PyMem_Free(folded);
    if (!read) return 0;
    /* the loop returns at the first token of either: "comment-form" for a comment with a form word */
    if (v.any_form && v.first_comment >= 0 && (v.first_strong < 0 || v.first_comment <= v.first_strong))
        *category = Py_NewRef(r->s_comment_form);
    else if (v.first_strong >= 0)
        *category = Py_NewRef(v.strong);
    else
        *category = Py_NewRef(v.weak && !v.any_content ? v.weak : Py_None);
    return 1;
}

/* ---- the walk ------------------------------------------------------------------------------------ */

typedef struct {
    int kind;
    long level;
    Py_ssize_t list_element;
    int ordered;
    long list_depth;
    Py_ssize_t table, row, quote;
    int pre;
} Frame;

typedef struct {
    PyObject *tag;   /* borrowed from the tag table (which outlives the walk's elements) */
    PyObject *mark;  /* owned */
    Py_ssize_t parent;
    long depth;
    long flags;
    Py_hash_t signature, shape;
    int layout;
    int64_t chars, prose;
    size_t end;      /* one past the last element of its subtree, set by finish() */
} Elem;

typedef struct {
    uint64_t h;
    const unsigned char *cls, *id;  /* lexbor's attribute values: they outlive the walk */
    size_t cls_len, id_len;
    int cls_state, id_state;        /* 0 absent, 1 valueless, 2 with a value */
    Py_hash_t cls_hash;             /* hash(attrs.get("class")) */
    PyObject *category;             /* (attribute_category(names) if names else None), once computed */
    int used;
} ClassEntry;

typedef struct {
    uint64_t h;
    const unsigned char *p;  /* lexbor's attribute value: it outlives the walk */
    size_t n;
    int hidden, used;
} StyleEntry;

#define CLOSE_BLOCK 1
#define CLOSE_LINK 2
#define CLOSE_CODE 3

typedef struct {
    /* per-call rules */
    PyObject *skipped, *block_tags, *heading_levels, *tag_categories, *attribute_category;
    const ClassRules *rules;   /* attribute_category's tables, read; NULL: every string goes to Python */
    ClassEntry *classes;       /* class and id -> category (the per-page attribute_category cache) */
    size_t classes_cap, classes_n;
    StyleEntry *styles;        /* style -> whether _HIDDEN_STYLE finds it hidden */
    size_t styles_cap, styles_n;
    /* tag table (open addressing on the name pointer) */
    TagCache *cache;           /* what the rules say of each tag: &tag_cache, or own_cache when nested */
    TagCache own_cache;
    TagSeen *tags;
    size_t tags_cap, tags_n;
    /* state */
    uintptr_t *stack;
    size_t stack_n, stack_cap;
    Frame *frames;
    size_t frames_n, frames_cap;
    Py_ssize_t *open;
    size_t open_n, open_cap;
    Elem *elems;
    size_t elems_n, elems_cap;
    PyObject *blocks;          /* list of Block */
    int64_t *block_chars, *block_links;  /* len(text), link_chars per block, for _finish */
    size_t bc_cap;
    PyObject *pieces;          /* list or NULL */
    PyObject *href;            /* owned, NULL for None */
    PyObject *space_piece;     /* (" ", href) for the current href, or NULL */
    long link_depth;
    int had_link;
    PyObject *structured_data, *images;
    Py_UCS4 *buf;
    size_t buf_cap;
    PyObject **ints;           /* one int object per element index, shared by every field holding it */
    size_t ints_cap;
} Walk;

#define GROW(ptr, n, cap, type)                                                    \
    do {                                                                           \
        if ((n) >= (cap)) {                                                        \
            size_t _c = (cap) ? (cap) * 2 : 64;                                    \
            type *_p = PyMem_Realloc((ptr), _c * sizeof(type));                    \
            if (_p == NULL) { PyErr_NoMemory(); return -1; }                       \
            (ptr) = _p;                                                            \
            (cap) = _c;                                                            \
        }                                                                          \
    } while (0)

static int
push(Walk *w, uintptr_t v)
{
    GROW(w->stack, w->stack_n, w->stack_cap, uintptr_t);
    w->stack[w->stack_n++] = v;
    return 0;
}

/* The Python walker pushes all of a node's children (reversed) when it opens it; pushing the first child
   only, and each node's next sibling when it is popped, visits the same nodes in the same order with a
   stack as deep as the tree instead of as wide, touching each node once. */
static inline int
push_first_child(Walk *w, lxb_node *node)
{
    lxb_node *c = node->first_child;
    return c != NULL ? push(w, (uintptr_t)c) : 0;
}

/* mapping.get(key): a new reference (None when absent). */
static PyObject *
mapping_get(PyObject *mapping, PyObject *key)
{
    if (!PyDict_CheckExact(mapping)) return PyObject_CallMethod(mapping, "get", "O", key);
    PyObject *v = PyDict_GetItemWithError(mapping, key);
    if (v == NULL && PyErr_Occurred()) return NULL;
    return Py_NewRef(v ? v : Py_None);
}

static int
fill_tag_info(Walk *w, TagInfo *t)
{
    PyObject *tag = t->tag;
    Py_ssize_t n = PyUnicode_GET_LENGTH(tag);
    int r;
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "string index out of range");
        return -1;
    }
    t->hash = PyObject_Hash(tag);
    if (t->hash == -1) return -1;
    Py_UCS4 first = PyUnicode_READ_CHAR(tag, 0);
    t->category = NULL;
    t->ctx = C_NONE;
    if (first == '-' || first == '_' || first == '#' || first == '!') {
        t->cls = T_SKIP;
    } else if ((r = PySet_Contains(w->skipped, tag)) != 0) {
        if (r < 0) return -1;
        t->cls = str_equals_ascii(tag, "img") ? T_IMG : str_equals_ascii(tag, "script") ? T_SCRIPT : T_SKIP;
    } else if (str_equals_ascii(tag, "br")) {
        t->cls = T_BR;
    } else if ((r = PySequence_Contains(w->block_tags, tag)) != 0) {
        if (r < 0) return -1;
        t->cls = T_BLOCK;
    } else if (str_equals_ascii(tag, "a")) {
        t->cls = T_A;
    } else if (PyUnicode_FindChar(tag, '-', 0, n, 1) >= 0) {
        t->cls = T_CUSTOM;
    } else if (str_equals_ascii(tag, "code")) {
        t->cls = T_CODE;
    } else {
        t->cls = T_INLINE;
    }
    if (t->cls != T_BLOCK) return 0;

    PyObject *v = mapping_get(w->tag_categories, tag);
    if (v == NULL) return -1;
    t->category = v;
    v = PyDict_GetItemWithError(cfg.ancestor_flags, tag);
    if (v == NULL && PyErr_Occurred()) return -1;
    t->ancestor_flag = v ? PyLong_AsLong(v) : 0;
    if (t->ancestor_flag == -1 && PyErr_Occurred()) return -1;
    r = PySet_Contains(cfg.table_tags, tag);
    if (r < 0) return -1;
    t->is_table_tag = r;
    t->body_or_html = str_equals_ascii(tag, "body") || str_equals_ascii(tag, "html");
    r = PySet_Contains(cfg.context_tags, tag);
    if (r < 0) return -1;
    if (!r) return 0;
    /* _Walker._frame_kind, in its order */
    r = PySequence_Contains(w->heading_levels, tag);
    if (r < 0) return -1;
    if (r) {
        v = PyObject_GetItem(w->heading_levels, tag);
        if (v == NULL) return -1;
        t->level = PyLong_AsLong(v);
        Py_DECREF(v);
        if (t->level == -1 && PyErr_Occurred()) return -1;
        t->ctx = C_HEADING;
    } else if (str_equals_ascii(tag, "ul") || str_equals_ascii(tag, "ol") || str_equals_ascii(tag, "dl") ||
               str_equals_ascii(tag, "menu") || str_equals_ascii(tag, "dir")) {
        t->ctx = C_LIST;
        t->ordered = str_equals_ascii(tag, "ol");
    } else if (str_equals_ascii(tag, "li") || str_equals_ascii(tag, "dt") || str_equals_ascii(tag, "dd")) {
        t->ctx = C_ITEM;
    } else if (str_equals_ascii(tag, "table")) {
        t->ctx = C_TABLE;
    } else if (str_equals_ascii(tag, "tr")) {
        t->ctx = C_TR;
    } else if (str_equals_ascii(tag, "td") || str_equals_ascii(tag, "th")) {
        t->ctx = C_CELL;
    } else if (str_equals_ascii(tag, "pre")) {
        t->ctx = C_PRE;
    } else if (str_equals_ascii(tag, "blockquote")) {
        t->ctx = C_BLOCKQUOTE;
    } else if (str_equals_ascii(tag, "figcaption")) {
        t->ctx = C_FIGCAPTION;
    } else if (str_equals_ascii(tag, "p")) {
        t->ctx = C_P;
    } else {
        t->ctx = -1;  /* a context tag that changes nothing: the frame is still copied */
    }
    return 0;
}

/* The walk's two open-addressing tables (linear probing, power-of-two sizes, kept at most half full):
   double `*table` when it is half full, placing every used entry again at its home slot. -1 with
   MemoryError set if the bigger table cannot be had. */
static int
grow_if_half_full(void **table, size_t *cap, size_t used_n, size_t entry_size, int (*used)(const void *),
                  size_t (*home)(const void *))
{
    if (used_n * 2 < *cap) return 0;
    size_t fresh_cap = *cap ? *cap * 2 : 256;
    char *fresh = PyMem_Calloc(fresh_cap, entry_size), *old = *table;
    if (fresh == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < *cap; i++) {
        const void *entry = old + i * entry_size;
        if (!used(entry)) continue;
        size_t k = home(entry) & (fresh_cap - 1);
        while (used(fresh + k * entry_size)) k = (k + 1) & (fresh_cap - 1);
        memcpy(fresh + k * entry_size, entry, entry_size);
    }
    PyMem_Free(old);
    *table = fresh;
    *cap = fresh_cap;
    return 0;
}

/* What the rules say of each tag, kept across walks: a page has some thirty distinct tags, nearly all
   met on earlier pages, and working out each one's again (decoding its name, looking the new str up in
   the rules' sets and dicts) cost a twentieth of the walk. Keyed on the name's bytes (lexbor's pointers
   go with their document), the entries filled under the rule objects (SKIPPED_TAGS, BLOCK_TAGS,
   HEADING_LEVELS, TAG_CATEGORIES) of one walk serve the next walk passed the same objects, as the class
   rules do (rules.py's tables are constants; a test that swaps one in swaps the object), under the
   same configure(). Emptied at the start of a walk past TAG_CACHE_MAX tags, never during one: an
   Elem borrows its TagInfo's str. */
#define TAG_CACHE_MAX 4096
static TagCache tag_cache;

static unsigned long configure_count;  /* bumped by every configure() */

static size_t tag_entry_home(const void *entry) { return (size_t)((const TagEntry *)entry)->h; }
static int tag_entry_used(const void *entry) { return ((const TagEntry *)entry)->key != NULL; }

static void
free_tag_info(TagInfo *t)
{
    Py_XDECREF(t->tag);
    Py_XDECREF(t->category);
    PyMem_Free(t);
}

static void
clear_tag_cache(TagCache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        if (c->slots[i].key == NULL) continue;
        PyMem_Free(c->slots[i].key);
        free_tag_info(c->slots[i].info);
    }
    PyMem_Free(c->slots);
    c->slots = NULL;
    c->cap = c->n = 0;
    for (int i = 0; i < R_N; i++) Py_CLEAR(c->rules[i]);
}

/* At the start of a walk: keep the cache if it was filled under these rules, else empty it. A walk
   started while another runs (from a Python callback of it) has a cache of its own, for as long as it
   runs: the other one holds entries of the shared one. */
static void
use_tag_cache(Walk *w, int nested)
{
    PyObject *rules[R_N] = {w->skipped, w->block_tags, w->heading_levels, w->tag_categories};
    TagCache *c = w->cache = nested ? &w->own_cache : &tag_cache;
    int same = c->configured == configure_count && c->n < TAG_CACHE_MAX;
    for (int i = 0; i < R_N && same; i++) same = c->rules[i] == rules[i];
    if (same) return;
    clear_tag_cache(c);
    c->configured = configure_count;
    for (int i = 0; i < R_N; i++) c->rules[i] = Py_NewRef(rules[i]);
}

/* What the rules say of the tag named by these bytes; NULL with an error set. */
static TagInfo *
cached_tag_info(Walk *w, const unsigned char *name, size_t n)
{
    TagCache *c = w->cache;
    uint64_t h = hash_bytes(0, name, n);
    if (c->n * 2 >= c->cap &&
        grow_if_half_full((void **)&c->slots, &c->cap, c->n, sizeof(TagEntry), tag_entry_used, tag_entry_home) < 0)
        return NULL;
    size_t k = (size_t)h & (c->cap - 1);
    for (;; k = (k + 1) & (c->cap - 1)) {
        TagEntry *e = &c->slots[k];
        if (e->key == NULL) break;
        if (e->h == h && e->len == n && memcmp(e->key, name, n) == 0) return e->info;
    }
    TagInfo *t = PyMem_Calloc(1, sizeof(TagInfo));
    unsigned char *key = PyMem_Malloc(n ? n : 1);
    if (t == NULL || key == NULL) {
        PyMem_Free(t);
        PyMem_Free(key);
        PyErr_NoMemory();
        return NULL;
    }
    t->tag = decode(name, n);
    if (t->tag == NULL || fill_tag_info(w, t) < 0) {
        free_tag_info(t);
        PyMem_Free(key);
        return NULL;
    }
    memcpy(key, name, n);
    TagEntry *e = &c->slots[k];
    e->key = key;
    e->len = n;
    e->h = h;
    e->info = t;
    c->n++;
    return t;
}

static size_t tag_home_of(const unsigned char *name) { return (size_t)((uintptr_t)name >> 3); }
static size_t tag_home(const void *entry) { return tag_home_of(((const TagSeen *)entry)->key); }
static int tag_used(const void *entry) { return ((const TagSeen *)entry)->key != NULL; }

/* The tag of an element node (its qualified name) and what the walk does with it; NULL with an error
   set, or NULL without one when the name is NULL (tag None). */
static TagInfo *
tag_info(Walk *w, lxb_node *node, int *none)
{
    size_t n = 0;
    const unsigned char *name = lx.element_qname(node, &n);
    *none = 0;
    if (name == NULL) {
        *none = 1;
        return NULL;
    }
    if (w->tags_n * 2 >= w->tags_cap &&
        grow_if_half_full((void **)&w->tags, &w->tags_cap, w->tags_n, sizeof(TagSeen), tag_used, tag_home) < 0)
        return NULL;
    size_t h = tag_home_of(name) & (w->tags_cap - 1);
    while (w->tags[h].key != NULL) {
        if (w->tags[h].key == name && w->tags[h].len == n) return w->tags[h].info;
        h = (h + 1) & (w->tags_cap - 1);
    }
    TagInfo *t = cached_tag_info(w, name, n);
    if (t == NULL) return NULL;
    w->tags[h].key = name;
    w->tags[h].len = n;
    w->tags[h].info = t;
    w->tags_n++;
    return t;
}

/* -- pieces -- */

static int
add_piece_tuple(Walk *w, PyObject *piece)  /* borrows piece */
{
    if (w->pieces == NULL) {
        w->pieces = PyList_New(0);
        if (w->pieces == NULL) return -1;
    }
    return PyList_Append(w->pieces, piece);
}

static int
add_piece(Walk *w, PyObject *text, PyObject *href)
{
    if (w->pieces == NULL) {
        w->pieces = PyList_New(0);
        if (w->pieces == NULL) return -1;
    }
    PyObject *t = PyTuple_New(2);
    if (t == NULL) return -1;
    PyTuple_SET_ITEM(t, 0, Py_NewRef(text));
    PyTuple_SET_ITEM(t, 1, Py_NewRef(href ? href : Py_None));
    PyObject_GC_UnTrack(t);  /* see "Objects" at the top */
    int r = PyList_Append(w->pieces, t);
    Py_DECREF(t);
    return r;
}

/* href == MARKDOWN_ONLY (a piece's href is a str or None) */
static inline int
is_markdown_only(PyObject *href)
{
    if (href == cfg.markdown_only) return 1;
    if (href == Py_None || !PyUnicode_Check(href)) return 0;
    return PyUnicode_GET_LENGTH(href) == PyUnicode_GET_LENGTH(cfg.markdown_only) &&
           PyUnicode_Compare(href, cfg.markdown_only) == 0;
}

static int
ensure_buf(Walk *w, size_t n)
{
    if (n <= w->buf_cap) return 0;
    size_t cap = n + n / 2 + 256;
    Py_UCS4 *b = PyMem_Realloc(w->buf, cap * sizeof(Py_UCS4));
    if (b == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    w->buf = b;
    w->buf_cap = cap;
    return 0;
}

/* Length of s.strip() (Unicode whitespace). */
static Py_ssize_t
stripped_len(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), i = 0, j = n;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    while (i < j && is_space(PyUnicode_READ(kind, data, i))) i++;
    while (j > i && is_space(PyUnicode_READ(kind, data, j - 1))) j--;
    return j - i;
}

static int
grow_block_arrays(Walk *w, size_t n)
{
    if (n < w->bc_cap) return 0;
    size_t cap = w->bc_cap ? w->bc_cap * 2 : 256;
    int64_t *a = PyMem_Realloc(w->block_chars, cap * sizeof(int64_t));
    if (a == NULL) { PyErr_NoMemory(); return -1; }
    w->block_chars = a;
    int64_t *b = PyMem_Realloc(w->block_links, cap * sizeof(int64_t));
    if (b == NULL) { PyErr_NoMemory(); return -1; }
    w->block_links = b;
    w->bc_cap = cap;
    return 0;
}

/* A new reference to int(i) for an element index (or -1): made once per index and shared, as the Python
   walker's Element and Block fields share its `index` ints. */
static PyObject *
index_int(Walk *w, Py_ssize_t i)
{
    if (i < 256) return PyLong_FromSsize_t(i);  /* -1 and small ints: CPython's own cached objects */
    if ((size_t)i >= w->ints_cap) {
        size_t cap = w->ints_cap ? w->ints_cap : 1024;
        while (cap <= (size_t)i) cap *= 2;
        PyObject **fresh = PyMem_Realloc(w->ints, cap * sizeof(PyObject *));
        if (fresh == NULL) return PyErr_NoMemory();
        memset(fresh + w->ints_cap, 0, (cap - w->ints_cap) * sizeof(PyObject *));
        w->ints = fresh;
        w->ints_cap = cap;
    }
    if (w->ints[i] == NULL && (w->ints[i] = PyLong_FromSsize_t(i)) == NULL) return NULL;
    return Py_NewRef(w->ints[i]);
}

/* The other int fields repeat: the signature and shape of every card of a list, the flags of a whole
   subtree, a wrapper's chars and prose equal to its only child's. One int object per value, from a
   direct-mapped table, spares allocating (and later freeing) most of them: on the benchmark pages about
   three in four of the ints outside CPython's small-int range. The table lives across walks (ints are
   immutable; it holds one reference to each), so a page meets the common signatures already made. */
#define INT_CACHE_BITS 11
static struct {
    int64_t value;
    PyObject *obj;  /* owned; NULL: empty */
} int_cache[1 << INT_CACHE_BITS];

static PyObject *
value_int(int64_t v)
{
    if (v >= -5 && v <= 256) return PyLong_FromLongLong(v);  /* CPython's own cached objects */
    uint64_t h = (uint64_t)v * 0x9E3779B97F4A7C15ULL;
    size_t k = (size_t)(h >> (64 - INT_CACHE_BITS));
    if (int_cache[k].obj != NULL && int_cache[k].value == v) return Py_NewRef(int_cache[k].obj);
    PyObject *o = PyLong_FromLongLong(v);
    if (o == NULL) return NULL;
    Py_XSETREF(int_cache[k].obj, Py_NewRef(o));
    int_cache[k].value = v;
    return o;
}

static inline int
set_slot(PyObject *obj, Py_ssize_t off, PyObject *value)  /* steals value */
{
    if (value == NULL) return -1;
    *(PyObject **)((char *)obj + off) = value;
    return 0;
}

/* Can instances of `type` be made as PyType_GenericAlloc makes them, less tracking them by the cyclic
   collector (see "Objects" at the top)? A plain GC type with slots only: no __dict__, no __weakref__. */
static int
plain_slots_type(PyTypeObject *type)
{
    return type->tp_alloc == PyType_GenericAlloc && PyType_IS_GC(type) && type->tp_dictoffset == 0 &&
           type->tp_weaklistoffset == 0 && !(type->tp_flags & Py_TPFLAGS_MANAGED_DICT);
}

static PyObject *
new_instance(PyTypeObject *type, int plain)
{
    if (!plain) return type->tp_alloc(type, 0);
    PyObject *o = PyObject_GC_New(PyObject, type);
    if (o != NULL) memset((char *)o + sizeof(PyObject), 0, (size_t)type->tp_basicsize - sizeof(PyObject));
    return o;
}

/* Collapsing ASCII text eight bytes at a time (see WORDS_LE): the bytes of a word and the single spaces
   between words (most of a text) are copied as they are; a chunk holding anything else (a control
   character, tab and newline among them, or two spaces in a row) goes byte by byte. */
static inline uint64_t controls(uint64_t v) { return ~(((v & ~HIGHS) + ONES * 0x60) | v) & HIGHS; }
static inline uint64_t spaces(uint64_t v) { return zero_bytes(v ^ (ONES * 0x20)); }

/* Append data[k:end] to buf[*n:], collapsing whitespace: a space before a word when whitespace came
   between it and an earlier word (*pending). Branch-free; buf has room for two more bytes than the
   output. */
static inline void
collapse_bytes(unsigned char *buf, size_t *n_io, size_t *pending_io, const unsigned char *data, Py_ssize_t k,
               Py_ssize_t end)
{
    size_t n = *n_io, pending = *pending_io;
    for (; k < end; k++) {
        unsigned char c = data[k];
        size_t ws = _Py_ascii_whitespace[c] != 0;
        buf[n] = ' ';
        n += pending & (ws ^ 1);
        buf[n] = c;
        n += ws ^ 1;
        pending = ws & (n > 0);
    }
    *n_io = n;
    *pending_io = pending;
}

/* The non-<pre> text of pieces that are all ASCII: " ".join(joined.split()), strip(), and for a heading
   strip(HEADING_MARKERS); no line breaks (LINE_BREAK is not ASCII). A new str, or None if empty. A
   block's only piece, when it is that text already (more than half of all blocks), is the text: the
   same str, not a copy. */
static PyObject *
collapse_ascii(Walk *w, PyObject *pieces, Py_ssize_t np, Py_ssize_t total, int heading)
{
    if (ensure_buf(w, (size_t)total / 4 + 2) < 0) return NULL;
    unsigned char *buf = (unsigned char *)w->buf;
    size_t n = 0, start = 0, pending = 0;
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (is_markdown_only(PyTuple_GET_ITEM(p, 1))) continue;
        PyObject *s = PyTuple_GET_ITEM(p, 0);
        Py_ssize_t m = PyUnicode_GET_LENGTH(s), k = 0;
        const unsigned char *data = PyUnicode_1BYTE_DATA(s);
#if WORDS_LE
        /* The output never runs ahead of the input, so eight bytes written at n stay in the buffer. */
        const uint64_t first = 0x80, last = 0x80ULL << 56;
        for (; k + 8 <= m; k += 8) {
            uint64_t v, sp;
            memcpy(&v, data + k, 8);
            sp = spaces(v);
            if (controls(v) || (sp & (sp >> 8)) || ((sp & first) && (pending || n == 0))) {
                collapse_bytes(buf, &n, &pending, data, k, k + 8);
                continue;
            }
            buf[n] = ' ';
            n += pending;
            memcpy(buf + n, &v, 8);
            /* a space ending the chunk is whitespace pending, not yet a separator */
            n += (sp & last) ? 7 : 8;
            pending = (sp & last) != 0;
        }
#endif
        collapse_bytes(buf, &n, &pending, data, k, m);
    }
    if (heading) {
        PyObject *mk = cfg.heading_markers;
        Py_ssize_t ml = PyUnicode_GET_LENGTH(mk);
        while (start < n && PyUnicode_FindChar(mk, buf[start], 0, ml, 1) >= 0) start++;
        while (n > start && PyUnicode_FindChar(mk, buf[n - 1], 0, ml, 1) >= 0) n--;
        /* what the markers uncovered is stripped already: collapse left no space at either end, and the
           markers hold the space (strip(HEADING_MARKERS) runs after strip()) */
    }
    if (n == start) Py_RETURN_NONE;
    if (np == 1) {
        PyObject *only = PyTuple_GET_ITEM(PyList_GET_ITEM(pieces, 0), 0);
        if ((size_t)PyUnicode_GET_LENGTH(only) == n - start && memcmp(PyUnicode_1BYTE_DATA(only), buf + start, n - start) == 0)
            return Py_NewRef(only);
    }
    PyObject *text = PyUnicode_New((Py_ssize_t)(n - start), 127);
    if (text == NULL) return NULL;
    memcpy(PyUnicode_1BYTE_DATA(text), buf + start, n - start);
    return text;
}

/* The str of buf[0:n] (as wide as `maxc`, an OR of its characters: wider than the widest only within
   its kind, so the kind it picks is the narrowest, as str requires). */
static PyObject *
str_of(const Py_UCS4 *buf, size_t n, Py_UCS4 maxc)
{
    PyObject *text = PyUnicode_New((Py_ssize_t)n, maxc > 0xFFFF ? 0x10FFFF : maxc);
    if (text == NULL) return NULL;
    void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: for (size_t i = 0; i < n; i++) ((Py_UCS1 *)data)[i] = (Py_UCS1)buf[i]; break;
    case PyUnicode_2BYTE_KIND: for (size_t i = 0; i < n; i++) ((Py_UCS2 *)data)[i] = (Py_UCS2)buf[i]; break;
    default: memcpy(data, buf, n * sizeof(Py_UCS4)); break;
    }
    return text;
}

/* The non-<pre> text of pieces not all ASCII: " ".join(joined.split()), fold_breaks (LINE_BREAK is not
   ASCII), and for a heading strip(HEADING_MARKERS). A new str, or None if empty; as collapse_ascii, a
   block's only piece when it is that text already. */
static PyObject *
collapse_wide(Walk *w, PyObject *pieces, Py_ssize_t np, Py_ssize_t total, int heading)
{
    if (ensure_buf(w, (size_t)total + 2) < 0) return NULL;
    Py_UCS4 *buf = w->buf;
    size_t n = 0, start = 0, pending = 0, breaks = 0;
    Py_UCS4 maxc = 0;  /* of the characters kept, LINE_BREAK aside (fold_breaks replaces it) */
    const Py_UCS4 lb = cfg.line_break;
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (is_markdown_only(PyTuple_GET_ITEM(p, 1))) continue;
        PyObject *s = PyTuple_GET_ITEM(p, 0);
        Py_ssize_t m = PyUnicode_GET_LENGTH(s);
        const void *data = PyUnicode_DATA(s);
        /* branch-free, as collapse_bytes (buf has room for two more characters than the output) */
#define COLLAPSE(T)                                                                            \
        for (Py_ssize_t k = 0; k < m; k++) {                                                   \
            Py_UCS4 c = ((const T *)data)[k];                                                  \
            size_t ws = is_space(c), kept = ws ^ 1, is_lb = c == lb;                           \
            buf[n] = ' ';                                                                      \
            n += pending & kept;                                                               \
            buf[n] = c;                                                                        \
            n += kept;                                                                         \
            pending = ws & (n > 0);                                                            \
            breaks |= is_lb;                                                                   \
            maxc |= c & (Py_UCS4)(0 - (kept & (is_lb ^ 1)));                                   \
        }
        switch (PyUnicode_KIND(s)) {
        case PyUnicode_1BYTE_KIND: COLLAPSE(Py_UCS1) break;
        case PyUnicode_2BYTE_KIND: COLLAPSE(Py_UCS2) break;
        default: COLLAPSE(Py_UCS4) break;
        }
#undef COLLAPSE
    }
    /* fold_breaks: each " ?(?:\ue000 ?)+" to "\n" (one break) or "\n\n" (several), then strip() */
    if (breaks) {
        size_t r = 0, o = 0;
        while (r < n) {
            if (buf[r] == lb || (buf[r] == ' ' && r + 1 < n && buf[r + 1] == lb)) {
                int count = 0;
                if (buf[r] == ' ') r++;
                while (r < n && buf[r] == lb) {
                    count++;
                    r++;
                    if (r < n && buf[r] == ' ') r++;
                }
                buf[o++] = '\n';
                if (count > 1) buf[o++] = '\n';
            } else {
                buf[o++] = buf[r++];
            }
        }
        n = o;
    }
    while (start < n && is_space(buf[start])) start++;
    while (n > start && is_space(buf[n - 1])) n--;
    if (heading) {
        PyObject *mk = cfg.heading_markers;
        Py_ssize_t ml = PyUnicode_GET_LENGTH(mk);
        size_t was_start = start, was_n = n;
        while (start < n && PyUnicode_FindChar(mk, buf[start], 0, ml, 1) >= 0) start++;
        while (n > start && PyUnicode_FindChar(mk, buf[n - 1], 0, ml, 1) >= 0) n--;
        if (start != was_start || n != was_n) {  /* a marker may have been the widest character */
            maxc = 0;
            for (size_t k = start; k < n; k++) maxc |= buf[k];
        }
    }
    if (n == start) Py_RETURN_NONE;
    if (np == 1) {
        PyObject *only = PyTuple_GET_ITEM(PyList_GET_ITEM(pieces, 0), 0);
        if ((size_t)PyUnicode_GET_LENGTH(only) == n - start) {
            int kind = PyUnicode_KIND(only);
            const void *data = PyUnicode_DATA(only);
            size_t k = 0;
            while (k < n - start && PyUnicode_READ(kind, data, k) == buf[start + k]) k++;
            if (k == n - start) return Py_NewRef(only);
        }
    }
    return str_of(buf + start, n - start, maxc);
}

/* The text of pieces in <pre>: joined, stripped of newlines at either end; None if only whitespace. */
static PyObject *
pre_text(Walk *w, PyObject *pieces, Py_ssize_t np, Py_ssize_t total)
{
    if (ensure_buf(w, (size_t)total + 1) < 0) return NULL;
    Py_UCS4 *buf = w->buf;
    size_t n = 0, start = 0;
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        if (is_markdown_only(PyTuple_GET_ITEM(p, 1))) continue;
        PyObject *s = PyTuple_GET_ITEM(p, 0);
        Py_ssize_t m = PyUnicode_GET_LENGTH(s);
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        for (Py_ssize_t k = 0; k < m; k++) buf[n++] = PyUnicode_READ(kind, data, k);
    }
    while (start < n && buf[start] == '\n') start++;
    while (n > start && buf[n - 1] == '\n') n--;
    size_t k = start;
    while (k < n && is_space(buf[k])) k++;
    if (k == n) Py_RETURN_NONE;
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf + start, (Py_ssize_t)(n - start));
}

/* _Walker._flush */
static int
flush(Walk *w)
{
    PyObject *pieces = w->pieces, *text = NULL;
    if (pieces == NULL || PyList_GET_SIZE(pieces) == 0) return 0;
    w->pieces = NULL;
    Frame *frame = &w->frames[w->frames_n - 1];
    Py_ssize_t np = PyList_GET_SIZE(pieces), total = 0;
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(pieces, i);
        total += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(p, 0));
    }
    if (frame->pre) {
        text = pre_text(w, pieces, np, total);
    } else {
        int ascii = 1;
        for (Py_ssize_t i = 0; i < np && ascii; i++)
            ascii = PyUnicode_IS_ASCII(PyTuple_GET_ITEM(PyList_GET_ITEM(pieces, i), 0));
        text = ascii ? collapse_ascii(w, pieces, np, total, frame->kind == K_HEADING)
                     : collapse_wide(w, pieces, np, total, frame->kind == K_HEADING);
    }
    if (text == NULL) goto fail;
    if (text == Py_None) {
        Py_DECREF(pieces);
        return 0;
    }

    int64_t link_chars = 0, links = 0;
    if (w->had_link) {
        PyObject *previous = Py_None;
        for (Py_ssize_t i = 0; i < np; i++) {
            PyObject *p = PyList_GET_ITEM(pieces, i);
            PyObject *href = PyTuple_GET_ITEM(p, 1);
            if (href != Py_None && !is_markdown_only(href)) {
                link_chars += stripped_len(PyTuple_GET_ITEM(p, 0));
                int ne = PyObject_RichCompareBool(href, previous, Py_NE);
                if (ne < 0) goto fail;
                links += ne;
            }
            previous = href;
        }
        w->had_link = w->href != NULL;
    }
    Py_ssize_t position = PyList_GET_SIZE(w->blocks);
    if (grow_block_arrays(w, (size_t)position) < 0) goto fail;
    PyObject *b = new_instance(cfg.block_type, cfg.block_plain);
    if (b == NULL) goto fail;
    const Py_ssize_t *off = cfg.block_off;
    int bad = 0;
    bad |= set_slot(b, off[B_ELEMENT], index_int(w, w->open[w->open_n - 1]));
    bad |= set_slot(b, off[B_KIND], Py_NewRef(cfg.kinds[frame->kind]));
    bad |= set_slot(b, off[B_PIECES], pieces);
    pieces = NULL;
    bad |= set_slot(b, off[B_TEXT], Py_NewRef(text));
    bad |= set_slot(b, off[B_LINK_CHARS], value_int(link_chars));
    bad |= set_slot(b, off[B_LINKS], value_int(links));
    bad |= set_slot(b, off[B_LEVEL], value_int(frame->level));
    bad |= set_slot(b, off[B_LIST_ELEMENT], index_int(w, frame->list_element));
    bad |= set_slot(b, off[B_ORDERED], PyBool_FromLong(frame->ordered));
    bad |= set_slot(b, off[B_LIST_DEPTH], value_int(frame->list_depth));
    bad |= set_slot(b, off[B_TABLE], index_int(w, frame->table));
    bad |= set_slot(b, off[B_ROW], index_int(w, frame->row));
    bad |= set_slot(b, off[B_QUOTE], index_int(w, frame->quote));
    bad |= set_slot(b, off[B_POSITION], index_int(w, position));
    bad |= set_slot(b, off[B_SCORE], Py_NewRef(cfg.zero_float));
    bad |= set_slot(b, off[B_RULE], Py_NewRef(Py_None));
    bad |= set_slot(b, off[B_LABEL], Py_NewRef(Py_None));
    bad |= set_slot(b, off[B_CHARS], value_int(PyUnicode_GET_LENGTH(text)));
    PyObject_GC_UnTrack(b);
    PyObject_GC_UnTrack(*(PyObject **)((char *)b + off[B_PIECES]));
    if (bad || PyList_Append(w->blocks, b) < 0) {
        Py_DECREF(b);
        goto fail;
    }
    Py_DECREF(b);
    w->block_chars[position] = (int64_t)PyUnicode_GET_LENGTH(text);
    w->block_links[position] = link_chars;
    Py_DECREF(text);
    return 0;
fail:
    Py_XDECREF(pieces);
    Py_XDECREF(text);
    return -1;
}

/* -- class and id: what an element's class and id strings give, once per distinct pair within a page -- */

/* attribute_category(names) for the entry's names (None when names is empty), computed once;
   a borrowed reference. names = attrs.get("class") or ""; with an id: f"{names} {attrs['id'] or ''}" */
static PyObject *
names_category(Walk *w, ClassEntry *entry)
{
    if (entry->category != NULL) return entry->category;
    if (w->rules != NULL &&
        classify_ascii(w->rules, entry->cls, entry->cls_len, entry->id, entry->id_len, &entry->category))
        return entry->category;
    PyObject *names, *cls = entry->cls_state == 2 ? decode(entry->cls, entry->cls_len) : Py_NewRef(cfg.s_empty);
    if (cls == NULL) return NULL;
    if (entry->id_state) {
        PyObject *id = entry->id_state == 2 ? decode(entry->id, entry->id_len) : Py_NewRef(cfg.s_empty);
        if (id == NULL) { Py_DECREF(cls); return NULL; }
        PyObject *left = PyUnicode_Concat(cls, cfg.s_space);
        names = left ? PyUnicode_Concat(left, id) : NULL;
        Py_XDECREF(left);
        Py_DECREF(id);
        Py_DECREF(cls);
        if (names == NULL) return NULL;
    } else {
        names = cls;
    }
    if (PyUnicode_GET_LENGTH(names) > 0) entry->category = PyObject_CallOneArg(w->attribute_category, names);
    else entry->category = Py_NewRef(Py_None);
    Py_DECREF(names);
    return entry->category;
}

static size_t class_home(const void *entry) { return (size_t)((const ClassEntry *)entry)->h; }
static int class_used(const void *entry) { return ((const ClassEntry *)entry)->used; }

/* The entry for this element's class and id (raw bytes: equal bytes decode to equal strings). */
static ClassEntry *
class_entry(Walk *w, Attrs *a)
{
    int cs = a->has[A_CLASS] ? (a->val[A_CLASS] ? 2 : 1) : 0, is = a->has[A_ID] ? (a->val[A_ID] ? 2 : 1) : 0;
    const unsigned char *c = cs == 2 ? a->val[A_CLASS] : NULL, *d = is == 2 ? a->val[A_ID] : NULL;
    size_t cl = cs == 2 ? a->len[A_CLASS] : 0, dl = is == 2 ? a->len[A_ID] : 0;
    uint64_t h = hash_bytes((uint64_t)(cs * 4 + is), c, cl);
    h = hash_bytes(h, d, dl);
    if (w->classes_n * 2 >= w->classes_cap &&
        grow_if_half_full((void **)&w->classes, &w->classes_cap, w->classes_n, sizeof(ClassEntry), class_used,
                          class_home) < 0)
        return NULL;
    size_t k = (size_t)h & (w->classes_cap - 1);
    for (;; k = (k + 1) & (w->classes_cap - 1)) {
        ClassEntry *e = &w->classes[k];
        if (!e->used) break;
        if (e->h == h && e->cls_state == cs && e->id_state == is && e->cls_len == cl && e->id_len == dl &&
            (cl == 0 || memcmp(e->cls, c, cl) == 0) && (dl == 0 || memcmp(e->id, d, dl) == 0))
            return e;
    }
    ClassEntry *e = &w->classes[k];
    memset(e, 0, sizeof(*e));
    e->h = h;
    e->cls = c;
    e->cls_len = cl;
    e->cls_state = cs;
    e->id = d;
    e->id_len = dl;
    e->id_state = is;
    if (cs == 2 && all_ascii(c, cl)) {
        e->cls_hash = ascii_str_hash(c, cl);
    } else if (cs == 2) {
        PyObject *cls = decode(c, cl);
        if (cls == NULL) return NULL;
        e->cls_hash = PyObject_Hash(cls);
        Py_DECREF(cls);
        if (e->cls_hash == -1) return NULL;
    } else {
        e->cls_hash = PyObject_Hash(Py_None);
    }
    e->used = 1;
    w->classes_n++;
    return e;
}

static size_t style_home(const void *entry) { return (size_t)((const StyleEntry *)entry)->h; }
static int style_used(const void *entry) { return ((const StyleEntry *)entry)->used; }

/* bool(_HIDDEN_STYLE.search(style)) for a style attribute's value (not empty), once per distinct value
   within a page: keyed on its bytes, it is decoded (and searched) only the first time. */
static int
style_hidden(Walk *w, const unsigned char *p, size_t n)
{
    uint64_t h = hash_bytes(0, p, n);
    if (w->styles_n * 2 >= w->styles_cap &&
        grow_if_half_full((void **)&w->styles, &w->styles_cap, w->styles_n, sizeof(StyleEntry), style_used,
                          style_home) < 0)
        return -1;
    size_t k = (size_t)h & (w->styles_cap - 1);
    for (;; k = (k + 1) & (w->styles_cap - 1)) {
        StyleEntry *e = &w->styles[k];
        if (!e->used) break;
        if (e->h == h && e->n == n && memcmp(e->p, p, n) == 0) return e->hidden;
    }
    PyObject *style = decode(p, n);
    if (style == NULL) return -1;
    PyObject *m = PyObject_CallOneArg(cfg.hidden_search, style);
    Py_DECREF(style);
    if (m == NULL) return -1;
    int hidden = PyObject_IsTrue(m);
    Py_DECREF(m);
    if (hidden < 0) return -1;
    StyleEntry *e = &w->styles[k];
    e->h = h;
    e->p = p;
    e->n = n;
    e->hidden = hidden;
    e->used = 1;
    w->styles_n++;
    return hidden;
}

/* rules.is_panel(f"{class or ''} {id or ''}", attrs.get("role")) for a hidden element: 1, 0, or -1 on error. */
static int
hidden_panel(Attrs *a)
{
    PyObject *cls = a->val[A_CLASS] ? decode(a->val[A_CLASS], a->len[A_CLASS]) : Py_NewRef(cfg.s_empty);
    if (cls == NULL) return -1;
    PyObject *id = a->val[A_ID] ? decode(a->val[A_ID], a->len[A_ID]) : Py_NewRef(cfg.s_empty);
    if (id == NULL) { Py_DECREF(cls); return -1; }
    PyObject *names = PyUnicode_FromFormat("%U %U", cls, id);
    Py_DECREF(cls);
    Py_DECREF(id);
    if (names == NULL) return -1;
    PyObject *role = a->val[A_ROLE] ? decode(a->val[A_ROLE], a->len[A_ROLE]) : Py_NewRef(Py_None);
    if (role == NULL) { Py_DECREF(names); return -1; }
    PyObject *result = PyObject_CallFunctionObjArgs(cfg.is_panel, names, role, NULL);
    Py_DECREF(names);
    Py_DECREF(role);
    if (result == NULL) return -1;
    int panel = PyObject_IsTrue(result);
    Py_DECREF(result);
    return panel;
}

/* _element_mark for an element with attributes (not body/html); returns a new reference. */
static PyObject *
element_mark(Walk *w, TagInfo *t, Attrs *a, ClassEntry *entry)
{
    int r;
    if (a->has[A_STYLE] || a->has[A_HIDDEN] || a->has[A_ARIA_HIDDEN]) {
        int hidden = a->has[A_HIDDEN] ||
                     (a->val[A_ARIA_HIDDEN] && BYTES_IS(a->val[A_ARIA_HIDDEN], a->len[A_ARIA_HIDDEN], "true"));
        if (!hidden && a->has[A_STYLE] && a->len[A_STYLE] > 0) {
            hidden = style_hidden(w, a->val[A_STYLE], a->len[A_STYLE]);
            if (hidden < 0) return NULL;
        }
        if (hidden) {
            int panel = hidden_panel(a);
            if (panel < 0) return NULL;
            if (!panel) return Py_NewRef(cfg.s_hidden);
        }
    }
    if (a->has[A_ROLE] && a->val[A_ROLE] != NULL) {
        PyObject *role = decode(a->val[A_ROLE], a->len[A_ROLE]);
        if (role == NULL) return NULL;
        r = PySequence_Contains(cfg.dialog_roles, role);
        if (r < 0) { Py_DECREF(role); return NULL; }
        if (r) { Py_DECREF(role); return PyUnicode_FromString("modal"); }
        if (a->val[A_ARIA_MODAL] && BYTES_IS(a->val[A_ARIA_MODAL], a->len[A_ARIA_MODAL], "true")) {
            Py_DECREF(role);
            return PyUnicode_FromString("modal");
        }
        PyObject *cat = PyDict_GetItemWithError(cfg.role_categories, role);
        Py_DECREF(role);
        if (cat) return Py_NewRef(cat);
        if (PyErr_Occurred()) return NULL;
    } else if (a->val[A_ARIA_MODAL] && BYTES_IS(a->val[A_ARIA_MODAL], a->len[A_ARIA_MODAL], "true")) {
        return PyUnicode_FromString("modal");
    }
    /* (attribute_category(names) if names else None) or TAG_CATEGORIES.get(tag) */
    PyObject *cat = names_category(w, entry);
    if (cat == NULL) return NULL;
    r = PyObject_IsTrue(cat);
    if (r < 0) return NULL;
    return Py_NewRef(r ? cat : t->category);
}

/* _Walker._open for a block element (root: node NULL) */
static int
open_element(Walk *w, lxb_node *node, TagInfo *t, PyObject *root_tag)
{
    if (w->pieces && PyList_GET_SIZE(w->pieces) && flush(w) < 0) return -1;
    GROW(w->elems, w->elems_n, w->elems_cap, Elem);
    GROW(w->open, w->open_n, w->open_cap, Py_ssize_t);
    GROW(w->frames, w->frames_n, w->frames_cap, Frame);
    Py_ssize_t index = (Py_ssize_t)w->elems_n;
    Elem *e = &w->elems[index];
    memset(e, 0, sizeof(*e));
    w->open[w->open_n++] = index;
    if (node == NULL) {  /* the root: _open(root, "body", {}) */
        PyObject *mark = mapping_get(w->tag_categories, root_tag);
        if (mark == NULL) return -1;
        PyObject *f = PyDict_GetItemWithError(cfg.ancestor_flags, root_tag);
        if (f == NULL && PyErr_Occurred()) { Py_DECREF(mark); return -1; }
        e->tag = root_tag;
        e->mark = mark;
        e->parent = -1;
        e->flags = f ? PyLong_AsLong(f) : 0;
        w->elems_n++;
        Frame *fr = &w->frames[w->frames_n++];
        memset(fr, 0, sizeof(*fr));
        fr->kind = K_PARAGRAPH;
        fr->list_element = fr->table = fr->row = fr->quote = -1;
        return 0;
    }
    Attrs a;
    scan_attrs(node, &a);
    PyObject *mark;
    Py_hash_t signature;
    if (a.any) {
        ClassEntry *entry = class_entry(w, &a);
        if (entry == NULL) return -1;
        signature = pair_hash(t->hash, entry->cls_hash);  /* hash((tag, attrs.get("class"))) */
        mark = t->body_or_html ? Py_NewRef(t->category) : element_mark(w, t, &a, entry);
    } else {
        signature = t->hash;  /* hash(tag) */
        mark = Py_NewRef(t->category);
    }
    if (mark == NULL) return -1;
    Frame parent = w->frames[w->frames_n - 1];
    Py_ssize_t parent_index = w->open[w->open_n - 2];
    Elem *above = &w->elems[parent_index];
    long flags = above->flags | t->ancestor_flag;
    if (mark != Py_None) {
        PyObject *f = PyDict_GetItemWithError(cfg.mark_flags, mark);
        if (f == NULL && PyErr_Occurred()) { Py_DECREF(mark); return -1; }
        if (f) {
            long v = PyLong_AsLong(f);
            if (v == -1 && PyErr_Occurred()) { Py_DECREF(mark); return -1; }
            flags |= v;
        }
        if (a.has[A_ITEMSCOPE] && str_equals_ascii(mark, "hidden")) flags |= cfg.schema_copy;
    }
    e->tag = t->tag;
    e->mark = mark;
    e->parent = parent_index;
    e->depth = above->depth + 1;
    e->flags = flags;
    e->signature = signature;
    e->shape = pair_hash(int_hash(signature), int_hash(above->signature));
    w->elems_n++;
    if (parent.kind == K_CELL && !t->is_table_tag) {
        Py_ssize_t ti = parent.table < 0 ? parent.table + (Py_ssize_t)w->elems_n : parent.table;
        w->elems[ti].layout = 1;
    }
    Frame fr = parent;
    switch (t->ctx) {
    case C_NONE: break;
    case C_HEADING: fr.kind = K_HEADING; fr.level = t->level; break;
    case C_LIST: fr.list_element = index; fr.ordered = t->ordered; fr.list_depth += 1; break;
    case C_ITEM: fr.kind = K_ITEM; break;
    case C_TABLE: fr.table = index; fr.kind = K_PARAGRAPH; break;
    case C_TR: fr.row = index; break;
    case C_CELL: fr.kind = K_CELL; break;
    case C_PRE: fr.kind = K_CODE; fr.pre = 1; break;
    case C_BLOCKQUOTE: fr.quote = index; break;
    case C_FIGCAPTION: fr.kind = K_CAPTION; break;
    case C_P:
        if (fr.kind != K_ITEM && fr.kind != K_CELL && fr.kind != K_CAPTION) fr.kind = K_PARAGRAPH;
        break;
    default: break;
    }
    w->frames[w->frames_n++] = fr;
    return 0;
}

static void
open_link(Walk *w, PyObject *href)  /* borrows href (str or None) */
{
    w->had_link = 1;
    w->link_depth += 1;
    if (w->link_depth == 1) {
        Py_CLEAR(w->space_piece);
        Py_XDECREF(w->href);
        w->href = (href != Py_None && PyObject_IsTrue(href) == 1) ? Py_NewRef(href) : Py_NewRef(cfg.s_empty);
    }
}

static void
close_link(Walk *w)
{
    w->link_depth -= 1;
    if (w->link_depth == 0) {
        Py_CLEAR(w->href);
        Py_CLEAR(w->space_piece);
    }
}

/* Is the text node's data only ASCII whitespace (as str.isspace() counts it)? */
static inline int
ascii_blank(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (!(c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))) return 0;
    }
    return 1;
}

static int
str_isspace(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 0) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) return 0;
    return 1;
}

static int
whitespace_piece(Walk *w)
{
    /* one space at most, none at a block's start */
    if (w->pieces == NULL || PyList_GET_SIZE(w->pieces) == 0) return 0;
    PyObject *last = PyTuple_GET_ITEM(PyList_GET_ITEM(w->pieces, PyList_GET_SIZE(w->pieces) - 1), 0);
    Py_ssize_t n = PyUnicode_GET_LENGTH(last);
    if (n > 0) {
        Py_UCS4 c = PyUnicode_READ_CHAR(last, n - 1);
        if (c == ' ' || c == '\n' || c == cfg.line_break) return 0;
    }
    if (w->href == NULL) return add_piece_tuple(w, cfg.t_space);
    if (w->space_piece == NULL) {  /* (" ", href), one per link */
        w->space_piece = PyTuple_Pack(2, cfg.s_space, w->href);
        if (w->space_piece == NULL) return -1;
        PyObject_GC_UnTrack(w->space_piece);
    }
    return add_piece_tuple(w, w->space_piece);
}

static int
text_node(Walk *w, lxb_node *node)
{
    if (node->type != LXB_NODE_TEXT) return 0;  /* text_content is None */
    lxb_chardata *cd = (lxb_chardata *)node;
    const unsigned char *data = cd->data.data;
    size_t len = cd->data.length;
    if (data == NULL || len == 0) return 0;
    int pre = w->frames[w->frames_n - 1].pre;
    if (!pre && ascii_blank(data, len)) return whitespace_piece(w);
    PyObject *text = decode(data, len);
    if (text == NULL) return -1;
    if (PyUnicode_GET_LENGTH(text) == 0) {
        Py_DECREF(text);
        return 0;
    }
    int r;
    if (!pre && str_isspace(text)) r = whitespace_piece(w);
    else r = add_piece(w, text, w->href);
    Py_DECREF(text);
    return r;
}

static int
skipped_node(Walk *w, lxb_node *node, TagInfo *t)
{
    if (t->cls == T_IMG) {
        PyObject *attrs = attributes_dict(node);
        if (attrs == NULL) return -1;
        PyObject *item = Py_BuildValue("(Nn)", attrs, w->open[w->open_n - 1]);
        if (item == NULL) return -1;
        int r = PyList_Append(w->images, item);
        Py_DECREF(item);
        return r;
    }
    if (t->cls == T_SCRIPT) {
        Attrs a;
        scan_attrs(node, &a);
        if (a.val[A_TYPE] && BYTES_IS(a.val[A_TYPE], a.len[A_TYPE], "application/ld+json")) {
            PyObject *s = deep_text(node);
            if (s == NULL) return -1;
            int r = PyList_Append(w->structured_data, s);
            Py_DECREF(s);
            return r;
        }
    }
    return 0;
}

static int
element_node(Walk *w, lxb_node *node)
{
    int none;
    TagInfo *t = tag_info(w, node, &none);
    if (t == NULL) return none ? 0 : -1;
    Frame *top = &w->frames[w->frames_n - 1];
    switch (t->cls) {
    case T_SKIP:
        return 0;
    case T_IMG:
    case T_SCRIPT:
        return skipped_node(w, node, t);
    case T_BR:
        return add_piece_tuple(w, top->pre ? cfg.t_newline : cfg.t_line_break);
    case T_BLOCK:
        if (open_element(w, node, t, NULL) < 0 || push(w, CLOSE_BLOCK) < 0) return -1;
        break;
    case T_A: {
        Attrs a;
        scan_attrs(node, &a);
        PyObject *href = attr_str(&a, A_HREF);
        if (href == NULL) return -1;
        open_link(w, href);
        Py_DECREF(href);
        if (push(w, CLOSE_LINK) < 0) return -1;
        break;
    }
    case T_CUSTOM: {
        Attrs a;
        scan_attrs(node, &a);
        if (a.has[A_HREF]) {
            PyObject *href = attr_str(&a, A_HREF);
            if (href == NULL) return -1;
            open_link(w, href);
            Py_DECREF(href);
            if (push(w, CLOSE_LINK) < 0) return -1;
        }
        break;
    }
    case T_CODE:
        if (!top->pre) {
            if (add_piece_tuple(w, cfg.t_backtick) < 0 || push(w, CLOSE_CODE) < 0) return -1;
        }
        break;
    default:
        break;
    }
    return push_first_child(w, node);
}

static PyObject *
finish(Walk *w)
{
    Elem *el = w->elems;
    Py_ssize_t nb = PyList_GET_SIZE(w->blocks);
    for (Py_ssize_t i = 0; i < nb; i++) {
        PyObject *b = PyList_GET_ITEM(w->blocks, i);
        Py_ssize_t ei = PyLong_AsSsize_t(*(PyObject **)((char *)b + cfg.block_off[B_ELEMENT]));
        int64_t n = w->block_chars[i], lc = w->block_links[i];
        int64_t prose = n - lc;
        el[ei].chars += n;
        el[ei].prose += (prose >= cfg.prose_min_chars && (double)lc <= 0.3 * (double)n) ? prose : 0;
    }
    int64_t comment_prose = 0;
    for (size_t i = 0; i < w->elems_n; i++) el[i].end = i + 1;
    for (size_t i = w->elems_n; i-- > 1;) {
        Elem *p = &el[el[i].parent];
        p->chars += el[i].chars;
        p->prose += el[i].prose;
        if (el[i].end > p->end) p->end = el[i].end;
        if ((el[i].flags & cfg.comments) && !(p->flags & cfg.comments)) comment_prose += el[i].prose;
    }
    PyObject *elements = PyList_New((Py_ssize_t)w->elems_n);
    if (elements == NULL) return NULL;
    const Py_ssize_t *off = cfg.element_off;
    for (size_t i = 0; i < w->elems_n; i++) {
        Elem *e = &el[i];
        PyObject *o = new_instance(cfg.element_type, cfg.element_plain);
        if (o == NULL) { Py_DECREF(elements); return NULL; }
        PyList_SET_ITEM(elements, (Py_ssize_t)i, o);
        int bad = 0;
        bad |= set_slot(o, off[E_TAG], Py_NewRef(e->tag));
        bad |= set_slot(o, off[E_PARENT], index_int(w, e->parent));
        bad |= set_slot(o, off[E_MARK], Py_NewRef(e->mark));
        bad |= set_slot(o, off[E_DEPTH], value_int(e->depth));
        bad |= set_slot(o, off[E_CHARS], value_int(e->chars));
        bad |= set_slot(o, off[E_PROSE], value_int(e->prose));
        bad |= set_slot(o, off[E_LAYOUT], PyBool_FromLong(e->layout));
        bad |= set_slot(o, off[E_FLAGS], value_int(e->flags));
        bad |= set_slot(o, off[E_SIGNATURE], value_int(e->signature));
        bad |= set_slot(o, off[E_SHAPE], value_int(e->shape));
        bad |= set_slot(o, off[E_END], index_int(w, (Py_ssize_t)e->end));
        if (bad) { Py_DECREF(elements); return NULL; }
        PyObject_GC_UnTrack(o);
    }
    int64_t root_chars = w->elems_n ? el[0].chars : 0, root_prose = w->elems_n ? el[0].prose : 0;
    PyObject *r = PyObject_CallFunction(cfg.page_cls, "NOLLLOO", elements, w->blocks, (long long)root_chars,
                                        (long long)root_prose, (long long)comment_prose, w->structured_data,
                                        w->images);
    return r;
}

static void
walk_free(Walk *w)
{
    PyMem_Free(w->tags);
    clear_tag_cache(&w->own_cache);  /* empty unless the walk was nested */
    for (size_t i = 0; i < w->elems_n; i++) Py_XDECREF(w->elems[i].mark);
    PyMem_Free(w->elems);
    PyMem_Free(w->stack);
    PyMem_Free(w->frames);
    PyMem_Free(w->open);
    PyMem_Free(w->block_chars);
    PyMem_Free(w->block_links);
    PyMem_Free(w->buf);
    for (size_t i = 0; i < w->ints_cap; i++) Py_XDECREF(w->ints[i]);
    PyMem_Free(w->ints);
    Py_XDECREF(w->blocks);
    Py_XDECREF(w->pieces);
    Py_XDECREF(w->href);
    Py_XDECREF(w->space_piece);
    Py_XDECREF(w->structured_data);
    Py_XDECREF(w->images);
    for (size_t i = 0; i < w->classes_cap; i++)
        if (w->classes[i].used) Py_XDECREF(w->classes[i].category);
    PyMem_Free(w->classes);
    PyMem_Free(w->styles);
}

static PyObject *
walk(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *mem_id, *root_tag, *attribute_tables = Py_None;
    Walk w;
    memset(&w, 0, sizeof(w));
    if (!PyArg_ParseTuple(args, "OUOOOOO|O:walk", &mem_id, &root_tag, &w.skipped, &w.block_tags,
                          &w.heading_levels, &w.tag_categories, &w.attribute_category, &attribute_tables))
        return NULL;
    if (!lx.ready || !cfg.ready) {
        PyErr_SetString(PyExc_RuntimeError, "copydesk._walk is not initialised");
        return NULL;
    }
    lxb_node *root = (lxb_node *)PyLong_AsVoidPtr(mem_id);
    if (root == NULL) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "null node");
        return NULL;
    }
    w.rules = class_rules(attribute_tables);
    use_tag_cache(&w, walks_running > 0);
    walks_running++;
    PyObject *result = NULL;
    /* The walk makes thousands of container objects and no reference cycles: the cyclic collector,
       which the allocations would otherwise start several times a page, is paused until it ends. */
    int gc_was_enabled = PyGC_Disable();
    w.blocks = PyList_New(0);
    w.structured_data = PyList_New(0);
    w.images = PyList_New(0);
    if (!w.blocks || !w.structured_data || !w.images) goto done;
    if (open_element(&w, NULL, NULL, root_tag) < 0) goto done;
    if (push_first_child(&w, root) < 0) goto done;
    while (w.stack_n) {
        uintptr_t item = w.stack[--w.stack_n];
        if (item == CLOSE_BLOCK) {
            if (w.pieces && PyList_GET_SIZE(w.pieces) && flush(&w) < 0) goto done;
            w.frames_n--;
            w.open_n--;
            continue;
        }
        if (item == CLOSE_LINK) {
            close_link(&w);
            continue;
        }
        if (item == CLOSE_CODE) {
            if (add_piece_tuple(&w, cfg.t_backtick) < 0) goto done;
            continue;
        }
        lxb_node *node = (lxb_node *)item;
        if (node->next != NULL && push(&w, (uintptr_t)node->next) < 0) goto done;
        uintptr_t id = node->local_name;  /* lxb_dom_node_tag_id_noi */
        if (id == LXB_TAG__TEXT) {
            if (text_node(&w, node) < 0) goto done;
            continue;
        }
        if (id == LXB_TAG__EM_DOCTYPE || id == LXB_TAG__EM_COMMENT || id == LXB_TAG__DOCUMENT) continue;
        if (node->type != LXB_NODE_ELEMENT) continue;  /* tag None */
        if (element_node(&w, node) < 0) goto done;
    }
    /* _close_block at the end */
    if (w.pieces && PyList_GET_SIZE(w.pieces) && flush(&w) < 0) goto done;
    if (w.frames_n > 1) {
        w.frames_n--;
        w.open_n--;
    }
    result = finish(&w);
done:
    walks_running--;
    walk_free(&w);
    if (gc_was_enabled) PyGC_Enable();
    return result;
}

/* ---- setup ----------------------------------------------------------------------------------------- */

static PyObject *
init(PyObject *Py_UNUSED(self), PyObject *arg)
{
    PyObject *path_bytes;
    if (!PyUnicode_FSConverter(arg, &path_bytes)) return NULL;
    void *h = dlopen(PyBytes_AS_STRING(path_bytes), RTLD_NOW | RTLD_NOLOAD);
    Py_DECREF(path_bytes);
    if (h == NULL) {
        PyErr_Format(PyExc_ImportError, "selectolax's lexbor module is not loaded: %s", dlerror());
        return NULL;
    }
#define SYM(field, name)                                                                     \
    do {                                                                                     \
        *(void **)(&lx.field) = dlsym(h, name);                                              \
        if (lx.field == NULL) {                                                              \
            PyErr_Format(PyExc_ImportError, "lexbor symbol %s not found", name);             \
            return NULL;                                                                     \
        }                                                                                    \
    } while (0)
    SYM(tag_id, "lxb_dom_node_tag_id_noi");
    SYM(type, "lxb_dom_node_type_noi");
    SYM(first_child, "lxb_dom_node_first_child_noi");
    SYM(next, "lxb_dom_node_next_noi");
    SYM(element_qname, "lxb_dom_element_qualified_name");
    SYM(first_attr, "lxb_dom_element_first_attribute_noi");
    SYM(next_attr, "lxb_dom_element_next_attribute_noi");
    SYM(attr_qname, "lxb_dom_attr_qualified_name");
    SYM(attr_value, "lxb_dom_attr_value_noi");
    SYM(simple_walk, "lxb_dom_node_simple_walk");
#undef SYM
    /* The handle is kept: dlclose would only drop the reference RTLD_NOLOAD took. */
    lx.ready = 1;
    Py_RETURN_NONE;
}

/* The walk makes these objects itself (see "Objects"): fixed-size instances allocated by tp_alloc. */
static int
walk_slot_offsets(PyObject *cls, const char **names, int n, Py_ssize_t *off)
{
    if (PyType_Check(cls) && (((PyTypeObject *)cls)->tp_itemsize != 0 || ((PyTypeObject *)cls)->tp_alloc == NULL)) {
        PyErr_SetString(PyExc_TypeError, "unsupported class layout");
        return -1;
    }
    return slot_offsets(cls, names, n, off, NULL);
}

static int
names_match(PyObject *fields, const char **names, int n)
{
    if (!PyTuple_Check(fields) || PyTuple_GET_SIZE(fields) != n) return 0;
    for (int i = 0; i < n; i++)
        if (!str_equals_ascii(PyTuple_GET_ITEM(fields, i), names[i])) return 0;
    return 1;
}

static PyObject *
configure(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *element_cls, *element_fields, *block_cls, *block_fields, *page_cls;
    PyObject *ancestor_flags, *mark_flags, *dialog_roles, *role_categories, *table_tags, *context_tags;
    PyObject *hidden_search, *is_panel, *markdown_only, *line_break, *heading_markers;
    long prose_min_chars, schema_copy, comments;
    if (!PyArg_ParseTuple(args, "OO!OO!OO!O!O!O!O!O!OOUUUlll:configure", &element_cls, &PyTuple_Type,
                          &element_fields, &block_cls, &PyTuple_Type, &block_fields, &page_cls, &PyDict_Type,
                          &ancestor_flags, &PyDict_Type, &mark_flags, &PyFrozenSet_Type, &dialog_roles,
                          &PyDict_Type, &role_categories, &PyFrozenSet_Type, &table_tags, &PyFrozenSet_Type,
                          &context_tags, &hidden_search, &is_panel, &markdown_only, &line_break, &heading_markers,
                          &prose_min_chars, &schema_copy, &comments))
        return NULL;
    if (!names_match(element_fields, ELEMENT_FIELDS, E_N) || !names_match(block_fields, BLOCK_FIELDS, B_N)) {
        PyErr_SetString(PyExc_TypeError, "Element/Block fields differ from the ones _walk.c fills");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(line_break) != 1) {
        PyErr_SetString(PyExc_ValueError, "LINE_BREAK must be one character");
        return NULL;
    }
    if (walk_slot_offsets(element_cls, ELEMENT_FIELDS, E_N, cfg.element_off) < 0 ||
        walk_slot_offsets(block_cls, BLOCK_FIELDS, B_N, cfg.block_off) < 0)
        return NULL;
    cfg.ready = 0;
    configure_count++;
    cfg.element_plain = plain_slots_type((PyTypeObject *)element_cls);
    cfg.block_plain = plain_slots_type((PyTypeObject *)block_cls);
#define KEEP(field, value) Py_XSETREF(cfg.field, Py_NewRef(value))
    Py_XSETREF(cfg.element_type, (PyTypeObject *)Py_NewRef(element_cls));
    Py_XSETREF(cfg.block_type, (PyTypeObject *)Py_NewRef(block_cls));
    KEEP(page_cls, page_cls);
    KEEP(ancestor_flags, ancestor_flags);
    KEEP(mark_flags, mark_flags);
    KEEP(dialog_roles, dialog_roles);
    KEEP(role_categories, role_categories);
    KEEP(table_tags, table_tags);
    KEEP(context_tags, context_tags);
    KEEP(hidden_search, hidden_search);
    KEEP(is_panel, is_panel);
    KEEP(markdown_only, markdown_only);
    KEEP(heading_markers, heading_markers);
    KEEP(s_line_break, line_break);
#undef KEEP
    cfg.line_break = PyUnicode_READ_CHAR(line_break, 0);
    cfg.prose_min_chars = prose_min_chars;
    cfg.schema_copy = schema_copy;
    cfg.comments = comments;
    for (int k = 0; k < K_N; k++) {
        if (cfg.kinds[k] == NULL && (cfg.kinds[k] = PyUnicode_InternFromString(KIND_NAMES[k])) == NULL)
            return NULL;
    }
#define STR(field, lit) if (cfg.field == NULL && (cfg.field = PyUnicode_InternFromString(lit)) == NULL) return NULL
    STR(s_space, " ");
    STR(s_newline, "\n");
    STR(s_backtick, "`");
    STR(s_hidden, "hidden");
    STR(s_empty, "");
    STR(s_body, "body");
    STR(s_html, "html");
#undef STR
    if (cfg.zero_float == NULL && (cfg.zero_float = PyFloat_FromDouble(0.0)) == NULL) return NULL;
    Py_XSETREF(cfg.t_space, PyTuple_Pack(2, cfg.s_space, Py_None));
    Py_XSETREF(cfg.t_line_break, PyTuple_Pack(2, cfg.s_line_break, Py_None));
    Py_XSETREF(cfg.t_newline, PyTuple_Pack(2, cfg.s_newline, Py_None));
    Py_XSETREF(cfg.t_backtick, PyTuple_Pack(2, cfg.s_backtick, cfg.markdown_only));
    if (!cfg.t_space || !cfg.t_line_break || !cfg.t_newline || !cfg.t_backtick) return NULL;
    cfg.ready = 1;
    Py_RETURN_NONE;
}

/* The node after `node` in document order under `root` (its first child when `descend`, else its next
   sibling or an ancestor's), or NULL past the subtree. */
static inline lxb_node *
preorder_next(lxb_node *node, lxb_node *root, int descend)
{
    if (descend && node->first_child != NULL) return node->first_child;
    while (node != root && node->next == NULL) node = node->parent;
    return node == root ? NULL : node->next;
}

/* ---- heading_texts: the title's h1/h2 query -------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} Bytes;

static int
bytes_add(Bytes *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2 + 64;
        char *grown = PyMem_Realloc(b->data, cap);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return 0;
}

/* Whether an element node's qualified name is `name`. */
static int
named(lxb_node *node, const char *name)
{
    size_t n;
    const unsigned char *q = lx.element_qname(node, &n);
    return q != NULL && n == strlen(name) && memcmp(q, name, n) == 0;
}

/* What the heading search makes of an element; by tag id, each id's name read once per document (a
   document gives a name one id). */
enum { H_OTHER = 1, H_H1, H_H2, H_BR, H_UNSEEN };
#define TAG_IDS 1024

static int
tag_class(lxb_node *node, uint8_t *seen)
{
    uintptr_t id = node->local_name;
    if (id < TAG_IDS && seen[id]) return seen[id];
    int c = named(node, "h1") ? H_H1 : named(node, "h2") ? H_H2 : named(node, "br") ? H_BR
            : (named(node, "script") || named(node, "style") || named(node, "noscript") || named(node, "template"))
                ? H_UNSEEN : H_OTHER;
    if (id < TAG_IDS) seen[id] = (uint8_t)c;
    return c;
}

/* title._heading_text: the text nodes under `heading`, less those of script, style, noscript and template
   elements, with a space for each <br>; UTF-8 decoded as selectolax decodes text. */
static PyObject *
heading_text(lxb_node *heading, Bytes *b, uint8_t *seen)
{
    b->len = 0;
    lxb_node *node = heading->first_child;
    while (node != NULL) {
        int descend = 0;
        if (node->type == LXB_NODE_TEXT) {
            lexbor_str *data = &((lxb_chardata *)node)->data;
            if (data->length && bytes_add(b, data->data, data->length) < 0) return NULL;
        } else if (node->type == LXB_NODE_ELEMENT) {
            int c = tag_class(node, seen);
            if (c == H_BR && bytes_add(b, " ", 1) < 0) return NULL;
            descend = c != H_BR && c != H_UNSEEN;
        }
        node = preorder_next(node, heading, descend);
    }
    return PyUnicode_DecodeUTF8(b->data ? b->data : "", (Py_ssize_t)b->len, "replace");
}

/* The texts of the first `limit` h1 and h2 elements under `root`, in document order, and of its first
   `h1_limit` h1 elements: what title.find_title reads from tree.css("h1, h2"), without lexbor's selector
   engine walking the whole tree (the traversal stops once both lists are full). */
static PyObject *
heading_texts(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *mem_id;
    Py_ssize_t limit, h1_limit;
    if (!PyArg_ParseTuple(args, "Onn:heading_texts", &mem_id, &limit, &h1_limit)) return NULL;
    lxb_node *root = (lxb_node *)PyLong_AsVoidPtr(mem_id);
    if (root == NULL) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "no node");
        return NULL;
    }
    if (!lx.ready) {
        PyErr_SetString(PyExc_RuntimeError, "copydesk._walk is not initialised");
        return NULL;
    }
    PyObject *firsts = PyList_New(0), *h1s = PyList_New(0), *result = NULL;
    Bytes b = {NULL, 0, 0};
    uint8_t seen[TAG_IDS] = {0};
    lxb_node *node = root->first_child;
    while (firsts != NULL && h1s != NULL && node != NULL &&
           (PyList_GET_SIZE(firsts) < limit || PyList_GET_SIZE(h1s) < h1_limit)) {
        if (node->type == LXB_NODE_ELEMENT) {
            int c = tag_class(node, seen);
            int wanted = (c == H_H1 || c == H_H2) && PyList_GET_SIZE(firsts) < limit;
            int wanted_h1 = c == H_H1 && PyList_GET_SIZE(h1s) < h1_limit;
            if (wanted || wanted_h1) {
                PyObject *text = heading_text(node, &b, seen);
                if (text == NULL || (wanted && PyList_Append(firsts, text) < 0) ||
                    (wanted_h1 && PyList_Append(h1s, text) < 0)) {
                    Py_XDECREF(text);
                    goto done;
                }
                Py_DECREF(text);
            }
        }
        node = preorder_next(node, root, 1);
    }
    if (firsts != NULL && h1s != NULL) result = PyTuple_Pack(2, firsts, h1s);
done:
    PyMem_Free(b.data);
    Py_XDECREF(firsts);
    Py_XDECREF(h1s);
    return result;
}

/* For the guard: the node fields the walk reads directly agree, on every node under `mem_id`, with the
   accessor functions lexbor exports (so the struct layout above is the one selectolax was built with). */
static PyObject *
check_layout(PyObject *Py_UNUSED(self), PyObject *arg)
{
    lxb_node *root = (lxb_node *)PyLong_AsVoidPtr(arg), *node;
    if (root == NULL) return PyErr_Occurred() ? NULL : Py_NewRef(Py_False);
    if (!lx.ready) {
        PyErr_SetString(PyExc_RuntimeError, "copydesk._walk is not initialised");
        return NULL;
    }
    long checked = 0;
    node = root;
    while (node != NULL) {
        if (node->first_child != lx.first_child(node) || node->next != lx.next(node) ||
            node->local_name != lx.tag_id(node) || node->type != lx.type(node))
            Py_RETURN_FALSE;
        checked++;
        node = preorder_next(node, root, 1);
    }
    return PyLong_FromLong(checked);
}

/* For the guard and tests: hash((a, b)) as the walker computes it, for two ints. */
static PyObject *
pair_hash_of_ints(PyObject *Py_UNUSED(self), PyObject *args)
{
    long long a, b;
    if (!PyArg_ParseTuple(args, "LL", &a, &b)) return NULL;
    return PyLong_FromSsize_t(pair_hash(int_hash(a), int_hash(b)));
}

/* For the guard and tests: hash((a, b)) as the walker computes it, for any two hashable objects. */
static PyObject *
pair_hash_of(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    Py_hash_t ha = PyObject_Hash(a), hb;
    if (ha == -1) return NULL;
    hb = PyObject_Hash(b);
    if (hb == -1) return NULL;
    return PyLong_FromSsize_t(pair_hash(ha, hb));
}

/* For the guard and tests: hash(s) of an ASCII str as the walker computes it for a class string, from
   its bytes. */
static PyObject *
ascii_hash(PyObject *Py_UNUSED(self), PyObject *arg)
{
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_TypeError, "expected an ASCII str");
        return NULL;
    }
    return PyLong_FromSsize_t(ascii_str_hash(PyUnicode_1BYTE_DATA(arg), (size_t)PyUnicode_GET_LENGTH(arg)));
}

/* For the tests: attribute_category(names) as the walk gives it, with `fallback` for what C leaves to
   Python. */
static PyObject *
attribute_category(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *names, *tables, *fallback, *category;
    if (!PyArg_ParseTuple(args, "UOO:attribute_category", &names, &tables, &fallback)) return NULL;
    const ClassRules *r = class_rules(tables);
    if (r != NULL && PyUnicode_IS_ASCII(names) &&
        classify_ascii(r, PyUnicode_1BYTE_DATA(names), (size_t)PyUnicode_GET_LENGTH(names), NULL, 0, &category))
        return category;
    return PyObject_CallOneArg(fallback, names);
}

static PyMethodDef methods[] = {
    {"init", init, METH_O, "init(path): bind to the lexbor inside the loaded selectolax module at `path`."},
    {"configure", configure, METH_VARARGS, "configure(...): blocks.py's classes and tables."},
    {"walk", walk, METH_VARARGS,
     "walk(mem_id, root_tag, skipped, block_tags, heading_levels, tag_categories, attribute_category"
     "[, attribute_tables]) -> PageBlocks"},
    {"attribute_category", attribute_category, METH_VARARGS,
     "attribute_category(names, attribute_tables, fallback): the walk's classification of a class/id string."},
    {"heading_texts", heading_texts, METH_VARARGS,
     "heading_texts(mem_id, limit, h1_limit) -> (texts, h1_texts): the visible texts of the first `limit` h1/h2"
     " elements under the node and of its first `h1_limit` h1 elements (see metadata.title)."},
    {"check_layout", check_layout, METH_O, "check_layout(mem_id): node count if the struct layout agrees."},
    {"pair_hash_of_ints", pair_hash_of_ints, METH_VARARGS, "hash((a, b)) for ints, as the walker computes it."},
    {"pair_hash_of", pair_hash_of, METH_VARARGS, "hash((a, b)), as the walker computes it."},
    {"ascii_hash", ascii_hash, METH_O, "hash(s) of an ASCII str, as the walker computes it from the bytes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "copydesk._walk",
    "The DOM walk of copydesk.blocks._Walker, compiled (see the comment at the top of _walk.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__walk(void)
{
    fill_fold();
    fill_space_bits();
    return PyModule_Create(&module);
}
