"""Documents: Markdown masking, front matter, offsets and columns, language segments, --lang."""
from __future__ import annotations

import pytest

import apolint
from apolint import analysis as analysis_mod
from apolint import document, engine, language
from apolint.api import ruleset_for
from apolint.matchers import Run
from conftest import lint, spans

# ---------------------------------------------------------------------------------------
# Markdown masking: what is never linted
# ---------------------------------------------------------------------------------------

MASKED_MD = """\
# Some users

Run `some users` and ``some `users` here`` now.
See [the some users page](https://example.com/some-users "some users") and https://example.com/some/users .
Autolink <https://example.com/some-users>, www.example.com/部分用户 and <!-- some users 部分用户 -->.
<span title="x some users x">text</span>

```
some users 部分用户
```

~~~text
部分用户
~~~

[ref]: https://example.com/some users
- a few customers [ref]
"""


def test_markdown_code_urls_comments_and_link_targets_are_not_linted(kinds_config):
    r = lint(MASKED_MD, kinds_config, path="draft.md")
    assert spans(r, "t-phrase") == [
        ("t-phrase", 1, 3, 1, 13, "Some users"),        # heading text is linted
        ("t-phrase", 4, 10, 4, 20, "some users"),       # link text is linted, its target is not
        ("t-phrase", 17, 3, 17, 18, "a few customers"),  # list item
    ]


def test_markdown_masking_in_chinese(kinds_config):
    text = "请勿使用`部分用户`。见[部分用户说明](https://example.com/部分用户)。\n\n<!--\n部分用户\n-->\n\n```\n部分用户\n```\n部分用户。\n"
    assert spans(lint(text, kinds_config), "t-phrase") == [("t-phrase", 1, 14, 1, 18, "部分用户"),
                                                            ("t-phrase", 10, 1, 10, 5, "部分用户")]


def test_unclosed_fence_masks_to_the_end(kinds_config):
    text = "Some users A.\n\n```\nsome users B\n\nsome users C\n"
    assert spans(lint(text, kinds_config), "t-phrase") == [("t-phrase", 1, 1, 1, 11, "Some users")]


def test_plain_text_keeps_markdown_syntax_but_masks_urls(kinds_config):
    text = "Run `some users` now; see https://example.com/some-users.\n"
    r = lint(text, kinds_config, path="draft.txt")
    assert spans(r, "t-phrase") == [("t-phrase", 1, 6, 1, 16, "some users")]
    r = lint(text, kinds_config, path="draft.md")
    assert spans(r, "t-phrase") == []


def test_document_masks_and_blocks():
    # a table needs its delimiter row (a `|` line right after a quote continues the quote)
    doc = document.parse("# Title\n\nPara one\nstill one.\n\n- item `code`\n> quote\n\n| a | b |\n| - | - |\n| c | d |\n",
                         "x.md")
    assert [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks] == [
        ("heading", "Title"),
        ("paragraph", "Para one\nstill one."),
        ("item", "item `code`"),
        ("quote", "quote"),
        ("cell", "a"), ("cell", "b"), ("cell", "c"), ("cell", "d"),
    ]
    assert [doc.text[s:e] for s, e in doc.masked] == ["`code`"]


# ---------------------------------------------------------------------------------------
# front matter
# ---------------------------------------------------------------------------------------


def test_front_matter_is_metadata_and_lines_count_from_the_file_start(kinds_config):
    text = "---\nlang: en\nstage: update\nchannel: status-page\ntemplate: false\n---\nSome users.\n"
    doc = document.parse(text, "x.md")
    assert doc.front_matter == {"lang": "en", "stage": "update", "channel": "status-page", "template": False}
    assert doc.front_matter_end == text.index("Some")
    r = lint(text, kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 7, 1, 7, 11, "Some users")]
    # front matter values are never linted
    r = lint("---\ntitle: some users 部分用户\n---\nFine.\n", kinds_config)
    assert spans(r, "t-phrase") == []


