"""One process against two on the same PostgreSQL: the same burst of /remix, side by side.

    .venv/bin/python bench/bench_scale_out.py [JOBS] [SPREAD_SECONDS] [--rounds=N] [--lease=N] [--no-takeover]

Each run gets a fresh schema on TEST_DATABASE_URL (default the local server), the fake Discord with
two servers (one on each of 2 gateway shards, 5 channels each) and 50 members, and a fake MusicGPT
that finishes a job after two polls (eta 2 s, polls every 1 s). The bots are real processes
(`bot.py`, as an operator starts them) on one shared WORK_DIR; the fakes run in this process, on the
same 2-core machine. Baseline: one process running both shards (SHARD_IDS=0-1); ours: two processes,
shard 0 and shard 1 (SHARD_COUNT=2). JOBS commands (default 2,000) go out in one burst, or evenly
over SPREAD_SECONDS, round-robin over both servers, so each process of the pair gets half. A command
not acknowledged within Discord's 3 s starts no job (the bot's rule); the run waits for every job
that was started.

Figures: jobs per second (first command to last result posted), acknowledgement p99 as the fake Discord
measured it (every interaction, exact) and as the bots' /metrics histograms say (bucket bound, the
processes' buckets added up), event-loop lag p99 (the worst process), CPU seconds of the bot
processes, and started jobs delivered exactly once (one result message each, every row DELIVERED).

Lease takeover after a SIGKILL (`lease_takeover`, part of every run, about a minute; --no-takeover
skips it): two processes with JOB_LEASE_SECONDS=LEASE (--lease=N, default 5), 200 jobs on both
shards held running at the provider, shard 1's process killed; per job of the killed process, the
time until the survivor polls it (taken over) and until its result is posted, and whether each was
delivered exactly once and submitted only once. The baseline column has no figure there: one process
killed leaves its jobs until it is started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_thousand_jobs import quantile
from bench.common import Samples, table
from domain.jobs import JobState
from storage.db import Database
from storage.jobs import JobRepository
from tests.backends import drop_schema, fresh_schema
from tests.e2e.harness import fake_hosts, free_port, song
from tests.fakes.discord import FakeDiscord, FakeInteraction, FakeMessage
from tests.fakes.musicgpt import FakeJob, FakeMusicGPT
from tests.scrape import scrape, total
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[1]
# Discord's shard formula, (id >> 22) % 2: one server on each shard.
GUILDS = {0: 2 << 22, 1: 3 << 22}
CHANNELS_PER_GUILD = 5
MEMBERS = 50
BOUND = 1200.0  # seconds a burst may take before it is reported as not finished
TAKEOVER_BOUND = 120.0  # seconds to wait for a killed process's jobs to be carried on
TAKEOVER_JOBS = 200
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NaN = float("nan")  # no baseline figure


@dataclass
class World:
    """The fakes and the database every bot process of one run shares."""

    tmp: Path
    discord: FakeDiscord
    musicgpt: FakeMusicGPT
    database_url: str
    channels: dict[int, list[int]]  # shard -> channel ids in that shard's server
    bots: list[BotProcess] = field(default_factory=list)

    def all_channels(self) -> list[int]:
        return [c for shard in sorted(self.channels) for c in self.channels[shard]]

    def results(self, channels: list[int] | None = None) -> list[FakeMessage]:
        """Result messages posted so far."""
        return [
            m
            for c in channels or self.all_channels()
            for m in self.discord.messages(c)
            if m.author_id == self.discord.application_id and m.content and "ready" in m.content
        ]


@dataclass
class BotProcess:
    shards: str
    port: int
    proc: asyncio.subprocess.Process

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metrics"

    def cpu_seconds(self) -> float:
        """User + system CPU of the process so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextlib.asynccontextmanager
async def world(tmp: Path, **musicgpt: Any) -> AsyncIterator[World]:
    schema, url = await fresh_schema()
    channels = {shard: [guild + 10 + n for n in range(CHANNELS_PER_GUILD)] for shard, guild in GUILDS.items()}
    try:
        async with (
            FakeDiscord(guild_id=GUILDS[0], shard_count=2) as discord,
            FakeMusicGPT(**musicgpt) as fake_musicgpt,
        ):
            for n, channel_id in enumerate(channels[0]):
                discord.add_channel(f"lobby-{n}", channel_id=channel_id, guild_id=GUILDS[0])
            discord.add_guild(GUILDS[1], "Second server", channels=[(c, f"hall-{c}") for c in channels[1]])
            for n in range(MEMBERS - sum(1 for m in discord.members.values() if not m.bot)):
                discord.add_member(800000000000010000 + n, f"member{n}")
            w = World(tmp, discord, fake_musicgpt, url, channels)
            try:
                yield w
            finally:
                for bot in w.bots:
                    await stop(bot)
    finally:
        await drop_schema(schema)


