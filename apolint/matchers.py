"""Pattern sets from the packs, compiled once per language, and run over an analysis.

A *pattern set* is the YAML shape every lexicon, element and rule uses to say what to find:

    phrases: [...]        literal phrases, folded like the text; one Aho-Corasick automaton per language
    regex: [...]          regular expressions (the `regex` module, case-insensitive, time-bounded)
    tokens: [[...], ...]  spaCy Matcher token patterns
    lexicons: [name]      named lexicons of the same language
    any: [pattern set]    alternatives, each with its own filters
    unless_sentence: set  drop a hit whose sentence also matches this set
    if_sentence: set      keep a hit only if its sentence also matches this set (cues that count together)
    unless_before: set + within: N   drop a hit preceded (same sentence, N characters) by this set
    if_before: set + within: N       keep a hit only if so preceded ("deeply" before "sorry": an intensified apology)
    unless_after: set + within: N    drop a hit followed (same sentence, N characters) by this set
    except: set           drop a hit that overlaps a hit of this set (a lexicon minus some of its uses)
    when: conditions      the set matches only in documents meeting these conditions

Chinese phrases are matched on the raw folded text, so they never depend on how jieba
segments a sentence; English phrases must start and end at word boundaries.
"""
from __future__ import annotations

import bisect
import itertools
import time
from dataclasses import dataclass, field

import regex

from .analysis import fold_char, is_cjk, traditional_to_simplified, visible_chars
from .yamlsource import SourceError, YList, YMap, check_keys, check_type

REGEX_TIMEOUT = 1.0  # seconds per regex per document (plus this much per MB of text): no regex can hang a run
SET_KEYS = {"phrases", "regex", "tokens", "lexicons", "any", "unless_sentence", "if_sentence", "unless_before",
            "if_before", "unless_after", "when", "except"}
WINDOW_KEYS = SET_KEYS | {"within"}
CONDITION_KEYS = {"elements", "min_chars", "front_matter", "stage", "severity", "channel", "template"}
STATUSES = ("present", "weak", "missing")
TOKEN_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER",
               "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_SENT_START", "LIKE_NUM",
               "LIKE_URL", "LIKE_EMAIL", "SHAPE", "PREFIX", "SUFFIX", "OP"}
TOKEN_OPS = {"!", "?", "+", "*", "{"}
TOKEN_PREDICATES = {"IN", "NOT_IN", "REGEX", "FUZZY", "INTERSECTS", "IS_SUBSET", "IS_SUPERSET",
                    "==", "!=", ">=", "<=", ">", "<"}


REGEX_FLAGS = regex.IGNORECASE | regex.V0


