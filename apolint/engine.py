"""The engine: document → analysis → tokens → evidence → rules → findings → suppression.

It knows nothing about any language or rule: everything it matches comes from the packs.
"""
from __future__ import annotations

import bisect

from . import analysis as analysis_mod
from . import language, pipelines
from .document import Document
from .findings import ElementResult, Evidence, FileResult, Finding
from .matchers import PatternTrace, RegexTimeout, Run
from .packs import RuleSet


class Context:
    """What a rule kind sees while checking one document. Kinds work in analysis offsets."""

    def __init__(self, run: Run, ruleset: RuleSet):
        self.run = run
        self.analysis = run.analysis
        self.ruleset = ruleset

    def hits(self, pattern_sets: dict) -> list[tuple[int, int, str]]:
        found = []
        for lang, det in pattern_sets.items():
            found.extend((s, e, lang) for s, e in det.hits(self.run))
        found.sort()
        return found

    def source(self, start: int, end: int) -> str:
        return self.analysis.source(start, end)

    def element(self, name: str) -> ElementResult:
        return self.run.element(name)

    def lang_at(self, pos: int) -> str:
        seg = self.analysis.segment_of(pos)
        return seg.lang if seg else self.run.main_language

    def scope_span(self, scope: str, pos: int) -> tuple[int, int]:
        if scope == "sentence":
            return self.analysis.sentence_of(pos)
        if scope == "paragraph":
            return self.analysis.paragraph_of(pos)
        return (0, len(self.analysis.text))

    def analysis_position(self, offset: int) -> int:
        """The analysis index of an original offset (the nearest folded character at or after it)."""
        import bisect

        return min(bisect.bisect_left(self.analysis.offsets, offset), max(len(self.analysis.text) - 1, 0))

    def chars_in(self, span: tuple[int, int]) -> int:
        return analysis_mod.visible_chars(self.analysis.text[span[0]:span[1]])

    def document_anchor(self) -> tuple[int, int, str]:
        """Where a document-level finding points: the first sentence, within its first line."""
        a = self.analysis
        if not a.segments:
            return 0, 0, self.run.main_language
        seg = a.segments[0]
        start, end = a.sentence_of(seg.start)
        while end > start and a.text[end - 1] == "\n":
            end -= 1
        o_start = a.offsets[start]
        line_end = a.doc.text.find("\n", o_start)
        if line_end != -1:
            while end > start + 1 and a.offsets[end - 1] >= line_end:
                end -= 1
        return start, end, seg.lang

    def finding(self, rule, start: int, end: int, lang: str, fields: dict, *, level: str | None = None,
                message: str | None = None, suggestion: str | None = None, fix: str | None = None) -> Finding:
        o_start, o_end = self.analysis.original_span(start, end)
        text = (message or rule.message).format_map(_Fields(fields))
        if suggestion is None:
            suggestion = rule.suggestion_for(lang)
        return Finding(rule=rule.id, level=level or rule.level, start=o_start, end=o_end, message=text,
                       suggestion=suggestion, fix=fix, text=self.analysis.doc.text[o_start:o_end])


