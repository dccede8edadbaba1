"""Safe YAML that remembers where every key and item came from, for file:line errors."""
from __future__ import annotations

from pathlib import Path

import yaml


class SourceError(Exception):
    """A configuration or rule-pack error with a place: `path:line: key: message` (exit 2)."""

    def __init__(self, path: str, line: int | None, key: str | None, message: str):
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}:{line}" if line else path
        what = f" {key}:" if key else ""
        super().__init__(f"{where}:{what} {message}")


class YMap(dict):
    """A mapping with the line of itself (`line`) and of each key (`lines`)."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class YList(list):
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    path = "<yaml>"

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise SourceError(self.path, event.start_mark.line + 1, None,
                              "YAML aliases (*name) are not allowed here; use a named lexicon instead")
        return super().compose_node(parent, index)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YMap:
    result = YMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise SourceError(loader.path, line, None, "a key must be a plain value") from None
        if key in result:
            raise SourceError(loader.path, line, str(key), "duplicate key")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(text: str, path: str):
    """Parse YAML safely (no object tags, no aliases) into YMap/YList with lines."""
    loader = _Loader(text)
    loader.path = path
    try:
        return loader.get_single_data()
    except SourceError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(path, line, None, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, None, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(str(path), None, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), None, None, f"not UTF-8: {exc}") from None
    return load_yaml(text, str(path))


# --- a small schema checker -------------------------------------------------------------

def type_name(t) -> str:
    names = {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
             dict: "a mapping", float: "a number"}
    if isinstance(t, tuple):
        return " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def check_type(value, expected, path: str, line: int, key: str):
    if expected is int and isinstance(value, bool):
        raise SourceError(path, line, key, f"expected {type_name(expected)}, got {value!r}")
    if not isinstance(value, expected):
        raise SourceError(path, line, key, f"expected {type_name(expected)}, got {type(value).__name__} {value!r}")
    return value


def check_keys(mapping, allowed, path: str, where: str, required=()) -> None:
    """Unknown keys and missing required keys are errors that name the line."""
    if not isinstance(mapping, dict):
        line = getattr(mapping, "line", None)
        raise SourceError(path, line, where, f"expected a mapping, got {type(mapping).__name__}")
    for key in mapping:
        if key not in allowed:
            hint = ", ".join(sorted(str(k) for k in allowed))
            raise SourceError(path, mapping.line_of(key) if isinstance(mapping, YMap) else None,
                              f"{where}.{key}" if where else str(key),
                              f"unknown key; expected one of: {hint}")
    for key in required:
        if key not in mapping:
            raise SourceError(path, getattr(mapping, "line", None), where or None, f"missing required key '{key}'")
