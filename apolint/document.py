"""Source → document: decoding, front matter, Markdown scoping, blocks, offsets → line/column.

Everything here works in code-point offsets into the original text. Nothing is ever
re-searched: spans found later are mapped back through the offsets kept here.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


class InputError(Exception):
    """A source that cannot be read or decoded; reported per file, exit code 2."""


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item or table row: the unit language is decided for."""

    start: int
    end: int
    kind: str  # paragraph | heading | item | quote | row


@dataclass
class Document:
    path: str
    text: str
    markdown: bool
    front_matter: dict = field(default_factory=dict)
    front_matter_end: int = 0
    masked: list[tuple[int, int]] = field(default_factory=list)  # spans never linted
    blocks: list[Block] = field(default_factory=list)
    directives: list["Directive"] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        text = self.text
        i = 0
        n = len(text)
        while i < n:
            c = text[i]
            if c == "\n":
                starts.append(i + 1)
            elif c == "\r":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 1
                starts.append(i + 1)
            i += 1
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in code points for an offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        return self._line_starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)


@dataclass(frozen=True)
class Directive:
    """An inline suppression comment: disable / enable / disable-next-line."""

    action: str
    rules: frozenset[str]  # empty = every rule
    line: int


# --- decoding -------------------------------------------------------------------------

class Source(str):
    """Decoded text that remembers how it was stored: `encoding` (a codec that re-encodes it
    byte for byte, BOM excluded) and `bom` (the byte-order mark it had, or b"").

    It is a `str`, so every caller that wants only the text can ignore the rest; `apolint fix`
    uses both to write a file back exactly as it was, apart from the edits."""

    encoding: str
    bom: bytes

    def __new__(cls, text: str, encoding: str = "utf-8", bom: bytes = b""):
        obj = super().__new__(cls, text)
        obj.encoding = encoding
        obj.bom = bom
        return obj

    def __reduce__(self):  # keep the attributes across pickling (worker processes)
        return (Source, (str(self), self.encoding, self.bom))


def decode(data: bytes, path: str, encoding: str | None = None) -> Source:
    """Decode bytes to text: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    if encoding:
        try:
            return Source(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}; check --encoding") from exc
    bom = b""
    if data.startswith(b"\xef\xbb\xbf"):
        bom, data = data[:3], data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return Source(data[2:].decode(codec), codec, data[:2])
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16: {exc}") from exc
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes); not an announcement, skipped")
    try:
        return Source(data.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                f"not valid UTF-8 (byte {utf8_error.start}) nor GB18030; "
                "pass --encoding to name the file's encoding"
            ) from utf8_error
        if _looks_like_chinese(text):
            return Source(text, "gb18030", bom)
        raise InputError(
            f"not valid UTF-8 (byte {utf8_error.start}); pass --encoding to name the file's encoding"
        ) from utf8_error


def _looks_like_chinese(text: str) -> bool:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return cjk >= max(1, len(text.strip()) // 10)


def read_source(path: str | Path, encoding: str | None = None) -> Source:
    """Read and decode a file; the result is a `str` that also carries `.encoding` and `.bom`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc
    return decode(data, str(path), encoding)


