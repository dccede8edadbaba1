"""Thread benchmark (issue 13): one status-page file of N dated updates, checked as a thread.

Prints, for 125, 250 and 500 updates (or --updates), the time to find the updates, to lint each one as a
notice, and to run the thread rules, with the time per update: a linear thread keeps the last column flat.
A figure, not a test.

    python bench/threads.py
    python bench/threads.py --updates 500 --repeats 3
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

STAGES = ["Investigating", "Identified", "Monitoring", "Update"]
BODIES = [
    "About {share}% of card payments in Europe fail with a generic error. We are investigating. Next update at {next} UTC.",
    "The cause is a certificate we did not renew; about {share}% of payments are affected. We are deploying a new one. "
    "Next update at {next} UTC.",
    "The decline rate is down from {share}% to {low}% after the rollback of our release. Next update at {next} UTC.",
    "We are still investigating the failed payments. Next update at {next} UTC.",
]


def thread_text(updates: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc)
    out = ["---", "thread: bench", "---", "# Payments incident", ""]
    for i in range(updates):
        at = start + timedelta(minutes=30 * i)
        stage = "Resolved" if i == updates - 1 else STAGES[i % len(STAGES)]
        body = rng.choice(BODIES).format(share=rng.randint(2, 40), low=rng.randint(0, 2),
                                         next=(at + timedelta(minutes=30 + rng.choice([0, 0, 0, 25]))).strftime("%H:%M"))
        out += [f"## {stage} — {at:%b} {at.day}, {at.year}, {at:%H:%M} UTC", "", body, ""]
    return "\n".join(out)


def measure(updates: int, repeats: int) -> tuple[float, float, float, int]:
    from apolint import api, incident_check, threads
    from apolint.config import Config
    from apolint.document import split_front_matter

    cfg = Config()
    ruleset = api.ruleset_for(cfg)
    text = thread_text(updates)
    meta, body = split_front_matter(text)
    split_times, lint_times, rule_times = [], [], []
    findings = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        thread = threads.status_page_thread("bench.md", text, ruleset, meta, body)
        t1 = time.perf_counter()
        incident_check.lint_updates(thread, cfg)
        t2 = time.perf_counter()
        findings = len(threads.check(thread, ruleset, datetime(2026, 12, 3, tzinfo=timezone.utc)))
        t3 = time.perf_counter()
        split_times.append(t1 - t0)
        lint_times.append(t2 - t1)
        rule_times.append(t3 - t2)
    assert len(thread.updates) == updates
    return statistics.median(split_times), statistics.median(lint_times), statistics.median(rule_times), findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, nargs="*", default=[125, 250, 500])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from apolint import api
    from apolint.config import Config

    api.lint_text(thread_text(4), config=Config())  # load packs and segmenters once, untimed
    print(f"{'updates':>8} {'split':>9} {'lint':>9} {'rules':>9} {'total':>9} {'per update':>11} {'findings':>9}")
    for n in args.updates:
        split, lint, rules, findings = measure(n, args.repeats)
        total = split + lint + rules
        print(f"{n:>8} {split * 1000:>7.1f}ms {lint * 1000:>7.0f}ms {rules * 1000:>7.1f}ms {total * 1000:>7.0f}ms "
              f"{total / n * 1000:>9.2f}ms {findings:>9}")


if __name__ == "__main__":
    main()
