"""Source → document: decoding, front matter, Markdown scoping, blocks, offsets → line/column.

Everything here works in code-point offsets into the original text. Nothing is ever
re-searched: spans found later are mapped back through the offsets kept here.
"""
from __future__ import annotations

import bisect
import codecs
import functools
import os
import re
import stat
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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
        # Lines end at \n, \r\n or a lone \r (as in editors and the LSP); other Unicode
        # separators (U+2028, form feed, …) do not start a line.
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]

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

# Larger inputs are refused: an announcement is never this big, and linting takes about 85 bytes
# of memory per input byte (a 50 MB file needs 4-5 GB).
MAX_BYTES = 64 * 1024 * 1024

_BOMS = (  # longest first: a UTF-32-LE BOM starts with the UTF-16-LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# C0 controls that never appear in text (NUL, BEL, backspace, SO/SI, …); tab, newlines, form
# feed, vertical tab and escape are allowed.
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B))
_SNIFF = 8192


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was stored: the codec that read it and the BOM it started with."""

    text: str
    encoding: str  # a Python codec name: utf-8, utf-16-le, gb18030, cp950, or what --encoding named
    bom: bytes = b""


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode bytes to text (see `decode_bytes`)."""
    return decode_bytes(data, path, encoding).text


def decode_bytes(data: bytes, path: str = "<bytes>", encoding: str | None = None) -> Decoded:
    """Decode a source's bytes, or raise InputError saying why not and what to do.

    Order: a named `encoding`; a BOM (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM when it is
    clearly that (`_utf16_without_bom`); other binary data is refused; UTF-8;
    then the legacy Chinese encodings GB18030 (a superset of GBK and GB2312) and Big5 (cp950),
    whichever reads as plausible Chinese. A leading BOM never becomes part of the text, so
    columns on line 1 are the same whatever the encoding.
    """
    if encoding:
        return _decode_named(data, encoding)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return Decoded(body.decode(codec), codec, bom)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {codec.upper()} after its byte-order mark: "
                                 f"{_where(body, exc.start, codec)}; fix the file or pass --encoding") from None
    if _is_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise InputError(
            "binary file (NUL or control bytes), skipped; if it is UTF-16 without a byte-order mark, "
            "pass --encoding utf-16-le (or utf-16-be)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        bad = utf8_error.start
    where = _where(data, bad, "utf-8")
    if _mostly_utf8(data):
        raise InputError(
            f"invalid UTF-8 at {where}: the file is UTF-8 with corrupt bytes; "
            "fix or remove them (or pass --encoding if the file is not UTF-8)")
    best: tuple[float, str, str] | None = None
    for codec in ("gb18030", "cp950"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _chinese_plausibility(text)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, codec, text)
    if best is not None:
        return Decoded(best[2], best[1])
    raise InputError(
        f"not valid UTF-8 (first bad byte at {where}) and not GB18030/GBK or Big5 Chinese either; "
        "pass --encoding to name the file's encoding (for example --encoding cp1252)")


def _decode_named(data: bytes, encoding: str) -> Decoded:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; pass a Python codec name such as utf-8, gb18030 "
                         "or utf-16") from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode as {encoding}: {exc.reason} at {_where(data, exc.start, codec)}; "
                         "check --encoding") from None
    bom = b""
    if text.startswith("\ufeff") or codec in ("utf-8-sig", "utf-16", "utf-32"):
        # a BOM is never content: utf-8 or utf-16-le named for a file that has one keeps it
        # as U+FEFF, utf-16/utf-32/utf-8-sig consume it; either way it is recorded, not kept
        text = text[1:] if text.startswith("\ufeff") else text
        bom = next((b for b, c in _BOMS if data.startswith(b)), b"")
    if codec in ("utf-8-sig", "utf-16", "utf-32"):
        # name the byte order, so that bom + text.encode(encoding) gives back the bytes read
        found = dict((b, c) for b, c in _BOMS).get(bom)
        codec = found or ("utf-8" if codec == "utf-8-sig" else f"{codec}-{sys.byteorder[0]}e")
    return Decoded(text, codec, bom)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark, when it is clearly that: NUL bytes (the high byte of
    ASCII characters) only at odd offsets (little-endian) or only at even ones (big-endian), and the
    whole decodes to text: no lone surrogates, no control characters but whitespace, nothing
    unassigned or private-use. (Binary data has NULs at both parities or decodes to such characters.)"""
    if len(data) % 2:
        return None
    head = data[:_SNIFF - _SNIFF % 2]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd and not even:
        codec = "utf-16-le"
    elif even and not odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    for c in set(text):
        category = unicodedata.category(c)
        if (category == "Cc" and c not in "\t\n\r\f\v") or category in ("Cn", "Co", "Cs"):
            return None
    return Decoded(text, codec)


def _is_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(head)  # more than 5% control bytes


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few corrupt bytes, rather than a legacy encoding that is not UTF-8 at all?

    A legacy-encoded Chinese file read as UTF-8 fails on most of its non-ASCII bytes; a damaged
    UTF-8 file decodes all but a few of its multi-byte characters.
    """
    text = data[: 1 << 20].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 0x7F) - bad
    return good >= 4 * bad


