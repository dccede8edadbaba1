"""Every rule kind and pattern-set key, with the small test packs in tests/fixtures/packs/kinds/.

Each test asserts the exact rule id, span (line, column, end line, end column, in code
points, 1-based) and the matched source text, in Chinese and in English.
"""
from __future__ import annotations

import pytest

from conftest import lint, spans

# ---------------------------------------------------------------------------------------
# existence: phrases
# ---------------------------------------------------------------------------------------


def test_existence_phrases_both_languages(kinds_config):
    r = lint("部分用户无法登录。\n\nSome users could not log in; a few customers saw errors.\n", kinds_config)
    assert spans(r, "t-phrase", level=True) == [
        ("t-phrase", 1, 1, 1, 5, "部分用户", "warning"),
        ("t-phrase", 3, 1, 3, 11, "Some users", "warning"),
        ("t-phrase", 3, 30, 3, 45, "a few customers", "warning"),
    ]
    messages = [(f.message, f.suggestion) for f in r.findings if f.rule == "t-phrase"]
    assert messages == [('"部分用户" is vague.', "给出数字。"),
                        ('"Some users" is vague.', "Give a number."),
                        ('"a few customers" is vague.', "Give a number.")]


@pytest.mark.parametrize("text", [
    "Awesome users could not log in.",
    "Handsome users could not log in.",
    "Some usersnames were wrong.",
    "some_users is a table.",
])
def test_english_phrases_stop_at_word_boundaries(kinds_config, text):
    assert spans(lint(text, kinds_config), "t-phrase") == []


def test_english_phrase_next_to_punctuation_and_digits_boundaries(kinds_config):
    r = lint("(some users) and 'Some users', also awesome users, SOME USERS.", kinds_config)
    assert spans(r, "t-phrase") == [
        ("t-phrase", 1, 2, 1, 12, "some users"),
        ("t-phrase", 1, 19, 1, 29, "Some users"),
        ("t-phrase", 1, 52, 1, 62, "SOME USERS"),
    ]


def test_chinese_phrase_matching_does_not_depend_on_jieba_segmentation(kinds_config, pipelines):
    text = "大部分用户无法登录。"
    # jieba cuts 大部分 | 用户 here: the phrase 部分用户 starts inside a token and is no token itself.
    tokens = [t.text for t in pipelines["zh"](text)]
    assert tokens == ["大部分", "用户", "无法", "登录", "。"]
    r = lint(text, kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 1, 2, 1, 6, "部分用户")]


def test_chinese_phrase_that_is_part_of_a_longer_jieba_word(kinds_config, pipelines):
    # 补偿 (a remedy phrase) inside the jieba word 补偿金
    text = "约300位用户被重复扣款，我们将发放补偿金。"
    assert "补偿金" in [t.text for t in pipelines["zh"](text)]
    r = lint(text, kinds_config)
    assert r.elements["remedy"].status == "present"
    assert [(e.line, e.column, e.text) for e in r.elements["remedy"].evidence] == [(1, 19, "补偿")]
    assert spans(r, "t-refund") == []  # the then-set (补偿) is present


def test_traditional_characters_match_simplified_phrases(kinds_config):
    # 補償/重複/戶/約/將 are traditional; the packs say 补偿/重复扣款/用户.
    r = lint("約300位用戶被重複扣款。\n\n部分用戶無法登錄。", kinds_config)
    assert spans(r, "t-refund") == [("t-refund", 1, 9, 1, 13, "重複扣款")]
    assert spans(r, "t-phrase") == [("t-phrase", 3, 1, 3, 5, "部分用戶")]
    # (the present set settles it: the weak set is not weighed)
    assert [(e.line, e.column, e.text, e.feature) for e in r.elements["impact"].evidence] == [
        (1, 1, "約300位用戶", "present")]
    r = lint("約300位用戶被重複扣款，將全額補償。", kinds_config)
    assert spans(r, "t-refund") == []
    assert [(e.line, e.column, e.text) for e in r.elements["remedy"].evidence] == [(1, 17, "補償")]


def test_full_width_forms_match_ascii_patterns(kinds_config):
    text = "ｓｏｍｅ\u3000ｕｓｅｒｓ could not log in; about １５％ of users."
    r = lint(text, kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 1, 11, "ｓｏｍｅ\u3000ｕｓｅｒｓ")]
    assert spans(r, "t-regex") == [("t-regex", 1, 36, 1, 39, "１５％")]
    # the English token pattern [LIKE_NUM, "%"] sees the folded "15%" as two tokens
    assert ("t-tokens", 1, 36, 1, 39, "１５％") in spans(r, "t-tokens")
    # Chinese with full-width digits and percent sign: impact evidence is the original text
    r = lint("约１５％的用户无法登录。", kinds_config)
    assert [(e.line, e.column, e.text) for e in r.elements["impact"].evidence] == [(1, 1, "约１５％的用户")]


