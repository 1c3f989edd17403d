"""``--engine dask`` on a local cluster of two worker processes: the records of the single-process run."""

from __future__ import annotations

import codecs
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parknews.api import load_model
from parknews.cli import render
from parknews.cli.app import app
from parknews.engine.cluster import connect, run_on_dask
from parknews.engine.parts import PLAN_FILE
from parknews.engine.plan import Limits, make_plan
from parknews.model.errors import EngineError
from parknews.model.reader import no_text
from parknews.training.dataset import load_dataset

from .conftest import SEEDS_DIR

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed")

runner = CliRunner()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every labeled article as a .txt file, one paragraph a line."""
    folder = tmp_path_factory.mktemp("corpus")
    for i, article in enumerate(load_dataset().articles):
        (folder / f"{i:03d}.txt").write_text("\n".join(article.lines) + "\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large files that are cut into pieces, in the encodings and shapes the reader must get right."""
    folder = tmp_path_factory.mktemp("awkward")
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    body = "\n\n \u3000\n".join(seeds)
    # A byte-order mark, CRLF, runs of blank and full-width-space lines.
    (folder / "a_bom_crlf.txt").write_bytes(codecs.BOM_UTF8 + body.replace("\n", "\r\n").encode("utf-8"))
    # One paragraph far longer than the others.
    (folder / "b_long_line.txt").write_text(seeds[0] + "\n" + "园区" * 6000 + "\n" + seeds[1], "utf-8")
    # Not UTF-8, one broken byte (a warning), old Mac line ends, empty, a NUL byte far in (refused).
    (folder / "c_gb18030.txt").write_bytes(seeds[2].encode("gb18030"))
    (folder / "d_utf16.txt").write_bytes(seeds[3].encode("utf-16"))
    (folder / "e_broken_byte.txt").write_bytes(body.encode("utf-8") + b"\xff\n" + seeds[4].encode("utf-8"))
    (folder / "f_cr_only.txt").write_bytes(body.replace("\n", "\r").encode("utf-8"))
    (folder / "g_empty.txt").write_bytes(b"")
    (folder / "h_nul_late.txt").write_bytes(body.encode("utf-8") * 2 + b"\x00\n")
    return folder


# Parts of a few KB: the seeds are split and the corpus makes a hundred partitions.
TINY = Limits(part_bytes=4096, min_part_bytes=2048)


def run_tiny(
    inputs: list[str], *, model: Path, scheduler: str, out: Path | None = None, plan: Any = None
) -> tuple[str, list[str], Any]:
    """``classify -f jsonl`` through the engine's library API with tiny parts: stdout, warnings, report."""
    written: list[str] = []
    warnings: list[str] = []

    def emit(outcome: Any) -> None:
        if outcome.empty:  # said by the command's writer, as in a local run
            warnings.append(no_text(outcome.file))
        result = outcome.result  # the JSONL as UTF-8 bytes (or text where the Python path wrote it)
        written.append(result.decode("utf-8") if isinstance(result, bytes) else result)

    report = run_on_dask(
        plan if plan is not None else make_plan(inputs, split=True, limits=TINY),
        model=load_model(model),
        model_dir=model,
        command="classify",
        scheduler=scheduler,
        out_dir=out,
        emit=emit,
        warn=warnings.append,
        then=render.jsonl_text if out is None else None,
    )
    return "".join(written), warnings, report


def classify(*args: str, model: Path, input: str | None = None) -> Any:
    return runner.invoke(app, ["classify", *args, "--model", str(model)], input=input)


def on_dask(*args: str, model: Path, scheduler: str, input: str | None = None) -> Any:
    return classify(*args, "--engine", "dask", "--scheduler", scheduler, model=model, input=input)


def parts_text(folder: Path) -> str:
    return "".join(p.read_text("utf-8") for p in sorted(folder.glob("part-*.jsonl")))


def split_files(folder: Path) -> set[str]:
    """Files whose paragraphs went to more than one part (pieces carry byte ranges)."""
    plan = json.loads((folder / PLAN_FILE).read_text("utf-8"))
    names = [identity[0] for ids in plan["parts"].values() for identity in ids if len(identity) == 5]
    return {Path(n).name for n in names if names.count(n) > 1}


