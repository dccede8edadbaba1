"""require: an element (responsibility, impact, remedy) or a pattern must be in the document.

A missing element is reported at the top of the document with the rule's level; a weak
one at its first weak evidence with `weak_level` (one level lower by default) and
`weak_message`, so a weak element is never silent.
"""
from __future__ import annotations

from .base import Kind

LOWER = {"error": "warning", "warning": "info", "info": "info"}


class Require(Kind):
    NAME = "require"
    PARAMS = {"element": str, "match": (dict, list), "weak_level": str, "weak_message": str,
              "weak_suggestion": (str, dict)}
    FIELDS = ("match", "element")

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        self.element = self.param("element")
        if (self.element is None) == ("match" not in rule.spec):
            raise self.error("kind", "require needs exactly one of element or match")
        if self.element is not None and self.element not in elements:
            raise self.error("element", f"unknown element {self.element!r}; loaded: {', '.join(sorted(elements))}")
        self.match = self.compile_set(compiler, "match") if "match" in rule.spec else None
        self.weak_level = self.param("weak_level", LOWER[rule.level])
        if self.weak_level not in LOWER:
            raise self.error("weak_level", "expected error, warning or info")
        self.weak_message = self.param("weak_message", rule.message)
        self.weak_suggestion = self.param("weak_suggestion")

    def check(self, ctx):
        if self.match is not None:
            if not ctx.hits(self.match):
                start, end, lang = ctx.document_anchor()
                yield ctx.finding(self.rule, start, end, lang, {"match": "", "element": ""})
            return
        result = ctx.element(self.element)
        if result.status == "missing":
            start, end, lang = ctx.document_anchor()
            yield ctx.finding(self.rule, start, end, lang, {"match": "", "element": self.element})
        elif result.status == "weak":
            first = result.evidence[0]
            lang = ctx.lang_at(first.start)
            suggestion = self.weak_suggestion
            if isinstance(suggestion, dict):
                suggestion = suggestion.get(lang) or next(iter(suggestion.values()))
            yield ctx.finding(self.rule, first.start, first.end, lang,
                              {"match": ctx.source(first.start, first.end), "element": self.element},
                              level=self.weak_level, message=self.weak_message, suggestion=suggestion)
