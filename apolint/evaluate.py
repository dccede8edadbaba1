"""`apolint eval`: compare the linter with a labelled corpus (labels in front matter `expect:`).

Elements are scored as three-class labels (present / weak / missing): per class precision,
recall and F1, and their macro average. Rules are scored per family (a rule's `family`,
by default its id) on "does this family fire in this file", against the complete `fire` list.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .document import InputError, parse, read_source
from .matchers import STATUSES


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class Report:
    files: int = 0
    elements: dict = field(default_factory=dict)  # (lang, element) → {status: Score}
    families: dict = field(default_factory=dict)  # (lang, family) → Score
    stages: dict = field(default_factory=dict)  # stage → Score of inferring it with the stage removed
    stage_rules: dict = field(default_factory=dict)  # stage → Score of rule-family decisions in staged files
    incident_rules: dict = field(default_factory=dict)  # thread or pair rule → Score against EXPECTED.yaml
    incidents: int = 0  # threads and pairs scored
    disagreements: list = field(default_factory=list)  # (path, what, expected, got)
    errors: list = field(default_factory=list)

    def element_accuracy(self, lang: str, element: str) -> float:
        scores = self.elements.get((lang, element), {})
        total = sum(s.tp + s.fn for s in scores.values())
        return sum(s.tp for s in scores.values()) / total if total else 1.0

    def element_macro_f1(self, lang: str, element: str) -> float:
        scores = self.elements.get((lang, element), {})
        used = [s for s in scores.values() if s.tp + s.fp + s.fn]
        return sum(s.f1 for s in used) / len(used) if used else 1.0

    def lowest_f1(self) -> float:
        values = [self.element_macro_f1(l, e) for l, e in self.elements]
        values += [s.f1 for s in self.families.values() if s.tp + s.fn]
        values += [s.f1 for s in self.stages.values() if s.tp + s.fn]
        values += [s.f1 for s in self.stage_rules.values() if s.tp + s.fn]
        values += [s.f1 for s in self.incident_rules.values() if s.tp + s.fn]
        return min(values, default=1.0)

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "elements": {f"{l}/{e}": {"macro_f1": round(self.element_macro_f1(l, e), 3),
                                      "accuracy": round(self.element_accuracy(l, e), 3),
                                      **{s: sc.to_json() for s, sc in v.items()}}
                         for (l, e), v in sorted(self.elements.items())},
            "families": {f"{l}/{f}": s.to_json() for (l, f), s in sorted(self.families.items())},
            "stages": {s: sc.to_json() for s, sc in sorted(self.stages.items())},
            "stage_rules": {s: sc.to_json() for s, sc in sorted(self.stage_rules.items())},
            "incidents": self.incidents,
            "incident_rules": {r: sc.to_json() for r, sc in sorted(self.incident_rules.items())},
            "disagreements": [{"path": p, "what": w, "expected": x, "got": g} for p, w, x, g in self.disagreements],
            "errors": self.errors,
        }


EXPECTED = "EXPECTED.yaml"  # a folder holding it is a corpus of threads or pairs, scored as wholes


HELD_OUT = "holdout"  # corpus/holdout*/: held-out sets, each a corpus of its own


def _own_corpus(name: str) -> bool:
    """A held-out set inside a corpus folder is not part of its figures; it is evaluated by naming it."""
    return name.startswith(HELD_OUT)


def is_real_set(path: Path) -> bool:
    """A folder laid out like ../shared/real (texts in en/ and zh/, manifest-*.yaml), labelled by offset:
    the real set, or one of ours such as corpus/lookalike/ (scored by naming it, never as part of a corpus)."""
    return path.is_dir() and any(path.glob("manifest-*.yaml"))


def corpus_files(path: Path) -> list[Path]:
    """The announcements of a corpus folder (every .md and .txt but README.md), or the one file named.

    Held-out sets (corpus/holdout*/) are corpora of their own, a folder with an EXPECTED.yaml holds
    threads or pairs, scored as wholes, and a folder with manifests is labelled by offset: none is part of
    its parent's single-notice figures."""
    if not path.is_dir():
        return [path]
    if (path / EXPECTED).is_file():
        return []
    found = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = [d for d in subfolders
                         if not _own_corpus(d) and not os.path.isfile(os.path.join(folder, d, EXPECTED))
                         and not is_real_set(Path(folder, d))]
        found += [Path(folder, n) for n in names if n.endswith((".md", ".txt")) and n != "README.md"]
    return sorted(found)


