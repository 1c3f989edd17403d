# The compiled module built from jsonl_kernel.c (setup.py); see that file and model/annotate.py.
def records(
    head: str,
    tail: str,
    keys: tuple[str, ...],
    proba: object,  # a C-contiguous float64 buffer (a numpy array)
    rows: list[int],
    paragraphs: list[int],
    texts: list[str],
    labels: list[str],
    /,
) -> bytes | None: ...
def score_text(x: float, /) -> str | None: ...
