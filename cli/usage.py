"""A usage error (unknown option, bad value) as one line, like every other parknews error.

Typer prints the usage, a hint and the message in a box drawn 80 columns wide, which
breaks the message across lines in a log or a pipe. This keeps the message and the hint.
"""

from __future__ import annotations

from typing import Any


def _one_line(error: Any) -> None:
    if type(error).__name__ == "NoArgsIsHelpError":  # the help was printed: nothing to add
        return
    from .common import fail

    message = " ".join(error.format_message().split())
    ctx = getattr(error, "ctx", None)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        message += f" (see '{ctx.command_path} {ctx.help_option_names[0]}')"
    fail(message)


def install() -> None:
    """Route Typer's printing of usage errors here (it looks the function up at each error)."""
    from typer import rich_utils

    if hasattr(rich_utils, "rich_format_error"):
        # Typer types it with its own copy of click's exception (typer._click in recent versions).
        rich_utils.rich_format_error = _one_line  # type: ignore[assignment]
