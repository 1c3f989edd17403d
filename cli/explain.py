"""``parknews explain``: the terms and cues that gave one paragraph its label."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.text import Text

from parknews.model.annotate import write_jsonl
from parknews.model.labels import LABELS
from parknews.model.reader import InputProblem

from .common import (
    DEFAULT_MODEL_DIR,
    ModelOption,
    fail,
    input_paths,
    label_choices,
    load,
    out,
    spoken,
    utf8_stdout,
    warn,
)
from .inputs import (
    HtmlFieldOption,
    IdFieldOption,
    InputKind,
    InputOption,
    TextFieldOption,
    documents,
    fields,
)
from .render import label_text

if TYPE_CHECKING:
    from rich.table import Table

    from parknews.model.explain import Contribution, Explanation


class ExplainFormat(str, Enum):
    rich = "rich"
    json = "json"


if TYPE_CHECKING:

    class Label(str, Enum):
        """For the type checker; the members are the labels in ``LABELS``."""

else:
    Label = label_choices("Label", LABELS)


def _feature_table(title: str, rows: list[Contribution], style: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style=style)
    table.add_column("feature", overflow="fold", min_width=12)
    table.add_column("block", style="dim", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("weight", justify="right", no_wrap=True)
    table.add_column("push", justify="right", no_wrap=True, style=style)
    for c in rows:
        shown = c.feature if c.block != "layout" else f"{c.feature} = {c.raw:.3g}"
        table.add_row(Text(shown), c.block, f"{c.value:.3f}", f"{c.weight:+.3f}", f"{c.contribution:+.3f}")
    if not rows:
        table.add_row(Text("(none)", style="dim"), "", "", "", "")
    return table


def explanation_view(e: Explanation, *, top: int) -> Group:
    heading = Text(f"¶{e.paragraph} ", style="dim")
    heading.append(e.text.strip())
    verdict = Text("label ")
    verdict.append_text(label_text(e.label))
    verdict.append(f" p={e.probability:.3f}   against ")
    verdict.append_text(label_text(e.against))
    verdict.append(f" p={e.against_probability:.3f}")
    by_block: dict[str, float] = {}
    for c in e.contributions:
        by_block[c.block] = by_block.get(c.block, 0.0) + c.contribution
    parts = " + ".join(f"{name} {value:+.3f}" for name, value in by_block.items())
    unexplained = f" + unexplained {e.unexplained:+.3f}" if e.unexplained else ""
    sums = Text(
        f"score gap {e.gap:+.3f} = intercept {e.intercept:+.3f} + {parts}{unexplained}"
        f"   (probabilities use the gap ÷ temperature {e.temperature:.3f})",
        style="dim",
    )
    return Group(
        heading,
        verdict,
        sums,
        _feature_table(f"toward {e.label}", e.toward(top), "green"),
        _feature_table(f"toward {e.against}", e.away(top), "red"),
    )


def explain(
    paragraph: Annotated[
        int,
        typer.Option(
            "--paragraph", "-p", min=0, metavar="N", help="The paragraph (0-based, as in classify)."
        ),
    ],
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="One article: a .txt or .html file, a crawl export, or - for stdin. "
            "With no PATH, piped standard input is read.",
            show_default=False,
        ),
    ] = None,
    against: Annotated[
        Label | None,
        typer.Option(
            "--against",
            "-a",
            metavar="LABEL",
            help=f"Compare with this label: {spoken(LABELS)}.",
            show_default="runner-up",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, metavar="N", help="Features shown each way.")
    ] = 10,
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", "-f", metavar="rich|json", help="Output format.")
    ] = ExplainFormat.rich,
    record: Annotated[
        int | None,
        typer.Option(
            "--record", "-r", min=1, metavar="LINE", help="Crawl exports: the record starting on this line."
        ),
    ] = None,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    input: InputOption = InputKind.auto,
    text_field: TextFieldOption = None,
    html_field: HtmlFieldOption = None,
    id_field: IdFieldOption = None,
) -> None:
    """Show the terms and cues that pushed a paragraph toward its label and away from the
    runner-up, with their weights (read from the model's exported arrays).

    Each push is the feature's value times the difference of its two coefficients; with
    the intercepts they add up to the gap between the two labels' scores.

    Example: [bold]parknews explain seeds/004_d4ceb9e4fe46168b.txt --paragraph 6[/]

    Example: [bold]parknews explain crawl.jsonl --record 12 -p 3 --format json[/]
    """
    from parknews.api import explain as explain_paragraph
    from parknews.model.explain import explanation_record
    from parknews.model.text import paragraphs

    (path,) = input_paths([path] if path is not None else None)
    if os.path.isdir(path):  # its first file would be explained, whichever that is
        raise fail(f"{path} is a folder: explain reads one article (a file, or - for stdin)", code=2)
    record_fields = fields(text_field, html_field, id_field, None)
    model = load(model_dir)
    document = None
    for item in documents([path], input=input, record_fields=record_fields):
        if isinstance(item, InputProblem):
            if record is None or item.message.startswith(f"{item.name}:{record}:"):
                raise fail(item.message)
            continue
        if record is None or item.record == record:
            document = item
            break
    if document is None:
        raise fail(f"{path}: no record starts on line {record}" if record else f"{path}: nothing to read")
    if document.warning:
        warn(document.warning)
    count = len(paragraphs(document.text))
    if paragraph >= count:
        last = f" (0–{count - 1})" if count else ""
        raise fail(
            f"{document.where} has {count} paragraphs{last}: there is no paragraph {paragraph}", code=2
        )
    try:
        explanation = explain_paragraph(
            document, paragraph, against=against.value if against is not None else None, model=model
        )
    except ValueError as exc:
        raise fail(str(exc), code=2) from None
    utf8_stdout(table=fmt is ExplainFormat.rich)
    if fmt is ExplainFormat.json:
        record_out = {"file": document.name, **({"id": document.id} if document.id else {})}
        record_out.update(explanation_record(explanation, top=top))
        write_jsonl(sys.stdout, [record_out])
    else:
        out.print(explanation_view(explanation, top=top))
