/* jieba's word segmentation, compiled: ``Segmenter.cut(text)`` returns exactly what
 * ``jieba.lcut(text)`` returns (jieba 0.42.1, default dictionary, accurate mode, HMM on).
 *
 * It follows jieba step by step: ``Tokenizer.cut`` (blocks of re_han_default, the rest split by
 * re_skip_default), ``get_DAG`` and ``calc`` (one backward pass: the words starting at a position
 * are only needed once the route behind them is known), ``__cut_DAG`` (runs of single characters
 * go to the HMM unless the run is a word) and ``finalseg.cut`` (Viterbi over B/E/M/S). Every float
 * is computed with the same operations in the same order as jieba's Python, and ``max`` breaks
 * ties as Python's tuple comparison does: the larger end, the larger state letter.
 *
 * The dictionary is model/jiebacut.py's table: a 64-bit polynomial hash of every word and prefix
 * with its frequency (0 for a bare prefix). Here it is an open-addressing table of 16-byte slots
 * (16 MB, in 2 MB pages where Linux gives them) holding the hash and log(frequency), computed once
 * with libm's log as math.log does; a 512 KB filter in front of it answers most look-ups, which
 * are of keys that are not there, and a direct table the single BMP characters every position
 * starts with. The keys a block will look up are prefetched before it is cut. Tokens of up to
 * eight characters come from a cache of str objects made before (a text's common words).
 * model/cutter.py builds a Segmenter from jiebacut's and jiebahmm's arrays; the tests compare it
 * with jiebacut.lcut and with jieba itself.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define MULTIPLIER 0x9E3779B97F4A7C15ULL /* jiebacut._MULTIPLIER */
#define HAN_FIRST 0x4E00                 /* finalseg.re_han: U+4E00..U+9FD5 */
#define HAN_LAST 0x9FD5
#define HAN_COUNT (HAN_LAST - HAN_FIRST + 1)
#define STATES 4 /* B E M S, in the order of their letters: ties go to the larger index */
#define ABSENT (-2.0) /* slot values: log(freq) >= 0 for a word, PREFIX for a bare prefix */
#define PREFIX (-1.0)
#define SINGLES 0x10000
#define LONGEST_LIMIT 4096 /* a dictionary word longer than this is surely a bad table */
#define AHEAD 8            /* positions between a prefetch and the look-up it serves */
#define LEAD 24            /* characters of the text after a block whose keys are fetched before it */
#define STACK_BYTES 16384
#define CACHE_SIZE 16384  /* tokens kept for reuse (a power of two) */
#define CACHE_LONGEST 8   /* longer tokens are rare: always made anew */

typedef struct {
    uint64_t key;
    double value;
} Slot;

typedef struct {
    PyObject_HEAD
    Slot *slots;
    size_t mapped; /* bytes of slots mapped with mmap (0: from PyMem_Malloc) */
    uint64_t mask;
    int shift;
    uint64_t *filter; /* one 64-bit word of 3 bits per key: most look-ups miss, and miss here */
    uint64_t filter_mask;
    double *single; /* value of the key of each BMP character (its code point + 1) */
    double logtotal;
    Py_ssize_t longest;
    Py_ssize_t entries;
    double start[STATES];
    double trans[STATES][STATES];
    double *emit; /* HAN_COUNT rows of STATES */
    /* Tokens made before, by their key's slot: most tokens of a text are common words, and the
     * same str object serves again (and its hash, once computed, with it). */
    uint64_t *cache_keys;
    PyObject **cache_tokens;
} Segmenter;

/* finalseg.PrevStatus, each pair in letter order (B=0 E=1 M=2 S=3). */
static const int PREV[STATES][2] = {{1, 3}, {0, 2}, {0, 2}, {1, 3}};

/* The polynomial hash's low bits depend on few of its inputs: mixed, its top bits choose the
 * slot, its middle bits the filter's word and its low bits the filter's three bits. */
static inline uint64_t mix(uint64_t key) {
    uint64_t x = key ^ (key >> 31);
    x *= 0xBF58476D1CE4E5B9ULL;
    return x ^ (x >> 29);
}

static inline size_t home(const Segmenter *s, uint64_t mixed) { return (size_t)(mixed >> s->shift); }

static inline uint64_t filter_bits(uint64_t mixed) {
    return (1ULL << (mixed & 63)) | (1ULL << ((mixed >> 6) & 63)) | (1ULL << ((mixed >> 12) & 63));
}

static inline uint64_t *filter_word(const Segmenter *s, uint64_t mixed) {
    return &s->filter[(mixed >> 18) & s->filter_mask];
}

/* Whether the key may be in the table: false for most keys that are not (a few percent pass). */
static inline int may_hold(const Segmenter *s, uint64_t mixed) {
    uint64_t bits = filter_bits(mixed);
    return (*filter_word(s, mixed) & bits) == bits;
}

static inline double lookup(const Segmenter *s, uint64_t key) {
    uint64_t mixed = mix(key);
    if (!may_hold(s, mixed)) return ABSENT;
    size_t i = home(s, mixed);
    for (;;) {
        const Slot *slot = &s->slots[i];
        if (slot->value == ABSENT) return ABSENT;
        if (slot->key == key) return slot->value;
        i = (i + 1) & s->mask;
    }
}