@pytest.mark.parametrize("text, where, problem", [
    ("---\ntitle: [unclosed\n---\nSome users.\n", "line 3", "expected ',' or ']', but got '<stream end>'"),
    ("---\ntitle: a: b\n---\nSome users.\n", "line 2", "mapping values are not allowed here"),
    ("---\n- a\n- b\n---\nSome users.\n", "", "front matter must be a mapping of keys to values"),
])
def test_invalid_front_matter_is_a_per_file_error(kinds_config, text, where, problem):
    r = apolint.lint_text(text, config=kinds_config, path="draft.md")
    assert r.error.startswith("front matter") and where in r.error and r.error.endswith(problem), r.error
    assert r.findings == [] and r.to_json() == {"path": "draft.md", "error": r.error}


def test_a_lone_rule_line_is_not_front_matter(kinds_config):
    doc = document.parse("Some users.\n---\nmore\n", "x.md")
    assert doc.front_matter == {} and doc.front_matter_end == 0


# ---------------------------------------------------------------------------------------
# offsets → line/column
# ---------------------------------------------------------------------------------------


def test_crlf_columns(kinds_config):
    text = "Intro line.\r\nThen some users could not log in.\r\n\r\n补充：部分用户无法登录。\r\n"
    r = lint(text, kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 2, 6, 2, 16, "some users"),
                                    ("t-phrase", 4, 4, 4, 8, "部分用户")]


def test_phrase_wrapped_over_a_crlf_line_break(kinds_config):
    r = lint("Some\r\nusers could not log in.\r\n补充：部分\r\n用户无法登录。\r\n", kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 2, 6, "Some\r\nusers"),
                                    ("t-phrase", 3, 4, 4, 3, "部分\r\n用户")]


def test_lone_cr_line_ends(kinds_config):
    r = lint("Intro.\rSome users.\r部分\r用户。", kinds_config, path="draft.txt")
    assert spans(r, "t-phrase") == [("t-phrase", 2, 1, 2, 11, "Some users"), ("t-phrase", 3, 1, 4, 3, "部分\r用户")]


def test_position_counts_code_points():
    doc = document.parse("a\r\n𠀀补偿 x\rb\nc", "x.txt")
    assert doc.position(0) == (1, 1)
    assert doc.position(3) == (2, 1)
    assert doc.position(doc.text.index("x")) == (2, 5)  # 𠀀 is one code point (two UTF-16 units)
    assert doc.position(doc.text.index("b")) == (3, 1)
    assert doc.position(doc.text.index("c")) == (4, 1)
    assert doc.line_text(2) == "𠀀补偿 x"
    assert doc.offset(2, 5) == doc.text.index("x")


def test_zero_width_characters_do_not_break_a_phrase(kinds_config):
    r = lint("部分\u200b用户无法登录。Some\u00a0users.", kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 1, 6, "部分\u200b用户"),
                                    ("t-phrase", 1, 11, 1, 21, "Some\u00a0users")]


def test_files_are_decoded_and_a_bom_takes_no_column(kinds_config, tmp_path):
    text = "补充：部分用户无法登录。\n"
    for name, data in [("utf8-bom.md", b"\xef\xbb\xbf" + text.encode("utf-8")),
                       ("gb18030.md", text.encode("gb18030")),
                       ("utf16.md", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))]:
        path = tmp_path / name
        path.write_bytes(data)
        r = apolint.lint_file(path, config=kinds_config)
        assert r.error is None, name
        assert spans(r, "t-phrase") == [("t-phrase", 1, 4, 1, 8, "部分用户")], name


