"""--format html: one self-contained page for a folder of announcements.

At the top a summary drawn as inline SVG charts — how many notices lack each element, the most
frequent rules, the score distribution — each with a table of the same numbers (for screen readers
and for copying); then an index of the files and, per file, the text with its findings highlighted,
the elements and the score. The charts are drawn here, in a few dozen lines of SVG: bar charts need
no library, and a library would have to be inlined into every report. No script at all: the page
carries a Content-Security-Policy that forbids scripts, so even a notice quoting `<script>` (escaped
anyway) could not run one, and `content-visibility` keeps a report of thousands of notices quick to
open, since the browser lays out only the sections on screen.
"""
from __future__ import annotations

from collections import Counter
from html import escape

from ..findings import LEVEL_RANK

ELEMENT_STATUSES = ("missing", "weak", "present")
MARK = {"present": "✓", "weak": "~", "missing": "✗"}
SCORE_BUCKETS = tuple((lo, lo + 9 if lo < 90 else 100) for lo in range(0, 100, 10))
TOP_RULES = 12
COLOURS = {"missing": "#b3261e", "weak": "#8a5a00", "present": "#1e6b34", "bar": "#2f5f98"}

STYLE = """
:root { color-scheme: light; font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; color: #1a1a1a; }
body { margin: 0 auto; max-width: 70rem; padding: 1rem 1.5rem 4rem; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; list-style: none; }
.cards li { border: 1px solid #c4c4c4; border-radius: .4rem; padding: .5rem .9rem; }
.cards strong { display: block; font-size: 1.4rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1.5rem; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
svg text { font-size: 12px; fill: #1a1a1a; }
table { border-collapse: collapse; font-size: .9rem; } th, td { text-align: left; padding: .15rem .6rem .15rem 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; color: #2f5f98; margin: .3rem 0; }
.file { border-top: 1px solid #c4c4c4; padding-top: .6rem; margin-top: 1.2rem;
        content-visibility: auto; contain-intrinsic-size: auto 30rem; }
.status { font-weight: 600; } .status.present { color: #1e6b34; } .status.weak { color: #8a5a00; }
.status.missing { color: #b3261e; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: .6rem; border-radius: .3rem;
           font-family: inherit; }
mark { color: inherit; border-bottom: 2px solid; padding: 0 1px; }
mark.error { background: #fbe3e1; border-color: #b3261e; } mark.warning { background: #fdf0cf; border-color: #8a5a00; }
mark.info { background: #e2ecf8; border-color: #2f5f98; }
.level { font-weight: 600; } .level.error { color: #b3261e; } .level.warning { color: #8a5a00; }
.level.info { color: #2f5f98; }
.rule, .path { font-family: ui-monospace, monospace; font-size: .9em; }
.error-box { color: #b3261e; }
"""


def render(results, ruleset, options) -> str:
    texts = options.get("texts", {})
    summary = summarise(results)
    out = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
           # no script, no network: whatever a notice holds, the page can only show it
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<title>apolint report — {summary["files"]} file{"s" if summary["files"] != 1 else ""}</title>',
           f'<style>{STYLE}</style>', '</head>', '<body>', '<h1>apolint report</h1>']
    out.extend(_summary_html(summary))
    out.extend(_index_html(results))
    out.append('<h2 id="files">Files</h2>')
    for number, result in enumerate(results, 1):
        out.extend(_file_html(number, result, texts.get(result.path)))
    out.extend(['</body>', '</html>'])
    return "\n".join(out)


def summarise(results) -> dict:
    """The numbers the summary shows, from the same results the JSON output prints."""
    checked = [r for r in results if r.error is None]
    elements: dict[str, Counter] = {}
    for r in checked:
        for name, element in r.elements.items():
            elements.setdefault(name, Counter())[element.status] += 1
    rules = Counter(f.rule for r in checked for f in r.findings)
    levels = Counter(f.level for r in checked for f in r.findings)
    scores = [r.score for r in checked if r.score is not None]
    histogram = [sum(1 for s in scores if lo <= s <= hi) for lo, hi in SCORE_BUCKETS]
    return {"files": len(results), "checked": len(checked), "unreadable": len(results) - len(checked),
            "elements": elements, "rules": rules.most_common(), "levels": levels, "histogram": histogram,
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None}


def _summary_html(summary: dict) -> list[str]:
    levels = summary["levels"]
    cards = [("files checked", summary["checked"], "checked"), ("could not be read", summary["unreadable"], "unreadable"),
             ("errors", levels["error"], "error"), ("warnings", levels["warning"], "warning"),
             ("info", levels["info"], "info"),
             ("mean score", summary["mean_score"] if summary["mean_score"] is not None else "—", "mean-score")]
    out = ['<section aria-labelledby="summary"><h2 id="summary">Summary</h2>', '<ul class="cards">']
    out.extend(f'<li data-key="{key}"><strong>{value}</strong>{label}</li>' for label, value, key in cards)
    out.append('</ul>')
    out.append('<div class="charts">')
    out.extend(_elements_chart(summary["elements"], summary["checked"]))
    out.extend(_rules_chart(summary["rules"][:TOP_RULES]))
    out.extend(_score_chart(summary["histogram"]))
    out.append('</div></section>')
    return out


