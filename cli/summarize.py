"""``parknews summarize``, ``analyze`` and ``evaluate-summaries``: key sentences of each article."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parknews.model.errors import ParknewsError
from parknews.model.labels import TOPICS
from parknews.model.reader import InputProblem, read_documents

from . import render
from .common import (
    DEFAULT_MODEL_DIR,
    DataOption,
    ModelOption,
    PathsArgument,
    err,
    fail,
    input_paths,
    label_choices,
    load,
    out,
    spoken,
    utf8_stdout,
    warn,
)
from .engine import Engine, EngineOption, OutOption, SchedulerOption, require_dask, run_dask
from .output import SummaryOutput, note, summary_rows
from .train import MetricsFormat, MetricsFormatOption

if TYPE_CHECKING:
    from parknews.model.classifier import ParagraphClassifier
    from parknews.model.summarize import ArticleSummary
    from parknews.training.summaries import Scores, SummaryReport


if TYPE_CHECKING:

    class Topic(str, Enum):
        """For the type checker; the members are the labels in ``TOPICS``."""

else:
    # Every label but spam: furniture is never summarized.
    Topic = label_choices("Topic", TOPICS)


class SummaryFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"


SentencesOption = Annotated[
    int | None,
    typer.Option("--sentences", "-n", min=1, metavar="N", help="Sentences per summary.", show_default="3"),
]
RatioOption = Annotated[
    float | None,
    typer.Option(
        "--ratio", "-r", metavar="R", help="Keep this share (0 < R <= 1) of the content sentences instead."
    ),
]
TopicOption = Annotated[
    Topic | None,
    typer.Option(
        "--topic",
        "-t",
        metavar="LABEL",
        help=f"Summarize only the paragraphs of this label: {spoken(TOPICS)}.",
    ),
]


def _check_count(sentences: int | None, ratio: float | None) -> None:
    if sentences is not None and ratio is not None:
        raise typer.BadParameter("give --sentences or --ratio, not both", param_hint="'--ratio'")
    if ratio is not None and not 0.0 < ratio <= 1.0:
        raise typer.BadParameter(f"{ratio} is not in (0, 1]", param_hint="'--ratio'")


def _summaries(
    model: ParagraphClassifier,
    paths: list[str],
    *,
    sentences: int | None,
    ratio: float | None,
    topic: Topic | None,
    failed: list[str],
) -> Iterator[ArticleSummary]:
    """Label and summarize each readable input; unreadable ones are warned about and counted."""
    from parknews.api import summarize as summarize_text
    from parknews.model.records import RecordFields

    # HTML pages and crawl exports (by their suffix, with the usual field names) as in classify.
    for item in read_documents(paths, input="auto", fields=RecordFields()):
        if isinstance(item, InputProblem):
            warn(item.message)
            failed.append(item.name)
            continue
        if item.warning:
            warn(item.warning)
        summary = summarize_text(
            item,
            model=model,
            sentences=sentences,
            ratio=ratio,
            topic=topic.value if topic is not None else None,
        )
        yield summary


def summarize(
    paths: PathsArgument = None,
    sentences: SentencesOption = None,
    ratio: RatioOption = None,
    topic: TopicOption = None,
    fmt: Annotated[
        SummaryFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="text|jsonl",
            help="Output format. text, when not shown in a terminal: the file name, one sentence "
            "a line, a keywords line and a blank line, never wrapped.",
        ),
    ] = SummaryFormat.text,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    out_dir: OutOption = None,
) -> None:
    """Print the key sentences of each article in document order, and its keywords.

    Page furniture (paragraphs labeled spam) is never quoted. [bold]--format jsonl[/] writes
    one record per input file: file, summary (text, original, paragraph, score) and keywords.

    Example: [bold]parknews summarize seeds/ --sentences 2 --topic recruitment[/]
    """
    paths = input_paths(paths)
    _check_count(sentences, ratio)
    topic_label = topic.value if topic is not None else None
    # In a terminal, a rich view; into a pipe or file, plain lines a script can take apart.
    plain = fmt is SummaryFormat.text and not sys.stdout.isatty()
    if engine is Engine.dask:
        require_dask()
        from functools import partial

        from parknews.api import summarize as summarize_text

        dask_output = SummaryOutput(fmt.value, plain=not sys.stdout.isatty())
        run_dask(
            paths,
            model=load(model_dir),
            model_dir=model_dir,
            command="summarize",
            scheduler=scheduler,
            out_dir=out_dir,
            split=False,
            emit=lambda o: dask_output.write(o.result),
            then=partial(summarize_text, sentences=sentences, ratio=ratio, topic=topic_label),
            rows=summary_rows,
            options={"sentences": sentences, "ratio": ratio, "topic": topic_label},
        )
        return
    if scheduler is not None or out_dir is not None:
        raise fail("--scheduler and --out go with --engine dask", code=2)
    model = load(model_dir)
    utf8_stdout(table=fmt is not SummaryFormat.jsonl and not plain)
    output = SummaryOutput(fmt.value, plain=plain)
    failed: list[str] = []
    for summary in _summaries(model, paths, sentences=sentences, ratio=ratio, topic=topic, failed=failed):
        output.write(summary)
    if failed:
        raise typer.Exit(1)


def analyze(
    paths: PathsArgument = None,
    sentences: SentencesOption = None,
    ratio: RatioOption = None,
    topic: TopicOption = None,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
) -> None:
    """Show each article as a person reads it: paragraphs coloured by label, summary in place.

    The summary sentences are highlighted in place, with the keywords and the share of each label.

    Example: [bold]parknews analyze seeds/000_78403b45b73b3ff9.txt[/]
    """
    paths = input_paths(paths)
    _check_count(sentences, ratio)
    model = load(model_dir)
    utf8_stdout(table=True)
    failed: list[str] = []
    for summary in _summaries(model, paths, sentences=sentences, ratio=ratio, topic=topic, failed=failed):
        if summary.note:
            note(summary.note)
        out.print(render.analysis_view(summary))
    if failed:
        raise typer.Exit(1)


def evaluate_summaries(
    data: DataOption = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            "-g",
            metavar="FILE",
            help="Gold summaries (JSONL).",
            show_default="training/data/summaries.jsonl",
        ),
    ] = None,
    sentences: Annotated[
        int, typer.Option("--sentences", "-n", min=1, metavar="N", help="Sentences per summary.")
    ] = 3,
    sweep: Annotated[
        bool,
        typer.Option(
            help="Also choose settings by a sweep on half the articles and score them on the other half "
            "(takes minutes)."
        ),
    ] = False,
    model_dir: ModelOption = DEFAULT_MODEL_DIR,
    fmt: MetricsFormatOption = MetricsFormat.table,
) -> None:
    """Score the summarizer against gold summaries beside lead-3 and plain TextRank.

    Char-level ROUGE-1/2/L F1, and the number of chosen sentences whose paragraph is spam.

    Example: [bold]parknews evaluate-summaries --sweep[/]
    """
    from parknews.training.dataset import load_dataset
    from parknews.training.gold import DEFAULT_GOLD, load_gold
    from parknews.training.summaries import evaluate_summaries
    from parknews.training.sweep import split_sweep

    model = load(model_dir)
    try:
        dataset = load_dataset(data)
        gold_summaries = load_gold(gold or DEFAULT_GOLD, dataset)
        report = evaluate_summaries(model, dataset, gold_summaries, sentences=sentences)
    except ParknewsError as exc:
        raise fail(str(exc)) from None
    trained_on_it = model.manifest.get("training_data", {}).get("sha256") == dataset.sha256
    if trained_on_it:
        warn("the classifier was trained on these articles: its labels here are better than on new text")
    if report.without_gold:
        note(f"{report.without_gold} articles have no gold summary yet and are not scored")
    split = None
    if sweep:
        with err.status("sweeping…") as status:
            split = split_sweep(
                model, dataset, gold_summaries, sentences=sentences, progress=lambda m: status.update(m)
            )
    utf8_stdout(table=fmt is MetricsFormat.table)
    if fmt is MetricsFormat.json:
        record: dict[str, Any] = {
            "model": str(model_dir),
            "sentences": sentences,
            "classifier_trained_on_these_articles": trained_on_it,
            **_summary_scores(report),
        }
        if split is not None:
            record["sweep"] = {
                "chosen": list(split.chosen),
                "held_out": _summary_scores(split.held_out),
                "best": [{"settings": p, **_rounded(s)} for p, s in split.whole[:5]],
            }
        render.write_json(sys.stdout, record)
        return
    out.print(render.summary_scores_table(f"{report.docs} articles with gold summaries", report))
    if split is not None:
        out.print(render.sweep_table(split))


def _rounded(scores: Scores) -> dict[str, Any]:
    row = dataclasses.asdict(scores)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}


def _summary_scores(report: SummaryReport) -> dict[str, Any]:
    return {
        "articles": report.docs,
        "without_gold": report.without_gold,
        "systems": {name: _rounded(s) for name, s in report.systems.items()},
        "margin": {k: round(v, 4) for k, v in report.margin().items()},
    }
