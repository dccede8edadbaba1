"""apolint as a pre-commit hook in a repository of announcement templates.

The slow test runs the real `pre-commit try-repo <this checkout> apolint` in a temporary git
repository: pre-commit clones this checkout (HEAD plus uncommitted changes to tracked files),
installs apolint into its own virtualenv from PyPI and runs the hook defined in
.pre-commit-hooks.yaml. Templates full of placeholders must never crash the linter."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

import apolint
from apolint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CI_PACK = ROOT / "tests" / "fixtures" / "ci" / "t-ci.yaml"

PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}|\$\{[^{}\n]*\}|\{[^{}\n]*\}|X{2,}")

TEMPLATES = {
    "en.md": (
        "---\ntemplate: true\n---\n"
        "# {{ title }}: degraded {service} in ${region}\n\n"
        "Between {{ start_time }} and {{ end_time }} UTC, about XX% of users in ${region} could not {action}.\n"
        "A configuration change we deployed caused it. We rolled it back at {{ eta }}; "
        "next update by {{ next_update }}.\nWe are sorry.\n"),
    "zh.txt": (
        "【{{ 标题 }}】关于${region}地区{service}异常的说明\n\n"
        "{{ start_time }}至{{ end_time }}，由于我们的{变更}导致约XX%的用户无法{action}。"
        "我们已于{{ eta }}回滚，预计XX:XX完全恢复。非常抱歉。\n"),
    "draft.md": "由于{affected}故障，部分用户在${region}无法登录，预计{{ eta }}恢复。XX月XX日。\n\n"
                "We apologize for any inconvenience. About XX% of users in ${region} were affected until {{ eta }}.\n",
}
DEGENERATE = {"only.md": "{{ eta }}\n", "xx.txt": "XX\n", "packed.md": "${region}{affected}{{x}}XX\n",
              "braces.md": "{{ {{ }} }} ${ {\n", "empty.md": ""}


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line - 1] + column - 1


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_findings_never_cut_through_a_placeholder(name, builtin_config):
    text = TEMPLATES[name]
    result = apolint.lint_text(text, config=builtin_config, path=name)
    assert result.error is None
    holes = [m.span() for m in PLACEHOLDER.finditer(text)]
    for f in result.findings:
        start, end = _offset(text, f.line, f.column), _offset(text, f.end_line, f.end_column)
        assert text[start:end] == f.text
        cut = [text[s:e] for s, e in holes if s < start < e or s < end < e]
        assert not cut, f"{f.rule} at {f.line}:{f.column} ({f.text!r}) cuts through {cut}"


def test_placeholder_templates_never_crash_the_cli(tmp_path, pipelines):
    for name, text in {**TEMPLATES, **DEGENERATE}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--format", "json", "."], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    import json

    files = json.loads(result.stdout)["files"]
    assert sorted(f["path"] for f in files) == sorted({**TEMPLATES, **DEGENERATE})
    assert not [f["path"] for f in files if "error" in f]


# --- the real pre-commit --------------------------------------------------------------------

GOOD = ("---\ntemplate: true\n---\n# {{ title }}\n\n"
        "About {{ share }} of users in ${region} could not log in between XX:XX and {{ eta }} UTC.\n"
        "我们的变更导致约{affected}的用户无法登录，已于{{ eta }}回滚。\n")
BAD_MD = "# Login problems\n\nSome users could not log in.\nWe apologize for any inconvenience.\n"
BAD_TXT = "部分用户无法登录。\n"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _checkout_ready() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit try-repo needs one")
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", ".pre-commit-hooks.yaml"], cwd=ROOT,
                             capture_output=True, text=True)
    assert tracked.returncode == 0, ".pre-commit-hooks.yaml must be committed: try-repo ignores untracked files"


def _try_repo(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "apolint", "--color", "never",
                           *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_pre_commit_hook_on_a_template_repository(tmp_path):
    _checkout_ready()
    repo = tmp_path / "templates-repo"
    (repo / "templates").mkdir(parents=True)
    (repo / "packs").mkdir()
    (repo / "packs" / "t-ci.yaml").write_text(CI_PACK.read_text(encoding="utf-8"), encoding="utf-8")
    (repo / ".apolint.yaml").write_text("packs: [packs/t-ci.yaml]\nexclude: [templates/archive]\n", encoding="utf-8")
    (repo / "templates" / "archive").mkdir()
    (repo / "templates" / "archive" / "old.md").write_text(BAD_MD, encoding="utf-8")  # excluded: the hook skips it
    (repo / "templates" / "good.md").write_text(GOOD, encoding="utf-8")
    (repo / "templates" / "bad.md").write_text(BAD_MD, encoding="utf-8")
    (repo / "templates" / "bad.txt").write_text(BAD_TXT, encoding="utf-8")
    (repo / "templates" / "notes.rst").write_text("Some users could not log in.\n", encoding="utf-8")  # not a hook type
    _git("init", "-q", cwd=repo)
    _git("add", ".", cwd=repo)
    home = tmp_path / "pre-commit-home"

    good = _try_repo(repo, home, "--files", "templates/good.md")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"^apolint\.+Passed$", good.stdout, re.M), good.stdout

    bad = _try_repo(repo, home, "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    out = bad.stdout
    assert re.search(r"^apolint\.+Failed$", out, re.M), out
    assert "- exit code: 1" in out
    findings = [line for line in out.splitlines() if line.startswith("templates/")]
    assert findings == [
        'templates/bad.md:3:1: warning t-vague "Some users" is vague: say how many, e.g. 15%, or 2,000 orders.',
        'templates/bad.md:4:4: info t-non-apology "apologize for any inconvenience" apologises for a maybe.',
        'templates/bad.txt:1:1: warning t-vague "部分用户" is vague: say how many, e.g. 15%, or 2,000 orders.',
    ]
    assert "    3 | Some users could not log in." in out  # the source line, underlined below it
    assert "3 files checked: 0 errors, 2 warnings, 1 info" in out  # good.md, bad.md, bad.txt; not notes.rst
    assert "Traceback" not in out + bad.stderr


@pytest.mark.slow
def test_the_readme_local_hook_works_as_written(tmp_path):
    """The `.pre-commit-config.yaml` of the README, as written, with the apolint of this environment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### pre-commit"):]
    config = section[section.index("```yaml\n") + len("```yaml\n"):section.index("```\n", section.index("```yaml"))]
    repo = tmp_path / "templates-repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (repo / ".apolint.yaml").write_text("exclude: [archive]\n", encoding="utf-8")
    (repo / "archive").mkdir()
    (repo / "archive" / "old.md").write_text(BAD_TXT, encoding="utf-8")  # excluded, though pre-commit names it
    (repo / "bad.txt").write_text(BAD_TXT, encoding="utf-8")
    _git("init", "-q", cwd=repo)
    _git("add", ".", cwd=repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # where pip put the `apolint` command for this interpreter (an environment's, the system's or the user's)
    scripts = [sysconfig.get_path("scripts"), sysconfig.get_path("scripts", f"{os.name}_user"),
               str(Path(sys.executable).parent)]
    env.update(PRE_COMMIT_HOME=str(tmp_path / "home"), NO_COLOR="1", PYTHONIOENCODING="utf-8",
               PATH=os.pathsep.join(scripts + [env.get("PATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = [line for line in proc.stdout.splitlines() if line.endswith("部分用户\" does not say how many were affected.")]
    assert [f.split(":")[0] for f in findings] == ["bad.txt"], proc.stdout

