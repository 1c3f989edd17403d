"""Train → save → load → classify, the exported model against scikit-learn, and the safe store."""

from __future__ import annotations

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
