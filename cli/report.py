"""``parknews report``: a whole crawl as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parknews.model.atomic import atomic_write
from parknews.model.reader import InputProblem

from .common import DEFAULT_MODEL_DIR, ModelOption, PathsArgument, err, fail, input_paths, load, warn
from .inputs import (
    DateFieldOption,
    HtmlFieldOption,
    IdFieldOption,
    InputKind,
    InputOption,
    TextFieldOption,
    documents,
    fields,
)


def report(
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", "-o", dir_okay=False, metavar="FILE", help="The HTML file to write.", show_default=False
        ),
    ],
    paths: PathsArgument = None,
    title: Annotated[
        str, typer.Option("--title", metavar="TEXT", help="The page's title.")
    ] = "parknews crawl report",
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, metavar="N", help="Articles listed per topic.")
    ] = 5,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    input: InputOption = InputKind.auto,
    text_field: TextFieldOption = None,
    html_field: HtmlFieldOption = None,
    id_field: IdFieldOption = None,
    date_field: DateFieldOption = None,
) -> None:
    """Write one self-contained HTML page about a whole crawl: label shares overall, per
    source site and per month, keywords per topic, and the articles with the most content
    on each topic with their summaries. Charts are inline SVG; the page fetches nothing.

    Sites come from a URL id ([bold]--id-field[/]), else the input's folder; months from
    [bold]--date-field[/], else a date in the URL.

    Example: [bold]parknews report week.jsonl.gz --id-field url --date-field published -o report.html[/]
    """
    from parknews.api import classify
    from parknews.model.report import CrawlReport

    paths = input_paths(paths)
    record_fields = fields(text_field, html_field, id_field, date_field)
    target = out_file.parent if str(out_file.parent) else Path(".")
    if not target.is_dir():
        raise fail(f"{out_file}: no folder {target} to write it in")
    model = load(model_dir)
    crawl = CrawlReport(top_articles=top, title=title)
    failed = 0
    with err.status("labeling…") as status:
        for item in documents(paths, input=input, record_fields=record_fields):
            if isinstance(item, InputProblem):
                warn(item.message)
                failed += 1
                continue
            if item.warning:
                warn(item.warning)
            crawl.add(classify(item, model=model))
            if crawl.articles % 50 == 0:
                status.update(f"labeling… {crawl.articles:,} articles")
        status.update("summarizing…")
        page = crawl.to_html()
    if not crawl.articles:
        raise fail("no article could be read: no report written")
    try:
        with atomic_write(out_file) as stream:
            stream.write(page)
    except OSError as exc:
        raise fail(f"cannot write {out_file}: {exc.strerror or exc}") from None
    err.print(f"wrote {out_file} ({crawl.articles:,} articles)", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)
