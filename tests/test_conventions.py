"""Command-line conventions: --version, -h, stdin, recursive folders, pipes, plain text, JSON metrics."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app

from .conftest import ROOT, SEEDS_DIR

runner = CliRunner()
COMMANDS = [
    ["classify"],
    ["summarize"],
    ["analyze"],
    ["train"],
    ["evaluate"],
    ["evaluate-summaries"],
    ["data", "stats"],
    ["data", "variants"],
    ["clean"],
    ["explain"],
    ["report"],
]


def test_version_and_short_help() -> None:
    from parknews import __version__

    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0
        assert result.stdout.strip() == f"parknews {__version__}"
    assert runner.invoke(app, ["-h"]).exit_code == 0
    assert runner.invoke(app, ["data", "-h"]).exit_code == 0


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_readable(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], terminal_width=100)
    assert result.exit_code == 0
    text = result.stdout
    for noise in ("<list[", "{paths}", "<bool>", "<str>", "<path>"):
        assert noise not in text, noise
    if command == ["summarize"]:  # the topic choices, each whole (not cut mid-word)
        words = re.findall(r"[a-z]+", text)
        assert {"recruitment", "investment", "talent", "services", "other"} <= set(words)


def test_piped_stdin_is_read_without_a_path(small_model: Path) -> None:
    text = "园区一次签下9个项目。\n当前位置：首页\n"
    result = runner.invoke(app, ["classify", "-f", "jsonl", "--model", str(small_model)], input=text)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["paragraph"]) for r in records] == [("-", 0), ("-", 1)]
    result = runner.invoke(app, ["summarize", "-f", "jsonl", "--model", str(small_model)], input=text)
    assert json.loads(result.stdout)["file"] == "-"


def test_every_reading_command_reads_piped_stdin_without_a_path(small_model: Path, tmp_path: Path) -> None:
    text = "园区一次签下9个项目，合同资金42.6亿元。\n当前位置：首页 > 新闻中心\n"
    model = ["--model", str(small_model)]
    labels = [
        json.loads(line)["label"]
        for line in runner.invoke(app, ["classify", "-f", "jsonl", *model], input=text).stdout.splitlines()
    ]
    result = runner.invoke(app, ["clean", "-f", "jsonl", "--drop", labels[1], *model], input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["file"] == "-"
    assert json.loads(result.stdout)["labels"] == labels[:1]
    result = runner.invoke(app, ["explain", "-p", "1", "-f", "json", *model], input=text)
    assert result.exit_code == 0, result.output
    explained = json.loads(result.stdout)
    assert (explained["file"], explained["label"]) == ("-", labels[1])
    page = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--out", str(page), *model], input=text)
    assert result.exit_code == 0, result.output
    assert "1 articles" in page.read_text("utf-8")


def test_no_path_and_nothing_piped_is_a_usage_error(
    small_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.cli.common.stdin_is_terminal", lambda: True)
    for command in (["clean"], ["explain", "-p", "0"], ["report", "--out", str(tmp_path / "r.html")]):
        result = runner.invoke(app, [*command, "--model", str(small_model)])
        assert result.exit_code == 2, (command, result.output)
        assert "pipe text in" in result.output
    assert not (tmp_path / "r.html").exists()


def test_folders_are_searched_recursively_for_pages_and_exports_in_any_case(
    small_model: Path, tmp_path: Path
) -> None:
    seed = next(iter(sorted(SEEDS_DIR.glob("*.txt")))).read_bytes()
    page = (ROOT / "tests" / "fixtures" / "html" / "mobile.html").read_bytes()
    export = json.dumps({"url": "https://a.cn/1", "content": "园区签约项目12个。"}, ensure_ascii=False)
    files = {
        "a.txt": seed,
        "sub/page.HTML": page,
        "sub/deeper/crawl.JSONL": export.encode("utf-8") + b"\n",
        "sub/deeper/notes.md": seed,
        "z.html.bak": page,
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    for command in (["classify", "-f", "jsonl"], ["clean", "-f", "jsonl"], ["summarize", "-f", "jsonl"]):
        result = runner.invoke(app, [*command, str(tmp_path), "--model", str(small_model)])
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert list(dict.fromkeys(r["file"] for r in records)) == [
            str(tmp_path / n) for n in ("a.txt", "sub/deeper/crawl.JSONL", "sub/page.HTML")
        ], command
        assert {r.get("input") for r in records if r["file"].endswith(".HTML")} == {"html"}, command
        assert {r.get("id") for r in records if r["file"].endswith(".JSONL")} == {"https://a.cn/1"}, command


def test_folders_are_searched_recursively_for_txt_in_any_case(small_model: Path, tmp_path: Path) -> None:
    seed = next(iter(sorted(SEEDS_DIR.glob("*.txt")))).read_bytes()
    for name in ("b.txt", "sub/a.TXT", "sub/deeper/c.Txt", "sub/notes.md", "z.txt.bak"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(seed)
    result = runner.invoke(app, ["classify", str(tmp_path), "-f", "jsonl", "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    files = list(dict.fromkeys(json.loads(line)["file"] for line in result.stdout.splitlines()))
    assert files == [str(tmp_path / n) for n in ("b.txt", "sub/a.TXT", "sub/deeper/c.Txt")]


def test_a_closed_pipe_is_a_quiet_success(small_model: Path) -> None:
    for command in (
        "classify {seeds} -f jsonl",
        "classify {seeds}",
        "summarize {seeds}",
        "summarize {seeds} -f jsonl",
        "clean {seeds}",
        "clean {seeds} -f jsonl",
    ):
        shell = (
            f"set -o pipefail; {sys.executable} -m parknews "
            + command.format(seeds=SEEDS_DIR)
            + f" --model {small_model} | head -c 1 >/dev/null"
        )
        result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


def test_piped_summary_is_one_sentence_per_line(small_model: Path) -> None:
    path = SEEDS_DIR / "000_78403b45b73b3ff9.txt"
    text = path.read_text("utf-8")
    result = runner.invoke(app, ["summarize", str(path), "-n", "3", "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[0] == str(path)
    assert lines[4].startswith("keywords: ")
    assert lines[5:] == ["", ""]
    for sentence in lines[1:4]:
        assert sentence in text and sentence == sentence.strip()  # whole, unwrapped, unpadded
    assert max(len(s) for s in lines[1:4]) > 80  # long sentences are not wrapped


def _bundled_hash() -> str:
    return hashlib.sha256((ROOT / "artifacts" / "model" / "manifest.json").read_bytes()).hexdigest()


def test_train_and_evaluate_json_and_default_out(
    small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    before = _bundled_hash()
    result = runner.invoke(app, ["train", "--data", str(small_data), "--quick", "--folds", "3", "-f", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    default_out = tmp_path / "xdg" / "parknews" / "model"
    assert metrics["model"] == str(default_out) and (default_out / "manifest.json").is_file()
    assert set(metrics["cv"]["per_class"]) == {
        "recruitment",
        "investment",
        "talent",
        "services",
        "spam",
        "other",
    }
    assert 0 <= metrics["cv"]["macro_f1"] <= 1
    assert _bundled_hash() == before  # the bundled model is never the default target
    result = runner.invoke(
        app, ["evaluate", "--data", str(small_data), "--model", str(default_out), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["training_data"] is True and scores["paragraphs"] > 100


def test_evaluate_summaries_json(small_data: Path, small_model: Path) -> None:
    argv = ["evaluate-summaries", "--data", str(small_data), "--model", str(small_model), "--format", "json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["systems"]) >= {"parknews", "lead-3"}
    assert 0 < report["systems"]["parknews"]["rouge1"] <= 1


def test_missing_training_libraries_are_one_line(small_data: Path, tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['sklearn'] = None; sys.modules['pypinyin'] = None\n"
        "from parknews.cli.app import app; app(sys.argv[1:], prog_name='parknews')\n"
    )
    for argv in (
        ["train", "--data", str(small_data), "--out", str(tmp_path / "m")],
        ["data", "variants", "--data", str(small_data), "--out", str(tmp_path / "v.jsonl")],
    ):
        result = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "pip install" in result.stderr, result.stderr
    assert not (tmp_path / "m").exists()


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "parknews", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.startswith("parknews ")
