"""Robustness: every bad input gets a clear answer and nothing is lost (issue 7).

Encodings, invalid and binary bytes, odd but valid text (empty, huge, CR line ends, invisible
and full-width characters, emoji), directory walking (symlink loops, unreadable entries,
ignored folders, `exclude`), malformed packs and configurations, hostile YAML and a regex that
backtracks catastrophically. The README's "Robustness" table points at these tests.

Most checks use the small pack in tests/fixtures/robustness/ so that exact places do not move
when the built-in packs are tuned.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import apolint
from apolint import cli, document
from apolint.config import Config, load_config_file
from apolint.document import InputError
from conftest import FIXTURES, run_cli

ROBUST = FIXTURES / "robustness"
CONFIG = ROBUST / ".apolint.yaml"

ZH = "由于我们的变更，部分用户无法登录。\n约１５％的用户受到影响。\n"
ZH_TW = "由於我們的變更，部分用戶無法登入。\n約15%的用戶受到影響。\n"
# (rule, line, column, end_line, end_column, text) for ZH and for ZH_TW
ZH_FINDINGS = [("r-vague", 1, 9, 1, 13, "部分用户"), ("r-percent", 2, 2, 2, 5, "１５％")]
ZH_TW_FINDINGS = [("r-vague", 1, 9, 1, 13, "部分用戶"), ("r-percent", 2, 2, 2, 5, "15%")]


@pytest.fixture(scope="module")
def cfg(pipelines) -> Config:
    return load_config_file(CONFIG)


def rows(result) -> list[tuple]:
    assert result.error is None, result.error
    return [(f.rule, f.line, f.column, f.end_line, f.end_column, f.text) for f in result.findings]


def check(*args: str, cwd: Path | None = None):
    """`apolint check` in this process (warm spaCy): (exit code, parsed JSON, stderr)."""
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        res = runner.invoke(cli.main, ["check", "--no-cache", "--format", "json", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return res.exit_code, (json.loads(res.stdout) if res.stdout.strip() else None), res.stderr


def by_path(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def json_rows(entry: dict) -> list[tuple]:
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in entry["findings"]]


# ---------------------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------------------

ENCODED = [
    ("utf-8", ZH.encode("utf-8"), "utf-8", b"", ZH_FINDINGS),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + ZH.encode("utf-8"), "utf-8", b"\xef\xbb\xbf", ZH_FINDINGS),
    ("utf-16 with BOM", ZH.encode("utf-16"), "utf-16-le", b"\xff\xfe", ZH_FINDINGS),
    ("utf-16-be with BOM", b"\xfe\xff" + ZH.encode("utf-16-be"), "utf-16-be", b"\xfe\xff", ZH_FINDINGS),
    ("utf-32 with BOM", ZH.encode("utf-32"), "utf-32-le", b"\xff\xfe\x00\x00", ZH_FINDINGS),
    ("gbk", ZH.encode("gbk"), "gb18030", b"", ZH_FINDINGS),
    ("gb18030", ZH.encode("gb18030"), "gb18030", b"", ZH_FINDINGS),
    ("big5", ZH_TW.encode("cp950"), "cp950", b"", ZH_TW_FINDINGS),
]


@pytest.mark.parametrize("name, data, codec, bom, expected", ENCODED, ids=[e[0] for e in ENCODED])
def test_encodings_are_detected_and_columns_do_not_move(tmp_path, cfg, name, data, codec, bom, expected):
    path = tmp_path / "draft.md"
    path.write_bytes(data)
    decoded = document.decode_bytes(data, str(path))
    assert (decoded.encoding, decoded.bom) == (codec, bom)
    assert decoded.text == (ZH_TW if expected is ZH_TW_FINDINGS else ZH)  # no BOM left in the text
    assert bom + decoded.text.encode(decoded.encoding) == data  # what `apolint fix` relies on
    assert rows(apolint.lint_file(path, config=cfg)) == expected


def test_gbk_file_reports_the_same_line_and_column_as_utf8_through_the_cli(tmp_path):
    (tmp_path / "utf8.md").write_bytes(ZH.encode("utf-8"))
    (tmp_path / "gbk.md").write_bytes(ZH.encode("gbk"))
    code, report, _ = check("--config", str(CONFIG), "utf8.md", "gbk.md", cwd=tmp_path)
    files = by_path(report)
    assert json_rows(files["gbk.md"]) == json_rows(files["utf8.md"]) == [("r-vague", 1, 9, 1, 13),
                                                                          ("r-percent", 2, 2, 2, 5)]
    assert code == 1


def test_encoding_option_reads_a_western_legacy_file(tmp_path):
    (tmp_path / "cp1252.md").write_bytes("Caf\xe9 \u2014 some users could not pay.\n".encode("cp1252"))
    code, report, stderr = check("--config", str(CONFIG), "cp1252.md", cwd=tmp_path)
    assert code == 2
    assert report["files"] == [{"path": "cp1252.md", "error": (
        "not valid UTF-8 (first bad byte at line 1, column 4 (byte 3)) and not GB18030/GBK or Big5 Chinese "
        "either; pass --encoding to name the file's encoding (for example --encoding cp1252)")}]
    code, report, _ = check("--config", str(CONFIG), "--encoding", "cp1252", "cp1252.md", cwd=tmp_path)
    assert code == 1
    assert json_rows(report["files"][0]) == [("r-vague", 1, 8, 1, 18)]  # é and — are one column each


def test_unknown_encoding_is_a_usage_error():
    res = CliRunner().invoke(cli.main, ["check", "--encoding", "klingon", "x.md"])
    assert res.exit_code == 2
    assert ("Invalid value for '--encoding': unknown encoding 'klingon'; use a Python codec name such as "
            "utf-8, gb18030, big5, utf-16 or cp1252") in res.stderr


def test_named_encoding_that_does_not_fit_is_a_per_file_error(tmp_path):
    (tmp_path / "gbk.md").write_bytes(ZH.encode("gbk"))
    code, report, _ = check("--config", str(CONFIG), "--encoding", "utf-8", "gbk.md", cwd=tmp_path)
    assert code == 2
    assert report["files"][0]["error"] == ("cannot decode as utf-8: invalid continuation byte at line 1, "
                                           "column 1 (byte 0); check --encoding")


# ---------------------------------------------------------------------------------------
# invalid bytes and binary files: an error entry for that file, the others still linted, exit 2
# ---------------------------------------------------------------------------------------

def test_invalid_and_binary_files_are_reported_and_the_rest_still_linted(tmp_path):
    good = "部分用户无法登录。\n"
    (tmp_path / "a-good.md").write_text(good, encoding="utf-8")
    broken = ("第一行。\n" + "我们的部分用户").encode("utf-8")
    (tmp_path / "b-broken.md").write_bytes(broken[:19] + b"\xff" + broken[19:])
    (tmp_path / "c-image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (tmp_path / "d-controls.txt").write_bytes(bytes(range(1, 9)) * 40)
    (tmp_path / "e-utf16-no-bom.md").write_bytes(good.encode("utf-16-le"))  # clearly UTF-16: read
    (tmp_path / "f-good.txt").write_text("Some users could not log in.\n", encoding="utf-8")
    code, report, stderr = check("--config", str(CONFIG), ".", cwd=tmp_path)
    files = by_path(report)
    binary = ("binary file (NUL or control bytes), skipped; if it is UTF-16 without a byte-order mark, "
              "pass --encoding utf-16-le (or utf-16-be)")
    assert [f["path"] for f in report["files"]] == ["a-good.md", "b-broken.md", "c-image.md", "d-controls.txt",
                                                     "e-utf16-no-bom.md", "f-good.txt"]
    assert files["b-broken.md"] == {"path": "b-broken.md", "error": (
        "invalid UTF-8 at line 2, column 3 (byte 19): the file is UTF-8 with corrupt bytes; fix or remove them "
        "(or pass --encoding if the file is not UTF-8)")}
    assert files["c-image.md"]["error"] == binary
    assert files["d-controls.txt"]["error"] == binary
    assert json_rows(files["e-utf16-no-bom.md"]) == [("r-vague", 1, 1, 1, 5)]
    assert json_rows(files["a-good.md"]) == [("r-vague", 1, 1, 1, 5)]
    assert json_rows(files["f-good.txt"]) == [("r-vague", 1, 1, 1, 11)]
    assert code == 2  # an unreadable input wins over findings
    assert f"apolint: c-image.md: {binary}" in stderr.splitlines()


def test_standard_input_is_decoded_like_a_file():
    runner = CliRunner()
    args = ["check", "--no-cache", "--format", "json", "--config", str(CONFIG), "--stdin-filename", "draft.md", "-"]
    res = runner.invoke(cli.main, args, input=ZH.encode("gbk"))
    assert (res.exit_code, json_rows(json.loads(res.stdout)["files"][0])) == (1, [("r-vague", 1, 9, 1, 13),
                                                                                  ("r-percent", 2, 2, 2, 5)])
    res = runner.invoke(cli.main, args, input=b"\x00\x01binary")
    assert res.exit_code == 2
    assert json.loads(res.stdout)["files"] == [{"path": "draft.md", "error": (
        "binary file (NUL or control bytes), skipped; if it is UTF-16 without a byte-order mark, "
        "pass --encoding utf-16-le (or utf-16-be)")}]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text, rows", [
    ("部分用户无法登录。\n", [("r-vague", 1, 1, 1, 5)]),  # NULs only in the line break
    ("Intro.\r\nSome users could not log in.\n", [("r-vague", 2, 1, 2, 11)]),
])
def test_utf16_without_bom_is_detected(tmp_path, codec, text, rows):
    data = text.encode(codec)
    assert document.decode_bytes(data) == document.Decoded(text, codec)
    (tmp_path / "u16.md").write_bytes(data)
    code, report, _ = check("--config", str(CONFIG), "u16.md", cwd=tmp_path)
    assert (code, json_rows(report["files"][0])) == (1, rows)


@pytest.mark.parametrize("data", [
    "Some users.\n".encode("utf-16-le") + b"\x00",  # odd length
    "Some users.\n".encode("utf-16-le")[:-2] + b"\x00\xd8",  # ends in a lone surrogate
    "Some users.\x01\x02\n".encode("utf-16-be"),  # control characters: not text
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # NULs at both parities
])
def test_binary_that_only_resembles_utf16_is_refused_with_the_option_to_use(data):
    with pytest.raises(InputError, match=r"^binary file \(NUL or control bytes\), skipped; if it is UTF-16 without "
                                         r"a byte-order mark, pass --encoding utf-16-le \(or utf-16-be\)$"):
        document.decode_bytes(data)


def test_utf16_without_bom_reads_with_encoding_option(tmp_path):
    (tmp_path / "u16.md").write_bytes("部分用户无法登录。\n".encode("utf-16-le"))
    code, report, _ = check("--config", str(CONFIG), "--encoding", "utf-16-le", "u16.md", cwd=tmp_path)
    assert (code, json_rows(report["files"][0])) == (1, [("r-vague", 1, 1, 1, 5)])


def test_legacy_chinese_is_told_apart_from_corrupt_utf8():
    # GBK bytes are mostly invalid UTF-8; a UTF-8 file with one bad byte is mostly valid
    assert document.decode_bytes("部分用户无法登录".encode("gbk")).encoding == "gb18030"
    text = "由於第三方服務商故障，部分用戶今日上午無法登入。"
    assert document.decode_bytes(text.encode("cp950")).text == text  # Big5, not GB18030 mojibake
    assert document.decode_bytes(text.encode("gbk")).text == text  # traditional characters in GBK
    with pytest.raises(InputError, match=r"^invalid UTF-8 at line 1, column 3 \(byte 6\)"):
        document.decode_bytes("部分".encode() + b"\x80" + "用户无法登录".encode())


# ---------------------------------------------------------------------------------------
# odd but valid text: exact places
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "\n\n\n", " \t\r\n\u3000\r\n", "\ufeff", "\u200b\u200b\n"])
def test_empty_and_whitespace_only_files_have_no_findings(tmp_path, cfg, text):
    path = tmp_path / "empty.md"
    path.write_text(text, encoding="utf-8", newline="")
    result = apolint.lint_file(path, config=cfg)
    assert rows(result) == []
    assert result.elements["impact"].status == "missing"


def test_empty_file_with_the_builtin_packs(tmp_path, builtin_config):
    (tmp_path / "empty.md").write_bytes(b"")
    result = apolint.lint_file(tmp_path / "empty.md", config=builtin_config)
    assert (result.error, result.findings) == (None, [])


@pytest.mark.parametrize("text, expected", [
    ("第一行。\r\n部分用户无法登录。\r\n", [("r-vague", 2, 1, 2, 5, "部分用户")]),      # CRLF
    ("第一行。\r部分用户无法登录。\r", [("r-vague", 2, 1, 2, 5, "部分用户")]),          # lone CR (old Mac)
    ("a\rb\r\nc\n部分用户\r\n\r约15%", [("r-vague", 4, 1, 4, 5, "部分用户"),            # mixed
                                      ("r-percent", 6, 2, 6, 5, "15%")]),
    ("第一行\u2028部分用户", [("r-vague", 1, 5, 1, 9, "部分用户")]),  # U+2028 is not a line break in editors
], ids=["crlf", "cr", "mixed", "u2028"])
def test_line_endings_give_editor_lines_and_columns(cfg, text, expected):
    assert rows(apolint.lint_text(text, config=cfg, path="x.md")) == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_markdown_code_span_across_a_line_end_is_masked_whatever_the_newline(cfg, newline):
    text = f"运行 `部分用户{newline}部分用户` 命令。{newline}部分用户{newline}{newline}`部分用户{newline}{newline}部分用户`{newline}"
    assert rows(apolint.lint_text(text, config=cfg, path="x.md")) == [
        ("r-vague", 3, 1, 3, 5, "部分用户"),  # a code span never crosses a blank line: both of these are text
        ("r-vague", 5, 2, 5, 6, "部分用户"), ("r-vague", 7, 1, 7, 5, "部分用户")]


@pytest.mark.parametrize("text, expected", [
    # a zero-width space inside the phrase: still matched, span over the original characters
    ("部分\u200b用户无法登录", [("r-vague", 1, 1, 1, 6, "部分\u200b用户")]),
    ("ab\u200b\u200d部分用户", [("r-vague", 1, 5, 1, 9, "部分用户")]),
    ("\u202e部分用户\u202c无法登录", [("r-vague", 1, 2, 1, 6, "部分用户")]),          # bidi override
    ("\u2066部分\u2069用户", [("r-vague", 1, 2, 1, 7, "部分\u2069用户")]),           # bidi isolate
    ("some\u00adusers and some\u200b users", [("r-vague", 1, 16, 1, 27, "some\u200b users")]),
], ids=["zwsp-inside", "zw-before", "bidi-override", "bidi-isolate", "soft-hyphen"])
def test_invisible_characters_are_skipped_but_columns_count_them(cfg, text, expected):
    assert rows(apolint.lint_text(text, config=cfg, path="x.md")) == expected


@pytest.mark.parametrize("text, expected", [
    ("约１５％的用户", [("r-percent", 1, 2, 1, 5, "１５％")]),                       # full-width digits
    ("约１５.５％，部分用户", [("r-vague", 1, 8, 1, 12, "部分用户"), ("r-percent", 1, 2, 1, 7, "１５.５％")]),
    ("如有不便,敬请谅解。", [("r-non-apology", 1, 1, 1, 10, "如有不便,敬请谅解")]),     # ASCII comma in Chinese
    ("如有不便，敬请谅解。", [("r-non-apology", 1, 1, 1, 10, "如有不便，敬请谅解")]),    # full-width comma
    ("由于故障,部分用户(约15%)无法登录:", [("r-vague", 1, 6, 1, 10, "部分用户"), ("r-percent", 1, 12, 1, 15, "15%")]),
    ("😀😀部分用户", [("r-vague", 1, 3, 1, 7, "部分用户")]),                         # emoji: one code point each
    ("👨\u200d👩\u200d👧 部分用户", [("r-vague", 1, 7, 1, 11, "部分用户")]),          # a ZWJ sequence is 5 code points
    ("𠀀𠀁部分用户", [("r-vague", 1, 3, 1, 7, "部分用户")]),                          # astral CJK (2 UTF-16 units)
], ids=["fullwidth-digits", "fullwidth-decimal", "ascii-comma", "fullwidth-comma", "ascii-punct",
        "emoji", "zwj-emoji", "astral-cjk"])
def test_fullwidth_emoji_and_ascii_punctuation_in_chinese(cfg, text, expected):
    got = rows(apolint.lint_text(text, config=cfg, path="x.md"))
    assert sorted(got) == sorted(expected)


def test_non_apology_fix_keeps_the_text_around_it(cfg):
    (finding,) = apolint.lint_text("抱歉。如有不便,敬请谅解。", config=cfg, path="x.md").findings
    assert (finding.start, finding.end, finding.fix) == (3, 12, "对于给您带来的影响，我们很抱歉")


def test_one_megabyte_line(cfg):
    text = "我们" * 250_000 + "部分用户。" + "word " * 100_000 + "some users"
    assert len(text) > 1_000_000 and "\n" not in text
    started = time.monotonic()
    result = apolint.lint_text(text, config=cfg, path="long.txt")
    elapsed = time.monotonic() - started
    assert rows(result) == [("r-vague", 1, 500_001, 1, 500_005, "部分用户"),
                            ("r-vague", 1, 1_000_006, 1, 1_000_016, "some users")]
    assert elapsed < 120, elapsed  # about 6 s on an idle machine


def test_document_loading_is_linear_on_hostile_markdown():
    """Thousands of unclosed openers (comments, code spans, link targets, tags) on one line: the
    loader once took a minute on 300 kB of `<!--a `. Each of these now takes about a second,
    except 100 000 lines of `[a`: every `[` makes markdown-it-py look for the label's end, up to
    20 levels deep (its CommonMark nesting limit), about 4 s on an idle machine. Twice the input
    must take about twice the time."""
    for piece in ("<!--a ", "`a", "``a`", "](a", '](x "a ', "[a\n", "<a b ", "<http:",
                  "<!-- apolint-disable ", "---\n"):
        elapsed = []
        for size in (150_000, 300_000):
            text = piece * (size // len(piece))
            started = time.monotonic()
            doc = document.parse(text, "x.md")
            elapsed.append(time.monotonic() - started)
            assert doc.text == text
        assert elapsed[1] < 30, (piece, elapsed)  # generous for a loaded CI machine; was ~60 s
        # linear, not quadratic (below 2 s, a loaded machine's noise can pass for a trend)
        assert elapsed[1] < 2 or elapsed[1] < 3 * elapsed[0], (piece, elapsed)


def test_fifty_megabyte_file_loads_in_linear_time(tmp_path):
    """Decoding and parsing 50 MB (the document layer) is fast; linting all of it is the slow test below."""
    para = "由于我们的数据库升级失误，约15%的用户无法登录。部分用户受到影响。\n\nSome users could not log in.\n\n"
    data = (para * (50_000_000 // len(para.encode("utf-8")) + 1)).encode("utf-8")
    path = tmp_path / "big.md"
    path.write_bytes(data)
    started = time.monotonic()
    doc = document.parse(document.read_source(path), str(path))
    elapsed = time.monotonic() - started
    assert len(data) >= 50_000_000
    assert len(doc.blocks) == 2 * (data.count(b"\n\n") // 2)
    assert doc.position(len(doc.text)) == (data.count(b"\n") + 1, 1)
    assert elapsed < 90, elapsed  # about 5 s on an idle machine


@pytest.mark.skipif(not os.environ.get("APOLINT_SLOW_TESTS"),
                    reason="about 100 s and 4.5 GB of memory (set APOLINT_SLOW_TESTS=1); see the README")
def test_fifty_megabyte_file_is_linted(tmp_path, cfg):
    para = "部分用户无法登录。\n\nSome users could not log in.\n\n"
    count = 50_000_000 // len(para.encode("utf-8")) + 1
    path = tmp_path / "big.md"
    path.write_text(para * count, encoding="utf-8")
    result = apolint.lint_file(path, config=cfg)
    assert result.error is None
    assert len(result.findings) == 2 * count
    last = result.findings[-1]
    assert (last.rule, last.line, last.column, last.text) == ("r-vague", 4 * count - 1, 1, "Some users")


def test_too_large_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.md"
    with open(path, "wb") as f:
        f.truncate(document.MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match=rf"^too large \({document.MAX_BYTES + 1} bytes; the limit is "):
        document.read_source(path)


# ---------------------------------------------------------------------------------------
# front matter is YAML from the draft: loaded as safely as a pack
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("front, error", [
    ("lang: zh\nx: !!python/object/apply:os.system ['echo pwned']\n",
     "front matter is not valid at line 3 (x): YAML tag '!!python/object/apply:os.system' is not allowed: "
     "apolint loads YAML safely, without object tags"),
    ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
     "front matter is not valid at line 3: YAML aliases (*name) are not allowed here; use a named lexicon instead"),
    ("a: " + "[" * 500 + "]" * 500 + "\n",
     "front matter is not valid at line 2: YAML nested more than 100 levels deep"),
    ("lang: zh\nlang: en\n", "front matter is not valid at line 3 (lang): duplicate key"),
    ("- a\n- b\n", "front matter must be a mapping of keys to values"),
], ids=["object-tag", "alias-bomb", "deep", "duplicate", "list"])
def test_hostile_front_matter_is_a_per_file_error(tmp_path, front, error):
    (tmp_path / "bad.md").write_text(f"---\n{front}---\n部分用户\n", encoding="utf-8")
    (tmp_path / "good.md").write_text("部分用户\n", encoding="utf-8")
    code, report, _ = check("--config", str(CONFIG), "bad.md", "good.md", cwd=tmp_path)
    assert report["files"][0] == {"path": "bad.md", "error": error}
    assert json_rows(report["files"][1]) == [("r-vague", 1, 1, 1, 5)]
    assert code == 2


def test_front_matter_with_lone_cr_line_ends(cfg):
    result = apolint.lint_text("---\rlang: zh\r---\r部分用户\r", config=cfg, path="x.md")
    assert rows(result) == [("r-vague", 4, 1, 4, 5, "部分用户")]


# ---------------------------------------------------------------------------------------
# directories
# ---------------------------------------------------------------------------------------

@pytest.fixture()
def tree(tmp_path) -> Path:
    """A folder with everything a walk can meet (the comments say what each entry tests)."""
    root = tmp_path / "drafts"
    (root / "sub").mkdir(parents=True)
    (root / "a.md").write_text("部分用户\n", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("some users\n", encoding="utf-8")
    (root / "sub" / "loop").symlink_to("..")                 # a symlink loop back to drafts/
    (root / "sub" / "self").symlink_to("self")               # a link to itself (ELOOP)
    (root / "alias.md").symlink_to("a.md")                   # the same file twice: linted once
    (root / "dangling.md").symlink_to("gone.md")             # unreadable: its target does not exist
    os.mkfifo(root / "pipe.md")                              # unreadable: a FIFO nobody writes (no hang)
    (root / "folder.md").mkdir()                             # a folder named like a draft: walked
    (root / "folder.md" / "c.md").write_text("部分用户\n", encoding="utf-8")
    for ignored in (".git", "node_modules", ".drafts", "__pycache__", "dist"):
        (root / ignored).mkdir()
        (root / ignored / "x.md").write_text("部分用户\n", encoding="utf-8")
    (root / "notes.rst").write_text("部分用户\n", encoding="utf-8")  # not a linted extension
    return root


def test_walking_a_tree_with_loops_links_fifos_and_ignored_folders(tree):
    started = time.monotonic()
    code, report, stderr = check("--config", str(CONFIG), "drafts", cwd=tree.parent)
    assert time.monotonic() - started < 60  # the FIFO did not block
    files = {f["path"]: f for f in report["files"]}
    assert list(files) == ["drafts/a.md", "drafts/dangling.md", "drafts/pipe.md", "drafts/folder.md/c.md",
                           "drafts/sub/b.txt"]
    assert files["drafts/dangling.md"] == {
        "path": "drafts/dangling.md", "error": "cannot read: a dangling symbolic link (its target does not exist)"}
    assert files["drafts/pipe.md"] == {"path": "drafts/pipe.md",
                                       "error": "a named pipe (FIFO) with nothing to read, skipped"}
    assert json_rows(files["drafts/sub/b.txt"]) == [("r-vague", 1, 1, 1, 11)]
    assert code == 2
    assert stderr.splitlines() == [
        "apolint: drafts/dangling.md: cannot read: a dangling symbolic link (its target does not exist)",
        "apolint: drafts/pipe.md: a named pipe (FIFO) with nothing to read, skipped"]


def test_a_pipe_named_on_the_command_line_is_read(tmp_path):
    """`apolint check <(cat draft.md)`: a pipe with a writer is read like a file."""
    read_end, write_end = os.pipe()
    os.write(write_end, "第一行\n部分用户\n".encode("utf-8"))
    os.close(write_end)
    try:
        code, report, _ = check("--config", str(CONFIG), f"/dev/fd/{read_end}", cwd=tmp_path)
    finally:
        os.close(read_end)
    assert (code, json_rows(report["files"][0])) == (1, [("r-vague", 2, 1, 2, 5)])


def test_unreadable_entries_as_root(tmp_path, monkeypatch):
    """chmod 000 does not stop root (these tests may run as root), so unreadable entries are made
    another way: a dangling symlink and a FIFO above, a device file here, and a folder whose
    listing fails (os.scandir patched to raise EACCES, as a real permission error would)."""
    with pytest.raises(InputError, match=r"^not a regular file \(a device or socket\), skipped$"):
        document.read_source("/dev/null")
    root = tmp_path / "t"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.md").write_text("部分用户\n", encoding="utf-8")
    (root / "ok.md").write_text("部分用户\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, report, _ = check("--config", str(CONFIG), "t", cwd=tmp_path)
    assert [f["path"] for f in report["files"]] == ["t/ok.md", "t/locked"]
    assert json_rows(report["files"][0]) == [("r-vague", 1, 1, 1, 5)]
    assert report["files"][1] == {"path": "t/locked", "error": "cannot list this folder: Permission denied"}
    assert code == 2


def test_exclude_setting_prunes_files_and_folders(tmp_path):
    root = tmp_path / "p"
    for rel in ("a.md", "b.draft.md", "archive/old.md", "archive/deep/older.md", "sub/old-1.md", "sub/new.md",
                "sub/archive.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("部分用户\n", encoding="utf-8")
    (root / ".apolint.yaml").write_text(f"packs: [{ROBUST / 'pack.yaml'}]\n"
                                        "exclude: [archive/, '*.draft.md', 'sub/old-*']\n", encoding="utf-8")
    code, report, _ = check("p", cwd=tmp_path)
    assert [f["path"] for f in report["files"]] == ["p/a.md", "p/sub/archive.md", "p/sub/new.md"]
    assert code == 1


def test_a_tree_nested_1500_folders_deep_is_walked(tmp_path):
    """os.walk recursed once per level (RecursionError at about 1000); the walk is iterative."""
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(1500):  # created relative to a descriptor: the full path is 3000 characters
            os.mkdir("a", dir_fd=fd)
            inner = os.open("a", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with os.fdopen(os.open("x.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w", encoding="utf-8") as f:
            f.write("部分用户\n")
    finally:
        os.close(fd)
    try:
        code, report, _ = check("--config", str(CONFIG), "a", cwd=tmp_path)
    finally:
        remove_deep_tree(tmp_path / "a")  # shutil.rmtree (and pytest's clean-up) would recurse too deep
    (entry,) = report["files"]
    assert entry["path"] == "a/" * 1500 + "x.md"
    assert (code, json_rows(entry)) == (1, [("r-vague", 1, 1, 1, 5)])


def remove_deep_tree(top: Path) -> None:
    """Remove a chain of single folders top/a/a/…/files by moving each inner folder up (short paths only)."""
    spare = top.with_name(top.name + ".up")
    while True:
        inner = [p for p in top.iterdir() if p.is_dir()]
        for p in top.iterdir():
            if not p.is_dir():
                p.unlink()
        if not inner:
            break
        inner[0].rename(spare)
        top.rmdir()
        spare.rename(top)
    top.rmdir()


def test_walk_yields_each_file_once_in_sorted_order(tree):
    found = [p.relative_to(tree).as_posix() for p in cli._walk(tree, (".md", ".txt"), [], tree)]
    assert found == ["a.md", "dangling.md", "pipe.md", "folder.md/c.md", "sub/b.txt"]


# ---------------------------------------------------------------------------------------
# malformed packs and configuration: file, line and key, exit 2 — through the CLI
# ---------------------------------------------------------------------------------------

GOOD_RULE = """\
pack: mine
languages: [en]
rules:
  - id: my-rule
    kind: existence
    level: warning
    message: '"{match}" is mine.'
    why: Because.
    match: {phrases: [frobnicate]}
    examples: {bad: [frobnicate], good: [fine]}
