"""Chinese sentences without the pipeline (language.zh_sentences) equal the zh pipeline's.

Two references: the real pipeline (`pipelines.pipeline("zh")`: jieba + sentencizer), and the former
implementation of zh_sentences, kept below (it tokenised the whole text), which needs no spaCy and
so also checks texts the pipeline cannot take. Texts: every analysis segment and whole analysis
text of the corpus, generated Chinese announcements (bench/generate.py) and their segments, seeded
random texts over an alphabet of what decides boundaries (whitespace runs, full-width and ASCII
sentence-final characters, quotes and brackets, "." inside words, jieba's ASCII words, emoji,
English), and hypothesis examples (HYPOTHESIS_PROFILE=long runs more).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apolint import language, pipelines, spacy_data
from apolint.analysis import build
from apolint.document import parse
from apolint.evaluate import corpus_files

ROOT = Path(__file__).resolve().parent.parent


# --- the former implementation, the second reference -------------------------------------------

_REF_PUNCT_OPENERS = frozenset("#%&-_")
_REF_ASCII_WORDS = ("AT&T", "c#", "C#", "c++", "C++")
_REF_HAN_CHAR = re.compile("[\u4E00-\u9FD5]")
_REF_FINAL_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip
_REF_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # jieba.re_han_default
_REF_RE_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba.re_skip_default


def _reference_jieba_cut(block: str) -> list[str]:
    import jieba

    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)
    return list(jieba.cut(block, cut_all=False))


def _reference_words(text: str) -> list[str]:
    words: list[str] = []
    for block in _REF_RE_HAN.split(text):
        if not block:
            continue
        if _REF_RE_HAN.match(block):
            if "." not in block and block[0] not in _REF_PUNCT_OPENERS:
                words.append(block)
            elif not _REF_HAN_CHAR.search(block) and not any(w in block for w in _REF_ASCII_WORDS):
                words.extend(x for x in _REF_FINAL_SKIP.split(block) if x)
            else:
                words.extend(_reference_jieba_cut(block))
        else:
            for x in _REF_RE_SKIP.split(block):
                if _REF_RE_SKIP.match(x):
                    words.append(x)
                else:
                    words.extend(x)
    return [w for w in words if w]


def _reference_is_punct(text: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in text)


def reference_zh_sentences(text: str) -> list[tuple[int, int]]:
    """zh_sentences before it skipped the text between sentence-final characters."""
    tokens: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for word in _reference_words(text):
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
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
    punct = spacy_data.sentence_final_chars()
    starts = [0]
    seen_period = False
    for i, (s, e) in enumerate(tokens):
        token = text[s:e]
        in_punct_chars = token in punct
        if seen_period and not in_punct_chars and not _reference_is_punct(token):
            starts.append(i)
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    bounds = starts + [len(tokens)]
    return [(tokens[a][0], tokens[b - 1][1]) for a, b in zip(bounds, bounds[1:])]


# --- spaCy's and jieba's data ----------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    return pipelines.pipeline("zh")


def test_sentence_final_chars_are_spacys():
    from spacy.pipeline.sentencizer import Sentencizer

    assert spacy_data.sentence_final_chars() == frozenset(Sentencizer.default_punct_chars)


def test_jieba_block_pattern_matches_jieba():
    import jieba

    assert language._RE_HAN.pattern == jieba.re_han_default.pattern == _REF_RE_HAN.pattern
    assert _REF_RE_SKIP.pattern == jieba.re_skip_default.pattern


def test_jieba_ascii_words_and_finalseg_pattern_are_the_installed_ones():
    import jieba
    import jieba.finalseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    ascii_words = sorted(w for w, f in jieba.dt.FREQ.items() if f and len(w) > 1 and w.isascii())
    assert ascii_words == sorted(language._ASCII_WORDS)
    assert language._FINAL_SKIP.pattern == jieba.finalseg.re_skip.pattern


def test_han_block_characters():
    """Of the han-block characters only "." is sentence-final, and only "#%&-_." are punctuation."""
    han = [chr(c) for c in range(0x110000) if language._RE_HAN.fullmatch(chr(c))]
    assert len(han) == 0x9FD5 - 0x4E00 + 1 + 26 + 26 + 10 + 7
    assert [c for c in han if c in spacy_data.sentence_final_chars()] == ["."]
    assert {c for c in han if unicodedata.category(c).startswith("P")} == language._HAN_PUNCT
    for c in spacy_data.sentence_final_chars():
        assert spacy_data.final_candidates().fullmatch(c)


# --- the texts ---------------------------------------------------------------------------------

def _analysis_segments(text: str, name: str) -> list[str]:
    analysis = build(parse(text, name), language.split_languages, None, 24)
    return [analysis.text[s.start:s.end] for s in analysis.segments]


def _corpus_texts() -> list[str]:
    texts = []
    for path in corpus_files(ROOT / "corpus"):  # our corpus, not the held-out sets under it
        analysis = build(parse(path.read_text(encoding="utf-8"), str(path)), language.split_languages, None, 24)
        texts += [analysis.text[s.start:s.end] for s in analysis.segments] + [analysis.text]
    return texts


def _bench_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated_texts() -> list[str]:
    generate = _bench_generator()
    rng = random.Random(6)
    texts = [generate.announcement(rng, zh=True) for _ in range(600)]
    for i, text in enumerate(texts[:300]):
        texts += _analysis_segments(text, f"{i}.md")
    return texts


BASIC_ALPHABET = list("我们的服务已经恢复。！？!?.．…%#&-_+ 　abcXYZ123,，、；;：:“”\"'（）()《》") + [
    "...", "。。", "!!", " . ", "1.5", "v2.3.1", "10.0.0.1", "A.B", "e.g.", "——", "99.9%", "400-860",
    "AT&T", "C++", "c#", "-1", "%的", "_x", "#1", "&a", ".5", "1.5小时"]

EDGE_ALPHABET = list("我们的服务已经恢复部分用户。！？．｡!?.…%#&-_+=/@*~,，、；;：:\"'“”‘’「」『』（）()【】[]《》<>"
                     " \t\n\u3000\xa0abcXYZ0123456789😀") + [
    "  ", "   ", " \n", "\n\n", "\r\n", "\t\t", " \t", "\t ", "\u3000\u3000", "\u2028", "\u200b", "\r",
    "...", "……", "。。", "！！", "？！", "!!", "?!", "!?", "‼", "⁉", " . ", ". ", " .", ".\n", "。 ", "。  ",
    "。\n", "！」", "？”", "。）", "。”“", "1.5小时", "1.5", "5.", ".5", "v2.3.1", "V2.3", "10.0.0.1",
    "99.9%", "%的", "_x", "x_", "#1", "#", "&a", "-1", "--", "——", "-_-", "..%", ".-.", "a.", ".a",
    "AT&T", "C++", "c#", "C#", "c++", "C++.", "e.g.", "A.B", "Mr.", "U.S.", "ok.", "OK!",
    "We are sorry. ", "It is fixed.", "Update: ", "Some users could not log in",
    "系统v2.3.1版本", "约15%用户", "服务器10.0.0.1上", "于1.5小时后", "API.", "😀。", "\U00011047", "\U0001F600"]


def _random_texts(seed: int, count: int, alphabet: list[str], max_parts: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_parts))) for _ in range(count)]


def mismatches(nlp, texts: list[str]) -> list[tuple[str, list, list, list]]:
    """Texts where zh_sentences differs from the pipeline's sentences or from the former implementation."""
    out = []
    for text in texts:
        ours = language.zh_sentences(text)
        pipeline = [(s.start_char, s.end_char) for s in nlp(text).sents]
        former = reference_zh_sentences(text)
        if not ours == pipeline == former:
            out.append((text, ours, pipeline, former))
    return out


