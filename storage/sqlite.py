"""The SQLite backend: one file, WAL, foreign keys, busy timeout, migrations by PRAGMA user_version."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.db import Database, IntegrityError, Queries, Row, Trace, migrations

log = logging.getLogger(__name__)


def stamp(moment: datetime) -> str:
    """Times are stored as fixed-width UTC text, so comparing the text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _adapt(params: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(stamp(v) if isinstance(v, datetime) else v for v in params)


class _Statements(Queries):
    """Statements on the one connection; the caller holds the connection's lock."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.trace: Trace | None = None

    def _run(self, sql: str, params: Sequence[Any]) -> aiosqlite.context.Result[aiosqlite.Cursor]:
        if self.trace is not None:
            self.trace(sql)
        return self.conn.execute(sql, _adapt(params))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            async with self._run(sql, params) as cur:
                return cur.rowcount
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        # Every caller reads one row by its key, so fetching all of them costs nothing more and
        # takes fetchall's single trip.
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        # One trip to the database thread, not three (execute, fetch, close): every answer waits on
        # it, a webhook delivery's dedupe INSERT ... RETURNING among them.
        if self.trace is not None:
            self.trace(sql)
        try:
            return list(await self.conn.execute_fetchall(sql, _adapt(params)))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def lock_row(self, table: str, row_id: int) -> None:
        """Nothing to do: a SQLite transaction here begins IMMEDIATE, holding the write lock."""


class SqliteDatabase(Database):
    dialect = "sqlite"
    shared = False

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._statements = _Statements(conn)
        # One connection: a transaction must not take in statements that other tasks send meanwhile.
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path | str) -> SqliteDatabase:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        db = cls(conn)
        await db.migrate()
        return db

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._lock:
            return await self._statements.execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._lock:
            return await self._statements.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._lock:
            return await self._statements.fetchall(sql, params)

    async def lock_row(self, table: str, row_id: int) -> None:
        """Outside a transaction there is nothing to hold."""

    def trace(self, callback: Trace | None) -> None:
        self._statements.trace = callback

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with self._lock:
            # IMMEDIATE takes the write lock now: a check and the write after it see no other writer.
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._statements
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> None:
        current = await self.version()
        async with self._lock:
            for version, name, sql in migrations("sqlite"):
                if version <= current:
                    continue
                log.info("applying migration %s", name)
                # One transaction per migration: a failure leaves the previous version intact.
                try:
                    await self.conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
                except Exception:
                    await self.conn.execute("ROLLBACK")
                    raise

    async def close(self) -> None:
        await self.conn.close()
