"""Parsed packs are kept as JSON keyed by content: a second load skips the YAML parser, and every
line number survives, so pack errors point at the same place from the cache as without it."""
from __future__ import annotations

from pathlib import Path

import pytest

from apolint import packs
from apolint.yamlsource import SourceError, _parsed_cache, load_yaml_file

PACK = """pack: mine
languages: [en]
lexicons:
  vague: {phrases: [some users]}
rules:
  - id: my-rule
    kind: existence
    level: warning
    match: {lexicons: [vague]}
    message: '"{match}" is vague.'
    why: Because.
    examples: {bad: [some users], good: [all users]}
    bogus: 1
"""


def _tree(node):
    if isinstance(node, dict):
        return ("m", node.line, [(k, node.line_of(k), _tree(v)) for k, v in node.items()])
    if isinstance(node, list):
        return ("l", node.line, list(node.lines), [_tree(v) for v in node])
    return node


def test_second_load_comes_from_the_cache_with_the_same_lines(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("APOLINT_CACHE_DIR", str(tmp_path / "cache" / "results"))
    pack = tmp_path / "p.yaml"
    pack.write_text(PACK, encoding="utf-8")
    first = load_yaml_file(pack)
    cached = _parsed_cache(PACK)
    assert cached is not None and cached.is_file()
    second = load_yaml_file(pack)
    assert _tree(second) == _tree(first)
    assert second["rules"][0].line_of("bogus") == 13
    # the error names the same line whether the tree came from YAML or from the cache
    with pytest.raises(SourceError) as exc:
        packs.load([pack])
    assert str(exc.value).startswith(f"{pack}:13: rules[my-rule].bogus: unknown key")


def test_a_corrupt_cache_entry_is_parsed_again(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("APOLINT_CACHE_DIR", str(tmp_path / "cache" / "results"))
    pack = tmp_path / "p.yaml"
    pack.write_text(PACK, encoding="utf-8")
    load_yaml_file(pack)
    _parsed_cache(PACK).write_text("{not json", encoding="utf-8")
    assert load_yaml_file(pack)["rules"][0].line_of("bogus") == 13
