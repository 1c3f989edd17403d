"""``--jobs N``: labeling many documents on several processes, results in input order, memory bounded.

Documents are labeled in chunks of about ``chunk_chars`` characters, each chunk
in one batch of the classifier (``classify_ahead``), which costs less than
article by article (with one job too). With several jobs the parent only lists
the inputs and writes what comes back: each worker is sent a unit of a few
chunks' worth of *file names* (``FileRef``), reads and decodes the files itself
and, with ``finish``, sends back the rendered output, so neither the texts nor
the labeled articles cross between processes, and the parent leaves both cores
to the workers. At most two units per worker are in flight, so a crawl of any
size streams through in constant memory. Each worker holds its own copy of the
model, its tables and the segmenter, built once in the parent and shared
copy-on-write on fork (pickled without its caches elsewhere). ``finish`` must be
a module-level function.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from parknews.model.annotate import LabeledArticle, label_article
from parknews.model.classifier import ParagraphClassifier
from parknews.model.reader import Document, FileRef, InputProblem
from parknews.model.segment import load_reference
from parknews.model.text import paragraphs

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["label_in_processes", "usable_jobs"]

CHUNK_CHARS = 50_000
_CHUNK_DOCUMENTS = 64
# Chunks per unit of work sent to a worker: enough that a round trip costs little beside the
# labeling (~0.2 s of work a unit), few enough that the last units keep both workers busy.
_UNIT_CHUNKS = 4
# A file's size in bytes → its characters, to size units before the file is read: Chinese
# text in UTF-8 or GB18030 takes 2–3 bytes a character.
_BYTES_PER_CHAR = 3

Item = Document | InputProblem | FileRef
Read = Document | InputProblem
Finish = Callable[[LabeledArticle], Any]

# Set once in each worker process by `_start_worker`; the parent never reads it.
_WORKER_MODEL: ParagraphClassifier | None = None

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def usable_jobs(jobs: int) -> int:
    """``jobs`` capped at the CPUs this process may run on.

    Labeling is CPU-bound, so a worker beyond the CPUs only costs memory; and the pool
    forks every worker at once, so ``--jobs 100000`` forked until the machine ran out of it.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(jobs, cpus))


def _start_worker(model: ParagraphClassifier, parent: int) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model
    # Ctrl-C reaches the workers too: they end without a KeyboardInterrupt traceback each,
    # and the parent reports the interruption.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when its parent dies without shutting the pool down.

    A parent killed outright (``kill``, ``kill -9``, the out-of-memory killer) left its
    workers waiting for work forever: each holds a copy of the queue's writing end, so
    it never sees the queue close. Linux can send the worker a signal instead.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # no usable libc: the old behaviour, nothing worse
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _label_unit(items: list[Item], finish: Finish | None, chunk_chars: int) -> list[tuple[Read | None, Any]]:
    """``(item, result)`` for each item of a unit, the item ``None`` where it is the one sent.

    A file the worker read comes back as its ``Document`` without the text (the
    result holds what was made of it), so the text never travels back.
    """
    model = _WORKER_MODEL
    assert model is not None, "worker started without a model"
    labeled = _label_here(model, (_read(item) for item in items), finish, chunk_chars)
    return [
        (_without_text(read) if isinstance(sent, FileRef) else None, result)
        for sent, (read, result) in zip(items, labeled)
    ]


def _read(item: Item) -> Read:
    return item.read() if isinstance(item, FileRef) else item


def _without_text(item: Read) -> Read:
    return dataclasses.replace(item, text="") if isinstance(item, Document) else item


def _labeled(model: ParagraphClassifier, documents: list[Document]) -> list[LabeledArticle]:
    # One numpy batch for the chunk, then each article as the API labels it (same predictions).
    paras = [paragraphs(d.text) for d in documents]
    model.classify_ahead([p.text for p in ps] for ps in paras)
    return [label_article(model, d, paras=ps) for d, ps in zip(documents, paras)]


def _label_here(
    model: ParagraphClassifier, items: Iterable[Read], finish: Finish | None, chunk_chars: int
) -> Iterator[tuple[Read, Any]]:
    for chunk in _chunks(items, chunk_chars):
        articles = iter(_labeled(model, [item for item in chunk if isinstance(item, Document)]))
        for item in chunk:
            if isinstance(item, InputProblem):
                yield item, None
            else:
                article = next(articles)
                yield item, finish(article) if finish is not None else article


def _weight(item: Item) -> int:
    """Characters of text an item holds, a file's estimated from its size."""
    if isinstance(item, Document):
        return len(item.text)
    return item.size // _BYTES_PER_CHAR if isinstance(item, FileRef) else 0


def _chunks(items: Iterable[Any], chunk_chars: int, documents: int = _CHUNK_DOCUMENTS) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += _weight(item)
        if size >= chunk_chars or len(chunk) >= documents:
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
) -> Iterator[tuple[Read, Any]]:
    """``(item, result)`` for each item in input order; the result is ``None`` for an ``InputProblem``.

    The result is the ``LabeledArticle``, or what ``finish`` made of it. A ``FileRef``
    is read where it is labeled and yielded as what it read as; with several jobs
    a ``Document`` read so comes back without its text.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    jobs = usable_jobs(jobs)
    if jobs == 1:
        yield from _label_here(model, (_read(item) for item in items), finish, chunk_chars)
        return
    yield from _label_in_pool(model, items, jobs, finish, chunk_chars)


def _label_in_pool(
    model: ParagraphClassifier, items: Iterable[Item], jobs: int, finish: Finish | None, chunk_chars: int
) -> Iterator[tuple[Read, Any]]:
    # Imported here: one job (the cold start of a single article) never needs a process pool.
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the loaded model, its tables and the segmenter with the workers at no
    # cost (built here once); elsewhere the model is pickled once per worker.
    model.prepare()
    # The segmenter's tables are loaded once here and shared: the compiled cut's (~30 ms, 18 MB)
    # or jieba itself, whichever is the backend. jiebacut's table (the rjieba backend's fallback
    # for the few strings only jieba cuts right) stays lazy: each worker that meets such a string
    # reads it from its cache; read here, it would cost that before any worker starts, and for
    # nothing when no string needs it.
    load_reference()
    # The collector would write to every object the workers inherited, copying their pages.
    gc.freeze()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    units = _chunks(items, _UNIT_CHUNKS * chunk_chars, _UNIT_CHUNKS * _CHUNK_DOCUMENTS)
    try:
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_start_worker, initargs=(model, os.getpid())
        ) as pool:
            pending: deque[tuple[list[Item], Future[list[tuple[Read | None, Any]]]]] = deque()
            for unit in units:
                pending.append((unit, pool.submit(_label_unit, unit, finish, chunk_chars)))
                if len(pending) >= 2 * jobs:
                    yield from _merge(*pending.popleft())
            while pending:
                yield from _merge(*pending.popleft())
    finally:
        gc.unfreeze()


def _merge(unit: list[Item], future: Future[list[tuple[Read | None, Any]]]) -> Iterator[tuple[Read, Any]]:
    for sent, (read, result) in zip(unit, future.result()):
        if read is None:
            assert not isinstance(sent, FileRef)
            read = sent
        yield read, result