/* Macros, not functions: GCC takes a function holding only a prefetch for one without effects
 * and drops its calls. Both the filter's word and the slot are fetched: waiting for the word to
 * decide whether to fetch the slot stalls more than the needless fetches cost. */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH_SLOT(s, mixed) __builtin_prefetch(&(s)->slots[home((s), (mixed))])
#define PREFETCH_FILTER(s, mixed) __builtin_prefetch(filter_word((s), (mixed)))
#else
#define PREFETCH_SLOT(s, mixed) ((void)0)
#define PREFETCH_FILTER(s, mixed) ((void)0)
#endif
#define PREFETCH(s, key)                                     \
    do {                                                     \
        uint64_t mixed_ = mix(key);                          \
        PREFETCH_SLOT((s), mixed_);                          \
        PREFETCH_FILTER((s), mixed_);                        \
    } while (0)

static inline uint64_t step(uint64_t h, Py_UCS4 c) { return h * MULTIPLIER + (uint64_t)c + 1; }

/* The value of one character's key: the direct table for the BMP. */
static inline double lookup_char(const Segmenter *s, Py_UCS4 c) {
    return c < SINGLES ? s->single[c] : lookup(s, (uint64_t)c + 1);
}

/* re_han_default: [\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-] */
static inline int in_han_default(Py_UCS4 c) {
    if (c >= HAN_FIRST) return c <= HAN_LAST;
    if (c >= 128) return 0;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '#' ||
           c == '&' || c == '.' || c == '_' || c == '%' || c == '-';
}

static inline int is_han(Py_UCS4 c) { return c >= HAN_FIRST && c <= HAN_LAST; }

static inline int ascii_alnum(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The tokens of one call, before they become a list. */
typedef struct {
    PyObject **items;
    Py_ssize_t count, cap;
} Tokens;

/* ``items`` with room for one more ``size``-byte item beyond ``count`` (its capacity ``*cap``
 * doubled when full, ``first`` items at first); NULL with MemoryError set when it cannot grow,
 * ``items`` then left as it was. */
static void *with_room(void *items, Py_ssize_t count, Py_ssize_t *cap, size_t size, Py_ssize_t first) {
    if (count < *cap) return items;
    Py_ssize_t grown = *cap ? *cap * 2 : first;
    void *moved = *cap <= PY_SSIZE_T_MAX / 2 / (Py_ssize_t)size ? PyMem_Realloc(items, (size_t)grown * size) : NULL;
    if (moved == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    *cap = grown;
    return moved;
}

/* Append a token (the reference is taken over, also on failure). */
static int push(Tokens *out, PyObject *token) {
    PyObject **items = with_room(out->items, out->count, &out->cap, sizeof(PyObject *), 256);
    if (items == NULL) {
        Py_DECREF(token);
        return -1;
    }
    out->items = items;
    out->items[out->count++] = token;
    return 0;
}

static void drop(Tokens *out) {
    for (Py_ssize_t i = 0; i < out->count; i++) Py_DECREF(out->items[i]);
    PyMem_Free(out->items);
    out->items = NULL;
    out->count = out->cap = 0;
}

static PyObject *to_list(Tokens *out) {
    PyObject *list = PyList_New(out->count);
    if (list == NULL) {
        drop(out);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < out->count; i++) PyList_SET_ITEM(list, i, out->items[i]);
    PyMem_Free(out->items);
    out->items = NULL;
    out->count = out->cap = 0;
    return list;
}

/* One call's text, its code points, its tokens and its scratch memory. */
typedef struct Vocabulary Vocabulary;
typedef struct Ids Ids;

typedef struct {
    Segmenter *seg;
    const Py_UCS4 *c;
    Tokens *out;
    Ids *ids; /* cut_ids: each token's id goes here instead of a str to out */
    double *route;       /* calc's route[idx][0] of the block being cut */
    Py_ssize_t *next;    /* and route[idx][1] */
    unsigned char *path; /* Viterbi back-pointers, STATES per character */
    Py_ssize_t fetched;  /* the text before this has had its keys prefetched */
} Job;

/* A str of the n code points c, the largest being top. */
static PyObject *new_token(const Py_UCS4 *c, Py_ssize_t n, Py_UCS4 top) {
    PyObject *token = PyUnicode_New(n, top);
    if (token == NULL) return NULL;
    void *data = PyUnicode_DATA(token);
    switch (PyUnicode_KIND(token)) {
    case PyUnicode_1BYTE_KIND:
        for (Py_ssize_t i = 0; i < n; i++) ((Py_UCS1 *)data)[i] = (Py_UCS1)c[i];
        break;
    case PyUnicode_2BYTE_KIND:
        for (Py_ssize_t i = 0; i < n; i++) ((Py_UCS2 *)data)[i] = (Py_UCS2)c[i];
        break;
    default:
        memcpy(data, c, (size_t)n * sizeof(Py_UCS4));
    }
    return token;
}

static int same_chars(PyObject *token, const Py_UCS4 *c, Py_ssize_t n) {
    if (PyUnicode_GET_LENGTH(token) != n) return 0;
    int kind = PyUnicode_KIND(token);
    const void *data = PyUnicode_DATA(token);
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyUnicode_READ(kind, data, i) != c[i]) return 0;
    return 1;
}

/* The token text[a:b] (a new reference): from the cache when it was made before. */
static PyObject *token_of(Job *job, Py_ssize_t a, Py_ssize_t b) {
    const Py_UCS4 *c = job->c + a;
    Py_ssize_t n = b - a;
    if (n == 1 && c[0] < 256) return PyUnicode_FromOrdinal(c[0]); /* CPython's own singletons */
    Py_UCS4 top = 0;
    uint64_t h = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (c[i] > top) top = c[i];
        h = step(h, c[i]);
    }
    if (n > CACHE_LONGEST) return new_token(c, n, top);
    Segmenter *s = job->seg;
    size_t at = (size_t)(mix(h) & (CACHE_SIZE - 1));
    PyObject *known = s->cache_tokens[at];
    if (known != NULL && s->cache_keys[at] == h && same_chars(known, c, n)) {
        Py_INCREF(known);
        return known;
    }
    PyObject *token = new_token(c, n, top);
    if (token == NULL) return NULL;
    /* The slot is read again: whatever ran during the allocation may have changed it. */
    PyObject *old = s->cache_tokens[at];
    Py_INCREF(token);
    s->cache_tokens[at] = token;
    s->cache_keys[at] = h;
    Py_XDECREF(old); /* a str: freeing it runs no Python code */
    return token;
}

