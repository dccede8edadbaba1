"""length: a channel's budget — SMS segments, weighted length (CJK counts double), characters.

The budgets are pack data (`budgets: {channel: [{part, unit, max}]}`); this module only knows
how each unit is counted. The finding points at the sentence where the budget runs out.
"""
from __future__ import annotations

from ..analysis import is_cjk
from .base import Kind

# GSM 03.38: the basic alphabet (one septet each) and the extension table (two septets each).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
UNITS = ("chars", "weighted", "sms-segments")
PARTS = ("all", "title", "body")


def sms_segments(text: str) -> tuple[int, int, str]:
    """(segments, units used, encoding): 160/153 septets in GSM-7, else 70/67 UTF-16 units."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        used = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        used = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi, encoding = 70, 67, "UCS-2"
    if used <= single:
        return (1 if used else 0), used, encoding
    return -(-used // multi), used, encoding


def wide(c: str) -> bool:
    o = ord(c)
    return is_cjk(c) or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF


def measure(unit: str, text: str) -> int:
    if unit == "chars":
        return len(text)
    if unit == "weighted":
        return sum(2 if wide(c) else 1 for c in text)
    return sms_segments(text)[0]


class Length(Kind):
    NAME = "length"
    PARAMS = {"budgets": dict}
    REQUIRED = ("budgets",)
    FIELDS = ("match", "channel", "part", "used", "max", "over", "unit")

    def __init__(self, rule, compiler, elements):
        super().__init__(rule, compiler, elements)
        self.budgets: dict[str, list[dict]] = {}
        for channel, items in rule.spec["budgets"].items():
            items = items if isinstance(items, list) else [items]
            for item in items:
                if not isinstance(item, dict) or set(item) - {"part", "unit", "max"} or "max" not in item:
                    raise self.error("budgets", f"{channel}: each budget is {{part, unit, max}}, got {item!r}")
                if item.get("unit", "chars") not in UNITS or item.get("part", "all") not in PARTS:
                    raise self.error("budgets", f"{channel}: unit is one of {', '.join(UNITS)}, "
                                                f"part one of {', '.join(PARTS)}")
                if not isinstance(item["max"], int) or isinstance(item["max"], bool) or item["max"] < 1:
                    raise self.error("budgets", f"{channel}: max must be a positive whole number")
            self.budgets[str(channel).lower()] = [dict(part="all", unit="chars") | i for i in items]

    def check(self, ctx):
        budgets = self.budgets.get(ctx.run.channel or "")
        if not budgets:
            return
        chars, offsets = plain_text(ctx.analysis.doc)
        spans = part_spans(chars)
        for budget in budgets:
            part = budget["part"]
            lo, hi = spans[part]
            text = chars[lo:hi]
            used = measure(budget["unit"], text)
            if used <= budget["max"]:
                continue
            cut = lo + _first_over(budget["unit"], text, budget["max"])
            apos = ctx.analysis_position(offsets[min(cut, len(offsets) - 1)])
            start, end = ctx.scope_span("sentence", apos)
            # keep the span inside the measured part (a push title is only the first line)
            part_end = ctx.analysis_position(offsets[hi - 1]) + 1 if hi > lo else end
            part_start = ctx.analysis_position(offsets[lo]) if lo < len(offsets) else start
            start, end = max(start, part_start), min(end, part_end)
            while end > start and ctx.analysis.text[end - 1] in "\n ":
                end -= 1
            unit = budget["unit"]
            if unit == "sms-segments":
                _, units, encoding = sms_segments(text)
                unit = f"SMS segments ({units} {encoding} characters)"
            yield ctx.finding(self.rule, start, end, ctx.lang_at(start),
                              {"match": ctx.source(start, end), "channel": ctx.run.channel,
                               "part": {"all": "message"}.get(part, part),
                               "used": used, "max": budget["max"], "over": used - budget["max"], "unit": unit})


def part_spans(chars: str) -> dict[str, tuple[int, int]]:
    """Where each part a budget can measure lies in the plain text: the title is the first line."""
    title_end = chars.find("\n") if "\n" in chars else len(chars)
    return {"all": (0, len(chars)), "title": (0, title_end), "body": (min(title_end + 1, len(chars)), len(chars))}


def plain_text(doc) -> tuple[str, list[int]]:
    """The body as a reader sees it: blocks joined by line breaks, with each character's offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, block in enumerate(doc.blocks):
        if i:
            chars.append("\n")
            offsets.append(block.start)
        for j in range(block.start, block.end):
            if doc.text[j] != "\r":
                chars.append(doc.text[j])
                offsets.append(j)
    return "".join(chars), offsets


def _first_over(unit: str, text: str, limit: int) -> int:
    """Index of the first character that takes the text over its budget."""
    if unit == "sms-segments":
        encoding = sms_segments(text)[2]
        per = 153 if encoding == "GSM-7" else 67
        budget_units = limit * per
        used = 0
        for i, c in enumerate(text):
            used += 2 if (encoding == "GSM-7" and c in GSM7_EXTENDED) or ord(c) > 0xFFFF else 1
            if used > budget_units:
                return i
        return len(text) - 1
    used = 0
    for i, c in enumerate(text):
        used += 2 if unit == "weighted" and wide(c) else 1
        if used > limit:
            return i
    return len(text) - 1
