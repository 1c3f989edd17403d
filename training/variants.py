"""Script variants of authored articles, the way scraped mirrors serve them.

Real pages reach users in traditional script, and some in a traditional form
with pinyin glued after characters (``區(qū)``, seeds 000 and 002), with odd
spacing. ``make_variants`` turns simplified authored articles into those
forms, reproducibly (the random choices are seeded by the doc id), under doc
ids ``<doc>~hant`` / ``<doc>~gloss`` so that grouped splits keep each variant
with its article.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from .dataset import GENERATED, VARIANT_MARK, Article

__all__ = ["KINDS", "glossed", "make_variants", "script_of", "traditional"]

KINDS = ("hant", "gloss")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=8)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str, config: str = "s2t") -> str:
    """Simplified → traditional with OpenCC (``s2t``, ``s2hk`` or ``s2tw``)."""
    return _converter(config).convert(text)


def _no_reading(chars: str) -> Any:
    # pypinyin takes a list (one entry per character) from `errors`; its stubs say str.
    return [None] * len(chars)


def glossed(simplified: str, rng: random.Random, rate: float = 0.7) -> str:
    """Traditional text with a tone-marked pinyin gloss after characters that changed script."""
    from pypinyin import Style, pinyin

    converted = traditional(simplified)
    if len(converted) != len(simplified):  # a phrase mapping changed the length: no glosses
        return converted
    readings = pinyin(simplified, style=Style.TONE, errors=_no_reading)
    flat = [r[0] if r else None for r in readings]
    if len(flat) != len(simplified):
        return converted
    out = []
    for s_char, t_char, reading in zip(simplified, converted, flat):
        out.append(t_char)
        if s_char != t_char and reading and rng.random() < rate:
            out.append(f"({reading})")
    return "".join(out)


def _noise(text: str, rng: random.Random) -> str:
    # Scraped mirrors pad metadata with runs of (ideographic) spaces.
    if rng.random() < 0.2:
        text = text.replace(" ", rng.choice(("    ", "\u3000", "\xa0 ")))
    return text


def script_of(text: str) -> str:
    """``glossed``, ``traditional``, ``simplified`` or ``none`` (no Han text) for a piece of text."""
    if re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)", text):
        return "glossed"
    han = "".join(_HAN.findall(text))
    if not han:
        return "none"
    simplified = _converter("t2s").convert(han)
    changed = sum(a != b for a, b in zip(han, simplified))
    return "traditional" if changed >= max(1, len(han) // 50) else "simplified"


def _seed(doc: str, kind: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{doc}|{kind}".encode()).digest()[:8], "big")


def make_variants(articles: Iterable[Article], *, every: int = 3) -> Iterator[dict[str, str]]:
    """Records of variants for about one simplified article in ``every``.

    Which articles get a variant, and of which kind, depends only on the doc id,
    so adding articles to the corpus leaves the existing variants as they are.
    """
    for article in articles:
        pick = _seed(article.doc, "pick")
        if pick % every or script_of("".join(article.lines)) != "simplified":
            continue
        kind = KINDS[(pick // every) % len(KINDS)]
        rng = random.Random(_seed(article.doc, kind))
        doc = f"{article.doc}{VARIANT_MARK}{kind}"
        for record in article.records:
            text = traditional(record.text) if kind == "hant" else glossed(record.text, rng)
            yield {
                "text": _noise(text, rng),
                "label": record.label,
                "doc": doc,
                "source": GENERATED,
            }
