"""parknews: label and summarize Chinese development-zone news.

The API is ``load_model``, ``classify``, ``summarize`` and ``explain`` (``parknews.api``),
imported on first use so that ``import parknews`` stays cheap. The code lives
in the project's top-level folders, installed as subpackages:
``parknews.model`` (inference), ``parknews.training`` (data and fitting),
``parknews.cli`` (the Typer app) and ``parknews.artifacts`` (the bundled model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "classify", "explain", "load_model", "summarize"]

if TYPE_CHECKING:
    from .api import classify, explain, load_model, summarize


def __getattr__(name: str) -> Any:
    # PEP 562: numpy, the model and the segmenter load on first use, not on import.
    if name in ("classify", "explain", "load_model", "summarize"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'parknews' has no attribute {name!r}")
