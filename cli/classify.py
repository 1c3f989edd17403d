"""``parknews classify``: label every paragraph of each article."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from parknews.model.reader import InputProblem, read_documents

from . import render
from .common import (
    DEFAULT_MODEL_DIR,
    ModelOption,
    PathsArgument,
    fail,
    input_paths,
    load,
    out,
    utf8_stdout,
    warn,
)
from .dask_engine import Engine, EngineOption, OutOption, SchedulerOption


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def classify(
    paths: PathsArgument = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", metavar="table|jsonl|csv", help="Output format.")
    ] = OutputFormat.table,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    out_dir: OutOption = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes; output stays in input order and streams.",
        ),
    ] = 1,
) -> None:
    """Label every paragraph (non-empty line) of each article.

    Example: [bold]parknews classify seeds/ --format jsonl > labels.jsonl[/]
    """
    from parknews.model.parallel import label_documents

    paths = input_paths(paths)
    if engine is Engine.dask:
        from .dask_engine import classify_on_dask

        if jobs != 1:
            raise fail("--jobs goes with --engine local; a Dask cluster has its own workers", code=2)
        utf8_stdout(table=fmt is OutputFormat.table)
        classify_on_dask(paths, model_dir=model_dir, fmt=fmt.value, scheduler=scheduler, out_dir=out_dir)
        return
    if scheduler is not None or out_dir is not None:
        raise fail("--scheduler and --out go with --engine dask", code=2)
    model = load(model_dir)
    utf8_stdout(table=fmt is OutputFormat.table)
    csv_writer = render.CsvWriter(sys.stdout, model.labels) if fmt is OutputFormat.csv else None
    failed = 0
    # JSONL is rendered where the article was labeled, so --jobs parallelizes it too.
    finish = render.jsonl_text if fmt is OutputFormat.jsonl else None
    for item, article in label_documents(model, read_documents(paths), jobs=jobs, finish=finish):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed += 1
            continue
        if item.warning:
            warn(item.warning)
        if finish is not None:
            if not article:  # no records: the file had no paragraphs
                warn(f"{item.name}: no text (empty or white space only)")
            sys.stdout.write(article)
            continue
        if not article.paragraphs:
            warn(f"{item.name}: no text (empty or white space only)")
        if csv_writer is not None:
            csv_writer.write(article)
        elif article.paragraphs:
            out.print(render.article_table(article))
    if failed:
        raise typer.Exit(1)
