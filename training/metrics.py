"""Classification report: per-class precision/recall/F1, macro-F1, confusion matrix, calibration.

The counts are scikit-learn's (``sklearn.metrics``; training depends on it anyway). The
expected calibration error is ours: scikit-learn has no ECE (``calibration_curve`` gives
the bins, not their weighted gap). Macro-F1 averages the labels present in the truth.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ClassScores", "Report", "page_bootstrap", "report"]


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    labels: tuple[str, ...]
    per_class: dict[str, ClassScores]
    macro_f1: float
    accuracy: float
    confusion: np.ndarray  # rows: true label, columns: predicted label
    n: int
    ece: float | None = None  # expected calibration error of the top label, 10 bins

    def as_dict(self) -> dict[str, Any]:
        return {
            "paragraphs": self.n,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "ece": None if self.ece is None else round(self.ece, 4),
            "per_class": {
                label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for label, s in self.per_class.items()
            },
            "confusion": {"labels": list(self.labels), "matrix": self.confusion.tolist()},
        }


def _ece(proba: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    confidence = proba.max(axis=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (confidence > lo) & (confidence <= hi)
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(total)


def report(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    *,
    labels: Sequence[str],
    proba: np.ndarray | None = None,
) -> Report:
    """Score predictions; ``labels`` fixes the row/column order (macro-F1 over labels present in truth)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = tuple(labels)
    unknown = sorted((set(y_true) | set(y_pred)) - set(labels))
    if unknown:
        raise ValueError(f"labels not in the label set: {', '.join(unknown)}")
    n = len(y_true)
    confusion = (
        confusion_matrix(y_true, y_pred, labels=list(labels)).astype(np.int64)
        if n
        else np.zeros((len(labels), len(labels)), dtype=np.int64)
    )
    per_class: dict[str, ClassScores] = {}
    if n:
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=list(labels), zero_division=0.0
        )
        for i, label in enumerate(labels):
            per_class[label] = ClassScores(
                float(precision[i]), float(recall[i]), float(f1[i]), int(support[i])
            )
    else:
        per_class = {label: ClassScores(0.0, 0.0, 0.0, 0) for label in labels}
    present = [s.f1 for s in per_class.values() if s.support]
    correct = np.array([t == p for t, p in zip(y_true, y_pred)])
    return Report(
        labels=labels,
        per_class=per_class,
        macro_f1=float(np.mean(present)) if present else 0.0,
        accuracy=float(np.trace(confusion) / n) if n else 0.0,
        confusion=confusion,
        n=n,
        ece=_ece(proba, correct) if proba is not None and n else None,
    )


def page_bootstrap(
    y_true: Sequence[str],
    systems: Sequence[Sequence[str]],
    pages: Sequence[str],
    *,
    labels: Sequence[str],
    rounds: int = 2000,
    seed: int = 0,
) -> np.ndarray:
    """Macro-F1 of each system's predictions on ``rounds`` resamples of whole pages.

    Paragraphs of one page are not independent (a page's furniture and topic come
    together), so the resampling unit is the page, and every system is scored on the
    same resamples: the difference of two rows is a paired comparison. Returns an
    array of shape (systems, rounds).
    """
    labels = tuple(labels)
    index = {label: i for i, label in enumerate(labels)}
    page_ids = {page: i for i, page in enumerate(dict.fromkeys(pages))}
    k, n_pages = len(labels), len(page_ids)
    truth = np.array([index[t] for t in y_true])
    where = np.array([page_ids[p] for p in pages])
    draws = np.random.default_rng(seed).integers(0, n_pages, size=(rounds, n_pages))
    # how often each page is drawn in each round: the rounds' confusion matrices are
    # weighted sums of the pages' own, so no paragraph is scored twice
    weight = np.stack([np.bincount(d, minlength=n_pages) for d in draws]).astype(np.float64)
    scores = np.empty((len(systems), rounds))
    for s, predicted in enumerate(systems):
        guess = np.array([index[p] for p in predicted])
        per_page = np.zeros((n_pages, k, k))
        np.add.at(per_page, (where, truth, guess), 1.0)
        confusion = np.tensordot(weight, per_page, axes=1)  # rounds × true × predicted
        hits = np.diagonal(confusion, axis1=1, axis2=2)
        support, called = confusion.sum(axis=2), confusion.sum(axis=1)
        f1 = np.divide(2 * hits, support + called, out=np.zeros_like(hits), where=support + called > 0)
        present = support > 0
        scores[s] = (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)
    return scores
