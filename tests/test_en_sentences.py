"""English sentences without spaCy (apolint.en_sentences) equal the pipeline's, for any text.

The reference is `spacy.blank("en")` with a "sentencizer", as the brief for en_sentences states.
Texts: every analysis segment and whole analysis text of the corpora, generated announcements
(bench/generate.py), seeded random texts over an alphabet of the characters and tokens that decide
boundaries, texts built from the special-case matcher's patterns, and hypothesis examples
(HYPOTHESIS_PROFILE=long runs more). The tokenizer data is read off the installed spaCy and kept in
the user cache (apolint.spacy_data): it must equal spaCy's, belong to this spaCy's version, and be
derived again when the cached file is damaged.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apolint import en_sentences as en
from apolint import language, spacy_data
from apolint.analysis import build
from apolint.document import parse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def nlp():
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def spacy_sentences(nlp, text: str) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in nlp(text).sents]


def mismatches(nlp, texts: list[str]) -> list[tuple[str, list, list]]:
    """Texts where en_sentences or the full tokenisation (the slow path) differs from spaCy."""
    out = []
    for text in texts:
        expected = spacy_sentences(nlp, text)
        if en.en_sentences(text) != expected or en._sentences_by_full_tokenisation(text) != expected:
            out.append((text, expected, en.en_sentences(text)))
    return out


# --- the data, derived from spaCy and cached ----------------------------------------------------

def test_tokenizer_data_is_spacys(nlp):
    from spacy.symbols import ORTH

    tokenizer = nlp.tokenizer
    data = spacy_data.en_tokenizer()
    assert data["prefix_pattern"] == tokenizer.prefix_search.__self__.pattern
    assert data["suffix_pattern"] == tokenizer.suffix_search.__self__.pattern
    assert data["infix_pattern"] == tokenizer.infix_finditer.__self__.pattern
    assert data["url_pattern"] == tokenizer.url_match.__self__.pattern
    assert tokenizer.token_match is None  # the port has no token_match step
    for regex in (tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer, tokenizer.url_match):
        assert regex.__self__.flags == re.compile(regex.__self__.pattern).flags
    specials = {key: tuple(sub[ORTH] for sub in subs) for key, subs in tokenizer.rules.items()}
    assert en._tokenizer().specials == specials
    assert tokenizer.faster_heuristics  # which special cases the matcher re-applies (matcher_patterns)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A cache directory of its own, and nothing of spacy_data loaded in this process."""
    monkeypatch.setenv("APOLINT_CACHE_DIR", str(tmp_path / "results"))
    spacy_data.forget()
    yield tmp_path
    spacy_data.forget()


def test_data_is_derived_once_and_read_from_the_cache(empty_cache, monkeypatch):
    import spacy

    path = spacy_data.data_path(spacy.__version__)
    assert path.parent.parent == empty_cache  # beside the results cache
    assert not path.exists()
    first = spacy_data.load()
    assert first == spacy_data.derive()
    assert json.loads(path.read_text(encoding="utf-8")) == first
    spacy_data.forget()
    monkeypatch.setattr(spacy_data, "derive", lambda: pytest.fail("derived again despite a good cache"))
    assert spacy_data.load() == first


def test_version_is_read_without_importing_spacy():
    import spacy

    assert spacy_data.spacy_version() == spacy.__version__


def test_a_cache_of_another_spacy_version_is_not_used(empty_cache):
    import spacy

    other = spacy_data.derive()
    other["spacy_version"] = "0.0.1"
    other["en_tokenizer"]["specials"] = {"poisoned": ["poi", "soned"]}
    for path in (spacy_data.data_path("0.0.1"), spacy_data.data_path(spacy.__version__)):
        # the other version's file, and the same data misfiled under this version's name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(other), encoding="utf-8")
    data = spacy_data.load()
    assert data["spacy_version"] == spacy.__version__
    assert "poisoned" not in data["en_tokenizer"]["specials"]
    assert json.loads(spacy_data.data_path(spacy.__version__).read_text(encoding="utf-8")) == data


