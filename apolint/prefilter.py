"""A prefilter for the packs' regexes: skip a regex that cannot match anywhere in a document.

For each regex we derive, from its parse tree, a set of literal strings at least one of
which every match must contain (the `required` set: "分钟" or "小时" for
`\\d+(?:分钟|小时)`). One Aho-Corasick pass over the document's lower-cased analysis text
says which literals occur; a regex none of whose required literals occurs is not run, which
gives exactly the same hits (none) at a fraction of the cost. The same holds per segment: a
regex runs only over the segments that hold one of its literals (a match never leaves its
segment, and required literals come from the matched part, never from look-arounds). A regex
whose requirement cannot be derived safely (look-arounds only, classes, syntax of the `regex` module that
Python's own parser reads differently) is always run.

Case: the packs' regexes are case-insensitive. Literals are lower-cased; only ASCII and
caseless characters are used, and a document containing one of the few non-ASCII
characters that match an ASCII letter case-insensitively (İ, ı, ſ) runs every regex.
"""
from __future__ import annotations

import bisect
import json
import re

try:  # Python 3.11+
    from re import _constants as _C
    from re import _parser as _parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _parse  # type: ignore[no-redef]

# Non-ASCII characters that the regex module matches to an ASCII letter under IGNORECASE
# while str.lower() does not map them to it (tests recompute this by brute force).
SPECIAL_FOLDS = "\u0130\u0131\u017f"
_SPECIAL = re.compile(f"[{SPECIAL_FOLDS}]")
# POSIX classes, fuzzy constraints ({e<=1}), regex-only escapes and inline flags: Python's
# parser would read these differently (or not at all), so such a regex is always run.
_UNSAFE_SYNTAX = re.compile(r"\[:\^?\w+:\]|(?<!\\)(?:\\\\)*\{[^}\d,]|\\[pPLNXGKmMhHQE]|\(\?[^:=!<>#PaiLmsux)-]")
_MAX_CLASS = 12  # a character class of up to this many literal characters is a requirement


def _safe_char(ch: str) -> bool:
    return ch.isascii() or (ch.lower() == ch == ch.upper() and ch.casefold() == ch)


def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals (lower-cased) one of which every match of `pattern` contains, or None."""
    if _UNSAFE_SYNTAX.search(pattern):
        return None
    try:  # (Python's parser alone: compiling too would double a cold start's cost here)
        tree = _parse.parse(pattern, 0)
    except (re.error, RecursionError, ValueError, TypeError, OverflowError):
        return None
    found = _need(list(tree))
    if not found or any(not s for s in found):
        return None
    return frozenset(s.lower() for s in found)


def _score(option: frozenset[str]) -> tuple:
    return (min(len(s) for s in option), -len(option))


def _need(items: list) -> frozenset[str] | None:
    """Requirement of a sequence: the most selective of its literal runs and its parts' requirements."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            options.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _C.LITERAL and _safe_char(chr(av)):
            run.append(chr(av))
            continue
        close_run()
        sub = _need_item(op, av)
        if sub:
            options.append(sub)
    close_run()
    if not options:
        return None
    return max(options, key=_score)


def _need_item(op, av) -> frozenset[str] | None:
    if op is _C.SUBPATTERN:
        return _need(list(av[-1]))
    if op is _C.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            sub = _need(list(alternative))
            if not sub:
                return None
            union |= sub
        return frozenset(union)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _need(list(sub)) if low >= 1 else None
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _need(list(av))
    if op is _C.IN:
        chars = set()
        for item_op, value in av:
            if item_op is not _C.LITERAL or not _safe_char(chr(value)):
                return None
            chars.add(chr(value))
        return frozenset(chars) if 0 < len(chars) <= _MAX_CLASS else None
    return None


class _Memo:
    """Required literals already derived, kept beside the results cache: deriving them parses every
    pack regex, which is a quarter of a cold start; the result depends only on the pattern."""

    VERSION = "1"

    def __init__(self):
        self.path = None
        self.known: dict[str, list[str] | None] = {}
        self.new = False
        try:
            from .cache import cache_dir

            self.path = cache_dir().parent / f"prefilter-{self.VERSION}.json"
            self.known = json.loads(self.path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - no memo yet, or unreadable: derive again
            self.known = {}

    def required_literals(self, pattern: str):
        if pattern in self.known:
            found = self.known[pattern]
            return None if found is None else frozenset(found)
        need = required_literals(pattern)
        self.known[pattern] = None if need is None else sorted(need)
        self.new = True
        return need

    def save(self) -> None:
        if self.new and self.path is not None:
            from .cache import write_atomic

            write_atomic(self.path, json.dumps(self.known, ensure_ascii=False))


class Prefilter:
    """The required literals of a set of regexes and one automaton over all of them."""

    def __init__(self, patterns):
        import ahocorasick

        self.required: dict[str, frozenset[str] | None] = {}
        self.always: set[str] = set()  # patterns without a requirement: always run
        self._by_literal: dict[str, list[str]] = {}
        memo = _Memo()
        for pattern in patterns:
            if pattern not in self.required:
                need = memo.required_literals(pattern)
                self.required[pattern] = need
                if need is None:
                    self.always.add(pattern)
                for lit in need or ():
                    self._by_literal.setdefault(lit, []).append(pattern)
        memo.save()
        self._automaton = None
        if self._by_literal:
            automaton = ahocorasick.Automaton()
            for lit in self._by_literal:
                automaton.add_word(lit, lit)
            automaton.make_automaton()
            self._automaton = automaton

    def possible(self, lower: str, segments) -> dict[str, set[int]] | None:
        """For a document's lower-cased analysis text and its segments (sorted): pattern → the
        starts of the segments that hold one of its required literals. None: run everything."""
        if self._automaton is None or _SPECIAL.search(lower):
            return None
        starts = [s.start for s in segments]
        places: dict[str, set[int]] = {}  # literal → segments it occurs wholly inside
        for end_index, lit in self._automaton.iter(lower):
            i = bisect.bisect_right(starts, end_index + 1 - len(lit)) - 1
            if i >= 0 and end_index < segments[i].end:
                places.setdefault(lit, set()).add(starts[i])
        found: dict[str, set[int]] = {}
        for lit, where in places.items():
            for pattern in self._by_literal[lit]:
                if pattern in found:
                    found[pattern] |= where
                else:
                    found[pattern] = set(where)
        return found

    def where(self, pattern: str, possible: dict[str, set[int]] | None) -> set[int] | None:
        """The segment starts where `pattern` may match; None means every segment."""
        if possible is None or self.required.get(pattern) is None:
            return None
        return possible.get(pattern, _NOWHERE)


_NOWHERE: frozenset = frozenset()
