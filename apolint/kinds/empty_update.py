"""empty-update: an update that tells nothing its previous update did not — no new number or time, no new
evidence of cause, impact or action, and no move to a stage that is news (identified, resolved). Measured on
evidence, not on string equality: the header's own time and the promise of the next update do not count.
The finding points at the update."""
from __future__ import annotations

from .thread_base import ThreadKind


class EmptyUpdate(ThreadKind):
    NAME = "empty-update"
    FIELDS = ("previous",)

    def check(self, thread, ctx):
        from .. import threads as t
        news = set(ctx.settings["news_stages"])
        for prev, u in zip(thread.updates, thread.updates[1:]):
            if u.stage != prev.stage and u.stage in news:
                continue
            if t.numbers(u, ctx.knowledge) - t.numbers(prev, ctx.knowledge):
                continue
            before = t.normalise(prev.body)
            if any(t.normalise(text) not in before for _, _, text in t.evidence_texts(u, ctx.knowledge)):
                continue
            line, _ = ctx.position(prev.path, prev.anchor[0])
            when = prev.time.strftime("%H:%M") if prev.time else f"line {line}"
            yield ctx.at_update(self.rule, u, {"previous": when})
