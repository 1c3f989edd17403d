"""``jieba.lcut(text)`` (accurate mode, HMM on) without jieba's 66 MB prefix dictionary.

It is the Python twin of ``cut_kernel.Segmenter`` (model/cutter.py), which cuts every
text where the compiled kernels are built; without them ``segment`` sends it the few
strings rjieba cuts differently (a Han character repeated three times, rare Han
ranges, lone surrogates). Loading jieba's dictionary for them cost 0.7–1.5 s and
66 MB: a dict of every word and every prefix of a word. This module computes the
same cut from a compact table built from jieba's own ``dict.txt``: sorted 64-bit
hashes of every word and prefix beside their frequencies (prefixes 0, as in jieba's
``gen_pfdict``), about 10 MB. ``Tokenizer.cut``, ``get_DAG``, ``calc`` and
``__cut_DAG`` are followed step by step (same float operations, same tie-breaking in
``max``); the HMM is ``jiebahmm``, jieba's ``finalseg`` ported with its own tables,
so the jieba package itself (and the ``pkg_resources`` it imports) is never imported.

The hash is polynomial in the code points modulo 2^64 with an odd multiplier;
words are at most a few dozen characters, far too short for the known
collisions of such hashes, and a chance collision among the ~600,000 keys and
the substrings of one text is about 1e-8.
``tests/test_performance_contract.py`` checks the result against jieba itself.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from . import jiebahmm
from .cachefiles import cache_file, read_arrays, write_arrays
from .jiebahmm import jieba_folder

__all__ = ["Dictionary", "dictionary", "lcut"]

# jieba's re_han_default and re_skip_default (jieba/__init__.py, 0.42).
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)

_MULTIPLIER = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_LINES_PER_CHUNK = 50_000  # dict.txt is read in chunks: 349,000 lines at once cost ~40 MB of strings
# Bump when the table's arrays change meaning: cached tables of another version are ignored.
_TABLE_VERSION = 1


def _winners(h: np.ndarray, f: np.ndarray, w: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """One entry per hash, sorted: the one jieba's dict keeps. It keeps a word's last frequency,
    and a prefix stays 0 unless it is a word: the last entry by (is a word, line)."""
    ranked = np.lexsort((n, w, h))
    h = h[ranked]
    last = np.append(h[1:] != h[:-1], True)
    kept = ranked[last]
    return h[last], f[kept], w[kept], n[kept]


class _Dictionary:
    """jieba's FREQ and total: word/prefix hashes (sorted) → frequency, 0 for a bare prefix;
    ``longest``: the longest word's length."""

    keys: np.ndarray
    freqs: np.ndarray
    total: int
    longest: int

    def __init__(self, path: Path) -> None:
        cache = _cache_file(path)
        if cache is not None and self._read(cache):
            return
        self._build(path)
        if cache is not None:
            meta = np.array([self.total, self.longest])
            write_arrays(cache, {"keys": self.keys, "freqs": self.freqs, "meta": meta})

    def _read(self, cache: Path) -> bool:
        """The table from its cache file; False if absent or unfit."""
        saved = read_arrays(cache, ("keys", "freqs", "meta"))
        if saved is None:
            return False
        keys, freqs, meta = saved["keys"], saved["freqs"], saved["meta"]
        fits = (
            keys.dtype == np.uint64
            and freqs.dtype == np.int64
            and meta.dtype == np.int64
            and keys.ndim == 1
            and keys.shape == freqs.shape
            and meta.shape == (2,)
            and len(keys) > 0
            and bool((keys[1:] > keys[:-1]).all())  # find() bisects: sorted and distinct
        )
        if fits:
            self.keys, self.freqs = keys, freqs
            self.total, self.longest = int(meta[0]), int(meta[1])
        return fits

    def _build(self, path: Path) -> None:
        parts: list[tuple[np.ndarray, ...]] = []
        self.total = 0
        self.longest = 0
        at = 0
        with path.open("rb") as handle:
            while chunk := [line for _, line in zip(range(_LINES_PER_CHUNK), handle)]:
                h, f, w, n = self._entries(chunk)
                parts.append(_winners(h, f, w, n + at))
                at += len(chunk)
        h, f, _, _ = _winners(*map(np.concatenate, zip(*parts)))
        self.keys, self.freqs = h, f

    def _entries(self, lines: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(hash, freq, is a word, line) of every word of ``lines`` and every proper prefix of it."""
        terms: list[str] = []
        counts: list[int] = []
        for line in lines:
            word, freq = line.strip().decode("utf-8").split(" ")[:2]
            terms.append(word)
            counts.append(int(freq))
        self.total += sum(counts)
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        self.longest = max(self.longest, int(lengths.max()))
        codes = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts = np.cumsum(lengths) - lengths
        numbers = np.arange(len(terms), dtype=np.int32)
        freqs = np.array(counts, dtype=np.int64)
        h = np.zeros(len(terms), dtype=np.uint64)
        out_h, out_f, out_w, out_n = [], [], [], []
        with np.errstate(over="ignore"):  # the hash is meant to wrap modulo 2^64
            for k in range(int(lengths.max())):
                alive = lengths > k
                h[alive] = h[alive] * np.uint64(_MULTIPLIER) + codes[starts[alive] + k].astype(np.uint64) + 1
                full = lengths == k + 1
                out_h.append(h[alive])
                out_f.append(np.where(full[alive], freqs[alive], 0))
                out_w.append(full[alive])
                out_n.append(numbers[alive])
        return tuple(map(np.concatenate, (out_h, out_f, out_w, out_n)))  # type: ignore[return-value]

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each hash is a word or prefix, and its frequency (0 where it is not)."""
        at = np.minimum(np.searchsorted(self.keys, hashes), len(self.keys) - 1)
        member = self.keys[at] == hashes
        return member, np.where(member, self.freqs[at], 0)

    def freq(self, text: str) -> int:
        """``FREQ.get(text) or 0``."""
        if len(text) > self.longest:
            return 0
        h = 0
        for ch in text:
            h = (h * _MULTIPLIER + ord(ch) + 1) & _MASK
        _, freq = self.find(np.array([h], dtype=np.uint64))
        return int(freq[0])


def _cache_file(dict_path: Path) -> Path | None:
    """Where the table built from ``dict_path`` is kept between processes (``cachefiles``)."""
    return cache_file(f"jiebacut-{_TABLE_VERSION}", [dict_path])


def _dag(sentence: str, table: _Dictionary) -> tuple[list[list[int]], dict[tuple[int, int], int]]:
    """jieba's ``get_DAG`` and the frequencies ``calc`` reads, one numpy pass per word length."""
    n = len(sentence)
    points = np.frombuffer(sentence.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = points.astype(np.uint64) + 1
    ends: list[list[int]] = [[] for _ in range(n)]
    freq: dict[tuple[int, int], int] = {}
    h = np.zeros(n, dtype=np.uint64)
    alive = np.arange(n)
    with np.errstate(over="ignore"):
        for k in range(min(n, table.longest)):
            # ``frag in FREQ`` for frag = sentence[start : start + k + 1], while every shorter one was.
            alive = alive[alive + k < n]
            h[alive] = h[alive] * np.uint64(_MULTIPLIER) + codes[alive + k]
            member, found = table.find(h[alive])
            alive, found = alive[member], found[member]
            for start, f in zip(alive[found > 0].tolist(), found[found > 0].tolist()):
                ends[start].append(start + k)
                freq[start, start + k] = f
            if not len(alive):
                break
    for start in range(n):
        if not ends[start]:
            ends[start].append(start)
    return ends, freq


def _cut_dag(sentence: str, table: _Dictionary, hmm: Callable[[str], Iterator[str]]) -> Iterator[str]:
    """jieba's ``Tokenizer.__cut_DAG``."""
    dag, freq = _dag(sentence, table)
    n = len(sentence)
    route: dict[int, tuple[float, int]] = {n: (0, 0)}
    logtotal = math.log(table.total)
    for idx in range(n - 1, -1, -1):
        route[idx] = max(
            (math.log(freq.get((idx, x)) or 1) - logtotal + route[x + 1][0], x) for x in dag[idx]
        )
    x = 0
    buf = ""
    while x < n:
        y = route[x][1] + 1
        word = sentence[x:y]
        if y - x == 1:
            buf += word
        else:
            if buf:
                yield from _buffered(buf, table, hmm)
                buf = ""
            yield word
        x = y
    if buf:
        yield from _buffered(buf, table, hmm)


def _buffered(buf: str, table: _Dictionary, hmm: Callable[[str], Iterator[str]]) -> Iterator[str]:
    # A run of single characters: the HMM unless the run is itself a word (frequency > 0).
    if len(buf) == 1:
        yield buf
    elif not table.freq(buf):
        yield from hmm(buf)
    else:
        yield from buf


class _Reference:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table: _Dictionary | None = None

    def table(self) -> _Dictionary:
        if self._table is None:
            with self._lock:
                if self._table is None:
                    self._table = _Dictionary(jieba_folder() / "dict.txt")
        return self._table

    def lcut(self, sentence: str) -> list[str]:
        """jieba's ``Tokenizer.cut(sentence)``, as a list."""
        table = self.table()
        out: list[str] = []
        for block in _HAN.split(sentence):
            if not block:
                continue
            if _HAN.match(block):
                out += _cut_dag(block, table, jiebahmm.cut)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        out.append(piece)
                    else:
                        out += piece
        return out


_REFERENCE = _Reference()
# The table's public name, for type hints (its constructor stays private: use ``dictionary()``).
Dictionary = _Dictionary


def dictionary() -> Dictionary:
    """jieba's FREQ and total as arrays: the one ``lcut`` uses if it is loaded, else read afresh
    (from the cache file) for a caller that keeps only what it builds from it."""
    table = _REFERENCE._table
    return table if table is not None else _Dictionary(jieba_folder() / "dict.txt")


def lcut(sentence: str) -> list[str]:
    """``jieba.lcut(sentence)`` (default dictionary, HMM on), computed without loading jieba's dictionary."""
    return _REFERENCE.lcut(sentence)
