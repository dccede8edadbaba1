"""Language split (zh / en per block or sentence), and the sentences of each language's pipeline
found without it (Chinese here, English in apolint.en_sentences; the pipelines are apolint.pipelines).

jieba is imported only where a Chinese text needs its dictionary (see zh_sentences), spaCy never.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from . import spacy_data

# Sentence-sized pieces inside a block; each piece is classified on its own so an English
# sentence inside a Chinese paragraph goes to the English pipeline.
_PIECE_END = re.compile(r"[。！？!?]+[」』”’)）]*|\.(?=\s)")


_CJK_RUN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f]+")
_LATIN_RUN = re.compile("[A-Za-z]+")


def classify(text: str) -> str | None:
    """'zh' when CJK ideographs carry the text, 'en' when Latin letters do, None for neither."""
    cjk = sum(map(len, _CJK_RUN.findall(text)))  # the ranges of analysis.is_cjk
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    if cjk == 0 and latin == 0:
        return None
    # about four Latin letters make one English word; one ideograph is about a word
    return "zh" if cjk * 4 >= latin else "en"


def split_languages(text: str, start: int, end: int, forced: str | None) -> list[tuple[int, int, str]]:
    """Split text[start:end] into runs of one language, merging neighbours of the same language."""
    if forced:
        return [(start, end, forced)]
    # one script or none: every piece would get the same language (or none), so no cutting
    if not _LATIN_RUN.search(text, start, end):
        return [(start, end, "zh" if _CJK_RUN.search(text, start, end) else "en")]
    if not _CJK_RUN.search(text, start, end):
        return [(start, end, "en")]
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _PIECE_END.finditer(text, start, end):
        pieces.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        pieces.append((pos, end))
    langs = [classify(text[s:e]) for s, e in pieces]
    known = [lang for lang in langs if lang]
    if not known:
        return [(start, end, "en")]
    current = known[0]
    runs: list[list] = []
    for (s, e), lang in zip(pieces, langs):
        current = lang or current  # punctuation-only pieces join the run before them
        if runs and runs[-1][2] == current:
            runs[-1][1] = e
        else:
            runs.append([s, e, current])
    return [(s, e, lang) for s, e, lang in runs]


# --- Chinese sentences without the pipeline ------------------------------------------------
#
# When no rule needs Chinese *tokens* (no zh token patterns), the zh pipeline is needed only for
# its sentences: zh_sentences(text) is exactly [(s.start_char, s.end_char) for s in
# nlp(text).sents], without spaCy and, for most texts, without jieba or any tokenising.
#
# The pipeline's tokens. jieba cuts a text in independent blocks: a run of `re_han_default`
# characters (ideographs, ASCII letters and digits, "+#&._%-"), a "han block", is cut by its
# dictionary; outside han blocks every character is a word. A han block with no ideograph and
# none of the few ASCII dictionary words is cut as jieba cuts it (every character is then a
# one-character dictionary word, so the run goes to `finalseg`, which splits it with
# `_FINAL_SKIP`); any other han block is cut by jieba itself. spaCy aligns the words with the
# text (spacy.util.get_words_and_spaces): each non-space word is a token, a single " " right
# after one is that token's trailing space, and the rest of each whitespace run is one token.
#
# The pipeline's sentences. The sentencizer starts a sentence at the first token and, after a
# token that is a sentence-final character (`punct_chars`, apolint.spacy_data), at the next token
# that is neither such a character nor punctuation (`is_punct`: every character of category P);
# a sentence runs from its first token's start to its last token's end. So tokens matter only
# right after a sentence-final token, and the walk (`_sentence_starts`) looks only there:
# - Which sentence-final characters are tokens. Every one outside han blocks is (a word of one
#   character). Of the han-block characters only "." is sentence-final, and it is a token only
#   where its block's cut makes it a word of its own ("v2.3.1" is "v2.3" "." "1"; "99.9%" is
#   one word).
# - Where the next sentence starts: at the first token after it that is not punctuation
#   (`_first_non_punct_token`). A " " right after a token is its trailing space; other
#   whitespace is a token, and not punctuation. A character outside han blocks is a token. A
#   han block's word opens with the character there, and the han-block characters of category P
#   are only "#%&-_." (`_HAN_PUNCT`): a word opening with any other one is not punctuation,
#   however the block is cut, so only a block entered at one of those needs its cut (a word
#   made only of them is punctuation).
# - Where the sentence before ends: the token before a sentence start is sentence-final or
#   punctuation, never whitespace, so at that start, or one before it where that token's
#   trailing space lies. The last token ends at the text's end, unless the text ends with a
#   single " " after a non-space character.
# A han block is cut at most once per text, and only when it holds a "." or the walk enters it
# at punctuation. The former implementation (tokenising the whole text; tests/test_zh_sentences.py
# keeps it as a reference) cut every block that holds "." or opens with one of "#%&-_", so jieba
# is never called more often than it was. That test compares the result with the pipeline and
# with the former implementation.

_HAN_PUNCT = frozenset("#%&-_.")  # the han-block characters of category P ("." is also sentence-final)
_ASCII_WORDS = ("AT&T", "c#", "C#", "c++", "C++")  # jieba's dictionary words made of ASCII only
_HAN_CHAR = re.compile("[\u4E00-\u9FD5]")
_FINAL_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip
_HAN_BLOCK_CHAR = "[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]"
_RE_HAN = re.compile(f"({_HAN_BLOCK_CHAR}+)", re.U)  # jieba.re_han_default (a han block), checked in tests
_HAN_RUN = re.compile(f"{_HAN_BLOCK_CHAR}*")


def _jieba_cut(block: str) -> list[str]:
    import jieba

    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)
    return list(jieba.cut(block, cut_all=False))


def _cut_han_block(block: str) -> list[str]:
    """jieba's words for one han block."""
    if not _HAN_CHAR.search(block) and not any(w in block for w in _ASCII_WORDS):
        return [x for x in _FINAL_SKIP.split(block) if x]
    return _jieba_cut(block)


