"""Bounded memories of values computed from text: crawled pages repeat the same furniture lines
over and over, so normalizing or scoring a line once serves all its copies.

A memory is a plain dict, read in batches with ``recall`` and filled with ``remember``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["recall", "remember"]


def recall(memory: dict[Any, Any], keys: Iterable[Any]) -> tuple[dict[Any, Any], list[Any]]:
    """What ``memory`` holds of the distinct ``keys``, and the keys it lacks.

    Values are copied out first: remembering new ones may clear the memory.
    """
    found: dict[Any, Any] = {}
    missing: list[Any] = []
    for key in dict.fromkeys(keys):
        value = memory.get(key)
        if value is None:
            missing.append(key)
        else:
            found[key] = value
    return found, missing


def remember(memory: dict[Any, Any], new: dict[Any, Any], size: int) -> None:
    """Add ``new`` to ``memory``, which holds at most ``size`` entries."""
    if len(memory) + len(new) > size:
        # Dropping everything is crude but safe under threads; furniture comes back at once.
        memory.clear()
    if len(new) <= size:
        memory.update(new)
