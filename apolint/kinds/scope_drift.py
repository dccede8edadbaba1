"""scope-drift: an impact figure (a share or count of users, orders, …) or a region changes from one update
to the next without the update saying so ("from 5% to 30%", "扩大至", "再次"): readers compare updates, and a
silent edit reads as hiding. A region that is dropped is left alone (recovery is told as such). The finding
points at the new figure or region."""
from __future__ import annotations

from .thread_base import ThreadKind


class ScopeDrift(ThreadKind):
    NAME = "scope-drift"
    FIELDS = ("before", "now", "unit")

    def check(self, thread, ctx):
        from .. import threads as t
        last: dict = {}  # (kind, unit) → (value, text)
        seen_regions: set = set()
        for u in thread.updates:
            known = t.knowledge_of(u, ctx.knowledge)
            for key, value, start, end in t.scope_measures(u, ctx.knowledge):
                before = last.get(key)
                last[key] = (value, u.source[start:end])
                if before is None or abs(before[0] - value) < 1e-9:
                    continue
                if t.states(u, known.change_stated, t.sentence_around(u, start)):
                    continue
                unit = key[1] + (" (share)" if key[0] == "share" else "")
                yield ctx.finding(self.rule, u.path, start, end, u.lang,
                                  {"before": before[1], "now": u.source[start:end], "unit": unit}, u.source)
            found = t.regions(u, ctx.knowledge)
            names = {name for name, _, _ in found}
            if seen_regions:
                reported = set()
                for name, start, end in found:
                    if name in seen_regions or name in reported:
                        continue
                    reported.add(name)
                    if t.states(u, known.change_stated, t.sentence_around(u, start)):
                        continue
                    yield ctx.finding(self.rule, u.path, start, end, u.lang,
                                      {"before": ", ".join(sorted(seen_regions)), "now": u.source[start:end],
                                       "unit": "region"}, u.source)
            seen_regions |= names
