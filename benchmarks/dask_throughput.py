"""Paragraphs per second of ``parknews classify``: one process against a Dask cluster of two workers.

    python benchmarks/dask_throughput.py            # ~19,000 paragraphs, about a minute
    python benchmarks/dask_throughput.py --quick    # ~8,000 paragraphs, half a minute

The input is the labeled corpus (one article per .txt file) repeated, each copy's
lines tagged so that no cache helps a later copy. Every figure is the whole
command as a user runs it (``parknews classify DIR ...`` in a fresh process,
model loading included), best of ``--runs``:

- local: ``-f jsonl`` in one process;
- dask, streamed: ``--engine dask --scheduler ADDRESS -f jsonl`` against a local
  cluster of 1, then 2 worker processes of one thread, started before timing
  (as a cluster that is already up would be);
- dask, --out: the same, workers writing part files;
- dask, own cluster: ``--engine dask`` alone, which starts and stops a cluster
  of one worker per core inside the command (its workers' CPU is not counted).

The streamed output is checked to be byte for byte the local one. On a machine
shared with other work, wall-clock figures move by ±20 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], runs: int, stdout: Path | None = None, client: Any = None) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``runs`` runs of the parknews command ``args``.

    CPU counts the command's process and, given the cluster's ``client``, its
    workers: on a machine shared with other work it moves less than wall time.
    """
    best = (float("inf"), float("inf"))
    for _ in range(runs):
        workers = client.run(time.process_time) if client is not None else {}
        cpu = _children_cpu()
        start = time.perf_counter()
        with open(stdout or os.devnull, "wb") as sink:
            done = subprocess.run([*CLI, *args], stdout=sink, stderr=subprocess.PIPE, check=False)
        wall = time.perf_counter() - start
        if done.returncode:
            # A run that stopped early would look fast: never report it.
            last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise SystemExit(f"parknews {' '.join(args[:1])} failed ({done.returncode}): {last}")
        cpu = _children_cpu() - cpu
        if client is not None:
            after = client.run(time.process_time)
            cpu += sum(after[w] - workers[w] for w in workers if w in after)
        best = min(best, (wall, cpu))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="The corpus twice, not --repeat times.")
    parser.add_argument("--repeat", type=int, default=5, help="Copies of the corpus in the input.")
    parser.add_argument("--runs", type=int, default=2, help="Runs per figure; the best counts.")
    parser.add_argument("--model", default=str(ROOT / "artifacts" / "model"))
    args = parser.parse_args(argv)

    import distributed

    with tempfile.TemporaryDirectory(prefix="parknews-dask-bench-") as tmp:
        root = Path(tmp)
        paragraphs = write_corpus(root / "in", 2 if args.quick else args.repeat)
        files = len(list((root / "in").iterdir()))
        common = [str(root / "in"), "--model", args.model]
        print(f"input: {paragraphs} paragraphs in {files} files; machine: {os.cpu_count()} cores")

        local = timed(["classify", *common, "-f", "jsonl"], args.runs, root / "local.jsonl")
        rows = [("1 process (local engine)", local)]
        for workers in (1, 2):
            with (
                distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                distributed.Client(cluster) as client,
            ):
                on = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
                jsonl = root / f"dask{workers}.jsonl"
                rows.append(
                    (
                        f"dask, {workers} worker(s), streamed to stdout",
                        timed(["classify", *common, *on, "-f", "jsonl"], args.runs, jsonl, client),
                    )
                )
                out = [
                    ["classify", *common, *on, "--out", str(root / f"out{workers}-{run}")]
                    for run in range(args.runs)
                ]
                rows.append(
                    (
                        f"dask, {workers} worker(s), --out part files",
                        min(timed(a, 1, client=client) for a in out),
                    )
                )
        rows.append(
            (
                "dask, own local cluster (startup included)",
                timed(["classify", *common, "--engine", "dask", "-f", "jsonl"], 1),
            )
        )
        expected = (root / "local.jsonl").read_bytes()
        same = all((root / f"dask{w}.jsonl").read_bytes() == expected for w in (1, 2))
        print(f"{'':45} {'seconds':>8} {'paragraphs/s':>13} {'vs 1 process':>13} {'CPU s':>7}")
        for name, (wall, cpu) in rows:
            print(f"{name:45} {wall:8.2f} {paragraphs / wall:13.0f} {local[0] / wall:12.2f}x {cpu:7.2f}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        print(f"dask output identical to the local output: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
