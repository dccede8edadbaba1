"""Findings, element results and per-file results: what rules produce and reporters print."""
from __future__ import annotations

from dataclasses import dataclass, field

LEVEL_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass
class Finding:
    """One reported problem: a rule, a level and a span of the original text (code points)."""

    rule: str
    level: str
    start: int
    end: int
    message: str
    suggestion: str | None = None
    fix: str | None = None  # replacement for [start, end) when the rule marks it safe
    text: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0

    def to_json(self) -> dict:
        data = {"rule": self.rule, "severity": self.level, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column, "message": self.message,
                "suggestion": self.suggestion}
        if self.fix is not None:
            data["fix"] = {"replacement": self.fix}
        return data


@dataclass
class PathFinding(Finding):
    """A finding of a thread or pair rule: it belongs to the file it points into."""

    path: str = ""


@dataclass
class Evidence:
    """A span that counted toward an element, with the feature it belongs to and that feature's weight."""

    start: int
    end: int
    text: str
    feature: str = ""
    weight: float = 0.0
    line: int = 0
    column: int = 0

    def to_json(self) -> dict:
        return {"line": self.line, "column": self.column, "text": self.text, "feature": self.feature,
                "weight": self.weight}


@dataclass
class ElementResult:
    status: str  # present | weak | missing
    evidence: list[Evidence] = field(default_factory=list)
    score: float = 0.0  # the weighted sum of the features that fired
    features: dict[str, float] = field(default_factory=dict)  # feature that fired → its weight

    def to_json(self) -> dict:
        return {"status": self.status, "score": self.score, "evidence": [e.to_json() for e in self.evidence]}


@dataclass
class FileResult:
    path: str
    lang: str | None = None
    elements: dict[str, ElementResult] = field(default_factory=dict)
    score: int | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    notices: list[str] = field(default_factory=list)  # rule time-outs and the like
    stage: dict | None = None  # {"name": "resolved", "inferred": false}
    marks: dict = field(default_factory=dict)  # lexicon → [(start, end)] asked for by lint_document(marks=…)

    def to_json(self) -> dict:
        if self.error is not None:
            return {"path": self.path, "error": self.error}
        data = {"path": self.path, "lang": self.lang,
                "elements": {k: v.to_json() for k, v in self.elements.items()},
                "score": self.score, "findings": [f.to_json() for f in self.findings]}
        if self.stage is not None:
            data["stage"] = dict(self.stage)
        if self.notices:
            data["notices"] = list(self.notices)
        return data

    def worst(self) -> int:
        return max((LEVEL_RANK[f.level] for f in self.findings), default=-1)
