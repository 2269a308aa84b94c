from collections import Counter
from datetime import UTC, datetime

from domain.jobs import Job, JobState
from domain.kinds import JobKind
from engine.retry import SUBMIT, TRACK, RetryPolicy
from engine.runner import fair_order


def job(job_id: int, member: int) -> Job:
    now = datetime.now(UTC)
    return Job(
        id=job_id,
        guild_id=1,
        channel_id=2,
        member_id=member,
        kind=JobKind.REMIX,
        provider="musicgpt",
        upload_limit=1,
        idempotency_key=f"k{job_id}",
        webhook_token=f"t{job_id}",
        state=JobState.QUEUED,
        created_at=now,
        updated_at=now,
    )


def test_one_members_pile_does_not_starve_others():
    # Member 1 queued three jobs before members 2 and 3 queued one each.
    queued = [job(1, 1), job(2, 1), job(3, 1), job(4, 2), job(5, 3)]
    assert [j.id for j in fair_order(queued, Counter())] == [1, 4, 5, 2, 3]


def test_members_with_jobs_already_running_wait_their_turn():
    queued = [job(1, 1), job(2, 2)]
    assert [j.id for j in fair_order(queued, Counter({1: 1}))] == [2, 1]


def test_same_member_keeps_first_come_first_served():
    queued = [job(9, 1), job(3, 1), job(5, 1)]
    assert [j.id for j in fair_order(queued, Counter())] == [3, 5, 9]


def test_backoff_honours_retry_after_and_grows_without_it():
    policy = RetryPolicy(attempts=8, base=2.0, cap=60.0)
    assert policy.delay(1, 17.0) == 17.0
    assert 1.0 <= policy.delay(1, None) <= 2.0
    assert 32 <= policy.delay(6, None) <= 64 or policy.delay(6, None) <= 60
    assert policy.delay(30, None) <= 60


def test_a_server_cannot_stretch_a_wait_past_the_stated_worst_case():
    assert SUBMIT.delay(1, 3600.0) == SUBMIT.cap
    assert TRACK.worst_case_wait() == TRACK.cap * (TRACK.attempts - 1)