def test_unreadable_bytes_are_a_per_file_error(kinds_config, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("Caf\xe9 users, some users.".encode("latin-1"))
    r = apolint.lint_file(path, config=kinds_config)
    assert r.error.startswith("not valid UTF-8") and "pass --encoding" in r.error, r.error
    assert r.findings == []
    r = apolint.lint_file(tmp_path / "missing.md", config=kinds_config)
    assert r.error.startswith("cannot read") and "No such file or directory" in r.error, r.error


# ---------------------------------------------------------------------------------------
# languages: segments per block and sentence, each tokenised by its own pipeline
# ---------------------------------------------------------------------------------------

MIXED = ("# 公告 Notice\n\n今天上午部分用户无法登录。Some users could not log in! 我们已回滚。\n\n"
         "- We rolled back. Then 12% could not log in.\n")


def _analyse(text, config, lang=None):
    ruleset = ruleset_for(config)
    doc = document.parse(text, "x.md")
    a = analysis_mod.build(doc, language.split_languages, lang, ruleset.settings["quote_mention_max"])
    run = Run(a, ruleset.compiler, ruleset.automata, doc.front_matter, engine.resolve_element(ruleset))
    engine.tokenise(a, ruleset, run)
    return a


def test_mixed_document_is_split_into_language_segments(kinds_config, pipelines):
    a = _analyse(MIXED, kinds_config)
    assert [(s.lang, s.block, a.source(s.start, s.end)) for s in a.segments] == [
        ("zh", 0, "公告 Notice"),
        ("zh", 1, "今天上午部分用户无法登录。"),
        ("en", 1, "Some users could not log in!"),
        ("zh", 1, " 我们已回滚。"),
        ("en", 2, "We rolled back. Then 12% could not log in."),
    ]
    assert [a.source(s, e) for s, e in a.sentences] == [
        "公告 Notice", "今天上午部分用户无法登录。", "Some users could not log in!", " 我们已回滚。",
        "We rolled back.", "Then 12% could not log in.",
    ]
    assert a.languages == ["en", "zh"]


def test_each_segment_is_matched_with_its_own_language_pack(kinds_config):
    r = lint(MIXED, kinds_config)
    assert r.lang == "en"  # the language with most text
    # zh token pattern (jieba tokens 无法|登录) and en token patterns, each in its own segment
    assert spans(r, "t-tokens") == [("t-tokens", 3, 9, 3, 13, "无法登录"),
                                    ("t-tokens", 3, 25, 3, 41, "could not log in"),
                                    ("t-tokens", 5, 24, 5, 27, "12%"),
                                    ("t-tokens", 5, 28, 5, 44, "could not log in")]
    assert spans(r, "t-phrase") == [("t-phrase", 3, 5, 3, 9, "部分用户"), ("t-phrase", 3, 14, 3, 24, "Some users")]


def test_lang_forces_one_language(kinds_config):
    text = "部分用户无法登录。\n\nSome users could not log in.\n"
    r = lint(text, kinds_config, lang="zh")
    assert r.lang == "zh"
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 1, 5, "部分用户")]
    r = lint(text, kinds_config, lang="en")
    assert r.lang == "en"
    assert spans(r, "t-phrase") == [("t-phrase", 3, 1, 3, 11, "Some users")]
    a = _analyse(text, kinds_config, lang="en")
    assert {s.lang for s in a.segments} == {"en"}


def test_front_matter_lang_names_the_main_language_without_forcing(kinds_config):
    text = "---\nlang: zh\n---\nSome users could not log in today at all. 部分用户。\n"
    r = lint(text, kinds_config)
    assert r.lang == "zh"
    assert spans(r, "t-phrase") == [("t-phrase", 4, 1, 4, 11, "Some users"), ("t-phrase", 4, 43, 4, 47, "部分用户")]


def test_empty_and_code_only_documents(kinds_config):
    for text in ("", "\n\n", "```\nsome users\n```\n"):
        r = lint(text, kinds_config)
        assert r.findings == [] and r.lang is None
        assert {k: v.status for k, v in r.elements.items()} == {
            "responsibility": "missing", "impact": "missing", "remedy": "missing"}
