"""Issue 5 through the CLI: bad input gets a clear answer, nothing is lost, a model file cannot run code.

Every case checks the exit code, the one-line message, and that nothing was
lost: the other inputs' records are all there, the old model is byte for byte
what it was, and no staging directory is left behind.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from parknews.cli.app import app
from parknews.model.reader import decode
from parknews.model.text import paragraphs

from .conftest import SEEDS_DIR

runner = CliRunner()
SEED = {p.name[:3]: p for p in sorted(SEEDS_DIR.glob("*.txt"))}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


# ---------------------------------------------------------------- helpers


def classify(model: Path, *args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, ["classify", *args, "-f", "jsonl", "--model", str(model)], input=stdin)


def rows(result: Result) -> list[dict[str, object]]:
    # Only "\n" ends a JSONL record: a paragraph may hold U+2028 or U+0085.
    return [json.loads(line) for line in result.stdout.split("\n") if line]


def stderr_lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


def assert_all_paragraphs(records: list[dict[str, object]], name: str, text: str) -> None:
    """The records of ``name`` are exactly its non-empty lines, in order, text unchanged."""
    mine = [r for r in records if r["file"] == name]
    assert [(r["paragraph"], r["text"]) for r in mine] == [(p.index, p.text) for p in paragraphs(text)]


def assert_clean(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def good_file(tmp_path: Path) -> tuple[Path, str]:
    """A real article every mixed run includes, to show the good inputs still come out whole."""
    text = SEED["004"].read_text("utf-8")
    path = tmp_path / "good.txt"
    path.write_text(text, "utf-8")
    return path, text


# ---------------------------------------------------------------- encodings


def big5_twin() -> str:
    # Seed 001 is traditional but for a few simplified characters Big5 lacks.
    lines = SEED["001"].read_text("utf-8").split("\n")
    return "\n".join(line for line in lines if _encodes(line, "big5"))


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("seed", "encoding", "reported"),
    [
        ("003", "utf-8-sig", "utf-8-sig"),
        ("003", "gb18030", "gb18030"),
        ("004", "gbk", "gb18030"),
        ("000", "gbk", "gb18030"),
        ("001", "big5", "big5"),
    ],
)
def test_an_encoded_twin_gets_exactly_the_labels_of_its_utf8_twin(
    small_model: Path, tmp_path: Path, seed: str, encoding: str, reported: str
) -> None:
    text = big5_twin() if encoding == "big5" else SEED[seed].read_text("utf-8")
    utf8, other = tmp_path / "utf8.txt", tmp_path / f"{encoding}.txt"
    utf8.write_text(text, "utf-8")
    other.write_bytes(text.encode(encoding))
    result = classify(small_model, str(utf8), str(other))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    records = rows(result)
    a = [r for r in records if r["file"] == str(utf8)]
    b = [r for r in records if r["file"] == str(other)]
    assert len(a) == len(paragraphs(text)) > 10
    assert {r["encoding"] for r in a} == {"utf-8"}
    assert {r["encoding"] for r in b} == {reported}
    strip = ("file", "encoding")
    assert [{k: v for k, v in r.items() if k not in strip} for r in b] == [
        {k: v for k, v in r.items() if k not in strip} for r in a
    ]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        # Lines charset-normalizer alone reads as cp949, Big5, UTF-16 or Shift-JIS.
        ("走出去", "gbk"),
        ("更多", "gbk"),
        ("搭建平臺", "gbk"),
        ("今日要聞", "gbk"),
        ("大力实施产业项目五大攻坚", "gbk"),
        ("精準招商 構建完整產業鏈條", "gbk"),
        ("全面实现“2121”目标", "gbk"),
        ("凝聚高端人才智慧優(yōu)勢", "gb18030"),
        ("精準實施四大配套行動", "big5"),
        ("跑出產業項目建設新徵程", "big5"),
        ("- 菊花茶是怎麼泡出來的", "big5"),
    ],
)
def test_short_gbk_and_big5_paragraphs_are_read_right(text: str, encoding: str) -> None:
    decoded, _ = decode(text.encode(encoding))
    assert decoded == text


def test_a_one_line_gbk_file_and_gbk_on_stdin(small_model: Path, tmp_path: Path) -> None:
    line = "大力实施产业项目五大攻坚，精准实施四大配套行动"
    path = tmp_path / "title.txt"
    path.write_bytes(line.encode("gbk"))
    result = classify(small_model, str(path), "-", stdin=("园区签约项目12个。\n" + line).encode("gbk"))
    assert result.exit_code == 0, result.output
    records = rows(result)
    assert [(r["file"], r["text"], r["encoding"]) for r in records] == [
        (str(path), line, "gb18030"),
        ("-", "园区签约项目12个。", "gb18030"),
        ("-", line, "gb18030"),
    ]


def test_utf8_with_a_broken_byte_is_read_with_a_warning(small_model: Path, tmp_path: Path) -> None:
    text = SEED["003"].read_text("utf-8")
    lines = text.split("\n")
    data = text.encode("utf-8")
    # A scraper that cut the file mid-character, and one stray byte between two lines.
    middle = data.index(b"\n", len(data) // 2) + 1
    broken = data[:middle] + b"\xff" + data[middle:] + "园".encode()[:2]
    path = tmp_path / "cut.txt"
    path.write_bytes(broken)
    result = classify(small_model, str(path))
    assert result.exit_code == 0, result.output
    assert stderr_lines(result) == [f"warning: {path}: 2 broken UTF-8 sequence(s) read as U+FFFD (\ufffd)"]
    records = rows(result)
    assert {r["encoding"] for r in records} == {"utf-8"}
    assert_all_paragraphs(records, str(path), broken.decode("utf-8", errors="replace"))
    # Every original line is still there; the damage shows as two U+FFFD and nothing else.
    got = "\n".join(str(r["text"]) for r in records)
    assert got.count("\ufffd") == 2
    assert all(line in got for line in lines)


def test_json_lines_stay_utf8_on_a_latin1_terminal(small_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(SEED["004"].read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    code = "from parknews.cli.app import main; main()"
    argv = [sys.executable, "-c", code, "classify", str(path), "-f", "jsonl", "--model", str(small_model)]
    done = subprocess.run(argv, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    records = [json.loads(line) for line in done.stdout.decode("utf-8").split("\n") if line]
    assert_all_paragraphs(records, str(path), SEED["004"].read_text("utf-8"))


# ---------------------------------------------------------------- files that are not text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("image.png", PNG, "binary file (NUL bytes), not text"),
        ("noise.txt", random.Random(5).randbytes(4096), "binary file (NUL bytes), not text"),
        (
            "noise-without-nul.txt",
            bytes(random.Random(7).choices(range(1, 256), k=4096)),
            "not text in any encoding parknews can detect",
        ),
        ("bad-bom.txt", b"\xef\xbb\xbf" + "园区".encode("gbk"), "starts with a utf-8-sig byte-order mark"),
    ],
    ids=["png", "random-bytes", "random-bytes-without-nul", "bom-then-gbk"],
)
def test_a_file_that_is_not_text_is_skipped_and_the_rest_processed(
    small_model: Path, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    good, text = good_file(tmp_path)
    bad = tmp_path / name
    bad.write_bytes(data)
    result = classify(small_model, str(bad), str(good))
    assert_clean(result)
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"warning: {bad}: {reason}")
    records = rows(result)
    assert {r["file"] for r in records} == {str(good)}
    assert_all_paragraphs(records, str(good), text)


def test_a_directory_named_like_a_text_file_and_a_broken_link(small_model: Path, tmp_path: Path) -> None:
    good, text = good_file(tmp_path)
    folder = tmp_path / "x.txt"
    folder.mkdir()
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    result = classify(small_model, str(folder), str(link), str(good))
    assert_clean(result)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"warning: {folder}: folder holds no .txt, .html, .jsonl or .csv files",
        f"warning: {link}: broken symbolic link (to {tmp_path / 'deleted.txt'})",
    ]
    assert_all_paragraphs(rows(result), str(good), text)


def test_a_folder_names_its_broken_links_and_reads_the_rest(small_model: Path, tmp_path: Path) -> None:
    # Decided: a link named like an article whose target is gone is an article lost, so it is
    # reported (exit 1) as the same link given by name is; the folder's other files are read.
    folder = tmp_path / "crawl"
    folder.mkdir()
    good, text = good_file(folder)
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "notes.md").symlink_to(tmp_path / "deleted.md")  # not an article's name: not listed
    result = classify(small_model, str(folder))
    assert_clean(result)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"warning: {folder / 'gone.txt'}: broken symbolic link (to {tmp_path / 'deleted.txt'})",
        f"warning: {folder / 'loop.txt'}: symbolic link loop",
    ]
    assert_all_paragraphs(rows(result), str(good), text)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads a mode-000 file anyway")
def test_a_file_without_read_permission(small_model: Path, tmp_path: Path) -> None:
    good, text = good_file(tmp_path)
    locked = tmp_path / "locked.txt"
    locked.write_text("园区", "utf-8")
    locked.chmod(0)
    try:
        result = classify(small_model, str(locked), str(good))
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"warning: {locked}: cannot read (Permission denied)"]
    assert_all_paragraphs(rows(result), str(good), text)


# ---------------------------------------------------------------- nothing to label, odd shapes


@pytest.mark.parametrize("content", [b"", b"  \n\t\n\xe3\x80\x80\r\n \r"], ids=["empty", "white-space"])
def test_an_empty_file_is_reported_but_not_a_failure(
    small_model: Path, tmp_path: Path, content: bytes
) -> None:
    # Decided: an empty file was read fine and has nothing to label, so it says so and exits 0.
    good, text = good_file(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    result = classify(small_model, str(empty), str(good))
    assert result.exit_code == 0, result.output
    assert stderr_lines(result) == [f"warning: {empty}: no text (empty or white space only)"]
    records = rows(result)
    assert {r["file"] for r in records} == {str(good)}
    assert_all_paragraphs(records, str(good), text)


def test_one_line_of_three_megabytes(small_model: Path, tmp_path: Path) -> None:
    line = "园区招商引资签约项目，总投资十二亿元。" * 60_000
    path = tmp_path / "huge.txt"
    path.write_text("\n" + line + "\r\n", "utf-8")
    assert path.stat().st_size > 3_000_000
    result = classify(small_model, str(path))
    assert result.exit_code == 0, result.output
    records = rows(result)
    assert len(records) == 1
    assert records[0]["text"] == line and records[0]["paragraph"] == 0


def test_a_file_too_large_to_be_an_article_and_an_endless_device(
    small_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.model.reader.MAX_INPUT_BYTES", 1 << 20)
    good, text = good_file(tmp_path)
    big = tmp_path / "dump.txt"
    big.write_text("园区招商。\n" * 100_000, "utf-8")
    devices = [path for path in ("/dev/zero",) if Path(path).exists()]
    result = classify(small_model, str(big), *devices, str(good))
    assert_clean(result)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"warning: {big}: larger than 1 MiB; split it into articles",
        *(f"warning: {path}: binary file (NUL bytes), not text" for path in devices),
    ]
    assert_all_paragraphs(rows(result), str(good), text)


def test_a_folder_with_no_text_files_and_a_missing_path(small_model: Path, tmp_path: Path) -> None:
    good, text = good_file(tmp_path)
    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "page.pdf").write_text("%PDF-1.4", "utf-8")
    (folder / "notes.md").write_text("园区", "utf-8")
    missing = tmp_path / "nothing-here.txt"
    too_long = "园" * 200 + ".txt"
    result = classify(small_model, str(folder), str(missing), too_long, str(good))
    assert_clean(result)
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"warning: {folder}: folder holds no .txt, .html, .jsonl or .csv files",
        f"warning: {missing}: no such file or folder",
        f"warning: {too_long}: cannot read (File name too long)",
    ]
    assert_all_paragraphs(rows(result), str(good), text)


def test_a_folder_gives_only_its_text_files_in_order(small_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    texts = {"b.txt": SEED["004"].read_text("utf-8"), "a.TXT": "园区签约项目12个。\n"}
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "c.png").write_bytes(PNG)
    result = classify(small_model, str(folder))
    assert result.exit_code == 0, result.output
    records = rows(result)
    assert records[0]["file"] == str(folder / "a.TXT")
    for name, text in texts.items():
        assert_all_paragraphs(records, str(folder / name), text)


def test_stdin_utf8_and_binary(small_model: Path) -> None:
    result = classify(small_model, "-", stdin="当前位置:首页\n\n园区签约项目12个。".encode())
    assert result.exit_code == 0, result.output
    assert [(r["file"], r["text"]) for r in rows(result)] == [
        ("-", "当前位置:首页"),
        ("-", "园区签约项目12个。"),
    ]
    result = classify(small_model, "-", stdin=PNG)
    assert result.exit_code == 1
    assert stderr_lines(result) == ["warning: standard input: binary file (NUL bytes), not text"]


def test_usage_errors_exit_2(small_model: Path, small_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No path and a terminal on stdin (nothing piped in): a usage error, not a wait for typing.
    monkeypatch.setattr("parknews.cli.common.stdin_is_terminal", lambda: True)
    assert runner.invoke(app, ["classify", "--model", str(small_model)]).exit_code == 2
    assert runner.invoke(app, ["train", "--data", str(small_data), "--folds", "1"]).exit_code == 2
    assert runner.invoke(app, ["classify", "x.txt", "--jobs-that-do-not-exist"]).exit_code == 2


# ---------------------------------------------------------------- model files


class Planted:
    """Unpickling this creates ``path``: the marker that code in a model file ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str]]:
        return (os.system, (f"touch {self.path}",))


