"""Rich and plain-text views of parknews results; no decisions are made here."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from parknews.model.annotate import LabeledArticle, records
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
    table = Table(title=f"{article.file}", title_justify="left", show_lines=False, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("paragraph", ratio=1, overflow="fold")
    for p in article.paragraphs:
        style = "dim" if p.label == "spam" else ""
        table.add_row(
            str(p.paragraph), label_text(p.label), f"{p.score:.2f}", Text(p.text.strip(), style=style)
        )
    return table


def write_jsonl(stream: IO[str], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    stream.flush()


class CsvWriter:
    """CSV with one row per paragraph and a probability column per label."""

    def __init__(self, stream: IO[str], labels: Iterable[str]) -> None:
        self._labels = list(labels)
        self._writer = csv.writer(stream)
        self._writer.writerow(
            ["file", "paragraph", "label", "score", *(f"p_{l}" for l in self._labels), "text"]
        )
        self._stream = stream

    def write(self, article: LabeledArticle) -> None:
        for row in records(article):
            scores = row["scores"]
            self._writer.writerow(
                [
                    row["file"],
                    row["paragraph"],
                    row["label"],
                    f"{scores[row['label']]:.4f}",
                    *(f"{scores.get(l, 0.0):.4f}" for l in self._labels),
                    row["text"],
                ]
            )
        self._stream.flush()


def report_table(title: str, rep: Any) -> Table:
    """Per-class precision/recall/F1 with macro-F1 and accuracy in the caption."""
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


def confusion_table(rep: Any) -> Table:
    table = Table(title="confusion (rows: true, columns: predicted)", title_justify="left")
    table.add_column("")
    for label in rep.labels:
        table.add_column(label[:5], justify="right")
    for label, row in zip(rep.labels, rep.confusion):
        table.add_row(label_text(label), *(str(int(v)) for v in row))
    return table


def print_report(console: Console, title: str, rep: Any) -> None:
    console.print(report_table(title, rep))
    console.print(confusion_table(rep))
