"""Where the time per paragraph goes: ``parknews classify -f jsonl`` under cProfile, by stage.

    python benchmarks/stages.py                 # the distinct corpus of run.py, copied 3 times
    python benchmarks/stages.py --copies 1

The command runs in this process under cProfile on files of distinct lines (as
``benchmarks/run.py`` writes them); each function's own time is put in one
stage and divided by the number of paragraphs. cProfile slows Python-level code
more than C code, so read the shares, not the absolute microseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import corpus, labeled_articles, write_corpus

# (stage, substrings of "file:function" that belong to it); the first match wins.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "jieba's dictionary, loaded once for a rare string",
        (
            "marshal.load",
            "jiebacut.py:_entries",
            "jiebacut.py:_winners",
            "jiebacut.py:<listcomp>",
            "method 'decode' of 'bytes'",
            "method 'strip' of 'bytes'",
        ),
    ),
    (
        "normalization (OpenCC, NFKC, glosses, white space)",
        (
            "opencc.py:convert",
            "opencc_clib",
            "unicodedata",
            "text.py",
            "script.py",
            "fold_compat",
            "strip_glosses",
            "holds_any",
        ),
    ),
    (
        "start-up: imports, model load, look-up tables",
        ("<frozen", "marshal", "__init__", "store.py", "json/decoder", "exec", "_io.Buffered"),
    ),
    (
        "segmentation (the compiled cut; or rjieba, jieba for rare strings)",
        (
            "cut_kernel",
            "cutter.py",
            "jiebahmm.py",
            "Jieba",
            "segment.py",
            "jieba/",
            "needs_reference",
            "joined_tokens",
        ),
    ),
    (
        "compiled kernels: token ids, n-gram and pair look-up, scoring",
        ("score_kernel", "_compiled_scores", "token_ids"),
    ),
    (
        "n-gram and word look-up",
        ("occurrences", ":find", "_search", "searchsorted", "_classify_token", "word_ids"),
    ),
    ("term scoring (sort, tf-idf, weights)", ("terms.py:scores", "'sort'", "reduceat", "bincount")),
    (
        "layout cues, contexts, digit folding",
        ("features.py", "re.Pattern", "context.py", "layout_cues", "zero_numbers"),
    ),
    ("probabilities and prediction objects", ("classifier.py",)),
    (
        "reading files, JSONL output",
        (
            "reader.py",
            "render.py",
            "annotate.py",
            "json/",
            "round",
            "write",
            "pathlib",
            "output.py",
            "jsonl_kernel",
        ),
    ),
)


def stage_of(key: tuple[str, int, str]) -> str:
    name = f"{key[0]}:{key[2]}"
    for stage, needles in STAGES:
        if any(needle in name for needle in needles):
            return stage
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    from parknews.cli.app import main as cli

    docs = corpus(labeled_articles(), args.copies, distinct=True)
    paragraphs = sum(len(d) for d in docs)
    with tempfile.TemporaryDirectory(prefix="parknews-profile-") as tmp:
        folder = write_corpus(Path(tmp) / "corpus", docs)
        argv_cli = ["classify", str(folder), "-f", "jsonl", *(["-m", args.model] if args.model else [])]
        profiler = cProfile.Profile()
        sys.argv = ["parknews", *argv_cli]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            profiler.runcall(cli)
    stats = pstats.Stats(profiler)
    totals: dict[str, float] = {}
    # Stats.stats is documented only in pstats' source, so typeshed's stub leaves it out.
    for key, (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        stage = stage_of(key)
        totals[stage] = totals.get(stage, 0.0) + own
    whole = sum(totals.values())
    print(f"{paragraphs:,} distinct paragraphs, {whole:.2f} s under cProfile")
    for stage, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {stage:<52} {seconds / paragraphs * 1e6:7.1f} µs/paragraph  {seconds / whole:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
