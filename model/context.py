"""The article around a paragraph: what the rest of the page is about.

On real pages many paragraphs carry their topic only through the article they
stand in: a construction-site scene in a story about a signed project, a
worker's quote in a story about dormitories, a visit in a story about solving
firms' problems. Read alone, their words say `other`. The rest of the article
says which topic they serve.

The paragraph model's probabilities are kept as they are, and each topic's
calibrated score is raised by ``weight`` times that topic's share among the
*other* content paragraphs of the article (each counted by how likely it is
to be content rather than furniture). Spam and `other` scores are never
raised, so the article can move a paragraph toward a topic, never toward
furniture; a paragraph alone (no other content) is left exactly as its text
says. The weight was judged on real pages of unseen sites (README, "What
moved real-page quality").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .labels import OTHER, SPAM

__all__ = ["article_shares", "in_article", "in_articles", "softmax", "topic_columns"]


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores (shifted by the row maximum, so large scores cannot overflow)."""
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def topic_columns(labels: Sequence[str]) -> list[int]:
    """The columns of the labels an article's context can raise: every label but spam and other."""
    return [i for i, label in enumerate(labels) if label not in (SPAM, OTHER)]


def article_shares(proba: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """For each paragraph, the topic shares of the rest of its article (zeros where there is no rest).

    ``proba`` holds the context-free probabilities of one article's paragraphs, in
    ``labels`` order. The result has the same shape; only topic columns are non-zero.
    """
    shares = np.zeros_like(proba)
    topics = topic_columns(labels)
    if len(proba) < 2 or not topics:
        return shares
    # How much each paragraph counts: its probability of being content, not furniture.
    content = 1.0 - proba[:, labels.index(SPAM)] if SPAM in labels else np.ones(len(proba))
    mass = proba[:, topics] * content[:, None]
    rest_mass = mass.sum(axis=0) - mass
    rest_weight = content.sum() - content
    # Half a paragraph of content or less around it: too little to say what the article is about.
    has_rest = rest_weight > 0.5
    shares[np.ix_(has_rest, topics)] = rest_mass[has_rest] / rest_weight[has_rest, None]
    return shares


def in_article(z: np.ndarray, labels: Sequence[str], weight: float) -> np.ndarray:
    """Probabilities of one article's paragraphs from their calibrated scores ``z``, each
    pulled by ``weight`` × the topic shares of the rest of the article (0: read alone)."""
    proba = softmax(z)
    if not weight or len(z) < 2:
        return proba
    return softmax(z + weight * article_shares(proba, labels))


def in_articles(z: np.ndarray, sizes: Sequence[int], labels: Sequence[str], weight: float) -> np.ndarray:
    """``in_article`` for consecutive articles of ``sizes`` paragraphs, stacked in ``z``'s rows.

    All articles at once, with the same floating-point operations as ``in_article`` on each
    (numpy's calls per article were a twentieth of classifying new text): softmax and the
    shares work row by row; only the two sums over an article's rows stay one call per
    article, each the call ``article_shares`` makes (numpy adds a column's rows in order but
    a vector pairwise, and no batched call, ``reduceat`` included, adds either way). Tests
    compare both to the last bit.
    """
    proba = softmax(z)
    topics = topic_columns(labels)
    if not weight or not topics or not len(z):
        return proba
    ends = np.cumsum(sizes)
    starts = ends - np.asarray(sizes, dtype=ends.dtype)
    content = 1.0 - proba[:, labels.index(SPAM)] if SPAM in labels else np.ones(len(proba))
    mass = proba[:, topics] * content[:, None]
    pulled = np.repeat(np.asarray(sizes) >= 2, sizes)  # in_article leaves a lone paragraph as it is
    article = np.repeat(np.arange(len(sizes)), sizes)
    bounds = list(zip(starts.tolist(), ends.tolist()))
    mass_sums = np.array([mass[a:b].sum(axis=0) for a, b in bounds]).reshape(len(sizes), len(topics))
    content_sums = np.array([content[a:b].sum() for a, b in bounds])
    rest_mass = mass_sums[article] - mass
    rest_weight = content_sums[article] - content
    has_rest = (rest_weight > 0.5) & pulled
    shares = np.zeros_like(proba)
    shares[np.ix_(has_rest, np.array(topics))] = rest_mass[has_rest] / rest_weight[has_rest, None]
    return softmax(z + weight * shares)
