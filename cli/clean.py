"""``parknews clean``: each article without its page furniture, as text or JSONL."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parknews.model.annotate import write_jsonl
from parknews.model.atomic import atomic_write
from parknews.model.labels import OTHER, SPAM, TOPICS
from parknews.model.reader import STDIN, InputProblem, no_text

from .common import (
    DEFAULT_MODEL_DIR,
    ModelOption,
    PathsArgument,
    fail,
    input_paths,
    label_choices,
    load,
    spoken,
    utf8_stdout,
    warn,
)
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


class CleanFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"


# Furniture first, then off-topic content, then the topics: the order the help lists them in.
DROPPABLE = (SPAM, OTHER, *(label for label in TOPICS if label != OTHER))

if TYPE_CHECKING:

    class Droppable(str, Enum):
        """For the type checker; the members are the labels in ``DROPPABLE``."""

else:
    Droppable = label_choices("Droppable", DROPPABLE)

_UNSAFE = re.compile(r"[^\w.-]+")


def _out_name(name: str, record: int | None, used: set[str]) -> str:
    """A file name for an article: the input's name (and line, for a record), made safe and unique."""
    base = Path(name).name if name != STDIN else "stdin"
    for suffix in (".gz", ".txt", ".html", ".htm", ".shtml", ".jsonl", ".ndjson", ".csv"):
        base = base.removesuffix(suffix)
    base = _UNSAFE.sub("_", base).strip("._") or "article"
    if record is not None:
        base = f"{base}-{record}"
    name, n = f"{base}.txt", 1
    while name in used:
        n += 1
        name = f"{base}-{n}.txt"
    used.add(name)
    return name


def clean(
    paths: PathsArgument = None,
    fmt: Annotated[
        CleanFormat, typer.Option("--format", "-f", metavar="text|jsonl", help="Output format.")
    ] = CleanFormat.text,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            file_okay=False,
            metavar="DIR",
            help="Write each article to its own .txt file in this folder.",
        ),
    ] = None,
    drop: Annotated[
        list[Droppable] | None,
        typer.Option(
            "--drop",
            metavar="LABEL",
            help=f"Labels to take out (repeatable): {spoken(DROPPABLE)}.",
            show_default=SPAM,
        ),
    ] = None,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    input: InputOption = InputKind.auto,
    text_field: TextFieldOption = None,
    html_field: HtmlFieldOption = None,
    id_field: IdFieldOption = None,
    date_field: DateFieldOption = None,
) -> None:
    """Write each article without its page furniture (paragraphs labeled spam), lines in order.

    Text: the kept lines of each article, a blank line between articles (or one file per
    article with [bold]--out DIR[/]). JSONL: one record per article with its text, the
    indices and labels of the kept paragraphs and the number dropped (and the id of a
    crawl export's record).

    Example: [bold]parknews clean page.html > article.txt[/]

    Example: [bold]parknews clean crawl.jsonl.gz --id-field url -f jsonl > clean.jsonl[/]
    """
    from parknews.api import classify
    from parknews.model.clean import clean_article, clean_record

    paths = input_paths(paths)
    record_fields = fields(text_field, html_field, id_field, date_field)
    if out_dir is not None and fmt is not CleanFormat.text:
        raise fail("--out writes text files; leave out --format jsonl (or write JSONL to stdout)", code=2)
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fail(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    dropped_labels = {d.value for d in drop} if drop else {SPAM}
    model = load(model_dir)
    utf8_stdout(table=False)
    failed = 0
    first = True
    used: set[str] = set()
    for item in documents(paths, input=input, record_fields=record_fields):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed += 1
            continue
        if item.warning:
            warn(item.warning)
        result = clean_article(classify(item, model=model), drop=dropped_labels)
        if not result.article.paragraphs:
            warn(no_text(item.where))
        if fmt is CleanFormat.jsonl:
            write_jsonl(sys.stdout, [clean_record(result)])
        elif out_dir is not None:
            target = out_dir / _out_name(item.name, item.record, used)
            try:
                with atomic_write(target, newline="\n") as stream:
                    stream.write(result.text + "\n" if result.kept else "")
            except OSError as exc:
                raise fail(f"cannot write {target}: {exc.strerror or exc}") from None
        elif result.kept:
            sys.stdout.write(("" if first else "\n") + result.text + "\n")
            sys.stdout.flush()
            first = False
    if failed:
        raise typer.Exit(1)
