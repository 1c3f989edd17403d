"""Word segmentation with jieba, loaded on first use.

jieba builds its prefix dictionary lazily and logs while doing so; parknews
owns one ``jieba.Tokenizer`` and keeps it quiet so normal runs print nothing
on stderr.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["cut"]


class _Segmenter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: object | None = None

    def _load(self) -> object:
        with self._lock:
            if self._tokenizer is None:
                import jieba

                # jieba's own logger announces every dictionary load on stderr.
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                self._tokenizer = tokenizer
        return self._tokenizer

    def cut(self, text: str) -> list[str]:
        tokenizer = self._tokenizer or self._load()
        return tokenizer.lcut(text)  # type: ignore[attr-defined]


_SEGMENTER = _Segmenter()


def cut(text: str) -> list[str]:
    """Segment ``text`` into words (jieba, HMM on), white space included as tokens."""
    return _SEGMENTER.cut(text)
