"""The jobs repository. SQL stays here; the rest of the bot sees Job models."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from domain.jobs import (
    ACTIVE,
    TERMINAL_CHANNEL,
    TRANSITIONS,
    Failure,
    IllegalTransition,
    Job,
    JobResult,
    JobState,
    NewJob,
    utcnow,
)
from domain.tracking import Handle
from storage.db import Database, Row

# For each state, the states a job may come from: lets a transition be one compare-and-set UPDATE.
_PREDECESSORS: dict[JobState, tuple[str, ...]] = {
    state: tuple(sorted(src for src, dests in TRANSITIONS.items() if state in dests)) for state in JobState
}

# The NOTIFY channel on which a process that stored a delivery for a job it does not drive names that
# job ('<job id>'); every process LISTENs (engine/relay.py).
JOB_WEBHOOK = "job_webhook"

T = TypeVar("T")
R = TypeVar("R")

_JSON_FIELDS = {"options", "handle", "result"}
# The error column is TEXT: a Failure as JSON (an older row holds a sentence, which Failure reads).
_STAMP_ON_ENTRY = {
    JobState.QUEUED: "queued_at",
    JobState.SUBMITTED: "submitted_at",
    JobState.DELIVERED: "finished_at",
    JobState.FAILED: "finished_at",
    JobState.REJECTED: "finished_at",
    JobState.CANCELLED: "finished_at",
}


def _encode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _JSON_FIELDS:
        if isinstance(value, Handle | JobResult):
            return value.model_dump_json()
        return json.dumps(value)
    if isinstance(value, Failure):
        return value.model_dump_json(exclude_none=True, exclude_defaults=True)
    if isinstance(value, Path):
        return str(value)
    return value


def _decode(row: Row) -> Job:
    data = dict(row)
    for name in _JSON_FIELDS:
        if data.get(name) is not None:
            data[name] = json.loads(data[name])
    return Job.model_validate(data)


class Lease(NamedTuple):
    """A process's claim on a job: who drives it (hostname:pid:random) and until when."""

    holder: str
    until: datetime


class Claimed(NamedTuple):
    """A job just claimed, and the process whose lease it was (None: nobody held it)."""

    job: Job
    previous: str | None


class LeaseLost(Exception):
    """A write conditional on holding a job's lease found another holder (or none): the job is no
    longer this process's to drive."""

    def __init__(self, job_id: int, holder: str | None) -> None:
        super().__init__(f"job {job_id}: its lease is now {holder or 'nobody'}'s")
        self.job_id = job_id
        self.holder = holder


# States that hold a provider slot: counted against the provider's parallel limit.
_IN_FLIGHT = (JobState.SUBMITTING, JobState.SUBMITTED, JobState.RUNNING, JobState.DELIVERING)
# A job tracked by a driver task: it can change process without being submitted again.
_AT_PROVIDER = (JobState.SUBMITTED, JobState.RUNNING, JobState.DELIVERING)
# Rows one claim takes at most; a caller wanting more claims again.
CLAIM_BATCH = 500


class WebhookTarget(NamedTuple):
    """What the webhook receiver needs to know about the job a delivery's URL token names."""

    job_id: int
    finished: bool
    handle: Handle | None


class JobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._deliveries = _Batched(self._record_deliveries, "webhook-deliveries")
        self._targets = _Batched(self._find_targets, "webhook-targets")

    async def create(
        self, new: NewJob, state: JobState = JobState.RECEIVED, *, lease: Lease | None = None
    ) -> Job:
        """Insert a job; with `lease`, held by that process from the start (no second write)."""
        now = utcnow()
        fields = new.model_dump()
        fields.update(state=state.value, created_at=now, updated_at=now)
        if lease is not None:
            fields.update(lease_holder=lease.holder, lease_until=lease.until)
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        row = await self.db.fetchone(
            f"INSERT INTO jobs ({columns}) VALUES ({marks}) RETURNING *",
            [_encode(k, v) for k, v in fields.items()],
        )
        assert row is not None
        return _decode(row)

    async def database_tag(self) -> str:
        """The random tag this database got at creation (migration 0009), unique to it."""
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = 'database_tag'")
        assert row is not None, "migration 0009 stores the database tag"
        return str(row[0])

    async def get(self, job_id: int) -> Job | None:
        row = await self.db.fetchone("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _decode(row) if row else None

    async def webhook_target(self, provider: str, token: str) -> WebhookTarget | None:
        """The job a webhook URL names. Lookups that arrive together share one SELECT."""
        return await self._targets((provider, token))

    async def _find_targets(self, keys: list[tuple[str, str]]) -> list[WebhookTarget | None]:
        tokens = sorted({token for _, token in keys})
        rows = await self.db.fetchall(
            "SELECT provider, webhook_token, id, state, handle FROM jobs "
            f"WHERE webhook_token IN ({', '.join('?' for _ in tokens)})",
            tokens,
        )
        found = {
            (row["provider"], row["webhook_token"]): WebhookTarget(
                row["id"],
                JobState(row["state"]) not in ACTIVE,
                Handle.model_validate_json(row["handle"]) if row["handle"] else None,
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    async def counts_by_state(self) -> dict[tuple[str, JobState], int]:
        """How many jobs each provider has in each state (for /metrics)."""
        rows = await self.db.fetchall("SELECT provider, state, COUNT(*) FROM jobs GROUP BY provider, state")
        return {(row[0], JobState(row[1])): int(row[2]) for row in rows}

    async def update(self, job_id: int, *, held_by: str | None = None, **fields: Any) -> Job:
        """Change fields other than the state. With `held_by`, only while that process holds the
        job's lease (else LeaseLost)."""
        if "state" in fields:
            raise ValueError("use transition() to change the state")
        return await self._write(job_id, fields, None, held_by)

    async def transition(
        self, job_id: int, to: JobState, *, held_by: str | None = None, **fields: Any
    ) -> Job:
        """Move to `to` if the table allows it from the current state, atomically. With `held_by`,
        only while that process holds the job's lease (else LeaseLost). A job that ends gives its
        lease up in the same statement."""
        return await self._write(job_id, fields, to, held_by)

    async def _write(
        self, job_id: int, fields: dict[str, Any], to: JobState | None, held_by: str | None
    ) -> Job:
        now = utcnow()
        fields = dict(fields, updated_at=now)
        where = "id = ?"
        params: list[Any] = [job_id]
        if to is not None:
            fields["state"] = to.value
            stamp = _STAMP_ON_ENTRY.get(to)
            if stamp and stamp not in fields:
                fields[stamp] = now
            if to not in ACTIVE:
                fields.update(lease_holder=None, lease_until=None)
            allowed = _PREDECESSORS[to]
            where += f" AND state IN ({', '.join('?' for _ in allowed)})"
            params += list(allowed)
        if held_by is not None:
            where += " AND lease_holder = ?"
            params.append(held_by)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [_encode(k, v) for k, v in fields.items()]
        row = await self.db.fetchone(
            f"UPDATE jobs SET {assignments} WHERE {where} RETURNING *", values + params
        )
        if row is not None:
            return _decode(row)
        current = await self.db.fetchone("SELECT state, lease_holder FROM jobs WHERE id = ?", (job_id,))
        if current is None:
            raise KeyError(job_id)
        state = JobState(current["state"])
        # A job that moved on (a cancel) says so, whoever holds it now: that decision stands.
        moved_on = to is not None and state not in _PREDECESSORS[to]
        if held_by is not None and current["lease_holder"] != held_by and not moved_on:
            raise LeaseLost(job_id, current["lease_holder"])
        assert to is not None
        raise IllegalTransition(job_id, state, to)

    # -- leases: which process drives a job ------------------------------------------------------------
    async def claim(self, lease: Lease, now: datetime, *, live_too: bool = False) -> list[Claimed]:
        """Take up to CLAIM_BATCH unfinished jobs nobody holds, or whose lease ran out by `now`,
        for `lease.holder`; `live_too` takes live leases as well (the one process on a SQLite file,
        at start: whoever held them before has died). Jobs started in the terminal are left to the
        CLI process that started them.

        One transaction: the SELECT locks the rows it picks and skips rows another process is
        claiming (PostgreSQL: FOR UPDATE SKIP LOCKED, so two claimers never wait on or take the same
        job); SQLite's transaction holds the write lock from its start. Oldest jobs first."""
        states = [s.value for s in ACTIVE]
        # Live leases too: every job but those this process holds already.
        free = (
            "lease_holder IS NULL OR lease_holder <> ?"
            if live_too
            else "lease_until IS NULL OR lease_until <= ?"
        )
        skip = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        params: list[Any] = [*states, TERMINAL_CHANNEL, lease.holder if live_too else now]
        async with self.db.transaction() as tx:
            picked = await tx.fetchall(
                f"SELECT id, lease_holder FROM jobs WHERE state IN ({', '.join('?' for _ in states)}) "
                f"AND channel_id <> ? AND ({free}) ORDER BY id LIMIT {CLAIM_BATCH}{skip}",
                params,
            )
            if not picked:
                return []
            previous = {row["id"]: row["lease_holder"] for row in picked}
            rows = await tx.fetchall(
                "UPDATE jobs SET lease_holder = ?, lease_until = ? "
                f"WHERE id IN ({', '.join('?' for _ in previous)}) RETURNING *",
                [lease.holder, lease.until, *previous],
            )
        claimed = [Claimed(_decode(row), previous[row["id"]]) for row in rows]
        return sorted(claimed, key=lambda c: c.job.id)

    async def renew(self, lease: Lease) -> set[int]:
        """Extend every lease `lease.holder` still holds, in one statement; the ids of those jobs
        (a job missing from them was finished, or taken over by another process)."""
        rows = await self.db.fetchall(
            "UPDATE jobs SET lease_until = ? WHERE lease_holder = ? RETURNING id", (lease.until, lease.holder)
        )
        return {int(row[0]) for row in rows}

    async def rivals(self, holder: str, now: datetime) -> list[tuple[int, int, str]]:
        """(job id, guild id, other holder) for each job `holder` drives at its provider in a channel
        where another process holds a live lease on an unfinished job: two processes writing to one
        channel, which its write budget does not allow for long (engine/runner.py hands such jobs
        to the channel's own process)."""
        at_provider = [s.value for s in _AT_PROVIDER]
        active = [s.value for s in ACTIVE]
        rows = await self.db.fetchall(
            "SELECT mine.id, mine.guild_id, other.lease_holder FROM jobs mine JOIN jobs other "
            "ON other.channel_id = mine.channel_id AND other.id <> mine.id "
            f"WHERE mine.lease_holder = ? AND mine.state IN ({', '.join('?' for _ in at_provider)}) "
            "AND other.lease_holder IS NOT NULL AND other.lease_holder <> ? AND other.lease_until > ? "
            f"AND other.state IN ({', '.join('?' for _ in active)}) ORDER BY mine.id",
            [holder, *at_provider, holder, now, *active],
        )
        return [(int(row[0]), int(row[1]), str(row[2])) for row in rows]

    async def hand_over(self, job_ids: Sequence[int], holder: str, lease: Lease) -> set[int]:
        """Give the leases `holder` holds on these jobs to `lease.holder`, in one statement; the ids
        handed (a job finished or lost meanwhile is not)."""
        rows = await self.db.fetchall(
            "UPDATE jobs SET lease_holder = ?, lease_until = ? "
            f"WHERE id IN ({', '.join('?' for _ in job_ids)}) AND lease_holder = ? RETURNING id",
            [lease.holder, lease.until, *job_ids, holder],
        )
        return {int(row[0]) for row in rows}

    async def at_provider(self, job_ids: Sequence[int]) -> list[Job]:
        """Of these jobs, those waiting on their provider (submitted, running, delivering)."""
        at_provider = [s.value for s in _AT_PROVIDER]
        rows = await self.db.fetchall(
            f"SELECT * FROM jobs WHERE id IN ({', '.join('?' for _ in job_ids)}) "
            f"AND state IN ({', '.join('?' for _ in at_provider)}) ORDER BY id",
            [*job_ids, *at_provider],
        )
        return [_decode(row) for row in rows]

    async def release(self, holder: str) -> int:
        """Give up every lease `holder` holds (a clean close): another process may claim those jobs
        at once instead of waiting for the leases to run out. How many were released."""
        return await self.db.execute(
            "UPDATE jobs SET lease_holder = NULL, lease_until = NULL WHERE lease_holder = ?", (holder,)
        )

    async def active_holders(self, job_ids: Sequence[int]) -> dict[int, str | None]:
        """Which process holds each of these jobs that is still unfinished (None: nobody)."""
        states = [s.value for s in ACTIVE]
        rows = await self.db.fetchall(
            f"SELECT id, lease_holder FROM jobs WHERE id IN ({', '.join('?' for _ in job_ids)}) "
            f"AND state IN ({', '.join('?' for _ in states)})",
            [*job_ids, *states],
        )
        return {int(row[0]): row[1] for row in rows}

    async def lease_holder(self, job_id: int) -> str | None:
        """The process driving the job (None: finished, or nobody holds it right now). The holder
        of a run-out lease is still named until another process claims the job."""
        row = await self.db.fetchone("SELECT lease_holder FROM jobs WHERE id = ?", (job_id,))
        return row[0] if row else None

    async def in_flight_elsewhere(self, holder: str) -> dict[str, int]:
        """Per provider, the jobs at the provider (submitting to delivering) that `holder` does not
        hold: the other processes' share of each provider's parallel limit."""
        states = [s.value for s in _IN_FLIGHT]
        rows = await self.db.fetchall(
            f"SELECT provider, COUNT(*) FROM jobs WHERE state IN ({', '.join('?' for _ in states)}) "
            "AND (lease_holder IS NULL OR lease_holder <> ?) GROUP BY provider",
            [*states, holder],
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def _select(self, sql: str, params: Sequence[Any] = ()) -> list[Job]:
        return [_decode(row) for row in await self.db.fetchall(sql, params)]

    async def unfinished(self) -> list[Job]:
        states = [s.value for s in ACTIVE]
        marks = ", ".join("?" for _ in states)
        return await self._select(f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY id", states)

    async def active_count_for_member(self, member_id: int) -> int:
        states = [s.value for s in ACTIVE]
        marks = ", ".join("?" for _ in states)
        row = await self.db.fetchone(
            f"SELECT COUNT(*) FROM jobs WHERE member_id = ? AND state IN ({marks})", [member_id, *states]
        )
        return int(row[0]) if row else 0

    async def recent_for_member(self, member_id: int, guild_id: int | None, limit: int = 10) -> list[Job]:
        """The member's newest jobs in one server (or outside any server), for /jobs and autocomplete."""
        if guild_id is None:
            return await self._select(
                "SELECT * FROM jobs WHERE member_id = ? AND guild_id IS NULL ORDER BY id DESC LIMIT ?",
                (member_id, limit),
            )
        return await self._select(
            "SELECT * FROM jobs WHERE member_id = ? AND guild_id = ? ORDER BY id DESC LIMIT ?",
            (member_id, guild_id, limit),
        )

    async def kept_inputs(self, finished_before: datetime) -> list[Job]:
        """Finished jobs that still hold an input file and ended before the given moment."""
        states = [s.value for s in JobState if s not in ACTIVE]
        marks = ", ".join("?" for _ in states)
        return await self._select(
            f"SELECT * FROM jobs WHERE input_path IS NOT NULL AND state IN ({marks}) AND finished_at < ? "
            "ORDER BY id",
            [*states, finished_before],
        )

    async def recent(self, limit: int = 20) -> list[Job]:
        return await self._select("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,))

    async def record_delivery(self, provider: str, delivery_id: str, job_id: int) -> bool:
        """Remember a webhook delivery. False when it was seen before (a duplicate).

        Deliveries that arrive together share one INSERT.
        """
        return await self._deliveries((provider, delivery_id, job_id))

    async def _record_deliveries(self, batch: list[tuple[str, str, int]]) -> list[bool]:
        # The same delivery twice in one batch: the first is new (if the table agrees), the second not.
        first: dict[tuple[str, str], int] = {}
        for n, (provider, delivery_id, _) in enumerate(batch):
            first.setdefault((provider, delivery_id), n)
        rows = [(p, d, j, utcnow()) for n, (p, d, j) in enumerate(batch) if first[(p, d)] == n]
        inserted = await self.db.fetchall(
            "INSERT INTO webhook_deliveries (provider, delivery_id, job_id, received_at) VALUES "
            + ", ".join("(?, ?, ?, ?)" for _ in rows)
            + " ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING provider, delivery_id",
            [value for row in rows for value in row],
        )
        new = {(row[0], row[1]) for row in inserted}
        return [first[(p, d)] == n and (p, d) in new for n, (p, d, _) in enumerate(batch)]

    async def forward_delivery(
        self, provider: str, delivery_id: str, job_id: int, payload: dict[str, Any]
    ) -> bool:
        """Store a delivery for a job driven by another process and name the job on JOB_WEBHOOK, in
        one statement (the NOTIFY goes out when it commits, so the row is there to be read). False
        when the delivery was seen before: nothing stored, nobody told. PostgreSQL only: only there
        do several processes share the jobs."""
        row = await self.db.fetchone(
            "WITH stored AS (INSERT INTO webhook_deliveries "
            "(provider, delivery_id, job_id, received_at, payload) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING job_id) "
            "SELECT pg_notify(?, job_id::text) FROM stored",
            (provider, delivery_id, job_id, utcnow(), json.dumps(payload), JOB_WEBHOOK),
        )
        return row is not None

    async def take_forwarded(self, job_ids: Sequence[int]) -> list[tuple[int, dict[str, Any]]]:
        """The stored deliveries of these jobs, oldest first, as (job id, payload); each is handed out
        once (its payload cleared in the same statement, rows another process is taking skipped).
        PostgreSQL only, like forward_delivery."""
        if not job_ids:
            return []
        rows = await self.db.fetchall(
            "WITH waiting AS (SELECT provider, delivery_id, job_id, payload, received_at "
            "FROM webhook_deliveries "
            f"WHERE job_id IN ({', '.join('?' for _ in job_ids)}) AND payload IS NOT NULL "
            "FOR UPDATE SKIP LOCKED) "
            "UPDATE webhook_deliveries AS d SET payload = NULL FROM waiting AS w "
            "WHERE d.provider = w.provider AND d.delivery_id = w.delivery_id "
            "RETURNING w.job_id, w.payload, w.received_at",
            list(job_ids),
        )
        ordered = sorted(rows, key=lambda row: row["received_at"])
        return [(int(row["job_id"]), json.loads(row["payload"])) for row in ordered]


class _Batched(Generic[T, R]):
    """Calls that arrive together are answered by one statement.

    While one batch is with the database (aiosqlite's thread, or a pooled PostgreSQL connection),
    the next calls gather; then `run` answers them all with one statement and one round trip (the
    trip costs more than the statement). A lone call goes at once, as a batch of one.
    """

    MAX_BATCH = 200  # a few bound values each, far below SQLite's and PostgreSQL's limits on them

    def __init__(self, run: Callable[[list[T]], Awaitable[list[R]]], name: str) -> None:
        self._run = run
        self._name = name
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def __call__(self, item: T) -> R:
        answer: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, answer))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name=self._name)
        return await answer

    async def _work(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.MAX_BATCH], self._waiting[self.MAX_BATCH :]
            try:
                results = await self._run([item for item, _ in batch])
            except Exception as exc:
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), result in zip(batch, results, strict=True):
                if not answer.done():  # its request may have been cancelled meanwhile
                    answer.set_result(result)
