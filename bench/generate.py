"""Generate N synthetic apology / incident announcements for the benchmark (seeded, reproducible).

    python bench/generate.py OUT_DIR [--count 10000] [--seed 6]

60% Chinese, 40% English, 100–600 characters each, composed from many sentence templates
with varied numbers, services, regions, times and wording (good and bad announcements alike),
so the batch exercises every rule family rather than one repeated text. Nothing generated
here is committed; the benchmark writes it to a temporary directory.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

ZH_SERVICES = ["对象存储", "登录服务", "支付通道", "消息推送", "云数据库", "视频点播", "CDN 加速", "订单系统",
               "短信验证码", "客服热线", "会员中心", "直播服务", "搜索功能", "地图导航", "充值系统", "账号系统",
               "帳號系統", "伺服器", "退款通道", "API 网关"]
ZH_REGIONS = ["华东1（杭州）", "华北2（北京）", "华南1（深圳）", "香港", "新加坡", "上海", "成都", "全国", "广州",
              "台北", "西南地区"]
ZH_CAUSES = ["数据库升级过程中的一个配置错误", "一次未经充分测试的发布", "缓存集群的容量规划不足",
             "我们对证书续期的监控遗漏", "机房供电中断", "第三方支付渠道故障", "运营商网络波动",
             "某员工操作失误", "不可抗力", "一条错误的路由规则", "存储节点磁盘故障", "限流阈值设置过低"]
ZH_USERS = ["用户", "客户", "商户", "玩家", "会员", "开发者"]
ZH_TEMPLATES = [
    "{t1}起，{region}地域{service}出现访问异常。",
    "{t1}至{t2}，约{pct}%的{users}无法正常使用{service}。",
    "部分{users}在使用{service}时可能会遇到问题。",
    "经排查，此次故障是由于{cause}导致的。",
    "由于{cause}，{service}中断了约{mins}分钟。",
    "这是我们的责任，我们深表歉意。",
    "我们对此深表歉意，非常抱歉，十分抱歉，再次致歉！",
    "如有不便，敬请谅解。",
    "给您带来的不便，我们深感抱歉。",
    "目前工程师正在紧急处理中，我们会尽快恢复。",
    "我们已于{t2}完成回滚，服务已全面恢复。",
    "预计{mins}分钟内完全恢复，下一次更新时间为{t3}。",
    "受影响的{users}共约{count}名，涉及{orders}笔订单。",
    "对于重复扣款的{users}，我们将在{days}个工作日内原路退款。",
    "我们将为受影响的{users}补偿{coupon}元代金券，{days}日内自动发放到账户。",
    "后续我们会在{days}天内发布完整的事故复盘报告。",
    "我们将增加{service}的容量冗余，并在{days}天内上线自动切换。",
    "本次事故影响了{region}的{service}，持续约{mins}分钟。",
    "感谢大家的耐心与理解。",
    "我们理解这给大家的工作和生活带来了很大困扰。",
    "服务器 10.0.{a}.{b} 上的 nginx 1.{a}.{b} 出现了内存溢出。",
    "详情请联系客服 400-{count}。",
    "官方公告：{service}已恢复正常。",
    "目前仍有少量{users}反馈{service}响应缓慢，我们正在持续观察。",
    "事故原因：{cause}。影响范围：{region}约{pct}%的请求。",
    "请{users}不要重复提交订单，已扣款但未到账的款项将在{days}个工作日内退回。",
    "我们会进一步优化系统，努力提升服务质量。",
    "相关负责人已被严肃处理。",
]
EN_SERVICES = ["Payments API", "login service", "mobile app", "search", "file uploads", "checkout", "video calls",
               "dashboard", "email delivery", "webhooks", "EU-West region", "SSO", "billing",
               "push notifications", "CDN", "our database cluster"]
EN_CAUSES = ["a configuration change we deployed", "our database upgrade", "an expired certificate we failed to renew",
             "a bug in our release", "a third-party provider", "a power outage at the data center",
             "severe weather", "an engineer who ran the wrong command", "unforeseen circumstances",
             "a capacity limit we had not monitored", "a faulty network switch", "the operations team"]
EN_USERS = ["users", "customers", "merchants", "players", "developers", "teams", "accounts"]
EN_TEMPLATES = [
    "Starting at {t1} UTC, {service} returned errors for about {pct}% of {users}.",
    "Between {t1} and {t2} UTC, {count} {users} could not sign in.",
    "Some {users} may have experienced issues with {service}.",
    "This was caused by {cause}.",
    "Due to {cause}, {service} was unavailable for {mins} minutes.",
    "This was our mistake and we own it.",
    "We sincerely apologize, we are deeply sorry, and we truly apologize again.",
    "We apologize for any inconvenience this may have caused.",
    "Sorry if you were inconvenienced.",
    "Mistakes were made.",
    "Our engineers are working hard to resolve this as soon as possible.",
    "We rolled back the change at {t2} UTC and service is fully restored.",
    "We expect full recovery within {mins} minutes; next update by {t3} UTC.",
    "Roughly {count} {users} in {region} were affected.",
    "Duplicate charges will be refunded within {days} business days.",
    "Affected {users} will receive a {coupon} USD service credit within {days} days.",
    "We will publish a full post-mortem within {days} days.",
    "We are adding automated certificate checks and will finish by {date}.",
    "We understand how disruptive this was for your team.",
    "The host db-{a}.internal (10.2.{a}.{b}) ran PostgreSQL 9.{a}.{b}.",
    "We are investigating.",
    "Service has been restored.",
    "Thank you for your patience.",
    "Please do not retry payments; any amount charged twice is returned automatically within {days} days.",
    "We are committed to providing the best possible experience.",
    "A small number of {users} still see slow responses from {service}; we are monitoring.",
    "Root cause: {cause}. Impact: {pct}% of requests in {region}.",
]
EN_REGIONS = ["us-east-1", "Europe", "Singapore", "Frankfurt", "São Paulo", "the APAC region", "Canada"]
ZH_TITLES = ["# 关于{service}故障的致歉说明", "# 【已恢复】{service}访问异常", "# 致歉信", "# 【调查中】{region}{service}异常",
             "## 事故复盘：{service}", "# 關於{service}異常的說明"]
EN_TITLES = ["# Our apologies for the {service} outage", "# Incident: elevated errors on {service}",
             "# Resolved: {service} degradation", "## Post-mortem: {service}", "# Update on {service}"]


def _fields(rng: random.Random, zh: bool) -> dict:
    h1 = rng.randint(0, 21)
    m1 = rng.randint(0, 59)
    mins = rng.choice([5, 12, 18, 25, 30, 45, 50, 75, 90, 120])
    t2 = (h1 * 60 + m1 + mins)
    t3 = t2 + rng.choice([15, 30, 60])
    return {
        "t1": f"{h1:02d}:{m1:02d}", "t2": f"{t2 // 60 % 24:02d}:{t2 % 60:02d}",
        "t3": f"{t3 // 60 % 24:02d}:{t3 % 60:02d}", "mins": mins, "pct": rng.choice([1, 3, 5, 8, 12, 15, 20, 35, 60]),
        "count": rng.choice([120, 860, 1500, 3200, 12000, 48000, 250000]), "orders": rng.randint(10, 9000),
        "days": rng.choice([1, 2, 3, 5, 7, 10, 14, 30]), "coupon": rng.choice([5, 10, 20, 50, 100]),
        "a": rng.randint(1, 250), "b": rng.randint(1, 250),
        "date": f"{rng.choice(['March', 'April', 'June', 'October'])} {rng.randint(1, 28)}",
        "service": rng.choice(ZH_SERVICES if zh else EN_SERVICES),
        "region": rng.choice(ZH_REGIONS if zh else EN_REGIONS),
        "cause": rng.choice(ZH_CAUSES if zh else EN_CAUSES),
        "users": rng.choice(ZH_USERS if zh else EN_USERS),
    }


def announcement(rng: random.Random, zh: bool) -> str:
    """One announcement of 100–600 characters."""
    target = rng.randint(100, 600)
    templates = ZH_TEMPLATES if zh else EN_TEMPLATES
    f = _fields(rng, zh)
    parts: list[str] = []
    if rng.random() < 0.6:
        parts.append(rng.choice(ZH_TITLES if zh else EN_TITLES).format(**f) + "\n\n")
    length = sum(map(len, parts))
    paragraph_len = 0
    while length < target:
        sentence = rng.choice(templates).format(**_fields(rng, zh) if rng.random() < 0.3 else f)
        if length + len(sentence) > 600:
            break
        if paragraph_len and rng.random() < 0.25:
            parts.append("\n\n")
            paragraph_len = 0
        elif paragraph_len and not zh:
            parts.append(" ")
        if rng.random() < 0.08:
            sentence = ("- " if not paragraph_len else "\n- ") + sentence
        parts.append(sentence)
        paragraph_len += len(sentence)
        length = sum(map(len, parts))
    text = "".join(parts).strip()
    while len(text) < 100:  # short templates drew short: pad with one more sentence
        text += (" " if not zh else "") + rng.choice(templates).format(**f)
    return text[:599].rstrip() + "\n"


def generate(out: Path, count: int, seed: int = 6) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        zh = rng.random() < 0.6
        path = out / f"{i:05d}-{'zh' if zh else 'en'}.md"
        path.write_text(announcement(rng, zh), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    paths = generate(args.out, args.count, args.seed)
    print(f"wrote {len(paths)} announcements to {args.out}")


if __name__ == "__main__":
    main()
