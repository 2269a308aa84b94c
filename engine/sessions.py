"""Session rules: entering, withdrawing, voting, and the phase changes every path goes through.

A phase change is a compare-and-set in storage, so a deadline, a host's button and a second
scheduler can race and exactly one of them moves the session. What follows a change (numbering and
posting the entries, the results, archiving the thread) is recorded as it is done, so a restart
finishes it without doing any part twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from domain.clock import Clock
from domain.session_outcomes import (
    EnterCode,
    EnterOutcome,
    PhaseCode,
    PhaseOutcome,
    VoteCode,
    VoteOutcome,
    WithdrawCode,
)
from domain.sessions import (
    Entry,
    EntryKind,
    EntryStatus,
    NewSession,
    Results,
    Session,
    SessionPhase,
    SessionPlan,
    SessionStats,
    rank,
)
from engine.session_face import SessionFace
from storage.sessions import SessionRepository

log = logging.getLogger(__name__)

P = SessionPhase
SHUFFLE_BITS = 62  # fits a signed 64-bit column in SQLite and PostgreSQL
# How long a follow-up (posting entries, results) may go without progress before another scheduler
# takes it over, as after a crash halfway through.
LEASE = timedelta(minutes=2)
RECENT = timedelta(days=14)


@dataclass(frozen=True)
class Voter:
    member_id: int
    is_bot: bool
    joined_at: datetime | None  # when the member joined the server; None if unknown


def session_dir(work_dir: Path, session_id: int) -> Path:
    return work_dir / "sessions" / str(session_id)


class SessionEngine:
    def __init__(
        self,
        store: SessionRepository,
        face: SessionFace,
        clock: Clock,
        work_dir: Path,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.face = face
        self.clock = clock
        self.work_dir = work_dir
        self.rng = rng or random.SystemRandom()
        # Told when a deadline appears (the scheduler sets it to its wake-up).
        self.on_deadline: Callable[[], None] = lambda: None
        self._locks: dict[int, asyncio.Lock] = {}
        # This process's name on the follow-up leases it takes: it gives back only its own.
        self.holder = secrets.token_hex(8)

    # -- sessions -----------------------------------------------------------------------------------

    async def start(self, plan: SessionPlan) -> Session:
        now = self.clock.utcnow()
        session = await self.store.create(NewSession.from_plan(plan, now), now)
        self.on_deadline()
        return session

    async def record(
        self,
        session_id: int,
        *,
        thread_id: int | None = None,
        card_message_id: int | None = None,
        source_message_id: int | None = None,
    ) -> Session | None:
        """Keep the ids of what the face made for the session (thread, card, re-uploaded source)."""
        given = {
            "thread_id": thread_id,
            "card_message_id": card_message_id,
            "source_message_id": source_message_id,
        }
        fields = {name: value for name, value in given.items() if value is not None}
        return await self.store.update(session_id, **fields) if fields else await self.store.get(session_id)

    async def show_open_cards(self) -> None:
        """At start: card edits still waiting when the last process stopped are gone; show every open
        session's state again."""
        for session in await self.store.open_sessions():
            await self._card(session.id)

    async def get(self, session_id: int) -> Session | None:
        return await self.store.get(session_id)

    async def by_thread(self, thread_id: int) -> Session | None:
        """The session a command run in a thread belongs to."""
        return await self.store.by_thread(thread_id)

    async def stats(self, session_id: int) -> SessionStats:
        return await self.store.stats(session_id)

    async def list_for_guild(self, guild_id: int) -> list[Session]:
        """/session list: the open sessions, then those started within RECENT."""
        return await self.store.for_guild(guild_id, self.clock.utcnow() - RECENT)

    async def autocomplete(self, guild_id: int, text: str) -> list[Session]:
        return await self.store.autocomplete(guild_id, text)

    async def results(self, session_id: int) -> Results | None:
        """The ranking of a closed session; None for any other."""
        session = await self.store.get(session_id)
        if session is None or session.phase is not P.CLOSED:
            return None
        return await self._results(session)

    # -- entries ------------------------------------------------------------------------------------

    async def enter(
        self,
        session_id: int,
        member_id: int,
        source: Path,
        *,
        max_bytes: int,
        job_id: int | None = None,
        take_index: int | None = None,
        upload_filename: str | None = None,
    ) -> EnterOutcome:
        """Copy a take (or an upload) into the session's storage and make it an entry."""
        session = await self.store.get(session_id)
        if session is None or session.phase is not P.SUBMISSIONS:
            return EnterOutcome(EnterCode.NOT_OPEN)
        if (
            job_id is not None
            and take_index is not None
            and await self.store.has_take(session_id, job_id, take_index)
        ):
            return EnterOutcome(EnterCode.ALREADY_ENTERED)
        if await asyncio.to_thread(lambda: source.stat().st_size) > max_bytes:
            return EnterOutcome(EnterCode.TOO_LARGE, limit=max_bytes)
        cap = session.entries_per_member
        if len(await self.store.member_entries(session_id, member_id)) >= cap:
            return EnterOutcome(EnterCode.CAP_REACHED, cap=cap)
        suffix = Path(upload_filename or source.name).suffix.lower()
        target = session_dir(self.work_dir, session_id) / f"entry-{member_id}-{secrets.token_hex(6)}{suffix}"
        await asyncio.to_thread(_copy, source, target)
        kind = EntryKind.AI if job_id is not None else EntryKind.UPLOAD
        entry = await self.store.add_entry(
            session_id,
            member_id,
            kind,
            target,
            self.rng.getrandbits(SHUFFLE_BITS),
            self.clock.utcnow(),
            job_id=job_id,
            take_index=take_index,
            upload_filename=upload_filename,
        )
        if entry is None:  # lost a race: the phase moved, the cap filled, or the same take went in
            target.unlink(missing_ok=True)
            return await self._why_not_entered(session_id, member_id, job_id, take_index)
        count = len(await self.store.member_entries(session_id, member_id))
        await self._card(session_id)
        return EnterOutcome(EnterCode.ENTERED, entry=entry, count=count, cap=cap)

    async def _why_not_entered(
        self, session_id: int, member_id: int, job_id: int | None, take_index: int | None
    ) -> EnterOutcome:
        session = await self.store.get(session_id)
        if session is None or session.phase is not P.SUBMISSIONS:
            return EnterOutcome(EnterCode.NOT_OPEN)
        if (
            job_id is not None
            and take_index is not None
            and await self.store.has_take(session_id, job_id, take_index)
        ):
            return EnterOutcome(EnterCode.ALREADY_ENTERED)
        return EnterOutcome(EnterCode.CAP_REACHED, cap=session.entries_per_member)

    async def my_entries(self, session_id: int, member_id: int) -> list[Entry]:
        return await self.store.member_entries(session_id, member_id)

    async def withdraw(self, session_id: int, entry_id: int, member_id: int) -> WithdrawCode:
        session = await self.store.get(session_id)
        if session is None or session.phase is not P.SUBMISSIONS:
            return WithdrawCode.NOT_OPEN
        entry = await self.store.entry(entry_id)
        if entry is None or entry.session_id != session_id:
            return WithdrawCode.NOT_FOUND
        withdrawn = await self.store.withdraw(entry_id, member_id, self.clock.utcnow())
        if withdrawn is None:
            current = await self.store.get(session_id)
            return (
                WithdrawCode.NOT_FOUND
                if current and current.phase is P.SUBMISSIONS
                else WithdrawCode.NOT_OPEN
            )
        withdrawn.file_path.unlink(missing_ok=True)
        await self._card(session_id)
        return WithdrawCode.WITHDRAWN

    # -- votes --------------------------------------------------------------------------------------

    async def vote(self, session_id: int, entry_id: int, voter: Voter) -> VoteOutcome:
        session = await self.store.get(session_id)
        if session is None or session.phase is not P.VOTING:
            return VoteOutcome(VoteCode.NOT_OPEN)
        if voter.is_bot:
            return VoteOutcome(VoteCode.BOT)
        if session.voters_joined_before and (
            voter.joined_at is None or voter.joined_at >= session.created_at
        ):
            return VoteOutcome(VoteCode.NOT_ELIGIBLE)
        entry = await self.store.entry(entry_id)
        if entry is None or entry.session_id != session_id or not entry.on_ballot:
            return VoteOutcome(VoteCode.NO_SUCH_ENTRY)
        if entry.member_id == voter.member_id:
            return VoteOutcome(VoteCode.OWN_ENTRY, number=entry.number)
        previous_id = await self.store.ballot_entry(session_id, voter.member_id)
        if previous_id == entry.id:
            return VoteOutcome(VoteCode.ALREADY, number=entry.number)
        if not await self.store.vote(session_id, voter.member_id, entry.id, self.clock.utcnow()):
            return VoteOutcome(VoteCode.NOT_OPEN)  # voting closed between the check and the write
        if previous_id is None:
            await self._card(session_id)
            return VoteOutcome(VoteCode.CAST, number=entry.number)
        previous = await self.store.entry(previous_id)
        return VoteOutcome(
            VoteCode.MOVED, number=entry.number, previous=previous.number if previous else None
        )

    # -- phase changes ------------------------------------------------------------------------------

    async def open_voting(self, session_id: int) -> PhaseOutcome:
        """Close submissions now (deadline or host): number the entries and post them for the vote."""
        return await self._move(session_id, P.VOTING)

    async def end_voting(self, session_id: int) -> PhaseOutcome:
        """Close voting now (deadline or host): post the results, archive the thread."""
        return await self._move(session_id, P.CLOSED)

    async def cancel(self, session_id: int) -> PhaseOutcome:
        """End the session with no results."""
        return await self._move(session_id, P.CANCELLED)

    async def advance(self, session_id: int) -> PhaseOutcome:
        """/session next: whichever of open voting / end voting the session is ready for."""
        session = await self.store.get(session_id)
        if session is None:
            return PhaseOutcome(PhaseCode.NOT_FOUND)
        if session.phase is P.SUBMISSIONS:
            return await self.open_voting(session_id)
        return await self.end_voting(session_id)

    async def run_due(self) -> None:
        """Act on every deadline that has passed, in order, then finish any follow-up left undone."""
        for session in await self.store.due(self.clock.utcnow()):
            async with self._lock(session.id):
                await self._catch_up(session.id)
        for session in await self.store.unsettled(self.clock.utcnow()):
            async with self._lock(session.id):
                if await self.store.claim(session.id, self.clock.utcnow(), self._lease_end(), self.holder):
                    await self._settle(session.id)

    async def _catch_up(self, session_id: int) -> None:
        """Every passed deadline of one session, one after the other (open voting, then close it)."""
        current = await self.store.get(session_id)
        while current and current.next_deadline and current.next_deadline <= self.clock.utcnow():
            if current.phase is P.VOTING and await self.store.has_unposted(session_id):
                # In order: voting ends only once every entry was put to the vote.
                if await self.store.claim(session_id, self.clock.utcnow(), self._lease_end(), self.holder):
                    await self._settle(session_id)
                if await self.store.has_unposted(session_id):
                    return
            await self._transition(current, P.VOTING if current.phase is P.SUBMISSIONS else P.CLOSED)
            current = await self.store.get(session_id)

    async def _move(self, session_id: int, to: SessionPhase) -> PhaseOutcome:
        async with self._lock(session_id):
            session = await self.store.get(session_id)
            if session is None:
                return PhaseOutcome(PhaseCode.NOT_FOUND)
            moved = await self._transition(session, to)
        if moved is None:
            return PhaseOutcome(PhaseCode.WRONG_PHASE, await self.store.get(session_id))
        self.on_deadline()
        return PhaseOutcome(PhaseCode.DONE, moved)

    async def _transition(self, session: Session, to: SessionPhase) -> Session | None:
        """The compare-and-set (taking the follow-up lease), then the follow-up. None when another
        path moved it first."""
        moved = await self.store.transition(
            session.id, to, self.clock.utcnow(), lease_until=self._lease_end(), holder=self.holder
        )
        if moved is None:
            return None
        log.info("session %s: %s -> %s", session.id, session.phase, to)
        if to is P.VOTING:
            await self.store.number_entries(session.id)
        elif to is P.CLOSED:
            # Anything not on the ballot by now never will be.
            await self.store.fail_unposted(session.id)
        await self._card(session.id)
        await self._settle(session.id)
        return await self.store.get(session.id)

    async def _settle(self, session_id: int) -> None:
        """Do what the current phase still owes the face. Face errors leave it for the next pass."""
        try:
            await self._settle_or_raise(session_id)
        except Exception as error:  # the face's failure must not undo or block the phase change
            log.warning("session %s: follow-up left for later: %s", session_id, error)
        finally:
            await self.store.release(session_id, self.holder)

    async def _settle_or_raise(self, session_id: int) -> None:
        session = await self.store.get(session_id)
        if session is None:
            return
        if session.phase is P.VOTING:
            await self.store.number_entries(session_id)  # a crash may have come between change and numbers
            for entry in await self.store.entries(session_id, EntryStatus.ENTERED):
                if entry.message_id is not None:
                    continue
                message_id = await self.face.post_entry(session, entry)
                if message_id is None:
                    await self.store.fail_unposted(session_id, entry.id)
                else:
                    await self.store.set_entry_posted(entry.id, message_id)
                await self.store.extend(session_id, self._lease_end(), self.holder)  # still at it
            await self._card(session_id)
            return
        if session.phase is P.CLOSED and session.results_message_id is None:
            message_id = await self.face.post_results(session, await self._results(session))
            session = await self.store.update(session_id, results_message_id=message_id) or session
        if session.phase in (P.CLOSED, P.CANCELLED) and session.archived_at is None:
            await self._card(session_id)
            posted = [e for e in await self.store.entries(session_id) if e.message_id is not None]
            await self.face.close_thread(session, posted)
            await self.store.update(session_id, archived_at=self.clock.utcnow())

    async def _results(self, session: Session) -> Results:
        entries = await self.store.entries(session.id, EntryStatus.ENTERED)
        tallies = await self.store.tallies(session.id)
        return Results(session=session, placings=rank(entries, tallies), ballots=sum(tallies.values()))

    async def _card(self, session_id: int) -> None:
        session = await self.store.get(session_id)
        if session is not None:
            self.face.card_changed(session, await self.store.stats(session_id))

    def _lease_end(self) -> datetime:
        return self.clock.utcnow() + LEASE

    def _lock(self, session_id: int) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
