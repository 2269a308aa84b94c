import sqlite3

import pytest

from domain.jobs import IllegalTransition, JobResult, JobState, NewJob, TakeInfo
from domain.kinds import JobKind
from domain.tracking import Handle
from storage.db import Database, migrations
from storage.jobs import JobRepository


def new_job(n: int = 1, member: int = 10) -> NewJob:
    return NewJob(
        guild_id=1,
        channel_id=2,
        member_id=member,
        kind=JobKind.REMIX,
        provider="musicgpt",
        prompt="lofi",
        options={"style": "x"},
        upload_limit=10 * 1024 * 1024,
        idempotency_key=f"key-{n}",
        webhook_token=f"tok-{n}",
    )


@pytest.fixture
async def repo(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield JobRepository(db)
    await db.close()


async def test_migrations_set_user_version_and_wal(tmp_path):
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.version() == len(migrations())
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    await db.migrate()  # idempotent
    await db.close()


async def test_job_round_trips_everything_a_restart_needs(repo):
    job = await repo.create(new_job())
    assert job.state is JobState.RECEIVED and job.options == {"style": "x"}
    handle = Handle(task_id="t1", conversion_ids=["c1", "c2"], data={"conversion_type": "REMIX"})
    await repo.transition(job.id, JobState.QUEUED, status_message_id=99)
    await repo.transition(job.id, JobState.SUBMITTING)
    await repo.transition(job.id, JobState.SUBMITTED, handle=handle)
    result = JobResult(title="T", takes=[TakeInfo(index=1, filename="take1.mp3", duration=3.0)])
    await repo.transition(job.id, JobState.DELIVERING)
    done = await repo.transition(job.id, JobState.DELIVERED, result=result, result_message_id=5)
    again = await repo.get(job.id)
    assert again == done
    assert again.handle == handle and again.result == result
    assert again.status_message_id == 99 and again.result_message_id == 5
    assert again.queued_at and again.submitted_at and again.finished_at


async def test_illegal_transition_changes_nothing(repo):
    job = await repo.create(new_job())
    with pytest.raises(IllegalTransition):
        await repo.transition(job.id, JobState.SUBMITTED)
    assert (await repo.get(job.id)).state is JobState.RECEIVED


async def test_only_one_of_two_racing_transitions_wins(repo):
    job = await repo.create(new_job())
    await repo.transition(job.id, JobState.QUEUED)
    await repo.transition(job.id, JobState.CANCELLED)
    with pytest.raises(IllegalTransition):
        await repo.transition(job.id, JobState.SUBMITTING)


async def test_unfinished_and_member_counts(repo):
    a = await repo.create(new_job(1))
    b = await repo.create(new_job(2))
    await repo.create(new_job(3, member=11))
    await repo.transition(b.id, JobState.REJECTED, error="nope")
    assert [j.id for j in await repo.unfinished()] == [a.id, 3]
    assert await repo.active_count_for_member(10) == 1
    assert [j.id for j in await repo.recent_for_member(10, 1)] == [b.id, a.id]


async def test_webhook_deliveries_are_deduplicated(repo):
    job = await repo.create(new_job())
    assert await repo.record_delivery("musicgpt", "c1", job.id)
    assert not await repo.record_delivery("musicgpt", "c1", job.id)
    assert (await repo.by_webhook_token("musicgpt", "tok-1")).id == job.id
    assert await repo.by_webhook_token("musicgpt", "nope") is None


async def test_idempotency_keys_are_unique(repo):
    await repo.create(new_job(1))
    with pytest.raises(sqlite3.IntegrityError):
        await repo.create(new_job(1))


async def test_a_job_cancelled_while_its_audio_is_checked_stays_cancelled(repo, tmp_path):
    from engine.intake import Intake

    class Registry:
        def get(self, name):
            from providers.local import LocalProvider

            return LocalProvider(tmp_path)

    class Runner:
        enqueued: list[int] = []

        async def enqueue(self, job):
            self.enqueued.append(job.id)

    from audio.synth import write_tone

    source = tmp_path / "in.mp3"
    write_tone(source, seconds=3.5, fmt="mp3")
    job = await repo.create(new_job())
    await repo.transition(job.id, JobState.CANCELLED)
    runner = Runner()
    intake = Intake(
        repo,
        Registry(),
        runner,
        work_dir=tmp_path,
        max_input_bytes=10**8,  # type: ignore[arg-type]
        max_jobs_per_member=3,
    )
    checked = await intake.check_input(job, local_path=source)
    assert checked.state is JobState.CANCELLED and runner.enqueued == []
    assert not list((tmp_path / "inputs").iterdir()), "the copied input is removed"
