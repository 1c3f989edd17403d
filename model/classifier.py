"""The paragraph classifier as it runs in production: arrays and vocabularies, no scikit-learn.

Training fits a scikit-learn pipeline (``training.fit``) and exports it to
this form; ``predict_proba`` reproduces the pipeline's probabilities exactly
(TF-IDF with sublinear tf and l2 rows, standardized layout cues, a
multinomial logistic regression, then one temperature for calibration).

Inference is batched so that crawls of millions of paragraphs stay cheap.
All paragraphs of a call become one table of (row, column, count) built with
numpy, both TF-IDF blocks in one column space (``terms``). Term
scores depend on a paragraph's text alone and layout cues on its context, so
each is computed once per distinct text (context) and, up to ``text_cache``
of them, remembered across calls: crawled pages repeat the same furniture
lines over and over. The results are the same with or without the memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .context import article_shares, in_article, in_articles, softmax
from .features import (
    MAX_FEATURE_CHARS,
    Context,
    contexts,
    fold_digits,
    layout_key,
    layout_matrix,
    layout_vector,
)
from .kernel import load_kernel, load_token_kernel
from .labels import LABELS
from .memory import recall, remember
from .segment import requested_backend
from .terms import SavedTables, Terms

__all__ = ["LABELS", "ParagraphClassifier", "Prediction", "ScoreRow", "TermBlock", "score_dict", "softmax"]


@dataclass(frozen=True)
class TermBlock:
    """One TF-IDF block: its terms (column order), idf weights and the rows of the coefficient matrix."""

    terms: Sequence[str]  # a tuple, or the ``JoinedTerms`` of a loaded model
    idf: np.ndarray
    weights: np.ndarray  # (n_terms, n_labels)
    # The look-up tables a model folder stores for these terms (``store``); None: built from the terms.
    tables: SavedTables | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_vocabulary(cls, vocabulary: dict[str, int], idf: np.ndarray, weights: np.ndarray) -> TermBlock:
        """The block of a ``{term: column}`` mapping (scikit-learn's ``vocabulary_``)."""
        terms = [""] * len(vocabulary)
        for term, column in vocabulary.items():
            terms[column] = term
        return cls(terms=tuple(terms), idf=idf, weights=weights)

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """``{term: column}``. Built on first use: classifying reads ``terms`` (``terms.Terms``),
        and a dict of 250,000 terms is a tenth of the cold start."""
        return dict(zip(self.terms, range(len(self.terms))))

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


def _batches(texts: list[str], chars: int = 25_000, count: int = 2048) -> Iterator[list[str]]:
    """``texts`` in consecutive runs of about ``chars`` characters or ``count`` texts: the arrays
    of one call stay small (in the CPU caches, mostly) whatever the size of the article. Scoring
    takes about 500 bytes of transient arrays per character: 100,000 characters a call made
    it the peak of classifying a long article (50 MB); 25,000 cost no measurable speed."""
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += min(len(text), MAX_FEATURE_CHARS)
        if size >= chars or i + 1 - start >= count:
            yield texts[start : i + 1]
            start, size = i + 1, 0
    if start < len(texts):
        yield texts[start:]


class _Ahead:
    """Predictions computed ahead of the ``classify`` calls that take them, one batch at a time.

    If most of a batch is never taken (the caller classifies other lines than it
    announced), batching is switched off rather than computing everything twice.
    """

    def __init__(self) -> None:
        self._waiting: dict[tuple[str, ...], list[Prediction]] = {}
        self._taken = 0
        self._on = True

    def useful(self) -> bool:
        if self._waiting and self._taken < len(self._waiting):
            self._on = False
        return self._on

    def keep(self, batch: list[tuple[str, ...]], predictions: list[list[Prediction]]) -> None:
        self._waiting = dict(zip(batch, predictions))
        self._taken = 0

    def take(self, lines: Sequence[str]) -> list[Prediction] | None:
        if not self._waiting:
            return None
        found = self._waiting.pop(tuple(lines), None)
        if found is not None:
            self._taken += 1
        return found


class ScoreRow(Mapping[str, float]):
    """One paragraph's probabilities, read from the array of its whole article when asked.

    A dict of six floats per paragraph (about 400 bytes) was most of the memory of a
    long labeled article; this is one small object pointing into the shared array.
    """

    __slots__ = ("_labels", "_proba", "_row")

    def __init__(self, labels: tuple[str, ...], proba: np.ndarray, row: int) -> None:
        self._labels, self._proba, self._row = labels, proba, row

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def proba(self) -> np.ndarray:
        """The array of the whole article this row is read from."""
        return self._proba

    @property
    def row(self) -> int:
        return self._row

    def __getitem__(self, label: str) -> float:
        try:
            column = self._labels.index(label)
        except ValueError:
            raise KeyError(label) from None
        return float(self._proba[self._row, column])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __repr__(self) -> str:
        return repr(self.as_dict())

    def as_dict(self) -> dict[str, float]:
        # tolist() gives the floats dict(zip(labels, row)) held before: the same values, bit for bit.
        return dict(zip(self._labels, self._proba[self._row].tolist()))


def score_dict(scores: Mapping[str, float]) -> dict[str, float]:
    """``scores`` as the public ``dict``: a ``ScoreRow`` is expanded, a dict returned as it is."""
    if isinstance(scores, ScoreRow):
        return scores.as_dict()
    return scores if isinstance(scores, dict) else dict(scores)


@dataclass(frozen=True, init=False)
class Prediction:
    """The label of one paragraph and the probability of every label (``scores``, a dict)."""

    label: str
    _scores: Mapping[str, float]

    def __init__(self, label: str, scores: Mapping[str, float]) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "_scores", scores)

    @property
    def scores(self) -> dict[str, float]:
        return score_dict(self._scores)


