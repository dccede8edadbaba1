"""How often apolint.en_sentences leaves its fast path, and how fast it is against spaCy.

    python bench/generate.py /tmp/gen --count 3000
    python tools/measure_en_sentences.py /tmp/gen

Counts, over the English analysis segments of the corpora (corpus/en, corpus/holdout*) and of
the generated announcements in the given directory, the texts that need the full tokenisation
(the special-case matcher: still exact, in Python) and those handed to the spaCy pipeline. Then
times en_sentences and the warm pipeline (`nlp(t)`, spaCy imported and the pipeline built
beforehand) on each generated English file, and on the segments, after one warm-up pass each.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apolint import en_sentences as en  # noqa: E402
from apolint import language  # noqa: E402
from apolint.analysis import build  # noqa: E402
from apolint.document import parse  # noqa: E402


def english_segments(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        analysis = build(parse(path.read_text(encoding="utf-8"), str(path)), language.split_languages, None, 24)
        texts += [analysis.text[s.start:s.end] for s in analysis.segments if s.lang == "en"]
    return texts


def path_counts(texts: list[str]) -> dict[str, int]:
    """How many texts took the full tokenisation and the spaCy pipeline."""
    counts = {"full tokenisation": 0, "spaCy pipeline": 0}
    full, pipe = en._sentences_by_full_tokenisation, en._pipeline_sentences

    def counting_full(text):
        counts["full tokenisation"] += 1
        return full(text)

    def counting_pipe(text):
        counts["spaCy pipeline"] += 1
        return pipe(text)

    en._sentences_by_full_tokenisation, en._pipeline_sentences = counting_full, counting_pipe
    try:
        for text in texts:
            en.en_sentences(text)
    finally:
        en._sentences_by_full_tokenisation, en._pipeline_sentences = full, pipe
    return counts


def median_us(function, texts: list[str]) -> float:
    for text in texts:  # warm-up: caches filled, patterns compiled
        function(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    generated = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/gen")
    corpus = sorted((ROOT / "corpus" / "en").glob("*.md")) + sorted(ROOT.glob("corpus/holdout*/**/*.md"))
    bench = sorted(generated.glob("*.md"))
    for label, paths in (("corpus", corpus), ("generated", bench)):
        segments = english_segments(paths)
        counts = path_counts(segments)
        print(f"{label}: {len(paths)} files, {len(segments)} English segments: "
              + ", ".join(f"{name} {n} ({n / max(len(segments), 1):.2%})" for name, n in counts.items()))

    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    files = [p.read_text(encoding="utf-8") for p in sorted(generated.glob("*-en.md"))]
    segments = english_segments(bench)
    for label, texts in (("generated English files", files), ("generated English segments", segments)):
        ours = median_us(en.en_sentences, texts)
        theirs = median_us(lambda t: [(s.start_char, s.end_char) for s in nlp(t).sents], texts)
        print(f"{label} ({len(texts)}, mean {statistics.mean(map(len, texts)):.0f} chars): "
              f"en_sentences {ours:.1f} µs, spaCy warm {theirs:.1f} µs (median per text)")


if __name__ == "__main__":
    main()
