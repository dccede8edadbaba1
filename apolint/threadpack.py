"""The `threads:` section of the packs: how updates and their times are written, per language, and the
thread and pair rules (issue 13).

A language pack says how an update's header looks (`headers`), how a promise of the next update or of a
post-mortem is written, which words state a recurrence or a change of scope, and how values (shares, clock
times, dates, numbers) are written; `core.yaml` holds the settings and the rules. Every regex may use
`{{name}}` for a piece under `parts:` of the same language, and named groups carry what Python reads:
`stage`, `year`, `month`, `day`, `hour`, `minute`, `ampm`, `tz`, `dayword`, `in_minutes`, `in_hours`,
`in_days`, `business`, `value`, `mult`, `unit`, `region`.
"""
from __future__ import annotations

import functools
import re as std_re
from dataclasses import dataclass, field

import regex

from .yamlsource import SourceError, check_keys, check_type

CORE_KEYS = {"settings", "rules"}
LANG_KEYS = {"parts", "default_timezone", "timezones", "months", "daywords", "multipliers", "headers",
             "next_update", "postmortem_promise", "recurrence", "change_stated", "scope", "regions", "values"}
SETTING_KEYS = {"min_updates", "grace_minutes", "stale_hours", "postmortem_days", "regression_from",
                "regression_to", "news_stages", "resolved_stages", "postmortem_stages", "report_pairs_in",
                "apology_lexicon", "date_tolerance_days", "contrary_features"}
DEFAULT_SETTINGS = {"min_updates": 2, "grace_minutes": 10, "stale_hours": 24, "postmortem_days": 7,
                    "regression_from": ["resolved", "postmortem"], "regression_to": ["acknowledge", "identified"],
                    "news_stages": ["identified", "resolved", "postmortem"], "resolved_stages": ["resolved", "postmortem"],
                    "postmortem_stages": ["postmortem"], "report_pairs_in": "en", "apology_lexicon": "apology",
                    "date_tolerance_days": 1,
                    "contrary_features": ["deflection", "unnamed-cause", "unmeasured-impact", "hedged-impact", "effort-only"]}
RULE_KEYS = {"id", "kind", "level", "message", "suggestion", "why", "examples", "family"}
VALUE_KINDS = ("share", "clock", "date", "number")
_PART = std_re.compile(r"\{\{(\w+)\}\}")


class LazyRegex:
    """A pack regex compiled on first use: most runs meet no thread, and compiling the thread patterns costs
    about 0.2 s. The built-in packs' patterns are compiled by the tests; a user's pack is checked at load."""

    __slots__ = ("source", "path", "line", "where", "_compiled")

    def __init__(self, source: str, path: str, line: int, where: str):
        self.source, self.path, self.line, self.where = source, path, line, where
        self._compiled = None

    def compile(self):
        if self._compiled is None:
            try:
                self._compiled = regex.compile(self.source, regex.IGNORECASE | regex.MULTILINE | regex.VERSION0)
            except regex.error as exc:
                raise SourceError(self.path, self.line, self.where, f"invalid regex: {exc}") from None
        return self._compiled

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        return self.compile().finditer(text, pos, len(text) if endpos is None else endpos)


@dataclass
class Pattern:
    """One pack regex with what its entry adds (a fixed delay in minutes, a unit or value kind)."""

    regex: LazyRegex
    minutes: int | None = None
    kind: str | None = None
    unit: str | None = None


@dataclass
class LanguageThreads:
    lang: str
    default_timezone: str = "UTC"
    timezones: dict = field(default_factory=dict)  # word (lower-case) → IANA name or ±HH:MM
    months: dict = field(default_factory=dict)  # month word (lower-case) → 1..12
    daywords: dict = field(default_factory=dict)  # "明早" → days after the update
    multipliers: dict = field(default_factory=dict)  # "万" → 10000
    headers: list = field(default_factory=list)
    next_update: list = field(default_factory=list)
    postmortem_promise: list = field(default_factory=list)
    recurrence: list = field(default_factory=list)
    change_stated: list = field(default_factory=list)
    scope: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    values: list = field(default_factory=list)


