"""--format text: findings with the source line underlined, the suggestion, and a summary.

A source line wider than MAX_SOURCE_WIDTH display columns (a one-paragraph notice is one line) is
shown as a window around the finding, its cut ends marked "…", as ruff and rustc do; the carets
stop at the window's edge. Widths are display columns: East Asian wide and full-width characters
count two, so carets sit under Chinese text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..explain import evidence_line

COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m", "bold": "\033[1m",
          "dim": "\033[2m", "reset": "\033[0m"}
MARK = {"present": "✓", "weak": "~", "missing": "✗"}


MAX_SOURCE_WIDTH = 100  # display columns of source shown under a finding, "…" included
CONTEXT_BEFORE = 30  # columns kept before the finding on a cut line (fewer when the finding is long)
CUT = "…"


def _char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _width(s: str) -> int:
    return sum(map(_char_width, s))


def _source_window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """What to print of `line` for a finding over line[start:end] (code points): the text, the
    columns before the carets and the number of carets (at least one)."""
    if len(line) <= MAX_SOURCE_WIDTH and _width(line) <= MAX_SOURCE_WIDTH:
        return line, _width(line[:start]), max(1, _width(line[start:end]))
    budget = MAX_SOURCE_WIDTH - 2 * len(CUT)  # room for a cut mark at both ends
    span_width = 0
    i = start
    while i < end and span_width < budget:  # (only as far as the window can reach)
        span_width += _char_width(line[i])
        i += 1
    before = min(CONTEXT_BEFORE, max(0, budget - span_width))
    left, left_width = start, 0
    while left > 0 and left_width + _char_width(line[left - 1]) <= before:
        left -= 1
        left_width += _char_width(line[left])
    right, right_width = start, 0
    while right < len(line) and left_width + right_width + _char_width(line[right]) <= budget:
        right_width += _char_width(line[right])
        right += 1
    while left > 0 and left_width + right_width + _char_width(line[left - 1]) <= budget:
        left -= 1  # the line ended first: spend the rest of the budget on context before
        left_width += _char_width(line[left])
    head = CUT if left > 0 else ""
    shown = head + line[left:right] + (CUT if right < len(line) else "")
    return shown, _width(head) + left_width, max(1, _width(line[start:min(end, right)]))


def render(results, ruleset, options) -> str:
    color = options.get("color", False)
    quiet = options.get("quiet", False)

    def c(name, text):
        return f"{COLORS[name]}{text}{COLORS['reset']}" if color else text

    out: list[str] = []
    levels: Counter = Counter()
    per_rule: Counter = Counter()
    files = errors = 0
    for r in results:
        files += 1
        if r.error is not None:
            errors += 1
            out.append(f"{c('bold', r.path)}: {c('error', 'error')} {r.error}")
            continue
        for f in r.findings:
            levels[f.level] += 1
            per_rule[f.rule] += 1
            out.append(f"{c('bold', f'{r.path}:{f.line}:{f.column}')}: {c(f.level, f.level)} "
                       f"{c('dim', f.rule)} {f.message}")
            if quiet:
                continue
            source = _line(r, f.line, options)
            if source is not None:
                gutter = f"{f.line:>5} | "
                end_col = f.end_column if f.end_line == f.line else len(source) + 1
                shown, pad, span = _source_window(source, f.column - 1, end_col - 1)
                out.append(gutter + shown)
                out.append(" " * (len(gutter) - 2) + "| " + " " * pad + c(f.level, "^" * span))
            if f.suggestion:
                out.append(f"      = suggestion: {f.suggestion}")
        for note in r.notices:
            out.append(f"{r.path}: note: {note}")
        if not quiet and r.elements:
            marks = "  ".join(f"{name} {MARK[e.status]} {e.status}" for name, e in r.elements.items())
            out.append(c("dim", f"{r.path}: {marks}  score {r.score}"))
            for name, e in r.elements.items():  # the evidence behind each status (explain --why: all of it)
                out.append(c("dim", "  " + evidence_line(name, e)))
        if not quiet and (r.findings or r.elements):
            out.append("")
    incidents = options.get("incidents")
    if incidents is not None and not quiet and (incidents.threads or incidents.pairs):
        from ..threads import timeline

        for thread in incidents.threads:  # a compact timeline; its findings are listed with their files above
            out.extend(c("dim", line) if i else c("bold", line) for i, line in enumerate(timeline(thread, incidents.positions)))
            out.append("")
        for pair in incidents.pairs:
            out.append(c("bold", f"versions {pair.report.path} ↔ {pair.other.path}: ") +
                       (f"{len(pair.findings)} mismatch{'es' if len(pair.findings) != 1 else ''}" if pair.findings
                        else "they agree"))
        if incidents.pairs:
            out.append("")
    if options.get("statistics"):
        for rule, count in per_rule.most_common():
            out.append(f"{count:>6}  {rule}")
    if not quiet:
        parts = [f"{levels[k]} {k}{'s' if levels[k] != 1 and k != 'info' else ''}" for k in ("error", "warning", "info")]
        summary = f"{files} file{'s' if files != 1 else ''} checked: " + ", ".join(parts)
        if errors:
            summary += f"; {errors} file{'s' if errors != 1 else ''} could not be checked"
        out.append(summary)
    return "\n".join(out)


def _line(result, line: int, options) -> str | None:
    texts = options.get("texts", {})
    text = texts.get(result.path)
    if text is None:
        return None
    # the document's own line breaks (\n, \r\n, lone \r), not str.splitlines(), which also
    # breaks at U+2028, form feed, \x1c-\x1e and \x85 and would show the wrong line
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[line - 1] if 0 < line <= len(lines) else None
