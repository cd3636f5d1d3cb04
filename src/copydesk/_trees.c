/* Tree-ensemble scoring for copydesk's shipped LightGBM models (see trees.py, which owns the format).
 *
 * Two functions. compile(feature, threshold, left, right, leaf_value, node_offsets, leaf_offsets, num_class,
 * num_features) checks a model's arrays once and lays them out for scoring, in a capsule that Python code
 * cannot forge or change; add_leaf_values(model, rows, out) adds each tree's leaf for each row to
 * out[row, tree % num_class], tree after tree, so every floating sum is the one LightGBM makes, bit for
 * bit. Rows may be float32 (what copydesk's features are: no float64 copy) or float64. Arrays come through
 * the buffer protocol (no numpy C API, so the build needs nothing but Python's headers).
 *
 * Checked once. compile() refuses (ValueError, "corrupt") anything but proper trees: offsets within their
 * arrays, a tree of n splits has n + 1 leaves, every split feature is below num_features, every child is
 * a split after its parent in the same tree or one of the tree's own leaves, and every split but the root
 * and every leaf has exactly one parent. That is what LightGBM writes (it numbers a split after the one it
 * divides), and it is what lets the scoring loops below read without bounds checks and stop: a walk only
 * moves forward, and the leaf sets below are only right for trees.
 *
 * Scored without walking. A walk from root to leaf is a chain of dependent loads with a hard-to-predict
 * branch per level: 7 ns a tree per row when this file walked, and still 6 ns with eight rows walked in
 * lockstep and branch-free child selection. Instead, for trees of at most 64 leaves (numbered left to
 * right), a row's leaf is found from all the tree's splits at once: start with every leaf possible, and
 * for each split the row fails (value > threshold, so it goes right) drop the leaves of that split's left
 * subtree. The row's leaf is never dropped (a split whose left subtree holds it is on its path, and the
 * row passed it), and it is the leftmost one left: every leaf left of it is in the left subtree of the
 * split where their paths part, which the row failed. No branches, no dependent loads, and sixteen rows
 * go through each split together in eight vectors of two doubles (GCC/clang vector extensions: SSE2 on any
 * x86-64, NEON on arm64): a split's threshold, mask and slot are read once for sixteen rows (four rows a
 * block took about 10% longer on text mode's pages). Where the CPU has AVX2 (asked at run time; the file is
 * built for any x86-64), one-class models go four rows to a vector: a third less time on text mode's pages
 * (AVX-512 was no faster). A model with a larger tree is walked, a row at a time.
 *
 * Each row is read once, not once per split: the features the splits use are converted to double (as
 * LightGBM converts float32 input) with LightGBM's reading of them applied (NaN, missing, and anything
 * within 1e-35 of zero are zero), into a small buffer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

#include "_slots.h"

#define CAPSULE "copydesk._trees.model"
/* Rows scored together by the leaf-set loop: eight vectors of two doubles. */
#define BLOCK 16
#define PAIRS (BLOCK / 2)

typedef double pair __attribute__((vector_size(16)));
typedef uint64_t pair_bits __attribute__((vector_size(16)));

typedef struct {
    Py_ssize_t trees, nodes, leaves, width, num_class, slots;
    int leaf_sets;                /* every tree has at most 64 leaves */
    int32_t *first_node;          /* per tree, then the number of nodes */
    int32_t *first_leaf;          /* per tree, then the number of leaves */
    int32_t *used;                /* per slot: the feature it holds (each feature a split reads, once) */
    int32_t *slot;                /* per node: its feature's slot */
    double *threshold;            /* per node: go left when value <= threshold */
    uint64_t *keep;               /* per node (leaf sets): the leaves still possible after going right */
    int32_t *left, *right;        /* per node (walk): a node of the same tree, or ~leaf */
    double *leaf;                 /* per leaf: left to right in each tree (leaf sets), or as in the file */
} Model;

typedef struct {
    Py_buffer view;
    int held;
} Held;

static int hold(PyObject *object, Held *held, const char *formats, Py_ssize_t itemsize, int writable) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, &held->view, flags) < 0) return -1;
    held->held = 1;
    /* formats lists the one-letter formats accepted; itemsize 0 takes each one's own size (rows). */
    const char *format = held->view.format;
    if (format == NULL || format[0] == '\0' || format[1] != '\0' || strchr(formats, format[0]) == NULL ||
        (itemsize && held->view.itemsize != itemsize)) {
        PyErr_Format(PyExc_TypeError, "array of type '%s' expected, got '%s'", formats, format ? format : "?");
        return -1;
    }
    return 0;
}

