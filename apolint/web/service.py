"""What the web page and `POST /api/check` ask of the engine, without any web framework: validating a
request's options, linting with the configuration the server started with, and what only the page
needs beside the JSON contract (the channel budgets and the skeleton sentences).

Lints run one at a time (the engine's caches are process-wide and were written for one thread at a
time, as in the LSP server); the server calls `check` from a worker thread, so the event loop keeps
answering while a long draft is linted.
"""
from __future__ import annotations

import threading
from importlib import resources

from .. import api
from ..config import Config
from ..document import parse
from ..kinds.length import measure, part_spans, plain_text, sms_segments
from ..language import classify
from ..skeleton import skeleton_insertion, snippet_text

# the drafts' name in the results: a Markdown file (its suffix decides Markdown scoping), never a file read
DRAFT_PATH = "draft.md"
OPTION_KEYS = ("lang", "stage", "severity", "channel", "template")
STAGE_ORDER = ("acknowledge", "update", "identified", "resolved", "postmortem")


class RequestError(ValueError):
    """A request the API cannot answer: 400 with this message."""


def parse_request(data) -> tuple[str, dict]:
    """The text and the options of a `POST /api/check` body, or RequestError saying what is wrong.
    Unknown keys are refused rather than ignored: a misspelt option must not silently do nothing."""
    if not isinstance(data, dict):
        raise RequestError("the body must be a JSON object such as {\"text\": \"...\"}")
    unknown = sorted(set(data) - {"text", *OPTION_KEYS})
    if unknown:
        raise RequestError(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                           f"expected text, {', '.join(OPTION_KEYS)}")
    text = data.get("text")
    if not isinstance(text, str):
        raise RequestError("\"text\" is required and must be a string")
    options = {}
    for key in ("lang", "stage", "severity", "channel"):
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise RequestError(f"\"{key}\" must be a string or null")
        options[key] = value
    if options.get("lang") not in (None, "auto", "zh", "en"):
        raise RequestError("\"lang\" must be auto, zh or en")
    if options.get("lang") == "auto":
        del options["lang"]
    template = data.get("template")
    if template is not None:
        if not isinstance(template, bool):
            raise RequestError("\"template\" must be true, false or null")
        options["template"] = template
    return text, options


class CheckService:
    """The engine warm and ready, with the configuration found from the folder the server started in."""

    def __init__(self, config: Config):
        self.config = config
        self.ruleset = api.ruleset_for(config)
        self._lock = threading.Lock()
        self.budgets = {channel: budgets for rule in self.ruleset.rules if rule.kind == "length"
                        for channel, budgets in rule.check.budgets.items()}

    def warm_up(self) -> None:
        """Load what the first keystroke would otherwise wait for (jieba's dictionary among it)."""
        self.check("We are sorry. Some users could not log in.", {})
        self.check("我们的变更导致登录中断约1.5小时，部分用户受到影响。", {})

    def check(self, text: str, options: dict) -> dict:
        """The JSON contract for one file, plus `budget` and `skeletons` for the page."""
        with self._lock:
            result = api.lint_text(text, lang=options.get("lang"), config=self.config, path=DRAFT_PATH,
                                   stage=options.get("stage"), severity=options.get("severity"),
                                   channel=options.get("channel"), template=options.get("template"))
        answer = {"files": [result.to_json()]}
        if result.error is None:
            answer["budget"] = self.budget(text, options.get("channel"))
            answer["skeletons"] = self.skeletons(text, result)
        return answer

    def budget(self, text: str, channel: str | None) -> list[dict]:
        """How much of each budget of the channel (the option, else the front matter's) the text uses,
        counted as `channel-length` counts."""
        doc = parse(text, DRAFT_PATH)
        channel = str(channel or doc.front_matter.get("channel") or "").strip().lower()
        chars, _ = plain_text(doc)
        spans = part_spans(chars)
        out = []
        for budget in self.budgets.get(channel, []):
            lo, hi = spans[budget["part"]]
            part_text = chars[lo:hi]
            entry = {"channel": channel, "part": budget["part"], "unit": budget["unit"],
                     "used": measure(budget["unit"], part_text), "max": budget["max"]}
            if budget["unit"] == "sms-segments":
                _, entry["characters"], entry["encoding"] = sms_segments(part_text)
            out.append(entry)
        return out

    def skeletons(self, text: str, result) -> list[dict]:
        """For each finding whose rule offers a skeleton: the plain sentence and the text to append."""
        out = []
        seen = set()
        _, before, newline = skeleton_insertion(text)
        for f in result.findings:
            rules = self.ruleset.rule(f.rule)
            lang = classify(f.text) or result.lang or "en"
            skeleton = rules[0].skeleton_for(lang) if rules else None
            if not skeleton or (f.rule, lang) in seen:
                continue
            seen.add((f.rule, lang))
            plain = snippet_text(skeleton)
            out.append({"rule": f.rule, "text": plain, "append": before + plain + newline})
        return out

    def options(self) -> dict:
        """What the page's pickers offer: the packs' stages, severities and budgeted channels, and the templates."""
        stages = sorted(self.ruleset.stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else 99)
        return {"stages": stages, "severities": sorted(self.ruleset.severities), "channels": sorted(self.budgets),
                "templates": templates()}


def templates() -> list[dict]:
    """The starting points shipped with the page: one template per stage and language."""
    out = []
    root = resources.files("apolint.web") / "templates"
    for lang in ("en", "zh"):
        for stage in STAGE_ORDER:
            entry = root / lang / f"{stage}.md"
            if entry.is_file():
                out.append({"id": f"{lang}-{stage}", "lang": lang, "stage": stage,
                            "text": entry.read_text(encoding="utf-8")})
    return out
