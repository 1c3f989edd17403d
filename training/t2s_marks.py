"""The characters that let OpenCC's ``t2s`` change a text (``model/resources/t2s_marks.json``).

OpenCC converts by longest match against its dictionaries' keys, and an unmatched
character passes unchanged. A key can change a text only where it matches and its
value differs from it. Every such key holds a character that OpenCC converts on
its own, or (a phrase like 沈默 → 沉默) a character listed for it here: the rarest
of its characters in jieba's dictionary, so that common text rarely holds one. A
text holding none of the listed characters is therefore returned as it is, and
``text.normalize`` does not call OpenCC for it.

The file names the dictionary files it was made from with their SHA-256, and is
used only where the installed OpenCC's files are those. Rebuild it after an OpenCC
upgrade (it needs ``pip install marisa-trie`` to read the dictionaries)::

    python -m parknews.training.t2s_marks
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from parknews.model.atomic import atomic_write
from parknews.model.jiebahmm import jieba_folder
from parknews.model.script import T2S_MARKS, opencc_t2s_files

__all__ = ["build_marks", "main"]

_HEADER = b"OPENCC_MARISA_0.2.5"


def _keys(path: Path) -> list[str]:
    """The keys of one ``.ocd2`` dictionary: its header, then a marisa trie of the keys."""
    import marisa_trie  # a tool of this script only, not of parknews

    data = path.read_bytes()
    if not data.startswith(_HEADER):
        raise ValueError(f"{path}: not an OpenCC marisa dictionary")
    with tempfile.NamedTemporaryFile(suffix=".marisa") as trie_file:
        trie_file.write(data[len(_HEADER) :])  # the trie reads its own part and stops
        trie_file.flush()
        trie = marisa_trie.Trie()
        trie.load(trie_file.name)
        return list(trie.keys())


def build_marks() -> dict[str, Any]:
    """The marks of the installed OpenCC's t2s and the digests of the files they were read from."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    files = opencc_t2s_files()
    if files is None:
        raise RuntimeError("the installed OpenCC's t2s dictionaries were not found")
    keys = [key for path in files if path.suffix == ".ocd2" for key in _keys(path)]
    chars = sorted({c for key in keys for c in key})
    alone = {c for c, converted in zip(chars, convert("\n".join(chars)).split("\n")) if converted != c}
    common = _char_weights()
    phrases = {
        min(key, key=lambda c: (common.get(c, 0), c))
        for key in keys
        if alone.isdisjoint(key) and convert(key) != key
    }
    return {
        "opencc_files": {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files},
        "marks": "".join(sorted(alone | phrases)),
    }


def _char_weights() -> dict[str, int]:
    """How common each character is: the summed frequency of jieba's dictionary words holding it."""
    weights: dict[str, int] = {}
    with (jieba_folder() / "dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, freq = line.split()[:2]
            for char in set(word):
                weights[char] = weights.get(char, 0) + int(freq)
    return weights


def main() -> int:
    try:
        import marisa_trie  # noqa: F401  # only to say what is missing in one line
    except ImportError:
        print("t2s_marks reads OpenCC's dictionaries with marisa-trie: pip install it", file=sys.stderr)
        return 2
    marks = build_marks()
    with atomic_write(T2S_MARKS) as stream:
        json.dump(marks, stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    print(f"{T2S_MARKS}: {len(marks['marks'])} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
