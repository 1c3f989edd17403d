"""Scoring summaries against the gold ones, beside lead-3 and plain TextRank.

ROUGE here is character-level, as is usual for Chinese: both sides are
``normalize``d (simplified script, NFKC width folding) and then white space,
punctuation and control characters (Unicode categories Z*, P*, C*) are
dropped; every other character (Han, letter, digit, symbol such as ℃) is one
unit. ROUGE-1/2 count clipped n-gram matches sentence by sentence (no n-gram
crosses a sentence boundary); ROUGE-L is the longest common subsequence of the
two summaries each joined into one sequence. Every figure is an F1, averaged
over the articles that have gold summaries.

All three systems are computed the same way: same sentence splitter
(``model.sentences.sentences_of``), same words, same ROUGE, same count.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parknews.model.classifier import ParagraphClassifier
from parknews.model.errors import DataError
from parknews.model.keywords import content_words
from parknews.model.labels import SPAM
from parknews.model.summarize import Summarizer, pagerank, sentences_of, similarity_graph
from parknews.model.text import normalize

from .dataset import DEFAULT_DATA_DIR, GENERATED, Article, Dataset, group_of

__all__ = [
    "DEFAULT_GOLD",
    "DEFAULT_SWEEP",
    "SYSTEMS",
    "Chosen",
    "Scores",
    "SplitReport",
    "SummaryReport",
    "build_idf",
    "evaluate_summaries",
    "lcs_length",
    "lead_summary",
    "load_gold",
    "rouge",
    "rouge_units",
    "split_sweep",
    "sweep",
    "textrank_summary",
    "write_idf",
]

DEFAULT_GOLD = DEFAULT_DATA_DIR / "summaries.jsonl"
SYSTEMS: tuple[str, ...] = ("parknews", "lead-3", "textrank")

# (paragraph index, original sentence) of each chosen sentence, in document order.
Chosen = list[tuple[int, str]]


def load_gold(path: str | os.PathLike[str], dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """Gold summaries of the articles of ``dataset``, by doc.

    Each sentence must be a substring of one of its article's paragraphs.
    Articles without gold are absent, gold for articles not in ``dataset`` is
    skipped, and every problem is reported at once.
    """
    path = Path(path)
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    articles = {a.doc: a for a in dataset.articles}
    gold: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        doc, sentences = (obj.get("doc"), obj.get("sentences")) if isinstance(obj, dict) else (None, None)
        if not isinstance(doc, str) or not isinstance(sentences, list) or not sentences:
            problems.append(f'{where}: expected {{"doc": str, "sentences": [str, ...]}}')
            continue
        if doc not in articles:
            continue  # gold for articles outside this data (``--data`` names a subset)
        lines_of_doc = articles[doc].lines
        for sentence in sentences:
            if not isinstance(sentence, str) or not any(sentence in line for line in lines_of_doc):
                problems.append(f"{where}: a sentence is not a substring of any paragraph of {doc}")
                break
        else:
            gold[doc] = tuple(sentences)
    if problems:
        more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise DataError("\n".join(problems[:20]) + more)
    if not gold:
        raise DataError(f"{path}: holds no gold summaries for these articles")
    return gold


def rouge_units(text: str) -> str:
    """The characters ROUGE counts: normalized, without white space, punctuation or control characters."""
    return "".join(ch for ch in normalize(text) if unicodedata.category(ch)[0] not in "ZPC")


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): O(len(a)·len(b)/64)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _f1(overlap: float, candidate: float, reference: float) -> float:
    if overlap <= 0 or candidate <= 0 or reference <= 0:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(units: Iterable[str], n: int) -> Counter[str]:
    grams: Counter[str] = Counter()
    for u in units:
        grams.update(u[i : i + n] for i in range(len(u) - n + 1))
    return grams


def rouge(candidate: Sequence[str], reference: Sequence[str]) -> tuple[float, float, float]:
    """Char-level ROUGE-1, ROUGE-2 and ROUGE-L F1 of candidate sentences against reference sentences."""
    cand = [rouge_units(s) for s in candidate]
    ref = [rouge_units(s) for s in reference]
    scores = []
    for n in (1, 2):
        c, r = _ngrams(cand, n), _ngrams(ref, n)
        scores.append(_f1(sum((c & r).values()), sum(c.values()), sum(r.values())))
    joined_c, joined_r = "".join(cand), "".join(ref)
    scores.append(_f1(lcs_length(joined_c, joined_r), len(joined_c), len(joined_r)))
    return scores[0], scores[1], scores[2]


def _all_sentences(lines: Sequence[str]) -> Chosen:
    return [(p, s) for p, line in enumerate(lines) for s in sentences_of(line)]


def lead_summary(lines: Sequence[str], count: int = 3) -> Chosen:
    """The first ``count`` sentences of the page as scraped, furniture included."""
    return _all_sentences(lines)[:count]


def textrank_summary(lines: Sequence[str], count: int = 3) -> Chosen:
    """Plain TextRank (TextRank4ZH): word-overlap graph over every sentence, no cues, no classifier."""
    sentences = _all_sentences(lines)
    if not sentences:
        return []
    words = [content_words(normalize(s)) for _, s in sentences]
    graph = similarity_graph(words, kind="overlap", neighbours=None, band=None)
    scores = pagerank(graph)
    top = sorted(sorted(range(len(sentences)), key=lambda i: -scores[i])[:count])
    return [sentences[i] for i in top]


def _ours(summarizer: Summarizer, count: int) -> Callable[[Sequence[str], Sequence[str]], Chosen]:
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


def _score(
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


def _predicted(model: ParagraphClassifier, articles: Iterable[Article]) -> dict[str, list[str]]:
    return {a.doc: [p.label for p in model.classify(a.lines)] for a in articles}


def _report(
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
    systems = {"parknews": _score(ours, articles, gold)}
    for name, run in baselines.items():
        systems[name] = _score({doc: run(a) for doc, a in articles.items()}, articles, gold)
    return SummaryReport(systems, len(articles), without_gold)


def _without_gold(dataset: Dataset, scored: Mapping[str, Article]) -> int:
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
    labels = predicted if predicted is not None else _predicted(model, articles.values())
    ours = _ours(summarizer or Summarizer(), sentences)
    chosen = {doc: ours(a.lines, labels[doc]) for doc, a in articles.items()}
    return _report(articles, gold, chosen, sentences, _without_gold(dataset, articles))


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
        run = _ours(Summarizer(**params), sentences)
        chosen = {a.doc: run(a.lines, predicted[a.doc]) for a in scored}
        results.append((params, _score(chosen, by_doc, gold)))
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
    predicted = _predicted(model, articles.values())
    halves = [[a for a in articles.values() if _half(a.doc) == h] for h in (0, 1)]
    ranked: list[dict[tuple[str, Any], Scores]] = [{}, {}]
    settings = _grid(space)
    for k, params in enumerate(settings, 1):
        if progress:
            progress(f"setting {k}/{len(settings)}")
        run = _ours(Summarizer(**params), sentences)
        for h, half in enumerate(halves):
            chosen = {a.doc: run(a.lines, predicted[a.doc]) for a in half}
            ranked[h][tuple(params.items())] = _score(chosen, {a.doc: a for a in half}, gold)
    best = tuple(dict(max(r, key=lambda key, r=r: r[key].mean)) for r in ranked)
    held_out: dict[str, Chosen] = {}
    for h, half in enumerate(halves):
        run = _ours(Summarizer(**best[1 - h]), sentences)
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
    report = _report(articles, gold, held_out, sentences, _without_gold(dataset, articles))
    return SplitReport((best[0], best[1]), report, whole)


def build_idf(dataset: Dataset, *, min_df: int = 2) -> dict[str, Any]:
    """The IDF table shipped in ``model/resources/idf.json``: one document per article group.

    Words seen in fewer than ``min_df`` groups are left out and get ``default``
    (the IDF of a word seen once), which keeps the file small.
    """
    groups: dict[str, set[str]] = {}
    for article in dataset.articles:
        words = groups.setdefault(group_of(article.doc), set())
        for line in article.lines:
            words.update(content_words(normalize(line)))
    df: Counter[str] = Counter()
    for words in groups.values():
        df.update(words)
    n = len(groups)

    def idf(count: int) -> float:
        return round(math.log((n + 1) / (count + 1)) + 1.0, 4)

    return {
        "documents": n,
        "default": idf(1),
        "idf": {w: idf(c) for w, c in sorted(df.items()) if c >= min_df},
    }


def write_idf(dataset: Dataset, path: str | os.PathLike[str]) -> Path:
    """Write ``build_idf(dataset)`` as JSON, atomically."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(build_idf(dataset), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    tmp.replace(path)
    return path
