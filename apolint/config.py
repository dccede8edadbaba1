"""Configuration: `.apolint.yaml` (or `[tool.apolint]` in pyproject.toml), found from the file upwards."""
from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass, field
from pathlib import Path

from .yamlsource import SourceError, YMap, check_keys, check_type, load_yaml_file

CONFIG_NAMES = (".apolint.yaml", ".apolint.yml")
CONFIG_KEYS = {"packs", "add_packs", "rules", "exclude", "extensions", "lang", "fail_on", "templates"}
DEFAULT_EXTENSIONS = (".md", ".markdown", ".txt")


@dataclass
class Config:
    path: str | None = None
    root: Path = field(default_factory=Path.cwd)
    packs: list[str] | None = None  # built-in ids or paths; None = every built-in pack
    add_packs: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # id → error | warning | info | off
    exclude: list[str] = field(default_factory=list)
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    lang: str | None = None
    fail_on: str | None = None
    templates: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # key → line in the file

    def pack_paths(self) -> list[Path]:
        from .packs import builtin_dir, builtin_packs

        if self.packs is None:
            paths = builtin_packs()
        else:
            paths = [self._pack_path(p, builtin_dir(), "packs") for p in self.packs]
        return paths + [self._pack_path(p, builtin_dir(), "add_packs") for p in self.add_packs]

    def _pack_path(self, name: str, builtin: Path, key: str = "packs") -> Path:
        line = self.lines.get(key)
        if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
            path = (self.root / name).resolve()
            if not path.is_file():
                raise SourceError(self.path or "configuration", line, key, f"pack file not found: {path}")
            return path
        path = builtin / f"{name}.yaml"
        if not path.is_file():
            names = ", ".join(p.stem for p in sorted(builtin.glob("*.yaml")))
            raise SourceError(self.path or "configuration", line, key, f"no built-in pack {name!r}; built-in: {names}")
        return path

    def is_template(self, path: str) -> bool:
        """Does the `templates` setting (globs, relative to the configuration) name this file?"""
        if not self.templates or path in ("<text>", "-", "<stdin>"):
            return False
        p = Path(path)
        try:
            rel = p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            rel = p.as_posix()
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(p.name, g) for g in self.templates)

    def key(self) -> tuple:
        return (tuple(str(p) for p in self.pack_paths()), tuple(sorted(self.rules.items())))


def _from_mapping(data, path: str, root: Path) -> Config:
    check_keys(data, CONFIG_KEYS, path, "", line=1)
    cfg = Config(path=path, root=root)
    if isinstance(data, YMap):
        cfg.lines = dict(data.lines)

    def line(key):
        return data.line_of(key) if isinstance(data, YMap) else None

    for key in ("packs", "add_packs", "exclude", "templates"):
        if key in data:
            items = check_type(data[key], list, path, line(key), key)
            for item in items:
                check_type(item, str, path, line(key), key)
            setattr(cfg, key, list(items))
    if "extensions" in data:
        items = check_type(data["extensions"], list, path, line("extensions"), "extensions")
        for item in items:
            check_type(item, str, path, line("extensions"), "extensions")
        cfg.extensions = tuple((e if e.startswith(".") else "." + e).lower() for e in items)
    if "rules" in data:
        rules = check_type(data["rules"], dict, path, line("rules"), "rules")
        for rid, level in rules.items():
            if level is False:
                level = "off"
            if level not in ("error", "warning", "info", "off"):
                ln = rules.line_of(rid) if isinstance(rules, YMap) else None
                raise SourceError(path, ln, f"rules.{rid}", f"expected error, warning, info or off, got {level!r}")
            cfg.rules[rid] = level
            if isinstance(rules, YMap):
                cfg.lines[f"rules.{rid}"] = rules.line_of(rid)
    if "lang" in data:
        if data["lang"] not in ("auto", "zh", "en"):
            raise SourceError(path, line("lang"), "lang", "expected auto, zh or en")
        cfg.lang = None if data["lang"] == "auto" else data["lang"]
    if "fail_on" in data:
        if data["fail_on"] not in ("error", "warning", "info", "never"):
            raise SourceError(path, line("fail_on"), "fail_on", "expected error, warning, info or never")
        cfg.fail_on = data["fail_on"]
    return cfg


def load_config_file(path: str | Path) -> Config:
    path = Path(path)
    if path.name == "pyproject.toml":
        return _from_pyproject(path) or Config(path=str(path), root=path.parent)
    data = load_yaml_file(path)
    if data is None:
        return Config(path=str(path), root=path.parent.resolve())
    return _from_mapping(data, str(path), path.parent.resolve())


def _from_pyproject(path: Path) -> Config | None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(str(path), None, None, f"cannot read pyproject.toml: {exc}") from None
    section = data.get("tool", {}).get("apolint")
    if section is None:
        return None
    return _from_mapping(section, f"{path} [tool.apolint]", path.parent.resolve())


@functools.lru_cache(maxsize=256)
def find_config(directory: str) -> Config:
    """The nearest configuration from `directory` upwards; defaults when there is none."""
    here = Path(directory).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return load_config_file(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            cfg = _from_pyproject(pyproject)
            if cfg is not None:
                return cfg
    return Config(root=here)