def _elements_chart(elements: dict[str, Counter], total: int) -> list[str]:
    """One stacked bar per element: missing, weak, present, as shares of the files checked."""
    width, label_w, bar_h, gap = 420, 110, 22, 10
    height = len(elements) * (bar_h + gap) + 30
    svg = [f'<svg role="img" aria-labelledby="elements-title" viewBox="0 0 {width} {height}" width="100%">',
           '<title id="elements-title">Notices by element status</title>']
    for i, (name, counts) in enumerate(elements.items()):
        y = i * (bar_h + gap)
        svg.append(f'<text x="0" y="{y + 15}">{escape(name)}</text>')
        x = float(label_w)
        for status in ELEMENT_STATUSES:
            share = counts[status] / total * (width - label_w) if total else 0
            if share:
                svg.append(f'<rect x="{x:.1f}" y="{y}" width="{share:.1f}" height="{bar_h}" fill="{COLOURS[status]}">'
                           f'<title>{escape(name)} {status}: {counts[status]}</title></rect>')
                if share > 28:
                    svg.append(f'<text x="{x + 4:.1f}" y="{y + 15}" style="fill:#fff">{counts[status]}</text>')
            x += share
    legend_y = height - 8
    for j, status in enumerate(ELEMENT_STATUSES):
        svg.append(f'<rect x="{label_w + j * 90}" y="{legend_y - 10}" width="10" height="10" fill="{COLOURS[status]}"/>'
                   f'<text x="{label_w + j * 90 + 14}" y="{legend_y}">{status}</text>')
    svg.append('</svg>')
    rows = "".join(f'<tr data-element="{escape(name)}"><th scope="row">{escape(name)}</th>'
                   + "".join(f'<td class="n" data-status="{s}">{counts[s]}</td>' for s in ELEMENT_STATUSES) + '</tr>'
                   for name, counts in elements.items())
    table = ('<details><summary>Table</summary><table id="elements-table"><thead><tr><th>element</th>'
             + "".join(f'<th>{s}</th>' for s in ELEMENT_STATUSES) + f'</tr></thead><tbody>{rows}</tbody></table></details>')
    return ['<figure>', '<figcaption>How many notices lack each element</figcaption>', *svg, table, '</figure>']


def _rules_chart(rules: list[tuple[str, int]]) -> list[str]:
    width, label_w, bar_h, gap = 420, 190, 16, 6
    height = max(1, len(rules)) * (bar_h + gap)
    top = rules[0][1] if rules else 1
    svg = [f'<svg role="img" aria-labelledby="rules-title" viewBox="0 0 {width} {height}" width="100%">',
           '<title id="rules-title">Most frequent rules</title>']
    if not rules:
        svg.append('<text x="0" y="14">no findings</text>')
    for i, (rule, count) in enumerate(rules):
        y = i * (bar_h + gap)
        bar = count / top * (width - label_w - 40)
        svg.append(f'<text x="0" y="{y + 12}">{escape(rule)}</text>'
                   f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="{bar_h}" fill="{COLOURS["bar"]}"/>'
                   f'<text x="{label_w + bar + 4:.1f}" y="{y + 12}">{count}</text>')
    svg.append('</svg>')
    rows = "".join(f'<tr data-rule="{escape(rule)}"><th scope="row" class="rule">{escape(rule)}</th>'
                   f'<td class="n">{count}</td></tr>' for rule, count in rules)
    table = (f'<details><summary>Table</summary><table id="rules-table"><thead><tr><th>rule</th><th>findings</th>'
             f'</tr></thead><tbody>{rows}</tbody></table></details>')
    return ['<figure>', f'<figcaption>Most frequent rules (top {TOP_RULES})</figcaption>', *svg, table, '</figure>']


def _score_chart(histogram: list[int]) -> list[str]:
    width, height, base, col_w = 420, 170, 140, 38
    top = max(histogram) or 1
    svg = [f'<svg role="img" aria-labelledby="scores-title" viewBox="0 0 {width} {height}" width="100%">',
           '<title id="scores-title">Score distribution</title>']
    for i, ((lo, hi), count) in enumerate(zip(SCORE_BUCKETS, histogram)):
        x = 10 + i * (col_w + 3)
        h = count / top * (base - 20)
        svg.append(f'<rect x="{x}" y="{base - h:.1f}" width="{col_w}" height="{h:.1f}" fill="{COLOURS["bar"]}">'
                   f'<title>score {lo}–{hi}: {count}</title></rect>'
                   f'<text x="{x + col_w / 2}" y="{base - h - 4:.1f}" text-anchor="middle">{count}</text>'
                   f'<text x="{x + col_w / 2}" y="{base + 16}" text-anchor="middle">{lo}</text>')
    svg.append('</svg>')
    rows = "".join(f'<tr data-bucket="{lo}-{hi}"><th scope="row">{lo}–{hi}</th><td class="n">{count}</td></tr>'
                   for (lo, hi), count in zip(SCORE_BUCKETS, histogram))
    table = (f'<details><summary>Table</summary><table id="scores-table"><thead><tr><th>score</th><th>files</th>'
             f'</tr></thead><tbody>{rows}</tbody></table></details>')
    return ['<figure>', '<figcaption>Score distribution (files per band of 10)</figcaption>', *svg, table, '</figure>']


