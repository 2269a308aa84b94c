"""A bug of ours during the input check must end the job, not leave it counting against the member."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import engine.intake
from domain.errors import Reason
from domain.jobs import Failure, JobState, Refusal
from domain.kinds import JobKind
from engine.intake import Draft, Intake
from providers.local import LocalProvider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.tones import write_tone


class NoRunner:
    held_by = None  # no job leases (as cli.py)

    def new_lease(self) -> None:
        return None

    async def enqueue(self, job) -> None:
        raise AssertionError("a job whose check crashed is never queued")


async def test_a_crash_in_the_check_fails_the_job_and_frees_the_member(tmp_path: Path, monkeypatch):
    def broken_probe(path):
        raise RuntimeError("bug")

    monkeypatch.setattr(engine.intake, "probe", broken_probe)
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    registry = Registry({"local": Entry(LocalProvider(tmp_path / "local"), 1)}, "local")
    song = write_tone(tmp_path / "song.wav", seconds=1)
    intake = Intake(
        jobs,
        registry,
        NoRunner(),
        work_dir=tmp_path,  # type: ignore[arg-type]
        max_input_bytes=10**8,
        max_jobs_per_member=1,
    )
    draft = Draft(
        kind=JobKind.REMIX,
        channel_id=1,
        member_id=7,
        guild_id=1,
        upload_limit=10**8,
        prompt="slowed",
        input_path=song,
        input_size=song.stat().st_size,
    )
    job = await intake.admit(draft)
    assert not isinstance(job, Refusal)
    with pytest.raises(RuntimeError):
        await intake.check_input(job, local_path=song)
    failed = await jobs.get(job.id)
    assert failed.state is JobState.FAILED and failed.error == Failure(reason=Reason.INTERRUPTED)
    assert await jobs.active_count_for_member(7) == 0, "the member may start another job"
    await db.close()


async def test_concurrent_commands_by_one_member_at_the_limit_admit_exactly_the_limit(tmp_path: Path):
    # No global lock: ten commands at once from one member (and one from another) all race through
    # admission; exactly the member's limit of them become jobs, the rest are refused for the limit.
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    registry = Registry({"local": Entry(LocalProvider(tmp_path / "local"), 1)}, "local")
    intake = Intake(
        jobs,
        registry,
        NoRunner(),  # type: ignore[arg-type]
        work_dir=tmp_path,
        max_input_bytes=10**8,
        max_jobs_per_member=3,
    )

    def draft(member: int) -> Draft:
        return Draft(
            kind=JobKind.REMIX,
            channel_id=1,
            member_id=member,
            guild_id=1,
            upload_limit=10**8,
            prompt="slowed",
            input_url="https://cdn.example/song.mp3",
            input_size=1000,
        )

    outcomes = await asyncio.gather(*(intake.admit(draft(7)) for _ in range(10)), intake.admit(draft(8)))
    admitted = [o for o in outcomes[:10] if not isinstance(o, Refusal)]
    refused = [o for o in outcomes[:10] if isinstance(o, Refusal)]
    assert len(admitted) == 3 and await jobs.active_count_for_member(7) == 3
    assert {r.reason for r in refused} == {Reason.TOO_MANY_JOBS}
    assert not isinstance(outcomes[10], Refusal), "another member is not held back"
    assert intake._turns == {}, "no per-member lock outlives its admissions"
    await db.close()
