"""Summaries: the summarizer, its graph, ROUGE and the three commands, as a user runs them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.annotate import LabeledArticle, LabeledParagraph
from parknews.model.keywords import keywords, stop_words
from parknews.model.summarize import (
    Summarizer,
    sentences_of,
    similarity_graph,
    summarize_article,
    summary_record,
)
from parknews.model.text import normalize, paragraphs, split_sentences
from parknews.training.baselines import lead_summary, textrank_summary
from parknews.training.rouge import lcs_length, rouge

from .conftest import DATA_DIR, SEEDS_DIR

runner = CliRunner()

ARTICLE = [
    "滆湖经开区一季度签约项目23个",
    "4月9日，总投资18亿元的精密减速器项目在滆湖经开区正式签约。",
    "当前位置：首页 > 新闻中心",
    "一季度，开发区共签约产业项目23个，协议总投资146.3亿元；其中10亿元以上项目5个。",
    "园区举办专场招聘会，120家企业提供岗位3000个。现场达成就业意向860人。",
    "下一步，园区将持续优化营商环境。",
    "来源：常州日报 编辑：王芳",
]
LABELS = ["investment", "investment", "spam", "investment", "recruitment", "services", "spam"]


def _seed_rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA_DIR / "seeds.jsonl").read_text("utf-8").splitlines()]


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _predicted(model_dir: Path, text: str) -> list[str]:
    from parknews.model.store import load_model

    lines = [p.text for p in paragraphs(text)]
    return [p.label for p in load_model(model_dir).classify(lines)]


# The splitter the summarizer reads through.


def test_sentences_of_every_seed_are_substrings_and_join_semicolons(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        for para in paragraphs(path.read_text("utf-8")):
            pieces = sentences_of(para.text)
            cursor = 0
            for piece in pieces:
                found = para.text.find(piece, cursor)
                assert found >= 0, piece
                cursor = found + len(piece)
            # Nothing but white space is lost between sentences.
            assert "".join("".join(pieces).split()) == "".join(para.text.split())
            assert len(pieces) <= len(split_sentences(para.text))
    line = "签约项目12个；总投资30亿元。园区新增岗位600个"
    assert sentences_of(line) == ["签约项目12个；总投资30亿元。", "园区新增岗位600个"]


# The summarizer.


def test_spam_is_never_chosen_and_order_is_restored() -> None:
    chosen = Summarizer().summarize(ARTICLE, LABELS, sentences=10)
    assert all(LABELS[s.paragraph] != "spam" for s in chosen)
    positions = [(s.paragraph, ARTICLE[s.paragraph].find(s.original)) for s in chosen]
    assert positions == sorted(positions)
    for s in chosen:
        assert s.original in ARTICLE[s.paragraph]
        assert s.text == normalize(s.original)


def test_more_sentences_than_the_article_returns_all_content_sentences() -> None:
    everything = [(p, s) for p, line in enumerate(ARTICLE) if LABELS[p] != "spam" for s in sentences_of(line)]
    chosen = Summarizer().summarize(ARTICLE, LABELS, sentences=1000)
    assert [(s.paragraph, s.original) for s in chosen] == everything
    assert len(Summarizer().summarize(ARTICLE, LABELS, ratio=0.5)) == -(-len(everything) // 2)


def test_one_sentence_and_no_punctuation() -> None:
    one = Summarizer().summarize(["园区今年签约项目12个，总投资30亿元。"], ["investment"])
    assert [s.original for s in one] == ["园区今年签约项目12个，总投资30亿元。"]
    bare = ["园区签约项目12个 总投资30亿元", "新增岗位600个 企业用工缺口缩小", "人才公寓交付使用"]
    chosen = Summarizer().summarize(bare, ["investment", "recruitment", "talent"], sentences=2)
    assert len(chosen) == 2
    assert all(s.original == bare[s.paragraph] for s in chosen)


def test_all_furniture_gives_an_empty_summary_with_a_note() -> None:
    lines = ["当前位置：首页", "来源：红网 编辑：杨莉莎", "扫一扫 分享到微信。"]
    assert Summarizer().summarize(lines, ["spam"] * 3) == []
    article = LabeledArticle(
        "page.txt",
        "utf-8",
        tuple(LabeledParagraph(i, t, "spam", {"spam": 1.0}) for i, t in enumerate(lines)),
    )
    summary = summarize_article(article)
    assert summary.sentences == () and summary.keywords == ()
    assert summary.note is not None and "furniture" in summary.note
    assert summary_record(summary) == {"file": "page.txt", "summary": [], "keywords": []}


def test_topic_keeps_only_that_label() -> None:
    chosen = Summarizer().summarize(ARTICLE, LABELS, topic="recruitment", sentences=5)
    assert chosen and {LABELS[s.paragraph] for s in chosen} == {"recruitment"}
    assert Summarizer().summarize(ARTICLE, LABELS, topic="talent") == []
    with pytest.raises(ValueError):
        Summarizer().summarize(ARTICLE, LABELS, topic="spam")


def test_mmr_does_not_pick_the_same_sentence_twice() -> None:
    repeated = "园区今年签约项目12个，总投资30亿元，新增就业岗位600个。"
    lines = [repeated, repeated, "人才公寓交付使用，引进博士12名。", "企业用工缺口缩小到300人。"]
    labels = ["investment", "investment", "talent", "recruitment"]
    greedy = Summarizer(mmr_lambda=1.0, position_weight=0.0).summarize(lines, labels, sentences=2)
    assert [s.paragraph for s in greedy] == [0, 1]
    diverse = Summarizer(mmr_lambda=0.5, position_weight=0.0).summarize(lines, labels, sentences=2)
    assert len({s.text for s in diverse}) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"similarity": "cosine"},
        {"damping": 1.5},
        {"mmr_lambda": -0.1},
        {"neighbours": 0},
        {"title_weight": -1},
    ],
)
def test_bad_settings_are_refused_when_used(params: dict) -> None:
    summarizer = Summarizer(**params)  # constructors only store
    with pytest.raises(ValueError):
        summarizer.summarize(ARTICLE, LABELS)


def test_every_similarity_kind_summarizes() -> None:
    for kind in ("tfidf", "bm25", "overlap"):
        chosen = Summarizer(similarity=kind).summarize(ARTICLE, LABELS)
        assert len(chosen) == 3


# The sparse graph: near-linear, never n×n.


def test_graph_caps_bound_the_edges() -> None:
    n = 3000
    tokens = [("园区", "项目", f"w{i % 50}") for i in range(n)]
    graph = similarity_graph(tokens, kind="tfidf", neighbours=5, band=20)
    assert graph.size == n
    assert graph.edges <= 5 * n
    # Every word is shared by 60+ sentences, but none links more than `band` positions away.
    assert graph.edges > 0
    assert (graph.source != graph.target).all()
    full = similarity_graph(tokens[:40], kind="overlap", neighbours=None, band=None)
    assert full.edges == 40 * 39 // 2  # small article: the graph is exact and complete


def _overlap_reference(
    tokens: Sequence[Sequence[str]], neighbours: int, band: int, window: int | None = None
) -> dict[tuple[int, int], float]:
    """TextRank's overlap graph the plain way: every pair within ``band`` of a posting list and
    ``window`` sentences of each other, each sentence keeping its ``neighbours`` strongest (ties:
    later sentences first, then earlier, each in document order); an edge stays when either end
    keeps it."""
    postings: dict[str, list[int]] = {}
    for i, words in enumerate(tokens):
        for word in dict.fromkeys(words):
            postings.setdefault(word, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for sentences in postings.values():
        for at, a in enumerate(sentences):
            for b in sentences[at + 1 : at + 1 + band]:
                if window is not None and b - a > window:
                    continue
                shared[(a, b)] += 1
                shared[(b, a)] += 1
    size = np.log(np.maximum(np.array([len(t) for t in tokens], dtype=np.float64), 1.0))
    weight = {
        (a, b): count / (size[a] + size[b]) if size[a] + size[b] > 1e-12 else 0.0
        for (a, b), count in shared.items()
    }
    by_source: dict[int, list[tuple[float, bool, int]]] = {}
    for (a, b), w in weight.items():
        if w > 0:
            by_source.setdefault(a, []).append((-w, b < a, b))
    kept: dict[tuple[int, int], float] = {}
    for a, edges in by_source.items():
        for minus_w, _, b in sorted(edges)[:neighbours]:
            kept[(min(a, b), max(a, b))] = -minus_w
    return kept


def _undirected(graph) -> dict[tuple[int, int], float]:
    return {(int(a), int(b)): float(w) for a, b, w in zip(graph.source, graph.target, graph.weight) if a < b}


@pytest.mark.parametrize("seed", range(40))
def test_the_graph_is_the_plain_constructions(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(int(rng.integers(3, 12)))]
    tokens = [
        tuple(rng.choice(vocabulary, size=int(rng.integers(0, 6))).tolist())
        for _ in range(int(rng.integers(1, 80)))
    ]
    neighbours, band = int(rng.integers(1, 6)), int(rng.integers(1, 8))
    window = None if seed % 2 else int(rng.integers(1, 30))
    # Small blocks, so that sources of one sentence range are cut into many.
    monkeypatch.setattr("parknews.model.graph._Postings._PAIRS_PER_BLOCK", int(rng.integers(2, 64)))
    graph = similarity_graph(tokens, kind="overlap", neighbours=neighbours, band=band, window=window)
    assert _undirected(graph) == _overlap_reference(tokens, neighbours, band, window)


def test_the_window_leaves_a_page_within_it_as_it_was() -> None:
    rng = np.random.default_rng(7)
    tokens = [tuple(rng.choice(["园区", "项目", "企业", "人才"], size=3).tolist()) for _ in range(60)]
    within = similarity_graph(tokens, kind="overlap", neighbours=None, band=None, window=59)
    unbounded = similarity_graph(tokens, kind="overlap", neighbours=None, band=None, window=None)
    assert _undirected(within) == _undirected(unbounded)
    near = similarity_graph(tokens, kind="overlap", neighbours=None, band=None, window=10)
    assert all(b - a <= 10 for a, b in _undirected(near))
    assert len(_undirected(near)) < len(_undirected(unbounded))


def test_the_graph_of_a_sparse_page_with_far_apart_sentences() -> None:
    # Two sentences in three are empty: a block of sources spans more than 2^16 sentence ids,
    # and its pair keys more than 32 bits.
    tokens = [("园区", "园区", f"w{i % 5}") if i % 3 == 0 else () for i in range(200_000)]
    graph = similarity_graph(tokens, kind="overlap", neighbours=1, band=1)
    assert _undirected(graph) == _overlap_reference(tokens, neighbours=1, band=1)


def test_very_long_article_is_summarized() -> None:
    # Its time and memory are measured in benchmarks/ (the long-article section), not here.
    rows = [r for r in _seed_rows()]
    lines: list[str] = []
    labels: list[str] = []
    while sum(len(sentences_of(line)) for line in lines) < 5000:
        for r in rows:
            lines.append(r["text"])
            labels.append(r["label"])
    chosen = Summarizer().summarize(lines, labels, sentences=5)
    assert len(chosen) == 5
    assert all(labels[s.paragraph] != "spam" for s in chosen)


# Keywords.


def test_keywords_skip_stop_words_and_numbers() -> None:
    words = keywords([normalize(line) for line in ARTICLE if "来源" not in line], top=6)
    assert 0 < len(words) <= 6
    assert not set(words) & stop_words()
    assert all(len(w) > 1 and not w.replace(".", "").isdigit() for w in words)
    # Words of this article rank above words every article uses (签约, 项目).
    assert "减速器" in words and "项目" not in words
    assert keywords(["园区"], top=0) == []


# ROUGE.


def _lcs_reference(a: str, b: str) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="园区项目签约亿元", max_size=70), st.text(alphabet="园区项目签约亿元", max_size=70))
def test_bit_parallel_lcs_matches_dynamic_programming(a: str, b: str) -> None:
    assert lcs_length(a, b) == _lcs_reference(a, b)


def test_rouge_ignores_punctuation_and_script() -> None:
    assert rouge(["園區簽約項目，總投資30億元。"], ["园区签约项目总投资30亿元"]) == (1.0, 1.0, 1.0)
    assert rouge(["人才公寓"], ["签约项目"]) == (0.0, 0.0, 0.0)
    r1, r2, rl = rouge(["园区签约项目"], ["园区签约项目总投资30亿元"])
    assert 0 < r2 < r1 <= 1 and 0 < rl <= 1


def test_baselines_use_the_same_sentences() -> None:
    assert [s for _, s in lead_summary(ARTICLE)] == [
        ARTICLE[0],
        "4月9日，总投资18亿元的精密减速器项目在滆湖经开区正式签约。",
        "当前位置：首页 > 新闻中心",
    ]
    picked = textrank_summary(ARTICLE)
    assert len(picked) == 3 and picked == sorted(picked, key=lambda ps: (ps[0], ARTICLE[ps[0]].find(ps[1])))


# The commands.


def test_summarize_jsonl_schema_over_all_seeds(small_model: Path, seed_paths: list[Path]) -> None:
    result = runner.invoke(app, ["summarize", str(SEEDS_DIR), "-f", "jsonl", "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    records = _jsonl(result.stdout)
    assert [r["file"] for r in records] == [str(p) for p in seed_paths]
    for record, path in zip(records, seed_paths):
        assert set(record) == {"file", "summary", "keywords"}
        assert all(isinstance(w, str) and w for w in record["keywords"])
        paras = paragraphs(path.read_text("utf-8"))
        labels = _predicted(small_model, path.read_text("utf-8"))
        assert 1 <= len(record["summary"]) <= 3
        spots = []
        for s in record["summary"]:
            assert set(s) == {"text", "original", "paragraph", "score"}
            assert isinstance(s["score"], float)
            line = paras[s["paragraph"]].text
            assert s["original"] in line
            assert s["text"] == normalize(s["original"])
            assert labels[s["paragraph"]] != "spam"
            spots.append((s["paragraph"], line.find(s["original"])))
        assert spots == sorted(spots)


def test_summarize_more_than_the_article_returns_all_content(
    small_model: Path, seed_paths: list[Path]
) -> None:
    path = seed_paths[4]
    text = path.read_text("utf-8")
    labels = _predicted(small_model, text)
    content = [
        (p.index, s) for p in paragraphs(text) if labels[p.index] != "spam" for s in sentences_of(p.text)
    ]
    result = runner.invoke(
        app, ["summarize", str(path), "-n", "10000", "-f", "jsonl", "--model", str(small_model)]
    )
    assert result.exit_code == 0, result.output
    (record,) = _jsonl(result.stdout)
    assert [(s["paragraph"], s["original"]) for s in record["summary"]] == content


def test_summarize_one_sentence_and_unpunctuated_input(small_model: Path) -> None:
    for text in (
        "园区今年签约项目12个，总投资30亿元。\n",
        "园区签约项目12个\n新增岗位600个\n人才公寓交付使用\n",
    ):
        result = runner.invoke(
            app, ["summarize", "-", "-f", "jsonl", "--model", str(small_model)], input=text
        )
        assert result.exit_code == 0, result.output
        (record,) = _jsonl(result.stdout)
        lines = [p.text for p in paragraphs(text)]
        for s in record["summary"]:
            assert s["original"] in lines[s["paragraph"]]


FURNITURE = [
    "当前位置:",
    "来源:红网 作者:孙妍 肖锦花 编辑:杨莉莎 2021-07-06 22:13:53",
    "—分享—",
    "1.jpg",
    "2.jpg",
    "作者:孙妍 肖锦花",
    "编辑:杨莉莎",
    "下載APP",
    "您可能也感興趣:",
    "今日熱點",
    "為您推薦",
]


def test_summarize_all_furniture_page_says_so(small_model: Path) -> None:
    # The page as the classifier sees it: drop what it does not take for furniture
    # (labels depend on neighbours, so repeat until every line is spam).
    page = FURNITURE
    while page:
        labels = _predicted(small_model, "\n".join(page))
        if set(labels) == {"spam"}:
            break
        page = [line for line, label in zip(page, labels) if label == "spam"]
    assert len(page) >= 5, "the test model no longer recognizes page furniture"
    text = "\n".join(page) + "\n"
    result = runner.invoke(app, ["summarize", "-", "-f", "jsonl", "--model", str(small_model)], input=text)
    assert result.exit_code == 0, result.output
    (record,) = _jsonl(result.stdout)
    assert record == {"file": "-", "summary": [], "keywords": []}
    assert "page furniture" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_summarize_long_article_through_the_cli(small_model: Path, tmp_path: Path) -> None:
    body = [r["text"] for r in _seed_rows() if r["label"] != "spam"]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(body * 4) + "\n", "utf-8")
    result = runner.invoke(
        app, ["summarize", str(path), "-n", "4", "-f", "jsonl", "--model", str(small_model)]
    )
    assert result.exit_code == 0, result.output
    (record,) = _jsonl(result.stdout)
    assert len(record["summary"]) == 4


@pytest.mark.parametrize(
    "args",
    [
        ["--sentences", "0"],
        ["--sentences", "-2"],
        ["--sentences", "2", "--ratio", "0.5"],
        ["--ratio", "0"],
        ["--ratio", "1.5"],
        ["--topic", "spam"],
        ["--format", "xml"],
    ],
)
def test_bad_options_are_usage_errors(small_model: Path, seed_paths: list[Path], args: list[str]) -> None:
    result = runner.invoke(app, ["summarize", str(seed_paths[0]), *args, "--model", str(small_model)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_topic_with_nothing_on_it_says_so_plainly(small_model: Path, seed_paths: list[Path]) -> None:
    for path in seed_paths:
        labels = set(_predicted(small_model, path.read_text("utf-8")))
        missing = [t for t in ("recruitment", "investment", "talent", "services", "other") if t not in labels]
        if missing:
            break
    else:
        pytest.skip("every seed has every topic under this model")
    result = runner.invoke(
        app, ["summarize", str(path), "--topic", missing[0], "-f", "jsonl", "--model", str(small_model)]
    )
    assert result.exit_code == 0, result.output
    (record,) = _jsonl(result.stdout)
    assert record["summary"] == []
    assert f"says nothing on {missing[0]}" in result.stderr


def test_topic_summary_keeps_to_its_label(small_model: Path, seed_paths: list[Path]) -> None:
    path = seed_paths[0]
    labels = _predicted(small_model, path.read_text("utf-8"))
    topic = max(set(labels) - {"spam"}, key=labels.count)
    result = runner.invoke(
        app, ["summarize", str(path), "-t", topic, "-n", "5", "-f", "jsonl", "--model", str(small_model)]
    )
    assert result.exit_code == 0, result.output
    (record,) = _jsonl(result.stdout)
    assert record["summary"] and {labels[s["paragraph"]] for s in record["summary"]} == {topic}


def test_summarize_text_and_missing_input(small_model: Path, seed_paths: list[Path], tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["summarize", str(seed_paths[1]), str(tmp_path / "none.txt"), "--model", str(small_model)]
    )
    assert result.exit_code == 1
    assert str(seed_paths[1]) in result.stdout and "keywords:" in result.stdout
    assert "none.txt" in result.stderr


def test_analyze_runs_on_the_seeds(small_model: Path, seed_paths: list[Path]) -> None:
    result = runner.invoke(
        app, ["analyze", str(SEEDS_DIR), "--model", str(small_model)], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    for path in seed_paths:
        assert path.name in result.stdout
    assert "★" in result.stdout and "keywords:" in result.stdout and "%" in result.stdout
    assert "█" in result.stdout


def test_analyze_highlights_the_summary_in_place() -> None:
    from rich.console import Console

    from parknews.cli.render import SUMMARY_STYLE, analysis_view

    article = LabeledArticle(
        "a.txt",
        "utf-8",
        tuple(LabeledParagraph(i, t, l, {l: 1.0}) for i, (t, l) in enumerate(zip(ARTICLE, LABELS))),
    )
    summary = summarize_article(article, sentences=1)
    console = Console(record=True, width=200, color_system="truecolor", file=io.StringIO())
    console.print(analysis_view(summary))
    styled = console.export_text(styles=True, clear=False)
    original = summary.sentences[0].original
    assert original in console.export_text()
    # The sentence starts right after an escape sequence that turns underline (4) on.
    codes = re.search(r"\x1b\[([0-9;]*)m" + re.escape(original[:6]), styled)
    assert codes is not None and "4" in codes.group(1).split(";")
    assert SUMMARY_STYLE == "bold underline"


def test_evaluate_summaries_prints_the_three_systems(small_model: Path, small_data: Path) -> None:
    result = runner.invoke(
        app,
        ["evaluate-summaries", "--data", str(small_data), "--model", str(small_model)],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    for system in ("parknews", "lead-3", "textrank", "ROUGE-1", "ROUGE-2", "ROUGE-L", "spam sentences"):
        assert system in result.stdout
    assert "5 articles with gold summaries" in result.stdout


@pytest.mark.parametrize("command", ["summarize", "analyze", "evaluate-summaries"])
def test_help_shows_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_file_names_with_brackets_are_not_markup(small_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a["
    folder.mkdir()
    page = folder / "b].txt"
    page.write_text("园区今年签约项目12个，总投资86亿元。\n当前位置：首页\n", "utf-8")
    empty = tmp_path / "[red]x.txt"
    empty.write_text("", "utf-8")
    for command in ("summarize", "analyze"):
        result = runner.invoke(app, [command, str(page), str(empty), "--model", str(small_model)])
        assert result.exit_code == 0, result.output
        assert "b].txt" in result.output and "[red]x.txt" in result.output


def test_summarize_writes_utf8_jsonl_whatever_the_terminal(small_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("园区今年签约项目12个，总投资86亿元。\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    code = "from parknews.cli.app import main; main()"
    args = [sys.executable, "-c", code, "summarize", str(page), "-f", "jsonl", "--model", str(small_model)]
    done = subprocess.run(args, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8"))["summary"][0]["original"].startswith("园区")
