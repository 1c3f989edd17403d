"""mypy finds no error in the package (model/, training/, cli/, engine/ and parknews/), nor in
tests/ and benchmarks/, with pyproject's ``[tool.mypy]`` settings.

The folders install as subpackages of ``parknews`` (pyproject's package-dir), which mypy
cannot follow through the editable install's import hook; the tests lay them out as
installed, with symbolic links (tests/ and benchmarks/ beside them, so that their
``parknews`` imports are checked against that layout), and run mypy there. mypy is in the
``dev`` extra, so CI runs these; where it is missing they skip. The benchmarks' optional
anchors (fasttext, textrank4zh, sumy, snownlp: the ``bench`` extra) need not be installed:
the config takes a module without type information as Any, as it does for jieba.

mypy's cache lives in pytest's cache folder (.pytest_cache, ignored by git) where there is
one, so a second run takes about a second instead of ten.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("model", "training", "cli", "engine", "artifacts")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``parknews/`` as installed, ``tests/`` and ``benchmarks/``, all links."""
    pytest.importorskip("mypy", reason="mypy is in the dev extra: pip install -e '.[dev]'")
    root = tmp_path_factory.mktemp("mypy-layout")
    package = root / "parknews"
    package.mkdir()
    for source in (ROOT / "parknews").glob("*.py"):
        (package / source.name).symlink_to(source)
    for folder in FOLDERS:
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    for folder in ("tests", "benchmarks"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def cache_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    return cache.mkdir("mypy") if cache is not None else tmp_path_factory.mktemp("mypy-cache")


def _mypy(layout: Path, cache_dir: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    config = ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache_dir)]
    return subprocess.run(
        [sys.executable, "-m", "mypy", *config, *targets],
        cwd=layout,
        env={**os.environ, "MYPYPATH": str(layout)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_finds_no_error(layout: Path, cache_dir: Path) -> None:
    result = _mypy(layout, cache_dir, "-p", "parknews")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_finds_no_error_in_tests_and_benchmarks(layout: Path, cache_dir: Path) -> None:
    # tests/ is a package (tests.conftest, ...); benchmarks/ is a folder of scripts that import
    # each other by bare name (measure, corpus, report), as `python benchmarks/run.py` does.
    result = _mypy(layout, cache_dir, "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
    checked = int(result.stdout.rsplit(" in ", 1)[1].split()[0])
    expected = len(list(ROOT.glob("tests/**/*.py"))) + len(list(ROOT.glob("benchmarks/**/*.py")))
    assert checked == expected  # every file of both folders, none left out
