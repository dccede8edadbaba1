"""`apolint fix`: only safe fixes, smallest edits, files written back byte for byte as they
were outside the edits (encoding, BOM, CRLF, mode), never a file that failed to parse, and a
second run changes nothing. Rules come from the stable pack in tests/fixtures/ci/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from apolint import document
from apolint.cli import main
from apolint.findings import Finding
from apolint.fixer import Edit, apply, plan, smallest_edit

ROOT = Path(__file__).resolve().parent.parent
CI_PACK = ROOT / "tests" / "fixtures" / "ci" / "t-ci.yaml"

EN_OLD, EN_NEW = "apologize for any inconvenience", "apologize for the disruption this caused"
ZH_OLD, ZH_NEW = "如有不便，敬请谅解", "对于给您带来的影响，我们很抱歉"


@pytest.fixture
def folder(tmp_path, pipelines):
    (tmp_path / ".apolint.yaml").write_text(f"packs: [{CI_PACK}]\n", encoding="utf-8")
    return tmp_path


def run(folder: Path, *args: str):
    old = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, ["fix", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


# --- planning ------------------------------------------------------------------------------

def test_smallest_edit_keeps_common_prefix_and_suffix():
    text = "We apologize for any inconvenience."
    start = text.index(EN_OLD)
    assert smallest_edit(text, start, start + len(EN_OLD), EN_NEW, "r") == Edit(17, 34, "the disruption this caused", "r")
    assert smallest_edit("abcXdef", 0, 7, "abcYdef", "r") == Edit(3, 4, "Y", "r")
    assert smallest_edit("aaa", 0, 3, "aaaa", "r") == Edit(3, 3, "a", "r")
    assert smallest_edit("same", 0, 4, "same", "r") is None


def _finding(doc, start, end, fix, rule="r"):
    line, col = doc.position(start)
    return Finding(rule=rule, level="info", start=start, end=end, message="m", fix=fix, text=doc.text[start:end],
                   line=line, column=col)


def test_plan_drops_overlapping_edits_and_edits_through_markup():
    doc = document.parse("one two three <!-- keep --> four\n", "x.md")
    findings = [_finding(doc, 0, 7, "1 2"), _finding(doc, 4, 13, "2 3"), _finding(doc, 8, 32, "3 4", rule="m"),
                _finding(doc, 28, 32, "FOUR", rule="u")]
    edits, skipped = plan(doc, findings)
    assert edits == [Edit(0, 7, "1 2", "r"), Edit(28, 32, "FOUR", "u")]
    assert [(s.rule, s.line, s.column, s.reason) for s in skipped] == [
        ("m", 1, 9, "the match runs through markup, code or a link; edit it by hand")]
    assert apply(doc.text, edits) == "1 2 three <!-- keep --> FOUR\n"


# --- files --------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, bom, newline", [
    ("utf-8", b"", "\r\n"),
    ("gbk", b"", "\n"),
    ("utf-8", b"\xef\xbb\xbf", "\r\n"),
    ("utf-16-le", b"\xff\xfe", "\n"),
])
def test_fix_keeps_bytes_outside_the_edits(folder, encoding, bom, newline):
    lines = ["我们的变更导致部分用户无法登录。" + ZH_OLD + "。", "", "Some users saw errors; we " + EN_OLD + ".",
             "We will fix it as soon as possible."]
    data = bom + newline.join(lines + [""]).encode(encoding)
    path = folder / "notice.md"
    path.write_bytes(data)
    path.chmod(0o640)

    result = run(folder, "notice.md")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "notice.md: fixed 2 (t-non-apology ×2)\nfixed 2 findings in 1 file\n", "")
    expected = data.replace(ZH_OLD.encode(encoding), ZH_NEW.encode(encoding)).replace(
        "any inconvenience".encode(encoding), "the disruption this caused".encode(encoding))
    assert path.read_bytes() == expected
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert not [p.name for p in folder.iterdir() if p.name not in ("notice.md", ".apolint.yaml")]

    inode = path.stat().st_ino
    again = run(folder, "notice.md")
    assert (again.exit_code, again.stdout) == (0, "nothing to fix\n")
    assert path.read_bytes() == expected
    assert path.stat().st_ino == inode  # not rewritten


def test_diff_and_check_write_nothing(folder):
    path = folder / "a.md"
    original = "Status\r\n\r\nSorry for any inconvenience. We " + EN_OLD + "."  # no final newline
    path.write_bytes(original.encode("utf-8"))

    diff = run(folder, "--diff", "a.md")
    assert diff.exit_code == 0
    assert diff.stdout_bytes.decode("utf-8") == (  # (click's .stdout would turn CRLF into LF)
        "--- a/a.md\n+++ b/a.md\n@@ -1,3 +1,3 @@\n Status\r\n \r\n"
        "-Sorry for any inconvenience. We apologize for any inconvenience.\n\\ No newline at end of file\n"
        "+Sorry for the disruption this caused. We apologize for the disruption this caused.\n"
        "\\ No newline at end of file\n")
    assert diff.stderr == "would fix 2 findings in 1 file\n"

    check = run(folder, "--check", "a.md")
    assert (check.exit_code, check.stdout) == (1, "a.md: would fix 2 (t-non-apology ×2)\nwould fix 2 findings in 1 file\n")
    assert run(folder, "--diff", "--check", "a.md").exit_code == 1
    assert path.read_bytes() == original.encode("utf-8")

    assert run(folder, "a.md").exit_code == 0
    assert run(folder, "--check", "a.md").exit_code == 0
    settled = run(folder, "--diff", "a.md")
    assert (settled.exit_code, settled.stdout, settled.stderr) == (0, "", "nothing to fix\n")


def test_only_safe_fixes_and_traditional_text_stays_traditional(folder):
    path = folder / "tw.md"
    path.write_text("我們將盡快修復。如有不便，敬請諒解。\n", encoding="utf-8")
    assert run(folder, "tw.md").exit_code == 0
    # 盡快 (t-vague-time) has a replacement but is not safe: it needs a real time
    assert path.read_text(encoding="utf-8") == "我們將盡快修復。對於給您帶來的影響，我們很抱歉。\n"


def test_markup_inside_a_match_is_reported_not_fixed(folder):
    path = folder / "c.md"
    text = "Title\n\nWe apologize for any <!-- note --> inconvenience.\n"
    path.write_text(text, encoding="utf-8")
    result = run(folder, "c.md")
    assert (result.exit_code, result.stdout) == (0, "nothing to fix\n")
    assert result.stderr == ("c.md:3:4: not fixed [t-non-apology]: the match runs through markup, code or a link; "
                             "edit it by hand\n")
    assert path.read_text(encoding="utf-8") == text


def test_files_that_cannot_be_parsed_are_never_touched(folder):
    undecodable = folder / "latin.md"
    undecodable.write_bytes("Caf\xe9: sorry for any inconvenience.\n".encode("latin-1"))
    bad_front = folder / "front.md"
    bad_front.write_text("---\nlang: [zh\n---\nSorry for any inconvenience.\n", encoding="utf-8")
    good = folder / "good.md"
    good.write_text("Sorry for any inconvenience.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (undecodable, bad_front)}

    result = run(folder, ".")
    assert result.exit_code == 2
    assert result.stdout == "good.md: fixed 1 (t-non-apology)\nfixed 1 finding in 1 file\n"
    errors = result.stderr.splitlines()
    assert [e.split(": ")[:2] for e in errors] == [["apolint", "front.md"], ["apolint", "latin.md"]]
    assert errors[0].startswith("apolint: front.md: front matter is not valid")
    assert {p: p.read_bytes() for p in before} == before
    assert good.read_text(encoding="utf-8") == "Sorry for the disruption this caused.\n"


def test_symlink_is_followed_and_kept(folder):
    target = folder / "real.md"
    target.write_text("Sorry for any inconvenience.\n", encoding="utf-8")
    link = folder / "link.md"
    link.symlink_to(target.name)
    assert run(folder, "link.md").exit_code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "Sorry for the disruption this caused.\n"


def test_replacement_the_encoding_cannot_hold_is_an_error(tmp_path):
    from apolint.findings import FileResult
    from apolint.fixer import fix_file

    path = tmp_path / "a.txt"
    path.write_bytes(b"Cafe is closed.\n")

    def lint(text):  # a rule that would write a character ASCII has no byte for
        return FileResult(path="a.txt", findings=[Finding(rule="r", level="info", start=0, end=4, message="m",
                                                          fix="Caf\u00e9", text=text[0:4], line=1, column=1)])

    result = fix_file(path, lint, encoding="ascii")
    assert result.error.startswith("a replacement cannot be written in ascii: 'ascii' codec can't encode")
    assert result.new_data == b""
    assert path.read_bytes() == b"Cafe is closed.\n"
