"""Configuration: .apolint.yaml / [tool.apolint] found upwards, packs, add_packs, rule levels, errors."""
from __future__ import annotations

from pathlib import Path

import pytest

import apolint
from apolint.config import find_config, load_config_file
from apolint.yamlsource import SourceError
from conftest import KINDS_DIR, run_cli, spans

KIND_PACKS = f"[{KINDS_DIR / 't-core.yaml'}, {KINDS_DIR / 't-zh.yaml'}, {KINDS_DIR / 't-en.yaml'}]"
DRAFT = "Some users could not log in.\n"

EXTRA_PACK = """\
pack: extra
languages: [en]
rules:
  - id: extra-rule
    kind: existence
    level: info
    match: {phrases: [log in]}
    message: '"{match}" is jargon'
    why: A pack added from a path.
    examples: {bad: [log in], good: [sign in]}
"""


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _levels(result):
    return sorted((f.rule, f.level) for f in result.findings if f.rule in ("t-phrase", "t-scoped", "t-tokens",
                                                                            "extra-rule", "vague-scope"))


def test_apolint_yaml_is_found_from_the_file_upwards(pipelines, tmp_path):
    _tree(tmp_path, {
        ".apolint.yaml": f"packs: {KIND_PACKS}\nrules:\n  t-phrase: error\n  t-scoped: off\n  t-tokens: false\n",
        "a/b/draft.md": DRAFT,
    })
    r = apolint.lint_file(tmp_path / "a" / "b" / "draft.md")
    assert _levels(r) == [("t-phrase", "error")]
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 1, 11, "Some users")]


def test_nearest_configuration_wins_and_yml_is_accepted(pipelines, tmp_path):
    _tree(tmp_path, {
        ".apolint.yaml": f"packs: {KIND_PACKS}\nrules:\n  t-phrase: error\n",
        "sub/.apolint.yml": f"packs: {KIND_PACKS}\nrules:\n  t-phrase: info\n  t-scoped: off\n",
        "sub/draft.md": DRAFT,
        "draft.md": DRAFT,
    })
    assert _levels(apolint.lint_file(tmp_path / "sub" / "draft.md")) == [("t-phrase", "info"), ("t-tokens", "info")]
    assert _levels(apolint.lint_file(tmp_path / "draft.md")) == [
        ("t-phrase", "error"), ("t-scoped", "info"), ("t-tokens", "info")]


def test_pyproject_tool_apolint_is_found_upwards(pipelines, tmp_path):
    packs = KIND_PACKS.strip("[]").split(", ")
    _tree(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n\n[tool.apolint]\npacks = [%s]\n\n[tool.apolint.rules]\n"
                          "t-phrase = 'error'\nt-scoped = 'off'\n" % ", ".join(f"'{p}'" for p in packs),
        # a pyproject.toml without [tool.apolint] is not a configuration: the search goes on upwards
        "docs/pyproject.toml": "[project]\nname = 'docs'\n",
        "docs/draft.md": DRAFT,
    })
    cfg = find_config(str(tmp_path / "docs"))
    assert cfg.path == f"{tmp_path / 'pyproject.toml'} [tool.apolint]"
    assert _levels(apolint.lint_file(tmp_path / "docs" / "draft.md")) == [("t-phrase", "error"), ("t-tokens", "info")]


def test_apolint_yaml_beats_pyproject_in_the_same_folder(pipelines, tmp_path):
    _tree(tmp_path, {
        "pyproject.toml": "[tool.apolint]\nrules = {t-phrase = 'error'}\n",
        ".apolint.yaml": f"packs: {KIND_PACKS}\nrules: {{t-phrase: info}}\n",
    })
    assert find_config(str(tmp_path)).path == str(tmp_path / ".apolint.yaml")


def test_no_configuration_means_every_builtin_pack(pipelines, tmp_path):
    cfg = find_config(str(tmp_path))
    assert cfg.path is None and cfg.packs is None
    r = apolint.lint_file(_tree(tmp_path, {"draft.md": DRAFT}) / "draft.md")
    assert spans(r, "vague-scope") == [("vague-scope", 1, 1, 1, 11, "Some users")]


