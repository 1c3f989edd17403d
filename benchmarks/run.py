"""parknews beside its anchors: throughput, cold start, memory, scaling, training.

    python benchmarks/run.py            # full figures (several minutes)
    python benchmarks/run.py --quick    # small N, under a minute (CI runs it)

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
import contextlib
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from anchors import ANCHORS, fasttext_cv, jieba_loop  # noqa: E402

from parknews.engine.processes import CHUNK_CHARS  # noqa: E402

SKIPPED = "skipped: not installed"
REALDEV = ROOT.parent / "shared" / "realdev" / "realdev.jsonl"


# --------------------------------------------------------------------------- corpus


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


def _tag(k: int) -> str:
    # Letters only: digits would be folded to one "0" before the classifier reads them.
    letters = ""
    while True:
        letters = "abcdefghijklmnopqrstuvwxyz"[k % 26] + letters
        k //= 26
        if not k:
            return letters


def corpus(articles: Sequence[tuple[str, list[str]]], repeat: int, *, distinct: bool) -> list[list[str]]:
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


def one_article(articles: Sequence[tuple[str, list[str]]], size: int, start: int) -> str:
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


# --------------------------------------------------------------------------- measuring


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    """The fastest of ``runs`` wall times (the least disturbed by other load)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@dataclass
class ChildRun:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: bytes


