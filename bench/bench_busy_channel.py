"""A busy channel: 50 jobs at once in one channel whose write budget is Discord's 5 writes per 5 s.

    .venv/bin/python bench/bench_busy_channel.py [--jobs 50] [--scale 1.0] [--seed 7]

Runs the same scripted provider timeline twice against the fake Discord (write budget on):
- baseline: a bare per-job status worker (one worker per message, newest state wins, edits spaced
  by STATUS_EDIT_INTERVAL, a passing state gets one attempt) and result posts sent directly, each
  racing for the channel's budget on its own, as before the channel writer;
- writer: the StatusBoard through the channel writer (results first, finals, stalest status; the
  budget learned from the headers) with the channel board past CHANNEL_BOARD_THRESHOLD.
Prints for each: 429s answered (the fake's counters), jobs delivered, statuses ending final, and how
long a provider's state change took to be visible (provider reports it -> the write carrying it, or a
later state, lands; from the fake's message revisions), p50 / p95 / max. --scale shrinks every time
(window, job durations, spacing) for a quick look; figures are printed in unscaled seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import discord

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from engine.retry import STATUS_EDIT_FINAL
from face import texts
from face.channel_writer import STALE_AFTER, ChannelWriter, Priority
from face.status import StatusBoard, render_status
from storage.db import Database
from storage.jobs import JobRepository
from tests.fakes.discord import FakeDiscord, FakeMessage, patched_discord

S = JobState
ORDER = [S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DELIVERING, S.DELIVERED]
LABELS = {"musicgpt": "MusicGPT"}


@dataclass
class Scenario:
    jobs: int
    scale: float
    seed: int
    interval: float = 2.0  # STATUS_EDIT_INTERVAL
    threshold: int = 8  # CHANNEL_BOARD_THRESHOLD
    arrival: float = 0.3  # seconds between two jobs arriving (a 15 s burst for 50)
    run: tuple[float, float] = (40.0, 100.0)  # how long the provider works on one job
    tick: tuple[float, float] = (2.0, 4.0)  # seconds between two progress reports


@dataclass
class Figures:
    rate_limited: int = 0
    delivered: int = 0
    final: int = 0
    writes: int = 0
    delays: list[float] = field(default_factory=list)
    wall: float = 0.0


class BareStatuses:
    """The baseline: one worker per status message, as the StatusBoard was before the channel writer."""

    def __init__(self, client: discord.Client, jobs: JobRepository, interval: float) -> None:
        self.client, self.jobs, self.interval = client, jobs, interval
        self._latest: dict[int, Job] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._posted: dict[int, int] = {}

    def push(self, job: Job, position: int | None = None) -> None:
        self._latest[job.id] = job
        if job.id not in self._workers:
            self._workers[job.id] = asyncio.create_task(self._work(job.id))

    async def flush(self, job_id: int) -> None:
        if worker := self._workers.get(job_id):
            await asyncio.shield(worker)

    async def _work(self, job_id: int) -> None:
        try:
            while job_id in self._latest:
                job = self._latest.pop(job_id)
                for attempt in range(1, (STATUS_EDIT_FINAL.attempts if job.finished else 1) + 1):
                    try:
                        await self._write(job)
                        break
                    except discord.HTTPException:
                        await asyncio.sleep(STATUS_EDIT_FINAL.delay(attempt))
                if job.finished:
                    break
                await asyncio.sleep(self.interval)
        finally:
            self._workers.pop(job_id, None)

    async def _write(self, job: Job) -> None:
        channel = self.client.get_partial_messageable(job.channel_id)
        embed = render_status(job, None, LABELS[job.provider], None)
        if job.id in self._posted:
            await channel.get_partial_message(self._posted[job.id]).edit(embed=embed)
        else:
            self._posted[job.id] = (await channel.send(embed=embed)).id


async def one_job(
    n: int,
    sc: Scenario,
    fake: FakeDiscord,
    jobs: JobRepository,
    board: StatusBoard | BareStatuses,
    post: ResultPost,
    pushes: list[tuple[int, float, tuple[int, int]]],
) -> None:
    rng = random.Random(sc.seed * 1000 + n)
    s = sc.scale
    await asyncio.sleep(n * sc.arrival * s)
    job = await jobs.create(
        NewJob(
            guild_id=fake.guild_id,
            channel_id=fake.default_channel_id,
            member_id=fake.default_user_id,
            kind=JobKind.REMIX,
            provider="musicgpt",
            prompt=f"tune-{n:03d}",
            upload_limit=10 << 20,
            idempotency_key=f"k{n}",
            webhook_token=f"t{n}",
        )
    )

    def report(job: Job) -> None:
        pushes.append((job.id, time.monotonic(), key_of(job)))
        board.push(job)

    job = await jobs.transition(job.id, S.QUEUED)
    report(job)
    for state, pause in ((S.SUBMITTING, 1.0), (S.SUBMITTED, 0.5)):
        await asyncio.sleep(pause * s)
        job = await jobs.transition(job.id, state)
        report(job)
    run, elapsed, percent = rng.uniform(*sc.run), 0.0, 0
    while elapsed < run:
        step = rng.uniform(*sc.tick)
        await asyncio.sleep(step * s)
        elapsed += step
        percent = min(99, max(percent + 1, int(100 * elapsed / run)))
        job = await jobs.transition(job.id, S.RUNNING, stage="processing", percent=float(percent))
        report(job)
    job = await jobs.transition(job.id, S.DELIVERING)
    report(job)
    message_id = await post(job)
    job = await jobs.transition(job.id, S.DELIVERED, result_message_id=message_id)
    report(job)
    await board.flush(job.id)


class ResultPost:
    """A result message (content and a small attachment), through the writer or straight to Discord."""

    def __init__(self, client: discord.Client, writer: ChannelWriter | None) -> None:
        self.client, self.writer = client, writer

    async def __call__(self, job: Job) -> int:
        channel = self.client.get_partial_messageable(job.channel_id)

        async def send() -> discord.Message:
            return await channel.send(
                content=texts.result_ready(job.member_id, 1),
                file=discord.File(io.BytesIO(b"ID3" + bytes(2048)), filename=f"remix-{job.id}-take1.mp3"),
            )

        message = await (
            self.writer.write(job.channel_id, send, priority=Priority.RESULT) if self.writer else send()
        )
        return message.id


_PERCENT = re.compile(r"(\d+)%")
_WORDS = {texts.STAGE_NAMES[state.value]: ORDER.index(state) for state in ORDER}


def key_of(job: Job) -> tuple[int, int]:
    return ORDER.index(job.state), int(
        job.percent
    ) if job.state is S.RUNNING and job.percent is not None else -1


def shown_key(text: str) -> tuple[int, int] | None:
    """Which state a status title+field or a board line shows: (state order, percent or -1)."""
    states = [index for words, index in _WORDS.items() if words in text]
    if not states:
        return None
    state = max(states)
    percent = _PERCENT.search(text)
    return state, int(percent.group(1)) if percent and ORDER[state] is S.RUNNING else -1


def visible(fake: FakeDiscord) -> dict[int, list[tuple[float, tuple[int, int]]]]:
    """Per job: (when it landed, the state shown) for every revision showing it, own message or board."""
    shown: dict[int, list[tuple[float, tuple[int, int]]]] = {}
    for message in fake.messages():
        for revision in message.revisions:
            for job_id, text in _texts_of(message, revision.embeds):
                key = shown_key(text)
                if key is not None:
                    shown.setdefault(job_id, []).append((revision.at, key))
    return shown


def _texts_of(message: FakeMessage, embeds: list[dict[str, Any]]) -> list[tuple[int, str]]:
    if not embeds:
        return []
    embed = embeds[0]
    title = str(embed.get("title", ""))
    if title.startswith("Channel board"):
        lines = str(embed.get("description", "")).splitlines()
        return [(int(m.group(1)), line) for line in lines if (m := re.match(r"`#(\d+)`", line))]
    footer = str((embed.get("footer") or {}).get("text", ""))
    if not footer.startswith("Job #"):
        return []
    fields = " ".join(str(f.get("value", "")) for f in embed.get("fields", []))
    return [(int(footer.removeprefix("Job #")), f"{title} {fields}")]


async def run(sc: Scenario, *, use_writer: bool) -> Figures:
    figures = Figures()
    pushes: list[tuple[int, float, tuple[int, int]]] = []
    async with FakeDiscord(write_limit=(5, 5.0 * sc.scale)) as fake:
        with patched_discord(fake), tempfile.TemporaryDirectory() as tmp:
            writer = ChannelWriter(stale_after=STALE_AFTER * sc.scale) if use_writer else None
            # The writer reads the rate-limit headers of discord.py's session; the baseline has no writer.
            trace = writer.trace(aiohttp.TraceConfig()) if writer else aiohttp.TraceConfig()
            client = discord.Client(intents=discord.Intents.none(), http_trace=trace)
            await client.login("bench")
            db = await Database.open(Path(tmp) / "bench.sqlite3")
            jobs = JobRepository(db)
            board: StatusBoard | BareStatuses
            if writer is not None:
                board = StatusBoard(
                    client,
                    jobs,
                    LABELS,
                    interval=sc.interval * sc.scale,
                    writer=writer,
                    board_threshold=sc.threshold,
                )
            else:
                board = BareStatuses(client, jobs, sc.interval * sc.scale)
            post = ResultPost(client, writer)
            started = time.monotonic()
            await asyncio.gather(*(one_job(n, sc, fake, jobs, board, post, pushes) for n in range(sc.jobs)))
            figures.wall = (time.monotonic() - started) / sc.scale
            figures.delivered = sum(1 for job in await jobs.recent(sc.jobs) if job.state is S.DELIVERED)
            if isinstance(board, StatusBoard):
                await board.close()
            await db.close()
            await client.close()
    figures.rate_limited = sum(fake.rate_limited.values())
    figures.writes = len([w for w in fake.writes if w.status != 429])
    shown = visible(fake)
    final = ORDER.index(S.DELIVERED), -1
    # Final where it shows: the last state each of its places (own message, board line) shows is final.
    last_by_place: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {}
    for message in fake.messages():
        if message.revisions:
            for job_id, text in _texts_of(message, message.revisions[-1].embeds):
                key = shown_key(text)
                if key is not None:
                    last_by_place[(job_id, message.id)] = (message.revisions[-1].at, key)
    for job_id in shown:
        places = [key for (j, _), (_, key) in last_by_place.items() if j == job_id]
        figures.final += bool(places) and all(key == final for key in places)
    for job_id, at, key in pushes:
        landed = [t for t, k in shown.get(job_id, []) if t >= at and k >= key]
        figures.delays.append(((min(landed) if landed else float("inf")) - at) / sc.scale)
    return figures


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, f: Figures, jobs: int) -> None:
    finite = [d for d in f.delays if d != float("inf")]
    print(
        f"{name:<10} 429s {f.rate_limited:>3}   delivered {f.delivered}/{jobs}   final {f.final}/{jobs}   "
        f"writes {f.writes:>4}   visible p50 {statistics.median(finite):5.1f} s  "
        f"p95 {pct(finite, 0.95):5.1f} s  "
        f"max {max(finite):5.1f} s   never {len(f.delays) - len(finite)}   wall {f.wall:5.0f} s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sc = Scenario(args.jobs, args.scale, args.seed)
    logging.basicConfig(level=logging.ERROR)
    print(
        f"{sc.jobs} jobs in one channel, 5 writes per 5 s, arrivals every {sc.arrival} s, "
        f"{sc.run[0]:.0f}-{sc.run[1]:.0f} s of progress every {sc.tick[0]:.0f}-{sc.tick[1]:.0f} s, "
        f"edit interval {sc.interval} s, board past {sc.threshold} (time scale {sc.scale})"
    )
    show("baseline", await run(sc, use_writer=False), sc.jobs)
    show("writer", await run(sc, use_writer=True), sc.jobs)


if __name__ == "__main__":
    asyncio.run(main())
