"""The clean article: what is left when the page furniture (paragraphs labeled spam) is taken out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .annotate import LabeledArticle, LabeledParagraph, origin
from .labels import SPAM

__all__ = ["CleanArticle", "clean_article", "clean_record"]


@dataclass(frozen=True)
class CleanArticle:
    """The paragraphs of ``article`` that were kept, in order, and how many were dropped."""

    article: LabeledArticle
    kept: tuple[LabeledParagraph, ...]
    dropped: int

    @property
    def text(self) -> str:
        """The kept paragraphs as the article's lines, exactly as in the input."""
        return "\n".join(p.text for p in self.kept)


def clean_article(article: LabeledArticle, *, drop: Collection[str] = (SPAM,)) -> CleanArticle:
    """Keep every paragraph whose label is not in ``drop`` (by default: not spam), in order."""
    kept = tuple(p for p in article.paragraphs if p.label not in drop)
    return CleanArticle(article, kept, len(article.paragraphs) - len(kept))


def clean_record(clean: CleanArticle) -> dict[str, Any]:
    """The JSONL record of one clean article.

    ``{"file", ["record", "id", "date", "title"], "text", "paragraphs", "labels", "dropped"}``:
    ``text`` is the kept paragraphs joined by ``\\n``; ``paragraphs`` their indices in
    ``parknews classify``'s numbering and ``labels`` their labels.
    """
    article = clean.article
    extra = origin(article)
    if article.title is not None:
        extra["title"] = article.title
    return {
        "file": article.file,
        **extra,
        "text": clean.text,
        "paragraphs": [p.paragraph for p in clean.kept],
        "labels": [p.label for p in clean.kept],
        "dropped": clean.dropped,
    }