@functools.lru_cache(maxsize=None)
def _common_char(ch: str) -> bool:
    """A CJK punctuation mark or a first-level (common) hanzi of GB2312 or Big5."""
    o = ord(ch)
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x2027 or o == 0xFFE5:
        return True
    for codec, low, high in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            b = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and low <= b[0] <= high:
            return True
    return False


def _chinese_plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation.

    Text in its real encoding scores near 1; the same bytes read with the wrong Chinese
    codec turn into kana, box drawing, private-use and rare characters and score low.
    """
    total = good = 0
    for ch, n in Counter(text[:100_000]).items():
        if ord(ch) > 0x7F:
            total += n
            if _common_char(ch):
                good += n
    return good / total if total else 0.0


def _where(data: bytes, offset: int, codec: str) -> str:
    """'line L, column C (byte B)' for a byte offset, counting what decodes before it."""
    lines = _LINE_BREAK.split(data[:offset].decode(codec, errors="replace"))
    return f"line {len(lines)}, column {len(lines[-1]) + 1} (byte {offset})"


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a source's bytes without ever blocking: FIFOs are opened non-blocking, devices,
    sockets and directories are refused, and nothing larger than `max_bytes` is read."""
    path = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if os.path.islink(path) and not os.path.exists(path):
            raise InputError("cannot read: a dangling symbolic link (its target does not exist)") from None
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            try:
                with os.scandir(path):
                    pass
            except OSError as exc:
                raise InputError(f"cannot list this folder: {exc.strerror or exc}") from None
            raise InputError("is a directory, not a file")
        if stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)  # with no writer, a read returns end of file at once
        elif not stat.S_ISREG(mode):
            raise InputError("not a regular file (a device or socket), skipped")
        elif info.st_size > max_bytes:
            raise InputError(f"too large ({info.st_size} bytes; the limit is {max_bytes}), skipped")
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"too large (more than {max_bytes} bytes), skipped")
            chunks.append(chunk)
        if not chunks and stat.S_ISFIFO(mode):
            raise InputError("a named pipe (FIFO) with nothing to read, skipped")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_source(path: str | Path, encoding: str | None = None) -> str:
    """Read and decode a file to text, or raise InputError (see `read_bytes`, `decode_bytes`)."""
    return decode_bytes(read_bytes(path), str(path), encoding).text


# --- front matter ---------------------------------------------------------------------

