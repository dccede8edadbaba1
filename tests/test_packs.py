"""Rule packs: integrity of the built-in packs, and every validation error through the CLI (exit 2)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from apolint import packs
from apolint.config import Config
from apolint.kinds import KINDS
from apolint.yamlsource import SourceError
from conftest import KINDS_DIR, PACKS, RULE_FIXTURES, ROOT, run_cli

BAD = PACKS / "bad"
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def builtin():
    return packs.load(packs.builtin_packs())


# ---------------------------------------------------------------------------------------
# integrity of the built-in packs
# ---------------------------------------------------------------------------------------


def test_builtin_packs_are_found_next_to_the_package():
    names = [p.name for p in packs.builtin_packs()]
    assert {"core.yaml", "en.yaml", "zh.yaml"} <= set(names)
    # a clone maps apolint.rules to rules/; a wheel ships them as apolint/rules/*.yaml
    assert packs.builtin_dir().resolve() in (ROOT / "rules", ROOT / "apolint" / "rules")


def test_builtin_rule_ids_are_unique_per_language_and_well_formed(builtin):
    seen: dict[tuple[str, str], str] = {}
    for rule in builtin.rules:
        assert RULE_ID.match(rule.id), rule.id
        for lang in rule.languages:
            assert (rule.id, lang) not in seen, f"{rule.id} ({lang}) defined twice"
            seen[(rule.id, lang)] = rule.path
        assert set(rule.languages) <= {"zh", "en"}
    assert len(builtin.rules) >= 5


def test_builtin_rules_are_documented(builtin):
    for rule in builtin.rules:
        assert rule.kind in KINDS
        assert rule.level in ("error", "warning", "info")
        assert rule.scope in ("document", "paragraph", "sentence")
        assert isinstance(rule.why, str) and rule.why.strip(), rule.id
        assert isinstance(rule.message, str) and rule.message.strip(), rule.id
        assert set(rule.examples) == {"bad", "good"}, rule.id
        for key in ("bad", "good"):
            assert rule.examples[key] and all(isinstance(e, str) and e.strip() for e in rule.examples[key]), rule.id
        if rule.suggestion is not None:
            sugg = rule.suggestion if isinstance(rule.suggestion, dict) else {lang: rule.suggestion for lang in rule.languages}
            assert set(sugg) <= set(rule.languages), rule.id


def test_builtin_rules_name_the_documented_families(builtin):
    ids = {r.id for r in builtin.rules}
    assert {"missing-responsibility", "missing-impact", "missing-remedy"} <= ids
    for rule in builtin.rules:
        if rule.family == "over-apology":
            assert rule.id.startswith("over-apology"), rule.id
    assert set(builtin.elements) == {"responsibility", "impact", "remedy"}


def test_every_builtin_rule_has_a_fixture_per_language(builtin):
    missing = []
    for rule in builtin.rules:
        for lang in rule.languages:
            stem = RULE_FIXTURES / f"{rule.id}.{lang}"
            for suffix in (".md", ".expected"):
                if not stem.with_name(stem.name + suffix).is_file():
                    missing.append(stem.name + suffix)
    assert missing == []


def test_every_fixture_belongs_to_a_builtin_rule(builtin):
    known = {f"{r.id}.{lang}" for r in builtin.rules for lang in r.languages}
    stray = sorted(p.name for p in RULE_FIXTURES.iterdir()
                   if p.suffix in (".md", ".expected") and p.name.rsplit(".", 1)[0] not in known)
    assert stray == []


# ---------------------------------------------------------------------------------------
# the test packs load, and merge by the documented rules
# ---------------------------------------------------------------------------------------


def test_test_packs_load_with_extends():
    rs = packs.load([KINDS_DIR / "t-core.yaml", KINDS_DIR / "t-zh.yaml", KINDS_DIR / "t-en.yaml"])
    assert rs.packs == ["t-core", "t-zh", "t-en"]
    assert {r.kind for r in rs.rules} == {"existence", "substitution", "occurrence", "require", "conditional"}
    assert [r.id for r in rs.rules if r.family == "t-over"] == ["t-many", "t-many-sentence"]


def test_extends_needs_the_pack_loaded():
    with pytest.raises(SourceError) as exc:
        packs.load([KINDS_DIR / "t-zh.yaml"])
    assert str(exc.value) == (f"{KINDS_DIR / 't-zh.yaml'}:4: extends: pack 't-core' is not loaded; "
                              "add it to `packs` in the configuration")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULE = """\
  - id: {id}
    kind: existence
    level: {level}
    match: {{phrases: [{phrase}]}}
    message: '"{{match}}" {word}'
    why: A test rule.
    examples: {{bad: [{phrase}], good: [fine]}}
