"""The packed rows the classifier's term look-up reads: per term its weights, then its idf,
padded to 64 bytes (one cache line). A loaded model's blocks hold views into these rows, so
the weights are in memory once (``store.load_model`` packs, ``terms.Terms`` finds them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = ["aligned_rows", "pack_rows", "packed_rows", "row_width"]


class Block(Protocol):
    """What is read of a term block: its idf and weight rows."""

    @property
    def idf(self) -> np.ndarray: ...

    @property
    def weights(self) -> np.ndarray: ...


def row_width(n_labels: int) -> int:
    # One row per column: its weights, then its idf, padded to 64 bytes (one cache line).
    return n_labels + 1 + (-(n_labels + 1) % 8)


_LINE = 64  # bytes of a cache line


def aligned_rows(n_rows: int, width: int) -> np.ndarray:
    """Zeros, ``n_rows`` × ``width`` float64, the first row on a cache-line boundary: a 64-byte
    row then fills one line instead of straddling two (half the memory reads per term)."""
    owner = np.zeros(n_rows * width + _LINE // 8)
    skip = (-owner.ctypes.data % _LINE) // 8
    return owner[skip : skip + n_rows * width].reshape(n_rows, width)


def pack_rows(blocks: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weights, idf) of each block as views into one array laid out as ``Terms`` reads it.

    ``store.load_model`` keeps the views as the blocks' arrays, so ``Terms`` finds its rows
    there instead of holding a second copy of every weight (16 MB for the bundled model).
    """
    if not blocks:
        return []
    n_labels = blocks[0][0].shape[1]
    rows = aligned_rows(sum(len(idf) for _, idf in blocks), row_width(n_labels))
    views = []
    start = 0
    for weights, idf in blocks:
        stop = start + len(idf)
        rows[start:stop, :n_labels] = weights
        rows[start:stop, n_labels] = idf
        views.append((rows[start:stop, :n_labels], rows[start:stop, n_labels]))
        start = stop
    return views


def packed_rows(blocks: Sequence[Block], n_labels: int) -> np.ndarray | None:
    """The array ``pack_rows`` made for exactly these blocks, if their arrays are its views."""
    owner = blocks[0].weights.base if blocks else None
    width = row_width(n_labels)
    n_rows = sum(len(b.idf) for b in blocks)
    if not isinstance(owner, np.ndarray) or owner.dtype != np.float64 or not owner.flags.c_contiguous:
        return None
    skip, rest = divmod(blocks[0].weights.ctypes.data - owner.ctypes.data, owner.itemsize)
    if rest or skip < 0 or skip + n_rows * width > owner.size:
        return None
    rows = owner.reshape(-1)[skip : skip + n_rows * width].reshape(n_rows, width)
    start = 0
    for block in blocks:
        at = rows.ctypes.data + start * rows.strides[0]
        weights, idf = block.weights, block.idf
        if (
            weights.base is not owner
            or idf.base is not owner
            or weights.shape != (len(idf), n_labels)
            or weights.strides != rows.strides
            or idf.strides != rows.strides[:1]
            or weights.ctypes.data != at
            or idf.ctypes.data != at + n_labels * rows.strides[1]
        ):
            return None
        start += len(idf)
    return rows
