"""The incident lifecycle: stages, severities, channels, templates — exact findings, both languages."""
from __future__ import annotations


from apolint.kinds.length import measure, sms_segments
from conftest import cli_json, lint, spans

LIFECYCLE = {"missing-next-update", "premature-cause", "premature-eta", "missing-cause", "missing-eta",
             "missing-recovery-time", "missing-data-statement", "missing-support-path", "missing-postmortem-date",
             "missing-prevention", "missing-timeline", "blame-individual", "missing-apology", "over-apology-minor",
             "over-apology-count", "channel-length", "unfilled-placeholder"}


def lifecycle(result):
    return [s for s in spans(result) if s[0] in LIFECYCLE]


# --- counting units ---------------------------------------------------------------------

def test_sms_segments_gsm7_and_ucs2():
    assert sms_segments("a" * 160) == (1, 160, "GSM-7")
    assert sms_segments("a" * 161) == (2, 161, "GSM-7")  # multi-part: 153 per segment
    assert sms_segments("a" * 306) == (2, 306, "GSM-7")
    assert sms_segments("a" * 307) == (3, 307, "GSM-7")
    assert sms_segments("{" * 80) == (1, 160, "GSM-7")  # extension characters take two septets
    assert sms_segments("中" * 70) == (1, 70, "UCS-2")
    assert sms_segments("中" * 71) == (2, 71, "UCS-2")  # 67 per segment
    assert sms_segments("a" * 134 + "–") == (3, 135, "UCS-2")  # one en dash makes the whole text UCS-2
    assert sms_segments("") == (0, 0, "GSM-7")


def test_weighted_length_counts_cjk_and_full_width_twice():
    assert measure("weighted", "ab") == 2
    assert measure("weighted", "中文，１") == 8
    assert measure("chars", "中文，１") == 4


# --- stages -------------------------------------------------------------------------------

def test_acknowledge_flags_confident_cause_and_eta_en(builtin_config):
    r = lint("---\nstage: investigating\n---\nThe outage was caused by a failed database upgrade. "
             "We expect full recovery by 15:00 UTC.\n", builtin_config)
    assert r.stage == {"name": "acknowledge", "inferred": False}
    assert lifecycle(r) == [
        ("missing-next-update", 4, 1, 4, 52, "The outage was caused by a failed database upgrade."),
        ("premature-cause", 4, 12, 4, 25, "was caused by"),
        ("premature-eta", 4, 56, 4, 89, "expect full recovery by 15:00 UTC"),
    ]


def test_acknowledge_hedged_cause_and_next_update_are_fine_zh(builtin_config):
    r = lint("---\nstage: acknowledge\n---\n初步判断可能与数据库升级有关，我们正在确认，30分钟后更新进展。\n", builtin_config)
    assert lifecycle(r) == []
    r = lint("---\nstage: acknowledge\n---\n本次故障原因是数据库升级失败，预计16:00前恢复。\n", builtin_config)
    assert lifecycle(r) == [
        ("missing-next-update", 4, 1, 4, 27, "本次故障原因是数据库升级失败，预计16:00前恢复。"),
        ("premature-cause", 4, 5, 4, 8, "原因是"),
        ("premature-eta", 4, 16, 4, 26, "预计16:00前恢复"),
    ]


def test_resolved_requires_recovery_time_data_statement_support_and_postmortem_date(builtin_config):
    r = lint("---\nstage: resolved\n---\nThe issue is resolved and all services are working.\n", builtin_config)
    assert [s[0] for s in lifecycle(r)] == ["missing-data-statement", "missing-postmortem-date",
                                             "missing-recovery-time", "missing-support-path"]
    good = ("---\nstage: resolved\n---\nAll services recovered at 15:42 UTC. No data was lost. If you still see "
            "errors, contact support. A post-mortem will follow by Friday.\n")
    assert lifecycle(lint(good, builtin_config)) == []
    # a minor incident needs no post-mortem date
    minor = lint("---\nstage: resolved\nseverity: sev4\n---\n服务已于15:42恢复，未造成数据丢失。如仍有问题请联系在线客服。\n",
                 builtin_config)
    assert lifecycle(minor) == []


def test_postmortem_blame_and_timeline(builtin_config):
    r = lint("---\nstage: postmortem\n---\n涉事临时工已被辞退。我们的配置变更导致故障。\n", builtin_config)
    assert lifecycle(r) == [
        ("missing-data-statement", 4, 1, 4, 11, "涉事临时工已被辞退。"),
        ("missing-prevention", 4, 1, 4, 11, "涉事临时工已被辞退。"),
        ("missing-timeline", 4, 1, 4, 11, "涉事临时工已被辞退。"),
        ("blame-individual", 4, 3, 4, 6, "临时工"),
        ("blame-individual", 4, 8, 4, 10, "辞退"),
    ]


def test_stage_rules_do_not_apply_without_a_stage(builtin_config):
    r = lint("The outage was caused by a failed database upgrade. We expect recovery by 15:00 UTC.\n",
             builtin_config)
    assert lifecycle(r) == []


def test_stage_is_inferred_and_reported_not_enforced(builtin_config):
    r = lint("Investigating: we are aware of errors on checkout. Next update at 15:00 UTC.\n", builtin_config)
    assert r.stage == {"name": "acknowledge", "inferred": True}
    r = lint("# 复盘：3月12日登录故障\n\n根本原因是我们的配置变更。时间线如下。\n", builtin_config)
    assert r.stage == {"name": "postmortem", "inferred": True}
    assert "missing-prevention" not in {s[0] for s in spans(r)}


