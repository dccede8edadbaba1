"""--format sarif and --format github (exact output, SARIF schema validation), and how
--quiet and --statistics behave for every format.

The exact-output tests use the stable pack in tests/fixtures/ci/ so that tuning the built-in
packs does not change them; the schema test also runs the built-in packs' metadata."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import apolint
from apolint import api
from apolint.cli import main
from apolint.config import load_config_file
from apolint.findings import FileResult, Finding
from apolint.reporters import render
from apolint.reporters.github_format import escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent
CI_CONFIG = ROOT / "tests" / "fixtures" / "ci" / ".apolint.yaml"
SCHEMA = ROOT / "tests" / "sarif-schema-2.1.0.json"

# 🙏 is one code point (two UTF-16 units): SARIF columns here count code points.
DRAFT = "🙏 Some users could not log in. We apologize for any inconvenience.\n部分用户无法登录，我们将尽快修复。\n"


@pytest.fixture(scope="module")
def ci_config(pipelines):
    return load_config_file(CI_CONFIG)


@pytest.fixture(scope="module")
def ci_results(ci_config):
    result = apolint.lint_text(DRAFT, config=ci_config, path="notes/draft one.md")
    broken = FileResult(path="notes/broken.md", error="not valid UTF-8 (byte 3) nor GB18030")
    return [result, broken], api.ruleset_for(ci_config)


def validate(log: dict) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# --- GitHub workflow commands ---------------------------------------------------------------

def test_github_escaping_follows_the_toolkit():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a,b: 50%\n") == "a%2Cb%3A 50%25%0A"


def test_github_output_is_exact(ci_results):
    results, ruleset = ci_results
    out = render("github", results, ruleset, {})
    assert out.splitlines() == [
        '::warning file=notes/draft one.md,line=1,col=3,endLine=1,endColumn=13,title=t-vague::'
        '"Some users" is vague: say how many, e.g. 15%25, or 2,000 orders.%0A'
        'Suggestion: Give a number: "about 15%25 of users".',
        '::notice file=notes/draft one.md,line=1,col=35,endLine=1,endColumn=66,title=t-non-apology::'
        '"apologize for any inconvenience" apologises for a maybe.%0A'
        'Suggestion: apologize for the disruption this caused',
        '::warning file=notes/draft one.md,line=2,col=1,endLine=2,endColumn=5,title=t-vague::'
        '"部分用户" is vague: say how many, e.g. 15%25, or 2,000 orders.%0ASuggestion: 给出数字：「约15%25的用户」。',
        '::error file=notes/draft one.md,line=2,col=13,endLine=2,endColumn=15,title=t-vague-time::'
        '"尽快" gives no time.%0ASuggestion: 在16:00前',
        '::error file=notes/broken.md,title=apolint%3A input error::not valid UTF-8 (byte 3) nor GB18030',
    ]


def test_github_multiline_span_and_property_escaping(ci_config):
    result = apolint.lint_text("Some\nusers could not log in.\n", config=ci_config, path="a,b:c.md")
    assert render("github", [result], None, {}) == (
        '::warning file=a%2Cb%3Ac.md,line=1,endLine=2,title=t-vague::"Some%0Ausers" is vague: say how many, '
        'e.g. 15%25, or 2,000 orders.%0ASuggestion: Give a number: "about 15%25 of users".')


# --- SARIF ---------------------------------------------------------------------------------

def _descriptor(rule_id, short, full, help_text, markdown, level, kind):
    return {"id": rule_id, "name": rule_id, "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": help_text, "markdown": markdown}, "defaultConfiguration": {"level": level},
            "properties": {"tags": ["en", "zh"], "kind": kind}}


def _result(rule_id, index, level, text, line, col, end_col, snippet, fix=None):
    location = {"uri": "notes/draft%20one.md", "uriBaseId": "%SRCROOT%"}
    region = {"startLine": line, "startColumn": col, "endLine": line, "endColumn": end_col}
    out = {"ruleId": rule_id, "ruleIndex": index, "level": level, "message": {"text": text},
           "locations": [{"physicalLocation": {"artifactLocation": location,
                                               "region": {**region, "snippet": {"text": snippet}}}}]}
    if fix is not None:
        out["fixes"] = [{"description": {"text": f"Replace with \u201c{fix}\u201d"},
                         "artifactChanges": [{"artifactLocation": location, "replacements": [
                             {"deletedRegion": region, "insertedContent": {"text": fix}}]}]}]
    return out


def test_sarif_output_is_exact(ci_results):
    results, ruleset = ci_results
    log = json.loads(render("sarif", results, ruleset, {}))
    why_vague = 'Readers need to know whether they were affected. A count or a share answers that;\n"some users" does not.'
    expected_rules = [
        _descriptor(
            "t-vague", "Readers need to know whether they were affected", why_vague,
            why_vague + '\n\nSuggestion (zh): 给出数字：「约15%的用户」。\nSuggestion (en): Give a number: "about 15% of users".'
            "\n\nBad:\n  ✗ Some users could not log in.\n  ✗ 部分用户无法登录。"
            "\n\nGood:\n  ✓ About 15% of users could not log in.\n  ✓ 约15%的用户无法登录。",
            why_vague + '\n\nSuggestion (zh): 给出数字：「约15%的用户」。\n\nSuggestion (en): Give a number: "about 15% of users".'
            "\n\n**Bad**\n\n- Some users could not log in.\n- 部分用户无法登录。"
            "\n\n**Good**\n\n- About 15% of users could not log in.\n- 约15%的用户无法登录。\n",
            "warning", "existence"),
        _descriptor(
            "t-non-apology", "Apologise for what happened, not for a possibility",
            "Apologise for what happened, not for a possibility.",
            "Apologise for what happened, not for a possibility.\n\nBad:\n  ✗ We apologize for any inconvenience."
            "\n  ✗ 如有不便，敬请谅解。\n\nGood:\n  ✓ We apologize for the disruption this caused.\n  ✓ 对于给您带来的影响，我们很抱歉。",
            "Apologise for what happened, not for a possibility.\n\n**Bad**\n\n- We apologize for any inconvenience."
            "\n- 如有不便，敬请谅解。\n\n**Good**\n\n- We apologize for the disruption this caused.\n- 对于给您带来的影响，我们很抱歉。\n",
            "note", "substitution"),
        _descriptor(
            "t-vague-time",
            "A time readers can plan around needs a fact only you have, so it is never applied by fix",
            "A time readers can plan around needs a fact only you have, so it is never applied by fix.",
            "A time readers can plan around needs a fact only you have, so it is never applied by fix.\n\n"
            "Bad:\n  ✗ We will fix it as soon as possible.\n  ✗ 我们将尽快修复。\n\n"
            "Good:\n  ✓ We will fix it by 16:00 UTC.\n  ✓ 我们将在16:00前修复。",
            "A time readers can plan around needs a fact only you have, so it is never applied by fix.\n\n"
            "**Bad**\n\n- We will fix it as soon as possible.\n- 我们将尽快修复。\n\n"
            "**Good**\n\n- We will fix it by 16:00 UTC.\n- 我们将在16:00前修复。\n",
            "error", "substitution"),
    ]
    expected = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "apolint", "version": apolint.__version__,
                                "semanticVersion": apolint.__version__, "rules": expected_rules}},
            "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [{
                "level": "error", "message": {"text": "not valid UTF-8 (byte 3) nor GB18030"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "notes/broken.md",
                                                                         "uriBaseId": "%SRCROOT%"}}}],
                "descriptor": {"id": "input-error"}}]}],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [
                _result("t-vague", 0, "warning", '"Some users" is vague: say how many, e.g. 15%, or 2,000 orders.\n'
                        'Suggestion: Give a number: "about 15% of users".', 1, 3, 13, "Some users"),
                _result("t-non-apology", 1, "note", '"apologize for any inconvenience" apologises for a maybe.\n'
                        "Suggestion: apologize for the disruption this caused", 1, 35, 66,
                        "apologize for any inconvenience", fix="apologize for the disruption this caused"),
                _result("t-vague", 0, "warning", '"部分用户" is vague: say how many, e.g. 15%, or 2,000 orders.\n'
                        "Suggestion: 给出数字：「约15%的用户」。", 2, 1, 5, "部分用户"),
                _result("t-vague-time", 2, "error", '"尽快" gives no time.\nSuggestion: 在16:00前', 2, 13, 15, "尽快"),
            ],
        }],
    }
    assert log == expected
    validate(log)


def test_sarif_with_builtin_rules_is_schema_valid(builtin_config):
    files = [ROOT / "examples" / "draft.md", ROOT / "examples" / "good.md"]
    results = [apolint.lint_file(f, config=builtin_config) for f in files]
    ruleset = api.ruleset_for(builtin_config)
    log = json.loads(render("sarif", results, ruleset, {}))
    validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    # the rules of single notices, then the thread and pair rules (issue 13)
    assert [r["id"] for r in rules] == list(dict.fromkeys([r.id for r in ruleset.rules] +
                                                          [r.id for r in ruleset.threads.rules]))
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] for r in rules)
    assert len(run["results"]) == sum(len(r.findings) for r in results) > 0
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")


def test_sarif_rule_from_another_configuration_gets_a_descriptor(ci_results, builtin_config):
    results, _ = ci_results
    log = json.loads(render("sarif", results, api.ruleset_for(builtin_config), {}))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    res = log["runs"][0]["results"][0]
    assert res["ruleId"] == "t-vague"
    assert rules[res["ruleIndex"]] == {"id": "t-vague", "name": "t-vague", "defaultConfiguration": {"level": "warning"}}
    validate(log)


# --- the CLI: --format, --quiet, --statistics -------------------------------------------

@pytest.fixture(scope="module")
def draft_dir(tmp_path_factory, ci_config):
    folder = tmp_path_factory.mktemp("formats")
    (folder / ".apolint.yaml").write_text(f"packs: [{CI_CONFIG.parent / 't-ci.yaml'}]\n", encoding="utf-8")
    (folder / "draft.md").write_text(DRAFT, encoding="utf-8")
    return folder


def invoke(folder: Path, *args: str):
    """Run `apolint check draft.md ...` in-process (pipelines stay warm) from `folder`."""
    old = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, ["check", "draft.md", "--no-color", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


STATS = "     2  t-vague\n     1  t-non-apology\n     1  t-vague-time\n"


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "line"])
def test_machine_formats_keep_statistics_on_stderr_and_ignore_quiet(draft_dir, fmt):
    plain = invoke(draft_dir, "--format", fmt)
    both = invoke(draft_dir, "--format", fmt, "--quiet", "--statistics")
    assert plain.exit_code == both.exit_code == 1
    assert both.stdout == plain.stdout
    assert plain.stderr == ""
    assert both.stderr == STATS
    if fmt in ("json", "sarif"):
        json.loads(both.stdout)


def test_line_format_is_exact(draft_dir):
    out = invoke(draft_dir, "--format", "line").stdout
    assert out.splitlines() == [
        'draft.md:1:3: warning: "Some users" is vague: say how many, e.g. 15%, or 2,000 orders. [t-vague]',
        'draft.md:1:35: info: "apologize for any inconvenience" apologises for a maybe. [t-non-apology]',
        'draft.md:2:1: warning: "部分用户" is vague: say how many, e.g. 15%, or 2,000 orders. [t-vague]',
        'draft.md:2:13: error: "尽快" gives no time. [t-vague-time]',
    ]


def test_text_quiet_prints_only_findings_and_statistics(draft_dir):
    result = invoke(draft_dir, "--quiet", "--statistics")
    assert result.exit_code == 1
    assert result.stdout == (
        'draft.md:1:3: warning t-vague "Some users" is vague: say how many, e.g. 15%, or 2,000 orders.\n'
        'draft.md:1:35: info t-non-apology "apologize for any inconvenience" apologises for a maybe.\n'
        'draft.md:2:1: warning t-vague "部分用户" is vague: say how many, e.g. 15%, or 2,000 orders.\n'
        'draft.md:2:13: error t-vague-time "尽快" gives no time.\n' + STATS)


def test_fail_on_error_with_sarif(draft_dir):
    assert invoke(draft_dir, "--format", "sarif", "--fail-on", "never").exit_code == 0
    assert invoke(draft_dir, "--format", "sarif", "--fail-on", "error").exit_code == 1


# --- text: a window around a finding on a long line ----------------------------------------------

def _source_and_carets(text: str, start: int, end: int) -> list[str]:
    """The two lines `--format text` prints under a finding over text[start:end] on line 1."""
    from apolint.reporters import text_format

    finding = Finding(rule="vague-scope", level="warning", start=start, end=end, message="m", suggestion=None,
                      fix=None, text=text[start:end], line=1, column=start + 1, end_line=1, end_column=end + 1)
    result = FileResult(path="a.md", lang="en", score=0, notices=[], findings=[finding], elements={})
    out = text_format.render([result], None, {"texts": {"a.md": text}}).splitlines()
    assert out[0] == f"a.md:1:{start + 1}: warning vague-scope m"
    return out[1:3]


LONG_EN = (("The status page was updated every thirty minutes during the incident. " * 14)[:980]
           + "Some users could not log in. "
           + "The status page was updated every thirty minutes during the incident. " * 15)[:2000]


def test_text_shows_a_window_of_a_2000_character_line():
    assert len(LONG_EN) == 2000 and LONG_EN[980:990] == "Some users"
    assert _source_and_carets(LONG_EN, 980, 990) == [
        "    1 | … minutes during the incident. Some users could not log in. The status page was updated every thirt…",
        "      |                                ^^^^^^^^^^",
    ]
    # at the end of the line the context before takes the room; a finding longer than the window
    # is underlined as far as the window goes
    assert _source_and_carets(LONG_EN, 1990, 2000) == [
        "    1 | …ng the incident. The status page was updated every thirty minutes during the incident. The status ",
        "      |                                                                                          ^^^^^^^^^^",
    ]
    assert _source_and_carets(LONG_EN, 0, 2000) == [
        "    1 | The status page was updated every thirty minutes during the incident. The status page was updated …",
        "      | " + "^" * 98,
    ]


def test_text_window_on_a_long_chinese_line_counts_wide_characters_twice():
    before = "我们在凌晨的数据库升级中操作失误，导致订单服务中断。" * 8
    text = before + "部分用户无法下单，" + "我们已回滚变更，并将在两小时内完成全面排查。" * 8
    start = len(before)
    assert _source_and_carets(text, start, start + 4) == [
        "    1 | …中操作失误，导致订单服务中断。部分用户无法下单，我们已回滚变更，并将在两小时内完成全面排查。我们已…",
        "      |                                ^^^^^^^^",  # "…" and 15 wide characters before: 31 columns
    ]


def test_text_prints_a_line_that_fits_whole():
    line = "由于我们的变更，部分用户无法登录。Some users could not log in."
    start = line.index("部分用户")
    assert _source_and_carets(line, start, start + 4) == [
        "    1 | " + line,
        "      | " + " " * 16 + "^" * 8,
    ]
