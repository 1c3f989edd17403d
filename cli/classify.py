"""``parknews classify``: label every paragraph of each article."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer
from parknews.model.reader import InputProblem, read_documents

from . import render
from .common import DEFAULT_MODEL_DIR, ModelOption, load, out, warn


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def classify(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (their *.txt) or - for stdin.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
) -> None:
    """Label every paragraph (non-empty line) of each article.

    Example: [bold]parknews classify seeds/ --format jsonl > labels.jsonl[/]
    """
    from parknews.model.annotate import label_article, records

    model = load(model_dir)
    csv_writer = render.CsvWriter(sys.stdout, model.labels) if fmt is OutputFormat.csv else None
    failed = 0
    for item in read_documents(paths):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed += 1
            continue
        article = label_article(model, item)
        if not article.paragraphs:
            warn(f"{item.name}: no text (empty or white space only)")
        if fmt is OutputFormat.jsonl:
            render.write_jsonl(sys.stdout, records(article))
        elif csv_writer is not None:
            csv_writer.write(article)
        elif article.paragraphs:
            out.print(render.article_table(article))
    if failed:
        raise typer.Exit(1)
