"""Reading articles from files, folders and stdin: what the commands call ``read_documents``.

A folder is searched with its sub-folders for article files in path order; a file is read
whole (capped, NUL bytes refused) and decoded by ``decode.py``, an HTML page is turned
into its text blocks by ``html.py``, and a crawl export streams its records through
``records.py``. Bytes that are not text are refused per file, never per run.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .decode import (
    BOMS,
    GZIP_ERRORS,
    GZIP_MAGIC,
    STDIN,
    Document,
    InputProblem,
    decode,
    decode_text,
    joined_warnings,
    no_text,
    open_input,
)
from .errors import InputError

if TYPE_CHECKING:
    from .records import RecordFields

__all__ = [
    "FOLDER_SUFFIXES",
    "INPUT_KINDS",
    "MAX_INPUT_BYTES",
    "STDIN",
    "Document",
    "FileRef",
    "InputProblem",
    "decode",
    "decode_html",
    "expand",
    "no_text",
    "open_input",
    "read_documents",
    "scan_documents",
]

# Far above any article; it stops `/dev/urandom` or a stray disk image from
# being read into memory whole.
MAX_INPUT_BYTES = 256 << 20
_FIRST_CHUNK = 1 << 16


def expand(paths: Sequence[str]) -> Iterator[str | InputProblem]:
    """Input names in order: files as given, a folder's articles (``FOLDER_SUFFIXES``, sub-folders
    included) sorted, ``-`` for stdin."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        try:
            yield from _expand_one(raw)
        except OSError as exc:  # a name too long, a folder we may not list
            yield InputProblem(raw, f"{raw}: cannot read ({exc.strerror or exc})")


def _expand_one(raw: str) -> list[str | InputProblem]:
    path = Path(raw)
    if path.is_dir():
        found, unlisted, broken = _article_files(path)
        if unlisted and unlisted[0].filename == str(path):
            raise unlisted[0]  # the folder itself could not be listed
        # A sub-folder that cannot be listed, or a link to an article that is gone, is named
        # where its files would have been.
        skipped: list[tuple[str, str | InputProblem]] = [
            *(
                (
                    str(Path(exc.filename)),
                    InputProblem(exc.filename, f"{exc.filename}: cannot read ({exc.strerror or exc})"),
                )
                for exc in unlisted
            ),
            *((name, _link_problem(name)) for name in broken),
        ]
        if not found and not skipped:
            return [InputProblem(raw, f"{raw}: folder holds no .txt, .html, .jsonl or .csv files")]
        listed = sorted([*((name, name) for name in found), *skipped], key=lambda pair: _ORDER(pair[0]))
        return [item for _, item in listed]
    if path.exists():
        return [raw]
    if path.is_symlink():
        return [_link_problem(raw)]
    return [InputProblem(raw, f"{raw}: no such file or folder")]


def _link_problem(name: str) -> InputProblem:
    """What is wrong with a symbolic link that leads to nothing."""
    try:
        os.stat(name)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return InputProblem(name, f"{name}: symbolic link loop")
    try:
        target = os.readlink(name)
    except OSError:  # the link itself went away since it was listed
        return InputProblem(name, f"{name}: no such file or folder")
    return InputProblem(name, f"{name}: broken symbolic link (to {target})")


# Names sort as their Path objects do, by their parts (case-folded on Windows): on POSIX, every
# name of one folder split at "/" is that order, compared in C.
_ORDER: Callable[[str], Any] = (lambda name: name.split("/")) if os.name == "posix" else Path

# A folder's articles: text files, saved pages and crawl exports, gzip-compressed or not.
FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".jsonl", ".ndjson", ".csv")


def _listed(filename: str) -> bool:
    """Whether a folder's file is an article by its name, in any case (``.TXT``, ``.Html.GZ``)."""
    lower = filename.lower()
    return lower.removesuffix(".gz").endswith(FOLDER_SUFFIXES)


def _article_files(folder: Path) -> tuple[list[str], list[OSError], list[str]]:
    """Every file under ``folder``, sub-folders included, whose name ``_listed`` accepts (as
    ``str(Path(root, name))`` names it), the error of each folder that could not be listed
    (the first is ``folder``'s own, if it), and the links so named that lead to nothing.

    Symbolic links to folders are not followed (no loops); links to files are read.
    """
    found: list[str] = []
    problems: list[OSError] = []
    broken: list[str] = []
    pending = [os.fspath(folder)]
    while pending:
        root = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(exc)
            continue
        # Names as os.walk joins them, except that a walk from "." starts them with "./", which
        # Path drops (a Path per file was most of listing a folder of 18,000 files).
        base = "" if root == "." else root[2:] if root.startswith("./") else root
        folders: list[str] = []
        for entry in entries:
            # The directory entry's own type, as os.walk reads it: a stat only for a link (os.walk
            # and then os.path.isfile cost two per file, most of a large folder's listing).
            if _is(entry.is_dir):
                if not entry.is_symlink():
                    folders.append(os.path.join(root, entry.name))
            elif _listed(entry.name):
                name = os.path.join(base, entry.name)
                if _is(entry.is_file):
                    found.append(name)
                elif entry.is_symlink() and not os.path.exists(name):
                    # An article the user linked here and lost: said, not skipped in silence.
                    broken.append(name)
        pending.extend(reversed(folders))
    return found, problems, broken


