"""Normalization and sentence splitting, on the seeds and on hand-made cases."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model.features import Context, char_terms, contexts, layout_vector, word_terms
from parknews.model.text import normalize, paragraphs, split_sentences, strip_glosses
from parknews.training.dataset import load_dataset

GLOSS = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


def test_glosses_dropped() -> None:
    assert strip_glosses("天元區(qū)") == "天元區"
    assert strip_glosses("產(chǎn)業(yè)項目建設(shè)年") == "產業項目建設年"
    assert normalize("鎮(zhèn)江高新區(qū)") == "镇江高新区"


@pytest.mark.parametrize(
    "text",
    [
        "株洲高新區(天元區)",
        "超額完成(3500萬美元)",
        "西門子(ABB)公司",
        "(簡稱“元創精密”)",
        "注册(app)下载",
        "区(上)",
    ],
)
def test_real_parentheses_kept(text: str) -> None:
    assert strip_glosses(text) == text


def test_no_gloss_survives_in_seeds(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        for p in paragraphs(path.read_text("utf-8")):
            assert not GLOSS.search(normalize(p.text)), (path.name, p.text[:40])


def test_traditional_and_simplified_twins_give_the_same_features(seed_paths: list[Path]) -> None:
    to_traditional = opencc.OpenCC("s2t")
    simplified = [p.text for p in paragraphs((seed_paths[3]).read_text("utf-8"))][:20]
    traditional = [to_traditional.convert(line) for line in simplified]
    assert traditional != simplified
    for a, b in zip(contexts(simplified), contexts(traditional), strict=True):
        assert a == b
        assert word_terms(a) == word_terms(b)
        assert char_terms(a) == char_terms(b)
        assert layout_vector(a) == layout_vector(b)


def test_glossed_traditional_equals_plain_simplified() -> None:
    assert normalize("天元區(qū)“產(chǎn)業(yè)項目建設(shè)年”") == normalize("天元区“产业项目建设年”")


def test_width_and_whitespace_folded() -> None:
    assert normalize("  ＡＢＣ１２３　全角\t 文字  ") == "ABC123 全角 文字"


def test_paragraphs_are_non_empty_lines_in_order() -> None:
    text = "第一段\n\n   \n第二段\r\n第三段\r最后一段没有换行"
    assert [(p.index, p.text) for p in paragraphs(text)] == [
        (0, "第一段"),
        (1, "第二段"),
        (2, "第三段"),
        (3, "最后一段没有换行"),
    ]


def test_sentence_splitting_rules() -> None:
    text = (
        "他说：“我们缺一线工人。”当月招进6人！完成投资53.78亿元，为全年的50.12%；下一步怎么办？没有句号的结尾"
    )
    assert split_sentences(text) == [
        "他说：“我们缺一线工人。”",
        "当月招进6人！",
        "完成投资53.78亿元，为全年的50.12%；",
        "下一步怎么办？",
        "没有句号的结尾",
    ]


def test_sentence_splitting_keeps_urls_and_brackets() -> None:
    assert split_sentences("本文链接:http://x.cn/index.php?id=44.html") == [
        "本文链接:http://x.cn/index.php?id=44.html"
    ]
    assert split_sentences("（完）【记者手记。】下一句") == ["（完）【记者手记。】", "下一句"]


def test_sentences_cover_every_seed_paragraph(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        for p in paragraphs(path.read_text("utf-8")):
            sentences = split_sentences(p.text)
            assert sentences, p.text
            # Nothing is lost or invented: the sentences are the paragraph, in order.
            assert re.sub(r"\s+", "", "".join(sentences)) == re.sub(r"\s+", "", p.text)
            for s in sentences:
                assert s in p.text
                assert not re.search(r"\d\.$", s), s  # never cut inside 53.78


def test_seed_000_sentences() -> None:
    line = "截至6月底,全區(qū)完成簽約項目17個,累計合同引進(jìn)資金300億元。"
    assert split_sentences(line) == [line]
    quote = "企业相关负责人何女士介绍:“我们主要是一线工人和技术工种有缺口,对我们招工有一定难度。”"
    assert split_sentences(quote) == [quote]


def test_contexts_carry_normalized_text_and_the_headline_list_flag() -> None:
    ctx = contexts(["當前位置：首頁", "相关新闻", "某园区签约三个项目", "第二条标题", "正文" * 30 + "。"])
    assert ctx[0] == Context(text="当前位置:首页", in_list=False)
    assert [c.in_list for c in ctx] == [False, False, True, True, False]


# Traditional script, glosses, full-width forms, line breaks and lone surrogates, side by side.
MIXED = list("開發區(qū)園區（Yuán）沈默發展乾隆，０９ＡＺ\u3000\xa0 …①\n\r\t\ud800ab1")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(MIXED), max_size=12) | st.text(max_size=8), max_size=8))
def test_a_batch_is_normalized_as_each_text_alone(texts: list[str]) -> None:
    normalize.cache_clear()
    assert normalize.many(texts) == [normalize.__wrapped__(t) for t in texts]
    assert normalize.many(texts) == [normalize(t) for t in texts]  # now from the memory


def test_the_corpus_is_normalized_as_each_line_alone() -> None:
    lines = [line for a in load_dataset().articles[::3] for line in a.lines]
    normalize.cache_clear()
    assert normalize.many(lines) == [normalize.__wrapped__(t) for t in lines]


def test_normalize_remembers_a_bounded_number_of_texts(monkeypatch) -> None:
    monkeypatch.setattr(normalize, "size", 3)
    normalize.cache_clear()
    assert normalize.many(["開發", "區", "開發"]) == ["开发", "区", "开发"]
    assert normalize("園") == "园" and normalize.many(["a", "b", "c", "d"]) == ["a", "b", "c", "d"]
    assert len(normalize._memory) <= 3
