"""What the speed-ups of issue 6 promise: same words, probabilities and output; a runnable benchmark."""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.features import Context, contexts
from parknews.model.kernel import load_cut_kernel
from parknews.model.segment import backend, cut, cut_lines
from parknews.model.store import load_model
from parknews.model.text import normalize
from parknews.training.dataset import load_dataset
from parknews.training.fit import Settings, build_pipeline, dataset_contexts, export

from .conftest import ROOT, SEEDS_DIR, assert_same_predictions, use_segmenter


@pytest.fixture(scope="module")
def reference_cut(jieba_lcut):
    return jieba_lcut


@pytest.fixture(scope="module")
def corpus():
    return load_dataset()


def test_the_fastest_backend_is_chosen() -> None:
    if os.environ.get("PARKNEWS_SEGMENTER"):
        pytest.skip("backend forced by PARKNEWS_SEGMENTER")
    if load_cut_kernel() is not None:
        assert backend() == "compiled"
    else:
        pytest.importorskip("rjieba")
        assert backend() == "rjieba"


def test_segmentation_equals_jieba_on_every_paragraph_of_the_corpus(
    corpus_strings, jieba_corpus_words
) -> None:
    different = [t for t, words in zip(corpus_strings, jieba_corpus_words) if cut(t) != words]
    assert different == [], f"{len(different)} of {len(corpus_strings)} strings differ, e.g. {different[:3]}"


def test_rjieba_with_its_fixes_equals_jieba_on_every_paragraph_of_the_corpus(
    corpus_strings, jieba_corpus_words, monkeypatch
) -> None:
    # The backend where no compiled kernel is built (the one above where it is).
    use_segmenter(monkeypatch, "rjieba")
    different = [t for t, words in zip(corpus_strings, jieba_corpus_words) if cut(t) != words]
    assert different == [], f"{len(different)} of {len(corpus_strings)} strings differ, e.g. {different[:3]}"


@pytest.mark.parametrize("segmenter", ["compiled", "rjieba"])
def test_segmentation_equals_jieba_where_the_backends_are_known_to_differ(
    reference_cut, segmenter: str, monkeypatch
) -> None:
    use_segmenter(monkeypatch, segmenter)
    known = [
        "0-0-0 0:0 卫源日报",  # jieba splits ASCII runs at - . _ inside HMM runs
        "v1.2.3 163.com danling_fabu covid-19 3.14.15 0.a ab-12",
        "㐀㐁中文 他在\u9fe0\u9fe1来 𠀀𠀁中",  # Han to jieba-rs, not to jieba
        "引资卫记记记资招记他 服服服服区",  # Viterbi ties on repeated characters
        "c++ C# AT&T 1.5% 0%0 x--y a+b",
    ]
    rng = random.Random(6)
    alphabet = (
        "中文开发区园区招商引资项目人才服务来了他在我日报记者资资资abcXYZ0123456789"
        + ".-_%+#&:/ @（）,。、\t"
    )
    known += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    expected = [reference_cut(t) for t in known]
    assert [cut(t) for t in known] == expected
    # In batches too, with and without texts that go to jieba itself (the 㐀 line).
    for batch in (slice(0, None), slice(3, None), slice(3, 40)):
        joined: list[str] = []
        for i, tokens in enumerate(expected[batch]):
            joined += (["\n"] if i else []) + tokens
        assert cut_lines(known[batch]) == joined


def test_the_jieba_backend_prints_the_same_labels(small_model: Path) -> None:
    def run(segmenter: str) -> str:
        env = {**os.environ, "PARKNEWS_SEGMENTER": segmenter}
        argv = ["classify", str(SEEDS_DIR), "-f", "jsonl", "-m", str(small_model)]
        code = "from parknews.cli.app import main; main()"
        done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    expected = run("jieba")
    assert run("rjieba") == expected
    if load_cut_kernel() is not None:
        assert run("compiled") == expected


def test_a_bad_segmenter_setting_is_one_line_on_stderr(small_model: Path, monkeypatch) -> None:
    monkeypatch.setenv("PARKNEWS_SEGMENTER", "bogus")
    result = CliRunner().invoke(app, ["classify", str(SEEDS_DIR), "-m", str(small_model)])
    assert result.exit_code == 1
    assert "PARKNEWS_SEGMENTER='bogus'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cut_lines_is_the_cuts_joined_by_newlines() -> None:
    texts = ["招商引资项目签约", "", "0-0-0 卫源日报", "服服服服区 a.b", "line\nbreak"]
    expected: list[str] = []
    for i, text in enumerate(texts):
        expected += (["\n"] if i else []) + cut(text.replace("\n", " "))
    assert cut_lines(texts) == expected
    assert cut_lines([]) == []


@pytest.fixture(scope="module")
def fitted(corpus):
    """A pipeline fitted on a third of the articles (grouped): the rest is text it never saw."""
    subset = corpus.filter(docs=[a.doc for a in corpus.articles[::3]])
    ctxs, y, _ = dataset_contexts(subset)
    pipe = build_pipeline(Settings()).fit(ctxs, np.array(y))
    return pipe, export(pipe, temperature=1.0, manifest={})


