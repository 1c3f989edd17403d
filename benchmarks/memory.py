"""Peak memory of ``parknews summarize`` on one long article of distinct lines, and how it grows."""

from __future__ import annotations

from corpus import SEED, one_article
from measure import Plan, parknews_argv, run_child
from report import Report


def long_article(plan: Plan, report: Report) -> None:
    """Two article sizes: the peak above a seed article should grow at most linearly, as should the time."""
    report.section("summarize one long article of distinct lines (peak memory of the command)")
    sizes = (100_000, 400_000) if plan.quick else (1_600_000, 6_000_000)
    peaks = []
    for i, size in enumerate(sizes):
        page = plan.tmp / f"page-{size}.txt"
        page.write_text(one_article(plan.base, size, start=10_000_000 * (i + 1)), "utf-8")
        run = run_child(parknews_argv("summarize", str(page), "-f", "jsonl", "-m", plan.model))
        peaks.append(run)
        report.figure(
            f"summarize peak memory, {size / 1e6:.1f} MB article",
            f"{run.peak_mb:.0f} MB",
            f"{run.seconds:.1f} s",
        )
    bare_run = run_child(parknews_argv("summarize", str(SEED), "-m", plan.model))
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
        peaks[1].peak_mb <= 300 or plan.quick,
    )
    report.ratio(
        "summarize time, larger ÷ smaller article",
        peaks[1].seconds / peaks[0].seconds,
        f"≤ {1.1 * sizes[1] / sizes[0]:.1f}× (linear)",
        peaks[1].seconds <= 1.1 * sizes[1] / sizes[0] * peaks[0].seconds,
    )
