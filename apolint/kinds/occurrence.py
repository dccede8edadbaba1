"""occurrence: too many (or too few) matches per scope, e.g. apologies per notice.

`max` may grow with length: allowed = max + floor(characters / per_chars).
"""
from __future__ import annotations

from .base import Kind


class Occurrence(Kind):
    NAME = "occurrence"
    PARAMS = {"match": (dict, list), "max": int, "min": int, "per_chars": int}
    REQUIRED = ("match",)
    FIELDS = ("match", "count", "max")

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        self.match = self.compile_set(compiler, "match")
        self.max = self.param("max")
        self.min = self.param("min")
        self.per_chars = self.param("per_chars")
        if self.max is None and self.min is None:
            raise self.error("kind", "occurrence needs max or min")

    def check(self, ctx):
        groups: dict[tuple[int, int], list] = {}
        for hit in ctx.hits(self.match):
            groups.setdefault(ctx.scope_span(self.rule.scope, hit[0]), []).append(hit)
        if self.max is not None:
            for span, hits in groups.items():
                allowed = self.max
                if self.per_chars:
                    allowed += ctx.chars_in(span) // self.per_chars
                if len(hits) > allowed:
                    start, end, lang = hits[allowed]
                    yield ctx.finding(self.rule, start, end, lang,
                                      {"match": ctx.source(start, end), "count": len(hits), "max": allowed})
        if self.min is not None and self.rule.scope == "document":
            count = sum(len(h) for h in groups.values())
            if count < self.min:
                start, end, lang = ctx.document_anchor()
                yield ctx.finding(self.rule, start, end, lang, {"match": "", "count": count, "max": self.min})
