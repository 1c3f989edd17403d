"""The compiled cut (model/cut_kernel.c) against jieba itself and its Python twin (jiebacut): the same
words on every paragraph of the corpus, on awkward strings and on random ones; bad tables refused;
and neither of them imports the jieba package."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parknews.model import jiebacut, jiebahmm
from parknews.model.kernel import load_cut_kernel

from .conftest import SEEDS_DIR, built


def joined(cuts: list[list[str]]) -> list[str]:
    out: list[str] = []
    for i, words in enumerate(cuts):
        out += (["\n"] if i else []) + words
    return out


def test_every_paragraph_of_the_corpus(segmenter, corpus_strings, jieba_corpus_words) -> None:
    different = [t for t, words in zip(corpus_strings, jieba_corpus_words) if segmenter.cut(t) != words]
    assert different == [], f"{len(different)} of {len(corpus_strings)} strings differ, e.g. {different[:3]}"
    # In one call, as segment.cut_lines makes it (a newline inside a text reads as a space).
    flat = [t for t in corpus_strings if "\n" not in t]
    assert segmenter.cut_lines(flat) == joined([segmenter.cut(t) for t in flat])
    # The Python twin, on every eighth string: it needs ~0.5 ms a string.
    sample = corpus_strings[::8]
    assert [jiebacut.lcut(t) for t in sample] == [segmenter.cut(t) for t in sample]


RNG = random.Random(8)
HAN_RUN = "".join(chr(RNG.randint(0x4E00, 0x9FD5)) for _ in range(6000))
AWKWARD = [
    "",
    " ",
    "   ",
    "\t\n",
    "\r\n",
    "\r\r\n\n",
    "a\r\nb",
    "中\r\n文",
    "\r",
    "\n\r",
    "资资资",
    "久久久久久",
    "哈哈哈哈哈哈哈",
    "服服服服区",
    "引资卫记记记资招记他",
    "天天天天向上 的的的 了了了了",
    "㐀㐁中文 \u4dbf\u4e00",  # CJK Extension A, then the first Han character jieba knows
    "\u9fd5\u9fd6\u9fff\ua000 他在\u9fe0\u9fe1来",  # past jieba's range
    "\uf900\ufa0e\ufaff中 \u2f00\u2e80",  # compatibility ideographs, radicals
    "𠀀𠀁中文 \U0002a6d6\U00040000 \U0010ffff",  # astral
    "\ud800 \udfff中\ud800文 \udc80\udcff",  # lone surrogates (surrogateescape)
    "中\U0001f600文 ab\U0001f600",
    "ab١٢.٣% ab1.٣% x12.3%y ab１２.３％ ab٣",  # other digits after a letter run
    "v1.2.3 163.com danling_fabu covid-19 3.14.15 0.a ab-12 0-0-0",
    "c++ C# AT&T 1.5% 0%0 x--y a+b ... %%% ___ --- +++ ### &&&",
    "\u3000中文\u3000 \xa0 \x1c\x1d\x1e\x1f \u2028\u2029\x85 \ufeff中 \x0b\x0c",
    "ＡＢＣ１２３全角 ａｂｃ",
    "中" * 300,
    "中国" * 1000,
    "开发区招商引资" * 400,
    HAN_RUN,
    "a" * 5000,
    "1." * 2000,
    "a1" * 3000 + "中",
    "".join(RNG.choice("园区招商引资项目ab1.-_%+# ，。\t") for _ in range(20000)),
]


def test_awkward_strings(segmenter, jieba_lcut) -> None:
    for text in AWKWARD:
        expected = jieba_lcut(text)
        assert segmenter.cut(text) == expected, text[:40]
        assert jiebacut.lcut(text) == expected, text[:40]


def test_a_huge_text_is_cut_whole(segmenter) -> None:
    text = "\n".join(Path(p).read_text("utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))) * 40
    text += "资" * 1_000_000
    words = segmenter.cut(text)
    assert "".join(words) == text
    lines = text.split("\n")
    assert segmenter.cut_lines(lines) == words  # no "\r" ends a line: the same words either way


HAN = "中文开发区园区招商引资项目人才服务来了他在我日报记者资久哈的是不国"
ALPHABET = HAN + "abcXYZ019.-_%+#&:/ @（）,，。、\t\r\n\u3000\u4dbf\u9fd6\uf900𠀀\ud800١３"
TEXT = st.lists(
    st.one_of(
        st.sampled_from(list(ALPHABET)),
        st.tuples(st.sampled_from(list(HAN)), st.integers(2, 6)).map(lambda p: p[0] * p[1]),
        st.sampled_from(["开发区", "招商引资", "v1.2", "3.14%", "\r\n", "ab-12", "0-0"]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_random_strings(segmenter, jieba_lcut, text: str) -> None:
    expected = jieba_lcut(text)
    assert segmenter.cut(text) == expected
    assert jiebacut.lcut(text) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=6))
def test_cut_lines_is_each_cut_with_newlines_between(segmenter, texts: list[str]) -> None:
    assert segmenter.cut_lines(texts) == joined([segmenter.cut(t.replace("\n", " ")) for t in texts])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(HAN + "ab1.٣%-_ \u4dbf")), max_size=20))
def test_the_hmm_is_finalsegs(text: str) -> None:
    from jieba import finalseg

    assert list(jiebahmm.cut(text)) == list(finalseg.cut(text))


def test_the_hmm_tables_are_finalsegs() -> None:
    from jieba import finalseg

    tables = jiebahmm.load_tables()
    assert tables.start.tolist() == [finalseg.start_P[y] for y in "BEMS"]
    for a, row in zip("BEMS", tables.trans.tolist()):
        assert row == [finalseg.trans_P[a].get(b, jiebahmm.MIN_FLOAT) for b in "BEMS"]
    for code in (0x4E00, 0x4E2D, 0x9FA5, 0x9FD5):
        row = tables.emit[code - jiebahmm.HAN_FIRST].tolist()
        assert row == [finalseg.emit_P[y].get(chr(code), jiebahmm.MIN_FLOAT) for y in "BEMS"]


def test_a_damaged_hmm_cache_is_rebuilt(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PARKNEWS_CACHE_DIR", str(tmp_path))
    first = jiebahmm._load()
    (cache,) = tmp_path.iterdir()
    cache.write_text("not an npz")
    again = jiebahmm._load()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert jiebahmm._read(cache) is not None  # and saved again


MULTIPLIER = 0x9E3779B97F4A7C15


def key(word: str) -> int:
    h = 0
    for ch in word:
        h = (h * MULTIPLIER + ord(ch) + 1) % (1 << 64)
    return h


def tiny() -> dict:
    """A dictionary of three words (and the prefix 中国), with finalseg's tables."""
    words = {"中": 5, "中国": 0, "中国人": 20, "国": 3}
    hmm = jiebahmm.load_tables()
    return {
        "keys": np.array([key(w) for w in words], dtype=np.uint64),
        "freqs": np.array(list(words.values()), dtype=np.int64),
        "total": 28,
        "longest": 3,
        "start": hmm.start,
        "trans": hmm.trans,
        "emit": hmm.emit,
    }


