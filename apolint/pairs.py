"""Pairs: the Chinese and English versions of one notice, and the values each states (issue 13).

Two files are a pair when
- one says `translation_of: FILE` in its front matter (FILE relative to its folder);
- their names differ only in the language code: `notice.zh.md` / `notice.en.md`; or
- their front matter shares `thread:` and they are the only notice of that thread in each `lang`.

A pair's findings go into the translation (the file with `translation_of`), otherwise into the version in
the language the packs' `threads.settings.report_pairs_in` names (English). Values — shares, clock times
(compared in UTC, each version in its own zone), dates, numbers (with 万-style multipliers) — are read with
the language packs' `threads.values` patterns.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from . import threadtime
from .findings import FileResult, PathFinding
from .incident import name_partner
from .threads import fold

_LANG_IN_NAME = re.compile(r"^(?P<stem>.+)\.(?P<lang>zh|en)$")
VALUE_ORDER = ("share", "clock", "date", "number")


@dataclass
class Version:
    path: str
    text: str
    front_matter: dict
    body_start: int
    lang: str = ""
    result: FileResult | None = None
    _values: list | None = field(default=None, repr=False)


@dataclass
class Pair:
    report: Version  # the version findings go into
    other: Version
    findings: list[PathFinding] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"report": self.report.path, "partner": self.other.path,
                "findings": [dict(f.to_json(), path=f.path) for f in self.findings]}


def find_pairs(items: list[tuple[str, str, dict, int]], ruleset, read) -> list[Pair]:
    """Pairs among checked notices (path, text, front matter, body start); a partner that was not checked is
    read with `read(path)` (None if it cannot be). Each file is in at most one pair."""
    by_path = {os.path.normpath(i[0]): i for i in items}
    settings = ruleset.threads.settings
    taken: set = set()
    pairs: list[Pair] = []

    def version(path: str) -> Version | None:
        key = os.path.normpath(path)
        item = by_path.get(key)
        if item is None:
            loaded = read(path)
            if loaded is None:
                return None
            item = by_path[key] = (path,) + tuple(loaded)
        return Version(item[0], item[1], item[2], item[3], lang=str(item[2].get("lang") or ""))

    def add(a: Version | None, b: Version | None, report: str | None) -> None:
        if a is None or b is None:
            return
        ka, kb = os.path.normpath(a.path), os.path.normpath(b.path)
        if ka == kb or ka in taken or kb in taken:
            return
        taken.update((ka, kb))
        if report is None:
            report = a.path if (a.lang or name_lang(a.path)) == settings["report_pairs_in"] else b.path
        first, second = (a, b) if os.path.normpath(report) == ka else (b, a)
        pairs.append(Pair(first, second))

    for path, text, meta, _ in list(items):
        target = meta.get("translation_of")
        if isinstance(target, str) and target.strip():
            partner = os.path.join(os.path.dirname(path), target.strip())
            add(version(path), version(partner), path)
    for path, _, _, _ in list(items):
        partner = name_partner(path)
        if partner and os.path.normpath(path) not in taken and os.path.exists(partner):
            add(version(path), version(partner), None)
    threads: dict = {}
    for path, _, meta, _ in items:
        if meta.get("thread") is not None and meta.get("lang") in ("zh", "en"):
            threads.setdefault(str(meta["thread"]), {}).setdefault(meta["lang"], []).append(path)
    for langs in threads.values():
        if set(langs) == {"zh", "en"} and all(len(v) == 1 for v in langs.values()):
            add(version(langs["zh"][0]), version(langs["en"][0]), None)
    return pairs


def name_lang(path: str) -> str:
    m = _LANG_IN_NAME.match(Path(path).stem)
    return m.group("lang") if m else ""


@dataclass
class Value:
    kind: str
    key: object  # what is compared: a float, minutes after midnight UTC, (month, day)
    start: int
    end: int
    text: str
    shown: str  # how a message shows it ("09:30 北京时间" = 01:30 UTC)
    clock: tuple | None = None  # (hour, minute) of a clock time
    zone: object = None  # the zone a clock time names itself, if any


def values(v: Version, knowledge) -> list[Value]:
    """Every value a version states, in text order per kind; a number inside a share, time or date is not
    counted again."""
    if v._values is not None:
        return v._values
    known = knowledge.languages.get(v.lang) or next(iter(knowledge.languages.values()))
    zone = threadtime.zone(str(v.front_matter.get("timezone") or known.default_timezone)) or timezone.utc
    taken: list[tuple[int, int]] = []
    found: list[Value] = []
    folded = fold(v.text)
    for kind in VALUE_ORDER:
        for pattern in known.values:
            if pattern.kind != kind:
                continue
            for m in pattern.regex.finditer(folded, v.body_start):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                groups = {k: x for k, x in m.groupdict().items() if x}
                value = _value(kind, groups, m, known, zone, v.text)
                if value is None:
                    continue
                taken.append((m.start(), m.end()))
                found.append(value)
    found.sort(key=lambda x: (VALUE_ORDER.index(x.kind), x.start))
    _share_range_zones(found, v.text, known, zone)
    v._values = found
    return found


def _share_range_zones(found: list, text: str, known, default) -> None:
    """A range names its zone once, at its end ("10:15 AM to 11:05 AM PT", "22:00至22:40（北京时间）"): a time
    without a zone takes the zone of the next time when only a few characters part them."""
    clocks = [v for v in found if v.kind == "clock"]
    for here, after in zip(clocks, clocks[1:]):
        if here.zone is None and after.zone is not None and after.start - here.end <= 12 \
                and "\n" not in text[here.end:after.start]:
            here.zone = after.zone
            here.key, here.shown = _utc_minutes(here.clock, after.zone, here.text)


def _value(kind, groups, m, known, zone, original: str) -> Value | None:
    said = original[m.start():m.end()]  # quoted as written (the match ran on the folded text)
    text = said.strip()
    start = m.start() + (len(said) - len(said.lstrip()))
    end = start + len(text)
    if kind in ("share", "number"):
        from .threads import to_number

        number = to_number(groups.get("value"), groups.get("mult"), known)
        if number is None:
            return None
        return Value(kind, round(number, 6), start, end, text, f'"{text}"')
    if kind == "date":
        month = threadtime.month_of(groups.get("month"), known.months)
        if not month or not groups.get("day"):
            return None
        return Value(kind, (month, int(groups["day"])), start, end, text, f'"{text}"')
    hm = threadtime.clock(groups)
    if hm is None:
        return None
    named = threadtime.zone_of(groups.get("tz"), known, None) if groups.get("tz") else None
    key, shown = _utc_minutes(hm, named or zone, text)
    return Value(kind, key, start, end, text, shown, clock=hm, zone=named)


def _utc_minutes(hm: tuple[int, int], tz, text: str) -> tuple[int, str]:
    day = date(2026, 1, 15)  # a day without daylight saving in the north; only minutes after midnight matter
    utc = datetime(day.year, day.month, day.day, hm[0] % 24, hm[1], tzinfo=tz).astimezone(timezone.utc)
    return utc.hour * 60 + utc.minute, f'"{text}" = {utc:%H:%M} UTC'


def check(pair: Pair, ruleset, positions) -> list[PathFinding]:
    from .threads import ThreadContext

    ctx = ThreadContext(ruleset, datetime.now(timezone.utc), positions)
    findings: list[PathFinding] = []
    for rule in ruleset.threads.rules:
        if getattr(rule.check, "PAIRS", False):
            findings.extend(rule.check.check(pair, ctx))
    findings.sort(key=lambda f: (f.start, f.rule))
    pair.findings = findings
    return findings


def title_span(v: Version) -> tuple[int, int]:
    from .threads import _title_span

    return _title_span(v.text, v.body_start)
