"""Fuzz target: the pack and configuration loaders — bytes → a file → yamlsource → packs.load
(validation and compilation: lexicons, elements, stages, rules, regexes, token patterns) or
config.load_config_file.

    python fuzz/fuzz_packs.py -max_total_time=600 [corpus-dir]   # atheris / libFuzzer
    python fuzz/fuzz_packs.py --plain -max_total_time=600        # without atheris

Two kinds of input, chosen by the first byte:
- raw: the bytes are the file (a pack, or a configuration), so the YAML layer meets anything;
- structured: the bytes steer edits to valid packs (the test packs, loaded together), replacing,
  deleting or adding values anywhere in them, so validation deep inside rules and pattern sets
  is reached instead of stopping at a YAML syntax error.
Expected outcomes are a RuleSet / Config or a SourceError naming the file it came from; any
other exception is a failure.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness  # noqa: E402

with _harness.instrumented():
    from apolint import config, packs
    from apolint.yamlsource import SourceError

import yaml  # noqa: E402

SEEDS = ["rules/*.yaml", "tests/fixtures/packs/**/*.yaml", "tests/fixtures/robustness/*.yaml"]
_DIR = Path(tempfile.mkdtemp(prefix="apolint-fuzz-packs-"))
RAW_PACK = _DIR / "pack.yaml"
RAW_CONFIG = _DIR / ".apolint.yaml"

# valid pack sets to edit: each is loaded together, in order
_SETS = [
    ["tests/fixtures/packs/kinds/t-core.yaml", "tests/fixtures/packs/kinds/t-zh.yaml",
     "tests/fixtures/packs/kinds/t-en.yaml"],
    ["tests/fixtures/robustness/pack.yaml"],
]
TEMPLATES = [[yaml.safe_load((_harness.ROOT / p).read_text(encoding="utf-8")) for p in group] for group in _SETS]
# values an edit may put anywhere: right and wrong types, the packs' own vocabulary, hostile text
WORDS = ["existence", "substitution", "occurrence", "require", "conditional", "length", "zh", "en", "fr",
         "error", "warning", "info", "off", "sentence", "paragraph", "document", "present", "weak", "missing",
         "extend", "replace", "impact", "responsibility", "remedy", "vague", "count", "owned", "phrases", "regex",
         "tokens", "lexicons", "any", "unless_sentence", "unless_before", "unless_after", "within", "when",
         "{match}", "{count}", "{max}", "{", "}", "{0}", "{match!r}", "(", "(a|aa)+$", "[", "\\", "\\d+%", "(?i)x",
         "(?P<x>a)(?P=x)", "a{1,99999}", "部分用户", "", " ", "\x00", "\u200b", "x" * 300, "LOWER", "ORTH", "OP",
         "+", "{2,}", "IN", "REGEX", "NOT_IN", "LENGTH", "IS_DIGIT", "t-phrase", "r-vague", "core", "t-core"]


class Steer:
    """Decisions read from the fuzzer's bytes (deterministic, so a crash reproduces)."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def byte(self) -> int:
        b = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return b

    def below(self, n: int) -> int:
        return (self.byte() * 256 + self.byte()) % n if n > 0 else 0

    def value(self, depth: int = 0):
        kind = self.below(10)
        if kind <= 3:
            return WORDS[self.below(len(WORDS))]
        if kind == 4:
            return self.below(2000) - 5
        if kind == 5:
            return [True, False, None, 1.5][self.below(4)]
        if kind == 6 and depth < 3:
            return [self.value(depth + 1) for _ in range(self.below(4))]
        if kind == 7 and depth < 3:
            return {WORDS[self.below(len(WORDS))]: self.value(depth + 1) for _ in range(self.below(3))}
        if kind == 8:
            return [[{WORDS[self.below(len(WORDS))]: self.value(depth + 1)}]]  # a token pattern shape
        return "".join(chr(self.below(0x3000) + 1) for _ in range(self.below(12)))


def _slots(node, out, parent=None, key=None):
    out.append((parent, key))
    if isinstance(node, dict):
        for k in list(node):
            _slots(node[k], out, node, k)
    elif isinstance(node, list):
        for i in range(len(node)):
            _slots(node[i], out, node, i)
    return out


def structured(steer: Steer) -> list[Path]:
    import copy

    group = copy.deepcopy(TEMPLATES[steer.below(len(TEMPLATES))])
    for _ in range(1 + steer.below(4)):
        doc_index = steer.below(len(group))
        slots = _slots(group[doc_index], [])
        parent, key = slots[steer.below(len(slots))]
        action = steer.below(4)
        if parent is None:  # the whole document
            group[doc_index] = steer.value()
        elif action == 0 and isinstance(parent, dict):
            del parent[key]
        elif action == 0 and isinstance(parent, list):
            parent.pop(key)
        elif action == 1 and isinstance(parent, dict):
            parent[WORDS[steer.below(len(WORDS))]] = steer.value()
        else:
            parent[key] = steer.value()
    paths = []
    for i, doc in enumerate(group):
        path = _DIR / f"set-{i}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    mode = data[0] % 16
    try:
        if mode < 2:
            RAW_CONFIG.write_bytes(data[1:])
            target = [RAW_CONFIG]
            config.load_config_file(RAW_CONFIG).pack_paths()
        elif mode < 6:
            RAW_PACK.write_bytes(data[1:])
            target = [RAW_PACK]
            packs.load(target)
        else:
            target = structured(Steer(data[1:]))
            packs.load(target)
    except SourceError as exc:
        assert exc.message, exc
        assert any(exc.path.startswith(str(p)) for p in target) or exc.path == "configuration", (exc.path, str(exc))


if __name__ == "__main__":
    _harness.main(TestOneInput, SEEDS)
