"""Replacing a file atomically: a temporary file beside it, then one rename.

Readers (a concurrent run, an editor) see the old file or the new one, never half of either.
"""
from __future__ import annotations

import os
import tempfile
from typing import Callable


def replace_file(target: str, data: bytes, prefix: str, suffix: str = "", durable: bool = False,
                 prepare: Callable[[str], None] | None = None) -> None:
    """Write `data` to a temporary file in `target`'s folder (synced to disk when `durable`), let
    `prepare` adjust it (mode, owner), then rename it over `target`. On any failure the temporary
    file is removed and the error raised; `target` is untouched."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if prepare is not None:
            prepare(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
