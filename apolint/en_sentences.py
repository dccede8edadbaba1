"""English sentences without spaCy: exactly the spans of `spacy.blank("en")` + "sentencizer".

`en_sentences(text)` returns `[(s.start_char, s.end_char) for s in nlp(text).sents]` for that
pipeline, for any text, without importing spaCy. Two differences of form: a text holding a lone
surrogate, which spaCy's tokenizer refuses (UnicodeEncodeError), is handed to the real pipeline
(`apolint.pipelines.pipeline("en")`) so that it fails the same way; and there is no length limit
(spaCy refuses texts longer than `nlp.max_length`).

How the pipeline decides. spaCy's Sentencizer starts a sentence at the first token; after a
token that is a sentence-final character (`punct_chars`, apolint._punct) it starts one at the
next token that is neither such a character nor punctuation (`is_punct`: every character of
Unicode category P). A sentence runs from its first token's start to its last token's end.
spaCy's Tokenizer (tokenizer.pyx, `_tokenize_affixes`) cuts the text into chunks at whitespace:
each run of non-space characters is a chunk, and so is each run of whitespace, except that a
single " " right after a non-space run is that token's trailing space (a run starting with " "
loses that " "); a chunk is then split by special cases (tokenizer exceptions), prefix and suffix
patterns, the URL pattern and infix patterns; last, a phrase matcher re-applies special cases that
affix splitting cut apart (`_apply_special_cases`).

Why most of the text needs no tokenising. A chunk's tokens tile it. If a chunk holds no
sentence-final character, none of its tokens is one, so inside it no token can end a sentence;
and if its first character is not punctuation, its first token is an ordinary word. Such a chunk
(every whitespace chunk, and most words) acts exactly like one ordinary token spanning it,
whatever its tokens are. Better still, a chunk without a sentence-final character can change
nothing unless it comes right after one: it starts no sentence, and punctuation in it before a
sentence-final token ends no sentence. So `_SentenceWalk` goes from one non-space run holding a
sentence-final character to the next, and after each looks only as far as the first token that
is a word. Only those runs, and runs there that open with a non-word character, are tokenised,
by a line-by-line Python port of the tokenizer (`_EnglishTokenizer`) on the installed spaCy's
own data (apolint.spacy_data: read off spaCy once and kept in the user cache), and cached.

The phrase matcher is the one step that looks across chunks. It can change a run's tokens only by
matching, inside that run, a special case's affix-split tokens that differ from the special
case's own tokens (an "effective" pattern); a special case without whitespace cannot match across
chunks, since its text would then hold the whitespace between them. So when no run holds an
effective pattern the runs keep their affix tokens. When one does, whether it wins depends on
every overlapping match in the document, so the whole text is tokenised and the matcher replayed
(`_sentences_by_full_tokenisation`, which is also exact, only slower).

tests/test_en_sentences.py compares the result with the real pipeline (corpus, generated
announcements, random and hypothesis texts).
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from . import spacy_data

_PUNCT_CHARS: frozenset[str] = frozenset()  # spaCy's sentence-final characters, set by _tokenizer()
# A category-P character is never alphanumeric, so a run opening with one matches this.
_OPENS_WITH_NON_WORD = re.compile(r"[^\w\s]|_")
_NON_SPACE = re.compile(r"\S*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHUNK = re.compile(r"\s+|\S+")

# kinds of token for the sentencizer; a segment is a run of tokens of one kind, merged
WORD, PUNCT, FINAL = 0, 1, 2  # ordinary token; punctuation only; punctuation with a sentence-final character


def _token_kind(token: str) -> int:
    if token in _PUNCT_CHARS:
        return FINAL
    # Token.is_punct (spacy.lang.lex_attrs.is_punct): true for every character in category P
    if all(unicodedata.category(c).startswith("P") for c in token):
        return PUNCT
    return WORD


class _EnglishTokenizer:
    """spaCy's English Tokenizer (tokenizer.pyx) in Python, on the installed spaCy's data."""

    def __init__(self) -> None:
        data = spacy_data.en_tokenizer()
        self.specials: dict[str, tuple[str, ...]] = {key: tuple(orths) for key, orths in data["specials"].items()}
        self._data = data

    # the patterns are large (tens of milliseconds to compile): compiled on first use
    @cached_property
    def prefix_search(self):
        return re.compile(self._data["prefix_pattern"]).search

    @cached_property
    def suffix_search(self):
        return re.compile(self._data["suffix_pattern"]).search

    @cached_property
    def infix_finditer(self):
        return re.compile(self._data["infix_pattern"]).finditer

    @cached_property
    def url_match(self):
        return re.compile(self._data["url_pattern"]).match

    def find_prefix(self, string: str) -> int:
        match = self.prefix_search(string)
        return match.end() - match.start() if match is not None else 0

    def find_suffix(self, string: str) -> int:
        match = self.suffix_search(string)
        return match.end() - match.start() if match is not None else 0

    def tokenize_chunk(self, chunk: str, with_specials: bool = True) -> list[str]:
        """The tokens of one whitespace-free (or all-whitespace) chunk: Tokenizer._tokenize."""
        specials = self.specials if with_specials else {}
        if chunk in specials:
            return list(specials[chunk])
        prefixes: list[str] = []
        suffixes: list[str] = []
        rest = self._split_affixes(chunk, prefixes, suffixes, specials)
        return prefixes + self._attach(rest, specials) + suffixes[::-1]

    def _split_affixes(self, string: str, prefixes: list, suffixes: list, specials: dict) -> str:
        """Tokenizer._split_affixes: peel prefixes and suffixes until none is left or a special case is."""
        last_size = 0
        while string and len(string) != last_size:
            if string in specials:
                break
            last_size = len(string)
            pre_len = self.find_prefix(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    prefixes.append(prefix)
                    return minus_pre
            suf_len = self.find_suffix(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    suffixes.append(suffix)
                    return minus_suf
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        return string

    def _attach(self, string: str, specials: dict) -> list[str]:
        """Tokenizer._attach_tokens for what the affixes leave: a special case, a URL, or infix splits.

        (spaCy looks in its chunk cache before the URL pattern; a cached chunk equal to `string`
        was tokenised the way this function does, since `string` has no prefix or suffix left.)
        """
        if not string:
            return []
        if string in specials:
            return list(specials[string])
        if self.url_match(string):
            return [string]
        tokens: list[str] = []
        start = 0
        for match in self.infix_finditer(string):
            infix_start, infix_end = match.span()
            if infix_start == 0:  # an infix at the very start is not split off
                continue
            if infix_start != start:
                tokens.append(string[start:infix_start])
            if infix_start != infix_end:
                tokens.append(string[infix_start:infix_end])
            start = infix_end
        if string[start:]:
            tokens.append(string[start:])
        return tokens

    # --- the special-case matcher ------------------------------------------------------------

    @cached_property
    def matcher_patterns(self) -> dict[str, list[tuple[str, ...]]]:
        """Tokenizer.add_special_case: a special case with a prefix, suffix, infix or space is also
        matched, as its affix-split tokens, after tokenisation. Indexed by first token."""
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self.specials):
            if self.find_prefix(key) or self.find_suffix(key) or any(self.infix_finditer(key)) or " " in key:
                pattern = tuple(t for _, chunk in _chunks(key) for t in self.tokenize_chunk(chunk, False))
                if pattern:
                    by_first.setdefault(pattern[0], []).append(pattern)
        return by_first

    @cached_property
    def effective_patterns(self) -> dict[str, list[tuple[str, ...]]]:
        """The matcher patterns whose special case has other tokens than the pattern itself."""
        effective: dict[str, list[tuple[str, ...]]] = {}
        for first, patterns in self.matcher_patterns.items():
            for pattern in patterns:
                if self.specials["".join(pattern)] != pattern:
                    effective.setdefault(first, []).append(pattern)
        return effective

    def has_effective_pattern(self, tokens: list[str]) -> bool:
        effective = self.effective_patterns
        for i, token in enumerate(tokens):
            for pattern in effective.get(token, ()):
                if tuple(tokens[i:i + len(pattern)]) == pattern:
                    return True
        return False

    def apply_special_matcher(self, text: str, tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Tokenizer._apply_special_cases on (start, end, text) tokens of `text`."""
        orths = [t for _, _, t in tokens]
        matches = set()  # PhraseMatcher.find_matches: every occurrence of every pattern
        for i, orth in enumerate(orths):
            for pattern in self.matcher_patterns.get(orth, ()):
                if tuple(orths[i:i + len(pattern)]) == pattern:
                    matches.add((i, i + len(pattern)))
        # _filter_special_spans: longest first, then leftmost; a span is kept when its first and
        # last tokens are unclaimed, and claims its tokens even when it is not kept
        kept: dict[int, int] = {}
        claimed: set[int] = set()
        for start, end in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
            if start not in claimed and end - 1 not in claimed:
                kept[start] = end
            claimed.update(range(start, end))
        # _retokenize_special_spans: a kept span whose text is a special case gets its tokens
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            end = kept.get(i)
            if end is None:
                out.append(tokens[i])
                i += 1
                continue
            a, b = tokens[i][0], tokens[end - 1][1]
            special = self.specials.get(text[a:b])
            if special is None:
                out.extend(tokens[i:end])
            else:
                for orth in special:
                    out.append((a, a + len(orth), orth))
                    a += len(orth)
            i = end
        return out


