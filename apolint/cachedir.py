"""Where apolint keeps what it derives, and how it writes there.

The results cache (apolint.cache) lives in `results/` under the user cache directory
(platformdirs), or in `$APOLINT_CACHE_DIR`; what is derived once and reused (spaCy's data, the
regex prefilter's clauses, parsed packs, the regexes known to compile and their compiled code)
lives beside it.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    override = os.environ.get("APOLINT_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("apolint", appauthor=False)) / "results"


def write_atomic(target: Path, text: str | bytes) -> None:
    """Write a cache file through a temporary file and a rename, so concurrent runs never see half
    of it; a read-only or full cache directory never fails a check (the write is skipped)."""
    from .atomic import replace_file

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(str(target), text.encode("utf-8") if isinstance(text, str) else text, prefix=".tmp-")
    except OSError:
        pass
