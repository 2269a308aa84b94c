"""The runner's in-memory queue on the fake clock: fair starts under the limit, positions,
deadlines of waiting jobs, and the queue rebuilt from the table at start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from domain.errors import Reason
from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Handle
from engine.runner import Runner
from providers.base import Capabilities, JobRequest, Provider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock
from tests.waiting import until


class Holding(Provider):
    """Takes submits and never answers them: every started job keeps its slot."""

    name = "slow"
    label = "Slow"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def submit(self, request: JobRequest) -> Handle:
        self.prompts.append(request.prompt)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    def track(self, handle, request, inbox):  # pragma: no cover - never reached
        raise AssertionError("nothing is tracked here")


class Positions:
    def __init__(self) -> None:
        self.last: dict[int, int | None] = {}

    def push(self, job: Job, position: int | None = None) -> None:
        if job.state is JobState.QUEUED and position is not None:
            self.last[job.id] = position


async def queued(jobs: JobRepository, member: int, prompt: str) -> Job:
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=member,
            kind=JobKind.REMIX,
            provider="slow",
            prompt=prompt,
            upload_limit=1,
            idempotency_key=prompt,
            webhook_token=prompt,
        )
    )
    return await jobs.transition(job.id, JobState.QUEUED)


def runner_for(
    jobs: JobRepository, provider: Holding, clock: FakeClock, status: Positions, *, limit: int = 1
):
    return Runner(
        jobs,
        Registry({"slow": Entry(provider, limit)}, "slow"),
        status,
        None,  # type: ignore[arg-type]
        work_dir=Path("."),
        deadline_seconds=600,
        max_take_bytes=1,
        clock=clock,
    )


async def test_the_queue_is_rebuilt_at_start_in_fair_order_with_positions(tmp_path: Path):
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    # Written before the runner starts (as after a restart): alice piled up three, bob one, carol one.
    for member, prompt in [(1, "a1"), (1, "a2"), (1, "a3"), (2, "b1"), (3, "c1")]:
        await queued(jobs, member, prompt)
    provider, status, clock = Holding(), Positions(), FakeClock()
    runner = runner_for(jobs, provider, clock, status, limit=2)
    await runner.start()
    await until(lambda: len(provider.prompts) == 2)
    assert provider.prompts == ["a1", "b1"]
    # Waiting: carol first (nothing running), then alice's next ones.
    await until(lambda: len(status.last) == 3)
    assert status.last == {5: 1, 2: 2, 3: 3}
    carol = await jobs.get(5)
    assert carol is not None and runner.position_hint(carol) == 1
    await runner.cancel(4)  # bob's job ends: carol's goes (alice still has one running), all move up
    await until(lambda: len(provider.prompts) == 3)
    assert provider.prompts[-1] == "c1"
    await until(lambda: status.last.get(2) == 1)
    assert status.last[3] == 2
    await runner.close()
    await db.close()


async def test_a_job_waiting_for_a_slot_fails_at_its_deadline(tmp_path: Path):
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    provider, status, clock = Holding(), Positions(), FakeClock()
    runner = runner_for(jobs, provider, clock, status)
    await runner.start()
    first = await queued(jobs, 1, "first")
    await runner.enqueue(first)
    await until(lambda: provider.prompts == ["first"])
    second = await queued(jobs, 2, "second")
    await runner.enqueue(second)
    await until(lambda: runner.position_hint(second) == 1 and clock.sleeping)
    # Nothing else happens: the runner's own timer ends the job when its deadline passes.
    await clock.advance(601)
    failed = await until(
        lambda: _state(jobs, second.id, JobState.FAILED),
    )
    assert failed.error is not None and failed.error.reason == Reason.DEADLINE_PASSED
    assert runner.position_hint(second) is None and provider.prompts == ["first"]
    await runner.close()
    await db.close()


async def _state(jobs: JobRepository, job_id: int, state: JobState) -> Job | None:
    job = await jobs.get(job_id)
    return job if job is not None and job.state is state else None
