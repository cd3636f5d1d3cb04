/*
 * _classify.c -- the loops of classify.py that run over every element and every block, compiled: the same
 * marks, rules, scores, root, kept and removed blocks and labels as the Python code, exactly.
 *
 * What it is
 * ----------
 * - `inherited_marks(elements, start, end)` is classify._inherited_marks_python: for each element of a
 *   preorder subtree, the nearest believed class/id mark at or above it.
 * - `text_rules(blocks)` is rules.text_category on every block's text: the dispatch by first character,
 *   the needles and closers are checked here, the regexes themselves are rules.py's, called from here.
 * - `root_scores(blocks, elements, marks, rules, max_link_density, min_block_chars)` is the rest of
 *   classify.choose_root's loop: it sets each block's `rule` and `score` (classify._block_weight), sums the
 *   scores over every subtree and returns the element with the highest sum.
 * - `heuristic_cut(...)` and `model_cut(...)` are select()'s and apply_model()'s loops over the blocks
 *   (classify._heuristic_cut_python, classify._model_cut_python): the kept and removed lists, the labels,
 *   the list and table means and the vetoes.
 * The Python code stays the reference and the fallback; classify.py uses this only once a probe page gives
 * the same answers both ways (COPYDESK_PURE_PYTHON=1 turns it off), and tests/test_classify_compiled.py
 * compares the two on fixtures, generated documents and generated element tables.
 *
 * The rules stay in Python
 * ------------------------
 * The mark aliases, the link-list categories, the vetoed marks, the flag bits, SENTENCE_END and every
 * threshold are passed to `configure()` from classify.py, and the wording rules' tables to
 * `configure_rules()` from rules.compiled_tables(); this file holds none of them.
 *
 * Exactly the same
 * ----------------
 * Scores are computed as Python computes them: an int where _block_weight returns an int (a block's prose),
 * a float from one double operation otherwise, and summed in the same order. Python's int / int is
 * correctly rounded, as is a double division of two exact doubles (all counts here are far below 2**53).
 *
 * What it declines
 * ----------------
 * Anything the walk does not produce -- an object that is not exactly an Element or a Block, an unset
 * slot, a non-int count, a mark or kind that is not a str, an index out of range, a subtree end outside
 * its parent's, an empty block text -- makes a function return None, and the Python code runs (and raises
 * where it raises). The cuts decide every block before they touch one, so a page they decline is left as
 * it was. With exact str and int objects nothing here but the wording rules' regexes can run Python code,
 * and those only read the text they are given.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#include "_slots.h"

enum { E_TAG, E_PARENT, E_MARK, E_CHARS, E_PROSE, E_FLAGS, E_END, E_N };
static const char *ELEMENT_FIELDS[E_N] = {"tag", "parent", "mark", "chars", "prose", "flags", "end"};
enum { B_ELEMENT, B_KIND, B_TEXT, B_LINK_CHARS, B_LINKS, B_CHARS, B_RULE, B_SCORE, B_LABEL, B_POSITION,
       B_LIST_ELEMENT, B_TABLE, B_N };
static const char *BLOCK_FIELDS[B_N] = {"element", "kind", "text", "link_chars", "links", "chars", "rule", "score",
                                        "label", "position", "list_element", "table"};

/* The numbers classify.py passes, by name. */
enum {
    K_MARK_MAX_SHARE, K_CATEGORY_MAX_SHARE, K_LINK_LIST_MAX_PROSE, K_POST_MIN_PROSE, K_BOILERPLATE_WEIGHT,
    K_HEADLINE_WEIGHT, K_HEADLINE_MIN_CHARS, K_NEUTRAL_WEIGHT, K_PROSE_MIN_CHARS, K_PROSE_MAX_LINK_DENSITY,
    K_SENTENCE_MAX_LINK_DENSITY, K_SENTENCE_WEIGHT, K_GROUP_DROP, K_N
};
static const char *CONSTANTS[K_N] = {
    "mark_max_share", "category_max_share", "link_list_max_prose", "post_min_prose", "boilerplate_weight",
    "headline_weight", "headline_min_chars", "neutral_weight", "prose_min_chars", "prose_max_link_density",
    "sentence_max_link_density", "sentence_weight", "group_drop",
};

#define MAX_ENDS 64
#define MAX_CATEGORIES 64

static struct {
    int ready;
    PyTypeObject *element_type, *block_type;
    Py_ssize_t element_off[E_N], block_off[B_N];
    PyObject *aliases;     /* dict: mark -> the category it counts as */
    PyObject *link_lists;  /* frozenset of marks whose elements are link lists */
    PyObject *vetoed_marks;  /* frozenset of marks whose blocks are never content */
    PyObject *modal, *comment, *article, *code, *heading, *item, *cell, *caption, *other, *navigation;
    int64_t headed_module, comments, hidden, schema_copy;
    double k[K_N];
    Py_UCS4 ends[MAX_ENDS];
    int n_ends;
} cfg;

/* ---- reading the objects ------------------------------------------------------------------------- */

/* Python's truth of a str-or-None. */
static inline int
truthy(PyObject *value)
{
    return value != Py_None && PyUnicode_GET_LENGTH(value) > 0;
}

typedef struct {
    PyObject *mark;  /* borrowed; NULL when the element has none */
    int64_t parent, chars, prose, flags, end;
    int is_article;
} ElementInfo;

