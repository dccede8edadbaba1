"""Times of updates and promises, from the named groups of pack regexes (standard library only).

A header or promise gives some of year, month, day, hour, minute, am/pm and a time-zone word; what it
leaves out comes from the update it belongs to (its date and zone), the front matter (`date`,
`timezone`) or the language pack's default zone.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$", re.I)


@functools.lru_cache(maxsize=256)
def zone(name: str) -> tzinfo | None:
    """An IANA zone (Asia/Shanghai), UTC, or a fixed offset (+08:00, UTC-5); None if unknown."""
    name = str(name).strip()
    if name.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    m = _OFFSET.match(name)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a zone is named (cold runs skip it)

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def month_of(text: str | None, months: dict) -> int | None:
    if not text:
        return None
    if text.isdigit():
        value = int(text)
        return value if 1 <= value <= 12 else None
    key = text.lower().rstrip(".")
    return months.get(key) or months.get(key[:3])


def zone_of(word: str | None, knowledge, fallback: tzinfo) -> tzinfo:
    if word:
        name = knowledge.timezones.get(word.strip().lower())
        if name is not None:
            return zone(name) or fallback
        return zone(word) or fallback
    return fallback


def clock(groups: dict) -> tuple[int, int] | None:
    """(hour, minute) on a 24-hour clock, or None; 24:00 is midnight at the end of the day."""
    if not groups.get("hour"):
        return None
    hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return hour, minute


def moment(groups: dict, knowledge, base_date: date | None, tz: tzinfo) -> datetime | None:
    """The moment a header names: its own date where it gives one, else `base_date`."""
    hm = clock(groups)
    if hm is None:
        return None
    day = base_date
    month = month_of(groups.get("month"), knowledge.months)
    if month and groups.get("day"):
        year = int(groups["year"]) if groups.get("year") else (base_date.year if base_date else datetime.now().year)
        try:
            day = date(year, month, int(groups["day"]))
        except ValueError:
            return None
    if day is None:
        return None
    tz = zone_of(groups.get("tz"), knowledge, tz)
    extra = 1 if hm[0] == 24 else 0
    return datetime(day.year, day.month, day.day, hm[0] % 24, hm[1], tzinfo=tz) + timedelta(days=extra)


def promised_moment(groups: dict, knowledge, after: datetime, minutes: int | None = None) -> datetime | None:
    """The deadline a promise sets, counted from the update that made it (`after`)."""
    if minutes is not None:
        return after + timedelta(minutes=minutes)
    if groups.get("in_minutes"):
        return after + timedelta(minutes=int(groups["in_minutes"]))
    if groups.get("in_hours"):
        return after + timedelta(hours=int(groups["in_hours"]))
    hm = clock(groups)
    if hm is None:
        return None
    tz = zone_of(groups.get("tz"), knowledge, after.tzinfo)
    local = after.astimezone(tz)
    days = int(knowledge.daywords.get((groups.get("dayword") or "").lower(), 0))
    target = datetime(local.year, local.month, local.day, hm[0] % 24, hm[1], tzinfo=tz) + timedelta(days=days)
    if hm[0] == 24:
        target += timedelta(days=1)
    if target < local - timedelta(minutes=1) and not days:
        target += timedelta(days=1)  # "next update at 00:30" said at 23:50
    return target


def deadline_days(groups: dict, knowledge, after: datetime, default_days: int) -> datetime:
    """A post-mortem's due date: a date it names (end of that day), within N (business) days, or the default."""
    month = month_of(groups.get("month"), knowledge.months)
    local = after.astimezone(after.tzinfo)
    if month and groups.get("day"):
        year = int(groups["year"]) if groups.get("year") else local.year
        try:
            due = datetime(year, month, int(groups["day"]), 23, 59, tzinfo=after.tzinfo)
        except ValueError:
            due = None
        if due is not None:
            return due if due >= local - timedelta(days=1) else due.replace(year=year + 1)
    if groups.get("in_days"):
        n = int(groups["in_days"])
        if groups.get("business"):
            day, left = local, n
            while left:
                day += timedelta(days=1)
                left -= day.weekday() < 5
            return day.replace(hour=23, minute=59)
        return (local + timedelta(days=n)).replace(hour=23, minute=59)
    return local + timedelta(days=default_days)


def parse_iso(value) -> datetime | None:
    """Front matter `time`: a datetime PyYAML already read, or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
