"""Language split (zh / en per block or sentence) and the two spaCy pipelines, loaded lazily.

spaCy and jieba are imported only when a document needs them: an English-only document
never loads jieba, and a run served from the cache loads neither.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

from .analysis import is_cjk

LANGUAGES = ("zh", "en")

# Sentence-sized pieces inside a block; each piece is classified on its own so an English
# sentence inside a Chinese paragraph goes to the English pipeline.
_PIECE_END = re.compile(r"[。！？!?]+[」』”’)）]*|\.(?=\s)")


def classify(text: str) -> str | None:
    """'zh' when CJK ideographs carry the text, 'en' when Latin letters do, None for neither."""
    cjk = latin = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
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


def add_words(lang: str, words: Iterable[str]) -> None:
    """Teach the segmenter the packs' multi-character phrases so token patterns see them whole."""
    if lang != "zh":
        return
    import jieba

    for w in words:
        if len(w) > 1 and all(is_cjk(c) for c in w):
            jieba.add_word(w)
