"""Credit budgets and what jobs cost: the counters a submit is checked against, and usage figures.

Every statement here is plain SQL that PostgreSQL runs too (upserts with ON CONFLICT, CASE instead of
MIN/MAX over columns). Checking a budget and reserving in it is one conditional UPDATE of one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from domain.admin import Budget, day_key, month_key
from domain.jobs import JobState
from storage.db import Database

_BUDGET_COLUMNS = ", ".join(Budget.model_fields)

# The day's and month's use as of `now`: the stored counter if it names the current period, else 0.
_DAY_USED = "(CASE WHEN day = :day THEN day_used ELSE 0 END)"
_MONTH_USED = "(CASE WHEN month = :month THEN month_used ELSE 0 END)"


class UsageDay(BaseModel):
    day: str  # YYYY-MM-DD (UTC)
    provider: str
    jobs: int
    credits: float


class MemberUsage(BaseModel):
    member_id: int
    jobs: int
    credits: float


class JobCost(BaseModel):
    """One row of the CSV export."""

    id: int
    created_at: str
    member_id: int
    provider: str
    kind: str
    state: str
    credits: float


# A job's cost for reports: the known cost, else what it still holds in the budget.
_COST = "COALESCE(credits, credits_reserved)"
_REJECTED = JobState.REJECTED.value


class BudgetRepository:
    def __init__(self, db: Database) -> None:
        self.conn = db.conn

    # -- budgets -----------------------------------------------------------------------------------
    async def set_limits(
        self, guild_id: int, provider: str, daily: float | None, monthly: float | None
    ) -> Budget:
        async with self.conn.execute(
            "INSERT INTO credit_budgets (guild_id, provider, daily, monthly) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, provider) DO UPDATE SET daily = excluded.daily, "
            f"monthly = excluded.monthly RETURNING {_BUDGET_COLUMNS}",
            (guild_id, provider, daily, monthly),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return Budget.model_validate(dict(row))

    async def get(self, guild_id: int, provider: str) -> Budget:
        async with self.conn.execute(
            f"SELECT {_BUDGET_COLUMNS} FROM credit_budgets WHERE guild_id = ? AND provider = ?",
            (guild_id, provider),
        ) as cur:
            row = await cur.fetchone()
        return Budget.model_validate(dict(row)) if row else Budget(guild_id=guild_id, provider=provider)

    async def all(self, guild_id: int) -> list[Budget]:
        async with self.conn.execute(
            f"SELECT {_BUDGET_COLUMNS} FROM credit_budgets WHERE guild_id = ? ORDER BY provider",
            (guild_id,),
        ) as cur:
            return [Budget.model_validate(dict(r)) for r in await cur.fetchall()]

    async def reserve(self, guild_id: int, provider: str, amount: float, now: datetime) -> bool:
        """Count `amount` against today's and this month's use if both budgets have room for it.

        One UPDATE checks and counts: a second member's reservation waits for the first one's row
        write and sees its amount (SQLite serialises writes; PostgreSQL re-checks the WHERE on the
        locked row), so two members cannot both pass a budget that has room for one.
        """
        await self.conn.execute(
            "INSERT INTO credit_budgets (guild_id, provider) VALUES (?, ?) "
            "ON CONFLICT (guild_id, provider) DO NOTHING",
            (guild_id, provider),
        )
        params = {
            "guild_id": guild_id,
            "provider": provider,
            "amount": amount,
            "day": day_key(now),
            "month": month_key(now),
        }
        async with self.conn.execute(
            "UPDATE credit_budgets SET "
            f"day_used = {_DAY_USED} + :amount, day = :day, "
            f"month_used = {_MONTH_USED} + :amount, month = :month "
            "WHERE guild_id = :guild_id AND provider = :provider "
            f"AND (daily IS NULL OR {_DAY_USED} + :amount <= daily) "
            f"AND (monthly IS NULL OR {_MONTH_USED} + :amount <= monthly) "
            "RETURNING guild_id",
            params,
        ) as cur:
            return await cur.fetchone() is not None

    async def adjust(self, guild_id: int, provider: str, delta: float, when: datetime) -> None:
        """Change what the day and month of `when` used by `delta`, if they are still current."""
        await self.conn.execute(
            "UPDATE credit_budgets SET "
            "day_used = CASE WHEN day = :day THEN "
            "(CASE WHEN day_used + :delta < 0 THEN 0 ELSE day_used + :delta END) ELSE day_used END, "
            "month_used = CASE WHEN month = :month THEN "
            "(CASE WHEN month_used + :delta < 0 THEN 0 ELSE month_used + :delta END) ELSE month_used END "
            "WHERE guild_id = :guild_id AND provider = :provider",
            {
                "guild_id": guild_id,
                "provider": provider,
                "delta": delta,
                "day": day_key(when),
                "month": month_key(when),
            },
        )

    # -- a job's cost --------------------------------------------------------------------------------
    async def hold(self, job_id: int, previous: float, amount: float) -> bool:
        """Set what the job holds in the budget, if it still holds `previous` (compare and set)."""
        async with self.conn.execute(
            "UPDATE jobs SET credits_reserved = ? WHERE id = ? AND credits_reserved = ? AND credits IS NULL "
            "RETURNING id",
            (amount, job_id, previous),
        ) as cur:
            return await cur.fetchone() is not None

    async def settle(self, job_id: int, previous: float, cost: float) -> bool:
        """Record the job's cost and release its hold, once (a second settle changes nothing)."""
        async with self.conn.execute(
            "UPDATE jobs SET credits = ?, credits_reserved = 0 "
            "WHERE id = ? AND credits_reserved = ? AND credits IS NULL RETURNING id",
            (cost, job_id, previous),
        ) as cur:
            return await cur.fetchone() is not None

    async def held(self, job_id: int) -> tuple[float, float | None]:
        """(credits held, cost) of a job as stored now."""
        async with self.conn.execute(
            "SELECT credits_reserved, credits FROM jobs WHERE id = ?", (job_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            raise KeyError(job_id)
        return float(row[0]), (float(row[1]) if row[1] is not None else None)

    async def last_cost(self, provider: str, kind: str) -> float | None:
        """The most recent cost seen for this provider and kind of job, if any."""
        async with self.conn.execute(
            "SELECT credits FROM jobs WHERE provider = ? AND kind = ? AND credits > 0 "
            "ORDER BY id DESC LIMIT 1",
            (provider, kind),
        ) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row else None

    # -- usage ---------------------------------------------------------------------------------------
    def _period(self, guild_id: int, since: datetime, provider: str | None) -> tuple[str, list[Any]]:
        where = "guild_id = ? AND created_at >= ? AND state <> ?"
        params: list[Any] = [guild_id, since.isoformat(), _REJECTED]
        if provider:
            where += " AND provider = ?"
            params.append(provider)
        return where, params

    async def usage_by_day(
        self, guild_id: int, since: datetime, provider: str | None = None
    ) -> list[UsageDay]:
        where, params = self._period(guild_id, since, provider)
        async with self.conn.execute(
            f"SELECT SUBSTR(created_at, 1, 10) AS day, provider, COUNT(*) AS jobs, "
            f"COALESCE(SUM({_COST}), 0) AS credits FROM jobs WHERE {where} "
            "GROUP BY SUBSTR(created_at, 1, 10), provider ORDER BY day, provider",
            params,
        ) as cur:
            return [UsageDay.model_validate(dict(r)) for r in await cur.fetchall()]

    async def top_members(
        self, guild_id: int, since: datetime, provider: str | None = None, limit: int = 5
    ) -> list[MemberUsage]:
        where, params = self._period(guild_id, since, provider)
        async with self.conn.execute(
            f"SELECT member_id, COUNT(*) AS jobs, COALESCE(SUM({_COST}), 0) AS credits FROM jobs "
            f"WHERE {where} GROUP BY member_id ORDER BY credits DESC, jobs DESC, member_id LIMIT ?",
            [*params, limit],
        ) as cur:
            return [MemberUsage.model_validate(dict(r)) for r in await cur.fetchall()]

    async def job_costs(self, guild_id: int, since: datetime) -> list[JobCost]:
        """Every job of the period, rejected ones too (they cost nothing), oldest first."""
        async with self.conn.execute(
            f"SELECT id, created_at, member_id, provider, kind, state, COALESCE({_COST}, 0) AS credits "
            "FROM jobs WHERE guild_id = ? AND created_at >= ? ORDER BY id",
            (guild_id, since.isoformat()),
        ) as cur:
            return [JobCost.model_validate(dict(r)) for r in await cur.fetchall()]
