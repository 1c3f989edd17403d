"""Sentences of a paragraph, as the summarizer and its evaluation count them.

``text.split_sentences`` cuts after every end mark, ；included; a sentence here is what
the gold summaries (and Chinese usage) call one: ；-joined clauses stay together. The
marks are ``text.py``'s, so the classifier's and the summarizer's sentences agree.
"""

from __future__ import annotations

from .text import CLAUSE_MARKS, CLOSERS, END_MARKS, split_sentences

__all__ = ["ends_sentence", "sentences_of"]

# str.rstrip takes the characters as one string.
CLOSER_CHARS = "".join(sorted(CLOSERS))


def sentences_of(line: str) -> list[str]:
    """The sentences of one paragraph, each an exact substring of ``line``.

    ``split_sentences`` also cuts after ；, but the gold summaries (and Chinese
    usage) treat ；-joined clauses as one sentence, so such pieces are joined
    back, taking the original text between them.
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    cursor = 0
    for piece in split_sentences(line):
        begin = line.find(piece, cursor)
        end = begin + len(piece)
        cursor = end
        if start is None:
            start = begin
        if piece.rstrip(CLOSER_CHARS)[-1:] in CLAUSE_MARKS:
            continue
        spans.append((start, end))
        start = None
    if start is not None:
        spans.append((start, cursor))
    return [line[a:b] for a, b in spans]


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a full stop (。！？!?), closing quotes and brackets aside.

    A heading, a caption or a ；-ended clause does not.
    """
    return text.rstrip(CLOSER_CHARS)[-1:] in END_MARKS
