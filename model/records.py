"""Crawler exports: JSONL or CSV with one page a record, streamed, gzip-compressed or not.

Crawlers write ``{"url": ..., "title": ..., "content": ..., "html": ...,
"published": ...}`` a line, or the same as CSV columns. Each record is one
article. Records are read one at a time, so an export of any size streams
through in constant memory; a bad record (not JSON, no text field, text that
is not a string) is reported as ``file:line: reason`` and the others go on.

Fields are named by the user or found among common names: the text in
``content``/``text``/``body``/``article``, else a page in ``html``/``raw_html``/
``page``; the id in ``url``/``id``/``link``; the date in ``published``/``date``/
``publish_time``/``pub_date``/``time``; the title in ``title``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from .decode import GZIP_ERRORS, STDIN, Document, InputProblem, decode, joined_warnings, open_input

__all__ = ["TEXT_FIELDS", "RecordFields", "export_kind", "read_records"]

TEXT_FIELDS = ("content", "text", "body", "article")
HTML_FIELDS = ("html", "raw_html", "page")
ID_FIELDS = ("url", "id", "link")
DATE_FIELDS = ("published", "date", "publish_time", "pub_date", "time")
TITLE_FIELDS = ("title",)

_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIXES = (".csv",)
_SNIFF_BYTES = 1 << 16
# A record is one article; this bounds a runaway line (a dump with no newlines).
_MAX_RECORD_BYTES = 64 << 20


@dataclass(frozen=True)
class RecordFields:
    """Which fields of a crawl export hold what; ``None`` means "look for the usual names"."""

    text: str | None = None
    html: str | None = None
    id: str | None = None
    date: str | None = None
    title: str | None = None

    @property
    def named(self) -> bool:
        """Whether the user named any field (then stdin is read as an export too)."""
        return any(v is not None for v in (self.text, self.html, self.id, self.date, self.title))


def export_kind(name: str, fields: RecordFields) -> str | None:
    """``"jsonl"``, ``"csv"`` or ``None`` (not an export) for the input ``name``."""
    if name == STDIN:
        return "sniff" if fields.named else None
    lower = name.lower().removesuffix(".gz")
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(_CSV_SUFFIXES):
        return "csv"
    return None


def _pick(record: Mapping[str, Any], named: str | None, usual: tuple[str, ...]) -> tuple[str | None, Any]:
    if named is not None:
        return named, record.get(named)
    for key in usual:
        if record.get(key) not in (None, ""):
            return key, record[key]
    # A field that is there but empty (null, ""): the article is empty, not missing.
    for key in usual:
        if key in record:
            return key, record[key]
    return None, None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


class _BadRecord(Exception):
    """A record that cannot be read; ``missing`` when it lacks the field (the same for every CSV row)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


_NOT_JSONL = "NUL bytes: binary data or UTF-16/32 text, not JSON Lines (UTF-8)"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(record: dict[str, Any], where: str) -> tuple[dict[str, Any], str | None]:
    """``record`` with each lone surrogate in its strings read as U+FFFD, and a warning if any was.

    JSON may escape half of a UTF-16 pair (``"\\ud800"``): that is no character, no UTF-8
    output can hold it, and text converters refuse it. Like a broken UTF-8 byte in a text
    file, it is shown as U+FFFD and named.
    """
    broken = 0

    def whole(value: Any) -> Any:
        nonlocal broken
        if isinstance(value, str) and _SURROGATE.search(value):
            value, n = _SURROGATE.subn("\ufffd", value)
            broken += n
        return value

    repaired = {whole(key): whole(value) for key, value in record.items()}
    if not broken:
        return record, None
    return repaired, f"{where}: {broken} lone surrogate(s) (half of a UTF-16 pair) read as U+FFFD (\ufffd)"


def _document(
    record: Mapping[str, Any],
    *,
    name: str,
    line: int,
    fields: RecordFields,
    input: str,
    encoding: str,
    where: str,
    warning: str | None = None,
) -> Document:
    from .html import blocks_text, looks_like_html, page_blocks

    html_key, html_value = (fields.html, record.get(fields.html)) if fields.html is not None else (None, None)
    text_key, text_value = (None, None)
    if html_key is None:
        text_key, text_value = _pick(record, fields.text, TEXT_FIELDS)
        if fields.text is None and text_value in (None, ""):
            html_key, html_value = _pick(record, None, HTML_FIELDS)
            if html_key is None or (html_value in (None, "") and text_key is not None):
                html_key, html_value = None, None
    key, value = (html_key, html_value) if html_key is not None else (text_key, text_value)
    if key is None:
        raise _BadRecord(
            f"no text field (looked for {', '.join(TEXT_FIELDS + HTML_FIELDS)}; "
            "name one with --text-field or --html-field)",
            missing=True,
        )
    if key not in record:
        raise _BadRecord(f"no field {key!r}", missing=True)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _BadRecord(f"field {key!r} is {type(value).__name__}, not text")
    as_html = html_key is not None or input == "html" or (input == "auto" and looks_like_html(value))
    text = value
    if as_html:
        blocks, lost = page_blocks(value)
        text = blocks_text(blocks)
        warning = joined_warnings(warning, lost and f"{where}: {lost}")
    _, id_value = _pick(record, fields.id, ID_FIELDS)
    _, date_value = _pick(record, fields.date, DATE_FIELDS)
    _, title_value = _pick(record, fields.title, TITLE_FIELDS)
    return Document(
        name=name,
        text=text,
        encoding=encoding,
        warning=warning,
        input="html" if as_html else "text",
        record=line,
        id=_scalar(id_value),
        date=_scalar(date_value),
        title=_scalar(title_value),
    )