class LazyRegex:
    """A pack regex compiled on first use. Only patterns that compiled before (in an earlier run,
    with the same `regex` version; see `_validated`) are deferred, so a bad pattern is still
    reported when the packs load; compiling the packs' few hundred regexes up front was most of
    a cold start's pack loading, and most of them never run on a given document."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled = None

    def compiled(self):
        if self._compiled is None:
            self._compiled = _compile_pack_regex(self.pattern)
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled(), name)


_LAZY: dict[str, LazyRegex] = {}
_VALIDATED: set | None = None
_NEWLY_VALIDATED: set = set()


def _validated_path():
    from .cachedir import cache_dir

    return cache_dir() / f"regex-ok-{regex.__version__}.dat"  # (not .txt: never linted itself)


def _validated() -> set:
    """Digests of patterns that compiled in an earlier run (kept in the results cache directory)."""
    global _VALIDATED
    if _VALIDATED is None:
        try:
            _VALIDATED = set(_validated_path().read_text(encoding="ascii").split())
        except (OSError, ValueError):
            _VALIDATED = set()
    return _VALIDATED


def _digest(pattern: str) -> str:
    import hashlib

    return hashlib.sha256(pattern.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def compile_regex(pattern: str):
    """A pack regex: deferred when it is known to compile, compiled (and so checked) otherwise."""
    lazy = _LAZY.get(pattern)
    if lazy is not None:
        return lazy
    digest = _digest(pattern)
    if digest in _validated():
        lazy = _LAZY[pattern] = LazyRegex(pattern)
        return lazy
    compiled = _compile_pack_regex(pattern)  # raises regex.error for a bad pattern
    _NEWLY_VALIDATED.add(digest)
    return compiled


# Compiled regexes kept between runs. The `regex` module pickles a compiled pattern as a call of
# regex._regex.compile with the code its (pure Python) compiler produced, so unpickling skips that
# compiler: about 30 times faster than compiling, which was a tenth of a 2,000-file batch. The file
# is per `regex` version, Python version and flags, like a .pyc per interpreter.
_COMPILED: dict | None = None  # pattern → pickled compiled regex, from earlier runs
_NEWLY_COMPILED: dict = {}
_MAX_KEPT_COMPILED = 4096  # the built-in packs have about 800 regexes (a pickled one: about 1 KB)


def _compiled_path():
    import sys

    from .cachedir import cache_dir

    python = f"{sys.version_info[0]}{sys.version_info[1]}"
    return cache_dir() / f"regex-compiled-{regex.__version__}-py{python}-{int(REGEX_FLAGS)}.pickle"


def _load_compiled(data: bytes):
    """Unpickle a compiled regex (or the file's table of them), refusing any other callable: a
    damaged or foreign file cannot run code."""
    import io
    import pickle

    class CompiledRegexOnly(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("regex._regex", "compile"):
                return super().find_class(module, name)
            raise pickle.UnpicklingError(f"{module}.{name} is not a compiled regex")

    return CompiledRegexOnly(io.BytesIO(data)).load()


def _compile_pack_regex(pattern: str):
    """regex.compile(pattern, REGEX_FLAGS), from an earlier run's compiled code when it was kept."""
    global _COMPILED
    if _COMPILED is None:
        try:
            _COMPILED = _load_compiled(_compiled_path().read_bytes())
            if not isinstance(_COMPILED, dict):
                _COMPILED = {}
        except Exception:  # noqa: BLE001 - none kept yet, or unreadable: compile again
            _COMPILED = {}
    kept = _COMPILED.get(pattern)
    if isinstance(kept, bytes):
        try:
            compiled = _load_compiled(kept)
            if isinstance(compiled, regex.Pattern) and compiled.pattern == pattern:
                return compiled
        except Exception:  # noqa: BLE001 - a damaged entry: compile again
            pass
    compiled = regex.compile(pattern, REGEX_FLAGS)
    import pickle

    _NEWLY_COMPILED[pattern] = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
    return compiled


def remember_compiled() -> None:
    """Keep the regexes compiled in this run for later runs (best effort; merged with what another
    run kept meanwhile)."""
    if not _NEWLY_COMPILED:
        return
    import pickle

    from .cachedir import write_atomic

    path = _compiled_path()
    try:
        known = _load_compiled(path.read_bytes())
        if not isinstance(known, dict):
            known = {}
    except Exception:  # noqa: BLE001 - none kept yet, or unreadable: start again
        known = {}
    known.update(_NEWLY_COMPILED)
    _NEWLY_COMPILED.clear()
    if len(known) > _MAX_KEPT_COMPILED:  # (every run reads the whole file: the oldest written go)
        known = dict(list(known.items())[-_MAX_KEPT_COMPILED:])
    write_atomic(path, pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))


def remember_validated() -> None:
    """Record the patterns compiled in this run, so later runs may defer them (best effort)."""
    if not _NEWLY_VALIDATED:
        return
    from .cachedir import write_atomic

    known = _validated() | _NEWLY_VALIDATED
    _NEWLY_VALIDATED.clear()
    write_atomic(_validated_path(), "\n".join(sorted(known)) + "\n")