"""

BAD_PACKS = [
    ("yaml-syntax", GOOD_RULE.replace("level: warning", "level: [warning"), 7, None,
     "invalid YAML: expected ',' or ']', but got ':'"),
    ("wrong-type", GOOD_RULE.replace("    level: warning\n", "    level: warning\n    report: 5\n"), 7,
     "rules[my-rule].report", "expected a string, got int 5"),
    ("unknown-key", GOOD_RULE.replace("    level: warning\n", "    level: warning\n    colour: red\n"), 7,
     "rules[my-rule].colour", "unknown key; expected one of: "),
    ("unknown-kind", GOOD_RULE.replace("kind: existence", "kind: existance"), 5, "rules[my-rule].kind",
     "unknown kind 'existance'; expected one of "),
    ("kind-not-a-string", GOOD_RULE.replace("kind: existence", "kind: [existence]"), 5, "rules[my-rule].kind",
     "unknown kind ['existence']; expected one of "),  # found by fuzz/fuzz_packs.py (was a TypeError)
    ("missing-lexicon", GOOD_RULE.replace("{phrases: [frobnicate]}", "{lexicons: [nope]}"), 9,
     "rules[my-rule].match.lexicons", "lexicon 'nope' is not defined for language 'en' in any loaded pack"),
    ("duplicate-rule-id", GOOD_RULE + GOOD_RULE[GOOD_RULE.index("  - id"):], 11, "id",
     "duplicate rule id 'my-rule' (also in {path}:4); say `override: true` to replace it"),
    ("invalid-regex", GOOD_RULE.replace("{phrases: [frobnicate]}", "{regex: ['(unclosed']}"), 9,
     "rules[my-rule].match.regex", "invalid regular expression '(unclosed': missing ) at position 9"),
    ("invalid-token-attr", GOOD_RULE.replace("{phrases: [frobnicate]}", "{tokens: [[{LOWERR: x}]]}"), 9,
     "rules[my-rule].match.tokens", "unknown token attribute 'LOWERR' (blank pipelines have no POS, TAG or LEMMA)"),
    ("object-tag", GOOD_RULE.replace("why: Because.", "why: !!python/object/apply:os.system ['echo pwned']"),
     8, "why", "YAML tag '!!python/object/apply:os.system' is not allowed: apolint loads YAML safely, "
               "without object tags"),
    ("alias-bomb", GOOD_RULE + "lexicons:\n  a: &a {phrases: [lol, lol]}\n  b: {any: [*a, *a]}\n", 13, None,
     "YAML aliases (*name) are not allowed here; use a named lexicon instead"),
    ("alias-value", GOOD_RULE + "lexicons:\n  a: &a {phrases: [lol]}\n  b: *a\n", 13, "b",
     "YAML aliases (*name) are not allowed here; use a named lexicon instead"),
    ("deep-nesting", GOOD_RULE + "settings: " + "[" * 3000 + "]" * 3000 + "\n", 11, None,
     "YAML nested more than 100 levels deep"),
    ("message-brace", GOOD_RULE.replace("""message: '"{match}" is mine.'""", "message: 'a { b'"), 7,
     "rules[my-rule].message", "invalid message template (expected '}' before end of string); "
                               "write {{ and }} for a literal brace"),
    ("message-field", GOOD_RULE.replace("""message: '"{match}" is mine.'""", "message: '{match.upper}'"), 7,
     "rules[my-rule].message", "unknown field {match.upper}; this kind offers {match}"),
    ("suggestion-type", GOOD_RULE.replace("    level: warning\n", "    level: warning\n    suggestion: {en: 5}\n"),
     7, "rules[my-rule].suggestion.en", "expected a string, got int 5"),
    ("lexicon-type", GOOD_RULE + "lexicons:\n  foo: bar\n", 12, "lexicons.foo",
     "expected a mapping or a list, got str 'bar'"),
    ("example-type", GOOD_RULE.replace("examples: {bad: [frobnicate]", "examples: {bad: [1]"), 10,
     "rules[my-rule].examples.bad", "expected a string, got int 1"),
    ("languages-type", GOOD_RULE.replace("languages: [en]", "languages: en"), 2, "languages",
     "expected a list, got str 'en'"),
    ("not-a-mapping", "- just\n- a list\n", 1, None, "expected a mapping, got a list"),
    ("binary", "pack: mine\x00\n", 1, None, "invalid YAML: character 0x0000 is not allowed (is this a binary file?)"),
]


@pytest.mark.parametrize("name, text, line, key, message", BAD_PACKS, ids=[c[0] for c in BAD_PACKS])
def test_malformed_user_pack_is_an_error_naming_file_line_and_key(tmp_path, name, text, line, key, message):
    pack = tmp_path / "bad-pack.yaml"
    pack.write_text(text, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("add_packs: [bad-pack.yaml]\n", encoding="utf-8")
    (tmp_path / "draft.md").write_text("We frobnicate.\n", encoding="utf-8")
    res = CliRunner().invoke(cli.main, ["check", "--no-cache", "--config", str(tmp_path / "bad.yaml"),
                                        str(tmp_path / "draft.md")], catch_exceptions=False)
    assert res.exit_code == 2
    assert res.stdout == ""
    first = res.stderr.splitlines()[0]
    where = f"Error: {pack.resolve()}:{line}:" + (f" {key}:" if key else "")
    expected = f"{where} {message.replace('{path}', str(pack.resolve()))}"
    if message.endswith((" ", ")")) and name in ("unknown-key", "unknown-kind", "kind-not-a-string", "invalid-token-attr"):
        assert first.startswith(expected), first  # the rest lists what is allowed
    else:
        assert first == expected
    assert res.stderr.rstrip().endswith("Fix the rule pack or configuration named above.")


BAD_CONFIGS = [
    ("extensions: [1]\n", 1, "extensions", "expected a string, got int 1"),
    ("- a list\n", 1, None, "expected a mapping, got a list"),
    ("exclude: archive\n", 1, "exclude", "expected a list, got str 'archive'"),
    ("colour: red\n", 1, "colour", "unknown key; expected one of: add_packs, exclude, extensions, fail_on, lang, "
                                   "packs, rules, templates"),
    ("lang: fr\n", 1, "lang", "expected auto, zh or en"),
    ("\nadd_packs: [missing.yaml]\n", 2, "add_packs", "pack file not found: {dir}/missing.yaml"),
    ("x: !!python/object:os.system {}\n", 1, "x", "YAML tag '!!python/object:os.system' is not allowed: apolint "
                                                  "loads YAML safely, without object tags"),
    ("a: &a [1]\nb: *a\n", 2, "b", "YAML aliases (*name) are not allowed here; use a named lexicon instead"),
    ("rules: {r-vague: loud}\n", 1, "rules.r-vague", "expected error, warning, info or off, got 'loud'"),
]


@pytest.mark.parametrize("text, line, key, message", BAD_CONFIGS, ids=[c[0].split(":")[0].strip() or "add_packs"
                                                                       for c in BAD_CONFIGS])
def test_malformed_configuration_is_an_error_naming_file_line_and_key(tmp_path, text, line, key, message):
    config = tmp_path / "bad.yaml"
    config.write_text(text, encoding="utf-8")
    (tmp_path / "draft.md").write_text("部分用户\n", encoding="utf-8")
    res = CliRunner().invoke(cli.main, ["check", "--no-cache", "--config", str(config), str(tmp_path / "draft.md")],
                             catch_exceptions=False)
    assert res.exit_code == 2
    key_part = f" {key}:" if key else ""
    assert res.stderr.splitlines()[0] == (f"Error: {config}:{line}:{key_part} "
                                          f"{message.replace('{dir}', str(tmp_path.resolve()))}")


# ---------------------------------------------------------------------------------------
# a catastrophic user regex cannot hang a run
# ---------------------------------------------------------------------------------------

SLOW_PACK = """\
pack: slow
languages: [en]
lexicons:
  slow: {regex: ['PATTERN']}
