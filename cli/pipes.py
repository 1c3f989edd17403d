"""A closed pipe ends the command quietly with exit 0, as ``head`` users expect; any other
failure to write standard output (a full disk, a closed descriptor) is one line and exit 1."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush
    # cannot raise a second BrokenPipeError ("Exception ignored ...", exit 120).
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture output)
        pass


def _quiet_console_exit(console: Any) -> None:
    console.quiet = True
    _silence_stdout()
    raise SystemExit(0)


def install() -> None:
    """Rich's consoles (our tables, Typer's help) exit 1 on a broken pipe; make it 0.

    ``Console.on_broken_pipe`` is rich's documented hook for this; parknews is the whole
    process when this runs (the command line), so every console gets the same rule.
    """
    from rich.console import Console

    if hasattr(Console, "on_broken_pipe"):
        Console.on_broken_pipe = _quiet_console_exit  # type: ignore[method-assign,assignment]


class QuietPipeGroup(TyperGroup):
    """Runs a command; if its reader went away (``| head``), stops with exit 0 and no message.

    Click would exit 1 on the broken pipe, which breaks scripts run with ``set -o pipefail``.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from .coercion import plain

        plain(self, ctx)  # --version, --help
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            # Only the command being run parses arguments, so only it needs coercions.
            from .coercion import plain

            # Its own context as make_context will build it, for the help option's names.
            own = command.context_class(command, info_name=name, parent=ctx, **command.context_settings)
            plain(command, own)
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None


# What writing standard output can fail with, beside a closed pipe: a full disk or quota,
# a file grown past its limit, an I/O error, a descriptor the shell closed (``>&-``).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF})


class _ClosedStdout(io.TextIOBase):
    """Standard output when the shell closed it: writing is an error, not output lost in silence."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


@contextmanager
def output_errors() -> Iterator[None]:
    """Run the command line; a failure to write its output becomes one line on stderr and exit 1.

    The output still buffered is written before leaving, so that its error is reported here
    rather than as Python's "Exception ignored" at exit (status 120).
    """
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    try:
        try:
            yield
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise SystemExit(0) from None
    except OSError as exc:
        if exc.filename is not None or exc.errno not in _WRITE_ERRORS:
            raise  # not standard output's: a bug to see whole
        _silence_stdout()
        from .common import fail

        raise SystemExit(fail(f"cannot write the output: {exc.strerror or exc}").exit_code) from None
