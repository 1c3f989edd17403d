"""``--engine dask``'s client: reach a cluster, send it the partitions, collect in input order.

This is the only module that imports Dask, and only inside functions, so parknews runs
(and says how to install Dask) without it. The model is loaded and checked once on the
client and scattered to every worker (``broadcast=True``); tasks find it in their
worker's memory. Workers read the inputs and write the part files themselves, so with a
remote cluster the inputs and ``--out`` must be at the same path on every machine (a
shared file system); the model need not be. Messages for the user go to ``warn``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parknews.model.annotate import records
from parknews.model.errors import EngineError

from .parts import PLAN_VERSION, missing_parts, prepare_out
from .plan import Partition, Plan
from .worker import Outcome, PartDone, Then, run_partition, write_partition

if TYPE_CHECKING:
    from distributed import Client

    from parknews.model.classifier import ParagraphClassifier

__all__ = ["INSTALL_HINT", "RunReport", "connect", "import_distributed", "run_on_dask"]

INSTALL_HINT = "pip install 'parknews[dask]'  (or: pip install 'dask[distributed]')"
CONNECT_TIMEOUT_S = 10
WORKER_TIMEOUT_S = 30

Warn = Callable[[str], None]


@dataclass
class RunReport:
    """How a run went; any ``failures`` or ``problems`` make the command exit 1."""

    parts: int = 0
    failures: list[str] = field(default_factory=list)
    problems: int = 0
    done_before: int = 0
    written: int = 0
    rows: int = 0


def import_distributed() -> Any:
    """``dask.distributed``, or an ``EngineError`` that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise EngineError(f"--engine dask needs Dask, which is not installed: {INSTALL_HINT}") from None
    return distributed


@contextmanager
def connect(scheduler: str | None, *, timeout: float = CONNECT_TIMEOUT_S) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster with one worker per core."""
    distributed = import_distributed()
    if scheduler is None:
        with (
            distributed.LocalCluster(
                n_workers=os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # A failed task is reported in one line by the command, not by a worker's traceback.
                silence_logs=logging.CRITICAL,
            ) as cluster,
            distributed.Client(cluster, set_as_default=False) as client,
        ):
            yield client
        return
    from distributed.comm import get_address_host_port

    try:
        # A malformed address is refused before Client(): a Client that fails on one is left
        # half-made, and its clean-up at exit waits 20 s and prints a traceback.
        get_address_host_port(scheduler)
    except ValueError as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
        except TimeoutError:
            raise EngineError(
                f"no worker joined the scheduler at {scheduler} within {WORKER_TIMEOUT_S} s "
                f"(start one with: dask worker {scheduler})"
            ) from None
        yield client


def _check_workers(client: Client) -> None:
    """Every worker must run the parknews this client runs, or the records could differ."""
    mine = importlib.metadata.version("parknews")
    theirs = client.run(importlib.metadata.version, "parknews", on_error="return")
    for worker, version in sorted(theirs.items()):
        if isinstance(version, BaseException):
            raise EngineError(f"worker {worker} cannot find parknews ({version}); install it there")
        if version != mine:
            raise EngineError(f"worker {worker} runs parknews {version}, this machine {mine}")


def _failure(partition: Partition, exc: BaseException) -> str:
    files = ", ".join(partition.files)
    return f"{partition.part} failed ({type(exc).__name__}: {exc}); its files: {files}"


def _key(partition: Partition) -> str:
    return f"parknews-{partition.part}-{uuid.uuid4().hex[:8]}"


def _in_order(
    partitions: Sequence[Partition], submit: Callable[[Partition], Any], window: int
) -> Iterator[tuple[Partition, Any]]:
    """Each partition's result (or exception) in input order, with at most ``window`` in flight."""
    todo = iter(partitions)
    pending: deque[tuple[Partition, Any]] = deque()

    def submit_next() -> None:
        partition = next(todo, None)
        if partition is not None:
            pending.append((partition, submit(partition)))

    for _ in range(window):
        submit_next()
    while pending:
        partition, future = pending.popleft()
        try:
            result = future.result()
        except Exception as exc:
            result = exc
        future.release()
        submit_next()
        yield partition, result