elements:
  impact:
    mode: extend
    present: {lexicons: [slow]}
rules:
  - id: slow-regex
    kind: existence
    level: warning
    message: '"{match}" matched a slow pattern.'
    why: The regex time bound.
    match: {lexicons: [slow]}
    examples: {bad: [aaa], good: [b]}
  - id: slow-impact
    kind: require
    element: impact
    level: error
    message: No impact.
    why: The regex time bound, through an element.
    examples: {bad: [aaa], good: [b]}
"""


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_catastrophic_regex_times_out_and_other_rules_still_run(tmp_path, pattern):
    (tmp_path / "slow-pack.yaml").write_text(SLOW_PACK.replace("PATTERN", pattern), encoding="utf-8")
    (tmp_path / "slow.yaml").write_text(f"packs: [{ROBUST / 'pack.yaml'}]\nadd_packs: [slow-pack.yaml]\n",
                                        encoding="utf-8")
    (tmp_path / "slow.md").write_text("Some users could not log in. " + "a" * 100_000 + "b\n", encoding="utf-8")
    started = time.monotonic()
    proc = run_cli("check", "--no-cache", "--format", "json", "--config", "slow.yaml", "slow.md", cwd=tmp_path)
    elapsed = time.monotonic() - started
    (entry,) = json.loads(proc.stdout)["files"]
    timed_out = f"a regular expression ran out of time (over 1 s): {pattern}"
    assert entry["notices"] == [f"rule slow-regex skipped: {timed_out}", f"rule slow-impact skipped: {timed_out}",
                                f"{timed_out}; it was skipped for this file"]
    assert json_rows(entry) == [("r-vague", 1, 1, 1, 11)]  # the other pack's rule still ran
    assert entry["elements"]["impact"]["status"] == "weak"  # from the other pack's weak impact
    assert proc.returncode == 1
    assert elapsed < 60, elapsed  # one second of regex time, plus start-up (a hang would never end)


def test_regex_timeout_is_charged_once_per_document(tmp_path, pipelines, monkeypatch):
    """The time bound is per regex per document, not per segment: 200 paragraphs that each make
    the regex slow cost one time-out, not 200."""
    from apolint import matchers
    from apolint.engine import lint_document
    from apolint.packs import load

    monkeypatch.setattr(matchers, "REGEX_TIMEOUT", 0.2)
    pack = tmp_path / "slow.yaml"
    pack.write_text(SLOW_PACK.replace("PATTERN", "(a|aa)+$"), encoding="utf-8")
    ruleset = load([pack])
    text = "\n\n".join(["a" * 5000 + "b"] * 200)
    started = time.monotonic()
    result = lint_document(document.parse(text, "x.md"), ruleset)
    elapsed = time.monotonic() - started
    assert [n.split(":")[0] for n in result.notices] == ["rule slow-regex skipped", "rule slow-impact skipped",
                                                         "a regular expression ran out of time (over 0.2 s)"]
    assert result.findings == [] and result.elements["impact"].status == "missing"
    assert elapsed < 15, elapsed  # per segment it would be 200 × 0.2 s = 40 s


TOKEN_REGEX_PACK = """\
pack: token-regex
languages: [en]
lexicons:
  slow-token: {tokens: [[{LOWER: {REGEX: 'PATTERN'}}]]}
  outage-token: {tokens: [[{LOWER: {REGEX: '^out(?:age|ages)$', NOT_IN: [outages]}}, {IS_PUNCT: true, OP: '?'}]]}