def _is(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except OSError:  # as os.path.isfile: what cannot be examined is not a file (nor a folder)
        return False


def _read_bytes(name: str, shown: str, stdin: BinaryIO | None) -> bytes:
    if name != STDIN:
        # A plain file, the common case, is read as it is: the wrapper that sniffs for gzip
        # cost a third of reading a small article.
        with open(name, "rb") as handle:
            first = handle.read(_FIRST_CHUNK)
            if not first.startswith(GZIP_MAGIC):
                return _read_capped(handle, shown, first)
    try:
        with open_input(name, stdin) as handle:
            return _read_capped(handle, shown, handle.read(_FIRST_CHUNK))
    except GZIP_ERRORS as exc:
        raise InputError(f"{shown}: damaged gzip data ({exc})") from None


def _read_capped(handle: BinaryIO, name: str, first: bytes) -> bytes:
    """All of a stream whose first ``_FIRST_CHUNK`` bytes were ``first``, unless it is too large or binary."""
    # Refuse a video or an archive after 64 KiB rather than after reading it whole.
    if b"\x00" in first and not first.startswith(tuple(bom for bom, _ in BOMS)):
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    rest = handle.read(MAX_INPUT_BYTES + 1 - len(first)) if len(first) == _FIRST_CHUNK else b""
    if len(first) + len(rest) > MAX_INPUT_BYTES:
        raise InputError(f"{name}: larger than {MAX_INPUT_BYTES // (1 << 20)} MiB; split it into articles")
    return first + rest


def read_documents(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    input: str = "text",
    fields: RecordFields | None = None,
) -> Iterator[Document | InputProblem]:
    """Yield each input as a ``Document``, or an ``InputProblem`` naming why it was skipped.

    ``input`` is ``"text"`` (lines as they are), ``"html"`` (visible text blocks of a
    page) or ``"auto"`` (HTML when the content is HTML). With ``fields``, a
    ``.jsonl``/``.csv`` file (gzipped or not) — and stdin when fields are named —
    is a crawl export: one article per record, streamed, a bad record reported
    as ``file:line: reason`` while the others are read.
    """
    for item in scan_documents(paths, stdin=stdin, input=input, fields=fields):
        yield item.read() if isinstance(item, FileRef) else item


@dataclass(frozen=True)
class FileRef:
    """A file that reads as one ``Document``, not read yet: a ``--jobs`` worker reads it itself,
    so the texts never travel between processes. ``size`` is in bytes (0 if unknown)."""

    name: str
    input: str
    size: int

    def read(self) -> Document | InputProblem:
        """The file as ``read_documents`` reads it."""
        return _read_file(self.name, self.name, None, self.input)


def scan_documents(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    input: str = "text",
    fields: RecordFields | None = None,
) -> Iterator[Document | InputProblem | FileRef]:
    """What ``read_documents`` yields, in its order, but each file that reads as one article
    left unread as a ``FileRef``; crawl exports and stdin are read here as they stream."""
    if input not in INPUT_KINDS:
        raise ValueError(f"input must be one of {', '.join(INPUT_KINDS)}, not {input!r}")
    for item in expand(paths):
        if isinstance(item, InputProblem):
            yield item
            continue
        if fields is not None:
            from .records import export_kind, read_records

            kind = export_kind(item, fields)
            if kind is not None:
                yield from read_records(item, kind, fields=fields, input=input, stdin=stdin)
                continue
        if item == STDIN:
            yield _read_file(item, "standard input", stdin, input)
        else:
            yield FileRef(item, input, _size(item))


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except OSError:  # reported when the file is read
        return 0


def _read_file(item: str, shown: str, stdin: BinaryIO | None, input: str) -> Document | InputProblem:
    try:
        data = _read_bytes(item, shown, stdin)
        if input == "html" or (input == "auto" and _sniff_html(data)):
            from .html import blocks_text, page_blocks

            markup, encoding, warning = decode_html(data, shown)
            blocks, lost = page_blocks(markup)
            text, kind_read = blocks_text(blocks), "html"
            warning = joined_warnings(warning, lost and f"{shown}: {lost}")
        else:
            text, encoding, warning = decode_text(data, shown)
            kind_read = "text"
    except InputError as exc:
        return InputProblem(item, str(exc))
    except OSError as exc:
        return InputProblem(item, f"{shown}: cannot read ({exc.strerror or exc})")
    return Document(name=item, text=text, encoding=encoding, warning=warning, input=kind_read)


INPUT_KINDS = ("text", "html", "auto")


def _sniff_html(data: bytes) -> bool:
    from .html import looks_like_html

    head = data[:4096]
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return looks_like_html(head.decode(encoding, errors="ignore"))
    # Tags are ASCII in every encoding read here but UTF-16/32, which need a BOM anyway.
    return looks_like_html(head.decode("latin-1"))


def decode_html(data: bytes, name: str = "<bytes>") -> tuple[str, str, str | None]:
    """An HTML page's markup, the encoding it was read in and a warning if it was read with repairs.

    A BOM first; valid UTF-8 whatever the page declares; then its ``<meta>`` charset;
    then the detection used for text files.
    """
    from .html import declared_charset

    if data.startswith(tuple(bom for bom, _ in BOMS)):
        return decode_text(data, name)
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared), declared, None
        except UnicodeDecodeError:
            text, encoding, warning = decode_text(data, name)
            note = f"{name}: declares charset {declared} but is not; read as {encoding}"
            return text, encoding, warning or note
    return decode_text(data, name)