def _chunks(text: str):
    """(offset, chunk) for Tokenizer._tokenize_affixes: non-space runs and whitespace runs, where a
    whitespace run after a non-space run loses its first character if that is " " (trailing space)."""
    for match in _CHUNK.finditer(text):
        start = match.start()
        if start and text[start] == " ":
            start += 1
        if start < match.end():
            yield start, text[start:match.end()]


_TOKENIZER: _EnglishTokenizer | None = None


def _tokenizer() -> _EnglishTokenizer:
    global _TOKENIZER, _PUNCT_CHARS
    if _TOKENIZER is None:
        _PUNCT_CHARS = spacy_data.sentence_final_chars()
        _TOKENIZER = _EnglishTokenizer()
    return _TOKENIZER


# --- the fast path: only the runs that can hold a boundary ------------------------------------

_RUN_CACHE: dict[str, tuple | None] = {}
_RUN_CACHE_MAX = 50_000  # entries; emptied when full
_RUN_CACHE_MAX_LEN = 200  # longer runs (rare, and seldom repeated) are not kept


def _merged_segments(tokens: list[str]) -> tuple[tuple[int, int, int], ...]:
    """(start, end, kind) of a run's tokens, neighbouring tokens merged when that changes no
    decision: words after a word never start a sentence; punctuation tokens in a row act as one."""
    segments: list[list[int]] = []
    pos = 0
    for token in tokens:
        kind = _token_kind(token)
        end = pos + len(token)
        if segments and (segments[-1][2] == WORD) == (kind == WORD):
            segments[-1][1] = end
            segments[-1][2] = max(segments[-1][2], kind)
        else:
            segments.append([pos, end, kind])
        pos = end
    return tuple(tuple(s) for s in segments)


