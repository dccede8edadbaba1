"""Lexicon coverage on probe sentences (corpus/probes, our own writing by writers who had not seen the packs).

The validation half was never used to tune; its floors are the figures measured when the probes were
first used (tools/probes.py, 2026-12-03), so a change that loses coverage of the language fails here."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import probes  # noqa: E402

FLOORS = {"en": {"development": 0.92, "validation": 0.70}, "zh": {"development": 0.70, "validation": 0.69}}


def overall(tallies, half):
    features = [t for name, t in tallies[half].items() if not name.startswith("element ")]
    passed = sum(t.passed for t in features)
    total = sum(t.total for t in features)
    return passed / total


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_probe_coverage_holds(lang):
    tallies = probes.measure(lang)
    for half, floor in FLOORS[lang].items():
        assert overall(tallies, half) >= floor, probes.report(lang, tallies)


def test_a_probe_is_judged_by_its_feature_and_span():
    assert probes.probe_holds({"text": "A configuration change we deployed broke logins.", "expect": "owned-cause"}, "en")[0]
    assert probes.probe_holds({"text": "A configuration change we deployed broke logins.", "expect": "admission"}, "en")[0]
    assert not probes.probe_holds({"text": "Logins failed.", "expect": "owned-cause"}, "en")[0]
    hedge = {"text": "Some users may have experienced errors.", "expect": "vague-hedge", "span": "may have experienced"}
    assert probes.probe_holds(hedge, "en") == (True, "vague-hedge:may have experienced; vague-scope:Some users")
    assert not probes.probe_holds({**hedge, "span": "errors"}, "en")[0]
    assert probes.probe_holds({"text": "部分用户无法登录。", "expect_not": "vague-scope", "span": "部分用户"}, "zh") == (False, "vague-scope:部分用户")


def test_probe_halves_are_fixed_by_position():
    assert [probes.half_of(i) for i in range(4)] == ["development", "validation", "development", "validation"]
