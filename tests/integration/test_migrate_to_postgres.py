"""`cli.py migrate-to-postgres`: a bot's SQLite history, written through the repositories, reads back
the same through the repositories on PostgreSQL (a fresh schema on TEST_DATABASE_URL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import cli
from config import Settings
from domain.admin import FlaggedMode, RoleMode
from domain.jobs import JobResult, JobState, TakeInfo
from domain.sessions import EntryKind, SessionPhase
from domain.tracking import Handle
from storage.budgets import BudgetRepository
from storage.db import Database
from storage.guilds import GuildRepository
from storage.jobs import JobRepository, Lease
from storage.rules import RulesRepository
from storage.sessions import SessionRepository
from tests.unit.test_session_storage import T0, plan
from tests.unit.test_storage import new_job

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DEAD_HOLDER = "old-host:4242:sqlite"


async def history(db: Database) -> dict[str, object]:
    """A bot's life so far: jobs in every stage (the unfinished one still leased by the process that
    stopped), a webhook delivery, server settings and rules, budgets, a remix session in German with
    entries and a vote, and the commands digest."""
    jobs = JobRepository(db)
    done = await jobs.create(new_job(1).model_copy(update={"public_locale": "fr"}), JobState.QUEUED)
    await jobs.transition(done.id, JobState.SUBMITTING)
    await jobs.transition(done.id, JobState.SUBMITTED, handle=Handle(task_id="t-1", conversion_ids=["c-1"]))
    await jobs.transition(done.id, JobState.RUNNING, percent=40.0)
    await jobs.transition(done.id, JobState.DELIVERING)
    result = JobResult(title="Lofi", takes=[TakeInfo(index=1, filename="a.mp3", duration=30.5)])
    await jobs.transition(done.id, JobState.DELIVERED, result=result, result_message_id=99)
    # The SQLite bot was killed a moment ago: its lease on the waiting job has not run out yet.
    waiting = await jobs.create(
        new_job(2, member=11), lease=Lease(DEAD_HOLDER, datetime.now(UTC) + timedelta(hours=1))
    )
    await jobs.record_delivery("musicgpt", "delivery-1", done.id)

    guilds = GuildRepository(db)
    await guilds.update(1, 5, default_provider="local", session_voters_joined_before=False)
    rules = RulesRepository(db)
    await rules.update(1, 5, cooldown_seconds=30, flagged_mode=FlaggedMode.WITHHOLD)
    await rules.add_role(1, 777, RoleMode.BYPASS)
    await rules.block(1, "forbidden words")
    await rules.strike(1, 10, NOW, NOW - timedelta(hours=1))
    await rules.penalise(1, 10, NOW + timedelta(minutes=10))
    budgets = BudgetRepository(db)
    await budgets.set_limits(1, "musicgpt", daily=100.0, monthly=None)
    assert await budgets.reserve(1, "musicgpt", 12.5, NOW)
    assert await budgets.hold(done.id, 0.0, 12.5)

    sessions = SessionRepository(db)
    session = await sessions.create(plan().model_copy(update={"public_locale": "de"}), T0)
    first = await sessions.add_entry(
        session.id, 100, EntryKind.UPLOAD, Path("e0.mp3"), 3, T0, upload_filename="mine.mp3"
    )
    second = await sessions.add_entry(
        session.id, 101, EntryKind.AI, Path("e1.mp3"), 1, T0, job_id=done.id, take_index=1
    )
    assert first and second
    await sessions.transition(session.id, SessionPhase.VOTING, T0)
    await sessions.number_entries(session.id)
    for entry in (first, second):
        await sessions.set_entry_posted(entry.id, 5000 + entry.id)
    assert await sessions.vote(session.id, 200, second.id, T0 + timedelta(hours=1))
    await db.set_meta("commands_digest", "abc123")
    return {"jobs": [done.id, waiting.id], "session": session.id}


async def read_back(db: Database, made: dict[str, object]) -> dict[str, object]:
    """Everything history() wrote, as the bot reads it."""
    jobs, sessions = JobRepository(db), SessionRepository(db)
    rules, budgets = RulesRepository(db), BudgetRepository(db)
    session_id = made["session"]
    assert isinstance(session_id, int)
    return {
        "jobs": [await jobs.get(i) for i in made["jobs"]],  # type: ignore[attr-defined]
        "guild": await GuildRepository(db).get(1),
        "rules": await rules.get(1),
        "roles": await rules.roles(1),
        "blocklist": await rules.blocklist(1),
        "penalty": await rules.penalty(1, 10),
        "budget": await budgets.get(1, "musicgpt"),
        "held": await budgets.held(made["jobs"][0]),  # type: ignore[index]
        "session": await sessions.get(session_id),
        "entries": await sessions.entries(session_id),
        "tallies": await sessions.tallies(session_id),
        "digest": await db.get_meta("commands_digest"),
    }


async def test_a_sqlite_history_reads_back_the_same_on_postgresql(tmp_path: Path, postgres_url: str):
    path = tmp_path / "bot.sqlite3"
    sqlite = await Database.open(path)
    try:
        made = await history(sqlite)
        before = await read_back(sqlite, made)
        tag = await JobRepository(sqlite).database_tag()
    finally:
        await sqlite.close()
    settings = Settings(_env_file=None, database_path=path, database_url=postgres_url)  # type: ignore[call-arg]

    out = io.StringIO()
    assert await cli.migrate_to_postgres(settings, None, out=out) == 0
    assert out.getvalue().startswith("copied ") and "jobs 2" in out.getvalue()

    postgres = await Database.open(postgres_url)
    try:
        assert await read_back(postgres, made) == before
        assert before["jobs"][0].public_locale == "fr"  # type: ignore[index]
        assert before["session"].public_locale == "de"  # type: ignore[attr-defined]
        jobs = JobRepository(postgres)
        # A migrated job starts unleased: the first process on PostgreSQL carries it on at once,
        # not after the lease of the SQLite process that is gone.
        first = Lease("new-host:1:pg", datetime.now(UTC) + timedelta(seconds=30))
        claimed = await jobs.claim(first, datetime.now(UTC))
        assert [(c.job.id, c.previous) for c in claimed] == [(made["jobs"][1], None)]  # type: ignore[index]
        assert await jobs.database_tag() == tag, "result markers posted before the move still match"
        assert not await jobs.record_delivery("musicgpt", "delivery-1", made["jobs"][0]), (  # type: ignore[index]
            "a webhook seen before the move stays a duplicate"
        )
        after = await jobs.create(new_job(3))
        assert after.id == max(made["jobs"]) + 1, "ids carry on after the copied ones"  # type: ignore[call-overload]
        later = await SessionRepository(postgres).create(plan(), T0)
        assert later.id == made["session"] + 1  # type: ignore[operator]
    finally:
        await postgres.close()


async def test_a_target_holding_data_is_refused_in_one_line(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "bot.sqlite3"
    sqlite = await Database.open(path)
    await JobRepository(sqlite).create(new_job(1))
    await sqlite.close()
    postgres = await Database.open(postgres_url)
    try:
        await JobRepository(postgres).create(new_job(7))
    finally:
        await postgres.close()
    settings = Settings(_env_file=None, database_path=path, database_url=postgres_url)  # type: ignore[call-arg]

    assert await cli.migrate_to_postgres(settings, None, out=io.StringIO()) == 2
    said = capsys.readouterr().err.strip()
    assert "\n" not in said and "already holds data (in jobs)" in said


async def test_without_a_database_url_or_a_sqlite_file_it_says_which_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    missing = Settings(_env_file=None, database_path=tmp_path / "none.sqlite3")  # type: ignore[call-arg]
    assert await cli.migrate_to_postgres(missing, None, out=io.StringIO()) == 2
    assert "DATABASE_URL" in capsys.readouterr().err
    url = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "none.sqlite3",
        database_url="postgresql://bot@127.0.0.1:1/bot",
    )
    assert await cli.migrate_to_postgres(url, None, out=io.StringIO()) == 2
    assert "no SQLite database at" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists(), "no empty database left behind"
