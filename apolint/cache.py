"""The results cache: a file's FileResult, stored by what it depends on.

The key is the SHA-256 of: apolint's version and code, the installed spaCy's version (its data
decides the sentences, apolint.spacy_data), the rule packs' bytes and the
configuration's rule levels (the same fingerprint as `RuleSet.fingerprint`, computed here
*without* compiling the packs), the forced language, the path's suffix (Markdown or text)
and the decoded content. A hit is served without importing spaCy, jieba or the pack
compiler, so re-checking unchanged files costs little more than reading them.

Entries live under the user cache directory (platformdirs), or `$APOLINT_CACHE_DIR`.
Writes go to a temporary file then `os.replace`, so concurrent runs never see half an
entry; an entry that cannot be read is a miss. `apolint check --no-cache` bypasses it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from .cachedir import cache_dir, write_atomic
from .findings import ElementResult, Evidence, FileResult, Finding
from .version import __version__

FORMAT = 2  # bump when the stored JSON shape changes

_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
_EVIDENCE_FIELDS = tuple(f.name for f in dataclasses.fields(Evidence))


_CODE: str | None = None


def code_fingerprint() -> str:
    """apolint's version plus the size and mtime of its modules, and spaCy's version: an edited
    engine or another spaCy is a new cache."""
    global _CODE
    if _CODE is None:
        from .spacy_data import spacy_version

        digest = hashlib.sha256(f"{__version__}\0{FORMAT}\0{spacy_version()}".encode())
        root = Path(__file__).parent
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(dirpath, name))
                    digest.update(f"{os.path.relpath(os.path.join(dirpath, name), root)}\0{st.st_size}\0"
                                  f"{st.st_mtime_ns}\0".encode())
        _CODE = digest.hexdigest()
    return _CODE


_PACKS: dict[tuple, str] = {}


def pack_fingerprint(config) -> str:
    """The ruleset fingerprint from the pack files' bytes and the configured rule levels.

    Equal to `packs.load(...).fingerprint` for the same configuration, but it reads the pack
    files instead of compiling them (tests check the two agree).
    """
    paths = config.pack_paths()
    stamp = tuple((str(p), os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in paths)
    key = (stamp, tuple(sorted(config.rules.items())))
    found = _PACKS.get(key)
    if found is None:
        digest = hashlib.sha256()
        for p in paths:
            digest.update(Path(p).read_bytes())
        digest.update(repr(sorted((config.rules or {}).items())).encode())
        found = digest.hexdigest()
        _PACKS[key] = found
    return found


def key(text: str, config, lang: str | None, path: str, stage: str | None = None) -> str:
    """The cache key of one file's result."""
    suffix = os.path.splitext(path)[1].lower() if path not in ("-", "<text>", "<stdin>") else path
    digest = hashlib.sha256()
    for part in (code_fingerprint(), pack_fingerprint(config), lang or config.lang or "", suffix,
                 stage or "", config.is_template(path)):
        digest.update(str(part).encode())
        digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _entry(k: str) -> Path:
    return cache_dir() / k[:2] / f"{k[2:]}.json"


def get(k: str, path: str) -> FileResult | None:
    """The stored result for key `k` (reported under `path`), or None when absent or unreadable."""
    try:
        with open(_entry(k), "rb") as fh:
            data = json.loads(fh.read())
        if data.get("format") != FORMAT:
            return None
        return from_json(data["result"], path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def put(k: str, result: FileResult) -> None:
    """Store a result; results with errors or notices (time-outs depend on the machine) are not kept."""
    if result.error is not None or result.notices:
        return
    write_atomic(_entry(k), json.dumps({"format": FORMAT, "result": to_json(result)}, ensure_ascii=False,
                                       separators=(",", ":")))


def to_json(result: FileResult) -> dict:
    return {
        "lang": result.lang,
        "score": result.score,
        "notices": list(result.notices),
        "stage": result.stage,
        "findings": [[getattr(f, name) for name in _FINDING_FIELDS] for f in result.findings],
        "elements": {name: {"status": el.status, "score": el.score, "features": el.features,
                            "evidence": [[getattr(e, n) for n in _EVIDENCE_FIELDS] for e in el.evidence]}
                     for name, el in result.elements.items()},
    }


def from_json(data: dict, path: str) -> FileResult:
    result = FileResult(path=path, lang=data["lang"], score=data["score"], notices=list(data["notices"]),
                        stage=data.get("stage"))
    result.findings = [Finding(**dict(zip(_FINDING_FIELDS, row))) for row in data["findings"]]
    for f in result.findings:
        if not isinstance(f.rule, str) or not isinstance(f.start, int):
            raise TypeError("corrupt finding")
    result.elements = {name: ElementResult(el["status"], [Evidence(**dict(zip(_EVIDENCE_FIELDS, row)))
                                                          for row in el["evidence"]], el["score"], el["features"])
                       for name, el in data["elements"].items()}
    return result
