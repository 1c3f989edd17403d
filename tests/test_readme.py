"""The README tells the truth: its API examples run, its output examples match the tool."""

from __future__ import annotations

import doctest
import json
import re

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
runner = CliRunner()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_api_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read seeds/ as a user in the checkout would
    monkeypatch.delenv("PARKNEWS_MODEL", raising=False)
    examples = blocks("pycon")
    assert examples, "the README has no API examples"
    parser = doctest.DocTestParser()
    doctest_runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, text in enumerate(examples):
        test = parser.get_doctest(text, {}, f"README pycon block {number}", "README.md", 0)
        doctest_runner.run(test)
    result = doctest_runner.summarize(verbose=False)
    assert result.attempted > 5
    assert result.failed == 0


def decimals(value: float) -> bool:
    """At most 6 decimals, as the tool rounds them."""
    return round(value, 6) == value


def documented(prefix: str) -> dict:
    (block,) = [b for b in blocks("json") if b.startswith(prefix)]
    return json.loads(block)  # one record, broken over lines for reading


def test_documented_classify_record_is_what_classify_prints() -> None:
    doc = documented('{"file": "seeds/003')
    result = runner.invoke(app, ["classify", doc["file"], "-f", "jsonl"], catch_exceptions=False)
    assert result.exit_code == 0
    real = [json.loads(line) for line in result.stdout.splitlines()][doc["paragraph"]]
    assert list(real) == list(doc)
    for key in ("file", "paragraph", "text", "encoding"):
        assert real[key] == doc[key]
    assert list(real["scores"]) == list(doc["scores"])
    for record in (doc, real):
        assert record["label"] in record["scores"]
        assert max(record["scores"], key=record["scores"].get) == record["label"]
        assert all(isinstance(v, float) and decimals(v) for v in record["scores"].values())
        assert abs(sum(record["scores"].values()) - 1) < 1e-5


def test_documented_summary_record_is_what_summarize_prints() -> None:
    doc = documented('{"file": "seeds/004')
    argv = ["summarize", doc["file"], "-n", str(len(doc["summary"])), "-f", "jsonl"]
    result = runner.invoke(app, argv, catch_exceptions=False)
    assert result.exit_code == 0
    (real,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert list(real) == list(doc)
    assert real["file"] == doc["file"]
    assert len(real["summary"]) == len(doc["summary"])
    text = (ROOT / doc["file"]).read_text("utf-8")
    for record in (doc, real):
        for sentence in record["summary"]:
            assert list(sentence) == ["text", "original", "paragraph", "score"]
            assert sentence["original"] in text
            assert isinstance(sentence["paragraph"], int)
            assert isinstance(sentence["score"], float) and decimals(sentence["score"])
        assert all(isinstance(k, str) for k in record["keywords"])
    # Same order of magnitude: the documented score is one the scorer gives.
    for mine, theirs in zip(doc["summary"], real["summary"]):
        assert theirs["score"] / 3 <= mine["score"] <= theirs["score"] * 3
