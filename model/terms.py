"""The TF-IDF half of the classifier: finding a paragraph's words, word pairs and character
n-grams in the model's vocabularies, and their share of the class scores, for a batch at once.

Character n-grams never become Python strings: each 1- to 3-gram of code points packs
into one 64-bit key, looked up in a hash table probed with numpy (single characters in
a direct table); word pairs are found as pairs of word ids. ``Terms.scores`` gives what
``TermBlock.scores`` gives paragraph by paragraph (``classifier``), for many at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import repeat
from typing import Protocol

import numpy as np

# word_terms' and char_terms' own steps: the batched path must compute exactly those
# features (tests compare it with the scikit-learn pipeline, which calls those functions).
from .features import HAS_WORD
from .segment import cut_lines


class TermBlock(Protocol):
    """What is read of a ``classifier.TermBlock``: its terms, idf and weight rows."""

    # Read-only properties: the classifier's TermBlock is a frozen dataclass.
    @property
    def terms(self) -> Sequence[str]: ...

    @property
    def idf(self) -> np.ndarray: ...

    @property
    def weights(self) -> np.ndarray: ...


__all__ = ["JoinedTerms", "Terms", "pack_rows"]


class JoinedTerms(Sequence[str]):
    """Terms kept as one string with ``SEPARATOR`` between them, as a model file stores them.

    Parsing 250,000 short strings out of JSON was a tenth of the cold start; one long string
    costs next to nothing, the look-up tables read its code points without splitting it, and
    the strings themselves are made only if something asks for them (explanations, saving).
    """

    SEPARATOR = "\n"  # no term holds one: a paragraph is one line (``fits`` checks it on save)

    def __init__(self, text: str) -> None:
        self.text = text

    @staticmethod
    def fits(terms: Sequence[str]) -> bool:
        """Whether ``terms`` can be joined and split back unchanged."""
        return all(terms) and JoinedTerms.SEPARATOR not in "".join(terms)

    @cached_property
    def _strings(self) -> list[str]:
        return self.text.split(self.SEPARATOR) if self.text else []

    def __len__(self) -> int:
        return self.text.count(self.SEPARATOR) + 1 if self.text else 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        return self._strings[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._strings)

    def __getstate__(self) -> dict[str, str]:
        return {"text": self.text}  # the split strings are rebuilt where the model lands


_MISSING = -1  # a word with letters the model has never seen: it breaks word pairs
_DROPPED = -2  # white space or punctuation: word_terms drops it, so pairs join across it
_BREAK = -3  # the line break cut_lines puts between paragraphs
_BITS = 21  # every code point (≤ 0x10FFFF) fits in 21 bits once shifted by one
_UNKNOWN_WORDS = 200_000  # unseen tokens remembered before the look-up stops growing


def _ranks(home: np.ndarray, size: int) -> np.ndarray:
    """Each key's rank among the keys that share its home slot (0, 1, …, in no particular order)."""
    rank = np.zeros(len(home), dtype=np.int64)
    last = np.empty(size, dtype=np.int64)
    todo = np.arange(len(home))
    taken = 0
    while len(todo):  # as many rounds as the most keys of one home: a few
        # Of the keys written to one slot one stays there, whichever: it takes the next rank.
        last[home[todo]] = todo
        won = last[home[todo]] == todo
        rank[todo[won]] = taken
        todo = todo[~won]
        taken += 1
    return rank


