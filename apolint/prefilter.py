"""A prefilter for the packs' regexes: skip a regex that cannot match anywhere in a document.

For each regex we derive, from its parse tree, sets of literal strings such that every match
contains at least one literal of each set (its `clauses`: {"我们", "我司"} and {"升级", "变更"}
for `(?:我们|我司).{0,20}?(?:升级|变更)`; {"分钟", "小时"} for `\\d+(?:分钟|小时)`). One
Aho-Corasick pass over the document's lower-cased analysis text says which literals occur; a
regex one of whose clauses has no literal in a segment is not run there, which gives exactly the
same hits (none) at a fraction of the cost (a match never leaves its segment, and the literals
come from the matched part or a lookahead, which cannot see past the end of the segment it runs
in; never from a lookbehind, which can see before its start, or a negative look-around). A regex
without a clause that can be
derived safely (look-arounds only, classes, syntax of the `regex` module that Python's own
parser reads differently) is always run.

Case: the packs' regexes are case-insensitive. Literals are lower-cased; only ASCII and
caseless characters are used, and a document containing one of the few non-ASCII
characters that match an ASCII letter case-insensitively (İ, ı, ſ) runs every regex.
"""
from __future__ import annotations

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
_UNSAFE_SYNTAX = re.compile(r"\[:\^?\w+:\]|(?<!\\)(?:\\\\)*\{[^}\d,]|\\[pPLNXGKmMhHQE]|(?<!\\)(?:\\\\)*\(\?[^:=!<>#PaiLmsux)-]")
_MAX_CLASS = 12  # a character class of up to this many literal characters is a requirement
_MAX_CLAUSES = 4
_EVERYWHERE = frozenset("0123456789etaoinsrhldcu")  # single characters not worth looking for
_MAX_SPELLINGS = 64  # strings a run of literal parts may spell before it is cut


def _safe_char(ch: str) -> bool:
    return ch.isascii() or (ch.lower() == ch == ch.upper() and ch.casefold() == ch)


def required_clauses(pattern: str) -> tuple[frozenset[str], ...] | None:
    """Sets of literals (lower-cased); every match of `pattern` contains one literal of each set."""
    if _UNSAFE_SYNTAX.search(pattern):
        return None
    try:  # (Python's parser alone: compiling too would double a cold start's cost here)
        tree = _parse.parse(pattern, 0)
    except (re.error, RecursionError, ValueError, TypeError, OverflowError):
        return None
    clauses = {frozenset(s.lower() for s in c) for c in _clauses(list(tree)) if c and all(c)}
    # a digit or one of English's commonest letters is in nearly every segment: a clause holding
    # one alone rules nothing out, while every occurrence costs a step of the scan
    clauses = {c for c in clauses if not any(s in _EVERYWHERE for s in c)}
    if not clauses:
        return None
    # the most selective first; a handful is enough to rule a regex out
    return tuple(sorted(clauses, key=lambda c: (_score(c), sorted(c)), reverse=True)[:_MAX_CLAUSES])


def _score(option: frozenset[str]) -> tuple:
    return (min(len(s) for s in option), -len(option))


def _clauses(items: list) -> list[frozenset[str]]:
    """Clauses of a sequence: each run of parts that spell a few known strings ("我" then "们"
    or "司" spells 我们 and 我司: Python's parser factors common prefixes out of alternatives),
    and each other part's own clauses."""
    clauses: list[frozenset[str]] = []
    run: set[str] = {""}

    def close_run() -> None:
        if run != {""}:
            clauses.append(frozenset(run))
        run.clear()
        run.add("")

    for op, av in items:
        spelt = _spell(op, av)
        if spelt is None:
            close_run()
            clauses.extend(_item_clauses(op, av))
            continue
        if len(run) * len(spelt) > _MAX_SPELLINGS:
            close_run()
        run = {a + b for a in run for b in spelt}
    close_run()
    return clauses


def _spell(op, av) -> set[str] | None:
    """The few strings a part can match, when it is made of literal characters only."""
    if op is _C.LITERAL:
        return {chr(av)} if _safe_char(chr(av)) else None
    if op is _C.IN:
        chars = set()
        for item_op, value in av:
            if item_op is not _C.LITERAL or not _safe_char(chr(value)):
                return None
            chars.add(chr(value))
        return chars if 0 < len(chars) <= _MAX_CLASS else None
    if op is _C.SUBPATTERN:
        return _spell_sequence(list(av[-1]))
    if op is _C.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            sub = _spell_sequence(list(alternative))
            if sub is None:
                return None
            union |= sub
        return union if len(union) <= _MAX_SPELLINGS else None
    return None


def _spell_sequence(items: list) -> set[str] | None:
    spelt = {""}
    for op, av in items:
        part = _spell(op, av)
        if part is None or len(spelt) * len(part) > _MAX_SPELLINGS:
            return None
        spelt = {a + b for a in spelt for b in part}
    return spelt if "" not in spelt else None


