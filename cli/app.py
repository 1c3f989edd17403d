"""The ``parknews`` command: thin Typer commands over the library.

Exit codes: 0 all inputs done, 1 an error or some inputs failed, 2 usage error.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from parknews.model.errors import ParknewsError
from parknews.model.reader import InputProblem, read_documents

from . import render

app = typer.Typer(
    name="parknews",
    help="Label Chinese development-zone news paragraph by paragraph, and summarize it.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL_DIR = Path(os.environ.get("PARKNEWS_MODEL", REPO_ROOT / "artifacts" / "model"))

out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


class OutputFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as one line on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {message}", markup=True, highlight=False)


ModelOption = Annotated[
    Path, typer.Option("--model", "-m", help="Model directory.", show_default="artifacts/model")
]


def _load(model_dir: Path):  # noqa: ANN202 - the classifier type is imported lazily
    from parknews.model.store import load_model

    try:
        return load_model(model_dir)
    except ParknewsError as exc:
        raise fail(str(exc)) from None


@app.command()
def classify(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (their *.txt) or - for stdin.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
) -> None:
    """Label every paragraph (non-empty line) of each article.

    Example: [bold]parknews classify seeds/ --format jsonl > labels.jsonl[/]
    """
    from parknews.model.annotate import label_article, records

    model = _load(model_dir)
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


@app.command()
def train(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", "-d", help="Labeled JSONL files or folders (repeatable).", show_default="training/data"),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model.")] = DEFAULT_MODEL_DIR,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Grouped cross-validation folds.")] = 5,
    quick: Annotated[bool, typer.Option(help="Skip the settings search: one setting, for a fast retrain.")] = False,
) -> None:
    """Fit the classifier on labeled data, report grouped-CV scores and save the model.

    The old model is replaced only when the new one is completely written.

    Example: [bold]parknews train --data training/data --data my_labels.jsonl --out my_model[/]
    """
    from parknews.model.store import save_model
    from parknews.training.dataset import load_dataset
    from parknews.training.fit import DEFAULT_GRID, Settings, train as fit

    try:
        dataset = load_dataset(data)
        err.print(f"{len(dataset.records)} paragraphs in {len(dataset.articles)} articles from "
                  f"{len(dataset.files)} file(s)")
        with err.status("training…") as status:
            result = fit(dataset, grid=(Settings(),) if quick else DEFAULT_GRID, folds=folds,
                         progress=lambda m: status.update(m))
        save_model(result.model, out_dir)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    for settings, score in result.search:
        err.print(f"  {settings.describe()}: grouped-CV macro-F1 {score:.3f}")
    if result.cv is not None:
        render.print_report(out, f"grouped {folds}-fold CV (by article), {result.settings.describe()}", result.cv)
    err.print(f"model written to {out_dir}")


@app.command()
def evaluate(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", "-d", help="Labeled JSONL files or folders (repeatable).", show_default="training/data"),
    ] = None,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
) -> None:
    """Score a model on labeled data: per-class precision/recall/F1, macro-F1, confusion matrix.

    Example: [bold]parknews evaluate --data held_out.jsonl[/]
    """
    from parknews.training.dataset import load_dataset
    from parknews.training.evaluate import evaluate_model

    model = _load(model_dir)
    try:
        dataset = load_dataset(data)
        rep = evaluate_model(model, dataset)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    if model.manifest.get("training_data", {}).get("sha256") == dataset.sha256:
        warn("this is the data the model was trained on: these are training scores, not test scores")
    render.print_report(out, f"{model_dir} on {len(dataset.articles)} articles", rep)


def main() -> None:
    app()