def _run_segments(run: str) -> tuple | None:
    """A run's segments, or None when the special-case matcher might change its tokens."""
    try:
        return _RUN_CACHE[run]
    except KeyError:
        pass
    tokenizer = _tokenizer()
    tokens = tokenizer.tokenize_chunk(run)
    result = None if tokenizer.has_effective_pattern(tokens) else _merged_segments(tokens)
    if len(run) <= _RUN_CACHE_MAX_LEN:
        if len(_RUN_CACHE) >= _RUN_CACHE_MAX:
            _RUN_CACHE.clear()
        _RUN_CACHE[run] = result
    return result


def _last_token_end(text: str) -> int:
    # a single " " after a non-space character is the last token's trailing space
    n = len(text)
    return n - 1 if n >= 2 and text[-1] == " " and not text[-2].isspace() else n


class _NeedsMatcher(Exception):
    """A run holds an effective special-case pattern: the whole text must be tokenised."""


class _SentenceWalk:
    """Sentencizer.predict over the text, visiting only the runs that can decide a boundary.

    A run without a sentence-final character matters only right after one (it may start the
    next sentence, or be punctuation that lets the sentence go on), so the walk goes from one
    run with a sentence-final character to the next, looking after each only as far as the
    first word.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        self.ends: list[int] = []
        self.final_seen = False  # a sentence-final token since the last word
        self.last_punct_end = 0  # end of the latest punctuation token: where a sentence ends

    def sentences(self) -> list[tuple[int, int]]:
        text = self.text
        done = 0  # the text before this is walked
        _tokenizer()  # (the data _token_kind needs)
        for match in spacy_data.final_candidates().finditer(text):
            pos = match.start()
            if pos < done:  # in the run just walked
                continue
            run_start = pos
            while run_start > done and not text[run_start - 1].isspace():
                run_start -= 1
            run_end = _NON_SPACE.match(text, pos).end()
            if self.final_seen:
                self.tokens_between(done, run_start)
            self.run(run_start, run_end)
            done = run_end
        if self.final_seen:
            self.tokens_between(done, len(text))
        return list(zip(self.starts, self.ends + [_last_token_end(text)]))

    def word(self, pos: int) -> None:
        """A token that is neither punctuation nor sentence-final starts at `pos`."""
        if self.final_seen:
            self.ends.append(self.last_punct_end)
            self.starts.append(pos)
            self.final_seen = False

    def run(self, start: int, end: int) -> None:
        segments = _run_segments(self.text[start:end])
        if segments is None:
            raise _NeedsMatcher
        for seg_start, seg_end, kind in segments:
            if kind == WORD:
                self.word(start + seg_start)
            else:
                self.last_punct_end = start + seg_end
                self.final_seen = self.final_seen or kind == FINAL

    def tokens_between(self, lo: int, hi: int) -> None:
        """Walk text[lo:hi], which follows a run and has no sentence-final character, until a word."""
        text = self.text
        pos = lo
        while self.final_seen and pos < hi:
            if text[pos] == " " and pos == lo:  # the trailing space of the run before
                pos += 1
            elif text[pos].isspace() or not _OPENS_WITH_NON_WORD.match(text, pos):
                self.word(pos)  # a whitespace token, or a run whose first token is a word
            else:  # a run opening with what may be punctuation: its tokens tell
                end = _NON_SPACE.match(text, pos).end()
                self.run(pos, end)
                lo = pos = end


def en_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences spaCy's blank English pipeline with a sentencizer finds in `text`."""
    if not text:
        return []
    if not text.isascii() and _SURROGATE.search(text):
        return _pipeline_sentences(text)
    try:
        return _SentenceWalk(text).sentences()
    except _NeedsMatcher:
        return _sentences_by_full_tokenisation(text)


