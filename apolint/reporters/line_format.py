"""--format line: `path:line:col: level: message [rule]`, for errorformat (Vim, Emacs)."""
from __future__ import annotations


def render(results, ruleset, options) -> str:
    lines = []
    for r in results:
        if r.error is not None:
            lines.append(f"{r.path}:1:1: error: {r.error} [input-error]")
            continue
        for f in r.findings:
            lines.append(f"{r.path}:{f.line}:{f.column}: {f.level}: {f.message} [{f.rule}]")
    return "\n".join(lines)
