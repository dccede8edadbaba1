"""Rule packs: YAML loading, validation with file:line errors, and compilation into a RuleSet.

A pack (see rules/*.yaml and CONTRIBUTING.md) has an id, languages, optional `extends`,
settings, named lexicons, element definitions and rules. Packs are merged in load order:
a lexicon or element defined again must say `mode: extend` or `mode: replace`; a rule id
defined again for an overlapping language must say `override: true`.
"""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .kinds import KINDS
from .matchers import Compiler, PatternSet, build_automata
from .yamlsource import SourceError, YList, YMap, check_keys, check_type, load_yaml_file

LEVELS = ("error", "warning", "info")
SCOPES = ("document", "paragraph", "sentence")
PACK_KEYS = {"pack", "description", "languages", "extends", "settings", "lexicons", "evidence", "elements",
             "rules", "stages", "severities", "threads"}
SETTING_KEYS = {"quote_mention_max", "score"}
SCORE_KEYS = {"missing", "weak", "error", "warning", "info", "rewards"}
STAGE_KEYS = {"aliases", "signals", "label"}
RULE_KEYS = {"id", "kind", "level", "languages", "scope", "message", "suggestion", "why", "examples", "link",
             "family", "override", "when", "fix", "skeleton", "levels"}
ELEMENT_KEYS = {"present", "weak", "mode", "label", "thresholds"}
EVIDENCE_KEYS = {"match", "weights", "mode", "about", "fixed"}
DEFAULT_THRESHOLDS = {"present": 1.0, "weak": 0.5}
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
DEFAULT_SETTINGS = {"quote_mention_max": 24,
                    "score": {"missing": 25, "weak": 10, "error": 6, "warning": 3, "info": 1}}


@functools.lru_cache(maxsize=1)
def builtin_dir() -> Path:
    """Where the built-in packs are: rules/ in a clone, apolint/rules in a wheel."""
    return Path(str(resources.files("apolint.rules")))


@functools.lru_cache(maxsize=1)
def _builtin_packs() -> tuple[Path, ...]:
    return tuple(sorted(builtin_dir().glob("*.yaml")))


def builtin_packs() -> list[Path]:
    """The packs shipped with apolint (listed once per process: they are part of the install)."""
    return list(_builtin_packs())


@dataclass
class Rule:
    id: str
    kind: str
    level: str
    languages: tuple[str, ...]
    scope: str
    message: str
    suggestion: str | dict | None
    why: str
    examples: dict
    link: str | None
    family: str
    path: str
    line: int
    spec: YMap
    when: object = None
    check: object = None  # the compiled kind instance
    skeleton: str | dict | None = None  # text an editor may insert (LSP snippet syntax: ${1:[TIME]})
    levels: list = field(default_factory=list)  # [(Condition, {rule level → level in that case})]

    def suggestion_for(self, lang: str) -> str | None:
        if isinstance(self.suggestion, dict):
            return self.suggestion.get(lang) or next(iter(self.suggestion.values()), None)
        return self.suggestion

    def skeleton_for(self, lang: str) -> str | None:
        if isinstance(self.skeleton, dict):
            return self.skeleton.get(lang) or next(iter(self.skeleton.values()), None)
        return self.skeleton

    @property
    def summary(self) -> str:
        text = " ".join(self.why.split())  # the first sentence, whatever the YAML line breaks
        return re.split(r"(?<=[.!?。！？])\s", text, maxsplit=1)[0].rstrip(".。")


@dataclass
class Feature:
    """One kind of evidence for one element (an owned cause, a measured impact, …): a pattern set
    per language and its weight. The weight of an element's own `present` / `weak` set is None:
    it weighs exactly its threshold, so one hit decides the status as it always did."""

    name: str
    pattern_sets: dict[str, PatternSet]
    weight: float | None
    path: str = ""
    line: int | None = None  # where the weight is written (the fitter rewrites it there)
    about: str = ""  # what the feature looks for, for `apolint explain --why` and hover
    fixed: bool = False  # the weight is the guide's decision, not the data's: `apolint fit-weights` leaves it

    @property
    def template_only(self) -> bool:
        """Every pattern set of the feature applies to templates only (placeholder slots)."""
        return bool(self.pattern_sets) and all(
            d.when is not None and d.when.document.get("template") == (True,) for d in self.pattern_sets.values())