def test_add_packs_extends_the_builtin_packs(pipelines, tmp_path):
    _tree(tmp_path, {
        "packs/extra.yaml": EXTRA_PACK,
        ".apolint.yaml": "add_packs: [packs/extra.yaml]\nrules:\n  vague-scope: info\n",
        "draft.md": DRAFT,
    })
    r = apolint.lint_file(tmp_path / "draft.md")
    assert _levels(r) == [("extra-rule", "info"), ("vague-scope", "info")]
    assert spans(r, "extra-rule") == [("extra-rule", 1, 22, 1, 28, "log in")]
    assert [f.message for f in r.findings if f.rule == "extra-rule"] == ['"log in" is jargon']


def test_packs_by_builtin_name_and_path(pipelines, tmp_path):
    _tree(tmp_path, {
        "extra.yaml": EXTRA_PACK,
        ".apolint.yaml": "packs: [core, en, zh, ./extra.yaml]\n",
        "draft.md": DRAFT,
    })
    cfg = load_config_file(tmp_path / ".apolint.yaml")
    assert [p.name for p in cfg.pack_paths()] == ["core.yaml", "en.yaml", "zh.yaml", "extra.yaml"]
    assert _levels(apolint.lint_file(tmp_path / "draft.md")) == [("extra-rule", "info"), ("vague-scope", "warning")]


def test_explicit_config_argument_wins_over_discovery(pipelines, tmp_path):
    _tree(tmp_path, {
        ".apolint.yaml": f"packs: {KIND_PACKS}\n",
        "other.yaml": f"packs: {KIND_PACKS}\nrules: {{t-phrase: off, t-scoped: off, t-tokens: off}}\n",
        "draft.md": DRAFT,
    })
    assert _levels(apolint.lint_file(tmp_path / "draft.md", config=tmp_path / "other.yaml")) == []


