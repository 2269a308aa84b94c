"""A server's rules applied to members and jobs: who may create, how often, the blocklist, the budget.

`AdminRules.check` runs before a job exists (under the intake's admission lock, so two quick commands
cannot both slip past a limit); `AdminRules.reserve` holds the job's estimated cost in the budget right
after its row is created. `JobHooks` is what the runner tells about a job's life, for costs and for
the admin log. Every refusal is typed (domain.admin.AdminRefusal); the face words it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.admin import (
    AdminEvent,
    AdminEventKind,
    AdminReason,
    AdminRefusal,
    FlaggedMode,
    GuildRules,
    RoleMode,
    day_start,
    next_day,
)
from domain.errors import ErrorKind
from domain.jobs import Job, utcnow
from domain.tracking import Completed
from engine.budgets import Budgets
from engine.moderation import blocked
from storage.rules import RulesRepository

log = logging.getLogger(__name__)

STRIKE_WINDOW = timedelta(hours=1)

Clock = Callable[[], datetime]


class AdminLog(Protocol):
    """Where events for a server's admins go (a Discord channel); posting must not block the caller."""

    def post(self, event: AdminEvent) -> None: ...


@dataclass(frozen=True)
class RuleDefaults:
    """The bot-wide defaults (from the environment) for servers that set nothing."""

    cooldown_seconds: int = 0
    jobs_per_day: int | None = None
    flagged_mode: FlaggedMode = FlaggedMode.SPOILER
    # Blocked attempts within an hour before a member is put on a cooldown, and its first length;
    # each further blocked attempt within the hour doubles it.
    strikes_before_penalty: int = 3
    penalty_seconds: int = 600


@dataclass
class Member:
    """Who is asking, and where."""

    guild_id: int | None
    member_id: int
    roles: Collection[int] = ()


