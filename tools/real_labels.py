"""Labels for the real announcements in ../shared/real: check, convert, compare, adjudicate.

Labellers write quotes (exact text from the file), because people and tools find text more
reliably than they count code points. The project keeps only offsets (code points into the file
as read, UTF-8) and each file's sha256, never the third-party text itself:

    python tools/real_labels.py split                      # the fixed split (corpus/real/split.yaml)
    python tools/real_labels.py check  RAW.yaml            # every quote found, once, schema right
    python tools/real_labels.py convert RAW.yaml -o corpus/real/labeller-a.yaml
    python tools/real_labels.py agree corpus/real/labeller-a.yaml corpus/real/labeller-b.yaml
    python tools/real_labels.py merge corpus/real/labeller-a.yaml corpus/real/labeller-b.yaml \
        corpus/real/adjudication.yaml -o corpus/real/labels.yaml

A raw file maps "en/r005" (language folder / file id) to:

    responsibility: {status: present|weak|missing, evidence: [QUOTE, ...], why: own words}
    impact: {...}
    remedy: {...}
    vague: [{quote: QUOTE, rule: vague-scope|vague-time|vague-cause|vague-action|vague-hedge|vague-minimise}]
    apologies: [QUOTE, ...]
    over_apology: true|false
    fire: [rule ids from FIRE_RULES]
    note: optional

QUOTE is the exact text, or {quote: text, nth: N} for its N-th occurrence (from 1).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from apolint.evaluate_real import ELEMENTS, overlaps as _overlaps, read_real  # noqa: E402
from apolint.matchers import STATUSES  # noqa: E402

VAGUE_RULES = ("vague-scope", "vague-time", "vague-cause", "vague-action", "vague-hedge", "vague-minimise")
FIRE_RULES = ("blame-shifting", "non-apology", "over-apology-count", "over-apology-intensifier",
              "over-apology-empty", "missing-empathy", "missing-compensation", "over-disclosure", "overpromise")


def real_dir() -> Path:
    return Path(os.environ.get("APOLINT_REAL_DIR") or ROOT.parent / "shared" / "real")


def read_text(key: str) -> str:
    return read_real(real_dir(), key)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def locate(text: str, quote, where: str, errors: list) -> tuple[int, int] | None:
    nth = None
    if isinstance(quote, dict):
        nth = quote.get("nth")
        quote = quote.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        errors.append(f"{where}: a quote must be non-empty text")
        return None
    starts, pos = [], text.find(quote)
    while pos != -1:
        starts.append(pos)
        pos = text.find(quote, pos + 1)
    if not starts:
        errors.append(f"{where}: not found in the text: {quote!r}")
        return None
    if len(starts) > 1 and not (isinstance(nth, int) and 1 <= nth <= len(starts)):
        errors.append(f"{where}: {quote!r} occurs {len(starts)} times: lengthen it or add nth: 1..{len(starts)}")
        return None
    if len(starts) == 1 and nth not in (None, 1):
        errors.append(f"{where}: {quote!r} occurs once but nth is {nth}")
        return None
    start = starts[(nth or 1) - 1]
    return start, start + len(quote)


def make_split() -> dict:
    """The fixed split: within each language and manifest stage, files ordered by
    sha256("apolint-real-split:" + key); every third one is validation."""
    groups: dict = {}
    for manifest in sorted(real_dir().glob("manifest-*.yaml")):
        for entry in load(str(manifest)):
            groups.setdefault((entry["lang"], str(entry.get("stage"))), []).append(f"{entry['lang']}/{entry['id']}")
    dev, val = [], []
    for _, keys in sorted(groups.items()):
        keys.sort(key=lambda k: hashlib.sha256(("apolint-real-split:" + k).encode()).hexdigest())
        for i, k in enumerate(keys):
            (val if i % 3 == 2 else dev).append(k)
    return {"development": sorted(dev), "validation": sorted(val)}


def convert(raw: dict) -> tuple[dict, list[str]]:
    """Quotes → offsets; returns (labels, errors)."""
    errors: list[str] = []
    out: dict = {}
    for key in sorted(raw):
        entry = raw[key] or {}
        try:
            text = read_text(key)
        except (OSError, ValueError):
            errors.append(f"{key}: no such file in {real_dir()}")
            continue
        label: dict = {"sha256": sha256(text)}
        for element in ELEMENTS:
            e = entry.get(element)
            if not isinstance(e, dict) or e.get("status") not in STATUSES:
                errors.append(f"{key}.{element}: needs status: present | weak | missing")
                continue
            spans = [locate(text, q, f"{key}.{element}.evidence", errors) for q in e.get("evidence") or []]
            if e["status"] != "missing" and not e.get("evidence"):
                errors.append(f"{key}.{element}: a {e['status']} element needs evidence quotes")
            label[element] = {"status": e["status"], "evidence": [list(s) for s in spans if s]}
        vague = []
        for i, v in enumerate(entry.get("vague") or []):
            if not isinstance(v, dict) or v.get("rule") not in VAGUE_RULES:
                errors.append(f"{key}.vague[{i}]: needs quote and rule (one of {', '.join(VAGUE_RULES)})")
                continue
            span = locate(text, {"quote": v.get("quote"), "nth": v.get("nth")}, f"{key}.vague[{i}]", errors)
            if span:
                vague.append([span[0], span[1], v["rule"]])
        label["vague"] = sorted(vague)
        label["apologies"] = sorted(list(s) for s in (locate(text, q, f"{key}.apologies", errors)
                                                       for q in entry.get("apologies") or []) if s)
        if not isinstance(entry.get("over_apology"), bool):
            errors.append(f"{key}.over_apology: true or false")
        label["over_apology"] = bool(entry.get("over_apology"))
        fire = entry.get("fire") or []
        bad = [r for r in fire if r not in FIRE_RULES]
        if bad:
            errors.append(f"{key}.fire: unknown rules {bad} (allowed: {', '.join(FIRE_RULES)})")
        label["fire"] = sorted(set(fire) - set(bad))
        out[key] = label
    return out, errors


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def dump(data: dict, path: str | None) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
    if path:
        Path(path).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _kappa(pairs: list[tuple[str, str]]) -> float:
    n = len(pairs)
    if not n:
        return 1.0
    observed = sum(a == b for a, b in pairs) / n
    cats = {c for p in pairs for c in p}
    expected = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in cats)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(a: dict, b: dict) -> dict:
    """Agreement of two converted label files on the keys both hold."""
    keys = sorted(set(a) & set(b))
    report: dict = {"files": len(keys)}
    for lang in sorted({k.split("/")[0] for k in keys}):
        ks = [k for k in keys if k.startswith(lang + "/")]
        r: dict = {"files": len(ks)}
        for element in ELEMENTS:
            pairs = [(a[k][element]["status"], b[k][element]["status"]) for k in ks]
            binary = [(x == "present", y == "present") for x, y in pairs]
            r[element] = {"agreement": round(sum(x == y for x, y in pairs) / len(pairs), 3),
                          "kappa": round(_kappa(pairs), 3),
                          "adequate_agreement": round(sum(x == y for x, y in binary) / len(binary), 3)}
        r["macro_adequate_agreement"] = round(sum(r[e]["adequate_agreement"] for e in ELEMENTS) / 3, 3)
        va = [(k, v) for k in ks for v in a[k]["vague"]]
        vb = [(k, v) for k in ks for v in b[k]["vague"]]
        found_b = sum(_overlaps(v, [w for w in b[k]["vague"]]) for k, v in va)
        found_a = sum(_overlaps(v, [w for w in a[k]["vague"]]) for k, v in vb)
        r["vague"] = {"a_spans": len(va), "b_spans": len(vb),
                      "a_found_by_b": round(found_b / len(va), 3) if va else 1.0,
                      "b_found_by_a": round(found_a / len(vb), 3) if vb else 1.0}
        pairs = [(a[k]["over_apology"], b[k]["over_apology"]) for k in ks]
        r["over_apology"] = {"agreement": round(sum(x == y for x, y in pairs) / len(pairs), 3),
                             "kappa": round(_kappa(pairs), 3), "a_true": sum(x for x, _ in pairs),
                             "b_true": sum(y for _, y in pairs)}
        rules = {}
        for rule in FIRE_RULES:
            pairs = [(rule in a[k]["fire"], rule in b[k]["fire"]) for k in ks]
            if any(x or y for x, y in pairs):
                rules[rule] = {"agreement": round(sum(x == y for x, y in pairs) / len(pairs), 3),
                               "a": sum(x for x, _ in pairs), "b": sum(y for _, y in pairs)}
        r["fire"] = rules
        report[lang] = r
    return report


def disagreements(a: dict, b: dict) -> dict:
    """What an adjudicator has to decide, keyed like the labels."""
    out: dict = {}
    for k in sorted(set(a) & set(b)):
        d: dict = {}
        for element in ELEMENTS:
            if a[k][element]["status"] != b[k][element]["status"]:
                d[element] = {"a": a[k][element]["status"], "b": b[k][element]["status"]}
        only_a = [v for v in a[k]["vague"] if not _overlaps(v, b[k]["vague"])]
        only_b = [v for v in b[k]["vague"] if not _overlaps(v, a[k]["vague"])]
        if only_a or only_b:
            d["vague"] = {"only_a": only_a, "only_b": only_b}
        if a[k]["over_apology"] != b[k]["over_apology"]:
            d["over_apology"] = {"a": a[k]["over_apology"], "b": b[k]["over_apology"]}
        fa, fb = set(a[k]["fire"]), set(b[k]["fire"])
        if fa != fb:
            d["fire"] = {"only_a": sorted(fa - fb), "only_b": sorted(fb - fa)}
        if d:
            out[k] = d
    return out


def worksheet(a: dict, b: dict, width: int = 60) -> str:
    """The disagreements with the text around them, for the adjudicator (never commit it: it quotes)."""
    out = []
    for key, d in disagreements(a, b).items():
        text = read_text(key)
        out.append(f"== {key}")
        for what, v in d.items():
            if what == "vague":
                for side in ("only_a", "only_b"):
                    for s, e, rule in v[side]:
                        ctx = text[max(0, s - width):s] + "[[" + text[s:e] + "]]" + text[e:e + width]
                        out.append(f"  vague {side} [{s}, {e}] {rule}: " + " ".join(ctx.split()))
            else:
                out.append(f"  {what}: {v}")
    return "\n".join(out) + "\n"


def merge(a: dict, b: dict, adjudication: dict) -> tuple[dict, list[str]]:
    """Agreed labels as they are; every disagreement decided by the adjudication (with a reason)."""
    problems: list[str] = []
    out: dict = {}
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            problems.append(f"{key}: labelled by one labeller only")
            continue
        la, lb, adj = a[key], b[key], adjudication.get(key) or {}
        if la["sha256"] != lb["sha256"]:
            problems.append(f"{key}: the labellers saw different texts")
            continue

        def decided(what: str, options: tuple):
            entry = adj.get(what)
            if not isinstance(entry, dict) or "value" not in entry or not entry.get("why"):
                problems.append(f"{key}.{what}: labellers differ ({options[0]!r} / {options[1]!r}); "
                                "adjudicate with value and why")
                return options[0]
            return entry["value"]

        label: dict = {"sha256": la["sha256"]}
        for element in ELEMENTS:
            sa, sb = la[element]["status"], lb[element]["status"]
            status = sa if sa == sb else decided(element, (sa, sb))
            if status not in STATUSES:
                problems.append(f"{key}.{element}: unknown status {status!r}")
            sources = [x for x in (la, lb) if x[element]["status"] == status] or [la, lb]
            spans = sorted({tuple(s) for x in sources for s in x[element]["evidence"]})
            label[element] = {"status": status, "evidence": [list(s) for s in spans]}
        vague = [v for v in la["vague"] if _overlaps(v, lb["vague"])]
        vague += [v for v in lb["vague"] if _overlaps(v, la["vague"]) and not _overlaps(v, vague)]
        decisions = {tuple(x["span"]): x for x in adj.get("vague") or []}
        for v in [v for v in la["vague"] if not _overlaps(v, lb["vague"])] + \
                 [v for v in lb["vague"] if not _overlaps(v, la["vague"])]:
            x = decisions.pop((v[0], v[1]), None)
            if x is None or not isinstance(x.get("keep"), bool) or not x.get("why"):
                problems.append(f"{key}.vague [{v[0]}, {v[1]}] {v[2]}: marked by one labeller; adjudicate keep and why")
            elif x["keep"]:
                vague.append([v[0], v[1], x.get("rule", v[2])])
        for span in decisions:
            problems.append(f"{key}.vague {list(span)}: adjudicated, but no labeller marked it alone")
        label["vague"] = sorted(vague)
        apologies = sorted({tuple(s) for s in la["apologies"] + lb["apologies"]})
        label["apologies"] = [list(s) for s in apologies if not any(
            o != s and o[0] <= s[0] and s[1] <= o[1] for o in apologies)]
        oa, ob = la["over_apology"], lb["over_apology"]
        label["over_apology"] = oa if oa == ob else decided("over_apology", (oa, ob))
        fire = set(la["fire"]) & set(lb["fire"])
        for rule in sorted(set(la["fire"]) ^ set(lb["fire"])):
            entry = (adj.get("fire") or {}).get(rule)
            if not isinstance(entry, dict) or not isinstance(entry.get("value"), bool) or not entry.get("why"):
                problems.append(f"{key}.fire.{rule}: one labeller only; adjudicate value and why")
            elif entry["value"]:
                fire.add(rule)
        for rule, entry in (adj.get("fire") or {}).items():
            if rule not in set(la["fire"]) ^ set(lb["fire"]):  # a guide decision overturning both
                if not isinstance(entry, dict) or not entry.get("why") or not entry.get("guide"):
                    problems.append(f"{key}.fire.{rule}: both labellers agreed; overturn only by a guide decision "
                                    "(guide: true, why)")
                elif entry.get("value"):
                    fire.add(rule)
                else:
                    fire.discard(rule)
        for what in ("over_apology",) + ELEMENTS:
            entry = adj.get(what)
            agreed = (oa == ob) if what == "over_apology" else la[what]["status"] == lb[what]["status"]
            if agreed and isinstance(entry, dict):
                if not entry.get("guide") or not entry.get("why"):
                    problems.append(f"{key}.{what}: both labellers agreed; overturn only by a guide decision")
                elif what == "over_apology":
                    label[what] = entry["value"]
                else:
                    label[what]["status"] = entry["value"]
        label["fire"] = sorted(fire)
        out[key] = label
    return out, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check", help="check a raw (quote) label file")
    p.add_argument("raw", nargs="+")
    p = sub.add_parser("convert", help="quotes → offsets")
    p.add_argument("raw", nargs="+")
    p.add_argument("-o", "--output")
    sub.add_parser("split", help="print the split rule's result (compare with corpus/real/split.yaml)")
    p = sub.add_parser("agree", help="agreement of two converted label files, and their disagreements")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--disagreements", help="write the disagreements to this YAML file")
    p = sub.add_parser("worksheet", help="the disagreements in context, for the adjudicator (quotes: never commit)")
    p.add_argument("a")
    p.add_argument("b")
    p = sub.add_parser("merge", help="agreed labels + adjudication → labels")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("adjudication")
    p.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    if args.cmd in ("check", "convert"):
        raw: dict = {}
        for path in args.raw:
            raw.update(load(path))
        labels, errors = convert(raw)
        for e in errors:
            print(e, file=sys.stderr)
        if args.cmd == "check":
            print(f"{len(labels)} files, {len(errors)} problems")
        elif not errors:
            dump(labels, args.output)
        return 1 if errors else 0
    if args.cmd == "worksheet":
        sys.stdout.write(worksheet(load(args.a), load(args.b)))
        return 0
    if args.cmd == "merge":
        labels, problems = merge(load(args.a), load(args.b), load(args.adjudication))
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problems; nothing written", file=sys.stderr)
            return 1
        header = ("# Adjudicated labels of the real announcements (../shared/real): offsets are code points into\n"
                  "# each file as read; sha256 detects a changed text. Made by `python tools/real_labels.py merge\n"
                  "# corpus/real/labeller-a.yaml corpus/real/labeller-b.yaml corpus/real/adjudication.yaml`.\n")
        Path(args.output).write_text(header + yaml.safe_dump(labels, allow_unicode=True, sort_keys=False, width=200,
                                                               default_flow_style=None), encoding="utf-8")
        print(f"{len(labels)} files written to {args.output}")
        return 0
    if args.cmd == "split":
        dump(make_split(), None)
        return 0
    if args.cmd == "agree":
        a, b = load(args.a), load(args.b)
        dump(agreement(a, b), None)
        if args.disagreements:
            dump(disagreements(a, b), args.disagreements)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
