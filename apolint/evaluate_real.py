"""`apolint eval` on real announcements: texts read in place, labels kept by offset.

The real set (`../shared/real/`: `en/`, `zh/`, `manifest-*.yaml`) is third-party text, so the project
holds only its labels (`corpus/real/labels.yaml`: per "lang/id", the text's sha256, each element's
status and evidence spans, vague spans, apology spans, whether the notice over-apologises and the
rules that should fire) and a fixed split (`corpus/real/split.yaml`). Each file is linted as it is,
without front matter, as a user would lint a pasted notice.

Measures, per split and language:
- elements: agreement on adequate (present) vs not; flag precision and recall (a flag is the
  element's rule firing: status weak or missing); macro-F1 over present / weak / missing;
- vague spans: a labelled span is found when a `vague-*` finding overlaps it (recall); a
  `vague-*` finding is right when it overlaps a labelled span (precision);
- over-apologising: the notice is flagged when any rule of the `over-apology` family fires;
- rule families: fires in the file or not, against the labels' `fire` list (element rules and
  `vague-*` follow from the statuses and vague spans).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .evaluate import Score, is_real_set  # noqa: F401 (is_real_set: used by cli and tests from here)
from .matchers import STATUSES

ELEMENTS = ("responsibility", "impact", "remedy")
SPLITS = ("development", "validation")
OVER_APOLOGY = "over-apology"


class RealSetError(Exception):
    pass


def labels_for(real_dir: Path) -> Path | None:
    """A set that carries its own labels (labels.yaml beside its manifests, as corpus/lookalike/ does) is
    scored against them; the third-party set in ../shared/real against corpus/real/labels.yaml."""
    own = real_dir / "labels.yaml"
    return own if own.is_file() else default_labels()


def default_labels(start: Path | None = None) -> Path | None:
    """corpus/real/labels.yaml in the current folder or the apolint checkout this code runs from."""
    for root in (start or Path.cwd(), Path(__file__).resolve().parent.parent):
        candidate = root / "corpus" / "real" / "labels.yaml"
        if candidate.is_file():
            return candidate
    return None


@dataclass
class Confusion:
    pairs: list = field(default_factory=list)  # (gold, predicted) statuses

    @property
    def agreement(self) -> float:
        return _ratio(sum((g == "present") == (p == "present") for g, p in self.pairs), len(self.pairs))

    @property
    def flag(self) -> Score:
        s = Score()
        for g, p in self.pairs:
            s.tp += g != "present" and p != "present"
            s.fp += g == "present" and p != "present"
            s.fn += g != "present" and p == "present"
        return s

    @property
    def macro_f1(self) -> float:
        f1s = []
        for status in STATUSES:
            s = Score(tp=sum(g == p == status for g, p in self.pairs),
                      fp=sum(p == status != g for g, p in self.pairs),
                      fn=sum(g == status != p for g, p in self.pairs))
            if s.tp + s.fp + s.fn:
                f1s.append(s.f1)
        return sum(f1s) / len(f1s) if f1s else 1.0


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@dataclass
class Part:
    """The measures for one split and one language."""

    files: int = 0
    elements: dict = field(default_factory=lambda: {e: Confusion() for e in ELEMENTS})
    vague_found: int = 0  # labelled spans a vague-* finding overlaps
    vague_labelled: int = 0
    vague_right: int = 0  # vague-* findings overlapping a labelled span
    vague_reported: int = 0
    over_apology: Score = field(default_factory=Score)
    families: dict = field(default_factory=dict)  # family → Score
    disagreements: list = field(default_factory=list)  # (key, what, expected, got)

    @property
    def macro_agreement(self) -> float:
        return sum(c.agreement for c in self.elements.values()) / len(self.elements)

    @property
    def vague_recall(self) -> float:
        return _ratio(self.vague_found, self.vague_labelled)

    @property
    def vague_precision(self) -> float:
        return _ratio(self.vague_right, self.vague_reported)

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "elements": {e: {"agreement": round(c.agreement, 3), "flag": c.flag.to_json(),
                             "macro_f1": round(c.macro_f1, 3), "n": len(c.pairs)}
                         for e, c in self.elements.items()},
            "macro_agreement": round(self.macro_agreement, 3),
            "vague": {"recall": round(self.vague_recall, 3), "precision": round(self.vague_precision, 3),
                      "labelled": self.vague_labelled, "found": self.vague_found,
                      "reported": self.vague_reported, "right": self.vague_right},
            "over_apology": self.over_apology.to_json(),
            "families": {f: s.to_json() for f, s in sorted(self.families.items())},
        }


@dataclass
class RealReport:
    real_dir: str
    labels_path: str
    parts: dict = field(default_factory=dict)  # (split, lang) → Part
    errors: list = field(default_factory=list)

    def part(self, split: str, lang: str) -> Part:
        return self.parts.setdefault((split, lang), Part())

    def to_json(self) -> dict:
        out: dict = {"real_dir": self.real_dir, "labels": self.labels_path, "errors": self.errors}
        for (split, lang), part in sorted(self.parts.items()):
            out.setdefault(split, {})[lang] = part.to_json()
        return out


def overlaps(span, others) -> bool:
    """Whether a (start, end) span shares a code point with any of the others."""
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


def read_real(real_dir: Path, key: str) -> str:
    """The text of a real announcement by its key ("en/r005"), as labelled: UTF-8, line ends untouched."""
    lang, ident = key.split("/")
    return (real_dir / lang / f"{ident}.txt").read_bytes().decode("utf-8")


def evaluate_real(real_dir: Path, labels_path: Path, split_path: Path | None = None,
                  config_path: str | None = None, splits: tuple[str, ...] = SPLITS,
                  progress=None) -> RealReport:
    from . import api

    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    split_path = split_path or labels_path.with_name("split.yaml")
    if not split_path.is_file():
        raise RealSetError(f"{split_path}: no split file; the labels need their development/validation split")
    split_of = {}
    for name, keys in (yaml.safe_load(split_path.read_text(encoding="utf-8")) or {}).items():
        for key in keys or []:
            split_of[key] = name
    cfg = api.resolve_config(config_path, None)
    ruleset = api.ruleset_for(cfg)
    family_of = {r.id: r.family for r in ruleset.rules}
    report = RealReport(str(real_dir), str(labels_path))
    keys = [k for k in sorted(labels) if split_of.get(k) in splits]
    for n, key in enumerate(keys):
        if progress:
            progress(n, len(keys), key)
        label = labels[key]
        lang, ident = key.split("/")
        path = real_dir / lang / f"{ident}.txt"
        try:
            text = read_real(real_dir, key)
        except (OSError, UnicodeDecodeError) as exc:
            report.errors.append(f"{key}: cannot read {path}: {exc}")
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != label.get("sha256"):
            report.errors.append(f"{key}: the text changed since it was labelled (sha256 differs); relabel it")
            continue
        result = api.lint_text(text, config=cfg, path=str(path))
        if result.error:
            report.errors.append(f"{key}: {result.error}")
            continue
        _score_file(report.part(split_of[key], lang), key, label, result, family_of)
    return report


def _score_file(part: Part, key: str, label: dict, result, family_of: dict) -> None:
    part.files += 1
    for element in ELEMENTS:
        gold = label[element]["status"]
        got = result.elements[element].status if element in result.elements else "missing"
        part.elements[element].pairs.append((gold, got))
        if gold != got:
            part.disagreements.append((key, element, gold, got))
    vague = [f for f in result.findings if f.rule.startswith("vague-")]
    reported = [(f.start, f.end) for f in vague]
    gold_vague = [tuple(v[:2]) for v in label.get("vague") or []]
    part.vague_labelled += len(gold_vague)
    part.vague_reported += len(reported)
    for span in gold_vague:
        if overlaps(span, reported):
            part.vague_found += 1
        else:
            part.disagreements.append((key, "vague span missed", f"{span[0]}-{span[1]}", "none"))
    for f in vague:
        if overlaps((f.start, f.end), gold_vague):
            part.vague_right += 1
        else:
            part.disagreements.append((key, "vague span not labelled", "none", f"{f.rule} {f.text!r}"))
    fired = {family_of.get(f.rule, f.rule) for f in result.findings}
    expected = {family_of.get(r, r) for r in label.get("fire") or []}
    for element in ELEMENTS:
        if label[element]["status"] != "present":
            expected.add(family_of.get(f"missing-{element}", f"missing-{element}"))
    expected |= {family_of.get(v[2], v[2]) for v in label.get("vague") or []}
    over = bool(label.get("over_apology"))
    if over:
        expected.add(OVER_APOLOGY)
    flagged = OVER_APOLOGY in fired
    part.over_apology.tp += over and flagged
    part.over_apology.fp += flagged and not over
    part.over_apology.fn += over and not flagged
    if over != flagged:
        part.disagreements.append((key, "over-apologising", over, flagged))
    for family in sorted(expected | (fired & (set(family_of.values()) | {OVER_APOLOGY}))):
        s = part.families.setdefault(family, Score())
        s.tp += family in expected and family in fired
        s.fp += family in fired and family not in expected
        s.fn += family in expected and family not in fired
        if family in fired and family not in expected and not family.startswith("vague-"):
            part.disagreements.append((key, family, "no finding", "finding"))
        elif family in expected and family not in fired and not family.startswith("vague-"):
            part.disagreements.append((key, family, "finding", "none"))


def format_real_report(report: RealReport, disagreements: bool = False) -> str:
    splits = [s for s in SPLITS if any(k[0] == s for k in report.parts)]
    langs = sorted({lang for _, lang in report.parts})
    out = [f"Real announcements in {report.real_dir} (labels {report.labels_path})", ""]
    head = "".join(f"  {s:<38}" for s in splits)
    for lang in langs:
        counts = ", ".join(f"{s} {report.parts[(s, lang)].files}" for s in splits if (s, lang) in report.parts)
        out.append(f"{lang} ({counts} files)")
        out.append(f"  {'':<16}{head}")
        out.append(f"  {'':<16}" + "".join(f"  {'agree  flag P  flag R  macro-F1':<38}" for _ in splits))
        for element in ELEMENTS:
            row = f"  {element:<16}"
            for s in splits:
                c = report.parts.get((s, lang), Part()).elements[element]
                flag = c.flag
                row += f"  {c.agreement:5.3f}  {flag.precision:6.3f}  {flag.recall:6.3f}  {c.macro_f1:8.3f}      "
            out.append(row)
        out.append(f"  {'macro agreement':<16}" + "".join(
            f"  {report.parts.get((s, lang), Part()).macro_agreement:5.3f}{'':<33}" for s in splits))
        out.append(f"  {'vague spans':<16}" + "".join(
            f"  R {p.vague_recall:5.3f} ({p.vague_found}/{p.vague_labelled})  P {p.vague_precision:5.3f}"
            f" ({p.vague_right}/{p.vague_reported})".ljust(40)
            for p in (report.parts.get((s, lang), Part()) for s in splits)))
        out.append(f"  {'over-apologising':<16}" + "".join(
            f"  P {p.over_apology.precision:5.3f}  R {p.over_apology.recall:5.3f}"
            f"  (tp {p.over_apology.tp}, fp {p.over_apology.fp}, fn {p.over_apology.fn})".ljust(40)
            for p in (report.parts.get((s, lang), Part()) for s in splits)))
        families = sorted({f for s in splits for f in report.parts.get((s, lang), Part()).families})
        out.append("  rule families (P / R / F1):")
        for family in families:
            row = f"    {family:<24}"
            for s in splits:
                sc = report.parts.get((s, lang), Part()).families.get(family, Score())
                row += f"  {sc.precision:5.2f} {sc.recall:5.2f} {sc.f1:5.2f} (tp {sc.tp}, fp {sc.fp}, fn {sc.fn})".ljust(40)
            out.append(row)
        out.append("")
    if disagreements:
        out.append("Disagreements (expected, got):")
        for (s, lang), part in sorted(report.parts.items()):
            for key, what, want, got in part.disagreements:
                out.append(f"  [{s}] {key}: {what}: expected {want}, got {got}")
        out.append("")
    for e in report.errors:
        out.append(f"error: {e}")
    return "\n".join(out).rstrip() + "\n"
