"""What a job costs, and a server's credit budget: estimate, reserve, replace by the real cost, release.

A job reserves its estimate in the server's counters when it is admitted (one conditional UPDATE, see
storage/budgets.py), before anything is sent. The reservation becomes the provider's own estimate at
submit (MusicGPT credit_estimate) and the real cost when the provider reports it (conversion_cost);
a job that ends without reaching the provider releases it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.admin import AdminReason, AdminRefusal, Budget, next_day, next_month
from domain.jobs import Job
from domain.tracking import Completed
from storage.budgets import BudgetRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Price:
    """A provider's price when its API states none: set by the operator (e.g. SOUNDPIECE_*)."""

    per_job: float = 0.0
    per_variation: float = 0.0

    def of(self, job: Job) -> float:
        variations = job.options.get("variations")
        count = variations if isinstance(variations, int) and variations > 0 else 1
        return self.per_job + self.per_variation * count


@dataclass(frozen=True)
class Pricing:
    # Known prices per provider; the cost of every job there, reported or not.
    prices: Mapping[str, Price] = field(default_factory=dict)
    # <PROVIDER>_COST_ESTIMATE: used before any cost was seen for that provider and kind.
    fallback: Mapping[str, float] = field(default_factory=dict)
    # Providers that never cost anything (the offline one).
    free: frozenset[str] = frozenset({"local"})


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value >= 0 else None


class Budgets:
    def __init__(self, repo: BudgetRepository, pricing: Pricing) -> None:
        self.repo = repo
        self.pricing = pricing

    async def estimate(self, job: Job) -> float:
        """The provider's price if known, else the last cost seen for provider and kind, else the setting."""
        if job.provider in self.pricing.free:
            return 0.0
        if (price := self.pricing.prices.get(job.provider)) is not None:
            return price.of(job)
        last = await self.repo.last_cost(job.provider, job.kind.value)
        if last is not None:
            return last
        return self.pricing.fallback.get(job.provider, 0.0)

    async def reserve(self, job: Job) -> AdminRefusal | None:
        """Hold the job's estimate in its server's budget; a refusal (nothing held) if it does not fit."""
        if job.guild_id is None:
            return None
        amount = await self.estimate(job)
        # The job's own creation moment names its day and month, here and whenever its hold changes.
        now = job.created_at
        if not await self.repo.reserve(job.guild_id, job.provider, amount, now):
            budget = await self.repo.get(job.guild_id, job.provider)
            return self._refusal(budget, amount, now)
        if amount and not await self.repo.hold(job.id, 0.0, amount):
            # The job ended (cancelled) between its creation and now: give the amount back.
            await self.repo.adjust(job.guild_id, job.provider, -amount, job.created_at)
        return None

    @staticmethod
    def _refusal(budget: Budget, amount: float, now: datetime) -> AdminRefusal:
        over_day = budget.daily is not None and budget.used_today(now) + amount > budget.daily
        period, limit, until = (
            ("day", budget.daily, next_day(now)) if over_day else ("month", budget.monthly, next_month(now))
        )
        return AdminRefusal(
            AdminReason.BUDGET,
            {"provider": budget.provider, "period": period, "budget": limit, "until": until},
        )

    async def submitted(self, job: Job) -> None:
        """The provider's own estimate (MusicGPT credit_estimate) replaces ours."""
        quoted = _number(job.handle.data.get("credit_estimate")) if job.handle else None
        if quoted is None or job.guild_id is None or job.provider in self.pricing.prices:
            return
        held, cost = await self.repo.held(job.id)
        if cost is None and quoted != held and await self.repo.hold(job.id, held, quoted):
            await self.repo.adjust(job.guild_id, job.provider, quoted - held, job.created_at)

    async def completed(self, job: Job, completed: Completed) -> None:
        """The provider reported what the job cost (or its price is known): record it."""
        cost = _number(completed.cost)
        if cost is None and (price := self.pricing.prices.get(job.provider)) is not None:
            cost = price.of(job)
        if cost is not None:
            await self._settle(job, cost)

    async def finished(self, job: Job) -> None:
        """A job ended. Never accepted by the provider: nothing was billed, the hold is released.
        Accepted but no cost reported: the held estimate stands as its cost."""
        held, cost = await self.repo.held(job.id)
        if cost is not None:
            return
        await self._settle(job, held if job.handle is not None else 0.0, held)

    async def _settle(self, job: Job, cost: float, held: float | None = None) -> None:
        if held is None:
            held, known = await self.repo.held(job.id)
            if known is not None:
                return
        if await self.repo.settle(job.id, held, cost) and job.guild_id is not None and cost != held:
            await self.repo.adjust(job.guild_id, job.provider, cost - held, job.created_at)
