"""``parknews classify -f jsonl`` writes each article with ``annotate.jsonl_lines``: exactly the
text ``write_jsonl(records(article))`` gives, whatever the article holds."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model.annotate import (
    LabeledArticle,
    LabeledParagraph,
    jsonl_data,
    jsonl_lines,
    records,
    write_jsonl,
)
from parknews.model.classifier import LABELS, ScoreRow
from parknews.model.reader import Document


def by_records(article: LabeledArticle) -> str:
    buffer = io.StringIO()
    write_jsonl(buffer, records(article))
    return buffer.getvalue()


def article(texts: list[str], scores: list[list[float]], **origin: object) -> LabeledArticle:
    proba = np.array(scores, dtype=np.float64).reshape(len(texts), len(LABELS))
    paragraphs = tuple(
        LabeledParagraph(i, text, LABELS[int(np.argmax(proba[i]))], ScoreRow(LABELS, proba, i))
        for i, text in enumerate(texts)
    )
    return LabeledArticle(file="页面/a b.txt", encoding="gb18030", paragraphs=paragraphs, **origin)  # type: ignore[arg-type]


def test_a_labeled_seed_is_written_as_its_records(tmp_path) -> None:
    from parknews.api import classify

    from .conftest import SEEDS_DIR

    for path in sorted(SEEDS_DIR.glob("*.txt")):
        labeled = classify(Document(name=str(path), text=path.read_text("utf-8"), encoding="utf-8"))
        assert jsonl_lines(labeled) == by_records(labeled)
        assert len(jsonl_lines(labeled).splitlines()) == len(labeled) > 0


def test_origin_fields_and_awkward_text_are_written_as_the_records() -> None:
    texts = ['引号"和\\反斜杠', "\u2028行分隔\u2029", "\ud800 孤立代理项", "\x00\x1f控制符", "tab\there"]
    scores = [[0.1, 0.2, 0.3, 0.1, 0.2, 0.1]] * 4 + [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    for origin in ({}, {"input": "html"}, {"record": 17, "id": "页-9", "date": "2024-02-18"}):
        labeled = article(texts, scores, **origin)
        assert jsonl_lines(labeled) == by_records(labeled)
    assert jsonl_lines(article([], [])) == "" == by_records(article([], []))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=30),
            st.lists(st.floats(min_value=0, max_value=1), min_size=len(LABELS), max_size=len(LABELS)),
        ),
        max_size=5,
    )
)
def test_any_paragraphs_are_written_as_their_records(rows: list[tuple[str, list[float]]]) -> None:
    labeled = article([t for t, _ in rows], [s for _, s in rows])
    assert jsonl_lines(labeled) == by_records(labeled)


@pytest.mark.parametrize("value", [math.nan, math.inf, 1e-7, 0.5, np.float64(0.25)])
def test_numbers_are_written_as_the_encoder_writes_them(value: float) -> None:
    labeled = article(["x"], [[value] * len(LABELS)])
    assert jsonl_lines(labeled) == by_records(labeled)
    json.loads(jsonl_lines(labeled).replace("NaN", "0").replace("Infinity", "0"))


@pytest.fixture(scope="module")
def compiled():
    from parknews.model.kernel import load_jsonl_kernel

    from .conftest import built

    return built(load_jsonl_kernel(), "JSONL kernel")


# Halfway cases (1/128 = 0.0078125 rounds to even), the exponent form below 1e-4, signs, 1.0.
EDGES = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.0078125,
    0.0000125,
    1e-4,
    9.9999e-5,
    5e-7,
    4.9999e-7,
    0.5,
    1 - 1e-12,
    1e-300,
    0.1234565,
]


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1, 1) | st.sampled_from(EDGES))
def test_a_score_is_written_as_repr_of_round(compiled, value: float) -> None:
    text = compiled.score_text(value)
    if abs(value) < 1e6:
        assert text == repr(round(value, 6))
    else:
        assert text is None  # the Python path writes it


def test_scores_written_in_c_are_those_of_the_python_path(compiled, monkeypatch) -> None:
    rng = np.random.default_rng(7)
    proba = rng.dirichlet(np.full(len(LABELS), 0.3), size=400)
    proba[:20] = np.round(proba[:20], 7)  # sevenths: many halfway ties
    labeled = article([f"第{i}段" for i in range(len(proba))], proba.tolist(), record=3)
    fast = jsonl_lines(labeled)
    assert jsonl_data(labeled) == fast.encode("utf-8")  # the kernel's bytes, as written out
    monkeypatch.setenv("PARKNEWS_KERNEL", "python")
    assert fast == jsonl_lines(labeled) == by_records(labeled)


def test_what_the_kernel_declines_the_python_path_writes(compiled) -> None:
    for texts, scores in (
        (["孤立\ud800代理"], [[0.5] * len(LABELS)]),  # UTF-8 cannot hold a lone surrogate
        (["数"], [[math.nan] * len(LABELS)]),
        (["大"], [[2e6] * len(LABELS)]),
    ):
        labeled = article(texts, scores)
        assert jsonl_lines(labeled) == by_records(labeled)
    odd = LabeledArticle(
        file="\udcff.txt", encoding="utf-8", paragraphs=article(["x"], [[0.5] * 6]).paragraphs
    )
    assert jsonl_lines(odd) == by_records(odd)
    mixed = article(["a", "b"], [[0.5] * 6] * 2)
    dict_scores = LabeledParagraph(1, "b", "spam", dict(zip(LABELS, [0.5] * 6)))
    mixed = LabeledArticle(file="m.txt", encoding="utf-8", paragraphs=(mixed.paragraphs[0], dict_scores))
    assert jsonl_lines(mixed) == by_records(mixed)


def test_bad_arguments_are_refused(compiled) -> None:
    proba = np.zeros((1, 2))
    with pytest.raises(IndexError):
        compiled.records("{", "}\n", ('"a"', '"b"'), proba, [1], [0], ["t"], ["a"])
    with pytest.raises(ValueError):
        compiled.records("{", "}\n", ('"a"', '"b"'), proba, [0, 0], [0], ["t"], ["a"])
    with pytest.raises(TypeError):
        compiled.records("{", "}\n", ('"a"', '"b"'), proba, [0], [0], [b"t"], ["a"])