/* ---- token ids (cut_ids): the classifier's word ids without a str per token ------------------ */

/* A vocabulary: each word's key (the polynomial hash of its code points) in an open-addressing
 * table, its code points kept to compare with, so a hit is always the very word. */
struct Vocabulary {
    PyObject_HEAD
    uint64_t *keys;
    int64_t *values;    /* the word's id */
    Py_ssize_t *starts; /* where the word's code points start in chars (-1: empty slot) */
    Py_ssize_t *lengths;
    Py_UCS4 *chars;
    uint64_t mask;
    Py_ssize_t words;
};

/* The ids of one call, and what a token the vocabulary lacks becomes. */
struct Ids {
    const Vocabulary *vocabulary;
    int64_t missing, dropped; /* a token holding a word character (\w), and any other */
    int64_t *items;
    Py_ssize_t count, cap;
};

static int push_id(Ids *ids, int64_t id) {
    int64_t *items = with_room(ids->items, ids->count, &ids->cap, sizeof(int64_t), 1024);
    if (items == NULL) return -1;
    ids->items = items;
    ids->items[ids->count++] = id;
    return 0;
}

/* The id of the n code points c: the vocabulary's, else missing or dropped as re's \w finds a
 * word character in it or not (features.HAS_WORD: alphanumeric or "_"). */
static int64_t id_of(const Ids *ids, const Py_UCS4 *c, Py_ssize_t n) {
    const Vocabulary *v = ids->vocabulary;
    uint64_t h = 0;
    for (Py_ssize_t i = 0; i < n; i++) h = step(h, c[i]);
    for (uint64_t at = mix(h) & v->mask;; at = (at + 1) & v->mask) {
        if (v->starts[at] < 0) break;
        if (v->keys[at] == h && v->lengths[at] == n &&
            memcmp(v->chars + v->starts[at], c, (size_t)n * sizeof(Py_UCS4)) == 0)
            return v->values[at];
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (c[i] == '_' || Py_UNICODE_ISALNUM(c[i])) return ids->missing;
    return ids->dropped;
}

static int emit_range(Job *job, Py_ssize_t a, Py_ssize_t b) {
    if (job->ids != NULL) return push_id(job->ids, id_of(job->ids, job->c + a, b - a));
    PyObject *token = token_of(job, a, b);
    return token == NULL ? -1 : push(job->out, token);
}

static int emit_each(Job *job, Py_ssize_t a, Py_ssize_t b) {
    for (Py_ssize_t i = a; i < b; i++)
        if (emit_range(job, i, i + 1) < 0) return -1;
    return 0;
}

/* finalseg.__cut of the Han run [p, q): viterbi(), then the B/E/M/S assembly. */
static int viterbi_cut(Job *job, Py_ssize_t p, Py_ssize_t q) {
    const Segmenter *s = job->seg;
    const Py_UCS4 *c = job->c;
    Py_ssize_t n = q - p;
    unsigned char *back = job->path;
    double v[STATES], w[STATES];
    const double *em = s->emit + (size_t)(c[p] - HAN_FIRST) * STATES;
    for (int y = 0; y < STATES; y++) v[y] = s->start[y] + em[y];
    for (Py_ssize_t t = 1; t < n; t++) {
        em = s->emit + (size_t)(c[p + t] - HAN_FIRST) * STATES;
        for (int y = 0; y < STATES; y++) {
            int lo = PREV[y][0], hi = PREV[y][1];
            double a = v[lo] + s->trans[lo][y] + em[y];
            double b = v[hi] + s->trans[hi][y] + em[y];
            int take_hi = b >= a; /* (prob, letter) tuples: equal probs go to the larger letter */
            w[y] = take_hi ? b : a;
            back[t * STATES + y] = (unsigned char)(take_hi ? hi : lo);
        }
        memcpy(v, w, sizeof v);
    }
    int state = v[3] >= v[1] ? 3 : 1; /* max over 'ES' */
    /* Walk the back-pointers into back[t * STATES] (that column is no longer needed). */
    for (Py_ssize_t t = n - 1; t >= 0; t--) {
        int prev = t > 0 ? back[t * STATES + state] : 0;
        back[t * STATES] = (unsigned char)state;
        state = prev;
    }
    Py_ssize_t begin = 0, nexti = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int pos = back[i * STATES];
        if (pos == 0) {
            begin = i;
        } else if (pos == 1) {
            if (emit_range(job, p + begin, p + i + 1) < 0) return -1;
            nexti = i + 1;
        } else if (pos == 3) {
            if (emit_range(job, p + i, p + i + 1) < 0) return -1;
            nexti = i + 1;
        }
    }
    if (nexti < n) return emit_range(job, p + nexti, q);
    return 0;
}

