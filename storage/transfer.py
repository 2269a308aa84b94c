"""Moving a bot from its SQLite file to PostgreSQL: every table's rows, ids kept, in one transaction.

The target must be migrated (Database.open does that) and empty; the source at the same schema
version. Tables are copied parents first (by their foreign keys), each value converted to the type
of its PostgreSQL column (SQLite keeps times as text and booleans as 0/1), and each identity
sequence is moved past the highest id copied, so the next job continues the numbering. Job leases
are not copied (a migrated job is nobody's yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from graphlib import TopologicalSorter
from typing import Any

from storage.db import Database, Queries

# The ledger of the migrations is the target's own, never copied.
_NOT_COPIED = {"schema_migrations"}
# Left NULL: a job's lease names the SQLite process that ran it, which is gone; a migrated job starts
# unleased, so the first process on PostgreSQL carries it on at once instead of waiting the lease out.
_LEFT_EMPTY = {("jobs", "lease_holder"), ("jobs", "lease_until")}
# Seeded by the migrations themselves (the database tag), so a fresh target is never empty there; the
# source's rows replace them: the tag moves with the history, so result markers still match after.
_REPLACED = {"meta"}


class TransferRefused(Exception):
    """The copy cannot start (target not empty, schemas at different versions); one line saying why."""


@dataclass(frozen=True)
class _Column:
    name: str
    convert: Callable[[Any], Any]
    identity: bool


def _timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # SQLite's own CURRENT_TIMESTAMP is UTC without an offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "timestamp with time zone": _timestamp,
    "boolean": bool,
    "bigint": int,
    "integer": int,
    "smallint": int,
    "double precision": float,
    "real": float,
    "text": str,
}


async def _tables(target: Database) -> list[str]:
    """The target's tables, each after the tables its foreign keys point at."""
    names = [
        str(r[0])
        for r in await target.fetchall(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    ]
    parents: dict[str, set[str]] = {name: set() for name in names if name not in _NOT_COPIED}
    for row in await target.fetchall(
        "SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.constraint_column_usage ccu "
        "ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
    ):
        child, parent = str(row[0]), str(row[1])
        if child in parents and parent != child:
            parents[child].add(parent)
    return list(TopologicalSorter(parents).static_order())


async def _columns(target: Database, table: str) -> list[_Column]:
    rows = await target.fetchall(
        "SELECT column_name, data_type, is_identity FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    columns = []
    for row in rows:
        name, data_type, identity = str(row[0]), str(row[1]), str(row[2])
        if (table, name) in _LEFT_EMPTY:
            continue
        if data_type not in _CONVERT:
            raise TransferRefused(f"{table}.{name} is {data_type}, which this copy does not know")
        columns.append(_Column(name, _CONVERT[data_type], identity == "YES"))
    return columns


async def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of `source` (SQLite) into `target` (PostgreSQL); rows copied per table.
    Nothing is written unless everything is."""
    if source.dialect != "sqlite" or target.dialect != "postgres":
        raise TransferRefused("copies a SQLite database into PostgreSQL only")
    if await source.version() != await target.version():
        raise TransferRefused(
            f"the SQLite database is at schema version {await source.version()} and PostgreSQL at "
            f"{await target.version()}; run this program's version on both"
        )
    tables = await _tables(target)
    held = [t for t in tables if t not in _REPLACED and await target.fetchone(f"SELECT 1 FROM {t} LIMIT 1")]
    if held:
        raise TransferRefused(
            f"the PostgreSQL database already holds data (in {', '.join(held)}); migrate into an empty one"
        )
    copied: dict[str, int] = {}
    async with target.transaction() as tx:
        for table in _REPLACED & set(tables):
            await tx.execute(f"DELETE FROM {table}")
        for table in tables:
            columns = await _columns(target, table)
            copied[table] = await _copy_table(source, tx, table, columns)
            for column in columns:
                if column.identity:
                    # The next id continues after the last copied (1 on an empty table).
                    await tx.fetchone(
                        "SELECT setval(pg_get_serial_sequence(?, ?), "
                        f"COALESCE(MAX({column.name}), 0) + 1, false) FROM {table}",
                        (table, column.name),
                    )
    return copied


async def _copy_table(source: Database, tx: Queries, table: str, columns: list[_Column]) -> int:
    names = ", ".join(c.name for c in columns)
    overriding = " OVERRIDING SYSTEM VALUE" if any(c.identity for c in columns) else ""
    insert = f"INSERT INTO {table} ({names}){overriding} VALUES ({', '.join('?' for _ in columns)})"
    rows = await source.fetchall(f"SELECT {names} FROM {table}")
    for row in rows:
        await tx.execute(
            insert, [None if row[i] is None else c.convert(row[i]) for i, c in enumerate(columns)]
        )
    return len(rows)