class _HanWords:
    """The words of a text's han blocks, each block cut when first asked about."""

    __slots__ = ("text", "reversed_text", "word_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self.reversed_text = ""
        self.word_ends: dict[int, dict[int, int]] = {}  # block start → {word start: word end}

    def word_end(self, i: int) -> int | None:
        """The end of the word that starts at i, a position in a han block; None inside a word."""
        text = self.text
        if not self.reversed_text:
            self.reversed_text = text[::-1]
        # a regex matches only forwards: the block runs back from i as far as it runs on from
        # i's mirror position in the reversed text
        mirror = len(text) - 1 - i
        start = i + 1 - (_HAN_RUN.match(self.reversed_text, mirror).end() - mirror)
        ends = self.word_ends.get(start)
        if ends is None:
            ends = self.word_ends[start] = {}
            for word in _cut_han_block(text[start:_HAN_RUN.match(text, i).end()]):
                ends[start] = start + len(word)
                start += len(word)
        return ends.get(i)


def _sentence_starts(text: str) -> list[int]:
    """Where the pipeline's sentences start: at 0, and after each sentence-final token at the
    first token that is neither sentence-final nor punctuation."""
    finals = spacy_data.sentence_final_chars()
    words = _HanWords(text)
    starts = [0]
    walked_to = 0
    for m in spacy_data.final_candidates().finditer(text):
        i = m.start()
        if i < walked_to:  # inside the punctuation after the sentence-final token before
            continue
        char = text[i]
        if char == ".":
            if words.word_end(i) != i + 1:  # part of a longer word of its han block ("99.9%")
                continue
        elif char not in finals:  # an astral character that is not sentence-final
            continue
        start = _first_non_punct_token(text, i + 1, finals, words)
        if start is None:
            break
        starts.append(start)
        walked_to = start
    return starts


def _first_non_punct_token(text: str, pos: int, finals: frozenset, words: _HanWords) -> int | None:
    """Where the first token at or after pos (the end of a non-space token) that is neither
    sentence-final nor punctuation starts; None when there is none."""
    n = len(text)
    while True:
        if pos < n and text[pos] == " ":  # the trailing space of the token before
            pos += 1
        if pos >= n:
            return None
        char = text[pos]
        if char in _HAN_PUNCT:  # a han block's word that may be punctuation only
            end = words.word_end(pos)
            if not _HAN_PUNCT.issuperset(text[pos:end]):
                return pos
            pos = end
        elif char in finals or unicodedata.category(char).startswith("P"):
            pos += 1  # a one-character token outside han blocks
        else:  # whitespace (a token), a character of a han block (opening a word) or any other
            return pos


def zh_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences the zh pipeline (jieba + sentencizer) finds in `text`, as character spans."""
    if not text:
        return []
    spans = []
    start = 0
    for next_start in _sentence_starts(text)[1:]:
        # the token before a sentence start is not whitespace: the sentence ends at its end,
        # before its trailing space if it has one
        spans.append((start, next_start - 1 if text[next_start - 1] == " " else next_start))
        start = next_start
    n = len(text)
    spans.append((start, n - 1 if n > 1 and text[-1] == " " and not text[-2].isspace() else n))
    return spans


def _en_sentences():
    from .en_sentences import en_sentences

    return en_sentences


# language → (a function returning) its pipeline's sentence splitter that needs no pipeline
SENTENCES_WITHOUT_PIPELINE = {"zh": lambda: zh_sentences, "en": _en_sentences}
