"""Speed beside the anchors: classify (distinct text, a repeated crawl), summarize, cold start, jobs.

Each section prints its figures; the ``worker_*`` functions below them run in a
fresh process (``run.py --worker KIND``) and return the figures the section reads.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Callable
from typing import Any

from anchors import ANCHORS, Summarize, jieba_loop
from corpus import SEED, corpus, labeled_articles, write_corpus
from measure import Plan, best_of, env_with, load_model_for, parknews_argv, run_child, worker
from report import Report, rate

from parknews.engine.processes import CHUNK_CHARS

# --------------------------------------------------------------------------- sections


def distinct_text(plan: Plan, report: Report) -> None:
    """The headline: the command and the library on text no memory can help, beside a jieba loop."""
    copies = 1 if plan.quick else 3  # distinct corpus: every line unique
    report.section(f"classify on distinct text, one core (corpus × {copies}, every line unique)")
    common = plan.common()
    distinct_runs = worker("classify", *common, "--repeat", str(copies), "--variants", "distinct,batched")
    distinct, batched = distinct_runs["distinct"], distinct_runs["batched"]
    loop_rate = distinct["jieba_per_s"]
    report.figure(
        "jieba.lcut loop paragraphs/s", rate(loop_rate, "para/s"), f"{distinct['paragraphs']:,} lines"
    )
    one = write_corpus(plan.tmp / "d1", corpus(plan.base, copies, distinct=True))
    # The fastest of as many runs as the loop had (the least disturbed by other load, for both).
    argv = parknews_argv("classify", str(one), "-f", "jsonl", "-m", plan.model)
    seconds = sorted(run_child(argv).seconds for _ in range(plan.runs))
    cli_rate = distinct["paragraphs"] / seconds[0]
    spread = f", {len(seconds)} runs: {seconds[0]:.2f}–{seconds[-1]:.2f} s" if len(seconds) > 1 else ""
    report.figure(
        "classify CLI paragraphs/s, distinct text",
        rate(cli_rate, "para/s"),
        f"parknews classify -f jsonl, whole command ({seconds[0]:.2f} s, start-up included{spread})",
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
        f"{distinct_runs['backend']} lever: {batched['classify_per_s'] / slow['classify_per_s']:.2f}×",
    )


def repeated_crawl(plan: Plan, report: Report) -> None:
    """The same articles many times, memories on and off; the exported model beside scikit-learn."""
    repeat = 2 if plan.quick else 10
    report.section(f"classify on a repeated crawl, one core (labeled corpus × {repeat})")
    runs_of = worker("classify", *plan.common(), "--repeat", str(repeat), "--variants", "repeated,bare")
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
    sk = worker("sklearn", "--articles", str(plan.articles or 0), "--runs", str(plan.runs))
    report.figure(
        "scikit-learn pipeline paragraphs/s",
        rate(sk["sklearn_per_s"], "para/s"),
        f"exported {sk['exported_per_s']:,.0f}: {sk['exported_per_s'] / sk['sklearn_per_s']:.2f}×,"
        f" max |Δp| {sk['max_abs_diff']:.1e}",
    )
    ref = worker("reference", "--model", plan.model, "--articles", str(plan.articles))
    report.figure(
        "predictions equal to the plain path",
        f"{ref['same_labels']}/{ref['paragraphs']}",
        f"max |Δp| {ref['max_abs_diff']:.1e} (jieba, per-paragraph scoring)",
    )


def summarize_speed(plan: Plan, report: Report) -> None:
    report.section("summarize (label + summarize, from raw text)")
    summ = worker(
        "summarize", "--model", plan.model, "--articles", str(3 if plan.quick else 40), "--runs", "1"
    )
    if "error" in summ:
        report.figure("summarize articles/s", summ["error"])
        return
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


def cold_start(plan: Plan, report: Report) -> None:
    report.section("cold start (parknews classify on one article, best of runs)")
    cold_runs = 2 if plan.quick else 7
    classify_seed = parknews_argv("classify", str(SEED), "-f", "jsonl", "-m", plan.model)

    def best(argv: list[str], env: dict[str, str] | None = None) -> float:
        return min(run_child(argv, env=env).seconds for _ in range(cold_runs))

    # scikit-learn runs from the bytecode pip compiled when it installed it, and so does parknews
    # installed from a wheel; an editable checkout under PYTHONDONTWRITEBYTECODE (as on this
    # machine) compiles its ~40 modules from source at every start. Both are shown; the ratio is
    # the byte-compiled one's.
    as_found = best(classify_seed)
    compiled = _bytecode_compiled()
    cold = best(classify_seed) if compiled else as_found
    sk_import = best([sys.executable, "-c", "import sklearn.linear_model, sklearn.feature_extraction.text"])
    bare_python = best([sys.executable, "-c", "pass"])
    jieba_cold = best(classify_seed, env_with(PARKNEWS_SEGMENTER="jieba"))
    report.figure(
        "cold start s",
        f"{cold:.3f} s",
        f"python alone {bare_python:.3f} s; the checkout as found {as_found:.3f} s"
        + ("" if compiled else " (could not byte-compile it)"),
    )
    report.figure("import sklearn linear_model + TF-IDF s", f"{sk_import:.3f} s")
    report.figure("cold start s, jieba backend", f"{jieba_cold:.3f} s")
    report.ratio("cold start ÷ sklearn import", cold / sk_import, "≤ 0.5×", cold <= 0.5 * sk_import)


def _bytecode_compiled() -> bool:
    """Byte-compile parknews's modules where Python looks for them (``__pycache__``, ignored by
    git), as pip does for a wheel; False if that is not possible (a read-only checkout)."""
    import compileall
    from pathlib import Path

    import parknews

    # The package folders as installed (``parknews.cli`` is the checkout's cli/, and so on).
    roots = {Path(parknews.__file__).parent}
    for name in ("cli", "engine", "model", "training", "artifacts"):
        module = __import__(f"parknews.{name}", fromlist=["__file__"])
        assert module.__file__ is not None, name  # a regular package: it has an __init__.py
        roots.add(Path(module.__file__).parent)
    return all(compileall.compile_dir(str(root), quiet=2, maxlevels=0) for root in sorted(roots))


def end_to_end(plan: Plan, report: Report) -> None:
    """The whole command on ×1 and ×10 distinct text, and ×10 again with ``--jobs 2``.

    One process and ``--jobs 2`` run in turns, several times, so that both see the same
    moments of the machine; other sessions' load moves the ratio most of all.
    """
    report.section("end to end: parknews classify -f jsonl (distinct text)")
    small = write_corpus(plan.tmp / "x1", corpus(plan.base, 1, distinct=True))
    large = write_corpus(plan.tmp / "x10", corpus(plan.base, 10, distinct=True))
    one = run_child(parknews_argv("classify", str(small), "-f", "jsonl", "-m", plan.model))
    pairs = []
    for _ in range(1 if plan.quick else 3):
        ten_run = run_child(parknews_argv("classify", str(large), "-f", "jsonl", "-m", plan.model))
        two_run = run_child(
            parknews_argv("classify", str(large), "-f", "jsonl", "-m", plan.model, "--jobs", "2")
        )
        pairs.append((ten_run, two_run))
    ten = min((t for t, _ in pairs), key=lambda r: r.seconds)
    two = min((t for _, t in pairs), key=lambda r: r.seconds)
    paragraphs = sum(len(lines) for _, lines in plan.base) * 10
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
    # CPU time says whether the design wastes work; the wall ratio also depends on what else runs
    # (with autogroup scheduling a command's processes share one session's share of the cores).
    report.figure(
        "--jobs 2 CPU time, all processes",
        f"{two.cpu_s:.2f} s",
        f"one process {ten.cpu_s:.2f} s: {two.cpu_s / ten.cpu_s:.2f}×; {_sharing()}",
    )
    turns = sorted(t.seconds / w.seconds for t, w in pairs)
    spread = f"turn by turn {turns[0]:.2f}–{turns[-1]:.2f}× over {len(turns)} turns" if len(turns) > 1 else ""
    report.ratio(
        "--jobs 2 speed-up",
        ten.seconds / two.seconds,
        "≥ 1.7× on 2 cores",
        ten.seconds >= 1.7 * two.seconds,
    )
    if spread:
        report.figure("--jobs 2 speed-up, each turn", spread)
    # What the work allows when both cores are the command's for the whole run: the one-process
    # time over half the CPU time of --jobs 2 (start-up not parallel, so a ceiling).
    report.figure(
        "--jobs 2 speed-up the CPU time allows",
        f"{2 * ten.cpu_s / two.cpu_s:.2f}×",
        "ceiling on two free cores: 2 × one process's CPU ÷ --jobs 2's CPU",
    )


def _sharing() -> str:
    """How busy the machine is, and whether the kernel shares the cores per session (autogroup)."""
    import os
    from pathlib import Path

    autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
    grouped = autogroup.exists() and autogroup.read_text().strip() == "1"
    return f"load average {os.getloadavg()[0]:.2f}" + (", autogroup on" if grouped else "")


# --------------------------------------------------------------------------- workers


def worker_classify(args: argparse.Namespace) -> dict[str, Any]:
    """Paragraphs/s of the library path (normalize → features → model), beside a jieba loop.

    Variants: ``distinct`` (every line unique, so no memory can help; article by
    article through ``classify``), ``batched`` (the same text in chunks through
    ``classify_ahead``, as ``parknews classify`` reads files), ``repeated`` (the
    corpus ten times over, memories on, as shipped) and ``bare`` (same text,
    every memory off). The segmenters are loaded before the timing.
    """
    from parknews.model.segment import backend
    from parknews.model.text import normalize

    articles = labeled_articles(args.articles)
    model = load_model_for(args.model)
    bare = dataclasses.replace(model, text_cache=0)
    model.classify(articles[0][1][:3])  # load the segmenter and build the look-up tables outside the timing
    bare.classify(articles[0][1][:3])

    from parknews.model.segment import _SEGMENTER

    _SEGMENTER._reference()  # the segmenter's tables, or jieba for the rare strings rjieba cuts wrong

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
    features.cut = reference.lcut
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
        features.cut = original
    a, b = np.vstack(fast), np.vstack(slow)
    return {
        "paragraphs": len(a),
        "same_labels": int((a.argmax(axis=1) == b.argmax(axis=1)).sum()),
        "max_abs_diff": float(np.abs(a - b).max()),
    }


def _each(fn: Summarize, texts: list[str]) -> Callable[[], list[Any]]:
    """``fn`` over every text, as one call for ``best_of``."""
    return lambda: [fn(t) for t in texts]


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
        result[anchor.name] = len(texts) / best_of(1, _each(fn, texts))
    return result
