"""Concepts of the genre: word lists that stand for one idea each (``resources/concepts.txt``).

A model fitted on a few hundred articles has seen only some of the ways pages say
"hiring" or "investment promotion"; a page from an unseen site says it with other
words (徵才, 職缺, 客商, 帮办). Each concept counts the hits of many such words, so
the weight the classifier learns for the concept carries over to words the corpus
never used. The lists were written from knowledge of the genre, not fitted on data.
"""

from __future__ import annotations

import math
import re
import threading
from importlib import resources

__all__ = ["CONCEPT_NAMES", "concept_counts"]


def _read_concepts() -> dict[str, list[str]]:
    text = resources.files("parknews.model").joinpath("resources/concepts.txt").read_text("utf-8")
    concepts: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, words = line.split(":", 1)
            concepts[name.strip()] = words.split()
    return concepts


class _Concepts:
    """One alternation per concept, longest words first, read and compiled on first use under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._patterns: list[re.Pattern[str]] | None = None

    def patterns(self) -> list[re.Pattern[str]]:
        if self._patterns is None:
            with self._lock:
                if self._patterns is None:
                    self._patterns = [
                        re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))
                        for words in _read_concepts().values()
                    ]
        return self._patterns


_CONCEPTS = _Concepts()
CONCEPT_NAMES: tuple[str, ...] = tuple(_read_concepts())


def concept_counts(text: str) -> list[float]:
    """log(1 + hits) of each concept's words in normalized ``text``, in ``CONCEPT_NAMES`` order."""
    lowered = text.lower()
    return [math.log1p(len(p.findall(lowered))) for p in _CONCEPTS.patterns()]
