"""``atomic_write``: the file is replaced whole or left as it was."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from parknews.model.atomic import atomic_write


def test_a_completed_write_replaces_the_file_and_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target, newline="\n") as stream:
        stream.write("园区\n新\n")
    assert target.read_bytes() == "园区\n新\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as stream:
        stream.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_binary_writes_and_a_missing_folder_is_an_oserror(tmp_path: Path) -> None:
    target = tmp_path / "table.bin"
    with atomic_write(target, binary=True) as stream:
        stream.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    with pytest.raises(OSError), atomic_write(tmp_path / "no" / "such.txt") as stream:
        stream.write("x")
