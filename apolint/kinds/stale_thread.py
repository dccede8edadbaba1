"""stage-skipped: a thread that never reaches a resolved stage (or is taken back to investigating after it and
never resolved again) while its last update is older than the pack's `stale_hours`: readers are left without
an ending. The finding points at the last update."""
from __future__ import annotations

from datetime import timedelta

from .thread_base import ThreadKind


class StaleThread(ThreadKind):
    NAME = "stale-thread"
    FIELDS = ("stage", "age")

    def check(self, thread, ctx):
        # open: never resolved, or taken back to investigating after its resolution (a later "update" that
        # adds to a resolution does not reopen it)
        closing = set(ctx.settings["resolved_stages"])
        state = [u.stage for u in thread.updates if u.stage in closing | set(ctx.settings["regression_to"])]
        if not thread.updates or (state and state[-1] in closing):
            return
        last = thread.updates[-1]
        if last.time is None:
            return
        age = ctx.now - last.time
        if age > timedelta(hours=ctx.settings["stale_hours"]):
            hours = int(age.total_seconds() // 3600)
            yield ctx.at_update(self.rule, last, {"stage": last.stage or "unknown",
                                                  "age": f"{hours // 24} days" if hours >= 48 else f"{hours} h"})
