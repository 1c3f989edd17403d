"""Readable ``--help`` on every Typer version the project allows.

Typer 0.2x prints each parameter's Python type (``<list[str]>``, ``<bool>``,
``{paths}...``) and ignores ``metavar`` there. This shows the ``metavar`` when
one is given and nothing for flags; older Typer, which already does so, is left
alone.
"""

from __future__ import annotations

from typing import Any

from typer import core


def install() -> None:
    for cls in (core.TyperOption, core.TyperArgument):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "_parknews", False):
            continue

        def display(self: Any, ctx: Any, _original: Any = original) -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            if self.metavar is not None:
                # An argument's metavar is already its name in the first column.
                return None if isinstance(self, core.TyperArgument) else self.metavar
            return _original(self, ctx)

        display._parknews = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[method-assign]
