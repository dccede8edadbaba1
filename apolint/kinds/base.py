"""What every kind shares: typed parameters, compiling pattern sets per language."""
from __future__ import annotations

from typing import Iterator

from ..yamlsource import SourceError, check_type


class Kind:
    NAME = ""
    PARAMS: dict[str, type | tuple] = {}  # kind-specific YAML keys and their types
    REQUIRED: tuple[str, ...] = ()
    FIELDS: tuple[str, ...] = ("match",)  # fields a message may use

    def __init__(self, rule, compiler, elements):
        self.rule = rule
        self.path = rule.path
        for key, expected in self.PARAMS.items():
            if key in rule.spec:
                check_type(rule.spec[key], expected, rule.path, rule.spec.line_of(key), f"rules[{rule.id}].{key}")

    def param(self, key, default=None):
        return self.rule.spec.get(key, default)

    def error(self, key: str, message: str) -> SourceError:
        return SourceError(self.path, self.rule.spec.line_of(key), f"rules[{self.rule.id}].{key}", message)

    def compile_set(self, compiler, key: str) -> dict:
        """Compile the pattern set under `key` once for each of the rule's languages."""
        spec = self.rule.spec[key]
        return {lang: compiler.compile(spec, lang, self.path, f"rules[{self.rule.id}].{key}")
                for lang in self.rule.languages}

    def check(self, ctx) -> Iterator:  # pragma: no cover - interface
        raise NotImplementedError