@pytest.mark.parametrize("text, line, key, message", [
    ("packs: [core]\nlangauge: zh\n", 2, "langauge",
     "unknown key; expected one of: add_packs, exclude, extensions, fail_on, lang, packs, rules, "),
    ("rules:\n  vague-scope: loud\n", 2, "rules.vague-scope", "expected error, warning, info or off, got 'loud'"),
    ("# comment\nrules:\n  vague-scope: info\n  vauge-time: off\n", 4, "rules.vauge-time",
     "no loaded rule has this id; see `apolint rules`"),
    ("lang: fr\n", 1, "lang", "expected auto, zh or en"),
    ("fail_on: always\n", 1, "fail_on", "expected error, warning, info or never"),
    ("packs: core\n", 1, "packs", "expected a list, got str 'core'"),
    ("rules: {}\nadd_packs: [missing.yaml]\n", 2, "add_packs", "pack file not found: {root}/missing.yaml"),
    ("packs:\n  - nonesuch\n", 1, "packs", "no built-in pack 'nonesuch'; built-in: "),
])
def test_configuration_errors_exit_2_with_file_and_line(tmp_path, text, line, key, message):
    _tree(tmp_path, {".apolint.yaml": text, "draft.md": DRAFT})
    proc = run_cli("check", "draft.md", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    first = proc.stderr.splitlines()[0]
    expected = f"Error: {tmp_path / '.apolint.yaml'}:{line}: {key}: {message.format(root=tmp_path.resolve())}"
    if message.endswith(" "):
        assert first.startswith(expected), first
    else:
        assert first == expected
    assert proc.stderr.rstrip().endswith("Fix the rule pack or configuration named above.")


def test_configuration_error_from_the_api_is_raised(tmp_path):
    _tree(tmp_path, {".apolint.yaml": "langauge: zh\n"})
    with pytest.raises(SourceError) as exc:
        load_config_file(tmp_path / ".apolint.yaml")
    assert (exc.value.line, exc.value.key) == (1, "langauge")


def test_fail_on_and_lang_from_the_configuration(tmp_path):
    _tree(tmp_path, {".apolint.yaml": f"packs: {KIND_PACKS}\nfail_on: error\nlang: zh\n"
                                       "rules: {t-remedy: warning, t-long: off}\n",
                     "draft.md": "部分用户无法登录。Some users could not log in.\n"})
    proc = run_cli("check", "draft.md", "--format", "line", cwd=tmp_path)
    # lang: zh reads the English sentence as Chinese, so the English "Some users" is not matched;
    # t-remedy is a warning here, so fail_on: error exits 0
    assert proc.stdout.splitlines() == [
        'draft.md:1:1: warning: "部分用户" is vague. [t-phrase]',
        'draft.md:1:1: info: "部分用户" without a number in the sentence. [t-scoped]',
        "draft.md:1:1: info: no apology (0 of 1) [t-few]",
        "draft.md:1:1: warning: no remedy [t-remedy]",
        'draft.md:1:5: info: token pattern matched "无法登录" [t-tokens]',
    ]
    assert proc.returncode == 0
    # the command line beats the configuration
    assert run_cli("check", "draft.md", "--fail-on", "warning", cwd=tmp_path).returncode == 1
    lines = run_cli("check", "draft.md", "--lang", "en", "--format", "line", cwd=tmp_path).stdout.splitlines()
    assert [line for line in lines if line.endswith("[t-phrase]")] == [
        'draft.md:1:10: warning: "Some users" is vague. [t-phrase]']


def test_force_exclude_applies_exclude_to_files_named_on_the_command_line(tmp_path):
    """ruff's --force-exclude: pre-commit names every file, so only this flag lets `exclude` work there."""
    _tree(tmp_path, {
        ".apolint.yaml": f"packs: {KIND_PACKS}\nexclude: ['drafts/old', 'skip-*.md']\n",
        "drafts/a.md": DRAFT,
        "drafts/old/b.md": DRAFT,
        "drafts/skip-c.md": DRAFT,
    })
    files = ["drafts/a.md", "drafts/old/b.md", "drafts/skip-c.md"]
    named = run_cli("check", *files, "--format", "line", cwd=tmp_path)
    assert [line for line in named.stdout.splitlines() if line.endswith("[t-phrase]")] == [
        f'{f}:1:1: warning: "Some users" is vague. [t-phrase]' for f in files]  # named: checked
    forced = run_cli("check", *files, "--format", "line", "--force-exclude", cwd=tmp_path)
    assert [line for line in forced.stdout.splitlines() if line.endswith("[t-phrase]")] == [
        'drafts/a.md:1:1: warning: "Some users" is vague. [t-phrase]']
    assert forced.returncode == 1
    only_excluded = run_cli("check", "drafts/old/b.md", "--force-exclude", cwd=tmp_path)
    assert (only_excluded.returncode, only_excluded.stdout.strip()) == (0, "0 files checked: 0 errors, 0 warnings, 0 info")
    stdin = run_cli("check", "-", "--stdin-filename", "drafts/old/new.md", "--force-exclude", "--format", "line",
                    input=DRAFT, cwd=tmp_path)
    assert (stdin.returncode, stdin.stdout) == (0, "")
    stdin = run_cli("check", "-", "--stdin-filename", "drafts/new.md", "--force-exclude", "--format", "line",
                    input=DRAFT, cwd=tmp_path)
    assert 'drafts/new.md:1:1: warning: "Some users" is vague. [t-phrase]' in stdin.stdout.splitlines()


def test_extensions_and_exclude_choose_the_files_a_folder_walk_checks(tmp_path):
    _tree(tmp_path, {
        ".apolint.yaml": f"packs: {KIND_PACKS}\nextensions: [md, .rst]\nexclude: ['drafts/old/*']\n",
        "drafts/a.md": DRAFT,
        "drafts/b.rst": DRAFT,
        "drafts/c.txt": DRAFT,            # .txt is no longer in the list
        "drafts/old/d.md": DRAFT,         # excluded
    })
    proc = run_cli("check", "drafts", "--format", "line", cwd=tmp_path)
    assert [line for line in proc.stdout.splitlines() if line.endswith("[t-phrase]")] == [
        'drafts/a.md:1:1: warning: "Some users" is vague. [t-phrase]',
        'drafts/b.rst:1:1: warning: "Some users" is vague. [t-phrase]',
    ]
