"""Credit budgets and what jobs cost: the counters a submit is checked against, and usage figures.

Every statement here runs on both backends (upserts with ON CONFLICT, CASE instead of MIN/MAX over
columns). Checking a budget and reserving in it is one conditional UPDATE of one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from domain.admin import Budget, day_key, month_key
from domain.jobs import JobState
from storage.db import Database, Dialect

_BUDGET_COLUMNS = ", ".join(Budget.model_fields)

# The day's and month's use as of now (the `?` is the current day or month key): the stored counter
# if it names the current period, else 0.
_DAY_USED = "(CASE WHEN day = ? THEN day_used ELSE 0 END)"
_MONTH_USED = "(CASE WHEN month = ? THEN month_used ELSE 0 END)"

# A job's UTC calendar day as YYYY-MM-DD: SQLite keeps times as fixed-width UTC text, PostgreSQL as
# TIMESTAMPTZ.
_JOB_DAY: dict[Dialect, str] = {
    "sqlite": "SUBSTR(created_at, 1, 10)",
    "postgres": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
}


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
    created_at: datetime
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
        self.db = db

    # -- budgets -----------------------------------------------------------------------------------
    async def set_limits(
        self, guild_id: int, provider: str, daily: float | None, monthly: float | None
    ) -> Budget:
        row = await self.db.fetchone(
            "INSERT INTO credit_budgets (guild_id, provider, daily, monthly) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, provider) DO UPDATE SET daily = excluded.daily, "
            f"monthly = excluded.monthly RETURNING {_BUDGET_COLUMNS}",
            (guild_id, provider, daily, monthly),
        )
        assert row is not None
        return Budget.model_validate(dict(row))

    async def get(self, guild_id: int, provider: str) -> Budget:
        row = await self.db.fetchone(
            f"SELECT {_BUDGET_COLUMNS} FROM credit_budgets WHERE guild_id = ? AND provider = ?",
            (guild_id, provider),
        )
        return Budget.model_validate(dict(row)) if row else Budget(guild_id=guild_id, provider=provider)

    async def all(self, guild_id: int) -> list[Budget]:
        rows = await self.db.fetchall(
            f"SELECT {_BUDGET_COLUMNS} FROM credit_budgets WHERE guild_id = ? ORDER BY provider",
            (guild_id,),
        )
        return [Budget.model_validate(dict(r)) for r in rows]

    async def reserve(self, guild_id: int, provider: str, amount: float, now: datetime) -> bool:
        """Count `amount` against today's and this month's use if both budgets have room for it.

        One UPDATE checks and counts: a second member's reservation waits for the first one's row
        write and sees its amount (SQLite serialises writes; PostgreSQL re-checks the WHERE on the
        locked row), so two members cannot both pass a budget that has room for one.
        """
        await self.db.execute(
            "INSERT INTO credit_budgets (guild_id, provider) VALUES (?, ?) "
            "ON CONFLICT (guild_id, provider) DO NOTHING",
            (guild_id, provider),
        )
        day, month, amount = day_key(now), month_key(now), float(amount)
        row = await self.db.fetchone(
            "UPDATE credit_budgets SET "
            f"day_used = {_DAY_USED} + ?, day = ?, "
            f"month_used = {_MONTH_USED} + ?, month = ? "
            "WHERE guild_id = ? AND provider = ? "
            f"AND (daily IS NULL OR {_DAY_USED} + ? <= daily) "
            f"AND (monthly IS NULL OR {_MONTH_USED} + ? <= monthly) "
            "RETURNING guild_id",
            (day, amount, day, month, amount, month, guild_id, provider, day, amount, month, amount),
        )
        return row is not None

    async def adjust(self, guild_id: int, provider: str, delta: float, when: datetime) -> None:
        """Change what the day and month of `when` used by `delta`, if they are still current."""
        delta = float(delta)
        await self.db.execute(
            "UPDATE credit_budgets SET "
            "day_used = CASE WHEN day = ? THEN "
            "(CASE WHEN day_used + ? < 0 THEN 0 ELSE day_used + ? END) ELSE day_used END, "
            "month_used = CASE WHEN month = ? THEN "
            "(CASE WHEN month_used + ? < 0 THEN 0 ELSE month_used + ? END) ELSE month_used END "
            "WHERE guild_id = ? AND provider = ?",
            (day_key(when), delta, delta, month_key(when), delta, delta, guild_id, provider),
        )

    # -- a job's cost --------------------------------------------------------------------------------
    async def hold(self, job_id: int, previous: float, amount: float) -> bool:
        """Set what the job holds in the budget, if it still holds `previous` (compare and set)."""
        changed = await self.db.execute(
            "UPDATE jobs SET credits_reserved = ? WHERE id = ? AND credits_reserved = ? AND credits IS NULL",
            (float(amount), job_id, float(previous)),
        )
        return changed > 0

    async def settle(self, job_id: int, previous: float, cost: float) -> bool:
        """Record the job's cost and release its hold, once (a second settle changes nothing)."""
        changed = await self.db.execute(
            "UPDATE jobs SET credits = ?, credits_reserved = 0 "
            "WHERE id = ? AND credits_reserved = ? AND credits IS NULL",
            (float(cost), job_id, float(previous)),
        )
        return changed > 0

    async def held(self, job_id: int) -> tuple[float, float | None]:
        """(credits held, cost) of a job as stored now."""
        row = await self.db.fetchone("SELECT credits_reserved, credits FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise KeyError(job_id)
        return float(row[0]), (float(row[1]) if row[1] is not None else None)

    async def last_cost(self, provider: str, kind: str) -> float | None:
        """The most recent cost seen for this provider and kind of job, if any."""
        row = await self.db.fetchone(
            "SELECT credits FROM jobs WHERE provider = ? AND kind = ? AND credits > 0 "
            "ORDER BY id DESC LIMIT 1",
            (provider, kind),
        )
        return float(row[0]) if row else None

    # -- usage ---------------------------------------------------------------------------------------
    def _period(self, guild_id: int, since: datetime, provider: str | None) -> tuple[str, list[Any]]:
        where = "guild_id = ? AND created_at >= ? AND state <> ?"
        params: list[Any] = [guild_id, since, _REJECTED]
        if provider:
            where += " AND provider = ?"
            params.append(provider)
        return where, params

    async def usage_by_day(
        self, guild_id: int, since: datetime, provider: str | None = None
    ) -> list[UsageDay]:
        where, params = self._period(guild_id, since, provider)
        job_day = _JOB_DAY[self.db.dialect]
        rows = await self.db.fetchall(
            f"SELECT {job_day} AS day, provider, COUNT(*) AS jobs, "
            f"COALESCE(SUM({_COST}), 0) AS credits FROM jobs WHERE {where} "
            f"GROUP BY {job_day}, provider ORDER BY day, provider",
            params,
        )
        return [UsageDay.model_validate(dict(r)) for r in rows]

    async def top_members(
        self, guild_id: int, since: datetime, provider: str | None = None, limit: int = 5
    ) -> list[MemberUsage]:
        where, params = self._period(guild_id, since, provider)
        rows = await self.db.fetchall(
            f"SELECT member_id, COUNT(*) AS jobs, COALESCE(SUM({_COST}), 0) AS credits FROM jobs "
            f"WHERE {where} GROUP BY member_id ORDER BY credits DESC, jobs DESC, member_id LIMIT ?",
            [*params, limit],
        )
        return [MemberUsage.model_validate(dict(r)) for r in rows]

    async def job_costs(self, guild_id: int, since: datetime) -> list[JobCost]:
        """Every job of the period, rejected ones too (they cost nothing), oldest first."""
        rows = await self.db.fetchall(
            f"SELECT id, created_at, member_id, provider, kind, state, COALESCE({_COST}, 0) AS credits "
            "FROM jobs WHERE guild_id = ? AND created_at >= ? ORDER BY id",
            (guild_id, since),
        )
        return [JobCost.model_validate(dict(r)) for r in rows]
