"""Character-level ROUGE, as is usual for Chinese.

Both sides are ``normalize``d (simplified script, NFKC width folding) and then white
space, punctuation and control characters (Unicode categories Z*, P*, C*) are dropped;
every other character (Han, letter, digit, symbol such as ℃) is one unit. ROUGE-1/2
count clipped n-gram matches sentence by sentence (no n-gram crosses a sentence
boundary); ROUGE-L is the longest common subsequence of the two summaries each joined
into one sequence. Every figure is an F1.

Our own code, not a ROUGE package: the common ones (rouge-score, py-rouge) tokenize on
white space or ASCII words and would score Chinese as empty or whole lines.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from parknews.model.text import normalize

__all__ = ["lcs_length", "rouge", "rouge_units"]


def rouge_units(text: str) -> str:
    """The characters ROUGE counts: normalized, without white space, punctuation or control characters."""
    return "".join(ch for ch in normalize(text) if unicodedata.category(ch)[0] not in "ZPC")


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): O(len(a)·len(b)/64)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _f1(overlap: float, candidate: float, reference: float) -> float:
    if overlap <= 0 or candidate <= 0 or reference <= 0:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(units: Iterable[str], n: int) -> Counter[str]:
    grams: Counter[str] = Counter()
    for u in units:
        grams.update(u[i : i + n] for i in range(len(u) - n + 1))
    return grams


def rouge(candidate: Sequence[str], reference: Sequence[str]) -> tuple[float, float, float]:
    """Char-level ROUGE-1, ROUGE-2 and ROUGE-L F1 of candidate sentences against reference sentences."""
    cand = [rouge_units(s) for s in candidate]
    ref = [rouge_units(s) for s in reference]
    scores = []
    for n in (1, 2):
        c, r = _ngrams(cand, n), _ngrams(ref, n)
        scores.append(_f1(sum((c & r).values()), sum(c.values()), sum(r.values())))
    joined_c, joined_r = "".join(cand), "".join(ref)
    scores.append(_f1(lcs_length(joined_c, joined_r), len(joined_c), len(joined_r)))
    return scores[0], scores[1], scores[2]
