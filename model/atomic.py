"""Write a file whole or not at all.

Every file parknews writes for a user (reports, cleaned articles, corpus
variants, the IDF table) and the segmenter's cache goes through
``atomic_write``: the bytes go to a temporary file beside the target, which
replaces the target in one rename only once it is complete. A crash, a full
disk or Ctrl-C midway leaves the old file as it was and no temporary file
behind, and a reader never sees half a file. A rename needs no permission on
the file itself, so the file's own is checked first: a file its owner made
read-only is not replaced, and a replaced file keeps its permissions.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write"]


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, binary: bool = False, newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing as a temporary file that replaces it on success.

    Text is UTF-8; ``newline`` is as for ``open``; ``binary=True`` gives a byte stream::

        with atomic_write(path) as stream:
            stream.write(text)
    """
    import tempfile  # here, not at import: most runs write no file, and start-up time counts

    target = Path(path)
    try:
        existing = os.stat(target).st_mode
    except OSError:  # a new file (or none we can see: os.replace will say what is wrong)
        permissions = 0o644
    else:
        permissions = stat.S_IMODE(existing)
        if stat.S_ISREG(existing) and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied (a read-only file)", str(target))
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(handle, mode, encoding=None if binary else "utf-8", newline=newline) as stream:
            yield stream
        # mkstemp makes the file private; what was asked for is an ordinary, readable file,
        # or the one it replaces (a private file stays private)
        os.chmod(tmp, permissions)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
