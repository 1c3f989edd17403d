"""Training time and grouped-CV scores of ``parknews train``, beside fastText on the same folds."""

from __future__ import annotations

import argparse
import time
from typing import Any

from anchors import fasttext_cv
from report import SKIPPED, Report, rate


def train_args(quick: bool, articles: int) -> list[str]:
    """The arguments of ``run.py --worker train`` for this run's size."""
    return ["--articles", str(articles), *(["--quick"] if quick else [])]


def training(report: Report, trained: dict[str, Any]) -> None:
    """Print the figures of a ``worker_train`` run."""
    report.section("training (grouped CV + final fit)")
    report.figure(
        "training s",
        f"{trained['seconds']:.1f} s",
        f"{trained['fits']} fits on {trained['paragraphs']} paragraphs;"
        f" CV accuracy {trained['accuracy']:.3f}, macro-F1 {trained['macro_f1']:.3f}",
    )
    ft = trained["fasttext"]
    if ft is None:
        report.figure("fastText supervised", SKIPPED)
        return
    report.figure(
        "fastText training s",
        f"{ft['seconds']:.1f} s",
        f"{ft['fits']} fits; CV accuracy {ft['accuracy']:.3f}, macro-F1 {ft['macro_f1']:.3f}",
    )
    report.figure(
        "fastText predict paragraphs/s",
        rate(ft["predict_per_s"], "para/s"),
        "jieba tokenization included",
    )


def worker_train(args: argparse.Namespace) -> dict[str, Any]:
    """Wall time and grouped-CV scores of ``parknews train``, beside fastText on the same folds."""
    from parknews.training.dataset import load_dataset
    from parknews.training.fit import DEFAULT_GRID, Settings, train

    dataset = load_dataset()
    if args.articles:
        dataset = dataset.filter(docs=[a.doc for a in dataset.articles[: args.articles]])
    grid = (Settings(),) if args.quick else DEFAULT_GRID
    folds = 3 if args.quick else 5
    start = time.perf_counter()
    result = train(dataset, grid=grid, folds=folds)
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {
        "paragraphs": len(dataset.records),
        "seconds": seconds,
        "fits": len(grid) * folds + 1,
        "accuracy": result.cv.accuracy if result.cv else None,
        "macro_f1": result.cv.macro_f1 if result.cv else None,
        "fasttext": fasttext_cv(dataset, folds),
    }
    if args.save:
        from parknews.model.store import save_model

        save_model(result.model, args.save)
    return out
