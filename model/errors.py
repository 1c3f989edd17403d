"""The errors parknews raises for things a user can fix; the CLI prints them as one line."""

from __future__ import annotations

__all__ = ["DataError", "EngineError", "InputError", "ModelError", "ParknewsError"]


class ParknewsError(Exception):
    """Base class: the message is complete and meant for the user."""


class ModelError(ParknewsError):
    """A model directory is missing, damaged, tampered with or from another version."""


class DataError(ParknewsError):
    """Labeled data is malformed; the message names ``file:line``."""


class InputError(ParknewsError):
    """An input path or file cannot be used."""


class EngineError(ParknewsError):
    """A Dask cluster cannot be used, or ``--out`` holds another run's parts."""
