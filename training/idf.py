"""The IDF table the keywords and the summarizer's graph read (``model/resources/idf.json``).

``parknews data idf`` rebuilds it from the corpus. One document per article group, so
an article and its script variants count once.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

from parknews.model.atomic import atomic_write
from parknews.model.keywords import content_words
from parknews.model.text import normalize

from .dataset import Dataset, group_of

__all__ = ["build_idf", "write_idf"]


def build_idf(dataset: Dataset, *, min_df: int = 2) -> dict[str, Any]:
    """The IDF table shipped in ``model/resources/idf.json``: one document per article group.

    Words seen in fewer than ``min_df`` groups are left out and get ``default``
    (the IDF of a word seen once), which keeps the file small.
    """
    groups: dict[str, set[str]] = {}
    for article in dataset.articles:
        words = groups.setdefault(group_of(article.doc), set())
        for line in article.lines:
            words.update(content_words(normalize(line)))
    df: Counter[str] = Counter()
    for words in groups.values():
        df.update(words)
    n = len(groups)

    def idf(count: int) -> float:
        return round(math.log((n + 1) / (count + 1)) + 1.0, 4)

    return {
        "documents": n,
        "default": idf(1),
        "idf": {w: idf(c) for w, c in sorted(df.items()) if c >= min_df},
    }


def write_idf(dataset: Dataset, path: str | os.PathLike[str]) -> Path:
    """Write ``build_idf(dataset)`` as JSON, atomically."""
    path = Path(path)
    text = json.dumps(build_idf(dataset), ensure_ascii=False, separators=(",", ":")) + "\n"
    with atomic_write(path) as handle:
        handle.write(text)
    return path
