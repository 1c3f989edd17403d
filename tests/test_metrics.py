"""The evaluation's numbers: the classification report and the page bootstrap."""

from __future__ import annotations

import numpy as np

from parknews.training.metrics import page_bootstrap, report

LABELS = ("recruitment", "investment", "other")


def _pages(n_pages: int = 40, per_page: int = 6) -> tuple[list[str], list[str], list[str]]:
    rng = np.random.default_rng(7)
    truth = [LABELS[i] for i in rng.integers(0, 3, n_pages * per_page)]
    guess = [t if rng.random() < 0.75 else "other" for t in truth]
    pages = [f"page-{i // per_page}" for i in range(len(truth))]
    return truth, guess, pages


def test_the_bootstrap_centres_on_the_reported_macro_f1_and_a_perfect_system_scores_one() -> None:
    truth, guess, pages = _pages()
    scores = page_bootstrap(truth, [guess, truth], pages, labels=LABELS, rounds=400)
    assert scores.shape == (2, 400)
    assert abs(scores[0].mean() - report(truth, guess, labels=LABELS).macro_f1) < 0.02
    assert 0.0 < scores[0].std() < 0.1
    assert np.all(scores[1] == 1.0)


def test_the_same_resamples_serve_every_system_so_a_difference_is_paired() -> None:
    truth, guess, pages = _pages()
    twice = page_bootstrap(truth, [guess, list(guess)], pages, labels=LABELS, rounds=200, seed=3)
    assert np.array_equal(twice[0], twice[1])
    again = page_bootstrap(truth, [guess], pages, labels=LABELS, rounds=200, seed=3)
    assert np.array_equal(again[0], twice[0])
