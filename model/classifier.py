"""The paragraph classifier as it runs in production: arrays and vocabularies, no scikit-learn.

Training fits a scikit-learn pipeline (``training.fit``) and exports it to
this form; ``predict_proba`` reproduces the pipeline's probabilities exactly
(TF-IDF with sublinear tf and l2 rows, standardized layout cues, a
multinomial logistic regression, then one temperature for calibration).

Inference is batched so that crawls of millions of paragraphs stay cheap.
All paragraphs of a call become one table of (row, column, count) built with
numpy, both TF-IDF blocks in one column space. Character n-grams never become
Python strings: each 1- to 3-gram of code points packs into one 64-bit key
found by binary search; word pairs are found as pairs of word ids. Term
scores depend on a paragraph's text alone and layout cues on its context, so
each is computed once per distinct text (context) and, up to ``text_cache``
of them, remembered across calls: crawled pages repeat the same furniture
lines over and over. The results are the same with or without the memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

# The private names are word_terms' and char_terms' own steps: the batched path
# must compute exactly those features (tests compare it with the scikit-learn
# pipeline, which calls the public functions themselves).
from .features import HAS_WORD, Context, contexts, fold_digits, layout_vector
from .labels import LABELS
from .segment import cut_lines, requested_backend

__all__ = ["LABELS", "ParagraphClassifier", "Prediction", "TermBlock"]


_MISSING = -1  # a word with letters the model has never seen: it breaks word pairs
_DROPPED = -2  # white space or punctuation: word_terms drops it, so pairs join across it
_BREAK = -3  # the line break cut_lines puts between paragraphs
_BITS = 21  # every code point (≤ 0x10FFFF) fits in 21 bits once shifted by one
_UNKNOWN_WORDS = 200_000  # unseen tokens remembered before the look-up stops growing


@dataclass(frozen=True)
class TermBlock:
    """One TF-IDF block: its vocabulary, idf weights and the rows of the coefficient matrix."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (n_terms, n_labels)

    def scores(self, terms: list[str]) -> np.ndarray:
        """This block's share of the class scores of one paragraph (the unbatched reference)."""
        counts = Counter(t for t in terms if t in self.vocabulary)
        if not counts:
            return np.zeros(self.weights.shape[1])
        index = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (np.log(tf) + 1.0) * self.idf[index]
        values /= np.sqrt(np.dot(values, values))
        return values @ self.weights[index]


def _search(keys: np.ndarray, columns: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which ``queries`` are among the sorted ``keys``, and their columns."""
    if not len(keys) or not len(queries):
        return np.zeros(len(queries), dtype=bool), columns[:0]
    found = np.searchsorted(keys, queries)
    np.minimum(found, len(keys) - 1, out=found)
    hit = keys[found] == queries
    return hit, columns[found[hit]]


class _CharIndex:
    """The character block's vocabulary as sorted n-gram keys (columns shifted by ``offset``)."""

    def __init__(self, vocabulary: dict[str, int], offset: int) -> None:
        terms = list(vocabulary)
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms)) + offset
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        codes = np.zeros((len(terms), 3), dtype=np.int64)
        if terms:
            # Longer entries are cut to three here, then dropped: char_terms yields 1- to 3-grams only.
            codes[:] = np.array(terms, dtype="<U3").view(np.uint32).reshape(-1, 3)
        codes += 1
        keys = codes[:, 0]
        keys = np.where(lengths >= 2, (keys << _BITS) | codes[:, 1], keys)
        keys = np.where(lengths >= 3, (keys << _BITS) | codes[:, 2], keys)
        usable = (lengths >= 1) & (lengths <= 3)
        keys, columns = keys[usable], columns[usable]
        order = np.argsort(keys)
        self.keys, self.columns = keys[order], columns[order]

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every 1-, 2- and 3-gram of ``texts`` that is in the vocabulary."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        joined = "".join(texts).encode("utf-32-le", "surrogatepass")
        n = len(joined) // 4
        padded = np.zeros(n + 2, dtype=np.int64)
        padded[:n] = np.frombuffer(joined, dtype=np.uint32)
        padded[:n] += 1
        rows = np.repeat(np.arange(len(texts)), lengths)
        # Characters left in the paragraph from each position on, this one included.
        left = np.repeat(np.cumsum(lengths), lengths) - np.arange(n)
        uni = padded[:n]
        bi = (uni << _BITS) | padded[1 : n + 1]
        tri = (bi << _BITS) | padded[2 : n + 2]
        two, three = left >= 2, left >= 3
        queries = np.concatenate([uni, bi[two], tri[three]])
        where = np.concatenate([rows, rows[two], rows[three]])
        hit, columns = _search(self.keys, self.columns, queries)
        return where[hit], columns


