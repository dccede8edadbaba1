"""The forms of each kind of evidence, written out systematically (our own sentences, not from any notice).

The lexicons were first grown from examples; these grids check them along the axes a writer varies (the
noun, the quantity, the tense, the script), so a pattern that only knew its examples fails here.
"""
import pytest

from apolint.api import lint_text


def features(text, lang):
    result = lint_text(text, lang=lang, complete_evidence=True)
    return {ev.feature for element in result.elements.values() for ev in element.evidence}


FIRES = {
    ("en", "affected-count"): [f"{q} {n} were affected between 09:00 and 10:00 UTC."
                               for q in ("about 1,200", "12% of", "one in five", "all")
                               for n in ("customers", "passengers", "cardholders", "households", "students", "devices")],
    ("en", "time-window"): ["The app was unavailable for 40 minutes.", "There was a 35-minute outage of the API.",
                            "Customers saw 90 minutes of downtime.", "The site was offline for just under two hours.",
                            "Users could not log in for half an hour.", "Deliveries were delayed by two days."],
    ("en", "action-taken"): ["Traffic was moved to the backup data centre.", "We added database capacity.",
                             "We rolled back last night's release.", "We froze the affected accounts."],
    ("en", "eta"): ["The fix should be complete tomorrow morning.", "We will restore service within two hours.",
                    "Refunds will arrive within 3 business days."],
    ("en", "next-update"): ["A full report will follow by 9am tomorrow.", "We'll update this page every 30 minutes."],
    ("en", "prevention"): ["We will run a failover drill every quarter.",
                           "We are moving payments to an active-active setup.",
                           "We have added automatic checks for duplicate charges."],
    ("en", "compensation"): ["Every player gets 300 gems.", "We will refund the fees in full."],
    ("en", "named-region"): ["Players on the EU West servers were disconnected.",
                             "Homes in the 2000 postcode lost power.", "Customers in London could not log in."],
    ("en", "data-statement"): ["Data written between 10:00 and 10:20 was lost.", "Passwords were not affected."],
    ("en", "recovery-stated"): ["The site is back up.", "All services are operating normally."],
    ("en", "deflection"): ["Severe weather damaged power lines.", "A user error caused the data loss.",
                           "A rogue employee accessed customer data.", "Amazon Web Services had a regional failure.",
                           "Our payment processor experienced an outage.", "An upstream ISP had a routing problem."],
    ("zh", "deflection"): ["第三方施工挖断了光缆。", "因合作银行系统升级，转账暂停。", "受供应商系统故障影响，订单无法同步。"],
    ("zh", "time-window"): ["应用在40分钟内无法使用。", "周一上午支付失败约一个小时。", "约四十五分钟内通话掉线。",
                            "停运从周一晚上持续到周二上午。", "故障于08:12开始，09:03结束。", "银行卡交易被拒17分钟。",
                            "用户有半小时无法登录。"],
    ("zh", "affected-count"): ["受影响用户约占总用户的3%。", "近九成会员无法领取权益。", "超过5万名玩家掉线。"],
    ("zh", "action-taken"): ["已将流量切至备用机房。", "我们已重启全部网关节点。"],
    ("zh", "prevention"): ["后续将每季度进行一次容灾演练。", "已新增重复扣款自动校验。"],
    ("zh", "data-statement"): ["约1200名用户的姓名和邮箱被泄露。", "目前没有证据显示支付信息被访问。", "密码未受影响。"],
    ("zh", "recovery-stated"): ["目前各项业务运行正常。", "系統已恢復正常。"],
    # the broad cues, weighed beside the lexicons (fitted as on new wording: apolint fit-weights --unseen)
    ("en", "deed"): ["We limited the number of concurrent uploads.", "Our engineers have replaced the failed disk.",
                     "Extra staff have been brought in at the depot.", "Delayed orders are being reprocessed."],
    ("zh", "deed"): ["已联系受影响的用户。", "工作人员已对旅客进行疏散。", "故障设备均已更换。"],
    ("en", "numeric-detail"): ["Trains were delayed by 15 minutes.", "The outage only affected the search page.",
                               "Around 40% of requests failed."],
    ("zh", "numeric-detail"): ["约3000户居民停电。", "故障导致数千万元交易失败。", "系统卡顿持续了两周。"],
    # a country, state or city from the list, where a failure is told
    ("en", "named-region"): ["Checkout returned errors to shoppers from Germany.", "In Ohio, the water supply was interrupted overnight.",
                             "The outage hit card payments for Canada and Mexico.", "Streaming was unavailable across the UK."],
    ("en", "data-statement"): ["Wallet balances were untouched.", "No exam marks were altered."],
    ("zh", "data-statement"): ["您的余额未发生任何变动。", "订单数据已全部保留。"],
    ("en", "recovery-stated"): ["Power is back on in the village.", "Buses are running to the normal timetable."],
    ("en", "prevention"): ["We have set a hard limit of five retries per hour.", "Releases now need sign-off from two maintainers."],
    ("zh", "prevention"): ["今后所有变更都须先在预发环境验证。", "新增了一条上线前检查。"],
    # probes v5: an owned cause with our plan, our job or "me" as the agent
    ("en", "owned-cause"): ["Our load forecast for the launch was far too low.", "Our nightly export job double-posted refunds.",
                            "Honestly, this one's on me.", "It was a poor decision on our part to upgrade during exams."],
    ("zh", "owned-cause"): ["这次宕机是我跳过灰度直接发布造成的。", "事故源于本处施工时规划不当。"],
    ("en", "first-person-fault"): ["We fell short of the standard you expect during the outage.",
                                   "We were not prepared for this much traffic."],
    ("zh", "first-person-fault"): ["我们对流量的预判不足，导致系统崩溃。", "我们没能及时通知大家。"],
    # lookalike set (sixth session): a slip told in the first person singular, an operation the publisher performed,
    # its own planned maintenance as the cause, a bureau's own equipment; Chinese written with spaces around numbers
    ("en", "owned-cause"): ["I pushed a config change that took the site down.", "I deleted the wrong backup volume."],
    ("zh", "owned-cause"): ["我们对华北区域的缓存集群进行了一次版本升级。", "本公司技术人员于6/3 09:00对计费系统执行版本更新。",
                            "本公司技術人員於6/3 09:00對計費系統執行版本更新。", "我在调整告警阈值时，把两个集群的地址写错了。",
                            "因系统升级维护，网上缴费暂停办理。", "本局的售票系统于今早出现故障。"],
    ("en", "time-window"): ["Some mirrors served stale files (3–5 May).",
                            "The maintenance, scheduled to end at 14:00, has been extended."],
    ("zh", "time-window"): ["故障于 08:12 开始，09:03 结束。"],
    ("zh", "affected-count"): ["约 8,300 笔订单支付失败。"],
    ("zh", "named-region"): ["中山路、解放路一带停水。", "位于江宁市的两家门店暂停营业。"],
    ("zh", "action-taken"): ["已经改回原来的配置。", "增派抢修人员30名。", "涉事门店已停业整改。"],
    ("zh", "data-statement"): ["经核对，账户余额准确无误。", "此次异常不影响考生的实际成绩。"],
    ("zh", "owned-cause"): ["此次故障是本平台自身的配置变更问题。", "我司华北仓储中心的分拣设备于昨日出现故障。"],
    ("zh", "action-taken"): ["客服将于今明两天逐一回拨。", "已在受影响的小区安排送水车临时供水。", "工程师正在将流量迁移至备用集群。"],
    ("zh", "deflection"): ["初步判断与上游接口变更有关。", "系门店个别员工未按规定操作所致。", "受节前订单量激增及华东地区连续降雨天气影响，部分快件延误。",
                           "已确认为某运营商通道拥塞。"],
}

