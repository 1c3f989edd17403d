/* The JSON Lines records of one labeled article, written in one pass: annotate.jsonl_lines'
 * fast path. The text equals what the Python encoder writes (json's encode_basestring with
 * non-ASCII kept; each score as repr(round(x, 6))); where that cannot be made sure here (a
 * score outside (-1e6, 1e6) or not finite, text that is no valid UTF-8 as a lone surrogate
 * is not) it returns None and the Python path writes the article.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char *data;
    size_t len, cap;
} Buffer;

static int reserve(Buffer *b, size_t more) {
    if (b->len + more <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more) cap *= 2;
    char *grown = PyMem_Realloc(b->data, cap);
    if (!grown) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = grown;
    b->cap = cap;
    return 0;
}

static int put(Buffer *b, const char *s, size_t n) {
    if (reserve(b, n) < 0) return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* A str as json's encode_basestring writes it (ensure_ascii=False), in UTF-8: quotes around,
 * \\ \" \b \f \n \r \t, other controls as \u00xx. 0 (nothing written) for a lone surrogate,
 * which UTF-8 cannot hold: the caller falls back to the Python path. */
static int put_string(Buffer *b, PyObject *text) {
    static const char hex[] = "0123456789abcdef";
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (reserve(b, (size_t)n * 6 + 2) < 0) return -1;
    char *out = b->data + b->len;
    *out++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x80) {
            if (c < 0x800) {
                *out++ = (char)(0xC0 | (c >> 6));
            } else {
                if (c >= 0xD800 && c <= 0xDFFF) return 0;
                if (c < 0x10000) {
                    *out++ = (char)(0xE0 | (c >> 12));
                } else {
                    *out++ = (char)(0xF0 | (c >> 18));
                    *out++ = (char)(0x80 | ((c >> 12) & 0x3F));
                }
                *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
            }
            *out++ = (char)(0x80 | (c & 0x3F));
        } else if (c >= 0x20 && c != '"' && c != '\\') {
            *out++ = (char)c;
        } else {
            *out++ = '\\';
            switch (c) {
                case '"': *out++ = '"'; break;
                case '\\': *out++ = '\\'; break;
                case '\b': *out++ = 'b'; break;
                case '\f': *out++ = 'f'; break;
                case '\n': *out++ = 'n'; break;
                case '\r': *out++ = 'r'; break;
                case '\t': *out++ = 't'; break;
                default:
                    memcpy(out, "u00", 3);
                    out += 3;
                    *out++ = hex[c >> 4];
                    *out++ = hex[c & 15];
            }
        }
    }
    *out++ = '"';
    b->len = (size_t)(out - b->data);
    return 1;
}

/* repr(round(x, 6)) for 0 <= |x| <= 1 when x * 1e6 is clearly on one side of a half (almost
 * always): the product's error is under 2^-33, so rounding it rounds the exact value; 0 where
 * printf must decide. The decimals of m / 1e6 are then the shortest text that reads back. */
static int put_unit_score(Buffer *b, double x) {
    int negative = signbit(x) != 0;
    double y = fabs(x) * 1e6, whole = floor(y), part = y - whole;
    if (!(fabs(x) <= 1.0) || fabs(part - 0.5) < 1e-9) return 0;
    long m = (long)whole + (part > 0.5);
    char text[32], *out = text;
    if (negative) *out++ = '-';
    if (m > 0 && m < 100) { /* below 1e-4: repr's exponent form */
        if (m < 10) {
            out += sprintf(out, "%lde-06", m);
        } else if (m % 10 == 0) {
            out += sprintf(out, "%lde-05", m / 10);
        } else {
            out += sprintf(out, "%ld.%lde-05", m / 10, m % 10);
        }
    } else {
        long frac = m % 1000000;
        *out++ = (char)('0' + m / 1000000);
        *out++ = '.';
        if (frac == 0) {
            *out++ = '0';
        } else {
            char digits[7];
            for (int i = 5; i >= 0; i--, frac /= 10) digits[i] = (char)('0' + frac % 10);
            int used = 6;
            while (digits[used - 1] == '0') used--;
            memcpy(out, digits, (size_t)used);
            out += used;
        }
    }
    return put(b, text, (size_t)(out - text)) < 0 ? -1 : 1;
}

/* repr(round(x, 6)) for a finite |x| < 1e6; 0 when x is outside that (the caller falls back).
 *
 * printf's %.6f and round(x, 6) both round the exact binary value to six decimals, ties to
 * even; below 1e6 a double's spacing is far under 1e-6, so the shortest text that reads back
 * as the rounded number is those decimals without trailing zeros, which repr writes as
 * 1.2e-05 once the number is below 1e-4. */
static int put_score(Buffer *b, double x) {
    int unit = put_unit_score(b, x);
    if (unit != 0) return unit;
    if (!isfinite(x) || !(x > -1e6 && x < 1e6)) return 0;
    char digits[48];
    int n = snprintf(digits, sizeof digits, "%.6f", x);
    if (n <= 0 || n >= (int)sizeof digits) return 0;
    char *point = strchr(digits, '.');
    char *end = digits + n;
    while (end > point + 2 && end[-1] == '0') end--; /* keep one decimal: 0.0, 1.0 */
    const char *sign = digits[0] == '-' ? "-" : "";
    const char *whole = digits + (*sign ? 1 : 0);
    char text[64];
    int k;
    if (point - whole == 1 && whole[0] == '0' && strncmp(point + 1, "0000", 4) == 0 && end > point + 2) {
        /* 0.0000dd...: repr's exponent form, the digits after the first non-zero one */
        const char *first = point + 1;
        while (*first == '0') first++;
        int exponent = (int)(first - point);
        if (end - first == 1)
            k = snprintf(text, sizeof text, "%s%ce-%02d", sign, first[0], exponent);
        else
            k = snprintf(text, sizeof text, "%s%c.%.*se-%02d", sign, first[0], (int)(end - first - 1), first + 1,
                         exponent);
    } else {
        k = snprintf(text, sizeof text, "%.*s", (int)(end - digits), digits);
    }
    if (k <= 0 || k >= (int)sizeof text) return 0;
    return put(b, text, (size_t)k) < 0 ? -1 : 1;
}

