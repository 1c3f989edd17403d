"""The benchmark's inputs: the labeled articles (and realdev pages), repeated or made distinct.

Distinct text has every line tagged with letters that survive normalization and
digit folding, so no memory of repeated text can help; ``benchmarks/run.py``
and ``benchmarks/stages.py`` measure on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from measure import ROOT

REALDEV = ROOT.parent / "shared" / "realdev" / "realdev.jsonl"
SEED = ROOT / "seeds" / "004_d4ceb9e4fe46168b.txt"  # one real article: cold start, baseline memory

Articles = Sequence[tuple[str, list[str]]]


def labeled_articles(limit: int | None = None) -> list[tuple[str, list[str]]]:
    """(doc id, lines) of every labeled article, then of every realdev page if present, in file order."""
    from parknews.training.dataset import load_dataset

    articles = [(a.doc, a.lines) for a in load_dataset().articles]
    if REALDEV.exists():
        pages: dict[str, list[str]] = {}
        for line in REALDEV.read_text("utf-8").splitlines():
            record = json.loads(line)
            pages.setdefault(record["doc"], []).append(record["text"])
        articles += list(pages.items())
    return articles[:limit] if limit else articles


def corpus(articles: Articles, repeat: int, *, distinct: bool) -> list[list[str]]:
    """The articles ``repeat`` times; with ``distinct`` every line is tagged so no line repeats anywhere."""
    out = []
    k = 0
    for _ in range(repeat):
        for _, lines in articles:
            if distinct:
                out.append([f"{line} #{_tag(k + i)}" for i, line in enumerate(lines)])
                k += len(lines)
            else:
                out.append(list(lines))
    return out


def one_article(articles: Articles, size: int, start: int) -> str:
    """One article of about ``size`` bytes of UTF-8 made of distinct lines (a scraped page on
    one file: a forum thread, a list page, a site dump)."""
    lines: list[str] = []
    used = 0
    k = start
    while used < size:
        for _, article in articles:
            for line in article:
                lines.append(f"{line} #{_tag(k)}")
                k += 1
                used += len(lines[-1].encode("utf-8")) + 1
                if used >= size:
                    return "\n".join(lines) + "\n"
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, docs: list[list[str]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i, lines in enumerate(docs):
        (root / f"{i:06d}.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return root


def _tag(k: int) -> str:
    # Letters only: digits would be folded to one "0" before the classifier reads them.
    letters = ""
    while True:
        letters = "abcdefghijklmnopqrstuvwxyz"[k % 26] + letters
        k //= 26
        if not k:
            return letters
