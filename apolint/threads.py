"""Threads: an incident told in dated updates, and what each update says (issue 13).

A thread is either
- a **status-page file**: one file holding at least `min_updates` update headers — a heading or line with a
  stage and a time, in any layout a language pack's `threads.headers` describes ("## Investigating — Nov 20,
  14:05 UTC", "**Update (15:10 UTC):**", Statuspage's "Resolved - text" followed by its date line,
  "【进展更新】11月20日 09:40", "### 11月21日 19:30 调查中"); oldest first or newest first; or
- a **folder thread**: notices whose front matter shares `thread:` (with `stage` and `time`, ISO 8601 with an
  offset), ordered by `time`.

Each update is linted by the ordinary engine as a notice of its own (`api.lint_text`, with its stage); the
thread rules (`apolint/kinds/thread_*.py`, configured in the packs' `threads:` sections) then compare the
updates with each other. Nothing here knows a language: headers, promises and values come from the packs.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from . import threadtime
from .findings import FileResult, PathFinding

_SKIP_MARKUP = re.compile(r"[#>*\s]*")
_NUMBER = re.compile(r"\d+(?:[.,:：]\d+)*")


@dataclass
class Update:
    path: str
    source: str  # the whole file's text
    start: int  # the update's span in `source`
    end: int
    anchor: tuple[int, int]  # where findings about the whole update point (its header, or a notice's title)
    time: datetime | None
    stage: str | None
    lang: str
    result: FileResult | None = None  # the update linted as a notice (findings in file coordinates)
    header_end: int = 0  # facts are read after the header's first line (its own time is no news)
    header_spans: tuple = ()  # the header's own date and time, wherever the layout puts them
    folded: str = ""  # `source` folded one character to one (繁→简, full-width → ASCII): what patterns match
    _facts: dict = field(default_factory=dict, repr=False)

    @property
    def body(self) -> str:
        return self.source[self.header_end:self.end]

    def to_json(self, position) -> dict:
        line, column = position(self.path, self.anchor[0])
        data = {"path": self.path, "line": line, "column": column,
                "time": self.time.isoformat() if self.time else None, "stage": self.stage, "lang": self.lang}
        if self.result is not None and self.result.error is None:
            data["elements"] = {k: v.status for k, v in self.result.elements.items()}
            data["score"] = self.result.score
        return data


@dataclass
class Thread:
    id: str
    path: str  # the status-page file, or the folder of the notices
    layout: str  # "status-page" | "folder"
    updates: list[Update] = field(default_factory=list)
    findings: list[PathFinding] = field(default_factory=list)

    def to_json(self, position) -> dict:
        return {"id": self.id, "path": self.path, "layout": self.layout,
                "updates": [u.to_json(position) for u in self.updates],
                "findings": [dict(f.to_json(), path=f.path) for f in self.findings]}


# --- finding the updates --------------------------------------------------------------------------


def fold(text: str) -> str:
    """The text as patterns see it: traditional characters folded to simplified and full-width forms to ASCII,
    one character to one, so every offset still points into the original (analysis.py's table)."""
    from .analysis import _fold_table

    return text.translate(_fold_table())


def headers(text: str, knowledge, start: int = 0) -> list[tuple]:
    """Update headers in `text` from `start`: (start, end, named groups, language, match), in file order,
    overlapping matches dropped (the earlier, then the longer, wins)."""
    found = []
    for lang, known in knowledge.languages.items():
        for pattern in known.headers:
            for m in pattern.regex.finditer(text, start):
                groups = {k: v for k, v in m.groupdict().items() if v}
                if "hour" in groups:
                    found.append((m.start(), m.end(), groups, lang, m))
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list = []
    for h in found:
        if kept and h[0] < kept[-1][1]:
            continue
        kept.append(h)
    return kept


def status_page_thread(path: str, text: str, ruleset, front_matter: dict, body_start: int,
                       force: bool = False, lang: str | None = None) -> Thread | None:
    """The thread in one status-page file, or None when it holds fewer than `min_updates` headers."""
    knowledge = ruleset.threads
    folded = fold(text)
    found = headers(folded, knowledge, body_start)
    if len(found) < (1 if force else knowledge.settings["min_updates"]) or not found:
        return None
    base = threadtime.parse_date(front_matter.get("date"))
    zone_name = front_matter.get("timezone")
    updates = []
    for i, (h_start, h_end, groups, h_lang, match) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        known = knowledge.languages[lang or h_lang] if (lang or h_lang) in knowledge.languages else knowledge.languages[h_lang]
        tz = threadtime.zone(str(zone_name)) if zone_name else None
        tz = tz or threadtime.zone(known.default_timezone)
        stage = ruleset.canonical("stage", _stage_word(groups.get("stage")))
        anchor_start = h_start + len(_SKIP_MARKUP.match(text, h_start).group(0))
        line_end = text.find("\n", anchor_start)
        anchor_end = min(h_end, line_end if line_end != -1 else len(text))
        while anchor_end > anchor_start + 1 and text[anchor_end - 1] in " \t*:：-—–|":
            anchor_end -= 1  # the header's trailing markup is not part of it
        # a Statuspage header holds the update's text between its stage and its date line: the body
        # starts after the stage, and the date line's own numbers are left out of the facts
        body_from = min(h_end, match.end("stage") if match.group("stage") and h_end > anchor_end else h_end)
        spans = tuple(match.span(g) for g in ("year", "month", "day", "hour", "minute", "tz") if match.group(g))
        updates.append(Update(path, text, h_start, end, (anchor_start, max(anchor_end, anchor_start + 1)),
                              None, stage, lang or h_lang, header_end=body_from, header_spans=spans, folded=folded))
        updates[-1]._facts["groups"] = (groups, tz, known)
    _date_updates(updates, base)
    thread_id = str(front_matter.get("thread") or Path(path).stem)
    return Thread(thread_id, path, "status-page", updates)


def _stage_word(word: str | None) -> str | None:
    return word.strip().strip("*:：-—– ").lower() if word else None


def _date_updates(updates: list[Update], base: date | None) -> None:
    """Give every update its moment and put them oldest first. A header without a date takes the date of
    the update before it (or front matter `date`), a day later when its clock time goes backwards."""
    raw = [u._facts.pop("groups") for u in updates]
    dated = [threadtime.moment(g, k, None, tz) for g, tz, k in raw]
    if all(dated):
        for u, t in zip(updates, dated):
            u.time = t
        updates.sort(key=lambda u: u.time)
        return
    clocks = [threadtime.clock(g) for g, _, _ in raw]
    if clocks[0] and clocks[-1] and clocks[0] > clocks[-1]:  # newest first
        updates.reverse()
        raw.reverse()
        dated.reverse()
    day = base or next((t.date() for t in dated if t), None) or datetime.now(timezone.utc).date()
    previous = None
    for u, (g, tz, k), t in zip(updates, raw, dated):
        if t is None:
            t = threadtime.moment(g, k, day, tz)
            if t is not None and previous is not None and t < previous:
                t += timedelta(days=1)
        if t is not None:
            day, previous = t.date(), t
        u.time = t


def folder_threads(items: list[tuple[str, str, dict, int]], ruleset) -> list[Thread]:
    """Notices grouped by front matter `thread`: (path, text, front matter, body start) each. A thread id
    with one notice per language is a pair, not a thread (pairs.py)."""
    groups: dict[str, list] = {}
    for item in items:
        thread_id = item[2].get("thread")
        if thread_id is not None:
            groups.setdefault(str(thread_id), []).append(item)
    threads = []
    for thread_id, members in groups.items():
        per_lang: dict = {}
        for m in members:
            per_lang.setdefault(m[2].get("lang"), []).append(m)
        for lang, notices in per_lang.items():
            if len(notices) < 2:
                continue
            threads.append(_folder_thread(thread_id, notices, ruleset))
    return threads


def forced_folder_thread(thread_id: str, items: list, ruleset) -> Thread:
    return _folder_thread(thread_id, items, ruleset)


def _folder_thread(thread_id: str, notices: list, ruleset) -> Thread:
    updates = []
    for path, text, meta, body_start in notices:
        time = threadtime.parse_iso(meta.get("time"))
        stage = ruleset.canonical("stage", meta.get("stage"))
        lang = meta.get("lang") if meta.get("lang") in ruleset.threads.languages else None
        updates.append(Update(path, text, body_start, len(text), _title_span(text, body_start), time, stage,
                              lang or "", header_end=body_start, folded=fold(text)))
    updates.sort(key=lambda u: (u.time is None, u.time or datetime.min.replace(tzinfo=timezone.utc), u.path))
    folder = str(Path(os.path.commonpath([u.path for u in updates]))) if len(updates) > 1 else updates[0].path
    return Thread(thread_id, folder, "folder", updates)


def _title_span(text: str, body_start: int) -> tuple[int, int]:
    """A notice's first line of prose after its front matter, without Markdown heading marks."""
    pos = body_start
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        line = text[pos:end]
        if line.strip():
            skip = len(_SKIP_MARKUP.match(line).group(0))
            return pos + skip, max(end, pos + skip + 1)
        pos = end + 1
    return body_start, body_start


# --- what an update says, for the rules ------------------------------------------------------------


def knowledge_of(update: Update, knowledge):
    return knowledge.languages.get(update.lang) or next(iter(knowledge.languages.values()))


def matches(update: Update, patterns, start: int | None = None, end: int | None = None):
    """(match, pattern) for each pattern over the update's body (after its header)."""
    s = update.header_end if start is None else start
    e = update.end if end is None else end
    for pattern in patterns:
        for m in pattern.regex.finditer(update.folded or update.source, s, e):
            yield m, pattern


def promises(update: Update, knowledge) -> list[tuple[int, int, datetime]]:
    """Promises of the next update: (start, end, deadline)."""
    cached = update._facts.get("promises")
    if cached is not None:
        return cached
    known = knowledge_of(update, knowledge)
    found = []
    if update.time is not None:
        for m, pattern in matches(update, known.next_update):
            groups = {k: v for k, v in m.groupdict().items() if v}
            due = threadtime.promised_moment(groups, known, update.time, pattern.minutes)
            if due is not None and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), due))
    found.sort()
    update._facts["promises"] = found
    return found


