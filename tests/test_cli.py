"""The CLI as a subprocess: files, directories, stdin, text and JSON output, exit codes, rules/explain."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import apolint
from conftest import KINDS_DIR, ROOT, run_cli

CONFIG = (f"packs: [{KINDS_DIR / 't-core.yaml'}, {KINDS_DIR / 't-zh.yaml'}, {KINDS_DIR / 't-en.yaml'}]\n")
ZH = "# 公告\n\n部分用户无法登录，我们已回滚。\n"
EN = "We rolled back. Some users saw errors.\n"

FINDING_KEYS = {"rule", "severity", "line", "column", "end_line", "end_column", "message", "suggestion"}
FILE_KEYS = {"path", "lang", "elements", "score", "findings"}


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder whose .apolint.yaml selects the small test packs, with drafts in it."""
    (tmp_path / ".apolint.yaml").write_text(CONFIG, encoding="utf-8")
    drafts = tmp_path / "drafts"
    (drafts / "sub").mkdir(parents=True)
    (drafts / "zh.md").write_text(ZH, encoding="utf-8")
    (drafts / "sub" / "en.txt").write_text(EN, encoding="utf-8")
    (drafts / "notes.rst").write_text("some users\n", encoding="utf-8")  # not a draft extension
    (drafts / ".hidden").mkdir()
    (drafts / ".hidden" / "x.md").write_text("some users\n", encoding="utf-8")
    return tmp_path


TEXT_ZH = [
    "drafts/zh.md:1:3: info t-few no apology (0 of 1)",
    "    1 | # 公告",
    "      |   ^^^^",
    'drafts/zh.md:3:1: warning t-phrase "部分用户" is vague.',
    "    3 | 部分用户无法登录，我们已回滚。",
    "      | ^^^^^^^^",
    "      = suggestion: 给出数字。",
    'drafts/zh.md:3:1: info t-scoped "部分用户" without a number in the sentence.',
    "    3 | 部分用户无法登录，我们已回滚。",
    "      | ^^^^^^^^",
    'drafts/zh.md:3:5: info t-tokens token pattern matched "无法登录"',
    "    3 | 部分用户无法登录，我们已回滚。",
    "      |         ^^^^^^^^",
    "drafts/zh.md: responsibility ✗ missing  impact ~ weak  remedy ✓ present  score 59",
    "  responsibility missing (+0): no evidence",
    '  impact weak (+0.5): weak +0.5 3:1 "部分用户"',
    '  remedy present (+1): present +1 3:12 "已回滚"',
    "",
]
TEXT_EN = [
    "drafts/sub/en.txt:1:1: info t-few no apology (0 of 1)",
    "    1 | We rolled back. Some users saw errors.",
    "      | ^^^^^^^^^^^^^^^",
    'drafts/sub/en.txt:1:17: warning t-phrase "Some users" is vague.',
    "    1 | We rolled back. Some users saw errors.",
    "      |                 ^^^^^^^^^^",
    "      = suggestion: Give a number.",
    'drafts/sub/en.txt:1:17: info t-scoped "Some users" without a number in the sentence.',
    "    1 | We rolled back. Some users saw errors.",
    "      |                 ^^^^^^^^^^",
    "drafts/sub/en.txt: responsibility ✗ missing  impact ~ weak  remedy ✓ present  score 60",
    "  responsibility missing (+0): no evidence",
    '  impact weak (+0.5): weak +0.5 1:17 "Some users"',
    '  remedy present (+1): present +1 1:4 "rolled back"',
    "",
]


def test_check_a_directory_text_output(project):
    proc = run_cli("check", "drafts", cwd=project)
    assert proc.stdout.splitlines() == TEXT_ZH + TEXT_EN + ["2 files checked: 0 errors, 2 warnings, 5 info"]
    assert proc.stderr == ""
    assert proc.returncode == 1


