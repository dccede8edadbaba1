"""Lexicon coverage on probe sentences (corpus/probes, our own writing by writers who had not seen the packs).

The v1 floors are the figures measured when the probes were first used (tools/probes.py, 2026-12-03); v1's
validation half was tuned on from the third session, and probes v2 (corpus/probes/v2, all validation) took
its place, with a floor from its one look. A change that loses coverage of the language fails here."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import probes  # noqa: E402

FLOORS = {"en": {"development": 0.92, "validation": 0.70}, "zh": {"development": 0.70, "validation": 0.69}}
# probes v2 (all validation): the latest look (2026-12-03, fifth session, commit f4cfd8f: en 0.895, zh 0.857)
# less 0.02
V2_FLOORS = {"en": 0.87, "zh": 0.83}
# probes v3 (all development, fifth session): untuned en 0.712, zh 0.719; after growing the packs from its
# failures en 0.958, zh 0.941 — the floors are those less 0.02, rounded down
V3_FLOORS = {"en": 0.93, "zh": 0.92}
# probes v4 (all development, fifth session, two more new writers): untuned en 0.703, zh 0.703 (and 0.660 / 0.673
# with the packs before v3 was tuned on); after growing the packs from its failures en 0.957, zh 0.947
V4_FLOORS = {"en": 0.93, "zh": 0.92}
# probes v5 (all development, 24 owned causes and 16 admissions per language): untuned en 0.800, zh 0.770 (0.752 /
# 0.730 with the packs before v3); after growing the packs from its failures en 0.941, zh 0.959
V5_FLOORS = {"en": 0.92, "zh": 0.93}
# probes v6 (all development): untuned en 0.770, zh 0.741 (0.706 / 0.684 with the packs before v3, 0.759 / 0.730
# before v5); after growing the packs from its failures en 0.947, zh 0.957
V6_FLOORS = {"en": 0.92, "zh": 0.93}


def overall(tallies, half):
    passed, total = probes.met(tallies, half)
    return passed / total


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_probe_coverage_holds(lang):
    tallies = probes.measure(lang)
    for half, floor in FLOORS[lang].items():
        assert overall(tallies, half) >= floor, probes.report(lang, tallies)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_probe_v2_coverage_holds(lang):
    tallies = probes.measure(lang, "v2")
    assert not any(t.total for t in tallies["development"].values())  # v2 is validation only
    assert overall(tallies, "validation") >= V2_FLOORS[lang], probes.report(lang, tallies, "v2")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("probe_set, floors", [("v3", V3_FLOORS), ("v4", V4_FLOORS), ("v5", V5_FLOORS), ("v6", V6_FLOORS)])
def test_probe_development_sets_coverage_holds(lang, probe_set, floors):
    tallies = probes.measure(lang, probe_set)
    assert not any(t.total for t in tallies["validation"].values())  # all development
    assert overall(tallies, "development") >= floors[lang], probes.report(lang, tallies, probe_set)


def test_a_probe_is_judged_by_its_feature_and_span():
    assert probes.judge({"text": "A configuration change we deployed broke logins.", "expect": "owned-cause"}, "en")[0]
    assert probes.judge({"text": "A configuration change we deployed broke logins.", "expect": "admission"}, "en")[0]
    assert not probes.judge({"text": "Logins failed.", "expect": "owned-cause"}, "en")[0]
    # a positive probe of an owned cause is also read at element level: responsibility present
    assert probes.judge({"text": "A configuration change we deployed broke logins.", "expect": "owned-cause"},
                        "en")[2] == ("responsibility", True)
    assert probes.judge({"text": "Logins failed.", "expect": "owned-cause"}, "en")[2] == ("responsibility", False)
    hedge = {"text": "Some users may have experienced errors.", "expect": "vague-hedge", "span": "may have experienced"}
    assert probes.judge(hedge, "en")[:2] == (True, "vague-hedge:may have experienced; vague-scope:Some users")
    assert not probes.judge({**hedge, "span": "errors"}, "en")[0]
    assert probes.judge({"text": "部分用户无法登录。", "expect_not": "vague-scope", "span": "部分用户"}, "zh")[:2] == (
        False, "vague-scope:部分用户")


def test_probe_halves_are_fixed_by_position():
    assert [probes.half_of(i) for i in range(4)] == ["development", "validation", "development", "validation"]
    assert {probes.half_of(i, "v2") for i in range(4)} == {"validation"}
    assert {probes.half_of(i, "v3") for i in range(4)} == {"development"}
    assert {probes.half_of(i, "v4") for i in range(4)} == {"development"}
    assert {probes.half_of(i, "v5") for i in range(4)} == {"development"}
    assert {probes.half_of(i, "v6") for i in range(4)} == {"development"}