/* finalseg.re_skip.split of the non-Han run [p, q): ([a-zA-Z0-9]+(?:\.\d+)?%?) and the pieces
 * between its matches, empty ones dropped. \d is re's Unicode decimal digit. */
static int skip_split(Job *job, Py_ssize_t p, Py_ssize_t q) {
    const Py_UCS4 *c = job->c;
    Py_ssize_t gap = p, i = p;
    while (i < q) {
        if (!ascii_alnum(c[i])) {
            i++;
            continue;
        }
        if (gap < i && emit_range(job, gap, i) < 0) return -1;
        Py_ssize_t m = i;
        while (m < q && ascii_alnum(c[m])) m++;
        if (m + 1 < q && c[m] == '.' && Py_UNICODE_ISDECIMAL(c[m + 1])) {
            m += 2;
            while (m < q && Py_UNICODE_ISDECIMAL(c[m])) m++;
        }
        if (m < q && c[m] == '%') m++;
        if (emit_range(job, i, m) < 0) return -1;
        gap = i = m;
    }
    if (gap < q) return emit_range(job, gap, q);
    return 0;
}

/* finalseg.cut of [p, q). */
static int hmm_cut(Job *job, Py_ssize_t p, Py_ssize_t q) {
    const Py_UCS4 *c = job->c;
    Py_ssize_t i = p;
    while (i < q) {
        int han = is_han(c[i]);
        Py_ssize_t j = i + 1;
        while (j < q && is_han(c[j]) == han) j++;
        if ((han ? viterbi_cut(job, i, j) : skip_split(job, i, j)) < 0) return -1;
        i = j;
    }
    return 0;
}

/* __cut_DAG's buffer [p, q) of single characters: kept as they are if it is one character or a
 * word (frequency > 0), else the HMM's words. */
static int flush(Job *job, Py_ssize_t p, Py_ssize_t q) {
    const Segmenter *s = job->seg;
    if (q - p == 1) return emit_range(job, p, q);
    double value = ABSENT;
    if (q - p <= s->longest) {
        uint64_t h = 0;
        for (Py_ssize_t i = p; i < q; i++) h = step(h, job->c[i]);
        value = lookup(s, h);
    }
    return value >= 0 ? emit_each(job, p, q) : hmm_cut(job, p, q);
}

/* Prefetch the slots of the two- and three-character keys starting in [from, to) of the text.
 * Always inlined: as a function of prefetches only, GCC would find it has no effect (above). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline void fetch_keys(const Job *job, Py_ssize_t from, Py_ssize_t to, Py_ssize_t n) {
    const Py_UCS4 *c = job->c;
    for (Py_ssize_t k = from; k < to && k + 1 < n; k++) {
        if (!in_han_default(c[k]) || !in_han_default(c[k + 1])) continue;
        uint64_t h = step(step(0, c[k]), c[k + 1]);
        PREFETCH(job->seg, h);
        if (k + 2 < n && in_han_default(c[k + 2])) PREFETCH(job->seg, step(h, c[k + 2]));
    }
}

/* Tokenizer.__cut_DAG of the block [p, q): get_DAG and calc in one backward pass, then the walk. */
static int cut_dag(Job *job, Py_ssize_t p, Py_ssize_t q) {
    const Segmenter *s = job->seg;
    const Py_UCS4 *c = job->c + p;
    Py_ssize_t n = q - p;
    double *route = job->route;
    Py_ssize_t *next = job->next;
    double logtotal = s->logtotal;
    route[n] = 0.0;
    for (Py_ssize_t idx = n - 1; idx >= 0; idx--) {
        if (idx >= AHEAD) {
            /* The two- and three-character keys of a start still to come: most look-ups of the
             * table miss the caches, and these do not wait on each other. */
            Py_ssize_t k = idx - AHEAD;
            uint64_t h = step(step(0, c[k]), c[k + 1]);
            PREFETCH(s, h);
            if (k + 2 < n) PREFETCH(s, step(h, c[k + 2]));
        }
        Py_ssize_t best_x = -1;
        double best = 0.0;
        double value = lookup_char(s, c[idx]);
        if (value != ABSENT) {
            if (value >= 0) {
                best = (value - logtotal) + route[idx + 1];
                best_x = idx;
            }
            uint64_t h = (uint64_t)c[idx] + 1;
            Py_ssize_t stop = n - idx < s->longest ? n : idx + s->longest;
            for (Py_ssize_t x = idx + 1; x < stop; x++) {
                h = step(h, c[x]);
                value = lookup(s, h);
                if (value == ABSENT) break;
                if (value >= 0) {
                    double candidate = (value - logtotal) + route[x + 1];
                    if (best_x < 0 || candidate >= best) { /* equal: the larger x, as tuples compare */
                        best = candidate;
                        best_x = x;
                    }
                }
            }
        }
        if (best_x < 0) { /* no word starts here: the character alone, log(1) = 0 */
            best = (0.0 - logtotal) + route[idx + 1];
            best_x = idx;
        }
        route[idx] = best;
        next[idx] = best_x;
    }
    Py_ssize_t x = 0, buffered = 0;
    while (x < n) {
        Py_ssize_t y = next[x] + 1;
        if (y - x > 1) {
            if (buffered < x && flush(job, p + buffered, p + x) < 0) return -1;
            if (emit_range(job, p + x, p + y) < 0) return -1;
            buffered = y;
        }
        x = y;
    }
    if (buffered < n) return flush(job, p + buffered, q);
    return 0;
}

