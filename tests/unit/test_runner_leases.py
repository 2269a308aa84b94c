"""Two runners (two processes) on one database, on the fake clock: a job is driven by the holder of
its lease; once that lease has run out the other runner takes the job over from its state (tracked,
never submitted again) and the first one, however late it wakes, writes nothing more."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from domain.jobs import JobState, NewJob
from domain.kinds import JobKind
from domain.shards import Shards
from domain.tracking import Event, Handle, Progress
from engine.runner import Runner
from providers.base import Capabilities, JobRequest, Provider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.waiting import until

LEASE = 30.0


class Scripted(Provider):
    """Accepts every job; its tracking reports what the test puts in `events`."""

    name = "scripted"
    label = "Scripted"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}), webhooks=True)

    def __init__(self) -> None:
        self.submits = 0
        self.tracked: list[JobRequest] = []
        self.events: asyncio.Queue[Event] = asyncio.Queue()

    async def submit(self, request: JobRequest) -> Handle:
        self.submits += 1
        return Handle(task_id="t1")

    async def track(self, handle: Handle, request: JobRequest, inbox) -> AsyncIterator[Event]:  # type: ignore[override]
        self.tracked.append(request)
        while True:
            yield await self.events.get()


class Statuses:
    def __init__(self) -> None:
        self.pushed: list[tuple[JobState, float | None]] = []
        self.positions: list[tuple[int, int | None]] = []

    def push(self, job, position=None) -> None:
        self.pushed.append((job.state, job.percent))
        self.positions.append((job.id, position))


def runner(
    jobs: JobRepository,
    provider: Provider,
    status: Statuses,
    clock: FakeClock,
    tmp: Path,
    name: str | None = None,
    *,
    shards: Shards | None = None,
    parallel: int = 1,
) -> Runner:
    return Runner(
        jobs,
        Registry({"scripted": Entry(provider, parallel)}, "scripted"),
        status,
        None,  # type: ignore[arg-type]  # nothing is delivered here
        work_dir=tmp,
        deadline_seconds=24 * 3600,
        max_take_bytes=1,
        public_base_url="https://bot.example",
        clock=clock,
        lease_seconds=LEASE,
        holder=name,
        shards=shards,
    )


async def queued_job(jobs: JobRepository, n: int = 0, guild_id: int = 1, channel_id: int = 2) -> int:
    job = await jobs.create(
        NewJob(
            guild_id=guild_id,
            channel_id=channel_id,
            member_id=3,
            kind=JobKind.REMIX,
            provider="scripted",
            upload_limit=1,
            idempotency_key=f"k{n}",
            webhook_token=f"t{n}",
        )
    )
    await jobs.transition(job.id, JobState.QUEUED)
    return job.id


async def test_a_runner_that_lost_the_lease_stops_writing_and_the_other_carries_on(tmp_path: Path):
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job_id = await queued_job(jobs)
    first, second = Scripted(), Scripted()
    seen_first, seen_second = Statuses(), Statuses()
    a = runner(jobs, first, seen_first, clock, tmp_path, "a:1:x")
    b = runner(jobs, second, seen_second, clock, tmp_path, "b:2:y")
    taken_over: list[list[int]] = []
    b.on_taken_over = taken_over.append
    try:
        await a.start()
        await until(lambda: first.tracked)
        await b.start()
        assert not b.drives(job_id), "a live lease is left to its holder"
        first.events.put_nowait(Progress(stage="processing", percent=10))
        await until(lambda: (JobState.RUNNING, 10) in seen_first.pushed)

        # a stalls (its renewals stop, its driver lives on); b's tick finds the lease run out.
        assert a._lease_task is not None
        a._lease_task.cancel()
        await clock.advance(LEASE + 1)
        # b's next tick, whether its own loop is back asleep yet or still at the database.
        await b.lease_tick()
        await until(lambda: b.drives(job_id) and second.tracked)
        assert await jobs.lease_holder(job_id) == "b:2:y"
        assert taken_over == [[job_id]], "webhooks stored while a held it are collected at once"
        assert second.submits == 0 and first.submits == 1, "tracked again, never submitted again"
        assert first.tracked[0].webhook_url and second.tracked[0].webhook_url is None, (
            "the job taken over is polled at the normal interval, not the webhook backstop's"
        )

        # a wakes up and reports progress: nothing of it reaches the row or the status.
        first.events.put_nowait(Progress(stage="processing", percent=50))
        await until(lambda: not a.drives(job_id))
        row = await jobs.get(job_id)
        assert row is not None and row.percent == 10
        assert (JobState.RUNNING, 50) not in seen_first.pushed

        second.events.put_nowait(Progress(stage="processing", percent=70))
        await until(lambda: (JobState.RUNNING, 70) in seen_second.pushed)
        row = await jobs.get(job_id)
        assert row is not None and row.percent == 70
    finally:
        await a.close()
        await b.close()
        await db.close()


async def test_a_renewal_that_finds_the_job_taken_stops_driving_it(tmp_path: Path):
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job_id = await queued_job(jobs)
    provider = Scripted()
    a = runner(jobs, provider, Statuses(), clock, tmp_path, "a:1:x")
    try:
        await a.start()
        await until(lambda: provider.tracked)
        # Another process claimed it meanwhile (a's lease had run out while a was paused).
        await db.execute("UPDATE jobs SET lease_holder = 'b:2:y' WHERE id = ?", (job_id,))
        await a.lease_tick()
        assert not a.drives(job_id)
        row = await jobs.get(job_id)
        assert row is not None and row.state is JobState.SUBMITTED
        assert await jobs.lease_holder(job_id) == "b:2:y", "the new holder's lease is left alone"
    finally:
        await a.close()
        await db.close()


async def test_a_clean_close_gives_the_leases_back_at_once(tmp_path: Path):
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job_id = await queued_job(jobs)
    provider = Scripted()
    a = runner(jobs, provider, Statuses(), clock, tmp_path, "a:1:x")
    await a.start()
    await until(lambda: provider.tracked)
    await a.close()
    assert await jobs.lease_holder(job_id) is None
    b = runner(jobs, Scripted(), Statuses(), clock, tmp_path, "b:2:y")
    try:
        await b.start()  # no waiting for a lease to run out
        assert b.drives(job_id)
    finally:
        await b.close()
        await db.close()


async def test_other_processes_jobs_at_the_provider_count_against_its_limit(tmp_path: Path):
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    first_job = await queued_job(jobs)
    provider = Scripted()
    a = runner(jobs, provider, Statuses(), clock, tmp_path, "a:1:x")
    other, seen = Scripted(), Statuses()
    b = runner(jobs, other, seen, clock, tmp_path, "b:2:y")
    try:
        await a.start()
        await until(lambda: provider.tracked)
        await b.start()
        second = await jobs.create(
            NewJob(
                guild_id=1,
                channel_id=2,
                member_id=4,
                kind=JobKind.REMIX,
                provider="scripted",
                upload_limit=1,
                idempotency_key="k2",
                webhook_token="t2",
            ),
            lease=b.new_lease(),
        )
        await b.lease_tick()  # counts a's job at the provider (limit 1)
        await b.enqueue(await jobs.transition(second.id, JobState.QUEUED))
        # The pump has placed it in line (first), and not started it.
        await until(lambda: (second.id, 1) in seen.positions)
        assert other.submits == 0 and not b._tasks, "the provider's one slot is taken by the other process"
        await jobs.transition(first_job, JobState.CANCELLED)  # a's job ends
        await b.lease_tick()
        await until(lambda: other.submits == 1)
    finally:
        await a.close()
        await b.close()
        await db.close()


SHARD0_GUILD = 2 << 22  # Discord's formula, (id >> 22) % 2: shard 0 of 2


def on_shards(jobs: JobRepository, provider: Provider, clock: FakeClock, tmp: Path, shard: int) -> Runner:
    return runner(jobs, provider, Statuses(), clock, tmp, shards=Shards(2, frozenset({shard})), parallel=5)


async def test_a_job_taken_over_goes_back_to_its_channels_own_process_once_that_one_is_back(tmp_path: Path):
    # Shard 0's process was away; shard 1's took its job over. Once shard 0's process drives a job
    # in that channel again, two processes would share the channel's write budget: the job goes home.
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    taken = await queued_job(jobs, 1, SHARD0_GUILD, channel_id=7)
    away, home = Scripted(), Scripted()
    b = on_shards(jobs, away, clock, tmp_path, shard=1)
    a = on_shards(jobs, home, clock, tmp_path, shard=0)
    try:
        await b.start()
        await until(lambda: away.tracked)
        assert b.holder.endswith("/s1of2") and b.drives(taken)

        fresh = await queued_job(jobs, 2, SHARD0_GUILD, channel_id=7)  # shard 0's process is back
        await a.start()
        await until(lambda: len(home.tracked) == 1)
        assert a.drives(fresh) and not a.drives(taken), "a live lease is not claimed"

        await b.lease_tick()
        assert not b.drives(taken), "handed to the channel's own process"
        await a.lease_tick()
        await until(lambda: len(home.tracked) == 2)
        assert a.drives(taken) and await jobs.lease_holder(taken) == a.holder
        assert away.submits == 1 and home.submits == 1, "tracked from its handle, never submitted again"
    finally:
        await a.close()
        await b.close()
        await db.close()


async def test_a_process_keeps_the_jobs_of_its_own_channels(tmp_path: Path):
    clock = FakeClock()
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    own = await queued_job(jobs, 1, SHARD0_GUILD, channel_id=7)
    mine, theirs = Scripted(), Scripted()
    a = on_shards(jobs, mine, clock, tmp_path, shard=0)
    b = on_shards(jobs, theirs, clock, tmp_path, shard=1)
    try:
        await a.start()
        await until(lambda: mine.tracked)
        other = await queued_job(jobs, 2, SHARD0_GUILD, channel_id=7)
        await b.start()  # claims the new job of shard 0's channel (nobody held it)
        await until(lambda: theirs.tracked)
        await a.lease_tick()
        assert a.drives(own), "shard 0's channel is a's own: a keeps its job"
        await b.lease_tick()
        await a.lease_tick()
        await until(lambda: len(mine.tracked) == 2)
        assert a.drives(other) and not b.drives(other)
    finally:
        await a.close()
        await b.close()
        await db.close()
