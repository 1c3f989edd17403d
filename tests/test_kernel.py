"""The compiled inner loop (model/score_kernel.c) against the numpy path it replaces: the same
scores to the last bit, whatever the text; a clear error for a bad setting or bad arrays."""

from __future__ import annotations

import dataclasses
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parknews.cli.app import app
from parknews.model.errors import ParknewsError
from parknews.model.features import contexts, fold_digits
from parknews.model.kernel import load_kernel
from parknews.model.location import default_model_dir
from parknews.model.store import load_model
from parknews.model.terms import Terms
from parknews.training.dataset import load_dataset

from .conftest import SEEDS_DIR, built


@pytest.fixture(scope="module")
def terms():
    built(load_kernel(), "score kernel")
    return load_model(default_model_dir())._terms


def both(terms, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return terms._compiled_scores(load_kernel(), texts), terms._numpy_scores(texts)


def test_the_kernel_equals_numpy_bit_for_bit_on_the_corpus(terms) -> None:
    texts = [fold_digits(c.text) for a in load_dataset().articles for c in contexts(a.lines)]
    assert len(texts) > 5000
    for start in range(0, len(texts), 700):  # batches as the classifier makes them
        compiled, reference = both(terms, texts[start : start + 700])
        assert np.array_equal(compiled, reference)
        assert compiled.any()


ALPHABET = "招商引资项目人才服务园区开发区0.-_ %#㐀资资资abcXYZ"


def test_the_kernel_equals_numpy_on_text_made_to_be_awkward(terms) -> None:
    rng = random.Random(3)
    texts = [
        "",
        " ",
        "   ",
        "\ud800 孤立的代理项 \udfff",
        "招商" * 3000,  # counts past the first table of logarithms
        "资" * 9000,
        "a b c d e",
        "\U00020000\U0002a6d6 扩展区汉字",
        "".join(chr(rng.randrange(0x10FFFF)) for _ in range(400)).replace("\n", " "),
        *("".join(rng.choices(ALPHABET, k=rng.randrange(200))) for _ in range(300)),
    ]
    compiled, reference = both(terms, texts)
    assert np.array_equal(compiled, reference)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80).map(lambda t: t.replace("\n", " ")), min_size=1, max_size=12))
def test_the_kernel_equals_numpy_on_any_text(terms, texts: list[str]) -> None:
    compiled, reference = both(terms, texts)
    assert np.array_equal(compiled, reference)


def test_the_kernel_refuses_arrays_that_do_not_fit(terms) -> None:
    kernel = load_kernel()
    assert kernel is not None
    out = np.zeros((1, terms.labels))
    c = terms.chars
    no_words = [None, None, None, None, 64, 1]
    args = [*no_words, c.unigrams, *c.table.parts(), terms.rows, terms.labels, terms.split]
    logs = np.log(np.arange(1, 100.0))
    with pytest.raises(ValueError, match="do not fit"):
        kernel.score(["招商"], *args, logs, np.zeros((2, terms.labels)))  # out of the wrong size
    with pytest.raises(ValueError, match="do not fit"):
        kernel.score(["招商"], *args[:6], c.unigrams[:10], *args[7:], logs, out)
    with pytest.raises(ValueError, match="past the tables"):
        kernel.score(["资" * 200], *args, logs[:5], out)  # a count with no logarithm
    with pytest.raises(TypeError):
        kernel.score([b"bytes"], *args, logs, out)


def test_a_numpy_classifier_prints_exactly_what_the_kernel_prints(
    monkeypatch, terms, small_model: Path, tmp_path: Path
) -> None:
    paths: list[str] = []

    def spy(name: str) -> Callable[..., np.ndarray]:
        method = getattr(Terms, name)

        def called(self: Terms, *args: Any) -> np.ndarray:
            paths.append(name)
            return method(self, *args)

        return called

    for name in ("_compiled_scores", "_numpy_scores"):
        monkeypatch.setattr(Terms, name, spy(name))
    # Two copies of the model: each run scores every text afresh (a loaded model remembers texts).
    first, second = (shutil.copytree(small_model, tmp_path / name) for name in ("a", "b"))
    compiled = CliRunner().invoke(app, ["classify", str(SEEDS_DIR), "-f", "jsonl", "-m", str(first)])
    assert set(paths) == {"_compiled_scores"}
    monkeypatch.setenv("PARKNEWS_KERNEL", "python")
    numpy = CliRunner().invoke(app, ["classify", str(SEEDS_DIR), "-f", "jsonl", "-m", str(second)])
    assert set(paths) == {"_compiled_scores", "_numpy_scores"}
    assert compiled.exit_code == numpy.exit_code == 0
    assert compiled.stdout == numpy.stdout
    assert len(numpy.stdout.splitlines()) > 200


def test_a_bad_kernel_setting_is_one_line_on_stderr(monkeypatch, small_model: Path) -> None:
    monkeypatch.setenv("PARKNEWS_KERNEL", "fortran")
    with pytest.raises(ParknewsError, match="PARKNEWS_KERNEL='fortran'"):
        load_kernel()
    result = CliRunner().invoke(app, ["classify", str(SEEDS_DIR), "-m", str(small_model)])
    assert result.exit_code == 1
    assert "PARKNEWS_KERNEL='fortran'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_word_ids_are_the_same_when_the_memory_of_unseen_tokens_is_full(monkeypatch) -> None:
    from parknews.model import terms as terms_module

    texts = ["新词甲乙丙 xyzzy 招商引资 ，。！", "qwerty-uiop 人才公寓 ……", "xyzzy 又一个没见过的词 @@"]
    roomy = load_model(default_model_dir())._terms.words
    assert roomy is not None
    expected = roomy.word_ids(texts)
    assert (expected == -1).any() and (expected == -2).any()  # unseen words and dropped marks both
    monkeypatch.setattr(terms_module, "_UNKNOWN_WORDS", 0)
    full = Terms(load_model(default_model_dir()).words, None, 6).words
    assert full is not None
    before = len(full.ids)
    assert np.array_equal(full.word_ids(texts), expected)
    assert np.array_equal(full.word_ids(texts), expected)
    assert len(full.ids) == before  # nothing remembered


def test_a_loaded_model_keeps_its_weights_once_in_rows_of_one_cache_line() -> None:
    model = load_model(default_model_dir())
    rows = model._terms.rows
    assert model.words is not None and model.chars is not None
    assert np.shares_memory(rows, model.words.weights) and np.shares_memory(rows, model.chars.idf)
    assert rows.ctypes.data % 64 == 0 and rows.strides[0] == 64
    # Built from blocks that are no views (a model fitted in this process): its own aligned rows.
    words = dataclasses.replace(model.words, weights=model.words.weights.copy(), idf=model.words.idf.copy())
    copied = Terms(words, None, len(model.labels))
    assert not np.shares_memory(copied.rows, rows)
    assert copied.rows.ctypes.data % 64 == 0
    assert np.array_equal(copied.rows[:, : len(model.labels)], model.words.weights)
