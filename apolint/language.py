"""Language split (zh / en per block or sentence) and the two spaCy pipelines, loaded lazily.

spaCy and jieba are imported only when a document needs them: an English-only document
never loads jieba, and a run served from the cache loads neither.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from typing import Iterable

from .analysis import is_cjk

# Sentence-sized pieces inside a block; each piece is classified on its own so an English
# sentence inside a Chinese paragraph goes to the English pipeline.
_PIECE_END = re.compile(r"[。！？!?]+[」』”’)）]*|\.(?=\s)")


_CJK = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN = re.compile("[A-Za-z]")


def classify(text: str) -> str | None:
    """'zh' when CJK ideographs carry the text, 'en' when Latin letters do, None for neither."""
    cjk = len(_CJK.findall(text))  # the ranges of analysis.is_cjk
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return None
    # about four Latin letters make one English word; one ideograph is about a word
    return "zh" if cjk * 4 >= latin else "en"


def split_languages(text: str, start: int, end: int, forced: str | None) -> list[tuple[int, int, str]]:
    """Split text[start:end] into runs of one language, merging neighbours of the same language."""
    if forced:
        return [(start, end, forced)]
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


_PIPELINES: dict[str, object] = {}


def pipeline(lang: str):
    """The spaCy pipeline for a language: blank, with a sentencizer; jieba segments Chinese."""
    nlp = _PIPELINES.get(lang)
    if nlp is None:
        import spacy

        if lang == "zh":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        else:
            nlp = spacy.blank(lang)
        nlp.add_pipe("sentencizer")
        nlp.max_length = 50_000_000
        _PIPELINES[lang] = nlp
    return nlp


# --- Chinese sentences without the pipeline ------------------------------------------------
#
# When no rule needs Chinese *tokens* (no zh token patterns), the zh pipeline is needed only for
# its sentences, and those depend on the tokenisation only around punctuation. jieba cuts a text
# in independent blocks: runs of `re_han_default` characters (ideographs, ASCII letters and
# digits, "+#&._%-"), cut by its dictionary, and everything else, one token per character.
# spaCy's sentencizer starts a sentence at the first token that is neither punctuation nor a
# sentence-final character after one that is. Of a han block's characters only "." is
# sentence-final, and only "#%&-_." are punctuation; so a han block without "." that does not
# open with one of "#%&-_" cannot start or end a sentence inside it, nor fail to start one at
# its first character: it can stand as one token without changing any sentence. A block with
# "." and no ideograph is cut as jieba cuts it (its dictionary has no ASCII-only words but the
# few below, so every character is a single-character word and the run goes to
# `finalseg`, which splits it with the pattern below); any other block is cut by jieba itself.
# The result is exactly the pipeline's sentences (tests/test_zh_sentences.py compares them),
# without spaCy or, for most texts, jieba.

_PUNCT_OPENERS = frozenset("#%&-_")  # punctuation a han block may open with (besides ".")
_ASCII_WORDS = ("AT&T", "c#", "C#", "c++", "C++")  # jieba's dictionary words made of ASCII only
_HAN_CHAR = re.compile("[\u4E00-\u9FD5]")
_FINAL_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # jieba.re_han_default
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba.re_skip_default
_PUNCT_CHARS: frozenset | None = None


def _sentence_chars() -> frozenset:
    """spaCy's Sentencizer.default_punct_chars, copied so that spaCy need not be imported."""
    global _PUNCT_CHARS
    if _PUNCT_CHARS is None:
        from ._punct import SENTENCIZER_PUNCT_CHARS

        _PUNCT_CHARS = frozenset(SENTENCIZER_PUNCT_CHARS)
    return _PUNCT_CHARS


def _jieba_cut(block: str) -> list[str]:
    import jieba

    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)
    return list(jieba.cut(block, cut_all=False))


def _zh_words(text: str) -> list[str]:
    """jieba's words for `text`, except that a han block that cannot hold a boundary stays whole."""
    words: list[str] = []
    for block in _RE_HAN.split(text):
        if not block:
            continue
        if _RE_HAN.match(block):
            if "." not in block and block[0] not in _PUNCT_OPENERS:
                words.append(block)
            elif not _HAN_CHAR.search(block) and not any(w in block for w in _ASCII_WORDS):
                words.extend(x for x in _FINAL_SKIP.split(block) if x)
            else:
                words.extend(_jieba_cut(block))
        else:
            for x in _RE_SKIP.split(block):
                if _RE_SKIP.match(x):
                    words.append(x)
                else:
                    words.extend(x)
    return [w for w in words if w]


def _is_punct(text: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in text)


def zh_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences the zh pipeline (jieba + sentencizer) finds in `text`, as character spans."""
    # spacy.util.get_words_and_spaces: align the words with the text; a single space after a
    # word is its trailing whitespace, any other whitespace is a token of its own
    tokens: list[tuple[int, int]] = []  # (start, end) of each token's text
    pos = 0
    n = len(text)
    for word in _zh_words(text):
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:  # pragma: no cover - the words always come from the text
            raise ValueError("segmentation does not match the text")
        if start > pos:
            tokens.append((pos, start))
        tokens.append((start, start + len(word)))
        pos = start + len(word)
        if pos < n and text[pos] == " ":
            pos += 1
    if pos < n:
        tokens.append((pos, n))
    if not tokens:
        return []
    # spaCy's Sentencizer.predict
    punct = _sentence_chars()
    starts = [0]
    seen_period = False
    for i, (s, e) in enumerate(tokens):
        token = text[s:e]
        in_punct_chars = token in punct
        if seen_period and not in_punct_chars and not _is_punct(token):
            starts.append(i)
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    bounds = starts + [len(tokens)]
    return [(tokens[a][0], tokens[b - 1][1]) for a, b in zip(bounds, bounds[1:])]


def _en_sentences():
    from .en_sentences import en_sentences

    return en_sentences


# language → (a function returning) its pipeline's sentence splitter that needs no pipeline
SENTENCES_WITHOUT_PIPELINE = {"zh": lambda: zh_sentences, "en": _en_sentences}


def add_words(lang: str, words: Iterable[str]) -> None:
    """Teach the segmenter the packs' multi-character phrases so token patterns see them whole."""
    if lang != "zh":
        return
    import jieba

    for w in words:
        if len(w) > 1 and all(is_cjk(c) for c in w):
            jieba.add_word(w)