@dataclass
class Element:
    """An element's status is the weighted sum of the evidence features that fire, against its
    thresholds: when some evidence fired, `present` at or above thresholds["present"], else `weak`
    (at or above thresholds["weak"] when one is set); `missing` when nothing fired."""

    name: str
    label: str
    features: list[Feature] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    thresholds_at: tuple[str, int | None] = ("", None)  # where the thresholds are written
    _order: tuple | None = field(default=None, repr=False, compare=False)  # decision_order(), once built

    def status_of(self, score: float, fired: bool) -> str:
        if not fired:
            return "missing"
        if score >= self.thresholds["present"] - 1e-9:
            return "present"
        if score >= self.thresholds.get("weak", float("-inf")) - 1e-9:
            return "weak"
        return "missing"

    def decision_order(self) -> tuple[list, list, list]:
        """The features by falling |weight|, and for each position the most the features from there
        on can still add (rest_up) and take away (rest_down)."""
        cached = self._order
        if cached is None:
            order = sorted(((f, self.weight_of(f)) for f in self.features), key=lambda fw: -abs(fw[1]))
            up, down = [0.0] * (len(order) + 1), [0.0] * (len(order) + 1)
            for i in range(len(order) - 1, -1, -1):
                w = order[i][1]
                up[i], down[i] = up[i + 1] + max(w, 0.0), down[i + 1] + min(w, 0.0)
            cached = self._order = (order, up, down)
        return cached

    def settled(self, score: float, fired: bool, up: float, down: float) -> bool:
        """Whether the features still to weigh (adding at most `up`, at least `down`) cannot change
        the status any more."""
        if not fired:
            return False  # one more hit could still make it weak
        eps = 1e-9
        present = self.thresholds["present"]
        if score + down >= present - eps:
            return True  # present whatever follows
        if score + up >= present - eps:
            return False
        weak = self.thresholds.get("weak")
        return weak is None or score + down >= weak - eps or score + up < weak - eps

    def feature(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == name), None)

    def weight_of(self, feature: Feature) -> float:
        if feature.weight is not None:
            return feature.weight
        return self.thresholds.get(feature.name, DEFAULT_THRESHOLDS[feature.name])


@dataclass
class Stage:
    """An incident stage (acknowledge, update, …): aliases and the signals that let it be inferred."""

    name: str
    aliases: tuple[str, ...] = ()
    signals: dict[str, PatternSet] = field(default_factory=dict)


@dataclass
class RuleSet:
    packs: list[str]
    rules: list[Rule]
    elements: dict[str, Element]
    settings: dict
    compiler: Compiler
    automata: dict
    languages: tuple[str, ...]
    fingerprint: str = ""
    stages: dict[str, Stage] = field(default_factory=dict)
    severities: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name → aliases
    rewards: list[tuple[str, int]] = field(default_factory=list)  # (lexicon, points)
    threads: object = None  # threadpack.ThreadKnowledge: thread and pair knowledge and rules (issue 13)

    def canonical(self, kind: str, value) -> str | None:
        """The stage or severity a front-matter value names (aliases and case folded), or None."""
        if value is None:
            return None
        wanted = str(value).strip().lower()
        table = {n: s.aliases for n, s in self.stages.items()} if kind == "stage" else self.severities
        for name, aliases in table.items():
            if wanted == name or wanted in (a.lower() for a in aliases):
                return name
        return None

    def rule(self, rule_id: str) -> list[Rule]:
        return [r for r in self.rules if r.id == rule_id]

    def phrase_words(self, lang: str) -> list[str]:
        return list(self.compiler.phrases.get(lang, {}))


