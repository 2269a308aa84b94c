"""The sessions tables on SQLite and on PostgreSQL (the `db` and `backend` fixtures in tests/conftest.py):
the writes that must not happen twice, under races."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.jobs import NewJob
from domain.kinds import JobKind
from domain.sessions import EntryKind, EntryStatus, NewSession, SessionPhase, SessionPlan
from storage.db import Database
from storage.jobs import JobRepository
from storage.sessions import SessionRepository
from tests.backends import Backend

P = SessionPhase
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def plan(guild: int = 1, title: str = "Night drive", cap: int = 2) -> NewSession:
    return NewSession.from_plan(
        SessionPlan(guild_id=guild, channel_id=2, host_id=3, title=title, entries_per_member=cap), T0
    )


@pytest.fixture
def repo(db: Database) -> SessionRepository:
    return SessionRepository(db)


async def upload(repo: SessionRepository, session_id: int, member: int, key: int = 0):
    return await repo.add_entry(
        session_id, member, EntryKind.UPLOAD, Path(f"e{key}.mp3"), key, T0, upload_filename="mine.mp3"
    )


async def voting_session(repo: SessionRepository, entries: int = 3):
    session = await repo.create(plan(), T0)
    made = [await upload(repo, session.id, member=100 + i, key=i) for i in range(entries)]
    await repo.transition(session.id, P.VOTING, T0)
    await repo.number_entries(session.id)
    for e in made:
        assert e is not None
        await repo.set_entry_posted(e.id, 5000 + e.id)
    return session, made


async def test_a_session_round_trips(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    assert session.phase is P.SUBMISSIONS and session.created_at == T0
    assert session.submissions_end == T0 + timedelta(days=2)
    updated = await repo.update(session.id, thread_id=7, card_message_id=8)
    assert updated is not None and (updated.thread_id, updated.card_message_id) == (7, 8)
    assert await repo.get(session.id) == updated


async def test_a_session_keeps_its_public_language(repo: SessionRepository) -> None:
    """The card and results speak the language resolved at the start, read back after a restart."""
    fields = plan().model_dump()
    made = await repo.create(NewSession(**{**fields, "public_locale": "pt-BR"}), T0)
    found = await repo.get(made.id)
    assert found is not None and found.public_locale == "pt-BR"
    older = await repo.create(plan(), T0)
    assert older.public_locale is None, "a session from before languages speaks English"


async def test_a_phase_changes_once_and_only_forward(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    assert await repo.transition(session.id, P.CLOSED, T0) is None  # voting comes first
    first, second = await asyncio.gather(
        repo.transition(session.id, P.VOTING, T0), repo.transition(session.id, P.VOTING, T0)
    )
    assert [first is None, second is None].count(True) == 1
    moved = first or second
    assert moved is not None and moved.voting_opened_at == T0


async def test_due_and_next_deadline(repo: SessionRepository) -> None:
    a = await repo.create(plan(), T0)
    b = await repo.create(plan(), T0)
    await repo.transition(b.id, P.VOTING, T0)
    assert await repo.next_deadline() == a.submissions_end
    assert await repo.due(T0) == []
    assert [s.id for s in await repo.due(a.submissions_end)] == [a.id]
    assert {s.id for s in await repo.due(b.voting_end)} == {a.id, b.id}
    await repo.transition(a.id, P.CANCELLED, T0)
    assert await repo.next_deadline() == b.voting_end


async def test_list_and_autocomplete_stay_in_the_guild(repo: SessionRepository) -> None:
    old = await repo.create(plan(title="Old one"), T0 - timedelta(days=30))
    await repo.transition(old.id, P.CANCELLED, T0)
    live = await repo.create(plan(title="100% Lo_fi"), T0)
    await repo.create(plan(guild=9, title="Elsewhere"), T0)
    assert [s.id for s in await repo.for_guild(1, since=T0 - timedelta(days=14))] == [live.id]
    assert [s.id for s in await repo.autocomplete(1, "lo_F")] == [live.id]
    assert [s.id for s in await repo.autocomplete(1, "100%")] == [live.id]
    assert await repo.autocomplete(1, "lo%fi") == []  # wildcards in the text are text
    assert next(s.id for s in await repo.autocomplete(1, str(old.id))) == old.id


async def test_entries_are_capped_per_member(repo: SessionRepository) -> None:
    session = await repo.create(plan(cap=2), T0)
    assert await upload(repo, session.id, 10, 1)
    second = await upload(repo, session.id, 10, 2)
    assert second is not None
    assert await upload(repo, session.id, 10, 3) is None
    assert await upload(repo, session.id, 11, 4)  # another member has their own cap
    await repo.withdraw(second.id, 10, T0)
    assert await upload(repo, session.id, 10, 5)  # a withdrawn entry frees its place


async def test_racing_entries_at_the_cap_stay_capped(backend: Backend, repo: SessionRepository) -> None:
    """Several connections (as after a double press on two shards) insert at once: the cap holds."""
    session = await repo.create(plan(cap=2), T0)
    await upload(repo, session.id, 10, 1)
    others = [await backend.open() for _ in range(4)]
    try:
        made = await asyncio.gather(
            *(upload(SessionRepository(db), session.id, 10, 10 + i) for i, db in enumerate(others))
        )
    finally:
        for db in others:
            await db.close()
    assert sum(e is not None for e in made) == 1
    assert len(await repo.member_entries(session.id, 10)) == 2


async def test_one_take_is_one_entry(db: Database, repo: SessionRepository) -> None:
    job = await JobRepository(db).create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=10,
            kind=JobKind.REMIX,
            provider="local",
            upload_limit=1,
            idempotency_key="k",
            webhook_token="w",
        )
    )
    session = await repo.create(plan(cap=5), T0)

    async def enter(key: int):
        return await repo.add_entry(
            session.id, 10, EntryKind.AI, Path("t.mp3"), key, T0, job_id=job.id, take_index=1
        )

    made = await asyncio.gather(enter(1), enter(2))
    assert sum(e is not None for e in made) == 1
    assert await repo.has_take(session.id, job.id, 1)


async def test_no_entries_once_voting_opened(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    entry = await upload(repo, session.id, 10)
    assert entry is not None
    await repo.transition(session.id, P.VOTING, T0)
    assert await upload(repo, session.id, 11) is None
    assert await repo.withdraw(entry.id, 10, T0) is None


async def test_numbers_follow_the_shuffle_keys_and_survive_renumbering(repo: SessionRepository) -> None:
    session = await repo.create(plan(cap=5), T0)
    keys = [40, 10, 30, 20]
    made = [await upload(repo, session.id, 10 + i, key) for i, key in enumerate(keys)]
    withdrawn = await upload(repo, session.id, 99, 5)
    assert withdrawn is not None
    await repo.withdraw(withdrawn.id, 99, T0)
    await repo.transition(session.id, P.VOTING, T0)
    await repo.number_entries(session.id)
    await repo.number_entries(session.id)  # again, as after a crash: nothing changes
    numbered = {e.id: e.number for e in await repo.entries(session.id)}
    assert [numbered[e.id] for e in made if e] == [4, 1, 3, 2]
    assert numbered[withdrawn.id] is None


async def test_a_vote_is_one_ballot_that_moves(repo: SessionRepository) -> None:
    session, (a, b, _c) = await voting_session(repo)
    assert await repo.vote(session.id, 7, a.id, T0)
    assert await repo.vote(session.id, 7, b.id, T0)
    assert await repo.ballot_entry(session.id, 7) == b.id
    assert await repo.tallies(session.id) == {b.id: 1}
    assert (await repo.stats(session.id)).ballots == 1


async def test_two_votes_at_once_by_one_member_make_one_ballot(
    backend: Backend, repo: SessionRepository
) -> None:
    session, (a, b, _c) = await voting_session(repo)
    other = await backend.open()
    try:
        results = await asyncio.gather(
            repo.vote(session.id, 7, a.id, T0), SessionRepository(other).vote(session.id, 7, b.id, T0)
        )
    finally:
        await other.close()
    assert results == [True, True]
    tallies = await repo.tallies(session.id)
    assert sum(tallies.values()) == 1 and set(tallies) <= {a.id, b.id}


async def test_the_statement_itself_refuses_what_is_not_on_the_ballot(repo: SessionRepository) -> None:
    session, (a, _b, _c) = await voting_session(repo)
    assert not await repo.vote(session.id, a.member_id, a.id, T0)  # own entry
    assert not await repo.vote(session.id + 1, 7, a.id, T0)  # another session's entry
    await repo.fail_unposted(session.id)  # all are posted: nothing fails
    late = await repo.create(plan(), T0)
    unposted = await upload(repo, late.id, 50)
    assert unposted is not None
    await repo.transition(late.id, P.VOTING, T0)
    assert not await repo.vote(late.id, 7, unposted.id, T0)  # never posted, never on the ballot
    await repo.fail_unposted(late.id)
    assert (await repo.entry(unposted.id)).status is EntryStatus.FAILED
    await repo.transition(session.id, P.CLOSED, T0)
    assert not await repo.vote(session.id, 7, a.id, T0)  # voting over


async def test_unsettled_finds_unfinished_follow_ups(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    await upload(repo, session.id, 10)
    assert await repo.unsettled(T0) == []
    await repo.transition(session.id, P.VOTING, T0)
    assert [s.id for s in await repo.unsettled(T0)] == [session.id]  # entry not posted yet
    await repo.fail_unposted(session.id)
    assert await repo.unsettled(T0) == []
    await repo.transition(session.id, P.CLOSED, T0)
    assert [s.id for s in await repo.unsettled(T0)] == [session.id]  # thread not archived yet
    await repo.update(session.id, archived_at=T0)
    assert await repo.unsettled(T0) == []


async def test_one_scheduler_holds_the_follow_up_lease_until_it_runs_out(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    moved = await repo.transition(session.id, P.VOTING, T0, lease_until=T0 + timedelta(minutes=5))
    assert moved is not None and moved.lease_until == T0 + timedelta(minutes=5)
    assert not await repo.claim(session.id, T0 + timedelta(minutes=1), T0 + timedelta(minutes=6))
    assert await repo.claim(session.id, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))
    assert (await repo.get(session.id)).lease_until == T0 + timedelta(minutes=10)


async def test_only_the_holder_extends_or_gives_back_the_lease(repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    await repo.transition(session.id, P.VOTING, T0, lease_until=T0 + timedelta(minutes=5), holder="a")
    await repo.extend(session.id, T0 + timedelta(minutes=9), "b")
    await repo.release(session.id, "b")
    assert (await repo.get(session.id)).lease_until == T0 + timedelta(minutes=5), "b never held it"
    await repo.extend(session.id, T0 + timedelta(minutes=9), "a")
    assert (await repo.get(session.id)).lease_until == T0 + timedelta(minutes=9)
    # "a" lets its lease run out; "b" takes the next one; "a" finishing late must not clear it.
    assert await repo.claim(session.id, T0 + timedelta(minutes=9), T0 + timedelta(minutes=14), holder="b")
    await repo.release(session.id, "a")
    assert (await repo.get(session.id)).lease_until == T0 + timedelta(minutes=14)
    await repo.release(session.id, "b")
    assert (await repo.get(session.id)).lease_until is None
    # A lease taken without a holder (a single scheduler) is given back by one without a holder.
    assert await repo.claim(session.id, T0, T0 + timedelta(minutes=5))
    await repo.release(session.id, "a")
    assert (await repo.get(session.id)).lease_until is not None
    await repo.release(session.id, None)
    assert (await repo.get(session.id)).lease_until is None


async def test_a_session_is_found_by_its_thread_and_listed_while_open(repo: SessionRepository) -> None:
    first, second = await repo.create(plan(), T0), await repo.create(plan(title="Dawn"), T0)
    await repo.update(first.id, thread_id=2**60)  # Discord ids need 64 bits
    assert (await repo.by_thread(2**60)).id == first.id
    assert await repo.by_thread(5) is None
    await repo.transition(second.id, P.CANCELLED, T0)
    assert [s.id for s in await repo.open_sessions()] == [first.id]


async def test_a_job_remembers_the_session_it_was_made_for(db: Database, repo: SessionRepository) -> None:
    session = await repo.create(plan(), T0)
    new = NewJob(
        guild_id=1,
        channel_id=2,
        member_id=3,
        kind=JobKind.REMIX,
        provider="local",
        upload_limit=1,
        idempotency_key="k",
        webhook_token="t",
        session_id=session.id,
    )
    job = await JobRepository(db).create(new)
    assert (await JobRepository(db).get(job.id)).session_id == session.id
