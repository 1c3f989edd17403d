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

/* A str from UCS4 code points, in the narrowest kind as every str must be. */
static PyObject *from_ucs4(const Py_UCS4 *buf, Py_ssize_t n) {
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
}

/* text.fold_compat: each character below len(table) whose entry is not 0 becomes that code point
 * (its one-character NFKD, so NFKC of the result equals NFKC of the text); text itself if none. */
static PyObject *fold_compat(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "Uy*", &text, &view)) return NULL;
    PyObject *out = NULL;
    if (view.len % (Py_ssize_t)sizeof(uint32_t) != 0) {
        PyErr_SetString(PyExc_ValueError, "fold_compat: the table must hold uint32 entries");
        goto done;
    }
    const uint32_t *table = (const uint32_t *)view.buf;
    Py_ssize_t size = view.len / (Py_ssize_t)sizeof(uint32_t);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), first = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((Py_ssize_t)c < size && table[c]) {
            first = i;
            break;
        }
    }
    if (first < 0) {
        Py_INCREF(text);
        out = text;
        goto done;
    }
    Py_UCS4 *buf = PyMem_Malloc((size_t)n * sizeof(Py_UCS4));
    if (!buf) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (i >= first && (Py_ssize_t)c < size && table[c]) {
            if (table[c] > 0x10FFFF) {
                PyMem_Free(buf);
                PyErr_SetString(PyExc_ValueError, "fold_compat: the table holds no code point");
                goto done;
            }
            c = table[c];
        }
        buf[i] = c;
    }
    out = from_ucs4(buf, n);
    PyMem_Free(buf);
done:
    PyBuffer_Release(&view);
    return out;
}

/* features.fold_digits after lower(): every match of \d+(?:[.,]\d+)* (\d: a Unicode decimal
 * digit, as re reads it in a str pattern) becomes "0"; text itself if it holds no digit. */
static PyObject *zero_numbers(PyObject *Py_UNUSED(self), PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "zero_numbers: str expected");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), first = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i))) {
            first = i;
            break;
        }
    }
    if (first < 0) {
        Py_INCREF(text);
        return text;
    }
    Py_UCS4 *buf = PyMem_Malloc((size_t)n * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    Py_ssize_t k = 0, i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!Py_UNICODE_ISDECIMAL(c)) {
            buf[k++] = c;
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, j))) j++;
        for (;;) {
            /* A [.,] continues the number only when a digit follows it. */
            if (j + 1 >= n) break;
            Py_UCS4 mark = PyUnicode_READ(kind, data, j);
            if ((mark != '.' && mark != ',') || !Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, j + 1))) break;
            j += 2;
            while (j < n && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, j))) j++;
        }
        buf[k++] = '0';
        i = j;
    }
    PyObject *out = from_ucs4(buf, k);
    PyMem_Free(buf);
    return out;
}

/* ---- features.layout_vector's five text cues, as its regexes find them (IGNORECASE included:
 * re lets "s" match U+017F and "i" match U+0130 and U+0131; \d and \w are Unicode's). */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

static Py_UCS4 at(const Text *t, Py_ssize_t i) { return PyUnicode_READ(t->kind, t->data, i); }

static int is_digit(const Text *t, Py_ssize_t i) { return i >= 0 && i < t->n && Py_UNICODE_ISDECIMAL(at(t, i)); }

static int is_word(const Text *t, Py_ssize_t i) {
    if (i < 0 || i >= t->n) return 0;
    Py_UCS4 c = at(t, i);
    return c == '_' || Py_UNICODE_ISALNUM(c);
}

/* One character against a lower-case ASCII letter or mark of a pattern, as re.IGNORECASE reads it. */
static int same_letter(Py_UCS4 c, char want) {
    if (want == 's' && c == 0x17F) return 1;
    if (want == 'i' && (c == 0x130 || c == 0x131)) return 1;
    if (want >= 'a' && want <= 'z') return c == (Py_UCS4)want || c == (Py_UCS4)(want - 32);
    return c == (Py_UCS4)want;
}

