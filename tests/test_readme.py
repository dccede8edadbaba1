"""The README's template-repository examples are real: they pass the configuration shown beside them."""
from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT, cli_json, run_cli


def _blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Incident lifecycle and template repositories", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", section, re.S)


def test_readme_template_repository_examples_pass(tmp_path: Path, pipelines):
    [config] = [b for b in _blocks("yaml") if "templates:" in b]
    templates = [b for b in _blocks("markdown") if b.startswith("---\ntemplate: true")]
    assert len(templates) == 2
    (tmp_path / ".apolint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    for i, body in enumerate(templates):
        (tmp_path / "templates" / f"t{i}.md").write_text(body, encoding="utf-8")
    code, data = cli_json("check", "--no-cache", "templates", cwd=tmp_path)
    assert code == 0
    for f in data["files"]:
        assert f["findings"] == [], f
        assert {k: v["status"] for k, v in f["elements"].items()} == {
            "responsibility": "present", "impact": "present", "remedy": "present"}
    assert [f["stage"]["name"] for f in data["files"]] == ["acknowledge", "resolved"]


def test_readme_github_actions_workflow_works_as_written():
    """The CI example installs apolint from the checkout (it is not on a package index) and its
    lint command runs on this repository as written."""
    import yaml

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## CI", 1)[1].split("\n## ", 1)[0].split("### pre-commit", 1)[0]
    workflow = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", section, re.S)[0])
    steps = workflow["jobs"]["apolint"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert runs[0] == "pip install ."
    assert "OWNER" not in section and "git+https" not in section
    command = runs[1].split(" > ")[0].split()
    assert command[:2] == ["apolint", "check"]
    proc = run_cli(*command[1:], "--no-cache", cwd=ROOT)
    assert proc.stdout, proc.stderr
    data = json.loads(proc.stdout)
    assert proc.returncode in (0, 1) and data["version"] == "2.1.0"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in data["runs"][0]["results"]} <= {"examples/draft.md", "examples/good.md"}
