"""Fitting as if the wording were new: the pattern trace (which pack items matched, which to switch
off), `with_unseen`, weights the fitter leaves alone (`fixed`) and the floor under the present
threshold. With the small packs in tests/fixtures/packs/evidence/, never the built-in ones."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from apolint import api, packs
from apolint.config import load_config_file
from apolint.matchers import PatternTrace
from apolint.yamlsource import SourceError
from conftest import PACKS
from test_evidence import _load_with

EVIDENCE_DIR = PACKS / "evidence"


@pytest.fixture(scope="module")
def config(pipelines):
    return load_config_file(EVIDENCE_DIR / ".apolint.yaml")


def lint(text, config, trace=None):
    result = api.lint_text(text, config=config, path="draft.md", complete_evidence=True, trace=trace)
    assert result.error is None, result.error
    return result


def test_the_trace_records_each_phrase_and_regex_that_matched(config):
    trace = PatternTrace()
    lint("Our change broke checkout. About 5% of orders failed. Some users saw errors.", config, trace)
    assert trace.fired == {("phrase", "our change"), ("regex", r"\d+%"), ("phrase", "some users")}


def test_a_switched_off_item_matches_nothing_and_the_rest_still_do(config):
    text = "Our change broke checkout. About 5% of orders failed."
    assert set(lint(text, config).elements["responsibility"].features) == {"owned"}
    off = lint(text, config, PatternTrace(switched_off=frozenset({("phrase", "our change")})))
    assert off.elements["responsibility"].status == "missing"
    assert [(e.text, e.feature) for e in off.elements["impact"].evidence] == [("5%", "count")]
    off = lint(text, config, PatternTrace(switched_off=frozenset({("regex", r"\d+%")})))
    assert off.elements["impact"].status == "missing"
    assert [(e.text, e.feature) for e in off.elements["responsibility"].evidence] == [("Our change", "owned")]


def test_with_unseen_fits_a_notice_with_rare_items_twice_at_half_weight(config):
    from apolint.fit import Sample, _fired, with_unseen

    texts = ["Our change: an outage occurred.", "Our change, and an outage occurred.",
             "We fell short when an outage occurred."]
    samples = [Sample(f"en/t{i}", _fired(t, "draft.md", config), {"responsibility": "present", "impact": "missing",
                                                                 "remedy": "missing"}, text=t, path="draft.md")
               for i, t in enumerate(texts)]
    out, touched = with_unseen(samples, config, at_most=1)
    assert touched == {"items": 1, "of_items": 3, "samples": 1, "of_samples": 3}  # "we fell short": one notice
    assert [(s.key, s.weight, sorted(s.fired["responsibility"])) for s in out] == [
        ("en/t0", 1.0, ["agentless", "owned"]),
        ("en/t1", 1.0, ["agentless", "owned"]),
        ("en/t2", 0.5, ["admission", "agentless"]),  # as written
        ("en/t2", 0.5, ["agentless"]),  # as if "we fell short" were new wording
    ]
    assert [s.weight for s in samples] == [1.0, 1.0, 1.0]  # the samples given are left as they were


def _ruleset(**responsibility_weights):
    feature = packs.Feature
    features = [feature(name, {}, w, fixed=name == "restored") for name, w in responsibility_weights.items()]
    return SimpleNamespace(elements={
        "responsibility": packs.Element("responsibility", "responsibility", features),
        "impact": packs.Element("impact", "impact", [feature("count", {}, 1.0)]),
        "remedy": packs.Element("remedy", "remedy", [feature("done", {}, 1.0)])})


def _samples(rows):
    from apolint.fit import Sample

    out = []
    for i, (fired, status) in enumerate(rows):
        out.append(Sample(f"x/{i}", {"responsibility": set(fired), "impact": {"count"} if i % 2 else set(),
                                     "remedy": {"done"} if i % 2 else set()},
                          {"responsibility": status, "impact": "present" if i % 2 else "weak",
                           "remedy": "present" if i % 2 else "weak"}))
    return out


def test_the_fitter_leaves_a_fixed_weight_and_fits_the_others():
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    from apolint.fit import fit

    # "restored" goes with present here, but the guide says it is no remedy: fixed at 0, it is not fitted
    rows = [({"owned", "restored"}, "present")] * 8 + [({"restored"}, "present")] * 4 + [({"agentless"}, "weak")] * 8
    resp = fit(_samples(rows), _ruleset(owned=1.0, restored=0.0, agentless=0.1))[0]
    assert resp.features == ["owned", "agentless"] and "restored" not in resp.weights
    with pytest.raises(Exception, match="'restored' .*a fixed weight must be 0 to be fitted around; it is 0.5"):
        fit(_samples(rows), _ruleset(owned=1.0, restored=0.5, agentless=0.1))


def test_present_needs_positive_evidence_however_common_present_is():
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    from apolint.fit import MIN_PRESENT, fit

    # nearly every notice is present, most with nothing but a cue that weighs against it
    rows = [({"agentless"}, "present")] * 14 + [({"owned"}, "present")] * 4 + [({"agentless"}, "weak")] * 2
    resp = fit(_samples(rows), _ruleset(owned=1.0, agentless=0.1))[0]
    assert resp.thresholds["present"] == MIN_PRESENT
    assert "threshold raised to 0.01: present needs positive evidence" in resp.notes


def test_fixed_must_be_true_or_false(tmp_path):
    with pytest.raises(SourceError) as err:
        _load_with(tmp_path, "", core_edit=lambda t: t.replace("    weights: {responsibility: 1.5}\n",
                                                               "    weights: {responsibility: 1.5}\n    fixed: yes please\n"))
    assert "evidence.admission.fixed" in str(err.value) and "expected" in str(err.value)


def test_a_fixed_feature_is_read_from_the_pack(tmp_path):
    ruleset = _load_with(tmp_path, "", core_edit=lambda t: t.replace(
        "    weights: {responsibility: 1.5}\n", "    weights: {responsibility: 0}\n    fixed: true\n"))
    admission = ruleset.elements["responsibility"].feature("admission")
    assert admission.fixed and admission.weight == 0
    assert not ruleset.elements["responsibility"].feature("owned").fixed


NOTICES = {  # our own writing: (text, responsibility, impact, remedy)
    "t1": ("Our database upgrade caused login failures for about 15% of users between 10:00 and 10:40 UTC. "
           "We rolled it back.", "present", "present", "present"),
    "t2": ("Sorry, an issue occurred. We are investigating.", "weak", "missing", "weak"),
    "t3": ("A configuration change we made broke checkout for all customers for 35 minutes. We reverted it.",
           "present", "present", "present"),
    "t4": ("Some users may have seen errors. We are looking into it.", "missing", "weak", "weak"),
    "t5": ("Our payment provider had an outage. Some payments failed.", "weak", "weak", "missing"),
    "t6": ("This was our mistake: a faulty deploy took the API down for 2 hours. We added a staged rollout.",
           "present", "present", "present"),
    "t7": ("Due to technical issues, the app was unavailable. Thank you for your patience.", "weak", "weak", "missing"),
    "t8": ("We failed to renew a certificate, so about 3,000 customers could not sign in. A new one is in place.",
           "present", "present", "present"),
}


def test_fit_weights_says_how_much_it_fitted_as_unseen(tmp_path):
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    import yaml

    from conftest import run_cli

    real = tmp_path / "real"
    (real / "en").mkdir(parents=True)
    (real / "manifest-en-a.yaml").write_text("[]\n", encoding="utf-8")
    labels = {}
    for ident, (text, *statuses) in NOTICES.items():
        (real / "en" / f"{ident}.txt").write_text(text, encoding="utf-8")
        labels[f"en/{ident}"] = {e: {"status": s} for e, s in zip(("responsibility", "impact", "remedy"), statuses)}
    (tmp_path / "labels.yaml").write_text(yaml.safe_dump(labels), encoding="utf-8")
    (tmp_path / "split.yaml").write_text(yaml.safe_dump({"development": list(labels)}), encoding="utf-8")

    proc = run_cli("fit-weights", str(real), "--labels", str(tmp_path / "labels.yaml"))
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("also as unseen: ") and first.endswith(
        " notices; 8 of 8 notices are fitted on with those switched off too, each version at half weight"), first
    # every notice fitted twice counts as 16 samples
    assert [line.split(":")[0] for line in proc.stdout.splitlines() if " notices, C=" in line] == [
        "responsibility", "impact", "remedy"]
    assert "responsibility: 16 notices" in proc.stdout

    proc = run_cli("fit-weights", str(real), "--labels", str(tmp_path / "labels.yaml"), "--unseen", "0")
    assert proc.returncode == 0, proc.stderr
    assert "as unseen" not in proc.stdout and "responsibility: 8 notices" in proc.stdout

    proc = run_cli("fit-weights", str(real), "--labels", str(tmp_path / "labels.yaml"), "--unseen", "-1")
    assert proc.returncode == 2 and "-1 is not in the range x>=0" in proc.stderr


def test_fit_weights_also_fits_a_set_that_carries_its_own_labels(tmp_path):
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    import yaml

    from conftest import run_cli

    def make(folder, idents, with_labels):
        (folder / "en").mkdir(parents=True)
        (folder / "manifest-en.yaml").write_text("[]\n", encoding="utf-8")
        labels = {}
        for ident in idents:
            text, *statuses = NOTICES[ident]
            (folder / "en" / f"{ident}.txt").write_text(text, encoding="utf-8")
            labels[f"en/{ident}"] = {e: {"status": s} for e, s in zip(("responsibility", "impact", "remedy"), statuses)}
        if with_labels:
            (folder / "labels.yaml").write_text(yaml.safe_dump(labels), encoding="utf-8")
            (folder / "split.yaml").write_text(yaml.safe_dump({"development": list(labels)}), encoding="utf-8")
        return labels

    real, other, bare = tmp_path / "real", tmp_path / "other", tmp_path / "bare"
    make(real, ["t1", "t2", "t3", "t4"], with_labels=True)  # its own labels.yaml: found without --labels
    make(other, ["t5", "t6", "t7", "t8"], with_labels=True)
    make(bare, ["t5"], with_labels=False)

    proc = run_cli("fit-weights", str(real), "--unseen", "0")
    assert proc.returncode == 0, proc.stderr
    assert "responsibility: 4 notices" in proc.stdout
    proc = run_cli("fit-weights", str(real), "--also", str(other), "--unseen", "0")
    assert proc.returncode == 0, proc.stderr
    assert "responsibility: 8 notices" in proc.stdout
    proc = run_cli("fit-weights", str(real), "--also", str(bare), "--unseen", "0")
    assert proc.returncode == 2 and "no labels.yaml (--also takes a set that carries its own labels)" in proc.stderr
