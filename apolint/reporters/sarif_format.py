"""--format sarif: one SARIF 2.1.0 log on stdout, for GitHub code scanning and other viewers.

- `tool.driver.rules` describes every loaded rule (and any other rule that reported):
  `shortDescription` is the rule's summary, `fullDescription` and `help` its `why`
  (help adds the suggestion and the bad/good examples), `defaultConfiguration.level` its level.
- Each finding is a result with `ruleId`, `ruleIndex`, `level` (error → error, warning →
  warning, info → note), the message (and suggestion) and one location. Regions use 1-based
  lines and columns counted in Unicode code points — the run says so with
  `columnKind: "unicodeCodePoints"` — and `endColumn` is the column just after the match,
  as SARIF defines it. A finding with a safe fix carries it as a SARIF `fix`.
- Paths are URIs relative to `%SRCROOT%` (the working directory, given in
  `originalUriBaseIds`); absolute paths become `file:` URIs.
- A file that could not be read, and a rule skipped in a file, are
  `invocations[0].toolExecutionNotifications`, not results.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def _version() -> str:
    from ..version import __version__

    return __version__


def artifact_location(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _suggestion_lines(suggestion) -> list[str]:
    if not suggestion:
        return []
    if isinstance(suggestion, dict):
        return [f"Suggestion ({lang}): {text}" for lang, text in suggestion.items()]
    return [f"Suggestion: {suggestion}"]


def rule_descriptor(variants) -> dict:
    """A reportingDescriptor from the loaded variants (one per pack/language) of a rule id."""
    first = variants[0]
    why = first.why.strip()
    languages = sorted({lang for r in variants for lang in r.languages})
    help_text = [why, *(["", *_suggestion_lines(first.suggestion)] if first.suggestion else [])]
    markdown = [why, ""]
    for line in _suggestion_lines(first.suggestion):
        markdown.extend([line, ""])
    # a pair rule's example is [Chinese, English]: shown as the two versions side by side
    bad = [" ⟷ ".join(e) if isinstance(e, list) else e for r in variants for e in r.examples.get("bad", [])]
    good = [" ⟷ ".join(e) if isinstance(e, list) else e for r in variants for e in r.examples.get("good", [])]
    if bad:
        help_text.extend(["", "Bad:", *(f"  ✗ {e}" for e in bad)])
        markdown.extend(["**Bad**", "", *(f"- {e}" for e in bad), ""])
    if good:
        help_text.extend(["", "Good:", *(f"  ✓ {e}" for e in good)])
        markdown.extend(["**Good**", "", *(f"- {e}" for e in good), ""])
    descriptor = {
        "id": first.id,
        "name": first.id,
        "shortDescription": {"text": first.summary},
        "fullDescription": {"text": why},
        "help": {"text": "\n".join(help_text), "markdown": "\n".join(markdown).rstrip() + "\n"},
        "defaultConfiguration": {"level": LEVEL.get(first.level, "warning")},
        "properties": {"tags": [*languages, *([first.family] if first.family != first.id else [])],
                       "kind": first.kind},
    }
    if first.link and str(first.link).startswith(("http://", "https://")):
        descriptor["helpUri"] = first.link
    return descriptor


def _region(f) -> dict:
    return {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column,
            "snippet": {"text": f.text}}


def render(results, ruleset, options) -> str:
    variants: dict[str, list] = {}
    for rule in (ruleset.rules if ruleset is not None else []):
        variants.setdefault(rule.id, []).append(rule)
    threads = getattr(ruleset, "threads", None) if ruleset is not None else None
    for rule in (threads.rules if threads is not None else []):  # thread and pair rules (issue 13)
        variants.setdefault(rule.id, []).append(rule)
    descriptors = [rule_descriptor(v) for v in variants.values()]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for r in results:  # rules from packs only some files' configuration loads
        for f in r.findings:
            if f.rule not in index:
                index[f.rule] = len(descriptors)
                descriptors.append({"id": f.rule, "name": f.rule,
                                    "defaultConfiguration": {"level": LEVEL.get(f.level, "warning")}})

    sarif_results = []
    notifications = []
    for r in results:
        location = artifact_location(r.path)
        if r.error is not None:
            notifications.append({"level": "error", "message": {"text": r.error},
                                  "locations": [{"physicalLocation": {"artifactLocation": location}}],
                                  "descriptor": {"id": "input-error"}})
            continue
        for note in r.notices:
            notifications.append({"level": "warning", "message": {"text": note},
                                  "locations": [{"physicalLocation": {"artifactLocation": location}}]})
        for f in r.findings:
            text = f.message + (f"\nSuggestion: {f.suggestion}" if f.suggestion else "")
            region = _region(f)
            result = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": LEVEL.get(f.level, "warning"),
                "message": {"text": text},
                "locations": [{"physicalLocation": {"artifactLocation": dict(location), "region": region}}],
            }
            if f.fix is not None:
                deleted = {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")}
                result["fixes"] = [{
                    "description": {"text": f"Replace with \u201c{f.fix}\u201d"},
                    "artifactChanges": [{"artifactLocation": dict(location),
                                         "replacements": [{"deletedRegion": deleted,
                                                           "insertedContent": {"text": f.fix}}]}],
                }]
            sarif_results.append(result)

    run = {
        "tool": {"driver": {"name": "apolint", "version": _version(), "semanticVersion": _version(),
                            "rules": descriptors}},
        "invocations": [{"executionSuccessful": not any(r.error is not None for r in results),
                         "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2)
