"""Corpus statistics for ``parknews data stats``: counts per label, source and script."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from parknews.model.errors import DataError

from .dataset import DEFAULT_DATA_DIR, GENERATED, Dataset
from .gold import load_summaries
from .variants import script_of

__all__ = ["Agreement", "CorpusStats", "agreement", "corpus_stats", "load_summaries"]


@dataclass
class CorpusStats:
    articles: Counter[str] = field(default_factory=Counter)  # by source
    paragraphs: Counter[str] = field(default_factory=Counter)  # by source
    labels: Counter[str] = field(default_factory=Counter)  # excluding generated variants
    labels_by_source: dict[str, Counter[str]] = field(default_factory=dict)
    scripts: Counter[str] = field(default_factory=Counter)  # articles by script
    summaries: int = 0
    missing_summaries: list[str] = field(default_factory=list)
    bad_summaries: list[str] = field(default_factory=list)


def corpus_stats(dataset: Dataset, summaries: dict[str, list[str]] | None = None) -> CorpusStats:
    """Count the corpus; generated variants are counted apart from original articles."""
    summaries = load_summaries() if summaries is None else summaries
    stats = CorpusStats()
    for article in dataset.articles:
        stats.articles[article.source] += 1
        stats.paragraphs[article.source] += len(article.records)
        by_source = stats.labels_by_source.setdefault(article.source, Counter())
        by_source.update(article.labels)
        stats.scripts[script_of("".join(article.lines))] += 1
        if article.source == GENERATED:
            continue
        stats.labels.update(article.labels)
        if article.doc not in summaries:
            stats.missing_summaries.append(article.doc)
            continue
        stats.summaries += 1
        for sentence in summaries[article.doc]:
            if not any(sentence in line for line in article.lines):
                stats.bad_summaries.append(f"{article.doc}: {sentence[:20]}")
    return stats


AGREEMENT_DIR = DEFAULT_DATA_DIR.parent / "agreement"


@dataclass
class Agreement:
    n: int
    observed: float
    kappa: float
    disagreements: list[tuple[str, int, str, str, str]]  # doc, index, first, second, text


def agreement(dataset: Dataset, second_path: Path = AGREEMENT_DIR / "second-annotator.jsonl") -> Agreement:
    """Cohen's kappa between the corpus labels and a blind second annotator's."""
    by_doc = {a.doc: a for a in dataset.articles}
    pairs: list[tuple[str, int, str, str, str]] = []
    for number, raw in enumerate(second_path.read_text("utf-8").splitlines(), 1):
        obj = json.loads(raw)
        article = by_doc.get(obj["doc"])
        if article is None or not 0 <= obj["i"] < len(article.records):
            raise DataError(f"{second_path}:{number}: no paragraph {obj['i']} in doc {obj['doc']!r}")
        record = article.records[obj["i"]]
        pairs.append((obj["doc"], obj["i"], record.label, obj["label"], record.text))
    n = len(pairs)
    if not n:
        raise DataError(f"{second_path}: no annotations")
    from sklearn.metrics import cohen_kappa_score

    first, second = [p[2] for p in pairs], [p[3] for p in pairs]
    observed = sum(a == b for a, b in zip(first, second)) / n
    # Both annotators used one label throughout: chance explains all, and they agree fully.
    kappa = float(cohen_kappa_score(first, second)) if len(set(first) | set(second)) > 1 else 1.0
    return Agreement(n, observed, kappa, [p for p in pairs if p[2] != p[3]])
