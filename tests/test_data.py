"""The labeled data: the loader's validation and the shipped seed labels."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.errors import DataError
from parknews.model.keywords import IdfTable, content_words
from parknews.model.text import paragraphs
from parknews.training.dataset import load_dataset

from .conftest import DATA_DIR, SEEDS_DIR


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def row(**kw: str) -> str:
    base = {"text": "招商签约", "label": "investment", "doc": "d1", "source": "authored"}
    base.update(kw)
    return json.dumps(base, ensure_ascii=False)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"text": "x", "label": "spam", "doc": "d1"}), "missing field(s) source"),
        (row(label="jobs"), "unknown label 'jobs'"),
        (row(text="   "), "empty text"),
        ("[1, 2]", "expected a JSON object"),
        (row(doc=""), "empty doc id"),
    ],
)
def test_bad_line_is_reported_with_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = write(tmp_path, "bad.jsonl", [row(), line])
    with pytest.raises(DataError) as info:
        load_dataset([path])
    assert f"{path}:2: {reason}" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.jsonl", ["{", row(), row(label="x")])
    with pytest.raises(DataError) as info:
        load_dataset([path])
    assert f"{path}:1:" in str(info.value) and f"{path}:3:" in str(info.value)


def test_empty_file_and_missing_path(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.jsonl", [""])
    with pytest.raises(DataError, match="holds no records"):
        load_dataset([empty])
    with pytest.raises(DataError, match="no such file"):
        load_dataset([tmp_path / "nope.jsonl"])


def test_doc_lines_must_stand_together(tmp_path: Path) -> None:
    path = write(tmp_path, "split.jsonl", [row(doc="a"), row(doc="b"), row(doc="a")])
    with pytest.raises(DataError, match=":3: doc 'a' resumes"):
        load_dataset([path])


def test_seed_labels_cover_every_line_of_every_seed() -> None:
    data = load_dataset([DATA_DIR / "seeds.jsonl"])
    by_doc = {a.doc: a for a in data.articles}
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        article = by_doc[path.stem]
        assert article.source == "seed"
        assert article.lines == [p.text.strip() for p in paragraphs(path.read_text("utf-8"))]


# SHA-256 of the five seed articles as the project received them.
SEED_SHA256 = {
    "000_78403b45b73b3ff9.txt": "a17c3d0581bef278473ff67ef3edcf52516569d9624421f6070193c1b7707de9",
    "001_e77d3b9177cec614.txt": "4e9b2b5f36db6ec04d8b1c56232d6bb0fc02e865d7941290de13a8fa7001046a",
    "002_9f6095f70a76f921.txt": "7ac4a193fd8364158b743928aabd0f9edfbf22b2cf77dfe28e568369c5099bbc",
    "003_15e5e64a13b11909.txt": "e7aec04dc50f98e0fb41270119c84e4888bc576cfe7543adb43bb3153e66604d",
    "004_d4ceb9e4fe46168b.txt": "8951292e6def111a03c4e3b706cdf0148b0bf99bbdb9f02573d7a5f11bdc5473",
}


def test_seeds_are_the_received_seeds_byte_for_byte() -> None:
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(SEEDS_DIR.glob("*.txt"))}
    assert found == SEED_SHA256


def test_data_idf_rebuilds_the_table(tmp_path: Path) -> None:
    """`parknews data idf` writes the table the keywords read, from the corpus it is given."""
    data = tmp_path / "three.jsonl"
    rows = [
        ("a", "光伏项目签约。"),
        ("a", "光伏工厂招聘。"),
        ("b", "光伏项目签约。"),
        ("c", "人才公寓交付。"),
    ]
    data.write_text(
        "".join(
            json.dumps({"text": t, "label": "other", "doc": d, "source": "authored"}, ensure_ascii=False)
            + "\n"
            for d, t in rows
        ),
        "utf-8",
    )
    target = tmp_path / "idf.json"
    result = CliRunner().invoke(app, ["data", "idf", "--data", str(data), "--out", str(target)])
    assert result.exit_code == 0, result.output
    table = IdfTable(**json.loads(target.read_text("utf-8")))
    assert table.documents == 3
    # Smoothed IDF ln((N + 1) / (df + 1)) + 1; a word of one article only gets the default.
    assert "光伏" in content_words("光伏项目签约。")
    assert table["光伏"] == round(math.log(4 / 3) + 1, 4)
    assert table.default == round(math.log(4 / 2) + 1, 4)
    assert "公寓" not in table.idf and table["公寓"] == table.default
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idf.json", "three.jsonl"]  # nothing half-written


def test_data_stats_checks_the_gold_summaries_kept_beside_the_data(tmp_path: Path) -> None:
    write(tmp_path, "batch.jsonl", [row(text="经开区与三家企业签约。"), row(text="返回顶部", label="spam")])
    gold = tmp_path / "summaries.jsonl"
    summary = {"doc": "d1", "sentences": ["经开区与三家企业签约。"]}
    gold.write_text(json.dumps(summary, ensure_ascii=False) + "\n")
    result = CliRunner().invoke(app, ["data", "stats", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "gold summaries: 1 articles" in result.output
    gold.write_text(json.dumps({"doc": "d1", "sentences": ["不在文中的句子。"]}, ensure_ascii=False) + "\n")
    result = CliRunner().invoke(app, ["data", "stats", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "gold sentences that are not in their article: d1" in result.output
