"""Job leases in the jobs repository, on SQLite and PostgreSQL: which process drives a job, claimed
once, renewed in one statement, taken over when it runs out, and every conditional write refused to
a process that lost it."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.jobs import TERMINAL_CHANNEL, IllegalTransition, JobState
from domain.tracking import Handle
from storage.jobs import CLAIM_BATCH, JobRepository, Lease, LeaseLost
from tests.unit.test_storage import new_job

S = JobState
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
A, B = "host-a:101:aaaa", "host-b:202:bbbb"


def lease(holder: str, seconds: float = 30, at: datetime = NOW) -> Lease:
    return Lease(holder, at + timedelta(seconds=seconds))


@pytest.fixture
def repo(db):
    return JobRepository(db)


async def queued(repo: JobRepository, n: int, **how) -> int:
    job = await repo.create(new_job(n), **how)
    await repo.transition(job.id, S.QUEUED)
    return job.id


async def test_a_job_is_claimed_by_one_process_until_its_lease_runs_out(repo):
    first = await queued(repo, 1)
    second = await queued(repo, 2)
    claimed = await repo.claim(lease(A), NOW)
    assert [(c.job.id, c.previous) for c in claimed] == [(first, None), (second, None)]
    assert await repo.lease_holder(first) == A

    assert await repo.claim(lease(B), NOW + timedelta(seconds=29)) == [], "a live lease is not taken"
    stolen = await repo.claim(lease(B, at=NOW + timedelta(seconds=30)), NOW + timedelta(seconds=30))
    assert [(c.job.id, c.previous) for c in stolen] == [(first, A), (second, A)], "says whose it was"
    assert await repo.lease_holder(first) == B


async def test_claims_leave_finished_jobs_and_the_terminals_jobs_alone(repo):
    done = await queued(repo, 1)
    await repo.transition(done, S.CANCELLED)
    terminal = await repo.create(new_job(2).model_copy(update={"channel_id": TERMINAL_CHANNEL}))
    await repo.transition(terminal.id, S.QUEUED)
    received = await repo.create(new_job(3))  # its input check was cut short: claimed too
    assert [c.job.id for c in await repo.claim(lease(A), NOW)] == [received.id]


async def test_a_job_created_with_a_lease_is_held_from_the_start(repo):
    job = await repo.create(new_job(1), lease=lease(A))
    assert await repo.lease_holder(job.id) == A
    assert await repo.claim(lease(B), NOW) == []


async def test_renewal_is_one_statement_and_names_the_jobs_still_held(repo, db):
    ids = [await queued(repo, n, lease=lease(A)) for n in range(1, 4)]
    other = await queued(repo, 9, lease=lease(B))
    # B takes over the first job once A's lease has run out.
    await repo.db.execute(
        "UPDATE jobs SET lease_until = ? WHERE id = ?", (NOW - timedelta(seconds=1), ids[0])
    )
    assert [c.job.id for c in await repo.claim(lease(B), NOW)] == [ids[0]]

    statements: list[str] = []
    db.trace(statements.append)
    held = await repo.renew(lease(A, seconds=40))
    db.trace(None)
    assert held == set(ids[1:]), "the job B took is no longer A's"
    assert len(statements) == 1
    later = NOW + timedelta(seconds=35)
    claimed = await repo.claim(lease(B, at=later), later)
    assert {c.job.id for c in claimed} == {ids[0], other}, "A's renewed leases hold; B's own ran out"


async def test_a_process_that_lost_the_lease_cannot_write_the_job(repo):
    job_id = await queued(repo, 1, lease=lease(A, seconds=-1))
    await repo.claim(lease(B), NOW)
    with pytest.raises(LeaseLost) as lost:
        await repo.transition(job_id, S.SUBMITTING, held_by=A)
    assert lost.value.holder == B
    with pytest.raises(LeaseLost):
        await repo.update(job_id, percent=50.0, held_by=A)
    job = await repo.get(job_id)
    assert job is not None and job.state is S.QUEUED and job.percent is None, "nothing written"

    moved = await repo.transition(job_id, S.SUBMITTING, held_by=B)
    assert moved.state is S.SUBMITTING
    # A cancel (any process, unconditional) stands; the holder then learns the job moved on.
    await repo.transition(job_id, S.CANCELLED)
    with pytest.raises(IllegalTransition):
        await repo.transition(job_id, S.SUBMITTED, held_by=B, handle=Handle(task_id="t"))


async def test_a_finished_job_gives_its_lease_up_and_release_gives_up_the_rest(repo):
    done, waiting = await queued(repo, 1, lease=lease(A)), await queued(repo, 2, lease=lease(A))
    await repo.transition(done, S.FAILED, held_by=A)
    assert await repo.lease_holder(done) is None
    assert await repo.renew(lease(A)) == {waiting}
    assert await repo.release(A) == 1
    assert await repo.lease_holder(waiting) is None
    assert [c.job.id for c in await repo.claim(lease(B), NOW)] == [waiting], "claimable at once"


async def test_the_one_process_on_a_file_takes_live_leases_at_start(repo):
    dead_run = await queued(repo, 1, lease=lease(A))
    mine = await queued(repo, 2, lease=lease(B))
    claimed = await repo.claim(lease(B), NOW, live_too=True)
    assert [(c.job.id, c.previous) for c in claimed] == [(dead_run, A)], "not its own again"
    assert await repo.lease_holder(mine) == B


async def test_other_processes_in_flight_jobs_are_counted_per_provider(repo):
    for n, (state, holder) in enumerate(
        [(S.SUBMITTED, A), (S.RUNNING, B), (S.RUNNING, None), (S.QUEUED, B), (S.DELIVERING, B)], 1
    ):
        job = await repo.create(new_job(n), lease=lease(holder) if holder else None)
        for step in (S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DELIVERING):
            await repo.transition(job.id, step)
            if step is state:
                break
    # A's view: B's running and delivering jobs and the unheld running one; not B's queued job.
    assert await repo.in_flight_elsewhere(A) == {"musicgpt": 3}
    assert await repo.in_flight_elsewhere(B) == {"musicgpt": 2}


async def test_two_processes_claiming_at_once_split_the_jobs(backend, repo):
    """Two connections (as two processes have): every job goes to exactly one of them."""
    ids = {await queued(repo, n) for n in range(1, 41)}
    other_db = await backend.open()
    try:
        other = JobRepository(other_db)
        rounds = [
            await asyncio.gather(repo.claim(lease(A), NOW), other.claim(lease(B), NOW)) for _ in range(3)
        ]
    finally:
        await other_db.close()
    by_a = [c.job.id for a, _ in rounds for c in a]
    by_b = [c.job.id for _, b in rounds for c in b]
    assert sorted(by_a + by_b) == sorted(ids), "each job claimed once"
    assert not set(by_a) & set(by_b)


async def test_a_claim_takes_at_most_one_batch(repo, db):
    for n in range(CLAIM_BATCH + 1):
        await queued(repo, n)
    assert len(await repo.claim(lease(A), NOW)) == CLAIM_BATCH
    assert len(await repo.claim(lease(A), NOW)) == 1


async def at_provider(repo: JobRepository, n: int, holder: str, *, channel: int = 2) -> int:
    job = await repo.create(new_job(n).model_copy(update={"channel_id": channel}), lease=lease(holder))
    await repo.transition(job.id, S.QUEUED)
    await repo.transition(job.id, S.SUBMITTING)
    await repo.transition(job.id, S.SUBMITTED, handle=Handle(task_id=f"t{n}"))
    return job.id


async def test_rivals_are_the_jobs_of_a_channel_another_process_writes_to_as_well(repo):
    shared = await at_provider(repo, 1, A)
    alone = await at_provider(repo, 2, A, channel=3)
    await at_provider(repo, 3, B)  # B holds a live job in channel 2 too
    assert await repo.rivals(A, NOW) == [(shared, 1, B)]
    assert alone not in {job_id for job_id, _, _ in await repo.rivals(A, NOW)}
    assert await repo.rivals(A, NOW + timedelta(seconds=31)) == [], "a run-out lease writes nothing"


async def test_a_hand_over_moves_only_the_leases_the_giver_still_holds(repo):
    mine = await at_provider(repo, 1, A)
    lost = await at_provider(repo, 2, B)
    assert await repo.hand_over([mine, lost], A, lease(B)) == {mine}
    assert await repo.lease_holder(mine) == B and await repo.lease_holder(lost) == B
    assert [job.id for job in await repo.at_provider([mine, lost])] == [mine, lost]
    received = await repo.create(new_job(3), lease=lease(B))
    assert await repo.at_provider([received.id]) == [], "still being admitted: not at its provider"