def incident_sets(path: Path) -> list[Path]:
    """The EXPECTED.yaml files of the thread and pair corpora in a folder (not those of held-out sets in it)."""
    return sorted(e for e in path.rglob(EXPECTED)
                  if not any(_own_corpus(part) for part in e.parent.relative_to(path).parts))


def evaluate(path: Path, config_path: str | None = None, ignore: tuple[str, ...] = ()) -> Report:
    """Score every labelled file under `path`; rule ids or families in `ignore` are not scored
    (for a corpus labelled before those rules existed)."""
    from . import api

    files = corpus_files(path)
    report = Report()
    for file in files:
        try:
            text = read_source(file)
            meta = parse(text, str(file)).front_matter
        except InputError as exc:
            report.errors.append(f"{file}: {exc}")
            continue
        expect = meta.get("expect")
        if not isinstance(expect, dict):
            continue
        cfg = api.resolve_config(config_path, file)
        ruleset = api.ruleset_for(cfg)
        family_of = {r.id: r.family for r in ruleset.rules}
        result = api.lint_text(text, config=cfg, path=str(file))
        if result.error:
            report.errors.append(f"{file}: {result.error}")
            continue
        report.files += 1
        lang = meta.get("lang") or result.lang or "?"
        for element, got in result.elements.items():
            want = expect.get(element)
            if want not in STATUSES:
                continue
            scores = report.elements.setdefault((lang, element), {s: Score() for s in STATUSES})
            if want == got.status:
                scores[want].tp += 1
            else:
                scores[want].fn += 1
                scores[got.status].fp += 1
                report.disagreements.append((str(file), element, want, got.status))
        expected = {family_of.get(r, r) for r in (expect.get("fire") or [])}
        fired = {family_of.get(f.rule, f.rule) for f in result.findings}
        stage = ruleset.canonical("stage", meta.get("stage"))
        if stage:
            _score_stage(report, ruleset, text, str(file), stage)
        skip = {family_of.get(r, r) for r in ignore}
        for family in sorted(set(family_of.values()) - skip):
            if stage:
                st = report.stage_rules.setdefault(stage, Score())
                st.tp += family in expected and family in fired
                st.fp += family in fired and family not in expected
                st.fn += family in expected and family not in fired
            score = report.families.setdefault((lang, family), Score())
            if family in expected and family in fired:
                score.tp += 1
            elif family in fired:
                score.fp += 1
                report.disagreements.append((str(file), family, "no finding", _first(result, family, family_of)))
            elif family in expected:
                score.fn += 1
                report.disagreements.append((str(file), family, "finding", "none"))
    if path.is_dir():
        for expected in incident_sets(path):
            evaluate_incidents(expected, report, config_path)
    return report