/* Element `index` of the list, read into `e`; 0 unless it is an Element the walk could have made. */
static int
read_element(PyObject *elements, Py_ssize_t index, ElementInfo *e)
{
    PyObject *f[E_N];
    if (!read_slots(PyList_GET_ITEM(elements, index), cfg.element_type, cfg.element_off, E_N, f)) return 0;
    if (!as_int64(f[E_PARENT], &e->parent) || !as_int64(f[E_CHARS], &e->chars) ||
        !as_int64(f[E_PROSE], &e->prose) || !as_int64(f[E_FLAGS], &e->flags) || !as_int64(f[E_END], &e->end) ||
        !PyUnicode_CheckExact(f[E_TAG]))
        return 0;
    if (f[E_MARK] == Py_None) e->mark = NULL;
    else if (PyUnicode_CheckExact(f[E_MARK])) e->mark = PyUnicode_GET_LENGTH(f[E_MARK]) ? f[E_MARK] : NULL;
    else return 0;
    e->is_article = same_str(f[E_TAG], cfg.article);
    return 1;
}

/* The category a mark counts as (MARK_ALIASES.get(mark, mark)), borrowed. */
static inline PyObject *
category_of_mark(PyObject *mark)
{
    PyObject *alias = PyDict_GetItemWithError(cfg.aliases, mark);
    return alias != NULL && PyUnicode_CheckExact(alias) ? alias : mark;
}

/* ---- inherited_marks ----------------------------------------------------------------------------- */

typedef struct {
    PyObject *name;
    int64_t prose;
    int disbelieved;
} Category;

static int
category_index(Category *cats, int *n, PyObject *name)
{
    for (int c = 0; c < *n; c++)
        if (same_str(cats[c].name, name)) return c;
    if (*n == MAX_CATEGORIES) return -1;
    cats[*n] = (Category){name, 0, 0};
    return (*n)++;
}

/* Prose of the outermost marked elements of each category (classify._category_prose). `cat` holds each
   element's category index (-1: unmarked), by offset from `start`. */
static void
category_prose(const ElementInfo *el, Py_ssize_t start, Py_ssize_t end, const int *cat, Category *cats)
{
    for (Py_ssize_t i = start + 1; i < end; i++) {
        if (cat[i - start] < 0) continue;
        int64_t above = el[i - start].parent;
        while (above > start && cat[above - start] < 0) above = el[above - start].parent;
        if (above <= start || cat[above - start] != cat[i - start]) cats[cat[i - start]].prose += el[i - start].prose;
    }
}

static int
has_post(const ElementInfo *el, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (el[i].is_article && !(el[i].flags & cfg.comments) && (double)el[i].prose >= cfg.k[K_POST_MIN_PROSE])
            return 1;
    return 0;
}

static int
believed(const ElementInfo *e, double limit)
{
    if ((double)e->prose > limit) return 0;
    int link_list = PySet_Contains(cfg.link_lists, e->mark);
    if (link_list < 0) {
        PyErr_Clear();
        return -1;
    }
    return !link_list || (double)e->prose <= cfg.k[K_LINK_LIST_MAX_PROSE] * (double)e->chars;
}

/* The marks list, or 0 to decline. `el` and `cat` are filled for start..end-1. */
static PyObject *
paint(PyObject *elements, Py_ssize_t start, Py_ssize_t end, ElementInfo *el, int *cat)
{
    Category cats[MAX_CATEGORIES];
    int n_cats = 0, any = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        ElementInfo *e = &el[i - start];
        if (!read_element(elements, i, e)) return NULL;
        cat[i - start] = -1;
        /* parents inside the subtree come before; a subtree end past its element or the subtree's: decline */
        if ((i > start && (e->parent < start || e->parent >= i)) || e->end <= i || e->end > end) return NULL;
        if (i > start && e->mark != NULL) {
            PyObject *name = category_of_mark(e->mark);
            if (PyErr_Occurred() || (cat[i - start] = category_index(cats, &n_cats, name)) < 0) {
                PyErr_Clear();
                return NULL;
            }
            any = 1;
        }
    }
    PyObject *marks = PyList_New(end - start);
    if (marks == NULL) return NULL;
    for (Py_ssize_t i = 0; i < end - start; i++) PyList_SET_ITEM(marks, i, Py_NewRef(Py_None));
    if (!any) return marks;
    double limit = cfg.k[K_MARK_MAX_SHARE] * (double)el[0].prose;
    double category_limit = cfg.k[K_CATEGORY_MAX_SHARE] * (double)el[0].prose;
    category_prose(el, start, end, cat, cats);
    for (int c = 0; c < n_cats; c++) {
        cats[c].disbelieved = (double)cats[c].prose > category_limit;
        /* a blog post with a long comment thread below it: the post is the content, however short */
        if (cats[c].disbelieved && same_str(cats[c].name, cfg.comment) && has_post(el, end - start))
            cats[c].disbelieved = 0;
    }
    for (Py_ssize_t i = start + 1; i < end; i++) {
        ElementInfo *e = &el[i - start];
        if (cat[i - start] < 0) continue;
        int keep = same_str(e->mark, cfg.modal) || (e->flags & cfg.headed_module);
        if (!keep && !cats[cat[i - start]].disbelieved) keep = believed(e, limit);
        if (keep < 0) {
            Py_DECREF(marks);
            return NULL;
        }
        if (!keep) continue;
        /* inner marks come later in preorder and paint over this one */
        for (int64_t j = i; j < e->end; j++) Py_SETREF(PyList_GET_ITEM(marks, j - start), Py_NewRef(e->mark));
    }
    return marks;
}

