"""The sentence graph and its centrality: the TextRank half of the summarizer.

Edges are one of ``SIMILARITIES`` (TextRank's word overlap, TF-IDF cosine, or BM25 as in
snownlp's TextRank), built through an inverted index: each word links only the ``band``
nearest sentences that share it and each sentence keeps its ``neighbours`` strongest
edges, so cost grows linearly with article length, never as n×n. ``pagerank`` is
weighted PageRank over that graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SIMILARITIES", "SentenceGraph", "pagerank", "similarity_graph"]

SIMILARITIES: tuple[str, ...] = ("tfidf", "bm25", "overlap")
_BM25_K1 = 1.5
_BM25_B = 0.75


@dataclass(frozen=True)
class SentenceGraph:
    """A symmetric weighted graph over ``size`` sentences, as directed edge arrays."""

    size: int
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray

    @property
    def edges(self) -> int:
        """Undirected edges (each is stored once per direction)."""
        return len(self.source) // 2


def _vectors(
    tokens: Sequence[Sequence[str]], kind: str, idf: Callable[[str], float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat (sentence, word id, query value, document value) entries, one per distinct word.

    Written straight into arrays: Python lists of a million floats would cost ten times
    the memory on a long page. Ids are 32-bit (a page has far fewer than 2^31 sentences
    or words); products of ids are taken in 64 bits where they are formed.
    """
    total = sum(len(t) for t in tokens)
    sent = np.empty(total, dtype=np.int32)
    word = np.empty(total, dtype=np.int32)
    query = np.ones(total, dtype=np.float64)
    doc = np.ones(total, dtype=np.float64)
    vocab: dict[str, int] = {}
    lengths = [len(t) for t in tokens]
    average = (sum(lengths) / len(lengths)) if lengths else 0.0
    at = 0
    for i, words in enumerate(tokens):
        counts = Counter(words)
        if not counts:
            continue
        k = len(counts)
        sent[at : at + k] = i
        word[at : at + k] = [vocab.setdefault(w, len(vocab)) for w in counts]
        if kind != "overlap":  # overlap: every value is 1
            tf = np.fromiter(counts.values(), dtype=np.float64, count=k)
            weights = np.fromiter((idf(w) for w in counts), dtype=np.float64, count=k)
            if kind == "tfidf":
                q = (1.0 + np.log(tf)) * weights
                query[at : at + k] = doc[at : at + k] = q / np.sqrt(np.dot(q, q))
            else:  # bm25: this sentence as a query (distinct words) and as a document
                norm = _BM25_K1 * (1.0 - _BM25_B + _BM25_B * lengths[i] / average)
                doc[at : at + k] = weights * tf * (_BM25_K1 + 1.0) / (tf + norm)
        at += k
    return sent[:at], word[:at], query[:at], doc[:at]


def similarity_graph(
    tokens: Sequence[Sequence[str]],
    *,
    kind: str = "tfidf",
    idf: Callable[[str], float] | None = None,
    neighbours: int | None = 20,
    band: int | None = 100,
) -> SentenceGraph:
    """The sentence-similarity graph of one article, built through an inverted index.

    ``kind``: ``tfidf`` (cosine of sublinear TF-IDF vectors), ``bm25`` (the mean
    of both directions' BM25 scores, as snownlp's TextRank) or ``overlap``
    (TextRank's shared words over ``log|a| + log|b|``). A word links each
    sentence to at most ``band`` sentences on either side in its posting list
    and each sentence keeps its ``neighbours`` strongest edges (``None``: no cap).
    Work is O(words × band), so a 5,000-sentence page costs about what fifty
    100-sentence articles do.
    """
    if kind not in SIMILARITIES:
        raise ValueError(f"unknown similarity {kind!r} (expected one of {', '.join(SIMILARITIES)})")
    n = len(tokens)
    idf = idf or (lambda _word: 1.0)
    sent, word, query, doc = _vectors(tokens, kind, idf)
    order = np.lexsort((sent, word))
    # One array at a time: the whole sorted copy beside the unsorted one was the peak.
    sent = sent[order]
    word = word[order]
    query = query[order]
    doc = doc[order]
    del order
    size = np.log(np.maximum(np.array([len(t) for t in tokens], dtype=np.float64), 1.0))
    postings = _Postings(sent, word, query, doc, len(sent) - 1 if band is None else band)
    # Edges are built for a block of source sentences at a time, each block's edges complete
    # (every shared word, both directions) and cut to its neighbours before the next block:
    # memory stays O(block × band + kept edges), not O(words × band) as for all pairs at once.
    kept_keys: list[np.ndarray] = []
    kept_w: list[np.ndarray] = []
    for block in postings.blocks():
        source, target, weight = postings.edges(block)
        if kind == "overlap":
            denominator = size[source] + size[target]
            weight = np.where(
                denominator > 1e-12, weight / np.where(denominator > 1e-12, denominator, 1.0), 0.0
            )
        keep = weight > 0
        source, target, weight = source[keep], target[keep], weight[keep]
        if neighbours is None:
            forward = source < target
            source, target, weight = source[forward], target[forward], weight[forward]
        else:
            # Strongest first; equal weights in the order of the all-pairs construction this
            # replaces: later sentences first, then earlier ones, each in document order.
            order = np.lexsort((target, target < source, -weight, source))
            source, target, weight = source[order], target[order], weight[order]
            first = np.searchsorted(source, source, side="left")
            top = (np.arange(len(source)) - first) < neighbours
            source, target, weight = source[top], target[top], weight[top]
        kept_keys.append(np.minimum(source, target) * n + np.maximum(source, target))
        kept_w.append(weight)
    # The postings are done with: their memory is free for the graph's final arrays.
    del postings, sent, word, query, doc
    if not sum(len(x) for x in kept_keys):
        empty = np.zeros(0, dtype=np.int64)
        return SentenceGraph(n, empty, empty, np.zeros(0))
    # An edge stays when either end keeps it, so the graph stays symmetric.
    keys = np.concatenate(kept_keys)
    del kept_keys
    pair_keys, index = np.unique(keys, return_index=True)
    del keys
    w = np.concatenate(kept_w)[index]
    a, b = pair_keys // n, pair_keys % n
    return SentenceGraph(n, np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w]))