def test_unknown_stage_is_a_notice(builtin_config):
    r = lint("---\nstage: bananas\n---\nOur deploy broke logins.\n", builtin_config)
    assert r.stage is None
    assert r.notices == ["unknown stage 'bananas' ignored; expected one of acknowledge, update, identified, "
                         "resolved, postmortem"]


# --- severities ---------------------------------------------------------------------------

def test_sev1_must_apologise_and_p0_is_an_alias(builtin_config):
    r = lint("---\nseverity: P0\n---\nOur change caused a 2-hour outage for all users; we rolled it back at 16:10.\n",
             builtin_config)
    assert lifecycle(r) == [("missing-apology", 4, 1, 4, 77,
                             "Our change caused a 2-hour outage for all users; we rolled it back at 16:10.")]


def test_minor_notice_has_a_stricter_apology_budget(builtin_config):
    text = "---\nseverity: {}\n---\nSorry! Search was slow for 10 minutes this morning. Apologies again.\n"
    assert lifecycle(lint(text.format("sev4"), builtin_config)) == [
        ("over-apology-minor", 4, 53, 4, 62, "Apologies")]
    assert lifecycle(lint(text.format("sev2"), builtin_config)) == []


# --- channels -----------------------------------------------------------------------------

def test_sms_over_two_segments_points_at_the_sentence_to_cut(builtin_config):
    body = ("【星河银行】尊敬的客户：因我行系统升级，您3月8日的2笔消费交易被重复扣款，多扣的128元已于今日退回原卡，"
            "预计1至3个工作日到账。如有疑问请致电客服。给您带来的麻烦，我们非常抱歉，今后我们将加强升级前的核对流程。"
            "感谢您一直以来的理解与支持，祝您和家人生活愉快，万事如意。")
    assert len(body) > 134
    r = lint("---\nchannel: sms\n---\n" + body + "\n", builtin_config)
    [(rule, line, col, _, end_col, text)] = [s for s in lifecycle(r) if s[0] == "channel-length"]
    # 2 UCS-2 segments hold 134 characters; the 135th is in the last sentence
    assert (rule, line, col) == ("channel-length", 4, body.index("感谢您") + 1)
    assert text == "感谢您一直以来的理解与支持，祝您和家人生活愉快，万事如意。"
    finding = next(f for f in r.findings if f.rule == "channel-length")
    assert finding.message.startswith("This sms message is 3 SMS segments (")
    assert "1 over the budget of 2" in finding.message


def test_push_title_budget_and_no_budget_for_status_page(builtin_config):
    title = "We are sorry: payments in the app are failing for some users right now"
    r = lint(f"---\nchannel: push\n---\n{title}\nDetails on our status page.\n", builtin_config)
    assert [s for s in lifecycle(r) if s[0] == "channel-length"] == [
        ("channel-length", 4, 1, 4, len(title) + 1, title)]
    r = lint(f"---\nchannel: status-page\n---\n{title}\n", builtin_config)
    assert [s for s in lifecycle(r) if s[0] == "channel-length"] == []


# --- templates ----------------------------------------------------------------------------

def test_template_slots_satisfy_elements_and_placeholders_are_allowed(builtin_config):
    text = ("---\ntemplate: true\nstage: acknowledge\n---\nWe are investigating errors for {{ affected_users }} "
            "in ${region}. Next update: {{ next_update }}.\n")
    r = lint(text, builtin_config)
    assert {k: v.status for k, v in r.elements.items()}["impact"] == "present"
    assert lifecycle(r) == []
    draft = lint(text.replace("template: true\n", ""), builtin_config)
    assert [s for s in lifecycle(draft) if s[0] == "unfilled-placeholder"] == [
        ("unfilled-placeholder", 4, 33, 4, 53, "{{ affected_users }}"),
        ("unfilled-placeholder", 4, 57, 4, 66, "${region}"),
        ("unfilled-placeholder", 4, 81, 4, 98, "{{ next_update }}"),
    ]
    assert {k: v.status for k, v in draft.elements.items()}["impact"] != "present"


def test_template_without_a_slot_is_still_missing_zh(builtin_config):
    r = lint("---\ntemplate: true\n---\n【预计恢复时间】前恢复，给您带来不便敬请谅解。\n", builtin_config)
    statuses = {k: v.status for k, v in r.elements.items()}
    assert statuses == {"responsibility": "missing", "impact": "missing", "remedy": "present"}


def test_templates_glob_in_config_marks_templates(tmp_path, pipelines):
    (tmp_path / ".apolint.yaml").write_text("templates: ['templates/*.md']\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    text = "Our deploy broke logins for {affected_users}. Next update: {next_update}.\n"
    (tmp_path / "templates" / "ack.md").write_text(text, encoding="utf-8")
    (tmp_path / "draft.md").write_text(text, encoding="utf-8")
    code, data = cli_json("check", "--no-cache", "templates/ack.md", "draft.md", cwd=tmp_path)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in data["files"]}
    assert "unfilled-placeholder" not in by_path["templates/ack.md"]
    assert by_path["draft.md"].count("unfilled-placeholder") == 2


def test_stage_option_overrides_front_matter_and_json_reports_it(tmp_path, pipelines):
    (tmp_path / "n.md").write_text("---\nstage: resolved\n---\nWe are investigating login errors.\n",
                                   encoding="utf-8")
    code, data = cli_json("check", "--no-cache", "--stage", "investigating", "n.md", cwd=tmp_path)
    assert data["files"][0]["stage"] == {"name": "acknowledge", "inferred": False}
    assert "missing-next-update" in [x["rule"] for x in data["files"][0]["findings"]]
