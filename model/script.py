"""Traditional script to simplified: OpenCC's ``t2s``, and when a text needs it at all.

OpenCC costs about 50 ns a character, the largest part of normalizing a line. Most
lines of mainland pages hold no character that ``t2s`` could change; which ones
could is read from OpenCC's own dictionaries by ``training/t2s_marks.py`` into
``resources/t2s_marks.json``. That file is used only while the installed OpenCC's
dictionary files are the ones it was made from (their SHA-256 is checked once per
process); otherwise every text goes through OpenCC, as before. The result is the
same either way (tests compare).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pkgutil
import re
import threading
from functools import cache
from pathlib import Path

from .kernel import text_scans

__all__ = ["T2S_MARKS", "opencc_t2s_files", "simplified_lines", "t2s_marks", "to_simplified"]

# Where training/t2s_marks.py writes the marks (in a checkout).
T2S_MARKS = Path(__file__).resolve().parent / "resources" / "t2s_marks.json"


class _Converter:
    """OpenCC's traditional→simplified converter, built on first use under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converter: object | None = None

    def convert(self, text: str) -> str:
        if self._converter is None:
            with self._lock:
                if self._converter is None:
                    import opencc

                    self._converter = opencc.OpenCC("t2s")
        return self._converter.convert(text)  # type: ignore[attr-defined]


_T2S = _Converter()


_SURROGATES = re.compile("([\ud800-\udfff]+)")


def to_simplified(text: str) -> str:
    """Convert traditional script to simplified (OpenCC ``t2s``)."""
    try:
        return _T2S.convert(text)
    except UnicodeEncodeError:
        # Lone surrogates (text decoded with surrogateescape, or JSON's "\ud800") are no
        # characters and OpenCC refuses the whole string: convert the text around them.
        parts = _SURROGATES.split(text)
        return "".join(part if i % 2 else _T2S.convert(part) for i, part in enumerate(parts))


def opencc_t2s_files() -> list[Path] | None:
    """The installed OpenCC's ``t2s.json`` and the dictionary files it names (None: not found)."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "clib" / "share" / "opencc"
    try:
        config = json.loads((folder / "t2s.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    names: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                names.append(node["file"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(config)
    return [folder / "t2s.json", *(folder / name for name in names)]


@cache
def t2s_marks() -> frozenset[str] | None:
    """The characters that let ``t2s`` change a text, or None where the installed OpenCC's
    dictionaries are not the ones ``resources/t2s_marks.json`` was read from."""
    data = pkgutil.get_data(__package__ or "parknews.model", "resources/t2s_marks.json")
    files = opencc_t2s_files()
    if data is None or files is None:
        return None
    saved = json.loads(data)
    try:
        found = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    except OSError:
        return None
    return frozenset(saved["marks"]) if found == saved["opencc_files"] else None


@cache
def _marks_table() -> bytes | None:
    """``t2s_marks()`` as a bitmap over code points, for the compiled scan."""
    marks = t2s_marks()
    if marks is None:
        return None
    table = bytearray(0x110000 // 8)
    for char in marks:
        table[ord(char) >> 3] |= 1 << (ord(char) & 7)
    return bytes(table)


def _may_change(texts: list[str]) -> list[bool]:
    """Whether ``t2s`` could change each text (True for all where the marks are not usable)."""
    marks, table = t2s_marks(), _marks_table()
    if marks is None or table is None:
        return [True] * len(texts)
    scans = text_scans()
    if scans is not None:
        return [scans.holds_any(t, table) for t in texts]
    return [not marks.isdisjoint(t) for t in texts]


def simplified_lines(texts: list[str]) -> list[str]:
    """``to_simplified`` of each text; OpenCC is called once, for the texts it could change.
    No OpenCC entry holds a line break, so converting the joined lines converts each line
    as it would alone."""
    changing = [i for i, may in enumerate(_may_change(texts)) if may]
    if not changing:
        return texts
    some = [texts[i] for i in changing]
    joined = "\n".join(some)
    if joined.count("\n") != len(some) - 1:  # a text holding a line break itself
        converted = [to_simplified(t) for t in some]
    else:
        converted = to_simplified(joined).split("\n")
    out = list(texts)
    for i, text in zip(changing, converted):
        out[i] = text
    return out
