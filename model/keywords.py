"""Content words and keywords of an article: jieba words weighted by TF-IDF.

The IDF table (``resources/idf.json``) is built from the labeled corpus by
``parknews.training.idf.build_idf`` (``parknews data idf``) and ships with the package, as does
the stop-word list; both are read on first use, once, under a lock. Words
the table has never seen count as rare (the table's ``default``).
"""

from __future__ import annotations

import json
import math
import pkgutil
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .errors import ModelError
from .segment import cut

__all__ = ["IdfTable", "content_words", "idf_table", "keywords", "stop_words"]

_PACKAGE = __name__.rsplit(".", 1)[0]
_HAS_WORD = re.compile(r"\w")
# Amounts, dates and percentages ("53.78", "2023", "9.8%") are facts, not topics.
_NUMERIC = re.compile(r"[\d.,%％:/\-]+")


@dataclass(frozen=True)
class IdfTable:
    """Smoothed IDF per word, ``ln((N + 1) / (df + 1)) + 1``, over ``documents`` articles."""

    documents: int
    default: float
    idf: Mapping[str, float]

    def __getitem__(self, word: str) -> float:
        return self.idf.get(word, self.default)


class _Resources:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop: frozenset[str] | None = None
        self._idf: IdfTable | None = None

    @staticmethod
    def _read(name: str) -> bytes:
        data = pkgutil.get_data(_PACKAGE, f"resources/{name}")
        if data is None:
            raise ModelError(f"parknews is installed without its resource {name}; reinstall it")
        return data

    def stop_words(self) -> frozenset[str]:
        if self._stop is None:
            with self._lock:
                if self._stop is None:
                    lines = self._read("stopwords.txt").decode("utf-8").splitlines()
                    self._stop = frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
        return self._stop

    def idf(self) -> IdfTable:
        if self._idf is None:
            with self._lock:
                if self._idf is None:
                    raw = json.loads(self._read("idf.json"))
                    self._idf = IdfTable(
                        documents=int(raw["documents"]), default=float(raw["default"]), idf=raw["idf"]
                    )
        return self._idf


_RESOURCES = _Resources()


def stop_words() -> frozenset[str]:
    """The shipped stop-word list (function words and news boilerplate)."""
    return _RESOURCES.stop_words()


def idf_table() -> IdfTable:
    """The shipped IDF table."""
    return _RESOURCES.idf()


# Enough for the sentences and paragraphs of any usual article (read twice: by the summarizer,
# then by the keyword extractor); on a page of 70,000 sentences, 65,536 entries held 10 MB of
# cache bookkeeping at the summarizer's peak.
@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    stop = stop_words()
    # Interned: a long page repeats a few thousand words hundreds of thousands of times,
    # and each token jieba returns is a new string object.
    return tuple(
        sys.intern(w)
        for w in (token.strip().lower() for token in cut(text))
        if w and _HAS_WORD.search(w) and w not in stop and not _NUMERIC.fullmatch(w)
    )


def content_words(text: str) -> tuple[str, ...]:
    """jieba words of normalized ``text`` in order, without stop words, numbers and punctuation.

    Cached: the summarizer and the keyword extractor read the same sentences.
    """
    return _words(text)


def keywords(texts: Iterable[str], *, top: int = 8, idf: IdfTable | None = None) -> list[str]:
    """The ``top`` words of ``texts`` (normalized paragraphs) by TF-IDF, best first.

    Single characters are left out: alone they rarely name a topic (园, 区, 亿).
    Ties go to the word seen first, so the result does not depend on hashing.
    """
    if top < 1:
        return []
    table = idf or idf_table()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in content_words(text) if len(w) > 1)
    order = {w: i for i, w in enumerate(counts)}
    ranked = sorted(counts, key=lambda w: (-(1.0 + math.log(counts[w])) * table[w], order[w]))
    return ranked[:top]