def sentence_around(update: Update, pos: int) -> tuple[int, int]:
    """The sentence holding `pos` (between sentence punctuation or line breaks) — enough to ask whether
    it also states a change."""
    text = update.source
    start = max(text.rfind(ch, update.header_end, pos) for ch in "。！？!?\n.")
    start = update.header_end if start < update.header_end else start + 1
    ends = [i for i in (text.find(ch, pos, update.end) for ch in "。！？!?\n") if i != -1]
    dot = re.search(r"\.(?:\s|$)", text[pos:update.end])
    if dot:
        ends.append(pos + dot.start())
    return start, min(ends + [update.end]) + 1


def states(update: Update, patterns, span: tuple[int, int]) -> bool:
    return any(True for _ in matches(update, patterns, span[0], min(span[1], update.end)))


def numbers(update: Update, knowledge) -> set[str]:
    """Numbers and clock times the update's body says, outside its promises of the next update."""
    cached = update._facts.get("numbers")
    if cached is not None:
        return cached
    skip = [(s, e) for s, e, _ in promises(update, knowledge)] + list(update.header_spans)
    found = set()
    for m in _NUMBER.finditer(update.folded or update.source, update.header_end, update.end):
        if any(s <= m.start() < e for s, e in skip):
            continue
        found.add(m.group(0).replace(",", "").replace("：", ":"))
    update._facts["numbers"] = found
    return found


