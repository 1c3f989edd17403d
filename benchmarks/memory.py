"""Peak memory of ``parknews summarize`` on one long article of distinct lines, and how it grows."""

from __future__ import annotations

from corpus import SEED, one_article
from measure import Plan, parknews_argv, run_child
from report import Report

# Linear growth means the same memory per added megabyte between each pair of sizes. The peak
# (ru_maxrss) of one run moves by a few MB, a tenth of the smaller step's growth: the bound
# leaves room for that, and a quadratic term would still read about 1.9× between these sizes.
_SLOPE_BOUND = 1.25


def long_article(plan: Plan, report: Report) -> None:
    """Three article sizes: memory per added MB should not rise from the first step to the second
    (linear), the peak at 6 MB should stay under 300 MB, and the time should grow as the text does."""
    report.section("summarize one long article of distinct lines (peak memory of the command)")
    sizes = (100_000, 200_000, 400_000) if plan.quick else (1_600_000, 3_200_000, 6_000_000)
    runs = []
    for i, size in enumerate(sizes):
        page = plan.tmp / f"page-{size}.txt"
        page.write_text(one_article(plan.base, size, start=10_000_000 * (i + 1)), "utf-8")
        run = run_child(parknews_argv("summarize", str(page), "-f", "jsonl", "-m", plan.model))
        runs.append(run)
        report.figure(
            f"summarize peak memory, {size / 1e6:.1f} MB article",
            f"{run.peak_mb:.0f} MB",
            f"{run.seconds:.1f} s",
        )
    seed = run_child(parknews_argv("summarize", str(SEED), "-m", plan.model))
    megabytes = [size / 1e6 for size in sizes]
    slopes = [(runs[k + 1].peak_mb - runs[k].peak_mb) / (megabytes[k + 1] - megabytes[k]) for k in range(2)]
    report.figure(
        "summarize memory per added MB of text",
        f"{slopes[0]:.1f} / {slopes[1]:.1f} MB",
        f"from {megabytes[0]:.1f} to {megabytes[1]:.1f} MB, then to {megabytes[2]:.1f} MB;"
        f" seed article alone {seed.peak_mb:.0f} MB",
    )
    report.ratio(
        "summarize memory per added MB, second step ÷ first",
        slopes[1] / max(slopes[0], 1e-9),
        f"≤ {_SLOPE_BOUND}× (linear: 1×)",
        slopes[1] <= _SLOPE_BOUND * slopes[0] or plan.quick,
    )
    report.ratio(
        f"summarize peak memory at {megabytes[2]:.1f} MB ÷ 300 MB",
        runs[2].peak_mb / 300,
        "≤ 1 (300 MB at 6 MB)",
        runs[2].peak_mb <= 300 or plan.quick,
    )
    growth = sizes[2] / sizes[0]
    report.ratio(
        "summarize time, largest ÷ smallest article",
        runs[2].seconds / runs[0].seconds,
        f"≤ {1.1 * growth:.1f}× (linear)",
        runs[2].seconds <= 1.1 * growth * runs[0].seconds,
    )