class _WordIndex:
    """The word block's vocabulary as word ids and sorted word-pair keys."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        ids: dict[str, int] = {}
        unigram_columns: list[int] = []
        pairs: list[tuple[str, str, int]] = []
        for term, column in vocabulary.items():
            if " " not in term:
                ids[term] = len(unigram_columns)
                unigram_columns.append(column)
            elif term.count(" ") == 1:
                a, b = term.split(" ")
                pairs.append((a, b, column))
        # A pair may hold a word that is no unigram term itself (a model fitted
        # with other df limits); it still needs an id to be found in pairs.
        for a, b, _ in pairs:
            for word in (a, b):
                if word not in ids:
                    ids[word] = len(unigram_columns)
                    unigram_columns.append(-1)
        self.known = len(ids)
        ids["\n"] = _BREAK
        self.ids = ids
        self.unigram_columns = np.array(unigram_columns, dtype=np.int64)
        keys = np.array([ids[a] * self.known + ids[b] for a, b, _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        self.pair_columns = np.array([c for _, _, c in pairs], dtype=np.int64)[order]

    def _classify_token(self, token: str) -> int:
        word = _MISSING if HAS_WORD.search(token) else _DROPPED
        if len(self.ids) < self.known + _UNKNOWN_WORDS:
            self.ids[token] = word
        return word

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word and adjacent word pair of ``texts`` in the vocabulary."""
        tokens = cut_lines(texts)
        ids = list(map(self.ids.get, tokens))
        if None in ids:
            unknown = self._classify_token
            ids = [unknown(t) if i is None else i for i, t in zip(ids, tokens)]
        words = np.array(ids, dtype=np.int64)
        rows = np.cumsum(words == _BREAK)
        kept = words >= _MISSING
        words, rows = words[kept], rows[kept]
        columns = self.unigram_columns[words[words >= 0]]
        uni_rows = rows[words >= 0]
        a, b = words[:-1], words[1:]
        pair = (rows[:-1] == rows[1:]) & (a >= 0) & (b >= 0)
        hit, pair_columns = _search(self.pair_keys, self.pair_columns, a[pair] * self.known + b[pair])
        return (
            np.concatenate([uni_rows[columns >= 0], rows[:-1][pair][hit]]),
            np.concatenate([columns[columns >= 0], pair_columns]),
        )


class _Terms:
    """Both TF-IDF blocks in one column space: words first, then characters."""

    def __init__(self, words: TermBlock | None, chars: TermBlock | None, n_labels: int) -> None:
        blocks = [b for b in (words, chars) if b is not None]
        self.split = len(words.idf) if words is not None else 0
        self.width = sum(len(b.idf) for b in blocks)
        self.idf = np.concatenate([b.idf for b in blocks]) if blocks else np.zeros(0)
        self.weights = np.vstack([b.weights for b in blocks]) if blocks else np.zeros((0, n_labels))
        self.words = _WordIndex(words.vocabulary) if words is not None else None
        self.chars = _CharIndex(chars.vocabulary, self.split) if chars is not None else None

    def scores(self, texts: list[str]) -> np.ndarray:
        """Both blocks' share of the class scores, one row per text (digits already folded)."""
        out = np.zeros((len(texts), self.weights.shape[1]))
        found: list[np.ndarray] = []
        if self.words is not None:
            rows, columns = self.words.occurrences(texts)
            found.append(rows * self.width + columns)
        if self.chars is not None:
            rows, columns = self.chars.occurrences([t.replace(" ", "") for t in texts])
            found.append(rows * self.width + columns)
        keys = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        if not len(keys):
            return out
        keys.sort()
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        tf = np.diff(np.append(starts, len(keys)))
        row, column = np.divmod(keys[starts], self.width)
        values = (np.log(tf) + 1.0) * self.idf[column]
        # Each block is l2-normalized on its own, as in the FeatureUnion.
        block = row * 2 + (column >= self.split)
        values /= np.sqrt(np.bincount(block, values * values))[block]
        first = np.flatnonzero(np.concatenate([[True], row[1:] != row[:-1]]))
        out[row[first]] = np.add.reduceat(self.weights[column] * values[:, None], first, axis=0)
        return out


def _recall(memory: dict[Any, Any], keys: Iterable[Any]) -> tuple[dict[Any, Any], list[Any]]:
    """What ``memory`` holds of the distinct ``keys``, and the keys it lacks.

    Values are copied out first: remembering new ones may clear the memory.
    """
    found: dict[Any, Any] = {}
    missing: list[Any] = []
    for key in dict.fromkeys(keys):
        value = memory.get(key)
        if value is None:
            missing.append(key)
        else:
            found[key] = value
    return found, missing


