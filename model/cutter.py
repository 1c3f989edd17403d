"""jieba's cut, compiled: a ``cut_kernel.Segmenter`` built from jiebacut's and jiebahmm's tables.

The Segmenter holds jieba's dictionary as a hash table (16 MB) and its HMM; it is
built once per process, in about 20 ms from the cached tables, and shared with
forked workers. Its Python twin is ``jiebacut.lcut``; both return ``jieba.lcut``'s
words (tests/test_cut_kernel.py).
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import TYPE_CHECKING

from . import jiebacut, jiebahmm
from .kernel import load_cut_kernel

if TYPE_CHECKING:
    from .cut_kernel import Segmenter, Vocabulary

__all__ = ["build", "segmenter", "vocabulary"]

_LOCK = threading.Lock()
_BUILT: list[Segmenter] = []


def build(kernel: ModuleType) -> Segmenter:
    """A new Segmenter of ``kernel`` (the compiled module) from the cached tables."""
    table = jiebacut.dictionary()
    hmm = jiebahmm.load_tables()
    made: Segmenter = kernel.Segmenter(
        table.keys, table.freqs, table.total, table.longest, hmm.start, hmm.trans, hmm.emit
    )
    return made


def segmenter() -> Segmenter | None:
    """The process's compiled Segmenter, or None where ``cut_kernel`` is not built or not wanted
    (``PARKNEWS_KERNEL``, as for the other kernels)."""
    kernel = load_cut_kernel()
    if kernel is None:
        return None
    if not _BUILT:
        with _LOCK:
            if not _BUILT:
                _BUILT.append(build(kernel))
    return _BUILT[0]


def vocabulary(ids: dict[str, int]) -> Vocabulary:
    """The words of ``ids`` with an id (>= 0), as ``Segmenter.cut_ids`` reads them. For a process
    whose backend is the compiled Segmenter: its module is built, whatever ``PARKNEWS_KERNEL``
    says now (the backend is chosen once per process)."""
    from .cut_kernel import Vocabulary

    words = [(word, i) for word, i in ids.items() if i >= 0]
    return Vocabulary([w for w, _ in words], [i for _, i in words])
