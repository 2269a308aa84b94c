"""The sessions repository: sessions, entries and ballots. SQL stays here.

Every write that must not happen twice is atomic: a phase change is a compare-and-set, a vote is
an upsert keyed by (session, voter), and an entry's cap is checked inside its INSERT while the
session row is locked (SQLite runs each statement under the database write lock, but PostgreSQL under
READ COMMITTED lets two INSERTs count the same entries unless they queue on the session row).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.sessions import (
    OPEN,
    Entry,
    EntryKind,
    EntryStatus,
    NewSession,
    Session,
    SessionPhase,
    SessionStats,
    predecessors,
)
from storage.db import Database, Row

_TIMES = {
    "submissions_end",
    "voting_end",
    "created_at",
    "voting_opened_at",
    "finished_at",
    "archived_at",
    "withdrawn_at",
    "cast_at",
}
_STAMP_ON_ENTRY = {
    SessionPhase.VOTING: "voting_opened_at",
    SessionPhase.CLOSED: "finished_at",
    SessionPhase.CANCELLED: "finished_at",
}
_OPEN = tuple(sorted(p.value for p in OPEN))


def _encode(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def _moment(value: datetime | str) -> datetime:
    """A time as the backend returns it from an expression (SQLite: text; PostgreSQL: a datetime)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _held_by(holder: str | None) -> tuple[str, tuple[str, ...]]:
    """The condition "the lease is `holder`'s" (a NULL holder too): `lease_holder IS ?` would do on
    SQLite, but PostgreSQL takes IS only before NULL, TRUE or FALSE."""
    return ("lease_holder IS NULL", ()) if holder is None else ("lease_holder = ?", (holder,))


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sessions -----------------------------------------------------------------------------------

    async def create(self, new: NewSession, now: datetime) -> Session:
        fields = {**new.model_dump(), "phase": SessionPhase.SUBMISSIONS.value, "created_at": now}
        row = await self._one(
            f"INSERT INTO sessions ({', '.join(fields)}) VALUES ({_marks(fields)}) RETURNING *",
            [_encode(v) for v in fields.values()],
        )
        assert row is not None
        return Session.model_validate(dict(row))

    async def get(self, session_id: int) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return Session.model_validate(dict(row)) if row else None

    async def by_thread(self, thread_id: int) -> Session | None:
        """The session whose thread (or forum post) this is."""
        row = await self._one(
            "SELECT * FROM sessions WHERE thread_id = ? ORDER BY id DESC LIMIT 1", (thread_id,)
        )
        return Session.model_validate(dict(row)) if row else None

    async def update(self, session_id: int, **fields: Any) -> Session | None:
        """Change fields other than the phase (message ids, archived_at)."""
        if "phase" in fields:
            raise ValueError("use transition() to change the phase")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        row = await self._one(
            f"UPDATE sessions SET {assignments} WHERE id = ? RETURNING *",
            [*(_encode(v) for v in fields.values()), session_id],
        )
        return Session.model_validate(dict(row)) if row else None

    async def transition(
        self,
        session_id: int,
        to: SessionPhase,
        now: datetime,
        lease_until: datetime | None = None,
        holder: str | None = None,
    ) -> Session | None:
        """Compare-and-set: the new session if this call moved it, None if it was not in a phase
        `to` may follow (someone else moved it first, or it never could). The mover takes the
        follow-up lease (as `holder`) in the same statement."""
        allowed = sorted(p.value for p in predecessors(to))
        row = await self._one(
            f"UPDATE sessions SET phase = ?, {_STAMP_ON_ENTRY[to]} = ?, lease_until = ?, lease_holder = ? "
            f"WHERE id = ? AND phase IN ({_marks(allowed)}) RETURNING *",
            [to.value, now, lease_until, holder, session_id, *allowed],
        )
        return Session.model_validate(dict(row)) if row else None

    async def claim(self, session_id: int, now: datetime, until: datetime, holder: str | None = None) -> bool:
        """Take the follow-up lease (as `holder`) if nobody holds it (or theirs ran out)."""
        row = await self._one(
            "UPDATE sessions SET lease_until = ?, lease_holder = ? "
            "WHERE id = ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING id",
            (until, holder, session_id, now),
        )
        return row is not None

    async def extend(self, session_id: int, until: datetime, holder: str | None) -> None:
        """Keep the follow-up lease longer, if `holder` still holds it."""
        held, params = _held_by(holder)
        await self.db.execute(
            f"UPDATE sessions SET lease_until = ? WHERE id = ? AND {held}", (until, session_id, *params)
        )

    async def release(self, session_id: int, holder: str | None) -> None:
        """Give the follow-up lease back, unless another scheduler took it since (a phase change)."""
        held, params = _held_by(holder)
        await self.db.execute(
            f"UPDATE sessions SET lease_until = NULL, lease_holder = NULL WHERE id = ? AND {held}",
            (session_id, *params),
        )

    async def open_sessions(self) -> list[Session]:
        return await self._sessions(
            f"SELECT * FROM sessions WHERE phase IN ({_marks(_OPEN)}) ORDER BY id", _OPEN
        )

    async def due(self, now: datetime) -> list[Session]:
        """Open sessions whose current deadline has passed, oldest deadline first."""
        return await self._sessions(
            "SELECT * FROM sessions WHERE (phase = 'submissions' AND submissions_end <= ?) "
            "OR (phase = 'voting' AND voting_end <= ?) ORDER BY submissions_end, id",
            (now, now),
        )

    async def next_deadline(self) -> datetime | None:
        row = await self._one(
            "SELECT MIN(CASE phase WHEN 'submissions' THEN submissions_end ELSE voting_end END) "
            f"FROM sessions WHERE phase IN ({_marks(_OPEN)})",
            _OPEN,
        )
        return _moment(row[0]) if row and row[0] else None

    async def unsettled(self, now: datetime) -> list[Session]:
        """Sessions whose phase changed but whose face work is not all done (entries of an open
        vote not posted yet, or a finished session whose thread is not archived yet), and that
        nobody is working on."""
        return await self._sessions(
            "SELECT * FROM sessions s WHERE (s.lease_until IS NULL OR s.lease_until <= ?) AND ("
            "(s.phase IN ('closed', 'cancelled') AND s.archived_at IS NULL) "
            "OR (s.phase = 'voting' AND EXISTS (SELECT 1 FROM session_entries e WHERE e.session_id = s.id "
            "AND e.status = 'entered' AND e.message_id IS NULL))) ORDER BY s.id",
            (now,),
        )

    async def for_guild(self, guild_id: int, since: datetime, limit: int = 25) -> list[Session]:
        """Open sessions, and finished ones since `since`: open first, newest first."""
        return await self._sessions(
            f"SELECT * FROM sessions WHERE guild_id = ? AND (phase IN ({_marks(_OPEN)}) OR created_at >= ?) "
            f"ORDER BY CASE WHEN phase IN ({_marks(_OPEN)}) THEN 0 ELSE 1 END, "
            "created_at DESC, id DESC LIMIT ?",
            (guild_id, *_OPEN, since, *_OPEN, limit),
        )

    async def autocomplete(self, guild_id: int, text: str, limit: int = 25) -> list[Session]:
        """Sessions of a guild whose id starts with `text` or whose title contains it; an exact id first."""
        needle = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return await self._sessions(
            "SELECT * FROM sessions WHERE guild_id = ? AND (CAST(id AS TEXT) LIKE ? ESCAPE '\\' "
            "OR LOWER(title) LIKE ? ESCAPE '\\') "
            "ORDER BY CASE WHEN CAST(id AS TEXT) = ? THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT ?",
            (guild_id, f"{needle}%", f"%{needle}%", text.strip(), limit),
        )

    async def stats(self, session_id: int) -> SessionStats:
        row = await self._one(
            "SELECT (SELECT COUNT(*) FROM session_entries WHERE session_id = ? AND status = 'entered'), "
            "(SELECT COUNT(*) FROM session_ballots WHERE session_id = ?)",
            (session_id, session_id),
        )
        assert row is not None
        return SessionStats(entries=int(row[0]), ballots=int(row[1]))

    # -- entries ------------------------------------------------------------------------------------

    async def add_entry(
        self,
        session_id: int,
        member_id: int,
        kind: EntryKind,
        file_path: Path,
        shuffle_key: int,
        now: datetime,
        *,
        job_id: int | None = None,
        take_index: int | None = None,
        upload_filename: str | None = None,
    ) -> Entry | None:
        """The entry if submissions are open, the member is under the cap and the take is not entered
        yet; None otherwise (the caller asks why). One INSERT, behind a lock on the session row: a
        racing entry of the same member waits, then counts this one."""
        async with self.db.transaction() as tx:
            await tx.lock_row("sessions", session_id)
            row = await tx.fetchone(
                "INSERT INTO session_entries (session_id, member_id, kind, job_id, take_index, "
                "upload_filename, file_path, shuffle_key, created_at) "
                "SELECT s.id, ?, ?, ?, ?, ?, ?, ?, ? FROM sessions s "
                "WHERE s.id = ? AND s.phase = 'submissions' "
                "AND (SELECT COUNT(*) FROM session_entries e WHERE e.session_id = s.id AND e.member_id = ? "
                "AND e.status = 'entered') < s.entries_per_member "
                "ON CONFLICT DO NOTHING RETURNING *",
                (
                    member_id,
                    kind.value,
                    job_id,
                    take_index,
                    upload_filename,
                    str(file_path),
                    shuffle_key,
                    now,
                    session_id,
                    member_id,
                ),
            )
        return Entry.model_validate(dict(row)) if row else None

    async def entry(self, entry_id: int) -> Entry | None:
        row = await self._one("SELECT * FROM session_entries WHERE id = ?", (entry_id,))
        return Entry.model_validate(dict(row)) if row else None

    async def entries(self, session_id: int, *statuses: EntryStatus) -> list[Entry]:
        """Entries of a session in the given statuses (all if none), in anonymous order once numbered."""
        where, params = "session_id = ?", [session_id, *(s.value for s in statuses)]
        if statuses:
            where += f" AND status IN ({_marks(statuses)})"
        return await self._entries(
            f"SELECT * FROM session_entries WHERE {where} ORDER BY number IS NULL, number, id", params
        )

    async def member_entries(self, session_id: int, member_id: int) -> list[Entry]:
        return await self._entries(
            "SELECT * FROM session_entries WHERE session_id = ? AND member_id = ? AND status = 'entered' "
            "ORDER BY id",
            (session_id, member_id),
        )

    async def has_take(self, session_id: int, job_id: int, take_index: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM session_entries WHERE session_id = ? AND job_id = ? AND take_index = ? "
            "AND status = 'entered'",
            (session_id, job_id, take_index),
        )
        return row is not None

    async def withdraw(self, entry_id: int, member_id: int, now: datetime) -> Entry | None:
        """Withdraw a member's own entry, only while its session takes submissions."""
        row = await self._one(
            "UPDATE session_entries SET status = 'withdrawn', withdrawn_at = ? "
            "WHERE id = ? AND member_id = ? AND status = 'entered' AND session_id IN "
            "(SELECT id FROM sessions WHERE phase = 'submissions') RETURNING *",
            (now, entry_id, member_id),
        )
        return Entry.model_validate(dict(row)) if row else None

    async def number_entries(self, session_id: int) -> None:
        """Give every entered entry its anonymous number: its rank by shuffle key. Idempotent."""
        await self.db.execute(
            "UPDATE session_entries SET number = (SELECT COUNT(*) FROM session_entries o "
            "WHERE o.session_id = session_entries.session_id AND o.status = 'entered' "
            "AND (o.shuffle_key < session_entries.shuffle_key "
            "OR (o.shuffle_key = session_entries.shuffle_key AND o.id <= session_entries.id))) "
            "WHERE session_id = ? AND status = 'entered' AND number IS NULL",
            (session_id,),
        )

    async def has_unposted(self, session_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM session_entries WHERE session_id = ? AND status = 'entered' "
            "AND message_id IS NULL",
            (session_id,),
        )
        return row is not None

    async def set_entry_posted(self, entry_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE session_entries SET message_id = ? WHERE id = ?", (message_id, entry_id)
        )

    async def fail_unposted(self, session_id: int, *entry_ids: int) -> None:
        """Entries that never made it onto the ballot (all unposted ones if no ids are given)."""
        where, params = "session_id = ? AND status = 'entered' AND message_id IS NULL", [session_id]
        if entry_ids:
            where += f" AND id IN ({_marks(entry_ids)})"
            params += list(entry_ids)
        await self.db.execute(f"UPDATE session_entries SET status = 'failed' WHERE {where}", params)

    # -- ballots ------------------------------------------------------------------------------------

    async def ballot_entry(self, session_id: int, voter_id: int) -> int | None:
        row = await self._one(
            "SELECT entry_id FROM session_ballots WHERE session_id = ? AND voter_id = ?",
            (session_id, voter_id),
        )
        return int(row[0]) if row else None

    async def vote(self, session_id: int, voter_id: int, entry_id: int, now: datetime) -> bool:
        """One upsert: a new ballot, or the voter's ballot moved to `entry_id`. False when voting is
        not open or the entry is not on the ballot (withdrawn, failed, unposted, or the voter's own)."""
        row = await self._one(
            "INSERT INTO session_ballots (session_id, voter_id, entry_id, cast_at) "
            "SELECT e.session_id, ?, e.id, ? FROM session_entries e JOIN sessions s ON s.id = e.session_id "
            "WHERE e.id = ? AND e.session_id = ? AND s.phase = 'voting' AND e.status = 'entered' "
            "AND e.message_id IS NOT NULL AND e.member_id <> ? "
            "ON CONFLICT (session_id, voter_id) DO UPDATE SET entry_id = excluded.entry_id, "
            "cast_at = excluded.cast_at RETURNING entry_id",
            (voter_id, now, entry_id, session_id, voter_id),
        )
        return row is not None

    async def tallies(self, session_id: int) -> dict[int, int]:
        """Votes per entry on the ballot (entries with none are absent)."""
        rows = await self.db.fetchall(
            "SELECT b.entry_id, COUNT(*) FROM session_ballots b JOIN session_entries e ON e.id = b.entry_id "
            "WHERE b.session_id = ? AND e.status = 'entered' GROUP BY b.entry_id",
            (session_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    # -- helpers ------------------------------------------------------------------------------------

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self.db.fetchone(sql, params)

    async def _sessions(self, sql: str, params: Sequence[Any] = ()) -> list[Session]:
        return [Session.model_validate(dict(r)) for r in await self.db.fetchall(sql, params)]

    async def _entries(self, sql: str, params: Sequence[Any] = ()) -> list[Entry]:
        return [Entry.model_validate(dict(r)) for r in await self.db.fetchall(sql, params)]
