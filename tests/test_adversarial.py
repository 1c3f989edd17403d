"""What a messy real crawl and a careless shell did to the command, each found by trying it.

Every case here once gave a traceback, a silent loss or a machine brought down; each
test runs the real ``parknews`` (a subprocess, where the shell's own doings matter) or
the public function, and checks the one-line answer and that nothing was lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parknews.cli.app import app

from .conftest import SEEDS_DIR

SEED = SEEDS_DIR / "004_d4ceb9e4fe46168b.txt"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
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


runner = CliRunner()


def cli(*args: str, model: Path | None = None) -> Result:
    return runner.invoke(app, [*args, *(["--model", str(model)] if model else [])])


def without_root_powers() -> list[str]:
    """A prefix that runs a command without root's right to read and write anything
    (permission tests mean nothing to root otherwise); [] when not root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root, and no setpriv to drop root's file powers")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


# ---------------------------------------------------------------- crawl exports


def test_lone_surrogates_in_a_jsonl_export_read_as_replacement_characters(
    small_model: Path, tmp_path: Path
) -> None:
    # JSON may escape half of a UTF-16 pair; every command was a UnicodeEncodeError traceback.
    export = tmp_path / "crawl.jsonl"
    export.write_text(
        '{"url": "u1", "content": "园区\\ud800签约项目12个。"}\n'
        '{"url": "u\\udfff2", "content": "招聘会。"}\n',
        "utf-8",
    )
    result = cli("classify", str(export), "-f", "jsonl", model=small_model)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {export}:1: 1 lone surrogate(s) (half of a UTF-16 pair) read as U+FFFD (\ufffd)",
        f"warning: {export}:2: 1 lone surrogate(s) (half of a UTF-16 pair) read as U+FFFD (\ufffd)",
    ]
    assert [(r["text"], r["id"]) for r in _rows(result.stdout)] == [
        ("园区\ufffd签约项目12个。", "u1"),
        ("招聘会。", "u\ufffd2"),
    ]
    for command in ("summarize", "clean"):
        result = cli(command, str(export), model=small_model)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output


def test_the_api_labels_text_holding_lone_surrogates(small_model: Path) -> None:
    import parknews

    article = parknews.classify("園區\ud800簽約項目12個。\n\udcff", model=small_model)
    assert [p.text for p in article] == ["園區\ud800簽約項目12個。", "\udcff"]
    assert parknews.summarize("園區\ud800簽約項目12個。", model=small_model).sentences


@pytest.mark.parametrize("data", [PNG, '{"content": "园区"}\n'.encode("utf-16")], ids=["png", "utf-16"])
def test_a_jsonl_that_is_not_utf8_text_is_one_warning(small_model: Path, tmp_path: Path, data: bytes) -> None:
    export = tmp_path / "crawl.jsonl"
    export.write_bytes(data * 20)  # was one warning per line of it
    result = cli("classify", str(export), str(SEED), "-f", "jsonl", model=small_model)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"warning: {export}: NUL bytes: binary data or UTF-16/32 text, not JSON Lines (UTF-8); "
        "the file is skipped"
    ]
    assert {r["file"] for r in _rows(result.stdout)} == {str(SEED)}


@pytest.mark.parametrize("content", [b"", b"\n \n", b"url,content\n"], ids=["empty", "blank", "csv-header"])
def test_an_export_without_records_warns_as_an_empty_file_does(
    small_model: Path, tmp_path: Path, content: bytes
) -> None:
    export = tmp_path / ("crawl.csv" if content.startswith(b"url") else "crawl.jsonl")
    export.write_bytes(content)
    result = cli("classify", str(export), "-f", "jsonl", model=small_model)
    assert result.exit_code == 0 and result.stdout == ""  # was exit 0 and not a word
    assert result.stderr.splitlines() == [f"warning: {export}: no text (empty or white space only)"]


def test_a_summary_note_names_the_record(small_model: Path, tmp_path: Path) -> None:
    export = tmp_path / "crawl.jsonl"
    export.write_text('{"content": "园区签约项目12个。"}\n{"content": ""}\n', "utf-8")
    result = cli("summarize", str(export), "-f", "jsonl", model=small_model)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"note: {export}:2: no text (empty or white space only)"]


