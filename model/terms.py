"""The TF-IDF half of the classifier: finding a paragraph's words, word pairs and character
n-grams in the model's vocabularies, and their share of the class scores, for a batch at once.

Character n-grams never become Python strings: each 1- to 3-gram of code points packs
into one 64-bit key, looked up in a hash table probed with numpy (single characters in
a direct table); word pairs are found as pairs of word ids. ``Terms.scores`` gives what
``TermBlock.scores`` gives paragraph by paragraph (``classifier``), for many at once.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import compress, repeat
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from . import cutter

# word_terms' and char_terms' own steps: the batched path must compute exactly those
# features (tests compare it with the scikit-learn pipeline, which calls those functions).
from .features import HAS_WORD
from .hashtable import KeyTable
from .joined import JoinedTerms
from .kernel import load_kernel, load_token_kernel, logs
from .rows import aligned_rows, packed_rows, row_width
from .segment import compiled_segmenter, cut_lines

if TYPE_CHECKING:
    from .cut_kernel import Vocabulary


class TermBlock(Protocol):
    """What is read of a ``classifier.TermBlock``: its terms, idf and weight rows."""

    # Read-only properties: the classifier's TermBlock is a frozen dataclass.
    @property
    def terms(self) -> Sequence[str]: ...

    @property
    def idf(self) -> np.ndarray: ...

    @property
    def weights(self) -> np.ndarray: ...

    @property
    def tables(self) -> SavedTables | None: ...


__all__ = ["SavedTables", "Terms"]


@dataclass(frozen=True)
class SavedTables:
    """One block's look-up tables as a model folder stores them (integer arrays in weights.npz),
    for the very ``terms`` object they were loaded with.

    Building the tables from the terms was a sixth of the cold start; reading them back costs
    next to nothing. They are used only while the block still holds those terms (a block
    copied with other terms rebuilds its tables), and any that do not fit are rebuilt.
    """

    terms: Sequence[str]
    arrays: Mapping[str, np.ndarray]

    def fit(self, terms: Sequence[str]) -> Mapping[str, np.ndarray] | None:
        return self.arrays if terms is self.terms and self.arrays else None


_MISSING = -1  # a word with letters the model has never seen: it breaks word pairs
_DROPPED = -2  # white space or punctuation: word_terms drops it, so pairs join across it
_BREAK = -3  # the line break cut_lines puts between paragraphs
_UNSEEN = -4  # a token the look-up has not met yet (word_ids classifies it)
_BITS = 21  # every code point (≤ 0x10FFFF) fits in 21 bits once shifted by one
_UNKNOWN_WORDS = 200_000  # unseen tokens remembered before the look-up stops growing
# A line (a token, joined by newlines) holding a word character: HAS_WORD, for many tokens at once.
_WORDY_LINE = re.compile(rf"^[^\n]*?(?:{HAS_WORD.pattern})[^\n]*$", re.MULTILINE)


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

    def __init__(
        self, terms: Sequence[str], offset: int, saved: Mapping[str, np.ndarray] | None = None
    ) -> None:
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
        self.table = KeyTable(keys[longer], columns[longer], None if saved is None else saved["slots"])

    def saved(self) -> dict[str, np.ndarray]:
        """What a model folder stores of this index: the hash-table slot of each 2- and 3-gram
        (in column order; the keys themselves come back from the terms)."""
        return {"slots": self.table.placement()[1].astype(np.int32)}

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

    def __init__(self, terms: Sequence[str], saved: Mapping[str, np.ndarray] | None = None) -> None:
        strings = list(terms)
        unigrams, pairs, ids, halves_ids = (
            self._computed(strings) if saved is None else self._stored(strings, saved)
        )
        self.known = len(ids)
        self.unigram_columns = np.full(self.known, -1, dtype=np.int64)
        self.unigram_columns[: len(unigrams)] = unigrams
        # Distinct pair terms are distinct (first, second) id pairs, hence distinct keys.
        self.pairs = KeyTable(
            halves_ids[0::2] * self.known + halves_ids[1::2],
            pairs,
            None if saved is None else saved["pair_slots"],
        )
        ids["\n"] = _BREAK
        self.ids = ids

    @staticmethod
    def _computed(terms: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, int], np.ndarray]:
        """Unigram and pair columns, ``{word: id}`` and the ids of both halves of every pair."""
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
        return unigrams, pairs, ids, np.array(words, dtype=np.int64)

    @staticmethod
    def _stored(
        terms: list[str], saved: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, dict[str, int], np.ndarray]:
        """What ``_computed`` returns, read from a model folder: only the dict is built."""
        unigrams = saved["unigrams"].astype(np.int64)
        pairs = saved["pairs"].astype(np.int64)
        halves_ids = saved["pair_ids"].astype(np.int64).ravel()
        n = len(terms)
        for columns in (unigrams, pairs):
            if len(columns) and not (columns.min() >= 0 and columns.max() < n):
                raise ValueError("saved columns run past the terms")
        ids = dict(zip(map(terms.__getitem__, unigrams.tolist()), range(len(unigrams))))
        # Words found only in pairs have the ids after the unigrams, in order of first appearance:
        # each is read from the first pair that holds it.
        extra = np.flatnonzero(halves_ids >= len(unigrams))
        numbers, first = np.unique(halves_ids[extra], return_index=True)
        if len(halves_ids) != 2 * len(pairs) or not np.array_equal(
            numbers, np.arange(len(unigrams), len(unigrams) + len(numbers))
        ):
            raise ValueError("saved word ids do not fit the terms")
        for number, at in zip(numbers.tolist(), extra[first].tolist()):
            ids.setdefault(terms[int(pairs[at // 2])].split(" ")[at % 2], number)
        if len(ids) != len(unigrams) + len(numbers) or (halves_ids < 0).any():
            raise ValueError("saved word ids do not fit the terms")
        return unigrams, pairs, ids, halves_ids

    def saved(self) -> dict[str, np.ndarray]:
        """What a model folder stores of this index: unigram and pair columns, the word ids of
        each pair's halves and each pair's hash-table slot (pairs in column order)."""
        pairs, slots = self.pairs.placement()
        keys = self.pairs.keys[slots]
        unigrams = self.unigram_columns[self.unigram_columns >= 0]
        return {
            "unigrams": unigrams.astype(np.int32),
            "pairs": pairs.astype(np.int32),
            "pair_ids": np.stack([keys // self.known, keys % self.known], axis=1).astype(np.int32),
            "pair_slots": slots.astype(np.int32),
        }

    def word_ids(self, texts: list[str]) -> np.ndarray:
        """The id of every token of ``texts`` in order (``_MISSING``, ``_DROPPED`` for the words the
        vocabulary lacks), with ``_BREAK`` between texts."""
        compiled = compiled_segmenter()
        if compiled is not None:  # the same ids, no str made for a token (tests compare)
            found = compiled.cut_ids(texts, self._vocabulary, _MISSING, _DROPPED, _BREAK)
            return np.frombuffer(found, dtype=np.int64)
        tokens = cut_lines(texts)
        ids = self._looked_up(tokens)
        unseen = ids == _UNSEEN
        if unseen.any():
            # Tokens never met: each distinct one classified once, and filled in where it stands.
            met = list(compress(tokens, unseen.tolist()))
            distinct = dict.fromkeys(met)
            wordy = set(_WORDY_LINE.findall("\n".join(distinct)))  # no token holds a newline but the break
            new = {token: _MISSING if token in wordy else _DROPPED for token in distinct}
            if len(self.ids) + len(new) <= self.known + _UNKNOWN_WORDS:
                self.ids.update(new)  # else the memory of unseen tokens is full
            ids = ids.copy()  # a read-only view of the kernel's bytes
            ids[unseen] = [new[t] for t in met]
        return ids

    @cached_property
    def _vocabulary(self) -> Vocabulary:
        """The words with an id, as the compiled Segmenter reads them (built on first use)."""
        return cutter.vocabulary(self.ids)

    def _looked_up(self, tokens: list[str]) -> np.ndarray:
        compiled = load_token_kernel()
        if compiled is not None:
            return np.frombuffer(compiled.token_ids(tokens, self.ids, _UNSEEN)[0], dtype=np.int64)
        return np.array(list(map(self.ids.get, tokens, repeat(_UNSEEN))), dtype=np.int64)

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word and adjacent word pair of ``texts`` in the vocabulary."""
        words = self.word_ids(texts)
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