static PyObject *
inherited_marks(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t start, end;
    if (!cfg.ready || nargs != 3 || !PyList_CheckExact(args[0])) Py_RETURN_NONE;
    start = PyLong_AsSsize_t(args[1]);
    end = PyLong_AsSsize_t(args[2]);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (start < 0 || end <= start || end > PyList_GET_SIZE(args[0])) Py_RETURN_NONE;
    ElementInfo *el = PyMem_Malloc((end - start) * sizeof(ElementInfo));
    int *cat = PyMem_Malloc((end - start) * sizeof(int));
    PyObject *marks = el != NULL && cat != NULL ? paint(args[0], start, end, el, cat) : NULL;
    PyMem_Free(el);
    PyMem_Free(cat);
    return or_none(marks);
}

/* ---- root_scores --------------------------------------------------------------------------------- */

typedef struct {
    int64_t element, link_chars, links, chars;
    PyObject *kind, *text, *rule;
} BlockInfo;

static int
read_block(PyObject *obj, BlockInfo *b)
{
    PyObject *f[B_N];
    if (!read_slots(obj, cfg.block_type, cfg.block_off, B_N, f)) return 0;
    b->kind = f[B_KIND];
    b->text = f[B_TEXT];
    b->rule = f[B_RULE];
    return as_int64(f[B_ELEMENT], &b->element) && as_int64(f[B_LINK_CHARS], &b->link_chars) &&
           as_int64(f[B_LINKS], &b->links) && as_int64(f[B_CHARS], &b->chars) && b->chars > 0 &&
           PyUnicode_CheckExact(b->kind) && PyUnicode_CheckExact(b->text) && PyUnicode_GET_LENGTH(b->text) > 0;
}

static int
ends_sentence(PyObject *text)
{
    Py_UCS4 last = PyUnicode_READ_CHAR(text, PyUnicode_GET_LENGTH(text) - 1);
    for (int i = 0; i < cfg.n_ends; i++)
        if (cfg.ends[i] == last) return 1;
    return 0;
}

/* classify._block_weight: the weight as a double, and whether Python returns it as an int. */
static double
block_weight(const BlockInfo *b, int boilerplate, double max_link_density, double min_block_chars, int *is_int)
{
    double chars = (double)b->chars;
    *is_int = 0;
    if (boilerplate) return -cfg.k[K_BOILERPLATE_WEIGHT] * chars;
    double link_density = (double)b->link_chars / chars;
    if (link_density > max_link_density) {
        int headline = b->links > 0 && (double)b->link_chars / (double)b->links >= cfg.k[K_HEADLINE_MIN_CHARS] &&
                       !same_str(b->kind, cfg.heading);
        return headline ? cfg.k[K_HEADLINE_WEIGHT] * chars : -cfg.k[K_BOILERPLATE_WEIGHT] * chars;
    }
    int64_t prose = b->chars - b->link_chars;
    if ((same_str(b->kind, cfg.code) && chars >= min_block_chars) ||
        ((double)prose >= cfg.k[K_PROSE_MIN_CHARS] && link_density <= cfg.k[K_PROSE_MAX_LINK_DENSITY])) {
        *is_int = 1;
        return (double)prose;
    }
    if (chars >= min_block_chars && ends_sentence(b->text) && link_density <= cfg.k[K_SENTENCE_MAX_LINK_DENSITY])
        return cfg.k[K_SENTENCE_WEIGHT] * (double)prose;
    return cfg.k[K_NEUTRAL_WEIGHT] * (double)prose;
}

static inline void
set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value)
{
    Py_XSETREF(*(PyObject **)((char *)obj + offset), value);
}

/* Sets every block's rule and score; sums the scores into `scores`. 0 to decline. */
static int
score_blocks(PyObject *blocks, PyObject *marks, PyObject *rules, double max_link_density, double min_block_chars,
             double *scores, Py_ssize_t n_elements)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(blocks); i++) {
        PyObject *block = PyList_GET_ITEM(blocks, i), *rule = PyList_GET_ITEM(rules, i);
        BlockInfo b;
        if (!read_block(block, &b) || b.element < 0 || b.element >= n_elements ||
            (rule != Py_None && !PyUnicode_CheckExact(rule)))
            return 0;
        int is_int, boilerplate = PyList_GET_ITEM(marks, b.element) != Py_None || rule != Py_None;
        double weight = block_weight(&b, boilerplate, max_link_density, min_block_chars, &is_int);
        PyObject *score = is_int ? PyLong_FromLongLong(b.chars - b.link_chars) : PyFloat_FromDouble(weight);
        if (score == NULL) return 0;
        set_slot(block, cfg.block_off[B_RULE], Py_NewRef(rule));
        set_slot(block, cfg.block_off[B_SCORE], score);
        scores[b.element] += weight;
    }
    return 1;
}

/* Children come after their parents in the table, so one backward pass sums every subtree. */
static int
best_subtree(PyObject *elements, double *scores, Py_ssize_t n)
{
    for (Py_ssize_t i = n - 1; i > 0; i--) {
        PyObject *f[E_N];
        int64_t parent;
        if (!read_slots(PyList_GET_ITEM(elements, i), cfg.element_type, cfg.element_off, E_N, f) ||
            !as_int64(f[E_PARENT], &parent) || parent < 0 || parent >= i)
            return -1;
        scores[parent] += scores[i];
    }
    Py_ssize_t best = 0;
    for (Py_ssize_t i = 1; i < n; i++)
        if (scores[i] > scores[best]) best = i;
    return (int)best;
}

