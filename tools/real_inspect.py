"""Show one real announcement of the development split beside its labels and the linter's verdict.

    python tools/real_inspect.py en/r013 [zh/r005 ...]      # text with labelled spans, then what apolint found
    python tools/real_inspect.py --misses en                # every development file where an element disagrees

Labelled vague spans are shown as [[…]] in the text; the linter's vague-* findings as {{…}} (both where they
overlap). Validation files are refused: tuning looks at development only (corpus/real/split.yaml).
The output quotes third-party text: read it, never paste it into the project.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apolint import api  # noqa: E402
from apolint.evaluate_real import ELEMENTS  # noqa: E402
from tools.real_labels import read_text  # noqa: E402


def _marked(text: str, gold: list, found: list) -> str:
    marks = []
    for s, e, _ in gold:
        marks += [(s, 1, "[["), (e, 0, "]]")]
    for s, e in found:
        marks += [(s, 2, "{{"), (e, -1, "}}")]
    out, last = [], 0
    for pos, _, mark in sorted(marks):
        out.append(text[last:pos])
        out.append(mark)
        last = pos
    out.append(text[last:])
    return "".join(out)


def show(key: str, label: dict, brief: bool = False) -> str:
    text = read_text(key)
    result = api.lint_text(text, path=key + ".txt", complete_evidence=True)
    lines = [f"===== {key}"]
    for element in ELEMENTS:
        got = result.elements[element]
        want = label[element]["status"]
        mark = "  " if want == got.status else "✗ "
        feats = ", ".join(f"{n} {w:+.2f}" for n, w in got.features.items())
        lines.append(f"{mark}{element:<15} label {want:<8} apolint {got.status:<8} score {got.score:+.2f}  [{feats}]")
        if not brief or want != got.status:
            for s, e in label[element]["evidence"]:
                lines.append(f"      label evidence: {' '.join(text[s:e].split())!r}")
            for ev in got.evidence[:12]:
                lines.append(f"      apolint {ev.feature} ({ev.weight:+.2f}): {' '.join(ev.text.split())!r}")
    vague = [(f.start, f.end) for f in result.findings if f.rule.startswith("vague-")]
    fired = sorted({f.rule for f in result.findings})
    lines.append(f"  label fire {label['fire']}  over_apology {label['over_apology']}")
    lines.append(f"  apolint fired {fired}")
    if not brief:
        lines.append(_marked(text, label["vague"], vague))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("keys", nargs="*", help="lang/id of development files")
    ap.add_argument("--misses", choices=["en", "zh"], help="every development file of a language where an element disagrees")
    ap.add_argument("--brief", action="store_true", help="statuses and disagreeing evidence only, no text")
    args = ap.parse_args()
    labels = yaml.safe_load((ROOT / "corpus/real/labels.yaml").read_text(encoding="utf-8"))
    split = yaml.safe_load((ROOT / "corpus/real/split.yaml").read_text(encoding="utf-8"))
    development = set(split["development"])
    keys = list(args.keys)
    if args.misses:
        for key in sorted(k for k in development if k.startswith(args.misses + "/")):
            result = api.lint_text(read_text(key), path=key + ".txt")
            if any(result.elements[e].status != labels[key][e]["status"] for e in ELEMENTS):
                keys.append(key)
    for key in keys:
        if key not in development:
            print(f"{key}: not in the development split; refused", file=sys.stderr)
            continue
        print(show(key, labels[key], args.brief))
    return 0


if __name__ == "__main__":
    sys.exit(main())
