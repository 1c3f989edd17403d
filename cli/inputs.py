"""The input options every reading command shares: HTML pages and crawl exports (JSONL/CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated

import typer

from parknews.model.reader import Document, FileRef, InputProblem, read_documents, scan_documents
from parknews.model.records import RecordFields, export_kind


class InputKind(str, Enum):
    auto = "auto"
    text = "text"
    html = "html"


InputOption = Annotated[
    InputKind,
    typer.Option(
        "--input",
        "-i",
        metavar="auto|text|html",
        help="How to read files: auto (HTML when the content is HTML), text or html.",
    ),
]
TextFieldOption = Annotated[
    str | None,
    typer.Option(
        "--text-field",
        metavar="FIELD",
        help="Crawl exports: the field with the article text.",
        show_default="content, text, body",
    ),
]
HtmlFieldOption = Annotated[
    str | None,
    typer.Option(
        "--html-field",
        metavar="FIELD",
        help="Crawl exports: read the page from this field of raw HTML instead.",
    ),
]
IdFieldOption = Annotated[
    str | None,
    typer.Option(
        "--id-field",
        metavar="FIELD",
        help="Crawl exports: the field kept as `id` in every output record.",
        show_default="url, id",
    ),
]
DateFieldOption = Annotated[
    str | None,
    typer.Option(
        "--date-field",
        metavar="FIELD",
        help="Crawl exports: the publication date field.",
        show_default="published, date",
    ),
]


def fields(
    text_field: str | None, html_field: str | None, id_field: str | None, date_field: str | None
) -> RecordFields:
    """The user's field names; a usage error when both a text and an HTML field are named."""
    if text_field is not None and html_field is not None:
        raise typer.BadParameter("name --text-field or --html-field, not both", param_hint="'--html-field'")
    return RecordFields(text=text_field, html=html_field, id=id_field, date=date_field)


def any_export(paths: list[str], record_fields: RecordFields) -> bool:
    """Whether some input given by name is a crawl export (its records then carry an id)."""
    return record_fields.named or any(export_kind(p, record_fields) is not None for p in paths)


def documents(
    paths: list[str], *, input: InputKind, record_fields: RecordFields
) -> Iterator[Document | InputProblem]:
    return read_documents(paths, input=input.value, fields=record_fields)


def deferred_documents(
    paths: list[str], *, input: InputKind, record_fields: RecordFields
) -> Iterator[Document | InputProblem | FileRef]:
    """``documents``, but each whole file left unread, for whoever labels it to read (``--jobs``)."""
    return scan_documents(paths, input=input.value, fields=record_fields)
