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
