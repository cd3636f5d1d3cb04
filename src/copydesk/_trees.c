/* Tree-ensemble scoring for copydesk's shipped LightGBM models (see trees.py, which owns the format).
 *
 * One function: add_leaf_values(rows, out, feature, threshold, left, right, leaf_value, node_offsets,
 * leaf_offsets, num_class) walks every tree for every row and adds the leaf reached to
 * out[row, tree % num_class]. Arrays come through the buffer protocol (no numpy C API, so the build
 * needs nothing but Python's headers); trees.py hands over contiguous arrays of the right types, and
 * every index read from them is checked here, so a corrupt model file raises instead of reading
 * outside an array.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

typedef struct {
    Py_buffer view;
    int held;
} Held;

static int hold(PyObject *object, Held *held, const char *format, Py_ssize_t itemsize, int writable) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, &held->view, flags) < 0) return -1;
    held->held = 1;
    if (held->view.itemsize != itemsize || held->view.format == NULL || strcmp(held->view.format, format) != 0) {
        PyErr_Format(PyExc_TypeError, "array of type '%s' expected, got '%s'", format,
                     held->view.format ? held->view.format : "?");
        return -1;
    }
    return 0;
}

static void release(Held *held, int count) {
    for (int i = 0; i < count; i++)
        if (held[i].held) PyBuffer_Release(&held[i].view);
}

static PyObject *add_leaf_values(PyObject *self, PyObject *args) {
    PyObject *objects[9];
    int num_class;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOi", &objects[0], &objects[1], &objects[2], &objects[3], &objects[4],
                          &objects[5], &objects[6], &objects[7], &objects[8], &num_class))
        return NULL;
    static const char *formats[9] = {"d", "d", "i", "d", "i", "i", "d", "i", "i"};
    static const Py_ssize_t sizes[9] = {8, 8, 4, 8, 4, 4, 8, 4, 4};
    Held held[9] = {{{0}}};
    for (int i = 0; i < 9; i++) {
        if (hold(objects[i], &held[i], formats[i], sizes[i], i == 1) < 0) {
            release(held, 9);
            return NULL;
        }
    }
    const double *rows = held[0].view.buf;
    double *out = held[1].view.buf;
    const int32_t *feature = held[2].view.buf, *left = held[4].view.buf, *right = held[5].view.buf;
    const double *threshold = held[3].view.buf, *leaf_value = held[6].view.buf;
    const int32_t *node_offsets = held[7].view.buf, *leaf_offsets = held[8].view.buf;
    Py_ssize_t nodes = held[2].view.len / 4, leaves = held[6].view.len / 8, trees = held[7].view.len / 4;
    if (held[0].view.ndim != 2 || num_class < 1 || held[1].view.len / 8 != held[0].view.shape[0] * num_class ||
        held[3].view.len / 8 != nodes || held[4].view.len / 4 != nodes || held[5].view.len / 4 != nodes ||
        held[8].view.len / 4 != trees) {
        release(held, 9);
        PyErr_SetString(PyExc_ValueError, "inconsistent model or row arrays");
        return NULL;
    }
    Py_ssize_t count = held[0].view.shape[0], width = held[0].view.shape[1];
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t t = 0; t < trees && !bad; t++) {
        Py_ssize_t base = node_offsets[t], leaf_base = leaf_offsets[t];
        Py_ssize_t end = t + 1 < trees ? node_offsets[t + 1] : nodes;
        int one_leaf = base == end;
        for (Py_ssize_t r = 0; r < count; r++) {
            const double *row = rows + r * width;
            int32_t node = one_leaf ? -1 : 0;
            /* A tree of n nodes is at most n deep: more steps means a cycle in a corrupt file. */
            for (Py_ssize_t steps = 0; node >= 0; steps++) {
                Py_ssize_t at = base + node;
                if (at >= end || steps > end - base || feature[at] < 0 || feature[at] >= width) {
                    bad = 1;
                    break;
                }
                double value = row[feature[at]];
                /* As LightGBM reads values: NaN (missing) and anything within 1e-35 of zero are zero. */
                if (value != value || fabs(value) <= (double)1e-35f) value = 0.0;
                node = value <= threshold[at] ? left[at] : right[at];
            }
            if (bad) break;
            Py_ssize_t leaf = leaf_base + ~node;
            if (leaf < leaf_base || leaf >= leaves) {
                bad = 1;
                break;
            }
            out[r * num_class + t % num_class] += leaf_value[leaf];
        }
    }
    Py_END_ALLOW_THREADS
    release(held, 9);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "corrupt tree model: an index points outside its arrays");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"add_leaf_values", add_leaf_values, METH_VARARGS, "Add each tree's leaf value for each row to out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_trees", "Tree-ensemble scoring (see trees.py).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__trees(void) { return PyModule_Create(&module); }
