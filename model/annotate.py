"""Labeling whole articles: one record per non-empty line, always, in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .classifier import ParagraphClassifier
from .reader import Document
from .text import paragraphs

__all__ = ["LabeledArticle", "LabeledParagraph", "label_article", "label_documents", "origin", "records"]


@dataclass(frozen=True)
class LabeledParagraph:
    paragraph: int
    text: str
    label: str
    scores: dict[str, float]

    @property
    def score(self) -> float:
        return self.scores[self.label]


@dataclass(frozen=True)
class LabeledArticle:
    """A labeled article; ``input``, ``record``, ``id``, ``date`` and ``title`` are the ``Document``'s."""

    file: str
    encoding: str
    paragraphs: tuple[LabeledParagraph, ...]
    input: str = "text"
    record: int | None = None
    id: str | None = None
    date: str | None = None
    title: str | None = None

    @property
    def where(self) -> str:
        """``file`` or ``file:line`` (a record of a crawl export) for messages."""
        return self.file if self.record is None else f"{self.file}:{self.record}"


def label_article(model: ParagraphClassifier, document: Document) -> LabeledArticle:
    """Label every non-empty line of ``document`` (the original text is kept as is)."""
    paras = paragraphs(document.text)
    predictions = model.classify([p.text for p in paras]) if paras else []
    return LabeledArticle(
        file=document.name,
        encoding=document.encoding,
        paragraphs=tuple(
            LabeledParagraph(p.index, p.text, pred.label, pred.scores) for p, pred in zip(paras, predictions)
        ),
        input=document.input,
        record=document.record,
        id=document.id,
        date=document.date,
        title=document.title,
    )


def label_documents(model: ParagraphClassifier, documents: Iterable[Document]) -> Iterator[LabeledArticle]:
    for document in documents:
        yield label_article(model, document)


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
