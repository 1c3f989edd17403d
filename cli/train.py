"""``parknews train`` and ``parknews evaluate``: fit and score the classifier."""

from __future__ import annotations

import dataclasses
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from parknews.model.errors import ParknewsError
from parknews.model.location import in_installed_package, user_model_dir

from . import render
from .common import DEFAULT_MODEL_DIR, DataOption, ModelOption, err, fail, load, needs, out, utf8_stdout, warn


class MetricsFormat(str, Enum):
    table = "table"
    json = "json"


# `train`, `evaluate` and `evaluate-summaries` print their metrics as tables, or as one JSON object.
MetricsFormatOption = Annotated[
    MetricsFormat,
    typer.Option("--format", "-f", metavar="table|json", help="Metrics as tables, or one JSON object."),
]


def train(
    data: DataOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Where to write the model. Replacing the bundled model of a checkout is "
            "done by naming it: --out artifacts/model.",
            show_default="~/.local/share/parknews/model",
        ),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Grouped cross-validation folds.")] = 5,
    quick: Annotated[
        bool, typer.Option("--quick", help="Skip the settings search: one setting, for a fast retrain.")
    ] = False,
    fmt: MetricsFormatOption = MetricsFormat.table,
) -> None:
    """Fit the classifier on labeled data, report grouped-CV scores and save the model.

    The model goes to --out (by default $XDG_DATA_HOME/parknews/model, that is
    ~/.local/share/parknews/model), never into the installed package; use it with
    --model DIR or PARKNEWS_MODEL=DIR. The old model there is replaced only when the
    new one is completely written.

    Example: [bold]parknews train --data training/data --data my_labels.jsonl --out my_model[/]
    """
    from parknews.model.store import check_replaceable, save_model
    from parknews.training.dataset import load_dataset

    with needs("parknews train"):
        from parknews.training.fit import DEFAULT_GRID, Settings
        from parknews.training.fit import train as fit

    out_dir = out_dir if out_dir is not None else user_model_dir()
    if in_installed_package(out_dir):
        raise fail(
            f"{out_dir} is inside the installed parknews package: write the model elsewhere "
            "(--out DIR) and use it with --model DIR or PARKNEWS_MODEL=DIR",
            code=2,
        )
    had_model = out_dir.exists()
    try:
        check_replaceable(out_dir)  # before the minutes of fitting, not after
        dataset = load_dataset(data)
        err.print(
            f"{len(dataset.records)} paragraphs in {len(dataset.articles)} articles from "
            f"{len(dataset.files)} file(s)"
        )
        with err.status("training…") as status:
            result = fit(
                dataset,
                grid=(Settings(),) if quick else DEFAULT_GRID,
                folds=folds,
                progress=lambda m: status.update(m),
            )
        save_model(result.model, out_dir)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:
        # scikit-learn's refusals of data too thin to fit ("no terms remain" after min_df)
        raise fail(f"training failed on this data: {exc}") from None
    except KeyboardInterrupt:
        kept = f"the model at {out_dir} is unchanged" if had_model else f"nothing was written to {out_dir}"
        raise fail(f"interrupted: {kept}", code=130) from None
    utf8_stdout(table=fmt is MetricsFormat.table)
    if fmt is MetricsFormat.json:
        render.write_json(
            sys.stdout,
            {
                "model": str(out_dir),
                "settings": dataclasses.asdict(result.settings),
                "search": [
                    {"settings": dataclasses.asdict(s), "macro_f1": round(score, 4)}
                    for s, score in result.search
                ],
                "cv": None if result.cv is None else {"folds": folds, **result.cv.as_dict()},
            },
        )
    else:
        for settings, score in result.search:
            err.print(f"  {settings.describe()}: grouped-CV macro-F1 {score:.3f}")
        if result.cv is not None:
            render.print_report(
                out, f"grouped {folds}-fold CV (by article), {result.settings.describe()}", result.cv
            )
    err.print(f"model written to {out_dir}")


def evaluate(
    data: DataOption = None,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    fmt: MetricsFormatOption = MetricsFormat.table,
) -> None:
    """Score a model on labeled data: per-class precision/recall/F1, macro-F1, confusion matrix.

    Example: [bold]parknews evaluate --data held_out.jsonl --format json[/]
    """
    from parknews.training.dataset import load_dataset
    from parknews.training.evaluate import evaluate_model

    model = load(model_dir)
    try:
        dataset = load_dataset(data)
        rep = evaluate_model(model, dataset)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    trained_on_it = model.manifest.get("training_data", {}).get("sha256") == dataset.sha256
    if trained_on_it:
        warn("this is the data the model was trained on: these are training scores, not test scores")
    utf8_stdout(table=fmt is MetricsFormat.table)
    if fmt is MetricsFormat.json:
        record: dict[str, Any] = {
            "model": str(model_dir),
            "articles": len(dataset.articles),
            "training_data": trained_on_it,
            **rep.as_dict(),
        }
        render.write_json(sys.stdout, record)
        return
    render.print_report(out, f"{model_dir} on {len(dataset.articles)} articles", rep)
