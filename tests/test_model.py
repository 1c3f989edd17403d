"""Train → save → load → classify, the exported model against scikit-learn, and the safe store."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from parknews.model.classifier import ParagraphClassifier, TermBlock
from parknews.model.errors import ModelError
from parknews.model.features import contexts
from parknews.model.store import load_model, save_model
from parknews.model.terms import SavedTables
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
        assert p.label == max(p.scores, key=p.scores.__getitem__)
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
# ----------------------------------------------------------------- and 3 (stored look-up tables)


def _rewrite(model_dir: Path, vocabulary: dict, format_version: int) -> None:
    """Replace the vocabulary file and fix the manifest's checksum, as an older save would have."""
    path = model_dir / "vocabulary.json"
    path.write_text(json.dumps(vocabulary, ensure_ascii=False), "utf-8")
    manifest = json.loads((model_dir / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = format_version
    manifest["files"]["vocabulary.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (model_dir / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _blocks(model: ParagraphClassifier) -> tuple[TermBlock, TermBlock]:
    """The words and chars blocks of a model that has both (every model these tests train or load does)."""
    assert model.words is not None and model.chars is not None
    return model.words, model.chars


def _probabilities(model_dir: Path, lines: list[str]) -> np.ndarray:
    model = load_model(model_dir)
    return np.array([[p.scores[label] for label in model.labels] for p in model.classify(lines)])


def test_vocabularies_are_saved_as_joined_strings(small_model: Path) -> None:
    vocabulary = json.loads((small_model / "vocabulary.json").read_text("utf-8"))
    assert isinstance(vocabulary["words"], str) and isinstance(vocabulary["chars"], str)
    assert json.loads((small_model / "manifest.json").read_text("utf-8"))["format_version"] == 3
    words, chars = _blocks(load_model(small_model))
    assert len(chars.terms) == len(chars.idf) == len(vocabulary["chars"].split("\n"))
    assert words.vocabulary[words.terms[3]] == 3


def test_a_format_1_model_loads_and_predicts_the_same(
    small_model: Path, seed_paths: list[Path], tmp_path: Path
) -> None:
    old = copy_model(small_model, tmp_path)
    words, chars = _blocks(load_model(small_model))
    _rewrite(old, {"words": list(words.terms), "chars": list(chars.terms)}, format_version=1)
    lines = [line for path in seed_paths for line in path.read_text("utf-8").splitlines() if line.strip()]
    # Bit for bit: the same columns in the same order, so the same sums.
    assert np.array_equal(_probabilities(old, lines), _probabilities(small_model, lines))
    assert list(_blocks(load_model(old))[1].terms) == list(chars.terms)


def test_terms_that_cannot_be_joined_are_saved_as_a_list(small_model: Path, tmp_path: Path) -> None:
    model = load_model(small_model)
    words, _ = _blocks(model)
    odd = dataclasses.replace(words, terms=("", "a\nb", *words.terms[2:]))
    save_model(dataclasses.replace(model, words=odd), tmp_path / "odd")
    assert json.loads((tmp_path / "odd" / "vocabulary.json").read_text("utf-8"))["words"][:2] == ["", "a\nb"]
    assert list(_blocks(load_model(tmp_path / "odd"))[0].terms) == list(odd.terms)
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


def _rewrite_weights(model_dir: Path, edit, format_version: int = 3) -> None:
    """Replace weights.npz with ``edit(arrays)`` and fix the manifest's checksum."""
    path = model_dir / "weights.npz"
    with np.load(path, allow_pickle=False) as npz:
        arrays = edit({key: npz[key] for key in npz.files})
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    manifest = json.loads((model_dir / "manifest.json").read_text("utf-8"))
    manifest["format_version"] = format_version
    manifest["files"]["weights.npz"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (model_dir / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _seed_lines(seed_paths: list[Path]) -> list[str]:
    # Unseen words and pairs too: classifying grows the word memory, so each model gets fresh text.
    return [line for path in seed_paths for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_the_look_up_tables_are_saved_and_used(small_model: Path) -> None:
    with np.load(small_model / "weights.npz", allow_pickle=False) as npz:
        tables = sorted(key for key in npz.files if "_table_" in key)
    assert tables == [
        "chars_table_slots",
        "words_table_pair_ids",
        "words_table_pair_slots",
        "words_table_pairs",
        "words_table_unigrams",
    ]
    model = load_model(small_model)
    words, chars = _blocks(model)
    assert words.tables is not None and words.tables.fit(words.terms) is not None
    # The tables read back are the ones the terms build.
    rebuilt = dataclasses.replace(model, words=dataclasses.replace(words, tables=None))
    rebuilt = dataclasses.replace(rebuilt, chars=dataclasses.replace(chars, tables=None))
    assert _same_tables(model.saved_tables(), rebuilt.saved_tables())


def _tables(block: TermBlock) -> SavedTables:
    """The look-up tables a loaded block carries (``store`` gives every block some)."""
    assert block.tables is not None
    return block.tables


def _same_tables(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[block].keys() == b[block].keys() and all(np.array_equal(a[block][k], b[block][k]) for k in a[block])
        for block in a
    )


def test_a_format_2_model_loads_and_predicts_the_same(
    small_model: Path, seed_paths: list[Path], tmp_path: Path
) -> None:
    old = copy_model(small_model, tmp_path)
    _rewrite_weights(old, lambda arrays: {k: v for k, v in arrays.items() if "_table_" not in k}, 2)
    words = _blocks(load_model(old))[0]
    assert _tables(words).fit(words.terms) is None  # no saved tables: they are rebuilt
    lines = _seed_lines(seed_paths)
    assert np.array_equal(_probabilities(old, lines), _probabilities(small_model, lines))


@pytest.mark.parametrize(
    "edit",
    [
        lambda a: {**a, "chars_table_slots": a["chars_table_slots"][::-1].copy()},
        lambda a: {**a, "chars_table_slots": a["chars_table_slots"] + 10**6},
        lambda a: {**a, "words_table_pair_slots": np.zeros_like(a["words_table_pair_slots"])},
        lambda a: {**a, "words_table_unigrams": a["words_table_unigrams"] + 10**6},
        lambda a: {**a, "words_table_pair_ids": a["words_table_pair_ids"] + 10**6},
        lambda a: {k: v for k, v in a.items() if k != "words_table_pairs"},
    ],
    ids=["slots shuffled", "slots past the end", "pairs in one slot", "columns", "word ids", "missing"],
)
def test_look_up_tables_that_do_not_fit_are_rebuilt(
    small_model: Path, seed_paths: list[Path], tmp_path: Path, edit
) -> None:
    odd = copy_model(small_model, tmp_path)
    _rewrite_weights(odd, edit)
    lines = _seed_lines(seed_paths)
    assert np.array_equal(_probabilities(odd, lines), _probabilities(small_model, lines))


def test_look_up_tables_that_are_not_integers_are_refused(small_model: Path, tmp_path: Path) -> None:
    odd = copy_model(small_model, tmp_path)
    _rewrite_weights(odd, lambda a: {**a, "chars_table_slots": a["chars_table_slots"].astype(float)})
    with pytest.raises(ModelError, match="look-up table 'chars_table_slots' is not integers"):
        load_model(odd)


def test_a_block_given_other_terms_does_not_use_the_saved_tables(small_model: Path) -> None:
    model = load_model(small_model)
    _, chars = _blocks(model)
    terms = tuple(chars.terms)  # equal terms, another object: the tables are not vouched for
    copied = dataclasses.replace(model, chars=dataclasses.replace(chars, terms=terms))
    _, copied_chars = _blocks(copied)
    assert _tables(copied_chars).fit(copied_chars.terms) is None
    assert _same_tables(copied.saved_tables(), model.saved_tables())