def test_phrase_wrapped_across_lines_in_a_markdown_paragraph(kinds_config):
    text = "We rolled back. Some\nusers could not log in. 部分\n用户无法登录。\n"
    r = lint(text, kinds_config)
    assert spans(r, "t-phrase") == [
        ("t-phrase", 1, 17, 2, 6, "Some\nusers"),
        ("t-phrase", 2, 25, 3, 3, "部分\n用户"),
    ]
    # the message quotes the source text as written
    assert [f.message for f in r.findings if f.rule == "t-phrase"] == ['"Some\nusers" is vague.',
                                                                       '"部分\n用户" is vague.']


def test_phrase_does_not_run_across_paragraphs(kinds_config):
    r = lint("Some\n\nusers could not log in.\n\n部分\n\n用户无法登录。", kinds_config)
    assert spans(r, "t-phrase") == []


# ---------------------------------------------------------------------------------------
# existence: regex and token patterns
# ---------------------------------------------------------------------------------------


def test_regex_is_case_insensitive_and_runs_in_both_languages(kinds_config):
    r = lint("约15%的用户无法登录。\n\nAbout 2.5 % of users could not log in.\n", kinds_config)
    assert spans(r, "t-regex") == [("t-regex", 1, 2, 1, 5, "15%"), ("t-regex", 3, 7, 3, 12, "2.5 %")]
    assert [f.message for f in r.findings if f.rule == "t-regex"] == ["a share: 15%", "a share: 2.5 %"]


def test_token_patterns_english(kinds_config, pipelines):
    text = "Users Could Not Sign In for 40 minutes; 12% could not log in."
    assert [t.text for t in pipelines["en"]("12% could")] == ["12", "%", "could"]
    r = lint(text, kinds_config)
    assert spans(r, "t-tokens") == [
        ("t-tokens", 1, 7, 1, 24, "Could Not Sign In"),
        ("t-tokens", 1, 41, 1, 44, "12%"),
        ("t-tokens", 1, 45, 1, 61, "could not log in"),
    ]
    # LOWER: could does not match "couldn't"
    assert spans(lint("Users couldn't log in.", kinds_config), "t-tokens") == []


def test_token_patterns_chinese_follow_jieba_tokens(kinds_config, pipelines):
    # [{ORTH: 无法}, {ORTH: {IN: [登录, 访问]}}]: jieba cuts 无法|登录 but keeps 无法访问 whole,
    # so the token pattern matches the first and not the second (phrases would match both).
    assert [t.text for t in pipelines["zh"]("部分用户无法登录。")][-3:] == ["无法", "登录", "。"]
    assert "无法访问" in [t.text for t in pipelines["zh"]("用户无法访问。")]
    r = lint("部分用户无法登录。用户无法访问。", kinds_config)
    assert spans(r, "t-tokens") == [("t-tokens", 1, 5, 1, 9, "无法登录")]


def test_pack_phrases_join_jieba_dictionary_for_token_patterns(kinds_config, pipelines):
    # jieba alone cuts 正在|处理; once a ruleset with Chinese token patterns is compiled, the packs'
    # multi-character phrases (here 正在处理 from the remedy-effort lexicon) are words, so the
    # token pattern [{ORTH: 正在处理}] can match.
    r = lint("客服正在处理中。", kinds_config)
    assert [t.text for t in pipelines["zh"]("客服正在处理中。")] == ["客服", "正在处理", "中", "。"]
    assert spans(r, "t-tokens") == [("t-tokens", 1, 3, 1, 7, "正在处理")]


# ---------------------------------------------------------------------------------------
# pattern-set filters: unless_sentence, unless_before, quoted mentions
# ---------------------------------------------------------------------------------------


