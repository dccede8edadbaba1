"""What the sentence splitters need from spaCy, derived from the installed spaCy and kept in the user cache.

apolint finds the sentences spaCy's blank pipelines would find without importing spaCy
(apolint.en_sentences, apolint.zh_sentences). Both need spaCy's own data: the sentencizer's
sentence-final characters, and for English the tokenizer's prefix, suffix, infix and URL patterns
and its special cases. The repository holds none of it: the first run that needs it imports spaCy
once, reads the data off the pipeline and writes it, as JSON, beside the results cache
(`<cache>/spacy-data/<spaCy version>.json`, written atomically). Later runs read that file, so
spaCy is not imported; an upgraded spaCy has another version, so its data is derived afresh, and a
file that cannot be read or does not hold the expected shape is derived again and replaced.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

FORMAT = 1  # bump when the stored shape changes

_DATA: dict | None = None
_FINAL_CHARS: frozenset[str] | None = None
_FINAL_CANDIDATES: re.Pattern | None = None


def spacy_version() -> str:
    """The installed spaCy's version, read from its about.py without importing it (importing
    spaCy takes most of a second; importlib.metadata alone tens of milliseconds)."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise RuntimeError("spaCy is not installed (pip install spacy): apolint needs it")
    about = (Path(spec.origin).parent / "about.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", about, re.M)
    if match is None:
        raise RuntimeError(f"cannot read spaCy's version from {Path(spec.origin).parent / 'about.py'}")
    return match.group(1)


def data_path(version: str) -> Path:
    from .cachedir import cache_dir

    return cache_dir().parent / "spacy-data" / f"{version}.json"


def derive() -> dict:
    """The data, read off the installed spaCy (imports it)."""
    import spacy
    from spacy.pipeline.sentencizer import Sentencizer
    from spacy.symbols import ORTH

    tokenizer = spacy.blank("en").tokenizer
    specials = {key: [sub[ORTH] for sub in subs] for key, subs in sorted(tokenizer.rules.items())}
    return {
        "format": FORMAT,
        "spacy_version": spacy.__version__,
        "sentence_final_chars": list(Sentencizer.default_punct_chars),
        "en_tokenizer": {
            "prefix_pattern": tokenizer.prefix_search.__self__.pattern,
            "suffix_pattern": tokenizer.suffix_search.__self__.pattern,
            "infix_pattern": tokenizer.infix_finditer.__self__.pattern,
            "url_pattern": tokenizer.url_match.__self__.pattern,
            "specials": specials,  # special case → the texts of its tokens
        },
    }


def _well_formed(data, version: str) -> bool:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("spacy_version") != version:
        return False
    chars = data.get("sentence_final_chars")
    if not isinstance(chars, list) or not chars or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        return False
    en = data.get("en_tokenizer")
    if not isinstance(en, dict):
        return False
    if not all(isinstance(en.get(k), str) for k in ("prefix_pattern", "suffix_pattern", "infix_pattern",
                                                      "url_pattern")):
        return False
    specials = en.get("specials")
    return isinstance(specials, dict) and bool(specials) and all(
        isinstance(orths, list) and orths and all(isinstance(o, str) for o in orths) for orths in specials.values())


def load() -> dict:
    """The data for the installed spaCy: from the cache, or derived (and cached) on first use."""
    global _DATA
    if _DATA is None:
        version = spacy_version()
        path = data_path(version)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not _well_formed(data, version):
            from .cachedir import write_atomic

            data = derive()
            write_atomic(path, json.dumps(data, ensure_ascii=False))
        _DATA = data
    return _DATA


def sentence_final_chars() -> frozenset[str]:
    """spaCy's Sentencizer.default_punct_chars."""
    global _FINAL_CHARS
    if _FINAL_CHARS is None:
        _FINAL_CHARS = frozenset(load()["sentence_final_chars"])
    return _FINAL_CHARS


def final_candidates() -> re.Pattern:
    """Where a sentence-final character may be: the BMP ones, and any astral character (listing
    the astral ones would make the regex test each character against them one by one)."""
    global _FINAL_CANDIDATES
    if _FINAL_CANDIDATES is None:
        bmp = "".join(re.escape(c) for c in sorted(load()["sentence_final_chars"]) if c <= "\uffff")
        _FINAL_CANDIDATES = re.compile(f"[{bmp}\U00010000-\U0010ffff]")
    return _FINAL_CANDIDATES


def en_tokenizer() -> dict:
    """spaCy's English tokenizer patterns and special cases (see `derive`)."""
    return load()["en_tokenizer"]


def forget() -> None:
    """Drop what this process has loaded (tests: another cache directory, another version)."""
    global _DATA, _FINAL_CHARS, _FINAL_CANDIDATES
    _DATA = _FINAL_CHARS = _FINAL_CANDIDATES = None
