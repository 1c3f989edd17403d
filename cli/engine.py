"""``--engine``, ``--scheduler`` and ``--out``: the options of a Dask run, and running one.

The work itself is library code (``parknews.engine``); this module only turns options
into a call, the run's report into closing lines on stderr, and errors into one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parknews.model.errors import ParknewsError

from .common import err, fail, warn

if TYPE_CHECKING:
    from parknews.engine.plan import Limits
    from parknews.engine.worker import Outcome, Then
    from parknews.model.classifier import ParagraphClassifier

__all__ = ["Engine", "EngineOption", "OutOption", "SchedulerOption", "require_dask", "run_dask"]


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


def require_dask() -> None:
    """Exit with how to install Dask when it is missing."""
    from parknews.engine.cluster import import_distributed

    try:
        import_distributed()
    except ParknewsError as exc:
        raise fail(str(exc)) from None


def run_dask(
    paths: Sequence[str],
    *,
    model: ParagraphClassifier,
    model_dir: Path,
    command: str,
    scheduler: str | None,
    out_dir: Path | None,
    split: bool,
    emit: Callable[[Outcome], None],
    then: Then | None = None,
    rows: Callable[[Any], Iterable[dict[str, Any]]] | None = None,
    options: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> None:
    """Plan, run on the cluster, print the closing lines; errors become one line and exit 1."""
    from parknews.engine.cluster import run_on_dask
    from parknews.engine.plan import make_plan
    from parknews.model.annotate import records

    try:
        plan = make_plan(paths, split=split, limits=limits)
        report = run_on_dask(
            plan,
            model=model,
            model_dir=model_dir,
            command=command,
            scheduler=scheduler,
            out_dir=out_dir,
            emit=emit,
            warn=warn,
            then=then,
            options=options,
            rows=rows if rows is not None else records,
        )
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    except (OSError, TimeoutError) as exc:
        # The scheduler went away mid-run: what was written stays, a re-run finishes it.
        raise fail(f"lost the Dask cluster ({type(exc).__name__}: {exc})") from None
    if out_dir is not None:
        err.print(
            f"{out_dir}: {report.written} of {report.parts} parts written now ({report.rows} records), "
            f"{report.done_before} already there, {len(report.failures)} failed",
            highlight=False,
        )
    if report.failures:
        err.print(f"{len(report.failures)} partition(s) failed; run the same command again to redo them")
    if report.failures or report.problems:
        raise typer.Exit(1)
