"""Import discipline: a check loads only what the documents in front of it need.

Each test runs `apolint check` inside a fresh interpreter and reports which heavy modules
ended up in sys.modules, so a stray top-level import anywhere on the path fails here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apolint import spacy_data

HEAVY = ("spacy", "jieba", "pygls", "jsonschema", "lsprotocol")

PROBE = textwrap.dedent("""
    import json, sys
    from apolint.cli import main
    try:
        main(sys.argv[1:], prog_name="apolint")
    except SystemExit as exc:
        code = exc.code
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.stdin.readline())))
    sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
""")

EN = "We are sorry. Some users could not log in this morning; we are working on it.\n"
ZH = "由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。\n"


def token_patterns(lang: str) -> bool:
    """Do the built-in packs have token patterns for `lang` (which need its whole pipeline)?"""
    from apolint import api
    from apolint.config import Config

    return bool(api.ruleset_for(Config(root=Path(__file__).resolve().parent.parent)).compiler.tokens.get(lang))


def zh_token_patterns() -> bool:
    return token_patterns("zh")


def write_spacy_data() -> None:
    """Write spaCy's data where the cache directory of the environment keeps it, as a first-ever run would."""
    path = spacy_data.data_path(spacy_data.spacy_version())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spacy_data.load()), encoding="utf-8")


@pytest.fixture(autouse=True, scope="module")
def _spacy_data_derived():
    """The probes measure a run after the first: spaCy's data is already in the session's cache."""
    write_spacy_data()


def derive_spacy_data(cache_dir: Path, monkeypatch) -> None:
    """The same for a probe's own cache directory."""
    monkeypatch.setenv("APOLINT_CACHE_DIR", str(cache_dir))
    write_spacy_data()


def probe(*args: str, cache_dir: Path | None = None) -> tuple[int, list[str]]:
    env = dict(os.environ, NO_COLOR="1")
    if cache_dir is not None:
        env["APOLINT_CACHE_DIR"] = str(cache_dir)
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", *args], input=json.dumps(HEAVY) + "\n",
                          capture_output=True, text=True, env=env, timeout=120)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("PROBE ")]
    assert line, proc.stderr
    data = json.loads(line[-1][6:])
    return data["code"], data["heavy"]


def test_english_file_never_loads_jieba_or_pygls_and_spacy_only_for_token_patterns(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(EN, encoding="utf-8")
    code, heavy = probe(str(draft), "--no-cache")
    assert code == 1  # the draft has findings: it really was checked
    # without en token patterns, sentences come from en_sentences: no pipeline at all
    assert heavy == (["spacy"] if token_patterns("en") else [])


def test_chinese_file_without_tokens_rules_loads_neither_spacy_nor_jieba(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(ZH, encoding="utf-8")
    code, heavy = probe(str(draft), "--no-cache", "--format", "json")
    assert code == 1
    # without zh token patterns, sentences come from language.zh_sentences: no pipeline at all
    assert heavy == (["jieba", "spacy"] if zh_token_patterns() else [])


def test_chinese_file_needs_jieba_only_where_a_full_stop_sits_among_ideographs(tmp_path):
    plain = tmp_path / "plain.md"  # "." only in ASCII runs: cut the way jieba cuts them, without it
    plain.write_text("我们在升级到 v2.3.1 时出错，导致约15%的用户无法登录。\n", encoding="utf-8")
    assert probe(str(plain), "--no-cache") == (1, ["jieba", "spacy"] if zh_token_patterns() else [])
    mixed = tmp_path / "mixed.md"  # "1.5小时": jieba's dictionary decides the words around the "."
    mixed.write_text("我们的变更导致登录中断约1.5小时。\n", encoding="utf-8")
    code, heavy = probe(str(mixed), "--no-cache")
    assert heavy == (["jieba", "spacy"] if zh_token_patterns() else ["jieba"])


ZH_NEEDS_JIEBA = "我们的变更导致登录中断约1.5小时。\n"  # "1.5小时" needs jieba's dictionary


def heavy_for(*langs: str, jieba: bool = False) -> list[str]:
    """What a check of files in these languages loads: jieba when a Chinese file needs its
    dictionary, and a language's pipeline only when a pack has token patterns for it."""
    need = {"jieba"} if jieba else set()
    for lang in langs:
        if token_patterns(lang):
            need |= {"spacy", "jieba"} if lang == "zh" else {"spacy"}
    return sorted(need)


def test_first_run_ever_imports_spacy_once_to_derive_its_data(tmp_path):
    (tmp_path / "en.md").write_text(EN, encoding="utf-8")
    cache = tmp_path / "cache"
    assert probe(str(tmp_path / "en.md"), "--no-cache", cache_dir=cache) == (1, ["spacy"])
    assert (tmp_path / "spacy-data" / f"{spacy_data.spacy_version()}.json").is_file()
    assert probe(str(tmp_path / "en.md"), "--no-cache", cache_dir=cache) == (1, heavy_for("en"))


def test_cached_recheck_imports_neither_spacy_nor_jieba(tmp_path, monkeypatch):
    (tmp_path / "en.md").write_text(EN, encoding="utf-8")
    (tmp_path / "zh.md").write_text(ZH_NEEDS_JIEBA, encoding="utf-8")
    cache = tmp_path / "cache"
    derive_spacy_data(cache, monkeypatch)
    first = probe(str(tmp_path / "en.md"), str(tmp_path / "zh.md"), cache_dir=cache)
    assert first == (1, heavy_for("en", "zh", jieba=True)) and "jieba" in first[1]
    second = probe(str(tmp_path / "en.md"), str(tmp_path / "zh.md"), cache_dir=cache)
    assert second == (1, [])


def test_cached_recheck_of_an_edited_file_loads_only_its_language(tmp_path, monkeypatch):
    (tmp_path / "en.md").write_text(EN, encoding="utf-8")
    (tmp_path / "zh.md").write_text(ZH_NEEDS_JIEBA, encoding="utf-8")
    cache = tmp_path / "cache"
    derive_spacy_data(cache, monkeypatch)
    probe(str(tmp_path / "en.md"), str(tmp_path / "zh.md"), cache_dir=cache)
    (tmp_path / "en.md").write_text(EN + "Sorry again.\n", encoding="utf-8")
    code, heavy = probe(str(tmp_path / "en.md"), str(tmp_path / "zh.md"), cache_dir=cache)
    assert (code, heavy) == (1, heavy_for("en"))  # the Chinese file came from the cache: no jieba
    (tmp_path / "zh.md").write_text(ZH_NEEDS_JIEBA + "再次致歉。\n", encoding="utf-8")
    code, heavy = probe(str(tmp_path / "en.md"), str(tmp_path / "zh.md"), cache_dir=cache)
    assert (code, heavy) == (1, heavy_for("zh", jieba=True))
