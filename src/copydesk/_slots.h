/*
 * _slots.h -- what copydesk's compiled parts (_walk.c, _classify.c, _features.c, _lines.c) share: finding
 * and reading the slots of the dataclasses blocks.py defines, int, float and exact str reads, declining
 * with None, a module's tuple of names, and the checks a call starts with; and the C API _trees.c offers
 * _lines.c (TreesAPI). Each extension includes its own copy of these static functions; nothing here holds
 * state.
 */

#ifndef COPYDESK_SLOTS_H
#define COPYDESK_SLOTS_H

#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

/* The slots of `obj`, borrowed; 0 unless it is exactly `type` with all of them set. */
static inline int
read_slots(PyObject *obj, PyTypeObject *type, const Py_ssize_t *off, int n, PyObject **out)
{
    if (!Py_IS_TYPE(obj, type)) return 0;
    for (int i = 0; i < n; i++) {
        out[i] = *(PyObject **)((char *)obj + off[i]);
        if (out[i] == NULL) return 0;
    }
    return 1;
}

/* An int field; 0 unless it is a Python int within int64 (numpy's int64 arrays refuse the rest). The
   small ones, nearly all, are read in place: the call per field cost a tenth of features' fill(). */
static inline int
as_int64(PyObject *obj, int64_t *value)
{
    if (!PyLong_Check(obj)) return 0;
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)obj)) {
        *value = PyUnstable_Long_CompactValue((PyLongObject *)obj);
        return 1;
    }
#else
    Py_ssize_t size = Py_SIZE(obj);
    if (size >= -1 && size <= 1) {  /* one digit or none: CPython's own medium_value() */
        *value = size * (int64_t)((PyLongObject *)obj)->ob_digit[0];
        return 1;
    }
#endif
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return 0;
    }
    *value = v;
    return 1;
}

/* A float field, or an int read as float() (and numpy's float64 arrays) read it; 0 (declined) for anything
   else or an int too large for a double. */
static inline int
as_double(PyObject *obj, double *value)
{
    if (PyFloat_CheckExact(obj)) {
        *value = PyFloat_AS_DOUBLE(obj);
        return 1;
    }
    if (!PyLong_Check(obj)) return 0;
    *value = PyLong_AsDouble(obj);
    if (*value == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return 1;
}

/* Two exact strs equal (canonical form: equal strs have one kind, so equal bytes). */
static inline int
same_str(PyObject *a, PyObject *b)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(a);
    return a == b || (len == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
                      memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), len * PyUnicode_KIND(a)) == 0);
}

/* The offsets of the named slots of `cls` (writable plain object slots, as @dataclass(slots=True) makes
   them), and the class kept in *type_out unless it is NULL; -1 with an error set when one is not such a
   slot. */
static inline int
slot_offsets(PyObject *cls, const char **names, int n, Py_ssize_t *off, PyTypeObject **type_out)
{
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "expected a class");
        return -1;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    for (int i = 0; i < n; i++) {
        PyObject *d = PyDict_GetItemString(type->tp_dict, names[i]);
        if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) {
            PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", type->tp_name, names[i]);
            return -1;
        }
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) {
            PyErr_Format(PyExc_TypeError, "%s.%s is not a plain object slot", type->tp_name, names[i]);
            return -1;
        }
        off[i] = m->offset;
    }
    if (type_out != NULL) Py_XSETREF(*type_out, (PyTypeObject *)Py_NewRef(cls));
    return 0;
}

/* The result, or None with the error cleared when there is none: a compiled function declines what it
   cannot take, and the caller's Python code runs instead (raising where it raises). */
static inline PyObject *
or_none(PyObject *result)
{
    if (result != NULL) return result;
    PyErr_Clear();
    Py_RETURN_NONE;
}

/* A tuple of the names in `list`, added to the module as `attr`. */
static inline int
add_names(PyObject *m, const char *attr, const char **list, int n)
{
    PyObject *t = PyTuple_New(n);
    for (int i = 0; t != NULL && i < n; i++) {
        PyObject *s = PyUnicode_FromString(list[i]);
        if (s == NULL) Py_CLEAR(t);
        else PyTuple_SET_ITEM(t, i, s);
    }
    int r = t == NULL ? -1 : PyModule_AddObjectRef(m, attr, t);
    Py_XDECREF(t);
    return r;
}

/* A call's first checks: the number of arguments (TypeError with the call's usage) and whether the module
   was configured (RuntimeError naming it). 1 with the error set, else 0. */
static inline int
wrong_call(Py_ssize_t nargs, Py_ssize_t expected, const char *usage)
{
    if (nargs == expected) return 0;
    PyErr_SetString(PyExc_TypeError, usage);
    return 1;
}

static inline int
not_configured(int ready, const char *module)
{
    if (ready) return 0;
    PyErr_Format(PyExc_RuntimeError, "%s is not configured", module);
    return 1;
}

/* What _trees.c offers other extensions, in its capsule C_API (named TREES_API_CAPSULE, which says which
   version of this struct it holds): the tree model's leaf values added to `out` for `count` float64 rows of
   `width` values, the rows given as rows (`rows[r * width + f]`) or as columns (`columns[f][r]`: _lines.c's
   page columns, whose context columns are its other columns read a line or two over). */
#define TREES_API_CAPSULE "copydesk._trees.C_API.v2"
typedef struct {
    int (*add_leaf_values)(PyObject *model, const double *rows, Py_ssize_t count, Py_ssize_t width, double *out);
    int (*add_leaf_values_by_column)(PyObject *model, const double *const *columns, Py_ssize_t count,
                                     Py_ssize_t width, double *out);
} TreesAPI;

#endif
