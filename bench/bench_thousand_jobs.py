"""A thousand concurrent jobs in one process: /remix from 50 members over 10 channels in one burst.

    .venv/bin/python bench/bench_thousand_jobs.py [JOBS] [BASELINE_JOBS]

The real bot (bot.run) in-process against the fake Discord and a fake MusicGPT that finishes a job
after two polls (eta 2 s, polls every 1 s), MUSICGPT_MAX_PARALLEL=1000. The baseline is the same
burst at BASELINE_JOBS (default 100) on a fresh bot in the same run, so each figure is printed
beside what the same code does with a tenth of the load (ratio: ours / baseline, lower is better
for latencies and costs). Figures: commands acknowledged within Discord's 3 s, acknowledgement
p50 / p99 and event-loop lag p99 (histograms read from the bot's /metrics), peak RSS of the process
(which also holds both fakes), CPU per job (process, fakes included), Discord requests per job and
429s (/metrics), and jobs delivered exactly once (one result message each, every row DELIVERED).
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import Bot, Samples, busy_bot, fire, metrics, results, table, total
from domain.jobs import Job, JobState
from storage.db import Database
from storage.jobs import JobRepository

MEMBERS = 50
CHANNELS = 10
BOUND = 900.0  # seconds a run may take before it is reported as not finished


def quantile(samples: Samples, name: str, q: float) -> float:
    """The q-quantile of a Prometheus histogram: the upper bound of the bucket that reaches it."""
    buckets = sorted(
        (float(dict(labels)["le"]), value) for (n, labels), value in samples.items() if n == f"{name}_bucket"
    )
    count = total(samples, f"{name}_count")
    for bound, cumulative in buckets:
        if count and cumulative >= q * count:
            return bound
    return float("nan")


async def burst(jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with busy_bot(
            Path(tmp),
            channels=CHANNELS,
            musicgpt_max_parallel=1000,
            musicgpt_poll_interval=1.0,
            musicgpt_status_per_minute=100_000,
            max_jobs_per_member=jobs // MEMBERS + 1,
            status_edit_interval=5.0,
        ) as bot:
            bot.musicgpt.eta = 2
            for n in range(MEMBERS - len([m for m in bot.h.discord.members.values() if not m.bot])):
                bot.h.discord.add_member(800000000000010000 + n, f"member{n}")
            cpu_before = _cpu()
            started = time.perf_counter()
            interactions = await fire(bot, jobs)
            print(f"{jobs}: burst answered in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            deadline = started + BOUND
            next_report = time.perf_counter() + 15
            while results(bot) < jobs and time.perf_counter() < deadline:
                await asyncio.sleep(0.5)
                if time.perf_counter() >= next_report:
                    next_report += 15
                    acked = sum(1 for ix in interactions if ix.response is not None)
                    print(f"  {acked} acknowledged, {results(bot)} delivered", file=sys.stderr)
            elapsed = time.perf_counter() - started
            cpu = _cpu() - cpu_before
            samples = await metrics(bot)
            rows = await _all_jobs(bot)
            posted = results(bot)
            delivered = sum(1 for j in rows if j.state is JobState.DELIVERED)
            stuck_received = sum(1 for j in rows if j.state is JobState.RECEIVED)
    acked = sum(1 for ix in interactions if ix.response is not None and ix.response.delay <= 3.0)
    return {
        "jobs": jobs,
        "acked within 3 s (%)": 100.0 * acked / jobs,
        "ack p50 (ms)": 1000 * quantile(samples, "remixbot_ack_latency_seconds", 0.5),
        "ack p99 (ms)": 1000 * quantile(samples, "remixbot_ack_latency_seconds", 0.99),
        "loop lag p99 (ms)": 1000 * quantile(samples, "remixbot_event_loop_lag_seconds", 0.99),
        "peak RSS (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "CPU per job (ms)": 1000 * cpu / jobs,
        "Discord requests per job": total(samples, "remixbot_discord_requests_total") / jobs,
        "429s from Discord": total(samples, "remixbot_discord_rate_limited_total"),
        "delivered exactly once (%)": 100.0 * min(delivered, posted) / jobs,
        "result messages": posted,
        "left in 'received'": stuck_received,
        "burst to last delivery (s)": elapsed,
    }


async def _all_jobs(bot: Bot) -> list[Job]:
    db = await Database.open(bot.h.tmp / "bot.sqlite3")
    try:
        return await JobRepository(db).recent(100_000)
    finally:
        await db.close()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(jobs: int, baseline_jobs: int) -> None:
    base = await burst(baseline_jobs)
    ours = await burst(jobs)
    print(
        f"/remix burst from {MEMBERS} members over {CHANNELS} channels; "
        f"baseline: the same burst at {baseline_jobs}"
    )
    rows = [
        (name, ours[name], base[name], ours[name] / base[name] if base[name] else float("nan"))
        for name in ours
    ]
    table(f"{jobs} jobs vs {baseline_jobs} jobs, one process", rows)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [1000, 100][len(args) :])))