def run_child(
    argv: list[str], env: dict[str, str] | None = None, stdout: Any = subprocess.DEVNULL
) -> ChildRun:
    """Run ``argv``, returning its wall time and its own peak resident memory (not its siblings').

    Any exit code but 0 stops the benchmark with the child's last words.
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=errors, env=env, cwd=ROOT)
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip()[-600:]
            raise RuntimeError(f"{' '.join(argv[:5])}… exited {proc.returncode}: {tail}")
    # ru_maxrss is in KiB on Linux.
    return ChildRun(seconds, usage.ru_maxrss / 1024, proc.returncode, out)


def parknews_argv(*args: str) -> list[str]:
    # The same interpreter for parknews and the anchor, so start-up costs compare.
    return [sys.executable, "-c", "from parknews.cli.app import main; main()", *args]


def worker(kind: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker", kind, *args]
    run = run_child(argv, env=env, stdout=subprocess.PIPE)
    return json.loads(run.stdout.decode("utf-8").strip().splitlines()[-1])


def env_with(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


# --------------------------------------------------------------------------- workers


def load_model_for(model_dir: str) -> Any:
    from parknews.model.store import load_model

    return load_model(model_dir)


def worker_classify(args: argparse.Namespace) -> dict[str, Any]:
    """Paragraphs/s of the library path (normalize → features → model), beside a jieba loop.

    Variants: ``distinct`` (every line unique, so no memory can help; article by
    article through ``classify``), ``batched`` (the same text in chunks through
    ``classify_ahead``, as ``parknews classify`` reads files), ``repeated`` (the
    corpus ten times over, memories on, as shipped) and ``bare`` (same text,
    every memory off). The segmenters are loaded before the timing.
    """
    import dataclasses

    from parknews.model.segment import backend
    from parknews.model.text import normalize

    articles = labeled_articles(args.articles)
    model = load_model_for(args.model)
    bare = dataclasses.replace(model, text_cache=0)
    model.classify(articles[0][1][:3])  # load the segmenter and build the look-up tables outside the timing
    bare.classify(articles[0][1][:3])

    from parknews.model.segment import _SEGMENTER

    _SEGMENTER._reference()  # jieba, for the rare strings only it segments right: loaded once

    def timed(docs: list[list[str]], clf: Any, clear_each: bool, batched: bool) -> float:
        def run() -> None:
            normalize.cache_clear()
            clf._text_memory.clear()
            clf._layout_memory.clear()
            chunk: list[list[str]] = []
            size = 0
            for i, lines in enumerate(docs):
                if clear_each:
                    normalize.cache_clear()
                if batched:
                    chunk.append(lines)
                    size += sum(map(len, lines))
                    if size < CHUNK_CHARS and i + 1 < len(docs):
                        continue
                    clf.classify_ahead(chunk)
                    for article in chunk:
                        clf.classify(article)
                    chunk, size = [], 0
                else:
                    clf.classify(lines)

        return best_of(args.runs, run)

    out: dict[str, Any] = {"backend": backend()}
    for variant in args.variants.split(","):
        docs = corpus(articles, args.repeat, distinct=variant in ("distinct", "batched"))
        paragraphs = sum(len(d) for d in docs)
        clf = bare if variant == "bare" else model
        seconds = timed(docs, clf, clear_each=variant == "bare", batched=variant == "batched")
        out[variant] = {"paragraphs": paragraphs, "classify_per_s": paragraphs / seconds}
        if not args.no_anchor:
            loop = jieba_loop([line for d in docs for line in d], args.runs)
            out[variant]["jieba_per_s"] = paragraphs / loop
    return out


def worker_sklearn(args: argparse.Namespace) -> dict[str, Any]:
    """Paragraphs/s of the fitted scikit-learn pipeline against the exported arrays, same contexts."""
    import numpy as np

    from parknews.model.features import contexts
    from parknews.training.dataset import load_dataset
    from parknews.training.fit import Settings, build_pipeline, dataset_contexts, export

    dataset = load_dataset()
    if args.articles:
        dataset = dataset.filter(docs=[a.doc for a in dataset.articles[: args.articles]])
    ctxs, y, _ = dataset_contexts(dataset)
    pipe = build_pipeline(Settings()).fit(ctxs, np.array(y))
    model = export(pipe, 1.0, {})
    per_article = [contexts(a.lines) for a in dataset.articles]
    sk = best_of(args.runs, lambda: [pipe.predict_proba(c) for c in per_article])

    def exported() -> None:
        model._text_memory.clear()
        model._layout_memory.clear()
        for c in per_article:
            model.predict_proba(c)

    ours = best_of(args.runs, exported)
    order = [list(pipe.classes_).index(label) for label in model.labels]
    diff = float(np.abs(model.predict_proba(ctxs) - pipe.predict_proba(ctxs)[:, order]).max())
    return {"sklearn_per_s": len(ctxs) / sk, "exported_per_s": len(ctxs) / ours, "max_abs_diff": diff}


def worker_reference(args: argparse.Namespace) -> dict[str, Any]:
    """Fast path against the plain one (jieba, per-paragraph scoring) on every labeled paragraph."""
    import jieba
    import numpy as np

    from parknews.model import features
    from parknews.model.features import char_terms, contexts, layout_vector, word_terms

    model = load_model_for(args.model)
    articles = labeled_articles(args.articles)
    fast = [model.predict_proba(contexts(lines)) for _, lines in articles]
    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer()
    # word_terms segments through features.cut: point it at jieba itself.
    original = features.cut
    features.cut = reference.lcut  # type: ignore[assignment]
    try:
        slow = []
        for _, lines in articles:
            ctxs = contexts(lines)
            z = np.tile(model.intercept, (len(ctxs), 1))
            for i, ctx in enumerate(ctxs):
                if model.words is not None:
                    z[i] += model.words.scores(word_terms(ctx))
                if model.chars is not None:
                    z[i] += model.chars.scores(char_terms(ctx))
            if model.layout_weights is not None and ctxs:
                dense = np.array([layout_vector(c) for c in ctxs])
                z += ((dense - model.layout_mean) / model.layout_scale) @ model.layout_weights
            z = z / model.temperature
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            slow.append(p / p.sum(axis=1, keepdims=True))
    finally:
        features.cut = original  # type: ignore[assignment]
    a, b = np.vstack(fast), np.vstack(slow)
    return {
        "paragraphs": len(a),
        "same_labels": int((a.argmax(axis=1) == b.argmax(axis=1)).sum()),
        "max_abs_diff": float(np.abs(a - b).max()),
    }


def worker_summarize(args: argparse.Namespace) -> dict[str, Any]:
    """Articles/s of parknews (label + summarize, from raw text) and of each summarizer anchor."""
    try:
        from parknews.model.annotate import label_article
        from parknews.model.reader import Document
        from parknews.model.summarize import summarize_article
    except ImportError as exc:
        return {"error": f"skipped: parknews summarize not available ({exc})"}
    articles = labeled_articles(args.articles)
    texts = ["\n".join(lines) for _, lines in articles]
    model = load_model_for(args.model)
    documents = [Document(name=doc, text=text, encoding="utf-8") for (doc, _), text in zip(articles, texts)]
    label_article(model, documents[0])

    def ours() -> None:
        model._text_memory.clear()
        model._layout_memory.clear()
        for d in documents:
            summarize_article(label_article(model, d), sentences=3)

    labeled = [label_article(model, d) for d in documents]
    result: dict[str, Any] = {
        "articles": len(texts),
        "parknews_per_s": len(texts) / best_of(args.runs, ours),
        "summarize_only_per_s": len(texts)
        / best_of(args.runs, lambda: [summarize_article(a, sentences=3) for a in labeled]),
    }
    for anchor in ANCHORS:
        fn = anchor.load()
        if fn is None:
            result[anchor.name] = None
            continue
        fn(texts[0])  # dictionaries and models load outside the timing
        result[anchor.name] = len(texts) / best_of(1, lambda fn=fn: [fn(t) for t in texts])
    return result


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


WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "classify": worker_classify,
    "sklearn": worker_sklearn,
    "reference": worker_reference,
    "summarize": worker_summarize,
    "train": worker_train,
}


# --------------------------------------------------------------------------- report


class Report:
    def __init__(self) -> None:
        self.verdicts: list[tuple[str, bool | None]] = []

    @staticmethod
    def section(title: str) -> None:
        print(f"\n== {title}", flush=True)

    @staticmethod
    def figure(name: str, value: str, note: str = "") -> None:
        print(f"  {name:<52} {value:>14}  {note}".rstrip(), flush=True)

    def ratio(self, name: str, ratio: float | None, target: str, holds: bool | None) -> None:
        if ratio is None:
            self.figure(name, "skipped", f"target {target}")
            self.verdicts.append((name, None))
            return
        verdict = "holds" if holds else "MISSED"
        self.figure(name, f"{ratio:.2f}×", f"target {target}: {verdict}")
        self.verdicts.append((name, holds))

    def summary(self) -> None:
        self.section("targets")
        for name, holds in self.verdicts:
            word = "skipped" if holds is None else "holds" if holds else "MISSED"
            print(f"  {word:<8} {name}")


def rate(value: float | None, unit: str) -> str:
    if value is None:
        return SKIPPED
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    load = ""
    with contextlib.suppress(OSError):
        load = f", load average {Path('/proc/loadavg').read_text().split()[0]} at start"
    return f"{os.cpu_count()} cores, {cpu}{memory}, Python {platform.python_version()}{load}"


# --------------------------------------------------------------------------- main


def train_args(quick: bool, articles: int) -> list[str]:
    return ["--articles", str(articles), *(["--quick"] if quick else [])]


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="Small N: finishes in under a minute.")
    parser.add_argument("--model", default=str(ROOT / "artifacts" / "model"))
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
    repeat = 2 if quick else 10
    articles = 8 if quick else 0
    runs = 1 if quick else 3
    report = Report()
    print(f"parknews benchmark ({'quick' if quick else 'full'}): {machine()}")
    with tempfile.TemporaryDirectory(prefix="parknews-bench-") as tmp_name:
        tmp = Path(tmp_name)
        model, trained = resolve_model(args, report, tmp, articles)
        common = ["--model", model, "--articles", str(articles), "--runs", str(runs)]

        base = labeled_articles(articles or None)
        copies = 1 if quick else 3  # distinct corpus: every line unique
        report.section(f"classify on distinct text, one core (corpus × {copies}, every line unique)")
        distinct_runs = worker("classify", *common, "--repeat", str(copies), "--variants", "distinct,batched")
        distinct, batched = distinct_runs["distinct"], distinct_runs["batched"]
        loop_rate = distinct["jieba_per_s"]
        report.figure(
            "jieba.lcut loop paragraphs/s", rate(loop_rate, "para/s"), f"{distinct['paragraphs']:,} lines"
        )
        one = write_corpus(tmp / "d1", corpus(base, copies, distinct=True))
        cli = run_child(parknews_argv("classify", str(one), "-f", "jsonl", "-m", model))
        cli_rate = distinct["paragraphs"] / cli.seconds
        report.figure(
            "classify CLI paragraphs/s, distinct text",
            rate(cli_rate, "para/s"),
            f"parknews classify -f jsonl, whole command ({cli.seconds:.2f} s, start-up included)",
        )
        report.ratio(
            "classify ÷ jieba loop, distinct text", cli_rate / loop_rate, "≥ 5×", cli_rate >= 5 * loop_rate
        )
        report.figure(
            "classify paragraphs/s, distinct text",
            rate(distinct["classify_per_s"], "para/s"),
            f"library, article by article: {distinct['classify_per_s'] / loop_rate:.2f}× the loop",
        )
        report.figure(
            "classify paragraphs/s, distinct, batched",
            rate(batched["classify_per_s"], "para/s"),
            f"library, classify_ahead per {CHUNK_CHARS:,} chars:"
            f" {batched['classify_per_s'] / loop_rate:.2f}× the loop",
        )
        jieba_runs = worker(
            "classify",
            *common,
            "--repeat",
            str(copies),
            "--variants",
            "batched",
            "--no-anchor",
            env=env_with(PARKNEWS_SEGMENTER="jieba"),
        )
        slow = jieba_runs["batched"]
        report.figure(
            "classify paragraphs/s, jieba backend, distinct",
            rate(slow["classify_per_s"], "para/s"),
            f"rjieba lever: {batched['classify_per_s'] / slow['classify_per_s']:.2f}×",
        )

        report.section(f"classify on a repeated crawl, one core (labeled corpus × {repeat})")
        runs_of = worker("classify", *common, "--repeat", str(repeat), "--variants", "repeated,bare")
        shipped, bare = runs_of["repeated"], runs_of["bare"]
        report.figure(
            "classify paragraphs/s, repeated crawl",
            rate(shipped["classify_per_s"], "para/s"),
            f"{runs_of['backend']}, memories on; jieba loop {shipped['jieba_per_s']:,.0f}/s",
        )
        report.ratio(
            "classify ÷ jieba loop, repeated crawl",
            shipped["classify_per_s"] / shipped["jieba_per_s"],
            "≥ 5×",
            shipped["classify_per_s"] >= 5 * shipped["jieba_per_s"],
        )
        report.figure(
            "classify paragraphs/s, memories off",
            rate(bare["classify_per_s"], "para/s"),
            f"÷ jieba loop {bare['classify_per_s'] / bare['jieba_per_s']:.2f}×",
        )
        sk = worker("sklearn", "--articles", str(articles or 0), "--runs", str(runs))
        report.figure(
            "scikit-learn pipeline paragraphs/s",
            rate(sk["sklearn_per_s"], "para/s"),
            f"exported {sk['exported_per_s']:,.0f}: {sk['exported_per_s'] / sk['sklearn_per_s']:.2f}×,"
            f" max |Δp| {sk['max_abs_diff']:.1e}",
        )
        ref = worker("reference", "--model", model, "--articles", str(articles))
        report.figure(
            "predictions equal to the plain path",
            f"{ref['same_labels']}/{ref['paragraphs']}",
            f"max |Δp| {ref['max_abs_diff']:.1e} (jieba, per-paragraph scoring)",
        )

        report.section("summarize (label + summarize, from raw text)")
        summ = worker("summarize", "--model", model, "--articles", str(3 if quick else 40), "--runs", "1")
        if "error" in summ:
            report.figure("summarize articles/s", summ["error"])
        else:
            report.figure(
                "summarize articles/s",
                rate(summ["parknews_per_s"], "art/s"),
                f"summarize step alone {summ['summarize_only_per_s']:,.0f} art/s",
            )
            for anchor in ANCHORS:
                report.figure(f"{anchor.label} articles/s", rate(summ.get(anchor.name), "art/s"))
            tr = summ.get("textrank4zh")
            report.ratio(
                "summarize ÷ TextRank4ZH",
                summ["parknews_per_s"] / tr if tr else None,
                "≥ 10×",
                summ["parknews_per_s"] >= 10 * tr if tr else None,
            )

        report.section("cold start (parknews classify on one article, best of runs)")
        article = ROOT / "seeds" / "004_d4ceb9e4fe46168b.txt"
        cold_runs = 2 if quick else 7
        cold = min(
            run_child(parknews_argv("classify", str(article), "-f", "jsonl", "-m", model)).seconds
            for _ in range(cold_runs)
        )
        sk_import = min(
            run_child(
                [sys.executable, "-c", "import sklearn.linear_model, sklearn.feature_extraction.text"]
            ).seconds
            for _ in range(cold_runs)
        )
        bare_python = min(run_child([sys.executable, "-c", "pass"]).seconds for _ in range(cold_runs))
        jieba_cold = min(
            run_child(
                parknews_argv("classify", str(article), "-f", "jsonl", "-m", model),
                env=env_with(PARKNEWS_SEGMENTER="jieba"),
            ).seconds
            for _ in range(cold_runs)
        )
        report.figure("cold start s", f"{cold:.3f} s", f"python alone {bare_python:.3f} s")
        report.figure("import sklearn linear_model + TF-IDF s", f"{sk_import:.3f} s")
        report.figure("cold start s, jieba backend", f"{jieba_cold:.3f} s")
        report.ratio("cold start ÷ sklearn import", cold / sk_import, "≤ 0.5×", cold <= 0.5 * sk_import)

        report.section("end to end: parknews classify -f jsonl (distinct text)")
        small = write_corpus(tmp / "x1", corpus(base, 1, distinct=True))
        large = write_corpus(tmp / "x10", corpus(base, 10, distinct=True))
        one = run_child(parknews_argv("classify", str(small), "-f", "jsonl", "-m", model))
        ten = run_child(parknews_argv("classify", str(large), "-f", "jsonl", "-m", model))
        two = run_child(parknews_argv("classify", str(large), "-f", "jsonl", "-m", model, "--jobs", "2"))
        paragraphs = sum(len(lines) for _, lines in base) * 10
        report.figure(
            "classify CLI paragraphs/s, ×10 corpus",
            rate(paragraphs / ten.seconds, "para/s"),
            f"{ten.seconds:.2f} s, ×1 in {one.seconds:.2f} s",
        )
        report.figure("peak memory MB", f"{ten.peak_mb:.0f} MB", f"×1 corpus: {one.peak_mb:.0f} MB")
        report.ratio(
            "time ×10 input ÷ time ×1", ten.seconds / one.seconds, "≤ 11×", ten.seconds <= 11 * one.seconds
        )
        report.figure("--jobs 2 seconds", f"{two.seconds:.2f} s", f"peak {two.peak_mb:.0f} MB (parent)")
        report.ratio(
            "--jobs 2 speed-up",
            ten.seconds / two.seconds,
            "≥ 1.7× on 2 cores",
            ten.seconds >= 1.7 * two.seconds,
        )

        report.section("summarize one long article of distinct lines (peak memory of the command)")
        sizes = (100_000, 400_000) if quick else (1_600_000, 6_000_000)
        peaks = []
        for i, size in enumerate(sizes):
            page = tmp / f"page-{size}.txt"
            page.write_text(one_article(base, size, start=10_000_000 * (i + 1)), "utf-8")
            run = run_child(parknews_argv("summarize", str(page), "-f", "jsonl", "-m", model))
            peaks.append(run)
            report.figure(
                f"summarize peak memory, {size / 1e6:.1f} MB article",
                f"{run.peak_mb:.0f} MB",
                f"{run.seconds:.1f} s",
            )
        bare_run = run_child(
            parknews_argv("summarize", str(ROOT / "seeds" / "004_d4ceb9e4fe46168b.txt"), "-m", model)
        )
        grow = [(p.peak_mb - bare_run.peak_mb) for p in peaks]
        report.figure(
            "summarize memory above a seed article",
            f"{grow[0]:.0f} / {grow[1]:.0f} MB",
            f"for {sizes[1] / sizes[0]:.2f}× the text: {grow[1] / max(grow[0], 1):.2f}×"
            f" (linear: ≤ {sizes[1] / sizes[0]:.2f}×); seed alone {bare_run.peak_mb:.0f} MB",
        )
        report.ratio(
            f"summarize peak memory at {sizes[1] / 1e6:.1f} MB ÷ 300 MB",
            peaks[1].peak_mb / 300,
            "≤ 1 (300 MB at 6 MB)",
            peaks[1].peak_mb <= 300 or quick,
        )
        report.ratio(
            "summarize time, larger ÷ smaller article",
            peaks[1].seconds / peaks[0].seconds,
            f"≤ {1.1 * sizes[1] / sizes[0]:.1f}× (linear)",
            peaks[1].seconds <= 1.1 * sizes[1] / sizes[0] * peaks[0].seconds,
        )

        report.section("training (grouped CV + final fit)")
        trained = trained or worker("train", *train_args(quick, articles))
        report.figure(
            "training s",
            f"{trained['seconds']:.1f} s",
            f"{trained['fits']} fits on {trained['paragraphs']} paragraphs;"
            f" CV accuracy {trained['accuracy']:.3f}, macro-F1 {trained['macro_f1']:.3f}",
        )
        ft = trained["fasttext"]
        if ft is None:
            report.figure("fastText supervised", SKIPPED)
        else:
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
    report.summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
