"""What a Dask worker runs: one partition, labelled in order, streamed back or written to a part.

Every unit is labelled by ``model.annotate.label_article``, the function ``parknews.classify``
runs; a piece of a split file passes its ``span``, and is labelled in the context of the
whole file. The model comes from the client, scattered once to every worker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from parknews.model.annotate import LabeledArticle, label_article, write_jsonl
from parknews.model.atomic import atomic_write
from parknews.model.classifier import ParagraphClassifier
from parknews.model.reader import Document, InputProblem, no_text, read_documents
from parknews.model.text import paragraphs

from .parts import notes_path
from .plan import InlineUnit, PieceUnit, Unit

__all__ = ["Outcome", "PartDone", "Then", "label_unit", "run_partition", "write_partition"]

# What a command makes of a labelled article on the worker (module level, so that it pickles).
Then = Callable[[LabeledArticle], Any]


@dataclass(frozen=True)
class Outcome:
    """One unit's result (a labelled article, or what ``then`` made of it), or the file's ``problem``.

    ``warning`` says the file was read with repairs; ``empty`` that it holds no paragraph.
    """

    file: str
    result: Any = None
    problem: str | None = None
    warning: str | None = None
    empty: bool = False


@dataclass(frozen=True)
class PartDone:
    rows: int
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def read_whole(name: str, path: str) -> Document | InputProblem:
    """The file at ``path`` as a local run reads it (HTML pages as their text blocks), named ``name``."""
    # A file that cannot be opened (gone, disk away) fails the partition, so a re-run
    # redoes it; what the reader says of its content is per file, as in a local run.
    with open(path, "rb"):
        pass
    item = next(iter(read_documents([path], input="auto")))
    # The reader names the file as it was given, at the start of each message: give it the user's name.
    if isinstance(item, InputProblem):
        return InputProblem(name, item.message.replace(path, name, 1))
    warning = item.warning.replace(path, name, 1) if item.warning else None
    return replace(item, name=name, warning=warning)


def label_unit(model: ParagraphClassifier, unit: Unit, then: Then | None = None) -> Outcome:
    """Label one unit: a whole file, standard input, or one piece of a file.

    The first piece of a file speaks for it (its problem, its repairs, its emptiness),
    so that a file says each thing once whatever it was cut into.
    """
    doc = unit.document if isinstance(unit, InlineUnit) else read_whole(unit.name, unit.path)
    first = not isinstance(unit, PieceUnit) or unit.piece == 0
    if isinstance(doc, InputProblem):
        return Outcome(doc.name, problem=doc.message if first else None)
    span = None
    if isinstance(unit, PieceUnit):
        count = len(paragraphs(doc.text))
        span = unit.span(count)
    article = label_article(model, doc, span=span)
    empty = first and (not article.paragraphs if span is None else count == 0)
    return Outcome(
        doc.name,
        then(article) if then else article,
        warning=doc.warning if first else None,
        empty=empty,
    )


def run_partition(
    model: ParagraphClassifier, units: Sequence[Unit], then: Then | None = None
) -> list[Outcome]:
    """Label every unit of one partition, in order, and apply ``then`` to each article.

    ``then`` gets a piece of an article when a file was split: only ``split=False``
    commands may summarize or otherwise read the article as a whole.
    """
    return [label_unit(model, unit, then) for unit in units]


def write_partition(
    model: ParagraphClassifier,
    units: Sequence[Unit],
    out_dir: str,
    part: str,
    then: Then | None,
    rows: Callable[[Any], Iterable[dict[str, Any]]],
) -> PartDone:
    """Run one partition and write its records to ``out_dir/part``: the notes first, the part last."""
    outcomes = run_partition(model, units, then)
    problems = tuple(o.problem for o in outcomes if o.problem)
    warnings = tuple(
        message for o in outcomes for message in (o.warning, no_text(o.file) if o.empty else None) if message
    )
    target = Path(out_dir) / part
    notes = notes_path(target)
    if problems or warnings:
        with atomic_write(notes, newline="") as handle:
            json.dump({"problems": problems, "warnings": warnings}, handle, ensure_ascii=False)
    else:
        notes.unlink(missing_ok=True)
    batch = [row for o in outcomes if o.result is not None for row in rows(o.result)]

    with atomic_write(target, newline="") as handle:
        write_jsonl(handle, batch)  # as `parknews classify -f jsonl` writes them
    return PartDone(len(batch), problems, warnings)
