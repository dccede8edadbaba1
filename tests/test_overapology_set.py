"""Over-apologising on whole notices we did not tune on (corpus/holdout-overapology, two labellers)."""
from pathlib import Path

import pytest
import yaml

from apolint.api import lint_text

SET = Path(__file__).resolve().parent.parent / "corpus" / "holdout-overapology"
LABELS = yaml.safe_load((SET / "labels-a.yaml").read_text(encoding="utf-8"))


def test_the_two_labellers_agree():
    other = yaml.safe_load((SET / "labels-b.yaml").read_text(encoding="utf-8"))
    assert sorted(other) == sorted(LABELS) and len(LABELS) == 60
    assert {k: v["over_apology"] for k, v in other.items()} == {k: v["over_apology"] for k, v in LABELS.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_notice_is_judged_as_labelled(lang):
    flagged, labelled = set(), set()
    for key, label in LABELS.items():
        if not key.startswith(lang):
            continue
        text = (SET / f"{key}.txt").read_text(encoding="utf-8")
        result = lint_text(text, lang=lang, path=f"{key.split('/')[1]}.txt")
        if any(f.rule.startswith("over-apology") for f in result.findings):
            flagged.add(key)
        if label["over_apology"]:
            labelled.add(key)
    assert len(labelled) == 12
    assert flagged == labelled


def test_three_intensified_apologies_in_a_notice_are_flagged_at_the_third():
    text = ("We are very sorry for the outage this morning. Our configuration change caused it.\n\n"
            "We are deeply sorry for the delays to your orders.\n\nAgain, we are truly sorry.")
    found = [f for f in lint_text(text, lang="en").findings if f.rule == "over-apology-intensified-often"]
    assert [(f.line, f.column, text[f.start:f.end]) for f in found] == [(5, 21, "sorry")]


def test_one_apology_with_three_intensifiers_is_one_intensified_apology():
    text = "真的非常非常抱歉！我们的变更导致用户无法登录，已回滚。"
    rules = sorted(f.rule for f in lint_text(text, lang="zh").findings if f.rule.startswith("over-apology"))
    assert rules == ["over-apology-intensifier"]
