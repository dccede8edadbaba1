"""`apolint fit-weights`: re-fit the evidence weights and thresholds on labelled real announcements.

As SpamAssassin re-scores its rules on a labelled corpus, the weights of the evidence features
(`evidence:` in the packs) are fitted to the labels of the development split: for each element, a
logistic regression of "present" against "weak or missing" on binary features (a feature fired
anywhere in the notice or not). The model is P(present) = σ(w·x − θ), so the element's score w·x
reaches θ exactly where present becomes more likely than not: the weights and the `present`
threshold drop straight into the packs. Weak against missing needs no fitting: the guide calls an
element missing when nothing about it is said, so it is weak whenever some evidence fired.
Fitted by scikit-learn (L2-regularised, the strength chosen by leave-one-out agreement on the
split), an optional extra (`pip install -e '.[fit]'`): checking never needs it.

The notices are also fitted on as unseen (`with_unseen`): the lexicons grew from them, so as written
they overstate what narrow phrases are worth on new text. A feature marked `fixed` keeps its weight
(the guide's decision, 0), and a fitted `present` threshold is at least MIN_PRESENT.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .evaluate_real import ELEMENTS, read_real

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
# When most notices of the fit are labelled present (remedy in real notices), the fitted threshold can
# fall below 0: a notice whose only evidence weighs nothing (a restoration, `recovery-stated`) would be
# present. The guide calls that weak, so present needs some positive weight.
MIN_PRESENT = 0.01


class FitError(Exception):
    pass


@dataclass
class Sample:
    key: str
    fired: dict  # element → set of fired feature names
    status: dict  # element → labelled status
    weight: float = 1.0  # how much the notice counts in the fit
    source: str = "real"  # which labelled set it comes from
    text: str = field(default="", repr=False)  # what was linted, and as which path (to lint it again)
    path: str = ""
    items: frozenset | None = field(default=None, repr=False)  # the pack items that matched (matchers.PatternTrace)


@dataclass
class Fitted:
    element: str
    features: list[str]
    weights: dict[str, float]
    thresholds: dict[str, float]
    c: float
    agreement_before: dict = field(default_factory=dict)  # source → agreement with the old weights
    agreement_after: dict = field(default_factory=dict)  # source → agreement with the fitted ones
    loo_agreement: float = 0.0
    n: int = 0
    notes: list = field(default_factory=list)


def collect_set(real_dir: Path, labels_path: Path, split: str, config=None, progress=None) -> list[Sample]:
    """`collect` on the notices of one part of a labelled set's split (split.yaml beside the labels)."""
    import yaml

    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    keys = [k for k in load_split(labels_path, split) if k in labels]
    return collect(real_dir, labels, keys, config, progress)


def collect(real_dir: Path, labels: dict, keys: list[str], config=None, progress=None) -> list[Sample]:
    """Which features of each element fire in each labelled real notice (linted as it is)."""
    samples = []
    for n, key in enumerate(keys):
        if progress:
            progress(n, len(keys), key)
        text, path = read_real(real_dir, key), f"{key.split('/')[1]}.txt"
        fired, items = _traced(text, path, config)
        samples.append(Sample(key, fired, {e: labels[key][e]["status"] for e in ELEMENTS},
                              text=text, path=path, items=items))
    return samples


def _traced(text: str, path: str, config) -> tuple[dict, frozenset]:
    """The features that fired, and the pack items that matched (for `with_unseen`), from one lint."""
    from .matchers import PatternTrace

    trace = PatternTrace()
    return _fired(text, path, config, trace), frozenset(trace.fired)


def _fired(text: str, path: str, config, trace=None) -> dict:
    from . import api

    result = api.lint_text(text, config=config, path=path, complete_evidence=True, trace=trace)
    return {e: set(result.elements[e].features) if e in result.elements else set() for e in ELEMENTS}


