"""Checking the threads and pairs among a run's inputs: each update and each version is linted by the
engine as a notice (through api), then the thread and pair rules compare them.

It stands above api, as the front ends do: the thread and pair models (threads.py, pairs.py) and the
kinds that read them stand below it and never lint.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import api
from .findings import FileResult
from .incident import Incidents, _front_matter, _meta, may_be_thread, name_partner

if TYPE_CHECKING:
    from .pairs import Pair
    from .threads import Thread


def analyse(inputs: list[tuple[str, str]], config_for, force: bool = False, forced_folders: dict | None = None,
            lang: str | None = None, now=None) -> Incidents:
    """Threads and pairs among `inputs` (path, text). `config_for(path)` gives a file's configuration.
    With `force`, every file is a status-page thread (one header is enough) and each folder of
    `forced_folders` (folder → its files) is one thread, front matter `thread` or not."""
    found = Incidents()
    texts = dict(inputs)
    noted = []  # (path, text, front matter, body start) of notices naming a thread or a translation
    candidates = []
    forced_members = {os.path.normpath(p) for files in (forced_folders or {}).values() for p in files}
    for path, text in inputs:
        meta = _front_matter(text)
        if meta is not None:
            noted.append((path, text, meta[0], meta[1]))
        if os.path.normpath(path) in forced_members:
            continue
        if force or may_be_thread(text):
            candidates.append((path, text, meta))
    named = [p for p, _ in inputs if name_partner(p) and os.path.exists(name_partner(p))]
    if not (noted or candidates or named or forced_folders):
        return found
    # (threads, pairs and their time handling load only when some file may be part of an incident)
    from datetime import datetime, timezone
    from pathlib import Path

    from . import pairs as pairs_mod
    from . import threads as threads_mod

    now = now or datetime.now(timezone.utc)
    positions = found.positions = threads_mod.Positions(texts)
    rulesets = {}

    def ruleset_of(path):
        cfg = config_for(path)
        key = id(cfg)
        if key not in rulesets:
            rulesets[key] = (cfg, api.ruleset_for(cfg))
        return rulesets[key]

    for path, text, meta in candidates:
        cfg, ruleset = ruleset_of(path)
        fm, body_start = meta if meta is not None else _meta(text) if text.startswith("---") else ({}, 0)
        thread = threads_mod.status_page_thread(path, text, ruleset, fm, body_start, force=force, lang=lang)
        if thread is not None:
            found.threads.append((thread, cfg, ruleset))
    pages = {os.path.normpath(t.path) for t, _, _ in found.threads}
    noted = [i for i in noted if os.path.normpath(i[0]) not in pages]
    if noted:
        _, ruleset = ruleset_of(noted[0][0])
        for thread in threads_mod.folder_threads(noted, ruleset):
            found.threads.append((thread, *ruleset_of(thread.updates[0].path)))
    for folder, files in (forced_folders or {}).items():
        items = []
        for path in files:
            text = texts.get(path)
            if text is None:
                continue
            fm, body_start = _meta(text)
            items.append((path, text, fm, body_start))
        if len(items) >= 1:
            cfg, ruleset = ruleset_of(items[0][0])
            found.threads.append((threads_mod.forced_folder_thread(Path(folder).name, items, ruleset), cfg, ruleset))
    in_threads = {os.path.normpath(u.path) for t, _, _ in found.threads if t.layout == "folder" for u in t.updates}
    pair_items = [i for i in noted if os.path.normpath(i[0]) not in in_threads]
    pair_items += [(p, texts[p], *_meta(texts[p])) for p in named
                   if os.path.normpath(p) not in in_threads and all(p != i[0] for i in pair_items)]
    if pair_items:
        _, ruleset = ruleset_of(pair_items[0][0])

        def read(path):
            from .document import InputError, read_source

            try:
                text = read_source(path)
            except (InputError, OSError):
                return None
            positions.add(path, text)
            return (text, *_meta(text))

        for pair in pairs_mod.find_pairs(pair_items, ruleset, read):
            cfg, ruleset = ruleset_of(pair.report.path)
            lint_versions(pair, cfg)
            pairs_mod.check(pair, ruleset, positions)
            found.pairs.append(pair)
    done = []
    for thread, cfg, ruleset in found.threads:
        lint_updates(thread, cfg, lang)
        threads_mod.check(thread, ruleset, now, positions)
        done.append(thread)
    found.threads = done
    return found


def _apology_lexicon(config) -> str:
    """The lexicon whose places each update and version marks, so thread and pair rules can compare apologies."""
    return api.ruleset_for(config).threads.settings["apology_lexicon"]


def lint_updates(thread: Thread, config, lang: str | None = None) -> None:
    """Lint each update as a notice (with its stage), findings moved to file coordinates; the language
    of an update without one is the one the engine detects."""
    apology = _apology_lexicon(config)
    for u in thread.updates:
        if thread.layout == "folder":
            result = api.lint_text(u.source, lang=lang, config=config, path=u.path, complete_evidence=True,
                                   marks=(apology,))
        else:
            result = api.lint_text(u.source[u.start:u.end], lang=lang, config=config, path=u.path, stage=u.stage,
                                   complete_evidence=True, marks=(apology,))
            if result.error is None:
                _shift(result, u.source, u.start)
        if not u.lang:
            u.lang = result.lang or "en"
        if u.stage is None and result.stage:
            u.stage = result.stage.get("name")
        u.result = result


def _shift(result: FileResult, source: str, offset: int) -> None:
    """Move a section's findings and evidence to the file it was cut from (sections start at a line start)."""
    lines_before = source.count("\n", 0, offset)
    for f in result.findings:
        f.start += offset
        f.end += offset
        f.line += lines_before
        f.end_line += lines_before
    for element in result.elements.values():
        for ev in element.evidence:
            ev.start += offset
            ev.end += offset
            ev.line += lines_before
    result.marks = {k: [(s + offset, e + offset) for s, e in v] for k, v in result.marks.items()}


def lint_versions(pair: Pair, config) -> None:
    from .pairs import name_lang

    apology = _apology_lexicon(config)
    for v in (pair.report, pair.other):
        v.result = api.lint_text(v.text, config=config, path=v.path, marks=(apology,), complete_evidence=True)
        v.lang = v.lang or v.result.lang or name_lang(v.path) or "en"


