"""missed-update: an update promised the next one by a time ("next update at 15:30", "30分钟后更新", "within
the hour") and the next update came later than that plus the pack's grace, or never came while the thread is
still open. The finding points at the broken promise."""
from __future__ import annotations

from datetime import timedelta

from .thread_base import ThreadKind


class MissedUpdate(ThreadKind):
    NAME = "missed-update"
    FIELDS = ("promised", "came", "late")  # came: "the next one came at 15:20, 45 min late"

    def check(self, thread, ctx):
        from .. import threads as t
        grace = timedelta(minutes=ctx.settings["grace_minutes"])
        resolved = set(ctx.settings["resolved_stages"])
        updates = thread.updates
        for i, u in enumerate(updates):
            if u.stage in resolved:
                continue
            made = t.promises(u, ctx.knowledge)
            if not made:
                continue
            start, end, due = made[-1]  # the last promise an update makes is the one readers hold it to
            nxt = updates[i + 1].time if i + 1 < len(updates) else None
            if nxt is None and i + 1 < len(updates):
                continue  # the next update has no time: nothing to measure
            came = nxt if nxt is not None else ctx.now
            if came <= due + grace:
                continue
            zone = due.tzinfo
            late = int((came - due).total_seconds() // 60)
            if nxt is not None:
                said = f"the next one came at {came.astimezone(zone):%H:%M}, {_minutes(late)} late"
            else:
                said = f"none has come in the {_minutes(late)} since"
            fields = {"promised": due.strftime("%H:%M"), "late": _minutes(late), "came": said}
            yield ctx.finding(self.rule, u.path, start, end, u.lang, fields, u.source)


def _minutes(n: int) -> str:
    if n < 120:
        return f"{n} min"
    return f"{n // 60} h {n % 60:02d} min" if n < 48 * 60 else f"{n // 1440} days"