# --- front matter ---------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, int]:
    """Return (metadata, offset where the body starts). Bad YAML is an input error."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    try:
        data = yaml.safe_load(m.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise InputError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of keys to values")
    return data, m.end()


# --- masking: what is never linted ---------------------------------------------------

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_MD_INLINE = re.compile(
    r"<!--.*?-->"                       # HTML comments (also hold our directives)
    r"|(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)"  # inline code
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link targets
    r"|^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$"  # reference definitions
    r"|<(?:https?|mailto|ftp):[^>\s]*>"  # autolinks
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",  # HTML tags
    re.S | re.M,
)
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'）】」》，。]+|www\.[^\s<>\"'）】」》，。]+", re.I)
_TEXT_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:#|//)[ \t]*apolint-(?:disable|enable)[^\n]*$", re.M)
_DIRECTIVE = re.compile(
    r"apolint-(disable-next-line|disable|enable)\b([^\n>]*?)(?:-->|$)", re.M
)


def _mask_spans(text: str, start: int, markdown: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if markdown:
        in_fence: str | None = None
        fence_start = 0
        pos = 0
        for line in text[start:].splitlines(keepends=True):
            here = start + pos
            pos += len(line)
            m = _FENCE.match(line)
            if in_fence is None and m:
                in_fence, fence_start = m.group(1)[0] * len(m.group(1)), here
            elif in_fence is not None and m and m.group(1).startswith(in_fence):
                spans.append((fence_start, start + pos))
                in_fence = None
        if in_fence is not None:
            spans.append((fence_start, len(text)))
        for m in _MD_INLINE.finditer(text, start):
            spans.append(m.span())
    else:
        for m in _TEXT_DIRECTIVE_LINE.finditer(text, start):
            spans.append(m.span())
    for m in _URL.finditer(text, start):
        spans.append(m.span())
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _directives(doc: Document) -> list[Directive]:
    found = []
    for m in _DIRECTIVE.finditer(doc.text, doc.front_matter_end):
        # only inside masked comments (Markdown) or comment lines (text)
        if not any(s <= m.start() < e for s, e in doc.masked):
            continue
        names = frozenset(r for r in re.split(r"[\s,]+", m.group(2).strip()) if r)
        found.append(Directive(m.group(1), names, doc.position(m.start())[0]))
    return found


# --- blocks ---------------------------------------------------------------------------

_BLOCK_START = re.compile(
    r"^[ \t]*(?:(?P<heading>#{1,6}[ \t]+)|(?P<item>(?:[-*+•·]|\d{1,3}[.)、]|[（(]?[一二三四五六七八九十\d]{1,3}[)）、])[ \t]*)"
    r"|(?P<quote>>[ \t]?)|(?P<row>\|))"
)


def _blocks(text: str, start: int, masked: list[tuple[int, int]]) -> list[Block]:
    """Split the body into blocks at blank lines, headings, list items, quotes and table rows."""
    blocks: list[Block] = []
    cur_start: int | None = None
    cur_end = 0
    cur_kind = "paragraph"
    pos = start

    def close() -> None:
        nonlocal cur_start
        if cur_start is not None and cur_end > cur_start:
            blocks.append(Block(cur_start, cur_end, cur_kind))
        cur_start = None

    masked_starts = [s for s, _ in masked]
    for line in text[start:].splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        content = line.rstrip("\r\n")
        line_end = line_start + len(content)
        # a line wholly inside a masked span (code fence, comment) breaks the paragraph
        i = bisect.bisect_right(masked_starts, line_start) - 1
        if i >= 0 and masked[i][0] <= line_start and masked[i][1] >= line_end and content.strip():
            close()
            continue
        if not content.strip():
            close()
            continue
        m = _BLOCK_START.match(content)
        if m and m.lastgroup:
            close()
            cur_kind = m.lastgroup
            cur_start = line_start + m.end()
            cur_end = line_end
            if cur_kind in ("heading", "row"):
                close()
            continue
        if cur_start is None:
            cur_kind = "paragraph"
            cur_start = line_start + (len(content) - len(content.lstrip()))
        cur_end = line_end
    close()
    return blocks


def parse(text: str, path: str = "<text>", markdown: bool | None = None) -> Document:
    """Build a Document from decoded text. `markdown` defaults from the file suffix."""
    if markdown is None:
        markdown = Path(path).suffix.lower() in MARKDOWN_SUFFIXES or path in ("-", "<text>", "<stdin>")
    meta, body_start = split_front_matter(text)
    doc = Document(path=path, text=text, markdown=markdown, front_matter=meta,
                   front_matter_end=body_start)
    doc.masked = _mask_spans(text, body_start, markdown)
    doc.blocks = _blocks(text, body_start, doc.masked)
    doc.directives = _directives(doc)
    return doc
