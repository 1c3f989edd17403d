"""Scoring summaries against the gold ones, beside lead-3 and plain TextRank.

ROUGE is ``rouge.py``'s (char-level F1), the baselines ``baselines.py``'s and the
gold ``gold.py``'s; the sweeps that chose the summarizer's settings are in
``sweep.py``. Every figure is averaged over the articles that have gold summaries.

All three systems are computed the same way: same sentence splitter
(``model.sentences.sentences_of``), same words, same ROUGE, same count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from parknews.model.classifier import ParagraphClassifier
from parknews.model.labels import SPAM
from parknews.model.summarize import Summarizer

from .baselines import Chosen, lead_summary, textrank_summary
from .dataset import GENERATED, Article, Dataset
from .gold import DEFAULT_GOLD, load_gold
from .rouge import rouge

__all__ = [
    "DEFAULT_GOLD",
    "SYSTEMS",
    "Scores",
    "SummaryReport",
    "evaluate_summaries",
    "load_gold",
    "predicted_labels",
    "run_summarizer",
    "score_chosen",
    "summary_report",
    "without_gold",
]

SYSTEMS: tuple[str, ...] = ("parknews", "lead-3", "textrank")


def run_summarizer(summarizer: Summarizer, count: int) -> Callable[[Sequence[str], Sequence[str]], Chosen]:
    def run(lines: Sequence[str], labels: Sequence[str]) -> Chosen:
        return [(s.paragraph, s.original) for s in summarizer.summarize(lines, labels, sentences=count)]

    return run


@dataclass(frozen=True)
class Scores:
    """Mean char-level ROUGE F1 of one system, and how many chosen sentences were gold spam."""

    rouge1: float
    rouge2: float
    rougeL: float
    spam: int
    docs: int
    sentences: int

    @property
    def mean(self) -> float:
        return (self.rouge1 + self.rouge2 + self.rougeL) / 3


@dataclass(frozen=True)
class SummaryReport:
    systems: dict[str, Scores]
    docs: int
    without_gold: int

    def margin(self) -> dict[str, float]:
        """Ours minus the better baseline, per measure."""
        ours = self.systems["parknews"]
        others = [s for name, s in self.systems.items() if name != "parknews"]
        return {
            measure: getattr(ours, measure) - max(getattr(o, measure) for o in others)
            for measure in ("rouge1", "rouge2", "rougeL")
        }


def score_chosen(
    chosen: Mapping[str, Chosen], articles: Mapping[str, Article], gold: Mapping[str, Sequence[str]]
) -> Scores:
    totals = [0.0, 0.0, 0.0]
    spam = sentences = 0
    for doc, picked in chosen.items():
        for i, value in enumerate(rouge([s for _, s in picked], gold[doc])):
            totals[i] += value
        labels = articles[doc].labels
        spam += sum(labels[p] == SPAM for p, _ in picked)
        sentences += len(picked)
    n = max(len(chosen), 1)
    return Scores(totals[0] / n, totals[1] / n, totals[2] / n, spam, len(chosen), sentences)


def predicted_labels(model: ParagraphClassifier, articles: Iterable[Article]) -> dict[str, list[str]]:
    return {a.doc: [p.label for p in model.classify(a.lines)] for a in articles}


def summary_report(
    articles: Mapping[str, Article],
    gold: Mapping[str, Sequence[str]],
    ours: Mapping[str, Chosen],
    sentences: int,
    without_gold: int,
) -> SummaryReport:
    baselines: dict[str, Callable[[Article], Chosen]] = {
        "lead-3": lambda a: lead_summary(a.lines, sentences),
        "textrank": lambda a: textrank_summary(a.lines, sentences),
    }
    systems = {"parknews": score_chosen(ours, articles, gold)}
    for name, run in baselines.items():
        systems[name] = score_chosen({doc: run(a) for doc, a in articles.items()}, articles, gold)
    return SummaryReport(systems, len(articles), without_gold)


def without_gold(dataset: Dataset, scored: Mapping[str, Article]) -> int:
    # Generated script variants are copies of scored articles, not articles without gold.
    originals = sum(a.source != GENERATED for a in dataset.articles)
    return max(0, originals - len(scored))


def evaluate_summaries(
    model: ParagraphClassifier,
    dataset: Dataset,
    gold: Mapping[str, Sequence[str]],
    *,
    summarizer: Summarizer | None = None,
    sentences: int = 3,
    predicted: Mapping[str, Sequence[str]] | None = None,
) -> SummaryReport:
    """Score our summarizer (on the classifier's labels), lead-3 and plain TextRank on the gold summaries."""
    articles = {a.doc: a for a in dataset.articles if a.doc in gold}
    labels = predicted if predicted is not None else predicted_labels(model, articles.values())
    ours = run_summarizer(summarizer or Summarizer(), sentences)
    chosen = {doc: ours(a.lines, labels[doc]) for doc, a in articles.items()}
    return summary_report(articles, gold, chosen, sentences, without_gold(dataset, articles))
