"""Scoring a saved model on labeled data, article by article."""

from __future__ import annotations

import numpy as np

from parknews.model.classifier import ParagraphClassifier
from parknews.model.errors import DataError
from parknews.model.features import contexts

from .dataset import Dataset
from .metrics import Report, report

__all__ = ["evaluate_model"]


def evaluate_model(model: ParagraphClassifier, dataset: Dataset) -> Report:
    """Classify each article's lines in context and score them against their labels."""
    unknown = sorted(set(dataset.label_counts()) - set(model.labels))
    if unknown:
        raise DataError(f"the data uses labels the model does not know: {', '.join(unknown)}")
    truth: list[str] = []
    predicted: list[str] = []
    probas: list[np.ndarray] = []
    for article in dataset.articles:
        proba = model.article_proba(contexts(article.lines))
        probas.append(proba)
        truth.extend(article.labels)
        predicted.extend(model.labels[i] for i in proba.argmax(axis=1))
    return report(truth, predicted, labels=model.labels, proba=np.vstack(probas) if probas else None)