static void release(Held *held, int count) {
    for (int i = 0; i < count; i++)
        if (held[i].held) PyBuffer_Release(&held[i].view);
}

static void free_model(PyObject *capsule) { PyMem_Free(PyCapsule_GetPointer(capsule, CAPSULE)); }

/* Carves the next `count` items of `size` bytes out of one allocation, 16-byte aligned. */
static void *carve(char **at, Py_ssize_t count, size_t size) {
    void *start = *at;
    *at += ((size_t)count * size + 15) & ~(size_t)15;
    return start;
}

/* Fills m (whose counts are set) from the file's arrays; 0 if they are not proper trees (see the top). */
static int lay_out(Model *m, const int32_t *feature, const double *threshold, const int32_t *left,
                   const int32_t *right, const double *leaf_value, const int32_t *node_offsets,
                   const int32_t *leaf_offsets, int32_t *parents, int32_t *slot_of) {
    for (Py_ssize_t f = 0; f < m->width; f++) slot_of[f] = -1;
    m->leaf_sets = 1;
    for (Py_ssize_t t = 0; t <= m->trees; t++) {
        m->first_node[t] = t < m->trees ? node_offsets[t] : (int32_t)m->nodes;
        m->first_leaf[t] = t < m->trees ? leaf_offsets[t] : (int32_t)m->leaves;
        /* Rising from 0 or more to the arrays' ends: every tree is within them. */
        if (m->first_node[t] < (t ? m->first_node[t - 1] : 0) || m->first_leaf[t] < (t ? m->first_leaf[t - 1] : 0))
            return 0;
    }
    for (Py_ssize_t t = 0; t < m->trees; t++) {
        Py_ssize_t base = m->first_node[t], n = m->first_node[t + 1] - base;
        Py_ssize_t leaf_base = m->first_leaf[t], leaves = m->first_leaf[t + 1] - leaf_base;
        if (leaves != n + 1) return 0;
        if (leaves > 64) m->leaf_sets = 0;
        /* parents[k] counts the parents of split k, parents[n + l] those of leaf l. */
        for (Py_ssize_t k = 0; k < n + leaves; k++) parents[k] = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            int32_t f = feature[base + k], children[2] = {left[base + k], right[base + k]};
            if (f < 0 || f >= m->width) return 0;
            for (int side = 0; side < 2; side++) {
                int32_t child = children[side];
                if (child >= 0 ? child <= k || child >= n : ~child >= leaves) return 0;
                parents[child >= 0 ? child : n + ~child]++;
            }
            if (slot_of[f] < 0) {
                slot_of[f] = (int32_t)m->slots;
                m->used[m->slots++] = f;
            }
            m->slot[base + k] = slot_of[f];
            m->threshold[base + k] = threshold[base + k];
            m->left[base + k] = children[0];
            m->right[base + k] = children[1];
        }
        for (Py_ssize_t k = 1; k < n + leaves; k++)
            if (parents[k] != 1) return 0;
    }
    if (!m->leaf_sets) {
        memcpy(m->leaf, leaf_value, (size_t)m->leaves * sizeof(double));
        return 1;
    }
    /* Number each tree's leaves left to right: size[k], the leaves under split k (children first, as
     * they come after their parent), then start[k], the number of its leftmost leaf (parents first).
     * parents[] is reused as size[], then as start[]. */
    for (Py_ssize_t t = 0; t < m->trees; t++) {
        Py_ssize_t base = m->first_node[t], n = m->first_node[t + 1] - base, leaf_base = m->first_leaf[t];
        int32_t *size = parents, *start = parents + n;
        for (Py_ssize_t k = n - 1; k >= 0; k--)
            size[k] = (m->left[base + k] >= 0 ? size[m->left[base + k]] : 1) +
                      (m->right[base + k] >= 0 ? size[m->right[base + k]] : 1);
        if (n == 0)
            m->leaf[leaf_base] = leaf_value[leaf_base];
        else
            start[0] = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            int32_t first = start[k], children[2] = {m->left[base + k], m->right[base + k]};
            int32_t left_size = children[0] >= 0 ? size[children[0]] : 1;
            for (int side = 0; side < 2; side++) {
                int32_t child = children[side], at = first + (side ? left_size : 0);
                if (child >= 0)
                    start[child] = at;
                else
                    m->leaf[leaf_base + at] = leaf_value[leaf_base + ~child];
            }
            /* left_size < 64: the right subtree has a leaf too. */
            m->keep[base + k] = ~((((uint64_t)1 << left_size) - 1) << first);
        }
    }
    return 1;
}

