"""Saving and loading a model directory: ``manifest.json``, ``vocabulary.json``, ``weights.npz``.

Nothing here unpickles: arrays load with ``allow_pickle=False`` and the rest
is JSON, so a model file can hold numbers and strings but never code. The
manifest records a SHA-256 of each file; a truncated or edited file is
refused before it is parsed. Saving writes a temporary directory beside the
target and renames it into place, so a failed save leaves the old model whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .classifier import ParagraphClassifier, TermBlock
from .errors import ModelError
from .features import FEATURES_VERSION, LAYOUT_NAMES
from .joined import JoinedTerms
from .labels import LABELS
from .rows import pack_rows
from .terms import SavedTables

__all__ = ["FORMAT", "FORMAT_VERSION", "check_replaceable", "load_model", "save_model"]

FORMAT = "parknews-model"
# 2: a block's vocabulary may be one string, its terms joined by JoinedTerms.SEPARATOR (cheaper
# to parse than a list of 250,000 strings). 3: weights.npz also holds each block's look-up tables
# as integer arrays ("<block>_table_<name>", terms.SavedTables), so loading need not build them.
# Formats 1 and 2 still load (their tables are built from the terms, with the same predictions).
FORMAT_VERSION = 3
_READABLE_VERSIONS = (1, 2, 3)
_TABLE = "_table_"  # infix of the look-up tables' array names
_MANIFEST = "manifest.json"
_VOCABULARY = "vocabulary.json"
_WEIGHTS = "weights.npz"
_MODEL_FILES = frozenset({_MANIFEST, _VOCABULARY, _WEIGHTS})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _arrays(model: ParagraphClassifier) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {"intercept": model.intercept}
    for name, block in (("words", model.words), ("chars", model.chars)):
        if block is not None:
            arrays[f"{name}_idf"] = block.idf
            arrays[f"{name}_weights"] = block.weights
    for name, tables in model.saved_tables().items():
        arrays.update({f"{name}{_TABLE}{key}": array for key, array in tables.items()})
    if model.layout_weights is not None:
        arrays["layout_mean"] = model.layout_mean  # type: ignore[assignment]
        arrays["layout_scale"] = model.layout_scale  # type: ignore[assignment]
        arrays["layout_weights"] = model.layout_weights
    return arrays


def _vocabulary(block: TermBlock | None) -> str | list[str] | None:
    if block is None:
        return None
    if isinstance(block.terms, JoinedTerms):
        return block.terms.text
    terms = list(block.terms)
    return JoinedTerms.SEPARATOR.join(terms) if JoinedTerms.fits(terms) else terms


def check_replaceable(directory: str | os.PathLike[str]) -> None:
    """Refuse a target that holds anything but a model (replacing it would delete the user's
    files), or where no model can be written: said before the minutes of fitting, not after."""
    target = Path(directory)
    _check_writable(target.parent)
    if not target.exists():
        return
    if not target.is_dir():
        raise ModelError(f"{target} is a file, not a model directory: refusing to replace it")
    foreign = sorted(p.name for p in target.iterdir() if p.name not in _MODEL_FILES)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise ModelError(
            f"{target} holds files that are not a parknews model ({shown}): refusing to replace it"
        )


def _check_writable(parent: Path) -> None:
    """Whether a folder can be made in ``parent`` (or its nearest existing ancestor, where
    ``save_model`` would create the rest): by making one, the only test that does not guess."""
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        Path(tempfile.mkdtemp(prefix=".parknews-check-", dir=existing)).rmdir()
    except OSError as exc:
        raise ModelError(f"cannot write a model in {parent}: {exc.strerror or exc}") from None


def save_model(model: ParagraphClassifier, directory: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``directory`` atomically and return the path."""
    target = Path(directory)
    check_replaceable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise ModelError(f"cannot write a model in {target.parent}: {exc.strerror or exc}") from None
    try:
        vocabulary = {"words": _vocabulary(model.words), "chars": _vocabulary(model.chars)}
        (staging / _VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), "utf-8")
        with (staging / _WEIGHTS).open("wb") as handle:
            # numpy's stubs read **kwds as savez's allow_pickle flag.
            np.savez(handle, **_arrays(model))  # type: ignore[arg-type]
        manifest = {
            **model.manifest,
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "features_version": FEATURES_VERSION,
            "labels": list(model.labels),
            "temperature": model.temperature,
            "context_weight": model.context_weight,
            "files": {name: _sha256(staging / name) for name in (_VOCABULARY, _WEIGHTS)},
        }
        (staging / _MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; a model is meant to be shared
        _swap_into_place(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ModelError(f"cannot write the model to {target}: {exc.strerror or exc}") from None
        raise
    return target


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    # Directories cannot be replaced in one rename; move the old one aside first
    # so that at every instant one complete model is on disk.
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _read_manifest(root: Path) -> dict[str, Any]:
    path = root / _MANIFEST
    if root.is_file():
        raise ModelError(f"{root} is a file, not a model directory")
    if not root.is_dir():
        raise ModelError(f"no model directory at {root} (train one with `parknews train`)")
    if not path.is_file():
        raise ModelError(f"{root} is not a parknews model: {_MANIFEST} is missing")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path} is damaged: {exc}") from None
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{path} is not a parknews model manifest")
    version = manifest.get("format_version")
    # `true == 1` in Python: a damaged manifest must not pass for format 1.
    if isinstance(version, bool) or not isinstance(version, int) or version not in _READABLE_VERSIONS:
        readable = ", ".join(map(str, _READABLE_VERSIONS[:-1])) + f" and {_READABLE_VERSIONS[-1]}"
        raise ModelError(
            f"{root} has model format {version!r}; this parknews reads "
            f"formats {readable}: retrain it with `parknews train`"
        )
    if manifest.get("features_version") != FEATURES_VERSION:
        raise ModelError(
            f"{root} was trained on features v{manifest.get('features_version')!r}; this "
            f"parknews computes v{FEATURES_VERSION}: retrain it with `parknews train`"
        )
    # The manifest carries the checksums, so nothing vouches for it: check every value we use.
    labels = manifest.get("labels")
    if (
        not isinstance(labels, list)
        or len(labels) < 2
        or len(set(map(str, labels))) != len(labels)
        or not all(isinstance(label, str) and label in LABELS for label in labels)
    ):
        raise ModelError(f"{path}: 'labels' must list two or more distinct parknews labels")
    temperature = manifest.get("temperature", 1.0)
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not math.isfinite(temperature)
        or temperature <= 0
    ):
        raise ModelError(f"{path}: 'temperature' must be a positive number")
    # Models written before the article's context was read have none: they read paragraphs alone.
    weight = manifest.get("context_weight", 0.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not (0 <= weight < math.inf):
        raise ModelError(f"{path}: 'context_weight' must be a number, 0 or more")
    return manifest


def _checked_files(root: Path, manifest: dict[str, Any]) -> dict[str, bytes]:
    """The content of each model file, once its checksum matches the manifest.

    Each file is read once: the bytes parsed are the bytes checked.
    """
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != {_VOCABULARY, _WEIGHTS}:
        raise ModelError(f"{root / _MANIFEST} does not list the model's files")
    contents: dict[str, bytes] = {}
    for name, expected in files.items():
        path = root / name
        if not path.is_file():
            raise ModelError(f"{root} is incomplete: {name} is missing")
        try:
            contents[name] = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from None
        if hashlib.sha256(contents[name]).hexdigest() != expected:
            raise ModelError(f"{path} does not match its checksum in the manifest (damaged or edited)")
    return contents


def _block(
    name: str, vocabulary: dict[str, Any], arrays: dict[str, np.ndarray], n_labels: int
) -> TermBlock | None:
    stored = vocabulary.get(name)
    if stored is None:
        return None
    if isinstance(stored, str):
        terms: Sequence[str] = JoinedTerms(stored)
    elif _all_strings(stored):
        terms = tuple(stored)
    else:
        raise ModelError(f"the {name} block's vocabulary must be a string or a list of strings")
    idf, weights = arrays[f"{name}_idf"], arrays[f"{name}_weights"]
    if idf.shape != (len(terms),) or weights.shape != (len(terms), n_labels):
        raise ModelError(f"the {name} block's arrays do not fit its vocabulary")
    prefix = f"{name}{_TABLE}"
    tables = {key[len(prefix) :]: array for key, array in arrays.items() if key.startswith(prefix)}
    return TermBlock(terms=terms, idf=idf, weights=weights, tables=SavedTables(terms, tables))


def _pack_blocks(arrays: dict[str, np.ndarray], vocabulary: dict[str, Any], n_labels: int) -> None:
    """Replace the blocks' weights and idf by views into the one array the classifier's look-up
    reads (``rows.pack_rows``): the weights are then in memory once, not twice. Arrays of the
    wrong shape or type are left as they are, for ``_block`` and ``_check_arrays`` to report."""
    names = [name for name in ("words", "chars") if vocabulary.get(name) is not None]
    pairs = [(arrays.get(f"{name}_weights"), arrays.get(f"{name}_idf")) for name in names]
    if not all(
        w is not None
        and i is not None
        and w.dtype == i.dtype == np.float64
        and w.ndim == 2
        and w.shape == (len(i), n_labels)
        and i.ndim == 1
        for w, i in pairs
    ):
        return
    for name, (weights, idf) in zip(names, pack_rows(pairs)):  # type: ignore[arg-type]
        arrays[f"{name}_weights"], arrays[f"{name}_idf"] = weights, idf


def _all_strings(terms: Any) -> bool:
    if not isinstance(terms, list):
        return False
    try:
        "".join(terms)  # checks every item is a str, in C: a loop over 250,000 terms would not be free
    except TypeError:
        return False
    return True


def load_model(directory: str | os.PathLike[str]) -> ParagraphClassifier:
    """Load and check a model directory written by ``save_model``."""
    root = Path(directory)
    manifest = _read_manifest(root)
    contents = _checked_files(root, manifest)
    labels = tuple(manifest.get("labels") or ())
    try:
        vocabulary = json.loads(contents[_VOCABULARY].decode("utf-8"))
        with np.load(io.BytesIO(contents[_WEIGHTS]), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
        n = len(labels)
        _pack_blocks(arrays, vocabulary, n)
        model = ParagraphClassifier(
            labels=labels,
            words=_block("words", vocabulary, arrays, n),
            chars=_block("chars", vocabulary, arrays, n),
            layout_mean=arrays.get("layout_mean"),
            layout_scale=arrays.get("layout_scale"),
            layout_weights=arrays.get("layout_weights"),
            intercept=arrays["intercept"],
            temperature=float(manifest.get("temperature", 1.0)),
            context_weight=float(manifest.get("context_weight", 0.0)),
            manifest=manifest,
        )
    except ModelError as exc:
        raise ModelError(f"{root}: {exc}") from None
    except (KeyError, ValueError, OSError, TypeError, AttributeError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{root} could not be read as a parknews model: {exc}") from None
    if not n or model.intercept.shape != (n,):
        raise ModelError(f"{root}: the intercept does not match the {n} labels")
    _check_arrays(root, arrays, n)
    return model


def _check_arrays(root: Path, arrays: dict[str, np.ndarray], n: int) -> None:
    """Numbers only, all finite, and a layout block whose shapes the classifier can use.

    Look-up tables are integers; ``terms`` checks that they fit the terms (else rebuilds them).
    """
    for key, array in arrays.items():
        if _TABLE in key:
            if array.dtype.kind not in "iu":
                raise ModelError(f"{root}: look-up table {key!r} is not integers")
        elif array.dtype.kind != "f" or not np.isfinite(array).all():
            raise ModelError(f"{root}: array {key!r} is not all finite floating-point numbers")
    layout = [arrays.get(k) for k in ("layout_mean", "layout_scale", "layout_weights")]
    if all(a is None for a in layout):
        return
    width = len(LAYOUT_NAMES)
    mean, scale, weights = layout
    if (
        mean is None
        or scale is None
        or weights is None
        or mean.shape != (width,)
        or scale.shape != (width,)
        or weights.shape != (width, n)
        or not (scale > 0).all()
    ):
        raise ModelError(f"{root}: the layout arrays do not fit {width} layout cues and {n} labels")