class Terms:
    """Both TF-IDF blocks in one column space: words first, then characters."""

    def __init__(self, words: TermBlock | None, chars: TermBlock | None, n_labels: int) -> None:
        blocks = [b for b in (words, chars) if b is not None]
        self.split = len(words.idf) if words is not None else 0
        self.labels = n_labels
        packed = packed_rows(blocks, n_labels)
        if packed is not None:  # a loaded model's blocks are views of these rows already
            self.rows = packed
        else:
            self.rows = aligned_rows(sum(len(b.idf) for b in blocks), row_width(n_labels))
            # Filled in place: a stacked copy first would double 20 MB of memory traffic at start-up.
            if blocks:
                np.concatenate([b.weights for b in blocks], out=self.rows[:, :n_labels])
                np.concatenate([b.idf for b in blocks], out=self.rows[:, n_labels])
        self.words = _index(words, _WordIndex) if words is not None else None
        self.chars = None
        if chars is not None:
            self.chars = _index(chars, lambda terms, saved: _CharIndex(terms, self.split, saved))

    def saved(self) -> dict[str, dict[str, np.ndarray]]:
        """Each block's look-up tables as a model folder stores them (``SavedTables``)."""
        out = {}
        if self.words is not None:
            out["words"] = self.words.saved()
        if self.chars is not None:
            out["chars"] = self.chars.saved()
        return out

    def scores(self, texts: list[str]) -> np.ndarray:
        """Both blocks' share of the class scores, one row per text (digits already folded)."""
        kernel = load_kernel()  # per call: PARKNEWS_KERNEL may change while a loaded model is kept
        if kernel is not None and texts:
            return self._compiled_scores(kernel, texts)
        return self._numpy_scores(texts)

    def _compiled_scores(self, kernel: ModuleType, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.labels))
        w, c = self.words, self.chars
        word_args: tuple[Any, ...] = (None, None, None, None, 64, 1)
        if w is not None:
            word_args = (w.word_ids(texts), w.unigram_columns, *w.pairs.parts(), w.known)
        char_args: tuple[Any, ...] = (None, None, None, 64)
        if c is not None:
            char_args = (c.unigrams, *c.table.parts())
        longest = max(map(len, texts))
        kernel.score(
            texts, *word_args, *char_args, self.rows, self.labels, self.split, logs(longest + 2), out
        )
        return out

    def _numpy_scores(self, texts: list[str]) -> np.ndarray:
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


_I = TypeVar("_I", "_WordIndex", "_CharIndex")


def _index(block: TermBlock, build: Callable[[Sequence[str], Mapping[str, np.ndarray] | None], _I]) -> _I:
    """A block's index, from its saved tables when they fit its terms, else built from the terms."""
    saved = block.tables.fit(block.terms) if block.tables is not None else None
    if saved is not None:
        try:
            return build(block.terms, saved)
        except (KeyError, ValueError, IndexError):
            pass  # tables that do not fit are rebuilt: the terms decide what is found
    return build(block.terms, None)
