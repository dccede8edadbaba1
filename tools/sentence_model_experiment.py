"""Experiment (kept for the record): can a learned sentence model stand in for hand lexicons?

    python tools/sentence_model_experiment.py             # the models on held-out probes
    python tools/sentence_model_experiment.py --stacked   # the model as an evidence feature, fitted
    (both need the fit extra, scikit-learn, and ../shared/real)

For each element, a logistic regression over word (en) or character (zh) uni- and bigrams, trained on
the even half of probes v1 (a probe of an element's feature is a positive, any other probe a negative),
optionally with the sentences of the real development split that hold labelled evidence (positive when
the element is labelled present), is scored on the odd half: does it fire on the probes of that element's
features and not on deflection, effort-only or recovery probes? Measured on 2026-12-03 (this script,
sentences as the linter splits them): trained on probes alone, en 0.64 / 0.68 / 0.60 and zh 0.75 / 0.50 /
0.78 (responsibility / impact / remedy); with the real development sentences, en 0.73 / 0.74 / 0.59 and zh
0.81 / 0.44 / 0.75. The lexicons read the same half, before they were tuned on it, at en 0.79 / 0.71 / 0.89
and zh 0.93 / 0.75 / 0.63. So a bag of n-grams from a few hundred sentences is no better overall than the
hand lexicons, though better where they were weakest (en impact, zh remedy). Weighed as one more evidence
feature (`--stacked`), it gets about +0.8, below every present threshold, and leave-one-out agreement on
development does not change: development is already covered by the lexicons, so the fit cannot see what
it adds. The engine has no learned component; this would need a larger labelled set of real text.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apolint.analysis import fold_char, traditional_to_simplified  # noqa: E402
from apolint.evaluate_real import read_real  # noqa: E402
from apolint.language import SENTENCES_WITHOUT_PIPELINE  # noqa: E402

POSITIVE = {"responsibility": {"owned-cause", "admission"},
            "impact": {"affected-count", "time-window", "named-region", "data-statement"},
            "remedy": {"action-taken", "eta", "next-update", "prevention", "compensation"}}
NEGATIVE = {"responsibility": {"deflection"}, "impact": set(), "remedy": {"effort-only", "recovery-stated"}}


TRADITIONAL = traditional_to_simplified()


def grams(text: str, lang: str) -> dict[str, int]:
    text = re.sub(r"\d+(?:[.,:]\d+)*", "0", "".join(fold_char(c, TRADITIONAL) for c in text.lower()))
    units = re.findall(r"[a-z]+(?:'[a-z]+)?|0|%" if lang == "en" else r"[a-z]+|0|[^\sa-z0\W]|[%％]", text)
    found = {f"1 {u}": 1 for u in units}
    found.update({f"2 {a} {b}": 1 for a, b in zip(units, units[1:])})
    return found


def sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """The linter's own sentences (its splitters that need no pipeline)."""
    return SENTENCES_WITHOUT_PIPELINE[lang]()(text)


def probe_rows(probes: list[dict], element: str):
    for p in probes:
        if "expect" in p:
            yield p["text"], int(p["expect"] in POSITIVE[element])
        elif p["expect_not"] in POSITIVE[element]:
            yield p["text"], 0


def real_rows(real_dir: Path, labels: dict, keys: list[str], element: str, lang: str):
    for key in (k for k in keys if k.startswith(lang)):
        text, label = read_real(real_dir, key), labels[key][element]
        for s, e in sentences(text, lang):
            if any(a < e and s < b for a, b in label.get("evidence") or []):
                yield text[s:e], int(label["status"] == "present")


def train(rows: list[tuple[str, int]], lang: str):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer()
    model = LogisticRegression(C=0.3, max_iter=5000, class_weight="balanced")
    model.fit(vectoriser.fit_transform([grams(t, lang) for t, _ in rows]), [y for _, y in rows])
    return lambda texts: model.decision_function(vectoriser.transform([grams(t, lang) for t in texts]))