def evaluate_incidents(expected_file: Path, report: Report, config_path: str | None = None) -> None:
    """Score thread and pair rules against a folder's EXPECTED.yaml: each thread (a file or a folder) or
    pair (a name stem) is checked on its own, and a finding matches a label when rule, file and line agree."""
    from collections import Counter

    from . import api, incident_check
    from .threadtime import parse_iso
    from .yamlsource import load_yaml

    folder = expected_file.parent
    spec = load_yaml(expected_file.read_text(encoding="utf-8"), str(expected_file)) or {}
    now = parse_iso(spec.get("now"))
    for section in ("threads", "pairs"):
        for key, labels in (spec.get(section) or {}).items():
            target = folder / key
            if section == "pairs":
                files = sorted(folder.glob(f"{key}[.-]*"))
            elif target.is_dir():
                files = sorted(p for p in target.rglob("*") if p.suffix in (".md", ".txt"))
            else:
                files = [target]
            inputs = [(str(p), read_source(p)) for p in files]
            found = incident_check.analyse(inputs, lambda p: api.resolve_config(config_path, p), now=now)
            got = Counter()
            for whole in found.threads + found.pairs:
                for f in whole.findings:
                    got[(f.rule, Path(f.path).relative_to(folder).as_posix(), f.line)] += 1
            want = Counter((x["rule"], x["file"], x["line"]) for x in labels or [])
            report.incidents += 1
            for rule in {r for r, _, _ in got} | {r for r, _, _ in want}:
                score = report.incident_rules.setdefault(rule, Score())
                g = Counter({k: n for k, n in got.items() if k[0] == rule})
                w = Counter({k: n for k, n in want.items() if k[0] == rule})
                score.tp += sum((g & w).values())
                for (_, file, line), n in (g - w).items():
                    score.fp += n
                    report.disagreements.append((str(folder / file), rule, f"no finding at line {line}", "finding"))
                for (_, file, line), n in (w - g).items():
                    score.fn += n
                    report.disagreements.append((str(folder / file), rule, f"finding at line {line}", "none"))


def _score_stage(report: Report, ruleset, text: str, path: str, stage: str) -> None:
    """Infer the stage of a staged file with its `stage` removed, and score the inference."""
    from .engine import lint_document

    doc = parse(text, path)
    doc.front_matter = {k: v for k, v in doc.front_matter.items() if k != "stage"}
    inferred = (lint_document(doc, ruleset).stage or {}).get("name")
    report.stages.setdefault(stage, Score())
    if inferred == stage:
        report.stages[stage].tp += 1
    else:
        report.stages[stage].fn += 1
        if inferred:
            report.stages.setdefault(inferred, Score()).fp += 1
        report.disagreements.append((path, "inferred stage", stage, inferred or "none"))


def _first(result, family, family_of) -> str:
    for f in result.findings:
        if family_of.get(f.rule, f.rule) == family:
            return f"{f.line}:{f.column} {f.text!r}"
    return "?"


def format_report(report: Report) -> str:
    out = [f"{report.files} labelled files", "", "Elements (macro-F1 over present/weak/missing):"]
    for (lang, element) in sorted(report.elements):
        scores = report.elements[(lang, element)]
        detail = "  ".join(f"{s} P{sc.precision:.2f} R{sc.recall:.2f}" for s, sc in scores.items()
                           if sc.tp + sc.fp + sc.fn)
        out.append(f"  {lang}  {element:<15} F1 {report.element_macro_f1(lang, element):.3f}"
                   f"  accuracy {report.element_accuracy(lang, element):.3f}   {detail}")
    out += ["", "Rule families (fires in file or not):"]
    for (lang, family), s in sorted(report.families.items()):
        if s.tp + s.fp + s.fn == 0:
            continue
        out.append(f"  {lang}  {family:<26} P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.3f}"
                   f"   (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    if report.stages:
        out += ["", "Stages (inferred with the stage removed; rule families in staged files):"]
        for stage in sorted(set(report.stages) | set(report.stage_rules)):
            s = report.stages.get(stage, Score())
            r = report.stage_rules.get(stage, Score())
            out.append(f"  {stage:<12} inference P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.3f}"
                       f"   rules P {r.precision:.2f} R {r.recall:.2f} F1 {r.f1:.3f}")
    if report.incident_rules:
        out += ["", f"Thread and pair rules ({report.incidents} threads and pairs; rule, file and line against "
                    "EXPECTED.yaml):"]
        for rule, s in sorted(report.incident_rules.items()):
            out.append(f"  {rule:<30} P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.3f}"
                       f"   (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    if report.disagreements:
        out += ["", "Disagreements:"]
        for path, what, want, got in report.disagreements:
            out.append(f"  {path}: {what}: expected {want}, got {got}")
    for e in report.errors:
        out.append(f"error: {e}")
    out.append("")
    out.append(f"lowest F1: {report.lowest_f1():.3f}")
    return "\n".join(out)