def test_dask_gives_the_single_process_records(
    small_model: Path, scheduler: str, corpus: Path, awkward: Path, tmp_path: Path
) -> None:
    inputs = [str(SEEDS_DIR), str(corpus), str(awkward)]
    local = classify(*inputs, "-f", "jsonl", model=small_model)
    assert local.exit_code == 1  # the NUL file is refused
    assert len(local.stdout.splitlines()) > 3000

    streamed = on_dask(*inputs, "-f", "jsonl", model=small_model, scheduler=scheduler)
    assert streamed.exit_code == 1, streamed.output
    assert streamed.stdout == local.stdout, streamed.stderr
    # The same warnings: the refused NUL file, the empty one, the broken byte read as U+FFFD.
    assert sorted(streamed.stderr.splitlines()) == sorted(local.stderr.splitlines())
    assert all(name in streamed.stderr for name in ("h_nul_late.txt", "g_empty.txt", "e_broken_byte.txt"))

    # Tiny parts: large files are labelled in pieces, whatever their encoding, with the same records.
    text, warnings, report = run_tiny(inputs, model=small_model, scheduler=scheduler)
    assert text == local.stdout
    assert sorted(f"warning: {w}" for w in warnings) == sorted(local.stderr.splitlines())
    assert report.problems == 1 and not report.failures
    out = tmp_path / "out"
    _, _, report = run_tiny(inputs, model=small_model, scheduler=scheduler, out=out)
    assert report.written == report.parts and report.rows == len(local.stdout.splitlines())
    assert parts_text(out) == local.stdout
    split = split_files(out)
    assert {p.name for p in SEEDS_DIR.glob("*.txt") if p.stat().st_size > 2 * 4096} <= split
    assert {"a_bom_crlf.txt", "b_long_line.txt", "c_gb18030.txt", "d_utf16.txt", "h_nul_late.txt"} <= split


def test_summarize_on_dask_gives_the_single_process_records(
    small_model: Path, scheduler: str, corpus: Path, tmp_path: Path
) -> None:
    model = ["--model", str(small_model)]
    dask = ["--engine", "dask", "--scheduler", scheduler]
    out = ["--out", str(tmp_path / "out")]
    for inputs, fmt in (([str(SEEDS_DIR), str(corpus)], "jsonl"), ([str(SEEDS_DIR)], "text")):
        args = ["summarize", *inputs, "-n", "2", "-f", fmt, *model]
        local = runner.invoke(app, args)
        assert local.exit_code == 0, local.output
        streamed = runner.invoke(app, [*args, *dask])
        assert streamed.exit_code == 0, streamed.output
        assert streamed.stdout == local.stdout
        assert sorted(streamed.stderr.splitlines()) == sorted(local.stderr.splitlines())

    written = runner.invoke(app, ["summarize", str(SEEDS_DIR), "-n", "2", *model, *dask, *out])
    assert written.exit_code == 0, written.output
    local = runner.invoke(app, ["summarize", str(SEEDS_DIR), "-n", "2", "-f", "jsonl", *model])
    assert parts_text(tmp_path / "out") == local.stdout
    assert not split_files(tmp_path / "out")  # one record per file: files are never cut
    other = runner.invoke(app, ["summarize", str(SEEDS_DIR), "-n", "3", *model, *dask, *out])
    assert other.exit_code == 1
    assert "holds the output of another run" in other.stderr


def test_table_and_csv_match_too(small_model: Path, scheduler: str) -> None:
    for fmt in ("table", "csv"):
        local = classify(str(SEEDS_DIR), "-f", fmt, model=small_model)
        streamed = on_dask(str(SEEDS_DIR), "-f", fmt, model=small_model, scheduler=scheduler)
        assert streamed.exit_code == 0, streamed.output
        assert streamed.stdout == local.stdout