def collect_corpus(folder: Path, config=None, weigh_as: int | None = None) -> list[Sample]:
    """The same for a corpus labelled in front matter (`expect:`), linted with its front matter.
    With `weigh_as`, the corpus together weighs as much as that many notices (the real ones)."""
    from .document import parse, read_source
    from .evaluate import corpus_files

    samples = []
    for path in corpus_files(folder):
        text = read_source(path)
        expect = parse(text, str(path)).front_matter.get("expect")
        if not isinstance(expect, dict) or not all(expect.get(e) in ("present", "weak", "missing") for e in ELEMENTS):
            continue
        fired, items = _traced(text, str(path), config)
        samples.append(Sample(str(path), fired, {e: expect[e] for e in ELEMENTS}, source="corpus", text=text,
                              path=str(path), items=items))
    if weigh_as and samples:
        for s in samples:
            s.weight = weigh_as / len(samples)
    return samples


def with_unseen(samples: list[Sample], config, at_most: int) -> tuple[list[Sample], dict]:
    """The samples as written and as if their wording were new. The lexicons grew from these very
    notices, so on them a narrow phrase written for one notice decides its status and a fit learns
    to trust narrow phrases alone; on a new notice they are silent and only broader cues are left.
    So every item (one regex or one phrase) that matches in at most `at_most` of the samples is
    switched off in those samples, and each such sample is fitted on twice at half its weight: as
    written (what a phrase that does match is worth) and linted without those items (what is left
    on new wording). Returns the samples and how many items and samples that touched."""
    from .matchers import PatternTrace

    where: dict = {}  # item → the indices of the samples it matched in
    for i, s in enumerate(samples):
        for item in s.items if s.items is not None else _traced(s.text, s.path, config)[1]:
            where.setdefault(item, []).append(i)
    own: dict[int, set] = {}  # sample index → its rare items
    for item, found in where.items():
        if len(found) <= at_most:
            for i in found:
                own.setdefault(i, set()).add(item)
    out = []
    for i, s in enumerate(samples):
        if i not in own:
            out.append(s)
            continue
        fired = _fired(s.text, s.path, config, PatternTrace(switched_off=frozenset(own[i])))
        out.append(replace(s, weight=s.weight / 2))
        out.append(replace(s, weight=s.weight / 2, fired=fired))
    return out, {"items": sum(len(found) <= at_most for found in where.values()), "of_items": len(where),
                 "samples": len(own), "of_samples": len(samples)}


def _agreement(samples, element, weights, present) -> float:
    """Weighted share of notices where present-or-not is right."""
    right = total = 0.0
    for s in samples:
        names = [n for n in s.fired[element] if n in weights]
        got = bool(names) and sum(weights[n] for n in names) >= present - 1e-9
        right += s.weight * (got == (s.status[element] == "present"))
        total += s.weight
    return right / total if total else 1.0


def _fit_one(samples, element, features, c):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = [[1.0 if f in s.fired[element] else 0.0 for f in features] for s in samples]
    targets = np.array([s.status[element] == "present" for s in samples], dtype=int)
    if targets.min() == targets.max():
        raise FitError(f"{element}: every notice has the same label; nothing to fit")
    model = LogisticRegression(C=c, max_iter=10_000)
    model.fit(np.array(rows), targets, sample_weight=np.array([s.weight for s in samples]))
    # the labels' prior may say present (the threshold below 0); a status still needs evidence for it
    return {f: float(w) for f, w in zip(features, model.coef_[0])}, max(-float(model.intercept_[0]), MIN_PRESENT)


