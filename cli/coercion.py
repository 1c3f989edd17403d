"""Typer's coercion of plain option values without building a pydantic TypeAdapter each.

Typer 0.2x coerces every parameter of the command being run (given or not)
through a pydantic ``TypeAdapter``; importing pydantic and building fourteen
adapters is ~0.1 s of the ~0.5 s a ``parknews classify`` takes on one article.
The values parknews's options take are plain (a string, a choice of an Enum, an
``int`` within bounds, a path, a list of strings), and for those Typer's adapter
only wraps a function Typer also exposes (``coerce_cli_choice``,
``coerce_cli_path``) or a conversion Python does the same way (``"3"`` → ``3``).

So ``plain(command)`` gives each such parameter a runtime coercion that does
exactly that, and hands any value it does not accept outright (a bad choice, a
number out of range, ``" 3"``) to Typer's own adapter, which then produces the
same value or the same error message as before. Anything else (another Typer
whose internals differ, a parser callback, a file type) is left to Typer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:  # Typer's internals as of 0.2x; without them nothing here applies.
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - another Typer
    RuntimeParam = None  # type: ignore[assignment,misc]

# Returned by a fast coercion that leaves the value to Typer's adapter.
_DEFER = object()

Coerce = Callable[[Any, Any, Any], Any]


def _coerce_str(value: Any, param: Any, ctx: Any) -> Any:
    # Typer's adapter: str(value) for a str, bytes decoded; only the str case is taken here.
    return value if type(value) is str else _DEFER


def _coerce_bool(value: Any, param: Any, ctx: Any) -> Any:
    return value if type(value) is bool else _DEFER  # "yes", "0", …: pydantic's rules


def _int_coercion(minimum: Any, maximum: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is str and value.isascii() and value.isdigit():
            number = int(value)
        elif type(value) is int:
            number = value
        else:
            return _DEFER  # signs, spaces, floats, bools: pydantic's rules and messages
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            return _DEFER  # out of range: Typer's message
        return number

    return coerce


def _choice_coercion(choices: list[Any], case_sensitive: bool) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)
        except ValueError:
            return _DEFER  # not a choice: Typer's message

    return coerce


def _path_coercion(path_type: type[Path], info: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is str and value:
            value = path_type(value)  # what pydantic's Path validator does with a str
        elif not isinstance(value, path_type):
            return _DEFER
        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

    return coerce


def _leaf(annotation: Any, info: Any) -> Coerce | None:
    """The fast coercion of one plain value of ``annotation``, or None to leave it to Typer."""
    if info.parser is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice_coercion(list(annotation), info.case_sensitive)
    if annotation is str:
        # A str option that asks for path checks goes through Typer's path rules instead.
        if info.allow_dash or info.path_type is not None or info.resolve_path:
            return None
        return _coerce_str
    if annotation is bool:
        return _coerce_bool
    if annotation is int and not info.clamp:
        return _int_coercion(info.min, info.max)
    if annotation is Path and info.path_type is None:
        return _path_coercion(Path, info)
    return None


def _coercion(annotation: Any, info: Any) -> Coerce | None:
    if get_origin(annotation) is list:
        (item_type,) = get_args(annotation)
        item = _leaf(item_type, info)
        if item is None:
            return None

        def each(value: Any, param: Any, ctx: Any) -> Any:
            items = value if isinstance(value, (list, tuple)) else [value]
            out = [item(v, param, ctx) for v in items]
            return _DEFER if any(v is _DEFER for v in out) else out

        return each
    return _leaf(annotation, info)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        """A parameter's coercion: the fast one, else Typer's (built only then)."""

        fast: Coerce
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            done = self.fast(value, param, ctx)
            if done is not _DEFER:
                return done
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def plain(command: Any, ctx: Any) -> None:
    """Give ``command``'s plain parameters the fast coercion (before its arguments are parsed).

    ``ctx`` is the context its arguments will be parsed in: the parameters include
    the help option, which Click makes per context.
    """
    if RuntimeParam is None:
        return
    for param in command.get_params(ctx):
        if not isinstance(param, _TyperParameter) or getattr(param, "_runtime_param", 0) is not None:
            continue
        try:
            descriptor = param.type_descriptor
            if descriptor.file_annotation is not None:
                continue
            fast = _coercion(descriptor.annotation, descriptor.parameter_info)
        except AttributeError:  # a Typer whose internals moved: its own coercion, as before
            continue
        if fast is not None:
            param._runtime_param = PlainRuntimeParam(
                parameter_info=descriptor.parameter_info,
                annotation=descriptor.annotation,
                fast=fast,
                descriptor=descriptor,
            )