static PyObject *compile(PyObject *self, PyObject *args) {
    PyObject *objects[7];
    int num_class;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "OOOOOOOin", &objects[0], &objects[1], &objects[2], &objects[3], &objects[4],
                          &objects[5], &objects[6], &num_class, &width))
        return NULL;
    static const char *formats[7] = {"i", "d", "i", "i", "d", "i", "i"};
    static const Py_ssize_t sizes[7] = {4, 8, 4, 4, 8, 4, 4};
    Held held[7] = {{{0}}};
    for (int i = 0; i < 7; i++) {
        if (hold(objects[i], &held[i], formats[i], sizes[i], 0) < 0) {
            release(held, 7);
            return NULL;
        }
    }
    Py_ssize_t nodes = held[0].view.len / 4, leaves = held[4].view.len / 8, trees = held[5].view.len / 4;
    if (num_class < 1 || width < 0 || width > INT32_MAX || held[1].view.len / 8 != nodes ||
        held[2].view.len / 4 != nodes || held[3].view.len / 4 != nodes || held[6].view.len / 4 != trees ||
        nodes > INT32_MAX / 2 || leaves > INT32_MAX / 2) {
        release(held, 7);
        PyErr_SetString(PyExc_ValueError, "inconsistent model arrays");
        return NULL;
    }
    /* The model, then scratch for lay_out: parents per node and leaf, slot per feature. */
    size_t size = 16 * 16 + sizeof(Model) + 2 * (size_t)(trees + 1) * 4 + (size_t)width * 4 + (size_t)nodes * 32 +
                  (size_t)leaves * 8;
    size_t scratch_size = ((size_t)nodes + (size_t)leaves + (size_t)width + 1) * 4;
    char *memory = PyMem_Malloc(size), *scratch = PyMem_Malloc(scratch_size);
    if (memory == NULL || scratch == NULL) {
        PyMem_Free(memory);
        PyMem_Free(scratch);
        release(held, 7);
        return PyErr_NoMemory();
    }
    char *at = memory;
    Model *m = carve(&at, 1, sizeof(Model));
    *m = (Model){.trees = trees, .nodes = nodes, .leaves = leaves, .width = width, .num_class = num_class};
    m->first_node = carve(&at, trees + 1, 4);
    m->first_leaf = carve(&at, trees + 1, 4);
    m->used = carve(&at, width, 4);
    m->slot = carve(&at, nodes, 4);
    m->threshold = carve(&at, nodes, 8);
    m->keep = carve(&at, nodes, 8);
    m->left = carve(&at, nodes, 4);
    m->right = carve(&at, nodes, 4);
    m->leaf = carve(&at, leaves, 8);
    int ok = lay_out(m, held[0].view.buf, held[1].view.buf, held[2].view.buf, held[3].view.buf, held[4].view.buf,
                     held[5].view.buf, held[6].view.buf, (int32_t *)scratch,
                     (int32_t *)scratch + nodes + leaves);
    PyMem_Free(scratch);
    release(held, 7);
    if (!ok) {
        PyMem_Free(memory);
        PyErr_SetString(PyExc_ValueError, "corrupt tree model: an index points outside its arrays or its tree");
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(m, CAPSULE, free_model);
    if (capsule == NULL) PyMem_Free(memory);
    return capsule;
}

/* values[s * lanes + k] = row k's feature used[s], as LightGBM reads it (see the top). */
#define READ_ROWS(type)                                                                                       \
    for (Py_ssize_t s = 0; s < m->slots; s++) {                                                               \
        _Pragma("GCC unroll 8") for (int k = 0; k < lanes; k++) {                                             \
            double value = ((const type *)row[k])[m->used[s]];                                                \
            values[s * lanes + k] = fabs(value) > (double)1e-35f ? value : 0.0;                               \
        }                                                                                                     \
    }

static inline void read_rows(const Model *m, const char *const *row, int single, int lanes, double *values) {
    if (single) {
        READ_ROWS(float)
    } else {
        READ_ROWS(double)
    }
}

