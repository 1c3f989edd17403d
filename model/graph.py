"""The sentence graph and its centrality: the TextRank half of the summarizer.

Edges are one of ``SIMILARITIES`` (TextRank's word overlap, TF-IDF cosine, or BM25 as in
snownlp's TextRank), built through an inverted index: each word links only the ``band``
nearest sentences that share it, none more than ``window`` sentences away, and each
sentence keeps its ``neighbours`` strongest edges, so cost grows linearly with article
length, never as n×n. ``pagerank`` is weighted PageRank over that graph.
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Flat (sentence, word id, query value, document value) entries, one per distinct word.

    For ``overlap`` every value is 1 and the value arrays are ``None``: two arrays of ones,
    16 bytes an entry, were a fifth of the graph's peak on a long page.

    Written straight into arrays: Python lists of a million floats would cost ten times
    the memory on a long page. Ids are 32-bit (a page has far fewer than 2^31 sentences
    or words); products of ids are taken in 64 bits where they are formed.
    """
    total = sum(len(t) for t in tokens)
    sent = np.empty(total, dtype=np.int32)
    word = np.empty(total, dtype=np.int32)
    valued = kind != "overlap"
    query = np.ones(total if valued else 0, dtype=np.float64)
    doc = np.ones(total if valued else 0, dtype=np.float64)
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
        if valued:
            tf = np.fromiter(counts.values(), dtype=np.float64, count=k)
            weights = np.fromiter((idf(w) for w in counts), dtype=np.float64, count=k)
            if kind == "tfidf":
                q = (1.0 + np.log(tf)) * weights
                query[at : at + k] = doc[at : at + k] = q / np.sqrt(np.dot(q, q))
            else:  # bm25: this sentence as a query (distinct words) and as a document
                norm = _BM25_K1 * (1.0 - _BM25_B + _BM25_B * lengths[i] / average)
                doc[at : at + k] = weights * tf * (_BM25_K1 + 1.0) / (tf + norm)
        at += k
    return sent[:at], word[:at], query[:at] if valued else None, doc[:at] if valued else None


