"""substitution: a phrase with a better replacement ("sorry for any inconvenience" → …).

`swap` maps phrase → replacement, per language when the rule has several. With `safe: true`
the replacement invents no facts and `apolint fix` may apply it. An optional `match` pattern
set reports further wordings of the same problem that have no mechanical replacement.
"""
from __future__ import annotations

import bisect

from ..yamlsource import YMap
from .base import Kind


class Substitution(Kind):
    NAME = "substitution"
    PARAMS = {"swap": dict, "safe": bool, "match": (dict, list)}
    REQUIRED = ("swap",)
    FIELDS = ("match", "replacement")

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        swap = rule.spec["swap"]
        by_lang = swap if set(swap) and set(swap) <= set(rule.languages) else {lang: swap for lang in rule.languages}
        self.safe = bool(self.param("safe", False))
        self.entries: dict[str, list] = {}
        for lang, table in by_lang.items():
            if not isinstance(table, dict):
                raise self.error("swap", f"expected phrase: replacement pairs for {lang}")
            for phrase, replacement in table.items():
                if not isinstance(phrase, str) or not isinstance(replacement, str):
                    raise self.error("swap", f"phrase and replacement must be strings: {phrase!r}")
                spec = YMap(phrases=[phrase])
                spec.line = table.line_of(phrase) if isinstance(table, YMap) else rule.line
                det = compiler.compile(spec, lang, self.path, f"rules[{rule.id}].swap")
                self.entries.setdefault(lang, []).append((det, replacement))
        self.match = self.compile_set(compiler, "match") if "match" in rule.spec else None

    def check(self, ctx):
        hits = []
        for lang, entries in self.entries.items():
            for det, replacement in entries:
                hits.extend((start, end, hit_lang, replacement) for start, end, hit_lang in ctx.hits({lang: det}))
        # where swap phrases overlap ("…any inconvenience" inside "…any inconvenience this may have
        # caused"), the longest one is the one to replace
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        swapped: list[tuple[int, int]] = []  # sorted and disjoint: overlaps are found by bisect
        for start, end, hit_lang, replacement in hits:
            if _overlaps(swapped, start, end):
                continue
            text = ctx.source(start, end)
            if text[:1].isupper() and replacement[:1].islower():
                replacement_here = replacement[0].upper() + replacement[1:]
            else:
                replacement_here = replacement
            swapped.append((start, end))
            yield ctx.finding(self.rule, start, end, hit_lang, {"match": text, "replacement": replacement_here},
                              fix=replacement_here if self.safe else None, suggestion=replacement_here)
        if self.match is not None:
            for start, end, lang in ctx.hits(self.match):
                if _overlaps(swapped, start, end):
                    continue
                # no mechanical replacement here: {replacement} is the rule's suggestion
                yield ctx.finding(self.rule, start, end, lang, {"match": ctx.source(start, end),
                                                                "replacement": self.rule.suggestion_for(lang) or ""})


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does [start, end) overlap a span of `spans` (sorted, disjoint, so ends increase too)?"""
    i = bisect.bisect_left(spans, (end,)) - 1  # the last span starting before `end`
    return i >= 0 and start < spans[i][1]
