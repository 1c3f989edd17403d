"""The paragraph classifier as it runs in production: arrays and vocabularies, no scikit-learn.

Training fits a scikit-learn pipeline (``training.fit``) and exports it to
this form; ``predict_proba`` reproduces the pipeline's probabilities exactly
(TF-IDF with sublinear tf and l2 rows, standardized layout cues, a
multinomial logistic regression, then one temperature for calibration).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .features import Context, char_terms, contexts, layout_vector, word_terms

__all__ = ["LABELS", "ParagraphClassifier", "Prediction", "TermBlock"]

LABELS: tuple[str, ...] = ("recruitment", "investment", "talent", "services", "spam", "other")


@dataclass(frozen=True)
class TermBlock:
    """One TF-IDF block: its vocabulary, idf weights and the rows of the coefficient matrix."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (n_terms, n_labels)

    def scores(self, terms: list[str]) -> np.ndarray:
        counts = Counter(t for t in terms if t in self.vocabulary)
        if not counts:
            return np.zeros(self.weights.shape[1])
        index = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (np.log(tf) + 1.0) * self.idf[index]
        values /= np.sqrt(np.dot(values, values))
        return values @ self.weights[index]


@dataclass(frozen=True)
class Prediction:
    """The label of one paragraph and the probability of every label."""

    label: str
    scores: dict[str, float]


@dataclass(frozen=True)
class ParagraphClassifier:
    """Labels paragraphs of an article with one of ``labels``."""

    labels: tuple[str, ...]
    words: TermBlock | None
    chars: TermBlock | None
    layout_mean: np.ndarray | None
    layout_scale: np.ndarray | None
    layout_weights: np.ndarray | None  # (n_layout, n_labels)
    intercept: np.ndarray
    temperature: float = 1.0
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    def decision_function(self, ctxs: Sequence[Context]) -> np.ndarray:
        """Raw class scores (before temperature and softmax), one row per context."""
        out = np.tile(self.intercept, (len(ctxs), 1))
        blocks: list[tuple[TermBlock, Callable[[Context], list[str]]]] = []
        if self.words is not None:
            blocks.append((self.words, word_terms))
        if self.chars is not None:
            blocks.append((self.chars, char_terms))
        for row, ctx in enumerate(ctxs):
            for block, terms in blocks:
                out[row] += block.scores(terms(ctx))
        if self.layout_weights is not None and len(ctxs):
            dense = np.array([layout_vector(c) for c in ctxs], dtype=np.float64)
            out += ((dense - self.layout_mean) / self.layout_scale) @ self.layout_weights
        return out

    def predict_proba(self, ctxs: Sequence[Context]) -> np.ndarray:
        """Calibrated probabilities, columns in ``labels`` order."""
        z = self.decision_function(ctxs) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def classify(self, lines: Sequence[str]) -> list[Prediction]:
        """Label the non-empty lines of one article (in order), reading each in context."""
        proba = self.predict_proba(contexts(lines))
        return [
            Prediction(
                label=self.labels[int(row.argmax())],
                scores={label: float(p) for label, p in zip(self.labels, row)},
            )
            for row in proba
        ]
