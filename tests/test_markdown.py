"""Markdown by a CommonMark parser: exactly which spans of a Markdown file are linted.

The inputs marked "spec" are examples written out from the CommonMark specification 0.31.2
(https://spec.commonmark.org/0.31.2/, CC BY-SA 4.0), section named beside each; "GFM" ones
from the GitHub Flavored Markdown specification's tables extension (https://github.github.com/gfm/).
The rest are written for apolint. Each case lists every piece of prose, as (line, column, text):
what is not listed is not linted.
"""
from __future__ import annotations

import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apolint import document
from conftest import lint, spans


def prose(text: str, path: str = "notice.md") -> list[tuple[int, int, str]]:
    """What of `text` is linted: each block's source minus the spans never linted."""
    doc = document.parse(text, path)
    pieces = []
    for block in doc.blocks:
        pos = block.start
        for s, e in doc.masked:
            if e <= pos or s >= block.end:
                continue
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        if pos < block.end:
            pieces.append((pos, block.end))
    return [(*doc.position(s), doc.text[s:e]) for s, e in pieces]


CASES = [
    # spec 4.4 Indented code blocks (regression: the hand-written scanner linted these as prose)
    ("    a simple\n      indented code block\n", []),
    ("Some users could not log in.\n\n    some users 部分用户\n\nSorry.\n",
     [(1, 1, "Some users could not log in."), (5, 1, "Sorry.")]),
    ("Text.\n\n\tcode line\n\nAfter.\n", [(1, 1, "Text."), (5, 1, "After.")]),  # a tab indents code too
    ("  - a\n\n        code in item\n", [(1, 5, "a")]),
    # spec 4.5 Fenced code blocks; an unclosed fence runs to the end
    ("```\n<\n >\n```\n", []),
    ("~~~\nsome users\n~~~\nAfter.\n", [(4, 1, "After.")]),
    ("Para\n\n```\nunclosed\n\nstill code\n", [(1, 1, "Para")]),
    ("> ```\n> some users\n> ```\n> after\n", [(4, 3, "after")]),
    # spec 6.1 Code spans
    ("Run `some users` now and `` foo ` bar `` too.\n", [(1, 1, "Run "), (1, 17, " now and "), (1, 41, " too.")]),
    # spec 6.6 Raw HTML: comments, tags (the text between tags is prose)
    ("foo <!-- this is a --\ncomment - with hyphens --> bar\n", [(1, 1, "foo "), (2, 27, " bar")]),
    ('Foo <responsive-image src="foo.jpg" /> bar <a href="x">link</a>\n',
     [(1, 1, "Foo "), (1, 39, " bar "), (1, 56, "link")]),
    # spec 4.6 HTML blocks (a comment block; a <div> block runs to the blank line)
    ("<!-- a\nb -->\nText.\n", [(3, 1, "Text.")]),
    ("<div>\n*hello*\n         <foo><a>\n\nAfter.\n", [(5, 1, "After.")]),
    # spec 6.5 Autolinks
    ("See <http://foo.bar.baz> and <MAILTO:FOO@BAR.BAZ> now.\n", [(1, 1, "See "), (1, 25, " and "), (1, 50, " now.")]),
    # spec 6.3 Links: the text is prose, from `]` on (destination, title, label) is not
    ('[link](/uri "title") and [link](</my uri>)\n', [(1, 1, "[link"), (1, 21, " and [link")]),
    ('[foo][bar]\n\n[bar]: /url "title"\n', [(1, 1, "[foo")]),
    # spec 4.7 Link reference definitions are not prose
    ('[foo]: /url "title"\n\n[foo]\n', [(3, 1, "[foo")]),
    # spec 6.4 Images: the alt text is prose (a screen reader says it), the destination is not
    ('![foo](/url "title") ![bar][ref]\n\n[ref]: /img.png\n', [(1, 1, "![foo"), (1, 21, " ![bar")]),
    ("![alt `code`](x.png)\n", [(1, 1, "![alt ")]),
    # front matter is metadata
    ("---\ntitle: some users\n---\nBody.\n", [(4, 1, "Body.")]),
    # spec 4.3 Setext and 4.2 ATX headings (closing sequence), 5.2 list items, 5.1 block quotes
    # (the `>` of a quote's second line is not prose)
    ("Title\n=====\n\n## Sub ##\n\n- one\n- two\n  wrapped\n\n> quote one\n> quote two\n",
     [(1, 1, "Title"), (4, 4, "Sub"), (6, 3, "one"), (7, 3, "two\n  wrapped"), (10, 3, "quote one\n"),
      (11, 3, "quote two")]),
    # GFM tables, example 198: each cell's text; then an escaped pipe, a code cell and a link cell
    ("| foo | bar |\n| --- | --- |\n| baz | bim |\n", [(1, 3, "foo"), (1, 9, "bar"), (3, 3, "baz"), (3, 9, "bim")]),
    ("| a \\| b | c |\n| - | - |\n| `x` | [y](z) |\n", [(1, 3, "a \\| b"), (1, 12, "c"), (3, 9, "[y")]),
    # columns: CRLF, a tab, emoji and CJK count one code point each
    ("Some users\r\nhere `x`\r\n\r\n    code\r\n", [(1, 1, "Some users\r\nhere ")]),
    ("-\tsome users\n\nText\twith tab.\n", [(1, 3, "some users"), (3, 1, "Text\twith tab.")]),
    ("🙏 Some `x` users 🙏\n", [(1, 1, "🙏 Some "), (1, 11, " users 🙏")]),
    ('我们向[部分用户](https://example.com/部分用户 "部分用户")致歉。\n', [(1, 1, "我们向[部分用户"), (1, 43, "致歉。")]),
    ("# 公告：部分用户无法登录 #\n", [(1, 3, "公告：部分用户无法登录")]),
    # list markers typed in Chinese notices (not CommonMark's) still start items; a title line
    ("1、我们已修复。\n2、我们将补偿。\n", [(1, 3, "我们已修复。"), (2, 3, "我们将补偿。")]),
    ("标题\n正文第一句。\n", [(1, 1, "标题"), (2, 1, "正文第一句。")]),
    ("a\0b `c`\n", [(1, 1, "a\0b ")]),  # the parser reads NUL as U+FFFD; columns stay the source's
]


