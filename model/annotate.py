"""Labeling whole articles: one record per non-empty line, always, in input order."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from types import ModuleType
from typing import IO, Any, overload

import numpy as np

from .classifier import ParagraphClassifier, ScoreRow, score_dict
from .decode import Origin
from .kernel import load_jsonl_kernel
from .reader import Document
from .text import Paragraph, paragraphs

__all__ = [
    "LabeledArticle",
    "LabeledParagraph",
    "jsonl_data",
    "jsonl_lines",
    "label_article",
    "origin",
    "records",
    "write_jsonl",
]


@dataclass(frozen=True, init=False)
class LabeledParagraph:
    """One labeled paragraph: its index among non-empty lines, text, label and ``scores``
    (the probability of every label, a dict)."""

    paragraph: int
    text: str
    label: str
    # A classified paragraph's is a ScoreRow into its article's array: a dict per paragraph
    # was most of the memory of a long article; ``scores`` makes the dict when asked.
    _scores: Mapping[str, float]

    def __init__(self, paragraph: int, text: str, label: str, scores: Mapping[str, float]) -> None:
        object.__setattr__(self, "paragraph", paragraph)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "_scores", scores)

    @property
    def scores(self) -> dict[str, float]:
        return score_dict(self._scores)

    @property
    def score(self) -> float:
        return self._scores[self.label]


@dataclass(frozen=True)
class LabeledArticle(Origin):
    """The labeled paragraphs of one article; iterating it yields them in order.

    Its ``Origin`` (``input``, ``record``, ``id``, ``date``, ``title``) is the ``Document``'s.
    """

    file: str
    encoding: str
    paragraphs: tuple[LabeledParagraph, ...]

    @property
    def where(self) -> str:
        """``file`` or ``file:line`` (a record of a crawl export) for messages."""
        return self.file if self.record is None else f"{self.file}:{self.record}"

    def __iter__(self) -> Iterator[LabeledParagraph]:
        return iter(self.paragraphs)

    def __len__(self) -> int:
        return len(self.paragraphs)

    @overload
    def __getitem__(self, index: int) -> LabeledParagraph: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[LabeledParagraph, ...]: ...
    def __getitem__(self, index: int | slice) -> LabeledParagraph | tuple[LabeledParagraph, ...]:
        return self.paragraphs[index]


def label_article(
    model: ParagraphClassifier,
    document: Document,
    *,
    span: tuple[int, int] | None = None,
    paras: list[Paragraph] | None = None,
) -> LabeledArticle:
    """Label every non-empty line of ``document`` (the original text is kept as is).

    With ``span=(start, stop)`` only those paragraphs are labeled (a Dask piece of
    a large file), each read in the context of the whole article, so its labels
    are those of the whole file's. ``paras`` are ``paragraphs(document.text)``
    when the caller has them already.
    """
    if paras is None:
        paras = paragraphs(document.text)
    predictions = model.classify([p.text for p in paras], span=span) if paras else []
    if span is not None:
        paras = paras[span[0] : span[1]]
    return LabeledArticle(
        file=document.name,
        encoding=document.encoding,
        paragraphs=tuple(
            LabeledParagraph(p.index, p.text, pred.label, pred._scores) for p, pred in zip(paras, predictions)
        ),
        **document.origin_fields(),
    )


def records(article: LabeledArticle) -> Iterator[dict[str, Any]]:
    """The public JSONL records of an article (schema in the README).

    ``input``, ``record``, ``id`` and ``date`` are there only when they say something:
    an HTML page, a record of a crawl export.
    """
    extra = origin(article)
    for p in article.paragraphs:
        yield {
            "file": article.file,
            "paragraph": p.paragraph,
            "text": p.text,
            "label": p.label,
            "scores": {label: round(score, 6) for label, score in p.scores.items()},
            "encoding": article.encoding,
            **extra,
        }


# One encoder for every record: json.dumps with a non-default argument builds a new one per
# call, a third of the cost of encoding a paragraph's record.
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False)


def write_jsonl(stream: IO[str], rows: Iterable[dict[str, Any]]) -> None:
    """``rows`` as JSON Lines, non-ASCII kept: every JSONL output of parknews, in one process or many."""
    encode = _RECORD_ENCODER.encode
    for row in rows:
        stream.write(encode(row) + "\n")
    stream.flush()


_STRING = json.encoder.encode_basestring  # what the encoder writes a str as (C), non-ASCII kept


def _numbers(scores: Iterable[float]) -> Iterable[str]:
    """The encoder's text of each score rounded to 6 places: float.__repr__ (a numpy float's too),
    but NaN and Infinity, which no probability is."""
    rounded = list(map(round, scores, repeat(6)))
    if all(map(math.isfinite, rounded)):
        return map(float.__repr__, rounded)
    return map(_RECORD_ENCODER.encode, rounded)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def jsonl_lines(article: LabeledArticle) -> str:
    """``write_jsonl`` of ``records(article)``, the same text, made without a dict per paragraph:
    the article's fields are encoded once and each paragraph's record is one format, or all of
    them in one pass of ``jsonl_kernel`` (encoding the dicts was a tenth of ``parknews classify
    -f jsonl`` on new text, the formats a twentieth; tests compare all three)."""
    written = jsonl_data(article)
    return written.decode("utf-8") if isinstance(written, bytes) else written


def jsonl_data(article: LabeledArticle) -> bytes | str:
    """``jsonl_lines(article)``, as the UTF-8 bytes ``jsonl_kernel`` writes where it can (no text
    to decode and encode again on the way out), else as the text the Python path writes."""
    encode = _RECORD_ENCODER.encode
    head = '{"file": ' + encode(article.file) + ', "paragraph": '
    extra = "".join(f", {_STRING(key)}: {encode(value)}" for key, value in origin(article).items())
    tail = ', "encoding": ' + encode(article.encoding) + extra + "}\n"
    compiled = load_jsonl_kernel()
    if compiled is not None and article.paragraphs:
        written = _compiled_lines(compiled, article.paragraphs, head, tail)
        if written is not None:
            return written
    return _formatted_lines(article.paragraphs, _literal(head), _literal(tail))


_SCORES, _PROBA, _LABELS, _ROW = map(attrgetter, ("_scores", "proba", "labels", "row"))
_PARAGRAPH, _TEXT, _LABEL = map(attrgetter, ("paragraph", "text", "label"))


def _compiled_lines(
    compiled: ModuleType, paragraphs: tuple[LabeledParagraph, ...], head: str, tail: str
) -> bytes | None:
    """The records by ``jsonl_kernel``, when every paragraph's scores are rows of one array (as
    the classifier makes them); None for the Python path (the kernel also declines text UTF-8
    cannot hold and scores it cannot write as the encoder does)."""
    scores = list(map(_SCORES, paragraphs))
    # One pass in C per check (a generator per paragraph was a third of the time this saves).
    if set(map(type, scores)) != {ScoreRow}:
        return None
    first: ScoreRow = scores[0]
    labels, proba = first.labels, first.proba
    if len(set(map(id, map(_PROBA, scores)))) != 1 or len(set(map(id, map(_LABELS, scores)))) != 1:
        return None
    if proba.dtype != np.float64 or proba.ndim != 2 or proba.shape[1] != len(labels):
        return None
    try:
        return compiled.records(  # type: ignore[no-any-return]
            head,
            tail,
            tuple(map(_STRING, labels)),
            np.ascontiguousarray(proba),
            list(map(_ROW, scores)),
            list(map(_PARAGRAPH, paragraphs)),
            list(map(_TEXT, paragraphs)),
            list(map(_LABEL, paragraphs)),
        )
    except UnicodeEncodeError:  # a file name or label UTF-8 cannot hold
        return None


def _formatted_lines(paragraphs: tuple[LabeledParagraph, ...], head: str, tail: str) -> str:
    """The records, each one ``str.format`` (``head`` and ``tail`` with their braces doubled)."""
    formats: dict[tuple[str, ...], str] = {}  # per labels in order: one for all, in practice
    out = []
    for p in paragraphs:
        scores = p.scores
        labels = tuple(scores)
        line = formats.get(labels)
        if line is None:
            fields = ", ".join(_literal(_STRING(label)) + ": {}" for label in labels)
            line = formats[labels] = head + '{}, "text": {}, "label": {}, "scores": {{' + fields + "}}" + tail
        out.append(line.format(p.paragraph, _STRING(p.text), _STRING(p.label), *_numbers(scores.values())))
    return "".join(out)


def origin(article: LabeledArticle) -> dict[str, Any]:
    """Where an article came from beyond its file: HTML input, record line, id, date (when known)."""
    extra: dict[str, Any] = {}
    if article.input != "text":
        extra["input"] = article.input
    for key in ("record", "id", "date"):
        value = getattr(article, key)
        if value is not None:
            extra[key] = value
    return extra
