"""Per-server settings (/config) and usage figures (/usage)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from domain.jobs import utcnow
from storage.db import Database


class GuildSettings(BaseModel):
    guild_id: int
    default_provider: str | None = None
    channel_id: int | None = None
    max_jobs_per_member: int | None = None


class UsageRow(BaseModel):
    provider: str
    state: str
    jobs: int


class GuildRepository:
    def __init__(self, db: Database) -> None:
        self.conn = db.conn

    async def get(self, guild_id: int) -> GuildSettings:
        async with self.conn.execute(
            "SELECT guild_id, default_provider, channel_id, max_jobs_per_member FROM guild_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        ) as cur:
            row = await cur.fetchone()
        return GuildSettings.model_validate(dict(row)) if row else GuildSettings(guild_id=guild_id)

    async def update(self, guild_id: int, updated_by: int, **fields: Any) -> GuildSettings:
        """Set the given fields (None clears one); the others keep their value."""
        current = (await self.get(guild_id)).model_dump()
        current.update(fields)
        await self.conn.execute(
            "INSERT INTO guild_settings (guild_id, default_provider, channel_id, max_jobs_per_member, "
            "updated_at, updated_by) VALUES (:guild_id, :default_provider, :channel_id, :max_jobs_per_member, "
            ":updated_at, :updated_by) ON CONFLICT (guild_id) DO UPDATE SET "
            "default_provider = excluded.default_provider, channel_id = excluded.channel_id, "
            "max_jobs_per_member = excluded.max_jobs_per_member, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            {**current, "updated_at": utcnow().isoformat(), "updated_by": updated_by},
        )
        return GuildSettings.model_validate(current)

    async def usage(self, guild_id: int, since: datetime) -> list[UsageRow]:
        async with self.conn.execute(
            "SELECT provider, state, COUNT(*) AS jobs FROM jobs WHERE guild_id = ? AND created_at >= ? "
            "GROUP BY provider, state ORDER BY provider, state",
            (guild_id, since.isoformat()),
        ) as cur:
            rows = await cur.fetchall()
        return [UsageRow.model_validate(dict(r)) for r in rows]

    async def top_members(self, guild_id: int, since: datetime, limit: int = 5) -> list[tuple[int, int]]:
        async with self.conn.execute(
            "SELECT member_id, COUNT(*) FROM jobs WHERE guild_id = ? AND created_at >= ? AND state = 'delivered' "
            "GROUP BY member_id ORDER BY COUNT(*) DESC, member_id LIMIT ?",
            (guild_id, since.isoformat(), limit),
        ) as cur:
            return [(int(r[0]), int(r[1])) for r in await cur.fetchall()]
