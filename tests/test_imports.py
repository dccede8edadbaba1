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

# the web stack belongs to `apolint serve` only: a check, whatever its format, never loads it
HEAVY = ("spacy", "jieba", "pygls", "jsonschema", "lsprotocol", "starlette", "uvicorn", "anyio", "selenium")

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


def probe(*args: str, cache_dir: Path | None = None, watch: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    env = dict(os.environ, NO_COLOR="1")
    if cache_dir is not None:
        env["APOLINT_CACHE_DIR"] = str(cache_dir)
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", *args], input=json.dumps(watch) + "\n",
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
    # "." only in ASCII runs: cut the way jieba cuts them, without it (the space around a run that holds "."
    # is kept by the fold, apolint.analysis, so the run stays apart)
    plain = tmp_path / "plain.md"
    plain.write_text("我们在升级到 v2.3.1 时出错，导致约 15% 的用户无法登录。\n", encoding="utf-8")
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


def test_html_report_loads_no_web_stack(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(EN, encoding="utf-8")
    code, heavy = probe(str(draft), "--no-cache", "--format", "html")
    assert (code, heavy) == (1, heavy_for("en"))


def test_markdown_parser_loads_only_for_markdown_with_more_than_headings_paragraphs_and_lists(tmp_path):
    (tmp_path / "plain.md").write_text("# Login outage\n\n- " + EN, encoding="utf-8")
    (tmp_path / "link.md").write_text("# Login outage\n\n" + EN + "See [status](https://example.com).\n",
                                      encoding="utf-8")
    (tmp_path / "link.txt").write_text((tmp_path / "link.md").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    watch = ("markdown_it",)
    assert probe(str(tmp_path / "plain.md"), cache_dir=cache, watch=watch) == (1, [])
    assert probe(str(tmp_path / "link.txt"), cache_dir=cache, watch=watch) == (1, [])
    assert probe(str(tmp_path / "link.md"), cache_dir=cache, watch=watch) == (1, ["markdown_it"])
    assert probe(str(tmp_path / "link.md"), cache_dir=cache, watch=watch) == (1, [])  # from the cache


# --- one-way imports ---------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parent.parent / "apolint"
# The ways in for a person or an editor: each stands on the library, never on another front end.
FRONT_ENDS = ("apolint.cli", "apolint.lsp", "apolint.web", "apolint.serve")


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("apolint",) + path.relative_to(PACKAGE).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The apolint modules `name` imports anywhere in its source (function-local imports too, and
    importlib.import_module of a constant or f-string name), as module names."""
    import ast
    import re

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str, names: list[str] = ()) -> None:
        submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
        found.update(submodules)
        if len(submodules) < len(names) or not names:
            while target and target not in modules:  # `import apolint.x.y` names a module; a name inside one means it
                target = target.rpartition(".")[0]
            if target:
                found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "apolint":
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "apolint":
                add(target, [a.name for a in node.names])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                pattern = re.escape(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                pattern = "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                                  for part in arg.values)
            else:
                raise AssertionError(f"{path}: import_module of a computed name; the import graph cannot see it")
            found.update(m for m in modules if re.fullmatch(pattern, m))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: _imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_path(graph, set(c)) for c in components]


def _cycle_path(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A closed walk a → b → … → a inside one strongly connected component."""
    start = min(component)
    path, seen = [start], {start}
    while True:
        nxt = min(n for n in graph[path[-1]] if n in component)
        if nxt in seen:
            return path[path.index(nxt):] + [nxt]
        path.append(nxt)
        seen.add(nxt)


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module `start` imports, directly or through others: module → the module importing it."""
    parents: dict[str, str] = {}
    todo = [start]
    while todo:
        node = todo.pop()
        for nxt in graph.get(node, ()):
            if nxt not in parents and nxt != start:
                parents[nxt] = node
                todo.append(nxt)
    return parents


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert "apolint.api" in graph["apolint.cli"]  # function-local `from . import api`
    assert "apolint.explain" in graph["apolint.lsp"]  # function-local, inside a method
    assert "apolint.reporters.text_format" in graph["apolint.reporters"]  # importlib.import_module(f"...")
    assert "apolint.yamlsource" in graph["apolint.kinds.base"]  # `from ..yamlsource import`
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_cycles():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" → ".join(c) for c in found)


def test_no_front_end_imports_another():
    graph = import_graph()
    for front_end in FRONT_ENDS:
        if front_end not in graph:  # (not written yet)
            continue
        parents = reachable(graph, front_end)
        for other in FRONT_ENDS:
            if other != front_end and other in parents:
                chain = [other]
                while chain[-1] != front_end:
                    chain.append(parents[chain[-1]])
                raise AssertionError(f"{front_end} imports {other}: {' → '.join(reversed(chain))}")
