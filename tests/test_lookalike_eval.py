"""The lookalike sets (corpus/lookalike/, corpus/lookalike2/): our own writing in the manner of real notices,
labelled blind to the linter. They live in the repository, so unlike the real set they are always scored here."""
from __future__ import annotations

import pytest
import yaml

from apolint.evaluate_real import evaluate_real, is_real_set, labels_for
from conftest import ROOT

SETS = ("lookalike", "lookalike2")

# Floors on the held-out (validation) halves, never tuned on: the figures of the sixth session's look (committed
# weights; `apolint eval corpus/lookalike --split validation`) less one notice or about 0.02 of vague recall.
# Their development halves were grown from and are near 0.93-0.98; the held-out halves did not move with them
# (see corpus/lookalike/README.md), which is what these floors keep in view.
VALIDATION_FLOORS = {
    ("lookalike", "en"): {"macro": 0.80, "vague_recall": 0.62},
    ("lookalike", "zh"): {"macro": 0.75, "vague_recall": 0.62},
    ("lookalike2", "en"): {"macro": 0.89, "vague_recall": 0.65},
    ("lookalike2", "zh"): {"macro": 0.86, "vague_recall": 0.50},
}


@pytest.mark.parametrize("name", SETS)
def test_set_carries_its_own_labels_and_a_disjoint_split(name):
    folder = ROOT / "corpus" / name
    assert is_real_set(folder)
    assert labels_for(folder) == folder / "labels.yaml"
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    split = yaml.safe_load((folder / "split.yaml").read_text(encoding="utf-8"))
    assert sorted(labels) == sorted(split["development"] + split["validation"])
    assert not set(split["development"]) & set(split["validation"])
    assert len(labels) == 96


@pytest.fixture(scope="module")
def reports(pipelines):
    return {name: evaluate_real(ROOT / "corpus" / name, ROOT / "corpus" / name / "labels.yaml",
                                splits=("validation",)) for name in SETS}


@pytest.mark.parametrize("name, lang", sorted(VALIDATION_FLOORS))
def test_held_out_half_does_not_drop_below_its_floors(reports, name, lang):
    report = reports[name]
    assert not report.errors, report.errors
    part = report.parts[("validation", lang)]
    got = {"macro": round(part.macro_agreement, 3), "vague_recall": round(part.vague_recall, 3)}
    floors = VALIDATION_FLOORS[(name, lang)]
    low = {k: (got[k], floors[k]) for k in floors if got[k] < floors[k]}
    assert not low, f"{name} {lang} validation below its floors (got, floor): {low}"
