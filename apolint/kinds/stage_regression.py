"""stage-regression: after an update that said the incident was resolved, a later update goes back to an
earlier stage (investigating, identified) without saying the problem came back. The finding points at the
update that goes back."""
from __future__ import annotations

from .thread_base import ThreadKind


class StageRegression(ThreadKind):
    NAME = "stage-regression"
    FIELDS = ("stage", "after")

    def check(self, thread, ctx):
        from .. import threads as t
        closed_by = None
        back = set(ctx.settings["regression_to"])
        for u in thread.updates:
            if u.stage in ctx.settings["regression_from"]:
                closed_by = u
                continue
            if closed_by is not None and u.stage in back:
                known = t.knowledge_of(u, ctx.knowledge)
                if not t.states(u, known.recurrence, (u.start, u.end)):
                    yield ctx.at_update(self.rule, u, {"stage": u.stage, "after": closed_by.stage})
                closed_by = None