@dataclass
class ThreadRule:
    id: str
    kind: str
    level: str
    message: str
    suggestion: object
    why: str
    examples: dict
    family: str
    path: str
    line: int
    check: object = None
    languages: tuple = ("zh", "en")
    link: str | None = None

    def suggestion_for(self, lang: str):
        if isinstance(self.suggestion, dict):
            return self.suggestion.get(lang) or next(iter(self.suggestion.values()), None)
        return self.suggestion

    @property
    def summary(self) -> str:
        text = " ".join(self.why.split())
        return std_re.split(r"(?<=[.!?。！？])\s", text, maxsplit=1)[0].rstrip(".。")


@dataclass
class ThreadKnowledge:
    settings: dict = field(default_factory=lambda: {k: (list(v) if isinstance(v, list) else v)
                                                    for k, v in DEFAULT_SETTINGS.items()})
    languages: dict = field(default_factory=dict)  # lang → LanguageThreads
    rules: list = field(default_factory=list)

    def rule(self, rule_id: str) -> ThreadRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def build(sections: list[tuple[str, object, tuple]], levels: dict | None = None) -> ThreadKnowledge:
    """`sections`: (pack path, its `threads:` mapping, the pack's languages), in load order. A language
    section extends what an earlier pack gave the same language; rules with an id already loaded are errors."""
    from .kinds import THREAD_KINDS

    knowledge = ThreadKnowledge()
    for path, spec, langs in sections:
        check_type(spec, dict, path, getattr(spec, "line", None), "threads")
        if len(langs) > 1:  # the shared pack: settings and rules
            check_keys(spec, CORE_KEYS, path, "threads", line=spec.line)
            settings = spec.get("settings") or {}
            check_keys(settings, SETTING_KEYS, path, "threads.settings", line=spec.line_of("settings"))
            for key, value in settings.items():
                check_type(value, type(DEFAULT_SETTINGS[key]), path, settings.line_of(key), f"threads.settings.{key}")
                knowledge.settings[key] = value
            for i, item in enumerate(check_type(spec.get("rules") or [], list, path, spec.line_of("rules"), "threads.rules")):
                rule = _rule(item, path, spec["rules"].line_of(i), THREAD_KINDS)
                if knowledge.rule(rule.id):
                    raise SourceError(path, item.line_of("id"), "threads.rules.id", f"duplicate thread rule id {rule.id!r}")
                knowledge.rules.append(rule)
            continue
        check_keys(spec, LANG_KEYS, path, "threads", line=spec.line)
        lang = langs[0]
        known = knowledge.languages.setdefault(lang, LanguageThreads(lang))
        _language(known, spec, path)
    for rule_id, level in (levels or {}).items():
        rule = knowledge.rule(rule_id)
        if rule is None:
            continue
        if level == "off":
            knowledge.rules.remove(rule)
        else:
            rule.level = level
    return knowledge


