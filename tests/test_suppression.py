"""Inline suppression: Markdown comments and the plain-text comment form."""
from __future__ import annotations


from conftest import lint, spans

MD = """\
Some users A.
<!-- apolint-disable t-phrase -->
Some users B.
<!-- apolint-enable t-phrase -->
Some users C.
<!-- apolint-disable-next-line t-phrase, t-scoped -->
Some users D.
Some users E. <!-- apolint-disable-next-line -->
Some users F.
<!-- apolint-disable -->
Some users G.
<!-- apolint-enable -->
Some users H.
<!-- apolint-disable t-scoped -->
Some users I.
"""


def _by_line(result, *rules):
    return [(f.rule, f.line) for f in result.findings if f.rule in rules]


def test_markdown_disable_enable_and_next_line(kinds_config):
    r = lint(MD, kinds_config, path="draft.md")
    assert _by_line(r, "t-phrase", "t-scoped") == [
        ("t-phrase", 1), ("t-scoped", 1),
        ("t-scoped", 3),                      # only t-phrase was disabled for B
        ("t-phrase", 5), ("t-scoped", 5),
        # D: both named rules disabled on the next line
        ("t-phrase", 8), ("t-scoped", 8),     # E: a directive after the text applies to the next line
        # F: every rule; G: every rule between disable and enable
        ("t-phrase", 13), ("t-scoped", 13),
        ("t-phrase", 15),                     # I: t-scoped disabled to the end of the file
    ]
    # suppression hides findings, never element evidence
    assert [e.line for e in r.elements["impact"].evidence] == [1, 3, 5, 7, 8, 9, 11, 13, 15]


def test_disable_in_chinese_and_multiple_rules_on_one_line(kinds_config):
    text = "<!-- apolint-disable t-phrase t-scoped -->\n部分用户无法登录。\n<!-- apolint-enable -->\n部分用户无法登录。\n"
    r = lint(text, kinds_config, path="draft.md")
    assert _by_line(r, "t-phrase", "t-scoped", "t-tokens") == [
        ("t-tokens", 2), ("t-phrase", 4), ("t-scoped", 4), ("t-tokens", 4)]


def test_document_level_finding_can_be_suppressed_at_its_anchor(kinds_config):
    text = "<!-- apolint-disable-next-line t-remedy -->\n服务中断。\n"
    r = lint(text, kinds_config, path="draft.md")
    assert spans(r, "t-remedy") == []
    assert spans(lint("服务中断。\n", kinds_config), "t-remedy") == [("t-remedy", 1, 1, 1, 6, "服务中断。")]


TXT = """\
Some users A.
# apolint-disable-next-line t-phrase
Some users B.
// apolint-disable t-scoped
Some users C.
# apolint-enable
Some users D.
"""


def test_plain_text_comment_lines(kinds_config):
    r = lint(TXT, kinds_config, path="draft.txt")
    assert _by_line(r, "t-phrase", "t-scoped") == [
        ("t-phrase", 1), ("t-scoped", 1),
        ("t-scoped", 3),
        ("t-phrase", 5),
        ("t-phrase", 7), ("t-scoped", 7),
    ]


def test_directive_lines_are_not_linted(kinds_config):
    # the document anchor (first sentence) skips the directive line in both forms
    txt = "# apolint-disable-next-line t-phrase\nSome users could not log in.\n"
    r = lint(txt, kinds_config, path="draft.txt")
    assert spans(r, "t-remedy") == [("t-remedy", 2, 1, 2, 29, "Some users could not log in.")]
    assert spans(r, "t-phrase") == []
    md = "<!-- apolint-disable-next-line t-phrase -->\nSome users could not log in.\n"
    r = lint(md, kinds_config, path="draft.md")
    assert spans(r, "t-remedy") == [("t-remedy", 2, 1, 2, 29, "Some users could not log in.")]
    # a directive line containing text a rule matches is still not linted
    txt = "# apolint-disable-next-line t-scoped because some users is fine here\nSome users.\n"
    r = lint(txt, kinds_config, path="draft.txt")
    assert spans(r, "t-phrase") == [("t-phrase", 2, 1, 2, 11, "Some users")]


def test_text_form_is_not_a_directive_in_markdown(kinds_config):
    # in Markdown "# ..." is a heading: it is linted and suppresses nothing
    md = "# apolint-disable-next-line t-phrase\nSome users.\n"
    r = lint(md, kinds_config, path="draft.md")
    assert spans(r, "t-phrase") == [("t-phrase", 2, 1, 2, 11, "Some users")]


def test_comment_form_is_not_a_directive_in_plain_text(kinds_config):
    txt = "<!-- apolint-disable-next-line t-phrase -->\nSome users.\n"
    r = lint(txt, kinds_config, path="draft.txt")
    assert spans(r, "t-phrase") == [("t-phrase", 2, 1, 2, 11, "Some users")]


def test_a_directive_shown_in_a_code_block_is_not_a_directive(kinds_config):
    md = "How to silence a rule:\n\n```\n<!-- apolint-disable t-phrase -->\n```\n\nSome users.\n"
    r = lint(md, kinds_config, path="draft.md")
    assert spans(r, "t-phrase") == [("t-phrase", 7, 1, 7, 11, "Some users")]
