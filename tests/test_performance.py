"""Assumptions the fast paths rest on (timings themselves are the benchmark's business, bench/)."""
from __future__ import annotations

import gc
from pathlib import Path

import apolint
from apolint.evaluate import corpus_files

ROOT = Path(__file__).resolve().parent.parent


def test_linting_leaves_no_reference_cycles():
    """`apolint check` runs its batch with the cycle collector off: that is only safe while a
    lint frees everything it makes by reference counting."""
    drafts = [p.read_text(encoding="utf-8") for p in corpus_files(ROOT / "corpus")]
    drafts += ["我们的变更导致登录中断约1.5小时。v2.3.1 had a bug. `code` <!-- apolint-disable -->\n"]
    for text in drafts:  # a first pass loads packs and segmenters and compiles regexes (cyclic, once)
        apolint.lint_text(text, path="draft.md")
    gc.collect()
    gc.disable()
    try:
        results = [apolint.lint_text(text, path="draft.md") for text in drafts]
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert sum(len(r.findings) for r in results) > len(drafts)  # they really were linted
