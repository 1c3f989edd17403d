# The compiled module built from score_kernel.c (setup.py); see that file and model/terms.py.
from typing_extensions import Buffer

def score(
    texts: list[str],
    words: Buffer | None,
    word_columns: Buffer | None,
    pair_keys: Buffer | None,
    pair_columns: Buffer | None,
    pair_bits: int,
    known: int,
    char_unigrams: Buffer | None,
    char_keys: Buffer | None,
    char_columns: Buffer | None,
    char_bits: int,
    rows: Buffer,
    labels: int,
    split: int,
    logs: Buffer,
    out: Buffer,
    /,
) -> None: ...
