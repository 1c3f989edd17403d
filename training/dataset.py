"""Labeled data: reading, validating and grouping the JSONL files of LABELING.md.

Every problem is reported as ``file:line: reason``, all of them at once, and
before any fitting starts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from parknews.model.errors import DataError
from parknews.model.labels import LABELS

__all__ = [
    "DEFAULT_DATA_DIR",
    "Article",
    "Dataset",
    "Record",
    "data_files",
    "group_of",
    "load_dataset",
]

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
_REQUIRED = ("text", "label", "doc", "source")
_MAX_PROBLEMS = 20
# Generated script variants of an article carry its doc id plus this marker and a
# suffix ("auth-a-01~hant"); they share the article's group in every split.
VARIANT_MARK = "~"
GENERATED = "generated"  # the source of those variants


def group_of(doc: str) -> str:
    """The article a doc belongs to, so that variants never straddle folds."""
    return doc.split(VARIANT_MARK, 1)[0]


@dataclass(frozen=True)
class Record:
    text: str
    label: str
    doc: str
    source: str
    file: str
    line: int


@dataclass(frozen=True)
class Article:
    """The paragraphs of one doc, in article order."""

    doc: str
    source: str
    records: tuple[Record, ...]

    @property
    def lines(self) -> list[str]:
        return [r.text for r in self.records]

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.records]


@dataclass(frozen=True)
class Dataset:
    articles: tuple[Article, ...]
    files: tuple[Path, ...]
    sha256: str

    @property
    def records(self) -> list[Record]:
        return [r for a in self.articles for r in a.records]

    def label_counts(self) -> Counter[str]:
        return Counter(r.label for r in self.records)

    def groups(self) -> list[str]:
        """One group id per record, for grouped cross-validation."""
        return [group_of(r.doc) for r in self.records]

    def filter(self, *, sources: Iterable[str] | None = None, docs: Iterable[str] | None = None) -> Dataset:
        keep_sources = set(sources) if sources is not None else None
        keep_docs = set(docs) if docs is not None else None
        articles = tuple(
            a
            for a in self.articles
            if (keep_sources is None or a.source in keep_sources)
            and (keep_docs is None or a.doc in keep_docs)
        )
        return Dataset(articles=articles, files=self.files, sha256=self.sha256)


def data_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The labeled files named by ``paths``: files as given, folders searched for ``*.jsonl``.

    Summary files (``summaries*.jsonl``) hold another schema and are skipped in folders.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.jsonl")
                if not p.name.startswith("summaries") and "summaries" not in p.parent.name
            )
            if not found:
                raise DataError(f"{path}: no *.jsonl files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"{path}: no such file or folder")
    return files


def _parse_line(raw: str, where: str) -> tuple[Record | None, str | None]:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, f"{where}: not valid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return None, f"{where}: expected a JSON object"
    missing = [key for key in _REQUIRED if key not in obj]
    if missing:
        return None, f"{where}: missing field(s) {', '.join(missing)}"
    for key in _REQUIRED:
        if not isinstance(obj[key], str):
            return None, f"{where}: field {key!r} must be a string"
    if not obj["text"].strip():
        return None, f"{where}: empty text"
    if "\n" in obj["text"] or "\r" in obj["text"]:
        return None, f"{where}: text holds a line break (one paragraph per record)"
    if obj["label"] not in LABELS:
        return None, f"{where}: unknown label {obj['label']!r} (expected one of {', '.join(LABELS)})"
    if not obj["doc"].strip():
        return None, f"{where}: empty doc id"
    file, line = where.rsplit(":", 1)
    return Record(obj["text"], obj["label"], obj["doc"], obj["source"], file, int(line)), None


def _read_file(path: Path, problems: list[str]) -> list[Record]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}:1: cannot read ({exc.strerror or exc})")
        return []
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(f"{path}:{line}: not UTF-8 text (byte {exc.start}); JSONL files must be UTF-8")
        return []
    records: list[Record] = []
    # Only "\n" ends a JSONL line: str.splitlines() would also cut at U+2028 or
    # U+0085, which JSON allows raw inside strings, and misnumber every line after.
    lines = [line.removesuffix("\r") for line in content.split("\n")]
    if not any(line.strip() for line in lines):
        problems.append(f"{path}:1: the file holds no records")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        record, problem = _parse_line(raw, f"{path}:{number}")
        if problem:
            problems.append(problem)
        elif record:
            records.append(record)
    return records


def _articles(records: list[Record], problems: list[str]) -> tuple[Article, ...]:
    by_doc: dict[str, list[Record]] = {}
    last_doc: str | None = None
    for record in records:
        if record.doc != last_doc and record.doc in by_doc:
            problems.append(
                f"{record.file}:{record.line}: doc {record.doc!r} resumes after other docs "
                "(a doc's lines must stand together, in article order)"
            )
        by_doc.setdefault(record.doc, []).append(record)
        last_doc = record.doc
    articles = []
    for doc, recs in by_doc.items():
        sources = {r.source for r in recs}
        if len(sources) > 1:
            problems.append(f"{recs[0].file}:{recs[0].line}: doc {doc!r} mixes sources {sorted(sources)}")
        articles.append(Article(doc=doc, source=recs[0].source, records=tuple(recs)))
    return tuple(articles)


def load_dataset(paths: Sequence[str | os.PathLike[str]] | None = None) -> Dataset:
    """Read and validate labeled data (default: ``training/data/``); raise ``DataError`` on any problem."""
    if not paths and not DEFAULT_DATA_DIR.is_dir():
        # An installed parknews carries its model, not its corpus (that lives in a checkout).
        raise DataError(
            f"no labeled data at {DEFAULT_DATA_DIR} (the corpus is in a checkout of parknews, "
            "training/data/): name your data with --data FILE_OR_FOLDER"
        )
    files = data_files(paths or [DEFAULT_DATA_DIR])
    problems: list[str] = []
    records: list[Record] = []
    digest = hashlib.sha256()
    for path in files:
        records.extend(_read_file(path, problems))
        if path.is_file():
            digest.update(path.read_bytes())
    articles = _articles(records, problems)
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n(and {more} more)" if more else ""
        raise DataError("\n".join(shown) + tail)
    return Dataset(articles=articles, files=tuple(files), sha256=digest.hexdigest())