/* Tokenizer.cut of the whole text: re_han_default blocks to cut_dag; elsewhere re_skip_default
 * makes every character a token, but for "\r\n". A newline reads as a space if asked. */
static int cut_text(Job *job, Py_ssize_t n, int newline_as_space) {
    const Py_UCS4 *c = job->c;
    Py_ssize_t i = 0;
    while (i < n) {
        if (in_han_default(c[i])) {
            Py_ssize_t j = i + 1;
            while (j < n && in_han_default(c[j])) j++;
            /* cut_dag prefetches as it goes, but for the positions it reaches first (the block's
             * end): those are fetched here, with the start of the text after the block, which is
             * then fetched while this block is cut (most blocks are short: punctuation ends them). */
            Py_ssize_t from = j - AHEAD > i ? j - AHEAD : i;
            if (from < job->fetched) from = job->fetched;
            fetch_keys(job, from, j + LEAD, n);
            if (job->fetched < j + LEAD) job->fetched = j + LEAD;
            if (cut_dag(job, i, j) < 0) return -1;
            i = j;
        } else if (c[i] == '\n' && newline_as_space) {
            static const Py_UCS4 space_char = ' ';
            if (job->ids != NULL) {
                if (push_id(job->ids, id_of(job->ids, &space_char, 1)) < 0) return -1;
            } else {
                PyObject *space = PyUnicode_FromOrdinal(' ');
                if (space == NULL || push(job->out, space) < 0) return -1;
            }
            i++;
        } else {
            int pair = c[i] == '\r' && i + 1 < n && c[i + 1] == '\n' && !newline_as_space;
            if (emit_range(job, i, i + 1 + pair) < 0) return -1;
            i += 1 + pair;
        }
    }
    return 0;
}

/* The longest run of re_han_default characters: what cut_dag and the HMM need room for. */
static Py_ssize_t longest_block(int kind, const void *data, Py_ssize_t n) {
    Py_ssize_t longest = 0, run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        run = in_han_default(PyUnicode_READ(kind, data, i)) ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    return longest;
}

/* Cut one text onto out, with scratch memory from the stack when it is short: the code points
 * (unless the text is UCS-4 already), and route, next and back-pointers for its longest block. */
static int cut_into(Segmenter *s, PyObject *text, Tokens *out, Ids *ids, int newline_as_space) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "cut: str expected, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0) return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t block = longest_block(kind, data, n) + 1;
    size_t code_bytes = kind == PyUnicode_4BYTE_KIND ? 0 : sizeof(Py_UCS4) * (size_t)n;
    size_t per_block = sizeof(double) + sizeof(Py_ssize_t) + STATES;
    if ((size_t)block > (PY_SSIZE_T_MAX / 2) / per_block || code_bytes > PY_SSIZE_T_MAX / 2) {
        PyErr_NoMemory();
        return -1;
    }
    size_t bytes = per_block * (size_t)block + code_bytes;
    double stack[STACK_BYTES / sizeof(double)];
    void *memory = bytes <= sizeof stack ? (void *)stack : PyMem_Malloc(bytes);
    if (memory == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Job job = {s, NULL, out, ids, NULL, NULL, NULL, 0};
    char *at = memory; /* doubles first, then 8-byte integers, then 4-byte ones: all aligned */
    job.route = (double *)at;
    at += sizeof(double) * (size_t)block;
    job.next = (Py_ssize_t *)at;
    at += sizeof(Py_ssize_t) * (size_t)block;
    if (kind == PyUnicode_4BYTE_KIND) {
        job.c = PyUnicode_4BYTE_DATA(text);
    } else {
        Py_UCS4 *codes = (Py_UCS4 *)at;
        at += code_bytes;
        if (kind == PyUnicode_1BYTE_KIND)
            for (Py_ssize_t i = 0; i < n; i++) codes[i] = ((const Py_UCS1 *)data)[i];
        else
            for (Py_ssize_t i = 0; i < n; i++) codes[i] = ((const Py_UCS2 *)data)[i];
        job.c = codes;
    }
    job.path = (unsigned char *)at;
    int result = cut_text(&job, n, newline_as_space);
    if (memory != (void *)stack) PyMem_Free(memory);
    return result;
}

static PyObject *Segmenter_cut(Segmenter *self, PyObject *text) {
    Tokens out = {NULL, 0, 0};
    if (cut_into(self, text, &out, NULL, 0) < 0) {
        drop(&out);
        return NULL;
    }
    return to_list(&out);
}

static PyObject *Segmenter_cut_lines(Segmenter *self, PyObject *texts) {
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "cut_lines: list of str expected");
        return NULL;
    }
    Tokens out = {NULL, 0, 0};
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        Py_INCREF(text); /* a finalizer run by an allocation could change the list */
        int failed = 0;
        if (i > 0) {
            PyObject *newline = PyUnicode_FromOrdinal('\n');
            failed = newline == NULL || push(&out, newline) < 0;
        }
        failed = failed || cut_into(self, text, &out, NULL, 1) < 0;
        Py_DECREF(text);
        if (failed) {
            drop(&out);
            return NULL;
        }
    }
    return to_list(&out);
}