/* records(head, tail, keys, proba, rows, paragraphs, texts, labels) -> UTF-8 bytes or None
 *
 * Each record is head + paragraph + ', "text": ' + text + ', "label": ' + label + ', "scores": {'
 * + key_j + ': ' + proba[row, j] ... + '}' + tail; keys are the labels' JSON literals. */
static PyObject *records(PyObject *Py_UNUSED(self), PyObject *args) {
    const char *head, *tail;
    Py_ssize_t head_n, tail_n;
    PyObject *keys, *rows, *numbers, *texts, *labels;
    Py_buffer proba;
    if (!PyArg_ParseTuple(args, "s#s#O!y*O!O!O!O!", &head, &head_n, &tail, &tail_n, &PyTuple_Type, &keys, &proba,
                          &PyList_Type, &rows, &PyList_Type, &numbers, &PyList_Type, &texts, &PyList_Type, &labels))
        return NULL;
    Buffer b = {NULL, 0, 0};
    PyObject *result = NULL;
    Py_ssize_t k = PyTuple_GET_SIZE(keys), n = PyList_GET_SIZE(rows);
    if (proba.len % (Py_ssize_t)sizeof(double) != 0 || PyList_GET_SIZE(numbers) != n ||
        PyList_GET_SIZE(texts) != n || PyList_GET_SIZE(labels) != n) {
        PyErr_SetString(PyExc_ValueError, "records: rows, paragraphs, texts and labels must match");
        goto done;
    }
    const double *values = (const double *)proba.buf;
    Py_ssize_t cells = proba.len / (Py_ssize_t)sizeof(double);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t row = PyLong_AsSsize_t(PyList_GET_ITEM(rows, i));
        if (row == -1 && PyErr_Occurred()) goto done;
        if (row < 0 || k == 0 || row > cells / k - 1) {
            PyErr_SetString(PyExc_IndexError, "records: a row outside the scores");
            goto done;
        }
        long long number = PyLong_AsLongLong(PyList_GET_ITEM(numbers, i));
        if (number == -1 && PyErr_Occurred()) goto done;
        PyObject *text = PyList_GET_ITEM(texts, i), *label = PyList_GET_ITEM(labels, i);
        if (!PyUnicode_Check(text) || !PyUnicode_Check(label)) {
            PyErr_SetString(PyExc_TypeError, "records: texts and labels must be str");
            goto done;
        }
        char paragraph[32];
        int paragraph_n = snprintf(paragraph, sizeof paragraph, "%lld", number);
        if (put(&b, head, (size_t)head_n) < 0 || put(&b, paragraph, (size_t)paragraph_n) < 0 ||
            put(&b, ", \"text\": ", 10) < 0)
            goto done;
        int written = put_string(&b, text);
        if (written > 0) written = put(&b, ", \"label\": ", 11) < 0 ? -1 : put_string(&b, label);
        if (written < 0) goto done;
        if (written == 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (put(&b, ", \"scores\": {", 13) < 0) goto done;
        for (Py_ssize_t j = 0; j < k; j++) {
            Py_ssize_t key_n;
            PyObject *key = PyTuple_GET_ITEM(keys, j);
            const char *key_s = PyUnicode_Check(key) ? PyUnicode_AsUTF8AndSize(key, &key_n) : NULL;
            if (!key_s) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "records: keys must be str");
                goto done;
            }
            if ((j && put(&b, ", ", 2) < 0) || put(&b, key_s, (size_t)key_n) < 0 || put(&b, ": ", 2) < 0) goto done;
            int scored = put_score(&b, values[row * k + j]);
            if (scored < 0) goto done;
            if (scored == 0) {
                result = Py_NewRef(Py_None);
                goto done;
            }
        }
        if (put(&b, "}", 1) < 0 || put(&b, tail, (size_t)tail_n) < 0) goto done;
    }
    result = PyBytes_FromStringAndSize(b.data ? b.data : "", (Py_ssize_t)b.len);
done:
    PyMem_Free(b.data);
    PyBuffer_Release(&proba);
    return result;
}

/* The score text alone, for tests: repr(round(x, 6)) or None where records would fall back. */
static PyObject *score_text(PyObject *Py_UNUSED(self), PyObject *arg) {
    double x = PyFloat_AsDouble(arg);
    if (x == -1.0 && PyErr_Occurred()) return NULL;
    Buffer b = {NULL, 0, 0};
    int written = put_score(&b, x);
    PyObject *out = written < 0 ? NULL : written == 0 ? Py_NewRef(Py_None) : PyUnicode_FromStringAndSize(b.data, (Py_ssize_t)b.len);
    PyMem_Free(b.data);
    return out;
}

static PyMethodDef methods[] = {
    {"records", records, METH_VARARGS,
     "records(head, tail, keys, proba, rows, paragraphs, texts, labels) -> the JSONL as UTF-8, or None."},
    {"score_text", score_text, METH_O, "repr(round(x, 6)), or None outside what records writes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "jsonl_kernel", "The JSONL records of a labeled article (see model/annotate.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_jsonl_kernel(void) { return PyModule_Create(&module); }