NOT_FIRES = {
    ("zh", "time-window"): ["预计2小时内恢复。", "我们将在30分钟后更新进展。", "故障预计需要2小时修复。",
                            "系统异常，预计1小时内恢复。", "支付失败的订单将在24小时内退款。"],
    # a platform alone is not a scope (our labels); a place where no failure is told, or where our people are, is not either
    ("en", "named-region"): ["Mobile customers could not pay.", "Our team in London is investigating the outage.",
                             "The fault was found by our engineers in Dublin.", "Thanks to everyone in Toronto for their patience."],
    # effort under way, and verbs that as often tell the cause, are not deeds
    ("en", "deed"): ["We are investigating elevated error rates.", "We introduced a bug in Tuesday's release."],
    ("zh", "deed"): ["技术人员正在全力抢修。", "我们已联系支付机构核实情况。"],
    # a next update, a time since, a price or one culprit is no measure of impact
    ("en", "numeric-detail"): ["Payments are failing; next update in 30 minutes.", "The outage began 10 minutes ago."],
    ("zh", "numeric-detail"): ["系统故障导致商品价格被设置为9.9元。", "一名员工误操作导致服务中断。",
                               "服务当前无法访问，预计30分钟内恢复。", "系统异常，2小时后更新进展。"],
    ("en", "first-person-fault"): ["Our estimate was wrong; the outage lasted longer."],
    ("zh", "data-statement"): ["为保障账户安全，请勿向他人泄露验证码。"],  # advice, not a statement about data
    ("en", "owned-cause"): ["Our payment provider's own systems failed overnight."],  # the provider's, not ours
    ("zh", "first-person-fault"): ["部分用户未能正常获取流量。"],  # the users' failure, not ours
    # lookalike set: realms taken offline on purpose, a charge told as the harm, the place of the weather, a brand,
    # a remedy acting on "all of the" payments, a standing offer, a plan, an upstream address, a reader's option, a date
    ("en", "owned-cause"): ["Last night we took the EU realms offline to roll them back."],
    ("en", "first-person-fault"): ["We are aware that some members were incorrectly charged a fee."],
    ("en", "named-region"): ["Because of heavy snow in Denver, some flights are delayed.",
                             "A statement from Hollow Market: checkout failed on Sunday."],
    ("en", "affected-count"): ["By Friday all of the duplicate payments had been reversed."],
    ("en", "compensation"): ["Members get free shipping on orders over $50."],
    ("zh", "owned-cause"): ["我们将对数据库进行一次扩容。"],
    ("zh", "deflection"): ["我把上游地址改错了，导致同步失败。"],
    ("zh", "compensation"): ["如需退回商品，请在App内申请。"],
    ("zh", "affected-count"): ["多扣的费用将在12月3日前退回。"],
    # lookalike set 2: a discount, sympathy for the reader's disappointment, a disclaimer, an offer of help, a host we use
    ("en", "affected-count"): ["The email promised 40% off everything."],
    ("en", "first-person-fault"): ["We are sorry for the confusion and disappointment."],
    ("en", "owned-cause"): ["Brightmoor's own systems were not affected at any time."],
    ("zh", "first-person-fault"): ["如有问题请联系我们的客服。"],
    ("zh", "owned-cause"): ["因我们所使用的托管商机房断电，服务中断。", "此次故障是第三方自身的变更问题。",
                            "经检查，本局的售票系统未出现故障。"],
}