def evidence_texts(update: Update, knowledge) -> list[tuple[int, int, str]]:
    """Spans of positive element evidence (a fact, a measure, an action), outside promises."""
    if update.result is None:
        return []
    skip = [(s, e) for s, e, _ in promises(update, knowledge)]
    spans = []
    for element in update.result.elements.values():
        for ev in element.evidence:
            if ev.weight > 0 and not any(s < ev.end and ev.start < e for s, e in skip) \
                    and update.header_end <= ev.start < update.end:
                spans.append((ev.start, ev.end, ev.text))
    return spans


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def scope_measures(update: Update, knowledge) -> list[tuple[tuple, float, int, int]]:
    """Impact figures: ((kind, unit), value, start, end)."""
    known = knowledge_of(update, knowledge)
    found = []
    for m, pattern in matches(update, known.scope):
        groups = m.groupdict()
        value = to_number(groups.get("value"), groups.get("mult"), known)
        if value is None:
            continue
        unit = (pattern.unit or groups.get("unit") or "").lower()
        found.append(((pattern.kind, unit), value, m.start(), m.end()))
    return found


def regions(update: Update, knowledge) -> list[tuple[str, int, int]]:
    known = knowledge_of(update, knowledge)
    return [(m.group("region").lower(), m.start("region"), m.end("region")) for m, _ in matches(update, known.regions)]


