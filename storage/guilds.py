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
    # Remix sessions (/config session-role, session-forum, session-voters).
    session_role_id: int | None = None
    session_forum_id: int | None = None
    session_voters_joined_before: bool | None = None  # None: the default, on
    # /config language: the catalogue of public messages; None follows the server's Discord language.
    language: str | None = None


# The settings columns, checked against before a name goes into SQL.
_SETTINGS = tuple(name for name in GuildSettings.model_fields if name != "guild_id")
_COLUMNS = ", ".join(GuildSettings.model_fields)


class UsageRow(BaseModel):
    provider: str
    state: str
    jobs: int


class GuildRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return GuildSettings.model_validate(dict(row)) if row else GuildSettings(guild_id=guild_id)

    async def update(self, guild_id: int, updated_by: int, **fields: Any) -> GuildSettings:
        """Set the given fields (None clears one); the others keep their value.

        One upsert that names only the given fields, so two admins changing different settings at
        once both keep their change (a read-modify-write would let the later one restore the other).
        """
        unknown = set(fields) - set(_SETTINGS)
        if unknown:
            raise ValueError(f"not a server setting: {', '.join(sorted(unknown))}")
        values = {
            **fields,
            "guild_id": guild_id,
            "updated_at": utcnow(),
            "updated_by": updated_by,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        changes = ", ".join(f"{name} = excluded.{name}" for name in values if name != "guild_id")
        row = await self.db.fetchone(
            f"INSERT INTO guild_settings ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {changes} RETURNING {_COLUMNS}",
            list(values.values()),
        )
        assert row is not None
        return GuildSettings.model_validate(dict(row))

    async def usage(self, guild_id: int, since: datetime) -> list[UsageRow]:
        rows = await self.db.fetchall(
            "SELECT provider, state, COUNT(*) AS jobs FROM jobs WHERE guild_id = ? AND created_at >= ? "
            "GROUP BY provider, state ORDER BY provider, state",
            (guild_id, since),
        )
        return [UsageRow.model_validate(dict(r)) for r in rows]

    async def top_members(self, guild_id: int, since: datetime, limit: int = 5) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT member_id, COUNT(*) FROM jobs "
            "WHERE guild_id = ? AND created_at >= ? AND state = 'delivered' "
            "GROUP BY member_id ORDER BY COUNT(*) DESC, member_id LIMIT ?",
            (guild_id, since, limit),
        )
        return [(int(r[0]), int(r[1])) for r in rows]
