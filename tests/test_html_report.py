"""--format html: a self-contained page whose summary equals the JSON output's numbers, with every
piece of notice text escaped. (tests/test_web_browser.py opens the report of corpus/ in Chromium.)"""
from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape

from conftest import ROOT, run_cli

from apolint.findings import Finding
from apolint.reporters.html_format import SCORE_BUCKETS, TOP_RULES, highlighted


def cells(html: str, table_id: str, key_attr: str) -> dict[str, list[int]]:
    """A summary table's rows: the row key → its numbers."""
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(rf'<tr {key_attr}="([^"]*)">(.*?)</tr>', table, re.S)
    return {unescape(key): [int(n) for n in re.findall(r'<td class="n"[^>]*>(\d+)</td>', row)] for key, row in rows}


def test_summary_of_the_corpus_equals_the_json_output():
    html_run = run_cli("check", "--format", "html", "--fail-on", "never", str(ROOT / "corpus"))
    json_run = run_cli("check", "--format", "json", "--fail-on", "never", str(ROOT / "corpus"))
    assert html_run.returncode == json_run.returncode == 0, html_run.stderr
    html = html_run.stdout
    files = json.loads(json_run.stdout)["files"]
    checked = [f for f in files if "error" not in f]

    expected_elements = {name: [sum(1 for f in checked if f["elements"][name]["status"] == s)
                                for s in ("missing", "weak", "present")]
                         for name in ("responsibility", "impact", "remedy")}
    assert cells(html, "elements-table", "data-element") == expected_elements

    rule_counts = Counter(x["rule"] for f in checked for x in f["findings"]).most_common(TOP_RULES)
    assert cells(html, "rules-table", "data-rule") == {rule: [n] for rule, n in rule_counts}

    scores = [f["score"] for f in checked]
    assert cells(html, "scores-table", "data-bucket") == {
        f"{lo}-{hi}": [sum(1 for s in scores if lo <= s <= hi)] for lo, hi in SCORE_BUCKETS}

    levels = Counter(x["severity"] for f in checked for x in f["findings"])
    card = lambda key: re.search(rf'<li data-key="{key}"><strong>([^<]*)</strong>', html).group(1)  # noqa: E731
    assert [card("checked"), card("error"), card("warning"), card("info"), card("mean-score")] == [
        str(len(checked)), str(levels["error"]), str(levels["warning"]), str(levels["info"]),
        str(round(sum(scores) / len(scores), 1))]
    assert html.count('<section class="file"') == len(files)


def test_report_is_self_contained_and_escapes_every_notice(tmp_path):
    hostile = tmp_path / 'a"><b>.md'
    # (the prose first: a line opening with <script> is an HTML block, which Markdown does not lint)
    hostile.write_text('Some users could not log in. <script>alert(1)</script> "><img src=x onerror=alert(2)>\n',
                       encoding="utf-8")
    proc = run_cli("check", "--format", "html", "--no-cache", str(hostile))
    assert proc.returncode == 1, proc.stderr
    html = proc.stdout
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    shown = re.sub(r"<[^>]+>", "", html)  # the text as displayed, wherever highlights cut it
    assert "Some users could not log in. &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in shown
    assert 'a&quot;&gt;&lt;b&gt;.md' in html
    # nothing fetched from anywhere: no src, no stylesheet link, only in-page anchors; and no script may run
    assert re.findall(r'\s(?:src|href)="([^"#][^"]*)"', html) == []
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" in html


def test_overlapping_findings_split_the_text_at_each_edge():
    text = "ab<cd>ef"
    findings = [Finding("r1", "info", 1, 5, "first"), Finding("r2", "error", 3, 7, "second", suggestion="do x")]
    assert highlighted(text, findings) == (
        'a'
        '<mark class="info" title="info r1: first">b&lt;</mark>'
        '<mark class="error" title="info r1: first\nerror r2: second — do x">cd</mark>'
        '<mark class="error" title="error r2: second — do x">&gt;e</mark>'
        'f')


def test_unreadable_file_is_listed_not_charted(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("We are sorry: our change broke log-in for about 5% of users from 14:05 to 14:50 UTC.\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\x00\x01\x02binary")
    proc = run_cli("check", "--format", "html", "--no-cache", "--fail-on", "never", str(good), str(bad))
    html = proc.stdout
    assert re.search(r'<li data-key="checked"><strong>1</strong>', html)
    assert re.search(r'<li data-key="unreadable"><strong>1</strong>', html)
    assert '<p class="error-box">could not be read: ' in html
    assert proc.returncode == 2
