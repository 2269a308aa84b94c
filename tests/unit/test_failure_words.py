"""Failures travel typed and are worded by the face alone; rows and results stored as sentences by an
older version still read and show as they were. The stored cases run on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, JobResult, JobState, NewJob, Refusal
from domain.kinds import JobKind
from engine.intake import Draft, Intake
from face import texts
from providers.local import LocalProvider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.wording import spoken


@pytest.fixture
def jobs(db: Database) -> JobRepository:
    return JobRepository(db)


class NoRunner:
    held_by = None  # no job leases (as cli.py)

    def new_lease(self) -> None:
        return None

    async def enqueue(self, job: object) -> None:
        raise AssertionError("a refused request is never queued")


def new_job() -> NewJob:
    return NewJob(
        guild_id=1,
        channel_id=2,
        member_id=10,
        kind=JobKind.REMIX,
        provider="musicgpt",
        prompt="lofi",
        upload_limit=10 * 1024 * 1024,
        idempotency_key="key-1",
        webhook_token="tok-1",
    )


async def test_a_failure_is_stored_as_codes_and_worded_on_the_way_out(
    db: Database, jobs: JobRepository
) -> None:
    repo = jobs
    job = await repo.create(new_job())
    await repo.transition(job.id, JobState.QUEUED)
    error = ProviderError(ErrorKind.INSUFFICIENT_CREDITS, detail="balance: 0")
    failed = await repo.transition(job.id, JobState.FAILED, error=Failure.of(error))
    row = await db.fetchone("SELECT error FROM jobs WHERE id = ?", (job.id,))
    assert row is not None
    stored = json.loads(row[0])
    assert stored == {"kind": "insufficient_credits"}, "codes only: no sentence, no vendor detail"
    assert (await repo.get(job.id)) == failed
    words = texts.failure(failed.error, "MusicGPT")
    assert "MusicGPT account is out of credits" in words and "tell a server admin" in words


async def test_a_failure_with_the_vendors_words_reads_back_as_written(jobs: JobRepository) -> None:
    job = await jobs.create(new_job())
    said = 'ça «ne va pas» -- it\'s ? $1 \\ {"x"}'
    failure = Failure(kind=ErrorKind.INVALID_INPUT, reason=Reason.REFUSED, params={"said": said, "n": 2})
    failed = await jobs.transition(job.id, JobState.REJECTED, error=failure)
    assert failed.error == failure
    assert (await jobs.get(job.id)) == failed


async def test_an_old_row_holding_a_sentence_still_reads_and_shows(db: Database, jobs: JobRepository) -> None:
    repo = jobs
    job = await repo.create(new_job())
    old_result = {"takes": [], "notes": ["Take 2 failed at MusicGPT and is left out."]}
    await db.execute(
        "UPDATE jobs SET state = 'failed', error = ?, result = ? WHERE id = ?",
        ("MusicGPT lost track of this job. Try again.", json.dumps(old_result), job.id),
    )
    old = await repo.get(job.id)
    assert old and old.error and old.result
    assert texts.failure(old.error, "MusicGPT") == "MusicGPT lost track of this job. Try again."
    assert [texts.note(n, "MusicGPT") for n in old.result.notes] == [
        "Take 2 failed at MusicGPT and is left out."
    ]
    assert JobResult.model_validate_json(old.result.model_dump_json()) == old.result


def test_the_vendors_words_reach_the_member_defused_and_escaped() -> None:
    said = "no @everyone, no <@123>, no **bold** [link](https://x)"
    error = ProviderError(ErrorKind.INVALID_INPUT, Reason.REFUSED, params={"said": said})
    words = spoken(error, "Soundpiece")
    assert words.startswith("Soundpiece refused the request: ")
    assert "@everyone" not in words and "<@123>" not in words
    assert "**" not in words and "[link]" not in words


def test_one_generic_sentence_per_kind_names_the_provider() -> None:
    for label in ("MusicGPT", "Soundverse"):
        busy = ProviderError(ErrorKind.RATE_LIMITED, retry_after=3)
        assert spoken(busy, label) == f"{label} is getting too many requests right now."


def test_a_failure_from_a_newer_version_still_says_something() -> None:
    """An unknown code, or a known one with parameters missing, falls back to the kind's sentence."""
    newer = Failure.model_validate_json('{"reason": "some_new_code", "kind": "generation_failed"}')
    assert texts.failure(newer, "MusicGPT").startswith("MusicGPT could not make this track.")
    odd = Failure(reason=Reason.DEADLINE_PASSED, kind=ErrorKind.UNAVAILABLE)
    assert texts.failure(odd, "MusicGPT").startswith("MusicGPT is having trouble right now.")


async def test_intake_refuses_with_a_typed_refusal(tmp_path: Path, jobs: JobRepository) -> None:
    registry = Registry({"local": Entry(LocalProvider(tmp_path), 1)}, "local")
    intake = Intake(
        jobs,
        registry,
        NoRunner(),  # type: ignore[arg-type]
        work_dir=tmp_path,
        max_input_bytes=1024,
        max_jobs_per_member=2,
    )
    sing = Draft(kind=JobKind.SING, channel_id=1, member_id=2, guild_id=None, upload_limit=10, prompt="x")
    refusal = await intake.admit(sing)
    assert isinstance(refusal, Refusal) and refusal.reason is Reason.KIND_NOT_SUPPORTED
    assert texts.refusal(refusal).startswith("Nothing was started. Offline effects can't make a sing-over")
    assert await jobs.recent() == [], "no provider here could take it: not worth a row"
    remix = Draft(kind=JobKind.REMIX, channel_id=1, member_id=2, guild_id=None, upload_limit=10)
    refusal = await intake.admit(remix)
    assert isinstance(refusal, Refusal) and refusal.reason is Reason.PROMPT_REQUIRED
    assert texts.refusal(refusal) == (
        "Nothing was started. Offline effects needs a prompt: describe how it should sound."
    )
    [rejected] = await jobs.recent()
    assert rejected.state is JobState.REJECTED and rejected.error == Failure.refused(refusal)
