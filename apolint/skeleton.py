"""Skeletons: the sentence a rule pack offers for a missing element (`skeleton:`, in LSP snippet
syntax), as plain text, and where in a document it goes. Shared by the editor and web front ends."""
from __future__ import annotations

import re

_SNIPPET = re.compile(r"\\([$}\\])|\$\{\d+:([^}]*)\}|\$\{\d+\}|\$\d+")


def snippet_text(snippet: str) -> str:
    """A snippet as plain text: each placeholder becomes its default text, tab stops vanish."""
    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        return m.group(2) or ""

    return _SNIPPET.sub(repl, snippet)


def skeleton_insertion(text: str) -> tuple[int, str, str]:
    """Where a skeleton paragraph goes (the end of the document) and the text around it."""
    newline = "\r\n" if "\r\n" in text else "\n"
    stripped = text.rstrip("\r\n")
    if not stripped:
        before = ""
    elif text.endswith(newline * 2):
        before = ""
    elif text.endswith(newline):
        before = newline
    else:
        before = newline * 2
    return len(text), before, newline
