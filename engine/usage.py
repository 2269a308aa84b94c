"""What a server's jobs cost over a period: figures for /usage show and rows for /usage export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.admin import day_key
from domain.jobs import utcnow
from storage.budgets import BudgetRepository, JobCost, MemberUsage, UsageDay


@dataclass(frozen=True)
class UsageReport:
    days: int
    since: datetime
    per_day: list[UsageDay]
    top: list[MemberUsage]

    @property
    def providers(self) -> dict[str, tuple[int, float]]:
        """provider -> (jobs, credits) over the period."""
        totals: dict[str, tuple[int, float]] = {}
        for row in self.per_day:
            jobs, credits = totals.get(row.provider, (0, 0.0))
            totals[row.provider] = (jobs + row.jobs, credits + row.credits)
        return totals

    def series(self, *, by_jobs: bool = False) -> dict[str, dict[date, float]]:
        """provider -> day -> credits (or jobs), for the chart."""
        out: dict[str, dict[date, float]] = {}
        for row in self.per_day:
            value = float(row.jobs) if by_jobs else row.credits
            out.setdefault(row.provider, {})[date.fromisoformat(row.day)] = value
        return out

    @property
    def calendar(self) -> list[date]:
        first, last = self.since.date(), utcnow().date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def usage_report(
    repo: BudgetRepository, guild_id: int, days: int, provider: str | None = None
) -> UsageReport:
    since = utcnow() - timedelta(days=days)
    return UsageReport(
        days=days,
        since=since,
        per_day=await repo.usage_by_day(guild_id, since, provider),
        top=await repo.top_members(guild_id, since, provider),
    )


def usage_csv(header: Sequence[str], rows: list[JobCost]) -> bytes:
    """One row per job: date, member, provider, kind, state, credits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [day_key(row.created_at), row.member_id, row.provider, row.kind, row.state, f"{row.credits:g}"]
        )
    return buffer.getvalue().encode("utf-8")
