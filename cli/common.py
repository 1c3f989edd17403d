"""What every command shares: consoles, one-line errors, the model option and loader."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from parknews.model.errors import ParknewsError

if TYPE_CHECKING:
    from parknews.model.classifier import ParagraphClassifier

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL_DIR = Path(os.environ.get("PARKNEWS_MODEL", REPO_ROOT / "artifacts" / "model"))

out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as one line on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)
    return typer.Exit(code)


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
    Path, typer.Option("--model", "-m", help="Model directory.", show_default="artifacts/model")
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data", "-d", help="Labeled JSONL files or folders (repeatable).", show_default="training/data"
    ),
]


def load(model_dir: Path) -> ParagraphClassifier:
    from parknews.model.store import load_model

    try:
        return load_model(model_dir)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
