"""The anchors parknews is measured against, each behind a loader that returns None when not installed.

Compatibility shims, all local to the benchmark:
- TextRank4ZH 0.3 (2016) calls ``networkx.from_numpy_matrix``, removed in
  networkx 3; it is aliased to ``from_numpy_array`` (same graph for a dense
  ndarray).
- fastText 0.9.2's ``predict`` calls ``np.array(..., copy=False)``, which
  numpy 2 refuses; predictions go through the binding's ``multilinePredict``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Summarize = Callable[[str], Any]


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)


def jieba_loop(lines: list[str], runs: int) -> float:
    """Best wall time of a plain ``jieba.lcut`` over every line (dictionary loaded beforehand)."""
    import jieba

    _quiet_jieba()
    jieba.initialize()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for line in lines:
            jieba.lcut(line)
        best = min(best, time.perf_counter() - start)
    return best


def _textrank4zh() -> Summarize | None:
    try:
        import networkx
        from textrank4zh import TextRank4Sentence
    except ImportError:
        return None
    if not hasattr(networkx, "from_numpy_matrix"):
        networkx.from_numpy_matrix = networkx.from_numpy_array
    _quiet_jieba()

    def summarize(text: str) -> Any:
        ranker = TextRank4Sentence()
        ranker.analyze(text=text, lower=True, source="all_filters")
        return ranker.get_key_sentences(num=3)

    return summarize


def _snownlp() -> Summarize | None:
    try:
        from snownlp import SnowNLP
    except ImportError:
        return None
    return lambda text: SnowNLP(text).summary(3)


def _sumy(kind: str) -> Callable[[], Summarize | None]:
    def load() -> Summarize | None:
        try:
            from sumy.nlp.tokenizers import Tokenizer
            from sumy.parsers.plaintext import PlaintextParser
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.summarizers.text_rank import TextRankSummarizer
        except ImportError:
            return None
        _quiet_jieba()
        tokenizer = Tokenizer("chinese")
        summarizer = TextRankSummarizer() if kind == "textrank" else LexRankSummarizer()

        def summarize(text: str) -> Any:
            return summarizer(PlaintextParser.from_string(text, tokenizer).document, 3)

        return summarize

    return load


@dataclass(frozen=True)
class Anchor:
    name: str
    label: str
    load: Callable[[], Summarize | None]


ANCHORS: tuple[Anchor, ...] = (
    Anchor("textrank4zh", "TextRank4ZH", _textrank4zh),
    Anchor("snownlp", "SnowNLP", _snownlp),
    Anchor("sumy_textrank", "sumy TextRank", _sumy("textrank")),
    Anchor("sumy_lexrank", "sumy LexRank", _sumy("lexrank")),
)


_FASTTEXT_PARAMS = {"epoch": 25, "lr": 0.5, "wordNgrams": 2, "minCount": 1, "verbose": 0, "thread": 1}


def _fasttext_tokens() -> Callable[[str], str]:
    """Normalized text segmented by jieba, words joined by spaces (fastText needs them split)."""
    import jieba

    from parknews.model.text import normalize

    _quiet_jieba()
    jieba.initialize()

    def tokens(text: str) -> str:
        return " ".join(w for w in jieba.lcut(normalize(text)) if w.strip())

    return tokens


def _fasttext_fit(fasttext: Any, labeled: Iterable[tuple[str, str]]) -> Any:
    """A fastText model fitted on (label, tokenized text) pairs."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.writelines(f"__label__{label} {text}\n" for label, text in labeled)
    try:
        return fasttext.train_supervised(handle.name, **_FASTTEXT_PARAMS)
    finally:
        os.unlink(handle.name)


def _fasttext_predict(model: Any, lines: list[str]) -> list[str]:
    found, _ = model.f.multilinePredict(lines, 1, 0.0, "strict")
    return [f[0].replace("__label__", "", 1) if f else "other" for f in found]


def fasttext_cv(dataset: Any, folds: int) -> dict[str, Any] | None:
    """fastText supervised on the same paragraphs and grouped folds as ``parknews train``.

    Paragraphs are normalized and segmented by jieba (fastText needs words
    split by spaces); settings are fastText's usual ones for short texts
    (25 epochs, word bigrams). Training time covers every fold plus the final
    fit, like ``parknews train``'s; prediction speed includes segmentation.
    """
    try:
        import fasttext
    except ImportError:
        return None
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from parknews.training.metrics import report

    tokens = _fasttext_tokens()
    records = dataset.records
    texts = [tokens(r.text) for r in records]
    labels = [r.label for r in records]
    groups = dataset.groups()

    def fit(rows: list[int]) -> Any:
        return _fasttext_fit(fasttext, ((labels[i], texts[i]) for i in rows))

    predict = _fasttext_predict
    predicted = [""] * len(records)
    start = time.perf_counter()
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(texts, labels, groups):
        model = fit(list(train_idx))
        for i, label in zip(test_idx, predict(model, [texts[i] for i in test_idx])):
            predicted[i] = label
    model = fit(list(range(len(records))))
    seconds = time.perf_counter() - start
    raw = [r.text for r in records]
    start = time.perf_counter()
    predict(model, [tokens(t) for t in raw])
    predict_seconds = time.perf_counter() - start
    rep = report(labels, predicted, labels=tuple(sorted(set(labels))))
    return {
        "seconds": seconds,
        "fits": folds + 1,
        "accuracy": rep.accuracy,
        "macro_f1": rep.macro_f1,
        "predict_per_s": len(raw) / predict_seconds,
        "params": {k: v for k, v in _FASTTEXT_PARAMS.items() if k != "verbose"},
        "labels_seen": int(np.unique(labels).size),
    }


def fasttext_classifier(texts: list[str], labels: list[str]) -> Callable[[list[str]], list[str]] | None:
    """fastText supervised fitted on all of ``texts`` (settings as in ``fasttext_cv``); a labeller.

    None when fastText is not installed.
    """
    try:
        import fasttext
    except ImportError:
        return None
    tokens = _fasttext_tokens()
    model = _fasttext_fit(fasttext, ((label, tokens(text)) for text, label in zip(texts, labels)))

    def label(lines: list[str]) -> list[str]:
        return _fasttext_predict(model, [tokens(t) for t in lines])

    return label
