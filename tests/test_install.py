"""The wheel, installed outside the checkout, works from another folder (no network needed).

The wheel is built from a copy of the project's files with the setuptools already
installed (``--no-build-isolation``) and installed without its dependencies into a
fresh virtual environment that borrows them from this one (a ``.pth`` line), so the
test needs neither the network nor minutes of installing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

# What a wheel is built from; data, notes and caches stay behind, as in an sdist build.
SOURCES = ("parknews", "model", "training", "cli", "engine", "artifacts")
SKIPPED = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", "data", "agreement", "labeling-notes", "*.md", "*.so"
)


def run(argv: list[str], *, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        argv, cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )
    assert result.returncode == 0, f"{argv}: {result.returncode}\n{result.stderr}"
    return result.stdout


def install_wheel(root: Path, env: dict[str, str] | None = None) -> Path:
    """Build the wheel from a copy of the project's files (with ``env``), install it into a fresh
    venv under ``root``; returns the venv's bin folder."""
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, ignore=SKIPPED)
    dist = root / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    wheel_argv = [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist)]
    run([*wheel_argv, str(source)], cwd=root, env=env)
    (wheel,) = dist.glob("parknews-*.whl")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root)
    python = venv / "bin" / "python"
    purelib = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root
        ).strip()
    )
    # The dependencies come from this environment; parknews itself only from the wheel
    # (a plain path line does not run this environment's editable-install hooks).
    (purelib / "_parknews_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    run([*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)], cwd=root)
    return venv / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the parknews wheel installed; returns its bin folder."""
    pytest.importorskip("setuptools", minversion="69")
    return install_wheel(tmp_path_factory.mktemp("install"))


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is not the checkout, with no parknews model or data in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARKNEWS_", "PYTHONPATH"))}
    return {**env, **extra}


def test_installed_command_classifies_stdin_with_the_bundled_model(installed: Path, elsewhere: Path) -> None:
    text = "3月28日，园区一次签下9个项目，合同资金42.6亿元。\n当前位置：首页 > 新闻中心\n"
    argv = ["-m", "parknews", "classify", "-f", "jsonl"]
    output = run([python, *argv], cwd=elsewhere, stdin=text, env=clean_env())
    assert [json.loads(line)["label"] for line in output.splitlines()] == ["investment", "spam"]
    # The same bytes as this checkout prints (with its kernel, where built).
    assert output == run([sys.executable, *argv], cwd=elsewhere, stdin=text, env=clean_env())