class _KeyTable:
    """Distinct positive int64 keys and their columns in an open-addressing hash table, probed
    with numpy.

    A query costs about one probe where a binary search over 100,000 sorted keys
    takes seventeen. The table is kept at most half full and holds keys only
    (columns are read on hits), so it stays small enough for the CPU caches:
    looking up n-grams and word pairs is the inner loop of classifying new text.
    """

    _EMPTY = -1
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the high bits of key × 2^64/φ

    def __init__(self, keys: np.ndarray, columns: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        self.bits = max(4, (2 * len(keys)).bit_length())  # 25 to 50 % full
        home = self._slots(keys)
        # Linear probing with the keys inserted in order of their home slot, placed without a
        # sort or a probing loop (building the tables was a fifth of the cold start): the keys
        # of home h fill the slots from max(h, where the keys of the homes before h end), that
        # is (keys homed below h) + max over g ≤ h of (g − keys homed below g).
        count = np.bincount(home, minlength=1 << self.bits)
        below = np.cumsum(count) - count
        start = below + np.maximum.accumulate(np.arange(len(count)) - below)
        slot = start[home] + _ranks(home, len(count))
        # Probes run on past the last home slot instead of wrapping round, into a tail that ends
        # with an empty slot.
        size = max(len(count), int(slot.max()) + 2 if len(keys) else 0)
        self.keys = np.full(size, self._EMPTY, dtype=np.int64)
        self.columns = np.zeros(size, dtype=np.int32)
        self.keys[slot] = keys
        self.columns[slot] = columns

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.view(np.uint64) * self._MULTIPLIER
        return (hashed >> np.uint64(64 - self.bits)).view(np.int64)

    def find(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in ``queries`` of the keys present (in no particular order), and their columns."""
        slot = self._slots(queries)
        found = self.keys[slot]
        hit = found == queries
        positions, slots = [np.flatnonzero(hit)], [slot[hit]]
        probing = np.flatnonzero(~hit & (found != self._EMPTY))
        slot = slot[probing]
        while len(probing):  # linear probing: the next slot, until the key or an empty slot
            slot = slot + 1
            found = self.keys[slot]
            hit = found == queries[probing]
            positions.append(probing[hit])
            slots.append(slot[hit])
            more = ~hit & (found != self._EMPTY)
            probing, slot = probing[more], slot[more]
        if len(positions) == 1:
            return positions[0], self.columns[slots[0]].astype(np.int64)
        return np.concatenate(positions), self.columns[np.concatenate(slots)].astype(np.int64)


# Code points are shifted by one, so every n-gram key is a number in base 2^21 with no zero digit
# (a unique encoding); the separator between paragraphs is a digit no character has, so no
# n-gram that straddles two paragraphs can equal a key of the vocabulary.
_SEPARATOR = 0x110001


def _code_points(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The code points of all terms side by side, then three zeros; where each term starts, its length.

    One encode, not one array per term; joined terms are read as they are, separators and all.
    """
    if isinstance(terms, JoinedTerms):
        text = terms.text
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.append(np.flatnonzero(points == ord(JoinedTerms.SEPARATOR)), len(points))
        starts = np.append(0, ends[:-1] + 1) if len(terms) else ends[:0]
        ends = ends if len(terms) else ends[:0]
    else:
        text = "".join(terms)
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        ends = np.cumsum(lengths)
        starts = ends - lengths
    flat = np.zeros(len(points) + 3, dtype=np.int64)
    flat[:-3] = points
    return flat, starts, ends - starts


class _CharIndex:
    """The character block's vocabulary: a direct table for single characters, hashed keys for
    2- and 3-grams (columns shifted by ``offset``)."""

    def __init__(self, terms: Sequence[str], offset: int) -> None:
        columns = np.arange(offset, offset + len(terms), dtype=np.int64)
        flat, starts, lengths = _code_points(terms)
        # Longer terms are cut to three here, then dropped: char_terms yields 1- to 3-grams only.
        codes = np.stack([flat[starts], flat[starts + 1], flat[starts + 2]], axis=1)
        codes += 1
        single = lengths == 1
        self.unigrams = np.full(_SEPARATOR + 1, -1, dtype=np.int32)
        self.unigrams[codes[single, 0]] = columns[single]
        keys = (codes[:, 0] << _BITS) | codes[:, 1]
        keys = np.where(lengths == 3, (keys << _BITS) | codes[:, 2], keys)
        # Distinct terms of one to three characters have distinct keys (a unique encoding).
        longer = (lengths == 2) | (lengths == 3)
        self.table = _KeyTable(keys[longer], columns[longer])

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every 1-, 2- and 3-gram of ``texts`` that is in the vocabulary."""
        if not texts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        # Each paragraph is followed by one separator (its own slot, whatever the text holds).
        joined = "\0".join(texts).encode("utf-32-le", "surrogatepass")
        n = int(lengths.sum())
        padded = np.empty(n + 2, dtype=np.int64)
        padded[: n - 1] = np.frombuffer(joined, dtype=np.uint32)
        padded[: n - 1] += 1
        padded[n - 1 :] = _SEPARATOR
        padded[np.cumsum(lengths[:-1]) - 1] = _SEPARATOR
        rows = np.repeat(np.arange(len(texts)), lengths)
        uni = padded[:n]
        bi = (uni << _BITS) | padded[1 : n + 1]
        tri = (bi << _BITS) | padded[2 : n + 2]
        single = self.unigrams[uni]
        hit = single >= 0
        found, columns = self.table.find(np.concatenate([bi, tri]))
        np.remainder(found, n, out=found)
        single_columns = single[hit].astype(np.int64)
        return np.concatenate([rows[hit], rows[found]]), np.concatenate([single_columns, columns])


class _WordIndex:
    """The word block's vocabulary as word ids and hashed word-pair keys."""

    def __init__(self, terms: Sequence[str]) -> None:
        terms = list(terms)
        spaces = np.fromiter(map(str.count, terms, repeat(" ")), dtype=np.int64, count=len(terms))
        unigrams = np.flatnonzero(spaces == 0)
        pairs = np.flatnonzero(spaces == 1)
        ids = dict(zip(map(terms.__getitem__, unigrams.tolist()), range(len(unigrams))))
        # Both halves of every pair, in order: a word holds no space, so one split finds them.
        halves = " ".join(map(terms.__getitem__, pairs.tolist())).split(" ") if len(pairs) else []
        words = list(map(ids.get, halves))
        # A pair may hold a word that is no unigram term itself (a model fitted
        # with other df limits); it still needs an id to be found in pairs.
        with contextlib.suppress(ValueError):  # list.index scans in C: such words are rare
            i = words.index(None)
            while True:
                words[i] = ids.setdefault(halves[i], len(ids))
                i = words.index(None, i + 1)
        self.known = len(ids)
        self.unigram_columns = np.full(self.known, -1, dtype=np.int64)
        self.unigram_columns[: len(unigrams)] = unigrams
        halves_ids = np.array(words, dtype=np.int64)
        # Distinct pair terms are distinct (first, second) id pairs, hence distinct keys.
        self.pairs = _KeyTable(halves_ids[0::2] * self.known + halves_ids[1::2], pairs)
        ids["\n"] = _BREAK
        self.ids = ids

    def _classify_token(self, token: str) -> int:
        word = _MISSING if HAS_WORD.search(token) else _DROPPED
        if len(self.ids) < self.known + _UNKNOWN_WORDS:
            self.ids[token] = word
        return word

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word and adjacent word pair of ``texts`` in the vocabulary."""
        tokens = cut_lines(texts)
        ids = list(map(self.ids.get, tokens))
        with contextlib.suppress(ValueError):  # list.index scans in C: only new tokens cost Python time
            i = ids.index(None)
            while True:
                ids[i] = self._classify_token(tokens[i])
                i = ids.index(None, i + 1)
        words = np.array(ids, dtype=np.int64)
        rows = np.cumsum(words == _BREAK)
        kept = words >= _MISSING
        words, rows = words[kept], rows[kept]
        columns = self.unigram_columns[words[words >= 0]]
        uni_rows = rows[words >= 0]
        a, b = words[:-1], words[1:]
        pair = (rows[:-1] == rows[1:]) & (a >= 0) & (b >= 0)
        found, pair_columns = self.pairs.find(a[pair] * self.known + b[pair])
        return (
            np.concatenate([uni_rows[columns >= 0], rows[:-1][pair][found]]),
            np.concatenate([columns[columns >= 0], pair_columns]),
        )


def _row_width(n_labels: int) -> int:
    # One row per column: its weights, then its idf, padded to 64 bytes (one cache line).
    return n_labels + 1 + (-(n_labels + 1) % 8)


def pack_rows(blocks: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weights, idf) of each block as views into one array laid out as ``Terms`` reads it.

    ``store.load_model`` keeps the views as the blocks' arrays, so ``Terms`` finds its rows
    there instead of holding a second copy of every weight (16 MB for the bundled model).
    """
    if not blocks:
        return []
    n_labels = blocks[0][0].shape[1]
    rows = np.zeros((sum(len(idf) for _, idf in blocks), _row_width(n_labels)))
    views = []
    start = 0
    for weights, idf in blocks:
        stop = start + len(idf)
        rows[start:stop, :n_labels] = weights
        rows[start:stop, n_labels] = idf
        views.append((rows[start:stop, :n_labels], rows[start:stop, n_labels]))
        start = stop
    return views


def _packed(blocks: Sequence[TermBlock], n_labels: int) -> np.ndarray | None:
    """The array ``pack_rows`` made for exactly these blocks, if their arrays are its views."""
    rows = blocks[0].weights.base if blocks else None
    if not isinstance(rows, np.ndarray) or rows.shape != (
        sum(len(b.idf) for b in blocks),
        _row_width(n_labels),
    ):
        return None
    start = 0
    for block in blocks:
        at = rows.ctypes.data + start * rows.strides[0]
        weights, idf = block.weights, block.idf
        if (
            weights.base is not rows
            or idf.base is not rows
            or weights.shape != (len(idf), n_labels)
            or weights.strides != rows.strides
            or idf.strides != rows.strides[:1]
            or weights.ctypes.data != at
            or idf.ctypes.data != at + n_labels * rows.strides[1]
        ):
            return None
        start += len(idf)
    return rows


class Terms:
    """Both TF-IDF blocks in one column space: words first, then characters."""

    def __init__(self, words: TermBlock | None, chars: TermBlock | None, n_labels: int) -> None:
        blocks = [b for b in (words, chars) if b is not None]
        self.split = len(words.idf) if words is not None else 0
        self.labels = n_labels
        packed = _packed(blocks, n_labels)
        if packed is not None:  # a loaded model's blocks are views of these rows already
            self.rows = packed
        else:
            self.rows = np.zeros((sum(len(b.idf) for b in blocks), _row_width(n_labels)))
            # Filled in place: a stacked copy first would double 20 MB of memory traffic at start-up.
            if blocks:
                np.concatenate([b.weights for b in blocks], out=self.rows[:, :n_labels])
                np.concatenate([b.idf for b in blocks], out=self.rows[:, n_labels])
        self.words = _WordIndex(words.terms) if words is not None else None
        self.chars = _CharIndex(chars.terms, self.split) if chars is not None else None

    def scores(self, texts: list[str]) -> np.ndarray:
        """Both blocks' share of the class scores, one row per text (digits already folded)."""
        out = np.zeros((len(texts), self.labels))
        # (row, column) packed in one integer: 32 bits when they fit, which sorts twice as fast.
        bits = max(1, len(self.rows).bit_length())
        small = (len(texts) << bits) < 2**31
        found: list[np.ndarray] = []
        if self.words is not None:
            rows, columns = self.words.occurrences(texts)
            found.append((rows << bits) | columns)
        if self.chars is not None:
            rows, columns = self.chars.occurrences([t.replace(" ", "") for t in texts])
            found.append((rows << bits) | columns)
        keys = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        if not len(keys):
            return out
        if small:
            keys = keys.astype(np.int32)
        keys.sort()
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        tf = np.diff(np.append(starts, len(keys)))
        keys = keys[starts]
        row, column = keys >> bits, keys & ((1 << bits) - 1)
        entry = self.rows[column]
        values = (np.log(tf) + 1.0) * entry[:, self.labels]
        # Each block is l2-normalized on its own, as in the FeatureUnion.
        block = row * 2 + (column >= self.split)
        values /= np.sqrt(np.bincount(block, values * values))[block]
        first = np.flatnonzero(np.concatenate([[True], row[1:] != row[:-1]]))
        out[row[first]] = np.add.reduceat(entry[:, : self.labels] * values[:, None], first, axis=0)
        return out