/* read_rows for rows given as columns (see TreesAPI): `count` rows from row `first` on, into `lanes` lanes, the
   lanes past them read as zero rows are. A block's sixteen values of a feature are next to each other in its
   column: one run of loads, not sixteen rows' worth of cache lines. */
static inline void read_columns(const Model *m, const double *const *columns, Py_ssize_t first, int count, int lanes,
                                double *restrict values) {
    for (Py_ssize_t s = 0; s < m->slots; s++) {
        const double *restrict column = columns[m->used[s]] + first;
        double *restrict to = values + s * lanes;
        if (count == lanes) {
#pragma GCC unroll 16
            for (int k = 0; k < lanes; k++) {
                double value = column[k];
                to[k] = fabs(value) > (double)1e-35f ? value : 0.0;
            }
        } else {
            for (int k = 0; k < lanes; k++) {
                double value = k < count ? column[k] : 0.0;
                to[k] = fabs(value) > (double)1e-35f ? value : 0.0;
            }
        }
    }
}

/* The leaf sets of tree t for BLOCK rows: row k's leaf is the lowest bit of live[k / 2][k % 2]. */
typedef struct {
    pair_bits live[PAIRS];
} Sets;

static inline Sets leaf_sets(const Model *m, const pair *x, Py_ssize_t t) {
    Sets sets;
    for (int q = 0; q < PAIRS; q++) sets.live[q] = ~(pair_bits){0};
    for (int32_t n = m->first_node[t]; n < m->first_node[t + 1]; n++) {
        const pair *v = x + PAIRS * (Py_ssize_t)m->slot[n];
        pair threshold = {m->threshold[n], m->threshold[n]};
        pair_bits keep = {m->keep[n], m->keep[n]};
#pragma GCC unroll 8
        for (int q = 0; q < PAIRS; q++) sets.live[q] &= (pair_bits)(v[q] <= threshold) | keep;
    }
    return sets;
}

/* Adds BLOCK rows' leaves to acc[class * BLOCK + k], from values laid out by read_rows. */
static void add_block(const Model *m, const double *values, double *acc) {
    const pair *x = (const pair *)values;
    if (m->num_class == 1) {
        /* Sums in registers: a load and a store per tree would chain each row's trees through memory. */
        double sum[BLOCK];
        for (int k = 0; k < BLOCK; k++) sum[k] = acc[k];
        for (Py_ssize_t t = 0; t < m->trees; t++) {
            Sets sets = leaf_sets(m, x, t);
            const double *leaf = m->leaf + m->first_leaf[t];
#pragma GCC unroll 8
            for (int k = 0; k < BLOCK; k++) sum[k] += leaf[__builtin_ctzll(sets.live[k / 2][k % 2])];
        }
        for (int k = 0; k < BLOCK; k++) acc[k] = sum[k];
        return;
    }
    for (Py_ssize_t t = 0, cls = 0; t < m->trees; t++) {
        Sets sets = leaf_sets(m, x, t);
        const double *leaf = m->leaf + m->first_leaf[t];
#pragma GCC unroll 8
        for (int k = 0; k < BLOCK; k++) acc[cls * BLOCK + k] += leaf[__builtin_ctzll(sets.live[k / 2][k % 2])];
        if (++cls == m->num_class) cls = 0;
    }
}

#if defined(__GNUC__) && defined(__x86_64__)
/* add_block for one-class models on a CPU with AVX2 (checked at run time): the same comparisons, sums and order,
   four rows to a vector instead of two, so a split costs half the instructions. */
#define AVX2_BLOCKS 1
typedef double quad __attribute__((vector_size(32), aligned(16)));
typedef uint64_t quad_bits __attribute__((vector_size(32), aligned(16)));