async def start_bot(w: World, shards: str, **settings: str) -> BotProcess:
    """`bot.py` on SHARD_IDS=shards of 2, up once its shards' sessions are ready."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_BASE": w.discord.api_base,
        "DISCORD_GATEWAY_URL": w.discord.gateway_url,
        "DATABASE_URL": w.database_url,
        "SHARD_COUNT": "2",
        "SHARD_IDS": shards,
        "WORK_DIR": str(w.tmp / "shared-work"),
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "METRICS_ENABLED": "true",
        "DEFAULT_PROVIDER": "musicgpt",
        "MUSICGPT_API_KEY": w.musicgpt.api_key,
        "MUSICGPT_BASE_URL": w.musicgpt.base_url,
        "MUSICGPT_MAX_PARALLEL": "1000",
        "MUSICGPT_POLL_INTERVAL": "1",
        "MUSICGPT_STATUS_PER_MINUTE": "100000",
        "STATUS_EDIT_INTERVAL": "5",
        **settings,
    }
    env["DOWNLOAD_ALLOWED_HOSTS"] = fake_hosts({k.lower(): v for k, v in env.items()})
    log = (w.tmp / f"bot-{shards}.log").open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bot.py"), cwd=w.tmp, env=env, stdout=log, stderr=log
    )
    log.close()
    bot = BotProcess(shards, port, proc)
    w.bots.append(bot)
    wanted = {(shard, 2) for shard in shard_ids(shards)}
    await w.discord.wait_for(
        lambda: (
            proc.returncode is not None
            or wanted <= {s.shard for s in w.discord.sessions.values() if s.ready and s.connected}
        ),
        timeout=60,
    )
    if proc.returncode is not None:
        text = await asyncio.to_thread(Path(log.name).read_text, errors="replace")
        tail = text.splitlines()[-5:]
        raise RuntimeError(f"bot.py on shards {shards} exited ({proc.returncode}): " + " | ".join(tail))
    return bot


def shard_ids(shards: str) -> set[int]:
    """SHARD_IDS as written ("0-1", "0,1", "1")."""
    if "-" in shards:
        low, high = (int(s) for s in shards.split("-"))
        return set(range(low, high + 1))
    return {int(s) for s in shards.split(",")}


async def stop(bot: BotProcess) -> None:
    if bot.proc.returncode is None:
        bot.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(bot.proc.wait(), 30)
        except TimeoutError:
            bot.proc.kill()
            await bot.proc.wait()


async def fire(w: World, commands: int, spread: float = 0.0) -> list[FakeInteraction]:
    """`commands` /remix, round-robin over every channel of both servers and the members: at once,
    or evenly over `spread` seconds."""
    audio = song(w.tmp)
    channels = w.all_channels()
    members = [m.id for m in w.discord.members.values() if not m.bot]

    async def one(n: int) -> FakeInteraction:
        await asyncio.sleep(spread * n / commands)
        return await w.discord.run_slash_command(
            "remix",
            {"prompt": f"slowed {n}"},
            attachments=[("song.mp3", audio, "audio/mpeg")],
            channel_id=channels[n % len(channels)],
            user_id=members[n % len(members)],
        )

    return list(await asyncio.gather(*(one(n) for n in range(commands))))


async def scrape_all(w: World) -> list[Samples]:
    async with aiohttp.ClientSession() as http:
        return [await scrape(http, bot.metrics_url) for bot in w.bots]


def added(samples: list[Samples]) -> Samples:
    """Counters and histogram buckets of several processes, added up."""
    merged: Samples = {}
    for one in samples:
        for key, value in one.items():
            merged[key] = merged.get(key, 0.0) + value
    return merged


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def rows_of(database_url: str) -> list[Any]:
    db = await Database.open(database_url)
    try:
        return await JobRepository(db).recent(100_000)
    finally:
        await db.close()


async def burst(jobs: int, layout: list[str], spread: float) -> dict[str, float]:
    """One run: the bots on `layout` (SHARD_IDS of each process), JOBS commands in one burst."""
    label = " + ".join(layout)
    with tempfile.TemporaryDirectory() as tmp:
        return await _burst(Path(tmp), jobs, layout, label, spread)


async def _burst(tmp: Path, jobs: int, layout: list[str], label: str, spread: float) -> dict[str, float]:
    async with world(tmp, eta=2) as w:
        for shards in layout:
            await start_bot(w, shards, MAX_JOBS_PER_MEMBER=str(jobs // MEMBERS + 1))
        await w.discord.wait_for(w.discord.global_commands, timeout=30)
        cpu_before = sum(bot.cpu_seconds() for bot in w.bots)
        started = time.perf_counter()
        interactions = await fire(w, jobs, spread)
        # A command not acknowledged within Discord's window starts no job: wait for the window to
        # pass, then for every job that was started.
        await asyncio.sleep(w.discord.callback_window + 0.5)
        acked = sum(1 for ix in interactions if ix.response is not None)
        print(f"{label}: {jobs} commands sent, {acked} acknowledged", file=sys.stderr)
        next_report = time.perf_counter() + 15
        while len(w.results()) < acked and time.perf_counter() < started + BOUND:
            await asyncio.sleep(0.5)
            if time.perf_counter() >= next_report:
                next_report += 15
                print(f"  {label}: {len(w.results())} delivered", file=sys.stderr)
        elapsed = time.perf_counter() - started
        cpu = sum(bot.cpu_seconds() for bot in w.bots) - cpu_before
        per_process = await scrape_all(w)
        samples = added(per_process)
        posted = len(w.results())
        rows = await rows_of(w.database_url)
    delivered = sum(1 for j in rows if j.state is JobState.DELIVERED)
    # A command never acknowledged counts as infinitely late.
    delays = [ix.response.delay if ix.response is not None else float("inf") for ix in interactions]
    started_jobs = sum(1 for ix in interactions if ix.response is not None)
    return {
        "jobs per second": min(delivered, posted) / elapsed,
        "jobs started (acknowledged)": started_jobs,
        "ack p99, fake Discord (ms)": 1000 * p(delays, 0.99),
        "ack p50, fake Discord (ms)": 1000 * p(delays, 0.5),
        "acked within 3 s (%)": 100.0 * sum(1 for d in delays if d <= 3.0) / jobs,
        "ack p99, /metrics bucket (ms)": 1000 * quantile(samples, "remixbot_ack_latency_seconds", 0.99),
        "loop lag p99, worst (ms)": 1000
        * max(quantile(s, "remixbot_event_loop_lag_seconds", 0.99) for s in per_process),
        "bot CPU (s)": cpu,
        "started jobs delivered once (%)": 100.0 * min(delivered, posted) / max(1, started_jobs),
        "429s from Discord": total(samples, "remixbot_discord_rate_limited_total"),
        "first command to last delivery (s)": elapsed,
    }


async def lease_takeover(jobs: int, lease: float) -> dict[str, float] | None:
    """Lease takeover after a SIGKILL: two processes (shards 0 and 1 of 2, JOB_LEASE_SECONDS=lease),
    `jobs` commands over both servers, every job held running at the fake MusicGPT; once all are
    running, shard 1's process is killed with SIGKILL and every job is let finish at its next poll.
    Per job of the killed process: seconds from the kill to its first /byId from the survivor (taken
    over) and to its result posted. None when they are not carried on within TAKEOVER_BOUND."""
    with tempfile.TemporaryDirectory() as tmp:
        return await _lease_takeover(Path(tmp), jobs, lease)


async def _lease_takeover(tmp: Path, jobs: int, lease: float) -> dict[str, float] | None:
    async with world(tmp, eta=2, polls_to_complete=10**9) as w:
        for shards in ("0", "1"):
            await start_bot(
                w, shards, JOB_LEASE_SECONDS=f"{lease:g}", MAX_JOBS_PER_MEMBER=str(jobs // MEMBERS + 1)
            )
        await w.discord.wait_for(w.discord.global_commands, timeout=30)
        await fire(w, jobs)
        await until(lambda: len(w.musicgpt.jobs) >= jobs, guard=BOUND, poll=0.2)
        rows = await rows_of(w.database_url)
        orphans = {r.handle.task_id for r in rows if r.channel_id in w.channels[1] and r.handle is not None}
        killed = w.bots[1]
        killed.proc.send_signal(signal.SIGKILL)
        await killed.proc.wait()
        kill_at, kill_wall = time.monotonic(), dt.datetime.now(dt.UTC)
        for job in w.musicgpt.jobs:
            w.musicgpt.complete(job)  # the next poll of each job finds it done

        def taken_over(job: FakeJob) -> float | None:
            after = [t for t in job.poll_times if t > kill_at]
            return after[0] - kill_at if after else None

        mine = [j for j in w.musicgpt.jobs if j.task_id in orphans]
        with contextlib.suppress(AssertionError):  # not carried on within the bound
            await until(lambda: len(w.results(w.channels[1])) >= len(mine), guard=TAKEOVER_BOUND, poll=0.2)
        # A second post would come from a second holder: give one more lease period to show it.
        await asyncio.sleep(lease)
        posted = w.results(w.channels[1])
        delivered = [(m.created_at - kill_wall).total_seconds() for m in posted]
        polled = [t for j in mine if (t := taken_over(j)) is not None]
        submitted = len(w.musicgpt.jobs)
        rows = await rows_of(w.database_url)
    if not mine or len(polled) < len(mine) or len(posted) < len(mine):
        return None
    done = sum(1 for r in rows if r.channel_id in w.channels[1] and r.state is JobState.DELIVERED)
    return {
        "jobs of the killed process": len(mine),
        "kill to taken over, p50 (s)": statistics.median(polled),
        "kill to taken over, max (s)": max(polled),
        "kill to delivered, p50 (s)": statistics.median(delivered),
        "kill to delivered, max (s)": max(delivered),
        # Every row DELIVERED and one result message per job (a second post would show here).
        "delivered exactly once (%)": 100.0 * min(done, len(mine)) / len(mine) * (len(posted) == len(mine)),
        "submitted to provider once (%)": 100.0 * (submitted == jobs),
    }


async def main(jobs: int, spread: float, rounds: int, takeover: bool, lease: float) -> None:
    # Rounds alternate which layout goes first (one, two; two, one; ...), so a machine whose load
    # drifts during the run favours neither; each figure is the median over the rounds.
    runs: dict[str, list[dict[str, float]]] = {"base": [], "ours": []}
    for n in range(rounds):
        order = [("base", ["0-1"]), ("ours", ["0", "1"])]
        for name, layout in order if n % 2 == 0 else order[::-1]:
            runs[name].append(await burst(jobs, layout, spread))
    base, ours = (
        {figure: statistics.median(r[figure] for r in runs[name]) for figure in runs[name][0]}
        for name in ("base", "ours")
    )
    arrival = f"over {spread:.0f} s" if spread else "in one burst"
    print(
        f"{jobs} /remix {arrival} from {MEMBERS} members over 2 servers (shards 0 and 1 of 2), "
        f"{2 * CHANNELS_PER_GUILD} channels; same PostgreSQL, fresh schema per run; "
        f"medians of {rounds} round(s)"
    )
    rows = [
        (name, ours[name], base[name], ours[name] / base[name] if base[name] else float("nan"))
        for name in ours
    ]
    if takeover:
        figures = await lease_takeover(TAKEOVER_JOBS, lease)
        if figures is None:
            rows.append((f"lease takeover: not within {TAKEOVER_BOUND:.0f} s", NaN, NaN, NaN))
        else:
            rows.append(("lease takeover: JOB_LEASE_SECONDS", lease, NaN, NaN))
            rows += [(f"lease takeover: {name}", value, NaN, NaN) for name, value in figures.items()]
    table("two processes (ours) vs one process running both shards (baseline)", rows)
    if takeover:
        print(
            f"lease takeover: JOB_LEASE_SECONDS={lease:g}, {TAKEOVER_JOBS} jobs held running over both "
            "shards, shard 1's process killed with SIGKILL (no baseline: one process killed leaves its "
            "jobs until it is started again)"
        )
    else:
        print("lease takeover after SIGKILL: not measured (--no-takeover)")


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    numbers = [float(a) for a in sys.argv[1:] if not a.startswith("--")]
    jobs, spread = int(numbers[0]) if numbers else 2000, numbers[1] if len(numbers) > 1 else 0.0
    rounds = next((int(f.split("=", 1)[1]) for f in flags if f.startswith("--rounds=")), 1)
    lease = next((float(f.split("=", 1)[1]) for f in flags if f.startswith("--lease=")), 5.0)
    asyncio.run(main(jobs, spread, rounds, "--no-takeover" not in flags, lease))