def _read_pack(path: Path) -> YMap:
    data = load_yaml_file(path)
    p = str(path)
    if data is None:
        raise SourceError(p, None, None, "the pack is empty")
    check_keys(data, PACK_KEYS, p, "", required=("pack", "languages"), line=1)
    check_type(data["pack"], str, p, data.line_of("pack"), "pack")
    langs = check_type(data["languages"], list, p, data.line_of("languages"), "languages")
    if data.get("extends") is not None:
        for dep in check_type(data["extends"], list, p, data.line_of("extends"), "extends"):
            check_type(dep, str, p, data.line_of("extends"), "extends")
    for lang in langs:
        if lang not in ("zh", "en"):
            raise SourceError(p, data.line_of("languages"), "languages", f"unknown language {lang!r}; expected zh or en")
    return data


def load(paths: list[Path | str], enabled: dict[str, str] | None = None) -> RuleSet:
    """Load, validate and compile packs (in order). `enabled` maps rule id → level or 'off'."""
    import hashlib

    packs: list[tuple[str, YMap]] = []
    seen_ids: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path)
        data = _read_pack(path)
        pid = data["pack"]
        if pid in seen_ids:
            raise SourceError(str(path), data.line_of("pack"), "pack", f"pack id {pid!r} is already loaded from {seen_ids[pid]}")
        seen_ids[pid] = str(path)
        packs.append((str(path), data))
        digest.update(path.read_bytes())
    loaded = set(seen_ids)
    for p, data in packs:
        for dep in data.get("extends", []) or []:
            if dep not in loaded:
                raise SourceError(p, data.line_of("extends"), "extends", f"pack {dep!r} is not loaded; add it to `packs` in the configuration")

    settings = {"quote_mention_max": DEFAULT_SETTINGS["quote_mention_max"], "score": dict(DEFAULT_SETTINGS["score"])}
    lexicons: dict[str, dict[str, list]] = {}
    element_specs: dict[str, list[tuple[YMap, str, tuple, int]]] = {}
    for p, data in packs:
        langs = tuple(data["languages"])
        if "settings" in data:
            s = data["settings"]
            check_keys(s, SETTING_KEYS, p, "settings")
            if "quote_mention_max" in s:
                settings["quote_mention_max"] = check_type(s["quote_mention_max"], int, p, s.line_of("quote_mention_max"), "settings.quote_mention_max")
            if "score" in s:
                check_keys(s["score"], SCORE_KEYS, p, "settings.score")
                for k, v in s["score"].items():
                    if k == "rewards":  # lexicon name → points added when it matches
                        check_type(v, dict, p, s["score"].line_of(k), "settings.score.rewards")
                        for name, points in v.items():
                            check_type(points, int, p, v.line_of(name), f"settings.score.rewards.{name}")
                        settings["score"]["rewards"] = dict(v)
                        continue
                    settings["score"][k] = check_type(v, int, p, s["score"].line_of(k), f"settings.score.{k}")
        lex = data.get("lexicons") or YMap()
        check_type(lex, dict, p, data.line_of("lexicons"), "lexicons")
        for name, spec in lex.items():
            line = lex.line_of(name)
            check_type(spec, (dict, list), p, line, f"lexicons.{name}")
            mode = None
            if isinstance(spec, dict) and "mode" in spec:
                mode = spec["mode"]
                if mode not in ("extend", "replace"):
                    raise SourceError(p, spec.line_of("mode"), f"lexicons.{name}.mode", "expected extend or replace")
                spec = YMap({k: v for k, v in spec.items() if k != "mode"}, )
                spec.line, spec.lines = lex[name].line, lex[name].lines
            for lang in langs:
                entries = lexicons.setdefault(lang, {}).setdefault(name, [])
                if entries and mode is None:
                    raise SourceError(p, line, f"lexicons.{name}",
                                      f"lexicon already defined for {lang} in {entries[0][1]}; say `mode: extend` or `mode: replace`")
                if mode == "replace":
                    entries.clear()
                entries.append((spec, p))
        els = data.get("elements") or YMap()
        check_type(els, dict, p, data.line_of("elements"), "elements")
        for name, spec in els.items():
            check_keys(spec, ELEMENT_KEYS, p, f"elements.{name}", line=els.line_of(name))
            element_specs.setdefault(name, []).append((spec, p, langs, els.line_of(name)))

    compiler = Compiler(lexicons)
    stages: dict[str, Stage] = {}
    severities: dict[str, tuple[str, ...]] = {}
    for p, data in packs:
        for name, spec in (data.get("stages") or {}).items():
            check_keys(spec, STAGE_KEYS, p, f"stages.{name}")
            stage = stages.setdefault(name, Stage(name))
            stage.aliases += tuple(str(a) for a in check_type(spec.get("aliases", []), list, p, spec.line_of("aliases"), f"stages.{name}.aliases"))
            if "signals" in spec:
                for lang in data["languages"]:
                    stage.signals[lang] = compiler.compile(spec["signals"], lang, p, f"stages.{name}.signals", allow_elements=False)
        for name, spec in (data.get("severities") or {}).items():
            check_keys(spec, {"aliases"}, p, f"severities.{name}")
            severities[name] = severities.get(name, ()) + tuple(str(a) for a in spec.get("aliases", []))
    compiler.known = {"stage": set(stages), "severity": set(severities)}
    all_langs = tuple(sorted({lang for _, d in packs for lang in d["languages"]}))
    elements: dict[str, Element] = {}
    for name, specs in element_specs.items():
        el = Element(name=name, label=name)
        for i, (spec, p, langs, _) in enumerate(specs):
            if i and spec.get("mode") not in ("extend", "replace"):
                # like lexicons: redefining an element must say how
                raise SourceError(p, spec.line, f"elements.{name}",
                                  f"element already defined in {specs[0][1]}; say `mode: extend` or `mode: replace`")
            if spec.get("mode") == "replace":
                el.features.clear()
            el.label = spec.get("label", el.label)
            if "thresholds" in spec:
                el.thresholds = _thresholds(spec["thresholds"], p, spec.line_of("thresholds"), f"elements.{name}")
                el.thresholds_at = (p, spec.line_of("thresholds"))
            for status in ("present", "weak"):
                if status not in spec:
                    continue
                feature = el.feature(status)
                if feature is None:
                    feature = Feature(status, {}, None, p, spec.line_of(status),
                                      f"the element's own {status} patterns")
                    el.features.append(feature)
                for lang in langs:
                    det = compiler.compile(spec[status], lang, p, f"elements.{name}.{status}", allow_elements=False)
                    if lang in feature.pattern_sets and spec.get("mode") == "extend":
                        det = PatternSet(lang=lang, children=[feature.pattern_sets[lang], det])
                    feature.pattern_sets[lang] = det
        elements[name] = el
    _evidence_features(packs, compiler, elements)
    for name, el in elements.items():
        if not el.features:
            _, p, _, line = element_specs[name][-1]
            raise SourceError(p, line, f"elements.{name}",
                              "the element has no evidence: give it `present`/`weak` sets or `evidence:` features that weigh on it")

    rules: list[Rule] = []
    for p, data in packs:
        items = data.get("rules") or []
        check_type(items, list, p, data.line_of("rules"), "rules")
        for i, spec in enumerate(items):
            rule = _rule(spec, p, tuple(data["languages"]), items.line_of(i), compiler, elements)
            clash = [r for r in rules if r.id == rule.id and set(r.languages) & set(rule.languages)]
            if clash and not spec.get("override"):
                raise SourceError(p, spec.line_of("id"), "id",
                                  f"duplicate rule id {rule.id!r} (also in {clash[0].path}:{clash[0].line}); "
                                  "say `override: true` to replace it")
            for old in clash:
                rules.remove(old)
            rules.append(rule)
    from . import threadpack

    thread_sections = [(p, data["threads"], tuple(data["languages"])) for p, data in packs if "threads" in data]
    threads = threadpack.build(thread_sections, enabled)
    thread_ids = {r.get("id") for _, d, _ in thread_sections for r in (d.get("rules") or []) if isinstance(r, dict)}
    for rule_id, level in (enabled or {}).items():
        matching = [r for r in rules if r.id == rule_id]
        if not matching and rule_id in thread_ids:
            continue
        if not matching:
            raise SourceError("configuration", None, f"rules.{rule_id}", "no loaded rule has this id; see `apolint rules`")
        for r in matching:
            if level == "off":
                rules.remove(r)
            else:
                r.level = level
    rewards = list(settings["score"].get("rewards", {}).items())
    for name, _ in rewards:  # compile now so a missing lexicon is a load error, not a run-time one
        for lang in all_langs:
            compiler.lexicon(name, lang, packs[0][0], None, "settings.score.rewards")
    ruleset = RuleSet(packs=[d["pack"] for _, d in packs], rules=rules, elements=elements, settings=settings,
                      compiler=compiler, automata=build_automata(compiler.phrases), languages=all_langs,
                      stages=stages, severities=severities, rewards=rewards, threads=threads)
    digest.update(repr(sorted((enabled or {}).items())).encode())
    ruleset.fingerprint = digest.hexdigest()
    return ruleset