def test_rerun_redoes_only_missing_parts(
    small_model: Path, scheduler: str, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _, _, first = run_tiny([str(corpus)], model=small_model, scheduler=scheduler, out=out)
    assert first.written == first.parts and not first.failures
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == first.parts > 50
    complete = parts_text(out)
    gone = [parts[3], parts[-1]]
    for part in gone:
        part.unlink()
    kept = {p: p.stat().st_mtime_ns for p in parts if p not in gone}

    _, _, again = run_tiny([str(corpus)], model=small_model, scheduler=scheduler, out=out)
    assert (again.written, again.done_before, again.failures) == (2, len(parts) - 2, [])
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    assert parts_text(out) == complete

    # A changed input redoes only the parts that hold it.
    article = corpus / "010.txt"
    original = article.read_text("utf-8")
    try:
        article.write_text(original + "园区新签约项目3个。\n", "utf-8")
        _, _, changed = run_tiny([str(corpus)], model=small_model, scheduler=scheduler, out=out)
    finally:
        article.write_text(original, "utf-8")
    assert (changed.written, changed.done_before) == (1, len(parts) - 1)
    assert "园区新签约项目3个" in parts_text(out)

    # The command says so in its closing line.
    cli = on_dask(str(corpus), "--out", str(out), model=small_model, scheduler=scheduler)
    assert cli.exit_code == 0, cli.output
    assert "parts written now" in cli.stderr

    other_model = shutil.copytree(small_model, tmp_path / "other-model")
    manifest = other_model / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8").replace("{", '{"note": "x",', 1), "utf-8")
    refused = on_dask(str(corpus), "--out", str(out), model=other_model, scheduler=scheduler)
    assert refused.exit_code == 1
    assert "holds the output of another run" in refused.stderr


def test_failed_partition_names_its_files_and_the_rest_finish(
    small_model: Path, scheduler: str, corpus: Path, tmp_path: Path
) -> None:
    inputs = shutil.copytree(corpus, tmp_path / "inputs")
    victim = inputs / "042.txt"
    saved = victim.read_bytes()
    plan = make_plan([str(inputs)], split=True, limits=TINY)
    victim.unlink()  # gone between planning and the worker's read
    out = tmp_path / "out"
    _, warnings, report = run_tiny([str(inputs)], model=small_model, scheduler=scheduler, out=out, plan=plan)
    assert len(report.failures) == 1
    assert report.failures[0] in warnings
    assert "FileNotFoundError" in report.failures[0]
    assert str(victim) in report.failures[0].split("its files: ")[1].split(", ")
    total = len(json.loads((out / PLAN_FILE).read_text("utf-8"))["parts"])
    assert total == report.parts
    assert len(list(out.glob("part-*.jsonl"))) == report.written == total - 1

    victim.write_bytes(saved)
    _, _, again = run_tiny([str(inputs)], model=small_model, scheduler=scheduler, out=out)
    assert (again.written, again.failures) == (1, [])
    local = classify(str(inputs), "-f", "jsonl", model=small_model)
    assert parts_text(out) == local.stdout


def test_stdin_on_dask(small_model: Path, scheduler: str) -> None:
    text = "当前位置:首页\n\n园区签约项目12个。\n"
    local = classify("-", "-f", "jsonl", model=small_model, input=text)
    streamed = on_dask("-", "-f", "jsonl", model=small_model, scheduler=scheduler, input=text)
    assert streamed.exit_code == 0, streamed.output
    assert streamed.stdout == local.stdout


def test_html_pages_as_in_a_local_run_and_exports_refused(
    small_model: Path, scheduler: str, tmp_path: Path
) -> None:
    fixtures = SEEDS_DIR.parent / "tests" / "fixtures" / "html"
    shutil.copy(fixtures / "portal-table.html", tmp_path / "page.HTML")  # GB2312, found in any case
    (tmp_path / "sub").mkdir()
    shutil.copy(fixtures / "mobile.html", tmp_path / "sub" / "saved.txt")  # HTML by its content
    local = classify(str(tmp_path), "-f", "jsonl", model=small_model)
    assert local.exit_code == 0, local.output
    assert '"input": "html"' in local.stdout
    export = '{"url": "https://a.cn/1", "content": "园区签约。"}\n'
    (tmp_path / "sub" / "crawl.jsonl").write_text(export, "utf-8")
    streamed = on_dask(str(tmp_path), "-f", "jsonl", model=small_model, scheduler=scheduler)
    assert streamed.exit_code == 1
    assert streamed.stdout == local.stdout
    assert "crawl.jsonl: a crawl export; read it with --engine local" in streamed.stderr


def test_without_dask_says_how_to_install(small_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    result = classify(str(SEEDS_DIR), "--engine", "dask", model=small_model)
    assert result.exit_code == 1
    assert "pip install 'parknews[dask]'" in result.stderr
    assert "Traceback" not in result.output


def test_unreachable_scheduler_is_one_line() -> None:
    with pytest.raises(EngineError) as caught, connect("tcp://127.0.0.1:9", timeout=1):
        pass
    assert str(caught.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert "\n" not in str(caught.value)


def test_out_without_dask_engine_is_a_usage_error(small_model: Path, tmp_path: Path) -> None:
    result = classify(str(SEEDS_DIR), "--out", str(tmp_path / "o"), model=small_model)
    assert result.exit_code == 2
    assert "--engine dask" in result.stderr
    result = classify(str(SEEDS_DIR), "--engine", "dask", "--jobs", "2", model=small_model)
    assert result.exit_code == 2
    assert "--jobs goes with --engine local" in result.stderr
