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
    # The cache folder stays the test run's (conftest): the segmenter's tables are cached there.
    keep = {"PARKNEWS_CACHE_DIR"}
    env = {k: v for k, v in os.environ.items() if k in keep or not k.startswith(("PARKNEWS_", "PYTHONPATH"))}
    return {**env, **extra}


def test_installed_command_classifies_stdin_with_the_bundled_model(installed: Path, elsewhere: Path) -> None:
    text = "3月28日，园区一次签下9个项目，合同资金42.6亿元。\n当前位置：首页 > 新闻中心\n"
    output = run(
        [str(installed / "parknews"), "classify", "-f", "jsonl"], cwd=elsewhere, stdin=text, env=clean_env()
    )
    records = [json.loads(line) for line in output.splitlines()]
    assert [r["paragraph"] for r in records] == [0, 1]
    assert {r["file"] for r in records} == {"-"}
    assert records[0]["label"] == "investment"
    assert records[1]["label"] == "spam"


def test_installed_python_api_from_another_folder(installed: Path, elsewhere: Path) -> None:
    code = (
        "import json, parknews, parknews.model.location as loc\n"
        "article = parknews.classify(['园区一次签下9个项目，合同资金42.6亿元。', '1.jpg'])\n"
        "text = '园区一次签下9个项目，合同资金42.6亿元。签约项目涵盖新能源。'\n"
        "summary = parknews.summarize(text, sentences=1)\n"
        "print(json.dumps({'file': parknews.__file__, 'model': str(loc.bundled_model_dir()),\n"
        "    'labels': [p.label for p in article], 'summary': [s.original for s in summary.sentences]}))\n"
    )
    found = json.loads(run([str(installed / "python"), "-c", code], cwd=elsewhere, env=clean_env()))
    site = str(installed.parent)
    assert found["file"].startswith(site), "parknews must come from the wheel, not the checkout"
    assert found["model"].startswith(site) and Path(found["model"], "weights.npz").is_file()
    assert found["labels"] == ["investment", "spam"]
    assert len(found["summary"]) == 1


def test_installed_module_runs_the_cli_and_train_stays_out_of_the_package(
    installed: Path, elsewhere: Path
) -> None:
    python = str(installed / "python")
    assert run([python, "-m", "parknews", "--version"], cwd=elsewhere, env=clean_env()).startswith(
        "parknews "
    )
    bundled = run(
        [python, "-c", "import parknews.model.location as l; print(l.bundled_model_dir())"], cwd=elsewhere
    ).strip()
    env = clean_env(XDG_DATA_HOME=str(elsewhere / "xdg"))
    for argv, expected in (
        # Without a checkout there is no corpus: one line asking for --data.
        (["train", "--quick"], "--data"),
        # Never into the installed package, even when asked.
        (
            ["train", "--quick", "--data", str(ROOT / "training" / "data" / "seeds.jsonl"), "--out", bundled],
            "inside the installed parknews package",
        ),
    ):
        result = subprocess.run(
            [python, "-m", "parknews", *argv],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode != 0
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (elsewhere / "xdg").exists()


KERNEL_IN_USE = (
    "from parknews.model.kernel import load_cut_kernel, load_jsonl_kernel, load_kernel, load_token_kernel\n"
    "from parknews.model.segment import backend\n"
    "kernels = (load_kernel(), load_token_kernel(), load_cut_kernel(), load_jsonl_kernel())\n"
    "print(*(kernel is not None for kernel in kernels), backend())"
)


def test_the_wheel_carries_the_compiled_kernel(installed: Path, elsewhere: Path) -> None:
    if shutil.which(os.environ.get("CC", "cc")) is None and os.environ.get("PARKNEWS_REQUIRE_KERNEL") != "1":
        pytest.skip("no C compiler here: the wheel holds no kernel")
    found = run([str(installed / "python"), "-c", KERNEL_IN_USE], cwd=elsewhere, env=clean_env())
    assert found.strip() == "True True True True compiled"


def test_without_a_c_compiler_the_install_works_on_numpy(tmp_path: Path, elsewhere: Path) -> None:
    pytest.importorskip("setuptools", minversion="69")
    # A compiler that fails, as on a machine with none: the optional kernel is skipped.
    bin_folder = install_wheel(tmp_path, env={**os.environ, "CC": "false", "LDSHARED": "false"})
    python = str(bin_folder / "python")
    found = run([python, "-c", KERNEL_IN_USE], cwd=elsewhere, env=clean_env())
    assert found.strip() == "False False False False rjieba"
    text = "3月28日，园区一次签下9个项目，合同资金42.6亿元。\n当前位置：首页 > 新闻中心\n"
    argv = ["-m", "parknews", "classify", "-f", "jsonl"]
    output = run([python, *argv], cwd=elsewhere, stdin=text, env=clean_env())
    assert [json.loads(line)["label"] for line in output.splitlines()] == ["investment", "spam"]
    # The same bytes as this checkout prints (with its kernel, where built).
    assert output == run([sys.executable, *argv], cwd=elsewhere, stdin=text, env=clean_env())