def fit(samples: list[Sample], ruleset, grid=C_GRID) -> list[Fitted]:
    out = []
    for element in ELEMENTS:
        el = ruleset.elements[element]
        for f in el.features:
            if f.fixed and f.weight:  # a linear fit cannot hold a weight still other than at 0
                raise FitError(f"evidence {f.name!r} ({f.path}:{f.line}): a fixed weight must be 0 to be fitted "
                               f"around; it is {f.weight:g} for {element}")
        features = [f.name for f in el.features if f.weight is not None and not f.fixed]
        current = {f.name: el.weight_of(f) for f in el.features}
        fitted = Fitted(element, features, {}, {}, 0.0, n=len(samples))
        sources = sorted({s.source for s in samples})
        fitted.agreement_before = {src: _agreement([s for s in samples if s.source == src], element, current,
                                                   el.thresholds["present"]) for src in sources}
        used = [f for f in features if any(f in s.fired[element] for s in samples)]
        for f in features:
            if f not in used:
                fitted.notes.append(f"{f}: never fires in these notices; its weight is kept")
        best = None
        keys = list(dict.fromkeys(s.key for s in samples))  # a notice and its unseen twin are left out together
        for c in grid:  # leave-one-out agreement for each strength; ties go to the stronger penalty
            right = total = 0.0
            for key in keys:
                rest = [s for s in samples if s.key != key]
                w, t = _fit_one(rest, element, used, c)
                for s in samples:
                    if s.key == key:
                        right += s.weight * (_agreement([s], element, w, t) == 1.0)
                        total += s.weight
            score = right / total
            if best is None or score > best[0] + 1e-9:
                best = (score, c)
        fitted.loo_agreement, fitted.c = best
        weights, present = _fit_one(samples, element, used, fitted.c)
        fitted.weights = {f: round(weights.get(f, current[f]), 2) for f in features}
        if present == MIN_PRESENT:
            fitted.notes.append(f"threshold raised to {MIN_PRESENT:g}: present needs positive evidence")
        fitted.thresholds = {"present": round(present, 2)}
        fitted.agreement_after = {src: _agreement([s for s in samples if s.source == src], element, fitted.weights,
                                                  fitted.thresholds["present"]) for src in sources}
        out.append(fitted)
    return out


_NUMBER = r"-?\d+(?:\.\d+)?"


def write(ruleset, fitted: list[Fitted]) -> list[str]:
    """Rewrite the numbers on the packs' `weights:` and `thresholds:` lines; the rest of each file
    (comments, order, layout) stays as written. Returns the files changed."""
    edits: dict[str, dict[int, dict[str, float]]] = {}  # path → line → key → value
    for f in fitted:
        el = ruleset.elements[f.element]
        for feature in el.features:
            if feature.name in f.weights and feature.line:
                edits.setdefault(feature.path, {}).setdefault(feature.line, {})[f.element] = f.weights[feature.name]
        path, line = el.thresholds_at
        if not line:
            raise FitError(f"{f.element}: its thresholds are not written in any pack; add `thresholds:`")
        edits.setdefault(path, {}).setdefault(line, {}).update(f.thresholds)
    changed = []
    for path, lines in edits.items():
        text = Path(path).read_text(encoding="utf-8").split("\n")
        for line, values in lines.items():
            row = text[line - 1]
            for key, value in values.items():
                def number(m, value=value):  # an unchanged value keeps its spelling ("1.0")
                    return m.group(0) if float(m.group(2)) == value else m.group(1) + f"{value:g}"

                row, n = re.subn(rf"(\b{re.escape(key)}:\s*)({_NUMBER})", number, row, count=1)
                if n != 1:
                    raise FitError(f"{path}:{line}: expected `{key}: <number>` in a one-line mapping, found {row.strip()!r}")
            text[line - 1] = row
        new = "\n".join(text)
        if new != Path(path).read_text(encoding="utf-8"):
            Path(path).write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def format_fit(fitted: list[Fitted]) -> str:
    out = []
    for f in fitted:
        agree = ", ".join(f"{src} {f.agreement_before[src]:.3f} → {f.agreement_after[src]:.3f}"
                          for src in f.agreement_after)
        out.append(f"{f.element}: {f.n} notices, C={f.c:g}; present-or-not agreement {agree} "
                   f"(leave-one-out {f.loo_agreement:.3f})")
        out.append(f"  threshold: present at {f.thresholds['present']:g}")
        for name in f.features:
            out.append(f"  {name:<20} {f.weights[name]:+g}")
        out.extend(f"  note: {n}" for n in f.notes)
    return "\n".join(out)


def load_split(labels_path: Path, name: str) -> list[str]:
    split = yaml.safe_load(labels_path.with_name("split.yaml").read_text(encoding="utf-8")) or {}
    if name not in split:
        raise FitError(f"{labels_path.with_name('split.yaml')}: no {name!r} split")
    return list(split[name])
