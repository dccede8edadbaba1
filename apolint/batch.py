"""Checking many files: the results cache first, then the misses in this process or in workers.

The cache is consulted before anything heavy is imported, so a run whose files are all
unchanged never loads spaCy, jieba or the pack compiler. With `jobs > 1` the misses are
split into chunks and checked by spawned worker processes, each loading the rule set once;
results come back in input order whatever order the workers finish in.
"""
from __future__ import annotations

import os
from typing import Callable

from .findings import FileResult

# (display path, decoded text, Config)
Item = tuple[str, str, object]


class LazyRuleSet:
    """The rule set of a configuration, compiled only when a reporter asks for it."""

    def __init__(self, config):
        self._config = config
        self._ruleset = None

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._ruleset is None:
            from . import api

            self._ruleset = api.ruleset_for(self._config)
        return getattr(self._ruleset, name)


def lint_all(items: list[Item], lang: str | None, use_cache: bool = True, jobs: int = 1,
             progress: Callable[[int, int], None] | None = None, stage: str | None = None) -> list[FileResult]:
    """Lint every item; `lang` forces a language, `stage` the incident stage. Returns results in the
    order of `items`."""
    results: list[FileResult | None] = [None] * len(items)
    keys: list[str | None] = [None] * len(items)
    misses: list[int] = []
    if use_cache:
        from . import cache

        for i, (name, text, cfg) in enumerate(items):
            k = cache.key(text, cfg, lang, name, stage)
            keys[i] = k
            hit = cache.get(k, name)
            if hit is None:
                misses.append(i)
            else:
                results[i] = hit
    else:
        misses = list(range(len(items)))
    done = len(items) - len(misses)
    if progress:
        progress(done, len(items))
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    workers = min(workers, len(misses))
    if workers > 1:
        chunks = _chunks(misses, workers)
        for indices, chunk_results in _run_pool([[(i, *items[i]) for i in c] for c in chunks], lang, workers,
                                                stage):
            for i, result in zip(indices, chunk_results):
                results[i] = result
            done += len(indices)
            if progress:
                progress(done, len(items))
    else:
        from . import api

        for i in misses:
            name, text, cfg = items[i]
            results[i] = api.lint_text(text, lang=lang, config=cfg, path=name, stage=stage)
            done += 1
            if progress:
                progress(done, len(items))
        if misses:
            from . import matchers

            matchers.remember_compiled()
    if use_cache:
        from . import cache

        for i in misses:
            cache.put(keys[i], results[i])
    return results  # type: ignore[return-value]


def _chunks(indices: list[int], workers: int) -> list[list[int]]:
    """Chunks small enough to balance the workers, large enough to keep pickling cheap."""
    size = max(1, min(64, -(-len(indices) // (workers * 8))))
    return [indices[i:i + size] for i in range(0, len(indices), size)]


def _run_pool(chunks: list[list[tuple]], lang: str | None, workers: int, stage: str | None = None):
    """Yield (indices, results) per chunk, in chunk order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .yamlsource import SourceError

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_lint_chunk, chunk, lang, stage) for chunk in chunks]
        try:
            for chunk, future in zip(chunks, futures):
                outcome = future.result()
                if outcome[0] == "source-error":
                    raise SourceError(*outcome[1:])
                yield [i for i, *_ in chunk], outcome[1]
        finally:
            for future in futures:
                future.cancel()


def _lint_chunk(chunk: list[tuple], lang: str | None, stage: str | None = None):
    """In a worker: lint a chunk. The rule set is compiled once per worker (api caches it)."""
    from . import api
    from .yamlsource import SourceError

    try:
        results = [api.lint_text(text, lang=lang, config=cfg, path=name, stage=stage) for _, name, text, cfg in chunk]
        from . import matchers

        matchers.remember_compiled()
        return ("ok", results)
    except SourceError as exc:  # not picklable as is: send its parts
        return ("source-error", exc.path, exc.line, exc.key, exc.message)
