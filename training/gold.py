"""Gold summaries (``training/data/summaries.jsonl``): one line per article,
``{"doc": str, "sentences": [str, ...]}``, each sentence an exact substring of one of
its article's paragraphs. ``evaluate-summaries`` scores against them; ``data stats``
counts them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from parknews.model.errors import DataError

from .dataset import DEFAULT_DATA_DIR, Dataset

__all__ = ["DEFAULT_GOLD", "load_gold", "load_summaries", "read_gold", "summaries_beside"]

DEFAULT_GOLD = DEFAULT_DATA_DIR / "summaries.jsonl"


def read_gold(path: str | os.PathLike[str]) -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """Every gold summary in ``path`` by doc, with where it is (``file:line``), and the problems
    found (one message per bad line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        lines = data.decode("utf-8-sig").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:  # as the labeled data says it (training/dataset.py)
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}:{line}: not UTF-8 text (byte {exc.start}); JSONL files must be UTF-8"
        ) from None
    gold: dict[str, tuple[str, list[str]]] = {}
    problems: list[str] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        doc, sentences = (obj.get("doc"), obj.get("sentences")) if isinstance(obj, dict) else (None, None)
        if (
            not isinstance(doc, str)
            or not isinstance(sentences, list)
            or not sentences
            or not all(isinstance(s, str) and s for s in sentences)
        ):
            problems.append(f'{where}: expected {{"doc": str, "sentences": [str, ...]}}')
            continue
        gold[doc] = (where, sentences)
    return gold, problems


def _raise(problems: list[str]) -> None:
    if problems:
        more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise DataError("\n".join(problems[:20]) + more)


def load_gold(path: str | os.PathLike[str], dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """Gold summaries of the articles of ``dataset``, by doc.

    Each sentence must be a substring of one of its article's paragraphs.
    Articles without gold are absent, gold for articles not in ``dataset`` is
    skipped, and every problem is reported at once.
    """
    everything, problems = read_gold(path)
    articles = {a.doc: a for a in dataset.articles}
    gold: dict[str, tuple[str, ...]] = {}
    for doc, (where, sentences) in everything.items():
        if doc not in articles:
            continue  # gold for articles outside this data (``--data`` names a subset)
        lines_of_doc = articles[doc].lines
        if all(any(sentence in line for line in lines_of_doc) for sentence in sentences):
            gold[doc] = tuple(sentences)
        else:
            problems.append(f"{where}: a sentence is not a substring of any paragraph of {doc}")
    _raise(problems)
    if not gold:
        raise DataError(f"{path}: holds no gold summaries for these articles")
    return gold


def load_summaries(path: str | os.PathLike[str] = DEFAULT_GOLD) -> dict[str, list[str]]:
    """Every gold summary in ``path`` by doc, unchecked against the corpus (``{}`` when there is no file)."""
    if not Path(path).is_file():
        return {}
    gold, problems = read_gold(path)
    _raise(problems)
    return {doc: sentences for doc, (_, sentences) in gold.items()}


def summaries_beside(paths: Sequence[str | os.PathLike[str]] | None = None) -> dict[str, list[str]]:
    """The gold summaries kept with labeled data: ``summaries.jsonl`` in each folder of
    ``paths`` (the corpus's own when no folder is named)."""
    folders = [Path(p) for p in paths or () if Path(p).is_dir()]
    if not folders:
        return load_summaries()
    merged: dict[str, list[str]] = {}
    for folder in folders:
        merged.update(load_summaries(folder / "summaries.jsonl"))
    return merged
