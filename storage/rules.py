"""Per-server rules for who may create and how often: roles, limits, the blocklist, strikes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.admin import GuildRules, RoleMode
from domain.jobs import JobState, utcnow
from storage.db import Database

_RULES = tuple(name for name in GuildRules.model_fields if name != "guild_id")
_COLUMNS = ", ".join(GuildRules.model_fields)
_REJECTED = JobState.REJECTED.value


def _moment(value: datetime | str) -> datetime:
    """A time as the backend returns it (SQLite: fixed-width UTC text; PostgreSQL: a datetime)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


class RulesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildRules:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM guild_rules WHERE guild_id = ?", (guild_id,))
        return GuildRules.model_validate(dict(row)) if row else GuildRules(guild_id=guild_id)

    async def update(self, guild_id: int, updated_by: int, **fields: Any) -> GuildRules:
        """Set the given rules (None clears one) in one upsert naming only them."""
        unknown = set(fields) - set(_RULES)
        if unknown:
            raise ValueError(f"not a server rule: {', '.join(sorted(unknown))}")
        values = {**fields, "guild_id": guild_id, "updated_at": utcnow(), "updated_by": updated_by}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        changes = ", ".join(f"{name} = excluded.{name}" for name in values if name != "guild_id")
        row = await self.db.fetchone(
            f"INSERT INTO guild_rules ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {changes} RETURNING {_COLUMNS}",
            list(values.values()),
        )
        assert row is not None
        return GuildRules.model_validate(dict(row))

    # -- roles -----------------------------------------------------------------------------------------
    async def roles(self, guild_id: int) -> dict[RoleMode, list[int]]:
        found: dict[RoleMode, list[int]] = {mode: [] for mode in RoleMode}
        rows = await self.db.fetchall(
            "SELECT role_id, mode FROM guild_roles WHERE guild_id = ? ORDER BY role_id", (guild_id,)
        )
        for row in rows:
            found[RoleMode(row["mode"])].append(int(row["role_id"]))
        return found

    async def add_role(self, guild_id: int, role_id: int, mode: RoleMode) -> None:
        await self.db.execute(
            "INSERT INTO guild_roles (guild_id, role_id, mode) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, role_id, mode) DO NOTHING",
            (guild_id, role_id, mode.value),
        )

    async def remove_role(self, guild_id: int, role_id: int, mode: RoleMode) -> bool:
        removed = await self.db.execute(
            "DELETE FROM guild_roles WHERE guild_id = ? AND role_id = ? AND mode = ?",
            (guild_id, role_id, mode.value),
        )
        return removed > 0

    # -- blocklist -------------------------------------------------------------------------------------
    async def blocklist(self, guild_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT pattern FROM guild_blocklist WHERE guild_id = ? ORDER BY pattern", (guild_id,)
        )
        return [str(r[0]) for r in rows]

    async def block(self, guild_id: int, pattern: str) -> bool:
        added = await self.db.execute(
            "INSERT INTO guild_blocklist (guild_id, pattern) VALUES (?, ?) "
            "ON CONFLICT (guild_id, pattern) DO NOTHING",
            (guild_id, pattern),
        )
        return added > 0

    async def unblock(self, guild_id: int, pattern: str) -> bool:
        removed = await self.db.execute(
            "DELETE FROM guild_blocklist WHERE guild_id = ? AND pattern = ?", (guild_id, pattern)
        )
        return removed > 0

    # -- strikes and penalties -------------------------------------------------------------------------
    async def strike(self, guild_id: int, member_id: int, at: datetime, since: datetime) -> int:
        """Record a blocked attempt; how many the member has made since `since`, this one included."""
        await self.db.execute(
            "INSERT INTO member_strikes (guild_id, member_id, at) VALUES (?, ?, ?)",
            (guild_id, member_id, at),
        )
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM member_strikes WHERE guild_id = ? AND member_id = ? AND at >= ?",
            (guild_id, member_id, since),
        )
        return int(row[0]) if row else 0

    async def penalty(self, guild_id: int, member_id: int) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT until FROM member_penalties WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )
        return _moment(row[0]) if row else None

    async def penalise(self, guild_id: int, member_id: int, until: datetime) -> None:
        await self.db.execute(
            "INSERT INTO member_penalties (guild_id, member_id, until) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET until = excluded.until",
            (guild_id, member_id, until),
        )

    # -- a member's jobs -------------------------------------------------------------------------------
    async def member_jobs_since(self, guild_id: int, member_id: int, since: datetime) -> int:
        """Jobs the member started in this server since `since` (refused ones do not count)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM jobs WHERE guild_id = ? AND member_id = ? AND created_at >= ? "
            "AND state <> ?",
            (guild_id, member_id, since, _REJECTED),
        )
        return int(row[0]) if row else 0

    async def member_last_job(self, guild_id: int, member_id: int) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT created_at FROM jobs WHERE guild_id = ? AND member_id = ? AND state <> ? "
            "ORDER BY id DESC LIMIT 1",
            (guild_id, member_id, _REJECTED),
        )
        return _moment(row[0]) if row else None
