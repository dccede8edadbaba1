"""Document → analysis text: the folded text every matcher runs on, with a map back.

The analysis text is the concatenation of the document's blocks (split further by language),
each folded so that one pattern meets every way people type it:
traditional → simplified characters (one to one), full-width ASCII → ASCII, lower case
(in `lower`), zero-width and bidi controls dropped, whitespace runs collapsed, a line break
inside a paragraph joined, a space between a Chinese character and a Latin letter or digit
dropped. `offsets[i]` is the original offset of analysis character i, so a span found here maps
straight back to the source; nothing is ever searched twice.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .document import Document

_DROP = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f") | {chr(c) for c in range(0x202A, 0x202F)} | {
    chr(c) for c in range(0x2066, 0x206A)
}
_SPACE = set("\t\u00a0\u3000\u2002\u2003\u2009\u202f\v\f")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def visible_chars(text: str) -> int:
    """How many characters of `text` are not whitespace (str.split cuts at exactly str.isspace)."""
    return len("".join(text.split()))


@functools.lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """One-to-one character table from OpenCC's data (only single-character mappings keep offsets)."""
    from importlib import resources

    table: dict[str, str] = {}
    try:
        data = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - dependency missing
        return table
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                table[parts[0]] = target
    return table


_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}


def fold_char(ch: str, trad: dict[str, str]) -> str:
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    if ch in _APOSTROPHES:  # "we’ll" and "we'll" are one word
        return _APOSTROPHES[ch]
    return trad.get(ch, ch)


@dataclass(frozen=True)
class Segment:
    """A run of one language inside a block, in analysis coordinates."""

    start: int
    end: int
    lang: str
    block: int  # index of the document block it came from


@dataclass
class Analysis:
    doc: Document
    text: str  # folded, case kept (tokeniser input)
    lower: str  # folded and lower-cased (phrase input)
    offsets: list[int]  # analysis index → original offset; one extra entry at the end
    segments: list[Segment] = field(default_factory=list)
    quotes: list[tuple[int, int]] = field(default_factory=list)  # short quoted mentions
    sentences: list[tuple[int, int]] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1

    def source(self, start: int, end: int) -> str:
        s, e = self.original_span(start, end)
        return self.doc.text[s:e]

    def set_sentences(self, spans: list[tuple[int, int]]) -> None:
        self.sentences = sorted(spans)
        self._sentence_starts = [s for s, _ in self.sentences]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        seg = self.segment_of(pos)
        return (seg.start, seg.end) if seg else (pos, pos + 1)

    def segment_of(self, pos: int) -> Segment | None:
        starts = self._segment_index()[0]
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and self.segments[i].start <= pos < self.segments[i].end:
            return self.segments[i]
        return None

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        seg = self.segment_of(pos)
        if seg is None:
            return (pos, pos + 1)
        return self._segment_index()[1][seg.block]

    def _segment_index(self) -> tuple[list[int], dict[int, tuple[int, int]]]:
        """Segment starts (for bisect) and each block's span, rebuilt when segments change."""
        index = self.__dict__.get("_index")
        if index is None or index[2] != len(self.segments):
            blocks: dict[int, tuple[int, int]] = {}
            for s in self.segments:
                a, b = blocks.get(s.block, (s.start, s.end))
                blocks[s.block] = (min(a, s.start), max(b, s.end))
            index = ([s.start for s in self.segments], blocks, len(self.segments))
            self.__dict__["_index"] = index
        return index[0], index[1]

    @property
    def languages(self) -> list[str]:
        """The languages present, the one with the most text first (kept until segments change)."""
        known = self.__dict__.get("_languages")
        if known is None or known[0] != len(self.segments):
            seen: dict[str, int] = {}
            for s in self.segments:
                seen[s.lang] = seen.get(s.lang, 0) + (s.end - s.start)
            known = (len(self.segments), sorted(seen, key=lambda k: -seen[k]))
            self.__dict__["_languages"] = known
        return list(known[1])


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """fold_char as a str.translate table (every fold maps one character to one)."""
    table = {ord(k): v for k, v in traditional_to_simplified().items()}
    table.update({ord(k): v for k, v in _APOSTROPHES.items()})
    table.update({o: chr(o - 0xFEE0) for o in range(0xFF01, 0xFF5F)})
    return table


# Where the plain copy-and-translate of a block stops: characters dropped or turned into a
# space, line breaks, a space before another (runs of spaces collapse), and a space between a Chinese
# character and a Latin letter or digit (dropped).
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BREAK = re.compile("[" + "".join(sorted(_DROP | _SPACE)) + "\r\n]| (?= )"
                    f"|(?<=[{_CJK_CLASS}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[{_CJK_CLASS}])")