static PyObject *
root_scores(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready || nargs != 6 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1]) ||
        !PyList_CheckExact(args[2]) || !PyList_CheckExact(args[3]))
        Py_RETURN_NONE;
    PyObject *blocks = args[0], *elements = args[1], *marks = args[2], *rules = args[3];
    double max_link_density = PyFloat_AsDouble(args[4]), min_block_chars = PyFloat_AsDouble(args[5]);
    Py_ssize_t n = PyList_GET_SIZE(elements);
    if (PyErr_Occurred() || n == 0 || PyList_GET_SIZE(marks) != n ||
        PyList_GET_SIZE(rules) != PyList_GET_SIZE(blocks)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    double *scores = PyMem_Calloc(n, sizeof(double));
    int root = scores != NULL && score_blocks(blocks, marks, rules, max_link_density, min_block_chars, scores, n)
                   ? best_subtree(elements, scores, n) : -1;
    PyMem_Free(scores);
    PyErr_Clear();
    if (root < 0) Py_RETURN_NONE;
    return PyLong_FromLong(root);
}

/* ---- heuristic_cut: select()'s loop ---------------------------------------------------------------- */

/* classify._keep: NULL to keep the block, else the category it is removed under (borrowed). */
static PyObject *
keep_or_category(const BlockInfo *b, PyObject *rule, PyObject *mark, int listing, double max_link_density)
{
    if (rule != Py_None) return rule;
    if (mark != Py_None) return mark;
    if (same_str(b->kind, cfg.caption)) return cfg.caption;
    if ((double)b->link_chars / (double)b->chars > max_link_density && !same_str(b->kind, cfg.heading)) {
        int headline = b->links > 0 && (double)b->link_chars / (double)b->links >= cfg.k[K_HEADLINE_MIN_CHARS];
        return listing && headline ? NULL : cfg.navigation;
    }
    return NULL;
}

/* Each block's verdict into `verdict` (NULL: kept), touching nothing: 0 to decline. */
static int
heuristic_verdicts(PyObject *blocks, PyObject *page_marks, PyObject *root_marks, Py_ssize_t root, Py_ssize_t end,
                   int listing, double max_link_density, PyObject **verdict)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(blocks); i++) {
        BlockInfo b;
        if (!read_block(PyList_GET_ITEM(blocks, i), &b) || b.element < 0 || b.element >= PyList_GET_SIZE(page_marks))
            return 0;
        PyObject *rule = b.rule;
        if (rule != Py_None && !PyUnicode_CheckExact(rule)) return 0;
        if (b.element < root || b.element >= end) {
            PyObject *mark = PyList_GET_ITEM(page_marks, b.element);
            if (mark != Py_None && !PyUnicode_CheckExact(mark)) return 0;
            verdict[i] = truthy(rule) ? rule : truthy(mark) ? mark : cfg.other;
            continue;
        }
        PyObject *mark = PyList_GET_ITEM(root_marks, b.element - root);
        if (mark != Py_None && !PyUnicode_CheckExact(mark)) return 0;
        verdict[i] = keep_or_category(&b, rule, mark, listing, max_link_density);
    }
    return 1;
}

static PyObject *
heuristic_cut(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready || nargs != 7 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1]) ||
        !PyList_CheckExact(args[2]))
        Py_RETURN_NONE;
    PyObject *blocks = args[0], *page_marks = args[1], *root_marks = args[2];
    Py_ssize_t root = PyLong_AsSsize_t(args[3]), end = PyLong_AsSsize_t(args[4]);
    int listing = PyObject_IsTrue(args[5]);
    double max_link_density = PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred() || listing < 0 || root < 0 || end < root || PyList_GET_SIZE(root_marks) != end - root ||
        end > PyList_GET_SIZE(page_marks)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PyList_GET_SIZE(blocks);
    PyObject **verdict = PyMem_Malloc((n ? n : 1) * sizeof(PyObject *));
    PyObject *kept = PyList_New(0), *removed = PyList_New(0), *result = NULL;
    if (verdict != NULL && kept != NULL && removed != NULL &&
        heuristic_verdicts(blocks, page_marks, root_marks, root, end, listing, max_link_density, verdict)) {
        Py_ssize_t i = 0;
        for (; i < n; i++) {
            PyObject *block = PyList_GET_ITEM(blocks, i);
            if (verdict[i] != NULL) set_slot(block, cfg.block_off[B_LABEL], Py_NewRef(verdict[i]));
            if (PyList_Append(verdict[i] == NULL ? kept : removed, block) < 0) break;
        }
        if (i == n) result = PyTuple_Pack(2, kept, removed);
    }
    PyMem_Free(verdict);
    Py_XDECREF(kept);
    Py_XDECREF(removed);
    return or_none(result);
}

/* ---- model_cut ----------------------------------------------------------------------------------- */

typedef struct {
    int64_t element, position, group;
    PyObject *kind, *rule, *label;
} CutInfo;

static int
read_cut_block(PyObject *obj, Py_ssize_t n_elements, CutInfo *b)
{
    PyObject *f[B_N];
    int64_t list_element, table;
    if (!read_slots(obj, cfg.block_type, cfg.block_off, B_N, f) || !as_int64(f[B_ELEMENT], &b->element) ||
        !as_int64(f[B_POSITION], &b->position) || !as_int64(f[B_LIST_ELEMENT], &list_element) ||
        !as_int64(f[B_TABLE], &table) || !PyUnicode_CheckExact(f[B_KIND]) || b->element < 0 ||
        b->element >= n_elements)
        return 0;
    b->kind = f[B_KIND];
    b->rule = f[B_RULE];
    b->label = f[B_LABEL];
    /* classify.block_groups: the list of an item, the table of a cell */
    b->group = same_str(b->kind, cfg.item) ? list_element : same_str(b->kind, cfg.cell) ? table : -1;
    return b->group < n_elements && (b->rule == Py_None || PyUnicode_CheckExact(b->rule)) &&
           (b->label == Py_None || PyUnicode_CheckExact(b->label));
}