@dataclass(frozen=True)
class ParagraphClassifier:
    """Labels paragraphs of an article with one of ``labels``.

    ``text_cache`` bounds how many distinct paragraph texts (and contexts) keep
    their computed features between calls; 0 turns that memory off.
    ``context_weight`` is how far the rest of an article pulls a paragraph toward
    the article's topics (``model.context``); 0 reads every paragraph alone.
    """

    labels: tuple[str, ...]
    words: TermBlock | None
    chars: TermBlock | None
    layout_mean: np.ndarray | None
    layout_scale: np.ndarray | None
    layout_weights: np.ndarray | None  # (n_layout, n_labels)
    intercept: np.ndarray
    temperature: float = 1.0
    context_weight: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)
    text_cache: int = field(default=20_000, compare=False)

    def __post_init__(self) -> None:
        # A bad PARKNEWS_SEGMENTER or PARKNEWS_KERNEL fails here, where loading errors are reported.
        requested_backend()
        load_kernel()

    def __getstate__(self) -> dict[str, Any]:
        # Look-up tables and memories are rebuilt where the model lands.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    @cached_property
    def _terms(self) -> Terms:
        return Terms(self.words, self.chars, len(self.intercept))

    def saved_tables(self) -> dict[str, dict[str, np.ndarray]]:
        """Each TF-IDF block's look-up tables as integer arrays, for ``save_model`` to store."""
        return self._terms.saved()

    @cached_property
    def _text_memory(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def _layout_memory(self) -> dict[Any, list[float]]:
        return {}

    @cached_property
    def _ahead(self) -> _Ahead:
        return _Ahead()

    def _term_scores(self, texts: list[str]) -> np.ndarray:
        """Both TF-IDF blocks' share of the class scores, one row per text."""
        found, missing = recall(self._text_memory, texts)
        if missing:
            new: dict[str, np.ndarray] = {}
            for batch in _batches(missing):
                new.update(zip(batch, self._terms.scores([fold_digits(t) for t in batch])))
            found.update(new)
            remember(self._text_memory, new, self.text_cache)
        return np.array([found[t] for t in texts])

    def _layout(self, ctxs: Sequence[Context]) -> np.ndarray:
        scans = load_token_kernel()
        if scans is not None:  # compiled, the cues cost less than remembering them
            return layout_matrix(ctxs, scans)
        # Keyed by what layout_vector reads, so repeated furniture is computed once.
        keys = [layout_key(c) for c in ctxs]
        found, missing = recall(self._layout_memory, keys)
        if missing:
            wanted = set(missing)
            new = {k: layout_vector(c) for k, c in zip(keys, ctxs) if k in wanted}
            found.update(new)
            remember(self._layout_memory, new, self.text_cache)
        return np.array([found[k] for k in keys], dtype=np.float64)

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
        """Calibrated probabilities of each paragraph read alone, columns in ``labels`` order."""
        return softmax(self.decision_function(ctxs) / self.temperature)

    def article_proba(self, ctxs: Sequence[Context]) -> np.ndarray:
        """Calibrated probabilities of the paragraphs of one article, each read with the rest of it."""
        return in_article(self.decision_function(ctxs) / self.temperature, self.labels, self.context_weight)

    def context_offsets(self, proba: np.ndarray) -> np.ndarray:
        """What the rest of the article adds to each paragraph's calibrated scores, given the
        article's context-free probabilities ``proba`` (zeros when the weight is 0)."""
        if not self.context_weight:
            return np.zeros_like(proba)
        return self.context_weight * article_shares(proba, self.labels)

    def _predictions(self, proba: np.ndarray) -> list[Prediction]:
        labels = self.labels
        best = proba.argmax(axis=1).tolist()
        # Each prediction reads its row of the article's array: no dict per paragraph until asked.
        proba = np.ascontiguousarray(proba)
        return [Prediction(labels[b], ScoreRow(labels, proba, i)) for i, b in enumerate(best)]

    def classify(self, lines: Sequence[str], *, span: tuple[int, int] | None = None) -> list[Prediction]:
        """Label the paragraphs of one article (its non-empty lines, in order; one prediction
        per line given), reading each in context; ``span=(start, stop)`` labels only those lines."""
        predictions = self._ahead.take(lines)
        if predictions is None:
            proba = self.article_proba(contexts(lines))
            return self._predictions(proba if span is None else proba[span[0] : span[1]])
        return predictions if span is None else predictions[span[0] : span[1]]

    def classify_ahead(self, articles: Iterable[Sequence[str]]) -> None:
        """Label these articles now, in one batch; the next ``classify`` of each returns that result.

        For callers that hand articles over one at a time (``parknews classify`` reading
        files): numpy's fixed cost per call is then paid per batch, not per article.
        The predictions are the ones ``classify`` computes; only the time changes.
        """
        ahead = self._ahead
        if ahead.useful():
            batch = [tuple(lines) for lines in articles]
            ahead.keep(batch, self.classify_many(batch))

    def classify_many(self, articles: Iterable[Sequence[str]]) -> list[list[Prediction]]:
        """``classify`` for several articles in one batch (faster when articles are short)."""
        per_article = [contexts(lines) for lines in articles]
        sizes = [len(ctxs) for ctxs in per_article]
        z = self.decision_function([c for ctxs in per_article for c in ctxs]) / self.temperature
        proba = in_articles(z, sizes, self.labels, self.context_weight)
        out: list[list[Prediction]] = []
        start = 0
        for size in sizes:
            out.append(self._predictions(proba[start : start + size]))
            start += size
        return out
