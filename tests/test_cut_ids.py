"""``Segmenter.cut_ids``: the classifier's word ids straight from the compiled cut, the ids the
words of ``cut_lines`` have in the vocabulary (``_MISSING``/``_DROPPED`` by ``HAS_WORD`` for the
others, ``_BREAK`` between texts), on the corpus and on random text; bad vocabularies refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model import terms
from parknews.model.features import HAS_WORD, contexts, fold_digits
from parknews.model.location import default_model_dir
from parknews.model.store import load_model
from parknews.training.dataset import load_dataset

from .test_cut_kernel import TEXT

IDS = (terms._MISSING, terms._DROPPED, terms._BREAK)


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, int]:
    words = load_model(default_model_dir())._terms.words
    assert words is not None
    return {word: i for word, i in words.ids.items() if i >= 0}


def expected(segmenter, vocabulary: dict[str, int], texts: list[str]) -> list[int]:
    out = []
    for token in segmenter.cut_lines(texts):
        if token in vocabulary:
            out.append(vocabulary[token])
        elif token == "\n":
            out.append(terms._BREAK)
        else:
            out.append(terms._MISSING if HAS_WORD.search(token) else terms._DROPPED)
    return out


def ids_of(segmenter, cut_kernel, vocabulary: dict[str, int], texts: list[str]) -> list[int]:
    table = cut_kernel.Vocabulary(list(vocabulary), list(vocabulary.values()))
    return list(memoryview(segmenter.cut_ids(texts, table, *IDS)).cast("q"))


def test_the_ids_of_the_corpus(segmenter, cut_kernel, vocabulary) -> None:
    texts = [fold_digits(c.text) for a in load_dataset().articles for c in contexts(a.lines)]
    for start in range(0, len(texts), 2000):
        batch = texts[start : start + 2000]
        assert ids_of(segmenter, cut_kernel, vocabulary, batch) == expected(segmenter, vocabulary, batch)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | st.text(max_size=12), max_size=5))
def test_the_ids_of_random_text(segmenter, cut_kernel, vocabulary, texts: list[str]) -> None:
    assert ids_of(segmenter, cut_kernel, vocabulary, texts) == expected(segmenter, vocabulary, texts)


def test_the_classifier_reads_the_same_ids_either_way(vocabulary, monkeypatch) -> None:
    texts = [fold_digits(c.text) for a in load_dataset().articles[::5] for c in contexts(a.lines)]
    words = load_model(default_model_dir())._terms.words
    assert words is not None
    compiled = words.word_ids(texts)
    monkeypatch.setattr(terms, "compiled_segmenter", lambda: None)  # the path of tokens as str
    assert compiled.tolist() == words.word_ids(texts).tolist()


def test_bad_vocabularies_are_refused(cut_kernel, segmenter) -> None:
    with pytest.raises(ValueError):
        cut_kernel.Vocabulary(["招商", "招商"], [0, 1])
    with pytest.raises(ValueError):
        cut_kernel.Vocabulary(["招商"], [0, 1])
    with pytest.raises(TypeError):
        cut_kernel.Vocabulary([b"x"], [0])
    with pytest.raises(TypeError):
        segmenter.cut_ids("not a list", cut_kernel.Vocabulary([], []), *IDS)
    with pytest.raises(TypeError):
        segmenter.cut_ids(["招商"], {"招商": 0}, *IDS)
    assert len(cut_kernel.Vocabulary(["招商", "引资"], [3, 4])) == 2
    assert segmenter.cut_ids([], cut_kernel.Vocabulary([], []), *IDS) == b""
