"""The layout holds: which package may import which, no import cycle, no private name across modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Top-level folders, installed as subpackages of `parknews` (pyproject's package-dir).
PACKAGES = {"model": "model", "training": "training", "cli": "cli", "engine": "engine", "parknews": None}
# parknews.cli is the command line: only its entry points may import it.
ENTRY_POINTS = {"parknews/__main__.py"}


def sources() -> Iterator[tuple[str, Path]]:
    for folder, sub in PACKAGES.items():
        for path in sorted((ROOT / folder).glob("*.py")):
            module = "parknews" if sub is None else f"parknews.{sub}"
            name = module if path.stem == "__init__" else f"{module}.{path.stem}"
            yield name, path


def imports(name: str, path: Path) -> Iterator[tuple[str, list[str], int]]:
    """Every module ``name`` imports (absolute), with the names taken from it, and the line."""
    package = name if path.stem == "__init__" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield base, [a.name for a in node.names], node.lineno


GRAPH = {name: list(imports(name, path)) for name, path in sources()}
PATHS = dict(sources())


def test_every_layer_imports_only_what_it_may() -> None:
    wrong = []
    for name, found in GRAPH.items():
        where = PATHS[name].relative_to(ROOT).as_posix()
        for target, _, line in found:
            if name.startswith("parknews.model.") and target.startswith(
                ("parknews.training", "parknews.cli", "parknews.engine", "sklearn", "scipy", "joblib")
            ):
                wrong.append(f"{where}:{line} imports {target}")
            cli_from_outside = target.startswith("parknews.cli") and not name.startswith("parknews.cli")
            if cli_from_outside and where not in ENTRY_POINTS:
                wrong.append(f"{where}:{line} imports {target}")
            # Library code: no command-line framework, no console.
            if name.startswith("parknews.engine") and target.split(".")[0] in ("typer", "rich", "click"):
                wrong.append(f"{where}:{line} imports {target}")
    assert wrong == []


def test_no_private_name_crosses_a_module() -> None:
    crossing = [
        f"{PATHS[name].relative_to(ROOT).as_posix()}:{line} takes {taken} from {target}"
        for name, found in GRAPH.items()
        for target, names, line in found
        if target.startswith("parknews") and target != name
        for taken in names
        if taken.startswith("_") and not taken.startswith("__")
    ]
    assert crossing == []


def module_edges() -> dict[str, set[str]]:
    """Import edges between the project's modules (``from pkg import module`` counts as the module)."""
    edges: dict[str, set[str]] = {name: set() for name in GRAPH}
    for name, found in GRAPH.items():
        for target, names, _ in found:
            for candidate in [target, *(f"{target}.{n}" for n in names)]:
                if candidate in GRAPH and candidate != name:
                    edges[name].add(candidate)
    return edges


def test_no_import_cycle() -> None:
    edges = module_edges()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    # A package's __init__ re-exporting lazily (PEP 562) is not a cycle at import time.
    cycles = [c for c in cycles if not any(m == "parknews" for m in c)]
    assert cycles == []


@pytest.mark.parametrize("folder", ["model", "training", "cli", "engine", "parknews"])
def test_source_files_stay_small(folder: str) -> None:
    """About 400 lines at most; the exceptions are one cohesive piece each (README, Layout)."""
    cohesive: set[str] = set()  # none today
    long = [
        f"{path.relative_to(ROOT).as_posix()}: {n} lines"
        for path in sorted((ROOT / folder).glob("*.py"))
        if (n := len(path.read_text("utf-8").splitlines())) > 400
        and path.relative_to(ROOT).as_posix() not in cohesive
    ]
    assert long == []
