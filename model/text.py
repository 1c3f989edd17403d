"""Text handling shared by the classifier and the summarizer.

Users always see the original text; ``normalize`` produces the form the models
read: pinyin glosses dropped, traditional script converted to simplified,
full/half width and white space folded.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .kernel import text_scans
from .memory import recall, remember
from .script import simplified_lines, to_simplified

__all__ = [
    "Paragraph",
    "normalize",
    "paragraphs",
    "split_lines",
    "split_sentences",
    "strip_glosses",
    "to_simplified",
]

# Pinyin syllables (tone marks removed). A gloss is only dropped when its
# content is a real syllable, so "(ABB)", "(app)" or "(天元區)" survive.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|uan|ian|iao|uai|van|ai|ei|ao|ou|an|en|in|un|vn"
    r"|ia|ie|ua|uo|ue|ve|ui|iu|er|a|o|e|i|u|v)"
)
_TONE_BASE = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GLOSS = re.compile(rf"(?<=[{_HAN}])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{{1,6}})[)）]")


def _is_syllable(candidate: str) -> bool:
    return _SYLLABLE.fullmatch(candidate.translate(_TONE_BASE)) is not None


def strip_glosses(text: str) -> str:
    """Drop pinyin glosses glued after Han characters: ``區(qū)`` → ``區``."""
    if "(" not in text and "（" not in text:  # a substring test is far cheaper than the look-behind
        return text
    scans = text_scans()
    if scans is not None:  # the same glosses found and dropped (tests compare)
        return scans.strip_glosses(text)
    return _GLOSS.sub(lambda m: "" if _is_syllable(m.group(1)) else m.group(0), text)


# Where the one-character compatibility forms of Chinese pages live: Latin-1's no-break space,
# general punctuation, letterlike and enclosed forms, CJK symbols and compatibility
# ideographs, vertical, small, full- and half-width forms.
_COMPAT_RANGES = (
    (0x00A0, 0x0100),
    (0x2000, 0x2200),
    (0x2460, 0x2500),
    (0x3000, 0x3040),
    (0xF900, 0xFB00),
    (0xFE30, 0xFE70),
    (0xFF00, 0xFFF0),
)


@cache
def _compat_folds() -> tuple[array, dict[int, str]]:
    """Each character of ``_COMPAT_RANGES`` whose NFKD is one other character, mapped to it: as a
    table of code points (0: kept) and as the dict ``str.translate`` takes."""
    folds: dict[int, str] = {}
    for start, stop in _COMPAT_RANGES:
        for point in range(start, stop):
            char = chr(point)
            if not unicodedata.is_normalized("NFKD", char):
                decomposed = unicodedata.normalize("NFKD", char)
                if len(decomposed) == 1:
                    folds[point] = decomposed
    table = array("I", bytes(4 * (max(folds) + 1)))
    for point, char in folds.items():
        table[point] = ord(char)
    return table, folds


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, the common full-width forms folded first.

    Replacing a character by its NFKD leaves the text's NFKD, hence its NFKC, unchanged; and
    text left without compatibility forms passes unicodedata's quick check instead of being
    decomposed and composed again (a twentieth of classifying new text).
    """
    table, folds = _compat_folds()
    scans = text_scans()
    text = scans.fold_compat(text, table) if scans is not None else text.translate(folds)
    return unicodedata.normalize("NFKC", text)


def _normalized_lines(texts: list[str]) -> list[str]:
    """The form models read of each text: no glosses, simplified, NFKC width folding, one space.

    OpenCC is called once for all and only for the texts it could change (``script``: its
    cost per call was a quarter of normalizing a line, its work most of the rest).
    """
    simplified = simplified_lines([strip_glosses(t) for t in texts])
    # str.split() and the regex \s agree on what white space is (both use Py_UNICODE_ISSPACE).
    return [" ".join(_nfkc(t).split()) for t in simplified]


def _normalized(text: str) -> str:
    """``_normalized_lines`` of one text."""
    return _normalized_lines([text])[0]


class _Remembered:
    """``normalize``: ``_normalized`` with a bounded memory of the texts already seen, because
    scraped pages repeat the same furniture lines over and over; ``many`` normalizes a batch."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._memory: dict[str, str] = {}
        self.__wrapped__ = _normalized  # the function without the memory, as functools names it

    def __call__(self, text: str) -> str:
        found = self._memory.get(text)
        return found if found is not None else self.many([text])[0]

    def many(self, texts: list[str]) -> list[str]:
        """``[normalize(t) for t in texts]``, the texts not remembered normalized in one batch."""
        found, missing = recall(self._memory, texts)
        if missing:
            new = dict(zip(missing, _normalized_lines(missing)))
            found.update(new)
            remember(self._memory, new, self.size)
        return [found[t] for t in texts]

    def cache_clear(self) -> None:
        self._memory.clear()


normalize = _Remembered(65536)


@dataclass(frozen=True)
class Paragraph:
    """One non-empty line of an article: its 0-based index among them and its text."""

    index: int
    text: str


def split_lines(text: str) -> list[str]:
    """Lines as a text editor counts them: ``\\n``, ``\\r\\n`` and ``\\r`` end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def paragraphs(text: str) -> list[Paragraph]:
    """The non-empty lines of an article, in order, with their original text."""
    lines = (line for line in split_lines(text) if line.strip())
    return [Paragraph(i, line) for i, line in enumerate(lines)]


# Sentence marks, shared with the summarizer (model/sentences.py): a sentence ends at one
# of END_MARKS; split_sentences also cuts after CLAUSE_MARKS, which sentences_of joins back.
END_MARKS = frozenset("。！？!?")
CLAUSE_MARKS = frozenset("；;")
CLOSERS = frozenset("”’\"'」』）)】》〉]}")
_END_MARKS = END_MARKS | CLAUSE_MARKS
_CLOSERS = CLOSERS
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9=&/%#_.-]")


def _sentence_ends(text: str) -> Iterator[int]:
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _END_MARKS and not _inside_ascii_token(text, i):
            j = i + 1
            while j < n and (text[j] in _END_MARKS or text[j] in _CLOSERS):
                j += 1
            yield j
            i = j
        else:
            i += 1


def _inside_ascii_token(text: str, i: int) -> bool:
    # "index.php?id=3" or "a;b": ASCII ?!; between ASCII word characters is not an end mark.
    if text[i] not in "?!;":
        return False
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before and after and _ASCII_ALNUM.match(before) and _ASCII_ALNUM.match(after))


def split_sentences(text: str) -> list[str]:
    """Split after 。！？!?；; keeping closing quotes and brackets with their sentence.

    Commas never split, numbers like 53.78 are never cut, and a last sentence
    without an end mark is kept. Surrounding white space is trimmed; nothing
    else is changed, so each sentence is a substring of ``text``.
    """
    sentences: list[str] = []
    start = 0
    for end in _sentence_ends(text):
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
