"""Every command through Typer's CliRunner, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.text import paragraphs

from .conftest import SEEDS_DIR

runner = CliRunner()
LABELS = {"recruitment", "investment", "talent", "services", "spam", "other"}


def test_classify_jsonl_schema_over_all_seeds(small_model: Path, seed_paths: list[Path]) -> None:
    result = runner.invoke(
        app, ["classify", str(SEEDS_DIR), "--format", "jsonl", "--model", str(small_model)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [(str(p), para) for p in seed_paths for para in paragraphs(p.read_text("utf-8"))]
    assert len(records) == len(expected)
    for record, (file, para) in zip(records, expected, strict=True):
        assert set(record) == {"file", "paragraph", "text", "label", "scores", "encoding"}
        assert record["file"] == file
        assert record["paragraph"] == para.index
        assert record["text"] == para.text
        assert record["label"] in LABELS
        assert set(record["scores"]) == LABELS
        assert record["label"] == max(record["scores"], key=record["scores"].get)
        assert abs(sum(record["scores"].values()) - 1) < 1e-4


def test_classify_table_shows_labels(small_model: Path, seed_paths: list[Path]) -> None:
    result = runner.invoke(app, ["classify", str(seed_paths[4]), "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    assert "1.jpg" in result.stdout and "spam" in result.stdout


def test_classify_csv(small_model: Path, seed_paths: list[Path]) -> None:
    result = runner.invoke(app, ["classify", str(seed_paths[4]), "-f", "csv", "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(paragraphs(seed_paths[4].read_text("utf-8")))
    assert rows[0]["label"] in LABELS and "p_spam" in rows[0]


def test_classify_stdin(small_model: Path) -> None:
    result = runner.invoke(
        app,
        ["classify", "-", "-f", "jsonl", "--model", str(small_model)],
        input="当前位置:首页\n\n园区签约项目12个。\n",
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["paragraph"]) for r in records] == [("-", 0), ("-", 1)]


def test_missing_model_is_one_line_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["classify", str(SEEDS_DIR), "--model", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no model directory" in result.output
    assert "Traceback" not in result.output


def test_usage_error_exits_2(small_model: Path) -> None:
    result = runner.invoke(app, ["classify", str(SEEDS_DIR), "--format", "xml", "--model", str(small_model)])
    assert result.exit_code == 2


@pytest.mark.parametrize("command", ["classify", "train", "evaluate"])
def test_help_shows_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_train_then_evaluate(small_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = runner.invoke(
        app, ["train", "--data", str(small_data), "--out", str(out), "--quick", "--folds", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout
    assert (out / "manifest.json").is_file()
    result = runner.invoke(app, ["evaluate", "--data", str(small_data), "--model", str(out)])
    assert result.exit_code == 0, result.output
    assert "training scores, not test scores" in result.output
    assert "macro-F1" in result.stdout


def test_train_on_bad_data_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "nope", "doc": "a", "source": "s"}\n', "utf-8")
    out = tmp_path / "m"
    result = runner.invoke(app, ["train", "--data", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{bad}:1: unknown label 'nope'" in result.output
    assert not out.exists()