def _index_html(results) -> list[str]:
    out = ['<section aria-labelledby="index"><h2 id="index">Index</h2>',
           f'<details{" open" if len(results) <= 50 else ""}><summary>{len(results)} files</summary>',
           '<table><thead><tr><th>file</th><th>score</th><th>elements</th><th>findings</th></tr></thead><tbody>']
    for number, r in enumerate(results, 1):
        link = f'<a class="path" href="#f{number}">{escape(r.path)}</a>'
        if r.error is not None:
            out.append(f'<tr><td>{link}</td><td colspan="3" class="error-box">could not be read</td></tr>')
            continue
        marks = " ".join(f'{escape(name)} {MARK[e.status]}' for name, e in r.elements.items())
        out.append(f'<tr><td>{link}</td><td class="n">{r.score}</td><td>{marks}</td>'
                   f'<td class="n">{len(r.findings)}</td></tr>')
    out.append('</tbody></table></details></section>')
    return out


def _file_html(number: int, result, text: str | None) -> list[str]:
    out = [f'<section class="file" id="f{number}" aria-labelledby="f{number}-h">',
           f'<h3 id="f{number}-h" class="path">{escape(result.path)}</h3>']
    if result.error is not None:
        out.append(f'<p class="error-box">could not be read: {escape(result.error)}</p></section>')
        return out
    parts = [f'score <strong>{result.score}</strong>']
    parts.extend(f'{escape(name)} <span class="status {e.status}">{MARK[e.status]} {e.status}</span>'
                 for name, e in result.elements.items())
    if result.stage:
        parts.append(f'stage {escape(result.stage["name"])}{" (inferred)" if result.stage.get("inferred") else ""}')
    out.append('<p>' + " · ".join(parts) + '</p>')
    evidence = [(name, ev) for name, e in result.elements.items() for ev in e.evidence]
    if evidence:
        out.append('<details><summary>Evidence</summary><ul>' + "".join(
            f'<li>{escape(name)}: {escape(ev.feature)} {ev.weight:+.2f} {ev.line}:{ev.column} '
            f'“{escape(ev.text)}”</li>' for name, ev in evidence) + '</ul></details>')
    if text is not None:
        # the notice's language picks the right CJK glyphs and the screen reader's voice
        lang = f' lang="{"zh-CN" if result.lang == "zh" else escape(result.lang)}"' if result.lang else ""
        out.append(f'<pre class="text"{lang}>' + highlighted(text, result.findings) + '</pre>')
    if result.findings:
        out.append('<ol class="findings">')
        for f in result.findings:
            suggestion = f'<br>suggestion: {escape(f.suggestion)}' if f.suggestion else ''
            fix = f'<br>fix: replace with “{escape(f.fix)}”' if f.fix is not None else ''
            out.append(f'<li>{f.line}:{f.column} <span class="level {f.level}">{f.level}</span> '
                       f'<span class="rule">{escape(f.rule)}</span> {escape(f.message)}{suggestion}{fix}</li>')
        out.append('</ol>')
    for note in result.notices:
        out.append(f'<p>note: {escape(note)}</p>')
    out.append('</section>')
    return out


def highlighted(text: str, findings) -> str:
    """The text, escaped, with every span a finding covers in a <mark> of the worst level there and a
    tooltip listing those findings. Overlapping findings split the text at each of their edges."""
    edges = sorted({0, len(text), *(min(max(f.start, 0), len(text)) for f in findings),
                    *(min(max(f.end, 0), len(text)) for f in findings)})
    pieces = []
    for lo, hi in zip(edges, edges[1:]):
        chunk = escape(text[lo:hi])
        covering = [f for f in findings if f.start <= lo and hi <= f.end and f.start < f.end]
        if not covering:
            pieces.append(chunk)
            continue
        worst = max(covering, key=lambda f: LEVEL_RANK[f.level]).level
        tip = "\n".join(f"{f.level} {f.rule}: {f.message}" + (f" — {f.suggestion}" if f.suggestion else "")
                        for f in covering)
        pieces.append(f'<mark class="{worst}" title="{escape(tip)}">{chunk}</mark>')
    return "".join(pieces)
