"""What the classifier reads from a paragraph: words, character n-grams and layout.

The functions here are used unchanged by training (inside scikit-learn
vectorizers) and by inference (``model.classifier``), so a saved model sees
exactly the features it was fitted on. Bump ``FEATURES_VERSION`` whenever
their output changes: saved models record it and refuse to load across it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from types import ModuleType
from typing import NamedTuple

import numpy as np

from .kernel import text_scans
from .segment import cut
from .text import normalize

__all__ = [
    "FEATURES_VERSION",
    "LAYOUT_NAMES",
    "MAX_FEATURE_CHARS",
    "Context",
    "char_terms",
    "contexts",
    "layout_key",
    "layout_matrix",
    "layout_vector",
    "word_terms",
]

FEATURES_VERSION = 4
# A "paragraph" of megabytes is a scraping accident (minified script, a page on
# one line); its first few thousand characters say all the classifier needs.
MAX_FEATURE_CHARS = 5000


class Context(NamedTuple):
    """A paragraph as the classifier sees it: its normalized text, and whether it stands in a
    list of headlines (the one thing read from the article around it).

    Position in the article and the neighbours' text are not here on purpose: they
    described the training pages' templates and did not carry over to real pages
    (README, "What moved real-page quality").
    """

    text: str
    in_list: bool = False


# A short line opening a list of other stories: what follows it is page furniture.
_LIST_HEADING = re.compile(
    r"^(?:相关|推荐|热点|热门|最新|最近|更多|排行|今日|为您|您可能|猜你|延伸|精彩|往期|点击排行|热文|上一篇|下一篇)"
)
_LIST_HEADING_MAX_CHARS = 12
# A list of headlines ends where article prose starts again: a long line with a full stop.
_PROSE_MIN_CHARS = 40
_PROSE_MARK = re.compile(r"[。！？!?]")


def contexts(lines: Sequence[str]) -> list[Context]:
    """Contexts for the non-empty lines of one article, in order."""
    out: list[Context] = []
    in_list = False
    for text in normalize.many([line[:MAX_FEATURE_CHARS] for line in lines]):
        if in_list and len(text) >= _PROSE_MIN_CHARS and _PROSE_MARK.search(text):
            in_list = False
        out.append(Context(text, in_list))
        if len(text) <= _LIST_HEADING_MAX_CHARS and _LIST_HEADING.match(text):
            in_list = True
    return out


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
HAS_WORD = re.compile(r"\w")


def fold_digits(text: str) -> str:
    # 53.78亿元 and 460.587亿元 should share features; the amount itself is noise.
    scans = text_scans()
    if scans is not None:
        return scans.zero_numbers(text.lower())
    return _DIGITS.sub("0", text.lower())


def word_terms(ctx: Context) -> list[str]:
    """jieba words and adjacent word pairs of the paragraph."""
    words = [w for w in cut(fold_digits(ctx.text)) if HAS_WORD.search(w)]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def char_terms(ctx: Context) -> list[str]:
    """Character 1- to 3-grams of the paragraph, white space removed."""
    text = fold_digits(ctx.text).replace(" ", "")
    grams = list(text)
    grams += [text[i : i + 2] for i in range(len(text) - 1)]
    grams += [text[i : i + 3] for i in range(len(text) - 2)]
    return grams


_URL = re.compile(r"https?://|www\.|\.(?:com|cn|net|html?|php)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{3,4}[- ]\d{7,8}|400[- ]?\d{3}[- ]?\d{3,4})(?!\d)")
_FILE = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp)\b", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-·•*>]|\d+[.、)])\s*")
_TRUNCATED = re.compile(r"(?:\.\.\.|…)$")
_TRUNCATED_ENDS = ("...", "…", "...\n", "…\n")  # what _TRUNCATED finds ($ matches before a last \n)
_THREE_DIGITS = re.compile(r"\d{3}")  # in every number _PHONE finds


def layout_vector(ctx: Context) -> list[float]:
    """Dense cues: markers of page furniture in the paragraph itself and the headline list it stands in.

    Position in the article and the neighbours' shape are left out on purpose: they
    describe the templates of the training pages and did not carry over to real pages
    from other sites (README, "What moved real-page quality").
    """
    text = ctx.text
    # Each search only where it can match (cheap tests first: these searches were a twentieth of
    # classifying new text): a URL holds "." or ":", a phone number three digits in a row.
    return [
        1.0 if ("." in text or ":" in text) and _URL.search(text) else 0.0,
        1.0 if _THREE_DIGITS.search(text) and _PHONE.search(text) else 0.0,
        1.0 if _FILE.search(text) else 0.0,
        1.0 if _BULLET.match(text) else 0.0,
        1.0 if text.endswith(_TRUNCATED_ENDS) else 0.0,
        1.0 if ctx.in_list else 0.0,
    ]


def layout_matrix(ctxs: Sequence[Context], scans: ModuleType) -> np.ndarray:
    """``layout_vector`` of each context as the rows of one array, the five text cues found by
    the compiled scan (``token_kernel.layout_cues``, the same regexes' answers; tests compare)."""
    dense = np.empty((len(ctxs), len(LAYOUT_NAMES)))
    cues = np.frombuffer(scans.layout_cues([c.text for c in ctxs]), dtype=np.float64)
    dense[:, :-1] = cues.reshape(len(ctxs), len(LAYOUT_NAMES) - 1)
    dense[:, -1] = [c.in_list for c in ctxs]
    return dense


def layout_key(ctx: Context) -> tuple[str, bool]:
    """Everything ``layout_vector`` reads from a context: equal keys, equal vectors (the
    classifier remembers vectors by it). Change it with ``layout_vector``."""
    return ctx.text, ctx.in_list


LAYOUT_NAMES: tuple[str, ...] = (
    "url",
    "phone",
    "image_file",
    "bullet",
    "truncated",
    "in_headline_list",
)
