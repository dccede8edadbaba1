"""promised-postmortem-missing: an update promises a post-mortem (复盘) by a date or within some days, and no
post-mortem update is in the thread by then (a promise without a date is due after the pack's
`postmortem_days`). The finding points at the promise."""
from __future__ import annotations

from .thread_base import ThreadKind


class PostmortemMissing(ThreadKind):
    NAME = "promised-postmortem-missing"
    FIELDS = ("due",)

    def check(self, thread, ctx):
        from .. import threads as t
        from .. import threadtime
        published = [u for u in thread.updates if u.stage in ctx.settings["postmortem_stages"]]
        for u in thread.updates:
            if u.time is None or u.stage in ctx.settings["postmortem_stages"]:
                continue
            known = t.knowledge_of(u, ctx.knowledge)
            for m, _ in t.matches(u, known.postmortem_promise):
                groups = {k: v for k, v in m.groupdict().items() if v}
                due = threadtime.deadline_days(groups, known, u.time, ctx.settings["postmortem_days"])
                if any(p.time is not None and u.time <= p.time for p in published):
                    break
                if ctx.now > due:
                    yield ctx.finding(self.rule, u.path, m.start(), m.end(), u.lang,
                                      {"due": due.strftime("%Y-%m-%d")}, u.source)
                break  # one promise per update is enough to hold it to
