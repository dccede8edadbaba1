"""Whole incidents among the checked files: threads of updates and zh/en pairs (issue 13).

`analyse` runs after every file was checked on its own. It costs nothing for ordinary notices: front matter
is read only when it names `thread` or `translation_of`, a file is split into updates only when it has two
lines with a clock time near their start, and the packs are loaded only when one of these holds.
"""
from __future__ import annotations

import os
import re

_FRONT_MATTER_END = re.compile(r"\r?\n---[ \t]*(?:\r?\n|$)")
_THREAD_KEYS = re.compile(r"^(?:thread|translation_of)[ \t]*:", re.M)
# A status-page thread has at least two header-like lines — a line opening with Markdown or bracket marks with
# a clock time near its start, or a short line ending with a clock time and maybe a zone (Statuspage's
# "Nov 9, 2026 - 12:15 UTC"). Prose that merely opens with a time ("16:25起，…", "From 14:05 to …") is
# neither. Digits and a colon are no language: the headers themselves are pack data (threads.headers).
_HEADER_LIKE = re.compile(
    r"^(?:[#*>【\[][^\n]{0,60}?\d[:：]\d\d|[^\n]{0,40}?\d[:：]\d\d[ \t]*[A-Za-z]{0,4}[ \t]*$)", re.M)


def may_be_thread(text: str) -> bool:
    """False when a text cannot be a status-page thread (most single notices): no packs are needed to say so."""
    found = 0
    for _ in _HEADER_LIKE.finditer(text):
        found += 1
        if found >= 2:
            return True
    return False


def name_partner(path: str) -> str | None:
    """`x.zh.md` ↔ `x.en.md` (cheap: string work only, no file is opened)."""
    stem, suffix = os.path.splitext(path)
    if stem.endswith(".zh"):
        return stem[:-3] + ".en" + suffix
    if stem.endswith(".en"):
        return stem[:-3] + ".zh" + suffix
    return None


class Incidents:
    """The threads and pairs found among the checked files (a plain class: this module is on every run's path)."""

    def __init__(self):
        self.threads: list = []
        self.pairs: list = []
        self.positions = None

    def to_json(self) -> dict:
        return {"threads": [t.to_json(self.positions) for t in self.threads],
                "pairs": [p.to_json() for p in self.pairs]}


def _front_matter(text: str) -> tuple[dict, int] | None:
    """Front matter, parsed only when it may name a thread or a translation; None otherwise."""
    if not text.startswith("---"):
        return None
    end = _FRONT_MATTER_END.search(text, 3)
    if end is None or not _THREAD_KEYS.search(text, 3, end.start()):
        return None
    from .document import InputError, split_front_matter

    try:
        return split_front_matter(text)
    except InputError:
        return None


def _meta(text: str) -> tuple[dict, int]:
    from .document import InputError, split_front_matter

    try:
        return split_front_matter(text)
    except InputError:
        return {}, 0


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
    from datetime import datetime, timezone
    from pathlib import Path

    from . import api
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
            pairs_mod.lint_versions(pair, cfg)
            pairs_mod.check(pair, ruleset, positions)
            found.pairs.append(pair)
    done = []
    for thread, cfg, ruleset in found.threads:
        threads_mod.lint_updates(thread, cfg, lang)
        threads_mod.check(thread, ruleset, now, positions)
        done.append(thread)
    found.threads = done
    return found


def merge(results: list, found: Incidents) -> None:
    """Put thread and pair findings into the results of the files they point into. A status-page file's
    own findings become those of its updates, each linted as the notice it is."""
    by_path = {os.path.normpath(r.path): r for r in results if r is not None and r.error is None}
    touched = {}
    for thread in found.threads:
        if thread.layout == "status-page":
            result = by_path.get(os.path.normpath(thread.path))
            updates = [u.result for u in thread.updates]
            if result is not None and all(r is not None and r.error is None for r in updates):
                result.findings = [f for r in updates for f in r.findings]
                touched[id(result)] = result
    for f in [f for w in found.threads + found.pairs for f in w.findings]:
        target = by_path.get(os.path.normpath(f.path))
        if target is not None:
            target.findings.append(f)
            touched[id(target)] = target
    for result in touched.values():  # the engine's order: by place in the file, then rule
        result.findings.sort(key=lambda f: (f.start, f.end, f.rule))
