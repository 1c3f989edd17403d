"""``explain``: one paragraph's score gap split into feature pushes that add up to the real gap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.explain import explain, explanation_record
from parknews.model.features import contexts
from parknews.model.store import load_model
from parknews.model.text import paragraphs

from .conftest import ROOT

runner = CliRunner()
BUNDLED = ROOT / "artifacts" / "model"


@pytest.mark.parametrize("which", ["bundled", "small"])
def test_pushes_and_intercepts_add_up_to_the_real_score_gap(
    which: str, small_model: Path, seed_paths
) -> None:
    model = load_model(BUNDLED if which == "bundled" else small_model)
    for seed in seed_paths[:3]:
        lines = [p.text for p in paragraphs(seed.read_text("utf-8"))]
        ctxs = contexts(lines)
        # The article's pull on each paragraph, in score units, is part of the gap to explain.
        pull = model.context_offsets(model.predict_proba(ctxs)) * model.temperature
        scores = model.decision_function(ctxs) + pull
        proba = model.article_proba(ctxs)
        for i in range(0, len(lines), 3):
            e = explain(model, lines, i)
            first, second = np.argsort(-proba[i], kind="stable")[:2]
            assert (e.label, e.against) == (model.labels[first], model.labels[second])
            gap = scores[i][first] - scores[i][second]
            assert abs(e.gap - gap) < 1e-9
            assert e.unexplained == 0.0
            assert abs(e.intercept + sum(c.contribution for c in e.contributions) - gap) < 1e-9
            assert abs(e.probability - proba[i][first]) < 1e-12
            for c in e.contributions:
                assert c.contribution == pytest.approx(c.value * c.weight)


def test_the_strongest_pushes_come_first_and_against_any_label(seed_paths) -> None:
    model = load_model(BUNDLED)
    lines = [p.text for p in paragraphs(seed_paths[4].read_text("utf-8"))]
    e = explain(model, lines, 6, against="investment")
    assert e.against == "investment" and e.label != "investment"
    pushes = [c.contribution for c in e.contributions]
    assert pushes == sorted(pushes, reverse=True)
    assert all(c.contribution > 0 for c in e.toward(5)) and all(c.contribution < 0 for c in e.away(5))
    assert {c.block for c in e.contributions} <= {"words", "chars", "layout", "article"}
    record = explanation_record(e, top=3)
    assert len(record["toward"]) <= 3 and len(record["away"]) <= 3
    assert abs(record["intercept"] + sum(record["blocks"].values()) - record["gap"]) < 1e-5
    with pytest.raises(ValueError, match="cannot explain"):
        explain(model, lines, 6, against=e.label)
    with pytest.raises(IndexError):
        explain(model, lines, len(lines))


def test_explain_needs_no_scikit_learn() -> None:
    code = (
        "import sys; from parknews.model.store import load_model; from parknews.model.explain import explain;"
        f"m = load_model({str(BUNDLED)!r}); e = explain(m, ['首页', '园区签约项目12个。'], 1);"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'; print(e.label)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in {"recruitment", "investment", "talent", "services", "spam", "other"}


def test_cli_json_and_rich_view(seed_paths) -> None:
    seed = str(seed_paths[4])
    result = runner.invoke(app, ["explain", seed, "--paragraph", "6", "--format", "json", "--top", "4"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["file"] == seed and record["paragraph"] == 6
    assert record["text"] == paragraphs(seed_paths[4].read_text("utf-8"))[6].text
    assert len(record["toward"]) == 4 and record["toward"][0]["contribution"] > 0
    assert set(record["toward"][0]) == {"block", "feature", "raw", "value", "weight", "contribution"}
    view = runner.invoke(app, ["explain", seed, "-p", "6"])
    assert view.exit_code == 0, view.output
    assert f"toward {record['label']}" in view.stdout and f"toward {record['against']}" in view.stdout
    assert "score gap" in view.stdout and record["toward"][0]["feature"] in view.stdout


def test_cli_html_page_and_a_crawl_record(tmp_path: Path) -> None:
    page = ROOT / "tests" / "fixtures" / "html" / "mobile.html"
    result = runner.invoke(app, ["explain", str(page), "-p", "3", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"].startswith("上周，松江湾产业园")
    export = tmp_path / "c.jsonl"
    rows = [{"url": "u1", "content": "甲。"}, {"url": "u2", "content": "首页\n园区签约项目12个。"}]
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    result = runner.invoke(app, ["explain", str(export), "--record", "2", "-p", "1", "-f", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["id"], record["text"]) == ("u2", "园区签约项目12个。")


def test_cli_errors(seed_paths, tmp_path: Path) -> None:
    seed = str(seed_paths[4])
    n = len(paragraphs(seed_paths[4].read_text("utf-8")))
    result = runner.invoke(app, ["explain", seed, "-p", str(n)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {seed} has {n} paragraphs (0–{n - 1}): there is no paragraph {n}"
    missing = runner.invoke(app, ["explain", str(tmp_path / "gone.txt"), "-p", "0"])
    assert (
        missing.exit_code == 1
        and missing.stderr.strip() == f"error: {tmp_path / 'gone.txt'}: no such file or folder"
    )
    label = json.loads(runner.invoke(app, ["explain", seed, "-p", "6", "-f", "json"]).stdout)["label"]
    same = runner.invoke(app, ["explain", seed, "-p", "6", "--against", label])
    assert same.exit_code == 2 and same.stderr.startswith(f"error: cannot explain {label} against {label}")
    no_record = runner.invoke(app, ["explain", seed, "-p", "0", "--record", "5"])
    assert no_record.exit_code == 1 and "no record starts on line 5" in no_record.stderr
    assert "Example" in runner.invoke(app, ["explain", "--help"]).stdout


def test_python_api_explain_is_the_model_explanation(small_model: Path, seed_paths) -> None:
    import parknews

    text = seed_paths[4].read_text("utf-8")
    lines = [p.text for p in paragraphs(text)]
    mine = parknews.explain(text, 6, model=small_model)
    assert mine == explain(load_model(small_model), lines, 6)
    assert parknews.explain(text.split("\n"), 6, model=small_model) == mine  # lines, blank ones included
    assert mine.label == parknews.classify(text, model=small_model)[6].label
    against = "talent" if mine.label != "talent" else "spam"
    other = parknews.explain(text, 6, against=against, model=small_model)
    assert other.against == against and other.label == mine.label
    with pytest.raises(IndexError):
        parknews.explain(text, len(lines), model=small_model)
