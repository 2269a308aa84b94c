"""The runner's waits and its deadline run on the injected clock: no real time passes here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Event, Handle, Progress
from engine.retry import SUBMIT, TRACK
from engine.runner import Runner
from face import texts
from providers.base import Capabilities, JobRequest, Provider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.waiting import until


class Flaky(Provider):
    """Accepts every job; its tracking breaks off (transiently) every time, or hangs if told to."""

    name = "flaky"
    label = "Flaky"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    def __init__(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.tracks = 0

    async def submit(self, request: JobRequest) -> Handle:
        return Handle(task_id="t1")

    async def track(self, handle: Handle, request: JobRequest, inbox) -> AsyncIterator[Event]:  # type: ignore[override]
        self.tracks += 1
        yield Progress(stage="processing")
        if self.hang:
            await asyncio.Event().wait()
        raise ProviderError(ErrorKind.UNAVAILABLE, Reason.NO_ANSWER, detail="reset")


class Quiet:
    def push(self, job, position=None) -> None:
        pass


async def start(tmp_path: Path, provider: Provider, clock: FakeClock, deadline: float):
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="flaky",
            upload_limit=1,
            idempotency_key="k",
            webhook_token="t",
        )
    )
    job = await jobs.transition(job.id, JobState.QUEUED)
    runner = Runner(
        jobs,
        Registry({"flaky": Entry(provider, 1)}, "flaky"),
        Quiet(),
        None,  # type: ignore[arg-type]
        work_dir=tmp_path,
        deadline_seconds=deadline,
        max_take_bytes=1,
        clock=clock,
    )
    task = asyncio.create_task(runner.run_one(job))

    async def close() -> None:
        await db.close()

    return task, close


async def test_tracking_is_re_entered_within_one_budget_on_the_clock(tmp_path: Path):
    clock = FakeClock()
    provider = Flaky()
    task, close = await start(tmp_path, provider, clock, deadline=24 * 3600)
    # The job deadline sleeps on the clock too; the backoff is the other sleeper.
    while not task.done():
        await until(lambda: task.done() or clock.sleeping >= 2)
        if not task.done():
            await clock.advance_to_next()
    final: Job = await task
    await close()
    assert final.state is JobState.FAILED
    assert provider.tracks == TRACK.attempts  # re-entry started nothing afresh: the runner counted
    backoffs = [s for s in clock.sleeps if s < 3600]
    assert len(backoffs) == TRACK.attempts - 1 and max(backoffs) <= TRACK.cap


async def test_the_job_deadline_follows_the_injected_clock(tmp_path: Path):
    clock = FakeClock()
    provider = Flaky(hang=True)
    task, close = await start(tmp_path, provider, clock, deadline=600)
    await until(lambda: provider.tracks == 1 and clock.sleeping)
    await clock.advance(599)
    assert not task.done()
    await clock.advance(2)  # the clock started a moment before the job was queued
    final: Job = await until(lambda: task.done() and task.result())
    await close()
    assert final.state is JobState.FAILED and final.error is not None
    assert "longer than" in texts.failure(final.error, "Flaky")


class SelfHosted(Flaky):
    """A server that waits out outages for a grace period (like ACE-Step) and is switched off."""

    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}), unavailable_grace=100.0)

    async def track(self, handle: Handle, request: JobRequest, inbox) -> AsyncIterator[Event]:  # type: ignore[override]
        self.tracks += 1
        raise ProviderError(
            ErrorKind.UNAVAILABLE, Reason.UNREACHABLE, params={"grace": 100.0}, retry_after=30
        )
        yield Progress(stage="never")  # an async generator, as track must be


async def test_a_grace_period_bounds_tracking_by_time_not_by_count(tmp_path: Path):
    clock = FakeClock()
    provider = SelfHosted()
    task, close = await start(tmp_path, provider, clock, deadline=24 * 3600)
    while not task.done():
        await until(lambda: task.done() or clock.sleeping >= 2)
        if not task.done():
            await clock.advance_to_next()
    final: Job = await task
    await close()
    assert final.state is JobState.FAILED and final.error is not None
    # Tried at 0, 30, 60 and 90 s of trouble (all within the 100 s grace), failed at 120 s.
    assert provider.tracks == 5 != TRACK.attempts
    assert [s for s in clock.sleeps if s < 3600] == [30, 30, 30, 30]
    assert "could not be reached for 100 seconds" in texts.failure(final.error, "Self-hosted")


class Unreachable(Provider):
    """Submits fail the way an unreachable or busy vendor fails them, `failures` times (None: always);
    then the job is accepted, and its tracking ends it with the vendor's refusal."""

    name = "flaky"
    label = "Flaky"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    def __init__(self, error: ProviderError, failures: int | None = None) -> None:
        self.error = error
        self.failures = failures
        self.submits = 0

    async def submit(self, request: JobRequest) -> Handle:
        self.submits += 1
        if self.failures is None or self.submits <= self.failures:
            raise self.error
        return Handle(task_id="t1")

    async def track(self, handle: Handle, request: JobRequest, inbox) -> AsyncIterator[Event]:  # type: ignore[override]
        yield Progress(stage="processing")
        raise ProviderError(ErrorKind.GENERATION_FAILED, Reason.MADE_NOTHING)


async def through_submit_waits(task: asyncio.Task[Job], clock: FakeClock) -> Job:
    """Let every wait between two submits pass (the job deadline, far off, sleeps on too)."""

    def a_submit_wait() -> bool:
        return any(at - clock.monotonic() <= SUBMIT.cap for at in clock.wake_times())

    while not task.done():
        await until(lambda: task.done() or a_submit_wait())
        if not task.done():
            await clock.advance_to_next()
    return await task


UNREACHABLE = ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREACHABLE, detail="Connection refused")


async def test_the_terminal_resends_a_deferred_submit_until_the_policy_gives_up(tmp_path: Path):
    clock = FakeClock()
    provider = Unreachable(UNREACHABLE)
    task, close = await start(tmp_path, provider, clock, deadline=24 * 3600)
    final = await through_submit_waits(task, clock)
    await close()
    assert provider.submits == SUBMIT.attempts, "the bot's own submit policy, not one try"
    assert final.state is JobState.FAILED and final.error is not None
    assert "Flaky could not be reached." in texts.failure(final.error, "Flaky"), "the last error's words"
    waits = [s for s in clock.sleeps if s <= SUBMIT.cap]
    assert len(waits) == SUBMIT.attempts - 1


async def test_a_deferred_submit_that_goes_through_carries_the_job_on(tmp_path: Path):
    clock = FakeClock()
    provider = Unreachable(UNREACHABLE, failures=2)
    task, close = await start(tmp_path, provider, clock, deadline=24 * 3600)
    final = await through_submit_waits(task, clock)
    await close()
    assert provider.submits == 3
    assert final.state is JobState.FAILED and final.error is not None
    assert final.error.reason == Reason.MADE_NOTHING, "tracked after the third submit"


async def test_a_wait_past_the_deadline_fails_the_job_with_the_submit_error(tmp_path: Path):
    clock = FakeClock()
    busy = ProviderError(ErrorKind.RATE_LIMITED, retry_after=50, detail="slow down")
    provider = Unreachable(busy)
    task, close = await start(tmp_path, provider, clock, deadline=30)
    final: Job = await until(lambda: task.done() and task.result())
    await close()
    assert provider.submits == 1 and 50 not in clock.sleeps, "no wait the deadline would cut short"
    assert final.state is JobState.FAILED and final.error is not None
    assert "too many requests" in texts.failure(final.error, "Flaky"), "not a bare 'took too long'"