# --- equal to the pipeline and to the former implementation ------------------------------------

def test_corpus_segments(nlp):
    texts = _corpus_texts()
    assert len(texts) > 100
    assert mismatches(nlp, texts) == []


def test_generated_announcements(nlp):
    texts = _generated_texts()
    assert len(texts) > 1500
    assert mismatches(nlp, texts) == []


def test_random_texts(nlp):
    texts = _random_texts(6, 3000, BASIC_ALPHABET, 40)
    assert mismatches(nlp, texts) == []


def test_random_texts_at_the_edges(nlp):
    texts = [""] + _random_texts(7, 12000, EDGE_ALPHABET, 30)
    assert mismatches(nlp, texts) == []


@settings(max_examples=2000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 200, deadline=None,
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(EDGE_ALPHABET), st.text(max_size=4)), max_size=25).map("".join))
def test_property_equal_to_pipeline(nlp, text):
    assert language.zh_sentences(text) == [(s.start_char, s.end_char) for s in nlp(text).sents]
    assert language.zh_sentences(text) == reference_zh_sentences(text)


def test_equal_to_former_implementation_on_any_characters():
    """Any code point (lone surrogates too, which spaCy refuses), mixed with the edge alphabet."""
    rng = random.Random(8)
    for _ in range(5000):
        parts = [rng.choice(EDGE_ALPHABET) if rng.random() < 0.6 else chr(rng.randrange(0x110000))
                 for _ in range(rng.randint(0, 20))]
        text = "".join(parts)
        assert language.zh_sentences(text) == reference_zh_sentences(text), repr(text)


