"""The results cache (apolint/cache.py) and the batch runner that consults it (apolint/batch.py)."""
from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

from apolint import api, batch, cache
from apolint.config import Config, load_config_file
from apolint.findings import ElementResult, Evidence, FileResult, Finding

ROOT = Path(__file__).resolve().parent.parent
EN = "We are sorry. Some users could not log in this morning; we are working on it.\n"
ZH = "由于第三方服务商故障，部分用户今日上午无法登录。我们正在全力修复，将尽快恢复服务。\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("APOLINT_CACHE_DIR", str(path))
    return path


@pytest.fixture
def own_packs(tmp_path):
    """A copy of the built-in packs and a configuration that loads the copy."""
    packs = tmp_path / "packs"
    shutil.copytree(ROOT / "rules", packs, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    config = tmp_path / ".apolint.yaml"
    names = sorted(p.name for p in packs.glob("*.yaml"))
    config.write_text("packs: [" + ", ".join(f"packs/{n}" for n in names) + "]\n", encoding="utf-8")
    return packs, config


def entries(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.json")) if path.exists() else []


def test_result_round_trips_through_json():
    result = FileResult(path="a.md", lang="zh", score=62, notices=[],
                        findings=[Finding(rule="vague-scope", level="warning", start=9, end=13, message="m",
                                          suggestion="s", fix=None, text="部分用户", line=1, column=10,
                                          end_line=1, end_column=14)],
                        elements={"impact": ElementResult("weak", [Evidence(9, 13, "部分用户", 1, 10)]),
                                  "remedy": ElementResult("missing")})
    data = json.loads(json.dumps(cache.to_json(result)))
    assert cache.from_json(data, "b.md") == FileResult(**{**result.__dict__, "path": "b.md"})


def test_pack_fingerprint_equals_the_compiled_rulesets(own_packs):
    _, config_path = own_packs
    cfg = load_config_file(config_path)
    assert cache.pack_fingerprint(cfg) == api.ruleset_for(cfg).fingerprint
    default = Config(root=ROOT)
    assert cache.pack_fingerprint(default) == api.ruleset_for(default).fingerprint


def test_second_run_is_served_from_the_cache(cache_dir, monkeypatch):
    cfg = Config(root=ROOT)
    items = [("a.md", EN, cfg), ("b.md", ZH, cfg)]
    first = batch.lint_all(items, None)
    assert len(entries(cache_dir)) == 2

    def fail(*args, **kwargs):
        raise AssertionError("linted again instead of served from the cache")

    monkeypatch.setattr(api, "lint_text", fail)
    second = batch.lint_all([("c.md", EN, cfg), ("b.md", ZH, cfg)], None)
    assert [r.path for r in second] == ["c.md", "b.md"]  # reported under the current name
    assert [r.to_json() for r in second][1] == first[1].to_json()
    assert {**second[0].to_json(), "path": "a.md"} == first[0].to_json()


def test_no_cache_neither_reads_nor_writes(cache_dir):
    cfg = Config(root=ROOT)
    batch.lint_all([("a.md", EN, cfg)], None, use_cache=False)
    assert entries(cache_dir) == []


def test_key_changes_with_content_language_suffix_and_config(own_packs):
    _, config_path = own_packs
    cfg = load_config_file(config_path)
    base = cache.key(EN, cfg, None, "a.md")
    assert cache.key(EN, cfg, None, "other/a.md") == base  # the name alone does not matter
    assert cache.key(EN + " ", cfg, None, "a.md") != base
    assert cache.key(EN, cfg, "en", "a.md") != base
    assert cache.key(EN, cfg, None, "a.txt") != base  # plain text is not parsed as Markdown
    off = load_config_file(config_path)
    off.rules = {"vague-scope": "off"}
    assert cache.key(EN, off, None, "a.md") != base


def test_editing_a_pack_invalidates(own_packs, cache_dir):
    packs, config_path = own_packs
    cfg = load_config_file(config_path)
    before = cache.key(EN, cfg, None, "a.md")
    pack = sorted(packs.glob("*.yaml"))[0]
    pack.write_bytes(pack.read_bytes() + b"\n# edited\n")
    assert cache.key(EN, load_config_file(config_path), None, "a.md") != before


def test_corrupt_entry_is_a_miss_and_is_rewritten(cache_dir):
    cfg = Config(root=ROOT)
    [good] = batch.lint_all([("a.md", EN, cfg)], None)
    [entry] = entries(cache_dir)
    for garbage in (b"{not json", b'{"format": 1, "result": {"lang": "en"}}', b"[]", b""):
        entry.write_bytes(garbage)
        assert cache.get(cache.key(EN, cfg, None, "a.md"), "a.md") is None
        [again] = batch.lint_all([("a.md", EN, cfg)], None)
        assert again.to_json() == good.to_json()
        assert cache.get(cache.key(EN, cfg, None, "a.md"), "a.md").to_json() == good.to_json()


def test_results_with_notices_or_errors_are_not_stored(cache_dir):
    cache.put("ab" * 32, FileResult(path="a.md", lang="en", score=90, notices=["regex timed out"]))
    cache.put("cd" * 32, FileResult(path="a.md", error="binary file"))
    assert entries(cache_dir) == []


def _writer(directory: str, key: str, rounds: int) -> int:
    import os

    os.environ["APOLINT_CACHE_DIR"] = directory
    from apolint import cache as c
    from apolint.findings import FileResult as R

    bad = 0
    for i in range(rounds):
        c.put(key, R(path="x.md", lang="en", score=i % 7, findings=[], elements={}))
        got = c.get(key, "x.md")
        if got is None or got.lang != "en":
            bad += 1
    return bad


def test_concurrent_writers_never_leave_a_torn_entry(cache_dir):
    key = "ef" * 32
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        bad = pool.starmap(_writer, [(str(cache_dir), key, 200)] * 4)
    assert bad == [0, 0, 0, 0]
    assert [p.name for p in (cache_dir / key[:2]).iterdir()] == [f"{key[2:]}.json"]  # no temp files left
    assert cache.get(key, "x.md").score in range(7)


def test_jobs_two_gives_the_same_results_in_the_same_order(cache_dir):
    cfg = Config(root=ROOT)
    items = [(f"{i:02d}.md", (EN if i % 3 else ZH).replace("morning", f"morning ({i})"), cfg) for i in range(12)]
    serial = batch.lint_all(items, None, use_cache=False)
    parallel = batch.lint_all(items, None, use_cache=False, jobs=2)
    assert [r.to_json() for r in parallel] == [r.to_json() for r in serial]


def test_cli_jobs_two_prints_what_jobs_one_prints(tmp_path):
    import os
    import subprocess
    import sys

    for i in range(6):
        (tmp_path / f"{i}.md").write_text((EN if i % 2 else ZH).replace("。", f"（{i}）。", 1), encoding="utf-8")
    env = dict(os.environ, APOLINT_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1")

    def check(*extra):
        return subprocess.run([sys.executable, "-m", "apolint", "check", str(tmp_path), "--no-cache",
                               "--format", "json", *extra], capture_output=True, text=True, env=env, timeout=300)

    one, two = check(), check("--jobs", "2")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.returncode == 1 and len(json.loads(one.stdout)["files"]) == 6


def test_known_good_regexes_compile_lazily_and_bad_ones_still_fail(cache_dir, monkeypatch):
    import regex

    from apolint import matchers

    monkeypatch.setattr(matchers, "_VALIDATED", None)
    monkeypatch.setattr(matchers, "_LAZY", {})
    monkeypatch.setattr(matchers, "_NEWLY_VALIDATED", set())
    pattern = r"约\d+名用户(?:受影响)?"
    first = matchers.compile_regex(pattern)
    assert not isinstance(first, matchers.LazyRegex)  # never seen: compiled (and so checked) now
    matchers.remember_validated()
    assert (cache_dir / f"regex-ok-{regex.__version__}.dat").is_file()
    monkeypatch.setattr(matchers, "_VALIDATED", None)  # a later run
    second = matchers.compile_regex(pattern)
    assert isinstance(second, matchers.LazyRegex) and second._compiled is None
    assert [m.span() for m in second.finditer("共约15名用户受影响", 0, 10)] == [(1, 10)]
    assert second.pattern == pattern and second.flags == first.flags
    with pytest.raises(regex.error):
        matchers.compile_regex(r"(unclosed")


class _RemovesOnLoad:
    """Unpickling this removes a file: what a foreign cache file could do if it were trusted."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        import os

        return os.remove, (self.path,)


def test_compiled_regexes_are_kept_and_nothing_else_is_read_back(cache_dir, monkeypatch, tmp_path):
    import pickle

    import regex

    from apolint import matchers

    monkeypatch.setattr(matchers, "_COMPILED", None)
    monkeypatch.setattr(matchers, "_NEWLY_COMPILED", {})
    pattern = r"(?<!不)约\d+名用户(?:受影响)?"
    first = matchers._compile_pack_regex(pattern)
    matchers.remember_compiled()
    path = matchers._compiled_path()
    assert path.is_file() and path.parent == cache_dir
    compile_ = regex.compile
    monkeypatch.setattr(matchers, "_COMPILED", None)  # a later run reads the compiled code back
    monkeypatch.setattr(regex, "compile", lambda *a, **k: pytest.fail("compiled again"))
    second = matchers._compile_pack_regex(pattern)
    assert second is not first and (second.pattern, second.flags) == (first.pattern, first.flags)
    text = "共约15名用户受影响，不约20名用户"
    assert [m.span() for m in second.finditer(text)] == [m.span() for m in first.finditer(text)] == [(1, 10)]
    monkeypatch.setattr(regex, "compile", compile_)
    # a file (or an entry) naming any other callable is not run, and the regex is compiled again
    marker = tmp_path / "marker"
    marker.write_text("kept")
    for kept in ({pattern: pickle.dumps(_RemovesOnLoad(str(marker)))}, _RemovesOnLoad(str(marker))):
        path.write_bytes(pickle.dumps(kept))
        monkeypatch.setattr(matchers, "_COMPILED", None)
        third = matchers._compile_pack_regex(pattern)
        assert marker.is_file() and [m.span() for m in third.finditer(text)] == [(1, 10)]
    path.write_bytes(path.read_bytes()[:20])  # damaged: compiled again
    monkeypatch.setattr(matchers, "_COMPILED", None)
    assert [m.span() for m in matchers._compile_pack_regex(pattern).finditer(text)] == [(1, 10)]
    # the file keeps the most recently written regexes only
    monkeypatch.setattr(matchers, "_MAX_KEPT_COMPILED", 2)
    for other in ("a+b", "c+d"):
        matchers._compile_pack_regex(other)
        matchers.remember_compiled()
    assert list(matchers._load_compiled(path.read_bytes())) == ["a+b", "c+d"]


def test_another_spacy_version_is_another_key(monkeypatch):
    """spaCy's data decides the sentences (apolint.spacy_data): results of another spaCy are not reused."""
    from apolint import spacy_data

    config = Config(root=ROOT)
    before = cache.key(EN, config, None, "a.md")
    monkeypatch.setattr(cache, "_CODE", None)
    monkeypatch.setattr(spacy_data, "spacy_version", lambda: "0.0.1")
    assert cache.key(EN, config, None, "a.md") != before