"""


def test_redefining_a_rule_needs_override(tmp_path):
    a = _write(tmp_path, "a.yaml", "pack: a\nlanguages: [en]\nrules:\n" +
               RULE.format(id="some-users", level="warning", phrase="some users", word="is vague"))
    b = _write(tmp_path, "b.yaml", "pack: b\nlanguages: [en]\nrules:\n" +
               RULE.format(id="some-users", level="info", phrase="a few users", word="is vague too"))
    with pytest.raises(SourceError) as exc:
        packs.load([a, b])
    assert str(exc.value) == (f"{b}:4: id: duplicate rule id 'some-users' (also in {a}:4); "
                              "say `override: true` to replace it")
    b.write_text(b.read_text().replace("    kind:", "    override: true\n    kind:"), encoding="utf-8")
    rs = packs.load([a, b])
    assert [(r.id, r.level, r.path) for r in rs.rules] == [("some-users", "info", str(b))]


def test_same_rule_id_in_different_languages_is_allowed(tmp_path):
    en = _write(tmp_path, "en.yaml", "pack: e\nlanguages: [en]\nrules:\n" +
                RULE.format(id="vague", level="warning", phrase="some users", word="x"))
    zh = _write(tmp_path, "zh.yaml", "pack: z\nlanguages: [zh]\nrules:\n" +
                RULE.format(id="vague", level="warning", phrase="部分用户", word="x"))
    rs = packs.load([en, zh])
    assert [(r.id, r.languages) for r in rs.rules] == [("vague", ("en",)), ("vague", ("zh",))]


def test_redefining_a_lexicon_needs_a_mode(tmp_path):
    a = _write(tmp_path, "a.yaml", "pack: a\nlanguages: [en]\nlexicons:\n  vague: {phrases: [some users]}\n")
    b = _write(tmp_path, "b.yaml", "pack: b\nlanguages: [en]\nlexicons:\n  vague: {phrases: [a few users]}\n")
    with pytest.raises(SourceError) as exc:
        packs.load([a, b])
    assert str(exc.value) == (f"{b}:4: lexicons.vague: lexicon already defined for en in {a}; "
                              "say `mode: extend` or `mode: replace`")


def test_redefining_an_element_needs_a_mode(tmp_path):
    a = _write(tmp_path, "a.yaml", "pack: a\nlanguages: [en]\nelements:\n  impact:\n    present: {phrases: [users]}\n")
    b = _write(tmp_path, "b.yaml", "pack: b\nlanguages: [en]\nelements:\n  impact:\n    present: {phrases: [lots]}\n")
    with pytest.raises(SourceError) as exc:
        packs.load([a, b])
    assert str(exc.value) == (f"{b}:5: elements.impact: element already defined in {a}; "
                              "say `mode: extend` or `mode: replace`")
    c = _write(tmp_path, "c.yaml", "pack: c\nlanguages: [en]\nelements:\n  impact:\n    mode: extend\n"
                                   "    present: {phrases: [lots]}\n")
    assert set(packs.load([a, c]).elements) == {"impact"}


def test_enabled_levels_and_off():
    paths = [KINDS_DIR / "t-core.yaml", KINDS_DIR / "t-zh.yaml", KINDS_DIR / "t-en.yaml"]
    rs = packs.load(paths, enabled={"t-phrase": "error", "t-scoped": "off"})
    levels = {r.id: r.level for r in rs.rules}
    assert levels["t-phrase"] == "error" and "t-scoped" not in levels
    with pytest.raises(SourceError) as exc:
        packs.load(paths, enabled={"t-phrasee": "off"})
    assert str(exc.value) == "configuration: rules.t-phrasee: no loaded rule has this id; see `apolint rules`"


# ---------------------------------------------------------------------------------------
# malformed packs through the CLI: file:line, key, message, exit code 2
# ---------------------------------------------------------------------------------------

FIX = "Fix the rule pack or configuration named above."

MALFORMED = [
    ("unknown-key.yaml", 8, "rules[some-users].mesage", "unknown key; expected one of: examples, "),
    ("wrong-type.yaml", 9, "rules[too-many-sorries].max", "expected a whole number, got str 'two'"),
    ("unknown-kind.yaml", 5, "rules[some-users].kind",
     f"unknown kind 'existance'; expected one of {', '.join(sorted(KINDS))}"),
    ("bad-regex.yaml", 10, "rules[some-users].match.regex",
     "invalid regular expression '\\\\b(some|certain users\\\\b': missing ) at position 23"),
    ("bad-token-attr.yaml", 9, "rules[some-users].match.tokens",
     "unknown token attribute 'POS' (blank pipelines have no POS, TAG or LEMMA); expected one of "),
    ("bad-token-spacy.yaml", 8, "rules[some-users].match.tokens", "invalid token pattern: Pattern 0:"),
    ("missing-lexicon.yaml", 10, "rules[some-users].match.lexicons",
     "lexicon 'vague-time' is not defined for language 'en' in any loaded pack"),
    ("duplicate-id.yaml", 11, "id",
     "duplicate rule id 'some-users' (also in {path}:4); say `override: true` to replace it"),
    ("unknown-field.yaml", 8, "rules[some-users].message", "unknown field {replacement}; this kind offers {match}"),
]


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    folder = tmp_path_factory.mktemp("malformed")
    (folder / "draft.md").write_text("Some users could not log in.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name, line, key, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_pack_exits_2_naming_file_line_and_key(draft, name, line, key, message):
    pack = BAD / name
    config = draft / f"{name}.apolint.yaml"
    config.write_text(f"packs: [{pack}]\n", encoding="utf-8")
    proc = run_cli("check", "draft.md", "--config", config.name, cwd=draft)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    first = proc.stderr.splitlines()[0]
    expected = f"Error: {pack}:{line}: {key}: {message.replace('{path}', str(pack))}"
    if message.endswith((" ", "Pattern 0:")):  # the rest lists allowed keys, or spaCy's own words
        assert first.startswith(expected), first
    else:
        assert first == expected
    assert proc.stderr.rstrip().endswith(FIX)


def test_malformed_pack_is_reported_by_rules_and_explain_too(draft):
    config = draft / "rules.apolint.yaml"
    config.write_text(f"packs: [{BAD / 'unknown-kind.yaml'}]\n", encoding="utf-8")
    for args in (["rules"], ["explain", "some-users"]):
        proc = run_cli(*args, "--config", str(config), cwd=draft)
        assert proc.returncode == 2
        assert proc.stderr.splitlines()[0] == (f"Error: {BAD / 'unknown-kind.yaml'}:5: rules[some-users].kind: "
                                               f"unknown kind 'existance'; expected one of {', '.join(sorted(KINDS))}")


@pytest.mark.parametrize("text, line, key, message", [
    ("pack: p\nlanguages: [en]\nlexicons:\n  a: {phrases: [x]\n", 5, None,
     "invalid YAML: expected ',' or '}', but got '<stream end>'"),
    ("pack: p\nlanguages: [en]\nlexicons:\n  a: {phrases: [x]}\n  a: {phrases: [y]}\n", 5, "a", "duplicate key"),
    ("pack: p\nlanguages: [fr]\n", 2, "languages", "unknown language 'fr'; expected zh or en"),
    ("pack: p\nlanguages: [en]\nextends: [nope]\n", 3, "extends",
     "pack 'nope' is not loaded; add it to `packs` in the configuration"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: existence\n    level: warning\n"
     "    match: [x]\n    message: m\n    examples: {bad: [x], good: [y]}\n", 4, "rules[x-rule]", "missing required key 'why'"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: existence\n    level: warning\n"
     "    match: [x]\n    message: m\n    why: w\n    examples: {bad: [x], good: []}\n", 10,
     "rules[x-rule].examples.good", "give at least one example"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: X_Rule\n    kind: existence\n    level: warning\n"
     "    match: [x]\n    message: m\n    why: w\n    examples: {bad: [x], good: [y]}\n", 4,
     "rules[X_Rule].id", "rule ids are lowercase-with-dashes, got 'X_Rule'"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: existence\n    level: fatal\n"
     "    match: [x]\n    message: m\n    why: w\n    examples: {bad: [x], good: [y]}\n", 6,
     "rules[x-rule].level", "expected one of error, warning, info, got 'fatal'"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: existence\n    level: info\n"
     "    match: {phrases: [x], unless_sentense: [y]}\n    message: m\n    why: w\n"
     "    examples: {bad: [x], good: [y]}\n", 7, "rules[x-rule].match.unless_sentense",
     "unknown key; expected one of: "),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: existence\n    level: info\n"
     "    match: {phrases: [x]}\n    when: {elements: {remedy: [absent]}}\n    message: m\n    why: w\n"
     "    examples: {bad: [x], good: [y]}\n", 8, "rules[x-rule].when.elements.remedy",
     "unknown status 'absent'; expected one of present, weak, missing"),
    ("pack: p\nlanguages: [en]\nrules:\n  - id: x-rule\n    kind: require\n    level: info\n"
     "    element: remedy\n    message: m\n    why: w\n    examples: {bad: [x], good: [y]}\n", 7,
     "rules[x-rule].element", "unknown element 'remedy'; loaded: "),
])
def test_more_pack_errors_through_the_cli(draft, tmp_path, text, line, key, message):
    pack = _write(tmp_path, "pack.yaml", text)
    config = _write(tmp_path, ".apolint.yaml", f"packs: [{pack}]\n")
    proc = run_cli("check", str(draft / "draft.md"), "--config", str(config))
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.splitlines()[0]
    expected = f"Error: {pack}:{line}: {key + ': ' if key else ''}{message}"
    if message.endswith(" "):
        assert first.startswith(expected), first
    else:
        assert first == expected


def test_builtin_config_loads_every_builtin_pack():
    cfg = Config(root=ROOT)
    assert [p.name for p in cfg.pack_paths()] == [p.name for p in packs.builtin_packs()]
