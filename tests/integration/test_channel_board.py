"""The channel board against the fake Discord on a fake clock: fold past the threshold, one line per
job, unfold when quiet, the final state on every line and message, a member's own status on request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from face.channel_board import Board, Line, render_board
from face.status import StatusBoard
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.fakes.discord import DEFAULT_MEMBERS, FakeDiscord, FakeMessage, patched_discord

S = JobState
ALICE, BOB = (member_id for member_id, _ in DEFAULT_MEMBERS)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakeDiscord, StatusBoard, JobRepository]]:
    async with FakeDiscord() as fake:
        with patched_discord(fake):
            client = discord.Client(intents=discord.Intents.none())
            await client.login("fake-token")
            db = await Database.open(tmp_path / "db.sqlite3")
            jobs = JobRepository(db)
            board = StatusBoard(
                client,
                jobs,
                {"musicgpt": "MusicGPT"},
                interval=0.0,
                clock=FakeClock(instant=True),
                board_threshold=2,
            )
            try:
                yield fake, board, jobs
            finally:
                await board.close()
                await db.close()
                await client.close()


async def queued(fake: FakeDiscord, jobs: JobRepository, prompt: str, member: int = ALICE) -> Job:
    job = await jobs.create(
        NewJob(
            guild_id=fake.guild_id,
            channel_id=fake.default_channel_id,
            member_id=member,
            kind=JobKind.REMIX,
            provider="musicgpt",
            prompt=prompt,
            upload_limit=10 << 20,
            idempotency_key=prompt,
            webhook_token=prompt,
        )
    )
    return await jobs.transition(job.id, S.QUEUED)


async def push(board: StatusBoard, job: Job, position: int | None = None) -> None:
    board.push(job, position)
    await board.flush(job.id)


def boards(fake: FakeDiscord) -> list[FakeMessage]:
    return [m for m in fake.messages() if m.embeds and m.embeds[0]["title"].startswith("Channel board")]


def statuses(fake: FakeDiscord) -> list[FakeMessage]:
    return [m for m in fake.messages() if m.embeds and not m.embeds[0]["title"].startswith("Channel board")]


def line_of(message: FakeMessage, job: Job) -> str:
    [line] = [line for line in message.embeds[0]["description"].splitlines() if f"`#{job.id}`" in line]
    return line


async def finish(jobs: JobRepository, job: Job) -> Job:
    job = await jobs.get(job.id) or job
    path = [S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DELIVERING, S.DELIVERED]
    for state in path[path.index(job.state) + 1 :]:
        job = await jobs.transition(job.id, state)
    return job


async def test_statuses_fold_into_one_board_past_the_threshold_and_unfold_when_quiet(world):
    fake, board, jobs = world
    first, second = await queued(fake, jobs, "lofi one"), await queued(fake, jobs, "lofi two")
    await push(board, first, 1)
    await push(board, second, 2)
    assert len(statuses(fake)) == 2 and not boards(fake)  # at the threshold: own messages

    third = await queued(fake, jobs, "lofi three", member=BOB)
    await push(board, third, 3)  # threshold + 1: fold
    [folded] = boards(fake)
    assert len(statuses(fake)) == 2  # the third job got a board line, not a message of its own
    assert "#3 in queue" in line_of(folded, third) and f"<@{BOB}>" in line_of(folded, third)

    running = await jobs.transition(first.id, S.SUBMITTING)
    running = await jobs.transition(first.id, S.SUBMITTED)
    running = await jobs.transition(first.id, S.RUNNING, stage="vocals", percent=40.0)
    own_revisions = len(fake.message(running.status_message_id or 0).revisions)
    await push(board, running)
    assert "40%" in line_of(fake.message(folded.id), first) and "Vocals" in line_of(
        fake.message(folded.id), first
    )
    assert len(fake.message(running.status_message_id or 0).revisions) == own_revisions  # passing: board only

    for job in (first, second, third):
        await push(board, await finish(jobs, job))
    last = fake.message(folded.id)
    assert all("**Done**" in line_of(last, job) for job in (first, second, third))
    assert "all 3 jobs finished" in last.embeds[0]["title"]
    # The messages posted before the fold end on their final state too.
    for job in (first, second):
        assert "Done" in fake.message((await jobs.get(job.id)).status_message_id or 0).embeds[0]["title"]

    fourth = await queued(fake, jobs, "after the rush")
    await push(board, fourth, 1)  # quiet again: a job of its own
    assert (await jobs.get(fourth.id)).status_message_id is not None and len(boards(fake)) == 1


async def test_the_board_final_state_survives_refused_edits(world):
    fake, board, jobs = world
    crowd = [await queued(fake, jobs, f"tune {n}") for n in range(3)]
    for n, job in enumerate(crowd):
        await push(board, job, n + 1)
    [folded] = boards(fake)
    finished = [await finish(jobs, job) for job in crowd[:2]]
    for job in finished:
        await push(board, job)
    fake.script_outage("PATCH", rf"/channels/\d+/messages/{folded.id}", times=3)
    last = await finish(jobs, crowd[2])
    await push(board, last)  # three refused edits, then it lands
    assert all("**Done**" in line_of(fake.message(folded.id), job) for job in crowd)


async def test_a_member_gets_a_live_status_of_their_own_from_the_board(world):
    fake, board, jobs = world
    crowd = [await queued(fake, jobs, f"tune {n}") for n in range(2)]
    bobs = await queued(fake, jobs, "bob's tune", member=BOB)
    for n, job in enumerate([*crowd, bobs]):
        await push(board, job, n + 1)
    assert (await jobs.get(bobs.id)).status_message_id is None

    assert board.show(fake.default_channel_id, BOB) == 1
    await board.flush(bobs.id)
    own = (await jobs.get(bobs.id)).status_message_id
    assert own is not None and "Waiting in the queue" in fake.message(own).embeds[0]["title"]
    running = await jobs.transition(bobs.id, S.SUBMITTING)
    running = await jobs.transition(bobs.id, S.SUBMITTED)
    running = await jobs.transition(bobs.id, S.RUNNING, stage="mixing", percent=70.0)
    await push(board, running)
    assert "70%" in fake.message(own).embeds[0]["fields"][0]["value"]  # kept live beside the board line
    assert board.show(fake.default_channel_id, ALICE) == 2 and board.show(fake.default_channel_id, BOB) == 0


def test_a_board_line_defuses_escapes_and_clips_the_prompt() -> None:
    job = Job.model_construct(
        id=7,
        guild_id=1,
        channel_id=2,
        member_id=ALICE,
        kind=JobKind.REMIX,
        provider="musicgpt",
        state=S.RUNNING,
        stage="vocals",
        percent=55.0,
        prompt="@everyone **loud** <@123> and a very long tail that goes on and on",
    )
    embed = render_board(Board(2, lines={7: Line(job)}))
    line = embed.description or ""
    assert "@everyone" not in line and "<@123>" not in line  # defused
    assert "\\*\\*loud" in line  # markdown shown, not applied
    assert "goes on and on" not in line and "…" in line  # clipped
    assert f"<@{ALICE}>" in line and "Vocals" in line and "55%" in line and "**Working on it**" in line