/* classify._vetoed: 1, 0, or -1 to decline. */
static int
vetoed(const CutInfo *b, PyObject *elements, PyObject *mark, PyObject *heuristic_kept)
{
    if (b->rule != Py_None || same_str(b->kind, cfg.caption)) return 1;
    PyObject *f[E_N];
    int64_t flags;
    if (!read_slots(PyList_GET_ITEM(elements, b->element), cfg.element_type, cfg.element_off, E_N, f) ||
        !as_int64(f[E_FLAGS], &flags))
        return -1;
    if (flags & cfg.hidden) {
        PyObject *position = PyLong_FromLongLong(b->position);
        int kept = position == NULL ? -1 : PySet_Contains(heuristic_kept, position);
        Py_XDECREF(position);
        if (kept < 0) return -1;
        if (!kept) return 1;
    }
    if (flags & cfg.schema_copy) return 1;
    return mark == Py_None ? 0 : PySet_Contains(cfg.vetoed_marks, mark);
}

/* Group means as classify.model_verdicts takes them (np.bincount: sums in block order, then divided). */
static void
group_means(const CutInfo *info, const double *p, Py_ssize_t n, double *sums, double *counts)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (info[i].group >= 0) {
            sums[info[i].group] += p[i];
            counts[info[i].group] += 1.0;
        }
}

/* Each block's verdict into `keep`, touching nothing: 0 to decline. */
static int
decide(PyObject *blocks, PyObject *elements, const double *p, double threshold, PyObject *marks,
       PyObject *heuristic_kept, int use_heuristics, CutInfo *info, double *sums, double *counts, char *keep)
{
    Py_ssize_t n = PyList_GET_SIZE(blocks), n_elements = PyList_GET_SIZE(elements);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!read_cut_block(PyList_GET_ITEM(blocks, i), n_elements, &info[i])) return 0;
        PyObject *mark = PyList_GET_ITEM(marks, info[i].element);
        if (mark != Py_None && !PyUnicode_CheckExact(mark)) return 0;
    }
    group_means(info, p, n, sums, counts);
    for (Py_ssize_t i = 0; i < n; i++) {
        int g = (int)info[i].group;
        /* classify.model_verdicts: a list or table is kept whole from its mean, and loses even its strong
           members when the mean is group_drop below the threshold */
        keep[i] = g < 0 ? p[i] >= threshold
                        : (p[i] >= threshold || sums[g] / counts[g] >= threshold) &&
                          sums[g] / counts[g] >= threshold - cfg.k[K_GROUP_DROP];
        if (keep[i] && use_heuristics) {
            int veto = vetoed(&info[i], elements, PyList_GET_ITEM(marks, info[i].element), heuristic_kept);
            if (veto < 0) return 0;
            keep[i] = !veto;
        }
    }
    return 1;
}

/* Appends each block to kept or removed with its label, as classify._model_cut_python does. */
static int
apply_verdicts(PyObject *blocks, PyObject *marks, const CutInfo *info, const char *keep, PyObject *kept,
               PyObject *removed)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(blocks); i++) {
        PyObject *block = PyList_GET_ITEM(blocks, i), *mark = PyList_GET_ITEM(marks, info[i].element);
        PyObject *label = keep[i] ? Py_None : truthy(info[i].label) ? info[i].label
                          : truthy(info[i].rule) ? info[i].rule : truthy(mark) ? mark : cfg.other;
        set_slot(block, cfg.block_off[B_LABEL], Py_NewRef(label));
        if (PyList_Append(keep[i] ? kept : removed, block) < 0) return 0;
    }
    return 1;
}

static PyObject *
model_cut(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready || nargs != 7 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1]) ||
        !PyList_CheckExact(args[4]) || !PyAnySet_CheckExact(args[5]) || PyList_GET_SIZE(args[4]) != PyList_GET_SIZE(args[1]))
        Py_RETURN_NONE;
    PyObject *blocks = args[0], *elements = args[1];
    double threshold = PyFloat_AsDouble(args[3]);
    int use_heuristics = PyObject_IsTrue(args[6]);
    Py_buffer view;
    if (PyErr_Occurred() || use_heuristics < 0 || PyObject_GetBuffer(args[2], &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PyList_GET_SIZE(blocks), n_elements = PyList_GET_SIZE(elements);
    PyObject *result = NULL, *kept = PyList_New(0), *removed = PyList_New(0);
    CutInfo *info = PyMem_Malloc((n ? n : 1) * sizeof(CutInfo));
    char *keep = PyMem_Malloc(n ? n : 1);
    double *sums = PyMem_Calloc(n_elements ? n_elements : 1, sizeof(double));
    double *counts = PyMem_Calloc(n_elements ? n_elements : 1, sizeof(double));
    int doubles = view.itemsize == 8 && view.format && strcmp(view.format, "d") == 0 && view.len == n * 8;
    if (kept && removed && info && keep && sums && counts && doubles &&
        decide(blocks, elements, view.buf, threshold, args[4], args[5], use_heuristics, info, sums, counts, keep) &&
        apply_verdicts(blocks, args[4], info, keep, kept, removed))
        result = PyTuple_Pack(2, kept, removed);
    PyBuffer_Release(&view);
    PyMem_Free(info);
    PyMem_Free(keep);
    PyMem_Free(sums);
    PyMem_Free(counts);
    Py_XDECREF(kept);
    Py_XDECREF(removed);
    return or_none(result);
}

/* ---- text_rules: rules.text_category on every block ----------------------------------------------- */

#define MAX_ANYWHERE 16
#define MAX_NEEDLES 16
#define MAX_SPECIAL 8
#define MAX_LOWERED 2048  /* room for any text the rules read, lowered (configure_rules checks) */

static struct {
    int ready;
    Py_ssize_t max_chars;
    PyObject *by_first_char[128];  /* (match, categories) or None, for texts opening with that character */
    PyObject *all_rules;           /* (match, categories), for any other opening */
    int n_anywhere;
    PyObject *anywhere_search[MAX_ANYWHERE], *anywhere_category[MAX_ANYWHERE];
    Py_UCS4 anywhere_closer[MAX_ANYWHERE];        /* 0: none */
    PyObject *anywhere_needles[MAX_ANYWHERE];     /* tuple of str, or NULL: none */
    int all_gated;
    PyObject *closers;      /* str */
    PyObject *all_needles;  /* tuple of ASCII str */
    /* the non-ASCII characters whose lower() holds ASCII (the Kelvin sign's is "k"), and those lower()s */
    Py_UCS4 special[MAX_SPECIAL];
    PyObject *special_lower[MAX_SPECIAL];
    int n_special;
} rules;

/* The text as str.lower() has it, for ASCII needles: ASCII letters lowered, the few other characters
   whose lower() holds ASCII expanded to it, everything else a character no needle contains. */
static Py_ssize_t
lowered_for_needles(PyObject *text, Py_UCS4 *out)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), k = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n && k < MAX_LOWERED - 8; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128) {
            out[k++] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
            continue;
        }
        PyObject *low = NULL;
        for (int s = 0; s < rules.n_special && low == NULL; s++)
            if (rules.special[s] == c) low = rules.special_lower[s];
        if (low == NULL) {
            out[k++] = 0xFFFF;
            continue;
        }
        for (Py_ssize_t j = 0; j < PyUnicode_GET_LENGTH(low) && k < MAX_LOWERED - 1; j++)
            out[k++] = PyUnicode_READ_CHAR(low, j);
    }
    return k;
}

