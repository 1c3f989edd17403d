"""Bytes to text, in whatever encoding scrapers produced, and the ``Document`` it makes.

UTF-8 (with or without BOM) and UTF-16/32 with a BOM are taken as they are. A
file that is UTF-8 but for a few broken bytes (a scraper cut it mid-character)
is read as UTF-8 with those bytes replaced by U+FFFD, and says so. Anything else
is tried as GB18030 (which contains GBK and GB2312) and as Big5, and the reading
made of common Chinese characters wins: charset-normalizer alone mistakes about
a third of short GBK or Big5 paragraphs for cp949, Shift-JIS or UTF-16. It
still decides for long texts it finds to be in some other encoding, and for
text that reads as neither. Bytes that are not text (NUL bytes, undecodable)
are refused per file, never per run.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, BinaryIO

from .errors import InputError

__all__ = [
    "BOMS",
    "GZIP_ERRORS",
    "STDIN",
    "Document",
    "InputProblem",
    "Origin",
    "decode",
    "decode_text",
    "joined_warnings",
    "no_text",
    "open_input",
]

STDIN = "-"


def no_text(where: str) -> str:
    """What every command says of an input with no paragraph (it is not an error)."""
    return f"{where}: no text (empty or white space only)"


@dataclass(frozen=True, kw_only=True)
class Origin:
    """Where an article came from beyond its file, kept from reading to output.

    ``input`` is ``"html"`` when the text is the visible blocks of a page, one a line.
    An article from a crawl export (JSONL/CSV) also has the ``record`` (1-based
    line where it starts) and, where the export has them, its ``id``, ``date``
    and ``title``.
    """

    input: str = "text"
    record: int | None = None
    id: str | None = None
    date: str | None = None
    title: str | None = None

    def origin_fields(self) -> dict[str, Any]:
        """These fields by name, to hand on to what is made from this article."""
        return {f.name: getattr(self, f.name) for f in fields(Origin)}


@dataclass(frozen=True)
class Document(Origin):
    """One article: where it came from, its text and the encoding it was read in.

    ``warning`` is one line for the user when the text was read with repairs; the
    rest of where it came from is its ``Origin``.
    """

    name: str
    text: str
    encoding: str
    warning: str | None = None

    @property
    def where(self) -> str:
        """``file`` or ``file:line`` for messages."""
        return self.name if self.record is None else f"{self.name}:{self.record}"


def joined_warnings(*warnings: str | None) -> str | None:
    """Warnings about one input, as the one line a ``Document`` carries."""
    return "; ".join(w for w in warnings if w) or None


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be read; the message is one line for the user."""

    name: str
    message: str


