"""Explanations shared by the front ends: a rule's documentation, and why an element got its status.

The CLI (`apolint explain RULE`, `apolint explain --why FILE`, the text reporter) and the LSP hover
both use these, so no front end imports another.
"""
from __future__ import annotations


def explain_text(found) -> str:
    """The rule's documentation (`apolint explain RULE` and LSP hover)."""
    first = found[0]
    lines = [f"{first.id} ({first.kind}, {first.level}, {'/'.join(sorted({l for r in found for l in r.languages}))})",
             "", first.why.strip(), ""]
    if first.suggestion:
        lines.append("Suggestion:")
        sugg = first.suggestion if isinstance(first.suggestion, dict) else {"": first.suggestion}
        for lang, text in sugg.items():
            lines.append(f"  {lang + ': ' if lang else ''}{text}")
        lines.append("")

    def example(mark: str, text: str) -> str:
        # a multi-line example (front matter, several lines) stays one indented block
        return f"  {mark} " + str(text).strip().replace("\n", "\n    ")

    for r in found:
        lines.append("Bad:")
        lines.extend(example("✗", e) for e in r.examples["bad"])
        lines.append("Good:")
        lines.extend(example("✓", e) for e in r.examples["good"])
    lines.append(f"\nDefined in {first.path}:{first.line}")
    return "\n".join(lines)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fired_features(result) -> list[tuple[str, float, list]]:
    """(feature, weight, evidence) for each feature that fired, strongest pull first."""
    by_feature: dict[str, list] = {}
    for ev in result.evidence:
        by_feature.setdefault(ev.feature, []).append(ev)
    return sorted(((name, w, by_feature.get(name, [])) for name, w in result.features.items()),
                  key=lambda t: (-abs(t[1]), t[0]))


def evidence_line(name: str, result, limit: int = 3) -> str:
    """One line: the element's status, score against its threshold and the features that fired."""
    parts = []
    for feature, weight, evidence in fired_features(result)[:limit]:
        where = f" {evidence[0].line}:{evidence[0].column} \"{_short(evidence[0].text, 24)}\"" if evidence else ""
        parts.append(f"{feature} {weight:+g}{where}")
    more = len(result.features) - limit
    if more > 0:
        parts.append(f"+{more} more")
    body = "; ".join(parts) if parts else "no evidence"
    return f"{name} {result.status} ({result.score:+g}): {body}"


def why_text(file_result, ruleset) -> str:
    """Why each element got its status, and which evidence would change it."""
    out = [f"{file_result.path}: score {file_result.score}"]
    for name, result in file_result.elements.items():
        element = ruleset.elements.get(name)
        if element is None:
            continue
        present_at = element.thresholds["present"]
        out.append("")
        out.append(f"{name}: {result.status} — score {result.score:+g}, present at {present_at:+g}")
        fired = fired_features(result)
        if not fired:
            out.append("  no evidence fired: the notice says nothing the packs recognise about it")
        for feature, weight, evidence in fired:
            spots = ", ".join(f"{ev.line}:{ev.column} \"{_short(ev.text)}\"" for ev in evidence[:3])
            if len(evidence) > 3:
                spots += f" (+{len(evidence) - 3} more)"
            out.append(f"  {weight:+6g}  {feature:<20} {spots}")
        out.extend(_what_would_change(element, result))
    return "\n".join(out)


def _what_would_change(element, result) -> list[str]:
    """Single changes that would move the status across the present threshold."""
    present_at = element.thresholds["present"]
    lines = []
    if result.status == "present":
        without = "weak" if len(result.features) > 1 else "missing"
        lines = [f"  without {feature} it would be {without}" for feature, weight, _ in fired_features(result)
                 if weight > 0 and result.score - weight < present_at - 1e-9]
        return ["  decisive:"] + lines if lines else []
    for feature in element.features:
        weight = element.weight_of(feature)
        if feature.template_only:  # a placeholder slot: only a template can add it
            continue
        if feature.name not in result.features and weight > 0 and result.score + weight >= present_at - 1e-9:
            about = f" — {feature.about}" if feature.about else ""
            lines.append(f"    add {feature.name} ({weight:+g}){about}")
    for feature, weight, _ in fired_features(result):
        if weight < 0 and result.score - weight >= present_at - 1e-9:
            lines.append(f"    drop {feature} ({weight:+g}): rewrite what it matched")
    if not lines:
        return ["  no single change would make it present"]
    return ["  would be present with one of:"] + lines
