"""What every thread kind shares: the rule it serves and its typed parameters.

A thread kind compares the updates of one thread (or the two versions of a pair) and yields findings that
point into the file where the reader is let down; `apolint/threads.py` and `apolint/pairs.py` give it the
updates, what each says and a `ctx.finding(...)`.
"""
from __future__ import annotations

from ..yamlsource import check_type


class ThreadKind:
    NAME = ""
    PARAMS: dict = {}
    FIELDS: tuple[str, ...] = ()
    PAIRS = False  # a pair kind runs on zh/en pairs, not on threads

    def __init__(self, rule, spec):
        self.rule = rule
        for key, expected in self.PARAMS.items():
            if key in spec:
                check_type(spec[key], expected, rule.path, spec.line_of(key), f"threads.rules[{rule.id}].{key}")
        self.spec = spec

    def check(self, thread, ctx):  # pragma: no cover - interface
        raise NotImplementedError
