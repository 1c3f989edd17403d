"""Where models live: the bundled one (package data), the ``PARKNEWS_MODEL`` override,
and the default folder ``parknews train`` writes to, outside the package.

The bundled model is package data of ``parknews.artifacts`` (the repository's
top-level ``artifacts/model/``), found with ``importlib.resources`` so that it is
the same folder in a checkout, an editable install and an installed wheel.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = [
    "MODEL_ENV",
    "bundled_model_dir",
    "default_model_dir",
    "in_installed_package",
    "user_model_dir",
]

MODEL_ENV = "PARKNEWS_MODEL"


def bundled_model_dir() -> Path:
    """The model shipped with parknews."""
    # Installed packages are folders on disk (no zip imports), so the traversable is a path.
    return Path(str(resources.files("parknews.artifacts").joinpath("model")))


def default_model_dir() -> Path:
    """``$PARKNEWS_MODEL`` when set, else the bundled model (read at call time, not import time)."""
    override = os.environ.get(MODEL_ENV)
    return Path(override) if override else bundled_model_dir()


def user_model_dir() -> Path:
    """Where ``parknews train`` writes by default: ``$XDG_DATA_HOME/parknews/model``
    (``~/.local/share/parknews/model``), never inside the installed package."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "parknews" / "model"


def in_installed_package(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies inside the installed ``parknews`` package (site-packages).

    In a checkout the package folder is ``parknews/`` and the bundled model sits
    beside it in ``artifacts/``, so writing there is the explicit act of replacing
    the repository's model, not a write into an installation.
    """
    import parknews

    package = Path(parknews.__file__).resolve().parent
    target = Path(path).resolve()
    return target == package or package in target.parents