_FRONT_MATTER = re.compile(
    r"\A---[ \t]*(?:\r\n|\r|\n)(.*?(?:\r\n|\r|\n))?---[ \t]*(?:\r\n|\r|\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, int]:
    """Return (metadata, offset where the body starts). Bad YAML is an input error.

    The YAML is read like a pack: safely (no object tags), without aliases, duplicate keys
    refused; its errors give the line in the file.
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    from .yamlsource import SourceError, load_yaml

    try:
        data = load_yaml(m.group(1) or "", "front matter")
    except SourceError as exc:
        where = f" at line {exc.line + 1}" if exc.line else ""
        key = f" ({exc.key})" if exc.key else ""
        raise InputError(f"front matter is not valid{where}{key}: {exc.message}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of keys to values")
    return data, m.end()


# --- masking: what is never linted ---------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# Inline Markdown that is never prose. Every alternative is bounded so that a hostile input
# (thousands of unclosed openers on one line) costs linear time; comments and code spans are
# only opened here and closed by `_close_inline`.
_MD_INLINE = re.compile(
    r"(?P<comment><!--)"                                   # HTML comments (also hold our directives)
    r"|(?<!`)(?P<code>`+)(?!`)"                             # inline code
    r"|\]\([^)\]\s]{0,2048}(?:[ \t]+\"[^\"\r\n]{0,500}\")?\)"  # link targets
    r"|^[ \t]{0,3}\[[^\]\r\n]{1,999}\]:[ \t]*\S+[^\r\n]*"     # reference definitions
    r"|<(?:https?|mailto|ftp):[^<>\s]{0,2048}>"              # autolinks
    r"|</?[A-Za-z][A-Za-z0-9-]{0,64}(?:\s[^<>]{0,2048})?/?>",  # HTML tags
    re.M | re.I,
)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r|\n)")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'）】」》，。]+|www\.[^\s<>\"'）】」》，。]+", re.I)
_TEXT_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:#|//)[ \t]*apolint-(?:disable|enable)[^\r\n]*", re.M)
_DIRECTIVE = re.compile(
    r"apolint-(disable-next-line|disable|enable)\b([^\r\n>]{0,500}?)(?:-->|(?=[\r\n])|\Z)"
)


def _lines(text: str, start: int = 0):
    """(offset, line with its ending) for each line from `start`; lines end at \\n, \\r\\n, \\r."""
    for m in _LINE.finditer(text, start):
        yield m.start(), m.group()


class _InlineCloser:
    """Finds where a comment or code span opened at some offset closes, in linear total time."""

    def __init__(self, text: str, start: int):
        self.text = text
        self.start = start
        self.comments_close = True  # once one comment is unclosed, every later one is too
        self.runs: dict[int, list[int]] | None = None  # backtick run length → starts (when first needed)
        self.blanks: list[int] = []

    def _index_code(self) -> dict[int, list[int]]:
        self.runs = {}
        for m in _BACKTICKS.finditer(self.text, self.start):
            self.runs.setdefault(len(m.group()), []).append(m.start())
        self.blanks = [m.start() for m in _BLANK_LINE.finditer(self.text, self.start)]
        return self.runs

    def comment_end(self, opened: int) -> int | None:
        if not self.comments_close:
            return None
        end = self.text.find("-->", opened + 4)
        if end == -1:
            self.comments_close = False
            return None
        return end + 3

    def code_end(self, opened: int, length: int) -> int | None:
        """The end of the first run of exactly `length` backticks after `opened`, in the same
        paragraph (a code span never crosses a blank line)."""
        starts = (self.runs if self.runs is not None else self._index_code())[length]
        i = bisect.bisect_right(starts, opened)
        if i == len(starts):
            return None
        j = bisect.bisect_right(self.blanks, opened)
        limit = self.blanks[j] if j < len(self.blanks) else len(self.text)
        return starts[i] + length if starts[i] < limit else None


def _fences(text: str, start: int) -> list[tuple[int, int]]:
    """Fenced code blocks (``` or ~~~), an unclosed one running to the end."""
    spans: list[tuple[int, int]] = []
    if text.find("```", start) == -1 and text.find("~~~", start) == -1:  # no fence can open
        return spans
    in_fence: str | None = None
    fence_start = 0
    for here, line in _lines(text, start):
        m = _FENCE.match(line)
        if in_fence is None and m:
            in_fence, fence_start = m.group(1)[0] * len(m.group(1)), here
        elif in_fence is not None and m and m.group(1).startswith(in_fence):
            spans.append((fence_start, here + len(line)))
            in_fence = None
    if in_fence is not None:
        spans.append((fence_start, len(text)))
    return spans


def _mask_spans(text: str, start: int, markdown: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if markdown:
        spans.extend(_fences(text, start))
        closer = _InlineCloser(text, start)
        pos = start
        while True:
            m = _MD_INLINE.search(text, pos)
            if m is None:
                break
            if m.group("comment"):
                end = closer.comment_end(m.start())
            elif m.group("code"):
                end = closer.code_end(m.start(), len(m.group("code")))
            else:
                end = m.end()
            if end is None:  # an unclosed opener is literal text
                pos = m.end()
                continue
            spans.append((m.start(), end))
            pos = end
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
    starts = [s for s, _ in doc.masked]
    fences = _fences(doc.text, doc.front_matter_end) if doc.markdown else []
    for m in _DIRECTIVE.finditer(doc.text, doc.front_matter_end):
        # only inside masked comments (Markdown) or comment lines (text)
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or not m.start() < doc.masked[i][1]:
            continue
        if any(s <= m.start() < e for s, e in fences):  # shown in a code block, not in force
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

    def close() -> None:
        nonlocal cur_start
        if cur_start is not None and cur_end > cur_start:
            blocks.append(Block(cur_start, cur_end, cur_kind))
        cur_start = None

    masked_starts = [s for s, _ in masked]
    for line_start, line in _lines(text, start):
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
        elif not blocks and cur_kind == "paragraph" and _is_title_line(text[cur_start:cur_end], content):
            # "Title\nBody…": the notice's first line, unpunctuated, is a title of its own
            close()
            cur_kind = "paragraph"
            cur_start = line_start + (len(content) - len(content.lstrip()))
        cur_end = line_end
    close()
    return blocks


_TITLE_END = set("。.!?！？;；:：,，、…")


def _is_title_line(first: str, following: str) -> bool:
    """Is `first` (the body's first line, still alone) a title, given the line after it?"""
    if "\n" in first or "\r" in first or not first.strip() or first.rstrip()[-1] in _TITLE_END:
        return False
    nxt = following.lstrip()[:1]
    return bool(nxt) and (nxt.isupper() or nxt.isdigit() or "\u4e00" <= nxt <= "\u9fff" or nxt in "【[(（「“\"*")


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
