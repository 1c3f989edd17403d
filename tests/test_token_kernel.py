"""The compiled token scans (model/token_kernel.c) against their Python twins: the same answer for
any text and any tokens, and the same words and ids for a batch whichever runs."""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model import segment
from parknews.model.features import contexts, fold_digits
from parknews.model.kernel import load_token_kernel
from parknews.model.location import default_model_dir
from parknews.model.store import load_model
from parknews.training.dataset import load_dataset

from .conftest import built, use_segmenter


@pytest.fixture(scope="module")
def compiled():
    return built(load_token_kernel(), "token kernel")


# Characters near every edge the scans test: the Han ranges jieba and jieba-rs read alike and
# apart, surrogates, the marks . _ - and ASCII beside them.
EDGES = "一中资资资\u9fd5\u9fd6\u9fff\u3400\u4dbf\u4db5\uf900\ufaff\U00020000\U0003ffff\U00040000\ud800\udfff"
TEXT = st.text(alphabet=st.sampled_from(list(EDGES + "ab1._- é")), max_size=25) | st.text(max_size=25)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_needs_reference_is_the_pattern(compiled, text: str) -> None:
    assert compiled.needs_reference(text) is segment.needs_reference(text)


TOKEN = st.text(alphabet=st.sampled_from(list("ab1._- 中é\t")), max_size=6).filter(bool)
ANY_TOKEN = st.text(min_size=1, max_size=5).map(lambda t: t.replace("\n", " "))  # only the break is "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(TOKEN, st.just("\n"), st.text(max_size=5).map(lambda t: t.replace("\n", " ") or "x")))
)
def test_joined_tokens_are_the_ones_python_finds(compiled, tokens: list[str]) -> None:
    assert compiled.joined_tokens(tokens) == segment.joined_tokens(tokens)


def test_token_ids_are_the_dicts_values(compiled) -> None:
    ids = {"招商": 0, "项目": 7, "\n": -3, "，": -2, "新词": -1}
    tokens = ["招商", "\n", "未知", "项目", "，", "新词", "招商", "another"]
    data, lacking = compiled.token_ids(tokens, ids, -4)
    assert np.frombuffer(data, dtype=np.int64).tolist() == list(map(ids.get, tokens, repeat(-4)))
    assert lacking == 2
    assert compiled.token_ids([], ids, -4) == (b"", 0)
    with pytest.raises(TypeError):
        compiled.token_ids(["招商"], {"招商": "zero"}, -4)
    with pytest.raises(TypeError):
        compiled.token_ids([["unhashable"]], ids, -4)


def test_words_and_ids_of_the_corpus_are_the_same_either_way(compiled, monkeypatch) -> None:
    use_segmenter(monkeypatch, "rjieba")  # the backend the scans serve (the compiled cut needs none)
    texts = [fold_digits(c.text) for a in load_dataset().articles[::4] for c in contexts(a.lines)]
    texts += ["v1.2.3 163.com danling_fabu 0-0-0", "资资资 㐀 \ud800 孤立"]
    batches = [texts[i : i + 400] for i in range(0, len(texts), 400)]
    fast = [segment.cut_lines(b) for b in batches]
    fast_ids = [load_model(default_model_dir())._terms.words.word_ids(b) for b in batches]  # type: ignore[union-attr]
    monkeypatch.setenv("PARKNEWS_KERNEL", "python")
    assert load_token_kernel() is None
    assert [segment.cut_lines(b) for b in batches] == fast
    words = load_model(default_model_dir())._terms.words  # a fresh look-up: nothing learnt yet
    assert words is not None
    for batch, expected in zip(batches, fast_ids):
        assert np.array_equal(words.word_ids(batch), expected)