static PyTypeObject VocabularyType;

/* cut_ids(texts, vocabulary, missing, dropped, break_id) -> int64 bytes: the id of each token of
 * cut_lines(texts) (break_id for the "\n" between texts), no str made. */
static PyObject *Segmenter_cut_ids(Segmenter *self, PyObject *args) {
    PyObject *texts, *vocabulary;
    long long missing, dropped, break_id;
    if (!PyArg_ParseTuple(args, "O!O!LLL", &PyList_Type, &texts, &VocabularyType, &vocabulary, &missing, &dropped,
                          &break_id))
        return NULL;
    if (self->slots == NULL || ((Vocabulary *)vocabulary)->keys == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "cut_ids: Segmenter or Vocabulary not initialized");
        return NULL;
    }
    Ids ids = {(Vocabulary *)vocabulary, missing, dropped, NULL, 0, 0};
    Tokens unused = {NULL, 0, 0};
    Py_INCREF(vocabulary);
    int failed = 0;
    for (Py_ssize_t i = 0; !failed && i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        Py_INCREF(text);
        failed = (i > 0 && push_id(&ids, break_id) < 0) || cut_into(self, text, &unused, &ids, 1) < 0;
        Py_DECREF(text);
    }
    Py_DECREF(vocabulary);
    PyObject *out = failed ? NULL
                           : PyBytes_FromStringAndSize((const char *)ids.items,
                                                       ids.count * (Py_ssize_t)sizeof(int64_t));
    PyMem_Free(ids.items);
    return out;
}

static void free_vocabulary(Vocabulary *v) {
    PyMem_Free(v->keys);
    PyMem_Free(v->values);
    PyMem_Free(v->starts);
    PyMem_Free(v->lengths);
    PyMem_Free(v->chars);
    v->keys = NULL;
    v->values = NULL;
    v->starts = v->lengths = NULL;
    v->chars = NULL;
    v->words = 0;
}

/* Vocabulary(words, ids): words (distinct str) and their ids (int), in one table. */
static int Vocabulary_init(Vocabulary *self, PyObject *args, PyObject *kwargs) {
    PyObject *words, *values;
    static char *names[] = {"words", "ids", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!", names, &PyList_Type, &words, &PyList_Type, &values))
        return -1;
    Py_ssize_t n = PyList_GET_SIZE(words);
    if (PyList_GET_SIZE(values) != n) {
        PyErr_SetString(PyExc_ValueError, "Vocabulary: as many ids as words expected");
        return -1;
    }
    free_vocabulary(self);
    size_t size = 64;
    while (size < 2 * (size_t)n + 1) size *= 2; /* at most half full */
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "Vocabulary: words must be str");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(word);
    }
    self->keys = PyMem_Calloc(size, sizeof(uint64_t));
    self->values = PyMem_Calloc(size, sizeof(int64_t));
    self->starts = PyMem_Malloc(size * sizeof(Py_ssize_t));
    self->lengths = PyMem_Calloc(size, sizeof(Py_ssize_t));
    self->chars = PyMem_Malloc((size_t)(total + 1) * sizeof(Py_UCS4));
    if (!self->keys || !self->values || !self->starts || !self->lengths || !self->chars) {
        free_vocabulary(self);
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < size; i++) self->starts[i] = -1;
    self->mask = size - 1;
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        long long id = PyLong_AsLongLong(PyList_GET_ITEM(values, i));
        if (id == -1 && PyErr_Occurred()) {
            free_vocabulary(self);
            return -1;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        if (PyUnicode_AsUCS4(word, self->chars + used, total + 1 - used, 0) == NULL) {
            free_vocabulary(self);
            return -1;
        }
        uint64_t h = 0;
        for (Py_ssize_t k = 0; k < len; k++) h = step(h, self->chars[used + k]);
        uint64_t at = mix(h) & self->mask;
        for (;; at = (at + 1) & self->mask) {
            if (self->starts[at] < 0) break;
            if (self->keys[at] == h && self->lengths[at] == len &&
                memcmp(self->chars + self->starts[at], self->chars + used, (size_t)len * sizeof(Py_UCS4)) == 0) {
                free_vocabulary(self);
                PyErr_SetString(PyExc_ValueError, "Vocabulary: a word given twice");
                return -1;
            }
        }
        self->keys[at] = h;
        self->values[at] = id;
        self->starts[at] = used;
        self->lengths[at] = len;
        used += len;
        self->words++;
    }
    return 0;
}

