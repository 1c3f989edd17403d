"""Rich and plain-text views of parknews results; no decisions are made here."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.text import Text

from parknews.model.annotate import LabeledArticle, jsonl_data, records
from parknews.model.labels import SPAM

if TYPE_CHECKING:
    # Imported where a table is drawn: JSONL and CSV runs never need rich.table (~15 ms of a cold start).
    from rich.table import Table

    from parknews.model.summarize import ArticleSummary
    from parknews.training.metrics import Report
    from parknews.training.summaries import SummaryReport
    from parknews.training.sweep import SplitReport

LABEL_STYLES: dict[str, str] = {
    "recruitment": "bold green",
    "investment": "bold yellow",
    "talent": "bold magenta",
    "services": "bold cyan",
    "spam": "red",
    "other": "white",
}


def label_text(label: str) -> Text:
    return Text(label, style=LABEL_STYLES.get(label, "white"))


def article_table(article: LabeledArticle) -> Table:
    from rich.table import Table

    table = Table(title=f"{article.file}", title_justify="left", show_lines=False, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("paragraph", ratio=1, overflow="fold")
    for p in article.paragraphs:
        style = "dim" if p.label == SPAM else ""
        table.add_row(
            str(p.paragraph), label_text(p.label), f"{p.score:.2f}", Text(p.text.strip(), style=style)
        )
    return table


def write_json(stream: IO[str], obj: Any) -> None:
    """One JSON document (metrics of ``train``, ``evaluate``, ``evaluate-summaries``), UTF-8."""
    stream.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
    stream.flush()


def jsonl_text(article: LabeledArticle) -> bytes | str:
    """An article's JSONL records, as UTF-8 bytes or as text (empty when it has no paragraphs).

    Module level so that worker processes (``--jobs``, Dask) can render in parallel; bytes
    cross between processes and reach standard output without a decode and an encode.
    """
    return jsonl_data(article)


class CsvWriter:
    """CSV with one row per paragraph and a probability column per label."""

    def __init__(self, stream: IO[str], labels: Iterable[str], extra: Iterable[str] = ()) -> None:
        self._labels = list(labels)
        self._extra = list(extra)  # record fields (record, id, date) put after "file" when asked for
        self._writer = csv.writer(stream)
        self._writer.writerow(
            ["file", *self._extra, "paragraph", "label", "score", *(f"p_{l}" for l in self._labels), "text"]
        )
        self._stream = stream

    def write(self, article: LabeledArticle) -> None:
        for row in records(article):
            scores = row["scores"]
            self._writer.writerow(
                [
                    row["file"],
                    *(row.get(key, "") for key in self._extra),
                    row["paragraph"],
                    row["label"],
                    f"{scores[row['label']]:.4f}",
                    *(f"{scores.get(l, 0.0):.4f}" for l in self._labels),
                    row["text"],
                ]
            )
        self._stream.flush()


def report_table(title: str, rep: Report) -> Table:
    """Per-class precision/recall/F1 with macro-F1 and accuracy in the caption."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("label", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, s in rep.per_class.items():
        table.add_row(
            label_text(label), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    ece = f", ECE {rep.ece:.3f}" if rep.ece is not None else ""
    table.caption = f"macro-F1 {rep.macro_f1:.3f}, accuracy {rep.accuracy:.3f}{ece}, {rep.n} paragraphs"
    return table


def confusion_table(rep: Report) -> Table:
    from rich.table import Table

    table = Table(title="confusion (rows: true, columns: predicted)", title_justify="left")
    table.add_column("")
    for label in rep.labels:
        table.add_column(label[:5], justify="right")
    for label, row in zip(rep.labels, rep.confusion):
        table.add_row(label_text(label), *(str(int(v)) for v in row))
    return table


def print_report(console: Console, title: str, rep: Report) -> None:
    console.print(report_table(title, rep))
    console.print(confusion_table(rep))


# Summaries (``parknews summarize`` / ``analyze`` / ``evaluate-summaries``).

SUMMARY_STYLE = "bold underline"
_BAR_WIDTH = 40


def _base_colour(label: str) -> str:
    return LABEL_STYLES.get(label, "white").replace("bold ", "")


def summary_view(summary: ArticleSummary) -> RenderableType:
    """The summary of one article: its sentences as in the input, in order, then its keywords."""
    from rich.console import Group
    from rich.table import Table

    rows = Table.grid(padding=(0, 1))
    rows.add_column(justify="right", style="dim", no_wrap=True)
    rows.add_column(overflow="fold")
    for s in summary.sentences:
        rows.add_row(f"¶{s.paragraph}", s.original.strip())
    if not summary.sentences:
        rows.add_row("", Text("(no summary)", style="dim"))
    if summary.keywords:
        rows.add_row("", Text("keywords: " + " · ".join(summary.keywords), style="cyan"))
    heading = Text(summary.article.where, style="bold")  # a file name is never markup
    if summary.topic:
        heading.append(f" (topic: {summary.topic})", style="dim")
    return Group(heading, rows, Text(""))


def summary_text(summary: ArticleSummary) -> str:
    """The summary of one article as plain lines for a pipe or a file: the file name, each
    sentence as in the input on its own line, ``keywords: …``, then a blank line; no wrapping."""
    lines = [summary.article.file + (f" (topic: {summary.topic})" if summary.topic else "")]
    # A sentence never holds a line break (it is part of one line), so each stays one line.
    lines += [s.original.strip() for s in summary.sentences]
    if summary.keywords:
        lines.append("keywords: " + " · ".join(summary.keywords))
    return "\n".join(lines) + "\n\n"


def label_share_bar(labels: Iterable[str], width: int = _BAR_WIDTH) -> Text:
    """A one-line bar of label shares, coloured by label, with a legend."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    total = sum(counts.values())
    bar = Text()
    legend = Text()
    if not total:
        return bar
    order = [l for l in LABEL_STYLES if l in counts] + [l for l in counts if l not in LABEL_STYLES]
    # Largest remainders, so the segments always add up to the full width.
    exact = {l: counts[l] / total * width for l in order}
    cells = {l: int(exact[l]) for l in order}
    for l in sorted(order, key=lambda l: exact[l] - cells[l], reverse=True)[: width - sum(cells.values())]:
        cells[l] += 1
    for l in order:
        bar.append("█" * cells[l], style=_base_colour(l))
        legend.append(f"  {l} {counts[l] / total:.0%}", style=_base_colour(l))
    return bar + legend


def analysis_view(summary: ArticleSummary) -> RenderableType:
    """An article to read: each paragraph coloured by label, summary sentences highlighted in place."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    article = summary.article
    chosen: dict[int, list[str]] = {}
    for s in summary.sentences:
        chosen.setdefault(s.paragraph, []).append(s.original)
    body = Table.grid(padding=(0, 1), expand=True)
    body.add_column(justify="right", style="dim", no_wrap=True)
    body.add_column(no_wrap=True)
    body.add_column(ratio=1, overflow="fold")
    for p in article.paragraphs:
        colour = "dim " + _base_colour(p.label) if p.label == SPAM else _base_colour(p.label)
        text = Text(p.text.strip(), style=colour)
        cursor = 0
        for original in chosen.get(p.paragraph, []):
            start = text.plain.find(original, cursor)
            if start >= 0:
                text.stylize(SUMMARY_STYLE, start, start + len(original))
                cursor = start + len(original)
        marker = "★" if p.paragraph in chosen else ""
        body.add_row(f"{marker}{p.paragraph}", label_text(p.label), text)
    footer: list[RenderableType] = []
    if summary.keywords:
        footer.append(Text("keywords: " + " · ".join(summary.keywords), style="cyan"))
    if article.paragraphs:
        footer.append(label_share_bar(p.label for p in article.paragraphs))
    if summary.note:
        footer.append(Text(summary.note, style="yellow"))
    legend = Text("★ and underline: summary sentences", style="dim")
    title = Text(article.where + (f" — topic: {summary.topic}" if summary.topic else ""))
    return Panel(Group(body, Text(""), *footer, legend), title=title, title_align="left")


def summary_scores_table(title: str, report: SummaryReport) -> Table:
    """ROUGE of each system and the spam sentences it chose; the margin over the best baseline below."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "spam sentences", "sentences"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, s in report.systems.items():
        style = "bold" if name == "parknews" else ""
        table.add_row(
            name,
            f"{s.rouge1:.3f}",
            f"{s.rouge2:.3f}",
            f"{s.rougeL:.3f}",
            str(s.spam),
            str(s.sentences),
            style=style,
        )
    margin = report.margin()
    table.caption = "char-level F1; parknews minus the best baseline: " + ", ".join(
        f"{name} {margin[key]:+.3f}"
        for name, key in (("ROUGE-1", "rouge1"), ("ROUGE-2", "rouge2"), ("ROUGE-L", "rougeL"))
    )
    return table


def sweep_table(split: SplitReport, top: int = 5) -> RenderableType:
    """The two-fold sweep: the settings each half chose, held-out scores, and the best settings overall."""
    from rich.console import Group
    from rich.table import Table

    def describe(params: dict[str, Any]) -> str:
        return ", ".join(f"{k}={v}" for k, v in params.items())

    chosen = Text()
    for half, params in zip("AB", split.chosen):
        chosen.append(f"chosen on half {half}: {describe(params)}\n", style="dim")
    held = summary_scores_table(
        f"held out: each half summarized with the other half's choice ({split.held_out.docs} articles)",
        split.held_out,
    )
    ranking = Table(title=f"best {top} settings on all articles (in-sample)", title_justify="left")
    ranking.add_column("settings")
    for column in ("ROUGE-1", "ROUGE-2", "ROUGE-L", "spam"):
        ranking.add_column(column, justify="right")
    for params, s in split.whole[:top]:
        scores = (f"{s.rouge1:.3f}", f"{s.rouge2:.3f}", f"{s.rougeL:.3f}", str(s.spam))
        ranking.add_row(describe(params), *scores)
    return Group(chosen, held, ranking)
