"""Deadlines on a fake clock: each acted on once, in order, also across restarts and races."""

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.sessions import Session, SessionPhase, SessionPlan
from engine.session_scheduler import SessionScheduler
from engine.sessions import SessionEngine, Voter
from storage.db import Database
from storage.sessions import SessionRepository
from tests.clock import FakeClock
from tests.fakes.sessions import RecordingFace

P = SessionPhase
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = 3600.0
VOTER = Voter(member_id=7, is_bot=False, joined_at=T0 - timedelta(days=100))


class MoveLog(SessionRepository):
    """The store, noting every phase change this process won (the compare-and-set moved it)."""

    def __init__(self, db: Database, moves: list[SessionPhase]) -> None:
        super().__init__(db)
        self.moves = moves

    async def transition(
        self,
        session_id: int,
        to: SessionPhase,
        now: datetime,
        lease_until: datetime | None = None,
        holder: str | None = None,
    ) -> Session | None:
        moved = await super().transition(session_id, to, now, lease_until, holder)
        if moved is not None:
            self.moves.append(to)
        return moved


async def bot(
    tmp_path: Path, clock: FakeClock, face: RecordingFace, moves: list[SessionPhase] | None = None
) -> tuple[Database, SessionScheduler]:
    """One bot process: its own database connection, engine and scheduler."""
    db = await Database.open(tmp_path / "bot.sqlite3")
    store = MoveLog(db, [] if moves is None else moves)
    engine = SessionEngine(store, face, clock, tmp_path / "work", random.Random(3))
    return db, SessionScheduler(engine, clock)


async def advance(clock: FakeClock, seconds: float) -> None:
    """Move the time once the scheduler waits on it, and return once it waits again: the deadlines
    that passed were acted on."""
    await clock.asleep()
    await clock.advance(seconds)
    await clock.asleep()


@asynccontextmanager
async def running(tmp_path: Path, clock: FakeClock, face: RecordingFace) -> AsyncIterator[SessionScheduler]:
    """A bot's life: start the scheduler, let it catch up, and stop at the end (or crash)."""
    db, scheduler = await bot(tmp_path, clock, face)
    scheduler.start()
    try:
        await scheduler.caught_up()
        yield scheduler
    finally:
        await scheduler.stop()
        await db.close()


async def new_session(scheduler: SessionScheduler, tmp_path: Path, entries: int = 2) -> int:
    engine = scheduler.engine
    plan = SessionPlan(
        guild_id=1,
        channel_id=2,
        host_id=3,
        title="Night drive",
        submissions=timedelta(hours=2),
        voting=timedelta(hours=1),
    )
    session_id = (await engine.start(plan)).id
    take = tmp_path / "take.mp3"
    take.write_bytes(b"ID3 audio")
    for member in range(entries):
        await engine.enter(session_id, 100 + member, take, max_bytes=1000, upload_filename="t.mp3")
    await scheduler.caught_up()
    return session_id


def steps(face: RecordingFace) -> list[str]:
    return [what for what, _ in face.calls]


async def phase(scheduler: SessionScheduler, session_id: int) -> SessionPhase:
    session = await scheduler.engine.get(session_id)
    assert session is not None
    return session.phase


async def test_a_full_cycle(tmp_path: Path) -> None:
    clock, face = FakeClock(start=T0), RecordingFace()
    async with running(tmp_path, clock, face) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
        await advance(clock, 2 * HOUR - 1)
        assert await phase(scheduler, session_id) is P.SUBMISSIONS and face.calls == []
        await advance(clock, 1)
        assert await phase(scheduler, session_id) is P.VOTING
        assert steps(face) == ["entry", "entry"]
        entry = face.posted[0]
        assert (await scheduler.engine.vote(session_id, entry.id, VOTER)).accepted
        await advance(clock, HOUR)
        assert await phase(scheduler, session_id) is P.CLOSED
        assert steps(face) == ["entry", "entry", "results", "close"]
        assert [p.entry.id for p in face.results[0].winners] == [entry.id]
        await advance(clock, 10 * HOUR)
        assert len(face.calls) == 4