class AdminRules:
    def __init__(
        self,
        rules: RulesRepository,
        budgets: Budgets,
        defaults: RuleDefaults,
        *,
        admin_log: AdminLog | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.rules = rules
        self.budgets = budgets
        self.defaults = defaults
        self.admin_log = admin_log
        self.clock = clock

    def _log(self, event: AdminEvent) -> None:
        if self.admin_log is not None:
            self.admin_log.post(event)

    async def settings(self, guild_id: int) -> GuildRules:
        return await self.rules.get(guild_id)

    async def flagged_mode(self, guild_id: int | None) -> FlaggedMode:
        if guild_id is None:
            return self.defaults.flagged_mode
        return (await self.rules.get(guild_id)).flagged_mode or self.defaults.flagged_mode

    async def waived(self, member: Member) -> bool:
        """Whether the member holds a bypass role (no per-member limits, no cooldown)."""
        if member.guild_id is None:
            return False
        bypass = (await self.rules.roles(member.guild_id))[RoleMode.BYPASS]
        return any(role in bypass for role in member.roles)

    async def check(self, member: Member, words: Collection[str | None]) -> AdminRefusal | None:
        """Roles, the blocklist, an escalated cooldown, the cooldown and the daily limit, in that order."""
        if member.guild_id is None:
            return None
        guild_id, now = member.guild_id, self.clock()
        roles = await self.rules.roles(guild_id)
        waived = any(role in roles[RoleMode.BYPASS] for role in member.roles)
        allowed = roles[RoleMode.ALLOW]
        if allowed and not waived and not any(role in allowed for role in member.roles):
            return AdminRefusal(AdminReason.ROLE_REQUIRED, {"roles": allowed + roles[RoleMode.BYPASS]})
        if blocked(words, await self.rules.blocklist(guild_id)):
            await self._strike(member, now)
            return AdminRefusal(AdminReason.BLOCKED_WORD)
        penalty = await self.rules.penalty(guild_id, member.member_id)
        if penalty is not None and penalty > now:
            return AdminRefusal(AdminReason.PENALTY, {"until": penalty})
        if waived:
            return None
        server = await self.rules.get(guild_id)
        cooldown = (
            server.cooldown_seconds if server.cooldown_seconds is not None else self.defaults.cooldown_seconds
        )
        if cooldown:
            last = await self.rules.member_last_job(guild_id, member.member_id)
            if last is not None and last + timedelta(seconds=cooldown) > now:
                return AdminRefusal(AdminReason.COOLDOWN, {"until": last + timedelta(seconds=cooldown)})
        per_day = server.jobs_per_day if server.jobs_per_day is not None else self.defaults.jobs_per_day
        if per_day:
            done = await self.rules.member_jobs_since(guild_id, member.member_id, day_start(now))
            if done >= per_day:
                return AdminRefusal(AdminReason.DAILY_LIMIT, {"limit": per_day, "until": next_day(now)})
        return None

    async def _strike(self, member: Member, now: datetime) -> None:
        """Count a blocked attempt; enough of them within the hour put the member on a cooldown that
        doubles with every further attempt, and the admins hear of both."""
        assert member.guild_id is not None
        strikes = await self.rules.strike(member.guild_id, member.member_id, now, now - STRIKE_WINDOW)
        self._log(
            AdminEvent(
                AdminEventKind.BLOCKED_WORD,
                member.guild_id,
                {"member_id": member.member_id, "strikes": strikes},
            )
        )
        over = strikes - self.defaults.strikes_before_penalty
        if over < 0:
            return
        until = now + timedelta(seconds=self.defaults.penalty_seconds * 2 ** min(over, 10))
        await self.rules.penalise(member.guild_id, member.member_id, until)
        log.info("member %s in guild %s on a cooldown until %s", member.member_id, member.guild_id, until)
        self._log(
            AdminEvent(
                AdminEventKind.MEMBER_PENALISED,
                member.guild_id,
                {"member_id": member.member_id, "until": until, "strikes": strikes},
            )
        )

    async def reserve(self, job: Job) -> AdminRefusal | None:
        """Hold the job's estimated cost in its server's budget, or refuse it (and tell the admins)."""
        refusal = await self.budgets.reserve(job)
        if refusal is not None and job.guild_id is not None:
            self._log(
                AdminEvent(
                    AdminEventKind.BUDGET_REACHED,
                    job.guild_id,
                    {**refusal.params, "member_id": job.member_id},
                )
            )
        return refusal


class JobHooks:
    """What the runner reports about a job: costs go to the budget, provider trouble to the admins."""

    def __init__(self, budgets: Budgets, *, admin_log: AdminLog | None = None) -> None:
        self.budgets = budgets
        self.admin_log = admin_log

    async def submitted(self, job: Job) -> None:
        await self._quietly(self.budgets.submitted(job), job)

    async def completed(self, job: Job, completed: Completed) -> None:
        await self._quietly(self.budgets.completed(job, completed), job)

    async def failed(self, job: Job, kind: ErrorKind | None) -> None:
        events = {
            ErrorKind.AUTH: AdminEventKind.PROVIDER_KEY_REFUSED,
            ErrorKind.INSUFFICIENT_CREDITS: AdminEventKind.PROVIDER_OUT_OF_CREDITS,
            # The provider refused the content outright: nothing to post, but the admins hear of it.
            ErrorKind.CONTENT_FLAGGED: AdminEventKind.FLAGGED_OUTPUT,
        }
        if kind in events and job.guild_id is not None and self.admin_log is not None:
            params: dict[str, object] = {"provider": job.provider, "job_id": job.id}
            if kind is ErrorKind.CONTENT_FLAGGED:
                params |= {"takes": 0, "withheld": True}
            self.admin_log.post(AdminEvent(events[kind], job.guild_id, params))

    async def finished(self, job: Job) -> None:
        await self._quietly(self.budgets.finished(job), job)

    @staticmethod
    async def _quietly(step: Awaitable[None], job: Job) -> None:
        """Bookkeeping must never stop a job: a failure here is logged, and the job goes on."""
        try:
            await step
        except Exception:
            log.exception("job %s: cost bookkeeping failed", job.id)
