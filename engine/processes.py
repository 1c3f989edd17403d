"""``--jobs N``: labeling many documents on several processes, results in input order, memory bounded.

Documents are labeled in chunks of about ``chunk_chars`` characters, each chunk
in one batch of the classifier (``classify_ahead``), which costs less than
article by article (with one job too). With several jobs the chunks go to
worker processes; at most two chunks per worker are in flight, so a crawl of
any size streams through in constant memory. Each worker holds its own copy of
the model (inherited on fork, pickled without its caches elsewhere). A
``finish`` function, when given, runs in the worker on each labeled article,
so rendering output is parallel too; it must be a module-level function.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from parknews.api import classify
from parknews.model.annotate import LabeledArticle
from parknews.model.classifier import ParagraphClassifier
from parknews.model.reader import Document, InputProblem
from parknews.model.text import paragraphs

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["label_in_processes"]

CHUNK_CHARS = 50_000
_CHUNK_DOCUMENTS = 64

Item = Document | InputProblem
Finish = Callable[[LabeledArticle], Any]

# Set once in each worker process by `_start_worker`; the parent never reads it.
_WORKER_MODEL: ParagraphClassifier | None = None


def _start_worker(model: ParagraphClassifier) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _label_chunk(documents: list[Document], finish: Finish | None) -> list[Any]:
    model = _WORKER_MODEL
    assert model is not None, "worker started without a model"
    labeled = _labeled(model, documents)
    return [finish(a) for a in labeled] if finish is not None else labeled


def _labeled(model: ParagraphClassifier, documents: list[Document]) -> list[LabeledArticle]:
    # One numpy batch for the chunk, then each article as the API labels it (same predictions).
    model.classify_ahead([p.text for p in paragraphs(d.text)] for d in documents)
    return [classify(d, model=model) for d in documents]


def _chunks(items: Iterable[Item], chunk_chars: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.text) if isinstance(item, Document) else 0
        if size >= chunk_chars or len(chunk) >= _CHUNK_DOCUMENTS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def label_in_processes(
    model: ParagraphClassifier,
    items: Iterable[Item],
    *,
    jobs: int = 1,
    finish: Finish | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[tuple[Item, Any]]:
    """``(item, result)`` for each item in input order; the result is ``None`` for an ``InputProblem``.

    The result is the ``LabeledArticle``, or what ``finish`` made of it.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs == 1:
        for chunk in _chunks(items, chunk_chars):
            articles = iter(_labeled(model, [item for item in chunk if isinstance(item, Document)]))
            for item in chunk:
                if isinstance(item, InputProblem):
                    yield item, None
                else:
                    article = next(articles)
                    yield item, finish(article) if finish is not None else article
        return
    yield from _label_in_pool(model, items, jobs, finish, chunk_chars)


def _label_in_pool(
    model: ParagraphClassifier, items: Iterable[Item], jobs: int, finish: Finish | None, chunk_chars: int
) -> Iterator[tuple[Item, Any]]:
    # Imported here: one job (the cold start of a single article) never needs a process pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the loaded model, its tables and the segmenter with the workers at no
    # cost (built here once); elsewhere the model is pickled once per worker.
    model.prepare()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(model,)) as pool:
        pending: deque[tuple[list[Item], Future[list[Any]]]] = deque()
        for chunk in _chunks(items, chunk_chars):
            documents = [item for item in chunk if isinstance(item, Document)]
            pending.append((chunk, pool.submit(_label_chunk, documents, finish)))
            if len(pending) >= 2 * jobs:
                yield from _merge(*pending.popleft())
        while pending:
            yield from _merge(*pending.popleft())


def _merge(chunk: list[Item], future: Future[list[Any]]) -> Iterator[tuple[Item, Any]]:
    results = iter(future.result())
    for item in chunk:
        yield item, None if isinstance(item, InputProblem) else next(results)