class RegexTimeout(Exception):
    def __init__(self, pattern: str):
        shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
        super().__init__(f"a regular expression ran out of time (over {REGEX_TIMEOUT:g} s): {shown}")
        self.pattern = pattern


def fold_phrase(phrase: str) -> str:
    trad = traditional_to_simplified()
    folded = "".join(fold_char(c, trad) for c in phrase)
    folded = " ".join(folded.split())
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


@dataclass
class Condition:
    """Document-level conditions (`when:`): element statuses, length, front matter, and the
    incident's stage, severity, channel and whether it is a template (null = not given)."""

    elements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_chars: int | dict | None = None
    front_matter: dict[str, tuple] = field(default_factory=dict)
    document: dict[str, tuple] = field(default_factory=dict)  # stage / severity / channel / template

    def holds(self, run: "Run") -> bool:
        for name, statuses in self.elements.items():
            if run.element(name).status not in statuses:
                return False
        if self.min_chars is not None:
            need = self.min_chars
            if isinstance(need, dict):
                need = need.get(run.main_language, min(need.values()))
            if run.body_chars < need:
                return False
        for key, allowed in self.front_matter.items():
            value = run.front_matter.get(key)
            if value not in allowed:
                return False
        for key, allowed in self.document.items():
            if getattr(run, key) not in allowed:
                return False
        return True


EVERYWHERE = object()  # where a regex the prefilter cannot rule out anywhere runs: every segment


@dataclass(eq=False)
class PatternSet:
    """One pattern set compiled for one language."""

    lang: str
    phrase_key: str | None = None
    regexes: list = field(default_factory=list)
    token_key: str | None = None
    children: list["PatternSet"] = field(default_factory=list)
    unless_sentence: "PatternSet | None" = None
    if_sentence: "PatternSet | None" = None
    unless_before: tuple["PatternSet", int] | None = None
    if_before: tuple["PatternSet", int] | None = None
    unless_after: tuple["PatternSet", int] | None = None
    except_: "PatternSet | None" = None
    when: Condition | None = None
    uses_elements: bool = False

    def hits(self, run: "Run") -> list[tuple[int, int]]:
        cached = run.cache.get(self)
        if cached is not None:
            if self in run.tainted:  # computed without a timed-out regex
                run.missed(run.tainted[self])
            return cached
        if self.when is None and self.lang not in run.present:  # no text in this language: no hits
            run.cache[self] = []
            return run.cache[self]
        misses = run.misses
        found: list[tuple[int, int]] = []
        if self.when is None or self.when.holds(run):
            if self.phrase_key:
                found.extend(run.phrase_hits(self.lang).get(self.phrase_key, ()))
            if self.regexes:
                places = run.regex_places()
                for rx in self.regexes:
                    where = places.get(rx.pattern) if places is not None else EVERYWHERE
                    if where:
                        found.extend(run.regex_hits(self.lang, rx, where))
            if self.token_key:
                found.extend(run.token_hits.get(self.token_key, ()))
                if self.token_key in run.token_timeouts:  # matched without a timed-out REGEX
                    run.missed(run.token_timeouts[self.token_key])
            for child in self.children:
                found.extend(child.hits(run))
            if found:  # (nothing found: nothing to sort, merge or filter)
                found = _merge_overlaps(run.drop_mentions(sorted(set(found))))
            if found and self.unless_sentence:
                found = [h for h in found if not _any_in(self.unless_sentence.hits(run), *run.analysis.sentence_of(h[0]))]
            if found and self.if_sentence:
                found = [h for h in found if _any_in(self.if_sentence.hits(run), *run.analysis.sentence_of(h[0]))]
            if found and self.unless_before:
                det, within = self.unless_before
                found = [h for h in found if not _any_in(det.hits(run), max(run.analysis.sentence_of(h[0])[0], h[0] - within), h[0], end_inside=True)]
            if found and self.if_before:
                det, within = self.if_before
                found = [h for h in found if _any_in(det.hits(run), max(run.analysis.sentence_of(h[0])[0], h[0] - within), h[0], end_inside=True)]
            if found and self.unless_after:
                det, within = self.unless_after
                found = [h for h in found if not _any_in(det.hits(run), h[1], min(run.analysis.sentence_of(h[0])[1], h[1] + within))]
            if found and self.except_:
                other = self.except_.hits(run)
                found = [h for h in found if not any(s < h[1] and h[0] < e for s, e in other)]
        run.cache[self] = found
        if run.misses != misses:
            run.tainted[self] = run.last_miss
        return found


