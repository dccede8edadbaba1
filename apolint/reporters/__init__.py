"""Reporters: one module per output format. Each gets every result and returns the text to print;
the CLI, not the reporter, decides the exit code."""
from __future__ import annotations

import importlib

FORMATS = ("text", "line", "json", "sarif", "github", "html")


def render(fmt: str, results, ruleset, options: dict) -> str:
    module = importlib.import_module(f"apolint.reporters.{fmt}_format")
    return module.render(results, ruleset, options)


def statistics(results) -> str:
    """`--statistics`: findings per rule, most frequent first (`count  rule` lines)."""
    from collections import Counter

    per_rule = Counter(f.rule for r in results for f in r.findings)
    return "\n".join(f"{count:>6}  {rule}" for rule, count in per_rule.most_common())
