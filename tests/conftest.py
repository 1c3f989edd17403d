"""Shared fixtures: the seed articles, a small labeled set and one small trained model."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

# Caches the code keeps between processes (jiebacut's table) go to a folder of the test run's,
# never to the user's ~/.cache; subprocesses of the tests inherit it.
os.environ.setdefault("PARKNEWS_CACHE_DIR", tempfile.mkdtemp(prefix="parknews-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "training" / "data"


def built(module: ModuleType | None, name: str) -> ModuleType:
    """A compiled kernel the tests need: skipped where it was not built (no C compiler at
    install time), a failure where ``.ci/run`` says it must be (``PARKNEWS_REQUIRE_KERNEL=1``)."""
    if module is None:
        if os.environ.get("PARKNEWS_REQUIRE_KERNEL") == "1":
            pytest.fail(f"PARKNEWS_REQUIRE_KERNEL=1 but the {name} was not built")
        pytest.skip(f"the {name} was not built (no C compiler at install time)")
    return module


def use_segmenter(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make ``segment`` choose the backend ``name`` afresh, as a new process would (undone after the
    test); skipped where that backend cannot run here."""
    from parknews.model import segment
    from parknews.model.kernel import load_cut_kernel

    if name == "compiled":
        built(load_cut_kernel(), "cut kernel")
    elif name == "rjieba":
        pytest.importorskip("rjieba")
    monkeypatch.setenv("PARKNEWS_SEGMENTER", name)
    monkeypatch.setattr(segment, "_SEGMENTER", segment._Segmenter())


def assert_same_predictions(got: list, expected: list, atol: float = 1e-9) -> None:
    """Equal labels, and probabilities equal to ``atol``.

    Two computations of the same float (a cached and an uncached path, another BLAS kernel,
    another numpy) may differ in the last digits, so scores are never compared with ``==``.
    """
    assert [p.label for p in got] == [p.label for p in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.scores.keys() == theirs.scores.keys()
        for label, score in mine.scores.items():
            assert abs(score - theirs.scores[label]) <= atol, (label, score, theirs.scores[label])


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus ten starter articles: enough for a 3-fold grouped CV in seconds."""
    rows = (DATA_DIR / "seeds.jsonl").read_text("utf-8").splitlines()
    starter = [
        json.loads(line) for line in (DATA_DIR / "authored" / "starter.jsonl").read_text("utf-8").splitlines()
    ]
    keep = sorted({r["doc"] for r in starter})[:10]
    rows += [json.dumps(r, ensure_ascii=False) for r in starter if r["doc"] in keep]
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.fixture(scope="session")
def small_model(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from parknews.model.store import save_model
    from parknews.training.dataset import load_dataset
    from parknews.training.fit import Settings, train

    result = train(load_dataset([small_data]), grid=(Settings(),), folds=3)
    return save_model(result.model, tmp_path_factory.mktemp("models") / "small")


@pytest.fixture(scope="session")
def cut_kernel() -> ModuleType:
    """The compiled cut (model/cut_kernel.c), skipped where not built (``built``)."""
    from parknews.model.kernel import load_cut_kernel

    return built(load_cut_kernel(), "cut kernel")


@pytest.fixture(scope="session")
def segmenter(cut_kernel: ModuleType) -> Any:
    """A compiled Segmenter of its own, built from the cached tables."""
    from parknews.model import cutter

    return cutter.build(cut_kernel)


@pytest.fixture(scope="session")
def jieba_lcut() -> Callable[[str], list[str]]:
    """``jieba.lcut`` itself (a Tokenizer of its default dictionary): every segmenter's reference."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.lcut


@pytest.fixture(scope="session")
def corpus_strings() -> list[str]:
    """Every paragraph of the labeled corpus, raw, normalized and folded as word_terms sees it,
    and every line of the seeds: what the segmenters are checked on."""
    from parknews.model.features import fold_digits
    from parknews.model.text import normalize
    from parknews.training.dataset import load_dataset

    texts: set[str] = set()
    for record in load_dataset().records:
        norm = normalize(record.text[:5000])
        texts |= {record.text, norm, fold_digits(norm)}
    for path in SEEDS_DIR.glob("*.txt"):
        texts.update(path.read_text("utf-8").splitlines())
    return sorted(texts)


@pytest.fixture(scope="session")
def jieba_corpus_words(jieba_lcut: Callable[[str], list[str]], corpus_strings: list[str]) -> list[list[str]]:
    """jieba's words of each of ``corpus_strings`` (about 9 s: computed once for the whole run)."""
    return [jieba_lcut(text) for text in corpus_strings]
