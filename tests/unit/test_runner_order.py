from datetime import UTC, datetime

from domain.jobs import Job, JobState
from domain.kinds import JobKind
from engine.retry import SUBMIT, TRACK, RetryPolicy
from engine.fair_queue import FairQueue


def job(job_id: int, member: int, provider: str = "musicgpt") -> Job:
    now = datetime.now(UTC)
    return Job(
        id=job_id,
        guild_id=1,
        channel_id=2,
        member_id=member,
        kind=JobKind.REMIX,
        provider=provider,
        upload_limit=1,
        idempotency_key=f"k{job_id}",
        webhook_token=f"t{job_id}",
        state=JobState.QUEUED,
        created_at=now,
        updated_at=now,
    )


def queue_of(*jobs: Job, running: dict[int, int] | None = None) -> FairQueue:
    queue = FairQueue()
    for member, count in (running or {}).items():
        for _ in range(count):
            queue.started(member)
    for queued in jobs:
        queue.push(queued)
    return queue


def drain(queue: FairQueue, provider: str = "musicgpt") -> list[int]:
    """Start every waiting job in the order the runner would (each start counts for its member)."""
    started = []
    while (picked := queue.pop(provider)) is not None:
        queue.started(picked.member_id)
        started.append(picked.id)
    return started


def test_one_members_pile_does_not_starve_others():
    # Member 1 queued three jobs before members 2 and 3 queued one each.
    queue = queue_of(job(1, 1), job(2, 1), job(3, 1), job(4, 2), job(5, 3))
    assert [j.id for j in queue.order("musicgpt")] == [1, 4, 5, 2, 3]
    assert drain(queue) == [1, 4, 5, 2, 3]


def test_members_with_jobs_already_running_wait_their_turn():
    queue = queue_of(job(1, 1), job(2, 2), running={1: 1})
    assert drain(queue) == [2, 1]


def test_same_member_keeps_first_come_first_served():
    assert drain(queue_of(job(9, 1), job(3, 1), job(5, 1))) == [3, 5, 9]


def test_a_finished_job_gives_its_member_the_next_turn_again():
    queue = queue_of(job(1, 1), job(2, 1), job(3, 2), job(4, 2))
    first = queue.pop("musicgpt")
    assert first is not None and first.id == 1
    queue.started(1)
    queue.ended(1)  # member 1's job ended before member 2 got a slot: member 1 is level again
    assert drain(queue) == [2, 3, 4]


def test_providers_have_separate_lines_and_a_cancelled_job_is_skipped():
    queue = queue_of(job(1, 1, "a"), job(2, 2, "b"), job(3, 1, "a"), job(4, 3, "a"))
    assert queue.discard(4) is not None
    assert drain(queue, "b") == [2]
    assert drain(queue, "a") == [1, 3]
    assert len(queue) == 0 and queue.pop("a") is None


def test_churn_does_not_grow_the_heap_of_members():
    # Lazy invalidation: a key that changed is pushed once, stale entries are dropped at the top.
    queue = FairQueue()
    for n in range(1, 2001):
        queue.push(job(n, n % 20))
    for _ in range(500):
        picked = queue.pop("musicgpt")
        assert picked is not None
        queue.started(picked.member_id)
        queue.ended(picked.member_id)
    assert len(queue) == 1500
    assert len(queue._members["musicgpt"]) <= 2 * 20 + 16
    # The fair order still holds after the churn: everyone level, so oldest first.
    assert drain(queue)[:20] == sorted(range(501, 521))


def test_backoff_honours_retry_after_and_grows_without_it():
    policy = RetryPolicy(attempts=8, base=2.0, cap=60.0)
    assert policy.delay(1, 17.0) == 17.0
    assert 1.0 <= policy.delay(1, None) <= 2.0
    assert 32 <= policy.delay(6, None) <= 64 or policy.delay(6, None) <= 60
    assert policy.delay(30, None) <= 60


def test_a_server_cannot_stretch_a_wait_past_the_stated_worst_case():
    assert SUBMIT.delay(1, 3600.0) == SUBMIT.cap
    assert TRACK.worst_case_wait() == TRACK.cap * (TRACK.attempts - 1)
