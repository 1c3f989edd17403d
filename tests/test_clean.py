"""``parknews clean``: the article without its spam lines, in order, as text, files or JSONL."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parknews.cli.app import app

from .conftest import SEEDS_DIR

runner = CliRunner()


def labels_of(model: Path, *args: str) -> list[dict]:
    result = runner.invoke(app, ["classify", *args, "-f", "jsonl", "--model", str(model)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_clean_text_is_the_non_spam_lines_in_order(small_model: Path, seed_paths: list[Path]) -> None:
    seed = str(seed_paths[4])
    records = labels_of(small_model, seed)
    kept = [r["text"] for r in records if r["label"] != "spam"]
    assert 0 < len(kept) < len(records)
    result = runner.invoke(app, ["clean", seed, "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "\n".join(kept) + "\n"


def test_clean_jsonl_and_dropping_more_labels(small_model: Path) -> None:
    records = labels_of(small_model, str(SEEDS_DIR))
    result = runner.invoke(
        app,
        ["clean", str(SEEDS_DIR), "-f", "jsonl", "--drop", "spam", "--drop", "other", "-m", str(small_model)],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for row in rows:
        mine = [r for r in records if r["file"] == row["file"]]
        kept = [r for r in mine if r["label"] not in ("spam", "other")]
        assert row["paragraphs"] == [r["paragraph"] for r in kept]
        assert row["labels"] == [r["label"] for r in kept]
        assert row["text"] == "\n".join(r["text"] for r in kept)
        assert row["dropped"] == len(mine) - len(kept)


def test_clean_a_crawl_export_into_a_folder(small_model: Path, tmp_path: Path) -> None:
    rows = [
        {"url": "https://a.cn/1", "content": "首页 > 新闻\n园区签约项目12个，总投资86亿元。\n责任编辑：王明"},
        {"url": "https://a.cn/2", "content": None},
        {"url": "https://a.cn/3", "html": "<p>园区举办招聘会，提供岗位1900个。</p>"},
    ]
    export = tmp_path / "crawl.jsonl"
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "oops\n", "utf-8")
    out = tmp_path / "clean"
    result = runner.invoke(app, ["clean", str(export), "--out", str(out), "-m", str(small_model)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"warning: {export}:2: no text (empty or white space only)",
        f"warning: {export}:4: not JSON (Expecting value, column 1)",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["crawl-1.txt", "crawl-2.txt", "crawl-3.txt"]
    assert "园区举办招聘会" in (out / "crawl-3.txt").read_text("utf-8")
    jsonl = runner.invoke(app, ["clean", str(export), "-f", "jsonl", "-m", str(small_model)])
    ids = [json.loads(line).get("id") for line in jsonl.stdout.splitlines()]
    assert ids == ["https://a.cn/1", "https://a.cn/2", "https://a.cn/3"]


def test_clean_usage_errors(small_model: Path, tmp_path: Path) -> None:
    both = runner.invoke(
        app, ["clean", "-", "-f", "jsonl", "--out", str(tmp_path / "o"), "-m", str(small_model)]
    )
    assert both.exit_code == 2 and both.stderr.startswith("error: --out writes text files")
    missing = runner.invoke(app, ["clean", str(tmp_path / "nope.html"), "-m", str(small_model)])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"warning: {tmp_path / 'nope.html'}: no such file or folder"
    help_text = runner.invoke(app, ["clean", "--help"]).stdout
    assert "Example" in help_text and "parknews clean page.html" in help_text
