"""The PostgreSQL backend (DATABASE_URL): an asyncpg pool, `?` placeholders numbered, migrations
recorded in schema_migrations and applied under an advisory lock, so processes starting together
migrate once."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from storage.db import Database, DatabaseUnavailable, IntegrityError, Queries, Row, Trace, migrations
from storage.listener import Listener

log = logging.getLogger(__name__)

# The migration lock is per schema: a fixed first key the bot's processes agree on ("remx") and the
# schema's hash as the second, so bots (or test runs) in other schemas of one database never queue
# behind each other.
MIGRATION_LOCK = 0x72656D78
LOCK_MIGRATIONS = "SELECT pg_advisory_lock($1, hashtext(current_schema()))"
UNLOCK_MIGRATIONS = "SELECT pg_advisory_unlock($1, hashtext(current_schema()))"
# Connections one process keeps open: the bot's writes are short, and several processes share the
# server's max_connections (100 by default).
POOL_MAX = 10
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, ...; a `?` inside a string literal, a quoted
    identifier or a comment stays as written."""
    out: list[str] = []
    i, n, count = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            # A doubled quote inside a literal ('it''s') reads as two adjacent literals: same result.
            end = sql.find(ch, i + 1)
            stop = n if end < 0 else end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            stop = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            stop = n if end < 0 else end + 2
        elif ch == "?":
            count += 1
            out.append(f"${count}")
            i += 1
            continue
        else:
            stop = i + 1
        out.append(sql[i:stop])
        i = stop
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg reports "UPDATE 3", "INSERT 0 1", "DELETE 0": the last number is the row count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Statements(Queries):
    def __init__(self, target: asyncpg.Pool | PoolConnectionProxy, trace: Trace | None = None) -> None:
        self.target = target
        self.trace = trace

    def _sql(self, sql: str) -> str:
        if self.trace is not None:
            self.trace(sql)
        return numbered(sql)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return _rowcount(await self.target.execute(self._sql(sql), *params))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        try:
            row: asyncpg.Record | None = await self.target.fetchrow(self._sql(sql), *params)
            return row
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return list(await self.target.fetch(self._sql(sql), *params))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def lock_row(self, table: str, row_id: int) -> None:
        if not _IDENTIFIER.match(table):
            raise ValueError(f"not a table name: {table!r}")
        await self.target.execute(f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", row_id)


class PostgresDatabase(Database):
    dialect = "postgres"
    shared = True

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        # For connections outside the pool (LISTEN); it may hold a password, so it is never logged.
        self._url = url
        self._statements = _Statements(pool)

    @classmethod
    async def connect(cls, url: str, max_size: int = POOL_MAX) -> PostgresDatabase:
        """Query parameters of the URL other than libpq's connection options are server settings:
        `?search_path=bot` keeps the tables in schema `bot`."""
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=max_size)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            # The driver's words (host, port, user; never the password), not the URL itself.
            raise DatabaseUnavailable(f"PostgreSQL refused or unreachable: {exc}") from exc
        db = cls(pool, url)
        try:
            await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._statements.execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self._statements.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await self._statements.fetchall(sql, params)

    async def lock_row(self, table: str, row_id: int) -> None:
        """Outside a transaction a row lock would end with its statement: nothing to hold."""

    def trace(self, callback: Trace | None) -> None:
        self._statements.trace = callback

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield _Statements(conn, self._statements.trace)

    async def listen(
        self, channel: str, heard: Callable[[str], None], *, connected: Callable[[], None]
    ) -> Listener:
        listener = Listener(self._url, channel, heard, connected)
        await listener.start()
        return listener

    async def version(self) -> int:
        async with self.pool.acquire() as conn:
            exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
            if not exists:
                return 0
            return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))

    async def migrate(self) -> None:
        async with self.pool.acquire() as conn:
            # Processes starting together queue here; each then applies only what is still missing,
            # so every migration runs once. The lock ends with the session if the process dies.
            await conn.execute(LOCK_MIGRATIONS, MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                current = await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                for version, name, sql in migrations("postgres"):
                    if version <= current:
                        continue
                    log.info("applying migration %s", name)
                    # One transaction per migration: a failure leaves the previous version intact.
                    async with conn.transaction():
                        await conn.execute(sql)
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name
                        )
            finally:
                await conn.execute(UNLOCK_MIGRATIONS, MIGRATION_LOCK)

    async def close(self) -> None:
        await self.pool.close()
