"""A thousand concurrent jobs in one process: /remix from 50 members over 10 channels in one burst.

    .venv/bin/python bench/bench_thousand_jobs.py [JOBS] [BASELINE_JOBS] [PER_SECOND]

The real bot as a process of its own (bench/bot_process.py: bot.py's main(), settings from the
environment) against the fake Discord and a fake MusicGPT that finishes a job after two polls (eta
2 s, polls every 1 s), MUSICGPT_MAX_PARALLEL=1000; the fakes and this script run in another process,
so the bot's RSS, CPU and event-loop lag are its own. Two bursts of JOBS: every command at once (the
fake sends the 1,000 INTERACTION_CREATE events back to back), and PER_SECOND commands a second
(default 50, the issue's rate for 300 jobs). The baseline is BASELINE_JOBS (default 100) all at once
on a fresh bot in the same run, so each figure is printed beside what the same code does with a
tenth of the load (ratio: ours / baseline, lower is better for latencies and costs); the paced burst
is also run with AUDIO_WORKERS=1 (probes and transcodes in a worker process, engine/offload.py,
instead of threads of the bot, the default) and printed beside it.

Figures: commands acknowledged within Discord's 3 s and the acknowledgement p50 / p99 as Discord
sees it (the fake's clock, from sending INTERACTION_CREATE to receiving the first callback, late
ones included; exact), the same p99 inside the bot and the event-loop lag p99 (bucket bounds of
the bot's /metrics histograms), peak RSS of the bot process (VmHWM) and the memory of its audio
worker processes (engine/offload.py; their proportional set size, shared pages counted once), CPU
per job (the bot process alone), Discord requests per job and 429s (/metrics), and jobs delivered
exactly once (one result message each, every row DELIVERED).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import Bot, BotProcess, Samples, busy_bot, fire, metrics, results, table, total
from domain.jobs import Job, JobState
from storage.db import Database
from storage.jobs import JobRepository
from tests.fakes.discord import FakeInteraction

MEMBERS = 50
CHANNELS = 10
BOUND = 900.0  # seconds a run may take before it is reported as not finished
nan = float("nan")


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


async def burst(jobs: int, per_second: float | None = None, audio_workers: int = 0) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with busy_bot(
            Path(tmp),
            channels=CHANNELS,
            process=True,
            musicgpt_max_parallel=1000,
            musicgpt_poll_interval=1.0,
            musicgpt_status_per_minute=100_000,
            max_jobs_per_member=jobs // MEMBERS + 1,
            status_edit_interval=5.0,
            audio_workers=audio_workers,
        ) as bot:
            bot.musicgpt.eta = 2
            for n in range(MEMBERS - len([m for m in bot.h.discord.members.values() if not m.bot])):
                bot.h.discord.add_member(800000000000010000 + n, f"member{n}")
            assert isinstance(bot.h, BotProcess)
            cpu_before = bot.h.cpu()
            started = time.perf_counter()
            interactions = await fire(bot, jobs, per_second=per_second)
            print(f"{jobs}: burst answered in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            deadline = started + BOUND
            next_report = time.perf_counter() + 15
            # Every command answered or past Discord's 3 s, and every job it started delivered.
            while not _settled(interactions, results(bot)) and time.perf_counter() < deadline:
                await asyncio.sleep(0.5)
                bot.h.sample()
                if time.perf_counter() >= next_report:
                    next_report += 15
                    acked = sum(1 for ix in interactions if ix.response is not None)
                    print(f"  {acked} acknowledged, {results(bot)} delivered", file=sys.stderr)
            elapsed = time.perf_counter() - started
            cpu = bot.h.cpu() - cpu_before
            samples = await metrics(bot)
            bot.h.sample()
            peak_rss, helpers_pss = bot.h.peak_rss_mb, bot.h.helpers_pss_mb
            rows = await _all_jobs(bot)
            posted = results(bot)
            delivered = sum(1 for j in rows if j.state is JobState.DELIVERED)
            stuck_received = sum(1 for j in rows if j.state is JobState.RECEIVED)
    acked = sum(1 for ix in interactions if ix.response is not None and ix.response.delay <= 3.0)
    # Every first answer, accepted or too late (the fake refuses those as Discord would).
    delays = sorted(ix.callbacks[0].delay for ix in interactions if ix.callbacks)
    cuts = statistics.quantiles(delays, n=100, method="inclusive") if len(delays) > 1 else [nan] * 99
    return {
        "jobs": jobs,
        "acked within 3 s (%)": 100.0 * acked / jobs,
        "ack p50, Discord's view (ms)": 1000 * cuts[49],
        "ack p99, Discord's view (ms)": 1000 * cuts[98],
        "ack p99, bot's /metrics (<= ms)": 1000 * quantile(samples, "remixbot_ack_latency_seconds", 0.99),
        "loop lag p99, /metrics (<= ms)": 1000 * quantile(samples, "remixbot_event_loop_lag_seconds", 0.99),
        "peak RSS, bot process (MB)": peak_rss,
        "its audio workers, PSS (MB)": helpers_pss,
        "CPU per job, bot process (ms)": 1000 * cpu / jobs,
        "Discord requests per job": total(samples, "remixbot_discord_requests_total") / jobs,
        "429s from Discord": total(samples, "remixbot_discord_rate_limited_total"),
        "delivered exactly once (%)": 100.0 * min(delivered, posted) / jobs,
        "result messages": posted,
        "left in 'received'": stuck_received,
        "burst to last delivery (s)": elapsed,
    }


def _settled(interactions: list[FakeInteraction], delivered: int) -> bool:
    now = time.monotonic()
    if any(ix.response is None and now < ix.created_at + 3.5 for ix in interactions):
        return False
    return delivered >= sum(1 for ix in interactions if ix.response is not None)


async def _all_jobs(bot: Bot) -> list[Job]:
    db = await Database.open(bot.h.tmp / "bot.sqlite3")
    try:
        return await JobRepository(db).recent(100_000)
    finally:
        await db.close()


async def main(jobs: int, baseline_jobs: int, per_second: float) -> None:
    base_line = await burst(baseline_jobs)
    at_once = await burst(jobs)
    paced = await burst(jobs, per_second)
    workers = await burst(jobs, per_second, audio_workers=1)
    print(
        f"/remix from {MEMBERS} members over {CHANNELS} channels, the bot in its own process; "
        f"baseline: {baseline_jobs} commands at once"
    )
    for title, ours, base in (
        (f"{jobs} commands at once vs {baseline_jobs} at once", at_once, base_line),
        (f"{jobs} at {per_second:g}/s vs {baseline_jobs} at once", paced, base_line),
        (f"{jobs} at {per_second:g}/s: one audio worker (AUDIO_WORKERS=1) vs threads", workers, paced),
    ):
        rows = [(k, ours[k], base[k], ours[k] / base[k] if base[k] else nan) for k in ours]
        table(title, rows)


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:4]]
    jobs, baseline_jobs, per_second = args + [1000, 100, 50][len(args) :]
    asyncio.run(main(int(jobs), int(baseline_jobs), per_second))
