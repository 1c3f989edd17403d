"""Extractive summaries: rank sentences, cut, restore order.

The path is sumy's: every content sentence gets a score, the best ones are
kept (a count or a ratio) and put back in document order. Split as sumy is:
the sentences are ``sentences.py``'s, the graph and its PageRank ``graph.py``'s,
and this file is the summarizer: the score is the TextRank centrality (by
default TextRank's word-overlap edges, which measured better than TF-IDF
cosine and BM25) times cues measured on the gold summaries: position in the
article, stating a figure, similarity to the title, and a penalty for
fragments with no end mark (headings, captions). Redundancy removal (MMR) is
there but off by default: on 2–3-sentence summaries it did not help.

Spam paragraphs (page furniture, as the classifier labels them) are never
candidates."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import SIMILARITIES, SentenceGraph, pagerank, similarity_graph
from .keywords import content_words, idf_table, keywords
from .labels import OTHER, SPAM, TOPICS
from .reader import no_text
from .sentences import ends_sentence, sentences_of
from .text import normalize

if TYPE_CHECKING:
    from .annotate import LabeledArticle

__all__ = [
    "SIMILARITIES",
    "ArticleSummary",
    "SentenceGraph",
    "Summarizer",
    "SummarySentence",
    "pagerank",
    "sentences_of",
    "similarity_graph",
    "summarize_article",
    "summary_record",
]

DEFAULT_SENTENCES = 3

_FIGURE = re.compile(r"\d")
_normalize_uncached = normalize.__wrapped__


@dataclass(frozen=True)
class SummarySentence:
    """A chosen sentence: normalized ``text``, the ``original`` as in the input, its paragraph and score."""

    text: str
    original: str
    paragraph: int
    score: float


@dataclass(frozen=True)
class _Pool:
    """Candidate sentences as (paragraph, sentence within it) numbers, in document order.

    Only numbers are kept for every sentence: on a long page an object and two strings per
    sentence (as in the input and normalized) were a sixth of the summarizer's peak. The
    sentences returned are cut out of their paragraphs again.
    """

    lines: Sequence[str]
    paragraph: np.ndarray
    sentence: np.ndarray

    def __len__(self) -> int:
        return len(self.paragraph)

    def take(self, keep: Sequence[int]) -> _Pool:
        return _Pool(self.lines, self.paragraph[keep], self.sentence[keep])

    def summary_sentence(self, i: int, score: float) -> SummarySentence:
        paragraph = int(self.paragraph[i])
        original = sentences_of(self.lines[paragraph])[int(self.sentence[i])]
        return SummarySentence(normalize(original), original, paragraph, score)


class Summarizer:
    """Key sentences of an article whose paragraphs are labeled.

    Parameters are only stored here; they are checked when used. Defaults are
    the settings the sweep in ``parknews.training.summaries`` chose on the gold
    summaries (see the README).

    similarity: edge weight, one of ``SIMILARITIES``.
    damping: PageRank damping.
    position_weight: boost ``1 + w / (1 + r)`` for a sentence in the r-th body paragraph.
    lead_weight: boost ``1 + w`` for the first sentence of a paragraph.
    figure_weight: boost ``1 + w`` for a sentence that states a figure (has a digit):
        95% of gold summary sentences do, against 56% of the others.
    title_weight: boost ``1 + w × cosine(title, sentence)``; the title is a first
        content paragraph with no end mark.
    other_weight: factor for sentences of ``other`` paragraphs (off-topic content).
    fragment_weight: factor for sentences with no end mark (headings, captions).
    mmr_lambda: MMR trade-off, 1 means no redundancy removal.
    neighbours, band, window: caps of the similarity graph (see ``similarity_graph``).
    """

    def __init__(
        self,
        *,
        similarity: str = "overlap",
        damping: float = 0.85,
        position_weight: float = 2.0,
        lead_weight: float = 0.0,
        figure_weight: float = 1.0,
        title_weight: float = 1.0,
        other_weight: float = 0.5,
        fragment_weight: float = 0.3,
        mmr_lambda: float = 1.0,
        neighbours: int | None = 20,
        band: int | None = 100,
        window: int | None = 1000,
    ) -> None:
        self.similarity = similarity
        self.damping = damping
        self.position_weight = position_weight
        self.lead_weight = lead_weight
        self.figure_weight = figure_weight
        self.title_weight = title_weight
        self.other_weight = other_weight
        self.fragment_weight = fragment_weight
        self.mmr_lambda = mmr_lambda
        self.neighbours = neighbours
        self.band = band
        self.window = window

    def get_params(self) -> dict[str, Any]:
        return dict(vars(self))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Summarizer({params})"

    def _check(self) -> None:
        if self.similarity not in SIMILARITIES:
            raise ValueError(
                f"unknown similarity {self.similarity!r} (expected one of {', '.join(SIMILARITIES)})"
            )
        if not 0.0 < self.damping < 1.0:
            raise ValueError("damping must be between 0 and 1")
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ValueError("mmr_lambda must be between 0 and 1")
        for name in (
            "position_weight",
            "lead_weight",
            "figure_weight",
            "title_weight",
            "other_weight",
            "fragment_weight",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("neighbours", "band", "window"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1 (or None for no cap)")

    def rank(
        self, lines: Sequence[str], labels: Sequence[str], *, topic: str | None = None
    ) -> list[SummarySentence]:
        """Every candidate sentence with its score, in document order.

        Candidates are the sentences of non-spam paragraphs, and with a
        ``topic`` only those of paragraphs labeled ``topic``.
        """
        candidates, scores, _ = self._score(lines, labels, topic)
        return [candidates.summary_sentence(i, float(s)) for i, s in enumerate(scores)]

    def summarize(
        self,
        lines: Sequence[str],
        labels: Sequence[str],
        *,
        sentences: int | None = None,
        ratio: float | None = None,
        topic: str | None = None,
    ) -> list[SummarySentence]:
        """The key sentences of an article, in document order.

        ``lines`` are its paragraphs and ``labels`` their labels. Keep
        ``sentences`` of them (default 3) or a ``ratio`` of the candidates
        (at least one); asking for more than there are returns them all.
        """
        if sentences is not None and ratio is not None:
            raise ValueError("give sentences or ratio, not both")
        if sentences is not None and sentences < 1:
            raise ValueError("sentences must be at least 1")
        if ratio is not None and not 0.0 < ratio <= 1.0:
            raise ValueError("ratio must be in (0, 1]")
        candidates, scores, words = self._score(lines, labels, topic)
        if not candidates:
            return []
        if ratio is not None:
            count = max(1, math.ceil(ratio * len(candidates)))
        else:
            count = sentences if sentences is not None else DEFAULT_SENTENCES
        chosen = self._select(scores, words, min(count, len(candidates)))
        return [candidates.summary_sentence(i, float(scores[i])) for i in sorted(chosen)]

    def _select(self, scores: np.ndarray, words: Sequence[Sequence[str]], count: int) -> list[int]:
        """Rank and cut: the best ``count`` by score, or greedily by MMR against those already taken."""
        if self.mmr_lambda >= 1.0 or count >= len(scores):
            return [int(i) for i in np.argsort(-scores, kind="stable")[:count]]
        # Redundancy is always TF-IDF cosine, whatever the ranking edges, so λ keeps one meaning.
        redundancy = similarity_graph(
            words,
            kind="tfidf",
            idf=idf_table().__getitem__,
            neighbours=self.neighbours,
            band=self.band,
            window=self.window,
        )
        relevance = scores / scores.max() if scores.max() > 0 else scores
        penalty = np.zeros(len(scores))
        available = np.ones(len(scores), dtype=bool)
        order = np.argsort(redundancy.source, kind="stable")
        target, weight = redundancy.target[order], redundancy.weight[order]
        starts = np.searchsorted(redundancy.source[order], np.arange(len(scores) + 1))
        chosen: list[int] = []
        for _ in range(count):
            gain = np.where(
                available, self.mmr_lambda * relevance - (1.0 - self.mmr_lambda) * penalty, -np.inf
            )
            best = int(np.argmax(gain))
            chosen.append(best)
            available[best] = False
            lo, hi = starts[best], starts[best + 1]
            np.maximum.at(penalty, target[lo:hi], weight[lo:hi])
        return chosen

    def _score(
        self, lines: Sequence[str], labels: Sequence[str], topic: str | None
    ) -> tuple[_Pool, np.ndarray, list[tuple[str, ...]]]:
        """Candidates in document order, their scores and their words."""
        self._check()
        if len(lines) != len(labels):
            raise ValueError(f"{len(lines)} lines but {len(labels)} labels")
        if topic == SPAM:
            raise ValueError("spam paragraphs are never summarized")
        if topic is not None and topic not in TOPICS:
            # A misspelt topic would read as an article that says nothing on it.
            raise ValueError(f"unknown topic {topic!r}: expected one of {', '.join(TOPICS)}")
        content = [i for i, label in enumerate(labels) if label != SPAM and lines[i].strip()]
        title: int | None = None
        if len(content) > 1 and not any(ends_sentence(s) for s in sentences_of(lines[content[0]])):
            title = content[0]
        body_rank = {p: r for r, p in enumerate(q for q in content if q != title)}
        paragraph: list[int] = []
        sentence: list[int] = []
        words: list[tuple[str, ...]] = []
        figure: list[bool] = []
        ends: list[bool] = []
        for p in content:
            for k, original in enumerate(sentences_of(lines[p])):
                # Not through normalize's cache: it would keep every sentence of a long page alive.
                text = _normalize_uncached(original)
                paragraph.append(p)
                sentence.append(k)
                words.append(content_words(text))
                figure.append(_FIGURE.search(text) is not None)
                ends.append(ends_sentence(original))
        pool = _Pool(lines, np.array(paragraph, dtype=np.int64), np.array(sentence, dtype=np.int64))
        del sentence
        if not len(pool):
            return pool, np.zeros(0), []
        table = idf_table()
        graph = similarity_graph(
            words,
            kind=self.similarity,
            idf=table.__getitem__,
            neighbours=self.neighbours,
            band=self.band,
            window=self.window,
        )
        # PageRank sums to 1; times n it is 1 for an average sentence whatever the length.
        centrality = pagerank(graph, damping=self.damping) * len(pool)
        title_similarity = self._title_similarity(words, [p == title for p in paragraph], table)

        def cue(values: Iterable[float]) -> np.ndarray:
            return np.fromiter(values, dtype=np.float64, count=len(pool))

        scores = (
            centrality
            * (1.0 + self.position_weight / (1.0 + cue(body_rank.get(p, 0) for p in paragraph)))
            * (1.0 + self.lead_weight * cue(pool.sentence == 0))
            * (1.0 + self.figure_weight * cue(figure))
            * (1.0 + self.title_weight * title_similarity)
            * cue(self.other_weight if labels[p] == OTHER else 1.0 for p in paragraph)
            * cue(1.0 if end else self.fragment_weight for end in ends)
        )
        keep = [i for i, p in enumerate(paragraph) if topic is None or labels[p] == topic]
        return pool.take(keep), scores[keep], [words[i] for i in keep]

    @staticmethod
    def _title_similarity(words: Sequence[Sequence[str]], is_title: Sequence[bool], table: Any) -> np.ndarray:
        title_words = [w for ws, t in zip(words, is_title) if t for w in ws]
        result = np.zeros(len(words))
        if not title_words:
            return result

        def vector(ws: Sequence[str]) -> dict[str, float]:
            counts = Counter(ws)
            v = {w: (1.0 + math.log(c)) * table[w] for w, c in counts.items()}
            norm = math.sqrt(sum(x * x for x in v.values()))
            return {w: x / norm for w, x in v.items()}

        title = vector(title_words)
        for i, (ws, is_t) in enumerate(zip(words, is_title)):
            if ws and not is_t:
                result[i] = sum(x * title.get(w, 0.0) for w, x in vector(ws).items())
        return result


@dataclass(frozen=True)
class ArticleSummary:
    """The summary of one labeled article; ``note`` says why it is empty, when it is."""

    article: LabeledArticle
    sentences: tuple[SummarySentence, ...]
    keywords: tuple[str, ...]
    topic: str | None = None
    note: str | None = None


def summarize_article(
    article: LabeledArticle,
    *,
    summarizer: Summarizer | None = None,
    sentences: int | None = None,
    ratio: float | None = None,
    topic: str | None = None,
    top_keywords: int = 8,
) -> ArticleSummary:
    """Summarize a labeled article and pick its keywords (from the paragraphs summarized)."""
    summarizer = summarizer or Summarizer()
    paras = article.paragraphs
    lines = [p.text for p in paras]
    labels = [p.label for p in paras]
    chosen = summarizer.summarize(lines, labels, sentences=sentences, ratio=ratio, topic=topic)
    source = [normalize(p.text) for p in paras if p.label != SPAM and (topic is None or p.label == topic)]
    words = keywords(source, top=top_keywords)
    note = None
    if not chosen:
        if not paras:
            note = no_text(article.where)
        elif all(p.label == SPAM for p in paras):
            note = f"{article.where}: every paragraph is page furniture (spam); nothing to summarize"
        elif topic is not None:
            note = f"{article.where}: the article says nothing on {topic}"
        else:
            note = f"{article.where}: no sentences to summarize"
    # Shift paragraph numbers to the article's own (they match `parknews classify`).
    shifted = tuple(
        SummarySentence(s.text, s.original, paras[s.paragraph].paragraph, s.score) for s in chosen
    )
    return ArticleSummary(article, shifted, tuple(words), topic, note)


def summary_record(summary: ArticleSummary) -> dict[str, Any]:
    """The public JSONL record of one article's summary.

    ``{"file": str, "summary": [{"text": str, "original": str, "paragraph": int,
    "score": float}, ...], "keywords": [str, ...]}``: ``original`` is the
    sentence exactly as in the input, found in paragraph ``paragraph`` (the
    0-based index among non-empty lines, as in ``parknews classify``); ``text``
    is it normalized; sentences are in document order; ``summary`` is empty
    when the article has nothing to summarize.
    """
    return {
        "file": summary.article.file,
        "summary": [
            {"text": s.text, "original": s.original, "paragraph": s.paragraph, "score": round(s.score, 6)}
            for s in summary.sentences
        ],
        "keywords": list(summary.keywords),
    }
