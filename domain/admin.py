"""What server admins control: rules, refusals from those rules, and events worth an admin's eye.

Refusals and events are typed (a code and its params); the faces word them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel


class FlaggedMode(StrEnum):
    """What happens to a take the provider flagged: posted behind a spoiler, or not posted."""

    SPOILER = "spoiler"
    WITHHOLD = "withhold"


class RoleMode(StrEnum):
    ALLOW = "allow"  # only members with one of these roles may start jobs (none set: everyone)
    BYPASS = "bypass"  # may start jobs, and skip the per-member limits and the cooldown


class AdminReason(StrEnum):
    ROLE_REQUIRED = "role_required"  # params: roles (list of role ids)
    COOLDOWN = "cooldown"  # params: until
    PENALTY = "penalty"  # escalated cooldown after blocked attempts; params: until
    DAILY_LIMIT = "daily_limit"  # params: limit, until
    BLOCKED_WORD = "blocked_word"  # params: none (the word is never echoed)
    BUDGET = "budget"  # params: provider, period ("day" | "month"), budget, until


@dataclass(frozen=True)
class AdminRefusal:
    reason: AdminReason
    params: Mapping[str, object] = field(default_factory=dict)


class AdminEventKind(StrEnum):
    BUDGET_REACHED = "budget_reached"  # params: provider, period, budget, member_id
    BLOCKED_WORD = "blocked_word"  # params: member_id, strikes
    MEMBER_PENALISED = "member_penalised"  # params: member_id, until, strikes
    FLAGGED_OUTPUT = "flagged_output"  # params: job_id, provider, takes, withheld (bool)
    PROVIDER_KEY_REFUSED = "provider_key_refused"  # params: provider, job_id
    PROVIDER_OUT_OF_CREDITS = "provider_out_of_credits"  # params: provider, job_id


@dataclass(frozen=True)
class AdminEvent:
    kind: AdminEventKind
    guild_id: int
    params: Mapping[str, object] = field(default_factory=dict)


class GuildRules(BaseModel):
    """A server's rules beyond guild_settings; None means the bot's default (from the environment)."""

    guild_id: int
    cooldown_seconds: int | None = None
    jobs_per_day: int | None = None
    flagged_mode: FlaggedMode | None = None
    log_channel_id: int | None = None


class Budget(BaseModel):
    """A server's credit budget for one provider, and what the current day and month used."""

    guild_id: int
    provider: str
    daily: float | None = None
    monthly: float | None = None
    day: str = ""
    day_used: float = 0.0
    month: str = ""
    month_used: float = 0.0

    def used_today(self, now: datetime) -> float:
        return self.day_used if self.day == day_key(now) else 0.0

    def used_this_month(self, now: datetime) -> float:
        return self.month_used if self.month == month_key(now) else 0.0


# Budgets and per-day limits count in UTC calendar periods, so "resets at" is the same for everyone.
def day_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def month_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def day_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def next_day(moment: datetime) -> datetime:
    return day_start(moment) + timedelta(days=1)


def next_month(moment: datetime) -> datetime:
    start = day_start(moment).replace(day=1)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