/* The length of ``word`` matched at i (ignoring case), or -1. */
static Py_ssize_t match_word(const Text *t, Py_ssize_t i, const char *word) {
    Py_ssize_t k = 0;
    for (; word[k]; k++)
        if (i + k >= t->n || !same_letter(at(t, i + k), word[k])) return -1;
    return k;
}

/* "." then one of ``words`` then \b (the last letter is a word character: what follows is not). */
static int extension_at(const Text *t, Py_ssize_t dot, const char *const *words) {
    for (; *words; words++) {
        Py_ssize_t k = match_word(t, dot + 1, *words);
        if (k > 0 && !is_word(t, dot + 1 + k)) return 1;
    }
    return 0;
}

static const char *const URL_ENDINGS[] = {"com", "cn", "net", "html", "htm", "php", NULL};
static const char *const FILE_ENDINGS[] = {"jpeg", "jpg", "png", "gif", "bmp", "webp", NULL};

/* _URL: https?://|www\.|\.(?:com|cn|net|html?|php)\b */
static int has_url(const Text *t) {
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = at(t, i);
        if ((c == 'h' || c == 'H') && (match_word(t, i, "http://") > 0 || match_word(t, i, "https://") > 0)) return 1;
        if ((c == 'w' || c == 'W') && match_word(t, i, "www.") > 0) return 1;
        if (c == '.' && extension_at(t, i, URL_ENDINGS)) return 1;
    }
    return 0;
}

/* _FILE: \.(?:jpe?g|png|gif|bmp|webp)\b */
static int has_file(const Text *t) {
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (at(t, i) == '.' && extension_at(t, i, FILE_ENDINGS)) return 1;
    return 0;
}

static int digits_at(const Text *t, Py_ssize_t i, Py_ssize_t count) {
    for (Py_ssize_t k = 0; k < count; k++)
        if (!is_digit(t, i + k)) return 0;
    return 1;
}

static int dash_or_space(const Text *t, Py_ssize_t i) { return i < t->n && (at(t, i) == '-' || at(t, i) == ' '); }

/* A match of _PHONE's alternatives at i ending where no digit follows, any choice of counts. */
static int phone_at(const Text *t, Py_ssize_t i) {
    /* 1[3-9]\d{9} */
    if (i + 1 < t->n && at(t, i) == '1' && at(t, i + 1) >= '3' && at(t, i + 1) <= '9' && digits_at(t, i + 2, 9) &&
        !is_digit(t, i + 11))
        return 1;
    /* \d{3,4}[- ]\d{7,8} */
    for (Py_ssize_t a = 3; a <= 4; a++) {
        if (!digits_at(t, i, a) || !dash_or_space(t, i + a)) continue;
        for (Py_ssize_t b = 7; b <= 8; b++)
            if (digits_at(t, i + a + 1, b) && !is_digit(t, i + a + 1 + b)) return 1;
    }
    /* 400[- ]?\d{3}[- ]?\d{3,4} */
    if (i + 2 < t->n && at(t, i) == '4' && at(t, i + 1) == '0' && at(t, i + 2) == '0') {
        for (int s1 = 0; s1 <= 1; s1++) {
            Py_ssize_t j = i + 3;
            if (s1 && !dash_or_space(t, j)) continue;
            j += s1;
            if (!digits_at(t, j, 3)) continue;
            j += 3;
            for (int s2 = 0; s2 <= 1; s2++) {
                if (s2 && !dash_or_space(t, j)) continue;
                for (Py_ssize_t c = 3; c <= 4; c++)
                    if (digits_at(t, j + s2, c) && !is_digit(t, j + s2 + c)) return 1;
            }
        }
    }
    return 0;
}

/* _PHONE: (?<!\d)(?:1[3-9]\d{9}|\d{3,4}[- ]\d{7,8}|400[- ]?\d{3}[- ]?\d{3,4})(?!\d) */
static int has_phone(const Text *t) {
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (!is_digit(t, i - 1) && phone_at(t, i)) return 1;
    return 0;
}

