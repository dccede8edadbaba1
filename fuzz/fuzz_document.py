"""Fuzz target: the document loader — bytes → decode → front matter, masking, blocks, directives,
line/column offsets → the folded analysis text and its offset map (no spaCy, so it runs fast).

    python fuzz/fuzz_document.py -max_total_time=600 [corpus-dir]   # atheris / libFuzzer
    python fuzz/fuzz_document.py --plain -max_total_time=600        # without atheris

Expected outcomes are a Document or an InputError; anything else, or a broken invariant
(a span outside the text, an offset that does not round-trip through line/column, an analysis
character that is not the folded source character it maps to), is a failure.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness  # noqa: E402

with _harness.instrumented():
    from apolint import analysis, document, language
    from apolint.document import InputError

SEEDS = ["corpus/*/*.md", "examples/*", "tests/fixtures/**/*.md", "tests/fixtures/**/*.txt"]
SUFFIXES = ("draft.md", "draft.txt", "-", "draft.markdown")


def check_document(doc: document.Document) -> None:
    text = doc.text
    n = len(text)
    probes = {0, n, doc.front_matter_end, n // 2, n // 3}
    previous = -1
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= n, (b, n)
        assert b.start >= previous, (b, previous)
        previous = b.end
        probes.update((b.start, b.end))
    previous = -1
    for s, e in doc.masked:
        assert 0 <= s < e <= n and s > previous, (s, e, previous)
        previous = e
        probes.update((s, e))
    for o in probes:
        if 0 <= o <= n:
            line, column = doc.position(o)
            assert 1 <= line <= doc.line_count and column >= 1, (o, line, column)
            assert doc.offset(line, column) == o, (o, line, column)
    for d in doc.directives:
        assert 1 <= d.line <= doc.line_count, d


def check_analysis(doc: document.Document) -> None:
    a = analysis.build(doc, language.split_languages, None, 24)
    assert len(a.offsets) == len(a.text) + 1 == len(a.lower) + 1
    assert a.offsets[-1] == len(doc.text)
    trad = analysis.traditional_to_simplified()
    for i, ch in enumerate(a.text):
        o = a.offsets[i]
        assert 0 <= o <= len(doc.text)
        if ch not in " \n":
            assert ch == analysis.fold_char(doc.text[o], trad), (i, ch, doc.text[o])
    for s in a.segments:
        assert 0 <= s.start < s.end <= len(a.text), s
        start, end = a.original_span(s.start, s.end)
        assert 0 <= start <= end <= len(doc.text)


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    path = SUFFIXES[data[0] % len(SUFFIXES)]
    try:
        text = document.decode_bytes(data[1:], path).text
    except InputError:
        return
    try:
        doc = document.parse(text, path)
    except InputError:
        return
    assert doc.text == text
    check_document(doc)
    check_analysis(doc)


if __name__ == "__main__":
    _harness.main(TestOneInput, SEEDS)
