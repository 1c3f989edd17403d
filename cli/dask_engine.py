"""``--engine dask``: parknews commands on a Dask cluster.

This is the only module that imports Dask, and only inside functions, so
``parknews`` runs (and says how to install Dask) without it; ``model/`` never
imports it, so the single-process path is untouched. Workers run the same
inference code as the single-process commands and write the same records.

How the work is cut, so that the records equal the single-process run's:

- Inputs are expanded on the client exactly as ``read_documents`` does and
  grouped, in input order, into partitions of about ``target`` bytes (between
  ``MIN_PART_BYTES`` and ``PART_BYTES``, aiming at ``TARGET_PARTS`` partitions);
  many small files share one partition.
- With ``split=True`` (classify), a file larger than twice the target is cut
  into up to ``MAX_PIECES`` pieces on paragraph boundaries. A paragraph's
  features read the whole article (its neighbours, its position, whether its
  text repeats elsewhere, whether a "related stories" heading came before it),
  so every piece reads and decodes the whole file and builds the contexts of
  all its paragraphs (about a tenth of the cost of labelling them), then
  labels only its own share. The records are those of the whole file by
  construction, whatever ``features.contexts`` reads. Summarize makes one
  record per file and never splits.
- The model is loaded and checked once on the client and scattered to every
  worker (``broadcast=True``); tasks find it in their worker's memory.
- Workers read the inputs and write the part files themselves. With a remote
  cluster the inputs and ``--out`` must therefore be at the same path on every
  machine (a shared file system); the model need not be.
- ``--out DIR`` gets ``_plan.json`` and ``part-NNNNN.jsonl`` files, each written
  under a temporary name and then renamed, so a part that exists is complete.
  Re-running the same command skips the parts already there; a file that cannot
  be opened fails its whole partition, so the re-run redoes it.
  ``cat DIR/part-*.jsonl`` is the single-process ``--format jsonl`` output.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import math
import os
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from parknews.api import classify
from parknews.model.annotate import LabeledArticle, label_article, records
from parknews.model.errors import ParknewsError
from parknews.model.reader import STDIN, Document, InputProblem, expand, read_documents
from parknews.model.records import RecordFields, export_kind
from parknews.model.text import paragraphs

from . import render
from .common import err, fail, load, out, warn

if TYPE_CHECKING:
    from distributed import Client

    from parknews.model.classifier import ParagraphClassifier

__all__ = [
    "Engine",
    "EngineOption",
    "OutOption",
    "Outcome",
    "RunReport",
    "SchedulerOption",
    "classify_on_dask",
    "connect",
    "make_plan",
    "run_on_dask",
]

INSTALL_HINT = "pip install 'parknews[dask]'  (or: pip install 'dask[distributed]')"
# About 8 s of work per part on one core, at the ~500 KB/s the classifier reads.
PART_BYTES = 4 << 20
# Below this, scheduling a task costs more than it saves.
MIN_PART_BYTES = 64 << 10
TARGET_PARTS = 64
# Each piece of a split file also builds the contexts of the whole file: past a
# few pieces that repeated work costs more than the extra workers give.
MAX_PIECES = 4
MAX_FILES_PER_PART = 1000
CONNECT_TIMEOUT_S = 10
WORKER_TIMEOUT_S = 30
PLAN_FILE = "_plan.json"
PLAN_VERSION = 1


class Engine(str, Enum):
    local = "local"
    dask = "dask"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        metavar="local|dask",
        help="local: this process; dask: a Dask cluster (pip install 'parknews\\[dask]').",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: address of a running dask.distributed scheduler (tcp://HOST:8786). "
        "Default: a local cluster, one worker per core.",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="DIR",
        help="With --engine dask: write JSONL part files to this folder instead of stdout; "
        "re-running redoes only the missing parts.",
        file_okay=False,
        show_default=False,
    ),
]


class EngineError(ParknewsError):
    """The cluster cannot be used, or ``--out`` holds another run's parts."""


# --- units of work --------------------------------------------------------------------------------


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


def _unit_name(unit: Unit) -> str:
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
        return list(dict.fromkeys(_unit_name(u) for u in self.units))


@dataclass(frozen=True)
class Plan:
    partitions: list[Partition]
    problems: list[InputProblem]


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


@dataclass
class RunReport:
    """How a run went; any ``failures`` or ``problems`` make the command exit 1."""

    parts: int = 0
    failures: list[str] = field(default_factory=list)
    problems: int = 0
    done_before: int = 0
    written: int = 0
    rows: int = 0


# --- worker side ----------------------------------------------------------------------------------


