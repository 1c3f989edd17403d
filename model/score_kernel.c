/* The inner loop of classifying new text, compiled: a batch of paragraphs' TF-IDF share of the
 * class scores, from their word ids and their characters.
 *
 * It computes exactly what the numpy path of terms.Terms.scores computes, with the same
 * floating-point operations in the same order, so the two agree to the last bit (tests compare
 * them): per paragraph and block, the terms' counts in column order, (log tf + 1) * idf, divided by
 * the block's l2 norm, then the weight rows summed in column order. log tf is read from a table
 * numpy computed; the build turns off contraction into fused multiply-adds (setup.py).
 *
 * Optional: without a compiler parknews installs and runs the numpy path (model/terms.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MISSING (-1)
#define DROPPED (-2)
#define BREAK (-3)
#define BITS 21
#define EMPTY (-1)
#define MULTIPLIER 0x9E3779B97F4A7C15ULL

typedef struct {
    const int64_t *keys;
    const int32_t *columns;
    Py_ssize_t size;
    int bits;
} Table;

static inline int32_t find(const Table *t, int64_t key) {
    uint64_t slot = ((uint64_t)key * MULTIPLIER) >> (64 - t->bits);
    /* Probes run on past the last home slot into a tail that ends with an empty slot. */
    while (slot < (uint64_t)t->size) {
        int64_t found = t->keys[slot];
        if (found == key) return t->columns[slot];
        if (found == EMPTY) return -1;
        slot++;
    }
    return -1;
}

static inline void prefetch(const Table *t, int64_t key) {
    uint64_t slot = ((uint64_t)key * MULTIPLIER) >> (64 - t->bits);
    __builtin_prefetch(t->keys + slot);
    __builtin_prefetch(t->columns + slot);
}

/* Columns in ascending order. Insertion sort for a few; else a radix sort in as few passes of
 * at most 11 bits as the largest column needs (a quicksort's mispredicted branches made sorting
 * half the time of scoring a paragraph). */
static void sort_ints(int32_t *a, int32_t *spare, Py_ssize_t n, int bits) {
    if (n < 48) {
        for (Py_ssize_t i = 1; i < n; i++) {
            int32_t v = a[i];
            Py_ssize_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    int passes = (bits + 10) / 11;
    int digit = (bits + passes - 1) / passes;
    uint32_t mask = (1u << digit) - 1;
    int32_t *from = a, *to = spare;
    for (int pass = 0; pass < passes; pass++) {
        int shift = pass * digit;
        Py_ssize_t count[(1 << 11) + 1];
        memset(count, 0, ((size_t)mask + 2) * sizeof *count);
        for (Py_ssize_t i = 0; i < n; i++) count[(((uint32_t)from[i] >> shift) & mask) + 1]++;
        for (uint32_t d = 1; d <= mask; d++) count[d] += count[d - 1];
        for (Py_ssize_t i = 0; i < n; i++) to[count[((uint32_t)from[i] >> shift) & mask]++] = from[i];
        int32_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != a) memcpy(a, from, (size_t)n * sizeof *a);
}

/* numpy's pairwise summation (pairwise_sum in loops_utils.h), which its add reductions use: the
 * same additions in the same order, so the sums round alike. */
static double pairwise_sum(const double *a, Py_ssize_t n, Py_ssize_t stride) {
    if (n < 8) {
        double res = -0.0;
        for (Py_ssize_t i = 0; i < n; i++) res += a[i * stride];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int k = 0; k < 8; k++) r[k] = a[k * stride];
        Py_ssize_t i;
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++) r[k] += a[(i + k) * stride];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i * stride];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2, stride) + pairwise_sum(a + n2 * stride, n - n2, stride);
}