def _thresholds(spec, p: str, line: int, where: str) -> dict[str, float]:
    """`present` is required; without `weak`, any evidence that fired makes an element weak."""
    check_keys(spec, set(DEFAULT_THRESHOLDS), p, f"{where}.thresholds", required=("present",), line=line)
    values = {k: float(check_type(spec[k], (int, float), p, spec.line_of(k), f"{where}.thresholds.{k}"))
              for k in DEFAULT_THRESHOLDS if k in spec}
    if "weak" in values and values["weak"] > values["present"]:
        raise SourceError(p, line, f"{where}.thresholds", "expected weak <= present")
    return values


def _evidence_features(packs, compiler: Compiler, elements: dict[str, Element]) -> None:
    """Pack-level `evidence:`: features with a weight per element. A feature defined again by a
    later pack must say `mode: extend` (more patterns; its weights, if given, replace) or `replace`."""
    for p, data in packs:
        section = data.get("evidence") or YMap()
        check_type(section, dict, p, data.line_of("evidence"), "evidence")
        for name, spec in section.items():
            where = f"evidence.{name}"
            check_type(spec, dict, p, section.line_of(name), where)
            check_keys(spec, EVIDENCE_KEYS, p, where, line=section.line_of(name))
            mode = spec.get("mode")
            if mode not in (None, "extend", "replace"):
                raise SourceError(p, spec.line_of("mode"), f"{where}.mode", "expected extend or replace")
            existing = [e for e in elements.values() if e.feature(name) is not None]
            if existing and mode is None:
                raise SourceError(p, section.line_of(name), where,
                                  f"evidence {name!r} is already defined in {existing[0].feature(name).path}; "
                                  "say `mode: extend` or `mode: replace`")
            if mode and not existing:
                raise SourceError(p, spec.line_of("mode"), f"{where}.mode", f"no loaded pack defines evidence {name!r}")
            if mode == "replace" or not existing:
                check_keys(spec, EVIDENCE_KEYS, p, where, required=("match", "weights"), line=section.line_of(name))
                for el in existing:
                    el.features.remove(el.feature(name))
                existing = []
            weights = spec.get("weights")
            if weights is not None:
                check_type(weights, dict, p, spec.line_of("weights"), f"{where}.weights")
                for element, w in weights.items():
                    if element not in elements:
                        raise SourceError(p, weights.line_of(element), f"{where}.weights.{element}",
                                          f"unknown element {element!r}; loaded: {', '.join(sorted(elements))}")
                    check_type(w, (int, float), p, weights.line_of(element), f"{where}.weights.{element}")
            fixed = spec.get("fixed", False)
            check_type(fixed, bool, p, spec.line_of("fixed"), f"{where}.fixed")
            pattern_sets = {}
            if "match" in spec:
                for lang in data["languages"]:
                    pattern_sets[lang] = compiler.compile(spec["match"], lang, p, f"{where}.match", allow_elements=False)
            if existing:  # extend: more patterns for the same feature; new weights replace the old
                for el in existing:
                    feature = el.feature(name)
                    for lang, det in pattern_sets.items():
                        old = feature.pattern_sets.get(lang)
                        feature.pattern_sets[lang] = PatternSet(lang=lang, children=[old, det]) if old else det
                    if "about" in spec:
                        feature.about = spec["about"]
                    if "fixed" in spec:
                        feature.fixed = fixed
                    if weights is not None:
                        if el.name not in weights:
                            el.features.remove(feature)
                        else:
                            feature.weight = float(weights[el.name])
                            feature.path, feature.line = p, spec.line_of("weights")
                for element in (weights or {}):
                    if elements[element].feature(name) is None:
                        source = existing[0].feature(name)
                        elements[element].features.append(Feature(
                            name, dict(source.pattern_sets), float(weights[element]), p, spec.line_of("weights"),
                            spec.get("about", source.about), spec.get("fixed", source.fixed)))
                continue
            about = spec.get("about", "")
            check_type(about, str, p, spec.line_of("about"), f"{where}.about")
            for element, w in weights.items():
                elements[element].features.append(
                    Feature(name, dict(pattern_sets), float(w), p, spec.line_of("weights"), about, fixed))


