"""How the element verdicts may fare on wording the packs were not written for, measured on development only.

The lexicons grew from the development notices, so agreement on them says little about new text (validation is
looked at once per session). This simulates new wording: each development notice is linted with the pack items
(regexes, phrases) that match in at most N of the fitted notices switched off (as `apolint fit-weights --unseen N`
does), and leave-one-out agreement is measured on it, the weights fitted without that notice (and its twin).

    python tools/unseen_simulation.py ../shared/real             # fitted as the packs are (as written + as unseen)
    python tools/unseen_simulation.py ../shared/real --unseen-fit 0   # fitted on the notices as written only
    python tools/unseen_simulation.py ../shared/real --at-most 3 --test-at-most 4   # another setting, a harsher test

Prints, per language and element, agreement (present vs not) on the notices as unseen and as written, for each
regularisation strength of the fitter's grid. Needs the `fit` extra (scikit-learn).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apolint import api  # noqa: E402
from apolint.evaluate_real import ELEMENTS  # noqa: E402
from apolint.fit import C_GRID, _agreement, _fit_one, collect, collect_corpus, load_split, with_unseen  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("real", type=Path, help="the real announcements (../shared/real)")
    parser.add_argument("--at-most", type=int, default=2, help="switch off items matching in at most this many notices")
    parser.add_argument("--test-at-most", type=int, default=None,
                        help="test on the notices with items matching in at most this many switched off (default: "
                             "--at-most); a larger number is a harsher test of the same fit")
    parser.add_argument("--unseen-fit", type=int, choices=(0, 1), default=1,
                        help="1: fit on the notices as written and as unseen (what the packs are fitted on); 0: as written")
    parser.add_argument("--misses", type=float, metavar="C", default=None,
                        help="list the notices as unseen that disagree, at this regularisation strength")
    args = parser.parse_args(argv)
    labels_path = ROOT / "corpus" / "real" / "labels.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    cfg = api.Config(root=ROOT)
    ruleset = api.ruleset_for(cfg)
    real = collect(args.real, labels, load_split(labels_path, "development"), cfg)
    samples, touched = with_unseen(real + collect_corpus(ROOT / "corpus", cfg, weigh_as=len(real)), cfg, args.at_most)
    print(f"{touched['items']} of {touched['of_items']} items switched off in {touched['samples']} of "
          f"{touched['of_samples']} notices")
    by_key: dict[str, list] = {}
    for s in samples:
        by_key.setdefault(s.key, []).append(s)
    written = {k: v[0] for k, v in by_key.items()}
    unseen = {k: v[-1] for k, v in by_key.items()}
    if args.test_at_most is not None and args.test_at_most != args.at_most:
        fresh = [dataclasses.replace(s, weight=1.0) for s in written.values()]
        tested, touched = with_unseen(fresh, cfg, args.test_at_most)
        unseen = {s.key: s for s in tested}  # the last of each key: the notice as unseen (or as written)
        print(f"tested on: {touched['items']} items switched off in {touched['samples']} notices "
              f"(at most {args.test_at_most})")
    if args.unseen_fit:
        train = samples
    else:  # as written only, at full weight
        train = [dataclasses.replace(s, weight=s.weight * len(by_key[s.key])) for s in written.values()]
    for c in C_GRID if args.misses is None else (args.misses,):
        for lang in ("en", "zh"):
            keys = [s.key for s in real if s.key.startswith(lang + "/")]
            row = []
            for element in ELEMENTS:
                el = ruleset.elements[element]
                features = [f.name for f in el.features if f.weight is not None and not f.fixed]
                right_unseen = right_written = 0
                for key in keys:
                    rest = [s for s in train if s.key != key]
                    used = [f for f in features if any(f in s.fired[element] for s in rest)]
                    w, t = _fit_one(rest, element, used, c)
                    right_unseen += _agreement([unseen[key]], element, w, t)
                    if args.misses is not None and not _agreement([unseen[key]], element, w, t):
                        fired = unseen[key].fired[element]
                        print(f"  {key} {element}: labelled {unseen[key].status[element]}, score "
                              f"{sum(w.get(f, 0) for f in fired):+.2f} at {t:.2f}: " + ", ".join(sorted(fired)))
                    right_written += _agreement([written[key]], element, w, t)
                row.append((right_unseen / len(keys), right_written / len(keys)))
            macro_u, macro_w = (sum(r[i] for r in row) / len(row) for i in (0, 1))
            print(f"C={c:<4g} {lang}  as unseen " + " ".join(f"{u:.3f}" for u, _ in row) + f"  macro {macro_u:.3f}"
                  + "   as written " + " ".join(f"{w:.3f}" for _, w in row) + f"  macro {macro_w:.3f}")
    print("(columns: " + ", ".join(ELEMENTS) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
