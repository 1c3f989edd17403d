"""The Python API: ``parknews.load_model``, ``classify``, ``summarize``; cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import parknews
from parknews.model.errors import ModelError

from .conftest import ROOT, SEEDS_DIR, assert_same_predictions

ARTICLE = "3月28日，园区一次签下9个项目，合同资金42.6亿元。\n\n当前位置：首页 > 新闻中心\n1.jpg\n"


def test_classify_takes_text_or_lines_and_gives_labeled_paragraphs(small_model: Path) -> None:
    from_text = parknews.classify(ARTICLE, model=small_model)
    from_lines = parknews.classify(ARTICLE.split("\n"), model=small_model)
    assert len(from_text) == 3  # the blank line is not a paragraph
    assert [p.paragraph for p in from_text] == [0, 1, 2]
    assert [p.text for p in from_text] == [
        "3月28日，园区一次签下9个项目，合同资金42.6亿元。",
        "当前位置：首页 > 新闻中心",
        "1.jpg",
    ]
    assert_same_predictions(list(from_lines), list(from_text))
    first = from_text[0]
    assert first.score == max(first.scores.values()) == first.scores[first.label]
    assert abs(sum(first.scores.values()) - 1) < 1e-9


def test_classify_is_what_the_cli_prints(small_model: Path) -> None:
    from typer.testing import CliRunner

    from parknews.cli.app import app

    path = sorted(SEEDS_DIR.glob("*.txt"))[2]
    result = CliRunner().invoke(app, ["classify", str(path), "-f", "jsonl", "--model", str(small_model)])
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    api = parknews.classify(path.read_text("utf-8"), model=small_model)
    assert [r["label"] for r in printed] == [p.label for p in api]
    assert [r["text"] for r in printed] == [p.text for p in api]


def test_summarize_counts_ratios_and_topics(small_model: Path) -> None:
    text = sorted(SEEDS_DIR.glob("*.txt"))[0].read_text("utf-8")
    two = parknews.summarize(text, sentences=2, model=small_model)
    assert len(two.sentences) == 2
    assert all(s.original in text for s in two.sentences)
    assert [s.paragraph for s in two.sentences] == sorted(s.paragraph for s in two.sentences)
    assert two.keywords
    more = parknews.summarize(text, ratio=0.5, model=small_model)
    assert len(more.sentences) > 2
    labeled = parknews.classify(text, model=small_model)
    # A labeled article is summarized without labelling it again.
    assert parknews.summarize(labeled, sentences=2).sentences == two.sentences
    for s in parknews.summarize(text, topic="investment", model=small_model).sentences:
        assert labeled[s.paragraph].label == "investment"
    with pytest.raises(ValueError):
        parknews.summarize(text, sentences=0, model=small_model)


def test_load_model_is_cached_and_reloads_a_replaced_model(small_model: Path, tmp_path: Path) -> None:
    import shutil

    assert parknews.load_model(small_model) is parknews.load_model(str(small_model))
    copy = tmp_path / "m"
    shutil.copytree(small_model, copy)
    first = parknews.load_model(copy)
    replaced = tmp_path / "new"
    shutil.copytree(small_model, replaced)
    shutil.rmtree(copy)
    replaced.rename(copy)
    assert parknews.load_model(copy) is not first


def test_load_model_default_is_bundled_or_the_environment(
    monkeypatch: pytest.MonkeyPatch, small_model: Path
) -> None:
    from parknews.model.location import bundled_model_dir

    monkeypatch.delenv("PARKNEWS_MODEL", raising=False)
    assert bundled_model_dir() == ROOT / "artifacts" / "model"
    assert parknews.load_model().manifest == parknews.load_model(bundled_model_dir()).manifest
    monkeypatch.setenv("PARKNEWS_MODEL", str(small_model))
    assert parknews.load_model() is parknews.load_model(small_model)


def test_a_missing_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model directory"):
        parknews.load_model(tmp_path / "none")
    with pytest.raises(ModelError):
        parknews.classify("招商", model=tmp_path / "none")


def test_import_is_cheap_and_inference_never_imports_scikit_learn(small_model: Path) -> None:
    code = (
        "import sys, json, parknews\n"
        "cheap = not any(m in sys.modules for m in ('numpy', 'jieba', 'parknews.api'))\n"
        f"text = open({str(SEEDS_DIR / '000_78403b45b73b3ff9.txt')!r}, encoding='utf-8').read()\n"
        "parknews.summarize(text)\n"
        "heavy = sorted(m for m in ('sklearn', 'scipy', 'joblib') if m in sys.modules)\n"
        "print(json.dumps([cheap, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout) == [True, []]
