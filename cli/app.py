"""The ``parknews`` command. Each command lives in its own module; this file only wires them.

Exit codes: 0 all inputs done, 1 an error or some inputs failed, 2 usage error.
"""

from __future__ import annotations

import typer

from . import data
from .classify import classify
from .clean import clean
from .explain import explain
from .report import report
from .summarize import analyze, evaluate_summaries, summarize
from .train import evaluate, train

app = typer.Typer(
    name="parknews",
    help="Label Chinese development-zone news paragraph by paragraph, and summarize it.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command()(classify)
app.command()(train)
app.command()(evaluate)
app.command()(summarize)
app.command()(analyze)
app.command(name="evaluate-summaries")(evaluate_summaries)
app.add_typer(data.app, name="data")
app.command()(clean)
app.command()(explain)
app.command()(report)


def main() -> None:
    app()