def test_html_nested_past_the_parsers_limit_says_text_was_lost(tmp_path: Path) -> None:
    from parknews.model.reader import Document, read_documents

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body>" + "".join(f"<div><p>第{i}段。" for i in range(3000)) + "</body></html>", "utf-8"
    )
    (document,) = read_documents([str(page)], input="auto")
    assert isinstance(document, Document)
    assert 2000 < len(document.text.splitlines()) < 3000  # libxml2 stops at 2,048 levels
    assert document.warning == (
        f"{page}: elements nested too deep for the HTML parser (unclosed tags?): "
        "the text below that depth is lost"
    )


# ---------------------------------------------------------------- folders and files


def test_a_sub_folder_that_cannot_be_listed_is_named(small_model: Path, tmp_path: Path) -> None:
    prefix = without_root_powers()
    crawl = tmp_path / "crawl"
    (crawl / "locked").mkdir(parents=True)
    (crawl / "locked" / "b.txt").write_bytes(SEED.read_bytes())
    (crawl / "a.txt").write_bytes(SEED.read_bytes())
    (crawl / "locked").chmod(0)
    try:
        argv = [*prefix, sys.executable, "-m", "parknews", "classify", str(crawl), "-f", "jsonl"]
        result = subprocess.run([*argv, "-m", str(small_model)], capture_output=True, text=True, timeout=120)
    finally:
        (crawl / "locked").chmod(0o755)
    assert result.returncode == 1  # was 0, the locked folder's files skipped in silence
    assert result.stderr.splitlines() == [f"warning: {crawl / 'locked'}: cannot read (Permission denied)"]
    assert {r["file"] for r in _rows(result.stdout)} == {str(crawl / "a.txt")}


def test_a_symbolic_link_loop_is_called_one(small_model: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    result = cli("classify", str(tmp_path / "a.txt"), model=small_model)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"warning: {tmp_path / 'a.txt'}: symbolic link loop"]


