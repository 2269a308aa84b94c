"""The jobs and guild repositories, on SQLite and on PostgreSQL (the `db` and `backend` fixtures in
tests/conftest.py), plus what belongs to one backend: SQLite's query plans and upgrades of an old
file, PostgreSQL's migrations under an advisory lock."""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from domain.jobs import IllegalTransition, JobResult, JobState, NewJob, TakeInfo
from domain.kinds import JobKind
from domain.tracking import Handle
from storage.db import Database, IntegrityError, migrations
from storage.guilds import GuildRepository
from storage.jobs import JobRepository, Lease
from storage.postgres import LOCK_MIGRATIONS, MIGRATION_LOCK, UNLOCK_MIGRATIONS, numbered
from storage.sqlite import SqliteDatabase
from tests.backends import Backend, drop_schema, fresh_schema


def new_job(n: int = 1, member: int = 10, guild: int | None = 1) -> NewJob:
    return NewJob(
        guild_id=guild,
        channel_id=2,
        member_id=member,
        kind=JobKind.REMIX,
        provider="musicgpt",
        prompt="lofi",
        options={"style": "x"},
        upload_limit=10 * 1024 * 1024,
        idempotency_key=f"key-{n}",
        webhook_token=f"tok-{n}",
    )


@pytest.fixture
def repo(db):
    return JobRepository(db)