def read_records(
    name: str,
    kind: str,
    *,
    fields: RecordFields,
    input: str = "auto",
    stdin: BinaryIO | None = None,
) -> Iterator[Document | InputProblem]:
    """Each record of the export ``name`` as a ``Document``, or an ``InputProblem`` naming ``file:line``."""
    shown = "standard input" if name == STDIN else name
    line = 0
    try:
        with open_input(name, stdin) as handle:
            stream = handle if isinstance(handle, io.BufferedIOBase) else io.BufferedReader(handle)  # type: ignore[arg-type,type-var]
            if kind == "sniff":
                kind = "jsonl" if stream.peek(1)[:64].lstrip()[:1] in (b"{", b"") else "csv"  # type: ignore[attr-defined,union-attr]
            if kind == "jsonl" and b"\x00" in stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]:  # type: ignore[attr-defined,union-attr]
                # Not one warning a line for a picture or UTF-16 text named .jsonl.
                yield InputProblem(name, f"{shown}: {_NOT_JSONL}; the file is skipped")
                return
            rows = _jsonl_rows(stream, shown) if kind == "jsonl" else _csv_rows(stream, shown)
            empty = True
            for line, row, encoding in rows:
                empty = False
                if isinstance(row, str):
                    yield InputProblem(name, f"{shown}:{line}: {row}")
                    continue
                where = f"{shown}:{line}"
                row, warning = _whole_characters(row, where)
                try:
                    yield _document(
                        row,
                        name=name,
                        line=line,
                        fields=fields,
                        input=input,
                        encoding=encoding,
                        where=where,
                        warning=warning,
                    )
                except _BadRecord as exc:
                    if kind == "csv" and exc.missing:  # every row has the same columns: say it once
                        yield InputProblem(name, f"{shown}: {exc} among the columns {', '.join(row)}")
                        return
                    yield InputProblem(name, f"{shown}:{line}: {exc}")
            if empty:  # an export with no record reads as an empty file does: a warning, not a failure
                yield Document(name=name, text="", encoding="utf-8")
    except GZIP_ERRORS as exc:
        yield InputProblem(name, f"{shown}:{line + 1}: damaged gzip data from here on ({exc})")
    except UnicodeDecodeError as exc:
        yield InputProblem(name, f"{shown}:{line + 1}: not {exc.encoding} from here on; the rest is skipped")
    except OSError as exc:
        yield InputProblem(name, f"{shown}: cannot read ({exc.strerror or exc})")


Row = tuple[int, "dict[str, Any] | str", str]


def _jsonl_rows(stream: BinaryIO, shown: str) -> Iterator[Row]:
    for line, raw in enumerate(iter(lambda: stream.readline(_MAX_RECORD_BYTES), b""), start=1):
        if len(raw) >= _MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            too_long = f"record longer than {_MAX_RECORD_BYTES >> 20} MiB; the rest of the file is skipped"
            yield line, too_long, ""
            return
        try:
            text = raw.decode("utf-8-sig" if line == 1 else "utf-8")
        except UnicodeDecodeError:
            yield line, "not UTF-8 (JSON Lines is UTF-8)", ""
            continue
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, f"not JSON ({exc.msg}, column {exc.colno})", ""
            continue
        if not isinstance(record, dict):
            yield line, f"a JSON {type(record).__name__}, not an object", ""
            continue
        yield line, record, "utf-8"


def _csv_encoding(stream: io.BufferedReader) -> str:
    head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A chunk may end mid-character: decode it as a stream that is not finished.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return decode(head)[1]
    except Exception:  # not text at all: let reading fail with the line it fails on
        return "utf-8"


def _csv_rows(stream: BinaryIO, shown: str) -> Iterator[Row]:
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type,type-var]
    encoding = _csv_encoding(buffered)  # type: ignore[arg-type]
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, f"bad CSV header ({exc})", encoding
        return
    header = [h.strip() for h in header]
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"bad CSV ({exc})", encoding
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield line, f"{len(row)} columns where the header has {len(header)}", encoding
            continue
        yield line, dict(zip(header, row)), encoding
