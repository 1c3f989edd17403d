"""What a messy real crawl and a careless shell did to the command, each found by trying it.

Every case here once gave a traceback, a silent loss or a machine brought down; each
test runs the real ``parknews`` (a subprocess, where the shell's own doings matter) or
the public function, and checks the one-line answer and that nothing was lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SEEDS_DIR

SEED = SEEDS_DIR / "004_d4ceb9e4fe46168b.txt"
LINUX = sys.platform.startswith("linux")
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def parknews(*args: str, model: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The command as a shell runs it; ``kwargs`` go to ``subprocess.run`` (stdin, stdout...)."""
    argv = [sys.executable, "-m", "parknews", *args, "--model", str(model)]
    options: dict[str, object] = {"stderr": subprocess.PIPE, "text": True, "timeout": 120}
    if "stdout" not in kwargs:
        options["stdout"] = subprocess.PIPE
    options.update(kwargs)
    return subprocess.run(argv, **options)  # type: ignore[call-overload,no-any-return]


def one_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [f"error: {message}"]


# ---------------------------------------------------------------- --jobs


def test_jobs_beyond_the_cpus_runs_as_many_workers_as_cpus(small_model: Path) -> None:
    # --jobs 100000 forked 100,000 copies of the process until the machine ran out of
    # memory; 10**20 was an OverflowError traceback (this test's value: it fails safely).
    cpus = CPUS
    result = parknews("classify", str(SEED), "-f", "jsonl", "--jobs", str(10**20), model=small_model)
    assert result.returncode == 0, result.stderr[-300:]
    assert result.stderr.splitlines() == [
        f"warning: --jobs {10**20}: only {cpus} CPU(s) here; running {cpus} workers"
    ]
    assert len(result.stdout.splitlines()) == len(
        [line for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    )
    from parknews.engine.processes import usable_jobs

    assert usable_jobs(10**20) == cpus and usable_jobs(1) == 1


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="reads /proc; the workers' end is Linux's parent-death signal")
def test_workers_do_not_outlive_a_parent_killed_outright(small_model: Path, tmp_path: Path) -> None:
    if CPUS < 2:
        pytest.skip("one CPU: --jobs 2 runs in one process")
    fifo = tmp_path / "waiting.txt"
    os.mkfifo(fifo)  # a worker blocks reading it: the run is still going when the parent is killed
    argv = [sys.executable, "-m", "parknews", "classify", str(fifo), str(SEED), "--jobs", "2"]
    process = subprocess.Popen(
        [*argv, "-m", str(small_model)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert len(workers) == 2, "the pool never started"
        process.kill()  # as the out-of-memory killer or `kill -9` does: no clean-up in the parent
        process.wait()
        deadline = time.monotonic() + 20
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(map(_alive, workers)), "workers left running after their parent died"
    finally:
        for pid in [process.pid, *workers]:
            with contextlib.suppress(OSError):  # already gone
                os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- standard streams


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_a_full_disk_under_stdout_is_one_line_and_exit_1(small_model: Path, fmt: str) -> None:
    with open("/dev/full", "w") as full:
        result = parknews("classify", str(SEED), "-f", fmt, model=small_model, stdout=full)
    assert result.returncode == 1
    one_error(result, "cannot write the output: No space left on device")


@pytest.mark.skipif(os.name != "posix", reason="closes a descriptor the POSIX way")
def test_closed_stdout_and_stdin_are_one_line_each(small_model: Path) -> None:
    def closing(fd: int) -> None:
        os.close(fd)

    result = parknews(
        "classify", str(SEED), "-f", "table", model=small_model, stdout=None, preexec_fn=lambda: closing(1)
    )
    assert result.returncode == 1  # the table went nowhere: it was exit 0 with nothing written
    one_error(result, "cannot write the output: standard output is closed")
    result = parknews("classify", "-", "-f", "jsonl", model=small_model, preexec_fn=lambda: closing(0))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["warning: standard input: cannot read (it is closed)"]


def test_a_closed_stdin_through_the_library() -> None:
    from parknews.model.reader import InputProblem, read_documents

    saved, sys.stdin = sys.stdin, None  # type: ignore[assignment]
    try:
        (item,) = read_documents(["-"])
    finally:
        sys.stdin = saved
    assert item == InputProblem("-", "standard input: cannot read (it is closed)")


def _rows(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.split("\n") if line]
