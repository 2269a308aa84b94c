"""Delivery on the injected clock: a result post that keeps failing is retried until the job's
deadline and the takes are kept; a refusal keeps them at once; the sweep removes them later."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, Job, JobResult, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Output
from engine import kept
from engine.ports import PostRefused
from engine.retry import RESULT_POST
from engine.runner import Runner
from engine.takes import Take
from providers.base import Capabilities, JobRequest, Provider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.tones import write_tone
from tests.waiting import until

DEADLINE = 600.0
RETENTION = 3600.0


class Ready(Provider):
    """Every job is done at once, with one take it wrote to disk (as the offline provider does)."""

    name = "ready"
    label = "Ready"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    def __init__(self, take: Path) -> None:
        self.take = take

    async def submit(self, request: JobRequest) -> Handle:
        return Handle(task_id="t1")

    async def track(self, handle: Handle, request: JobRequest, inbox) -> AsyncIterator[Event]:  # type: ignore[override]
        yield Completed(outputs=[Output(index=1, path=self.take)])


class Quiet:
    def push(self, job, position=None) -> None:
        pass


class Results:
    """A result sink that fails every post with `error`, and remembers what it was told."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.posts = 0
        self.resumed: list[bool] = []
        self.told: list[Failure] = []

    async def post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool = False
    ) -> tuple[int | None, JobResult]:
        self.posts += 1
        self.resumed.append(resumed)
        raise self.error

    async def undelivered(self, job: Job, failure: Failure) -> None:
        self.told.append(failure)


async def deliver(tmp_path: Path, results: Results, clock: FakeClock) -> tuple[Job, Runner, JobRepository]:
    (tmp_path / "out").mkdir()
    write_tone(tmp_path / "out" / "take.mp3", seconds=1.0)
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="ready",
            upload_limit=10**7,
            idempotency_key="k",
            webhook_token="t",
        )
    )
    job = await jobs.transition(job.id, JobState.QUEUED)
    runner = Runner(
        jobs,
        Registry({"ready": Entry(Ready(tmp_path / "out" / "take.mp3"), 1)}, "ready"),
        Quiet(),
        results,
        work_dir=tmp_path / "work",
        deadline_seconds=DEADLINE,
        max_take_bytes=10**7,
        input_retention=RETENTION,
        clock=clock,
    )
    task = asyncio.create_task(runner.run_one(job))

    async def delivering() -> bool:
        current = await jobs.get(job.id)
        return task.done() or (current is not None and current.state is JobState.DELIVERING)

    # Before delivery the only sleeper is the job's deadline, waiting while real I/O runs: moving the
    # clock then would expire it. From delivery on, every sleep is a retry's backoff.
    await until(delivering)
    while not task.done():
        await until(lambda: task.done() or clock.sleeping >= 1)
        if not task.done():
            await clock.advance_to_next()
    return await task, runner, jobs


async def test_a_post_failing_until_the_deadline_keeps_the_takes(tmp_path: Path):
    clock = FakeClock()
    results = Results(ProviderError(ErrorKind.UNAVAILABLE, Reason.RESULT_REFUSED, detail="503"))
    final, _, jobs = await deliver(tmp_path, results, clock)
    try:
        assert final.state is JobState.FAILED and final.error is not None
        assert final.error.reason == Reason.RESULT_NOT_POSTED
        assert final.error.params == {"kept_hours": 1.0, "job_id": final.id}
        # Retried past the policy's attempts for as long as the deadline allowed, never beyond a cap.
        assert results.posts > RESULT_POST.attempts
        assert DEADLINE - RESULT_POST.cap <= clock.monotonic() <= DEADLINE + RESULT_POST.cap
        assert results.resumed[0] is False and all(results.resumed[1:]), "a retry looks for the post first"
        assert results.told == [final.error]
        found = kept.load(tmp_path / "work", final.id)
        assert found is not None and len(found[0]) == 1 and found[0][0].path.is_file()
    finally:
        await jobs.db.close()


async def test_a_refusal_keeps_the_takes_until_the_sweep(tmp_path: Path):
    clock = FakeClock()
    missing = Failure(reason=Reason.MISSING_PERMISSIONS, params={"permissions": ["attach_files"]})
    results = Results(PostRefused(missing, detail="403"))
    final, runner, jobs = await deliver(tmp_path, results, clock)
    try:
        assert results.posts == 1, "a definite refusal is not retried"
        assert final.state is JobState.FAILED and final.error is not None
        assert final.error.params["permissions"] == ["attach_files"]
        assert kept.kept_jobs(tmp_path / "work") == [final.id]
        assert await runner.sweep_inputs() == 0, "kept for the retention"
        # The row's finished_at is stamped by the database in real time, which moved on (by however
        # long this machine took) beside the fake clock: go well past the retention.
        await clock.advance(RETENTION + 600)
        assert await runner.sweep_inputs() == 1
        assert kept.load(tmp_path / "work", final.id) is None
    finally:
        await jobs.db.close()
