"""stage-skipped: a thread that never reaches a resolved stage while its last update is older than the pack's
`stale_hours`: readers are left without an ending. The finding points at the last update."""
from __future__ import annotations

from datetime import timedelta

from .thread_base import ThreadKind


class StaleThread(ThreadKind):
    NAME = "stale-thread"
    FIELDS = ("stage", "age")

    def check(self, thread, ctx):
        if not thread.updates or any(u.stage in ctx.settings["resolved_stages"] for u in thread.updates):
            return
        last = thread.updates[-1]
        if last.time is None:
            return
        age = ctx.now - last.time
        if age > timedelta(hours=ctx.settings["stale_hours"]):
            hours = int(age.total_seconds() // 3600)
            yield ctx.at_update(self.rule, last, {"stage": last.stage or "unknown",
                                                  "age": f"{hours // 24} days" if hours >= 48 else f"{hours} h"})