@pytest.fixture
async def sqlite_repo(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield JobRepository(db)
    await db.close()


async def test_migrations_are_applied_once(db):
    assert await db.version() == len(migrations(db.dialect))
    await db.migrate()  # idempotent
    assert await db.version() == len(migrations(db.dialect))
    await db.set_meta("commands_digest", "abc")
    assert await db.get_meta("commands_digest") == "abc"


def test_both_backends_have_the_same_migration_numbers():
    # A migration is one change of the schema: a new number needs its twin in the other folder.
    assert [name for _, name, _ in migrations("sqlite")] == [name for _, name, _ in migrations("postgres")]


def test_a_migration_left_outside_the_dialect_folders_stops_the_start(tmp_path, monkeypatch):
    # The layout before PostgreSQL kept migrations in storage/migrations/ itself: one written there
    # would never be applied, so the bot refuses to start instead of running without it.
    for dialect in ("sqlite", "postgres"):
        (tmp_path / dialect).mkdir()
        (tmp_path / dialect / "0001_init.sql").write_text("SELECT 1;")
    (tmp_path / "0002_later.sql").write_text("SELECT 1;")
    monkeypatch.setattr("storage.db.resources.files", lambda package: tmp_path)
    with pytest.raises(RuntimeError, match=r"0002_later\.sql"):
        migrations("sqlite")


async def test_sqlite_runs_in_wal_mode(tmp_path):
    db = await Database.open(tmp_path / "a.sqlite3")
    assert isinstance(db, SqliteDatabase)
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    await db.close()


def test_placeholders_are_numbered_outside_literals():
    assert numbered("SELECT ? WHERE a = ? AND b LIKE '?%' ESCAPE '\\' AND \"c?\" = ?") == (
        "SELECT $1 WHERE a = $2 AND b LIKE '?%' ESCAPE '\\' AND \"c?\" = $3"
    )
    assert (
        numbered("SELECT 'it''s ?', ? -- why?\n, ? /* ? */") == "SELECT 'it''s ?', $1 -- why?\n, $2 /* ? */"
    )


async def test_job_round_trips_everything_a_restart_needs(repo):
    job = await repo.create(new_job())
    assert job.state is JobState.RECEIVED and job.options == {"style": "x"}
    handle = Handle(task_id="t1", conversion_ids=["c1", "c2"], data={"conversion_type": "REMIX"})
    await repo.transition(job.id, JobState.QUEUED, status_message_id=99)
    await repo.transition(job.id, JobState.SUBMITTING)
    await repo.transition(job.id, JobState.SUBMITTED, handle=handle)
    result = JobResult(title="T", takes=[TakeInfo(index=1, filename="take1.mp3", duration=3.0)])
    await repo.transition(job.id, JobState.DELIVERING)
    done = await repo.transition(job.id, JobState.DELIVERED, result=result, result_message_id=5)
    again = await repo.get(job.id)
    assert again == done
    assert again.handle == handle and again.result == result
    assert again.status_message_id == 99 and again.result_message_id == 5
    assert again.queued_at and again.submitted_at and again.finished_at


async def test_illegal_transition_changes_nothing(repo):
    job = await repo.create(new_job())
    with pytest.raises(IllegalTransition):
        await repo.transition(job.id, JobState.SUBMITTED)
    assert (await repo.get(job.id)).state is JobState.RECEIVED


async def test_only_one_of_two_racing_transitions_wins(repo):
    job = await repo.create(new_job())
    await repo.transition(job.id, JobState.QUEUED)
    await repo.transition(job.id, JobState.CANCELLED)
    with pytest.raises(IllegalTransition):
        await repo.transition(job.id, JobState.SUBMITTING)


async def test_unfinished_and_member_counts(repo):
    a = await repo.create(new_job(1))
    b = await repo.create(new_job(2))
    await repo.create(new_job(3, member=11))
    await repo.transition(b.id, JobState.REJECTED, error="nope")
    assert [j.id for j in await repo.unfinished()] == [a.id, 3]
    assert await repo.active_count_for_member(10) == 1
    assert [j.id for j in await repo.recent_for_member(10, 1)] == [b.id, a.id]


async def test_webhook_deliveries_are_deduplicated(repo):
    job = await repo.create(new_job())
    assert await repo.record_delivery("musicgpt", "c1", job.id)
    assert not await repo.record_delivery("musicgpt", "c1", job.id)
    assert await repo.webhook_target("musicgpt", "tok-1") == (job.id, False, None)
    assert await repo.webhook_target("musicgpt", "nope") is None
    assert await repo.webhook_target("soundpiece", "tok-1") is None, "a token belongs to one provider"


async def test_deliveries_arriving_together_share_one_statement(repo):
    job = await repo.create(new_job())
    assert await repo.record_delivery("musicgpt", "old", job.id)
    statements: list[str] = []
    repo.db.trace(statements.append)
    ids = ["old", "a", "b", "a", *(f"n{i}" for i in range(6))]
    try:
        seen = await asyncio.gather(*(repo.record_delivery("musicgpt", d, job.id) for d in ids))
    finally:
        repo.db.trace(None)
    # Seen before, new, new, the same again in the same burst, then new ones.
    assert seen == [False, True, True, False, *[True] * 6]
    assert len(statements) == 1, statements
    assert not await repo.record_delivery("musicgpt", "n5", job.id)


async def test_jobs_are_counted_per_provider_and_state(repo):
    for n in range(1, 4):
        await repo.create(new_job(n))
    await repo.transition(1, JobState.REJECTED, error="no")
    assert await repo.counts_by_state() == {
        ("musicgpt", JobState.RECEIVED): 2,
        ("musicgpt", JobState.REJECTED): 1,
    }


async def test_idempotency_keys_are_unique(repo):
    await repo.create(new_job(1))
    with pytest.raises(IntegrityError):
        await repo.create(new_job(1))


async def test_a_job_cancelled_while_its_audio_is_checked_stays_cancelled(repo, tmp_path):
    from engine.intake import Intake

    class Registry:
        def get(self, name):
            from providers.local import LocalProvider

            return LocalProvider(tmp_path)

    class Runner:
        held_by = None  # no job leases (as cli.py)

        def __init__(self) -> None:
            self.enqueued: list[int] = []

        def new_lease(self) -> None:
            return None

        async def enqueue(self, job):
            self.enqueued.append(job.id)

    from tests.tones import write_tone

    source = tmp_path / "in.mp3"
    write_tone(source, seconds=3.5, fmt="mp3")
    job = await repo.create(new_job())
    await repo.transition(job.id, JobState.CANCELLED)
    runner = Runner()
    intake = Intake(
        repo,
        Registry(),
        runner,
        work_dir=tmp_path,
        max_input_bytes=10**8,  # type: ignore[arg-type]
        max_jobs_per_member=3,
    )
    checked = await intake.check_input(job, local_path=source)
    assert checked.state is JobState.CANCELLED and runner.enqueued == []
    assert not list((tmp_path / "inputs").iterdir()), "the copied input is removed"


async def test_a_members_jobs_are_listed_per_server_newest_first(repo):
    here = [await repo.create(new_job(n)) for n in (1, 2)]
    await repo.create(new_job(3, guild=2))
    await repo.create(new_job(4, member=11))
    outside = await repo.create(new_job(5, guild=None))
    assert [j.id for j in await repo.recent_for_member(10, 1)] == [here[1].id, here[0].id]
    assert [j.id for j in await repo.recent_for_member(10, 1, limit=1)] == [here[1].id]
    assert [j.id for j in await repo.recent_for_member(10, None)] == [outside.id]


async def plans(repo: JobRepository, call: Callable[[], Awaitable[Any]]) -> list[str]:
    """SQLite's plan for each SELECT that `call` runs, with the values it bound."""
    statements: list[str] = []
    conn = repo.db.conn
    await conn.set_trace_callback(statements.append)
    try:
        await call()
    finally:
        # sqlite3 takes None to stop tracing; aiosqlite's type hint leaves it out.
        await conn.set_trace_callback(None)  # type: ignore[arg-type]
    found = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            async with conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                found.append(" / ".join(row[3] for row in await cur.fetchall()))
    assert found, "the call ran no SELECT"
    return found


@pytest.mark.parametrize("guild", [1, None])
@pytest.mark.parametrize("limit", [10, 50])  # /jobs lists 10, the job autocomplete looks at 50
async def test_jobs_and_autocomplete_read_the_member_index_in_order(sqlite_repo, guild, limit):
    repo = sqlite_repo
    for n in range(1, 6):
        await repo.create(new_job(n, member=10 + n % 2, guild=guild))
    # Only the index, already newest first: no scan of the table, no sort of the member's history.
    assert await plans(repo, lambda: repo.recent_for_member(10, guild, limit=limit)) == [
        "SEARCH jobs USING INDEX jobs_by_member (member_id=? AND guild_id=?)"
    ]


async def test_start_up_scans_read_the_state_index(sqlite_repo):
    repo = sqlite_repo
    for n in range(1, 6):
        job = await repo.create(new_job(n))
        if n % 2:
            await repo.transition(job.id, JobState.REJECTED, error="no")
    # engine.runner start claims the unfinished jobs (a runner without leases reads them), and each
    # lease tick claims the run-out leases and counts the other processes' jobs at each provider.
    lease = Lease("host:1:a", datetime(2026, 1, 1, tzinfo=UTC))
    for call in (
        repo.unfinished,
        lambda: repo.claim(lease, lease.until),
        lambda: repo.in_flight_elsewhere("host:2:b"),
    ):
        for plan in await plans(repo, call):
            assert plan.startswith("SEARCH jobs USING INDEX jobs_by_state (state=?)"), plan
    # The renewal touches only the rows its process holds.
    async with repo.db.conn.execute(
        "EXPLAIN QUERY PLAN UPDATE jobs SET lease_until = ? WHERE lease_holder = ?", ("x", "host:1:a")
    ) as cur:
        assert [row[3] for row in await cur.fetchall()] == [
            "SEARCH jobs USING INDEX jobs_by_lease_holder (lease_holder=?)"
        ]


async def test_an_upgrade_keeps_the_jobs_of_an_older_database(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        for version, _, sql in migrations("sqlite")[:3]:
            old.executescript(f"{sql}\nPRAGMA user_version = {version};")
        old.execute(
            "INSERT INTO jobs (guild_id, channel_id, member_id, kind, provider, upload_limit, "
            "idempotency_key, webhook_token, state, created_at, updated_at, task_id, interaction_id, "
            "input_duration) VALUES (1, 2, 10, 'remix', 'musicgpt', 100, 'k', 't', 'running', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 'task-1', 99, 3.5)"
        )
    old.close()
    db = await Database.open(path)
    try:
        assert await db.version() == len(migrations("sqlite"))
        jobs = JobRepository(db)
        assert [j.id for j in await jobs.unfinished()] == [1]
        assert [j.id for j in await jobs.recent_for_member(10, 1)] == [1]
    finally:
        await db.close()


async def test_kept_inputs_and_recent_jobs(repo):
    from datetime import timedelta
    from pathlib import Path

    kept = await repo.create(new_job(1))
    running = await repo.create(new_job(2))
    for job in (kept, running):
        await repo.update(job.id, input_path=Path(f"in/{job.id}.mp3"))
    done = await repo.transition(kept.id, JobState.REJECTED, error="no")
    assert done.finished_at is not None and done.input_path == Path(f"in/{kept.id}.mp3")
    assert await repo.kept_inputs(done.finished_at) == [], "not before its own end"
    assert [j.id for j in await repo.kept_inputs(done.finished_at + timedelta(seconds=1))] == [kept.id]
    assert [j.id for j in await repo.recent(limit=1)] == [running.id]


async def test_usage_counts_a_servers_jobs_since_a_moment(db):
    from datetime import timedelta

    from domain.jobs import utcnow

    jobs, guilds = JobRepository(db), GuildRepository(db)
    start = utcnow()
    for n, member in ((1, 10), (2, 10), (3, 11)):
        job = await jobs.create(new_job(n, member=member))
        for state in (JobState.QUEUED, JobState.SUBMITTING, JobState.SUBMITTED, JobState.DELIVERING):
            await jobs.transition(job.id, state)
        await jobs.transition(job.id, JobState.DELIVERED)
    await jobs.create(new_job(4, guild=2))
    usage = await guilds.usage(1, start)
    assert [(u.provider, u.state, u.jobs) for u in usage] == [("musicgpt", "delivered", 3)]
    assert await guilds.top_members(1, start) == [(10, 2), (11, 1)]
    assert await guilds.usage(1, utcnow() + timedelta(seconds=1)) == []


@pytest.fixture
def guilds(db):
    return GuildRepository(db)


async def test_config_changes_keep_the_settings_they_do_not_name(guilds):
    assert (await guilds.get(1)).default_provider is None
    await guilds.update(1, 7, default_provider="local", max_jobs_per_member=2)
    saved = await guilds.update(1, 7, channel_id=55)
    assert saved == await guilds.get(1)
    assert (saved.default_provider, saved.channel_id, saved.max_jobs_per_member) == ("local", 55, 2)
    cleared = await guilds.update(1, 8, default_provider=None)
    assert (cleared.default_provider, cleared.channel_id) == (None, 55)
    assert (await guilds.get(2)).channel_id is None, "other servers are untouched"
    with pytest.raises(ValueError):
        await guilds.update(1, 7, colour="red")  # never a column name from a caller


async def test_session_settings_round_trip(guilds):
    saved = await guilds.update(
        1, 7, session_role_id=2**60, session_forum_id=2**61, session_voters_joined_before=False
    )
    assert (saved.session_role_id, saved.session_forum_id) == (2**60, 2**61)
    assert saved.session_voters_joined_before is False, "off is kept apart from unset"
    assert (await guilds.get(1)).session_voters_joined_before is False
    assert (await guilds.update(1, 7, session_voters_joined_before=None)).session_voters_joined_before is None


@pytest.mark.parametrize("connections", [1, 2])
async def test_two_config_changes_at_once_both_persist(backend: Backend, connections):
    dbs = [await backend.open() for _ in range(connections)]
    first, second = GuildRepository(dbs[0]), GuildRepository(dbs[-1])
    try:
        for guild in range(1, 6):  # a new server's first settings, then changes to existing ones
            for _ in range(2):
                await asyncio.gather(
                    first.update(guild, 7, default_provider=f"p{guild}"),
                    second.update(guild, 8, channel_id=guild * 10),
                )
                settings = await first.get(guild)
                assert (settings.default_provider, settings.channel_id) == (f"p{guild}", guild * 10)
                await first.update(guild, 7, default_provider=None, channel_id=None)
    finally:
        for db in dbs:
            await db.close()


async def test_each_database_gets_its_own_tag_at_creation_and_keeps_it(tmp_path):
    """The tag goes into result nonces: two databases behind one bot token must never share one."""
    first = await Database.open(tmp_path / "a.sqlite3")
    second = await Database.open(tmp_path / "b.sqlite3")
    try:
        tag = await JobRepository(first).database_tag()
        assert tag != await JobRepository(second).database_tag()
        assert len(tag) == 12 and tag.isalnum()
    finally:
        await first.close()
        await second.close()
    again = await Database.open(tmp_path / "a.sqlite3")
    try:
        assert await JobRepository(again).database_tag() == tag
    finally:
        await again.close()


async def test_the_database_tag_reads_on_both_backends(db):
    tag = await JobRepository(db).database_tag()
    assert len(tag) == 12 and all(c in "0123456789abcdef" for c in tag)


async def test_webhook_lookups_read_the_token_index(sqlite_repo):
    repo = sqlite_repo
    for n in range(1, 4):
        await repo.create(new_job(n))
    targets = await plans(
        repo, lambda: asyncio.gather(*(repo.webhook_target("musicgpt", f"tok-{n}") for n in (1, 2)))
    )
    # Lookups arriving together share one SELECT, which searches the unique token index, no scan.
    assert len(targets) == 1 and targets[0].startswith("SEARCH jobs USING INDEX"), targets
    assert "webhook_token" in targets[0], targets


async def _waiting_for_the_migration_lock(conn: asyncpg.Connection) -> int:
    # A two-key advisory lock shows in pg_locks as classid (first key) and objid (second, unsigned).
    return await conn.fetchval(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 "
        "AND classid::bigint = $1 AND objid::bigint = (hashtext(current_schema())::bigint & 4294967295)",
        MIGRATION_LOCK,
    )


async def test_two_processes_starting_together_migrate_once():
    """Two bots (two pools) start on an empty PostgreSQL at the same moment: one migrates, the other
    waits at the advisory lock and then finds nothing left to do."""
    schema, url = await fresh_schema()
    holder = await asyncpg.connect(url)
    dbs: list[Database] = []
    try:
        # Hold the lock so both starts are certainly waiting at it together, then let them go.
        await holder.execute(LOCK_MIGRATIONS, MIGRATION_LOCK)
        starts = [asyncio.create_task(Database.open(url)) for _ in range(2)]
        for _ in range(1000):
            if await _waiting_for_the_migration_lock(holder) == 2:
                break
            await asyncio.sleep(0.01)
        assert await _waiting_for_the_migration_lock(holder) == 2
        assert await holder.fetchval("SELECT to_regclass('jobs')") is None, "nobody migrated yet"
        await holder.execute(UNLOCK_MIGRATIONS, MIGRATION_LOCK)
        dbs = list(await asyncio.gather(*starts))
        applied = await holder.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["name"]) for r in applied] == [(v, n) for v, n, _ in migrations("postgres")]
        assert [await db.version() for db in dbs] == [len(migrations("postgres"))] * 2
        job = await JobRepository(dbs[0]).create(new_job())
        assert (await JobRepository(dbs[1]).get(job.id)) == job
    finally:
        for db in dbs:
            await db.close()
        await holder.close()
        await drop_schema(schema)


async def test_a_missing_postgresql_skips_here_and_fails_under_ci(monkeypatch):
    from tests.backends import admin_connection

    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no PostgreSQL at 127\.0\.0\.1:1/test"):
        await admin_connection()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs PostgreSQL"):
        await admin_connection()
