"""The one output writer of ``classify`` and ``summarize``, whatever ran the work.

A local run, ``--jobs N`` and ``--engine dask`` hand each result to the same writer, so
they print the same bytes: JSONL records, CSV rows, a table or a summary view, with the
same warnings on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from parknews.model.annotate import LabeledArticle, origin, write_jsonl
from parknews.model.reader import no_text

from . import render
from .common import err, out, warn

if TYPE_CHECKING:
    from parknews.model.summarize import ArticleSummary

__all__ = ["ClassifyOutput", "SummaryOutput", "note", "summary_rows"]


def note(message: str) -> None:
    """A remark on stderr that is not a warning (an empty summary, data without gold)."""
    err.print(f"[cyan]note:[/] {escape(message)}", markup=True, highlight=False)


class ClassifyOutput:
    """``parknews classify``'s output in ``fmt`` (table, jsonl or csv).

    ``finish`` is what a worker (``--jobs``, Dask) makes of each labelled article before
    sending it back: its JSONL text, so rendering runs in parallel too; ``write`` takes
    that text or the article itself.
    """

    def __init__(self, fmt: str, labels: Sequence[str], *, extra: Iterable[str] = ()) -> None:
        self.fmt = fmt
        self._csv = render.CsvWriter(sys.stdout, labels, extra=extra) if fmt == "csv" else None
        # Whether standard output's text layer may hold text the next bytes must follow: the
        # flush that empties it also writes to the descriptor, and one such call per article
        # was a system call per file (17,900 in the --jobs benchmark, all in the parent).
        self._text_pending = True

    @property
    def finish(self) -> Any:
        return render.jsonl_text if self.fmt == "jsonl" else None

    def write(self, result: LabeledArticle | bytes | str, *, where: str, empty: bool) -> None:
        """One article (or piece of one, on Dask); ``empty``: the input had no paragraph."""
        if empty:
            warn(no_text(where))
        if isinstance(result, bytes):
            self._write_utf8(result)
            return
        self._text_pending = True
        if isinstance(result, str):
            sys.stdout.write(result)
        elif self._csv is not None:
            self._csv.write(result)
        elif result.paragraphs:
            out.print(render.article_table(result))

    def _write_utf8(self, data: bytes) -> None:
        """JSONL already encoded (standard output is UTF-8 for data: ``utf8_stdout``), to the
        byte stream under standard output after what its text layer holds."""
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:
            sys.stdout.write(data.decode("utf-8"))
            return
        if self._text_pending:
            sys.stdout.flush()
            self._text_pending = False
        stream.write(data)


def summary_rows(summary: ArticleSummary) -> list[dict[str, Any]]:
    """The one JSONL record of a summary (module level, so that Dask workers can unpickle it)."""
    from parknews.model.summarize import summary_record

    return [{**summary_record(summary), **origin(summary.article)}]


class SummaryOutput:
    """``parknews summarize``'s output: JSONL records, or text (plain lines when ``plain``)."""

    def __init__(self, fmt: str, *, plain: bool) -> None:
        self.fmt = fmt
        self.plain = plain

    def write(self, summary: ArticleSummary) -> None:
        if summary.note:
            note(summary.note)
        if self.fmt == "jsonl":
            write_jsonl(sys.stdout, summary_rows(summary))
        elif self.plain:
            sys.stdout.write(render.summary_text(summary))
            sys.stdout.flush()
        else:
            out.print(render.summary_view(summary))
