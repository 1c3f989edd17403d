# The compiled module built from cut_kernel.c (setup.py); see that file and model/cutter.py.
import numpy as np

class Segmenter:
    """jieba's cut from jiebacut's table and finalseg's HMM (states in the order B E M S)."""

    def __init__(
        self,
        keys: np.ndarray,
        freqs: np.ndarray,
        total: int,
        longest: int,
        start: np.ndarray,
        trans: np.ndarray,
        emit: np.ndarray,
    ) -> None: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def entries(self) -> int: ...
    def cut(self, text: str, /) -> list[str]: ...
    def cut_lines(self, texts: list[str], /) -> list[str]: ...
    def cut_ids(
        self, texts: list[str], vocabulary: Vocabulary, missing: int, dropped: int, break_id: int, /
    ) -> bytes: ...

class Vocabulary:
    """Words and their ids, for Segmenter.cut_ids."""

    def __init__(self, words: list[str], ids: list[int]) -> None: ...
    def __len__(self) -> int: ...