class _Fields(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def resolve_element(ruleset: RuleSet):
    def resolve(name: str, run: Run) -> ElementResult:
        element = ruleset.elements.get(name)
        if element is None:
            return ElementResult("missing")
        total = 0.0
        evidence: list[Evidence] = []
        weights: dict[str, float] = {}
        # Strongest features first; stop as soon as the rest cannot change the status (the evidence
        # reported is then what decided it). `complete_evidence` weighs every feature (explain --why).
        order, rest_up, rest_down = element.decision_order()
        for i, (feature, weight) in enumerate(order):
            if not run.complete_evidence and element.settled(total, bool(weights), rest_up[i], rest_down[i]):
                break
            spans = set()
            for det in feature.pattern_sets.values():
                spans.update(det.hits(run))
            if not spans:
                continue
            weights[feature.name] = weight
            total += weight
            evidence.extend(Evidence(s, e, run.analysis.source(s, e), feature.name, weight) for s, e in spans)
        status = element.status_of(total, bool(weights))
        evidence.sort(key=lambda ev: (ev.start, ev.end, ev.feature))
        return ElementResult(status, evidence, score=round(total, 3), features=weights)

    return resolve


def tokenise(analysis, ruleset: RuleSet, run: Run) -> None:
    """Tokenise each segment once with its language's pipeline: sentences and token-pattern hits."""
    sentences: list[tuple[int, int]] = []
    for lang in analysis.languages:
        segs = [s for s in analysis.segments if s.lang == lang]
        if lang in language.SENTENCES_WITHOUT_PIPELINE and not ruleset.compiler.tokens.get(lang):
            # no rule needs this language's tokens: the pipeline's sentences without the pipeline
            # (the same spans, tests/test_zh_sentences.py and tests/test_en_sentences.py)
            split = language.SENTENCES_WITHOUT_PIPELINE[lang]()
            for seg in segs:
                sentences.extend((seg.start + a, seg.start + b) for a, b in split(analysis.text[seg.start:seg.end]))
            continue
        nlp = pipelines.pipeline(lang)
        matcher, keys_of_regex = _token_matcher(ruleset, lang, nlp)
        if keys_of_regex:
            from .token_patterns import CLOCK

            CLOCK.start(len(analysis.text))
        texts = [analysis.text[s.start:s.end] for s in segs]
        for seg, doc in zip(segs, nlp.pipe(texts)):
            for sent in doc.sents:
                sentences.append((seg.start + sent.start_char, seg.start + sent.end_char))
            if matcher is not None:
                for match_id, start, end in matcher(doc):
                    key = nlp.vocab.strings[match_id]
                    span = doc[start:end]
                    run.token_hits.setdefault(key, []).append(
                        (seg.start + span.start_char, seg.start + span.end_char))
        if keys_of_regex:
            for pattern in CLOCK.timed_out:  # the token patterns holding it matched without it
                for key in keys_of_regex[pattern]:
                    run.token_timeouts[key] = pattern
                if pattern not in run.timeouts:
                    run.timeouts.append(pattern)
    analysis.set_sentences(sentences)


_MATCHERS: dict = {}


def _token_matcher(ruleset: RuleSet, lang: str, nlp):
    """The Matcher of a language's token patterns (None without any), and for each REGEX in them
    the pattern keys holding it."""
    patterns = ruleset.compiler.tokens.get(lang)
    if not patterns:
        return None, {}
    cache_key = (id(ruleset), lang)
    cached = _MATCHERS.get(cache_key)
    # the entry keeps its ruleset alive, so an id is never reused by another ruleset while cached
    if cached is not None and cached[0] is ruleset:
        return cached[1], cached[2]
    from spacy.matcher import Matcher

    from .token_patterns import bounded
    from .yamlsource import SourceError

    matcher = Matcher(nlp.vocab)
    keys_of_regex: dict[str, list[str]] = {}
    for key, pats in patterns.items():
        pats, regexes = bounded(pats)
        for pattern in regexes:
            keys_of_regex.setdefault(pattern, []).append(key)
        try:
            matcher.add(key, pats)
        except Exception as exc:  # spaCy's own validation, with our file and line
            path, line, where = ruleset.compiler.token_sources[key]
            detail = str(exc).split("\n", 1)[-1].strip()  # drop spaCy's internal rule name
            raise SourceError(path, line, where, f"invalid token pattern: {detail}") from None
    if lang == "zh":
        pipelines.add_words(lang, ruleset.phrase_words(lang))
    _MATCHERS[cache_key] = (ruleset, matcher, keys_of_regex)
    return matcher, keys_of_regex


def lint_document(doc: Document, ruleset: RuleSet, lang: str | None = None, stage: str | None = None,
                  template: bool | None = None, complete_evidence: bool = False,
                  marks: tuple[str, ...] = (), trace: PatternTrace | None = None) -> FileResult:
    """Lint one document. `stage` (an option) wins over front matter; `template` comes from the
    configuration's `templates` globs when front matter does not say. `marks` names lexicons whose
    hits the result keeps (`result.marks`, original offsets), for checks across documents (threads, pairs).
    `trace` (a matchers.PatternTrace) records which pack items matched and switches some off."""
    # --lang forces one language; front matter `lang` names the main language of a mixed document
    declared = doc.front_matter.get("lang") if doc.front_matter.get("lang") in ("zh", "en") else None
    analysis = analysis_mod.build(doc, language.split_languages, lang, ruleset.settings["quote_mention_max"])
    run = Run(analysis, ruleset.compiler, ruleset.automata, doc.front_matter, resolve_element(ruleset))
    run.complete_evidence = complete_evidence
    run.trace = trace
    main = lang or declared or (analysis.languages[0] if analysis.languages else None)
    run.main_language = main or "en"
    result = FileResult(path=doc.path, lang=main)
    _incident_context(doc, ruleset, run, stage, template, result)
    if analysis.segments:
        tokenise(analysis, ruleset, run)
    if run.stage is None and ruleset.stages:
        inferred = infer_stage(ruleset, run)
        if inferred:
            result.stage = {"name": inferred, "inferred": True}
    ctx = Context(run, ruleset)
    present = set(analysis.languages)
    findings: list[Finding] = []
    for rule in ruleset.rules:
        if not present & set(rule.languages):
            if rule.kind != "require" or not analysis.segments:
                continue
        run.strict = True  # a regex time-out in what this rule needs skips the rule, reported
        try:
            if rule.when is not None and not rule.when.holds(run):
                continue
            found = list(rule.check.check(ctx))
            for condition, mapping in rule.levels:
                if found and condition.holds(run):
                    for f in found:
                        f.level = mapping.get(f.level, f.level)
                    break
            findings.extend(found)
        except RegexTimeout as exc:
            note = f"rule {rule.id} skipped: {exc}"
            if note not in result.notices:
                result.notices.append(note)
        finally:
            run.strict = False
    findings = suppress(findings, doc)
    for f in findings:
        f.line, f.column = doc.position(f.start)
        f.end_line, f.end_column = doc.position(f.end)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    result.findings = _dedupe(findings)
    for name in ruleset.elements:
        element = run.element(name)
        for ev in element.evidence:
            ev.start, ev.end = analysis.original_span(ev.start, ev.end)
            ev.line, ev.column = doc.position(ev.start)
        result.elements[name] = element
    result.score = score(result, ruleset.settings["score"], _rewards(ruleset, run))
    for name in marks:
        spans = set()
        for lang_ in analysis.languages:
            spans.update(ruleset.compiler.lexicon(name, lang_, "", None, "").hits(run))
        result.marks[name] = sorted(analysis.original_span(s, e) for s, e in spans)
    for pattern in run.timeouts:  # elements and score were computed without these
        result.notices.append(f"{RegexTimeout(pattern)}; it was skipped for this file")
    return result


def _incident_context(doc, ruleset, run, stage, template, result) -> None:
    """Stage, severity, channel and template flag from options and front matter (aliases folded)."""
    fm = doc.front_matter
    for kind, given in (("stage", stage or fm.get("stage")), ("severity", fm.get("severity"))):
        if given is None:
            continue
        name = ruleset.canonical(kind, given)
        if name is None:
            known = ruleset.stages if kind == "stage" else ruleset.severities
            result.notices.append(f"unknown {kind} {given!r} ignored; expected one of {', '.join(known)}")
        setattr(run, kind, name)
    if run.stage:
        result.stage = {"name": run.stage, "inferred": False}
    channel = fm.get("channel")
    run.channel = str(channel).strip().lower() if channel is not None else None
    flag = fm.get("template")
    run.template = bool(template) if flag is None else flag in (True, "true", "yes", 1)


def infer_stage(ruleset: RuleSet, run: Run) -> str | None:
    """The stage whose signals weigh most, when it clearly leads (pack data decides). A signal in
    the first block (the title) or opening a block ("**Resolved** —"), where notices name their
    stage, counts three times."""
    segments = run.analysis.segments
    title_end = max((s.end for s in segments if s.block == segments[0].block), default=0)
    first: dict[int, int] = {}  # block → its first segment's start (one pass, not one per block)
    for s in segments:
        if s.block not in first or s.start < first[s.block]:
            first[s.block] = s.start
    block_starts = sorted(set(first.values()))

    def weight(start: int) -> int:
        i = bisect.bisect_right(block_starts, start) - 1
        opens_block = i >= 0 and start - block_starts[i] <= 3
        return 3 if start < title_end or opens_block else 1

    counts = []
    for name, stage in ruleset.stages.items():
        n = 0
        for lang, det in stage.signals.items():
            if lang in run.present:
                n += sum(weight(start) for start, _ in det.hits(run))
        if n:
            counts.append((n, name))
    counts.sort(reverse=True)
    if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
        return counts[0][1]
    return None


def _rewards(ruleset: RuleSet, run: Run) -> int:
    points = 0
    for name, value in ruleset.rewards:
        for lang in run.analysis.languages:
            if ruleset.compiler.lexicon(name, lang, "", None, "").hits(run):
                points += value
                break
    return points


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def suppress(findings: list[Finding], doc: Document) -> list[Finding]:
    """Apply apolint-disable / enable / disable-next-line directives (by line)."""
    if not doc.directives:
        return findings
    # disabled ranges per rule ("*" = all): list of (from_line, to_line)
    ranges: list[tuple[frozenset, int, int]] = []
    open_: dict[frozenset, int] = {}
    for d in sorted(doc.directives, key=lambda d: d.line):
        if d.action == "disable-next-line":
            ranges.append((d.rules, d.line + 1, d.line + 1))
        elif d.action == "disable":
            open_.setdefault(d.rules, d.line)
        else:
            for key in list(open_):
                if not d.rules or key == d.rules or key & d.rules:
                    ranges.append((key, open_.pop(key), d.line))
    for key, start in open_.items():
        ranges.append((key, start, doc.line_count + 1))
    kept = []
    for f in findings:
        line = doc.position(f.start)[0]
        if any(a <= line <= b and (not rules or f.rule in rules) for rules, a, b in ranges):
            continue
        kept.append(f)
    return kept


def score(result: FileResult, weights: dict, rewards: int = 0) -> int:
    """100, less a penalty for each element not present and each finding, by level, plus rewards."""
    total = 100 + rewards
    for element in result.elements.values():
        if element.status in ("missing", "weak"):
            total -= weights[element.status]
    for f in result.findings:
        total -= weights[f.level]
    return max(0, min(100, total))