def test_check_files_keeps_the_given_order(project):
    proc = run_cli("check", "drafts/sub/en.txt", "drafts/zh.md", "--format", "line", cwd=project)
    assert proc.stdout.splitlines() == [
        "drafts/sub/en.txt:1:1: info: no apology (0 of 1) [t-few]",
        'drafts/sub/en.txt:1:17: warning: "Some users" is vague. [t-phrase]',
        'drafts/sub/en.txt:1:17: info: "Some users" without a number in the sentence. [t-scoped]',
        "drafts/zh.md:1:3: info: no apology (0 of 1) [t-few]",
        'drafts/zh.md:3:1: warning: "部分用户" is vague. [t-phrase]',
        'drafts/zh.md:3:1: info: "部分用户" without a number in the sentence. [t-scoped]',
        'drafts/zh.md:3:5: info: token pattern matched "无法登录" [t-tokens]',
    ]
    assert proc.returncode == 1


def test_json_output_matches_the_contract(project):
    proc = run_cli("check", "drafts/zh.md", "--format", "json", cwd=project)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data == {"files": [{
        "path": "drafts/zh.md",
        "lang": "zh",
        "elements": {
            "responsibility": {"status": "missing", "score": 0.0, "evidence": []},
            "impact": {"status": "weak", "score": 0.5, "evidence": [
                {"line": 3, "column": 1, "text": "部分用户", "feature": "weak", "weight": 0.5}]},
            "remedy": {"status": "present", "score": 1.0, "evidence": [
                {"line": 3, "column": 12, "text": "已回滚", "feature": "present", "weight": 1.0}]},
        },
        "score": 59,
        "findings": [
            {"rule": "t-few", "severity": "info", "line": 1, "column": 3, "end_line": 1, "end_column": 5,
             "message": "no apology (0 of 1)", "suggestion": None},
            {"rule": "t-phrase", "severity": "warning", "line": 3, "column": 1, "end_line": 3, "end_column": 5,
             "message": '"部分用户" is vague.', "suggestion": "给出数字。"},
            {"rule": "t-scoped", "severity": "info", "line": 3, "column": 1, "end_line": 3, "end_column": 5,
             "message": '"部分用户" without a number in the sentence.', "suggestion": None},
            {"rule": "t-tokens", "severity": "info", "line": 3, "column": 5, "end_line": 3, "end_column": 9,
             "message": 'token pattern matched "无法登录"', "suggestion": None},
        ],
    }]}