@pytest.mark.parametrize("lang, feature, text", [(lang, f, t) for (lang, f), ts in FIRES.items() for t in ts])
def test_each_form_fires_its_feature(lang, feature, text):
    assert feature in features(text, lang)


@pytest.mark.parametrize("lang, feature, text", [(lang, f, t) for (lang, f), ts in NOT_FIRES.items() for t in ts])
def test_near_forms_do_not(lang, feature, text):
    assert feature not in features(text, lang)


OWNED = {
    "en": ["A bug we introduced in Tuesday's release caused the outage.", "Our engineers deleted a production table by mistake.",
           "Our capacity planning did not account for the holiday peak.", "We underestimated the load from the launch.",
           "We failed to renew our TLS certificate in time.", "An error in our billing code charged customers twice."],
    "zh": ["由于我们上线的新版本存在缺陷，导致部分用户无法登录。", "我们的数据库迁移锁住了支付表。", "我们推送了有问题的App更新。",
           "我们对此次事故负全部责任。", "我们的容量规划没有考虑到节假日高峰。", "因我司工作人员操作失误，导致系统中断。"],
}
NOT_OWNED = {
    "en": ["The outage was caused by our cloud provider.", "Our provider could not handle the load.",
           "A third-party payment processor had an outage.", "One employee acted against our policy."],
    "zh": ["故障由云服务商导致。", "第三方支付渠道发生故障。", "个别员工违规操作。", "我们对此不负责任。"],
}


@pytest.mark.parametrize("lang, text", [(lang, t) for lang, ts in OWNED.items() for t in ts])
def test_an_owned_cause_alone_makes_responsibility_present(lang, text):
    assert lint_text(text, lang=lang).elements["responsibility"].status == "present"


@pytest.mark.parametrize("lang, text", [(lang, t) for lang, ts in NOT_OWNED.items() for t in ts])
def test_blame_elsewhere_does_not(lang, text):
    assert lint_text(text, lang=lang).elements["responsibility"].status != "present"


