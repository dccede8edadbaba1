"""Property-based tests (hypothesis) over arbitrary Unicode, Chinese, English and Markdown:

- linting never raises (the only error a text can cause is bad front matter, reported);
- every finding's and every evidence's span lies inside the text, its `text` is exactly the
  source slice, and its line/column are where that offset is (Document.position), and back
  (Document.offset);
- line/column round-trip for every offset of any text;
- results are deterministic (the same text linted twice gives the same JSON);
- `fix` is idempotent: fixing the fixed text changes nothing.

Examples are drawn from fragments that exercise the matchers (phrases, full-width forms,
invisible characters, CR line ends, Markdown syntax) mixed with arbitrary characters.
max_examples is modest so the suite stays fast; run with HYPOTHESIS_PROFILE=long for more.
"""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import apolint
from apolint import document, fixer
from apolint.config import load_config_file
from apolint.reporters import render
from conftest import FIXTURES

settings.register_profile("default", max_examples=150, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FRAGMENTS = [
    # what the rules look for, in both languages and scripts
    "部分用户", "部分用戶", "部分\u200b用户", "some users", "Some Users", "如有不便，敬请谅解", "如有不便,敬请谅解",
    "sorry for any inconvenience", "Sorry for any inconvenience", "约15%", "约１５％", "15.5%", "我们的变更导致",
    "Our database upgrade caused", "由于第三方服务商故障", "正在全力修复", "尽快", "as soon as possible",
    "補償帳號", "深表歉意", "We apologize.",
    # punctuation and spacing
    "。", "，", ",", ". ", "! ", "？", "：", ":", "(", ")", "（", "）", "“", "”", "「", "」", '"', " ", "\t", "\u3000",
    "\u00a0",
    # line ends and invisible or unusual characters
    "\n", "\n\n", "\r\n", "\r", "\r\r\n", "\u2028", "\x0c", "\x85", "\u200b", "\u200d", "\u202e", "\u2066",
    "\ufeff", "\u00ad", "😀", "👨\u200d👩\u200d👧", "𠀀", "１", "％", "Ａ",
    # Markdown
    "# ", "## ", "- ", "* ", "1. ", "> ", "| a | b |", "`", "``", "```\n", "~~~\n", "<!--", "-->",
    "<!-- apolint-disable -->", "<!-- apolint-enable -->", "<!-- apolint-disable-next-line r-vague -->",
    "# apolint-disable r-vague\n", "[link](https://example.com/部分用户)", "https://example.com/some-users",
    "<https://example.com/x>", "<b>", "</b>", "[ref]: https://x.y\n", "---\n", "lang: zh\n", "lang: en\n",
    "stage: resolved\n", "channel: sms\n",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map("".join)
paths = st.sampled_from(["draft.md", "draft.txt"])


@pytest.fixture(scope="module")
def robust_cfg(pipelines):
    return load_config_file(FIXTURES / "robustness" / ".apolint.yaml")


def check_spans(text: str, path: str, result) -> None:
    if result.error is not None:
        assert result.error.startswith("front matter"), result.error
        with pytest.raises(document.InputError):
            document.parse(text, path)
        return
    doc = document.parse(text, path)
    n = len(text)
    for f in result.findings:
        assert 0 <= f.start <= f.end <= n, (f, n)
        assert f.text == text[f.start:f.end]
        assert (f.line, f.column) == doc.position(f.start)
        assert (f.end_line, f.end_column) == doc.position(f.end)
        assert doc.offset(f.line, f.column) == f.start
        assert doc.offset(f.end_line, f.end_column) == f.end
        assert f.fix is None or isinstance(f.fix, str)
    for element in result.elements.values():
        assert element.status in ("present", "weak", "missing")
        for ev in element.evidence:
            assert 0 <= ev.start <= ev.end <= n
            assert ev.text == text[ev.start:ev.end]
            assert (ev.line, ev.column) == doc.position(ev.start)
    json.dumps(result.to_json(), ensure_ascii=False)  # serialisable


@given(text=texts, path=paths)
def test_linting_never_raises_and_spans_are_sound(robust_cfg, text, path):
    result = apolint.lint_text(text, config=robust_cfg, path=path)
    check_spans(text, path, result)
    # the reporters take whatever the engine gives them, and the text format quotes the right line
    for fmt in ("json", "line"):
        render(fmt, [result], None, {"texts": {path: text}, "color": False})
    shown = render("text", [result], None, {"texts": {path: text}, "color": False}).split("\n")
    if result.error is None:
        doc = document.parse(text, path)
        for f in result.findings:
            line = doc.line_text(f.line)
            if _width(line) <= 100:
                assert f"{f.line:>5} | {line}" in shown
            else:  # a window of the line, "…" where it is cut
                gutter = f"{f.line:>5} | "
                assert any(_is_window(row[len(gutter):], line) for row in shown if row.startswith(gutter))


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _is_window(shown: str, line: str) -> bool:
    """Is `shown` a piece of `line` at most 100 columns wide, with "…" at each end that was cut?"""
    for head in ("", "…"):
        for tail in ("", "…"):
            if shown.startswith(head) and shown.endswith(tail) and len(shown) >= len(head) + len(tail):
                core = shown[len(head):len(shown) - len(tail)]
                if (line.startswith(core) if not head else core in line[1:]) and \
                        (line.endswith(core) if not tail else core in line[:-1]) and _width(shown) <= 100:
                    return True
    return False


@settings(max_examples=100)
@given(text=texts, path=paths)
def test_builtin_packs_never_raise_and_spans_are_sound(builtin_config, text, path):
    check_spans(text, path, apolint.lint_text(text, config=builtin_config, path=path))


def reference_positions(text: str) -> list[tuple[int, int]]:
    """(line, column) of every offset, counted the slow, obvious way: \n, \r\n and a lone \r end
    a line (as in editors and the LSP); nothing else does."""
    out = []
    line, column = 1, 1
    for i, ch in enumerate(text):
        out.append((line, column))
        if ch == "\n" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            line, column = line + 1, 1
        else:
            column += 1
    out.append((line, column))
    return out


@given(text=st.one_of(texts, st.text()))
def test_line_and_column_round_trip_for_every_offset(text):
    doc = document.Document(path="x.txt", text=text, markdown=False)
    expected = reference_positions(text)
    assert [doc.position(o) for o in range(len(text) + 1)] == expected
    assert all(doc.offset(line, column) == o for o, (line, column) in enumerate(expected))
    assert doc.line_count == expected[-1][0]


@settings(max_examples=60)
@given(text=texts, path=paths)
def test_results_are_deterministic(robust_cfg, builtin_config, text, path):
    for cfg in (robust_cfg, builtin_config):
        first = apolint.lint_text(text, config=cfg, path=path).to_json()
        again = apolint.lint_text(text, config=cfg, path=path).to_json()
        assert json.dumps(first, ensure_ascii=False, sort_keys=True) == json.dumps(again, ensure_ascii=False,
                                                                                  sort_keys=True)


@settings(max_examples=60)
@given(text=texts, path=paths)
def test_fix_is_idempotent(robust_cfg, builtin_config, text, path):
    for cfg in (robust_cfg, builtin_config):
        def lint(t, cfg=cfg):
            return apolint.lint_text(t, config=cfg, path=path)

        once = fixer.fix_text(text, lint, path)
        if once.error is not None:  # only bad front matter stops a fix, and then nothing changes
            assert once.error.startswith("front matter"), once.error
            assert once.fixed == text
            continue
        twice = fixer.fix_text(once.fixed, lint, path)
        assert twice.error is None
        assert twice.fixed == once.fixed
        assert not twice.applied
