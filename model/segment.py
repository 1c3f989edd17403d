"""Word segmentation: jieba's output, computed by a compiled copy of its cut, or by rjieba.

jieba is the reference: the models were designed and trained on its words, and
``cut`` returns exactly what ``jieba.lcut(text)`` (HMM on) returns. Three backends
compute it:

- ``compiled`` (where the compiled kernels were built, unless ``PARKNEWS_KERNEL=python``):
  ``cut_kernel.Segmenter`` (model/cutter.py), jieba's own algorithm in C over jieba's
  dictionary and HMM, exact for every text; ~3 µs for a 57-character paragraph and
  ~30 ms to load its tables (cached between processes).
- ``rjieba`` (jieba-rs), where no compiled kernel is in use. It reads the same
  dictionary and HMM, segments about 20× faster than jieba and starts in about 0.1 s
  where jieba needs 0.65 s to load its dictionary, but differs from jieba in three
  known ways, each handled here:

  1. Inside an HMM run jieba splits ASCII at ``.``, ``-`` and ``_``
     (``0-0-0`` → ``0 - 0 - 0``, ``v1.2.3`` → ``v1.2 . 3``); jieba-rs keeps such
     tokens whole. They are split again with jieba's own pattern.
  2. jieba-rs counts CJK Extension A/B…, U+9FD6–U+9FFF and compatibility
     ideographs as Han; jieba does not. Strings holding them go to jieba.
  3. On a Han character repeated three times or more, the two Viterbi
     implementations break ties between equally likely paths differently.
     Such strings go to jieba too, as do strings holding lone surrogates,
     which cannot be passed to Rust.

  "Going to jieba" means ``jiebacut.lcut``: jieba's cut re-computed in Python from
  its ``dict.txt`` in a 10 MB table, so jieba's 66 MB dictionary is never loaded.
- ``jieba`` itself, when ``PARKNEWS_SEGMENTER=jieba`` asks for it (benchmarks use it
  to measure the difference) or when neither of the others can run.

``PARKNEWS_SEGMENTER`` may also name ``compiled`` or ``rjieba``. The tests check the
equality with jieba on every paragraph of the labeled corpus and on random strings
(``tests/test_performance_contract.py``, ``tests/test_cut_kernel.py``).
"""

from __future__ import annotations

import bisect
import itertools
import operator
import os
import re
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import cutter, jiebacut
from .errors import ParknewsError
from .kernel import load_token_kernel

if TYPE_CHECKING:
    from .cut_kernel import Segmenter

__all__ = [
    "BACKENDS",
    "backend",
    "compiled_segmenter",
    "cut",
    "cut_lines",
    "load_reference",
    "requested_backend",
]

BACKENDS: tuple[str, ...] = ("compiled", "rjieba", "jieba")

# finalseg's re_skip: how jieba's HMM splits the non-Han part of an unknown run.
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_JOINED = re.compile(r"[._\-]")
# Lone surrogates (text decoded with surrogateescape) cannot cross into Rust at all.
_NEEDS_REFERENCE = re.compile(
    r"[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\ud800-\udfff]|([\u4e00-\u9fd5])\1\1"
)


def requested_backend() -> str | None:
    """The backend ``PARKNEWS_SEGMENTER`` asks for (None: the fastest installed); a bad value raises."""
    wanted = os.environ.get("PARKNEWS_SEGMENTER", "").strip().lower()
    if wanted and wanted not in BACKENDS:
        raise ParknewsError(f"PARKNEWS_SEGMENTER={wanted!r}: expected one of {', '.join(BACKENDS)}")
    return wanted or None


def _pieces(token: str) -> list[str]:
    if len(token) > 2 and token.isascii() and _JOINED.search(token):
        return [piece for piece in _JIEBA_SKIP.split(token) if piece]
    return [token]


# Tokens already looked at: those jieba would split (with their pieces) and those it keeps.
# Bounded like any memory of open-ended text; entries are never removed (threads share them).
_SPLIT: dict[str, list[str]] = {}
_KEPT: set[str] = set()
_SEEN_TOKENS = 200_000