def test_jieba_is_called_no_more_often_than_before(monkeypatch):
    """The walk cuts a block with jieba only where the former implementation did; it may skip a
    block that opens with one of "#%&-_" (and holds no ".") where no sentence-final token is before."""
    calls = {"ours": 0, "former": 0}

    def counting(key, cut):
        def counted(block):
            calls[key] += 1
            return cut(block)
        return counted

    monkeypatch.setattr(language, "_jieba_cut", counting("ours", language._jieba_cut))
    monkeypatch.setitem(globals(), "_reference_jieba_cut", counting("former", _reference_jieba_cut))
    texts = _generated_texts() + _random_texts(7, 12000, EDGE_ALPHABET, 30)
    opens_with_punct = re.compile("(?<![\u4E00-\u9FD5a-zA-Z0-9+#&._%-])[#%&_-]")
    total = {"ours": 0, "former": 0}
    for text in texts:
        calls.update(ours=0, former=0)
        language.zh_sentences(text)
        reference_zh_sentences(text)
        assert calls["ours"] <= calls["former"], text
        if not opens_with_punct.search(text):
            assert calls["ours"] == calls["former"], text
        total["ours"] += calls["ours"]
        total["former"] += calls["former"]
    assert total["former"] > 1000  # the texts do reach jieba


@pytest.mark.parametrize("text, expected", [
    ("", []),
    (" ", [(0, 1)]),
    ("\n\n", [(0, 2)]),
    ("好 ", [(0, 1)]),
    ("好  ", [(0, 3)]),  # a trailing space, then a whitespace token
    ("服务已恢复。我们深表歉意！", [(0, 6), (6, 13)]),
    ("版本v2.3.1已回滚。请刷新", [(0, 7), (7, 12), (12, 15)]),  # jieba cuts "v2.3" "." "1": a full stop
    ("约15%用户受影响…… 我们正在处理", [(0, 18)]),  # "…" is not sentence-final for spaCy
    ("已恢复。 好", [(0, 4), (5, 6)]),  # one space is the "。" token's trailing space
    ("已恢复。  好", [(0, 4), (5, 7)]),  # the second space is a token: it starts the sentence
    ("已恢复。\n好", [(0, 4), (4, 6)]),
    ("已恢复！」 好", [(0, 5), (6, 7)]),  # the closing quote stays with its sentence
    ("已恢复。%的用户", [(0, 5), (5, 8)]),  # "%" is punctuation: it ends the sentence
    ("已恢复。#1 好", [(0, 5), (5, 8)]),  # "#1" is cut "#" "1"
    ("耗时1.5小时。好", [(0, 8), (8, 9)]),  # "1.5" is one word
    ("已恢复。", [(0, 4)]),
    ("已恢复。 ", [(0, 4)]),
])
def test_examples(nlp, text, expected):
    assert language.zh_sentences(text) == expected
    assert [(s.start_char, s.end_char) for s in nlp(text).sents] == expected
    assert reference_zh_sentences(text) == expected
