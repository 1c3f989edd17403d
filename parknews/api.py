"""The Python API: ``load_model``, ``classify``, ``summarize`` and ``explain``.

These are the functions the command line runs too: ``parknews classify`` (also
with ``--jobs`` and on Dask), ``clean`` and ``report`` label each article with
``classify``, ``parknews summarize`` / ``analyze`` summarize it with
``summarize``, and ``parknews explain`` runs ``explain``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from parknews.model.annotate import LabeledArticle
    from parknews.model.classifier import ParagraphClassifier
    from parknews.model.explain import Explanation
    from parknews.model.reader import Document
    from parknews.model.summarize import ArticleSummary

__all__ = ["classify", "explain", "load_model", "summarize"]

ModelLike = Union["ParagraphClassifier", str, os.PathLike, None]
TextLike = Union[str, Iterable[str], "Document"]

_lock = threading.Lock()
_models: dict[tuple[str, int, int], ParagraphClassifier] = {}


def load_model(path: str | os.PathLike[str] | None = None) -> ParagraphClassifier:
    """The model in ``path``; by default ``$PARKNEWS_MODEL`` or the bundled model.

    Loaded once and cached; a model folder replaced on disk (``parknews train``) is read again.
    Raises ``parknews.model.errors.ModelError`` (one line) for a missing or damaged model.
    """
    from parknews.model.kernel import load_kernel
    from parknews.model.location import default_model_dir
    from parknews.model.segment import requested_backend
    from parknews.model.store import load_model as load_from

    # A bad PARKNEWS_SEGMENTER or PARKNEWS_KERNEL is reported on every load, cached or not.
    requested_backend()
    load_kernel()
    root = Path(path) if path is not None else default_model_dir()
    try:
        # A retrained model is a new folder renamed into place: a new manifest inode.
        stat = (root / "manifest.json").stat()
        key = (str(root.resolve()), stat.st_ino, stat.st_mtime_ns)
    except OSError:
        return load_from(root)  # reports what is wrong, in one line
    with _lock:
        model = _models.get(key)
        if model is None:
            model = _models[key] = load_from(root)
        return model


def _model(model: ModelLike) -> ParagraphClassifier:
    from parknews.model.classifier import ParagraphClassifier

    return model if isinstance(model, ParagraphClassifier) else load_model(model)


def _document(text: TextLike) -> Document:
    from parknews.model.reader import Document

    if isinstance(text, Document):
        return text
    if isinstance(text, bytes):
        raise TypeError("classify, summarize and explain take text (str), not bytes: decode it first")
    if not isinstance(text, str):
        try:
            text = "\n".join(text)
        except TypeError:  # None, a number, lines that are not all str
            wrong = "a line that is not a str" if isinstance(text, Iterable) else type(text).__name__
            raise TypeError(
                f"classify, summarize and explain take text (str) or its lines, not {wrong}"
            ) from None
    return Document(name="<text>", text=text, encoding="utf-8")


def classify(text_or_lines: TextLike, *, model: ModelLike = None) -> LabeledArticle:
    """Label every paragraph (non-empty line) of one article.

    ``text_or_lines`` is the article as one string or as its lines. The result
    iterates over the labeled paragraphs in order, each with ``paragraph``
    (index among non-empty lines), ``text``, ``label``, ``score`` and ``scores``
    (the probability of every label). ``model`` is a loaded model or a model
    folder; by default the bundled one.
    """
    from parknews.model.annotate import label_article

    return label_article(_model(model), _document(text_or_lines))


def summarize(
    text: TextLike | LabeledArticle,
    sentences: int | None = 3,
    topic: str | None = None,
    *,
    ratio: float | None = None,
    model: ModelLike = None,
) -> ArticleSummary:
    """The key sentences of one article, in document order, and its keywords.

    ``sentences`` of them, or a ``ratio`` (0 < ratio <= 1) of the content
    sentences instead; with ``topic`` (a label other than spam) only that
    label's paragraphs are summarized. Paragraphs labeled spam never are. The
    result has ``sentences`` (each with ``original``, the text as in the input,
    ``text`` normalized, ``paragraph`` and ``score``), ``keywords`` and
    ``article`` (the labeled paragraphs, as ``classify`` returns them).
    """
    from parknews.model.annotate import LabeledArticle
    from parknews.model.summarize import summarize_article

    article = text if isinstance(text, LabeledArticle) else classify(text, model=model)
    return summarize_article(
        article, sentences=None if ratio is not None else sentences, ratio=ratio, topic=topic
    )


def explain(
    text_or_lines: TextLike,
    paragraph: int,
    *,
    against: str | None = None,
    model: ModelLike = None,
) -> Explanation:
    """Why one paragraph of an article got its label: the terms and cues that pushed it
    toward that label and away from ``against`` (by default the runner-up), with weights.

    ``paragraph`` is the index among non-empty lines, as ``classify`` numbers them; the
    paragraph is read in the context of the whole article. The result has ``label``,
    ``against``, their probabilities, the score ``gap`` split into ``intercept`` and one
    ``Contribution`` per feature (``toward(n)`` and ``away(n)`` list the strongest). It
    reads the model's exported weights, not scikit-learn. Raises ``IndexError`` for a
    paragraph the article does not have and ``ValueError`` for an ``against`` that is the
    label itself or not a label of the model.
    """
    from parknews.model.explain import explain as explain_paragraph
    from parknews.model.text import paragraphs

    lines = [p.text for p in paragraphs(_document(text_or_lines).text)]
    return explain_paragraph(_model(model), lines, paragraph, against=against)