@pytest.mark.parametrize("lang, quantity, noun", [("en", q, n) for q in ("some", "a few", "certain", "several")
                                                  for n in ("drivers", "patients", "students", "customers")]
                         + [("zh", q, n) for q in ("部分", "少数", "个别") for n in ("航班", "用户", "学生", "商户")])
def test_an_unmeasured_quantity_of_any_population_is_vague_scope(lang, quantity, noun):
    text = (f"This morning {quantity} {noun} were affected by the outage." if lang == "en"
            else f"今天上午{quantity}{noun}出现异常，我们正在处理。")
    hits = [text[f.start:f.end] for f in lint_text(text, lang=lang).findings if f.rule == "vague-scope"]
    assert hits == [f"{quantity} {noun}" if lang == "en" else f"{quantity}{noun}"]


VAGUE = [  # (lang, text, rule, the flagged phrase or None)
    ("zh", "补偿将在日后发放。", "vague-time", "日后发放"),
    ("zh", "具体时间另行公告。", "vague-time", "时间另行公告"),
    ("zh", "本行日后每月进行一次演练。", "vague-time", None),  # 'from now on', not a promise of when
    ("zh", "补偿内容另行公告。", "vague-time", None),  # what, not when
    ("zh", "App有小幅卡顿。", "vague-minimise", "小幅卡顿"),
    # a consequence clause points back at the incident being told; a cause that names nothing is vague
    ("en", "Because of the incident, payments failed between 10:00 and 10:30 UTC.", "vague-cause", None),
    ("en", "Due to an issue, payments failed between 10:00 and 10:30 UTC.", "vague-cause", "Due to an issue"),
    # the guide's own examples: when it happened, without a time; a drill promised without content
    ("en", "Last week's outage affected payments.", "vague-time", "Last week's outage"),
    ("en", "Earlier this week, orders were delayed.", "vague-time", "Earlier this week"),
    ("en", "Earlier this week, between 10:00 and 11:00 UTC, orders were delayed.", "vague-time", None),
    ("zh", "后续将加强容灾演练。", "vague-action", "加强容灾演练"),
    ("zh", "后续将每季度进行一次容灾演练。", "vague-action", None),
    # grown from probes v3 (our own sentences here): the family, and the concrete or negated near miss
    ("en", "It is possible that receipts were not sent.", "vague-hedge", "It is possible that"),
    ("en", "It is possible that the cause was a full disk.", "vague-hedge", None),  # a hedged cause is honest
    ("en", "Lessons have been learned.", "vague-action", "Lessons have been learned"),
    ("en", "We will strengthen our alerting.", "vague-action", "strengthen our alerting"),
    ("en", "We will strengthen our alerting by paging on queue depth.", "vague-action", None),
    ("en", "To prevent a recurrence, we have added a second feed.", "vague-action", None),
    ("en", "A glitch in the system delayed invoices.", "vague-cause", "A glitch"),
    ("en", "A glitch in our rounding script delayed invoices.", "vague-cause", None),
    ("en", "The impact on deliveries was negligible.", "vague-minimise", "impact on deliveries was negligible"),
    ("en", "This was not a minor hiccup.", "vague-minimise", None),
    ("zh", "因系统因素，缴费暂停。", "vague-cause", "系统因素"),
    ("zh", "这次只是虚惊一场。", "vague-minimise", "虚惊一场"),
    ("zh", "如无意外，今晚能恢复。", "vague-hedge", "如无意外"),
    ("zh", "个别网点无法办理转账。", "vague-scope", "个别网点"),
    # a conditional warning is not a hedge (the guide); the same words told as what happened are
    ("zh", "如果您在九点前下单，可能会收到两条短信。", "vague-hedge", None),
    ("zh", "部分用户可能收到了两条短信。", "vague-hedge", "可能收到"),
    ("zh", "今天有零星降雨，请注意出行。", "vague-scope", None),  # weather, not who was affected
    ("zh", "只有零星用户无法登录。", "vague-scope", "零星用户"),
    # a thousands separator is not a comma that goes on to say what it was ("technical issues, about 300 …")
    ("en", "An internal error meant that 3,400 reminders were sent twice.", "vague-cause", "An internal error"),
    ("en", "Technical issues, about 300 of them, delayed payouts.", "vague-cause", None),
    # review of the session's families: a concrete action or an empathy line around the same words is not vague
    ("en", "Behind the scenes, our engineers replaced the failed disk at 10:02.", "vague-action", None),
    ("en", "Remedial work is under way at the pumping station.", "vague-action", "Remedial work"),
    ("en", "Remedial work to replace the cable starts at 10:00.", "vague-action", None),
    ("en", "We know not everyone will be happy with this change.", "vague-scope", None),
    ("en", "Not everyone got the reward on Tuesday.", "vague-scope", "Not everyone"),
    # grown from probes v4
    ("en", "Crews are doing everything in their power to reopen the road.", "vague-action", "doing everything in their power"),
    ("en", "Refunds will be issued within a reasonable timeframe.", "vague-time", "within a reasonable timeframe"),
    ("en", "Refunds will be issued at the earliest.", "vague-time", "at the earliest"),
    ("en", "Refunds will be issued at the earliest on Monday.", "vague-time", None),
    ("en", "To the best of our knowledge, no invoices were duplicated.", "vague-hedge", "To the best of our knowledge"),
    ("en", "Following an incident at the pumping station, pressure is low.", "vague-cause", "an incident at the pumping station"),
    ("en", "Because of an issue at our card partner, transfers are delayed.", "vague-cause", None),
    ("zh", "因业务调整，该功能将下线。", "vague-cause", "业务调整"),
    ("zh", "看起来支付已经好了。", "vague-hedge", "看起来支付已经好了"),
    # grown from the lookalike set (sixth session)
    ("en", "Orders may arrive a little later than usual.", "vague-hedge", "may arrive a little later"),
    ("en", "Customers on the old plan would have seen timeouts.", "vague-hedge", "would have seen"),
    ("en", "Search looks unaffected so far.", "vague-hedge", "looks unaffected"),
    ("en", "Your statement should now be correct.", "vague-hedge", "should now be correct"),
    ("en", "In some cases, invoices were sent twice.", "vague-scope", "In some cases"),
    ("en", "Most stores were back online by noon.", "vague-scope", "Most stores"),
    ("en", "The outage hit a wider group of users.", "vague-scope", "a wider group of"),
    ("en", "Our engineers are continuing to work on a fix.", "vague-action", "continuing to work on a fix"),
    ("en", "The release was delayed due to an issue found in testing.", "vague-cause", "due to an issue"),
    ("en", "Due to an issue with our billing database, invoices failed.", "vague-cause", None),
    ("en", "Customers had no broadband this afternoon.", "vague-time", "no broadband this afternoon"),
    ("en", "Last night, the app was down for many users.", "vague-time", "Last night"),
    ("en", "We failed to update the page last night.", "vague-time", None),
    ("zh", "开通时间另行通知。", "vague-time", "时间另行通知"),
    ("zh", "补偿内容另行通知。", "vague-time", None),  # what, not when
    ("zh", "由于服务器出现异常，游戏暂停登录。", "vague-cause", "服务器出现异常"),
    ("zh", "由于数据库升级出现异常，游戏暂停登录。", "vague-cause", None),  # the upgrade is named
    ("zh", "部分快递柜出现故障。", "vague-scope", "部分快递柜"),
    ("zh", "我们正在全力协调资源。", "vague-action", "全力协调"),
    ("zh", "旅客出现较长时间的排队。", "vague-time", "较长时间"),
    # grown from lookalike set 2
    ("en", "The outage hit some of our mail relays.", "vague-scope", "some of our mail relays"),
    ("en", "We have some ideas about the cause.", "vague-scope", None),
    ("en", "Parcels may take a little longer to arrive.", "vague-hedge", "may take a little longer"),
    ("en", "We will post again when we know more.", "vague-time", "when we know more"),
    ("en", "We are promising 30% off your next order.", "vague-scope", None),
    ("zh", "技术人员正在紧急处理中。", "vague-action", "正在紧急处理中"),
    ("zh", "技术人员正在紧急处理中，预计20:00前恢复。", "vague-action", None),
    ("zh", "我们会持续提升服务品质。", "vague-action", "持续提升服务品质"),
    ("zh", "部分包裹可能暂未进行扫描。", "vague-hedge", "可能暂未进行扫描"),
    ("zh", "个别考场的成绩显示异常。", "vague-scope", "个别考场"),
]


@pytest.mark.parametrize("lang, text, rule, phrase", VAGUE)
def test_vague_forms(lang, text, rule, phrase):
    hits = [text[f.start:f.end] for f in lint_text(text, lang=lang).findings if f.rule == rule]
    assert hits == ([phrase] if phrase else [])
