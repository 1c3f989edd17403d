"""Why a paragraph got its label: the model's score split into one term per feature.

The exported classifier is linear before its softmax: the score of label ``k``
is ``intercept[k] + Σ value_f · W[f, k]`` over the features ``f`` of every
block (TF-IDF terms of each term block, standardized layout cues). The gap
between the label and the runner-up is therefore exactly

    (intercept[label] − intercept[runner_up]) + Σ value_f · (W[f, label] − W[f, runner_up])

and each summand is one feature's push toward the label (positive) or toward the
runner-up (negative). Probabilities divide the scores by the model's
temperature first, which scales every push alike.

The split is computed from the exported arrays the way ``TermBlock.scores`` and
``ParagraphClassifier.decision_function`` compute the scores, block by block,
over whatever blocks the model has; a term block whose terms this module cannot
list (a block added to the model later) shows as ``unexplained``, so the parts
always add up to the real gap and a test notices when they stop covering it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import features
from .classifier import ParagraphClassifier, TermBlock, softmax

__all__ = ["Contribution", "Explanation", "explain", "explanation_record"]


@dataclass(frozen=True)
class Contribution:
    """One feature's push: ``value × weight``, positive toward the label, negative toward the other.

    ``value`` is the feature as the model reads it (a term's l2-normalized TF-IDF weight,
    a cue's standardized value); ``raw`` the term's count or the cue's own value.
    """

    block: str
    feature: str
    raw: float
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """The label of one paragraph against another, and the features that decided between them."""

    paragraph: int
    text: str
    label: str
    against: str
    probability: float
    against_probability: float
    gap: float  # score[label] − score[against], before the temperature
    intercept: float  # the intercepts' share of the gap
    temperature: float
    contributions: tuple[Contribution, ...]  # every feature present, strongest push toward the label first
    unexplained: float = 0.0  # blocks this module cannot list; 0 for the blocks it knows

    def toward(self, top: int = 10) -> list[Contribution]:
        """The features that pushed most toward ``label``."""
        return [c for c in self.contributions if c.contribution > 0][:top]

    def away(self, top: int = 10) -> list[Contribution]:
        """The features that pushed most toward ``against``."""
        return [c for c in reversed(self.contributions) if c.contribution < 0][:top]


def _term_function(name: str) -> Callable[[features.Context], list[str]] | None:
    # "words" → word_terms, "chars" → char_terms: the functions the block was fitted on.
    return getattr(features, f"{name.removesuffix('s')}_terms", None)


def _term_contributions(
    name: str, block: TermBlock, terms: list[str], diff: np.ndarray
) -> list[Contribution]:
    """The block's share of the gap, term by term (the computation of ``TermBlock.scores``)."""
    counts = Counter(t for t in terms if t in block.vocabulary)
    if not counts:
        return []
    index = np.fromiter((block.vocabulary[t] for t in counts), dtype=np.intp, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    values = (np.log(tf) + 1.0) * block.idf[index]
    values /= np.sqrt(np.dot(values, values))
    weights = block.weights[index] @ diff
    return [
        Contribution(name, term, float(count), float(v), float(w), float(v * w))
        for term, count, v, w in zip(counts, tf, values, weights)
    ]


def _layout_contributions(
    model: ParagraphClassifier, ctx: features.Context, diff: np.ndarray
) -> list[Contribution]:
    weights = getattr(model, "layout_weights", None)
    if weights is None or model.layout_mean is None or model.layout_scale is None:
        return []
    raw = np.asarray(features.layout_vector(ctx), dtype=np.float64)
    values = (raw - model.layout_mean) / model.layout_scale
    names = (
        features.LAYOUT_NAMES
        if len(features.LAYOUT_NAMES) == len(raw)
        else [f"cue {i}" for i in range(len(raw))]
    )
    pushes = weights @ diff
    return [
        Contribution("layout", name, float(r), float(v), float(w), float(v * w))
        for name, r, v, w in zip(names, raw, values, pushes)
        if v * w != 0.0
    ]


def _article_contributions(labels: Sequence[str], pull: np.ndarray, diff: np.ndarray) -> list[Contribution]:
    # The value is the pull itself (score units); the weight, ±1, says whose side it takes.
    pulls = pull.tolist()
    return [
        Contribution("article", f"{labels[k]} in the rest of the article", p, p, d, p * d)
        for k, (p, d) in enumerate(zip(pulls, diff.tolist()))
        if d and p
    ]


def explain(
    model: ParagraphClassifier, lines: Sequence[str], paragraph: int, *, against: str | None = None
) -> Explanation:
    """Explain the label of ``lines[paragraph]`` (an article's non-empty lines, read in context)
    against ``against`` (by default the runner-up label)."""
    if not 0 <= paragraph < len(lines):
        raise IndexError(f"paragraph {paragraph} is not among the article's {len(lines)} paragraphs")
    ctxs = features.contexts(lines)
    ctx = ctxs[paragraph]
    raw = model.decision_function(ctxs)
    # The article's pull is added to the calibrated scores; in score units it is that times T.
    pull = model.context_offsets(softmax(raw / model.temperature))[paragraph] * model.temperature
    scores = raw[paragraph] + pull
    proba = softmax(scores[None, :] / model.temperature)[0]
    labels = list(model.labels)
    order = np.argsort(-proba, kind="stable")
    best = int(order[0])
    if against is None:
        other = int(order[1])
    elif against in labels and against != labels[best]:
        other = labels.index(against)
    else:
        raise ValueError(f"cannot explain {labels[best]} against {against}: pick another label of the model")
    diff = np.zeros(len(labels))
    diff[best], diff[other] = 1.0, -1.0
    parts: list[Contribution] = []
    for field in dataclasses.fields(model):
        block = getattr(model, field.name)
        if not isinstance(block, TermBlock):
            continue
        terms_of = _term_function(field.name)
        if terms_of is None:
            continue
        parts += _term_contributions(field.name, block, terms_of(ctx), diff)
    parts += _layout_contributions(model, ctx, diff)
    parts += _article_contributions(model.labels, pull, diff)
    intercept = float(model.intercept[best] - model.intercept[other])
    gap = float(scores[best] - scores[other])
    unexplained_blocks = gap - intercept - sum(p.contribution for p in parts)
    parts.sort(key=lambda p: -p.contribution)
    return Explanation(
        paragraph=paragraph,
        text=lines[paragraph],
        label=labels[best],
        against=labels[other],
        probability=float(proba[best]),
        against_probability=float(proba[other]),
        gap=gap,
        intercept=intercept,
        temperature=float(model.temperature),
        contributions=tuple(parts),
        unexplained=unexplained_blocks if abs(unexplained_blocks) > 1e-9 else 0.0,
    )


def _contribution_record(c: Contribution) -> dict[str, Any]:
    return {
        "block": c.block,
        "feature": c.feature,
        "raw": round(c.raw, 6),
        "value": round(c.value, 6),
        "weight": round(c.weight, 6),
        "contribution": round(c.contribution, 6),
    }


def explanation_record(explanation: Explanation, *, top: int | None = 10) -> dict[str, Any]:
    """The JSON form of an explanation: the gap, its parts and the ``top`` features each way
    (``top=None``: every feature present)."""
    e = explanation
    toward = e.toward(top) if top is not None else [c for c in e.contributions if c.contribution > 0]
    away = e.away(top) if top is not None else [c for c in reversed(e.contributions) if c.contribution < 0]
    by_block: dict[str, float] = {}
    for c in e.contributions:
        by_block[c.block] = by_block.get(c.block, 0.0) + c.contribution
    return {
        "paragraph": e.paragraph,
        "text": e.text,
        "label": e.label,
        "against": e.against,
        "probability": round(e.probability, 6),
        "against_probability": round(e.against_probability, 6),
        "gap": round(e.gap, 6),
        "temperature": round(e.temperature, 6),
        "intercept": round(e.intercept, 6),
        "blocks": {k: round(v, 6) for k, v in by_block.items()},
        "unexplained": round(e.unexplained, 6),
        "toward": [_contribution_record(c) for c in toward],
        "away": [_contribution_record(c) for c in away],
    }