def test_json_shape_with_the_builtin_packs(tmp_path):
    draft = ROOT / "examples" / "draft.md"
    proc = run_cli("check", str(draft), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == ["files"] and len(data["files"]) == 1
    f = data["files"][0]
    assert FILE_KEYS <= set(f) <= FILE_KEYS | {"stage", "notices"}
    assert f["path"] == str(draft) and f["lang"] == "zh"
    assert isinstance(f["score"], int) and 0 <= f["score"] <= 100
    assert set(f["elements"]) == {"responsibility", "impact", "remedy"}
    for element in f["elements"].values():
        assert set(element) == {"status", "score", "evidence"}
        assert element["status"] in ("present", "weak", "missing")
        assert element["score"] == round(sum({ev["feature"]: ev["weight"] for ev in element["evidence"]}.values()), 3)
        for ev in element["evidence"]:
            assert set(ev) == {"line", "column", "text", "feature", "weight"}
    assert f["findings"]
    for finding in f["findings"]:
        assert FINDING_KEYS <= set(finding) <= FINDING_KEYS | {"fix"}
        assert finding["severity"] in ("error", "warning", "info")
    assert sorted((x["line"], x["column"]) for x in f["findings"]) == [(x["line"], x["column"]) for x in f["findings"]]


def test_stdin_with_stdin_filename(project):
    proc = run_cli("check", "-", "--stdin-filename", "drafts/zh.md", "--format", "json", input=ZH, cwd=project)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["files"][0]["path"] == "drafts/zh.md"
    assert [(x["rule"], x["line"], x["column"]) for x in data["files"][0]["findings"]] == [
        ("t-few", 1, 3), ("t-phrase", 3, 1), ("t-scoped", 3, 1), ("t-tokens", 3, 5)]
    # the name chooses the format: as .txt, Markdown code is linted
    proc = run_cli("check", "-", "--stdin-filename", "note.txt", "--format", "line",
                   input="Run `some users` now.\n", cwd=project)
    assert 'note.txt:1:6: warning: "some users" is vague. [t-phrase]' in proc.stdout.splitlines()
    proc = run_cli("check", "-", "--stdin-filename", "note.md", "--format", "line",
                   input="Run `some users` now.\n", cwd=project)
    assert "[t-phrase]" not in proc.stdout


def test_stdin_text_output_shows_the_source_line(project):
    proc = run_cli("check", "-", "--stdin-filename", "draft.md", input=EN, cwd=project)
    assert proc.stdout.splitlines()[3:7] == [
        'draft.md:1:17: warning t-phrase "Some users" is vague.',
        "    1 | We rolled back. Some users saw errors.",
        "      |                 ^^^^^^^^^^",
        "      = suggestion: Give a number.",
    ]


def test_stdin_uses_the_configuration_near_the_named_file(project, tmp_path_factory):
    # from another folder, --stdin-filename points into the project: its .apolint.yaml applies
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    proc = run_cli("check", "-", "--stdin-filename", str(project / "drafts" / "x.md"), "--format", "line",
                   input=EN, cwd=elsewhere)
    assert f'{project / "drafts" / "x.md"}:1:17: warning: "Some users" is vague. [t-phrase]' in proc.stdout.splitlines()


def test_crlf_file_columns_through_the_cli(project):
    (project / "crlf.md").write_bytes("Intro.\r\n补充：部分用户无法登录。\r\n".encode("utf-8"))
    proc = run_cli("check", "crlf.md", "--format", "line", cwd=project)
    assert 'crlf.md:2:4: warning: "部分用户" is vague. [t-phrase]' in proc.stdout.splitlines()


# ---------------------------------------------------------------------------------------
# exit codes
# ---------------------------------------------------------------------------------------


CLEAN = "Our change caused errors; we rolled back. Sorry.\n"   # no finding at all
INFO = "Thank you. We rolled back; sorry.\n"                   # t-first (info)
WARNING = "Some users. We rolled back; sorry.\n"               # + t-phrase (warning)
ERROR = "Some users. Sorry.\n"                                 # + t-remedy (error)


@pytest.mark.parametrize("args, text, worst, code", [
    ((), CLEAN, None, 0),
    (("--fail-on", "info"), CLEAN, None, 0),
    ((), INFO, "info", 0),                      # the default failing level is warning
    (("--fail-on", "info"), INFO, "info", 1),
    ((), WARNING, "warning", 1),
    (("--fail-on", "error"), WARNING, "warning", 0),
    (("--fail-on", "error"), ERROR, "error", 1),
    (("--fail-on", "never"), ERROR, "error", 0),
])
def test_exit_codes(project, args, text, worst, code):
    (project / "d.md").write_text(text, encoding="utf-8")
    proc = run_cli("check", "d.md", "--format", "json", *args, cwd=project)
    levels = {f["severity"] for f in json.loads(proc.stdout)["files"][0]["findings"]}
    rank = ["info", "warning", "error"]
    assert max(levels, key=rank.index, default=None) == worst
    assert proc.returncode == code, proc.stdout


def test_exit_code_2_for_a_missing_path(project):
    proc = run_cli("check", "nope.md", cwd=project)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "Error: nope.md: no such file or directory"


def test_exit_code_2_for_an_unreadable_file_but_others_are_reported(project):
    (project / "drafts" / "bad.md").write_text("---\nx: [\n---\nSome users.\n", encoding="utf-8")
    proc = run_cli("check", "drafts", "--format", "json", cwd=project)
    assert proc.returncode == 2
    files = json.loads(proc.stdout)["files"]
    assert [f["path"] for f in files] == ["drafts/bad.md", "drafts/zh.md", "drafts/sub/en.txt"]
    assert set(files[0]) == {"path", "error"} and files[0]["error"].startswith("front matter")
    assert proc.stderr.startswith("apolint: drafts/bad.md: front matter")
    proc = run_cli("check", "drafts", cwd=project)
    assert proc.returncode == 2
    assert proc.stdout.splitlines()[0].startswith("drafts/bad.md: error front matter")
    assert proc.stdout.splitlines()[-1] == "3 files checked: 0 errors, 2 warnings, 5 info; 1 file could not be checked"


def test_usage_errors_exit_2(project):
    assert run_cli("check", cwd=project).returncode == 2
    proc = run_cli("check", "drafts", "--format", "xml", cwd=project)
    assert proc.returncode == 2 and "Invalid value for '--format'" in proc.stderr
    proc = run_cli("check", "drafts", "--fail-on", "fatal", cwd=project)
    assert proc.returncode == 2 and "Invalid value for '--fail-on'" in proc.stderr
    proc = run_cli("check", "drafts", "--config", "missing.yaml", cwd=project)
    assert proc.returncode == 2 and "missing.yaml" in proc.stderr


# ---------------------------------------------------------------------------------------
# rules, explain, help
# ---------------------------------------------------------------------------------------


def test_rules_lists_every_rule_with_its_summary(project):
    proc = run_cli("rules", cwd=project)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0] == "t-phrase         warning  zh/en  Phrase matching"
    assert lines[-1] == "t-refund         warning  zh/en  conditional"
    assert len(lines) == 16
    data = json.loads(run_cli("rules", "--format", "json", cwd=project).stdout)
    assert data[0] == {"id": "t-phrase", "kind": "existence", "level": "warning", "languages": ["zh", "en"],
                       "family": "t-phrase", "summary": "Phrase matching"}
    assert [r["family"] for r in data if r["id"].startswith("t-many")] == ["t-over", "t-over"]