typedef struct {
    const double *rows; /* n_terms x width: weights, then idf */
    Py_ssize_t n_terms;
    Py_ssize_t width;
    Py_ssize_t labels;
    Py_ssize_t split; /* first column of the character block */
    const double *logs;
    Py_ssize_t n_logs;
    double *values;   /* scratch, one per distinct column of a row */
    double *products; /* scratch, labels per distinct column */
    int32_t *spare;   /* scratch for sorting */
    int column_bits;  /* bits of the largest column */
} Scoring;

/* One paragraph's row of scores from its columns (any order; sorted here). */
static int score_row(const Scoring *s, int32_t *columns, Py_ssize_t n, double *out) {
    for (Py_ssize_t k = 0; k < s->labels; k++) out[k] = 0.0;
    if (n == 0) return 0;
    sort_ints(columns, s->spare, n, s->column_bits);
    /* Distinct columns in place, their counts in values[] for now. */
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_ssize_t j = i + 1;
        while (j < n && columns[j] == columns[i]) j++;
        if (j - i >= s->n_logs || columns[i] < 0 || columns[i] >= s->n_terms) return -1;
        columns[distinct] = columns[i];
        s->values[distinct] = s->logs[j - i];
        distinct++;
        i = j;
    }
    for (Py_ssize_t i = 0; i < distinct; i++) __builtin_prefetch(s->rows + (Py_ssize_t)columns[i] * s->width);
    double norms[2] = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < distinct; i++) {
        double v = (s->values[i] + 1.0) * s->rows[(Py_ssize_t)columns[i] * s->width + s->labels];
        s->values[i] = v;
        norms[columns[i] >= s->split] += v * v;
    }
    norms[0] = sqrt(norms[0]);
    norms[1] = sqrt(norms[1]);
    double *products = s->products;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        double v = s->values[i] / norms[columns[i] >= s->split];
        const double *w = s->rows + (Py_ssize_t)columns[i] * s->width;
        for (Py_ssize_t k = 0; k < s->labels; k++) products[i * s->labels + k] = w[k] * v;
    }
    /* numpy's add.reduceat: the first term, plus the pairwise sum of the rest. */
    for (Py_ssize_t k = 0; k < s->labels; k++)
        out[k] = products[k] + pairwise_sum(products + s->labels + k, distinct - 1, s->labels);
    return 0;
}

typedef struct {
    Py_buffer view;
    int held;
} Held;

static int take(PyObject *obj, Held *h, Py_ssize_t itemsize, int writable, const char *name) {
    h->held = 0;
    if (obj == Py_None) return 0;
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, &h->view, flags) < 0) return -1;
    h->held = 1;
    if (h->view.itemsize != itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: items of %zd bytes expected", name, itemsize);
        return -1;
    }
    return 0;
}

static void release(Held *h) {
    if (h->held) PyBuffer_Release(&h->view);
    h->held = 0;
}

#define N(h) ((h).held ? (h).view.len / (h).view.itemsize : 0)

static const char score_doc[] =
    "score(texts, words, word_columns, pair_keys, pair_columns, pair_bits, known, char_unigrams,\n"
    "      char_keys, char_columns, char_bits, rows, labels, split, logs, out)\n\n"
    "Write both TF-IDF blocks' share of the class scores of each text into out (len(texts) x labels\n"
    "float64). words: int64 word ids of all texts, BREAK (-3) between texts (None: no word block);\n"
    "char_unigrams None: no character block. See model/terms.py.";

