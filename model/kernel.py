"""The compiled inner loop of the classifier (``score_kernel.c``): whether it is there and wanted.

``terms.Terms.scores`` has two paths that give the same scores to the last bit: the compiled
kernel, built at install time where a C compiler is found, and numpy. ``PARKNEWS_KERNEL``
picks one (``compiled`` or ``numpy``); unset, the kernel is used when it was built.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np

from .errors import ParknewsError

__all__ = ["KERNELS", "load_kernel", "logs"]

_LOGS = np.zeros(2)


def logs(n: int) -> np.ndarray:
    """``log(k)`` for k < n (k = 0 unused), computed by numpy as the numpy path computes log tf."""
    global _LOGS
    if len(_LOGS) < n:
        # Grown in powers of two; a new array each time, so threads holding the old one are safe.
        size = 1 << max(12, (n - 1).bit_length())
        _LOGS = np.concatenate([[0.0], np.log(np.arange(1, size, dtype=np.int64))])
    return _LOGS


KERNELS: tuple[str, ...] = ("compiled", "numpy")


def load_kernel() -> ModuleType | None:
    """The compiled inner loop (``model/score_kernel.c``), or None for the numpy path: when it was not
    built (no C compiler at install time) or ``PARKNEWS_KERNEL=numpy`` asks for numpy. Both give
    the same scores to the last bit; a bad value raises."""
    wanted = os.environ.get("PARKNEWS_KERNEL", "").strip().lower()
    if wanted and wanted not in KERNELS:
        raise ParknewsError(f"PARKNEWS_KERNEL={wanted!r}: expected one of {', '.join(KERNELS)}")
    if wanted == "numpy":
        return None
    try:
        from . import score_kernel
    except ImportError:
        if wanted == "compiled":
            raise ParknewsError(
                "PARKNEWS_KERNEL=compiled: the compiled kernel was not built (reinstall with a C compiler)"
            ) from None
        return None
    return score_kernel
