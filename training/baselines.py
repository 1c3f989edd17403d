"""The baselines the summarizer is scored beside: lead-3 and plain TextRank.

Both read the page as scraped, furniture included, with the summarizer's own sentence
splitter, words and graph, so the comparison differs only in what the baselines lack
(the classifier's labels and the cues).
"""

from __future__ import annotations

from collections.abc import Sequence

from parknews.model.graph import pagerank, similarity_graph
from parknews.model.keywords import content_words
from parknews.model.sentences import sentences_of
from parknews.model.text import normalize

__all__ = ["Chosen", "all_sentences", "lead_summary", "textrank_summary"]

# (paragraph index, original sentence) of each chosen sentence, in document order.
Chosen = list[tuple[int, str]]


def all_sentences(lines: Sequence[str]) -> Chosen:
    return [(p, s) for p, line in enumerate(lines) for s in sentences_of(line)]


def lead_summary(lines: Sequence[str], count: int = 3) -> Chosen:
    """The first ``count`` sentences of the page as scraped, furniture included."""
    return all_sentences(lines)[:count]


def textrank_summary(lines: Sequence[str], count: int = 3) -> Chosen:
    """Plain TextRank (TextRank4ZH): word-overlap graph over every sentence, no cues, no classifier."""
    sentences = all_sentences(lines)
    if not sentences:
        return []
    words = [content_words(normalize(s)) for _, s in sentences]
    graph = similarity_graph(words, kind="overlap", neighbours=None, band=None)
    scores = pagerank(graph)
    top = sorted(sorted(range(len(sentences)), key=lambda i: -scores[i])[:count])
    return [sentences[i] for i in top]
