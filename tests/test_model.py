"""Train → save → load → classify, the exported model against scikit-learn, and the safe store."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from parknews.model.errors import ModelError
from parknews.model.features import contexts
from parknews.model.store import load_model, save_model
from parknews.training.dataset import load_dataset
from parknews.training.fit import Settings, build_pipeline, dataset_contexts, export


def test_round_trip_labels_every_paragraph(small_model: Path, seed_paths: list[Path]) -> None:
    model = load_model(small_model)
    assert set(model.labels) == {"recruitment", "investment", "talent", "services", "spam", "other"}
    lines = seed_paths[4].read_text("utf-8").splitlines()
    lines = [line for line in lines if line.strip()]
    predictions = model.classify(lines)
    assert len(predictions) == len(lines)
    for p in predictions:
        assert abs(sum(p.scores.values()) - 1.0) < 1e-9
        assert p.label == max(p.scores, key=p.scores.get)
    # Furniture of seed 004 is unmistakable even for a model trained on a few articles.
    assert predictions[lines.index("1.jpg")].label == "spam"


def test_manifest_records_what_was_trained(small_model: Path) -> None:
    manifest = json.loads((small_model / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == "parknews-model"
    assert manifest["training_data"]["paragraphs"] > 200
    assert len(manifest["training_data"]["sha256"]) == 64
    assert 0.0 < manifest["cv"]["macro_f1"] <= 1.0
    assert manifest["cv"]["grouped_by"] == "article"
    assert {"jieba", "opencc", "numpy", "scikit-learn"} <= set(manifest["libraries"])


def test_exported_probabilities_equal_the_sklearn_pipeline(small_data: Path) -> None:
    dataset = load_dataset([small_data])
    ctxs, y, _ = dataset_contexts(dataset)
    pipe = build_pipeline(Settings()).fit(ctxs, np.array(y))
    exported = export(pipe, temperature=1.0, manifest={})
    sk = pipe.predict_proba(ctxs)
    order = [list(pipe.classes_).index(label) for label in exported.labels]
    np.testing.assert_allclose(exported.predict_proba(ctxs), sk[:, order], atol=1e-9, rtol=0)


def test_model_files_hold_no_pickles(small_model: Path) -> None:
    with np.load(small_model / "weights.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def copy_model(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    return dst


def test_tampered_weights_are_refused(small_model: Path, tmp_path: Path) -> None:
    model = copy_model(small_model, tmp_path)
    data = bytearray((model / "weights.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "weights.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        load_model(model)


def test_truncated_vocabulary_is_refused(small_model: Path, tmp_path: Path) -> None:
    model = copy_model(small_model, tmp_path)
    path = model / "vocabulary.json"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ModelError, match="checksum"):
        load_model(model)


def test_other_format_version_is_refused(small_model: Path, tmp_path: Path) -> None:
    model = copy_model(small_model, tmp_path)
    manifest = json.loads((model / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = 99
    (model / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelError, match="format 99"):
        load_model(model)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model directory"):
        load_model(tmp_path / "nothing")


def test_save_replaces_atomically_and_keeps_old_model_on_failure(
    small_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = copy_model(small_model, tmp_path)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    model = load_model(small_model)

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(KeyboardInterrupt):
        save_model(model, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no staging left behind
    monkeypatch.undo()
    save_model(model, target)
    assert load_model(target).labels == model.labels


def test_contexts_of_an_empty_article() -> None:
    assert contexts([]) == []


# ----------------------------------------------------------------- model format 2 (joined vocabularies)


def _rewrite(model_dir: Path, vocabulary: dict, format_version: int) -> None:
    """Replace the vocabulary file and fix the manifest's checksum, as an older save would have."""
    path = model_dir / "vocabulary.json"
    path.write_text(json.dumps(vocabulary, ensure_ascii=False), "utf-8")
    manifest = json.loads((model_dir / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = format_version
    manifest["files"]["vocabulary.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (model_dir / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _probabilities(model_dir: Path, lines: list[str]) -> np.ndarray:
    model = load_model(model_dir)
    return np.array([[p.scores[label] for label in model.labels] for p in model.classify(lines)])


def test_vocabularies_are_saved_as_joined_strings(small_model: Path) -> None:
    vocabulary = json.loads((small_model / "vocabulary.json").read_text("utf-8"))
    assert isinstance(vocabulary["words"], str) and isinstance(vocabulary["chars"], str)
    assert json.loads((small_model / "manifest.json").read_text("utf-8"))["format_version"] == 2
    model = load_model(small_model)
    assert len(model.chars.terms) == len(model.chars.idf) == len(vocabulary["chars"].split("\n"))
    assert model.words.vocabulary[model.words.terms[3]] == 3


def test_a_format_1_model_loads_and_predicts_the_same(
    small_model: Path, seed_paths: list[Path], tmp_path: Path
) -> None:
    old = copy_model(small_model, tmp_path)
    model = load_model(small_model)
    _rewrite(old, {"words": list(model.words.terms), "chars": list(model.chars.terms)}, format_version=1)
    lines = [line for path in seed_paths for line in path.read_text("utf-8").splitlines() if line.strip()]
    # Bit for bit: the same columns in the same order, so the same sums.
    assert np.array_equal(_probabilities(old, lines), _probabilities(small_model, lines))
    assert list(load_model(old).chars.terms) == list(model.chars.terms)


def test_terms_that_cannot_be_joined_are_saved_as_a_list(small_model: Path, tmp_path: Path) -> None:
    model = load_model(small_model)
    odd = dataclasses.replace(model.words, terms=("", "a\nb", *model.words.terms[2:]))
    save_model(dataclasses.replace(model, words=odd), tmp_path / "odd")
    assert json.loads((tmp_path / "odd" / "vocabulary.json").read_text("utf-8"))["words"][:2] == ["", "a\nb"]
    assert list(load_model(tmp_path / "odd").words.terms) == list(odd.terms)
    again = load_model(tmp_path / "odd").classify(["招商引资 项目 签约", "a b"])
    assert [p.label for p in again] == [
        p.label for p in dataclasses.replace(model, words=odd).classify(["招商引资 项目 签约", "a b"])
    ]


@pytest.mark.parametrize("stored", [7, ["招商", 3], {"招商": 0}])
def test_a_vocabulary_of_the_wrong_kind_is_a_clear_error(small_model: Path, tmp_path: Path, stored) -> None:
    model = copy_model(small_model, tmp_path)
    vocabulary = json.loads((model / "vocabulary.json").read_text("utf-8"))
    _rewrite(model, {**vocabulary, "words": stored}, format_version=2)
    with pytest.raises(ModelError, match="words block's vocabulary must be a string or a list of strings"):
        load_model(model)
