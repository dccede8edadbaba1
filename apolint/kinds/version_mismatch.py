"""version-mismatch: the Chinese and English versions of a notice disagree — a share, a clock time (compared
in UTC: 14:00 UTC = 22:00 北京时间), a date, a number or amount; an element (responsibility, impact, remedy)
present in one version and weak or missing in the other; an apology in one version only. Each finding goes
into the reported version (see apolint/pairs.py) and quotes both sides."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .thread_base import ThreadKind

WHAT = {"share": "percentage", "clock": "time", "date": "date", "number": "number"}


class VersionMismatch(ThreadKind):
    NAME = "version-mismatch"
    FIELDS = ("what", "here", "there", "partner")
    PAIRS = True

    def check(self, pair, ctx):
        from .. import pairs as p
        here, there = pair.report, pair.other
        partner = Path(there.path).name
        title = p.title_span(here)
        found = []

        def finding(span, what, said_here, said_there):
            found.append(ctx.finding(self.rule, here.path, span[0], span[1], here.lang,
                                     {"what": what, "here": said_here, "there": said_there, "partner": partner},
                                     here.text))

        tolerance = ctx.settings["date_tolerance_days"]
        mine, theirs = p.values(here, ctx.knowledge), p.values(there, ctx.knowledge)
        for kind in p.VALUE_ORDER:
            a = [v for v in mine if v.kind == kind]
            b = [v for v in theirs if v.kind == kind]
            for x, y in _differences(a, b, kind, tolerance):
                if x is not None:
                    finding((x.start, x.end), WHAT[kind], x.shown, y.shown if y else "nothing like it")
                else:
                    finding(title, WHAT[kind], "nothing like it", y.shown)
        self._elements(here, there, title, finding, set(ctx.settings["contrary_features"]))
        name = ctx.settings["apology_lexicon"]
        said = {v.path: (v.result.marks.get(name) if v.result else None) or [] for v in (here, there)}
        if bool(said[here.path]) != bool(said[there.path]):
            if said[here.path]:
                s, e = said[here.path][0]
                finding((s, e), "apology", f'"{here.text[s:e]}"', "no apology")
            else:
                s, e = said[there.path][0]
                finding(title, "apology", "no apology", f'"{there.text[s:e]}"')
        found.sort(key=lambda f: (f.start, f.end))
        return found

    @staticmethod
    def _elements(here, there, title, finding, contrary):
        """An element present in one version and, in the other, weakened by what that version says (a
        deflection, an unmeasured scope, effort only: the pack's `contrary_features`). A version the packs
        merely do not recognise is not reported: that is a gap in the packs, not in the translation."""
        if here.result is None or there.result is None or here.result.error or there.result.error:
            return
        for name, mine in here.result.elements.items():
            other = there.result.elements.get(name)
            if other is None or (mine.status == "present") == (other.status == "present"):
                continue
            strong, weak = (mine, other) if mine.status == "present" else (other, mine)
            if not contrary & set(weak.features):
                continue
            quote = next((f'"{e.text}"' for e in strong.evidence if e.weight > 0), "")
            said_strong = f"{name} present {quote}".strip()
            said_weak = f"{name} {weak.status}"
            if strong is mine:
                first = next((e for e in mine.evidence if e.weight > 0), None)
                span = (first.start, first.end) if first else title
                finding(span, name, said_strong, said_weak)
            else:
                finding(title, name, said_weak, said_strong)


def _differences(a, b, kind, tolerance):
    """(value here, value there) for each disagreement; None for a side that has nothing to match."""
    if Counter(v.key for v in a) == Counter(v.key for v in b):
        return []
    if len(a) == len(b):  # the same values in the same order, one of them changed
        return [(x, y) for x, y in zip(a, b) if not _same(x, y, kind, tolerance)]
    left = list(a)
    right = list(b)
    for x in list(left):  # equal values pair up
        match = next((y for y in right if x.key == y.key), None)
        if match is not None:
            left.remove(x)
            right.remove(match)
    # a value close enough to any value of the other version (a date a zone apart) is no disagreement
    left = [x for x in left if not any(_same(x, y, kind, tolerance) for y in b)]
    right = [y for y in right if not any(_same(x, y, kind, tolerance) for x in a)]
    out = [(x, right[i] if i < len(right) else None) for i, x in enumerate(left)]
    out += [(None, y) for y in right[len(left):]]
    return out


def _same(x, y, kind, tolerance) -> bool:
    if x.key == y.key:
        return True
    if kind == "date":  # a date may move by a day when the versions tell time in different zones
        from datetime import date

        try:
            dx, dy = date(2026, *x.key), date(2026, *y.key)
        except ValueError:
            return False
        return abs((dx - dy).days) <= tolerance
    return False