def to_number(text: str | None, mult: str | None, known) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    if mult:
        value *= float(known.multipliers.get(mult.lower(), 1))
    return value


# --- checking ---------------------------------------------------------------------------------------


class ThreadContext:
    """What a thread kind sees: the thread knowledge of the packs, the moment of the check, and a way to
    make a finding that points into a file."""

    def __init__(self, ruleset, now: datetime, position):
        self.ruleset = ruleset
        self.knowledge = ruleset.threads
        self.settings = ruleset.threads.settings
        self.now = now
        self.position = position

    def finding(self, rule, path: str, start: int, end: int, lang: str, fields: dict, source: str) -> PathFinding:
        line, column = self.position(path, start)
        end_line, end_column = self.position(path, end)
        return PathFinding(rule=rule.id, level=rule.level, start=start, end=end,
                           message=rule.message.format_map(_Fields(fields)), suggestion=rule.suggestion_for(lang),
                           text=source[start:end], line=line, column=column, end_line=end_line,
                           end_column=end_column, path=path)

    def at_update(self, rule, update: Update, fields: dict) -> PathFinding:
        return self.finding(rule, update.path, update.anchor[0], update.anchor[1], update.lang, fields, update.source)


class _Fields(dict):
    def __missing__(self, key):
        return "{" + key + "}"


class Positions:
    """Line and column of an offset in each file, computed once per file."""

    def __init__(self, texts: dict[str, str] | None = None):
        self.texts = dict(texts or {})
        self._docs: dict = {}

    def add(self, path: str, text: str) -> None:
        self.texts[path] = text

    def __call__(self, path: str, offset: int) -> tuple[int, int]:
        doc = self._docs.get(path)
        if doc is None:
            from .document import Document

            doc = self._docs[path] = Document(path=path, text=self.texts[path], markdown=False)
        return doc.position(offset)


def check(thread: Thread, ruleset, now: datetime | None = None, positions: Positions | None = None) -> list[PathFinding]:
    """Run every thread rule on a linted thread; the findings are also kept on the thread."""
    if positions is None:
        positions = Positions({u.path: u.source for u in thread.updates})
    ctx = ThreadContext(ruleset, now or datetime.now(timezone.utc), positions)
    findings: list[PathFinding] = []
    for rule in ruleset.threads.rules:
        if getattr(rule.check, "PAIRS", False):
            continue
        findings.extend(rule.check.check(thread, ctx))
    findings.sort(key=lambda f: (f.path, f.start, f.rule))
    thread.findings = findings
    return findings


SHORT_NAMES = {"responsibility": "resp", "impact": "imp", "remedy": "rem"}  # responsibility and remedy share an initial


def timeline(thread: Thread, position) -> list[str]:
    """The compact timeline of the text output: one line per update."""
    out = [f"thread {thread.id} ({thread.layout}, {len(thread.updates)} updates): {thread.path}"]
    for u in thread.updates:
        line, _ = position(u.path, u.anchor[0])
        when = u.time.strftime("%Y-%m-%d %H:%M %z") if u.time else "time unknown"
        marks = ""
        if u.result is not None and u.result.error is None:
            marks = " ".join(f"{SHORT_NAMES.get(name, name)}{'✓~✗'[('present', 'weak', 'missing').index(e.status)]}"
                             for name, e in u.result.elements.items())
        where = f"{Path(u.path).name}:{line}"
        flags = sorted({f.rule for f in thread.findings if f.path == u.path and u.start <= f.start < u.end})
        out.append(f"  {when:<22} {u.stage or '?':<11} {marks:<16} {where}" + (f"  ← {', '.join(flags)}" if flags else ""))
    return out