async def test_a_restart_during_submissions_keeps_the_deadline(tmp_path: Path) -> None:
    clock, face = FakeClock(start=T0), RecordingFace()
    async with running(tmp_path, clock, face) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
        await advance(clock, HOUR)
    # Down for half an hour; then a new process with a new face.
    clock = FakeClock(start=T0 + timedelta(hours=1, minutes=30))
    face = RecordingFace()
    async with running(tmp_path, clock, face) as scheduler:
        assert await phase(scheduler, session_id) is P.SUBMISSIONS
        await advance(clock, HOUR / 2)
        assert await phase(scheduler, session_id) is P.VOTING
        assert steps(face) == ["entry", "entry"]
        numbers = sorted(e.number for e in face.posted)
        assert numbers == [1, 2]


async def test_both_deadlines_passed_while_down_open_then_close_once(tmp_path: Path) -> None:
    clock = FakeClock(start=T0)
    async with running(tmp_path, clock, RecordingFace()) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
    # Back a day later, and two schedulers (a double start) race to catch up. They share one
    # Discord (one face) and one database; which of them does what is up to the race.
    later = FakeClock(start=T0 + timedelta(days=1))
    discord = RecordingFace()
    moves: list[SessionPhase] = []
    (db1, one), (db2, two) = (
        await bot(tmp_path, later, discord, moves),
        await bot(tmp_path, later, discord, moves),
    )
    one.start()
    two.start()
    try:
        await one.caught_up()
        await two.caught_up()
        assert await phase(one, session_id) is P.CLOSED
        # Each phase change and each post happened exactly once across both, in order.
        assert moves == [P.VOTING, P.CLOSED]
        assert steps(discord) == ["entry", "entry", "results", "close"]
        assert sorted(e.number for e in discord.posted) == [1, 2]
        session = await one.engine.get(session_id)
        assert session.voting_opened_at and session.finished_at and session.archived_at
    finally:
        for scheduler, db in ((one, db1), (two, db2)):
            await scheduler.stop()
            await db.close()


async def test_the_host_opens_and_ends_voting_early(tmp_path: Path) -> None:
    clock, face = FakeClock(start=T0), RecordingFace()
    async with running(tmp_path, clock, face) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
        await advance(clock, HOUR / 2)
        await scheduler.engine.open_voting(session_id)
        await scheduler.caught_up()
        assert steps(face) == ["entry", "entry"]
        await advance(clock, 1.5 * HOUR)  # the submissions deadline passes: nothing to do any more
        assert steps(face) == ["entry", "entry"]
        await scheduler.engine.end_voting(session_id)
        await scheduler.caught_up()
        await advance(clock, HOUR)  # so does the voting deadline
        assert steps(face) == ["entry", "entry", "results", "close"]


async def test_cancel_stops_the_clock(tmp_path: Path) -> None:
    clock, face = FakeClock(start=T0), RecordingFace()
    async with running(tmp_path, clock, face) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
        await scheduler.engine.cancel(session_id)
        await scheduler.caught_up()
        await advance(clock, 5 * HOUR)
        assert await phase(scheduler, session_id) is P.CANCELLED
        assert steps(face) == ["close"]


async def test_voting_waits_until_every_entry_was_posted(tmp_path: Path) -> None:
    """Discord is down when voting opens: entries are posted later, and voting closes only after."""
    clock = FakeClock(start=T0)
    async with running(tmp_path, clock, RecordingFace()) as scheduler:
        session_id = await new_session(scheduler, tmp_path)
    face = RecordingFace()
    face.fail_posts = True
    later = FakeClock(start=T0 + timedelta(days=1))
    async with running(tmp_path, later, face) as scheduler:
        assert await phase(scheduler, session_id) is P.VOTING and face.calls == []
        face.fail_posts = False
        await advance(later, 60)  # the retry
        assert await phase(scheduler, session_id) is P.CLOSED
        assert steps(face) == ["entry", "entry", "results", "close"]
