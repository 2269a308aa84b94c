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


class RulesRepository:
    def __init__(self, db: Database) -> None:
        self.conn = db.conn

    async def get(self, guild_id: int) -> GuildRules:
        async with self.conn.execute(
            f"SELECT {_COLUMNS} FROM guild_rules WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        return GuildRules.model_validate(dict(row)) if row else GuildRules(guild_id=guild_id)

    async def update(self, guild_id: int, updated_by: int, **fields: Any) -> GuildRules:
        """Set the given rules (None clears one) in one upsert naming only them."""
        unknown = set(fields) - set(_RULES)
        if unknown:
            raise ValueError(f"not a server rule: {', '.join(sorted(unknown))}")
        values = {
            **fields,
            "guild_id": guild_id,
            "updated_at": utcnow().isoformat(),
            "updated_by": updated_by,
        }
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        changes = ", ".join(f"{name} = excluded.{name}" for name in values if name != "guild_id")
        async with self.conn.execute(
            f"INSERT INTO guild_rules ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {changes} RETURNING {_COLUMNS}",
            values,
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return GuildRules.model_validate(dict(row))

    # -- roles -----------------------------------------------------------------------------------------
    async def roles(self, guild_id: int) -> dict[RoleMode, list[int]]:
        found: dict[RoleMode, list[int]] = {mode: [] for mode in RoleMode}
        async with self.conn.execute(
            "SELECT role_id, mode FROM guild_roles WHERE guild_id = ? ORDER BY role_id", (guild_id,)
        ) as cur:
            for row in await cur.fetchall():
                found[RoleMode(row["mode"])].append(int(row["role_id"]))
        return found

    async def add_role(self, guild_id: int, role_id: int, mode: RoleMode) -> None:
        await self.conn.execute(
            "INSERT INTO guild_roles (guild_id, role_id, mode) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, role_id, mode) DO NOTHING",
            (guild_id, role_id, mode.value),
        )

    async def remove_role(self, guild_id: int, role_id: int, mode: RoleMode) -> bool:
        async with self.conn.execute(
            "DELETE FROM guild_roles WHERE guild_id = ? AND role_id = ? AND mode = ?",
            (guild_id, role_id, mode.value),
        ) as cur:
            return cur.rowcount > 0

    # -- blocklist -------------------------------------------------------------------------------------
    async def blocklist(self, guild_id: int) -> list[str]:
        async with self.conn.execute(
            "SELECT pattern FROM guild_blocklist WHERE guild_id = ? ORDER BY pattern", (guild_id,)
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def block(self, guild_id: int, pattern: str) -> bool:
        async with self.conn.execute(
            "INSERT INTO guild_blocklist (guild_id, pattern) VALUES (?, ?) "
            "ON CONFLICT (guild_id, pattern) DO NOTHING",
            (guild_id, pattern),
        ) as cur:
            return cur.rowcount > 0

    async def unblock(self, guild_id: int, pattern: str) -> bool:
        async with self.conn.execute(
            "DELETE FROM guild_blocklist WHERE guild_id = ? AND pattern = ?", (guild_id, pattern)
        ) as cur:
            return cur.rowcount > 0

    # -- strikes and penalties -------------------------------------------------------------------------
    async def strike(self, guild_id: int, member_id: int, at: datetime, since: datetime) -> int:
        """Record a blocked attempt; how many the member has made since `since`, this one included."""
        await self.conn.execute(
            "INSERT INTO member_strikes (guild_id, member_id, at) VALUES (?, ?, ?)",
            (guild_id, member_id, at.isoformat()),
        )
        async with self.conn.execute(
            "SELECT COUNT(*) FROM member_strikes WHERE guild_id = ? AND member_id = ? AND at >= ?",
            (guild_id, member_id, since.isoformat()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def penalty(self, guild_id: int, member_id: int) -> datetime | None:
        async with self.conn.execute(
            "SELECT until FROM member_penalties WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        ) as cur:
            row = await cur.fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    async def penalise(self, guild_id: int, member_id: int, until: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO member_penalties (guild_id, member_id, until) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET until = excluded.until",
            (guild_id, member_id, until.isoformat()),
        )

    # -- a member's jobs -------------------------------------------------------------------------------
    async def member_jobs_since(self, guild_id: int, member_id: int, since: datetime) -> int:
        """Jobs the member started in this server since `since` (refused ones do not count)."""
        async with self.conn.execute(
            "SELECT COUNT(*) FROM jobs WHERE guild_id = ? AND member_id = ? AND created_at >= ? "
            "AND state <> ?",
            (guild_id, member_id, since.isoformat(), _REJECTED),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def member_last_job(self, guild_id: int, member_id: int) -> datetime | None:
        async with self.conn.execute(
            "SELECT created_at FROM jobs WHERE guild_id = ? AND member_id = ? AND state <> ? "
            "ORDER BY id DESC LIMIT 1",
            (guild_id, member_id, _REJECTED),
        ) as cur:
            row = await cur.fetchone()
        return datetime.fromisoformat(row[0]) if row else None
