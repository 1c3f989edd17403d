"""Property tests: arbitrary Unicode never crashes, one record per non-empty line, text round-trips."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parknews.model.annotate import label_article, records, write_jsonl
from parknews.model.classifier import ParagraphClassifier
from parknews.model.reader import Document, decode
from parknews.model.text import normalize, paragraphs, split_sentences

from .conftest import SEEDS_DIR

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text shaped like scraped pages: Han, Latin, digits, full-width forms, end marks,
# closing quotes, white space of every kind and every line break, plus anything at all.
HAN_AND_MARKS = "园区招商引资签約項目人才服务當前位置首页。！？!?；;，,.…“”「」）)】》"
SPACES_AND_BREAKS = [" ", "\t", "\u3000", "\xa0", "\n", "\r\n", "\r", "\u2028", "\x85", "\x0b", "\ufeff"]
SCRAPED = st.lists(
    st.one_of(
        st.sampled_from(list(HAN_AND_MARKS)),
        st.sampled_from(SPACES_AND_BREAKS),
        st.characters(codec="utf-8"),
    ),
    max_size=200,
).map("".join)


def is_blank(line: str) -> bool:
    return not line.strip()


def non_empty_lines(text: str) -> list[str]:
    # An oracle of its own: a line ends at \r\n, \r or \n and at nothing else.
    return [line for line in re.split(r"\r\n|\r|\n", text) if not is_blank(line)]


@pytest.fixture(scope="module")
def tiny_model() -> ParagraphClassifier:
    """A real exported model, fitted in a second on two seed articles."""
    from threadpoolctl import threadpool_limits

    from parknews.model.features import contexts
    from parknews.training.fit import Settings, build_pipeline, export

    articles = [path.read_text("utf-8") for path in sorted(SEEDS_DIR.glob("*.txt"))[3:5]]
    lines = [p.text for text in articles for p in paragraphs(text)]
    labels = ["spam" if len(line) < 20 else ("investment" if "招商" in line else "other") for line in lines]
    # One BLAS thread: on two shared cores OpenBLAS's spinning threads make this fit ten times slower.
    with threadpool_limits(1):
        pipe = build_pipeline(Settings(min_df=1)).fit(contexts(lines), np.array(labels))
    return export(pipe, temperature=1.0, manifest={})


@PROPERTY
@given(SCRAPED)
def test_normalize_never_crashes_and_leaves_one_line(text: str) -> None:
    result = normalize(text)
    assert isinstance(result, str)
    assert result == result.strip()
    assert "  " not in result and "\n" not in result and "\r" not in result


@PROPERTY
@given(SCRAPED)
def test_sentences_are_pieces_of_the_text_in_order_and_lose_only_white_space(text: str) -> None:
    sentences = split_sentences(text)
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        found = text.find(sentence, position)
        assert found >= 0, sentence
        position = found + len(sentence)

    def squeeze(s: str) -> str:
        return "".join(ch for ch in s if not ch.isspace())

    assert squeeze("".join(sentences)) == squeeze(text)


@PROPERTY
@given(SCRAPED)
def test_every_non_empty_line_is_one_paragraph_with_its_text(text: str) -> None:
    found = paragraphs(text)
    assert [p.text for p in found] == non_empty_lines(text)
    assert [p.index for p in found] == list(range(len(found)))


@PROPERTY
@given(SCRAPED)
def test_utf8_bytes_decode_back_to_the_same_text(text: str) -> None:
    text = text.replace("\x00", "").lstrip("\ufeff")  # NUL means binary; a leading BOM is a BOM
    decoded, encoding = decode(text.encode("utf-8"))
    assert decoded == text and encoding == "utf-8"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRAPED)
def test_jsonl_holds_one_record_per_non_empty_line_and_round_trips(
    tiny_model: ParagraphClassifier, text: str
) -> None:
    article = label_article(tiny_model, Document(name="页面.txt", text=text, encoding="utf-8"))
    stream = io.StringIO()
    write_jsonl(stream, records(article))
    # JSON Lines end at "\n" only: a paragraph may itself hold U+2028 or U+0085.
    rows = [json.loads(line) for line in stream.getvalue().split("\n") if line]
    assert [r["text"] for r in rows] == non_empty_lines(text)
    assert [r["paragraph"] for r in rows] == list(range(len(rows)))
    for row in rows:
        assert row["file"] == "页面.txt" and row["encoding"] == "utf-8"
        assert row["label"] in tiny_model.labels
        assert row["scores"][row["label"]] == max(row["scores"].values())
        assert abs(sum(row["scores"].values()) - 1) < 1e-4


def test_the_tiny_model_is_a_real_one(tiny_model: ParagraphClassifier, tmp_path: Path) -> None:
    from parknews.model.store import load_model, save_model

    saved = load_model(save_model(tiny_model, tmp_path / "m"))
    lines = ["当前位置：首页", "园区招商引资签约项目12个，总投资50亿元。"]
    assert [p.label for p in saved.classify(lines)] == [p.label for p in tiny_model.classify(lines)]


@PROPERTY
@given(
    keys=st.sets(st.integers(min_value=0, max_value=2**62), max_size=300),
    crowded=st.sets(st.integers(min_value=0, max_value=40), max_size=40),
    others=st.lists(st.integers(min_value=0, max_value=2**62), max_size=100),
)
def test_the_term_hash_table_finds_exactly_the_keys_it_holds(
    keys: set[int], crowded: set[int], others: list[int]
) -> None:
    # Its slots are placed by arithmetic, not by probing (hashtable.KeyTable): small keys crowd
    # a few home slots into long runs, large ones spread out; both must be found, and only they.
    from parknews.model.hashtable import KeyTable

    stored = sorted(keys | crowded)
    table = KeyTable(np.array(stored, dtype=np.int64), np.arange(len(stored)) * 7)
    queries = np.array([*stored, *others, *range(45)], dtype=np.int64)
    positions, columns = table.find(queries)
    column_of = {key: i * 7 for i, key in enumerate(stored)}
    found = {int(p): int(c) for p, c in zip(positions, columns)}
    assert len(found) == len(positions)
    assert found == {i: column_of[q] for i, q in enumerate(queries.tolist()) if q in column_of}


MARKER_CHARS = "招商WwHhTtPpSsl:/.cnomjgpeif-·•*>…、) 0123456789\n"
MARKER_TEXT = st.text(alphabet=st.sampled_from(list(MARKER_CHARS)), max_size=30)


def markers_searched_alone(text: str, in_list: bool) -> list[float]:
    from parknews.model import features

    return [
        1.0 if features._URL.search(text) else 0.0,
        1.0 if features._PHONE.search(text) else 0.0,
        1.0 if features._FILE.search(text) else 0.0,
        1.0 if features._BULLET.match(text) else 0.0,
        1.0 if features._TRUNCATED.search(text) else 0.0,
        1.0 if in_list else 0.0,
    ]


@settings(max_examples=400, deadline=None)
@given(st.one_of(MARKER_TEXT, st.text(max_size=30)), st.booleans())
def test_layout_cues_are_what_the_marker_patterns_find(text: str, in_list: bool) -> None:
    # layout_vector skips a search where a cheaper test shows it cannot match; the result is the same.
    from parknews.model.features import Context, layout_vector

    assert layout_vector(Context(text, in_list)) == markers_searched_alone(text, in_list)


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话 13912345678。",
        "电话：0512-66681234",
        "400-820-8820 转 1",
        "见 WWW.EXAMPLE.CN 或 https://a.b",
        "HTTP://x",
        "图1.JPG",
        "详情请点击...",
        "未完…\n",
        "- 列表项",
        "3、第三条",
    ],
)
def test_layout_cues_find_each_kind_of_marker(text: str) -> None:
    from parknews.model.features import Context, layout_vector

    found = layout_vector(Context(text))
    assert any(found[:5])
    assert found == markers_searched_alone(text, False)