__attribute__((target("avx2"))) static void add_block_avx2(const Model *m, const double *values, double *acc) {
    double sum[BLOCK];
    for (int k = 0; k < BLOCK; k++) sum[k] = acc[k];
    for (Py_ssize_t t = 0; t < m->trees; t++) {
        quad_bits live[BLOCK / 4];
        for (int q = 0; q < BLOCK / 4; q++) live[q] = ~(quad_bits){0};
        for (int32_t n = m->first_node[t]; n < m->first_node[t + 1]; n++) {
            const quad *v = (const quad *)(values + BLOCK * (Py_ssize_t)m->slot[n]);
            double h = m->threshold[n];
            uint64_t kept = m->keep[n];
            quad threshold = {h, h, h, h};
            quad_bits keep = {kept, kept, kept, kept};
#pragma GCC unroll 4
            for (int q = 0; q < BLOCK / 4; q++) live[q] &= (quad_bits)(v[q] <= threshold) | keep;
        }
        const double *leaf = m->leaf + m->first_leaf[t];
#pragma GCC unroll 16
        for (int k = 0; k < BLOCK; k++) sum[k] += leaf[__builtin_ctzll(live[k / 4][k % 4])];
    }
    for (int k = 0; k < BLOCK; k++) acc[k] = sum[k];
}

static int avx2 = -1;  /* unknown yet; use_avx2() sets it for the tests */

static int has_avx2(void) {
    if (avx2 < 0) avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    return avx2;
}
#endif

/* use_avx2(flag) -> bool: whether AVX2 blocks were in use, and from now on whether they are (where the CPU has
   AVX2); for the tests, which compare both ways. */
static PyObject *use_avx2(PyObject *self, PyObject *flag) {
    int on = PyObject_IsTrue(flag);
    if (on < 0) return NULL;
#ifdef AVX2_BLOCKS
    int was = has_avx2();
    avx2 = on && __builtin_cpu_supports("avx2");
    return PyBool_FromLong(was);
#else
    Py_RETURN_FALSE;
#endif
}

/* Adds one row's leaves to out[class], from values laid out by read_rows. */
static void add_row(const Model *m, const double *values, double *out) {
    Py_ssize_t num_class = m->num_class, cls = 0;
    for (Py_ssize_t t = 0; t < m->trees; t++) {
        int32_t base = m->first_node[t], end = m->first_node[t + 1];
        Py_ssize_t leaf;
        if (m->leaf_sets) {
            uint64_t live = ~(uint64_t)0;
            for (int32_t n = base; n < end; n++)
                live &= m->keep[n] | -(uint64_t)(values[m->slot[n]] <= m->threshold[n]);
            leaf = __builtin_ctzll(live);
        } else {
            /* A tree without splits is its leaf 0. */
            int32_t node = base < end ? 0 : -1;
            while (node >= 0) {
                int32_t at = base + node;
                node = values[m->slot[at]] <= m->threshold[at] ? m->left[at] : m->right[at];
            }
            leaf = ~node;
        }
        out[cls] += m->leaf[m->first_leaf[t] + leaf];
        if (++cls == num_class) cls = 0;
    }
}

/* Adds each tree's leaf for each of `count` rows (`row_size` bytes apart, float32 when `single`; or, when
   `columns` is not NULL, row r's feature f at columns[f][r]) to out, letting other threads run meanwhile when
   `release`; -1 out of memory (an error set). */
static int score_rows(const Model *m, const char *rows, const double *const *columns, Py_ssize_t count,
                      Py_ssize_t row_size, int single, double *out, int release) {
    Py_ssize_t num_class = m->num_class;
    /* values (slots x BLOCK, 16-byte aligned for the pair loads), acc (classes x BLOCK), a zero row. */
    char *scratch = PyMem_Calloc(1, 16 + ((size_t)m->slots + (size_t)num_class) * BLOCK * 8 + (size_t)row_size + 8);
    if (scratch == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    double *values = (double *)(((uintptr_t)scratch + 15) & ~(uintptr_t)15);
    double *acc = values + m->slots * BLOCK;
    const char *zero_row = (const char *)(acc + num_class * BLOCK);
    PyThreadState *saved = release ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t r0 = 0; r0 < count; r0 += BLOCK) {
        int in_block = count - r0 < BLOCK ? (int)(count - r0) : BLOCK;
        const char *row[BLOCK];
        /* A short last block is padded with zero rows, whose sums are dropped: cheaper than rows one by
         * one from two rows up. */
        for (int k = 0; k < BLOCK; k++) row[k] = rows != NULL && k < in_block ? rows + (r0 + k) * row_size : zero_row;
        if (m->leaf_sets && in_block > 1) {
            if (columns != NULL)
                read_columns(m, columns, r0, in_block, BLOCK, values);
            else
                read_rows(m, row, single, BLOCK, values);
            for (Py_ssize_t c = 0; c < num_class; c++)
                for (int k = 0; k < BLOCK; k++) acc[c * BLOCK + k] = k < in_block ? out[(r0 + k) * num_class + c] : 0.0;
#ifdef AVX2_BLOCKS
            if (m->num_class == 1 && has_avx2())
                add_block_avx2(m, values, acc);
            else
#endif
                add_block(m, values, acc);
            for (Py_ssize_t c = 0; c < num_class; c++)
                for (int k = 0; k < in_block; k++) out[(r0 + k) * num_class + c] = acc[c * BLOCK + k];
        } else {
            for (int k = 0; k < in_block; k++) {
                if (columns != NULL)
                    read_columns(m, columns, r0 + k, 1, 1, values);
                else
                    read_rows(m, &row[k], single, 1, values);
                add_row(m, values, out + (r0 + k) * num_class);
            }
        }
    }
    if (saved != NULL) PyEval_RestoreThread(saved);
    PyMem_Free(scratch);
    return 0;
}

