"""``parknews classify``: label every paragraph of each article."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from parknews.model.reader import InputProblem

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
from .inputs import (
    DateFieldOption,
    HtmlFieldOption,
    IdFieldOption,
    InputKind,
    InputOption,
    TextFieldOption,
    any_export,
    documents,
    fields,
)


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
    from parknews.model.parallel import label_documents

    paths = input_paths(paths)
    record_fields = fields(text_field, html_field, id_field, date_field)
    if engine is Engine.dask:
        if input is not InputKind.auto or record_fields.named:
            raise fail("--input and the --*-field options go with --engine local", code=2)
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
    extra = ("record", "id", "date") if any_export(paths, record_fields) else ()
    csv_writer = render.CsvWriter(sys.stdout, model.labels, extra=extra) if fmt is OutputFormat.csv else None
    failed = 0
    # JSONL is rendered where the article was labeled, so --jobs parallelizes it too.
    finish = render.jsonl_text if fmt is OutputFormat.jsonl else None
    items = documents(paths, input=input, record_fields=record_fields)
    for item, article in label_documents(model, items, jobs=jobs, finish=finish):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed += 1
            continue
        if item.warning:
            warn(item.warning)
        if finish is not None:
            if not article:  # no records: the file had no paragraphs
                warn(f"{item.where}: no text (empty or white space only)")
            sys.stdout.write(article)
            continue
        if not article.paragraphs:
            warn(f"{item.where}: no text (empty or white space only)")
        if csv_writer is not None:
            csv_writer.write(article)
        elif article.paragraphs:
            out.print(render.article_table(article))
    if failed:
        raise typer.Exit(1)
