"""``parknews classify``: label every paragraph of each article."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from parknews.model.reader import InputProblem

from .common import (
    DEFAULT_MODEL_DIR,
    ModelOption,
    PathsArgument,
    fail,
    input_paths,
    load,
    utf8_stdout,
    warn,
)
from .engine import Engine, EngineOption, OutOption, SchedulerOption, require_dask, run_dask
from .inputs import (
    DateFieldOption,
    HtmlFieldOption,
    IdFieldOption,
    InputKind,
    InputOption,
    TextFieldOption,
    any_export,
    deferred_documents,
    fields,
)
from .output import ClassifyOutput


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
    input: InputOption = InputKind.auto,
    text_field: TextFieldOption = None,
    html_field: HtmlFieldOption = None,
    id_field: IdFieldOption = None,
    date_field: DateFieldOption = None,
) -> None:
    """Label every paragraph (non-empty line) of each article.

    An HTML page is read as its visible text blocks (one paragraph each). A crawl
    export (.jsonl or .csv, gzipped or not) is one article per record; its records
    keep the export's [bold]id[/] (e.g. the URL) and report bad records as file:line.

    Example: [bold]parknews classify seeds/ --format jsonl > labels.jsonl[/]

    Example: [bold]parknews classify crawl.jsonl.gz --text-field content --id-field url -f jsonl[/]
    """
    from parknews.engine.processes import label_in_processes, usable_jobs

    paths = input_paths(paths)
    record_fields = fields(text_field, html_field, id_field, date_field)
    if engine is Engine.dask:
        if input is not InputKind.auto or record_fields.named:
            raise fail("--input and the --*-field options go with --engine local", code=2)
        if jobs != 1:
            raise fail("--jobs goes with --engine local; a Dask cluster has its own workers", code=2)
        require_dask()
        model = load(model_dir)
        utf8_stdout(table=fmt is OutputFormat.table)
        # Part files are JSONL whatever --format says; the writer is for stdout.
        dask_output = ClassifyOutput(fmt.value if out_dir is None else "jsonl", model.labels)
        run_dask(
            paths,
            model=model,
            model_dir=model_dir,
            command="classify",
            scheduler=scheduler,
            out_dir=out_dir,
            split=True,
            emit=lambda o: dask_output.write(o.result, where=o.file, empty=o.empty),
            # Streamed JSONL is rendered by the workers; part files are written by them anyway.
            then=dask_output.finish if out_dir is None else None,
        )
        return
    if scheduler is not None or out_dir is not None:
        raise fail("--scheduler and --out go with --engine dask", code=2)
    workers = usable_jobs(jobs)
    if workers < jobs:
        warn(f"--jobs {jobs}: only {workers} CPU(s) here; running {workers} workers")
    model = load(model_dir)
    utf8_stdout(table=fmt is OutputFormat.table)
    extra = ("record", "id", "date") if any_export(paths, record_fields) else ()
    output = ClassifyOutput(fmt.value, model.labels, extra=extra)
    failed = 0
    # Files are read where they are labeled: with --jobs, by the workers, in parallel.
    items = deferred_documents(paths, input=input, record_fields=record_fields)
    # JSONL is rendered where the article was labeled (output.finish), so --jobs parallelizes it too.
    for item, result in label_in_processes(model, items, jobs=jobs, finish=output.finish):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed += 1
            continue
        if item.warning:
            warn(item.warning)
        empty = not result if isinstance(result, (bytes, str)) else not result.paragraphs
        output.write(result, where=item.where, empty=empty)
    if failed:
        raise typer.Exit(1)
