"""``--engine dask``'s work plan: partitions of about ``target`` bytes, in input order.

- Inputs are expanded on the client exactly as ``read_documents`` does and grouped, in
  input order, into partitions of about ``target`` bytes (between ``min_part_bytes`` and
  ``part_bytes``, aiming at ``TARGET_PARTS`` partitions); many small files share one.
- With ``split=True`` (classify), a file larger than twice the target is cut into up to
  ``MAX_PIECES`` pieces on paragraph boundaries. A paragraph's features read the whole
  article (its neighbours, its position, whether its text repeats elsewhere, whether a
  "related stories" heading came before it), so every piece reads and decodes the whole
  file and builds the contexts of all its paragraphs (about a tenth of the cost of
  labelling them), then labels only its own share. The records are those of the whole
  file by construction, whatever ``features.contexts`` reads. Summarize makes one record
  per file and never splits.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parknews.model.reader import STDIN, Document, InputProblem, expand, read_documents
from parknews.model.records import RecordFields, export_kind

__all__ = ["FileUnit", "InlineUnit", "Limits", "Partition", "PieceUnit", "Plan", "Unit", "make_plan"]

TARGET_PARTS = 64
# Each piece of a split file also builds the contexts of the whole file: past a
# few pieces that repeated work costs more than the extra workers give.
MAX_PIECES = 4
MAX_FILES_PER_PART = 1000


@dataclass(frozen=True)
class Limits:
    """Partition sizes. ``part_bytes``: about 8 s of work on one core, at the ~500 KB/s
    the classifier reads; below ``min_part_bytes`` scheduling a task costs more than it saves."""

    part_bytes: int = 4 << 20
    min_part_bytes: int = 64 << 10


@dataclass(frozen=True)
class FileUnit:
    """A whole file, read by ``read_documents`` on a worker.

    ``name`` is as the user gave it (records carry it); ``path`` is absolute,
    since a worker started elsewhere has another working directory.
    """

    name: str
    path: str


@dataclass(frozen=True)
class InlineUnit:
    """Standard input, read on the client since no worker can see it."""

    document: Document


@dataclass(frozen=True)
class PieceUnit:
    """Share ``piece`` of ``pieces`` of a file's paragraphs, labelled in the context of all of them."""

    name: str
    path: str
    piece: int
    pieces: int

    def span(self, n: int) -> tuple[int, int]:
        return self.piece * n // self.pieces, (self.piece + 1) * n // self.pieces


Unit = FileUnit | InlineUnit | PieceUnit


def unit_name(unit: Unit) -> str:
    return unit.document.name if isinstance(unit, InlineUnit) else unit.name


@dataclass(frozen=True)
class Partition:
    """One task: consecutive units in input order, written to ``part``."""

    index: int
    part: str
    units: tuple[Unit, ...]
    # What the part's records depend on: each input's name, size and mtime (and piece), or stdin's hash.
    identity: tuple[Any, ...] = ()

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(unit_name(u) for u in self.units))


@dataclass(frozen=True)
class Plan:
    partitions: list[Partition]
    problems: list[InputProblem]


def _inputs(
    paths: Sequence[str],
) -> tuple[list[tuple[FileUnit | InlineUnit, int, list[Any]]], list[InputProblem]]:
    """Units in input order with their size and what identifies their content, and the problems."""
    entries: list[tuple[FileUnit | InlineUnit, int, list[Any]]] = []
    problems: list[InputProblem] = []
    for item in expand(paths):
        if isinstance(item, InputProblem):
            problems.append(item)
        elif item == STDIN:
            for doc in read_documents([STDIN], input="auto"):
                if isinstance(doc, InputProblem):
                    problems.append(doc)
                    continue
                data = doc.text.encode("utf-8")
                entries.append((InlineUnit(doc), len(data), [STDIN, hashlib.sha256(data).hexdigest()]))
        else:
            try:
                stat = os.stat(item)
            except OSError as exc:
                problems.append(InputProblem(item, f"{item}: cannot read ({exc.strerror or exc})"))
                continue
            if export_kind(item, RecordFields()) is not None:
                # Records stream from one file and cannot be cut on line boundaries like articles.
                problems.append(InputProblem(item, f"{item}: a crawl export; read it with --engine local"))
                continue
            identity = [item, stat.st_size, stat.st_mtime_ns]
            entries.append((FileUnit(item, os.path.abspath(item)), stat.st_size, identity))
    return entries, problems


def make_plan(paths: Sequence[str], *, split: bool, limits: Limits | None = None) -> Plan:
    """Partition the inputs in order: many small files per partition, a large file in pieces."""
    limits = limits or Limits()
    entries, problems = _inputs(paths)
    total = sum(size for _, size, _ in entries)
    target = max(limits.min_part_bytes, min(limits.part_bytes, total // TARGET_PARTS))

    groups: list[list[tuple[Unit, list[Any]]]] = []
    current: list[tuple[Unit, list[Any]]] = []
    current_bytes = 0
    for unit, size, identity in entries:
        if split and isinstance(unit, FileUnit) and size > 2 * target:
            pieces = min(MAX_PIECES, math.ceil(size / target))
            if current:
                groups.append(current)
                current, current_bytes = [], 0
            groups.extend(
                [(PieceUnit(unit.name, unit.path, j, pieces), [*identity, j, pieces])] for j in range(pieces)
            )
            continue
        current.append((unit, identity))
        current_bytes += size
        if current_bytes >= target or len(current) >= MAX_FILES_PER_PART:
            groups.append(current)
            current, current_bytes = [], 0
    if current:
        groups.append(current)

    width = max(5, len(str(len(groups) - 1)))
    partitions = [
        Partition(
            i,
            f"part-{i:0{width}d}.jsonl",
            tuple(unit for unit, _ in group),
            tuple(identity for _, identity in group),
        )
        for i, group in enumerate(groups)
    ]
    return Plan(partitions, problems)