/* _BULLET.match: ^(?:[-·•*>]|\d+[.、)]) (the \s* after it always matches). */
static int has_bullet(const Text *t) {
    if (t->n == 0) return 0;
    Py_UCS4 c = at(t, 0);
    if (c == '-' || c == 0xB7 || c == 0x2022 || c == '*' || c == '>') return 1;
    Py_ssize_t i = 0;
    while (is_digit(t, i)) i++;
    if (i == 0 || i >= t->n) return 0;
    c = at(t, i);
    return c == '.' || c == 0x3001 || c == ')';
}

/* text.endswith(("...", "…", "...\n", "…\n")) */
static int truncated(const Text *t) {
    Py_ssize_t n = t->n;
    if (n > 0 && at(t, n - 1) == '\n') n--;
    if (n >= 1 && at(t, n - 1) == 0x2026) return 1;
    return n >= 3 && at(t, n - 1) == '.' && at(t, n - 2) == '.' && at(t, n - 3) == '.';
}

/* layout_cues(texts) -> float64 bytes, five per text: url, phone, image file, bullet, truncated. */
static PyObject *layout_cues(PyObject *Py_UNUSED(self), PyObject *texts) {
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "layout_cues: list expected");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, n * 5 * (Py_ssize_t)sizeof(double));
    if (!bytes) return NULL;
    double *out = (double *)PyBytes_AS_STRING(bytes);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyUnicode_Check(text)) {
            Py_DECREF(bytes);
            PyErr_SetString(PyExc_TypeError, "layout_cues: texts must be str");
            return NULL;
        }
        Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
        /* One pass first: every URL holds "." or ":", every file name ".", every phone number
         * three digits in a row; most paragraphs need none of the searches. */
        int dot = 0, colon = 0, three = 0;
        Py_ssize_t run = 0;
        for (Py_ssize_t j = 0; j < t.n; j++) {
            Py_UCS4 c = at(&t, j);
            dot |= c == '.';
            colon |= c == ':';
            run = Py_UNICODE_ISDECIMAL(c) ? run + 1 : 0;
            three |= run >= 3;
        }
        double *row = out + 5 * i;
        row[0] = (dot || colon) && has_url(&t);
        row[1] = three && has_phone(&t);
        row[2] = dot && has_file(&t);
        row[3] = has_bullet(&t);
        row[4] = truncated(&t);
    }
    return bytes;
}

/* script._may_change: whether text holds a character whose bit is set in table (a bitmap over
 * code points, 0x110000 bits); characters past the table's end hold no bit. */
static PyObject *holds_any(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "Uy*", &text, &view)) return NULL;
    const unsigned char *bits = view.buf;
    Py_ssize_t size = view.len * 8;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int found = 0;
    for (Py_ssize_t i = 0; i < n && !found; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        found = (Py_ssize_t)c < size && (bits[c >> 3] >> (c & 7)) & 1;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(found);
}

/* ---- text.strip_glosses: (?<=[HAN])[(（]([a-z and tone letters]{1,6})[)）], dropped when its
 * content with the tone marks taken off is a pinyin syllable (text._SYLLABLE, fullmatch). */

static int gloss_han(Py_UCS4 c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
}

/* A letter a gloss may hold, as its toneless base (text._TONE_BASE), or 0. */
static char gloss_letter(Py_UCS4 c) {
    static const Py_UCS4 toned[] = {0x101, 0xE1, 0x1CE, 0xE0, 0x113, 0xE9, 0x11B, 0xE8, 0x12B, 0xED,
                                    0x1D0, 0xEC, 0x14D, 0xF3, 0x1D2, 0xF2, 0x16B, 0xFA, 0x1D4, 0xF9,
                                    0x1D6, 0x1D8, 0x1DA, 0x1DC, 0xFC, 0x144, 0x148, 0x1F9, 0x1E3F};
    static const char base[] = "aaaaeeeeiiiioooouuuuvvvvvnnnm";
    if (c >= 'a' && c <= 'z') return (char)c;
    for (size_t i = 0; i < sizeof toned / sizeof toned[0]; i++)
        if (toned[i] == c) return base[i];
    return 0;
}

