"""Paragraphs per second of ``parknews classify``: one process against a Dask cluster of two workers.

    python benchmarks/dask_throughput.py            # ~19,000 paragraphs, a minute or two
    python benchmarks/dask_throughput.py --quick    # ~6,000 paragraphs

The input is the labeled corpus (one article per .txt file) repeated, each copy's
lines tagged so that no cache helps a later copy. Every figure is the whole
command as a user runs it (``parknews classify DIR ...`` in a fresh process,
model loading included), best of ``--runs``:

- local: ``-f jsonl`` in one process;
- dask, streamed: ``--engine dask --scheduler ADDRESS -f jsonl`` against a local
  cluster of 2 worker processes of one thread, started before timing (as a
  cluster that is already up would be);
- dask, --out: the same, workers writing part files;
- dask, own cluster: ``--engine dask`` alone, which starts and stops a cluster
  of one worker per core inside the command.

The streamed output is checked to be byte for byte the local one. On a machine
shared with other work, wall-clock figures move by ±20 %.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from parknews.cli.app import main; main()"]


def write_corpus(folder: Path, repeat: int) -> int:
    """The labeled articles ``repeat`` times as .txt files; returns the number of paragraphs."""
    from parknews.training.dataset import load_dataset

    articles = [a.lines for a in load_dataset().articles]
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for k in range(repeat):
        for i, lines in enumerate(articles):
            tagged = [f"{line} #{k}" for line in lines] if k else lines
            (folder / f"{k:02d}-{i:04d}.txt").write_text("\n".join(tagged) + "\n", "utf-8")
            n += len(tagged)
    return n


def timed(args: list[str], runs: int, stdout: Path | None = None) -> float:
    """The best wall time of ``runs`` runs of the parknews command ``args``."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        with open(stdout or os.devnull, "wb") as sink:
            subprocess.run([*CLI, *args], stdout=sink, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="A third of the input.")
    parser.add_argument("--runs", type=int, default=2, help="Runs per figure; the best counts.")
    parser.add_argument("--model", default=str(ROOT / "artifacts" / "model"))
    args = parser.parse_args(argv)

    import distributed

    with tempfile.TemporaryDirectory(prefix="parknews-dask-bench-") as tmp:
        root = Path(tmp)
        paragraphs = write_corpus(root / "in", 2 if args.quick else 6)
        files = len(list((root / "in").iterdir()))
        common = [str(root / "in"), "--model", args.model]
        print(f"input: {paragraphs} paragraphs in {files} files; machine: {os.cpu_count()} cores")

        local = timed(["classify", *common, "-f", "jsonl"], args.runs, root / "local.jsonl")
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            on = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
            streamed = timed(["classify", *common, *on, "-f", "jsonl"], args.runs, root / "dask.jsonl")
            parts = float("inf")
            for run in range(args.runs):
                parts = min(parts, timed(["classify", *common, *on, "--out", str(root / f"out{run}")], 1))
        own = timed(["classify", *common, "--engine", "dask", "-f", "jsonl"], 1)

        same = (root / "local.jsonl").read_bytes() == (root / "dask.jsonl").read_bytes()
        rows = [
            ("1 process (local engine)", local),
            ("dask, 2 workers, streamed to stdout", streamed),
            ("dask, 2 workers, --out part files", parts),
            ("dask, own local cluster (startup included)", own),
        ]
        print(f"{'':45} {'seconds':>8} {'paragraphs/s':>13} {'vs 1 process':>13}")
        for name, seconds in rows:
            print(f"{name:45} {seconds:8.2f} {paragraphs / seconds:13.0f} {local / seconds:12.2f}x")
        print(f"dask output identical to the local output: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
