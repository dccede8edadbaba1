"""The fold drops the space some writers put between Chinese and Latin letters or digits (apolint/analysis.py)."""
import pytest

from apolint import language
from apolint.analysis import build
from apolint.document import parse


def folded(text):
    analysis = build(parse(text, "x.md"), language.split_languages, None, 24)
    return analysis.text.rstrip("\n"), analysis


@pytest.mark.parametrize("text, expected", [
    ("约 12,400 次请求失败。", "约12,400次请求失败。"),
    ("从 12 日 23:00 开始。", "从12日23:00开始。"),
    ("升级 Redis 集群时出错。", "升级Redis集群时出错。"),
    # a run that holds "." keeps its spaces, so the sentence cut needs no dictionary
    ("升级到 v2.3.1 时出错。", "升级到 v2.3.1 时出错。"),
    ("持续 1.5 小时。", "持续 1.5 小时。"),
    # between Latin words, or Chinese and punctuation, nothing changes
    ("We lost 3 files. 已恢复 。", "We lost 3 files. 已恢复 。"),
])
def test_spacing_between_scripts(text, expected):
    assert folded(text)[0] == expected


def test_spans_map_back_to_the_source():
    text = "约 12,400 次请求失败。"
    got, analysis = folded(text)
    start = got.index("12,400")
    end = start + len("12,400次")
    assert text[analysis.offsets[start]:analysis.offsets[end - 1] + 1] == "12,400 次"