static int
holds(const Py_UCS4 *low, Py_ssize_t n, PyObject *needle)
{
    Py_ssize_t m = PyUnicode_GET_LENGTH(needle);
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(needle);  /* ASCII, checked by configure_rules */
    for (Py_ssize_t i = 0; i + m <= n; i++) {
        Py_ssize_t j = 0;
        while (j < m && low[i + j] == s[j]) j++;
        if (j == m) return 1;
    }
    return 0;
}

static int
holds_any(const Py_UCS4 *low, Py_ssize_t n, PyObject *needles)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(needles); i++)
        if (holds(low, n, PyTuple_GET_ITEM(needles, i))) return 1;
    return 0;
}

/* The category of an anchored rule matching at the start, borrowed, or NULL (with no error: none). */
static PyObject *
start_category(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 first = n ? PyUnicode_READ_CHAR(text, 0) : 0x110000;
    PyObject *pair = first < 128 ? rules.by_first_char[first] : rules.all_rules;
    if (pair == Py_None) return NULL;
    PyObject *match = PyObject_CallOneArg(PyTuple_GET_ITEM(pair, 0), text);
    if (match == NULL || match == Py_None) {
        Py_XDECREF(match);
        return NULL;
    }
    PyObject *group = PyObject_GetAttrString(match, "lastgroup"), *category = NULL;
    Py_DECREF(match);
    if (group != NULL && PyUnicode_Check(group) && PyUnicode_GET_LENGTH(group) > 4) {
        /* groups are named "rule<index into the categories>" (rules._start_rules) */
        PyObject *digits = PyUnicode_Substring(group, 4, PyUnicode_GET_LENGTH(group));
        PyObject *number = digits ? PyLong_FromUnicodeObject(digits, 10) : NULL;
        Py_ssize_t index = number ? PyLong_AsSsize_t(number) : -1;
        Py_XDECREF(digits);
        Py_XDECREF(number);
        PyObject *categories = PyTuple_GET_ITEM(pair, 1);
        if (index >= 0 && index < PyList_GET_SIZE(categories)) category = PyList_GET_ITEM(categories, index);
        else if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "rule group out of range");
    }
    Py_XDECREF(group);
    return category;
}

/* The last character of text.rstrip(), or 0x110000 when there is none. */
static Py_UCS4
last_char(PyObject *text)
{
    for (Py_ssize_t i = PyUnicode_GET_LENGTH(text) - 1; i >= 0; i--) {
        Py_UCS4 c = PyUnicode_READ_CHAR(text, i);
        if (!Py_UNICODE_ISSPACE(c)) return c;
    }
    return 0x110000;
}

/* rules.text_category(text), borrowed; NULL with an error set on failure, Py_None for none. */
static PyObject *
text_category(PyObject *text)
{
    if (PyUnicode_GET_LENGTH(text) > rules.max_chars) return Py_None;
    PyObject *category = start_category(text);
    if (category != NULL || PyErr_Occurred()) return category;
    Py_UCS4 last = last_char(text);
    Py_UCS4 low[MAX_LOWERED];
    Py_ssize_t n = lowered_for_needles(text, low);
    int closer = last < 0x110000 && PyUnicode_FindChar(rules.closers, last, 0, PyUnicode_GET_LENGTH(rules.closers), 1) >= 0;
    if (rules.all_gated && !closer && !holds_any(low, n, rules.all_needles)) return Py_None;
    for (int r = 0; r < rules.n_anywhere; r++) {
        if (rules.anywhere_closer[r] && last != rules.anywhere_closer[r]) continue;
        if (rules.anywhere_needles[r] != NULL && !holds_any(low, n, rules.anywhere_needles[r])) continue;
        PyObject *found = PyObject_CallOneArg(rules.anywhere_search[r], text);
        if (found == NULL) return NULL;
        int hit = found != Py_None;
        Py_DECREF(found);
        if (hit) return rules.anywhere_category[r];
    }
    return Py_None;
}