def _rewrite_checksums(model: Path) -> None:
    """What a careful attacker does: make the manifest vouch for the planted file."""
    import hashlib

    manifest = json.loads((model / "manifest.json").read_text("utf-8"))
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((model / name).read_bytes()).hexdigest()
    (model / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _edit_manifest(model: Path, **changes: object) -> None:
    manifest = json.loads((model / "manifest.json").read_text("utf-8"))
    manifest.update(changes)
    (model / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _flip_byte(model: Path) -> None:
    data = bytearray((model / "weights.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "weights.npz").write_bytes(bytes(data))


def _truncate(model: Path) -> None:
    path = model / "weights.npz"
    path.write_bytes(path.read_bytes()[:1000])


def _truncate_and_rewrite_checksums(model: Path) -> None:
    _truncate(model)
    _rewrite_checksums(model)


# What each damage returns (write_text's count, say) is not used.
DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "tampered": (_flip_byte, "does not match its checksum in the manifest"),
    "truncated": (_truncate, "does not match its checksum in the manifest"),
    "truncated, checksum redone": (_truncate_and_rewrite_checksums, "could not be read as a parknews model"),
    "other format version": (lambda m: _edit_manifest(m, format_version=99), "has model format 99"),
    "other features version": (lambda m: _edit_manifest(m, features_version=0), "trained on features v0"),
    "manifest not JSON": (lambda m: (m / "manifest.json").write_text("{", "utf-8"), "is damaged"),
    "not a parknews manifest": (
        lambda m: (m / "manifest.json").write_text("[]", "utf-8"),
        "is not a parknews model manifest",
    ),
    "unknown labels": (
        lambda m: _edit_manifest(m, labels=["a", "b", "c", "d", "e", "f"]),
        "'labels' must list two or more distinct parknews labels",
    ),
    "temperature NaN": (lambda m: _edit_manifest(m, temperature=float("nan")), "'temperature' must be"),
    "weights missing": (lambda m: (m / "weights.npz").unlink(), "is incomplete: weights.npz is missing"),
    "manifest missing": (lambda m: (m / "manifest.json").unlink(), "manifest.json is missing"),
    "no model at all": (shutil.rmtree, "no model directory at"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_model_is_refused_in_one_line(small_model: Path, tmp_path: Path, case: str) -> None:
    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    damage, message = DAMAGE[case]
    damage(model)
    good, _ = good_file(tmp_path)
    result = classify(model, str(good))
    assert_clean(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(stderr_lines(result)) == 1
    assert result.stderr.startswith("error: ") and message in result.stderr


@pytest.mark.parametrize("redo_checksum", [False, True], ids=["as-is", "checksum-redone"])
def test_a_pickle_planted_as_weights_never_runs(
    small_model: Path, tmp_path: Path, redo_checksum: bool
) -> None:
    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    marker = tmp_path / "pwned"
    (model / "weights.npz").write_bytes(pickle.dumps(Planted(marker)))
    if redo_checksum:
        _rewrite_checksums(model)
    result = classify(model, str(SEED["004"]))
    assert result.exit_code == 1
    assert len(stderr_lines(result)) == 1 and "Traceback" not in result.output
    assert not marker.exists()
    expected = "could not be read as a parknews model" if redo_checksum else "checksum"
    assert expected in result.stderr


def test_an_object_array_inside_the_npz_never_unpickles(small_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    marker = tmp_path / "pwned"
    with np.load(model / "weights.npz") as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["intercept"] = np.array([Planted(marker)] * len(arrays["intercept"]), dtype=object)
    with (model / "weights.npz").open("wb") as handle:
        np.savez(handle, **arrays)
    _rewrite_checksums(model)
    result = classify(model, str(SEED["004"]))
    assert result.exit_code == 1
    assert len(stderr_lines(result)) == 1 and "could not be read as a parknews model" in result.stderr
    assert not marker.exists()


# ---------------------------------------------------------------- training data


def _record(text: str = "园区签约项目12个。", label: str = "investment", doc: str = "d1") -> str:
    return json.dumps({"text": text, "label": label, "doc": doc, "source": "authored"}, ensure_ascii=False)


def _articles(n: int, labels: tuple[str, ...] = ("investment", "spam")) -> list[str]:
    texts = ("园区签约项目12个。", "当前位置：首页 > 新闻")
    return [_record(texts[i % 2], label, f"d{k}") for k in range(n) for i, label in enumerate(labels)]


# (case, the file's lines or bytes, the line the message names, the problem it states)
DATA_CASES: list[tuple[str, list[str] | bytes, int, str]] = [
    ("malformed JSON", [_record(), '{"text": "园区", "label": '], 2, "not valid JSON"),
    (
        "missing field",
        [_record(), json.dumps({"text": "园区", "label": "spam", "doc": "d1"})],
        2,
        "missing field",
    ),
    ("unknown label", [_record(), _record(label="jobs")], 2, "unknown label 'jobs'"),
    ("empty text", [_record(), _record(text="  ")], 2, "empty text"),
    ("empty file", [], 1, "the file holds no records"),
    (
        "not UTF-8",
        "".join(f"{line}\n" for line in [_record("Park news", "other", "d0"), *_articles(3)]).encode("gbk"),
        2,
        "not UTF-8 text",
    ),
    ("one class only", _articles(6, ("spam",)), 1, "all 6 paragraphs are labeled 'spam'"),
    ("too few articles", _articles(3), 1, "grouped 5-fold cross-validation needs 5 articles or more"),
    (
        "one label left in a fold",
        [_record(label="spam", doc="d0"), *_articles(6, ("investment",))],
        1,
        "holds out every 'spam' paragraph at once",
    ),
]


def _write_data(path: Path, content: list[str] | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text("".join(line + "\n" for line in content), "utf-8")


@pytest.mark.parametrize(("case", "content", "line", "problem"), DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_bad_training_data_names_file_and_line_and_keeps_the_old_model(
    small_model: Path, tmp_path: Path, case: str, content: list[str] | bytes, line: int, problem: str
) -> None:
    data = tmp_path / "labels.jsonl"
    _write_data(data, content)
    old = tmp_path / "model"
    shutil.copytree(small_model, old)
    before = snapshot(old)
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(old)])
    assert_clean(result)
    assert result.exit_code == 1
    assert f"{data}:{line}: " in result.stderr and problem in result.stderr
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []
    fresh = tmp_path / "new-model"
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(fresh)])
    assert result.exit_code == 1
    assert not fresh.exists()


def test_data_too_thin_to_fit_is_one_line(tmp_path: Path) -> None:
    han = "甲乙丙丁戊己庚辛壬癸子丑"
    lines = [
        _record(han[i * 4 + j * 2 : i * 4 + j * 2 + 2], ("spam", "other")[j], f"x{i}")
        for i in range(3)
        for j in (0, 1)
    ]
    data = tmp_path / "thin.jsonl"
    _write_data(data, lines)
    result = runner.invoke(
        app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--folds", "3", "--quick"]
    )
    assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: training failed on this data: ")
    assert not (tmp_path / "m").exists()


# ---------------------------------------------------------------- where the model goes


def fake_fit(small_model: Path) -> Callable[..., object]:
    """Stands in for the minutes of fitting: returns the small model at once."""
    from parknews.model.store import load_model
    from parknews.training.fit import FitResult, Settings

    def fit(dataset: object, **kwargs: object) -> FitResult:
        return FitResult(model=load_model(small_model), settings=Settings(), cv=None)

    return fit


def test_out_never_replaces_a_folder_of_user_files(small_data: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "labels.jsonl").write_text("mine", "utf-8")
    (work / "manifest.json").write_text("{}", "utf-8")
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(work), "--quick"])
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"error: {work} holds files that are not a parknews model (labels.jsonl): refusing to replace it"
    ]
    assert snapshot(work) == {"labels.jsonl": b"mine", "manifest.json": b"{}"}
    target = tmp_path / "notes.txt"
    target.write_text("mine", "utf-8")
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(target), "--quick"])
    assert result.exit_code == 1 and "is a file, not a model directory" in result.stderr
    assert target.read_text("utf-8") == "mine"


