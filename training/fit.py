"""Fitting the paragraph classifier: a scikit-learn pipeline, chosen by grouped CV, exported to arrays.

The pipeline is a ``FeatureUnion`` of three blocks over ``Context`` records
(jieba word TF-IDF, character n-gram TF-IDF, standardized layout cues)
feeding a multinomial logistic regression. Settings are chosen by grouped
cross-validation (folds by article), a single temperature calibrates the
probabilities on the out-of-fold scores, and the result is exported to a
``ParagraphClassifier`` that needs no scikit-learn to run.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from parknews.model.classifier import ParagraphClassifier, TermBlock, softmax
from parknews.model.context import in_articles
from parknews.model.errors import DataError
from parknews.model.features import Context, char_terms, contexts, layout_vector, word_terms
from parknews.model.labels import LABELS

from .dataset import DEFAULT_DATA_DIR, GENERATED, Dataset
from .metrics import Report, report

__all__ = [
    "FitResult",
    "Settings",
    "build_pipeline",
    "check_trainable",
    "cross_validate",
    "dataset_contexts",
    "export",
    "train",
]


@dataclass(frozen=True)
class Settings:
    """One point of the search space."""

    words: bool = True
    chars: bool = True
    layout: bool = True
    C: float = 8.0
    min_df: int = 2
    class_weight: str | None = "balanced"
    # The article's pull toward its topics (model.context); judged on real pages, not searched.
    context: float = 2.0

    def describe(self) -> str:
        blocks = "+".join(b for b in ("words", "chars", "layout") if getattr(self, b))
        weights = f"C={self.C:g} min_df={self.min_df} class_weight={self.class_weight}"
        return f"{blocks} {weights} context={self.context:g}"


DEFAULT_GRID: tuple[Settings, ...] = (
    Settings(C=4.0),
    Settings(C=8.0),
    Settings(C=16.0),
)


class LayoutVectorizer(TransformerMixin, BaseEstimator):
    """``Context`` records → the dense layout cues of ``model.features.layout_vector``."""

    def fit(self, X: Sequence[Context], y: Any = None) -> LayoutVectorizer:
        return self

    def transform(self, X: Sequence[Context]) -> np.ndarray:
        return np.array([layout_vector(c) for c in X], dtype=np.float64)


def build_pipeline(settings: Settings) -> Pipeline:
    blocks: list[tuple[str, Any]] = []
    if settings.words:
        blocks.append(
            (
                "words",
                TfidfVectorizer(
                    analyzer=word_terms, sublinear_tf=True, min_df=settings.min_df, dtype=np.float64
                ),
            )
        )
    if settings.chars:
        blocks.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer=char_terms, sublinear_tf=True, min_df=settings.min_df, dtype=np.float64
                ),
            )
        )
    if settings.layout:
        blocks.append(("layout", Pipeline([("cues", LayoutVectorizer()), ("scale", StandardScaler())])))
    return Pipeline(
        [
            ("features", FeatureUnion(blocks)),
            (
                "classifier",
                LogisticRegression(C=settings.C, max_iter=3000, class_weight=settings.class_weight),
            ),
        ]
    )


def dataset_contexts(dataset: Dataset) -> tuple[list[Context], list[str], list[str]]:
    """Contexts, labels and group ids of every paragraph, article by article."""
    ctxs: list[Context] = []
    for article in dataset.articles:
        ctxs.extend(contexts(article.lines))
    return ctxs, [r.label for r in dataset.records], dataset.groups()


def check_trainable(dataset: Dataset, folds: int) -> None:
    """Refuse data that cannot give a model and an honest score, before any fitting.

    Each refusal names the ``file:line`` of a record it is about, as load errors do.
    """
    records = dataset.records
    if not records:
        raise DataError("no labeled paragraphs to train on")
    first = records[0]
    counts = dataset.label_counts()
    if len(counts) < 2:
        only = next(iter(counts))
        raise DataError(
            f"{first.file}:{first.line}: all {counts[only]} paragraphs are labeled {only!r}: "
            "a classifier needs two labels or more"
        )
    groups = dataset.groups()
    starts: dict[str, Any] = {}
    for group, record in zip(groups, records):
        starts.setdefault(group, record)
    if len(starts) < folds:
        listed = ", ".join(f"{g!r} ({r.file}:{r.line})" for g, r in list(starts.items())[:5])
        raise DataError(
            f"{first.file}:{first.line}: grouped {folds}-fold cross-validation needs {folds} articles "
            f"or more; the data has {len(starts)}: {listed} (add articles or use fewer folds)"
        )
    # A fold whose training part holds one label only would make the fit fail midway.
    y = np.array([r.label for r in records])
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(y, y, groups):
        left = set(y[train_idx].tolist())
        if len(left) < 2:
            held = next(records[int(i)] for i in test_idx if y[i] not in left)
            raise DataError(
                f"{held.file}:{held.line}: grouped {folds}-fold cross-validation holds out every "
                f"{held.label!r} paragraph at once, leaving only {left.pop()!r} to train on: "
                f"label {held.label!r} in more articles"
            )


@dataclass
class FitResult:
    model: ParagraphClassifier
    settings: Settings
    cv: Report | None
    search: list[tuple[Settings, float]] = field(default_factory=list)


def _out_of_fold(
    settings: Settings,
    ctxs: list[Context],
    y: np.ndarray,
    groups: list[str],
    folds: int,
    labels: tuple[str, ...],
    progress: Callable[[str], None],
) -> np.ndarray:
    scores = np.zeros((len(ctxs), len(labels)))
    splitter = GroupKFold(n_splits=folds)
    for k, (train_idx, test_idx) in enumerate(splitter.split(ctxs, y, groups), 1):
        progress(f"{settings.describe()}: fold {k}/{folds}")
        pipe = build_pipeline(settings).fit([ctxs[i] for i in train_idx], y[train_idx])
        fold_scores = pipe.decision_function([ctxs[i] for i in test_idx])
        # A fold may miss a label entirely; keep the columns aligned with `labels`.
        column = {label: j for j, label in enumerate(pipe.classes_)}
        full = np.full((len(test_idx), len(labels)), -1e9)
        if fold_scores.ndim == 1:
            # Two labels: the same ±z/2 logits `export` gives, so the temperature fits them.
            fold_scores = np.column_stack([-fold_scores, fold_scores]) / 2
        for j, label in enumerate(labels):
            if label in column:
                full[:, j] = fold_scores[:, column[label]]
        scores[test_idx] = full
    return scores


def _fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(y_index)), y_index] + 1e-12)))

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def cross_validate(
    dataset: Dataset, settings: Settings, *, folds: int = 5, progress: Callable[[str], None] = lambda _: None
) -> tuple[Report, float]:
    """Grouped-CV report of ``settings`` on ``dataset`` and the temperature fitted out of fold.

    Generated script variants train in their article's fold but are left out of the
    scores: they would count the same paragraph twice.
    """
    ctxs, y_list, groups = dataset_contexts(dataset)
    labels = tuple(l for l in LABELS if l in set(y_list))
    y = np.array(y_list)
    scores = _out_of_fold(settings, ctxs, y, groups, folds, labels, progress)
    scored = np.array([r.source != GENERATED for r in dataset.records])
    if not scored.any():
        scored[:] = True
    y_index = np.array([labels.index(v) for v in y_list])[scored]
    temperature = _fit_temperature(scores[scored], y_index)
    # Each paragraph read with the rest of its article (by doc: a script variant is an article
    # of its own, as it is to the model).
    sizes = [len(a.records) for a in dataset.articles]
    proba = in_articles(scores / temperature, sizes, labels, settings.context)[scored]
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    return report(list(y[scored]), predicted, labels=labels, proba=proba), temperature


def export(
    pipe: Pipeline, temperature: float, manifest: dict[str, Any], *, context: float = 0.0
) -> ParagraphClassifier:
    """The fitted pipeline as a scikit-learn-free ``ParagraphClassifier``."""
    union: FeatureUnion = pipe.named_steps["features"]
    clf: LogisticRegression = pipe.named_steps["classifier"]
    fitted = [str(c) for c in clf.classes_]
    coef = clf.coef_ if len(fitted) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]]) / 2
    intercept = clf.intercept_ if len(fitted) > 2 else np.array([-clf.intercept_[0], clf.intercept_[0]]) / 2
    # Columns in the canonical label order, whatever order scikit-learn sorted them in.
    labels = tuple(sorted(fitted, key=lambda l: LABELS.index(l) if l in LABELS else len(LABELS)))
    order = [fitted.index(l) for l in labels]
    coef, intercept = coef[order], intercept[order]
    offset = 0
    blocks: dict[str, Any] = {}
    for name, transformer in union.transformer_list:
        if name == "layout":
            scaler: StandardScaler = transformer.named_steps["scale"]
            width = scaler.mean_.shape[0]
            blocks["layout"] = (
                scaler.mean_,
                np.where(scaler.scale_ == 0, 1.0, scaler.scale_),
                coef[:, offset : offset + width].T.copy(),
            )
        else:
            vec: TfidfVectorizer = transformer
            width = len(vec.vocabulary_)
            blocks[name] = TermBlock.from_vocabulary(
                dict(vec.vocabulary_),
                idf=vec.idf_.copy(),
                weights=coef[:, offset : offset + width].T.copy(),
            )
        offset += width
    layout = blocks.get("layout")
    return ParagraphClassifier(
        labels=labels,
        words=blocks.get("words"),
        chars=blocks.get("chars"),
        layout_mean=layout[0] if layout else None,
        layout_scale=layout[1] if layout else None,
        layout_weights=layout[2] if layout else None,
        intercept=intercept.copy(),
        temperature=temperature,
        context_weight=context,
        manifest=manifest,
    )


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(DEFAULT_DATA_DIR.parent.parent))
    except ValueError:
        return str(path)


def _versions() -> dict[str, str]:
    names = ("parknews", "jieba", "opencc", "numpy", "scikit-learn", "scipy")
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def train(
    dataset: Dataset,
    *,
    grid: Sequence[Settings] = DEFAULT_GRID,
    folds: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> FitResult:
    """Choose settings by grouped CV, fit on all data, calibrate, export."""
    # The fits are many small BLAS calls; on a shared 2-core machine OpenBLAS
    # threads fight each other and make them about ten times slower.
    with threadpool_limits(limits=1):
        return _train(dataset, grid=grid, folds=folds, progress=progress)


def _train(
    dataset: Dataset,
    *,
    grid: Sequence[Settings],
    folds: int,
    progress: Callable[[str], None],
) -> FitResult:
    check_trainable(dataset, folds)
    search: list[tuple[Settings, float, Report, float]] = []
    for settings in grid:
        rep, temperature = cross_validate(dataset, settings, folds=folds, progress=progress)
        search.append((settings, rep.macro_f1, rep, temperature))
    best, _, best_report, temperature = max(search, key=lambda s: s[1])
    progress(f"fitting {best.describe()} on all {len(dataset.records)} paragraphs")
    ctxs, y, _ = dataset_contexts(dataset)
    pipe = build_pipeline(best).fit(ctxs, np.array(y))
    counts = dataset.label_counts()
    manifest = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "settings": best.describe(),
        "training_data": {
            "sha256": dataset.sha256,
            "files": [_display_path(p) for p in dataset.files],
            "paragraphs": len(dataset.records),
            "articles": len(dataset.articles),
            "label_counts": dict(sorted(counts.items())),
        },
        "libraries": _versions(),
        "cv": {"folds": folds, "grouped_by": "article", **best_report.as_dict()},
        "search": [{"settings": s.describe(), "macro_f1": round(f, 4)} for s, f, _, _ in search],
    }
    model = export(pipe, temperature, manifest, context=best.context)
    return FitResult(model=model, settings=best, cv=best_report, search=[(s, f) for s, f, _, _ in search])
