"""StatusBoard against the fake Discord: newest state wins, final state always lands, bot token only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from engine import metrics
from face.status import StatusBoard
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.fakes.discord import FakeDiscord, patched_discord
from tests.waiting import until

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
    clock = FakeClock()
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.3, clock=clock)
    job = await new_job(fake, jobs)
    board.push(job, 2)
    await until(fake.messages)  # posted; the next edit waits for the spacing
    job = await run_job_quickly(board, jobs, job)
    await clock.advance(0.3)
    await board.flush(job.id)

    seen = titles(fake)
    assert "Waiting in the queue" in seen[0] and "Done" in seen[-1]
    assert len(seen) == 2, seen  # 104 states pushed; stale ones were replaced while waiting
    assert all(r.via in ("POST channel", "PATCH channel") for m in fake.messages() for r in m.revisions)
    assert (await jobs.get(job.id)).status_message_id == fake.messages()[0].id


async def test_a_rate_limited_edit_does_not_queue_stale_states(world):
    fake, client, jobs = world
    clock = FakeClock()
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=1.0, clock=clock)
    job = await new_job(fake, jobs)
    board.push(job, 1)
    await until(fake.messages)  # the status is posted; the next edit waits for the spacing
    job = await jobs.transition(job.id, S.SUBMITTING)
    job = await jobs.transition(job.id, S.SUBMITTED)
    job = await jobs.transition(job.id, S.RUNNING, stage="processing", percent=0.0)
    fake.script_rate_limit("PATCH", r"/channels/\d+/messages/\d+", retry_after=0.05)
    board.push(job)
    await clock.advance(1.0)
    await until(lambda: fake.requests_to("PATCH", r"/channels/\d+/messages/\d+"))  # hit the 429
    # While that edit waits out the rate limit (or the spacing after it), states keep coming.
    for percent in range(5, 100, 5):
        board.push(job.model_copy(update={"percent": float(percent)}))
    job = await jobs.transition(job.id, S.FAILED, error="The provider is busy right now.")
    board.push(job)  # a final state waits for no spacing
    await board.flush(job.id)

    texts = percents(fake)
    assert "busy right now" in texts[-1]
    assert len(texts) == 3, texts  # posted, the rate-limited edit, the final one: nothing stale
    assert len(fake.requests_to("PATCH", r"/channels/\d+/messages/\d+")) == 3  # 429, its resend, final


async def test_a_deleted_status_message_is_posted_again(world):
    fake, client, jobs = world
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.0, clock=FakeClock(instant=True))
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


async def test_the_final_state_survives_a_discord_outage(world):
    fake, client, jobs = world
    clock = FakeClock(instant=True)
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.0, clock=clock)
    job = await new_job(fake, jobs)
    board.push(job, 1)
    await board.flush(job.id)
    fake.script_outage("PATCH", r"/channels/\d+/messages/\d+", times=3)
    job = await jobs.transition(job.id, S.CANCELLED)
    board.push(job)
    await board.flush(job.id)
    assert "Cancelled" in titles(fake)[-1]
    assert len([d for d in clock.sleeps if d > 0]) == 3  # three backoffs on the board's clock, then it landed


async def test_status_freshness_is_how_long_a_change_waited_on_the_boards_clock(world):
    """/metrics reports how stale a status message was: the wait for the coalescing interval counts."""
    fake, client, jobs = world
    clock = FakeClock()
    board = StatusBoard(client, jobs, {"musicgpt": "MusicGPT"}, interval=0.3, clock=clock)
    count_before, sum_before = freshness("count"), freshness("sum")
    job = await new_job(fake, jobs)
    board.push(job, 2)
    await board.flush(job.id)  # posted at once; the next edit waits for the interval
    for state in (S.SUBMITTING, S.SUBMITTED, S.RUNNING):  # passing states (a final one waits for no spacing)
        job = await jobs.transition(job.id, state)
        board.push(job)
    await clock.advance(0.3)
    await board.flush(job.id)

    assert freshness("count") - count_before == 2  # the post and the one coalesced edit
    assert freshness("sum") - sum_before == pytest.approx(0.3)


def freshness(sample: str) -> float:
    return metrics.REGISTRY.get_sample_value(f"remixbot_status_freshness_seconds_{sample}") or 0.0
