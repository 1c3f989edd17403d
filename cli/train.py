"""``parknews train`` and ``parknews evaluate``: fit and score the classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parknews.model.errors import ParknewsError

from . import render
from .common import DEFAULT_MODEL_DIR, DataOption, ModelOption, err, fail, load, out, warn


def train(
    data: DataOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the model.", show_default="artifacts/model")
    ] = DEFAULT_MODEL_DIR,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Grouped cross-validation folds.")] = 5,
    quick: Annotated[
        bool, typer.Option(help="Skip the settings search: one setting, for a fast retrain.")
    ] = False,
) -> None:
    """Fit the classifier on labeled data, report grouped-CV scores and save the model.

    The old model is replaced only when the new one is completely written.

    Example: [bold]parknews train --data training/data --data my_labels.jsonl --out my_model[/]
    """
    from parknews.model.store import check_replaceable, save_model
    from parknews.training.dataset import load_dataset
    from parknews.training.fit import DEFAULT_GRID, Settings
    from parknews.training.fit import train as fit

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
) -> None:
    """Score a model on labeled data: per-class precision/recall/F1, macro-F1, confusion matrix.

    Example: [bold]parknews evaluate --data held_out.jsonl[/]
    """
    from parknews.training.dataset import load_dataset
    from parknews.training.evaluate import evaluate_model

    model = load(model_dir)
    try:
        dataset = load_dataset(data)
        rep = evaluate_model(model, dataset)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    if model.manifest.get("training_data", {}).get("sha256") == dataset.sha256:
        warn("this is the data the model was trained on: these are training scores, not test scores")
    render.print_report(out, f"{model_dir} on {len(dataset.articles)} articles", rep)