@pytest.mark.parametrize("damage", [b"{\"format\": 1, \"spacy_ver", b"\xff\xfe\x00", b"[]", b'{"format": 1}'])
def test_a_corrupt_cache_file_is_derived_again(empty_cache, damage):
    import spacy

    path = spacy_data.data_path(spacy.__version__)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage)
    data = spacy_data.load()
    assert data == spacy_data.derive()
    assert json.loads(path.read_text(encoding="utf-8")) == data


# --- differential tests against the pipeline ---------------------------------------------------

def _analysis_texts(paths) -> list[str]:
    texts = []
    for path in paths:
        analysis = build(parse(Path(path).read_text(encoding="utf-8"), str(path)), language.split_languages, None, 24)
        texts += [analysis.text[s.start:s.end] for s in analysis.segments] + [analysis.text]
    return texts


def test_corpus_segments(nlp):
    paths = sorted(ROOT.glob("corpus/**/*.md"))  # the held-out sets (corpus/holdout*) included
    texts = _analysis_texts(paths)
    texts += [p.read_text(encoding="utf-8") for p in paths]  # the raw files too
    assert len(texts) > 1500
    assert mismatches(nlp, texts) == []


def _bench_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_announcements(nlp):
    generate = _bench_generator()
    rng = random.Random(6)
    texts = [generate.announcement(rng, zh=False) for _ in range(800)]
    for i, text in enumerate(texts[:400]):
        analysis = build(parse(text, f"{i}.md"), language.split_languages, None, 24)
        texts += [analysis.text[s.start:s.end] for s in analysis.segments]
    assert mismatches(nlp, texts) == []


ALPHABET = list("aeiouAEIOU bcXYZ0123456789 \n\t.!?;:,'\"“”()[]-—…%$/@#&_*~`’‘😀我们。！？．") + [
    "  ", " ", " ", " ", "\n\n", "\r\n", "\u2028", "\xa0", "\u3000", "\u200b", "e.g.", "i.e.", "Mr.", "Dr.",
    "U.S.", "a.m.", "p.m.", "10am", "3.5", "v2.3.1", "10.0.0.1", "http://x.co/a.b", "https://status.example.com/x.",
    "status.example.com", "user@example.com", ":)", ":-(", ";)", "<3", "...", "!!", "?!", "!?", "Inc.", "Jan.",
    "Sept.", "'s", "’s", "'S", "n't", "can't", "don't.", "won't", "y'all", "'cause", "A.", "3.", "No.", "vs.",
    "(see above).", "\"Quoted.\"", "“Quoted.”", "'Quoted.'", "(Fixed.)", "[1]", "1.", "- ", "* ", "# ", "--",
    "！", "？", "．", "。", "｡", "‼", "⁉", "¿", "¡", "«", "»", "°C.", "5km", "$5", "US$5", "100%", "50%.", "x-y",
    "a/b", "a,b", "a.B", "a:b", "1+2", "1-2", "@user", "#tag", "&amp;", "٫", "؟", "।", "Ph.D.", "etc.", "approx.",
]


def _random_texts(seed: int, count: int, alphabet: list[str], max_parts: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_parts))) for _ in range(count)]


def test_random_texts(nlp):
    assert mismatches(nlp, _random_texts(6, 6000, ALPHABET, 30)) == []


def test_texts_made_of_special_cases_and_matcher_patterns(nlp):
    """Special cases glued to affixes and to each other: the matcher's territory (the slow path)."""
    tokenizer = en._tokenizer()
    patterns = sorted({p for ps in tokenizer.matcher_patterns.values() for p in ps})
    pieces = sorted(tokenizer.specials) + ["".join(p) for p in patterns] + sorted({t for p in patterns for t in p})
    rng = random.Random(7)
    texts = []
    for _ in range(6000):
        parts = [rng.choice(["", ". ", "a. ", "!", "Done."])]
        for _ in range(rng.randint(1, 6)):
            r = rng.random()
            parts.append(rng.choice(pieces) if r < 0.8 else rng.choice(ALPHABET) if r < 0.9 else " ")
        texts.append("".join(parts))
    assert mismatches(nlp, texts) == []


def test_tokens_equal_spacys(nlp):
    """The port's tokens, not only its sentences, are spaCy's (text and offset)."""
    texts = _random_texts(8, 1500, ALPHABET, 20) + _analysis_texts(sorted(ROOT.glob("corpus/en/*.md")))
    for text in texts:
        assert [(s, e, t) for s, e, t in en._full_tokens(text)] == \
               [(tok.idx, tok.idx + len(tok.text), tok.text) for tok in nlp.tokenizer(text)], text


