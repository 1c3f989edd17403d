"""What every command shares: consoles, one-line errors, the model option and loader."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from parknews.model.errors import ParknewsError
from parknews.model.location import default_model_dir

if TYPE_CHECKING:
    from parknews.model.classifier import ParagraphClassifier

# The bundled model (package data), or $PARKNEWS_MODEL when set.
DEFAULT_MODEL_DIR = default_model_dir()

out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as one line on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)
    return typer.Exit(code)


# Import names whose distribution is called something else on PyPI.
_DISTRIBUTIONS = {"sklearn": "scikit-learn"}


@contextmanager
def needs(what: str) -> Iterator[None]:
    """Turn a missing dependency into one line naming what to install, not a traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        name = (exc.name or "").split(".")[0]
        raise fail(
            f"{what} needs {name}, which is not installed here: pip install {_DISTRIBUTIONS.get(name, name)} "
            "(or reinstall parknews, which depends on it)"
        ) from None


def utf8_stdout(*, table: bool) -> None:
    """Data (JSONL, CSV) is always UTF-8; a view in a terminal that cannot show a
    character gets a replacement mark instead of a crash mid-run."""
    if hasattr(sys.stdout, "reconfigure"):
        if table:
            sys.stdout.reconfigure(errors="replace")
        else:
            sys.stdout.reconfigure(encoding="utf-8")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)


ModelOption = Annotated[
    Path,
    typer.Option(
        "--model",
        "-m",
        metavar="DIR",
        help="Model directory.",
        show_default="the bundled model, or $PARKNEWS_MODEL",
    ),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        "-d",
        metavar="PATH",
        help="Labeled JSONL files or folders (repeatable).",
        show_default="training/data in a checkout",
    ),
]


PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        help="Files (.txt, .html, crawl exports .jsonl/.csv, any of them .gz), folders of them "
        "(sub-folders too, suffixes in any case) or - for stdin. With no PATH, piped standard input is read.",
        show_default=False,
    ),
]


def spoken(labels: Sequence[str]) -> str:
    """``a, b or c``, for help texts."""
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)


def label_choices(name: str, labels: Sequence[str]) -> type[Enum]:
    """A ``str`` Enum of ``labels`` (from ``parknews.model.labels``) for a Typer option.

    Typer turns an Enum into its choices, for help and for the error on a bad value;
    building it from the vocabulary keeps the label names written in one place.
    """
    return Enum(name, [(label, label) for label in labels], type=str)  # type: ignore[return-value]


def stdin_is_terminal() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def input_paths(paths: list[str] | None) -> list[str]:
    """The paths given; with none, ``-`` when text is piped in, else a usage error."""
    if paths:
        return paths
    if stdin_is_terminal():
        raise typer.BadParameter(
            "give a file or folder, or pipe text in (echo 文字 | parknews classify)", param_hint="'PATH'"
        )
    return ["-"]


def load(model_dir: Path) -> ParagraphClassifier:
    from parknews.api import load_model

    try:
        return load_model(model_dir)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
