"""existence: report each place a pattern set matches ("some users", "不可抗力")."""
from __future__ import annotations

from .base import Kind


class Existence(Kind):
    NAME = "existence"
    PARAMS = {"match": (dict, list), "report": str}
    REQUIRED = ("match",)

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        self.match = self.compile_set(compiler, "match")
        self.report = self.param("report", "each")
        if self.report not in ("each", "first"):
            raise self.error("report", "expected each or first")

    def check(self, ctx):
        hits = ctx.hits(self.match)
        if self.report == "first":
            hits = hits[:1]
        for start, end, lang in hits:
            yield ctx.finding(self.rule, start, end, lang, {"match": ctx.source(start, end)})
