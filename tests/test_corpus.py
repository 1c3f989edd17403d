"""The shipped corpus: its size, its balance, its gold summaries and its variants."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.training.dataset import GENERATED, Dataset, group_of, load_dataset
from parknews.training.stats import agreement, corpus_stats, load_summaries
from parknews.training.variants import make_variants

from .conftest import DATA_DIR

LABELS = ("recruitment", "investment", "talent", "services", "spam", "other")


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    return load_dataset()


def test_corpus_meets_the_targets(corpus: Dataset) -> None:
    stats = corpus_stats(corpus)
    assert stats.articles["authored"] >= 120
    assert stats.articles["seed"] == 5
    assert sum(stats.labels.values()) >= 2400
    for label in LABELS:
        assert stats.labels[label] >= 300, label


def test_every_article_has_a_gold_summary_of_exact_sentences(corpus: Dataset) -> None:
    summaries = load_summaries()
    for article in corpus.articles:
        if article.source == GENERATED:
            continue
        sentences = summaries[article.doc]
        assert 2 <= len(sentences) <= 3, article.doc
        spam_lines = [r.text for r in article.records if r.label == "spam"]
        for sentence in sentences:
            assert any(sentence in line for line in article.lines), (article.doc, sentence)
            assert not any(sentence in line for line in spam_lines), (article.doc, sentence)


def test_seeds_and_authored_text_live_in_separate_files(corpus: Dataset) -> None:
    sources_by_file: dict[str, set[str]] = {}
    for record in corpus.records:
        sources_by_file.setdefault(Path(record.file).name, set()).add(record.source)
    assert sources_by_file["seeds.jsonl"] == {"seed"}
    assert all(len(s) == 1 for s in sources_by_file.values())


def test_script_variety(corpus: Dataset) -> None:
    scripts = corpus_stats(corpus).scripts
    assert scripts["simplified"] > 0 and scripts["traditional"] >= 15 and scripts["glossed"] >= 5


def test_variants_stay_in_their_article_group(corpus: Dataset) -> None:
    docs = {a.doc for a in corpus.articles}
    generated = [a for a in corpus.articles if a.source == GENERATED]
    assert generated
    for article in generated:
        assert group_of(article.doc) in docs and group_of(article.doc) != article.doc
        original = next(a for a in corpus.articles if a.doc == group_of(article.doc))
        assert article.labels == original.labels


def test_variants_file_is_reproducible(corpus: Dataset) -> None:
    authored = corpus.filter(sources=["authored"])
    regenerated = [json.dumps(r, ensure_ascii=False) for r in make_variants(authored.articles)]
    shipped = (DATA_DIR / "variants" / "generated.jsonl").read_text("utf-8").splitlines()
    assert regenerated == shipped


def test_second_annotator_agreement_is_reported(corpus: Dataset) -> None:
    result = agreement(corpus)
    assert result.n >= 400
    assert result.observed == pytest.approx(1 - len(result.disagreements) / result.n)
    # Chance agreement is well above zero on six labels, so kappa sits a little below observed.
    assert 0.9 < result.kappa < result.observed


def test_kappa_is_cohens(tmp_path: Path) -> None:
    """A case worked by hand: 10 paragraphs, 8 agreements; chance 0.5·0.6 + 0.5·0.4 = 0.5."""
    first = ["spam"] * 5 + ["other"] * 5
    second = ["spam"] * 4 + ["other"] + ["other"] * 4 + ["spam"]
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": f"第{i}段。", "label": label, "doc": "d", "source": "authored"}) + "\n"
            for i, label in enumerate(first)
        ),
        "utf-8",
    )
    marks = tmp_path / "second.jsonl"
    marks.write_text(
        "".join(json.dumps({"doc": "d", "i": i, "label": l}) + "\n" for i, l in enumerate(second))
    )
    result = agreement(load_dataset([data]), marks)
    assert (result.n, result.observed, len(result.disagreements)) == (10, 0.8, 2)
    assert result.kappa == pytest.approx((0.8 - 0.5) / (1 - 0.5))


def test_data_stats_command_prints_counts() -> None:
    result = CliRunner().invoke(app, ["data", "stats"])
    assert result.exit_code == 0, result.output
    assert "recruitment" in result.stdout and "articles by script" in result.stdout
    rows = {
        cells[0]: cells[1:]
        for line in result.stdout.splitlines()
        if line.startswith("│ ")
        for cells in [[c.strip() for c in line.strip("│ ").split("│")]]
    }
    corpus = load_dataset()
    original = [a for a in corpus.articles if a.source != GENERATED]
    counts = Counter(label for a in original for label in a.labels)
    # The last column ("all but generated") is the corpus itself, label by label.
    assert {label: int(rows[label][-1]) for label in LABELS} == {label: counts[label] for label in LABELS}
    assert int(rows["paragraphs"][-1]) == sum(counts.values())
    assert int(rows["articles"][-1]) == len(original)


def test_data_stats_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', "utf-8")
    result = CliRunner().invoke(app, ["data", "stats", "--data", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: missing field(s)" in result.output