rules:
  - id: slow-tokens
    kind: existence
    level: warning
    message: '"{match}" matched a slow token pattern.'
    why: The time bound of REGEX in token patterns.
    match: {lexicons: [slow-token]}
    examples: {bad: [aaa], good: [b]}
  - id: outage-tokens
    kind: existence
    level: info
    message: '"{match}" is an outage.'
    why: A REGEX in a token pattern still matches.
    match: {lexicons: [outage-token]}
    examples: {bad: [An outage., Outage], good: [Two outages]}
"""


def test_regex_in_a_token_pattern_times_out_like_any_pack_regex(tmp_path, pipelines, monkeypatch):
    """spaCy runs REGEX predicates with `re`, which nothing can stop: apolint runs them itself,
    under the same per-document budget as pack regexes (`re` would need years for these tokens)."""
    pattern = "^(a|aa)+$"
    from apolint import matchers
    from apolint.engine import lint_document
    from apolint.packs import load

    monkeypatch.setattr(matchers, "REGEX_TIMEOUT", 0.2)
    pack = tmp_path / "token-regex.yaml"
    pack.write_text(TOKEN_REGEX_PACK.replace("PATTERN", pattern), encoding="utf-8")
    ruleset = load([pack])
    text = "We had an outage. " + "a" * 40 + "b is the host.\n\n" + ("a" * 5000 + "b\n\n") * 50
    started = time.monotonic()
    result = lint_document(document.parse(text, "x.md"), ruleset, lang="en")
    elapsed = time.monotonic() - started
    timed_out = f"a regular expression ran out of time (over 0.2 s): {pattern}"
    assert result.notices == [f"rule slow-tokens skipped: {timed_out}", f"{timed_out}; it was skipped for this file"]
    assert [(f.rule, f.text) for f in result.findings] == [("outage-tokens", "outage.")]
    assert elapsed < 15, elapsed


def test_regex_in_a_token_pattern_tests_text_only(tmp_path):
    from apolint.packs import load
    from apolint.yamlsource import SourceError

    pack = tmp_path / "token-regex.yaml"
    pack.write_text(TOKEN_REGEX_PACK.replace("{LOWER: {REGEX: 'PATTERN'}}", "{LENGTH: {REGEX: '^1'}}"), encoding="utf-8")
    with pytest.raises(SourceError, match="REGEX tests text: use it on ORTH, TEXT, LOWER, NORM, SHAPE, PREFIX or "
                                          "SUFFIX, not LENGTH"):
        load([pack])


# ---------------------------------------------------------------------------------------
# fuzzing: a short run of each atheris target (the long runs are described in the README)
# ---------------------------------------------------------------------------------------

def _atheris_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("atheris") is not None


@pytest.mark.skipif(not _atheris_available(), reason="atheris is not installed (pip install -e '.[fuzz]')")
@pytest.mark.parametrize("target", ["fuzz_document.py", "fuzz_packs.py"])
def test_fuzz_target_short_run(tmp_path, target):
    import subprocess
    import sys

    root = FIXTURES.parent.parent
    env = dict(os.environ, FUZZ_CORPUS=str(tmp_path / "corpus"))
    proc = subprocess.run([sys.executable, str(root / "fuzz" / target), "-max_total_time=20", "-timeout=10",
                           "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert (proc.returncode, crashes) == (0, []), proc.stderr[-3000:]
    assert "Done " in proc.stderr  # libFuzzer's summary: the target really ran