def similarity_graph(
    tokens: Sequence[Sequence[str]],
    *,
    kind: str = "tfidf",
    idf: Callable[[str], float] | None = None,
    neighbours: int | None = 20,
    band: int | None = 100,
    window: int | None = 1000,
) -> SentenceGraph:
    """The sentence-similarity graph of one article, built through an inverted index.

    ``kind``: ``tfidf`` (cosine of sublinear TF-IDF vectors), ``bm25`` (the mean
    of both directions' BM25 scores, as snownlp's TextRank) or ``overlap``
    (TextRank's shared words over ``log|a| + log|b|``). A word links each
    sentence to at most ``band`` sentences on either side in its posting list,
    none more than ``window`` sentences away, and each sentence keeps its
    ``neighbours`` strongest edges (``None``: no cap).

    The band alone bounds the work by words × band, but a word's posting list
    keeps filling toward that bound as a page grows (a word in one sentence of
    50 pairs each with 19 others on a 1,000-sentence page, with 199 on a
    10,000-sentence one), so between those sizes the work grows faster than the
    page. The window stops that: on pages longer than it, a word's pairs per
    sentence stay what its frequency makes them, whatever the length. Pages of
    up to ``window + 1`` sentences (a long news article has 30 to 130) are not
    affected by it.
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
    query = query[order] if query is not None else None
    doc = doc[order] if doc is not None else None
    del order
    size = np.log(np.maximum(np.array([len(t) for t in tokens], dtype=np.float64), 1.0))
    postings = _Postings(
        sent,
        word,
        query,
        doc,
        len(sent) - 1 if band is None else band,
        None if window is None or window >= n - 1 else window,
    )
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
            # replaces: later sentences first, then earlier ones, each in document order. The
            # edges come sorted by (source, target) and lexsort is stable, so document order
            # needs no key of its own; sources as 16-bit offsets sort by radix, not by comparison.
            order = np.lexsort((target < source, -weight, _small(source)))
            source, target, weight = source[order], target[order], weight[order]
            first = np.searchsorted(source, source, side="left")
            top = (np.arange(len(source)) - first) < neighbours
            source, target, weight = source[top], target[top], weight[top]
        kept_keys.append(np.minimum(source, target) * n + np.maximum(source, target))
        kept_w.append(weight)
    # The postings are done with: their memory is free for the graph's final arrays.
    del postings, sent, word, query, doc
    return _symmetric(n, kept_keys, kept_w)


def _small(sorted_ids: np.ndarray) -> np.ndarray:
    """Ascending ids as offsets from the first, 16-bit when they fit: the same order, sorted faster."""
    if not len(sorted_ids) or int(sorted_ids[-1]) - int(sorted_ids[0]) >= 1 << 16:
        return sorted_ids
    return (sorted_ids - sorted_ids[0]).astype(np.uint16)


def _symmetric(n: int, kept_keys: list[np.ndarray], kept_w: list[np.ndarray]) -> SentenceGraph:
    """The graph of the kept (min, max) pair keys: an edge stays when either end keeps it, so the
    graph stays symmetric. Each array is dropped as soon as the next is made (this was the peak of
    a long page), and sentence ids are 32-bit: a page has far fewer than 2^31 sentences."""
    if not sum(len(x) for x in kept_keys):
        empty = np.zeros(0, dtype=np.int32)
        return SentenceGraph(n, empty, empty, np.zeros(0))
    keys = np.concatenate(kept_keys)
    kept_keys.clear()
    pair_keys, index = np.unique(keys, return_index=True)
    del keys
    weights = np.concatenate(kept_w)
    kept_w.clear()
    w = weights[index]
    del weights, index
    a = (pair_keys // n).astype(np.int32)
    b = (pair_keys % n).astype(np.int32)
    del pair_keys
    return SentenceGraph(n, np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w]))


class _Postings:
    """An article's (word, sentence) entries sorted by word then sentence: the posting lists
    side by side, from which sentence pairs sharing a word within ``band`` postings and
    ``window`` sentences (``None``: any distance) are read."""

    # A block's transient arrays take about 60 bytes a pair: 8 MB at most.
    _PAIRS_PER_BLOCK = 1 << 17

    def __init__(
        self,
        sent: np.ndarray,
        word: np.ndarray,
        query: np.ndarray | None,
        doc: np.ndarray | None,
        band: int,
        window: int | None,
    ):
        self.sent, self.word, self.query, self.doc = sent, word, query, doc
        self.window = window
        longest = int(np.bincount(word).max()) if len(word) else 0
        self.reach = max(0, min(band, longest - 1))
        # Entries grouped by sentence, so a block of sentences is a slice of this order.
        # 32-bit positions: this array lives as long as the postings (a page has < 2^31 entries).
        self.by_sentence = np.argsort(sent, kind="stable").astype(np.int32)

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

    def _shared(self, early: np.ndarray, late: np.ndarray) -> np.ndarray:
        """What sharing one word adds to each pair's weight: the mean of both directions' products."""
        query, doc = self.query, self.doc
        if query is None or doc is None:  # overlap: (1 × 1 + 1 × 1) / 2, exactly 1
            return np.ones(len(early))
        return (query[early] * doc[late] + query[late] * doc[early]) / 2

    def edges(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Directed edges (source at ``positions``) with weights summed over the shared words,
        in the order the all-pairs construction sums them (offset by offset), so the sums agree
        to the last bit."""
        sent, word = self.sent, self.word
        last = len(sent) - 1
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        wts: list[np.ndarray] = []
        window = self.window
        ahead, behind = positions, positions
        for offset in range(1, self.reach + 1):
            ahead = ahead[ahead + offset <= last]
            ahead = ahead[word[ahead + offset] == word[ahead]]
            behind = behind[behind - offset >= 0]
            behind = behind[word[behind - offset] == word[behind]]
            if window is not None:
                # A posting list is in document order: an entry past the window at this offset
                # is past it at every further one, so it is dropped for good.
                ahead = ahead[sent[ahead + offset] - sent[ahead] <= window]
                behind = behind[sent[behind] - sent[behind - offset] <= window]
            if not len(ahead) and not len(behind):
                break  # posting lists are contiguous: none goes further from these entries
            early, late = ahead, ahead + offset
            src.append(sent[early])
            dst.append(sent[late])
            wts.append(self._shared(early, late))
            early, late = behind - offset, behind
            src.append(sent[late])
            dst.append(sent[early])
            wts.append(self._shared(early, late))
        if not src:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        n = int(sent.max()) + 1
        sources = np.concatenate(src)
        # A block's sources are a narrow range: pair keys counted from its first source fit
        # 32 bits unless the page is huge (checked: then 64), and 32-bit keys sort ~1.4× faster.
        first = int(sources.min())
        wide = (int(sources.max()) - first + 1) * n >= 1 << 31
        pairs = (sources - first).astype(np.int64 if wide else np.int32) * n + np.concatenate(dst)
        keys, inverse = np.unique(pairs, return_inverse=True)
        weight = np.bincount(inverse, weights=np.concatenate(wts))
        return (keys // n).astype(np.int64) + first, (keys % n).astype(np.int64), weight


# Per-edge work is done a slice of edges at a time: whole-graph temporaries (8 bytes an edge
# each, three at once) were the peak of summarizing a long page; slices also stay in the caches.
_EDGE_SLICE = 1 << 16


def _edge_slices(count: int) -> Iterator[slice]:
    return (slice(start, start + _EDGE_SLICE) for start in range(0, count, _EDGE_SLICE))


def _spread(n: int, index: np.ndarray, values: Callable[[slice], np.ndarray]) -> np.ndarray:
    """``np.bincount(index, weights, minlength=n)`` for per-edge weights made a slice at a time.

    ``np.add.at`` adds in edge order into zeros, as ``bincount`` does: the sums agree to the last bit.
    """
    total = np.zeros(n)
    for part in _edge_slices(len(index)):
        np.add.at(total, index[part], values(part))
    return total


def pagerank(
    graph: SentenceGraph, *, damping: float = 0.85, tolerance: float = 1e-8, max_iter: int = 200
) -> np.ndarray:
    """Weighted PageRank scores (summing to 1); isolated sentences share the teleport mass."""
    n = graph.size
    if n == 0:
        return np.zeros(0)
    source, target, weight = graph.source, graph.target, graph.weight
    out = _spread(n, source, weight.__getitem__)
    dangling = out <= 0
    denominator = np.where(out > 0, out, 1.0)
    share = np.empty(len(weight))
    for part in _edge_slices(len(weight)):
        np.divide(weight[part], denominator[source[part]], out=share[part])
    scores = np.full(n, 1.0 / n)
    buffer = np.empty(min(len(share), _EDGE_SLICE))  # one buffer for every slice's per-edge products

    def flow(part: slice) -> np.ndarray:
        products = buffer[: len(share[part])]
        return np.multiply(np.take(scores, source[part], out=products), share[part], out=products)

    for _ in range(max_iter):
        spread = _spread(n, target, flow)
        new = (1.0 - damping) / n + damping * (spread + scores[dangling].sum() / n)
        if np.abs(new - scores).sum() < tolerance:
            return new
        scores = new
    return scores
