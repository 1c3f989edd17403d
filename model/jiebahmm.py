"""jieba's HMM for unknown words (``jieba.finalseg``) without importing jieba.

``import jieba.finalseg`` runs ``jieba/__init__.py``, whose ``_compat`` imports
``pkg_resources``: about 0.1 s before a single word is cut. This module reads the
HMM's three tables from jieba's own ``finalseg/prob_*.py`` files by path (their
source is plain literals), keeps them as float64 arrays in a cache file beside
jiebacut's table, and ports ``finalseg.cut`` with the same float operations:
``(V[t-1][y0] + trans[y0][y]) + emit[y][char]``, ``MIN_FLOAT`` where a table lacks
an entry, ties in ``max`` going to the larger state letter as tuples compare.

States are numbered in the order of their letters, B E M S, so that "the larger
letter" is "the larger number"; ``cut_kernel.Segmenter`` takes the arrays in that order.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .cachefiles import cache_file, read_arrays, write_arrays

__all__ = ["HAN_FIRST", "STATES", "Tables", "cut", "jieba_folder", "load_tables"]

MIN_FLOAT = -3.14e100
STATES = "BEMS"
# finalseg.re_han: the only characters the Viterbi pass ever sees.
HAN_FIRST, HAN_LAST = 0x4E00, 0x9FD5
# finalseg.PrevStatus, as state numbers in letter order.
_PREV = tuple(tuple(sorted(STATES.index(p) for p in prev)) for prev in ("ES", "BM", "MB", "SE"))
_HAN = re.compile("([\u4e00-\u9fd5]+)")
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_SOURCES = ("prob_start.py", "prob_trans.py", "prob_emit.py")
_VERSION = 1


def jieba_folder() -> Path:
    """The installed jieba package's folder, found without running its ``__init__``."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).parent


class Tables(NamedTuple):
    """finalseg's start (4,), trans (4, 4) and emit (one row of 4 per Han character) log-probabilities."""

    start: np.ndarray
    trans: np.ndarray
    emit: np.ndarray


def _from_source(folder: Path) -> Tables:
    """The tables from jieba's ``prob_*.py``, executed as stand-alone files (their ``P`` dicts)."""
    found = []
    for name in _SOURCES:
        spec = importlib.util.spec_from_file_location(f"_parknews_jieba_{name[:-3]}", folder / name)
        assert spec is not None and spec.loader is not None  # a .py path always has a loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.append(module.P)
    start_p, trans_p, emit_p = found
    start = np.array([start_p[y] for y in STATES], dtype=np.float64)
    trans = np.array([[trans_p[a].get(b, MIN_FLOAT) for b in STATES] for a in STATES], dtype=np.float64)
    chars = [chr(code) for code in range(HAN_FIRST, HAN_LAST + 1)]
    emit = np.array([[emit_p[y].get(ch, MIN_FLOAT) for y in STATES] for ch in chars], dtype=np.float64)
    return Tables(start, trans, emit)


def _fits(tables: Tables) -> bool:
    shapes = ((4,), (4, 4), (HAN_LAST - HAN_FIRST + 1, 4))
    return all(a.dtype == np.float64 and a.shape == s for a, s in zip(tables, shapes))


def _read(path: Path) -> Tables | None:
    arrays = read_arrays(path, Tables._fields)
    tables = Tables(**arrays) if arrays is not None else None
    return tables if tables is not None and _fits(tables) else None


def _load() -> Tables:
    folder = jieba_folder() / "finalseg"
    cache = cache_file(f"jiebahmm-{_VERSION}", [folder / name for name in _SOURCES])
    tables = _read(cache) if cache is not None else None
    if tables is None:
        tables = _from_source(folder)
        if cache is not None:
            write_arrays(cache, tables._asdict())
    return tables


_LOCK = threading.Lock()
_TABLES: list[Tables] = []
_LISTS: list[tuple[list[float], list[list[float]], list[list[float]]]] = []


def load_tables() -> Tables:
    """finalseg's tables (read once per process: from the cache, else from jieba's files)."""
    if not _TABLES:
        with _LOCK:
            if not _TABLES:
                _TABLES.append(_load())
    return _TABLES[0]


def _lists() -> tuple[list[float], list[list[float]], list[list[float]]]:
    """The tables as Python floats, for the Python Viterbi pass."""
    if not _LISTS:
        tables = load_tables()
        with _LOCK:
            if not _LISTS:
                _LISTS.append((tables.start.tolist(), tables.trans.tolist(), tables.emit.tolist()))
    return _LISTS[0]


def _viterbi(obs: str) -> list[int]:
    """finalseg.viterbi: the most likely states, as numbers in letter order."""
    start, trans, emit = _lists()
    em = emit[ord(obs[0]) - HAN_FIRST]
    v = [start[y] + em[y] for y in range(4)]
    back: list[list[int]] = []
    for ch in obs[1:]:
        em = emit[ord(ch) - HAN_FIRST]
        w: list[float] = []
        came: list[int] = []
        for y, (lo, hi) in enumerate(_PREV):
            # max((prob, letter), ...): an equal prob goes to the larger letter, hi.
            a = v[lo] + trans[lo][y] + em[y]
            b = v[hi] + trans[hi][y] + em[y]
            w.append(b if b >= a else a)
            came.append(hi if b >= a else lo)
        v = w
        back.append(came)
    state = 3 if v[3] >= v[1] else 1  # max over 'ES'
    path = [state]
    for came in reversed(back):
        state = came[state]
        path.append(state)
    path.reverse()
    return path


def _cut_han(sentence: str) -> Iterator[str]:
    """finalseg.__cut."""
    begin, nexti = 0, 0
    for i, pos in enumerate(_viterbi(sentence)):
        if pos == 0:  # B
            begin = i
        elif pos == 1:  # E
            yield sentence[begin : i + 1]
            nexti = i + 1
        elif pos == 3:  # S
            yield sentence[i]
            nexti = i + 1
    if nexti < len(sentence):
        yield sentence[nexti:]


def cut(sentence: str) -> Iterator[str]:
    """``jieba.finalseg.cut(sentence)``."""
    for block in _HAN.split(sentence):
        if _HAN.match(block):
            yield from _cut_han(block)
        else:
            yield from (piece for piece in _SKIP.split(block) if piece)
