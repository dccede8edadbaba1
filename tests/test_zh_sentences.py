"""Chinese sentences without the pipeline (language.zh_sentences) equal the zh pipeline's."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from apolint import language
from apolint._punct import SENTENCIZER_PUNCT_CHARS
from apolint.analysis import build
from apolint.document import parse

ROOT = Path(__file__).resolve().parent.parent


def test_punct_chars_copy_matches_spacy():
    from spacy.pipeline.sentencizer import Sentencizer

    assert list(SENTENCIZER_PUNCT_CHARS) == list(Sentencizer.default_punct_chars)


def test_jieba_block_pattern_matches_jieba():
    import jieba

    assert language._RE_HAN.pattern == jieba.re_han_default.pattern
    assert language._RE_SKIP.pattern == jieba.re_skip_default.pattern


def test_jieba_ascii_words_and_finalseg_pattern_are_the_installed_ones():
    import logging

    import jieba
    import jieba.finalseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    ascii_words = sorted(w for w, f in jieba.dt.FREQ.items() if f and len(w) > 1 and w.isascii())
    assert ascii_words == sorted(language._ASCII_WORDS)
    assert language._FINAL_SKIP.pattern == jieba.finalseg.re_skip.pattern


def _segments() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus").rglob("*.md")):
        analysis = build(parse(path.read_text(encoding="utf-8"), str(path)), language.split_languages, None, 24)
        texts += [analysis.text[s.start:s.end] for s in analysis.segments] + [analysis.text]
    rng = random.Random(6)
    alphabet = list("我们的服务已经恢复。！？!?.．…%#&-_+ 　abcXYZ123,，、；;：:“”\"'（）()《》") + [
        "...", "。。", "!!", " . ", "1.5", "v2.3.1", "10.0.0.1", "A.B", "e.g.", "——", "99.9%", "400-860",
        "AT&T", "C++", "c#", "-1", "%的", "_x", "#1", "&a", ".5", "1.5小时"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    return texts


def test_sentences_equal_the_pipelines():
    nlp = language.pipeline("zh")
    texts = _segments()
    mismatches = [(t, language.zh_sentences(t)) for t in texts
                  if language.zh_sentences(t) != [(s.start_char, s.end_char) for s in nlp(t).sents]]
    assert mismatches == []
    assert len(texts) > 1500


@pytest.mark.parametrize("text, expected", [
    ("服务已恢复。我们深表歉意！", [(0, 6), (6, 13)]),
    ("版本v2.3.1已回滚。请刷新", [(0, 7), (7, 12), (12, 15)]),  # jieba cuts "v2.3" "." "1": a full stop
    ("约15%用户受影响…… 我们正在处理", [(0, 18)]),  # "…" is not sentence-final for spaCy
])
def test_examples(text, expected):
    assert language.zh_sentences(text) == expected
