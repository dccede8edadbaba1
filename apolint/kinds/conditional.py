"""conditional: if the document says A, it must also say B (money harm → compensation)."""
from __future__ import annotations

from .base import Kind


class Conditional(Kind):
    NAME = "conditional"
    PARAMS = {"if": (dict, list), "then": (dict, list)}
    REQUIRED = ("if", "then")

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        self.first = self.compile_set(compiler, "if")
        self.then = self.compile_set(compiler, "then")

    def check(self, ctx):
        hits = ctx.hits(self.first)
        if hits and not ctx.hits(self.then):
            start, end, lang = hits[0]
            yield ctx.finding(self.rule, start, end, lang, {"match": ctx.source(start, end)})
