"""Elements decided by weighted evidence: features, weights, thresholds, levels, explanations and
the weight fitter, with the small packs in tests/fixtures/packs/evidence/ (never the built-in ones,
whose weights are re-fitted)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import apolint
from apolint import packs
from apolint.config import load_config_file
from apolint.yamlsource import SourceError
from conftest import PACKS, lint, run_cli

EVIDENCE_DIR = PACKS / "evidence"


@pytest.fixture(scope="module")
def config(pipelines):
    return load_config_file(EVIDENCE_DIR / ".apolint.yaml")


def full(text, config):
    """Lint weighing every feature (as explain --why does), not only until each status is settled."""
    result = apolint.lint_text(text, config=config, path="draft.md", complete_evidence=True)
    assert result.error is None, result.error
    return result


def element(result, name):
    e = result.elements[name]
    return e.status, e.score, [(ev.line, ev.column, ev.text, ev.feature, ev.weight) for ev in e.evidence]


@pytest.mark.parametrize("text, expected", [
    # one owned cause (2.0) reaches the threshold 1.5
    ("我们的变更导致服务出现故障。", ("present", 2.25, [(1, 1, "我们的变更", "owned", 2.0),
                                               (1, 10, "出现故障", "agentless", 0.25)])),
    # an owned cause beside a deflection (2.0 − 1.0) falls short of it
    ("我们的变更和第三方导致服务出现故障。", ("weak", 1.25, [(1, 1, "我们的变更", "owned", 2.0),
                                                  (1, 7, "第三方", "deflection", -1.0),
                                                  (1, 14, "出现故障", "agentless", 0.25)])),
    # a deflection alone still says something about the cause: weak, however low the score
    ("Due to a third party, logins failed.", ("weak", -1.0, [(1, 10, "third party", "deflection", -1.0)])),
    ("An outage occurred. We fell short.", ("present", 1.75, [(1, 1, "An outage occurred", "agentless", 0.25),
                                                              (1, 21, "We fell short", "admission", 1.5)])),
    ("Logins failed this morning.", ("missing", 0.0, [])),
])
def test_status_is_the_weighted_sum_against_the_threshold(config, text, expected):
    assert element(full(text, config), "responsibility") == expected
    assert element(lint(text, config), "responsibility")[0] == expected[0]


def test_evidence_stops_where_the_status_is_settled(config):
    # owned (2.0) is weighed first; once the deflection (−1.0) is known not to fire, nothing left
    # can pull the score under 1.5, so the small agentless feature is not weighed
    result = lint("我们的变更导致服务出现故障。", config)
    assert element(result, "responsibility") == ("present", 2.0, [(1, 1, "我们的变更", "owned", 2.0)])
    # a deflection that fires keeps the weighing going: the status depends on what follows
    result = lint("我们的变更和第三方导致服务出现故障。", config)
    # … until nothing left could lift it to 1.5: the agentless 0.25 is not weighed either
    assert element(result, "responsibility")[:2] == ("weak", 1.0)


def test_a_weak_threshold_separates_weak_from_missing(config):
    # impact: present at 1.0, weak at 0.5; agentless weighs 0.5 for impact
    assert element(lint("服务出现故障。", config), "impact")[0] == "weak"
    assert element(full("约15%的用户服务出现故障。", config), "impact") == (
        "present", 1.5, [(1, 2, "15%", "count", 1.0), (1, 10, "出现故障", "agentless", 0.5)])


def test_json_evidence_names_feature_and_weight(config):
    data = full("由于第三方，服务出现故障。", config).to_json()
    assert data["elements"]["responsibility"] == {
        "status": "weak", "score": -0.75,
        "evidence": [{"line": 1, "column": 3, "text": "第三方", "feature": "deflection", "weight": -1.0},
                     {"line": 1, "column": 9, "text": "出现故障", "feature": "agentless", "weight": 0.25}]}


def test_levels_lower_a_weak_element_at_the_acknowledge_stage(config):
    plain = lint("服务出现故障。", config)
    first = lint("---\nstage: investigating\n---\n服务出现故障。", config)
    assert [(f.rule, f.level, f.text) for f in plain.findings] == [("e-missing-responsibility", "warning", "出现故障")]
    assert [(f.rule, f.level, f.text) for f in first.findings] == [("e-missing-responsibility", "info", "出现故障")]
    # a missing element stays an error at every stage
    missing = lint("---\nstage: acknowledge\n---\nLogins failed.", config)
    assert [(f.rule, f.level) for f in missing.findings] == [("e-missing-responsibility", "error")]


def test_explain_why_names_the_evidence_and_what_would_change_it(pipelines, tmp_path):
    shutil.copytree(EVIDENCE_DIR, tmp_path / "p")
    (tmp_path / "p" / "d.md").write_text("由于第三方，服务出现故障。\n", encoding="utf-8")
    proc = run_cli("explain", "--why", "d.md", cwd=tmp_path / "p")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "d.md: score 77",
        "",
        "responsibility: weak — score -0.75, present at +1.5",
        '      -1  deflection           1:3 "第三方"',
        '   +0.25  agentless            1:9 "出现故障"',
        "  no single change would make it present",
        "",
        "impact: weak — score +0.5, present at +1",
        '    +0.5  agentless            1:9 "出现故障"',
        "  would be present with one of:",
        "    add count (+1)",
    ]


def test_explain_why_lists_the_decisive_evidence_of_a_present_element(pipelines, tmp_path):
    shutil.copytree(EVIDENCE_DIR, tmp_path / "p")
    draft = tmp_path / "p" / "d.md"
    draft.write_text("我们的变更导致服务出现故障。\n", encoding="utf-8")
    proc = run_cli("explain", "--why", "d.md", cwd=tmp_path / "p")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("responsibility: present — score +2.25, present at +1.5")
    assert lines[start + 1:start + 5] == ['      +2  owned                1:1 "我们的变更"',
                                          '   +0.25  agentless            1:10 "出现故障"',
                                          "  decisive:",
                                          "  without owned it would be weak"]


def test_explain_needs_a_rule_or_why(tmp_path):
    proc = run_cli("explain", cwd=tmp_path)
    assert proc.returncode == 2 and "give a rule id (see `apolint rules`) or --why FILE" in proc.stderr


# ---------------------------------------------------------------------------------------
# pack errors: every mistake names the file, the line and the key
# ---------------------------------------------------------------------------------------

def _load_with(tmp_path, extra: str, core_edit=None):
    for name in ("e-core.yaml", "e-zh.yaml", "e-en.yaml"):
        shutil.copy(EVIDENCE_DIR / name, tmp_path / name)
    if core_edit:
        path = tmp_path / "e-core.yaml"
        path.write_text(core_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    (tmp_path / "extra.yaml").write_text(extra, encoding="utf-8")
    names = ["e-core.yaml", "e-zh.yaml", "e-en.yaml"] + (["extra.yaml"] if extra else [])
    return packs.load([tmp_path / n for n in names])


def test_evidence_weighing_an_unknown_element_is_an_error(tmp_path):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "pack: x\nlanguages: [zh]\nevidence:\n  more:\n    match: ['x']\n"
                             "    weights: {remedy: 1.0}\n")
    assert str(err.value).endswith("extra.yaml:6: evidence.more.weights.remedy: unknown element 'remedy'; "
                                   "loaded: impact, responsibility")


def test_redefining_evidence_needs_a_mode(tmp_path):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "pack: x\nlanguages: [zh]\nevidence:\n  owned:\n    match: ['x']\n"
                             "    weights: {responsibility: 1.0}\n")
    assert "extra.yaml:4: evidence.owned: evidence 'owned' is already defined in" in str(err.value)
    assert str(err.value).endswith("say `mode: extend` or `mode: replace`")


def test_extending_evidence_adds_patterns_and_replaces_weights(tmp_path, pipelines):
    ruleset = _load_with(tmp_path, "pack: x\nlanguages: [zh]\nevidence:\n  owned:\n    mode: extend\n"
                                   "    match: ['我方']\n    weights: {responsibility: 3.0}\n")
    feature = ruleset.elements["responsibility"].feature("owned")
    assert feature.weight == 3.0 and feature.line == 7 and feature.path.endswith("extra.yaml")
    from apolint.document import parse
    from apolint.engine import lint_document

    result = lint_document(parse("我方升级出错。", "d.md"), ruleset)
    assert (result.elements["responsibility"].status, result.elements["responsibility"].score) == ("present", 3.0)


@pytest.mark.parametrize("thresholds, message", [
    ("{weak: 0.5}", "elements.responsibility.thresholds: missing required key 'present'"),
    ("{present: 1.0, weak: 2.0}", "elements.responsibility.thresholds: expected weak <= present"),
    ("{present: high}", "elements.responsibility.thresholds.present: expected"),
])
def test_bad_thresholds_are_errors(tmp_path, thresholds, message):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "", lambda t: t.replace("thresholds: {present: 1.5}", f"thresholds: {thresholds}"))
    assert message in str(err.value) and "e-core.yaml:" in str(err.value)


def test_an_element_without_evidence_is_an_error(tmp_path):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "pack: x\nlanguages: [zh]\nelements:\n  remedy:\n    label: remedy\n")
    assert str(err.value).endswith("extra.yaml:4: elements.remedy: the element has no evidence: give it "
                                   "`present`/`weak` sets or `evidence:` features that weigh on it")


def test_levels_need_a_known_level(tmp_path):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "", lambda t: t.replace("weak_level: info}]", "weak_level: quiet}]"))
    assert "rules[e-missing-responsibility].levels[0].weak_level: expected one of error, warning, info" in str(err.value)


# ---------------------------------------------------------------------------------------
# the fitter
# ---------------------------------------------------------------------------------------

def test_fitter_rewrites_only_the_numbers(tmp_path):
    from apolint.fit import Fitted, write

    ruleset = _load_with(tmp_path, "")
    before = (tmp_path / "e-core.yaml").read_text(encoding="utf-8")
    fitted = [Fitted("responsibility", ["owned", "admission", "agentless", "deflection"],
                     {"owned": 1.23, "admission": 2.0, "agentless": 0.25, "deflection": -0.5}, {"present": 0.9}, 1.0),
              Fitted("impact", ["agentless", "count"], {"agentless": 0.4, "count": 1.0}, {"present": 1.1}, 1.0)]
    assert write(ruleset, fitted) == [str(tmp_path / "e-core.yaml")]
    after = (tmp_path / "e-core.yaml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [
        ("    weights: {responsibility: 2.0}", "    weights: {responsibility: 1.23}"),
        ("    weights: {responsibility: 1.5}", "    weights: {responsibility: 2}"),
        ("    weights: {responsibility: 0.25, impact: 0.5}", "    weights: {responsibility: 0.25, impact: 0.4}"),
        ("    weights: {responsibility: -1.0}", "    weights: {responsibility: -0.5}"),
        ("    thresholds: {present: 1.5}", "    thresholds: {present: 0.9}"),
        ("    thresholds: {present: 1.0, weak: 0.5}", "    thresholds: {present: 1.1, weak: 0.5}"),
    ]
    assert packs.load([tmp_path / n for n in ("e-core.yaml", "e-zh.yaml", "e-en.yaml")]) is not None


def test_fitter_learns_weights_that_separate_the_labels():
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    from types import SimpleNamespace

    from apolint.fit import Sample, fit

    def sample(i, fired, status):
        return Sample(f"x/{i}", {"responsibility": set(fired), "impact": set(), "remedy": set()},
                      {"responsibility": status, "impact": "missing", "remedy": "missing"})

    samples = [sample(i, {"owned"}, "present") for i in range(10)]
    samples += [sample(10 + i, {"owned", "deflection"}, "present") for i in range(3)]
    samples += [sample(20 + i, {"deflection"}, "weak") for i in range(8)]
    samples += [sample(30 + i, {"agentless"}, "weak") for i in range(8)]
    feature = packs.Feature
    ruleset = SimpleNamespace(elements={
        "responsibility": packs.Element("responsibility", "responsibility", [
            feature("owned", {}, 1.0), feature("deflection", {}, 0.1), feature("agentless", {}, 0.1)]),
        "impact": packs.Element("impact", "impact", [feature("count", {}, 1.0)]),
        "remedy": packs.Element("remedy", "remedy", [feature("done", {}, 1.0)])})
    with pytest.raises(Exception, match="every notice has the same label"):
        fit(samples, ruleset)
    for s in samples[:5]:
        s.status["impact"] = s.status["remedy"] = "present"
        s.fired["impact"], s.fired["remedy"] = {"count"}, {"done"}
    (resp, impact, remedy) = fit(samples, ruleset)
    assert resp.agreement_after == {"real": 1.0} and impact.agreement_after == {"real": 1.0}
    w, t = resp.weights, resp.thresholds["present"]
    assert w["owned"] >= t and w["owned"] + w["deflection"] >= t  # owned, with or without a deflection
    assert w["deflection"] < t and w["agentless"] < t
