"""Session rules as members meet them: entering, withdrawing, voting, and the host's buttons."""

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.session_outcomes import EnterCode, PhaseCode, VoteCode, WithdrawCode
from domain.sessions import EntryStatus, SessionPhase, SessionPlan
from engine.sessions import SessionEngine, Voter
from storage.db import Database
from storage.sessions import SessionRepository
from tests.clock import FakeClock
from tests.fakes.sessions import RecordingFace

P = SessionPhase
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MEMBER = Voter(member_id=7, is_bot=False, joined_at=T0 - timedelta(days=100))
LIMIT = 1024


@pytest.fixture
async def engine(tmp_path: Path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield SessionEngine(
        SessionRepository(db), RecordingFace(), FakeClock(start=T0), tmp_path / "work", random.Random(5)
    )
    await db.close()


@pytest.fixture
def take(tmp_path: Path) -> Path:
    path = tmp_path / "take1.mp3"
    path.write_bytes(b"ID3" + b"\0" * 100)
    return path


def face(engine: SessionEngine) -> RecordingFace:
    assert isinstance(engine.face, RecordingFace)
    return engine.face


async def start(engine: SessionEngine, **fields) -> int:
    plan = SessionPlan(guild_id=1, channel_id=2, host_id=3, title="Night drive", **fields)
    return (await engine.start(plan)).id


async def enter(engine: SessionEngine, session_id: int, member: int, take: Path):
    return await engine.enter(session_id, member, take, max_bytes=LIMIT, upload_filename="My Mix.MP3")


async def voting(engine: SessionEngine, take: Path, authors: tuple[int, ...] = (101, 102, 103)):
    session_id = await start(engine)
    entries = [(await enter(engine, session_id, author, take)).entry for author in authors]
    assert (await engine.open_voting(session_id)).code is PhaseCode.DONE
    numbered = {e.id: e for e in await engine.store.entries(session_id)}
    return session_id, [numbered[e.id] for e in entries if e]


async def test_the_faces_ids_are_kept_and_listed(engine: SessionEngine) -> None:
    session_id = await start(engine)
    recorded = await engine.record(session_id, thread_id=70, card_message_id=80)
    assert (recorded.thread_id, recorded.card_message_id) == (70, 80)
    assert [s.id for s in await engine.list_for_guild(1)] == [session_id]
    assert [s.id for s in await engine.autocomplete(1, "night")] == [session_id]


async def test_an_entry_is_a_copy_in_the_sessions_storage(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine)
    outcome = await enter(engine, session_id, 10, take)
    assert outcome.code is EnterCode.ENTERED and (outcome.count, outcome.cap) == (1, 2)
    stored = outcome.entry.file_path
    assert stored.parent == engine.work_dir / "sessions" / str(session_id) and stored.suffix == ".mp3"
    await asyncio.to_thread(take.unlink)  # the job's take may be swept: the entry keeps its own copy
    assert (await asyncio.to_thread(stored.read_bytes)).startswith(b"ID3")
    assert face(engine).cards[-1][1].entries == 1


async def test_entering_is_refused_past_the_cap_over_the_limit_and_after_submissions(
    engine: SessionEngine, take: Path
) -> None:
    session_id = await start(engine, entries_per_member=1)
    assert (await enter(engine, session_id, 10, take)).code is EnterCode.ENTERED
    capped = await enter(engine, session_id, 10, take)
    assert (capped.code, capped.cap) == (EnterCode.CAP_REACHED, 1)
    large = await engine.enter(session_id, 11, take, max_bytes=10, upload_filename="a.mp3")
    assert (large.code, large.limit) == (EnterCode.TOO_LARGE, 10)
    await engine.open_voting(session_id)
    assert (await enter(engine, session_id, 11, take)).code is EnterCode.NOT_OPEN
    assert (await enter(engine, 999, 11, take)).code is EnterCode.NOT_OPEN
    assert len(list((engine.work_dir / "sessions" / str(session_id)).iterdir())) == 1


async def test_a_double_press_at_the_cap_enters_once(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine, entries_per_member=2)
    outcomes = await asyncio.gather(*(enter(engine, session_id, 10, take) for _ in range(4)))
    assert sorted(o.code for o in outcomes).count(EnterCode.ENTERED) == 2
    assert len(await engine.my_entries(session_id, 10)) == 2
    assert len(list((engine.work_dir / "sessions" / str(session_id)).iterdir())) == 2


async def test_withdraw_only_your_own_and_only_during_submissions(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine)
    entry = (await enter(engine, session_id, 10, take)).entry
    assert await engine.withdraw(session_id, entry.id, 11) is WithdrawCode.NOT_FOUND
    assert await engine.withdraw(session_id, entry.id, 10) is WithdrawCode.WITHDRAWN
    assert not entry.file_path.exists()
    assert await engine.withdraw(session_id, entry.id, 10) is WithdrawCode.NOT_FOUND
    assert await engine.my_entries(session_id, 10) == []
    kept = (await enter(engine, session_id, 10, take)).entry
    await engine.open_voting(session_id)
    assert await engine.withdraw(session_id, kept.id, 10) is WithdrawCode.NOT_OPEN


async def test_vote_cast_moved_already(engine: SessionEngine, take: Path) -> None:
    session_id, (a, b, _) = await voting(engine, take)
    cast = await engine.vote(session_id, a.id, MEMBER)
    assert (cast.code, cast.number) == (VoteCode.CAST, a.number) and cast.accepted
    same = await engine.vote(session_id, a.id, MEMBER)
    assert (same.code, same.number) == (VoteCode.ALREADY, a.number)
    moved = await engine.vote(session_id, b.id, MEMBER)
    assert (moved.code, moved.previous, moved.number) == (VoteCode.MOVED, a.number, b.number)
    assert await engine.store.tallies(session_id) == {b.id: 1}
    assert face(engine).cards[-1][1].ballots == 1


async def test_votes_refused(engine: SessionEngine, take: Path) -> None:
    session_id, (a, _, _) = await voting(engine, take)
    author = Voter(member_id=a.member_id, is_bot=False, joined_at=MEMBER.joined_at)
    newcomer = Voter(member_id=8, is_bot=False, joined_at=T0 + timedelta(minutes=1))
    bot = Voter(member_id=9, is_bot=True, joined_at=MEMBER.joined_at)
    stranger = Voter(member_id=10, is_bot=False, joined_at=None)
    assert (await engine.vote(session_id, a.id, author)).code is VoteCode.OWN_ENTRY
    assert (await engine.vote(session_id, a.id, newcomer)).code is VoteCode.NOT_ELIGIBLE
    assert (await engine.vote(session_id, a.id, stranger)).code is VoteCode.NOT_ELIGIBLE
    assert (await engine.vote(session_id, a.id, bot)).code is VoteCode.BOT
    assert (await engine.vote(session_id, 9999, MEMBER)).code is VoteCode.NO_SUCH_ENTRY
    assert not (await engine.vote(session_id, a.id, bot)).accepted
    assert await engine.store.tallies(session_id) == {}
    await engine.end_voting(session_id)
    assert (await engine.vote(session_id, a.id, MEMBER)).code is VoteCode.NOT_OPEN


async def test_newcomers_may_vote_when_the_setting_allows(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine, voters_joined_before=False)
    entry = (await enter(engine, session_id, 101, take)).entry
    assert (await engine.vote(session_id, entry.id, MEMBER)).code is VoteCode.NOT_OPEN  # not yet
    await engine.open_voting(session_id)
    newcomer = Voter(member_id=8, is_bot=False, joined_at=T0 + timedelta(minutes=1))
    assert (await engine.vote(session_id, entry.id, newcomer)).code is VoteCode.CAST


async def test_an_entry_discord_refused_is_off_the_ballot(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine)
    kept = (await enter(engine, session_id, 101, take)).entry
    refused = (await enter(engine, session_id, 102, take)).entry
    face(engine).refuse_entries.add(refused.id)
    await engine.open_voting(session_id)
    assert (await engine.store.entry(refused.id)).status is EntryStatus.FAILED
    assert (await engine.vote(session_id, refused.id, MEMBER)).code is VoteCode.NO_SUCH_ENTRY
    assert (await engine.vote(session_id, kept.id, MEMBER)).code is VoteCode.CAST
    await engine.end_voting(session_id)
    results = await engine.results(session_id)
    assert [p.entry.id for p in results.placings] == [kept.id]


async def test_host_actions_go_through_the_same_transitions(engine: SessionEngine, take: Path) -> None:
    session_id = await start(engine)
    assert (await engine.end_voting(session_id)).code is PhaseCode.WRONG_PHASE
    assert (await engine.advance(session_id)).session.phase is P.VOTING
    assert (await engine.open_voting(session_id)).code is PhaseCode.WRONG_PHASE
    assert (await engine.advance(session_id)).session.phase is P.CLOSED
    assert (await engine.cancel(session_id)).code is PhaseCode.WRONG_PHASE
    assert (await engine.advance(999)).code is PhaseCode.NOT_FOUND
    assert [what for what, _ in face(engine).calls] == ["results", "close"]


async def test_results_rank_with_ties_and_reveal_nothing_early(engine: SessionEngine, take: Path) -> None:
    session_id, (a, b, c) = await voting(engine, take)
    for voter, entry in ((1, a), (2, a), (3, b), (4, b), (5, c)):
        await engine.vote(session_id, entry.id, Voter(voter, False, MEMBER.joined_at))
    assert await engine.results(session_id) is None  # hidden until the end
    await engine.end_voting(session_id)
    results = await engine.results(session_id)
    assert [(p.place, p.entry.id, p.votes) for p in results.placings][2] == (3, c.id, 1)
    assert {p.entry.id for p in results.winners} == {a.id, b.id}
    assert face(engine).results[0].ballots == 5
    closed = await engine.get(session_id)
    assert closed.results_message_id is not None and closed.archived_at == T0


async def test_no_ballots_no_winner(engine: SessionEngine, take: Path) -> None:
    session_id, entries = await voting(engine, take)
    await engine.end_voting(session_id)
    results = await engine.results(session_id)
    assert results.no_winner and len(results.placings) == len(entries)


async def test_cancel_ends_with_no_results(engine: SessionEngine, take: Path) -> None:
    session_id, _ = await voting(engine, take)
    outcome = await engine.cancel(session_id)
    assert outcome.code is PhaseCode.DONE and outcome.session.phase is P.CANCELLED
    assert [what for what, _ in face(engine).calls if what != "entry"] == ["close"]
    assert await engine.results(session_id) is None
    assert (await engine.get(session_id)).archived_at is not None
