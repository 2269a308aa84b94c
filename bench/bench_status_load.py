"""A busy remix session: many jobs reporting progress at once, through the StatusBoard to a fake Discord.

    .venv/bin/python bench/bench_status_load.py [JOBS] [EVENTS_PER_JOB]

Prints how many Discord writes the board made for how many progress events, the final-state check,
and the wall time. Edits are coalesced per message (STATUS_EDIT_INTERVAL), so writes should grow with
jobs x duration / interval, not with the number of events.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import discord

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from domain.jobs import JobState, NewJob
from face.status import StatusBoard
from providers.base import JobKind
from storage.db import Database
from storage.jobs import JobRepository
from tests.fakes.discord import FakeDiscord, patched_discord

S = JobState


async def one_job(fake: FakeDiscord, jobs: JobRepository, board: StatusBoard, n: int, events: int) -> None:
    job = await jobs.create(
        NewJob(
            guild_id=fake.guild_id,
            channel_id=fake.default_channel_id,
            member_id=fake.default_user_id,
            kind=JobKind.REMIX,
            provider="musicgpt",
            prompt=f"job {n}",
            upload_limit=10 << 20,
            idempotency_key=f"k{n}",
            webhook_token=f"t{n}",
        )
    )
    for state in (S.QUEUED, S.SUBMITTING, S.SUBMITTED):
        job = await jobs.transition(job.id, state)
        board.push(job)
    for i in range(events):
        job = await jobs.transition(job.id, S.RUNNING, stage="processing", percent=100 * i / events)
        board.push(job)
        await asyncio.sleep(0.01)
    for state in (S.DELIVERING, S.DELIVERED):
        job = await jobs.transition(job.id, state)
        board.push(job)
    await board.flush(job.id)


async def main(n_jobs: int, events: int, interval: float = 0.5) -> None:
    async with FakeDiscord() as fake:
        with patched_discord(fake):
            client = discord.Client(intents=discord.Intents.none())
            await client.login("bench")
            with tempfile.TemporaryDirectory() as tmp:
                db = await Database.open(Path(tmp) / "bench.sqlite3")
                jobs = JobRepository(db)
                # One message per job (no channel board): this measures per-message coalescing.
                board = StatusBoard(
                    client, jobs, {"musicgpt": "MusicGPT"}, interval=interval, board_threshold=n_jobs
                )
                started = time.perf_counter()
                await asyncio.gather(*(one_job(fake, jobs, board, n, events) for n in range(n_jobs)))
                elapsed = time.perf_counter() - started
                await db.close()
            await client.close()
    messages = [m for m in fake.messages() if m.embeds]
    writes = sum(len(m.revisions) for m in messages)
    pushed = n_jobs * (events + 5)
    final_ok = sum("Done" in m.revisions[-1].embeds[0]["title"] for m in messages)
    print(f"{n_jobs} jobs x {events} progress events, edit interval {interval}s")
    print(f"state pushes        {pushed}")
    print(
        f"Discord writes      {writes}  "
        f"({writes / n_jobs:.1f} per job, {pushed / writes:.0f}x fewer than pushes)"
    )
    print(f"final state shown   {final_ok}/{n_jobs}")
    print(f"wall time           {elapsed:.2f} s")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args or [50, 200])))
