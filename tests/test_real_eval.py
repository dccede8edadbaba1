"""`apolint eval` on real announcements: the measures on a small set of our own (exact figures), and
the floors the built-in packs reach on the real set in ../shared/real (skipped where it is absent)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from apolint.evaluate_real import evaluate_real, format_real_report, is_real_set
from conftest import PACKS, ROOT, run_cli

EVIDENCE_CONFIG = PACKS / "evidence" / ".apolint.yaml"

# Our own short notices, standing in for real ones: (key, text, label)
NOTICES = {
    "en/a1": ("Our change broke logins for 15% of users. Sorry. Sorry again.",
              {"responsibility": "present", "impact": "present", "vague": [], "over_apology": True}),
    "en/a2": ("Due to a third party, some users saw errors.",
              {"responsibility": "weak", "impact": "missing", "vague": [[22, 32, "vague-scope"]],
               "over_apology": False, "fire": ["blame-shifting"]}),
    "en/a3": ("An outage occurred. We fell short. Some users were affected for a while.",
              {"responsibility": "weak", "impact": "weak",
               "vague": [[35, 45, "vague-scope"], [59, 71, "vague-time"]], "over_apology": False}),
    "zh/b1": ("我们的变更导致部分用户无法登录，非常抱歉。",
              {"responsibility": "present", "impact": "weak", "vague": [[7, 11, "vague-scope"]],
               "over_apology": False}),
}


def _label(text, spec):
    label = {"sha256": hashlib.sha256(text.encode()).hexdigest(), "vague": spec["vague"],
             "apologies": [], "over_apology": spec["over_apology"], "fire": spec.get("fire", [])}
    for element in ("responsibility", "impact", "remedy"):
        label[element] = {"status": spec.get(element, "missing"), "evidence": []}
    return label


@pytest.fixture
def real_set(tmp_path):
    real = tmp_path / "real"
    labels = {}
    for key, (text, spec) in NOTICES.items():
        lang, ident = key.split("/")
        (real / lang).mkdir(parents=True, exist_ok=True)
        (real / lang / f"{ident}.txt").write_text(text, encoding="utf-8")
        labels[key] = _label(text, spec)
    (real / "manifest-x.yaml").write_text("[]\n", encoding="utf-8")
    project = tmp_path / "labels"
    project.mkdir()
    (project / "labels.yaml").write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    (project / "split.yaml").write_text(yaml.safe_dump({"development": ["en/a1", "en/a2", "zh/b1"],
                                                        "validation": ["en/a3"]}), encoding="utf-8")
    return real, project / "labels.yaml"


def test_measures_per_split_and_language(real_set, pipelines):
    real, labels = real_set
    assert is_real_set(real)
    report = evaluate_real(real, labels, config_path=str(EVIDENCE_CONFIG))
    assert not report.errors
    dev, val, zh = (report.parts[("development", "en")], report.parts[("validation", "en")],
                    report.parts[("development", "zh")])
    assert (dev.files, val.files, zh.files) == (2, 1, 1)
    # en/a1: our change → present; en/a2: a deflection alone → weak; both right
    assert dev.elements["responsibility"].pairs == [("present", "present"), ("weak", "weak")]
    # en/a1: 15% → present, right; en/a2: nothing about impact the packs know → missing, right
    assert dev.elements["impact"].pairs == [("present", "present"), ("missing", "missing")]
    # en/a3: "We fell short" weighs 1.5, the threshold: present where the label says weak
    assert val.elements["responsibility"].pairs == [("weak", "present")]
    assert val.elements["responsibility"].agreement == 0.0
    flag = val.elements["responsibility"].flag
    assert (flag.tp, flag.fp, flag.fn) == (0, 0, 1)
    # vague spans: "some users" found in a2 and a3; "for a while" missed; nothing reported unlabelled
    assert (dev.vague_found, dev.vague_labelled, dev.vague_right, dev.vague_reported) == (1, 1, 1, 1)
    assert (val.vague_found, val.vague_labelled, val.vague_right, val.vague_reported) == (1, 2, 1, 1)
    assert val.vague_recall == 0.5 and val.vague_precision == 1.0
    # over-apologising: a1 apologises twice (over-apology-e allows one)
    assert (dev.over_apology.tp, dev.over_apology.fp, dev.over_apology.fn) == (1, 0, 0)
    # the zh notice's vague span is found by the zh lexicon
    assert (zh.vague_found, zh.vague_labelled) == (1, 1)
    # rule families: blame-shifting is labelled in a2, and no loaded rule has that id
    assert (dev.families["blame-shifting"].tp, dev.families["blame-shifting"].fn) == (0, 1)
    assert (dev.families["vague-e"].fp, dev.families["vague-scope"].fn) == (1, 1)
    text = format_real_report(report, disagreements=True)
    assert "[validation] en/a3: responsibility: expected weak, got present" in text
    assert "[development] en/a2: blame-shifting: expected finding, got none" in text


def test_a_changed_text_is_reported_not_scored(real_set, pipelines):
    real, labels = real_set
    (real / "en" / "a2.txt").write_text("Due to a third party, some users saw errors!", encoding="utf-8")
    report = evaluate_real(real, labels, config_path=str(EVIDENCE_CONFIG), splits=("development",))
    assert report.errors == ["en/a2: the text changed since it was labelled (sha256 differs); relabel it"]
    assert report.parts[("development", "en")].files == 1


def test_cli_scores_one_split_and_exits_2_on_a_changed_text(real_set):
    real, labels = real_set
    proc = run_cli("eval", str(real), "--labels", str(labels), "--split", "validation",
                   "--config", str(EVIDENCE_CONFIG))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Real announcements in {real} (labels {labels})\n\nen (validation 1 files)\n")
    assert "development" not in proc.stdout
    (real / "en" / "a3.txt").write_text("changed", encoding="utf-8")
    proc = run_cli("eval", str(real), "--labels", str(labels), "--config", str(EVIDENCE_CONFIG))
    assert proc.returncode == 2
    assert "error: en/a3: the text changed since it was labelled" in proc.stdout


# ---------------------------------------------------------------------------------------
# the real set itself
# ---------------------------------------------------------------------------------------

REAL_DIR = Path(os.environ.get("APOLINT_REAL_DIR") or ROOT.parent / "shared" / "real")
LABELS = ROOT / "corpus" / "real" / "labels.yaml"


def test_labels_hold_offsets_not_text():
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    split = yaml.safe_load((LABELS.parent / "split.yaml").read_text(encoding="utf-8"))
    assert sorted(labels) == sorted(split["development"] + split["validation"])
    assert not set(split["development"]) & set(split["validation"])
    for key, label in labels.items():
        assert set(label) == {"sha256", "responsibility", "impact", "remedy", "vague", "apologies",
                              "over_apology", "fire"}, key
        for span in label["vague"]:
            assert isinstance(span[0], int) and isinstance(span[1], int) and span[2].startswith("vague-"), key


@pytest.fixture(scope="module")
def real_report(pipelines):
    if not is_real_set(REAL_DIR):
        pytest.skip(f"the real announcements are not here ({REAL_DIR}; set APOLINT_REAL_DIR): "
                    "they are third-party text kept outside the repository")
    return evaluate_real(REAL_DIR, LABELS)


def test_real_set_is_read_whole(real_report):
    assert not real_report.errors, real_report.errors
    assert sum(p.files for p in real_report.parts.values()) == 154


def test_committed_weights_are_what_the_fit_command_gives(real_report):
    """The weights in the packs are reproducible: `apolint fit-weights ../shared/real --corpus corpus/`
    fits the same numbers again from the development split and our corpus, each notice also as unseen
    (the command's default --unseen). (Fitting with the lookalike sets too, `--also`, was tried in the sixth
    session and lost a validation notice per language: not used.)"""
    pytest.importorskip("sklearn", reason="the fitter's optional extra (pip install -e '.[fit]')")
    from apolint import api
    from apolint.cli import UNSEEN_AT_MOST
    from apolint.fit import collect, collect_corpus, fit, load_split, with_unseen

    cfg = api.Config(root=ROOT)
    ruleset = api.ruleset_for(cfg)
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    samples = collect(REAL_DIR, labels, load_split(LABELS, "development"), cfg)
    extra = collect_corpus(ROOT / "corpus", cfg, weigh_as=len(samples))
    samples, _ = with_unseen(samples + extra, cfg, UNSEEN_AT_MOST)
    for fitted in fit(samples, ruleset):
        element = ruleset.elements[fitted.element]
        assert element.thresholds["present"] == fitted.thresholds["present"], fitted.element
        for feature in element.features:
            if feature.name in fitted.weights:
                assert feature.weight == fitted.weights[feature.name], (fitted.element, feature.name)


# Validation floors: the figures of the latest look at the validation split (2026-12-03, fifth session,
# commit f4cfd8f; `apolint eval ../shared/real --split validation`), less 0.02 for the noise of a few files
# changing sides. English impact and vague recall rose at the fifth look (packs grown from probes v3-v5);
# Chinese has not moved since the fourth (the fit as unseen). A change that makes any of them drop fails here.
# Development figures are not floors: they are what tuning reached and say little about new text.
# English vague precision: 0.662 at the fifth look, 0.639 at the start of the sixth session (a50c1ed, measured at the
# sixth look: the fifth session's changes after its look, e.g. the thousands-separator fix, flag a few more unlabelled
# phrases); the sixth session's changes left every validation figure exactly as at its start.
VALIDATION_FLOORS = {
    "en": {"responsibility": 0.79, "impact": 0.76, "remedy": 0.79, "macro": 0.78,
           "vague_recall": 0.52, "vague_precision": 0.62},
    "zh": {"responsibility": 0.91, "impact": 0.73, "remedy": 0.91, "macro": 0.85,
           "vague_recall": 0.43, "vague_precision": 0.81},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_validation_does_not_drop_below_its_floors(real_report, lang):
    part = real_report.parts[("validation", lang)]
    floors = VALIDATION_FLOORS[lang]
    got = {e: round(part.elements[e].agreement, 3) for e in ("responsibility", "impact", "remedy")}
    got.update(macro=round(part.macro_agreement, 3), vague_recall=round(part.vague_recall, 3),
               vague_precision=round(part.vague_precision, 3))
    low = {k: (got[k], floors[k]) for k in floors if got[k] < floors[k]}
    assert not low, f"validation below its floors (got, floor): {low}"