def _read_whole(name: str, path: str) -> Document | InputProblem:
    # A file that cannot be opened (gone, disk away) fails the partition, so a re-run
    # redoes it; what the reader says of its content is per file, as in a local run.
    with open(path, "rb"):
        pass
    # HTML pages are read as their text blocks, as in a local run (--input auto).
    item = next(iter(read_documents([path], input="auto")))
    # The reader names the file as it was given, at the start of each message: give it the user's name.
    if isinstance(item, InputProblem):
        return InputProblem(name, item.message.replace(path, name, 1))
    warning = item.warning.replace(path, name, 1) if item.warning else None
    return replace(item, name=name, warning=warning)


def label_piece(
    model: ParagraphClassifier, unit: PieceUnit, then: Callable[[LabeledArticle], Any] | None = None
) -> Outcome:
    """Label one piece of a file exactly as labelling the whole file labels those paragraphs."""
    doc = _read_whole(unit.name, unit.path)
    first = unit.piece == 0
    # The first piece speaks for the file: its problem, its repairs, its emptiness.
    if isinstance(doc, InputProblem):
        return Outcome(unit.name, problem=doc.message if first else None)
    paras = paragraphs(doc.text)
    article = label_article(model, doc, span=unit.span(len(paras)))
    return Outcome(
        unit.name,
        then(article) if then else article,
        warning=doc.warning if first else None,
        empty=first and not paras,
    )


def run_partition(
    model: ParagraphClassifier,
    units: Sequence[Unit],
    then: Callable[[LabeledArticle], Any] | None = None,
) -> list[Outcome]:
    """Label every unit of one partition, in order, and apply ``then`` to each article.

    ``then`` gets a piece of an article when a file was split: only ``split=False``
    commands may summarize or otherwise read the article as a whole.
    """
    outcomes: list[Outcome] = []
    for unit in units:
        if isinstance(unit, PieceUnit):
            outcomes.append(label_piece(model, unit, then))
            continue
        doc = unit.document if isinstance(unit, InlineUnit) else _read_whole(unit.name, unit.path)
        if isinstance(doc, InputProblem):
            outcomes.append(Outcome(doc.name, problem=doc.message))
            continue
        article = classify(doc, model=model)
        outcomes.append(
            Outcome(
                doc.name,
                then(article) if then else article,
                warning=doc.warning,
                empty=not article.paragraphs,
            )
        )
    return outcomes


