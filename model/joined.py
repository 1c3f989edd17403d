"""Terms kept as one string, as a model folder stores them (``store``), read by ``terms``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property

__all__ = ["JoinedTerms"]


class JoinedTerms(Sequence[str]):
    """Terms kept as one string with ``SEPARATOR`` between them, as a model file stores them.

    Parsing 250,000 short strings out of JSON was a tenth of the cold start; one long string
    costs next to nothing, the look-up tables read its code points without splitting it, and
    the strings themselves are made only if something asks for them (explanations, saving).
    """

    SEPARATOR = "\n"  # no term holds one: a paragraph is one line (``fits`` checks it on save)

    def __init__(self, text: str) -> None:
        self.text = text

    @staticmethod
    def fits(terms: Sequence[str]) -> bool:
        """Whether ``terms`` can be joined and split back unchanged."""
        return all(terms) and JoinedTerms.SEPARATOR not in "".join(terms)

    @cached_property
    def _strings(self) -> list[str]:
        return self.text.split(self.SEPARATOR) if self.text else []

    def __len__(self) -> int:
        return self.text.count(self.SEPARATOR) + 1 if self.text else 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        return self._strings[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._strings)

    def __getstate__(self) -> dict[str, str]:
        return {"text": self.text}  # the split strings are rebuilt where the model lands
