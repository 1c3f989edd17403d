"""The compiled kernels (``score_kernel.c``, ``token_kernel.c``, ``cut_kernel.c``,
``jsonl_kernel.c``): whether they are there and wanted.

Each has a Python twin that gives the same result to the last bit: ``terms.Terms`` scores
with numpy, ``segment``, ``terms``, ``text`` and ``features`` scan tokens and text in Python,
rjieba and ``jiebacut`` cut as jieba does, ``annotate`` writes JSONL records with the json
module. The kernels are built at install time where a C compiler is found (``setup.py``).
``PARKNEWS_KERNEL`` picks ``compiled`` or ``python``; unset, the kernels are used when they
were built.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from types import ModuleType

import numpy as np

from .errors import ParknewsError

__all__ = [
    "KERNELS",
    "load_cut_kernel",
    "load_jsonl_kernel",
    "load_kernel",
    "load_token_kernel",
    "logs",
    "text_scans",
]

_LOGS = np.zeros(2)


def logs(n: int) -> np.ndarray:
    """``log(k)`` for k < n (k = 0 unused), computed by numpy as the numpy path computes log tf."""
    global _LOGS
    if len(_LOGS) < n:
        # Grown in powers of two; a new array each time, so threads holding the old one are safe.
        size = 1 << max(12, (n - 1).bit_length())
        _LOGS = np.concatenate([[0.0], np.log(np.arange(1, size, dtype=np.int64))])
    return _LOGS


KERNELS: tuple[str, ...] = ("compiled", "python")


def _compiled(name: str) -> ModuleType | None:
    wanted = os.environ.get("PARKNEWS_KERNEL", "").strip().lower()
    if wanted and wanted not in KERNELS:
        raise ParknewsError(f"PARKNEWS_KERNEL={wanted!r}: expected one of {', '.join(KERNELS)}")
    if wanted == "python":
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        if wanted == "compiled":
            raise ParknewsError(
                "PARKNEWS_KERNEL=compiled: the compiled kernels were not built (reinstall with a C compiler)"
            ) from None
        return None


def load_kernel() -> ModuleType | None:
    """The classifier's compiled inner loop (``score_kernel.c``), or None for the numpy path: when
    it was not built or ``PARKNEWS_KERNEL=python`` asks for that; a bad value raises."""
    return _compiled("score_kernel")


def load_token_kernel() -> ModuleType | None:
    """The compiled token scans (``token_kernel.c``), or None for their Python twins (as above)."""
    return _compiled("token_kernel")


def load_cut_kernel() -> ModuleType | None:
    """The compiled word segmentation (``cut_kernel.c``), or None for rjieba and ``jiebacut`` (as above)."""
    return _compiled("cut_kernel")


def load_jsonl_kernel() -> ModuleType | None:
    """The compiled JSONL writer (``jsonl_kernel.c``), or None for ``annotate``'s Python path."""
    return _compiled("jsonl_kernel")


@cache
def text_scans() -> ModuleType | None:
    """``load_token_kernel()``, decided once per process, for the scans made once per text
    (``text.normalize``, ``features.fold_digits``): reading ``PARKNEWS_KERNEL`` again for
    each text cost more than the scan itself."""
    return load_token_kernel()