def test_a_small_dictionary_works(cut_kernel) -> None:
    made = cut_kernel.Segmenter(**tiny())
    assert made.entries == 4
    # 中 国 alone are single words, and their run is no word (中国 is a bare prefix): the HMM's.
    assert made.cut("中国人中国") == ["中国人", "中国"]
    assert made.cut("国中国人") == ["国", "中国人"]


BAD = [
    ("keys", lambda t: t["keys"].astype(np.float64), TypeError),
    ("keys", lambda t: t["keys"].astype(np.int64), TypeError),
    ("keys", lambda t: t["keys"].astype(">u8"), TypeError),
    ("keys", lambda t: t["keys"].astype(np.uint32), TypeError),
    ("keys", lambda t: t["keys"].tolist(), TypeError),
    ("keys", lambda t: t["keys"].tobytes(), TypeError),
    ("keys", lambda t: t["keys"].reshape(2, 2), ValueError),
    ("keys", lambda t: np.repeat(t["keys"], 2)[::2], ValueError),  # not contiguous
    ("keys", lambda t: t["keys"][[0, 1, 1, 2]], ValueError),  # a key twice
    ("freqs", lambda t: t["freqs"][:3], ValueError),
    ("freqs", lambda t: t["freqs"].astype(np.uint64), TypeError),
    ("freqs", lambda t: -t["freqs"], ValueError),
    ("total", lambda t: 0, ValueError),
    ("total", lambda t: "28", TypeError),
    ("longest", lambda t: 0, ValueError),
    ("longest", lambda t: 10**6, ValueError),
    ("start", lambda t: t["start"][:3], ValueError),
    ("trans", lambda t: t["trans"][:, :3].copy(), ValueError),
    ("trans", lambda t: t["trans"].T, ValueError),  # Fortran order
    ("emit", lambda t: t["emit"][:100], ValueError),
    ("emit", lambda t: np.zeros(t["emit"].shape, dtype=np.float32), TypeError),
    ("emit", lambda t: None, TypeError),
]


@pytest.mark.parametrize(("name", "spoil", "error"), BAD)
def test_bad_tables_are_refused(cut_kernel, name: str, spoil, error: type[Exception]) -> None:
    table = tiny()
    table[name] = spoil(table)
    with pytest.raises(error):
        cut_kernel.Segmenter(**table)


def test_misuse_raises(cut_kernel) -> None:
    made = cut_kernel.Segmenter(**tiny())
    with pytest.raises(RuntimeError):
        made.__init__(**tiny())  # type: ignore[misc]
    assert made.cut("中国人") == ["中国人"]
    with pytest.raises(TypeError):
        made.cut(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        made.cut_lines(("a", "b"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        made.cut_lines(["a", 1])  # type: ignore[list-item]
    with pytest.raises(RuntimeError):
        cut_kernel.Segmenter.__new__(cut_kernel.Segmenter).cut("中")


@pytest.mark.parametrize("kernels", ["compiled", "python"])
def test_cutting_never_imports_jieba(kernels: str) -> None:
    # jieba's __init__ imports pkg_resources: 0.1 s of a cold start before the first word.
    if kernels == "compiled":
        built(load_cut_kernel(), "cut kernel")
    code = (
        "import sys\n"
        "from parknews.model import jiebacut, segment\n"
        "assert segment.cut('资资资资 㐀 招商引资') == ['资资', '资资', ' ', '㐀', ' ', '招商引资']\n"
        "assert jiebacut.lcut('服服服服区') == ['服服', '服服区']\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('jieba', 'pkg_resources')]\n"
        "assert not loaded, loaded\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PARKNEWS_SEGMENTER"}
    env["PARKNEWS_KERNEL"] = kernels
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