@dataclass(frozen=True)
class Prediction:
    """The label of one paragraph and the probability of every label."""

    label: str
    scores: dict[str, float]


@dataclass(frozen=True)
class ParagraphClassifier:
    """Labels paragraphs of an article with one of ``labels``.

    ``text_cache`` bounds how many distinct paragraph texts (and contexts) keep
    their computed features between calls; 0 turns that memory off.
    """

    labels: tuple[str, ...]
    words: TermBlock | None
    chars: TermBlock | None
    layout_mean: np.ndarray | None
    layout_scale: np.ndarray | None
    layout_weights: np.ndarray | None  # (n_layout, n_labels)
    intercept: np.ndarray
    temperature: float = 1.0
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)
    text_cache: int = field(default=20_000, compare=False)

    def __post_init__(self) -> None:
        requested_backend()  # a bad PARKNEWS_SEGMENTER fails here, where loading errors are reported

    def __getstate__(self) -> dict[str, Any]:
        # Look-up tables and memories are rebuilt where the model lands.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    @cached_property
    def _terms(self) -> _Terms:
        return _Terms(self.words, self.chars, len(self.intercept))

    @cached_property
    def _text_memory(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def _layout_memory(self) -> dict[Context, list[float]]:
        return {}

    def _remember(self, memory: dict[Any, Any], new: dict[Any, Any]) -> None:
        if len(memory) + len(new) > self.text_cache:
            # Dropping everything is crude but safe under threads; furniture comes back at once.
            memory.clear()
        if len(new) <= self.text_cache:
            memory.update(new)

    def _term_scores(self, texts: list[str]) -> np.ndarray:
        """Both TF-IDF blocks' share of the class scores, one row per text."""
        found, missing = _recall(self._text_memory, texts)
        if missing:
            new = dict(zip(missing, self._terms.scores([fold_digits(t) for t in missing])))
            found.update(new)
            self._remember(self._text_memory, new)
        return np.array([found[t] for t in texts])

    def _layout(self, ctxs: Sequence[Context]) -> np.ndarray:
        # The context as a whole is the key: repeated pages repeat whole contexts.
        found, missing = _recall(self._layout_memory, ctxs)
        if missing:
            new = {c: layout_vector(c) for c in missing}
            found.update(new)
            self._remember(self._layout_memory, new)
        return np.array([found[c] for c in ctxs], dtype=np.float64)

    def decision_function(self, ctxs: Sequence[Context]) -> np.ndarray:
        """Raw class scores (before temperature and softmax), one row per context."""
        out = np.tile(self.intercept.astype(np.float64), (len(ctxs), 1))
        if not len(ctxs):
            return out
        if self.words is not None or self.chars is not None:
            out += self._term_scores([c.text for c in ctxs])
        if self.layout_weights is not None:
            dense = self._layout(ctxs)
            out += ((dense - self.layout_mean) / self.layout_scale) @ self.layout_weights
        return out

    def prepare(self) -> ParagraphClassifier:
        """Build the look-up tables and load the segmenter now (say, before forking workers)."""
        self.classify(["招商"])
        return self

    def predict_proba(self, ctxs: Sequence[Context]) -> np.ndarray:
        """Calibrated probabilities, columns in ``labels`` order."""
        z = self.decision_function(ctxs) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def _predictions(self, proba: np.ndarray) -> list[Prediction]:
        labels = self.labels
        best = proba.argmax(axis=1).tolist()
        return [
            Prediction(label=labels[b], scores=dict(zip(labels, row))) for b, row in zip(best, proba.tolist())
        ]

    def classify(self, lines: Sequence[str], *, span: tuple[int, int] | None = None) -> list[Prediction]:
        """Label the paragraphs of one article (its non-empty lines, in order; one prediction
        per line given), reading each in context; ``span=(start, stop)`` labels only those lines."""
        ctxs = contexts(lines)
        return self._predictions(self.predict_proba(ctxs if span is None else ctxs[span[0] : span[1]]))

    def classify_many(self, articles: Iterable[Sequence[str]]) -> list[list[Prediction]]:
        """``classify`` for several articles in one batch (faster when articles are short)."""
        per_article = [contexts(lines) for lines in articles]
        predictions = self._predictions(self.predict_proba([c for ctxs in per_article for c in ctxs]))
        out: list[list[Prediction]] = []
        start = 0
        for ctxs in per_article:
            out.append(predictions[start : start + len(ctxs)])
            start += len(ctxs)
        return out
