"""Every built-in rule, checked two ways.

1. Its own `examples` in the pack: each `bad` example must fire the rule, each `good` one must not.
2. Its fixture: tests/fixtures/rules/<rule-id>.<lang>.md, with the exact findings of that rule in
   <rule-id>.<lang>.expected next to it, one per line:

       LINE:COLUMN<TAB>SEVERITY<TAB>RULE<TAB>TEXT      (TEXT with \\n, \\r, \\t and \\\\ escaped)

   Lines starting with # are comments. To write one, run
   `python tests/test_examples.py tests/fixtures/rules/<rule-id>.<lang>.md`, read every finding it
   prints, and copy only the ones you agree with; a finding you disagree with is a bug to report,
   not an expectation.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import apolint
from apolint import packs
from apolint.config import Config

HERE = Path(__file__).resolve().parent
RULE_FIXTURES = HERE / "fixtures" / "rules"

_RULESET = packs.load(packs.builtin_packs())  # no spaCy here: collection stays fast
EXAMPLES = [(rule.id, kind, i, text)
            for rule in _RULESET.rules
            for kind in ("bad", "good")
            for i, text in enumerate(rule.examples[kind])]


@pytest.mark.parametrize("rule_id, kind, index, text", EXAMPLES,
                         ids=[f"{r}-{k}{i}" for r, k, i, _ in EXAMPLES])
def test_builtin_rule_examples(builtin_config, rule_id, kind, index, text):
    result = apolint.lint_text(text, config=builtin_config)
    assert result.error is None
    fired = [(f.line, f.column, f.text, f.level) for f in result.findings if f.rule == rule_id]
    if kind == "bad":
        assert fired, f"{rule_id} did not fire on its bad example {text!r}"
    else:
        assert fired == [], f"{rule_id} fired on its good example {text!r}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def format_findings(result, rule_id: str) -> list[str]:
    return [f"{f.line}:{f.column}\t{f.level}\t{f.rule}\t{_escape(f.text)}"
            for f in result.findings if f.rule == rule_id]


def read_expected(path: Path) -> list[str]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pos, level, rule, text = line.split("\t")
        rows.append(f"{pos}\t{level}\t{rule}\t{_escape(_unescape(text))}")
    return rows


FIXTURES = sorted(RULE_FIXTURES.glob("*.md")) if RULE_FIXTURES.is_dir() else []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_rule_fixture(builtin_config, fixture):
    rule_id, lang = fixture.stem.rsplit(".", 1)
    assert _RULESET.rule(rule_id), f"no built-in rule {rule_id}"
    result = apolint.lint_file(fixture, config=builtin_config)
    assert result.error is None
    expected = read_expected(fixture.with_suffix(".expected"))
    assert expected, f"{fixture.name}: the expected file lists no finding"
    assert all(row.split("\t")[2] == rule_id for row in expected)
    assert format_findings(result, rule_id) == expected
    assert result.lang == lang


# Findings the fixture reviewer once disagreed with, since fixed in the packs: (rule, text, the
# findings of that rule we expect as (line, column, text)).
DISAGREEMENTS = [
    pytest.param("over-disclosure", "The error was IOError: No space left on device.\nWe expanded the volume.\n",
                 [(1, 15, "IOError: No space left on device.")],
                 id="over-disclosure-error-message-runs-into-the-next-line"),
    pytest.param("unfilled-placeholder", "预计XX:XX恢复。\n", [(1, 3, "XX:XX")],
                 id="unfilled-placeholder-one-time-one-finding"),
    pytest.param("unfilled-placeholder", "预计【恢复时间】前完全恢复。\n", [(1, 3, "【恢复时间】")],
                 id="unfilled-placeholder-bracket-with-recovery-word"),
]


@pytest.mark.parametrize("rule_id, text, expected", DISAGREEMENTS)
def test_former_disagreements(builtin_config, rule_id, text, expected):
    result = apolint.lint_text(text, config=builtin_config)
    assert [(f.line, f.column, f.text) for f in result.findings if f.rule == rule_id] == expected


if __name__ == "__main__":  # print findings for review; never writes an expected file
    for name in sys.argv[1:]:
        path = Path(name)
        rule = path.stem.rsplit(".", 1)[0]
        res = apolint.lint_file(path, config=Config())
        print(f"# {path.name}: {res.error or ''}")
        for f in res.findings:
            mark = "" if f.rule == rule else "   (other rule)"
            print(f"{f.line}:{f.column}\t{f.level}\t{f.rule}\t{_escape(f.text)}{mark}\t| {f.message}")
