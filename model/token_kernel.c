/* Scans over a batch's text and tokens that cost Python a loop per token: which strings jieba
 * must segment itself, which tokens its HMM would split again, and each token's id in the
 * vocabulary. Each function returns exactly what its Python twin in model/segment.py or
 * model/terms.py returns (tests compare them); without a C compiler those twins run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* segment._NEEDS_REFERENCE: a character jieba and jieba-rs read differently (CJK extensions,
 * U+9FD6-U+9FFF, compatibility ideographs, lone surrogates), or one Han character three times. */
static PyObject *needs_reference(PyObject *Py_UNUSED(self), PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "needs_reference: str expected");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_1BYTE_KIND) Py_RETURN_FALSE; /* Latin-1 holds none of them */
    Py_UCS4 a = 0, b = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x9FD6 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
            (c >= 0x20000 && c <= 0x3FFFF) || (c >= 0xD800 && c <= 0xDFFF))
            Py_RETURN_TRUE;
        if (c == a && c == b && c >= 0x4E00 && c <= 0x9FD5) Py_RETURN_TRUE;
        a = b;
        b = c;
    }
    Py_RETURN_FALSE;
}

/* Positions of the tokens segment._pieces may split: ASCII, longer than two, holding . _ or -. */
static PyObject *joined_tokens(PyObject *Py_UNUSED(self), PyObject *tokens) {
    if (!PyList_Check(tokens)) {
        PyErr_SetString(PyExc_TypeError, "joined_tokens: list expected");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            Py_DECREF(out);
            PyErr_SetString(PyExc_TypeError, "joined_tokens: tokens must be str");
            return NULL;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(token);
        if (n <= 2 || !PyUnicode_IS_ASCII(token)) continue;
        const char *s = (const char *)PyUnicode_DATA(token);
        if (memchr(s, '.', n) || memchr(s, '_', n) || memchr(s, '-', n)) {
            PyObject *at = PyLong_FromSsize_t(i);
            if (!at || PyList_Append(out, at) < 0) {
                Py_XDECREF(at);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(at);
        }
    }
    return out;
}

/* Each token's id in ``ids`` as int64 bytes, ``missing`` where the dict lacks it, and how many
 * lack one: map(ids.get, tokens) into an array, without a Python object per token. */
static PyObject *token_ids(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *tokens, *ids;
    long long missing;
    if (!PyArg_ParseTuple(args, "O!O!L", &PyList_Type, &tokens, &PyDict_Type, &ids, &missing)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (!bytes) return NULL;
    int64_t *out = (int64_t *)PyBytes_AS_STRING(bytes);
    Py_ssize_t lacking = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *value = PyDict_GetItemWithError(ids, PyList_GET_ITEM(tokens, i));
        if (value == NULL) {
            if (PyErr_Occurred()) goto fail;
            out[i] = missing;
            lacking++;
            continue;
        }
        long long id = PyLong_AsLongLong(value);
        if (id == -1 && PyErr_Occurred()) goto fail;
        out[i] = id;
    }
    return Py_BuildValue("(Nn)", bytes, lacking);
fail:
    Py_DECREF(bytes);
    return NULL;
}

static PyMethodDef methods[] = {
    {"needs_reference", needs_reference, METH_O, "segment._NEEDS_REFERENCE.search(text) is not None."},
    {"joined_tokens", joined_tokens, METH_O, "Positions of the ASCII tokens longer than two holding . _ or -."},
    {"token_ids", token_ids, METH_VARARGS, "token_ids(tokens, ids, missing) -> (int64 bytes, count missing)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "token_kernel", "Compiled token scans of parknews (see model/segment.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_token_kernel(void) { return PyModule_Create(&module); }