def test_unless_sentence_drops_hits_whose_sentence_has_a_number(kinds_config):
    zh = "部分用户（约15%的用户）无法登录。部分用户无法访问。一些地区，约20位用户。"
    r = lint(zh, kinds_config)
    assert spans(r, "t-phrase") == [("t-phrase", 1, 1, 1, 5, "部分用户"), ("t-phrase", 1, 19, 1, 23, "部分用户"),
                                    ("t-phrase", 1, 28, 1, 32, "一些地区")]
    assert spans(r, "t-scoped") == [("t-scoped", 1, 19, 1, 23, "部分用户")]
    en = "Some users (12% of users) could not log in. A few customers saw errors."
    r = lint(en, kinds_config)
    assert spans(r, "t-scoped") == [("t-scoped", 1, 45, 1, 60, "A few customers")]


def test_if_sentence_keeps_only_hits_whose_sentence_has_a_number(kinds_config):
    zh = "部分用户（约15%的用户）无法登录。部分用户无法访问。一些地区，约20位用户。"
    r = lint(zh, kinds_config)
    assert spans(r, "t-counted") == [("t-counted", 1, 1, 1, 5, "部分用户"), ("t-counted", 1, 28, 1, 32, "一些地区")]
    en = "Some users (12% of users) could not log in. A few customers saw errors."
    r = lint(en, kinds_config)
    assert spans(r, "t-counted") == [("t-counted", 1, 1, 1, 11, "Some users")]


def test_unless_before_drops_hits_preceded_by_the_set_within_the_window(kinds_config):
    # within: 6 characters, same sentence only
    zh = "这并非第三方的问题。并非如此。第三方也有责任。由于第三方故障。"
    r = lint(zh, kinds_config)
    assert spans(r, "t-blame") == [("t-blame", 1, 16, 1, 19, "第三方"), ("t-blame", 1, 26, 1, 29, "第三方")]
    en = ("It was not a third-party provider. It was not caused by any third-party provider. "
          "Not so. Third-party provider errors.")
    r = lint(en, kinds_config)
    assert spans(r, "t-blame") == [("t-blame", 1, 61, 1, 81, "third-party provider"),
                                   ("t-blame", 1, 91, 1, 111, "Third-party provider")]


def test_if_before_keeps_only_hits_preceded_by_the_set_within_the_window(kinds_config):
    # the complement of unless_before on the same text: within 6 characters, same sentence only
    zh = "这并非第三方的问题。并非如此。第三方也有责任。由于第三方故障。"
    assert spans(lint(zh, kinds_config), "t-blame-named") == [("t-blame-named", 1, 4, 1, 7, "第三方")]
    en = ("It was not a third-party provider. It was not caused by any third-party provider. "
          "Not so. Third-party provider errors.")
    assert spans(lint(en, kinds_config), "t-blame-named") == [("t-blame-named", 1, 14, 1, 34, "third-party provider")]


@pytest.mark.parametrize("text, expected", [
    ("不要写“部分用户”这样的词。", []),
    ("不要写「部分用户」这样的词。", []),
    ('Avoid "some users" in a notice.', []),
    ("Avoid “some users” in a notice.", []),
    # a quote with sentence punctuation inside is speech, not a mention
    ("他说：“部分用户无法登录。”", [("t-phrase", 1, 5, 1, 9, "部分用户")]),
    ('She said "Some users could not log in."', [("t-phrase", 1, 11, 1, 21, "Some users")]),
    # a quote longer than settings.quote_mention_max (24) is not a mention either
    ("“部分用户在今天上午十点到十一点之间无法登录也无法访问我们的网站”", [("t-phrase", 1, 2, 1, 6, "部分用户")]),
])
def test_quoted_mentions_are_skipped(kinds_config, text, expected):
    assert spans(lint(text, kinds_config), "t-phrase") == expected


# ---------------------------------------------------------------------------------------
# when: elements, min_chars, front_matter; report: first
# ---------------------------------------------------------------------------------------


def test_when_elements_and_report_first(kinds_config):
    r = lint("非常抱歉。再次道歉。", kinds_config)
    assert r.elements["responsibility"].status == "missing"
    assert spans(r, "t-first") == [("t-first", 1, 3, 1, 5, "抱歉")]  # the first apology only
    r = lint("我们的发布导致故障，非常抱歉。", kinds_config)
    assert r.elements["responsibility"].status == "present"
    assert spans(r, "t-first") == []
    r = lint("Sorry. We apologize.", kinds_config)
    assert spans(r, "t-first") == [("t-first", 1, 1, 1, 6, "Sorry")]
    # weak is not missing: the condition lists only `missing`
    r = lint("An issue occurred. Sorry.", kinds_config)
    assert r.elements["responsibility"].status == "weak"
    assert spans(r, "t-first") == []


