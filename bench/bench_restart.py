"""Restart with jobs in flight: from ready to every resumed job polled, within the plan's /byId limit.

    .venv/bin/python bench/bench_restart.py [JOBS] [STATUS_PER_MINUTE]

The real bot as a process of its own (bench/bot_process.py: bot.py's main(), settings from the
environment) against the fake Discord and the fake MusicGPT in this process: JOBS /remix from 50
members over 10 channels, 50 a second, are submitted (eta 600 s, polls every 10 s as in production, so none is
polled before the kill), the bot process is killed with SIGKILL, then started again. The figure is
the time from ready (the new process connected with its commands synced) to the last resumed job's
first /byId, read from the fake MusicGPT's request log, with the most /byId calls any 60 s window saw
(limit: STATUS_PER_MINUTE, default 500, MusicGPT Pro; the plans sell 20, 200 and 500 a minute).
Each job completes at its first poll after the restart; every row must end DELIVERED with one
result message, and every job is submitted once.

Baseline, in the same run: the same restart with every resumed job treated as one this process had
just submitted (the rule before resumed jobs were polled at once: first poll after max(eta / 2,
poll interval), capped at six poll intervals), through BENCH_FRESH_TASKS (bench/bot_process.py).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import Bot, BotProcess, busy_bot, fire, results, table
from domain.jobs import JobState
from storage.db import Database
from storage.jobs import JobRepository

MEMBERS = 50
CHANNELS = 10
BOUND = 900.0


async def restart(jobs: int, per_minute: int, *, baseline: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with busy_bot(
            Path(tmp),
            channels=CHANNELS,
            process=True,
            musicgpt_max_parallel=1000,
            musicgpt_poll_interval=10.0,
            musicgpt_status_per_minute=per_minute,
            max_jobs_per_member=jobs // MEMBERS + 1,
            status_edit_interval=5.0,
        ) as bot:
            fake = bot.musicgpt
            fake.eta = 600
            fake.polls_to_complete = 1
            for n in range(MEMBERS - len([m for m in bot.h.discord.members.values() if not m.bot])):
                bot.h.discord.add_member(800000000000010000 + n, f"member{n}")
            # Paced as in the issue (50 commands a second), so every command starts its job.
            interactions = await fire(bot, jobs, per_second=50)
            await _until(lambda: all(ix.callbacks for ix in interactions), BOUND)
            # A command Discord no longer let the bot acknowledge started no job (face/start.py).
            started = sum(1 for ix in interactions if ix.response is not None)
            await _until(lambda: fake.submissions >= started, BOUND)
            await _until(lambda: _submitted_rows(bot, started), BOUND)
            polled_before = sum(1 for job in fake.jobs if job.poll_times)
            assert isinstance(bot.h, BotProcess)
            await bot.h.stop()  # SIGKILL
            if baseline:
                fresh = Path(tmp) / "fresh-tasks.txt"
                fresh.write_text("\n".join(job.task_id for job in fake.jobs))
                bot.h.extra_env = {"BENCH_FRESH_TASKS": str(fresh)}
            restarted = time.monotonic()
            await bot.h.start()
            ready = time.monotonic()
            await _until(lambda: all(_polled_after(job, restarted) for job in fake.jobs), BOUND)
            # A poll sent while the bot was still connecting counts as at ready.
            firsts = sorted(max(ready, _polled_after(job, restarted) or 0.0) for job in fake.jobs)
            await _until(lambda: results(bot) >= started, BOUND)
            # The row turns DELIVERED just after the post lands.
            await _until(lambda: _delivered_rows(bot, started), 30)
            polls = sorted(t for job in fake.jobs for t in job.poll_times if t >= restarted)
            busiest = max(sum(1 for t in polls if s <= t < s + 60) for s in polls)
            rows = await _rows(bot)
    return {
        "commands": jobs,
        "jobs in flight": started,
        "polled before the kill": polled_before,
        "restart to ready (s)": ready - restarted,
        "ready to all polled (s)": firsts[-1] - ready,
        "ready to half polled (s)": firsts[len(firsts) // 2] - ready,
        "most /byId in 60 s": busiest,
        "delivered": sum(1 for r in rows if r.state is JobState.DELIVERED),
        "result messages": results(bot),
        "submits (once each)": fake.submissions,
    }


def _polled_after(job: Any, ready: float) -> float | None:
    return next((t for t in job.poll_times if t >= ready), None)


async def _until(predicate: Any, bound: float) -> None:
    stop = time.monotonic() + bound
    while time.monotonic() < stop:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"not reached within {bound:.0f} s")


async def _rows(bot: Bot) -> list[Any]:
    db = await Database.open(bot.h.tmp / "bot.sqlite3")
    try:
        return await JobRepository(db).recent(100_000)
    finally:
        await db.close()


async def _delivered_rows(bot: Bot, jobs: int) -> bool:
    return sum(1 for r in await _rows(bot) if r.state is JobState.DELIVERED) >= jobs


async def _submitted_rows(bot: Bot, jobs: int) -> bool:
    rows = await _rows(bot)
    return sum(1 for r in rows if r.state in (JobState.SUBMITTED, JobState.RUNNING)) >= jobs


async def main(jobs: int, per_minute: int) -> None:
    base = await restart(jobs, per_minute, baseline=True)
    ours = await restart(jobs, per_minute, baseline=False)
    print(
        f"restart with {jobs} MusicGPT jobs in flight, /byId limit {per_minute}/min; "
        "baseline: the old first-poll rule in the same run"
    )
    rows = [
        (name, ours[name], base[name], ours[name] / base[name] if base[name] else float("nan"))
        for name in ours
    ]
    table("Restart: resumed jobs polled", rows)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [1000, 500][len(args) :])))