def _fold_block(doc: Document, start: int, end: int, masked_starts: list[int], table: dict[int, str],
                out: list[str], offsets: list[int]) -> None:
    """Append the folded text of doc.text[start:end] to `out` (pieces) and its offsets."""
    text = doc.text
    masked = doc.masked
    i = start
    j = bisect.bisect_right(masked_starts, i) - 1
    while i < end:
        while j + 1 < len(masked) and masked[j + 1][0] <= i:
            j += 1
        if j >= 0 and masked[j][0] <= i < masked[j][1]:
            if not out or out[-1][-1] != " ":
                out.append(" ")
                offsets.append(i)
            i = masked[j][1]
            continue
        limit = min(end, masked[j + 1][0]) if j + 1 < len(masked) else end
        m = _BREAK.search(text, i, limit)
        stop = m.start() if m else limit
        if stop > i:  # plain characters: fold them in one go
            if text[i] == " " and (not out or out[-1][-1] in " \n"):
                i += 1
                continue
            out.append(text[i:stop].translate(table))
            offsets.extend(range(i, stop))
            i = stop
            continue
        ch = text[i]
        if ch in _DROP or (ch == "\r" and i + 1 < end and text[i + 1] == "\n"):
            i += 1
            continue
        if ch == " " and i + 1 < end and _spacing_between_scripts(text, i, end):
            # 「约 12,400 次」「从 12 日 23:00」: the space some writers put between Chinese and Latin or digits
            # (as many style guides ask) is dropped, so that one pattern meets both ways of writing
            i += 1
            continue
        if ch in "\n\r":  # a lone CR (old Mac line ends) breaks a line too
            prev = out[-1][-1] if out else ""
            k = i + 1
            m = j
            while k < end:
                if text[k] in " \t\u3000":
                    k += 1
                    continue
                # a quote's `>` starting the next line joins like indentation (code there does not)
                while m + 1 < len(masked) and masked[m + 1][0] <= k:
                    m += 1
                if m >= 0 and masked[m][0] == k and not text[k:masked[m][1]].strip(" \t>"):
                    k = masked[m][1]
                    continue
                break
            nxt = text[k] if k < end else ""
            if prev and nxt and is_cjk(prev) and is_cjk(nxt):
                i = k
                continue
            ch = " "
        elif ch in _SPACE:
            ch = " "
        if ch == " " and (not out or out[-1][-1] in " \n"):
            i += 1
            continue
        out.append(ch)
        offsets.append(i)
        i += 1
    while out and out[-1][-1] == " ":  # (never two spaces in a row: one to drop at most)
        out[-1] = out[-1][:-1]
        offsets.pop()
        if not out[-1]:
            out.pop()


_LATIN_RUN = re.compile(r"[0-9A-Za-z+#&._%-]+")  # the ASCII characters of a jieba han block (apolint.language)


def _spacing_between_scripts(text: str, i: int, end: int) -> bool:
    """Whether the space at i stands between a Chinese character and a run of Latin letters or digits, and that
    run holds no ".": "v2.3.1" or "1.5" joined to ideographs would make the Chinese sentence cut need jieba's
    dictionary (apolint.language), which loads in about half a second; spaced, such a run stays apart."""
    before, after = text[i - 1], text[i + 1]
    if is_cjk(before) and after.isascii() and after.isalnum():
        run = _LATIN_RUN.match(text, i + 1, end)
    elif is_cjk(after) and before.isascii() and before.isalnum():
        start = i
        while start > 0 and _LATIN_RUN.fullmatch(text[start - 1]):
            start -= 1
        run = _LATIN_RUN.match(text, start, i)
    else:
        return False
    return run is not None and "." not in run.group(0)


def build(doc: Document, split_languages, forced_lang: str | None, quote_mention_max: int) -> Analysis:
    """Fold every block into one analysis text and split it into language segments."""
    table = _fold_table()
    masked_starts = [s for s, _ in doc.masked]
    out: list[str] = []
    offsets: list[int] = []
    block_ranges: list[tuple[int, int, int]] = []
    for index, block in enumerate(doc.blocks):
        a = len(offsets)
        _fold_block(doc, block.start, block.end, masked_starts, table, out, offsets)
        if len(offsets) > a:
            block_ranges.append((a, len(offsets), index))
            out.append("\n")
            offsets.append(block.end)
    text = "".join(out)
    offsets.append(len(doc.text))
    lower = text.lower()  # the same as lower-casing char by char when every char maps to one char,
    if len(lower) != len(text) or "\u03a3" in text:  # except İ → i̇ (two) and Greek final sigma
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    analysis = Analysis(doc=doc, text=text, lower=lower, offsets=offsets)
    for a, b, index in block_ranges:
        for s, e, lang in split_languages(text, a, b, forced_lang):
            analysis.segments.append(Segment(s, e, lang, index))
    analysis.quotes = _quoted_mentions(text, quote_mention_max)
    return analysis


_QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’", "《": "》"}
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.\s")


def _quoted_mentions(text: str, limit: int) -> list[tuple[int, int]]:
    """Short quotes without sentence punctuation: phrases being mentioned, not used."""
    spans = []
    if limit <= 0:
        return spans
    last_end = 0
    for m in re.finditer(r"[“\"「『‘《]", text):
        if m.start() < last_end:
            continue
        close = _QUOTE_PAIRS[m.group()]
        end = text.find(close, m.end(), m.end() + limit + 1)
        if end == -1:
            continue
        inner = text[m.end():end]
        if inner.strip() and "\n" not in inner and not _SENTENCE_END.search(inner + " "):
            spans.append((m.start(), end + 1))
            last_end = end + 1
    return spans