def _stream(
    client: Client,
    model: Any,
    partitions: Sequence[Partition],
    then: Then | None,
    emit: Callable[[Outcome], None],
    warn: Warn,
    report: RunReport,
) -> None:
    def submit(partition: Partition) -> Any:
        return client.submit(run_partition, model, partition.units, then, key=_key(partition), pure=False)

    # Enough in flight to keep every worker busy while the oldest is awaited.
    window = 2 * max(1, len(client.scheduler_info()["workers"])) + 2
    for partition, result in _in_order(partitions, submit, window):
        if isinstance(result, BaseException):
            report.failures.append(_failure(partition, result))
            warn(report.failures[-1])
            continue
        for outcome in result:
            if outcome.warning:
                warn(outcome.warning)
            if outcome.problem:
                warn(outcome.problem)
                report.problems += 1
            if outcome.result is not None:
                emit(outcome)


def _write_parts(
    client: Client,
    model: Any,
    partitions: Sequence[Partition],
    out_dir: Path,
    then: Then | None,
    rows: Callable[[Any], Iterable[dict[str, Any]]],
    warn: Warn,
    report: RunReport,
) -> None:
    distributed = import_distributed()
    futures: dict[Any, Partition] = {}
    for partition in partitions:
        future = client.submit(
            write_partition,
            model,
            partition.units,
            os.fspath(out_dir.resolve()),
            partition.part,
            then,
            rows,
            key=_key(partition),
            pure=False,
        )
        futures[future] = partition
    # The client is not the default one (set_as_default=False), so name its loop.
    for future in distributed.as_completed(futures, loop=client.loop):
        partition = futures[future]
        try:
            done: PartDone = future.result()
        except Exception as exc:
            report.failures.append(_failure(partition, exc))
            warn(report.failures[-1])
            continue
        finally:
            future.release()
        report.written += 1
        report.rows += done.rows
        for message in (*done.warnings, *done.problems):
            warn(message)
        report.problems += len(done.problems)


def run_on_dask(
    plan: Plan,
    *,
    model: ParagraphClassifier,
    model_dir: Path,
    command: str,
    scheduler: str | None,
    out_dir: Path | None,
    emit: Callable[[Outcome], None],
    warn: Warn,
    then: Then | None = None,
    rows: Callable[[Any], Iterable[dict[str, Any]]] = records,
    options: dict[str, Any] | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
) -> RunReport:
    """Run ``command`` over the partitions of ``plan`` on a cluster.

    Without ``out_dir``, ``emit`` gets every outcome in input order; with it, workers
    write ``rows(result)`` of each to part files. ``then`` (module level, so that it
    pickles) turns a labelled article into the command's result; ``options`` are what
    else makes two runs differ, for ``--out``. Warnings and problems go to ``warn``.
    """
    report = RunReport(parts=len(plan.partitions))
    for problem in plan.problems:
        warn(problem.message)
    report.problems += len(plan.problems)
    todo = plan.partitions
    if out_dir is not None:
        header = {
            "version": PLAN_VERSION,
            "command": command,
            "options": options or {},
            "model": hashlib.sha256((model_dir / "manifest.json").read_bytes()).hexdigest(),
        }
        prepare_out(out_dir, header, plan)
        todo, messages, problems = missing_parts(plan, out_dir)
        report.done_before = len(plan.partitions) - len(todo)
        for message in messages:
            warn(message)
        report.problems += problems
    if not todo:
        return report  # nothing to compute: no cluster to start or reach
    with connect(scheduler, timeout=connect_timeout) as client:
        _check_workers(client)
        # One copy per worker, which every task there reads, rather than one per task.
        scattered = client.scatter(model, broadcast=True, hash=False)
        if out_dir is None:
            _stream(client, scattered, todo, then, emit, warn, report)
        else:
            _write_parts(client, scattered, todo, out_dir, then, rows, warn, report)
    return report
