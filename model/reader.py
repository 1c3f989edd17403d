"""Reading articles from files, folders and stdin, in whatever encoding scrapers produced.

UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are; anything
else goes to charset-normalizer, which tells GB18030/GBK from Big5. Bytes that
are not text (NUL bytes, undecodable) are refused per file, never per run.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

__all__ = ["STDIN", "Document", "InputProblem", "decode", "expand", "read_documents"]

STDIN = "-"


@dataclass(frozen=True)
class Document:
    """One article: where it came from, its text and the encoding it was read in."""

    name: str
    text: str
    encoding: str


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be read; the message is one line for the user."""

    name: str
    message: str


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and name its encoding; raise ``InputError`` when it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: starts with a {encoding} byte-order mark but is not {encoding}"
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(f"{name}: not text in any encoding parknews can detect")
    return str(best), best.encoding


def expand(paths: Sequence[str]) -> Iterator[str | InputProblem]:
    """Input names in order: files as given, a folder's ``*.txt`` sorted, ``-`` for stdin."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
            if not found:
                yield InputProblem(raw, f"{raw}: folder holds no .txt files")
            yield from (str(p) for p in found)
        elif path.exists():
            yield raw
        else:
            yield InputProblem(raw, f"{raw}: no such file or folder")


def _read_bytes(name: str, stdin: BinaryIO | None) -> bytes:
    if name == STDIN:
        return (stdin or sys.stdin.buffer).read()
    with open(name, "rb") as handle:
        return handle.read()


def read_documents(
    paths: Sequence[str], *, stdin: BinaryIO | None = None
) -> Iterator[Document | InputProblem]:
    """Yield each input as a ``Document``, or an ``InputProblem`` naming why it was skipped."""
    for item in expand(paths):
        if isinstance(item, InputProblem):
            yield item
            continue
        try:
            text, encoding = decode(_read_bytes(item, stdin), item)
        except InputError as exc:
            yield InputProblem(item, str(exc))
            continue
        except OSError as exc:
            yield InputProblem(item, f"{item}: cannot read ({exc.strerror or exc})")
            continue
        yield Document(name=item if item == STDIN else os.fspath(item), text=text, encoding=encoding)