FRAGMENTS = ALPHABET + ["We are sorry. ", "It is fixed. ", "Service has been restored.\n\n", "Update: ",
                        "Some users could not log in", "(10:00 UTC).", "We apologize!"]


@settings(max_examples=2000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 200, deadline=None,
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=25).map("".join))
def test_property_equal_to_pipeline(nlp, text):
    assert en.en_sentences(text) == spacy_sentences(nlp, text)
    assert en._sentences_by_full_tokenisation(text) == spacy_sentences(nlp, text)


@pytest.mark.parametrize("text, expected", [
    ("", []),
    (" ", [(0, 1)]),
    ("a ", [(0, 1)]),
    ("  ", [(0, 2)]),
    ("We are sorry. It is fixed.", [(0, 13), (14, 26)]),
    ("a.\n\nB", [(0, 5)]),  # "a." is a special case: one token, not a full stop
    ("ok.\n\nB", [(0, 3), (3, 6)]),  # the whitespace token starts the next sentence
    ("ok.  B", [(0, 3), (4, 6)]),  # one space is trailing, the other a token
    ("ok. \tB", [(0, 3), (4, 6)]),
    ("ok. ", [(0, 3)]),
    ("ok.  ", [(0, 3), (4, 5)]),
    (" ok. y ", [(0, 4), (5, 6)]),
    (". Hello", [(0, 1), (2, 7)]),
    ('He said "Stop." Then left.', [(0, 15), (16, 26)]),  # the closing quote stays with its sentence
    ("Fixed (see above). Next", [(0, 18), (19, 23)]),
    ("Wait... what?! OK", [(0, 14), (15, 17)]),  # "..." is punctuation, not a full stop
    ("Down at 10 a.m. Back now.", [(0, 25)]),  # "a.m." is a special case
    ("v2.3.1 is out. Update", [(0, 14), (15, 21)]),
    (". [:p.S", [(0, 4), (4, 6), (6, 7)]),  # the matcher: a span claimed but not kept blocks another
])
def test_examples(nlp, text, expected):
    assert en.en_sentences(text) == expected
    assert spacy_sentences(nlp, text) == expected


# --- which path a text takes -------------------------------------------------------------------

def test_matcher_text_takes_the_full_tokenisation(monkeypatch):
    calls = []
    full = en._sentences_by_full_tokenisation
    monkeypatch.setattr(en, "_sentences_by_full_tokenisation", lambda t: calls.append(t) or full(t))
    assert en.en_sentences("We are sorry. It is fixed.") == [(0, 13), (14, 26)]
    assert calls == []
    assert en.en_sentences(". [:p.S") == [(0, 4), (4, 6), (6, 7)]
    assert calls == [". [:p.S"]


def test_lone_surrogate_goes_to_the_pipeline_and_fails_like_it(monkeypatch, nlp):
    text = "We are sorry. \ud800 It is fixed."
    with pytest.raises(UnicodeEncodeError):
        nlp(text)
    calls = []
    real = en._pipeline_sentences
    monkeypatch.setattr(en, "_pipeline_sentences", lambda t: calls.append(t) or real(t))
    with pytest.raises(UnicodeEncodeError):
        en.en_sentences(text)
    assert calls == [text]


def test_run_cache_stays_bounded(monkeypatch, nlp):
    monkeypatch.setattr(en, "_RUN_CACHE", {})
    monkeypatch.setattr(en, "_RUN_CACHE_MAX", 10)
    texts = [f"Item {i}. Done{i}! x" for i in range(50)]
    for text in texts:
        assert en.en_sentences(text) == spacy_sentences(nlp, text)
        assert len(en._RUN_CACHE) <= 10


def test_ordinary_english_does_not_import_spacy():
    code = ("import sys; from apolint.en_sentences import en_sentences; "
            "assert en_sentences('We are sorry. It is fixed.') == [(0, 13), (14, 26)]; "
            "assert 'spacy' not in sys.modules and 'thinc' not in sys.modules and 'numpy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)