static int is_final(const char *s, size_t n) {
    static const char *const finals[] = {"iang", "iong", "uang", "ueng", "ang", "eng", "ing", "ong", "uan", "ian",
                                         "iao",  "uai",  "van",  "ai",   "ei",  "ao",  "ou",  "an",  "en",  "in",
                                         "un",   "vn",   "ia",   "ie",   "ua",  "uo",  "ue",  "ve",  "ui",  "iu",
                                         "er",   "a",    "o",    "e",    "i",   "u",   "v",   NULL};
    for (const char *const *f = finals; *f; f++)
        if (strlen(*f) == n && memcmp(*f, s, n) == 0) return 1;
    return 0;
}

static int is_syllable(const char *s, size_t n) {
    if (is_final(s, n)) return 1;
    if (n >= 2 && (s[0] == 'z' || s[0] == 'c' || s[0] == 's') && s[1] == 'h' && is_final(s + 2, n - 2)) return 1;
    return n >= 1 && strchr("bpmfdtnlgkhjqxrzcsyw", s[0]) != NULL && is_final(s + 1, n - 1);
}

/* Where the gloss starting at i (an opening bracket after a Han character) ends, and whether it
 * is a syllable; 0 if no gloss starts there. */
static Py_ssize_t gloss_at(const Text *t, Py_ssize_t i, int *syllable) {
    Py_UCS4 open = at(t, i);
    if ((open != '(' && open != 0xFF08) || i == 0 || !gloss_han(at(t, i - 1))) return 0;
    char letters[7];
    Py_ssize_t k = 0;
    while (i + 1 + k < t->n && k < 7) {
        char letter = gloss_letter(at(t, i + 1 + k));
        if (!letter) break;
        letters[k++] = letter;
    }
    if (k == 0 || k > 6 || i + 1 + k >= t->n) return 0;
    Py_UCS4 close = at(t, i + 1 + k);
    if (close != ')' && close != 0xFF09) return 0;
    *syllable = is_syllable(letters, (size_t)k);
    return i + 2 + k;
}

static PyObject *strip_glosses(PyObject *Py_UNUSED(self), PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "strip_glosses: str expected");
        return NULL;
    }
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    Py_UCS4 *buf = NULL;
    Py_ssize_t k = 0, copied = 0; /* text[:copied] is in buf[:k] */
    for (Py_ssize_t i = 0; i < t.n; i++) {
        int syllable = 0;
        Py_ssize_t end = gloss_at(&t, i, &syllable);
        if (!end) continue;
        if (syllable) {
            if (buf == NULL && (buf = PyMem_Malloc((size_t)t.n * sizeof(Py_UCS4))) == NULL) return PyErr_NoMemory();
            for (Py_ssize_t j = copied; j < i; j++) buf[k++] = at(&t, j);
            copied = end;
        }
        i = end - 1;
    }
    if (buf == NULL) {
        Py_INCREF(text);
        return text;
    }
    for (Py_ssize_t j = copied; j < t.n; j++) buf[k++] = at(&t, j);
    PyObject *out = from_ucs4(buf, k);
    PyMem_Free(buf);
    return out;
}

static PyMethodDef methods[] = {
    {"needs_reference", needs_reference, METH_O, "segment._NEEDS_REFERENCE.search(text) is not None."},
    {"joined_tokens", joined_tokens, METH_O, "Positions of the ASCII tokens longer than two holding . _ or -."},
    {"token_ids", token_ids, METH_VARARGS, "token_ids(tokens, ids, missing) -> (int64 bytes, count missing)."},
    {"fold_compat", fold_compat, METH_VARARGS, "fold_compat(text, table) -> text with one-character NFKD folds."},
    {"zero_numbers", zero_numbers, METH_O, "Every number (digits, . or , between digits) as 0."},
    {"layout_cues", layout_cues, METH_O, "Five layout cues per text (url, phone, image file, bullet, truncated)."},
    {"holds_any", holds_any, METH_VARARGS, "holds_any(text, bitmap) -> whether a character's bit is set."},
    {"strip_glosses", strip_glosses, METH_O, "text.strip_glosses: pinyin glosses after Han characters dropped."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "token_kernel", "Compiled token scans of parknews (see model/segment.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_token_kernel(void) { return PyModule_Create(&module); }