_FIELD = re.compile(r"{(\w+)}")


def _check_message(message: str, fields: tuple[str, ...], p: str, line: int, where: str) -> None:
    """A message template may use only its kind's fields, as plain {name}; {{ and }} are braces."""
    offered = ", ".join("{%s}" % f for f in fields)
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as exc:
        raise SourceError(p, line, where, f"invalid message template ({exc}); write {{{{ and }}}} for a "
                                          "literal brace") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in fields:
            raise SourceError(p, line, where, f"unknown field {{{name}}}; this kind offers {offered}")
        if spec or conversion:
            raise SourceError(p, line, where, f"write the field as plain {{{name}}}, without ! or : parts")


def _check_suggestion(value, langs: tuple, p: str, line: int, where: str) -> None:
    check_type(value, (str, dict), p, line, where)
    if isinstance(value, dict):
        for lang, text in value.items():
            ln = value.line_of(lang) if isinstance(value, YMap) else line
            if lang not in langs:
                raise SourceError(p, ln, f"{where}.{lang}", f"{lang!r} is not a language of this rule "
                                                            f"({', '.join(langs)})")
            check_type(text, str, p, ln, f"{where}.{lang}")


def _rule(spec, p: str, pack_langs: tuple, line: int, compiler: Compiler, elements: dict) -> Rule:
    if not isinstance(spec, dict):
        raise SourceError(p, line, "rules", "each rule is a mapping")
    kind_name = spec.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    where = f"rules[{spec.get('id', '?')}]"
    if kind is None:
        raise SourceError(p, spec.line_of("kind") if "kind" in spec else spec.line, f"{where}.kind",
                          f"unknown kind {kind_name!r}; expected one of {', '.join(sorted(KINDS))}")
    check_keys(spec, RULE_KEYS | set(kind.PARAMS), p, where,
               required=("id", "kind", "level", "message", "why", "examples") + tuple(kind.REQUIRED))
    rid = check_type(spec["id"], str, p, spec.line_of("id"), f"{where}.id")
    if not RULE_ID.match(rid):
        raise SourceError(p, spec.line_of("id"), f"{where}.id", f"rule ids are lowercase-with-dashes, got {rid!r}")
    level = spec["level"]
    if level not in LEVELS:
        raise SourceError(p, spec.line_of("level"), f"{where}.level", f"expected one of {', '.join(LEVELS)}, got {level!r}")
    langs = tuple(check_type(spec.get("languages", list(pack_langs)), list, p, spec.line_of("languages"),
                             f"{where}.languages"))
    for lang in langs:
        if lang not in pack_langs:
            raise SourceError(p, spec.line_of("languages"), f"{where}.languages", f"{lang!r} is not a language of this pack")
    scope = spec.get("scope", "sentence")
    if scope not in SCOPES:
        raise SourceError(p, spec.line_of("scope"), f"{where}.scope", f"expected one of {', '.join(SCOPES)}, got {scope!r}")
    message = check_type(spec["message"], str, p, spec.line_of("message"), f"{where}.message")
    for key in spec:  # message, weak_message, …: every message template is checked here, not at lint time
        if key == "message" or (isinstance(key, str) and key.endswith("_message") and isinstance(spec[key], str)):
            _check_message(spec[key], kind.FIELDS, p, spec.line_of(key), f"{where}.{key}")
    for key in spec:  # suggestion, weak_suggestion, …: a string, or one string per language
        if isinstance(key, str) and (key == "suggestion" or key.endswith("_suggestion")) and spec[key] is not None:
            _check_suggestion(spec[key], langs, p, spec.line_of(key), f"{where}.{key}")
    suggestion = spec.get("suggestion")
    skeleton = spec.get("skeleton")
    if skeleton is not None:
        check_type(skeleton, (str, dict), p, spec.line_of("skeleton"), f"{where}.skeleton")
        for lang, text in (skeleton.items() if isinstance(skeleton, dict) else ()):
            if lang not in langs:
                raise SourceError(p, skeleton.line_of(lang), f"{where}.skeleton.{lang}",
                                  f"{lang!r} is not a language of this rule")
            check_type(text, str, p, skeleton.line_of(lang), f"{where}.skeleton.{lang}")
    why = check_type(spec["why"], str, p, spec.line_of("why"), f"{where}.why")
    examples = spec["examples"]
    check_keys(examples, {"bad", "good"}, p, f"{where}.examples", required=("bad", "good"),
               line=spec.line_of("examples"))
    for k in ("bad", "good"):
        check_type(examples[k], list, p, examples.line_of(k), f"{where}.examples.{k}")
        if not examples[k]:
            raise SourceError(p, examples.line_of(k), f"{where}.examples.{k}", "give at least one example")
        for i, example in enumerate(examples[k]):
            ln = examples[k].line_of(i) if isinstance(examples[k], YList) else examples.line_of(k)
            check_type(example, str, p, ln, f"{where}.examples.{k}")
    rule = Rule(id=rid, kind=kind_name, level=level, languages=langs, scope=scope, message=message,
                suggestion=suggestion, why=why, examples=examples, link=spec.get("link"),
                family=spec.get("family", rid), path=p, line=spec.line, spec=spec, skeleton=skeleton)
    if "when" in spec:
        rule.when = compiler.condition(spec["when"], p, f"{where}.when")
        for name in rule.when.elements:
            if name not in elements:
                raise SourceError(p, spec.line_of("when"), f"{where}.when.elements", f"unknown element {name!r}")
    rule.check = kind(rule, compiler, elements)
    if "levels" in spec:
        rule.levels = _levels(spec["levels"], rule, compiler, p, f"{where}.levels")
    return rule


def _levels(items, rule: Rule, compiler: Compiler, p: str, where: str) -> list:
    """`levels: [{when: …, level: info, weak_level: info}]`: the first case whose conditions hold sets
    the level of the rule's findings (`level` for those at the rule's level, `weak_level` for those at
    its weak level)."""
    check_type(items, list, p, rule.spec.line_of("levels"), where)
    cases = []
    for i, item in enumerate(items):
        check_type(item, dict, p, rule.spec.line_of("levels"), f"{where}[{i}]")
        check_keys(item, {"when", "level", "weak_level"}, p, f"{where}[{i}]", required=("when",),
                   line=rule.spec.line_of("levels"))
        mapping = {}
        for key, source in (("level", rule.level), ("weak_level", getattr(rule.check, "weak_level", None))):
            if key in item:
                if item[key] not in LEVELS:
                    raise SourceError(p, item.line_of(key), f"{where}[{i}].{key}", f"expected one of {', '.join(LEVELS)}")
                if source is None:
                    raise SourceError(p, item.line_of(key), f"{where}[{i}].{key}", f"a {rule.kind} rule has no weak level")
                mapping[source] = item[key]
        cases.append((compiler.condition(item["when"], p, f"{where}[{i}].when"), mapping))
    return cases