static void Vocabulary_dealloc(Vocabulary *self) {
    free_vocabulary(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t Vocabulary_len(Vocabulary *self) { return self->words; }

static PySequenceMethods Vocabulary_sequence = {.sq_length = (lenfunc)Vocabulary_len};

static PyTypeObject VocabularyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "parknews.model.cut_kernel.Vocabulary",
    .tp_basicsize = sizeof(Vocabulary),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Vocabulary(words, ids): the word ids Segmenter.cut_ids gives each token.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Vocabulary_init,
    .tp_dealloc = (destructor)Vocabulary_dealloc,
    .tp_as_sequence = &Vocabulary_sequence,
};

/* ---- construction from arrays -------------------------------------------------------------- */

/* A C-contiguous buffer of 8-byte items of one kind ('u' unsigned, 'i' signed, 'f' float), with
 * ndim dimensions and the given sizes (-1: any). */
static int get_array(PyObject *obj, Py_buffer *view, const char *name, char kind, int ndim, Py_ssize_t d0,
                     Py_ssize_t d1) {
    if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "Segmenter: %s must be an array, not %.100s", name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    const char *format = view->format ? view->format : "B";
    if (*format == '@' || *format == '=') format++;
#if PY_LITTLE_ENDIAN
    else if (*format == '<') format++;
#else
    else if (*format == '>' || *format == '!') format++;
#endif
    const char *codes = kind == 'u' ? "QL" : kind == 'i' ? "ql" : "d";
    int fits = view->itemsize == 8 && format[0] != '\0' && format[1] == '\0' && strchr(codes, format[0]) != NULL;
    if (!fits) {
        PyErr_Format(PyExc_TypeError, "Segmenter: %s must hold %s", name,
                     kind == 'u' ? "uint64" : kind == 'i' ? "int64" : "float64");
        goto fail;
    }
    if (view->ndim != ndim || (d0 >= 0 && view->shape[0] != d0) || (ndim > 1 && d1 >= 0 && view->shape[1] != d1)) {
        PyErr_Format(PyExc_ValueError, "Segmenter: %s has the wrong shape", name);
        goto fail;
    }
    if (!PyBuffer_IsContiguous(view, 'C')) {
        PyErr_Format(PyExc_ValueError, "Segmenter: %s must be C-contiguous", name);
        goto fail;
    }
    return 0;
fail:
    PyBuffer_Release(view);
    return -1;
}

#define HUGE_PAGE ((size_t)2 << 20)

/* The slots, in 2 MB pages where Linux gives them: look-ups land anywhere in 16 MB, and with
 * 4 KB pages most of them would miss the TLB as well as the caches. */
static int alloc_slots(Segmenter *self, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_PAGE && bytes % HUGE_PAGE == 0) {
        size_t span = bytes + HUGE_PAGE;
        char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw != MAP_FAILED) {
            char *aligned = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
            if (aligned > raw) munmap(raw, (size_t)(aligned - raw));
            if (raw + span > aligned + bytes) munmap(aligned + bytes, (size_t)(raw + span - (aligned + bytes)));
            madvise(aligned, bytes, MADV_HUGEPAGE); /* a hint: refused, the table still works */
            self->slots = (Slot *)aligned;
            self->mapped = bytes;
            return 0;
        }
    }
#endif
    self->slots = PyMem_Malloc(bytes);
    self->mapped = 0;
    return self->slots == NULL ? -1 : 0;
}

static void free_tables(Segmenter *self) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (self->mapped) munmap(self->slots, self->mapped);
    else
#endif
        PyMem_Free(self->slots);
    PyMem_Free(self->single);
    PyMem_Free(self->filter);
    PyMem_Free(self->emit);
    if (self->cache_tokens != NULL)
        for (size_t i = 0; i < CACHE_SIZE; i++) Py_XDECREF(self->cache_tokens[i]);
    PyMem_Free(self->cache_tokens);
    PyMem_Free(self->cache_keys);
    self->cache_tokens = NULL;
    self->cache_keys = NULL;
    self->slots = NULL;
    self->filter = NULL;
    self->single = NULL;
    self->emit = NULL;
    self->mapped = 0;
}

static int fill_table(Segmenter *self, const uint64_t *keys, const int64_t *freqs, Py_ssize_t n) {
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < 2 * n) bits++; /* at most half full */
    size_t size = (size_t)1 << bits;
    size_t words = size / 16; /* 8 keys a word at most: 3 bits each leave ~3% false passes */
    self->single = PyMem_Malloc(SINGLES * sizeof(double));
    self->filter = PyMem_Calloc(words, sizeof(uint64_t));
    if (alloc_slots(self, size * sizeof(Slot)) < 0 || self->single == NULL || self->filter == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->mask = size - 1;
    self->shift = 64 - bits;
    self->filter_mask = words - 1;
    for (size_t i = 0; i < size; i++) self->slots[i].value = ABSENT;
    for (size_t i = 0; i < SINGLES; i++) self->single[i] = ABSENT;
    for (Py_ssize_t k = 0; k < n; k++) {
        /* Keys land at random: fetching ahead lets the cache misses overlap (a third of the time). */
        if (k + AHEAD * 2 < n) PREFETCH_SLOT(self, mix(keys[k + AHEAD * 2]));
        if (freqs[k] < 0) {
            PyErr_SetString(PyExc_ValueError, "Segmenter: a negative frequency");
            return -1;
        }
        double value = freqs[k] > 0 ? log((double)freqs[k]) : PREFIX;
        uint64_t mixed = mix(keys[k]);
        size_t i = home(self, mixed);
        while (self->slots[i].value != ABSENT) {
            if (self->slots[i].key == keys[k]) {
                PyErr_SetString(PyExc_ValueError, "Segmenter: keys must be distinct");
                return -1;
            }
            i = (i + 1) & self->mask;
        }
        self->slots[i].key = keys[k];
        self->slots[i].value = value;
        *filter_word(self, mixed) |= filter_bits(mixed);
        if (keys[k] >= 1 && keys[k] <= SINGLES) self->single[keys[k] - 1] = value;
    }
    self->entries = n;
    return 0;
}