static PyObject *add_leaf_values(PyObject *self, PyObject *args) {
    PyObject *capsule, *objects[2];
    if (!PyArg_ParseTuple(args, "OOO", &capsule, &objects[0], &objects[1])) return NULL;
    const Model *m = PyCapsule_GetPointer(capsule, CAPSULE);
    if (m == NULL) return NULL;
    Held held[2] = {{{0}}};
    if (hold(objects[0], &held[0], "fd", 0, 0) < 0 || hold(objects[1], &held[1], "d", 8, 1) < 0) {
        release(held, 2);
        return NULL;
    }
    if (held[0].view.ndim != 2 || held[0].view.shape[1] != m->width ||
        held[1].view.len / 8 != held[0].view.shape[0] * m->num_class) {
        release(held, 2);
        PyErr_SetString(PyExc_ValueError, "rows or out do not fit the model");
        return NULL;
    }
    int r = score_rows(m, held[0].view.buf, NULL, held[0].view.shape[0], m->width * held[0].view.itemsize,
                       held[0].view.format[0] == 'f', held[1].view.buf, 1);
    release(held, 2);
    if (r < 0) return NULL;
    Py_RETURN_NONE;
}

/* The C API other extensions reach through the capsule `C_API` (text mode's _lines.c scores its lines without
   making arrays): add_leaf_values for `count` float64 rows of `width` values; -1 with an error set when the
   model capsule is not one or the rows do not fit it. The GIL stays held: the caller's lists stay as they are
   around the call, and a page's rows take microseconds. */
static int api_add_leaf_values(PyObject *capsule, const double *rows, Py_ssize_t count, Py_ssize_t width,
                               double *out) {
    const Model *m = PyCapsule_GetPointer(capsule, CAPSULE);
    if (m == NULL) return -1;
    if (width != m->width) {
        PyErr_SetString(PyExc_ValueError, "rows or out do not fit the model");
        return -1;
    }
    return score_rows(m, (const char *)rows, NULL, count, width * (Py_ssize_t)sizeof(double), 0, out, 0);
}

/* The same for rows given as columns: row r's feature f is columns[f][r] (see TreesAPI in _slots.h). */
static int api_add_leaf_values_by_column(PyObject *capsule, const double *const *columns, Py_ssize_t count,
                                         Py_ssize_t width, double *out) {
    const Model *m = PyCapsule_GetPointer(capsule, CAPSULE);
    if (m == NULL) return -1;
    if (width != m->width) {
        PyErr_SetString(PyExc_ValueError, "rows or out do not fit the model");
        return -1;
    }
    return score_rows(m, NULL, columns, count, 0, 0, out, 0);
}

static const TreesAPI API = {api_add_leaf_values, api_add_leaf_values_by_column};

static PyMethodDef methods[] = {
    {"compile", compile, METH_VARARGS, "Check a model's arrays and lay them out for add_leaf_values."},
    {"add_leaf_values", add_leaf_values, METH_VARARGS, "Add each tree's leaf value for each row to out."},
    {"use_avx2", use_avx2, METH_O, "use_avx2(flag) -> bool: whether AVX2 blocks were in use; now they are if flag."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_trees", "Tree-ensemble scoring (see trees.py).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__trees(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    PyObject *api = PyCapsule_New((void *)&API, TREES_API_CAPSULE, NULL);
    if (api == NULL || PyModule_AddObject(m, "C_API", api) < 0) {
        Py_XDECREF(api);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