def test_when_min_chars_per_language(kinds_config):
    # zh needs 20 non-space characters, en 60
    zh19 = "服务已经恢复正常运行了我们会继续观察情况。"[:19]
    assert len(zh19) == 19
    assert spans(lint(zh19, kinds_config), "t-long") == []
    zh20 = zh19 + "。"
    assert spans(lint(zh20, kinds_config), "t-long") == [("t-long", 1, 1, 1, 21, zh20)]
    assert spans(lint(zh20 + "感谢耐心。", kinds_config), "t-long") == []
    base = "The service is running normally again and we keep watching."
    en59, en60 = base + " It is fine.", base + " It is finer."
    assert [sum(1 for c in t if not c.isspace()) for t in (en59, en60)] == [59, 60]
    assert spans(lint(en59, kinds_config), "t-long") == []
    assert spans(lint(en60, kinds_config), "t-long") == [("t-long", 1, 1, 1, 60, base)]


def test_when_front_matter(kinds_config):
    body = "约XX名用户无法登录。\n"
    assert spans(lint(body, kinds_config), "t-template") == [("t-template", 1, 2, 1, 4, "XX")]
    r = lint("---\ntemplate: false\n---\n" + body, kinds_config)
    assert spans(r, "t-template") == [("t-template", 4, 2, 4, 4, "XX")]
    assert spans(lint("---\ntemplate: true\n---\n" + body, kinds_config), "t-template") == []
    r = lint("---\ntemplate: true\n---\nAbout XXX users.\n", kinds_config)
    assert spans(r, "t-template") == []
    r = lint("About XXX users.\n", kinds_config)
    assert spans(r, "t-template", level=True) == [("t-template", 1, 7, 1, 10, "XXX", "error")]


# ---------------------------------------------------------------------------------------
# substitution
# ---------------------------------------------------------------------------------------


def test_substitution_swaps_per_language_with_fix(kinds_config):
    r = lint("如有不便，敬请谅解。\n\nSorry for any inconvenience. Any inconvenience is regretted.\n", kinds_config)
    got = [(f.line, f.column, f.end_line, f.end_column, f.text, f.message, f.suggestion, f.fix)
           for f in r.findings if f.rule == "t-swap"]
    assert got == [
        (1, 1, 1, 5, "如有不便", '"如有不便" → "对此造成的不便"', "对此造成的不便", "对此造成的不便"),
        # a `match` hit has no mechanical replacement: {replacement} is the rule's suggestion
        (1, 6, 1, 10, "敬请谅解", '"敬请谅解" → "为发生的事道歉。"', "为发生的事道歉。", None),
        (3, 11, 3, 28, "any inconvenience", '"any inconvenience" → "the disruption"', "the disruption",
         "the disruption"),
        (3, 30, 3, 47, "Any inconvenience", '"Any inconvenience" → "The disruption"', "The disruption",
         "The disruption"),
    ]


def test_substitution_match_does_not_repeat_a_swapped_span(kinds_config):
    r = lint("Sorry if any inconvenience was caused.", kinds_config)
    assert spans(r, "t-swap") == [("t-swap", 1, 1, 1, 9, "Sorry if"), ("t-swap", 1, 10, 1, 27, "any inconvenience")]


# ---------------------------------------------------------------------------------------
# occurrence
# ---------------------------------------------------------------------------------------


def test_occurrence_max_per_document_with_per_chars_allowance(kinds_config):
    # max 1, per_chars 40: allowed = 1 + non-space characters // 40
    short = "抱歉。" + "服务已恢复。" * 5 + "抱歉。"
    assert len(short) == 36
    r = lint(short, kinds_config)
    assert spans(r, "t-many") == [("t-many", 1, 34, 1, 36, "抱歉")]
    assert [f.message for f in r.findings if f.rule == "t-many"] == ['2 apologies, 1 allowed: "抱歉"']
    longer = "抱歉。" + "服务已恢复。" * 6 + "抱歉。"
    assert len(longer) == 42
    assert spans(lint(longer, kinds_config), "t-many") == []
    three = longer + "道歉。"
    r = lint(three, kinds_config)
    assert spans(r, "t-many") == [("t-many", 1, 43, 1, 45, "道歉")]
    assert [f.message for f in r.findings if f.rule == "t-many"] == ['3 apologies, 2 allowed: "道歉"']
    # English: counted over the whole document, across paragraphs
    r = lint("Sorry.\n\nWe apologize.\n", kinds_config)
    assert spans(r, "t-many") == [("t-many", 3, 4, 3, 13, "apologize")]