def _atomic_write(path: Path, write: Callable[[IO[str]], object]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _notes_path(part: Path) -> Path:
    return part.with_name(part.name.removesuffix(".jsonl") + ".notes.json")


def _no_text(file: str) -> str:
    return f"{file}: no text (empty or white space only)"


def write_partition(
    model: ParagraphClassifier,
    units: Sequence[Unit],
    out_dir: str,
    part: str,
    then: Callable[[LabeledArticle], Any] | None,
    rows: Callable[[Any], Iterable[dict[str, Any]]],
) -> PartDone:
    """Run one partition and write its records to ``out_dir/part``: the notes first, the part last."""
    outcomes = run_partition(model, units, then)
    problems = tuple(o.problem for o in outcomes if o.problem)
    warnings = tuple(
        message for o in outcomes for message in (o.warning, _no_text(o.file) if o.empty else None) if message
    )
    target = Path(out_dir) / part
    notes = _notes_path(target)
    if problems or warnings:
        _atomic_write(
            notes, lambda h: json.dump({"problems": problems, "warnings": warnings}, h, ensure_ascii=False)
        )
    else:
        notes.unlink(missing_ok=True)
    results = [o.result for o in outcomes if o.result is not None]
    counted: list[int] = []

    def write(handle: IO[str]) -> None:
        batch = [row for result in results for row in rows(result)]
        counted.append(len(batch))
        render.write_jsonl(handle, batch)

    _atomic_write(target, write)
    return PartDone(sum(counted), problems, warnings)


# --- client side: planning ------------------------------------------------------------------------


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise EngineError(f"--engine dask needs Dask, which is not installed: {INSTALL_HINT}") from None
    return distributed


def _inputs(paths: Sequence[str]) -> tuple[list[tuple[Unit, int, list[Any]]], list[InputProblem]]:
    """Units in input order with their size and what identifies their content, and the problems."""
    entries: list[tuple[Unit, int, list[Any]]] = []
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


def make_plan(
    paths: Sequence[str],
    *,
    split: bool,
    part_bytes: int | None = None,
    min_part_bytes: int | None = None,
) -> Plan:
    """Partition the inputs in order: many small files per partition, a large file in pieces."""
    part_bytes = PART_BYTES if part_bytes is None else part_bytes
    min_part_bytes = MIN_PART_BYTES if min_part_bytes is None else min_part_bytes
    entries, problems = _inputs(paths)
    target = max(min_part_bytes, min(part_bytes, sum(size for _, size, _ in entries) // TARGET_PARTS))

    pieces = {
        i: min(MAX_PIECES, math.ceil(size / target))
        for i, (unit, size, _) in enumerate(entries)
        if split and isinstance(unit, FileUnit) and size > 2 * target
    }
    groups: list[list[tuple[Unit, list[Any]]]] = []
    current: list[tuple[Unit, list[Any]]] = []
    current_bytes = 0
    for i, (unit, size, identity) in enumerate(entries):
        if i in pieces:
            if current:
                groups.append(current)
                current, current_bytes = [], 0
            groups.extend(
                [(PieceUnit(unit.name, unit.path, j, pieces[i]), [*identity, j, pieces[i]])]  # type: ignore[union-attr]
                for j in range(pieces[i])
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


# --- client side: running -------------------------------------------------------------------------


@contextmanager
def connect(scheduler: str | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster with one worker per core."""
    distributed = _import_distributed()
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
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
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
    client: Client, partitions: Sequence[Partition], submit: Callable[[Partition], Any], window: int
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


def _report_outcome(outcome: Outcome, report: RunReport) -> bool:
    """Warn about an outcome's problem or repairs; True when there is a result to emit."""
    if outcome.warning:
        warn(outcome.warning)
    if outcome.problem:
        warn(outcome.problem)
        report.problems += 1
    return outcome.result is not None


def _stream(
    client: Client,
    model: Any,
    partitions: Sequence[Partition],
    then: Callable[[LabeledArticle], Any] | None,
    emit: Callable[[Outcome], None],
    report: RunReport,
) -> None:
    def submit(partition: Partition) -> Any:
        return client.submit(run_partition, model, partition.units, then, key=_key(partition), pure=False)

    # Enough in flight to keep every worker busy while the oldest is awaited.
    window = 2 * max(1, len(client.scheduler_info()["workers"])) + 2
    for partition, result in _in_order(client, partitions, submit, window):
        if isinstance(result, BaseException):
            report.failures.append(_failure(partition, result))
            warn(report.failures[-1])
            continue
        for outcome in result:
            if _report_outcome(outcome, report):
                emit(outcome)


def _prepare_out(out_dir: Path, header: dict[str, Any], plan: Plan) -> None:
    """Keep in ``out_dir`` only the parts this plan would write the same, and record the plan."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_path = out_dir / PLAN_FILE
    before: dict[str, Any] = {}
    if plan_path.exists():
        try:
            previous = json.loads(plan_path.read_text("utf-8"))
        except (OSError, ValueError):
            previous = {}
        if previous.get("header") != header:
            raise EngineError(
                f"{out_dir} holds the output of another run (other command, model or options); "
                "remove it or choose another --out"
            )
        before = previous.get("parts", {})
    elif any(out_dir.glob("part-*.jsonl")):
        raise EngineError(
            f"{out_dir} holds part files but no {PLAN_FILE}; remove them or choose another --out"
        )
    # JSON has no tuples: compare identities as they read back from the file.
    wanted = {p.part: json.loads(json.dumps(p.identity)) for p in plan.partitions}
    for part in out_dir.glob("part-*.jsonl"):
        # Inputs changed, or the partitions moved: that part would be written differently now.
        if part.name not in wanted or wanted[part.name] != before.get(part.name):
            part.unlink()
            _notes_path(part).unlink(missing_ok=True)
    _atomic_write(
        plan_path, lambda h: json.dump({"header": header, "parts": wanted}, h, ensure_ascii=False, indent=1)
    )


def _replay_notes(notes: Path, report: RunReport) -> None:
    """Warn again about what an earlier run found in a part it wrote."""
    if not notes.exists():
        return
    saved = json.loads(notes.read_text("utf-8"))
    for message in [*saved.get("warnings", []), *saved.get("problems", [])]:
        warn(message)
    report.problems += len(saved.get("problems", []))


def _missing_parts(plan: Plan, out_dir: Path, report: RunReport) -> list[Partition]:
    """The partitions whose part is not in ``out_dir`` yet; the notes of the others are replayed."""
    missing = []
    for partition in plan.partitions:
        target = out_dir / partition.part
        if target.exists():
            report.done_before += 1
            _replay_notes(_notes_path(target), report)
        else:
            missing.append(partition)
    return missing


def _write_parts(
    client: Client,
    model: Any,
    partitions: Sequence[Partition],
    out_dir: Path,
    then: Callable[[LabeledArticle], Any] | None,
    rows: Callable[[Any], Iterable[dict[str, Any]]],
    report: RunReport,
) -> None:
    distributed = _import_distributed()
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
    paths: Sequence[str],
    *,
    model: ParagraphClassifier,
    model_dir: Path,
    command: str,
    scheduler: str | None,
    out_dir: Path | None,
    split: bool,
    emit: Callable[[Outcome], None],
    then: Callable[[LabeledArticle], Any] | None = None,
    rows: Callable[[Any], Iterable[dict[str, Any]]] = records,
    options: dict[str, Any] | None = None,
) -> RunReport:
    """Run ``command`` over ``paths`` on a cluster.

    Without ``out_dir``, ``emit`` gets every outcome in input order; with it,
    workers write ``rows(result)`` of each to part files. ``then`` (module
    level, so that it pickles) turns a labelled article into the command's
    result; ``options`` are what else makes two runs differ, for ``--out``.
    """
    report = RunReport()
    plan = make_plan(paths, split=split)
    report.parts = len(plan.partitions)
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
        _prepare_out(out_dir, header, plan)
        todo = _missing_parts(plan, out_dir, report)
    if not todo:
        return report  # nothing to compute: no cluster to start or reach
    with connect(scheduler) as client:
        _check_workers(client)
        # One copy per worker, which every task there reads, rather than one per task.
        scattered = client.scatter(model, broadcast=True, hash=False)
        if out_dir is None:
            _stream(client, scattered, todo, then, emit, report)
        else:
            _write_parts(client, scattered, todo, out_dir, then, rows, report)
    return report


def print_report(report: RunReport, out_dir: Path | None) -> None:
    """The closing lines on stderr: what ``--out`` holds now, and how to redo failures."""
    if out_dir is not None:
        err.print(
            f"{out_dir}: {report.written} of {report.parts} parts written now ({report.rows} records), "
            f"{report.done_before} already there, {len(report.failures)} failed",
            highlight=False,
        )
    if report.failures:
        err.print(f"{len(report.failures)} partition(s) failed; run the same command again to redo them")


def _run_command(
    paths: Sequence[str], *, model: ParagraphClassifier, model_dir: Path, out_dir: Path | None, **kwargs: Any
) -> None:
    """Run on the cluster, print the closing lines, and turn errors into one line and exit 1."""
    try:
        report = run_on_dask(paths, model=model, model_dir=model_dir, out_dir=out_dir, **kwargs)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    except (OSError, TimeoutError) as exc:
        # The scheduler went away mid-run: what was written stays, a re-run finishes it.
        raise fail(f"lost the Dask cluster ({type(exc).__name__}: {exc})") from None
    print_report(report, out_dir)
    if report.failures or report.problems:
        raise typer.Exit(1)


def require_dask() -> None:
    """Exit with how to install Dask when it is missing."""
    try:
        _import_distributed()
    except EngineError as exc:
        raise fail(str(exc)) from None


def classify_on_dask(
    paths: Sequence[str], *, model_dir: Path, fmt: str, scheduler: str | None, out_dir: Path | None
) -> None:
    """``parknews classify --engine dask``: print in input order, or write part files to ``out_dir``."""
    require_dask()
    model = load(model_dir)
    csv_writer = render.CsvWriter(sys.stdout, model.labels) if fmt == "csv" and out_dir is None else None

    def emit(outcome: Outcome) -> None:
        if outcome.empty:
            warn(_no_text(outcome.file))
        if fmt == "jsonl":
            sys.stdout.write(outcome.result)
            return
        article: LabeledArticle = outcome.result
        if csv_writer is not None:
            csv_writer.write(article)
        elif article.paragraphs:
            out.print(render.article_table(article))

    _run_command(
        paths,
        model=model,
        model_dir=model_dir,
        out_dir=out_dir,
        command="classify",
        scheduler=scheduler,
        split=True,
        emit=emit,
        # Streamed JSONL is rendered by the workers; part files are written by them anyway.
        then=render.jsonl_text if fmt == "jsonl" and out_dir is None else None,
    )


def summary_rows(summary: Any) -> list[dict[str, Any]]:
    """The one JSONL record of a summary (module level, so that workers can unpickle it)."""
    from parknews.model.summarize import summary_record

    return [summary_record(summary)]


def summarize_on_dask(
    paths: Sequence[str],
    *,
    model_dir: Path,
    fmt: str,
    scheduler: str | None,
    out_dir: Path | None,
    sentences: int | None,
    ratio: float | None,
    topic: str | None,
) -> None:
    """``parknews summarize --engine dask``: one record per file, files never split."""
    require_dask()
    from parknews.api import summarize

    from .summarize import _note, show_summary

    plain = not sys.stdout.isatty()

    def emit(outcome: Outcome) -> None:
        summary = outcome.result
        if summary.note:
            _note(summary.note)
        if fmt == "jsonl":
            render.write_jsonl(sys.stdout, summary_rows(summary))
        else:
            show_summary(summary, plain=plain)

    _run_command(
        paths,
        model=load(model_dir),
        model_dir=model_dir,
        out_dir=out_dir,
        command="summarize",
        scheduler=scheduler,
        split=False,
        emit=emit,
        then=partial(summarize, sentences=sentences, ratio=ratio, topic=topic),
        rows=summary_rows,
        options={"sentences": sentences, "ratio": ratio, "topic": topic},
    )
