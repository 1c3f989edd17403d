"""parknews beside its anchors: throughput, cold start, memory, scaling, training.

    python benchmarks/run.py            # full figures (several minutes)
    python benchmarks/run.py --quick    # small N, under a minute (CI runs it)
    python benchmarks/run.py --only cold,end-to-end    # some sections (--help lists them)

Every figure is printed beside its anchor, measured in the same run on the
same text, as a ratio with the targets of issues 6 and 13. The headline corpus
is **distinct text**: the labeled articles of ``training/data`` and the real
pages of ``../shared/realdev/`` (read for measuring only, when present), copied
as often as needed with every line made unique (a letter tag that survives
normalization and digit folding), so no memory of repeated text can help. The
repeated-crawl figure (the same articles ten times over) is printed beside it.
Anchors come from the ``bench`` extra (``pip install -e '.[bench]'``); a missing
one is printed as ``skipped: not installed``.

Throughput figures run in fresh worker processes (this script with
``--worker``), one core each, so that the segmenter backend and the caches
start from nothing. Wall-clock figures on a shared machine vary by ±20 %;
the ratios, measured side by side, vary less.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# stages.py takes corpus, labeled_articles and write_corpus from here (``from run import ...``).
from corpus import corpus, labeled_articles, write_corpus
from measure import ROOT, Plan, load_model_for, worker
from memory import long_article
from report import Report, machine
from throughput import (
    cold_start,
    distinct_text,
    end_to_end,
    repeated_crawl,
    summarize_speed,
    worker_classify,
    worker_reference,
    worker_sklearn,
    worker_summarize,
)
from train import train_args, training, worker_train

__all__ = ["corpus", "labeled_articles", "main", "write_corpus"]

WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "classify": worker_classify,
    "sklearn": worker_sklearn,
    "reference": worker_reference,
    "summarize": worker_summarize,
    "train": worker_train,
}


# The sections in the order they run; "training" (below) comes last.
SECTIONS = {
    "distinct": distinct_text,
    "repeated": repeated_crawl,
    "summarize": summarize_speed,
    "cold": cold_start,
    "end-to-end": end_to_end,
    "long-article": long_article,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small N: finishes in under a minute.")
    parser.add_argument("--model", default=str(ROOT / "artifacts" / "model"))
    parser.add_argument(
        "--only",
        help=f"Run these sections only, comma-separated: {', '.join([*SECTIONS, 'training'])}",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--variants", default="repeated,bare,distinct", help=argparse.SUPPRESS)
    parser.add_argument("--no-anchor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return 0

    quick = args.quick
    articles = 8 if quick else 0
    report = Report()
    print(f"parknews benchmark ({'quick' if quick else 'full'}): {machine()}")
    with tempfile.TemporaryDirectory(prefix="parknews-bench-") as tmp_name:
        tmp = Path(tmp_name)
        model, trained = resolve_model(args, report, tmp, articles)
        plan = Plan(
            quick=quick,
            model=model,
            articles=articles,
            runs=1 if quick else 3,
            tmp=tmp,
            base=labeled_articles(articles or None),
        )
        names = [*SECTIONS, "training"]
        only = args.only.split(",") if args.only else names
        unknown = sorted(set(only) - set(names))
        if unknown:
            parser.error(f"--only: no section {', '.join(unknown)}; the sections: {', '.join(names)}")
        for name, section in SECTIONS.items():
            if name in only:
                section(plan, report)
        if "training" in only:
            training(report, trained or worker("train", *train_args(quick, articles)))
    report.summary()
    return 0


def resolve_model(
    args: argparse.Namespace, report: Report, tmp: Path, articles: int
) -> tuple[str, dict[str, Any] | None]:
    """The bundled model when it loads; else the one the training figure trains (its run is reused)."""
    from parknews.model.errors import ModelError

    try:
        load_model_for(args.model)
        return args.model, None
    except ModelError as exc:
        report.figure("model", "trained here", f"(bundled model unusable: {exc})")
    target = tmp / "model"
    trained = worker("train", *train_args(args.quick, articles), "--save", str(target))
    return str(target), trained


if __name__ == "__main__":
    sys.exit(main())
