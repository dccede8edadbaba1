"""Safe YAML that remembers where every key and item came from, for file:line errors."""
from __future__ import annotations

import hashlib
import json
import os
import re
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


MAX_DEPTH = 100  # deeper nesting is refused (no pack needs it; Python's stack would)


class _Loader(yaml.SafeLoader):
    path = "<yaml>"

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            key = index.value if isinstance(index, yaml.ScalarNode) else None
            raise SourceError(self.path, event.start_mark.line + 1, key,
                              "YAML aliases (*name) are not allowed here; use a named lexicon instead")
        self._nesting = getattr(self, "_nesting", 0) + 1
        try:
            if self._nesting > MAX_DEPTH:
                event = self.peek_event()
                raise SourceError(self.path, event.start_mark.line + 1, None,
                                  f"YAML nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._nesting -= 1


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YMap:
    result = YMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = _construct(loader, key_node, None)
        try:
            hash(key)
        except TypeError:
            raise SourceError(loader.path, line, None, "a key must be a plain value") from None
        if key in result:
            raise SourceError(loader.path, line, str(key), "duplicate key")
        result[key] = _construct(loader, value_node, str(key))
        result.lines[key] = line
    return result


def _construct(loader: _Loader, node, key: str | None):
    """Build one node; a tag the safe loader refuses (!!python/object, …) names its key and line."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or node.start_mark
        raise SourceError(loader.path, mark.line + 1, key, _tag_message(exc)) from None


def _tag_message(exc: yaml.constructor.ConstructorError) -> str:
    tag = re.search(r"tag '([^']*)'", str(exc.problem))
    if tag is None:
        return f"invalid YAML: {exc.problem or exc.context}"
    name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
    return f"YAML tag {name!r} is not allowed: apolint loads YAML safely, without object tags"


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(_construct(loader, child, None) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(text: str, path: str):
    """Parse YAML safely (no object tags, no aliases) into YMap/YList with lines."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character anywhere in the text
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(path, line, None, f"invalid YAML: character {exc.character:#06x} is not allowed "
                                            "(is this a binary file?)") from None
    loader.path = path
    try:
        return loader.get_single_data()
    except SourceError:
        raise
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SourceError(path, mark.line + 1 if mark else None, None, _tag_message(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(path, line, None, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(path, line, None, f"invalid YAML: character {exc.character:#06x} is not allowed") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, None, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(path, None, None, "YAML nested too deeply") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(str(path), None, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), None, None, f"not UTF-8: {exc}") from None
    cached = _parsed_cache(text)
    if cached is not None:
        try:
            return _decode(json.loads(cached.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # absent or unreadable: parse again
    data = load_yaml(text, str(path))
    if cached is not None:
        from .cachedir import write_atomic

        try:
            write_atomic(cached, json.dumps(_encode(data), ensure_ascii=False))
        except TypeError:
            pass  # a value JSON cannot hold: parse this file every time
    return data


# Parsing the built-in packs with line numbers is most of a cold start's pack time, so a parsed
# tree (lines included) is kept as JSON keyed by the file's content.
_PARSED_FORMAT = "1"


def _parsed_cache(text: str) -> Path | None:
    if os.environ.get("APOLINT_NO_PARSE_CACHE"):
        return None
    try:
        from .cachedir import cache_dir

        digest = hashlib.sha256((_PARSED_FORMAT + "\0" + text).encode("utf-8", "surrogatepass")).hexdigest()
        return cache_dir().parent / "parsed" / f"{digest}.json"
    except Exception:  # noqa: BLE001 - no usable cache directory: just parse
        return None


def _encode(node):
    if isinstance(node, YMap):
        return {"m": node.line, "k": [[_encode(k), node.lines.get(k, node.line), _encode(v)] for k, v in node.items()]}
    if isinstance(node, YList):
        return {"l": node.line, "i": [[line, _encode(v)] for line, v in zip(node.lines, node)]}
    if isinstance(node, (str, int, float, bool)) or node is None:
        return node
    raise TypeError(f"cannot cache {type(node).__name__}")


def _decode(node):
    if isinstance(node, dict):
        if "m" in node:
            result = YMap()
            result.line = node["m"]
            for key, line, value in node["k"]:
                result[key] = _decode(value)
                result.lines[key] = line
            return result
        result = YList(_decode(v) for _, v in node["i"])
        result.line = node["l"]
        result.lines = [line for line, _ in node["i"]]
        return result
    return node


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
        got = value_name(value) if isinstance(value, (list, dict)) or value is None else \
            f"{type(value).__name__} {value!r}"[:80]
        raise SourceError(path, line, key, f"expected {type_name(expected)}, got {got}")
    return value


def value_name(value) -> str:
    """'a list', 'a string "x"', … for messages about a value of the wrong type."""
    if value is None:
        return "nothing (null)"
    for t in (bool, int, float, str, list, dict):
        if isinstance(value, t):
            return type_name(t) + ("" if t in (list, dict) else f" {value!r}"[:60])
    return type(value).__name__


def check_keys(mapping, allowed, path: str, where: str, required=(), line: int | None = None) -> None:
    """Unknown keys and missing required keys are errors that name the line.

    `line` is where the value sits, for values (strings, numbers) that carry no line of their own.
    """
    if not isinstance(mapping, dict):
        line = getattr(mapping, "line", None) or line
        raise SourceError(path, line, where or None, f"expected a mapping, got {value_name(mapping)}")
    for key in mapping:
        if key not in allowed:
            hint = ", ".join(sorted(str(k) for k in allowed))
            raise SourceError(path, mapping.line_of(key) if isinstance(mapping, YMap) else None,
                              f"{where}.{key}" if where else str(key),
                              f"unknown key; expected one of: {hint}")
    for key in required:
        if key not in mapping:
            raise SourceError(path, getattr(mapping, "line", None), where or None, f"missing required key '{key}'")