@pytest.mark.parametrize("text, expected", CASES)
def test_exactly_what_is_linted_in_markdown(text, expected):
    assert prose(text) == expected


def test_indented_code_block_is_not_linted(kinds_config):
    text = "Some users could not log in.\n\n    部分用户无法登录。\n"
    assert spans(lint(text, kinds_config, path="draft.md"), "t-phrase") == [
        ("t-phrase", 1, 1, 1, 11, "Some users")]
    # a plain-text file keeps its old reading: every line is prose
    assert spans(lint(text, kinds_config, path="draft.txt"), "t-phrase") == [
        ("t-phrase", 1, 1, 1, 11, "Some users"), ("t-phrase", 3, 5, 3, 9, "部分用户")]


def test_chinese_link_text_is_linted_and_its_destination_is_not(kinds_config):
    text = '# 致歉\r\n\r\n我们向[部分用户](https://example.com/部分用户 "部分用户")致歉。部分\r\n用户已恢复。\r\n'
    assert spans(lint(text, kinds_config, path="draft.md"), "t-phrase") == [
        ("t-phrase", 3, 5, 3, 9, "部分用户"), ("t-phrase", 3, 46, 4, 3, "部分\r\n用户")]


def test_a_quote_wrapped_over_lines_is_one_block_joined_like_a_paragraph(kinds_config):
    r = lint("> 我们向部分\n> 用户致歉。Some\n> users waited.\n", kinds_config, path="draft.md")
    assert spans(r, "t-phrase") == [("t-phrase", 1, 6, 2, 5, "部分\n> 用户"),
                                    ("t-phrase", 2, 8, 3, 8, "Some\n> users")]


def test_a_directive_in_an_indented_code_block_is_not_in_force(kinds_config):
    text = "How to silence a rule:\n\n    <!-- apolint-disable t-phrase -->\n\nSome users.\n"
    assert spans(lint(text, kinds_config, path="draft.md"), "t-phrase") == [("t-phrase", 5, 1, 5, 11, "Some users")]


# ---------------------------------------------------------------------------------------
# headings, paragraphs and flat bullet lists are split without the parser: the parser's blocks
# ---------------------------------------------------------------------------------------


def _both(text: str):
    doc = document.Document(path="x.md", text=text, markdown=True)
    body = document.split_front_matter(text)[1] if text.startswith("---") else 0
    plain = document._plain_markdown_blocks(text, body, doc._line_starts)
    parsed = document._parsed_markdown_scopes(text, body, doc._line_starts)
    return plain, parsed


MARKDOWN_PIECES = ["# ", "## ", "#", "- ", "* ", " - ", "-  ", "1. ", "Some users", "部分用户", "。", ". ", "1、", "2. ", "（一）", "•", " ", "  ",
                   "    ", "\t", "\u3000", "\xa0", "\n", "\n", "\n\n", "\r\n", "\r", "-", "*", "_", "=", ">", "`",
                   "[", "]", "(", ")", "<", "|", "\\", "!", "&amp;", "\x85", "\f", "🙏", "Title"]


# pieces that never send a body to the parser, so that most drawn texts test the plain path
PLAIN_PIECES = ["# ", "## ", "#", "- ", "* ", "+ ", "Some users", "部分用户", "。", ". ", "1、", "（一）", "•", " ", "  ", "\u3000",
                "\xa0", "\n", "\n\n", "\r\n", "*", "_", "!", "\\", "&amp;", "\x85", "\f", "🙏", "Title"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=30),
                 st.lists(st.sampled_from(PLAIN_PIECES), max_size=30)).map("".join))
def test_plain_markdown_is_split_as_the_parser_splits_it(text):
    plain, (blocks, masked, comments) = _both(text)
    if plain is not None:
        assert plain == blocks and masked == [] and comments == []


def test_plain_markdown_of_the_corpus_is_split_as_the_parser_splits_it():
    root = pathlib.Path(__file__).resolve().parent.parent
    files = [p for p in root.glob("corpus*/**/*.md")] + [p for p in root.glob("examples/**/*.md")]
    assert len(files) > 50
    plain_files = 0
    for path in files:
        plain, (blocks, masked, comments) = _both(path.read_text(encoding="utf-8"))
        if plain is not None:
            plain_files += 1
            assert plain == blocks and masked == [] and comments == [], path
    assert plain_files > 10


def test_plain_path_trims_what_the_parser_trims():
    from markdown_it.common.utils import MD_TRIM_CHARS

    assert set(document._MARKDOWN_TRIM) == set(MD_TRIM_CHARS)
