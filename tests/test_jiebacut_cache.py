"""jiebacut's table is kept between processes as plain arrays, and a bad or missing cache only costs time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from parknews.model import jiebacut

pytest.importorskip("jieba")


def _dict_txt() -> Path:
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "dict.txt"


def _same(a: jiebacut._Dictionary, b: jiebacut._Dictionary) -> None:
    assert np.array_equal(a.keys, b.keys) and np.array_equal(a.freqs, b.freqs)
    assert (a.total, a.longest) == (b.total, b.longest)


def test_the_table_is_built_once_then_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNEWS_CACHE_DIR", str(tmp_path / "cache"))
    built = jiebacut._Dictionary(_dict_txt())
    files = list((tmp_path / "cache").iterdir())
    assert [f.suffix for f in files] == [".npz"]  # one file, no temporary left over

    def no_build(self: object, path: Path) -> None:
        raise AssertionError("rebuilt although the cache fits")

    monkeypatch.setattr(jiebacut._Dictionary, "_build", no_build)
    _same(jiebacut._Dictionary(_dict_txt()), built)


@pytest.mark.parametrize("damage", ["truncated", "unsorted", "not an npz"])
def test_a_damaged_cache_is_rebuilt_and_replaced(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKNEWS_CACHE_DIR", str(tmp_path))
    good = jiebacut._Dictionary(_dict_txt())
    (cache,) = tmp_path.iterdir()
    if damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:1000])
    elif damage == "unsorted":
        np.savez(
            cache, keys=good.keys[::-1], freqs=good.freqs[::-1], meta=np.array([good.total, good.longest])
        )
    else:
        cache.write_text("hello")
    _same(jiebacut._Dictionary(_dict_txt()), good)
    _same(jiebacut._Dictionary(_dict_txt()), good)  # and the rebuilt table was saved again
    assert len(np.load(cache)["keys"]) == len(good.keys)


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PARKNEWS_CACHE_DIR", str(blocked / "cache"))
    table = jiebacut._Dictionary(_dict_txt())
    assert table.freq("开发区") > 0 and table.freq("开发区招商局局长办公室") == 0
    assert blocked.read_text() == "not a folder"