def test_occurrence_sentence_scope(kinds_config):
    r = lint("抱歉，抱歉。抱歉。Sorry, so sorry. Sorry.", kinds_config)
    assert spans(r, "t-many-sentence") == [("t-many-sentence", 1, 4, 1, 6, "抱歉"),
                                           ("t-many-sentence", 1, 20, 1, 25, "sorry")]
    assert [f.message for f in r.findings if f.rule == "t-many-sentence"] == ["2 in one sentence"] * 2


def test_occurrence_min_reports_at_the_document_anchor(kinds_config):
    r = lint("# 公告\n\n服务已恢复。\n", kinds_config)
    assert spans(r, "t-few") == [("t-few", 1, 3, 1, 5, "公告")]
    assert [f.message for f in r.findings if f.rule == "t-few"] == ["no apology (0 of 1)"]
    assert spans(lint("服务已恢复。抱歉。", kinds_config), "t-few") == []


# ---------------------------------------------------------------------------------------
# require
# ---------------------------------------------------------------------------------------


def test_require_element_missing_points_at_the_first_sentence(kinds_config):
    r = lint("服务已恢复。感谢耐心。\n", kinds_config)
    assert r.elements["remedy"].status == "missing"
    assert spans(r, "t-remedy", level=True) == [("t-remedy", 1, 1, 1, 7, "服务已恢复。", "error")]
    f = next(f for f in r.findings if f.rule == "t-remedy")
    assert (f.message, f.suggestion) == ("no remedy", "写明补救措施。")
    # a long first sentence wrapped over lines: the anchor stops at the end of its first line
    r = lint("---\nstage: update\n---\n\nThe service is\nback. Thanks.\n", kinds_config)
    assert spans(r, "t-remedy") == [("t-remedy", 5, 1, 5, 15, "The service is")]
    f = next(f for f in r.findings if f.rule == "t-remedy")
    assert (f.message, f.suggestion) == ("no remedy", "Say what you did.")


def test_require_element_weak_points_at_the_first_weak_evidence_one_level_lower(kinds_config):
    r = lint("服务中断。我们正在处理，正在处理。", kinds_config)
    assert r.elements["remedy"].status == "weak"
    assert [(e.line, e.column, e.text) for e in r.elements["remedy"].evidence] == [(1, 8, "正在处理"),
                                                                                   (1, 13, "正在处理")]
    assert spans(r, "t-remedy", level=True) == [("t-remedy", 1, 8, 1, 12, "正在处理", "warning")]
    f = next(f for f in r.findings if f.rule == "t-remedy")
    assert (f.message, f.suggestion) == ('"正在处理" is effort, not a remedy', "写明时间。")
    r = lint("Login is down. We are investigating.", kinds_config)
    assert spans(r, "t-remedy", level=True) == [("t-remedy", 1, 16, 1, 36, "We are investigating", "warning")]
    f = next(f for f in r.findings if f.rule == "t-remedy")
    assert (f.message, f.suggestion) == ('"We are investigating" is effort, not a remedy', "Give a time.")


def test_require_element_present_is_silent(kinds_config):
    for text in ("我们正在处理，已回滚。", "We are investigating. We rolled back the change."):
        r = lint(text, kinds_config)
        assert r.elements["remedy"].status == "present"
        assert spans(r, "t-remedy") == []


# ---------------------------------------------------------------------------------------
# conditional
# ---------------------------------------------------------------------------------------


def test_conditional_if_without_then(kinds_config):
    r = lint("约300位用户被重复扣款，其后再次重复扣款。\n\nAbout 300 customers were charged twice.\n", kinds_config)
    assert spans(r, "t-refund") == [("t-refund", 1, 9, 1, 13, "重复扣款")]  # reported once, at the first if-hit
    assert [f.message for f in r.findings if f.rule == "t-refund"] == ['"重复扣款" but no refund']
    r = lint("About 300 customers were charged twice.", kinds_config)
    assert spans(r, "t-refund") == [("t-refund", 1, 26, 1, 39, "charged twice")]


def test_conditional_then_anywhere_in_the_document(kinds_config):
    assert spans(lint("We refunded everyone.\n\nAbout 300 customers were charged twice.", kinds_config),
                 "t-refund") == []
    assert spans(lint("约300位用户被重复扣款。\n\n我们将全额退款。", kinds_config), "t-refund") == []
    # then-set in another language still counts: the condition is per document
    assert spans(lint("约300位用户被重复扣款。\n\nWe refunded everyone.", kinds_config), "t-refund") == []
