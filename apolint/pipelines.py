"""The spaCy pipelines (blank, with a sentencizer; jieba segments Chinese), loaded when first asked for.

Only a document whose language has token patterns in a loaded pack needs its pipeline: sentences
alone come from apolint.language.zh_sentences and apolint.en_sentences, without spaCy.
"""
from __future__ import annotations

import logging
from typing import Iterable

from .analysis import is_cjk

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
