"""Labeling whole articles: one record per non-empty line, always, in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .classifier import ParagraphClassifier
from .reader import Document
from .text import paragraphs

__all__ = ["LabeledArticle", "LabeledParagraph", "label_article", "label_documents", "records"]


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
    file: str
    encoding: str
    paragraphs: tuple[LabeledParagraph, ...]


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
    )


def label_documents(model: ParagraphClassifier, documents: Iterable[Document]) -> Iterator[LabeledArticle]:
    for document in documents:
        yield label_article(model, document)


def records(article: LabeledArticle) -> Iterator[dict[str, Any]]:
    """The public JSONL records of an article (schema in the README)."""
    for p in article.paragraphs:
        yield {
            "file": article.file,
            "paragraph": p.paragraph,
            "text": p.text,
            "label": p.label,
            "scores": {label: round(score, 6) for label, score in p.scores.items()},
            "encoding": article.encoding,
        }