static PyObject *
text_rules(PyObject *Py_UNUSED(self), PyObject *blocks)
{
    if (!cfg.ready || !rules.ready || !PyList_CheckExact(blocks)) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(blocks);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *block = PyList_GET_ITEM(blocks, i);
        PyObject *text = Py_IS_TYPE(block, cfg.block_type) ? *(PyObject **)((char *)block + cfg.block_off[B_TEXT])
                                                            : NULL;
        PyObject *category = text != NULL && PyUnicode_CheckExact(text) ? text_category(text) : NULL;
        if (category == NULL) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, Py_NewRef(category));
    }
    return or_none(out);
}

/* A (match method, categories list) pair from a (compiled pattern, categories) rule pair, or None. */
static PyObject *
rule_pair(PyObject *pair)
{
    if (pair == Py_None) return Py_NewRef(Py_None);
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyList_Check(PyTuple_GET_ITEM(pair, 1))) {
        PyErr_SetString(PyExc_TypeError, "a rule is (pattern, categories)");
        return NULL;
    }
    PyObject *match = PyObject_GetAttrString(PyTuple_GET_ITEM(pair, 0), "match");
    PyObject *result = match ? PyTuple_Pack(2, match, PyTuple_GET_ITEM(pair, 1)) : NULL;
    Py_XDECREF(match);
    return result;
}

static int
ascii_needles(PyObject *needles)
{
    if (!PyTuple_Check(needles) || PyTuple_GET_SIZE(needles) > MAX_NEEDLES) return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(needles); i++) {
        PyObject *needle = PyTuple_GET_ITEM(needles, i);
        if (!PyUnicode_CheckExact(needle) || !PyUnicode_IS_ASCII(needle) || PyUnicode_GET_LENGTH(needle) == 0)
            return 0;
    }
    return 1;
}

static int
configure_anywhere(PyObject *anywhere)
{
    if (PyTuple_GET_SIZE(anywhere) > MAX_ANYWHERE) return -1;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(anywhere); r++) {
        PyObject *rule = PyTuple_GET_ITEM(anywhere, r), *pattern, *category, *closer, *needles;
        if (!PyArg_ParseTuple(rule, "OUOO", &pattern, &category, &closer, &needles)) return -1;
        if ((closer != Py_None && (!PyUnicode_Check(closer) || PyUnicode_GET_LENGTH(closer) != 1)) ||
            (needles != Py_None && !ascii_needles(needles))) {
            PyErr_SetString(PyExc_ValueError, "a closer is one character, needles are ASCII");
            return -1;
        }
        PyObject *search = PyObject_GetAttrString(pattern, "search");
        if (search == NULL) return -1;
        Py_XSETREF(rules.anywhere_search[r], search);
        Py_XSETREF(rules.anywhere_category[r], Py_NewRef(category));
        rules.anywhere_closer[r] = closer == Py_None ? 0 : PyUnicode_READ_CHAR(closer, 0);
        Py_XSETREF(rules.anywhere_needles[r], needles == Py_None ? NULL : Py_NewRef(needles));
    }
    rules.n_anywhere = (int)PyTuple_GET_SIZE(anywhere);
    return 0;
}

/* {character: its lower()}: at most MAX_SPECIAL, each lower() at most four characters long. */
static int
configure_special(PyObject *lower_special)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    rules.n_special = 0;
    while (PyDict_Next(lower_special, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 1 || !PyUnicode_Check(value) ||
            PyUnicode_GET_LENGTH(value) > 4 || rules.n_special == MAX_SPECIAL) {
            PyErr_SetString(PyExc_ValueError, "special lowercase characters do not fit");
            return -1;
        }
        rules.special[rules.n_special] = PyUnicode_READ_CHAR(key, 0);
        Py_XSETREF(rules.special_lower[rules.n_special], Py_NewRef(value));
        rules.n_special++;
    }
    return 0;
}

static PyObject *
configure_rules(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *by_first_char, *all_rules, *anywhere, *closers, *all_needles, *lower_special;
    int all_gated;
    Py_ssize_t max_chars;
    if (!PyArg_ParseTuple(args, "O!OO!UO!pO!n:configure_rules", &PyTuple_Type, &by_first_char, &all_rules,
                          &PyTuple_Type, &anywhere, &closers, &PyTuple_Type, &all_needles, &all_gated, &PyDict_Type,
                          &lower_special, &max_chars))
        return NULL;
    rules.ready = 0;
    if (PyTuple_GET_SIZE(by_first_char) != 128 || !ascii_needles(all_needles) || max_chars < 0 ||
        max_chars >= (MAX_LOWERED - 8) / 4 || configure_special(lower_special) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "128 first characters, ASCII needles and a length limit expected");
        return NULL;
    }
    for (int c = 0; c < 128; c++) {
        PyObject *pair = rule_pair(PyTuple_GET_ITEM(by_first_char, c));
        if (pair == NULL) return NULL;
        Py_XSETREF(rules.by_first_char[c], pair);
    }
    PyObject *pair = rule_pair(all_rules);
    if (pair == NULL || configure_anywhere(anywhere) < 0) {
        Py_XDECREF(pair);
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "too many rules");
        return NULL;
    }
    Py_XSETREF(rules.all_rules, pair);
    Py_XSETREF(rules.closers, Py_NewRef(closers));
    Py_XSETREF(rules.all_needles, Py_NewRef(all_needles));
    rules.all_gated = all_gated;
    rules.max_chars = max_chars;
    rules.ready = 1;
    Py_RETURN_NONE;
}

