"""The ``parknews`` command. Each command lives in its own module; this file only wires them.

Exit codes: 0 all inputs done, 1 an error or some inputs failed, 2 usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import data, help_format, pipes, usage
from .classify import classify
from .clean import clean
from .explain import explain
from .report import report
from .summarize import analyze, evaluate_summaries, summarize
from .train import evaluate, train

help_format.install()
pipes.install()
usage.install()

# -h as well as --help, on every command and group.
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="parknews",
    cls=pipes.QuietPipeGroup,
    help="Label Chinese development-zone news paragraph by paragraph, and summarize it.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings=CONTEXT,
)
app.command()(classify)
app.command()(train)
app.command()(evaluate)
app.command()(summarize)
app.command()(analyze)
app.command(name="evaluate-summaries")(evaluate_summaries)
app.command()(clean)
app.command()(explain)
app.command()(report)
app.add_typer(data.app, name="data", context_settings=CONTEXT)


def _version(value: bool) -> None:
    if value:
        from parknews import __version__

        typer.echo(f"parknews {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Label Chinese development-zone news paragraph by paragraph, and summarize it."""


def main() -> None:
    # The name users type, also under `python -m parknews`.
    with pipes.output_errors():
        app(prog_name="parknews")
