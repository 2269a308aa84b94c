"""Each admin rule on its own: the blocklist, flagged takes, budgets (and their one-statement check),
roles, cooldowns, daily limits, escalating cooldowns, usage figures, the chart and the CSV. Every test
with a database runs on both backends (the `db` and `backend` fixtures of tests/conftest.py)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from domain.admin import (
    AdminEventKind,
    AdminReason,
    AdminRefusal,
    Budget,
    FlaggedMode,
    RoleMode,
    next_day,
    next_month,
)
from domain.errors import ErrorKind
from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Completed, Handle, Output
from engine.admin import AdminRules, JobHooks, Member, RuleDefaults
from engine.budgets import Budgets, Price, Pricing
from engine.moderation import blocked, fold, normalise_pattern, split_flagged
from engine.ports import PostRefused
from engine.takes import Take
from engine.usage import usage_csv, usage_report
from face import texts
from face.flagged import FlaggedPolicy
from face.usage_chart import HEIGHT, WIDTH, render_usage_chart
from storage.budgets import BudgetRepository
from storage.db import Database
from storage.jobs import JobRepository
from storage.rules import RulesRepository
from tests.backends import Backend

GUILD = 42
NOON = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Events:
    def __init__(self) -> None:
        self.posted: list = []

    def post(self, event) -> None:
        self.posted.append(event)


async def new_job(db: Database, n: int, *, provider: str = "musicgpt", member: int = 7, **options) -> Job:
    return await JobRepository(db).create(
        NewJob(
            guild_id=GUILD,
            channel_id=1,
            member_id=member,
            kind=JobKind.REMIX,
            provider=provider,
            prompt="p",
            options=options,
            upload_limit=1,
            idempotency_key=f"k{n}",
            webhook_token=f"t{n}",
        )
    )


# -- the blocklist ------------------------------------------------------------------------------------
def test_blocklist_matches_whole_words_case_and_accent_insensitively():
    assert fold("\uff23AFÉ Crème")  # a fullwidth C == "cafe creme"
    assert blocked(["A Café song"], ["cafe"])
    assert blocked(["so BADLY done"], ["bad*"])
    assert not blocked(["notbad at all"], ["bad*"])  # a pattern starts a word, it does not end one
    assert not blocked(["a cafeteria"], ["cafe"])  # whole words only
    assert blocked([None, "", "smells like  teen spirit"], ["teen spirit"])
    assert not blocked(["clean", None], ["cafe"])


def test_blocklist_entries_are_normalised_and_a_bare_star_is_refused():
    assert normalise_pattern("  Bad**  Word ") == "bad* word"
    assert normalise_pattern("***") is None
    assert normalise_pattern("x" * 101) is None


# -- flagged takes ------------------------------------------------------------------------------------
def test_flagged_takes_are_kept_for_a_spoiler_or_withheld():
    takes = [Take(1, Path("a"), "mp3", None), Take(2, Path("b"), "mp3", None, flagged=True)]
    assert split_flagged(takes, FlaggedMode.SPOILER) == (takes, 1, 0)
    assert split_flagged(takes, FlaggedMode.WITHHOLD) == ([takes[0]], 1, 1)


# -- budgets: storage ---------------------------------------------------------------------------------
async def test_two_reservations_at_once_cannot_both_pass_a_budget_with_room_for_one(backend: Backend):
    # Two connections, as two processes (or a PostgreSQL pool) would have: only the statement is atomic.
    first, second = await backend.open(), await backend.open()
    try:
        await BudgetRepository(first).set_limits(GUILD, "musicgpt", 15, None)
        results = await asyncio.gather(
            *(
                BudgetRepository(db).reserve(GUILD, "musicgpt", 10, NOON)
                for db in (first, second, first, second)
            )
        )
        assert sorted(results) == [False, False, False, True]
        assert (await BudgetRepository(first).get(GUILD, "musicgpt")).used_today(NOON) == 10
    finally:
        await first.close()
        await second.close()


async def test_counters_start_again_each_day_and_month_and_count_without_a_budget(db: Database):
    repo = BudgetRepository(db)
    assert await repo.reserve(GUILD, "musicgpt", 30, NOON)  # no budget: counted all the same
    await repo.set_limits(GUILD, "musicgpt", 40, 50)
    assert not await repo.reserve(GUILD, "musicgpt", 11, NOON)  # 30 spent before the budget was set
    tomorrow = NOON + timedelta(days=1)  # April: a new day and a new month
    assert await repo.reserve(GUILD, "musicgpt", 40, tomorrow)
    budget = await repo.get(GUILD, "musicgpt")
    assert (budget.used_today(tomorrow), budget.used_this_month(tomorrow)) == (40, 40)
    await repo.adjust(GUILD, "musicgpt", -100, tomorrow)  # never below zero
    assert (await repo.get(GUILD, "musicgpt")).used_today(tomorrow) == 0


def test_reset_times_are_the_next_utc_midnight_and_first_of_the_month():
    assert next_day(NOON) == datetime(2026, 4, 1, tzinfo=UTC)
    assert next_month(datetime(2026, 12, 5, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)


# -- budgets: estimate, reserve, replace, release -----------------------------------------------------
async def test_estimate_prefers_a_known_price_then_the_last_cost_then_the_setting(db: Database):
    pricing = Pricing(prices={"soundpiece": Price(per_variation=3)}, fallback={"musicgpt": 9})
    budgets = Budgets(BudgetRepository(db), pricing)
    assert await budgets.estimate(await new_job(db, 1, provider="soundpiece", variations=2)) == 6
    assert await budgets.estimate(await new_job(db, 2, provider="local")) == 0
    first = await new_job(db, 3)
    assert await budgets.estimate(first) == 9
    await budgets.reserve(first)
    await budgets.completed(first, Completed(outputs=[], cost=4.5))
    assert await budgets.estimate(await new_job(db, 4)) == 4.5


async def test_a_reservation_follows_the_provider_estimate_and_cost_or_is_released(db: Database):
    repo = BudgetRepository(db)
    budgets = Budgets(repo, Pricing(fallback={"musicgpt": 10}))
    await repo.set_limits(GUILD, "musicgpt", 100, None)
    job = await new_job(db, 1)
    now = job.created_at
    assert await budgets.reserve(job) is None
    assert (await repo.held(job.id)) == (10, None)

    job = await JobRepository(db).update(job.id, handle=Handle(task_id="t", data={"credit_estimate": 47.5}))
    await budgets.submitted(job)
    assert (await repo.held(job.id)) == (47.5, None)
    assert (await repo.get(GUILD, "musicgpt")).used_today(now) == 47.5

    await budgets.completed(job, Completed(outputs=[], cost=1.25))
    await budgets.finished(job)  # a second settle changes nothing
    assert (await repo.held(job.id)) == (0, 1.25)
    assert (await repo.get(GUILD, "musicgpt")).used_today(now) == 1.25

    never_sent = await new_job(db, 2)
    await budgets.reserve(never_sent)
    await budgets.finished(await JobRepository(db).transition(never_sent.id, JobState.REJECTED))
    assert (await repo.held(never_sent.id)) == (0, 0)
    assert (await repo.get(GUILD, "musicgpt")).used_today(now) == 1.25


async def test_a_job_over_budget_is_refused_with_the_period_and_when_it_resets(db: Database):
    repo = BudgetRepository(db)
    events = Events()
    budgets = Budgets(repo, Pricing(fallback={"musicgpt": 10}))
    rules = AdminRules(RulesRepository(db), budgets, RuleDefaults(), admin_log=events)
    await repo.set_limits(GUILD, "musicgpt", None, 15)
    assert await rules.reserve(await new_job(db, 1)) is None
    second = await new_job(db, 2)
    refusal = await rules.reserve(second)
    until = next_month(second.created_at)
    assert refusal == AdminRefusal(
        AdminReason.BUDGET, {"provider": "musicgpt", "period": "month", "budget": 15, "until": until}
    )
    assert [e.kind for e in events.posted] == [AdminEventKind.BUDGET_REACHED]
    worded = texts.admin_refusal(refusal)
    assert "monthly budget for `musicgpt` (15 credits)" in worded
    assert f"<t:{int(until.timestamp())}:f>" in worded


async def test_provider_account_trouble_reaches_the_admin_log(db: Database):
    events = Events()
    hooks = JobHooks(Budgets(BudgetRepository(db), Pricing()), admin_log=events)
    job = await new_job(db, 1)
    await hooks.failed(job, ErrorKind.AUTH)
    await hooks.failed(job, ErrorKind.INSUFFICIENT_CREDITS)
    await hooks.failed(job, ErrorKind.GENERATION_FAILED)
    await hooks.failed(job, ErrorKind.CONTENT_FLAGGED)
    assert [e.kind for e in events.posted] == [
        AdminEventKind.PROVIDER_KEY_REFUSED,
        AdminEventKind.PROVIDER_OUT_OF_CREDITS,
        AdminEventKind.FLAGGED_OUTPUT,
    ]
    assert "refused the content of job #1" in texts.admin_event(events.posted[-1])


class Log:
    def __init__(self) -> None:
        self.posted: list = []
        self.told: list[tuple[int, str]] = []

    def post(self, event) -> None:
        self.posted.append(event)

    def tell_member(self, member_id: int, text: str) -> None:
        self.told.append((member_id, text))


async def test_withholding_every_take_refuses_the_post_and_tells_admins_and_member(db: Database):
    job = await new_job(db, 1)
    log = Log()

    async def withhold(guild_id: int | None) -> FlaggedMode:
        return FlaggedMode.WITHHOLD

    policy = FlaggedPolicy(withhold, log)
    completed = Completed(outputs=[])
    with pytest.raises(PostRefused) as refused:
        await policy.apply(job, [Take(1, Path("a"), "mp3", None, flagged=True)], completed)
    assert "withholds flagged results" in texts.failure(refused.value.failure, "MusicGPT")
    assert [e.kind for e in log.posted] == [AdminEventKind.FLAGGED_OUTPUT]
    assert log.told and log.told[0][0] == job.member_id


# -- who may create, and how often --------------------------------------------------------------------
def rules_for(db: Database, clock: Clock, events: Events | None = None, **defaults) -> AdminRules:
    return AdminRules(
        RulesRepository(db),
        Budgets(BudgetRepository(db), Pricing()),
        RuleDefaults(**defaults),
        admin_log=events,
        clock=clock,
    )


async def test_only_allowed_or_bypass_roles_may_create(db: Database):
    rules = rules_for(db, Clock())
    repo = RulesRepository(db)
    assert await rules.check(Member(GUILD, 7), ["hi"]) is None  # no roles set: everyone
    await repo.add_role(GUILD, 100, RoleMode.ALLOW)
    await repo.add_role(GUILD, 200, RoleMode.BYPASS)
    refusal = await rules.check(Member(GUILD, 7, [300]), ["hi"])
    assert refusal == AdminRefusal(AdminReason.ROLE_REQUIRED, {"roles": [100, 200]})
    assert await rules.check(Member(GUILD, 7, [100]), ["hi"]) is None
    assert await rules.check(Member(GUILD, 7, [200]), ["hi"]) is None
    assert await rules.waived(Member(GUILD, 7, [200])) and not await rules.waived(Member(GUILD, 7, [100]))
    assert await repo.remove_role(GUILD, 100, RoleMode.ALLOW)
    assert await rules.check(Member(GUILD, 7, [300]), ["hi"]) is None


async def test_cooldown_and_daily_limit_say_when_to_try_again_and_bypass_skips_them(db: Database):
    clock = Clock()
    rules = rules_for(db, clock, cooldown_seconds=60, jobs_per_day=2)
    await RulesRepository(db).add_role(GUILD, 200, RoleMode.BYPASS)
    first = await new_job(db, 1)
    refusal = await rules.check(Member(GUILD, 7), [])
    assert refusal == AdminRefusal(AdminReason.COOLDOWN, {"until": first.created_at + timedelta(seconds=60)})
    assert await rules.check(Member(GUILD, 7, [200]), []) is None
    assert await rules.check(Member(GUILD, 8), []) is None  # per member

    clock.now = first.created_at + timedelta(seconds=61)
    assert await rules.check(Member(GUILD, 7), []) is None
    await new_job(db, 2)
    clock.now = datetime.now(UTC) + timedelta(minutes=5)
    refusal = await rules.check(Member(GUILD, 7), [])
    assert refusal is not None and refusal.reason is AdminReason.DAILY_LIMIT
    assert refusal.params == {"limit": 2, "until": next_day(clock.now)}
    # The server's own setting wins over the environment's default; 0 turns the limit off.
    await RulesRepository(db).update(GUILD, 1, jobs_per_day=0, cooldown_seconds=0)
    assert await rules.check(Member(GUILD, 7), []) is None


async def test_rejected_jobs_count_neither_for_the_cooldown_nor_the_daily_limit(db: Database):
    rules = rules_for(db, Clock(datetime.now(UTC)), cooldown_seconds=600, jobs_per_day=1)
    job = await new_job(db, 1)
    await JobRepository(db).transition(job.id, JobState.REJECTED)
    assert await rules.check(Member(GUILD, 7), []) is None


async def test_repeated_blocked_attempts_put_a_member_on_a_doubling_cooldown(db: Database):
    clock, events = Clock(), Events()
    rules = rules_for(db, clock, events, strikes_before_penalty=2, penalty_seconds=100)
    await RulesRepository(db).block(GUILD, "nope")
    member = Member(GUILD, 7)
    assert await rules.check(member, ["NOPE"]) == AdminRefusal(AdminReason.BLOCKED_WORD)
    assert await rules.check(member, ["fine"]) is None  # one strike: no cooldown yet
    assert await rules.check(member, ["nope"]) == AdminRefusal(AdminReason.BLOCKED_WORD)
    assert await rules.check(member, ["fine"]) == AdminRefusal(
        AdminReason.PENALTY, {"until": NOON + timedelta(seconds=100)}
    )
    await rules.check(member, ["nope"])  # a third strike within the hour doubles it
    assert await RulesRepository(db).penalty(GUILD, 7) == NOON + timedelta(seconds=200)
    clock.now = NOON + timedelta(seconds=201)
    assert await rules.check(member, ["fine"]) is None
    kinds = [e.kind for e in events.posted]
    assert kinds.count(AdminEventKind.BLOCKED_WORD) == 3 and kinds.count(AdminEventKind.MEMBER_PENALISED) == 2
    assert all("nope" not in texts.admin_event(e) for e in events.posted)


# -- settings, usage, chart, CSV -----------------------------------------------------------------------
async def test_server_rules_are_stored_per_server_and_survive_a_reopen(backend: Backend):
    db = await backend.open()
    await RulesRepository(db).update(GUILD, 1, cooldown_seconds=30, flagged_mode=FlaggedMode.WITHHOLD)
    await RulesRepository(db).update(GUILD, 1, log_channel_id=5)
    await db.close()
    db = await backend.open()
    rules = await RulesRepository(db).get(GUILD)
    assert (rules.cooldown_seconds, rules.flagged_mode, rules.log_channel_id) == (30, FlaggedMode.WITHHOLD, 5)
    assert (await RulesRepository(db).get(GUILD + 1)).cooldown_seconds is None
    with pytest.raises(ValueError):
        await RulesRepository(db).update(GUILD, 1, colour="red")
    await db.close()


async def test_usage_counts_jobs_and_credits_per_provider_and_day_and_exports_every_job(db: Database):
    repo = BudgetRepository(db)
    budgets = Budgets(repo, Pricing(fallback={"musicgpt": 2}))
    made = await new_job(db, 1, member=7)
    await budgets.reserve(made)
    await budgets.completed(made, Completed(outputs=[Output(index=1)], cost=3))
    running = await new_job(db, 2, member=8)
    await budgets.reserve(running)  # still holding its estimate of 3 (the last cost seen)
    refused = await new_job(db, 3, member=8, provider="local")
    await JobRepository(db).transition(refused.id, JobState.REJECTED)

    report = await usage_report(repo, GUILD, 7)
    assert report.providers == {"musicgpt": (2, 6.0)}
    assert [(m.member_id, m.credits) for m in report.top] == [(7, 3.0), (8, 3.0)]
    assert (await usage_report(repo, GUILD, 7, "local")).providers == {}

    rows = list(
        csv.reader(
            io.StringIO(
                usage_csv(
                    texts.USAGE_CSV_HEADER, await repo.job_costs(GUILD, NOON - timedelta(days=400))
                ).decode()
            )
        )
    )
    assert rows[0] == list(texts.USAGE_CSV_HEADER)
    assert [r[1:] for r in rows[1:]] == [
        ["7", "musicgpt", "remix", "received", "3"],
        ["8", "musicgpt", "remix", "received", "3"],
        ["8", "local", "remix", "rejected", "0"],
    ]


def test_the_usage_chart_is_a_small_png_with_a_bar_per_day():
    days = [date(2026, 3, d) for d in range(1, 8)]
    series = {"musicgpt": {days[2]: 5.0}, "local": {days[2]: 1.0, days[5]: 2.0}}
    # The axis label is in the admin's language, accents included.
    png = render_usage_chart(days, series, unit=texts.usage_chart_unit(False, locale="es-ES"))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    assert render_usage_chart([], {}, unit=texts.usage_chart_unit(True))  # an empty period still draws


def test_budget_status_of_a_past_period_reads_as_unused():
    budget = Budget(guild_id=1, provider="x", day="2026-03-30", day_used=9, month="2026-03", month_used=9)
    assert budget.used_today(NOON) == 0 and budget.used_this_month(NOON) == 9