def _pieces_of(token: str) -> list[str] | None:
    """What jieba splits ``token`` into, None if it keeps it whole; remembered."""
    pieces = _SPLIT.get(token)
    if pieces is not None or token in _KEPT:
        return pieces
    pieces = _pieces(token)
    if pieces != [token]:
        if len(_SPLIT) < _SEEN_TOKENS:
            _SPLIT[token] = pieces
        return pieces
    if len(_KEPT) < _SEEN_TOKENS:
        _KEPT.add(token)
    return None


def joined_tokens(tokens: list[str]) -> list[int]:
    """Positions of the tokens ``_pieces`` may split: ASCII, longer than two, holding . _ or -
    (``token_kernel.joined_tokens``, its compiled twin, where built)."""
    joined = "\n".join(tokens)  # no token holds a newline but the line break itself
    offsets: list[int] = []
    end = -1
    for mark in _JOINED.finditer(joined):  # marks are rare: one scan in C, then each in Python
        if mark.start() < end:
            continue  # in the token already looked at
        start = joined.rfind("\n", 0, mark.start()) + 1
        end = joined.find("\n", mark.end())
        end = len(joined) if end < 0 else end
        if end - start > 2 and joined[start:end].isascii():
            offsets.append(start)
    if not offsets:
        return []
    # Where each token starts in ``joined``, to turn an offset into the token's position.
    starts = list(itertools.accumulate(map(operator.add, map(len, tokens), itertools.repeat(1)), initial=0))
    return [bisect.bisect_left(starts, offset) for offset in offsets]


def needs_reference(text: str) -> bool:
    """Whether ``text`` holds what only jieba segments right (module docstring, 2 and 3)."""
    return _NEEDS_REFERENCE.search(text) is not None


def _reference_check() -> Callable[[str], bool]:
    """``needs_reference``, compiled (``token_kernel``) where built."""
    compiled = load_token_kernel()
    return compiled.needs_reference if compiled is not None else needs_reference


def _resplit(tokens: list[str]) -> list[str]:
    """Split the tokens jieba's HMM would split; only the few that may be split are looked at."""
    compiled = load_token_kernel()
    marked = compiled.joined_tokens(tokens) if compiled is not None else joined_tokens(tokens)
    found = [(i, pieces) for i in marked if (pieces := _pieces_of(tokens[i])) is not None]
    if not found:
        return tokens
    out: list[str] = []
    last = 0
    for i, pieces in found:
        out += tokens[last:i]
        out += pieces
        last = i + 1
    out += tokens[last:]
    return out


