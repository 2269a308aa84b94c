"""The runner's rule for a submit that may have reached the provider: never send it again."""

from __future__ import annotations

from pathlib import Path

from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Handle
from engine.runner import Runner
from face import texts
from providers.base import Capabilities, JobRequest, Provider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository


class Unconfirmed(Provider):
    name = "paid"
    label = "Paid"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    def __init__(self) -> None:
        self.submits = 0

    async def submit(self, request: JobRequest) -> Handle:
        self.submits += 1
        raise ProviderError(
            ErrorKind.UNAVAILABLE, "The provider did not answer in time.", maybe_accepted=True
        )

    def track(self, handle, request, inbox):  # pragma: no cover - never reached
        raise AssertionError("an unconfirmed job is not tracked")


class Quiet:
    def push(self, job, position=None) -> None:
        pass


async def test_an_unconfirmed_submit_fails_once_with_a_clear_reason(tmp_path: Path):
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    provider = Unconfirmed()
    registry = Registry({"paid": Entry(provider, 1)}, "paid")
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="paid",
            upload_limit=1,
            idempotency_key="k",
            webhook_token="t",
        )
    )
    job = await jobs.transition(job.id, JobState.QUEUED)
    runner = Runner(
        jobs,
        registry,
        Quiet(),
        None,
        work_dir=tmp_path,  # type: ignore[arg-type]
        deadline_seconds=60,
        max_take_bytes=1,
    )
    final = await runner.run_one(job)
    await db.close()
    assert provider.submits == 1
    assert final.state is JobState.FAILED
    assert final.error == Failure(reason=Reason.SUBMIT_UNCONFIRMED)
    said = texts.failure(final.error, "Prov")
    assert "not sent again" in said and said.count("again") == 2, "its own advice, no next step appended"
