"""The compiled token scans (model/token_kernel.c) against their Python twins: the same answer for
any text and any tokens, and the same words and ids for a batch whichever runs."""

from __future__ import annotations

import unicodedata
from itertools import repeat

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model import features as features_module
from parknews.model import segment
from parknews.model import text as text_module
from parknews.model.features import Context, contexts, fold_digits, layout_matrix, layout_vector
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


# Compatibility forms inside and outside the folded ranges, combining marks they could meet,
# digits of several scripts beside the marks a number may hold.
WIDE = "，（）：０９ＡＺａ％\u3000\xa0\u2002①…㎡℃Ⅳ\uf900\ufe35ｶﾞ\u0301\u0308é\u00b2"
DIGITS = "0123456789٣٤१０.,. ,ab中"
WIDE_TEXT = st.text(alphabet=st.sampled_from(list(WIDE + "中文 a1")), max_size=30) | st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(WIDE_TEXT)
def test_fold_compat_is_translate_and_keeps_nfkc(compiled, text: str) -> None:
    table, folds = text_module._compat_folds()
    folded = compiled.fold_compat(text, table)
    assert folded == text.translate(folds)
    assert unicodedata.normalize("NFKC", folded) == unicodedata.normalize("NFKC", text)


def test_every_fold_is_its_characters_nfkd() -> None:
    table, folds = text_module._compat_folds()
    assert folds and all(unicodedata.normalize("NFKD", chr(p)) == c for p, c in folds.items())
    assert "\u3000".translate(folds) == " " and "，０Ａ".translate(folds) == ",0A"
    assert [table[p] for p in folds] == [ord(c) for c in folds.values()]


def test_fold_compat_refuses_bad_tables(compiled) -> None:
    with pytest.raises(ValueError):
        compiled.fold_compat("，", b"\x00\x00\x00")  # not whole uint32 entries
    with pytest.raises(ValueError):
        compiled.fold_compat("\x01", (0xFFFFFFFF).to_bytes(4, "little") * 2)  # no code point
    with pytest.raises(TypeError):
        compiled.fold_compat(b"bytes", b"")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(DIGITS)), max_size=30) | st.text(max_size=30))
def test_zero_numbers_is_the_digit_pattern(compiled, text: str) -> None:
    assert compiled.zero_numbers(text) == features_module._DIGITS.sub("0", text)


def test_zero_numbers_on_amounts(compiled) -> None:
    assert (
        compiled.zero_numbers("产值53.78亿元，增长1,234.5%；第3.季度 ٣٤.5") == "产值0亿元，增长0%；第0.季度 0"
    )
    assert compiled.zero_numbers("١٢ab") == "0ab"  # the result is as narrow as its characters
    assert compiled.zero_numbers("没有数字") == "没有数字"
    with pytest.raises(TypeError):
        compiled.zero_numbers(b"12")


# What the layout regexes look for, and the characters re.IGNORECASE and \d, \w read widely.
LAYOUT = ".:/-_ 0123456789١٢wWhHtTpPsSſcCoOmMnNeElLjJgGiIİıfFbBxX…*>·•、)中\n"
PIECES = ["http://", "https://", "www.", ".com", ".htm", ".html", ".jpeg", ".jpg", ".gıf", ".webp", ".php"]
PIECES += ["400-", "400 123 4567", "13912345678", "010-1234567", "0571 88886666", "...", "…", "...\n"]
LAYOUT_TEXT = st.lists(
    st.sampled_from(PIECES) | st.text(alphabet=st.sampled_from(list(LAYOUT)), max_size=6)
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.lists(LAYOUT_TEXT | st.text(max_size=20), max_size=4))
def test_layout_cues_are_the_regexes_answers(compiled, texts: list[str]) -> None:
    ctxs = [Context(t, in_list=i % 2 == 1) for i, t in enumerate(texts)]
    assert layout_matrix(ctxs, compiled).tolist() == [layout_vector(c) for c in ctxs]


def test_layout_cues_of_the_corpus(compiled) -> None:
    ctxs = [c for a in load_dataset().articles[::2] for c in contexts(a.lines)]
    assert np.array_equal(layout_matrix(ctxs, compiled), np.array([layout_vector(c) for c in ctxs]))
    assert layout_matrix([], compiled).shape == (0, 6)
    with pytest.raises(TypeError):
        compiled.layout_cues(["ok", 3])


GLOSSY = [*"區开(（)）qūzhangāáǎàüńḿshiabcxyzA1 ", "\u4dbf", "\uf900", "𠀀"]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(["區(", "區（qū）", "园(yuán)", "(app)"]) | st.sampled_from(GLOSSY)).map("".join)
)
def test_strip_glosses_drops_what_the_regex_drops(compiled, text: str) -> None:
    expected = text_module._GLOSS.sub(
        lambda m: "" if text_module._is_syllable(m.group(1)) else m.group(0), text
    )
    assert compiled.strip_glosses(text) == expected


def test_strip_glosses_on_glossed_text(compiled) -> None:
    assert (
        compiled.strip_glosses("開發區(qū)園區（yuán qū）(ABB)中(zhōng)国(app)")
        == "開發區園區（yuán qū）(ABB)中国(app)"
    )
    assert compiled.strip_glosses("没有注音") == "没有注音"
    with pytest.raises(TypeError):
        compiled.strip_glosses(None)