def _language(known: LanguageThreads, spec, path: str) -> None:
    parts = {k: str(v) for k, v in (spec.get("parts") or {}).items()}
    if "default_timezone" in spec:
        known.default_timezone = check_type(spec["default_timezone"], str, path, spec.line_of("default_timezone"),
                                            "threads.default_timezone")
        _zone(known.default_timezone, path, spec.line_of("default_timezone"), "threads.default_timezone")
    for key in ("timezones", "months", "daywords", "multipliers"):
        table = spec.get(key) or {}
        check_type(table, dict, path, spec.line_of(key), f"threads.{key}")
        for word, value in table.items():
            if key == "timezones":
                _zone(str(value), path, table.line_of(word), f"threads.timezones.{word}")
            getattr(known, key)[str(word).lower()] = value
    for key in ("headers", "recurrence", "change_stated", "regions"):
        items = check_type(spec.get(key) or [], list, path, spec.line_of(key), f"threads.{key}")
        for i, item in enumerate(items):
            getattr(known, key).append(Pattern(_compile(item, parts, path, items.line_of(i), f"threads.{key}")))
    for key in ("next_update", "postmortem_promise", "scope", "values"):
        items = check_type(spec.get(key) or [], list, path, spec.line_of(key), f"threads.{key}")
        for i, item in enumerate(items):
            line = items.line_of(i)
            if isinstance(item, str):
                item = {"regex": item}
            check_keys(item, {"regex", "minutes", "kind", "unit"}, path, f"threads.{key}", required=("regex",), line=line)
            kind = item.get("kind")
            if key == "values" and kind not in VALUE_KINDS:
                raise SourceError(path, line, f"threads.{key}.kind", f"expected one of {', '.join(VALUE_KINDS)}")
            if key == "scope" and kind not in ("share", "count"):
                raise SourceError(path, line, f"threads.{key}.kind", "expected share or count")
            getattr(known, key).append(Pattern(_compile(item["regex"], parts, path, line, f"threads.{key}"),
                                               item.get("minutes"), kind, item.get("unit")))


def _compile(source, parts: dict, path: str, line: int, where: str):
    check_type(source, str, path, line, where)

    def part(m):
        if m.group(1) not in parts:
            raise SourceError(path, line, where, f"unknown part {{{{{m.group(1)}}}}}; parts: {', '.join(parts) or 'none'}")
        return parts[m.group(1)]

    text = _PART.sub(part, source)
    text = _PART.sub(part, text)  # a part may use another part, one level deep
    lazy = LazyRegex(text, path, line, where)
    if not _builtin(path):
        lazy.compile()  # a user's pack: a bad regex is an error at load, naming its line
    return lazy


@functools.lru_cache(maxsize=64)
def _builtin(path: str) -> bool:
    from importlib import resources
    from pathlib import Path

    # where packs.builtin_dir() finds the built-in packs (not imported from packs: packs builds this module's part)
    return Path(path).parent.resolve() == Path(str(resources.files("apolint.rules"))).resolve()


def _zone(name: str, path: str, line: int, where: str) -> None:
    from .threadtime import zone

    if zone(name) is None:
        raise SourceError(path, line, where, f"unknown time zone {name!r}; use an IANA name (Asia/Shanghai) or +HH:MM")


def _rule(item, path: str, line: int, kinds: dict) -> ThreadRule:
    check_type(item, dict, path, line, "threads.rules")
    check_keys(item, RULE_KEYS | set(getattr(kinds.get(item.get("kind")), "PARAMS", {})), path,
               f"threads.rules[{item.get('id', '?')}]", required=("id", "kind", "level", "message", "why", "examples"),
               line=line)
    kind = kinds.get(item["kind"])
    if kind is None:
        raise SourceError(path, item.line_of("kind"), "threads.rules.kind",
                          f"unknown thread kind {item['kind']!r}; expected one of {', '.join(sorted(kinds))}")
    if item["level"] not in ("error", "warning", "info"):
        raise SourceError(path, item.line_of("level"), "threads.rules.level", "expected error, warning or info")
    for field_name in std_re.findall(r"{(\w+)}", item["message"]):
        if field_name not in kind.FIELDS:
            raise SourceError(path, item.line_of("message"), f"threads.rules[{item['id']}].message",
                              f"unknown field {{{field_name}}}; this kind offers {', '.join(kind.FIELDS)}")
    rule = ThreadRule(id=item["id"], kind=item["kind"], level=item["level"], message=item["message"],
                      suggestion=item.get("suggestion"), why=item["why"], examples=item["examples"],
                      family=item.get("family", item["id"]), path=path, line=line)
    rule.check = kind(rule, item)
    return rule