class _Postings:
    """An article's (word, sentence) entries sorted by word then sentence: the posting lists
    side by side, from which sentence pairs sharing a word within ``band`` are read."""

    _PAIRS_PER_BLOCK = 1 << 19

    def __init__(self, sent: np.ndarray, word: np.ndarray, query: np.ndarray, doc: np.ndarray, band: int):
        self.sent, self.word, self.query, self.doc = sent, word, query, doc
        longest = int(np.bincount(word).max()) if len(word) else 0
        self.reach = max(0, min(band, longest - 1))
        # Entries grouped by sentence, so a block of sentences is a slice of this order.
        self.by_sentence = np.argsort(sent, kind="stable")

    def blocks(self) -> Iterator[np.ndarray]:
        """Positions of the entries of consecutive sentence ranges, each with a bounded pair count."""
        if not self.reach:
            return
        step = max(1, self._PAIRS_PER_BLOCK // (2 * self.reach))
        ordered = self.sent[self.by_sentence]
        start = 0
        while start < len(ordered):
            stop = min(len(ordered), start + step)
            # A block ends between sentences: each source sentence's edges are complete in one block.
            stop = int(np.searchsorted(ordered, ordered[stop - 1], side="right"))
            yield np.sort(self.by_sentence[start:stop])
            start = stop

    def edges(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Directed edges (source at ``positions``) with weights summed over the shared words,
        in the order the all-pairs construction sums them (offset by offset), so the sums agree
        to the last bit."""
        sent, word, query, doc = self.sent, self.word, self.query, self.doc
        last = len(sent) - 1
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        wts: list[np.ndarray] = []
        ahead, behind = positions, positions
        for offset in range(1, self.reach + 1):
            ahead = ahead[ahead + offset <= last]
            ahead = ahead[word[ahead + offset] == word[ahead]]
            behind = behind[behind - offset >= 0]
            behind = behind[word[behind - offset] == word[behind]]
            if not len(ahead) and not len(behind):
                break  # posting lists are contiguous: none goes further from these entries
            early, late = ahead, ahead + offset
            src.append(sent[early])
            dst.append(sent[late])
            wts.append((query[early] * doc[late] + query[late] * doc[early]) / 2)
            early, late = behind - offset, behind
            src.append(sent[late])
            dst.append(sent[early])
            wts.append((query[early] * doc[late] + query[late] * doc[early]) / 2)
        if not src:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        n = int(sent.max()) + 1
        pairs = np.concatenate(src).astype(np.int64) * n + np.concatenate(dst)
        keys, inverse = np.unique(pairs, return_inverse=True)
        weight = np.bincount(inverse, weights=np.concatenate(wts))
        return keys // n, keys % n, weight


def pagerank(
    graph: SentenceGraph, *, damping: float = 0.85, tolerance: float = 1e-8, max_iter: int = 200
) -> np.ndarray:
    """Weighted PageRank scores (summing to 1); isolated sentences share the teleport mass."""
    n = graph.size
    if n == 0:
        return np.zeros(0)
    out = np.bincount(graph.source, weights=graph.weight, minlength=n)
    dangling = out <= 0
    share = graph.weight / np.where(out > 0, out, 1.0)[graph.source]
    scores = np.full(n, 1.0 / n)
    flow = np.empty(len(share))  # one buffer for every iteration's per-edge products
    for _ in range(max_iter):
        np.multiply(np.take(scores, graph.source, out=flow), share, out=flow)
        spread = np.bincount(graph.target, weights=flow, minlength=n)
        new = (1.0 - damping) / n + damping * (spread + scores[dangling].sum() / n)
        if np.abs(new - scores).sum() < tolerance:
            return new
        scores = new
    return scores