def _item_clauses(op, av) -> list[frozenset[str]]:
    if op is _C.SUBPATTERN:
        return _clauses(list(av[-1]))
    if op is _C.ASSERT and av[0] == 1:  # a lookahead: what it needs is in the segment too
        return _clauses(list(av[1]))
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _clauses(list(sub)) if low >= 1 else []
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _clauses(list(av))
    one = _need_item(op, av)
    return [one] if one else []


def _need(items: list) -> frozenset[str] | None:
    """One clause of a sequence: its most selective one (what an alternative contributes)."""
    clauses = _clauses(items)
    return max(clauses, key=_score) if clauses else None


def _need_item(op, av) -> frozenset[str] | None:
    if op is _C.SUBPATTERN:
        return _need(list(av[-1]))
    if op is _C.ASSERT and av[0] == 1:
        return _need(list(av[1]))
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
        chars = _spell(op, av)
        return frozenset(chars) if chars else None
    return None


class _Memo:
    """Clauses already derived, kept beside the results cache: deriving them parses every pack
    regex, which is a quarter of a cold start; the result depends only on the pattern."""

    VERSION = "9"

    def __init__(self):
        self.path = None
        self.known: dict[str, list[list[str]] | None] = {}
        self.new = False
        try:
            from .cachedir import cache_dir

            self.path = cache_dir().parent / f"prefilter-{self.VERSION}.json"
            self.known = json.loads(self.path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - no memo yet, or unreadable: derive again
            self.known = {}

    def required_clauses(self, pattern: str) -> tuple[frozenset[str], ...] | None:
        if pattern in self.known:
            found = self.known[pattern]
            return None if found is None else tuple(frozenset(c) for c in found)
        clauses = required_clauses(pattern)
        self.known[pattern] = None if clauses is None else [sorted(c) for c in clauses]
        self.new = True
        return clauses

    def save(self) -> None:
        if self.new and self.path is not None:
            from .cachedir import write_atomic

            write_atomic(self.path, json.dumps(self.known, ensure_ascii=False))


class Prefilter:
    """The clauses of a set of regexes and one automaton over all their literals."""

    def __init__(self, patterns):
        import ahocorasick

        self.required: dict[str, tuple[frozenset[str], ...] | None] = {}
        self.always: set[str] = set()  # patterns without a clause: always run
        self._clause_ids: dict[frozenset[str], int] = {}
        self._clauses_of: dict[str, tuple[int, ...]] = {}  # pattern → its other clauses' ids
        self._patterns_by_first: dict[int, list[str]] = {}  # clause → patterns it is the first clause of
        self._clause_literals: list[frozenset[str]] = []  # clause id → its literals
        self._literal_clauses: dict[str, set[int]] = {}  # literal → the clauses holding it
        memo = _Memo()
        for pattern in patterns:
            if pattern in self.required:
                continue
            clauses = memo.required_clauses(pattern)
            self.required[pattern] = clauses
            if clauses is None:
                self.always.add(pattern)
                continue
            ids = []
            for clause in clauses:
                if clause not in self._clause_ids:
                    self._clause_ids[clause] = len(self._clause_literals)
                    self._clause_literals.append(clause)
                ids.append(self._clause_ids[clause])
                for lit in clause:
                    self._literal_clauses.setdefault(lit, set()).add(self._clause_ids[clause])
            self._clauses_of[pattern] = tuple(ids[1:])  # (the first is checked on its own)
            self._patterns_by_first.setdefault(ids[0], []).append(pattern)
        memo.save()
        self._automaton = None
        if self._literal_clauses:
            automaton = ahocorasick.Automaton()
            for lit, ids in self._literal_clauses.items():
                automaton.add_word(lit, tuple(sorted(ids)))  # what a found literal tells
            automaton.make_automaton()
            self._automaton = automaton

    def possible(self, lower: str, segments) -> dict[str, set[int]] | None:
        """For a document's lower-cased analysis text and its segments: pattern → the indices of
        the segments holding a literal of each of its clauses. None: run everything. (Sets, not
        bit masks: a 10 MB document has tens of thousands of segments.)"""
        if self._automaton is None or _SPECIAL.search(lower):
            return None
        automaton = self._automaton
        clause_places: dict[int, set[int]] = {}  # clause → segments holding one of its literals
        for i, seg in enumerate(segments):  # (a slice per segment: a literal counts only wholly inside one)
            for ids in {ids for _, ids in automaton.iter(lower[seg.start:seg.end])}:
                for cid in ids:
                    held = clause_places.get(cid)
                    if held is None:
                        clause_places[cid] = {i}
                    else:
                        held.add(i)
        found: dict[str, set[int]] = {}
        clauses_of = self._clauses_of
        for first, places in clause_places.items():
            for pattern in self._patterns_by_first.get(first, ()):
                where = places
                for cid in clauses_of[pattern]:
                    where = where & clause_places.get(cid, _NOWHERE)
                    if not where:
                        break
                else:
                    found[pattern] = where
        return found

    def where(self, pattern: str, possible: dict[str, set[int]] | None) -> set[int] | None:
        """The indices of the segments where `pattern` may match; None means every segment."""
        if possible is None or self.required.get(pattern) is None:
            return None
        return possible.get(pattern, _NOWHERE)


_NOWHERE: frozenset = frozenset()