static PyObject *score(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *texts, *words_o, *word_columns_o, *pair_keys_o, *pair_columns_o;
    PyObject *char_unigrams_o, *char_keys_o, *char_columns_o, *rows_o, *logs_o, *out_o;
    int pair_bits, char_bits;
    Py_ssize_t known, labels, split;
    if (!PyArg_ParseTuple(args, "O!OOOOinOOOiOnnOO", &PyList_Type, &texts, &words_o, &word_columns_o,
                          &pair_keys_o, &pair_columns_o, &pair_bits, &known, &char_unigrams_o,
                          &char_keys_o, &char_columns_o, &char_bits, &rows_o, &labels, &split, &logs_o,
                          &out_o))
        return NULL;
    Held words, word_columns, pair_keys, pair_columns, char_unigrams, char_keys, char_columns, rows, logs,
        out;
    Held *all[] = {&words,         &word_columns, &pair_keys,    &pair_columns, &char_unigrams,
                   &char_keys,     &char_columns, &rows,         &logs,         &out};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) all[i]->held = 0;
    int32_t *columns = NULL, *spare = NULL;
    int64_t *queries = NULL;
    double *values = NULL, *products = NULL;
    PyObject *result = NULL;
    if (take(words_o, &words, 8, 0, "words") < 0 || take(word_columns_o, &word_columns, 8, 0, "word_columns") < 0 ||
        take(pair_keys_o, &pair_keys, 8, 0, "pair_keys") < 0 ||
        take(pair_columns_o, &pair_columns, 4, 0, "pair_columns") < 0 ||
        take(char_unigrams_o, &char_unigrams, 4, 0, "char_unigrams") < 0 ||
        take(char_keys_o, &char_keys, 8, 0, "char_keys") < 0 ||
        take(char_columns_o, &char_columns, 4, 0, "char_columns") < 0 || take(rows_o, &rows, 8, 0, "rows") < 0 ||
        take(logs_o, &logs, 8, 0, "logs") < 0 || take(out_o, &out, 8, 1, "out") < 0)
        goto done;
    Py_ssize_t n_texts = PyList_GET_SIZE(texts);
    Py_ssize_t width = labels + 1 + ((-(labels + 1)) % 8 + 8) % 8;
    if (labels < 1 || !rows.held || N(rows) % width || N(out) != n_texts * labels || !logs.held ||
        N(logs) < 2 ||
        (words.held && (N(word_columns) != known || N(pair_keys) != N(pair_columns) || pair_bits < 1 ||
                        pair_bits > 63 || N(pair_keys) < ((Py_ssize_t)1 << pair_bits))) ||
        (char_unigrams.held && (N(char_unigrams) < 0x110002 || N(char_keys) != N(char_columns) ||
                                char_bits < 1 || char_bits > 63 || N(char_keys) < ((Py_ssize_t)1 << char_bits)))) {
        PyErr_SetString(PyExc_ValueError, "score: arrays do not fit one another");
        goto done;
    }
    Scoring s = {
        .rows = rows.view.buf,
        .n_terms = N(rows) / width,
        .width = width,
        .labels = labels,
        .split = split,
        .logs = logs.view.buf,
        .n_logs = N(logs),
    };
    Table pairs = {pair_keys.view.buf, pair_columns.view.buf, N(pair_keys), pair_bits};
    Table grams = {char_keys.view.buf, char_columns.view.buf, N(char_keys), char_bits};
    const int64_t *ids = words.view.buf;
    const int64_t *unigram_columns = word_columns.view.buf;
    const int32_t *char_unigram = char_unigrams.view.buf;
    Py_ssize_t n_words = N(words);

    /* Scratch for one row: every word and pair (at most 2 per token) and every 1-3-gram (3 per
     * character); the longest text and the longest run of tokens between breaks bound it. */
    Py_ssize_t longest = 0;
    for (Py_ssize_t r = 0; r < n_texts; r++) {
        PyObject *text = PyList_GET_ITEM(texts, r);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "score: texts must be str");
            goto done;
        }
        if (PyUnicode_GET_LENGTH(text) > longest) longest = PyUnicode_GET_LENGTH(text);
    }
    Py_ssize_t run = 0, longest_run = 0;
    for (Py_ssize_t i = 0; i < n_words; i++) {
        run = ids[i] == BREAK ? 0 : run + 1;
        if (run > longest_run) longest_run = run;
    }
    Py_ssize_t capacity = 3 * longest + 2 * longest_run + 1;
    columns = PyMem_Malloc(capacity * sizeof *columns);
    values = PyMem_Malloc(capacity * sizeof *values);
    products = PyMem_Malloc(capacity * labels * sizeof *products);
    queries = PyMem_Malloc(capacity * sizeof *queries);
    spare = PyMem_Malloc(capacity * sizeof *spare);
    if (!columns || !values || !products || !queries || !spare) {
        PyErr_NoMemory();
        goto done;
    }
    s.values = values;
    s.products = products;
    s.spare = spare;
    s.column_bits = 1;
    while (s.column_bits < 31 && ((Py_ssize_t)1 << s.column_bits) < s.n_terms) s.column_bits++;

    double *scores = out.view.buf;
    Py_ssize_t at = 0; /* position in words */
    for (Py_ssize_t r = 0; r < n_texts; r++) {
        /* First every unigram and every key to probe, then the probes: the keys' slots are
         * fetched from memory side by side instead of one cache miss after another. */
        Py_ssize_t n = 0, n_pairs = 0, n_grams = 0;
        if (words.held) {
            int64_t previous = MISSING;
            for (; at < n_words && ids[at] != BREAK; at++) {
                int64_t id = ids[at];
                if (id == DROPPED) continue; /* punctuation and spaces: pairs join across them */
                if (id >= known || id < MISSING) {
                    PyErr_SetString(PyExc_ValueError, "score: word id out of range");
                    goto done;
                }
                if (id >= 0) {
                    int64_t column = unigram_columns[id];
                    if (column >= 0) columns[n++] = (int32_t)column;
                    if (previous >= 0) queries[n_pairs++] = previous * known + id;
                }
                previous = id;
            }
            at++; /* past the break */
        }
        if (char_unigrams.held) {
            PyObject *text = PyList_GET_ITEM(texts, r);
            int kind = PyUnicode_KIND(text);
            const void *data = PyUnicode_DATA(text);
            Py_ssize_t length = PyUnicode_GET_LENGTH(text);
            int64_t *grams_at = queries + n_pairs;
            /* Codes are code points plus one (no zero digit); spaces are skipped, as char_terms does. */
            int64_t a = 0, b = 0;
            for (Py_ssize_t i = 0; i < length; i++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, i);
                if (c == ' ') continue;
                int64_t code = (int64_t)c + 1;
                int32_t column = char_unigram[code];
                if (column >= 0) columns[n++] = column;
                if (b) grams_at[n_grams++] = (b << BITS) | code;
                if (a) grams_at[n_grams++] = (((a << BITS) | b) << BITS) | code;
                a = b;
                b = code;
            }
        }
        for (Py_ssize_t i = 0; i < n_pairs; i++) prefetch(&pairs, queries[i]);
        for (Py_ssize_t i = n_pairs; i < n_pairs + n_grams; i++) prefetch(&grams, queries[i]);
        for (Py_ssize_t i = 0; i < n_pairs; i++) {
            int32_t found = find(&pairs, queries[i]);
            if (found >= 0) columns[n++] = found;
        }
        for (Py_ssize_t i = n_pairs; i < n_pairs + n_grams; i++) {
            int32_t found = find(&grams, queries[i]);
            if (found >= 0) columns[n++] = found;
        }
        if (score_row(&s, columns, n, scores + r * labels) < 0) {
            PyErr_SetString(PyExc_ValueError, "score: a count or column past the tables");
            goto done;
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(columns);
    PyMem_Free(values);
    PyMem_Free(products);
    PyMem_Free(queries);
    PyMem_Free(spare);
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) release(all[i]);
    return result;
}

static PyMethodDef methods[] = {
    {"score", score, METH_VARARGS, score_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "score_kernel", "Compiled inner loop of parknews' classifier (see model/terms.py).",
    -1, methods,
};

PyMODINIT_FUNC PyInit_score_kernel(void) { return PyModule_Create(&module); }
