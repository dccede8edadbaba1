"""`apolint fix`: apply the fixes rules mark as safe, and nothing else.

A finding carries a fix only when its rule is a substitution with `safe: true` (a replacement
that adds no facts). For each such finding the fixer makes the smallest edit that turns the
matched text into the replacement (common prefix and suffix left alone), keeps edits that do
not overlap, applies them from the end of the text, then lints again until nothing fixable is
left, so a second run changes nothing. A file is written back atomically (temporary file in
the same directory, then rename) in the encoding, byte-order mark, newline style and mode it
had; a file that could not be decoded or parsed is never touched.
"""
from __future__ import annotations

import difflib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import document as document_mod
from .atomic import replace_file
from .document import InputError

MAX_PASSES = 10


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (code points) with `replacement`; made for one finding."""

    start: int
    end: int
    replacement: str
    rule: str


@dataclass
class Skipped:
    """A safe fix the fixer left alone, and why (reported, never silently dropped)."""

    rule: str
    line: int
    column: int
    reason: str


@dataclass
class FixResult:
    path: str
    original: str = ""
    fixed: str = ""
    applied: Counter = field(default_factory=Counter)  # rule → edits applied
    skipped: list[Skipped] = field(default_factory=list)
    error: str | None = None
    data: bytes = b""  # the bytes the file had when read
    new_data: bytes = b""  # the bytes it would have after fixing

    @property
    def changed(self) -> bool:
        return self.error is None and self.fixed != self.original

    @property
    def count(self) -> int:
        return sum(self.applied.values())


# --- planning edits --------------------------------------------------------------------

def smallest_edit(text: str, start: int, end: int, replacement: str, rule: str) -> Edit | None:
    """The edit that turns text[start:end] into `replacement` touching the fewest characters."""
    old = text[start:end]
    if old == replacement:
        return None
    prefix = 0
    limit = min(len(old), len(replacement))
    while prefix < limit and old[prefix] == replacement[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and old[len(old) - 1 - suffix] == replacement[len(replacement) - 1 - suffix]:
        suffix += 1
    return Edit(start + prefix, end - suffix, replacement[prefix:len(replacement) - suffix], rule)


def _same_script(matched: str, replacement: str) -> str:
    """Write the replacement in traditional characters when the matched text used them.

    Packs write replacements in simplified Chinese and match traditional text through a
    one-to-one folding; a fix must not switch a 繁體 notice to 简体 halfway through a sentence."""
    from .analysis import traditional_to_simplified

    table = traditional_to_simplified()
    if not any(c in table for c in matched):
        return replacement
    from opencc import OpenCC

    return OpenCC("s2t").convert(replacement)


def plan(doc, findings) -> tuple[list[Edit], list[Skipped]]:
    """Non-overlapping smallest edits for the findings that carry a fix, in text order."""
    text = doc.text
    candidates: list[tuple[Edit, object]] = []
    skipped: list[Skipped] = []
    for f in findings:
        if f.fix is None:
            continue
        if text[f.start:f.end] != f.text:
            skipped.append(Skipped(f.rule, f.line, f.column, "the finding no longer matches the text"))
            continue
        replacement = _same_script(f.text, f.fix)
        edit = smallest_edit(text, f.start, f.end, replacement, f.rule)
        if edit is None:
            continue
        if any(s < max(edit.end, edit.start + 1) and edit.start < e for s, e in doc.masked):
            skipped.append(Skipped(f.rule, f.line, f.column,
                                   "the match runs through markup, code or a link; edit it by hand"))
            continue
        candidates.append((edit, f))
    candidates.sort(key=lambda c: (c[0].start, c[0].end))
    edits: list[Edit] = []
    for edit, _f in candidates:
        if edits:
            last = edits[-1]
            if edit.start < last.end or (edit.start == last.start and edit.start == edit.end == last.end):
                continue  # overlaps an earlier edit; the next pass sees it again
        edits.append(edit)
    return edits, skipped


def apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits from the end, so earlier offsets stay valid."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


# --- whole texts and files ------------------------------------------------------------------

def fix_text(text: str, lint: Callable[[str], object], path: str = "<text>") -> FixResult:
    """Fix `text` until no safe fix is left. `lint(text)` returns a FileResult for that text."""
    result = FixResult(path=path, original=text, fixed=text)
    current = text
    for _ in range(MAX_PASSES):
        try:
            doc = document_mod.parse(current, path)
        except InputError as exc:
            result.error = str(exc)
            return result
        linted = lint(current)
        if linted.error is not None:
            result.error = linted.error
            return result
        edits, skipped = plan(doc, linted.findings)
        if not edits:
            result.skipped = skipped
            result.fixed = current
            return result
        current = apply(current, edits)
        result.applied.update(e.rule for e in edits)
    result.error = (f"fixes did not settle after {MAX_PASSES} passes (rules: "
                    f"{', '.join(sorted(result.applied))}); nothing was written — please report this")
    return result


def fix_file(path: str | Path, lint: Callable[[str], object], encoding: str | None = None) -> FixResult:
    """Read, decode and fix one file in memory; `new_data` holds the bytes to write."""
    name = str(path)
    try:
        data = document_mod.read_bytes(path)
    except InputError as exc:
        return FixResult(path=name, error=str(exc))
    try:
        source = document_mod.decode_bytes(data, name, encoding)
    except InputError as exc:
        return FixResult(path=name, error=str(exc), data=data)
    result = fix_text(source.text, lint, name)
    result.data = data
    if result.error is not None or not result.changed:
        result.new_data = data
        return result
    codec = source.encoding
    try:
        if source.bom + source.text.encode(codec) != data:
            result.error = f"re-encoding as {codec} would change bytes the fixes do not touch; not written"
            return result
        result.new_data = source.bom + result.fixed.encode(codec)
    except (UnicodeEncodeError, LookupError) as exc:
        result.error = f"a replacement cannot be written in {codec}: {exc}; not written"
    return result


def write_atomic(path: str | Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace the file's contents atomically, keeping its mode (and owner where allowed).

    With `expected`, refuse when the file no longer holds those bytes (edited meanwhile)."""
    real = os.path.realpath(path)
    st = os.stat(real)
    if expected is not None and Path(real).read_bytes() != expected:
        raise OSError(f"{path} changed while it was being fixed; run apolint fix again")
    def keep_mode_and_owner(tmp: str) -> None:
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass

    replace_file(real, data, prefix=f".{os.path.basename(real)}.", suffix=".apolint-tmp", durable=True,
                 prepare=keep_mode_and_owner)


_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def unified_diff(result: FixResult) -> str:
    """A unified diff of the fix (a/ and b/ prefixes, as `git apply` and `patch -p1` expect)."""
    if not result.changed:
        return ""
    old = _LINE.findall(result.original)
    new = _LINE.findall(result.fixed)
    name = Path(result.path).as_posix()
    out = []
    for line in difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