/* ---- configuration ------------------------------------------------------------------------------- */

static int
configure_constants(PyObject *constants)
{
    for (int i = 0; i < K_N; i++) {
        PyObject *value = PyDict_GetItemString(constants, CONSTANTS[i]);
        if (value == NULL) {
            PyErr_Format(PyExc_KeyError, "no constant %s", CONSTANTS[i]);
            return -1;
        }
        cfg.k[i] = PyFloat_AsDouble(value);
        if (cfg.k[i] == -1.0 && PyErr_Occurred()) return -1;
    }
    return 0;
}

static int
configure_ends(PyObject *sentence_end)
{
    cfg.n_ends = 0;
    PyObject *it = PyObject_GetIter(sentence_end), *item;
    if (it == NULL) return -1;
    while ((item = PyIter_Next(it)) != NULL) {
        /* longer members can never equal the one character tested */
        if (PyUnicode_Check(item) && PyUnicode_GET_LENGTH(item) == 1) {
            if (cfg.n_ends < MAX_ENDS) cfg.ends[cfg.n_ends++] = PyUnicode_READ_CHAR(item, 0);
            else PyErr_SetString(PyExc_ValueError, "too many sentence ends");
        }
        Py_DECREF(item);
        if (PyErr_Occurred()) break;
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

static int
configure_names(void)
{
    const char *text[10] = {"modal", "comment", "article", "code", "heading", "item", "cell", "caption", "other",
                            "navigation"};
    PyObject **slot[10] = {&cfg.modal, &cfg.comment, &cfg.article, &cfg.code, &cfg.heading, &cfg.item, &cfg.cell,
                           &cfg.caption, &cfg.other, &cfg.navigation};
    for (int i = 0; i < 10; i++) {
        PyObject *s = PyUnicode_InternFromString(text[i]);
        if (s == NULL) return -1;
        Py_XSETREF(*slot[i], s);
    }
    return 0;
}

static PyObject *
configure(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *element_cls, *block_cls, *aliases, *link_lists, *vetoed_marks, *sentence_end, *constants;
    long long headed_module, comments, hidden, schema_copy;
    if (!PyArg_ParseTuple(args, "OOO!O!O!OLLLLO!:configure", &element_cls, &block_cls, &PyDict_Type, &aliases,
                          &PyFrozenSet_Type, &link_lists, &PyFrozenSet_Type, &vetoed_marks, &sentence_end,
                          &headed_module, &comments, &hidden, &schema_copy, &PyDict_Type, &constants))
        return NULL;
    cfg.ready = 0;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(aliases, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key) || !PyUnicode_CheckExact(value)) {
            PyErr_SetString(PyExc_TypeError, "aliases must map str to str");
            return NULL;
        }
    if (slot_offsets(element_cls, ELEMENT_FIELDS, E_N, cfg.element_off, &cfg.element_type) < 0 ||
        slot_offsets(block_cls, BLOCK_FIELDS, B_N, cfg.block_off, &cfg.block_type) < 0 ||
        configure_constants(constants) < 0 || configure_ends(sentence_end) < 0 || configure_names() < 0)
        return NULL;
    Py_XSETREF(cfg.aliases, Py_NewRef(aliases));
    Py_XSETREF(cfg.link_lists, Py_NewRef(link_lists));
    Py_XSETREF(cfg.vetoed_marks, Py_NewRef(vetoed_marks));
    cfg.headed_module = headed_module;
    cfg.comments = comments;
    cfg.hidden = hidden;
    cfg.schema_copy = schema_copy;
    cfg.ready = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(Element, Block, mark_aliases, link_list_categories, vetoed_marks, sentence_end, headed_module_bit,"
     " comments_bit, hidden_bit, schema_copy_bit, constants): classify.py's classes, tables and thresholds."},
    {"inherited_marks", (PyCFunction)(void (*)(void))inherited_marks, METH_FASTCALL,
     "inherited_marks(elements, start, end) -> list | None: classify._inherited_marks_python's marks; None"
     " for a page it leaves to the Python code."},
    {"root_scores", (PyCFunction)(void (*)(void))root_scores, METH_FASTCALL,
     "root_scores(blocks, elements, marks, rules, max_link_density, min_block_chars) -> int | None: sets each"
     " block's rule and score and returns the root element; None for a page it leaves to the Python code."},
    {"configure_rules", configure_rules, METH_VARARGS,
     "configure_rules(by_first_char, all_rules, anywhere, closers, all_needles, all_gated, lower_special,"
     " max_chars): rules.py's wording rules (see rules.compiled_tables)."},
    {"text_rules", text_rules, METH_O,
     "text_rules(blocks) -> list | None: rules.text_category of every block's text; None for a page it leaves"
     " to the Python code."},
    {"heuristic_cut", (PyCFunction)(void (*)(void))heuristic_cut, METH_FASTCALL,
     "heuristic_cut(blocks, page_marks, root_marks, root, end, listing, max_link_density) -> (kept, removed) |"
     " None: classify._heuristic_cut_python's lists and labels; None for a page it leaves to the Python code."},
    {"model_cut", (PyCFunction)(void (*)(void))model_cut, METH_FASTCALL,
     "model_cut(blocks, elements, probabilities, threshold, marks, heuristic_kept, use_heuristics) ->"
     " (kept, removed) | None: classify._model_cut_python's lists and labels; None for a page it leaves to"
     " the Python code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "copydesk._classify",
    "classify.py's loops over elements and blocks, compiled (see the comment at the top of _classify.c).", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__classify(void)
{
    return PyModule_Create(&module);
}
