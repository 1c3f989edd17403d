"""Skipping OpenCC for text it cannot change (model/script.py): the marks read from OpenCC's
dictionaries cover every character it converts alone and every phrase it rewrites, so the
lines converted in a batch are the lines converted one by one; unknown dictionaries turn
the skipping off."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model import script
from parknews.model.kernel import load_token_kernel
from parknews.training.dataset import load_dataset

from .conftest import built

# CJK blocks and the compatibility ideographs, where every character t2s converts lives.
RANGES = [(0x2E80, 0x2FE0), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x32000)]


@pytest.fixture(scope="module")
def marks() -> frozenset[str]:
    found = script.t2s_marks()
    if found is None:
        pytest.skip("the installed OpenCC's dictionaries changed: rebuild resources/t2s_marks.json")
    return found


def test_every_character_t2s_converts_is_a_mark(marks) -> None:
    chars = [chr(c) for start, stop in RANGES for c in range(start, stop)]
    converted = script.to_simplified("\n".join(chars)).split("\n")
    unmarked = [c for c, out in zip(chars, converted) if out != c and c not in marks]
    assert unmarked == []


# Traditional characters, simplified ones, the first and rarest characters of phrases t2s
# rewrites although no character of theirs converts alone (沈默 → 沉默, 重覆 → 重复).
ALPHABET = list("開發區園區經濟沈默重覆回覆一目瞭然打坏海哩以免藉口不瞭解沉重复了解开发区\n ab1\ud800")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=10), max_size=6))
def test_a_batch_converts_as_each_line_alone(marks, texts: list[str]) -> None:
    assert script.simplified_lines(texts) == [script.to_simplified(t) for t in texts]


def test_the_corpus_converts_as_each_line_alone(marks) -> None:
    lines = [line for a in load_dataset().articles for line in a.lines]
    assert script.simplified_lines(lines) == [script.to_simplified(t) for t in lines]
    assert 0 < sum(script._may_change(lines)) < len(lines)  # some lines skip OpenCC, not all


def test_the_compiled_scan_finds_what_the_set_finds(marks) -> None:
    compiled = built(load_token_kernel(), "token kernel")
    table = script._marks_table()
    assert table is not None
    for text in ["开发区", "開發區", "沈默", "", "ab\ud800", "𠀀", "一目了然", "\U0010ffff"]:
        assert compiled.holds_any(text, table) is (not marks.isdisjoint(text))
    assert compiled.holds_any("開", b"") is False  # past the table's end: no mark


def test_other_dictionaries_turn_the_skipping_off(monkeypatch, tmp_path: Path) -> None:
    other = tmp_path / "t2s.json"
    other.write_text("{}", "utf-8")
    monkeypatch.setattr(script, "opencc_t2s_files", lambda: [other])
    script.t2s_marks.cache_clear()
    script._marks_table.cache_clear()
    try:
        assert script.t2s_marks() is None
        assert script._may_change(["开发区", "ab"]) == [True, True]
        assert script.simplified_lines(["開發區", "ab"]) == ["开发区", "ab"]
    finally:
        script.t2s_marks.cache_clear()
        script._marks_table.cache_clear()
