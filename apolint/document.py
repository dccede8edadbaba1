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


# --- plain text: what is never linted --------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'）】」》，。]+|www\.[^\s<>\"'）】」》，。]+", re.I)
_TEXT_DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:#|//)[ \t]*apolint-(?:disable|enable)[^\r\n]*", re.M)
_DIRECTIVE = re.compile(
    r"apolint-(disable-next-line|disable|enable)\b([^\r\n>]{0,500}?)(?:-->|(?=[\r\n])|\Z)"
)


def _lines(text: str, start: int = 0):
    """(offset, line with its ending) for each line from `start`; lines end at \\n, \\r\\n, \\r."""
    for m in _LINE.finditer(text, start):
        yield m.start(), m.group()


def _text_comments(text: str, start: int) -> list[tuple[int, int]]:
    """In plain text, the directive lines (`# apolint-disable …`, `// apolint-enable`)."""
    return [m.span() for m in _TEXT_DIRECTIVE_LINE.finditer(text, start)]


def _urls(text: str, start: int) -> list[tuple[int, int]]:
    """Bare URLs, in text and Markdown alike (CommonMark does not link them, readers skip them)."""
    return [m.span() for m in _URL.finditer(text, start)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _directives(doc: Document, comments: list[tuple[int, int]]) -> list[Directive]:
    """Suppression directives written inside comments: HTML comments in Markdown (never one shown
    in a code block), `#` or `//` comment lines in plain text."""
    found = []
    for start, end in comments:
        for m in _DIRECTIVE.finditer(doc.text, start, end):
            names = frozenset(r for r in re.split(r"[\s,]+", m.group(2).strip()) if r)
            found.append(Directive(m.group(1), names, doc.position(m.start())[0]))
    return found


# --- plain-text blocks --------------------------------------------------------------------

_BLOCK_START = re.compile(
    r"^[ \t]*(?:(?P<heading>#{1,6}[ \t]+)|(?P<item>(?:[-*+•·]|\d{1,3}[.)、]|[（(]?[一二三四五六七八九十\d]{1,3}[)）、])[ \t]*)"
    r"|(?P<quote>>[ \t]?)|(?P<row>\|))"
)


def _text_blocks(text: str, start: int, masked: list[tuple[int, int]]) -> list[Block]:
    """Split a plain-text body into blocks at blank lines and at lines that look like headings,
    list items, quotes and table rows."""
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


# --- Markdown: a CommonMark parser says what is prose ---------------------------------------
#
# markdown-it-py (CommonMark, plus GFM tables) finds the blocks and the inline constructs. It
# gives blocks as line ranges and inline content as text without positions, so each inline
# token's content is placed back on its source lines here: every content line is the end of
# its source line (the parser only removes what comes before it — indentation, `>` and list
# markers — and what a trim, an ATX closing `#` run or a table pipe removes after it).

# Non-CommonMark list markers people type in notices ("1、", "（一）", "•"), and an ordered
# marker that CommonMark does not let interrupt a paragraph ("2. …"): each starts an item.
_TYPED_ITEM = re.compile(r"(?:[•·]|\d{1,3}[.)](?=[ \t])|[（(]?[一二三四五六七八九十\d]{1,3}[)）、])[ \t]*")
_NOT_PROSE = "apolint_not_prose"  # key in the parse's env: inline token children → recorded spans
_LABEL_ENDS = "apolint_label_ends"  # key in the parse's env: label ends of the links being parsed


@functools.lru_cache(maxsize=1)
def _commonmark():
    """The parser, built once per process on first use: importing markdown-it-py takes 15-35 ms,
    which a body of headings, paragraphs and flat lists alone never pays (`_plain_markdown_blocks`).

    Rules whose tokens are never read (emphasis, entities, line breaks, text joining) are off.
    The rules for code spans, raw HTML, autolinks, links and images are wrapped to record the
    content spans they consume that are not prose.
    """
    from markdown_it import MarkdownIt, rules_inline

    md = MarkdownIt("commonmark").enable("table")
    md.disable(["emphasis", "entity", "newline", "balance_pairs", "fragments_join", "text_join"])
    md.inline.ruler.at("backticks", _record_whole(rules_inline.backtick, html=False))
    md.inline.ruler.at("autolink", _record_whole(rules_inline.autolink, html=False))
    md.inline.ruler.at("html_inline", _record_whole(rules_inline.html_inline, html=True))
    md.inline.ruler.at("link", _record_target(rules_inline.link, image=False))
    md.inline.ruler.at("image", _record_target(rules_inline.image, image=True))
    md.helpers = _LabelEndHelpers(md.helpers)
    return md


def _record(state, start: int, end: int, html: bool) -> None:
    # keyed by the token list being filled: an image's alt text is parsed into a list of its
    # own, whose content offsets are not the inline token's, and is left alone
    state.env[_NOT_PROSE].setdefault(id(state.tokens), []).append((start, end, html))


def _record_whole(rule, html: bool):
    """A code span, autolink or raw HTML tag/comment: none of it is prose."""
    def recording(state, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent:
            _record(state, start, state.pos, html)
        return True
    return recording


def _record_target(rule, image: bool):
    """A link or image: the text in brackets is prose; from its `]` on (destination, title,
    reference label) is not."""
    opener = "![" if image else "["

    def recording(state, silent: bool) -> bool:
        if silent or not state.src.startswith(opener, state.pos):
            return rule(state, silent)
        start = state.pos
        label_ends = state.env[_LABEL_ENDS]
        label_ends.append(None)  # filled by the rule's own call of parseLinkLabel (below)
        try:
            if not rule(state, silent):
                return False
        finally:
            label_end = label_ends.pop()
        if image:
            # the alt text was parsed on its own, from offset 0: move what it recorded here
            recorded = state.env[_NOT_PROSE]
            for s, e, html in recorded.pop(id(state.tokens[-1].children), ()):
                _record(state, start + 2 + s, start + 2 + e, html)
        if label_end is not None and label_end > start:
            _record(state, label_end, state.pos, False)
        return True
    return recording


class _LabelEndHelpers:
    """markdown-it's link helpers for one parser, telling a link or image rule where its label
    ends (the rule finds it first thing; finding it again would double the cost on many `[`)."""

    def __init__(self, helpers) -> None:
        self.parseLinkDestination = helpers.parseLinkDestination
        self.parseLinkTitle = helpers.parseLinkTitle
        self._parse_label = helpers.parseLinkLabel

    def parseLinkLabel(self, state, start: int, disableNested: bool = False) -> int:
        waiting = state.env.get(_LABEL_ENDS)
        own = bool(waiting) and waiting[-1] is None  # the rule's call, not one nested in it
        if own:
            waiting[-1] = -1
        end = self._parse_label(state, start, disableNested)
        if own:
            waiting[-1] = end if end >= 0 else None
        return end


def _line_end(text: str, line_starts: list[int], line: int) -> int:
    """Offset of the end of a line's text, before its line break."""
    end = line_starts[line + 1] if line + 1 < len(line_starts) else len(text)
    if end > line_starts[line] and text[end - 1] == "\n":
        end -= 1
    if end > line_starts[line] and text[end - 1] == "\r":
        end -= 1
    return end


def _place_line(text: str, line: str, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """Where one content line sits in text[lo:hi], as (index in line, offset, length) runs.

    Leading spaces and tabs are left out (indentation the parser keeps, or expands from a tab;
    the inline parser skips them). Usually the rest is the end of the source line, once
    trimmed whitespace, an ATX heading's closing `#` run or a table's pipes are passed over.
    """
    core = line.lstrip(" \t")
    skip = len(line) - len(core)
    n = len(core)
    if not n:
        return []
    end = hi
    while end - n >= lo:
        if text.startswith(core, end - n):
            return [(skip, end - n, n)]
        if not (text[end - 1].isspace() or text[end - 1] in "#|"):
            break
        end -= 1
    # an escaped pipe (`\|`) in a table cell, or a NUL the parser read as U+FFFD: match
    # character by character from the end, passing over what the parser removed
    runs = []
    p = hi - 1
    for k in range(n - 1, -1, -1):
        ch = core[k]
        while p >= lo and text[p] != ch and not (ch == "\ufffd" and text[p] == "\0"):
            p -= 1
        if p < lo:
            break
        runs.append((skip + k, p, 1))
        p -= 1
    runs.reverse()
    return runs


class _Placement:
    """An inline token's content placed on the source: runs of (content index, offset, length)."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, int, int]] = []
        self.lines: list[tuple[int, int] | None] = []  # per content line: its source (start, end)

    def add_line(self, content_start: int, runs: list[tuple[int, int, int]]) -> None:
        placed = [(content_start + k, offset, length) for k, offset, length in runs]
        self.runs.extend(placed)
        self.lines.append((placed[0][1], placed[-1][1] + placed[-1][2]) if placed else None)

    def offset(self, index: int) -> int:
        """Source offset of content character `index` (one the parser added: the next placed one)."""
        k = bisect.bisect_right(self.runs, (index, float("inf"))) - 1
        if k >= 0:
            start, offset, length = self.runs[k]
            if index < start + length:
                return offset + index - start
        if k + 1 < len(self.runs):
            return self.runs[k + 1][1]
        start, offset, length = self.runs[-1]
        return offset + length

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offset(start), self.offset(end - 1) + 1


def _place(text: str, content: str, lines: list[tuple[int, int]]) -> _Placement:
    """Place a content of one or more lines on the source lines (start, end) it came from."""
    placement = _Placement()
    index = 0
    for line, (lo, hi) in zip(content.split("\n"), lines):
        placement.add_line(index, _place_line(text, line, lo, hi))
        index += len(line) + 1
    return placement


def _source_lines(text: str, line_starts: list[int], first: int, count: int) -> list[tuple[int, int]]:
    return [(line_starts[k], _line_end(text, line_starts, k)) for k in range(first, first + count)]


def _line_blocks(text: str, lines: list[tuple[int, int] | None], kind: str, first_in_document: bool,
                 masked: list[tuple[int, int]]) -> list[Block]:
    """The blocks of a paragraph or heading whose lines sit at `lines` (start, end): one, or more
    where a line starts with a typed list marker (and the notice's first paragraph may begin
    with a title line of its own)."""
    blocks: list[Block] = []
    current: list | None = None  # [start, end, kind]
    for i, placed in enumerate(lines):
        if placed is None:
            continue
        start, end = placed
        if i:
            # a continuation line's `>` (in a quote) is markup inside the block
            line_start = text.rfind("\n", 0, start) + 1
            line_start = max(line_start, text.rfind("\r", 0, start) + 1)
            prefix = text[line_start:start]
            if prefix.strip():
                masked.append((line_start + len(prefix) - len(prefix.lstrip()), start))
        marker = _TYPED_ITEM.match(text, start, end) if i or kind == "paragraph" else None
        if marker and marker.end() < end:
            if current:
                blocks.append(Block(*current))
            current = [marker.end(), end, "item"]
        elif current is None:
            current = [start, end, kind]
        elif (i == 1 and first_in_document and current[2] == "paragraph"
              and _is_title_line(text[current[0]:current[1]], text[start:end])):
            blocks.append(Block(*current))  # "Title\nBody…": an unpunctuated first line is a title
            current = [start, end, "paragraph"]
        else:
            current[1] = end
    if current and current[1] > current[0]:
        blocks.append(Block(*current))
    return blocks


def _inline_masks(placement: _Placement, recorded, masked: list, comments: list) -> None:
    for start, end, html in recorded or ():
        if end > start:
            span = placement.span(start, end)
            masked.append(span)
            if html:
                comments.append(span)


# Markdown that is nothing but ATX headings, paragraphs and flat bullet lists needs no parser.
# Anything that could start another construct sends the body to the parser: a character that
# opens an inline one (code, HTML, link, table pipe), a line that could open a block (quote,
# rule, setext underline, fence, table delimiter, ordered or nested list, a heading with a `#`
# in its text or an item whose text starts like a block, indentation), a lone CR.
_NEEDS_PARSER = re.compile(
    r"[`<\[|\0]"
    r"|^(?!" r"[-+*] (?![ \t\r\n\-+*_=>~:#]|\d{1,9}[.)])" r") {0,3}(?:[-+*_=>~:]|\d{1,9}[.)]|#(?!#{0,5}[ \t]+[^#\r\n]*$))"
    r"|^ *\t|^ {4}", re.M)
_ATX_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+")
_BULLET = re.compile(r"[-+*] ")  # at the start of a line, followed by the item's text (see above)
# markdown-it-py trims a paragraph's or heading's content of these (its MD_TRIM_CHARS)
_MARKDOWN_TRIM = "\t\n\v\f\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _plain_markdown_blocks(text: str, body_start: int, line_starts: list[int]) -> list[Block] | None:
    """The blocks of a body of ATX headings, paragraphs and flat bullet lists only, exactly as
    the parser finds them (`tests/test_markdown.py` compares the two); None when the body may
    hold more."""
    if _NEEDS_PARSER.search(text, body_start) or text.count("\r") != text.count("\r\n"):
        return None
    blocks: list[Block] = []
    paragraph: list[tuple[int, int]] = []  # its lines (start, end), the first one's text after its bullet
    kind = "paragraph"
    seen_item = False

    def close_paragraph() -> None:
        if paragraph:
            first_start, first_end = paragraph[0]
            paragraph[0] = (first_end - len(text[first_start:first_end].lstrip(_MARKDOWN_TRIM)), first_end)
            last_start, last_end = paragraph[-1]
            paragraph[-1] = (last_start, last_start + len(text[last_start:last_end].rstrip(_MARKDOWN_TRIM)))
            blocks.extend(_line_blocks(text, paragraph, kind, not blocks, []))
            paragraph.clear()

    for line in range(bisect.bisect_right(line_starts, body_start) - 1, len(line_starts)):
        start, end = line_starts[line], _line_end(text, line_starts, line)
        content = text[start:end]
        if not content.strip(" \t"):
            close_paragraph()
            continue
        if not content.strip(_MARKDOWN_TRIM):
            return None  # a line of other spaces: the parser's trimming, not worth repeating here
        if seen_item and content[0] in " \t":
            return None  # indented after a list: perhaps more of an item (the parser's case)
        heading = _ATX_HEADING.match(content)
        if heading:
            close_paragraph()
            title = content[heading.end():]
            if not title.strip(_MARKDOWN_TRIM):
                return None  # an empty heading: the parser's case
            lead = len(title) - len(title.lstrip(_MARKDOWN_TRIM))
            blocks.append(Block(start + heading.end() + lead,
                                start + heading.end() + len(title.rstrip(_MARKDOWN_TRIM)), "heading"))
            continue
        bullet = _BULLET.match(content)
        if bullet:
            if not content[bullet.end():].strip(_MARKDOWN_TRIM):
                return None  # an empty item: the parser's case
            close_paragraph()
            kind, seen_item = "item", True
            paragraph.append((start + bullet.end(), end))
            continue
        if not paragraph:
            kind = "paragraph"
        paragraph.append((start + len(content) - len(content.lstrip(" \t")), end))
    close_paragraph()
    return blocks


def _markdown_scopes(text: str, body_start: int, line_starts: list[int]):
    """Blocks of prose, spans never linted, and the HTML (comments) where directives may be."""
    plain = _plain_markdown_blocks(text, body_start, line_starts)
    if plain is not None:
        return plain, [], []
    return _parsed_markdown_scopes(text, body_start, line_starts)


def _parsed_markdown_scopes(text: str, body_start: int, line_starts: list[int]):
    """`_markdown_scopes` by the parser."""
    env: dict = {_NOT_PROSE: {}, _LABEL_ENDS: []}
    tokens = _commonmark().parse(text[body_start:], env)
    recorded = env[_NOT_PROSE]
    first_line = bisect.bisect_right(line_starts, body_start) - 1
    blocks: list[Block] = []
    masked: list[tuple[int, int]] = []
    comments: list[tuple[int, int]] = []
    containers: list[str] = []  # the open list items and block quotes, innermost last
    first_in_item = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "list_item_open":
            containers.append("item")
            first_in_item = True
        elif kind == "blockquote_open":
            containers.append("quote")
        elif kind in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif kind in ("fence", "code_block", "html_block") and token.map:
            a, b = token.map
            span = (line_starts[first_line + a], _line_end(text, line_starts, first_line + b - 1))
            masked.append(span)
            if kind == "html_block":
                comments.append(span)
            first_in_item = False
        elif kind == "tr_open":
            # a table row: cells are placed from the last one back, each left of the one after it
            j = i
            cells = []
            while tokens[j].type != "tr_close":
                if tokens[j].type == "inline":
                    cells.append(tokens[j])
                j += 1
            row = first_line + cells[0].map[0]
            lo, hi = line_starts[row], _line_end(text, line_starts, row)
            placed = []
            for cell in reversed(cells):
                placement = _Placement()
                placement.add_line(0, _place_line(text, cell.content, lo, hi))
                if placement.lines[0] is not None:
                    hi = placement.lines[0][0]
                    placed.append((cell, placement))
            for cell, placement in reversed(placed):
                blocks.append(Block(*placement.lines[0], "cell"))
                _inline_masks(placement, recorded.get(id(cell.children)), masked, comments)
            i = j
        elif kind == "inline" and token.map and token.content:
            opener = tokens[i - 1].type
            content_lines = token.content.count("\n") + 1
            a, b = token.map
            skipped = 0
            if opener == "paragraph_open":
                # lines of nothing but whitespace the parser trimmed from the paragraph's start
                while skipped + content_lines < b - a and not text[
                        slice(*_source_lines(text, line_starts, first_line + a + skipped, 1)[0])].strip():
                    skipped += 1
                container = containers[-1] if containers else ""
                block_kind = "item" if container == "item" and first_in_item else (
                    "quote" if container == "quote" else "paragraph")
            else:
                block_kind = "heading"
            placement = _place(text, token.content,
                               _source_lines(text, line_starts, first_line + a + skipped, content_lines))
            if placement.runs:
                blocks.extend(_line_blocks(text, placement.lines, block_kind, not blocks, masked))
                _inline_masks(placement, recorded.get(id(token.children)), masked, comments)
            first_in_item = False
        i += 1
    return blocks, masked, comments


def parse(text: str, path: str = "<text>", markdown: bool | None = None) -> Document:
    """Build a Document from decoded text. `markdown` defaults from the file suffix."""
    if markdown is None:
        markdown = Path(path).suffix.lower() in MARKDOWN_SUFFIXES or path in ("-", "<text>", "<stdin>")
    meta, body_start = split_front_matter(text)
    doc = Document(path=path, text=text, markdown=markdown, front_matter=meta,
                   front_matter_end=body_start)
    if markdown:
        blocks, masked, comments = _markdown_scopes(text, body_start, doc._line_starts)
        doc.masked = _merge(masked + _urls(text, body_start))
        doc.blocks = blocks
    else:
        comments = _text_comments(text, body_start)
        doc.masked = _merge(comments + _urls(text, body_start))
        doc.blocks = _text_blocks(text, body_start, doc.masked)
    doc.directives = _directives(doc, comments)
    return doc