def test_exported_model_equals_the_sklearn_pipeline_on_the_whole_corpus(corpus, fitted) -> None:
    pipe, model = fitted
    ctxs, _, _ = dataset_contexts(corpus)
    order = [list(pipe.classes_).index(label) for label in model.labels]
    expected = pipe.predict_proba(ctxs)[:, order]
    np.testing.assert_allclose(model.predict_proba(ctxs), expected, atol=1e-9, rtol=0)
    # Article by article, with the text memory warm from the call above, and with it off.
    per_article = np.vstack([model.predict_proba(contexts(a.lines)) for a in corpus.articles])
    np.testing.assert_allclose(per_article, expected, atol=1e-9, rtol=0)
    bare = dataclasses.replace(model, text_cache=0)
    by_batch = bare.classify_many(a.lines for a in corpus.articles[:20])
    for article, predictions in zip(corpus.articles, by_batch):
        assert_same_predictions(predictions, model.classify(article.lines))


def test_a_small_text_memory_that_overflows_changes_nothing(corpus, fitted) -> None:
    _, model = fitted
    articles = [a.lines for a in corpus.articles if len(a.lines) <= 25][:12]
    articles += articles[-2:]  # met again while still remembered
    expected = [dataclasses.replace(model, text_cache=0).classify(lines) for lines in articles]
    tiny = dataclasses.replace(model, text_cache=60)
    for _ in range(2):  # the memory fills, is dropped, fills again
        for lines, want in zip(articles, expected, strict=True):
            assert_same_predictions(tiny.classify(lines), want)
    assert 0 < len(tiny._text_memory) <= 60


def test_unusual_text_scores_as_the_pipeline_does(fitted) -> None:
    pipe, model = fitted
    rng = random.Random(7)
    alphabet = "招商引资项目人才服务园区开发区0123456789.-_ %#㐀资资资abcXYZ\t"
    texts = [
        "",
        " ",
        "\ud800 lone surrogate",
        "a" * 6000,
        *("".join(rng.choices(alphabet, k=40)) for _ in range(300)),
    ]
    ctxs = [Context(t) for t in texts]
    order = [list(pipe.classes_).index(label) for label in model.labels]
    np.testing.assert_allclose(
        model.predict_proba(ctxs), pipe.predict_proba(ctxs)[:, order], atol=1e-9, rtol=0
    )


