"""Tables kept between processes in the cache folder, as plain arrays (an .npz, no pickle).

``$PARKNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/parknews``, else ``~/.cache/parknews``. A
file's name holds a digest of what it was built from, so a table of other sources is never
read; one that cannot be read is rebuilt, one that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_write

__all__ = ["cache_file", "read_arrays", "write_arrays"]


def cache_file(kind: str, sources: list[Path]) -> Path | None:
    """Where a table built from ``sources`` is kept between processes (None: a source is unreadable)."""
    root = os.environ.get("PARKNEWS_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "parknews")
    digest = hashlib.sha256()
    try:
        for source in sources:
            digest.update(source.read_bytes())
    except OSError:
        return None
    return Path(root) / f"{kind}-{digest.hexdigest()[:16]}.npz"


def read_arrays(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """The arrays ``names`` of a cache file; None if it is absent, damaged or lacks one."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            return {name: saved[name] for name in names}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def write_arrays(path: Path, arrays: dict[str, Any]) -> None:
    """Save a table (``arrays``, by name) for the next process; a cache that cannot be written is
    only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, binary=True) as stream:  # readers never see half a table
            np.savez(stream, **arrays)
    except OSError:
        pass