def test_rules_with_the_builtin_packs(tmp_path):
    proc = run_cli("rules", cwd=tmp_path)
    assert proc.returncode == 0
    ids = [line.split()[0] for line in proc.stdout.splitlines()]
    assert {"missing-responsibility", "missing-impact", "missing-remedy", "vague-scope", "non-apology"} <= set(ids)


def test_explain_prints_why_suggestion_and_examples(project):
    proc = run_cli("explain", "t-phrase", cwd=project)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "t-phrase (existence, warning, en/zh)",
        "",
        "Phrase matching.",
        "",
        "Suggestion:",
        "  zh: 给出数字。",
        "  en: Give a number.",
        "",
        "Bad:",
        "  ✗ 部分用户无法登录。",
        "  ✗ Some users could not log in.",
        "Good:",
        "  ✓ 约15%的用户无法登录。",
        "  ✓ About 15% of users could not log in.",
        "",
        f"Defined in {KINDS_DIR / 't-core.yaml'}:21",
    ]


def test_explain_unknown_rule_suggests_close_ids(project):
    proc = run_cli("explain", "t-phras", cwd=project)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "Error: no rule 't-phras'. Did you mean: t-phrase?"
    proc = run_cli("explain", "zzzz", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Error: no rule 'zzzz'. See `apolint rules`."


def test_help(tmp_path):
    proc = run_cli("--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: python -m apolint [OPTIONS] COMMAND [ARGS]...")
    for command in ("check", "rules", "explain"):
        assert f"  {command} " in proc.stdout
    proc = run_cli("check", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for option in ("--format", "--lang", "--config", "--fail-on", "--stdin-filename"):
        assert option in proc.stdout


# ---------------------------------------------------------------------------------------
# the library returns what the CLI prints
# ---------------------------------------------------------------------------------------


def test_lint_text_matches_the_cli_json(project):
    for name in ("drafts/zh.md", "drafts/sub/en.txt"):
        text = (project / name).read_text(encoding="utf-8")
        cli = json.loads(run_cli("check", name, "--format", "json", cwd=project).stdout)["files"][0]
        api = apolint.lint_text(text, config=project / ".apolint.yaml", path=name).to_json()
        assert api == cli


def test_lint_text_matches_the_cli_json_with_builtin_packs(tmp_path):
    text = (ROOT / "examples" / "draft.md").read_text(encoding="utf-8")
    (tmp_path / "draft.md").write_text(text, encoding="utf-8")
    cli = json.loads(run_cli("check", "draft.md", "--format", "json", cwd=tmp_path).stdout)["files"][0]
    api = apolint.lint_text(text, path="draft.md").to_json()
    assert api == cli
    assert apolint.lint_file(tmp_path / "draft.md").to_json() == dict(cli, path=str(tmp_path / "draft.md"))
