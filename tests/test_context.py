"""The article around a paragraph: it can pull toward the article's topics, never toward spam or `other`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model.context import article_shares, in_article, in_articles
from parknews.model.errors import ModelError
from parknews.model.features import contexts
from parknews.model.labels import LABELS
from parknews.model.store import load_model
from parknews.model.text import paragraphs

from .conftest import ROOT

BUNDLED = ROOT / "artifacts" / "model"
SPAM, OTHER = LABELS.index("spam"), LABELS.index("other")


def test_shares_are_those_of_the_rest_of_the_article_weighted_by_content() -> None:
    proba = np.array(
        [
            # recruitment investment talent services spam other
            [0.0, 0.9, 0.0, 0.0, 0.0, 0.1],
            [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],  # furniture: counts for nothing
            [0.5, 0.0, 0.0, 0.0, 0.0, 0.5],
        ]
    )
    shares = article_shares(proba, LABELS)
    assert shares[0].tolist() == [0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert shares[2].tolist() == [0.0, 0.9, 0.0, 0.0, 0.0, 0.0]
    assert shares[1].tolist() == pytest.approx([0.25, 0.45, 0.0, 0.0, 0.0, 0.0])
    # Alone, or beside furniture only, a paragraph has no article to read.
    assert not article_shares(proba[:1], LABELS).any()
    assert not article_shares(proba[:2], LABELS)[0].any()


def test_the_article_raises_topics_only(seed_paths) -> None:
    model = load_model(BUNDLED)
    model = dataclasses.replace(model, context_weight=model.context_weight or 2.0)
    for seed in seed_paths:
        ctxs = contexts([p.text for p in paragraphs(seed.read_text("utf-8"))])
        alone, inside = model.predict_proba(ctxs), model.article_proba(ctxs)
        # Spam against other is untouched; each topic against spam only goes up.
        assert np.allclose(inside[:, SPAM] / inside[:, OTHER], alone[:, SPAM] / alone[:, OTHER])
        topics = [i for i in range(len(LABELS)) if i not in (SPAM, OTHER)]
        ratio_in = inside[:, topics] / inside[:, [SPAM]]
        assert np.all(ratio_in >= alone[:, topics] / alone[:, [SPAM]] * (1 - 1e-12))
        # A line read alone is read on its text only.
        assert np.allclose(model.article_proba(ctxs[:1]), alone[:1], atol=1e-15)


def test_the_article_moves_a_topic_free_scene_to_the_article_topic() -> None:
    model = load_model(BUNDLED)
    model = dataclasses.replace(model, context_weight=model.context_weight or 2.0)
    scene = "工地上塔吊林立，工人们正在为钢结构吊装做最后的准备，主体结构已经完成八成。"
    article = [
        "去年以来，经开区新签约亿元以上项目36个，总投资218亿元，其中外资项目9个。",
        scene,
        "该项目由一家新能源企业投资45亿元建设，今年3月签约落户，达产后年产值可达80亿元。",
    ]
    investment = LABELS.index("investment")
    alone = model.predict_proba(contexts([scene]))[0]
    inside = model.article_proba(contexts(article))[1]
    assert inside[investment] > alone[investment]


def test_a_model_with_a_bad_context_weight_is_refused(small_model: Path, tmp_path: Path) -> None:
    broken = tmp_path / "model"
    broken.mkdir()
    for f in small_model.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((broken / "manifest.json").read_text("utf-8"))
    assert manifest["context_weight"] == 2.0  # training writes the setting it used
    manifest["context_weight"] = -1
    (broken / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelError, match="context_weight"):
        load_model(broken)


def one_by_one(z: np.ndarray, sizes: list[int], labels: tuple[str, ...], weight: float) -> np.ndarray:
    out, start = np.empty_like(z), 0
    for size in sizes:
        out[start : start + size] = in_article(z[start : start + size], labels, weight)
        start += size
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 30), max_size=8),
    st.sampled_from([0.0, 0.8, 2.5]),
    st.sampled_from([LABELS, tuple(label for label in LABELS if label != "spam")]),
    st.integers(0, 2**32 - 1),
)
def test_a_batch_of_articles_is_each_article_to_the_last_bit(
    sizes: list[int], weight: float, labels: tuple[str, ...], seed: int
) -> None:
    z = np.random.default_rng(seed).normal(0, 4, size=(sum(sizes), len(labels)))
    assert in_articles(z, sizes, labels, weight).tobytes() == one_by_one(z, sizes, labels, weight).tobytes()
