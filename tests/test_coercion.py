"""The fast coercion of option values gives what Typer's own gives: the value, or the same error."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from parknews.cli import coercion
from parknews.cli.app import app

pytestmark = pytest.mark.skipif(coercion.RuntimeParam is None, reason="another Typer: coercion left to it")

VALUES: list[object] = [None, (), "", "x", " 3", "0", "1", "2", "-1", "+2", "03", "1.5", "١"]
VALUES += ["jsonl", "JSONL", "table", "csv", "auto", "local", "dask", "seeds", "-", "a\udcffb"]
VALUES += [("seeds", "-"), ["x"]]
VALUES += [2, True, Path("seeds")]


def _outcome(runtime: object, value: object, param: object, ctx: object) -> tuple[str, object]:
    # runtime is ours or typer's private RuntimeParam (absent from other Typers): duck-typed.
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)  # type: ignore[attr-defined]
    except Exception as exc:  # the error itself is what is compared
        return type(exc).__name__, getattr(exc, "message", str(exc))


@pytest.mark.parametrize("name", ["classify", "summarize", "explain", "report", "clean"])
def test_same_value_or_same_error_as_typer(name: str) -> None:
    from typer._coercion import build_runtime_param

    group = typer.main.get_command(app)
    # Typed as a plain Command; the app is a group. What follows uses Typer's private attributes.
    command = group.commands[name]  # type: ignore[attr-defined]
    ctx = command.context_class(command, info_name=name)
    coercion.plain(command, ctx)
    fast = 0
    for param in command.get_params(ctx):
        mine = param._runtime_param
        if not isinstance(mine, coercion.PlainRuntimeParam):
            continue
        fast += 1
        typers = build_runtime_param(param.type_descriptor)
        for value in VALUES:
            got = _outcome(mine, value, param, ctx)
            assert got == _outcome(typers, value, param, ctx), (param.name, value)
    assert fast >= 3  # the plain options did take the fast path


def test_bad_option_values_still_get_typers_messages() -> None:
    runner = CliRunner()
    jobs = runner.invoke(app, ["classify", "seeds", "--jobs", "0"])
    assert jobs.exit_code == 2 and "greater than or equal to" in jobs.output
    fmt = runner.invoke(app, ["classify", "seeds", "-f", "yaml"])
    assert fmt.exit_code == 2 and "'yaml' is not one of" in " ".join(fmt.output.split())
