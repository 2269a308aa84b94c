"""StatusBoard against the fake Discord: newest state wins, final state always lands, bot token only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from face.status import StatusBoard
from storage.db import Database
from storage.jobs import JobRepository
from tests.fakes.discord import FakeDiscord, patched_discord

S = JobState


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakeDiscord, discord.Client, JobRepository]]:
    async with FakeDiscord() as fake:
        with patched_discord(fake):
            client = discord.Client(intents=discord.Intents.none())
            await client.login("fake-token")
            db = await Database.open(tmp_path / "db.sqlite3")
            try:
                yield fake, client, JobRepository(db)
            finally:
                await db.close()
                await client.close()


async def new_job(fake: FakeDiscord, jobs: JobRepository) -> Job:
    job = await jobs.create(
        NewJob(
            guild_id=fake.guild_id,
            channel_id=fake.default_channel_id,
            member_id=fake.default_user_id,
            kind=JobKind.REMIX,
            provider="musicgpt",
            prompt="lofi",
            upload_limit=10 << 20,
            idempotency_key="k",
            webhook_token="t",
        )
    )
    return await jobs.transition(job.id, S.QUEUED)


def titles(fake: FakeDiscord) -> list[str]:
    [message] = [m for m in fake.messages() if m.embeds]
    return [r.embeds[0]["title"] for r in message.revisions]


def percents(fake: FakeDiscord) -> list[str]:
    [message] = [m for m in fake.messages() if m.embeds]
    return [r.embeds[0]["fields"][0]["value"] for r in message.revisions]


async def run_job_quickly(board: StatusBoard, jobs: JobRepository, job: Job, steps: int = 100) -> Job:
    board.push(job, 2)
    for state in (S.SUBMITTING, S.SUBMITTED):
        job = await jobs.transition(job.id, state)
        board.push(job)
    for percent in range(steps):
        job = await jobs.transition(job.id, S.RUNNING, stage="processing", percent=float(percent))
        board.push(job)
    job = await jobs.transition(job.id, S.DELIVERING)
    board.push(job)
    job = await jobs.transition(job.id, S.DELIVERED, result_message_id=123)
    board.push(job)
    return job


async def test_a_burst_of_states_becomes_a_few_edits_ending_on_the_final_one(world):
    fake, client, jobs = world
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.3)
    job = await run_job_quickly(board, jobs, await new_job(fake, jobs))
    await board.flush(job.id)

    seen = titles(fake)
    assert "Waiting in the queue" in seen[0] and "Done" in seen[-1]
    assert len(seen) <= 3, seen  # 104 states pushed; stale ones were replaced while waiting
    assert all(r.via in ("POST channel", "PATCH channel") for m in fake.messages() for r in m.revisions)
    assert (await jobs.get(job.id)).status_message_id == fake.messages()[0].id


async def test_a_rate_limited_edit_does_not_queue_stale_states(world):
    fake, client, jobs = world
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.0)
    job = await new_job(fake, jobs)
    board.push(job, 1)
    await fake.wait_for(lambda: fake.messages())
    job = await jobs.transition(job.id, S.SUBMITTING)
    job = await jobs.transition(job.id, S.SUBMITTED)
    fake.script_rate_limit("PATCH", r"/channels/\d+/messages/\d+", retry_after=0.5)
    for percent in range(0, 100, 5):
        job = await jobs.transition(job.id, S.RUNNING, stage="processing", percent=float(percent))
        board.push(job)
        await asyncio.sleep(0.02)
    job = await jobs.transition(job.id, S.FAILED, error="The provider is busy right now.")
    board.push(job)
    await board.flush(job.id)

    texts = percents(fake)
    assert "busy right now" in texts[-1]
    assert len(texts) <= 4, texts  # one edit waited out the 429; everything pushed meanwhile collapsed
    assert len(fake.requests_to("PATCH", r"/channels/\d+/messages/\d+")) <= 4


async def test_a_deleted_status_message_is_posted_again(world):
    fake, client, jobs = world
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.0)
    job = await new_job(fake, jobs)
    board.push(job, 1)
    await board.flush(job.id)
    first = (await jobs.get(job.id)).status_message_id
    await client.http.delete_message(fake.default_channel_id, first)
    job = await jobs.transition(job.id, S.CANCELLED)
    board.push(job)
    await board.flush(job.id)
    second = (await jobs.get(job.id)).status_message_id
    assert second != first and "Cancelled" in fake.message(second).embeds[0]["title"]


async def test_the_final_state_survives_a_discord_outage(world, monkeypatch):
    fake, client, jobs = world
    monkeypatch.setattr(asyncio, "sleep", _fast_sleep)
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.0)
    job = await new_job(fake, jobs)
    board.push(job, 1)
    await board.flush(job.id)
    fake.script_outage("PATCH", r"/channels/\d+/messages/\d+", times=3)
    job = await jobs.transition(job.id, S.CANCELLED)
    board.push(job)
    await board.flush(job.id)
    assert "Cancelled" in titles(fake)[-1]


_real_sleep = asyncio.sleep


async def _fast_sleep(delay: float, *args, **kwargs):
    await _real_sleep(min(delay, 0.01), *args, **kwargs)