class _Segmenter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: Callable[[str], list[str]] | None = None
        self._compiled: Segmenter | None = None
        self._fast: Callable[..., list[str]] | None = None
        self._backend: str | None = None

    def backend(self) -> str:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = self._choose()
        return self._backend

    def _choose(self) -> str:
        wanted = requested_backend()
        if wanted == "jieba":
            return "jieba"
        if wanted != "rjieba":
            self._compiled = cutter.segmenter()  # a bad PARKNEWS_KERNEL raises here
            if self._compiled is not None:
                return "compiled"
            if wanted == "compiled":
                raise ParknewsError(
                    "PARKNEWS_SEGMENTER=compiled needs the compiled kernels "
                    "(reinstall with a C compiler, and leave PARKNEWS_KERNEL unset or compiled)"
                )
        try:
            import rjieba
        except ImportError:
            if wanted == "rjieba":
                raise ParknewsError("PARKNEWS_SEGMENTER=rjieba needs rjieba: pip install rjieba") from None
            return "jieba"
        self._fast = rjieba.cut
        return "rjieba"

    def _compiled_cut(self) -> Segmenter | None:
        """The compiled Segmenter when it is the backend (the backend is chosen on the first call)."""
        if self._backend is None:
            self.backend()
        return self._compiled

    def _reference(self) -> Callable[[str], list[str]]:
        """jieba's cut: jieba itself when asked for, else the same cut without its dictionary."""
        if self._jieba is None:
            itself = self.backend() == "jieba"  # outside the lock: backend() takes it too
            with self._lock:
                if self._jieba is None:
                    self._jieba = self._load_jieba() if itself else jiebacut.lcut
        return self._jieba

    @staticmethod
    def _load_jieba() -> Callable[[str], list[str]]:
        with warnings.catch_warnings():
            # jieba 0.42 imports pkg_resources, which recent setuptools
            # deprecates loudly on every import; nothing for our users to do.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            import jieba

        import logging  # here: rjieba runs never need it (a few ms of a cold start)

        # jieba's own logger announces every dictionary load on stderr.
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return tokenizer.lcut

    def cut_lines(self, texts: Sequence[str]) -> list[str]:
        compiled = self._compiled_cut()
        if compiled is not None:  # it reads a newline inside a text as a space itself
            return compiled.cut_lines(texts if isinstance(texts, list) else list(texts))
        texts = [t.replace("\n", " ") for t in texts]
        fast = self._fast
        if fast is None and self.backend() == "rjieba":
            fast = self._fast
        if fast is None:
            return self._each(texts)
        joined = "\n".join(texts)
        needs = _reference_check()
        if needs(joined):
            # Only the texts that need jieba go to it; runs of the others are still cut in one call.
            tokens: list[str] = []
            run: list[str] = []
            for text in texts:
                if needs(text):
                    if run:
                        tokens += self._fast_cut(fast, "\n".join(run))
                        tokens.append("\n")
                        run = []
                    tokens += self._reference()(text)
                    tokens.append("\n")
                else:
                    run.append(text)
            if run:
                tokens += self._fast_cut(fast, "\n".join(run))
            elif tokens:
                tokens.pop()
            return tokens
        return self._fast_cut(fast, joined)

    @staticmethod
    def _fast_cut(fast: Callable[..., list[str]], text: str) -> list[str]:
        tokens = fast(text, True)
        return _resplit(tokens) if _JOINED.search(text) else tokens

    def _each(self, texts: list[str]) -> list[str]:
        tokens: list[str] = []
        for i, text in enumerate(texts):
            if i:
                tokens.append("\n")
            tokens.extend(self.cut(text))
        return tokens

    def cut(self, text: str) -> list[str]:
        compiled = self._compiled_cut()
        if compiled is not None:
            return compiled.cut(text)
        fast = self._fast
        if fast is None and self.backend() == "rjieba":
            fast = self._fast
        if fast is None or _reference_check()(text):
            return self._reference()(text)
        tokens = fast(text, True)
        return _resplit(tokens) if _JOINED.search(text) else tokens


_SEGMENTER = _Segmenter()


def backend() -> str:
    """The segmenter in use (module docstring): ``compiled`` where its kernel is built and wanted, else
    ``rjieba`` if installed, else ``jieba``; ``PARKNEWS_SEGMENTER`` may choose another."""
    return _SEGMENTER.backend()


def compiled_segmenter() -> Segmenter | None:
    """The compiled Segmenter when ``compiled`` is the backend, else None (for callers that take
    its ids rather than its words: ``terms``)."""
    return _SEGMENTER._compiled_cut()


def cut(text: str) -> list[str]:
    """Segment ``text`` as ``jieba.lcut(text)`` does (HMM on), white space included as tokens."""
    return _SEGMENTER.cut(text)


def cut_lines(texts: Sequence[str]) -> list[str]:
    """``cut`` of each text, as one list with a newline token between texts (one call for a batch).

    jieba never segments across a line break, so this equals joining the cuts;
    a newline inside a text is read as a space (both are dropped as words).
    """
    return _SEGMENTER.cut_lines(texts)


def load_reference() -> None:
    """Load what ``cut`` needs now (before forking workers, which then share it): the compiled
    Segmenter's tables or jieba itself when either is the backend; for rjieba, only the choice
    of ``jiebacut``, whose table is built on its first use."""
    _SEGMENTER._reference()