def _unwrapped(det: PatternSet) -> PatternSet:
    """A set that only holds one other set (`lexicons: [x]`, a lexicon one pack defines) finds
    exactly what that one finds: a set's hits are already sorted, merged and free of mentions."""
    only_child = len(det.children) == 1 and not (
        det.phrase_key or det.regexes or det.token_key or det.when or det.except_
        or det.unless_sentence or det.if_sentence or det.unless_before or det.if_before or det.unless_after)
    return det.children[0] if only_child else det


def _merge_overlaps(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping hits of one pattern set are one place (adjacent ones stay apart)."""
    merged: list[tuple[int, int]] = []
    for s, e in hits:
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _any_in(hits: list[tuple[int, int]], start: int, end: int, end_inside: bool = False) -> bool:
    """Is there a hit starting in [start, end) (or, with end_inside, lying wholly in [start, end])?

    `hits` come from PatternSet.hits: merged, so both starts and ends increase, and the first
    hit starting at or after `start` is the one to look at (a bisect, not a scan).
    """
    i = bisect.bisect_left(hits, (start,))
    if i == len(hits):
        return False
    s, e = hits[i]
    return e <= end if end_inside else s < end


class Compiler:
    """Compiles pattern sets for each language and owns the shared automata and token patterns."""

    def __init__(self, lexicons: dict[str, dict[str, list[tuple[dict, str]]]]):
        # lexicons[lang][name] = [(spec, path), ...] in pack order ("extend" appends)
        self.lexicons = lexicons
        self.phrases: dict[str, dict[str, set[str]]] = {}  # lang → folded phrase → keys
        self.tokens: dict[str, dict[str, list]] = {}  # lang → key → [patterns]
        self.token_sources: dict[str, tuple[str, int, str]] = {}  # key → (path, line, where)
        self._lexicon_cache: dict[tuple[str, str], PatternSet] = {}
        self._in_progress: set[tuple[str, str]] = set()
        self._keys = itertools.count()
        self.regex_patterns: list[str] = []  # every regex compiled, for the prefilter
        self._prefilter = None
        self.known: dict[str, set] = {}  # stage / severity names the packs define, for validation

    # -- compile ------------------------------------------------------------------------
    def compile(self, spec, lang: str, path: str, where: str, allow_elements: bool = True) -> PatternSet:
        if isinstance(spec, list):  # a plain list is a list of phrases
            spec = YMap(phrases=spec)
        check_keys(spec, SET_KEYS, path, where)
        det = PatternSet(lang=lang)
        line = spec.line if isinstance(spec, YMap) else None

        def line_of(key):
            return spec.line_of(key) if isinstance(spec, YMap) else line

        if "phrases" in spec:
            phrases = check_type(spec["phrases"], list, path, line_of("phrases"), f"{where}.phrases")
            key = f"p{next(self._keys)}"
            table = self.phrases.setdefault(lang, {})
            for i, phrase in enumerate(phrases):
                ln = phrases.line_of(i) if isinstance(phrases, YList) else line_of("phrases")
                check_type(phrase, str, path, ln, f"{where}.phrases")
                folded = fold_phrase(phrase)
                if not folded:
                    raise SourceError(path, ln, f"{where}.phrases", "empty phrase")
                table.setdefault(folded, set()).add(key)
            det.phrase_key = key
        if "regex" in spec:
            items = check_type(spec["regex"], list, path, line_of("regex"), f"{where}.regex")
            for i, pattern in enumerate(items):
                ln = items.line_of(i) if isinstance(items, YList) else line_of("regex")
                check_type(pattern, str, path, ln, f"{where}.regex")
                try:
                    det.regexes.append(compile_regex(pattern))
                    self.regex_patterns.append(pattern)
                except regex.error as exc:
                    raise SourceError(path, ln, f"{where}.regex", f"invalid regular expression {pattern!r}: {exc}") from None
        if "tokens" in spec:
            patterns = check_type(spec["tokens"], list, path, line_of("tokens"), f"{where}.tokens")
            key = f"t{next(self._keys)}"
            for i, pattern in enumerate(patterns):
                ln = patterns.line_of(i) if isinstance(patterns, YList) else line_of("tokens")
                _check_token_pattern(pattern, path, ln, f"{where}.tokens")
            self.tokens.setdefault(lang, {})[key] = list(patterns)
            self.token_sources[key] = (path, line_of("tokens"), f"{where}.tokens")
            det.token_key = key
        if "lexicons" in spec:
            names = check_type(spec["lexicons"], list, path, line_of("lexicons"), f"{where}.lexicons")
            for i, name in enumerate(names):
                ln = names.line_of(i) if isinstance(names, YList) else line_of("lexicons")
                check_type(name, str, path, ln, f"{where}.lexicons")
                det.children.append(self.lexicon(name, lang, path, ln, f"{where}.lexicons"))
        if "any" in spec:
            alternatives = check_type(spec["any"], list, path, line_of("any"), f"{where}.any")
            for i, alt in enumerate(alternatives):
                det.children.append(self.compile(alt, lang, path, f"{where}.any[{i}]", allow_elements))
        if "except" in spec:
            det.except_ = self.compile(spec["except"], lang, path, f"{where}.except", allow_elements)
        for key in ("unless_sentence", "if_sentence"):
            if key in spec:
                setattr(det, key, self.compile(spec[key], lang, path, f"{where}.{key}", allow_elements))
        for key in ("unless_before", "if_before", "unless_after"):
            if key in spec:
                sub = spec[key]
                check_keys(sub, WINDOW_KEYS, path, f"{where}.{key}", required=("within",))
                within = check_type(sub["within"], int, path, sub.line_of("within"), f"{where}.{key}.within")
                inner = YMap({k: v for k, v in sub.items() if k != "within"})
                inner.line, inner.lines = sub.line, sub.lines
                setattr(det, key, (self.compile(inner, lang, path, f"{where}.{key}", allow_elements), within))
        if "when" in spec:
            det.when = self.condition(spec["when"], path, f"{where}.when", allow_elements)
        det.uses_elements = bool(det.when and det.when.elements) or any(
            c.uses_elements for c in det.children)
        if not (det.phrase_key or det.regexes or det.token_key or det.children):
            raise SourceError(path, line, where, "a pattern set needs phrases, regex, tokens, lexicons or any")
        return _unwrapped(det)

    def prefilter(self):
        """The regex prefilter over every regex compiled so far (built on first use)."""
        if self._prefilter is None or self._prefilter[0] != len(self.regex_patterns):
            from .prefilter import Prefilter

            self._prefilter = (len(self.regex_patterns), Prefilter(self.regex_patterns))
        return self._prefilter[1]

    def lexicon(self, name: str, lang: str, path: str, line: int, where: str) -> PatternSet:
        key = (name, lang)
        if key in self._lexicon_cache:
            return self._lexicon_cache[key]
        entries = self.lexicons.get(lang, {}).get(name)
        if not entries:
            raise SourceError(path, line, where, f"lexicon '{name}' is not defined for language '{lang}' in any loaded pack")
        if key in self._in_progress:
            raise SourceError(path, line, where, f"lexicon '{name}' refers to itself")
        self._in_progress.add(key)
        det = PatternSet(lang=lang)
        for spec, spec_path in entries:
            det.children.append(self.compile(spec, lang, spec_path, f"lexicons.{name}", allow_elements=False))
        det.uses_elements = any(c.uses_elements for c in det.children)
        self._in_progress.discard(key)
        det = self._lexicon_cache[key] = _unwrapped(det)
        return det

    def condition(self, spec, path: str, where: str, allow_elements: bool = True) -> Condition:
        check_keys(spec, CONDITION_KEYS, path, where)
        cond = Condition()
        if "elements" in spec:
            if not allow_elements:
                raise SourceError(path, spec.line_of("elements"), f"{where}.elements",
                                  "element conditions are not allowed inside lexicons and element definitions")
            elements = spec["elements"]
            check_keys(elements, set(elements) if isinstance(elements, dict) else set(), path, f"{where}.elements")
            for name, statuses in elements.items():
                ln = elements.line_of(name)
                if isinstance(statuses, str):
                    statuses = [statuses]
                check_type(statuses, list, path, ln, f"{where}.elements.{name}")
                for s in statuses:
                    if s not in STATUSES:
                        raise SourceError(path, ln, f"{where}.elements.{name}",
                                          f"unknown status {s!r}; expected one of {', '.join(STATUSES)}")
                cond.elements[name] = tuple(statuses)
        if "min_chars" in spec:
            value = spec["min_chars"]
            if isinstance(value, dict):
                for k, v in value.items():
                    check_type(v, int, path, value.line_of(k), f"{where}.min_chars.{k}")
            else:
                check_type(value, int, path, spec.line_of("min_chars"), f"{where}.min_chars")
            cond.min_chars = value
        for key in ("stage", "severity", "channel", "template"):
            if key in spec:
                values = spec[key] if isinstance(spec[key], list) else [spec[key]]
                known = self.known.get(key)
                for v in values:
                    if key == "template":
                        check_type(v, bool, path, spec.line_of(key), f"{where}.{key}")
                    elif v is not None and known is not None and v not in known:
                        raise SourceError(path, spec.line_of(key), f"{where}.{key}",
                                          f"unknown {key} {v!r}; expected one of {', '.join(sorted(known))} or null")
                cond.document[key] = tuple(values)
        if "front_matter" in spec:
            fm = spec["front_matter"]
            check_type(fm, dict, path, spec.line_of("front_matter"), f"{where}.front_matter")
            for k, v in fm.items():
                cond.front_matter[k] = tuple(v) if isinstance(v, list) else (v,)
        return cond


def _check_token_pattern(pattern, path: str, line: int, where: str) -> None:
    """Check a spaCy Matcher pattern's shape without importing spaCy."""
    if not isinstance(pattern, list) or not pattern:
        raise SourceError(path, line, where, "a token pattern is a non-empty list of token mappings")
    for token in pattern:
        if not isinstance(token, dict):
            raise SourceError(path, line, where, f"a token must be a mapping, got {token!r}")
        for attr, value in token.items():
            if attr not in TOKEN_ATTRS:
                raise SourceError(path, line, where,
                                  f"unknown token attribute {attr!r} (blank pipelines have no POS, TAG or LEMMA); "
                                  f"expected one of {', '.join(sorted(TOKEN_ATTRS))}")
            if attr == "OP":
                if not isinstance(value, str) or not value or value[0] not in TOKEN_OPS:
                    raise SourceError(path, line, where, f"invalid OP {value!r}; expected !, ?, +, * or {{n,m}}")
            elif isinstance(value, dict):
                for pred in value:
                    if pred not in TOKEN_PREDICATES:
                        raise SourceError(path, line, where, f"unknown predicate {pred!r} for {attr}")
                    if pred == "REGEX":
                        if attr not in ("ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX"):
                            raise SourceError(path, line, where, f"REGEX tests text: use it on ORTH, TEXT, LOWER, "
                                                                 f"NORM, SHAPE, PREFIX or SUFFIX, not {attr}")
                        try:
                            regex.compile(value[pred])
                        except (regex.error, TypeError) as exc:
                            raise SourceError(path, line, where, f"invalid REGEX {value[pred]!r}: {exc}") from None


@dataclass
class PatternTrace:
    """Which pack items (one regex, or one phrase as folded) matched in a run, and which to treat as
    matching nothing. For `apolint fit-weights --unseen`: linting a notice with the items only it
    (and a few others) match switched off shows what the evidence looks like on wording the packs
    were not written for. Token patterns are not traced."""

    switched_off: frozenset = frozenset()  # ("regex", pattern) / ("phrase", folded phrase)
    fired: set = field(default_factory=set)


class Run:
    """The state of matching one analysis: hits per key, caches, element results."""

    def __init__(self, analysis, compiler: Compiler, automata: dict, front_matter: dict, element_resolver):
        self.analysis = analysis
        self.compiler = compiler
        self.automata = automata
        self.front_matter = front_matter
        self.cache: dict = {}
        self.token_hits: dict[str, list[tuple[int, int]]] = {}
        self.token_timeouts: dict[str, str] = {}  # token pattern key → a REGEX in it that ran out of time
        self._phrase_hits: dict[str, dict[str, list[tuple[int, int]]]] = {}
        self._regex_hits: dict = {}
        self._places: dict | None | bool = False  # where each regex may match (False: not yet known)
        self._element_resolver = element_resolver
        self._elements: dict = {}
        self._indexed: dict[str, list] = {}
        # Regex time-outs. A rule checks in strict mode: a timed-out regex it depends on raises
        # RegexTimeout and the engine reports the rule as skipped. Everything else (element
        # evidence, score) is lenient: the regex counts as matching nothing, and the results
        # computed without it are remembered as tainted so a strict caller still hears of it.
        self.timeouts: list[str] = []  # patterns that timed out, in order
        self.strict = False
        self.misses = 0  # lenient answers given for timed-out regexes
        self.last_miss = ""
        self.tainted: dict = {}  # PatternSet or element name → the timed-out pattern behind it
        self._timed_out: set = set()
        self._regex_budget = REGEX_TIMEOUT * (1 + len(analysis.text) / 1_000_000)
        # the incident context, set by the engine from front matter, options and configuration
        self.stage: str | None = None
        self.severity: str | None = None
        self.channel: str | None = None
        self.template: bool = False
        self.complete_evidence = False  # weigh every evidence feature, not only until a status is settled
        self.trace: PatternTrace | None = None
        langs = analysis.languages
        self.present = frozenset(langs)  # the languages with text in this document
        self.main_language = langs[0] if langs else "en"
        self.body_chars = visible_chars(analysis.text)
        quotes = analysis.quotes
        self._quote_starts = [s for s, _ in quotes]

    def indexed_segments(self, lang: str) -> list:
        """(index in analysis.segments, segment) for this language's segments."""
        found = self._indexed.get(lang)
        if found is None:
            found = self._indexed[lang] = [(i, s) for i, s in enumerate(self.analysis.segments) if s.lang == lang]
        return found

    def element(self, name: str):
        if name not in self._elements:
            misses = self.misses
            self._elements[name] = self._element_resolver(name, self)
            if self.misses != misses:
                self.tainted[name] = self.last_miss
        elif name in self.tainted:
            self.missed(self.tainted[name])
        return self._elements[name]

    def missed(self, pattern: str) -> None:
        """A timed-out regex was needed: raise in strict mode, count a lenient miss otherwise."""
        if self.strict:
            raise RegexTimeout(pattern)
        self.misses += 1
        self.last_miss = pattern

    def drop_mentions(self, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
        quotes = self.analysis.quotes
        if not quotes or not hits:
            return hits
        import bisect

        kept = []
        for s, e in hits:
            i = bisect.bisect_right(self._quote_starts, s) - 1
            if i >= 0 and quotes[i][0] <= s and e <= quotes[i][1]:
                continue
            kept.append((s, e))
        return kept

    def phrase_hits(self, lang: str) -> dict[str, list[tuple[int, int]]]:
        hits = self._phrase_hits.get(lang)
        if hits is not None:
            return hits
        hits = {}
        automaton = self.automata.get(lang)
        if automaton is not None:
            lower = self.analysis.lower
            n = len(lower)
            for _, seg in self.indexed_segments(lang):
                # iterate over the segment's own slice: automaton.iter(text, start, end) converts the
                # whole text on every call, which made many segments quadratic in document length
                base = seg.start
                for end_index, (phrase, keys, left, right) in automaton.iter(lower[seg.start:seg.end]):
                    end_index += base
                    start = end_index - len(phrase) + 1
                    end = end_index + 1
                    if left and start > 0 and _word_char(lower[start - 1]):
                        continue
                    if right and end < n and _word_char(lower[end]):
                        continue
                    if self.trace is not None:
                        item = ("phrase", phrase)
                        if item in self.trace.switched_off:
                            continue
                        self.trace.fired.add(item)
                    for key in keys:
                        hits.setdefault(key, []).append((start, end))
        self._phrase_hits[lang] = hits
        return hits

    def regex_places(self) -> dict[str, object] | None:
        """Where each regex may match in this document (see prefilter.py), computed once: pattern →
        the indices of analysis.segments to search (EVERYWHERE for all; a pattern not listed:
        nowhere), or None when every regex must run everywhere."""
        if self._places is False:
            prefilter = self.compiler.prefilter()
            places = prefilter.possible(self.analysis.lower, self.analysis.segments)
            if places is not None:
                places.update(dict.fromkeys(prefilter.always, EVERYWHERE))
            self._places = places
        return self._places

    def regex_hits(self, lang: str, rx, where=None) -> list[tuple[int, int]]:
        """Every match of a regex in this language's segments (those whose index is in `where`,
        when given), within one time budget per document; a regex that runs out of time is never
        run again for this document."""
        if where is EVERYWHERE:
            where = None
        key = (lang, rx)
        cached = self._regex_hits.get(key)
        if cached is not None:
            return cached
        if self.trace is not None and ("regex", rx.pattern) in self.trace.switched_off:
            return []
        if key not in self._timed_out:
            found = []
            text = self.analysis.text
            finditer = (rx.compiled() if type(rx) is LazyRegex else rx).finditer
            deadline = time.monotonic() + self._regex_budget
            try:
                for index, seg in self.indexed_segments(lang):
                    if where is not None and index not in where:
                        continue
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    for m in finditer(text, seg.start, seg.end, timeout=left):
                        if m.end() > m.start():
                            found.append(m.span())
            except TimeoutError:
                self._timed_out.add(key)
                if rx.pattern not in self.timeouts:
                    self.timeouts.append(rx.pattern)
            else:
                self._regex_hits[key] = found
                if found and self.trace is not None:
                    self.trace.fired.add(("regex", rx.pattern))
                return found
        self.missed(rx.pattern)
        return []


def _word_char(ch: str) -> bool:
    return ch.isalnum() and not is_cjk(ch) or ch == "_"


def build_automata(phrases: dict[str, dict[str, set[str]]]) -> dict:
    """One Aho-Corasick automaton per language over every phrase of every pack.

    (Called once the packs have compiled: the regexes checked on the way are remembered here.)"""
    import ahocorasick

    remember_validated()
    automata = {}
    for lang, table in phrases.items():
        automaton = ahocorasick.Automaton()
        for phrase, keys in table.items():
            left = _word_char(phrase[0])
            right = _word_char(phrase[-1])
            automaton.add_word(phrase, (phrase, tuple(sorted(keys)), left, right))
        automaton.make_automaton()
        automata[lang] = automaton
    return automata
