from datetime import UTC, datetime, timedelta

from domain.jobs import Job, JobState
from domain.kinds import JobKind
from face import texts
from face.status import render_status


def job(state: JobState, **fields) -> Job:
    now = datetime.now(UTC)
    base = dict(
        id=7,
        guild_id=1,
        channel_id=2,
        member_id=42,
        kind=JobKind.REMIX,
        provider="musicgpt",
        prompt="lofi @everyone <@123>",
        upload_limit=1,
        idempotency_key="k",
        webhook_token="t",
        state=state,
        created_at=now - timedelta(seconds=30),
        updated_at=now,
        queued_at=now,
    )
    base.update(fields)
    return Job(**base)


def field(embed) -> str:
    return embed.fields[0].value


def test_queued_shows_position_and_live_elapsed_time():
    embed = render_status(job(JobState.QUEUED), 3, "MusicGPT", None)
    assert "Waiting in the queue" in embed.title
    assert "Position 3 in the queue" in field(embed)
    assert "Started <t:" in field(embed)


def test_running_shows_stage_percent_and_eta():
    now = datetime.now(UTC)
    embed = render_status(
        job(JobState.RUNNING, stage="processing", percent=42.4, eta_seconds=60, submitted_at=now),
        None,
        "MusicGPT",
        None,
    )
    assert "Processing · 42%" in field(embed)
    assert f"Expected <t:{int(now.timestamp()) + 60}:R>" in field(embed)


def test_no_eta_line_without_provider_eta():
    embed = render_status(job(JobState.RUNNING, stage="processing"), None, "Soundpiece", None)
    assert "Expected" not in field(embed)


def test_done_links_the_result_and_failed_says_why():
    done = render_status(job(JobState.DELIVERED), None, "MusicGPT", "https://discord.com/channels/1/2/3")
    assert "Jump to the result" in field(done) and "Started" not in field(done)
    failed = render_status(
        job(JobState.FAILED, error="The provider account is out of credits."), None, "M", None
    )
    assert "out of credits" in field(failed)


def test_member_text_is_defused():
    embed = render_status(job(JobState.QUEUED), None, "MusicGPT", None)
    assert "@everyone" not in embed.description
    assert "<@123>" not in embed.description


def test_defuse_and_clip():
    assert texts.defuse("hi @here <@&5> <#9>") == "hi @\u200bhere <@\u200b&5> <#\u200b9>"
    assert texts.clip("abcdef", 4) == "abc…"


STAGES = ("validating", "queued", "starting", "streaming", "completed")


def test_stage_trail_ticks_every_stage_passed_even_when_edits_were_coalesced():
    # The job jumped from submitted straight to streaming: the stages in between still show as passed.
    running = job(JobState.RUNNING, stage="streaming", percent=50)
    embed = render_status(running, None, "Soundverse", None, STAGES)
    assert "Validating ✓ → Queued ✓ → Starting ✓ → **Streaming 50%**" in field(embed)
    assert "Completed" not in field(embed)


def test_stage_trail_is_complete_once_the_provider_finished():
    for state in (JobState.DELIVERING, JobState.DELIVERED):
        embed = render_status(job(state), None, "Soundverse", None, STAGES)
        assert "Streaming ✓ → Completed ✓" in field(embed)


def test_unknown_stage_falls_back_to_the_plain_line():
    running = job(JobState.RUNNING, stage="mastering", percent=5)
    embed = render_status(running, None, "Soundverse", None, STAGES)
    assert "Mastering · 5%" in field(embed) and "✓" not in field(embed)


def test_cancelled_says_so_and_by_whom():
    embed = render_status(job(JobState.CANCELLED, error=texts.cancelled_by(99)), None, "MusicGPT", None)
    assert "This job was cancelled. Cancelled by <@99>." in field(embed)
    assert "Started" not in field(embed)


async def test_expected_time_stays_put_as_the_provider_counts_down(tmp_path):
    """Providers report the time left; the status must show one fixed moment, not one that drifts."""
    from domain.jobs import NewJob
    from domain.tracking import Progress
    from engine.runner import Runner
    from storage.db import Database
    from storage.jobs import JobRepository

    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="p",
            upload_limit=1,
            idempotency_key="k",
            webhook_token="t",
        )
    )
    for state in (JobState.QUEUED, JobState.SUBMITTING):
        job = await jobs.transition(job.id, state)
    submitted = datetime.now(UTC) - timedelta(seconds=30)
    job = await jobs.transition(job.id, JobState.SUBMITTED, submitted_at=submitted, eta_seconds=60)

    class Quiet:
        def push(self, job, position=None):
            pass

    runner = Runner(
        jobs,
        None,
        Quiet(),
        None,
        work_dir=tmp_path,  # type: ignore[arg-type]
        deadline_seconds=60,
        max_take_bytes=1,
    )
    job = await runner._progress(job, Progress(stage="processing", eta_seconds=30))  # 30 s in, 30 s left
    expected = int(submitted.timestamp()) + 60
    embed = render_status(job, None, "P", None)
    assert (
        f"Expected <t:{expected}:R>" in embed.fields[0].value
        or f"<t:{expected + 1}:R>" in embed.fields[0].value
    )
    await db.close()


def test_a_long_failure_still_fits_discords_field_limit():
    embed = render_status(
        job(JobState.FAILED, error="MusicGPT refused the request: " + "x" * 1200), None, "M", None
    )
    assert len(embed.fields[0].value) <= 1024
