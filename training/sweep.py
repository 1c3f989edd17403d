"""The sweeps that chose the summarizer's settings (``parknews evaluate-summaries --sweep``).

``sweep`` scores every setting of a grid on the gold summaries; ``split_sweep`` checks
that choice honestly: settings chosen on one half of the articles (by group, so script
variants stay on one side) are scored on the other half.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parknews.model.classifier import ParagraphClassifier
from parknews.model.summarize import Summarizer

from .baselines import Chosen
from .dataset import Article, Dataset, group_of
from .summaries import (
    Scores,
    SummaryReport,
    predicted_labels,
    run_summarizer,
    score_chosen,
    summary_report,
    without_gold,
)

__all__ = ["DEFAULT_SWEEP", "SplitReport", "split_sweep", "sweep"]


# 192 settings: about two minutes on one core. Each cue is tried on and off
# or at two strengths; the defaults of ``Summarizer`` are the best on all gold.
DEFAULT_SWEEP: dict[str, tuple[Any, ...]] = {
    "similarity": ("overlap", "tfidf", "bm25"),
    "position_weight": (1.0, 2.0),
    "lead_weight": (0.0, 0.5),
    "figure_weight": (0.5, 1.0),
    "title_weight": (0.0, 1.0),
    "other_weight": (1.0, 0.5),
    "mmr_lambda": (1.0, 0.7),
}


def _grid(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    names = list(space)
    return [dict(zip(names, values)) for values in itertools.product(*(space[n] for n in names))]


def sweep(
    articles: Sequence[Article],
    gold: Mapping[str, Sequence[str]],
    predicted: Mapping[str, Sequence[str]],
    *,
    space: Mapping[str, Sequence[Any]] = DEFAULT_SWEEP,
    sentences: int = 3,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[dict[str, Any], Scores]]:
    """Score every setting of ``space`` on ``articles`` (those with gold), best mean ROUGE first."""
    scored = [a for a in articles if a.doc in gold]
    by_doc = {a.doc: a for a in scored}
    settings = _grid(space)
    results = []
    for k, params in enumerate(settings, 1):
        if progress:
            progress(f"setting {k}/{len(settings)}")
        run = run_summarizer(Summarizer(**params), sentences)
        chosen = {a.doc: run(a.lines, predicted[a.doc]) for a in scored}
        results.append((params, score_chosen(chosen, by_doc, gold)))
    results.sort(key=lambda r: -r[1].mean)
    return results


@dataclass(frozen=True)
class SplitReport:
    """Two-fold grouped check of the sweep: settings chosen on one half, scored on the other.

    ``chosen[h]`` was picked on half ``h``; in ``held_out`` each article is
    summarized with the settings chosen on the half it is not in.
    """

    chosen: tuple[dict[str, Any], dict[str, Any]]
    held_out: SummaryReport
    whole: list[tuple[dict[str, Any], Scores]] = field(repr=False)


def _half(doc: str) -> int:
    # A stable hash of the article group, so script variants stay on one side.
    return hashlib.sha256(group_of(doc).encode()).digest()[0] % 2


def split_sweep(
    model: ParagraphClassifier,
    dataset: Dataset,
    gold: Mapping[str, Sequence[str]],
    *,
    space: Mapping[str, Sequence[Any]] = DEFAULT_SWEEP,
    sentences: int = 3,
    progress: Callable[[str], None] | None = None,
) -> SplitReport:
    """Sweep each half of the articles (by group), score each half with the other's choice.

    ``whole`` ranks the settings on all articles; scores there are in-sample.
    """
    articles = {a.doc: a for a in dataset.articles if a.doc in gold}
    predicted = predicted_labels(model, articles.values())
    halves = [[a for a in articles.values() if _half(a.doc) == h] for h in (0, 1)]
    ranked: list[dict[tuple[tuple[str, Any], ...], Scores]] = [{}, {}]
    settings = _grid(space)
    for k, params in enumerate(settings, 1):
        if progress:
            progress(f"setting {k}/{len(settings)}")
        run = run_summarizer(Summarizer(**params), sentences)
        for h, half in enumerate(halves):
            chosen = {a.doc: run(a.lines, predicted[a.doc]) for a in half}
            ranked[h][tuple(params.items())] = score_chosen(chosen, {a.doc: a for a in half}, gold)
    best = tuple(dict(max(r.items(), key=lambda item: item[1].mean)[0]) for r in ranked)
    held_out: dict[str, Chosen] = {}
    for h, half in enumerate(halves):
        run = run_summarizer(Summarizer(**best[1 - h]), sentences)
        held_out.update({a.doc: run(a.lines, predicted[a.doc]) for a in half})
    # Both halves together are the whole set: their mean weighted by articles ranks the settings on it.
    whole = []
    for key in ranked[0]:
        a, b = ranked[0][key], ranked[1][key]
        n = a.docs + b.docs
        whole.append(
            (
                dict(key),
                Scores(
                    (a.rouge1 * a.docs + b.rouge1 * b.docs) / n,
                    (a.rouge2 * a.docs + b.rouge2 * b.docs) / n,
                    (a.rougeL * a.docs + b.rougeL * b.docs) / n,
                    a.spam + b.spam,
                    n,
                    a.sentences + b.sentences,
                ),
            )
        )
    whole.sort(key=lambda r: -r[1].mean)
    report = summary_report(articles, gold, held_out, sentences, without_gold(dataset, articles))
    return SplitReport((best[0], best[1]), report, whole)