# --- the slow path: every token, and the special-case matcher ---------------------------------

def _sentences_by_full_tokenisation(text: str) -> list[tuple[int, int]]:
    """Tokenise all of `text` as spaCy does, matcher included, then run the sentencizer."""
    return _sentencize(_full_tokens(text))


def _full_tokens(text: str) -> list[tuple[int, int, str]]:
    """spaCy's tokens of `text` (Tokenizer.__call__), as (start, end, text)."""
    tokenizer = _tokenizer()
    tokens: list[tuple[int, int, str]] = []
    for offset, chunk in _chunks(text):
        for token in tokenizer.tokenize_chunk(chunk):
            tokens.append((offset, offset + len(token), token))
            offset += len(token)
    return tokenizer.apply_special_matcher(text, tokens)


def _sentencize(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """spaCy's Sentencizer.predict on (start, end, text) tokens, as character spans."""
    if not tokens:
        return []
    starts = [0]
    final_seen = False
    for i, (_, _, token) in enumerate(tokens):
        kind = _token_kind(token)
        if final_seen and kind == WORD:
            starts.append(i)
            final_seen = False
        elif kind == FINAL:
            final_seen = True
    bounds = starts + [len(tokens)]
    return [(tokens[a][0], tokens[b - 1][1]) for a, b in zip(bounds, bounds[1:])]


def _pipeline_sentences(text: str) -> list[tuple[int, int]]:
    """The real pipeline, for the inputs the port does not replay (texts with lone surrogates)."""
    from .pipelines import pipeline

    return [(s.start_char, s.end_char) for s in pipeline("en")(text).sents]
