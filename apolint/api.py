"""The library entry points: the CLI, the LSP server and `import apolint` all go through here."""
from __future__ import annotations

import functools
import os
from pathlib import Path

from . import document as document_mod
from .config import Config, find_config, load_config_file
from .document import InputError
from .engine import lint_document
from .findings import FileResult
from .packs import RuleSet, load
from .yamlsource import SourceError

_RULESETS: dict[tuple, RuleSet] = {}


def ruleset_for(config: Config) -> RuleSet:
    """Load and compile the packs a configuration names, once per process."""
    key = config.key()
    ruleset = _RULESETS.get(key)
    if ruleset is None:
        try:
            ruleset = load(config.pack_paths(), enabled=config.rules)
        except SourceError as exc:
            if exc.path != "configuration" or not config.path:
                raise
            # a `rules:` entry naming no loaded rule: point at the configuration file and line
            raise SourceError(config.path, config.lines.get(exc.key or "", config.lines.get("rules")),
                              exc.key, exc.message) from None
        _RULESETS[key] = ruleset
    return ruleset


def resolve_config(config: Config | str | Path | None, near: str | Path | None = None) -> Config:
    if isinstance(config, Config):
        return config
    if config is not None:
        return load_config_file(config)
    if near is not None:
        return find_config(_config_folder(near))
    return Config()


def _config_folder(near: str | Path) -> str:
    """The folder a file's configuration is looked up from: its real parent. Resolved once per
    folder, since a batch asks for every file; a symbolic link or ".." is resolved in full."""
    near = os.fspath(near)
    if os.path.islink(near) or ".." in Path(near).parts:
        return str(Path(near).resolve().parent)
    return _real_folder(os.path.dirname(os.path.abspath(near)))


@functools.lru_cache(maxsize=1024)
def _real_folder(folder: str) -> str:
    return str(Path(folder).resolve())


def lint_text(text: str, lang: str | None = None, config: Config | str | Path | None = None,
              path: str = "<text>", stage: str | None = None, complete_evidence: bool = False,
              severity: str | None = None, channel: str | None = None, template: bool | None = None,
              marks: tuple[str, ...] = (), trace=None) -> FileResult:
    """Lint a string. `lang` forces zh or en; `config` is a Config, a config file path or None;
    `stage` (acknowledge, update, identified, resolved, postmortem or an alias), `severity`, `channel`
    and `template` override the front matter keys of the same names (None leaves front matter alone).
    Element evidence stops at what settled each status, unless `complete_evidence` asks for all of it.
    `trace` (matchers.PatternTrace) is for the fitter: which pack items matched, which to switch off."""
    cfg = resolve_config(config, None if path in ("<text>", "-") else path)
    ruleset = ruleset_for(cfg)
    try:
        doc = document_mod.parse(text, path)
    except InputError as exc:
        return FileResult(path=path, error=str(exc))
    overrides = {key: value for key, value in (("severity", severity), ("channel", channel), ("template", template))
                 if value is not None}
    if overrides:
        doc.front_matter = {**doc.front_matter, **overrides}
    return lint_document(doc, ruleset, lang or cfg.lang, stage=stage, template=cfg.is_template(path),
                         complete_evidence=complete_evidence, marks=marks, trace=trace)


def lint_file(path: str | Path, lang: str | None = None, config: Config | str | Path | None = None,
              encoding: str | None = None) -> FileResult:
    try:
        text = document_mod.read_source(path, encoding)
    except InputError as exc:
        return FileResult(path=str(path), error=str(exc))
    return lint_text(text, lang=lang, config=config if config is not None else resolve_config(None, path),
                     path=str(path))
