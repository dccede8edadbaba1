"""The README's template-repository examples are real: they pass the configuration shown beside them."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, cli_json


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