def held_out_probes(real_dir: Path, labels: dict, development: list[str]) -> None:
    for lang in ("en", "zh"):
        probes = yaml.safe_load((ROOT / "corpus" / "probes" / f"{lang}.yaml").read_text(encoding="utf-8"))
        train_half, test_half = probes[0::2], probes[1::2]
        for element in POSITIVE:
            for with_real in (False, True):
                rows = list(probe_rows(train_half, element))
                if with_real:
                    rows += list(real_rows(real_dir, labels, development, element, lang))
                score = train(rows, lang)
                cases = [(p["text"], p["expect"] in POSITIVE[element]) for p in test_half
                         if p.get("expect") in POSITIVE[element] | NEGATIVE[element]]
                cases += [(p["text"], False) for p in test_half if p.get("expect_not") in POSITIVE[element]]
                right = sum((s > 0) == want for s, (_, want) in zip(score([t for t, _ in cases]), cases))
                source = "probes + real development" if with_real else "probes"
                print(f"{lang} {element:<15} trained on {source:<26} held-out probes {right / len(cases):.3f} ({right}/{len(cases)})")


def stacked(real_dir: Path, labels: dict, development: list[str], folds: int = 5) -> None:
    """The model as one more evidence feature ("learned": some sentence of the notice scores above 0), its
    value for each development notice from a model trained without that notice's fold, weighed by the same
    fit as `apolint fit-weights` (development plus our corpus): its weight, and leave-one-out agreement on
    development with and without it."""
    from apolint import api, fit
    from apolint.document import read_source

    config = api.resolve_config(None, ROOT / "x")
    samples = fit.collect(real_dir, labels, development, config)
    corpus = fit.collect_corpus(ROOT / "corpus", config, weigh_as=len(samples))
    texts = {s.key: read_real(real_dir, s.key) for s in samples} | {s.key: read_source(s.key) for s in corpus}
    langs = {s.key: s.key[:2] for s in samples} | {s.key: api.lint_text(texts[s.key], path=s.key).lang for s in corpus}
    fold_of = {key: i % folds for i, key in enumerate(development)}
    probes = {lang: yaml.safe_load((ROOT / "corpus" / "probes" / f"{lang}.yaml").read_text(encoding="utf-8"))
              for lang in ("en", "zh")}
    for element in POSITIVE:
        for lang in ("en", "zh"):
            def model(keys, lang=lang):
                return train(list(probe_rows(probes[lang], element)) + list(real_rows(real_dir, labels, keys, element, lang)), lang)
            whole = model(development)
            by_fold = [model([k for k in development if fold_of[k] != f]) for f in range(folds)]
            for s in samples + corpus:
                if langs[s.key] == lang:
                    score = by_fold[fold_of[s.key]] if s.key in fold_of else whole
                    text = texts[s.key]
                    if max(score([text[a:b] for a, b in sentences(text, lang)] or [text])) > 0:
                        s.fired[element].add("learned")
        names = sorted({f for s in samples + corpus for f in s.fired[element]})
        for features in ([f for f in names if f != "learned"], names):
            best = None
            for c in fit.C_GRID:  # as fit.fit chooses the strength: leave-one-out over the real notices
                right = sum(fit._agreement([s], element, *fit._fit_one(samples[:i] + samples[i + 1:] + corpus,
                                                                       element, features, c)) == 1.0
                            for i, s in enumerate(samples))
                if best is None or right > best[0]:
                    best = (right, c)
            weights, threshold = fit._fit_one(samples + corpus, element, features, best[1])
            kind = "with learned" if "learned" in features else "lexicons only"
            print(f"{element:<15} {kind:<14} leave-one-out {best[0] / len(samples):.3f}  learned weight "
                  f"{weights.get('learned', 0):+.2f}  present threshold {threshold:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stacked", action="store_true", help="weigh the model as an evidence feature instead")
    args = ap.parse_args()
    real_dir = ROOT.parent / "shared" / "real"
    if not real_dir.is_dir():
        sys.exit(f"{real_dir}: the real set is needed")
    labels = yaml.safe_load((ROOT / "corpus" / "real" / "labels.yaml").read_text(encoding="utf-8"))
    development = yaml.safe_load((ROOT / "corpus" / "real" / "split.yaml").read_text(encoding="utf-8"))["development"]
    (stacked if args.stacked else held_out_probes)(real_dir, labels, development)
    return 0


if __name__ == "__main__":
    sys.exit(main())