def test_a_pickled_model_travels_without_its_memory(small_model: Path) -> None:
    import pickle

    model = load_model(small_model)
    lines = [
        line for line in (SEEDS_DIR / "004_d4ceb9e4fe46168b.txt").read_text("utf-8").splitlines() if line
    ]
    before = model.classify(lines)
    copy = pickle.loads(pickle.dumps(model))
    assert "_text_memory" not in copy.__dict__
    assert_same_predictions(copy.classify(lines), before)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_jobs_2_prints_exactly_what_jobs_1_prints(small_model: Path, tmp_path: Path, fmt: str) -> None:
    # Many small files, so that several chunks travel through the pool out of order.
    for i, path in enumerate(sorted(SEEDS_DIR.glob("*.txt")) * 8):
        (tmp_path / f"{i:03d}.txt").write_bytes(path.read_bytes())
    (tmp_path / "empty.txt").write_text("   \n", "utf-8")
    args = ["classify", str(tmp_path), str(tmp_path / "missing.txt"), "-f", fmt, "-m", str(small_model)]
    runner = CliRunner()
    one = runner.invoke(app, [*args, "--jobs", "1"])
    two = runner.invoke(app, [*args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1  # the missing file
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert "missing.txt" in two.stderr and "empty.txt" in two.stderr


def test_workers_read_the_files_and_send_back_what_one_process_yields(
    small_model: Path, tmp_path: Path
) -> None:
    from parknews.cli.render import jsonl_text
    from parknews.engine.processes import label_in_processes
    from parknews.model.reader import Document, FileRef, scan_documents

    for i, path in enumerate(sorted(SEEDS_DIR.glob("*.txt"))[:4] * 3):
        (tmp_path / f"{i:03d}.txt").write_bytes(path.read_bytes())
    (tmp_path / "007.txt").write_bytes(b"\x00\x01 not text")
    inline = Document(name="inline", text="招聘启事\n诚聘技术员", encoding="utf-8")
    items = [*scan_documents([str(tmp_path), str(tmp_path / "missing.txt")]), inline]
    assert sum(isinstance(item, FileRef) for item in items) == 12  # left for the workers to read
    model = load_model(small_model)

    def run(jobs: int) -> list[tuple[object, object]]:
        # A tiny chunk size: many units, several in flight on each worker.
        pairs = label_in_processes(model, items, jobs=jobs, finish=jsonl_text, chunk_chars=300)
        return [(dataclasses.replace(i, text="") if isinstance(i, Document) else i, r) for i, r in pairs]

    one, two = run(1), run(2)
    assert two == one
    assert len(one) == 14 and sum(r is None for _, r in one) == 2  # the binary file and the missing one
    last = one[-1][1]
    assert isinstance(last, (bytes, str))
    assert "诚聘技术员" in (last.decode("utf-8") if isinstance(last, bytes) else last)


def test_jobs_must_be_positive(small_model: Path) -> None:
    result = CliRunner().invoke(app, ["classify", str(SEEDS_DIR), "--jobs", "0", "-m", str(small_model)])
    assert result.exit_code == 2


FIGURES = (
    "classify CLI paragraphs/s, distinct text",
    "classify ÷ jieba loop, distinct text",
    "classify paragraphs/s, distinct, batched",
    "classify ÷ jieba loop, repeated crawl",
    "summarize peak memory",
    "summarize memory per added MB of text",
    "classify paragraphs/s",
    "jieba.lcut loop paragraphs/s",
    "classify ÷ jieba loop",
    "classify paragraphs/s, memories off",
    "classify paragraphs/s, distinct text",
    "classify paragraphs/s, jieba backend, distinct",
    "scikit-learn pipeline paragraphs/s",
    "predictions equal to the plain path",
    "summarize articles/s",
    "TextRank4ZH articles/s",
    "SnowNLP articles/s",
    "sumy TextRank articles/s",
    "sumy LexRank articles/s",
    "summarize ÷ TextRank4ZH",
    "cold start s",
    "import sklearn linear_model + TF-IDF s",
    "cold start s, jieba backend",
    "cold start ÷ sklearn import",
    "classify CLI paragraphs/s, ×10 corpus",
    "peak memory MB",
    "time ×10 input ÷ time ×1",
    "--jobs 2 speed-up",
    "training s",
    "fastText",
)


@pytest.mark.slow
def test_benchmark_quick_mode_prints_every_figure(small_model: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--model", str(small_model)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    for name in FIGURES:
        found = [line for line in lines if line.strip().startswith(name)]
        assert found, f"{name!r} missing from:\n{result.stdout}"
    for anchor in ("TextRank4ZH articles/s", "SnowNLP articles/s", "fastText"):
        line = next(line for line in lines if line.strip().startswith(anchor))
        assert "skipped: not installed" in line or any(ch.isdigit() for ch in line), line
    assert "== targets" in result.stdout


def _repetitive(rng: random.Random) -> str:
    """A string rich in what rjieba cuts unlike jieba: runs of one character, repeated
    dictionary words, rare Han, mixed ASCII and white space."""
    han = "久哈的是在不了有和人中大为上国我以要他时来们到地出分对成会可发年同工能下过子说产"
    words = ["哈哈", "久久", "哈哈哈", "嘻嘻", "呵呵", "天天", "人人", "工业园区", "开发区", "招商", "谢谢"]
    odd = ["，", "。", "\u3400", "\U00020000", "\r\n", "\t", "\u3000", "\u9fd6", "a.b-c_d", "1.5%", "c++"]
    parts = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.random()
        if kind < 0.3:
            parts.append(rng.choice(han) * rng.randint(1, 7))
        elif kind < 0.55:
            parts.append(rng.choice(words) * rng.randint(1, 4))
        elif kind < 0.75:
            parts.append("".join(rng.choice(han) for _ in range(rng.randint(1, 6))))
        elif kind < 0.9:
            parts.append("".join(rng.choice("ab1Z09.-_%+#& ") for _ in range(rng.randint(1, 6))))
        else:
            parts.append(rng.choice(odd))
    return "".join(parts)


def test_segmentation_equals_jieba_on_strings_of_repeated_characters(reference_cut) -> None:
    from parknews.model import jiebacut

    rng = random.Random(13)
    texts = ["久久久久久", "哈哈哈哈哈哈哈", "服服服服区", "天天天天向上", "\ud800久久久", "㐀㐀㐀"]
    texts += [_repetitive(rng) for _ in range(3000)]
    assert [cut(t) for t in texts] == [reference_cut(t) for t in texts]
    # The dictionary-free cut itself, also on strings rjieba handles.
    assert [jiebacut.lcut(t) for t in texts] == [reference_cut(t) for t in texts]


def test_the_dictionary_free_cut_equals_jieba_on_corpus_paragraphs(corpus, reference_cut) -> None:
    from parknews.model import jiebacut

    texts = sorted({normalize(r.text[:2000]) for r in corpus.records[::7]})
    different = [t for t in texts if jiebacut.lcut(t) != reference_cut(t)]
    assert different == [], f"{len(different)} of {len(texts)} strings differ, e.g. {different[:3]}"


def test_repeated_characters_do_not_load_jiebas_dictionary() -> None:
    pytest.importorskip("rjieba")
    code = (
        "import sys\n"
        "from parknews.model.segment import cut\n"
        "words = cut('久久久久久 哈哈哈 㐀')\n"
        "assert words == ['久久', '久久', '久', ' ', '哈哈哈', ' ', '㐀'], words\n"
        "jieba = sys.modules.get('jieba')\n"
        "assert jieba is None or not jieba.dt.initialized\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PARKNEWS_SEGMENTER"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