BOMS = (
    # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE_NAMES = frozenset({"gb18030", "gbk", "gb2312", "cp936", "hz", "big5", "cp950", "big5hkscs"})
# On the labeled corpus's paragraphs in GBK or Big5, charset-normalizer misread 1 in
# 3 under 50 bytes, 1 in 30 under 100 and none over 150: past this, it may overrule.
_DETECTOR_TRUSTED_BYTES = 200
_MIN_COMMON_SHARE = 0.5
# A UTF-8 file with one broken byte per this many good non-ASCII characters is
# still UTF-8; GBK or Big5 read as UTF-8 yields almost no valid characters.
_UTF8_GOOD_PER_BAD = 20
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1b")
_SCORED_CHARS = 100_000


@lru_cache(maxsize=1 << 16)
def _is_common(ch: str) -> bool:
    """Whether a non-ASCII character is everyday Chinese text in either script.

    The standards rank characters for us: GB2312 level 1 (lead bytes B0-D7) holds
    the 3,755 most used simplified hanzi, Big5 A440-C67E the 5,401 most used
    traditional ones; rows A1, A3 and the pinyin of A8 (GB2312) and A140-A3BF
    (Big5) are punctuation, full-width forms and symbols.
    """
    try:
        gb = ch.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xD7 or gb[0] in (0xA1, 0xA3) or (gb[0] == 0xA8 and gb[1] <= 0xC0):
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    code = big5[0] << 8 | big5[1]
    return 0xA140 <= code <= 0xA3BF or 0xA440 <= code <= 0xC67E


def _common_share(text: str) -> float:
    counted = common = 0
    # The opening is enough to tell the readings apart, and keeps a huge file cheap.
    for ch in text[:_SCORED_CHARS]:
        if " " <= ch < "\x80" or ch in _TEXT_CONTROLS:
            continue
        counted += 1
        common += ch >= "\x80" and _is_common(ch)
    return common / counted if counted else 1.0


def _as_chinese(data: bytes) -> tuple[float, str, str] | None:
    """The likelier of the strict GB18030 and Big5 readings: (common share, text, encoding)."""
    readings: list[tuple[float, str, str]] = []
    for family in (("gb18030",), ("big5", "cp950", "big5hkscs")):
        for encoding in family:  # the Big5 variants only add rarer characters: first that reads wins
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            readings.append((_common_share(text), text, encoding))
            break
    # max() keeps the first of equals, so GB18030 wins a tie (a short text valid and
    # common in both readings): mainland pages are the likelier source.
    return max(readings, key=lambda r: r[0]) if readings else None


def _almost_utf8(data: bytes) -> tuple[str, int] | None:
    """``data`` as UTF-8 with the few broken bytes replaced, and their count; None if not UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(codecs.encode("\ufffd", "utf-8"))
    good = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    if bad and good >= _UTF8_GOOD_PER_BAD * bad:
        return text, bad
    return None


def decode_text(data: bytes, name: str) -> tuple[str, str, str | None]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, None
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: starts with a {encoding} byte-order mark but is not {encoding}"
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    repaired = _almost_utf8(data)
    if repaired is not None:
        text, bad = repaired
        return text, "utf-8", f"{name}: {bad} broken UTF-8 sequence(s) read as U+FFFD (\ufffd)"
    chinese = _as_chinese(data)
    plausible = chinese if chinese is not None and chinese[0] >= _MIN_COMMON_SHARE else None
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        foreign = guess.encoding.lower() not in _CHINESE_NAMES
        if plausible is None or (foreign and len(data) >= _DETECTOR_TRUSTED_BYTES):
            return str(guess), guess.encoding, None
    if plausible is not None:
        return plausible[1], plausible[2], None
    raise InputError(f"{name}: not text in any encoding parknews can detect")


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and name its encoding; raise ``InputError`` when it is not text."""
    text, encoding, _ = decode_text(data, name)
    return text, encoding


class _Prefixed(io.RawIOBase):
    """A stream with bytes already read from it put back in front (for sniffing stdin)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), len(self._head))
        buffer[:n] = self._head[:n]
        self._head = self._head[n:]
        # Fill the rest of the buffer too, so that a peek sees more than the put-back bytes.
        data = self._rest.read(len(buffer) - n) if n < len(buffer) else b""
        buffer[n : n + len(data)] = data
        return n + len(data)


@contextmanager
def open_input(name: str, stdin: BinaryIO | None = None) -> Iterator[BinaryIO]:
    """A binary stream of the input ``name`` (``-``: stdin), gunzipped on the fly if it is gzip data."""
    with contextlib.ExitStack() as stack:
        if name == STDIN and stdin is None and sys.stdin is None:  # the shell closed it: `<&-`
            raise OSError(errno.EBADF, "it is closed")
        raw: BinaryIO = (
            (stdin or sys.stdin.buffer) if name == STDIN else stack.enter_context(open(name, "rb"))
        )
        head = raw.read(2)
        stream: BinaryIO = io.BufferedReader(_Prefixed(head, raw))  # type: ignore[arg-type]
        if head == GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
        yield stream


GZIP_MAGIC = b"\x1f\x8b"
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