static int Segmenter_init(Segmenter *self, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"keys", "freqs", "total", "longest", "start", "trans", "emit", NULL};
    PyObject *keys_obj, *freqs_obj, *start_obj, *trans_obj, *emit_obj;
    long long total;
    Py_ssize_t longest;
    if (self->slots != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Segmenter: already initialized");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOLnOOO:Segmenter", names, &keys_obj, &freqs_obj, &total,
                                     &longest, &start_obj, &trans_obj, &emit_obj))
        return -1;
    if (total <= 0) {
        PyErr_SetString(PyExc_ValueError, "Segmenter: total must be positive");
        return -1;
    }
    if (longest < 1 || longest > LONGEST_LIMIT) {
        PyErr_SetString(PyExc_ValueError, "Segmenter: longest out of range");
        return -1;
    }
    Py_buffer keys, freqs, start, trans, emit;
    int got = 0, result = -1;
    if (get_array(keys_obj, &keys, "keys", 'u', 1, -1, -1) < 0) goto done;
    got = 1;
    if (get_array(freqs_obj, &freqs, "freqs", 'i', 1, keys.shape[0], -1) < 0) goto done;
    got = 2;
    if (get_array(start_obj, &start, "start", 'f', 1, STATES, -1) < 0) goto done;
    got = 3;
    if (get_array(trans_obj, &trans, "trans", 'f', 2, STATES, STATES) < 0) goto done;
    got = 4;
    if (get_array(emit_obj, &emit, "emit", 'f', 2, HAN_COUNT, STATES) < 0) goto done;
    got = 5;
    self->emit = PyMem_Malloc(sizeof(double) * HAN_COUNT * STATES);
    self->cache_keys = PyMem_Calloc(CACHE_SIZE, sizeof(uint64_t));
    self->cache_tokens = PyMem_Calloc(CACHE_SIZE, sizeof(PyObject *));
    if (self->emit == NULL || self->cache_keys == NULL || self->cache_tokens == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(self->emit, emit.buf, sizeof(double) * HAN_COUNT * STATES);
    memcpy(self->start, start.buf, sizeof self->start);
    memcpy(self->trans, trans.buf, sizeof self->trans);
    self->logtotal = log((double)total);
    self->longest = longest;
    result = fill_table(self, keys.buf, freqs.buf, keys.shape[0]);
done:
    if (got >= 5) PyBuffer_Release(&emit);
    if (got >= 4) PyBuffer_Release(&trans);
    if (got >= 3) PyBuffer_Release(&start);
    if (got >= 2) PyBuffer_Release(&freqs);
    if (got >= 1) PyBuffer_Release(&keys);
    if (result < 0) free_tables(self);
    return result;
}

static PyObject *Segmenter_checked_cut(Segmenter *self, PyObject *text) {
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Segmenter: not initialized");
        return NULL;
    }
    return Segmenter_cut(self, text);
}

static PyObject *Segmenter_checked_cut_lines(Segmenter *self, PyObject *texts) {
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Segmenter: not initialized");
        return NULL;
    }
    return Segmenter_cut_lines(self, texts);
}

static PyObject *Segmenter_nbytes(Segmenter *self, void *Py_UNUSED(closure)) {
    size_t bytes = 0;
    if (self->slots != NULL)
        bytes = (self->mask + 1) * sizeof(Slot) + (self->filter_mask + 1) * sizeof(uint64_t) +
                SINGLES * sizeof(double) + HAN_COUNT * STATES * sizeof(double);
    return PyLong_FromSize_t(bytes);
}

static PyObject *Segmenter_len(Segmenter *self, void *Py_UNUSED(closure)) {
    return PyLong_FromSsize_t(self->entries);
}

static void Segmenter_dealloc(Segmenter *self) {
    free_tables(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Segmenter_methods[] = {
    {"cut", (PyCFunction)Segmenter_checked_cut, METH_O, "cut(text) -> list[str]: jieba.lcut(text)."},
    {"cut_lines", (PyCFunction)Segmenter_checked_cut_lines, METH_O,
     "cut_lines(texts) -> list[str]: the cut of each text (newlines read as spaces), '\\n' between texts."},
    {"cut_ids", (PyCFunction)Segmenter_cut_ids, METH_VARARGS,
     "cut_ids(texts, vocabulary, missing, dropped, break_id) -> int64 bytes: each token's id."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Segmenter_getset[] = {
    {"nbytes", (getter)Segmenter_nbytes, NULL, "Bytes of memory the tables hold.", NULL},
    {"entries", (getter)Segmenter_len, NULL, "Words and prefixes in the dictionary.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject SegmenterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "parknews.model.cut_kernel.Segmenter",
    .tp_basicsize = sizeof(Segmenter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Segmenter(keys, freqs, total, longest, start, trans, emit): jieba's cut from jiebacut's table "
              "and finalseg's HMM (states in the order B E M S).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Segmenter_init,
    .tp_dealloc = (destructor)Segmenter_dealloc,
    .tp_methods = Segmenter_methods,
    .tp_getset = Segmenter_getset,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "cut_kernel", "jieba's word segmentation, compiled (see model/cutter.py).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_cut_kernel(void) {
    if (PyType_Ready(&SegmenterType) < 0 || PyType_Ready(&VocabularyType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&SegmenterType);
    if (PyModule_AddObject(m, "Segmenter", (PyObject *)&SegmenterType) < 0) {
        Py_DECREF(&SegmenterType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&VocabularyType);
    if (PyModule_AddObject(m, "Vocabulary", (PyObject *)&VocabularyType) < 0) {
        Py_DECREF(&VocabularyType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
