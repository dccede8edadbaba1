"""--format github: GitHub Actions workflow commands, shown as annotations on the pull request.

    ::warning file=draft.md,line=6,col=12,endLine=6,endColumn=16,title=vague-scope::"部分用户" does not …

Levels map error → `::error`, warning → `::warning`, info → `::notice`. Columns are 1-based
code points and `endColumn` is the column just after the match; GitHub accepts columns only
on a one-line span, so a finding that spans lines gives `line` and `endLine` only. The
message is followed by the suggestion on a second line. Data is escaped as GitHub's toolkit
does (`%`, CR, LF), property values also escape `:` and `,`. A file that could not be read is
an `::error` without a line.
"""
from __future__ import annotations

from pathlib import Path

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict, message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def render(results, ruleset, options) -> str:
    lines = []
    for r in results:
        path = Path(r.path).as_posix()
        if r.error is not None:
            lines.append(command("error", {"file": path, "title": "apolint: input error"}, r.error))
            continue
        for note in r.notices:
            lines.append(command("notice", {"file": path, "title": "apolint"}, note))
        for f in r.findings:
            props = {"file": path, "line": f.line}
            if f.end_line == f.line:
                props.update(col=f.column, endLine=f.end_line, endColumn=f.end_column)
            else:
                props["endLine"] = f.end_line
            props["title"] = f.rule
            message = f.message + (f"\nSuggestion: {f.suggestion}" if f.suggestion else "")
            lines.append(command(COMMAND.get(f.level, "warning"), props, message))
    return "\n".join(lines)
