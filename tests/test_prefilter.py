"""The regex prefilter (apolint/prefilter.py) must never skip a regex that would match."""
from __future__ import annotations

import random
from pathlib import Path

import regex

from apolint import api, prefilter
from apolint.analysis import build
from apolint.config import Config
from apolint.document import parse
from apolint.evaluate import corpus_files
from apolint.language import split_languages

ROOT = Path(__file__).resolve().parent.parent


def test_special_folds_are_exactly_the_non_ascii_characters_matching_ascii_letters():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    special = set()
    for ch in map(chr, range(0x20, 0x7F)):
        for m in regex.finditer(regex.escape(ch), every, flags=regex.IGNORECASE | regex.V0):
            if m.group() != ch and m.group().lower() != ch.lower():
                special.add(m.group())
    assert special == set(prefilter.SPECIAL_FOLDS)


def test_clauses_of_typical_patterns():
    assert prefilter.required_clauses(r"\d+(?:分钟|小时)") == (frozenset({"分钟", "小时"}),)
    assert prefilter.required_clauses(r"\bRolled back\b") == (frozenset({"rolled back"}),)
    assert prefilter.required_clauses(r"(?:约)?\d+[点时]") == (frozenset({"点", "时"}),)
    assert prefilter.required_clauses(r"(?:we )?(?:will|shall) fix") == (frozenset({"will fix", "shall fix"}),)
    assert prefilter.required_clauses(r"a?b*") is None  # nothing is required
    assert prefilter.required_clauses(r"(?<=我们)\w+") is None  # a lookbehind sees before the segment
    assert prefilter.required_clauses(r"(?!我们)\w+") is None
    # a lookahead cannot see past the segment's end (the regex runs with endpos = its end)
    assert prefilter.required_clauses(r"v\d+(?=.{0,9}漏洞)") == (frozenset({"漏洞"}), frozenset({"v"}))
    assert prefilter.required_clauses(r"a\d+(?=.{0,9}漏洞)") == (frozenset({"漏洞"}),)  # ("a" is everywhere)
    assert prefilter.required_clauses(r"(?:abc){e<=1}") is None  # fuzzy matching (regex module only)
    assert prefilter.required_clauses(r"[[:alpha:]]+x") is None  # POSIX class
    assert prefilter.required_clauses(r"\p{Han}+x") is None


def test_every_required_part_of_a_sequence_is_a_clause():
    clauses = prefilter.required_clauses(r"(?:我们|我司)(?:在)?[^。]{0,20}?(?:升级|变更)了")
    assert set(clauses) == {frozenset({"我们", "我司"}), frozenset({"升级了", "变更了"})}
    # optional parts, look-arounds and alternatives without a literal add no clause
    assert prefilter.required_clauses(r"(?<!不)(?:约)?\d+(?:分钟|小时)(?:内)?") == (frozenset({"分钟", "小时"}),)
    assert prefilter.required_clauses(r"(?:a|\d)xyz") == (frozenset({"xyz"}),)
    # an escaped parenthesis before a group is not an inline flag or conditional of the regex module
    assert prefilter.required_clauses(r"\d[点时]\(?(?:utc)?\)?到") == (frozenset({"到"}), frozenset({"点", "时"}))
    assert prefilter.required_clauses(r"a(?(1)b|c)") is None


def test_a_regex_runs_only_where_every_clause_has_a_literal():
    pattern = r"(?:我们|我司)[^。]{0,20}?(?:升级|变更)"
    pre = prefilter.Prefilter([pattern])
    analysis = build(parse("我们很抱歉。\n\n系统升级导致故障。\n\n我司昨晚变更配置。\n", "draft.md"), split_languages, None, 24)
    assert len(analysis.segments) == 3
    # segment 0 has 我们 only, segment 1 升级 only, segment 2 both
    assert pre.where(pattern, pre.possible(analysis.lower, analysis.segments)) == {2}


def test_a_lookahead_stops_at_the_end_of_the_segment():
    rx = regex.compile(r"v\d(?=.{0,9}漏洞)", regex.IGNORECASE | regex.V0)
    text = "升级到v2。漏洞已修复"
    assert rx.search(text) and rx.search(text, 0, text.index("漏")) is None


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in corpus_files(ROOT / "corpus")]
    rng = random.Random(6)
    alphabet = "we are sorry SORRY İıſ the 我们 分钟 小时 点 时 约 15% 10:05 ：. 。！?" + "".join(
        chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(40))
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(5, 300))) for _ in range(300)]
    return texts


def test_no_pack_regex_is_skipped_where_it_matches():
    cfg = Config(root=ROOT)
    ruleset = api.ruleset_for(cfg)
    patterns = sorted(set(ruleset.compiler.regex_patterns))
    pre = prefilter.Prefilter(patterns)
    compiled = [(p, regex.compile(p, regex.IGNORECASE | regex.V0)) for p in patterns]
    checked = skipped = 0
    texts = _texts()
    for n, text in enumerate(texts):
        analysis = build(parse(text, "draft.md"), split_languages, None, 24)
        possible = pre.possible(analysis.lower, analysis.segments)
        for pattern, rx in compiled:
            where = pre.where(pattern, possible)
            for index, seg in enumerate(analysis.segments):
                if where is not None and index not in where:
                    assert rx.search(analysis.text, seg.start, seg.end) is None, (pattern, analysis.text[:80])
                    skipped += n < len(texts) - 300
                checked += n < len(texts) - 300
    assert skipped > checked // 2  # on the corpus, most regexes are not run in most segments