def test_an_unwritable_out_is_one_line(
    small_model: Path, small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.training.fit.train", fake_fit(small_model))
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(blocker / "model")])
    assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"error: cannot write a model in {blocker}")


def test_retraining_replaces_the_model_whole(
    small_model: Path, small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.training.fit.train", fake_fit(small_model))
    old = tmp_path / "model"
    shutil.copytree(small_model, old)
    (old / "weights.npz").write_bytes(b"stale")  # a damaged model may be retrained over
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(old)])
    assert result.exit_code == 0, result.output
    assert (old / "weights.npz").read_bytes() == (small_model / "weights.npz").read_bytes()
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- Ctrl-C


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_fitting_keeps_the_old_model(
    small_model: Path, small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.training.fit.train", _interrupt)
    old = tmp_path / "model"
    shutil.copytree(small_model, old)
    before = snapshot(old)
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(old)])
    assert result.exit_code == 130
    assert stderr_lines(result)[-1] == f"error: interrupted: the model at {old} is unchanged"
    assert "Traceback" not in result.output
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_saving_keeps_the_old_model(
    small_model: Path, small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("parknews.training.fit.train", fake_fit(small_model))
    monkeypatch.setattr(np, "savez", _interrupt)
    old = tmp_path / "model"
    shutil.copytree(small_model, old)
    (old / "weights.npz").write_bytes(b"older")  # tell the old model from the new one
    _rewrite_checksums(old)
    before = snapshot(old)
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(old)])
    assert result.exit_code == 130
    assert stderr_lines(result)[-1] == f"error: interrupted: the model at {old} is unchanged"
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []
    fresh = tmp_path / "fresh"
    result = runner.invoke(app, ["train", "--data", str(small_data), "--out", str(fresh)])
    assert result.exit_code == 130
    assert stderr_lines(result)[-1] == f"error: interrupted: nothing was written to {fresh}"
    assert not fresh.exists() and leftovers(tmp_path) == []


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_a_real_sigint_during_training(small_model: Path, tmp_path: Path) -> None:
    old = tmp_path / "model"
    shutil.copytree(small_model, old)
    before = snapshot(old)
    code = "from parknews.cli.app import main; main()"
    # The full search on the whole corpus takes minutes even on a fast machine: the
    # signal lands mid-fit (the small data trains in under a second there).
    # -X faulthandler: if the child ever ignores the signals, a SIGABRT below makes it
    # print where each of its threads stood, for the failure message.
    argv = [sys.executable, "-X", "faulthandler", "-c", code, "train", "--out", str(old), "--folds", "3"]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C in a terminal reaches a process whose SIGINT is at its default. A test
        # run started in the background (`pytest &` in a script) inherits SIGINT *ignored*,
        # and Python then never turns it into KeyboardInterrupt: the child trained on
        # through 30 signals. Reset it, as the user's shell does for a foreground command.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert "paragraphs in" in first, first
        time.sleep(1.0)
        # As a user would: Ctrl-C, and again if the first one seems not to take
        # (on a loaded CI machine one was once not acted on within a minute).
        rest = None
        for _ in range(30):
            process.send_signal(signal.SIGINT)
            try:
                _, rest = process.communicate(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            process.send_signal(signal.SIGABRT)
            _, rest = process.communicate(timeout=30)
            rest = f"still running after 30 SIGINTs; its threads:\n{rest}"
    finally:
        process.kill()
    assert process.returncode == 130, rest
    assert rest.strip().splitlines() == [f"error: interrupted: the model at {old} is unchanged"]
    assert snapshot(old) == before
    assert leftovers(tmp_path) == []
