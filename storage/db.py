"""One storage interface, two backends: SQLite (a file, the default) and PostgreSQL (DATABASE_URL).

Repositories write portable SQL with `?` placeholders and pass Python values (int, str, float,
bool, datetime, None); each backend translates what differs in one place: placeholders, the
storage of times and booleans, transactions and row locks, numbered migrations.
"""

from __future__ import annotations

import asyncio
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

Dialect = Literal["sqlite", "postgres"]
# Told each statement the repositories send, before it runs (tests count the statements a request costs).
Trace = Callable[[str], None]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# A health check waits this long for the database: a supervisor polling /healthz must not hang.
PING_SECONDS = 2.0


class Row(Protocol):
    """A result row: by column name or position, and dict(row) gives the columns.
    aiosqlite.Row and asyncpg.Record both fit."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Listening(Protocol):
    """A LISTEN kept open (Database.listen); closing it stops hearing."""

    async def close(self) -> None: ...


class DatabaseUnavailable(Exception):
    """The database could not be reached at start; the message is one line for the operator."""


class IntegrityError(Exception):
    """A constraint refused a write (a unique key taken, a check failed), whichever the backend."""


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(_POSTGRES_SCHEMES)


def migrations(dialect: Dialect = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in storage/migrations/<dialect>, in order. Both folders
    carry the same numbers: a number is one change of the schema, written once per dialect."""
    folder = resources.files("storage.migrations")
    # A file left beside the dialect folders (the layout before PostgreSQL) would never be applied.
    strays = sorted(e.name for e in folder.iterdir() if _MIGRATION_NAME.match(e.name))
    if strays:
        raise RuntimeError(f"migrations belong in storage/migrations/sqlite and /postgres, found {strays}")
    found = []
    for entry in folder.joinpath(dialect).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"{dialect} migrations must be numbered 0001.. without gaps, found {versions}")
    return found


class Queries(ABC):
    """Statements on the database: the whole database, or one transaction of it."""

    @abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""

    @abstractmethod
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    async def lock_row(self, table: str, row_id: int) -> None:
        """Inside a transaction: hold the row with this id until the transaction ends, so a write
        that checks other rows first (a capped insert) cannot race another one. `table` is a name
        from the code, never from a member."""


class Database(Queries):
    dialect: ClassVar[Dialect]
    # Whether several processes may drive jobs on this database at once (PostgreSQL); a SQLite file
    # has one bot process (cli.py beside it drives only its own jobs).
    shared: ClassVar[bool]

    @staticmethod
    async def open(target: str | Path) -> Database:
        """A postgresql:// URL opens PostgreSQL (a pool); anything else is a SQLite file path.
        Pending migrations are applied before this returns."""
        if is_postgres_url(target):
            # Imported here so a SQLite-only deployment never loads the PostgreSQL driver.
            from storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(target))
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(target)

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        """Statements that commit together or not at all. On SQLite the transaction holds the
        database's write lock from its start; on PostgreSQL it runs READ COMMITTED on one pooled
        connection, so a check-then-write inside it takes lock_row() first."""

    @abstractmethod
    def trace(self, callback: Trace | None) -> None:
        """From now on tell `callback` each statement sent through this interface (transactions'
        included, their BEGIN and COMMIT not); None stops."""

    @abstractmethod
    async def version(self) -> int:
        """The number of the last migration applied."""

    @abstractmethod
    async def migrate(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def listen(
        self, channel: str, heard: Callable[[str], None], *, connected: Callable[[], None]
    ) -> Listening | None:
        """Hear `NOTIFY channel, 'payload'` from the other processes on this database: `heard(payload)`
        for each, on a connection of its own that is opened again when it drops; `connected()` each
        time it listens (again), since what was sent meanwhile is not replayed. None on a database
        that is not shared: there is nobody to hear."""
        return None

    async def ping(self) -> bool:
        """Whether the database answers a trivial query within PING_SECONDS (for /healthz)."""
        try:
            async with asyncio.timeout(PING_SECONDS):
                await self.fetchone("SELECT 1")
        except Exception:
            # Whatever the driver raises (connection refused, pool closed, timeout): not answering.
            return False
        return True

    async def get_meta(self, key: str) -> str | None:
        row = await self.fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
