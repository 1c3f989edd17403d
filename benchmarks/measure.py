"""How the benchmark times things: best of several runs, and child processes with their peak memory.

Throughput figures run in fresh worker processes (``benchmarks/run.py --worker
KIND``), one core each, so that the segmenter backend and the caches start from
nothing; the worker prints its figures as one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUN = Path(__file__).resolve().parent / "run.py"


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
    cpu_s: float = 0.0  # user + system of the child and the processes it waited for (its workers)


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
    return ChildRun(seconds, usage.ru_maxrss / 1024, proc.returncode, out, usage.ru_utime + usage.ru_stime)


def parknews_argv(*args: str) -> list[str]:
    # The same interpreter for parknews and the anchor, so start-up costs compare.
    return [sys.executable, "-c", "from parknews.cli.app import main; main()", *args]


def worker(kind: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The figures of ``run.py --worker KIND ARGS`` measured in a fresh process."""
    argv = [sys.executable, str(RUN), "--worker", kind, *args]
    run = run_child(argv, env=env, stdout=subprocess.PIPE)
    return json.loads(run.stdout.decode("utf-8").strip().splitlines()[-1])


def env_with(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def load_model_for(model_dir: str) -> Any:
    from parknews.model.store import load_model

    return load_model(model_dir)


@dataclass(frozen=True)
class Plan:
    """What every section measures with: this run's sizes, the model, a scratch folder, the articles."""

    quick: bool
    model: str
    articles: int  # how many labeled articles (0: all of them)
    runs: int  # best of how many runs, inside the workers
    tmp: Path
    base: list[tuple[str, list[str]]]

    def common(self) -> list[str]:
        """The worker arguments every classify figure shares."""
        return ["--model", self.model, "--articles", str(self.articles), "--runs", str(self.runs)]
