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

__all__ = ["ClassScores", "Report", "report"]


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