def test_a_replaced_file_keeps_its_permissions_and_a_read_only_one_is_kept(
    small_model: Path, tmp_path: Path
) -> None:
    from parknews.model.atomic import atomic_write

    private = tmp_path / "private.txt"
    private.write_text("old", "utf-8")
    private.chmod(0o600)
    with atomic_write(private) as stream:
        stream.write("new")
    assert private.read_text("utf-8") == "new"
    assert private.stat().st_mode & 0o777 == 0o600  # was 0o644: readable by everyone

    prefix = without_root_powers()
    report = tmp_path / "report.html"
    report.write_text("mine", "utf-8")
    report.chmod(0o444)
    argv = [*prefix, sys.executable, "-m", "parknews", "report", str(SEED), "-o", str(report)]
    result = subprocess.run([*argv, "-m", str(small_model)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1  # a rename does not ask the file: it was replaced
    assert (
        result.stderr.splitlines()[-1]
        == f"error: cannot write {report}: Permission denied (a read-only file)"
    )
    assert report.read_text("utf-8") == "mine"


# ---------------------------------------------------------------- models


def test_an_unreadable_manifest_is_one_line(small_model: Path, tmp_path: Path) -> None:
    prefix = without_root_powers()
    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    (model / "manifest.json").chmod(0)
    argv = [*prefix, sys.executable, "-m", "parknews", "classify", str(SEED), "-m", str(model)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    one_error(result, f"cannot read {model / 'manifest.json'}: Permission denied")


@pytest.mark.parametrize("version", [True, 3.0])
def test_a_format_version_that_only_looks_right_is_refused(
    small_model: Path, tmp_path: Path, version: object
) -> None:
    from parknews.model.errors import ModelError
    from parknews.model.store import load_model

    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    manifest = json.loads((model / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = version  # true == 1 in Python: it loaded as format 1
    (model / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelError, match=r"has model format .*; this parknews reads formats 1, 2 and 3"):
        load_model(model)


def test_a_model_option_naming_a_file(tmp_path: Path) -> None:
    result = cli("classify", str(SEED), model=SEED)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {SEED} is a file, not a model directory"]


# ---------------------------------------------------------------- writing what was asked


def test_train_refuses_an_unwritable_out_before_fitting(
    small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fit(*args: object, **kwargs: object) -> object:
        raise AssertionError("fitted before finding that the model could not be written")

    monkeypatch.setattr("parknews.training.fit.train", fit)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(blocker / "model")])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"error: cannot write a model in {blocker}: Not a directory"]


def test_data_variants_into_a_folder_is_one_line(small_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("pypinyin")
    result = runner.invoke(app, ["data", "variants", "--data", str(small_data), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: cannot write {tmp_path}: Is a directory"]


# ---------------------------------------------------------------- the Python API


def test_the_api_says_what_it_takes(small_model: Path) -> None:
    import parknews

    for wrong, name in ((None, "NoneType"), (12, "int"), (["园区", 3], "a line that is not a str")):
        with pytest.raises(TypeError, match=f"take text \\(str\\) or its lines, not {name}$"):
            parknews.classify(wrong, model=small_model)  # type: ignore[arg-type]
    # A misspelt topic read as an article that says nothing on it.
    with pytest.raises(ValueError, match="unknown topic 'talents': expected one of recruitment, "):
        parknews.summarize("园区人才公寓交付。", topic="talents", model=small_model)


def test_gold_summaries_that_are_not_utf8_are_one_line(small_data: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(PNG)
    result = runner.invoke(app, ["evaluate-summaries", "--data", str(small_data), "--gold", str(gold)])
    assert result.exit_code == 1  # was a UnicodeDecodeError traceback
    assert result.stderr.splitlines() == [
        f"error: {gold}:1: not UTF-8 text (byte 0); JSONL files must be UTF-8"
    ]


def test_explain_refuses_a_folder_rather_than_pick_a_file(small_model: Path) -> None:
    result = cli("explain", str(SEEDS_DIR), "-p", "0", model=small_model)
    assert result.exit_code == 2  # it explained the folder's first file, whichever that was
    assert result.stderr.splitlines() == [
        f"error: {SEEDS_DIR} is a folder: explain reads one article (a file, or - for stdin)"
    ]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:notaport", "127.0.0.1", "tpc://127.0.0.1:8786"])
def test_a_malformed_scheduler_address_is_one_line(small_model: Path, address: str) -> None:
    pytest.importorskip("distributed")
    result = parknews("classify", str(SEED), "--engine", "dask", "--scheduler", address, model=small_model)
    assert result.returncode == 1
    # It was the line, then 20 s of a half-made Client's clean-up and its traceback.
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"error: cannot reach the Dask scheduler at {address}: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify", "x.txt", "--jobs", "0"], "Invalid value for '--jobs' / '-j': Input should be greater"),
        (["classify", "x.txt", "--jbos", "2"], "No such option: --jbos"),
        (["summarize", "x.txt", "--topic", "spam"], "Invalid value for '--topic' / '-t': "),
        (["explain", "x.txt"], "Missing option '--paragraph' / '-p'."),
    ],
    ids=["bad-value", "unknown-option", "bad-choice", "missing-option"],
)
def test_a_usage_error_is_one_line_with_the_hint(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    # Was the usage, a hint and the message in a box 80 columns wide, broken across lines.
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {message}") and line.endswith(f" (see 'parknews {args[0]} -h')"), line


@pytest.mark.skipif(not LINUX, reason="reads /proc for the workers")
def test_ctrl_c_under_jobs_is_quiet(small_model: Path, tmp_path: Path) -> None:
    if CPUS < 2:
        pytest.skip("one CPU: --jobs 2 runs in one process")
    fifo = tmp_path / "waiting.txt"
    os.mkfifo(fifo)
    argv = [sys.executable, "-m", "parknews", "classify", str(SEED), str(fifo), "--jobs", "2"]
    process = subprocess.Popen(
        [*argv, "-m", str(small_model)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        _, stderr = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert stderr == ""  # each worker printed its KeyboardInterrupt traceback
