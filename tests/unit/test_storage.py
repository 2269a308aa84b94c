import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from domain.jobs import IllegalTransition, JobResult, JobState, NewJob, TakeInfo
from domain.kinds import JobKind
from domain.tracking import Handle
from storage.db import Database, migrations
from storage.guilds import GuildRepository
from storage.jobs import JobRepository


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
async def repo(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield JobRepository(db)
    await db.close()


async def test_migrations_set_user_version_and_wal(tmp_path):
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.version() == len(migrations())
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    await db.migrate()  # idempotent
    await db.close()


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
    await repo.conn.set_trace_callback(statements.append)
    ids = ["old", "a", "b", "a", *(f"n{i}" for i in range(6))]
    try:
        seen = await asyncio.gather(*(repo.record_delivery("musicgpt", d, job.id) for d in ids))
    finally:
        await repo.conn.set_trace_callback(None)  # type: ignore[arg-type]  # None stops tracing
    # Seen before, new, new, the same again in the same burst, then new ones.
    assert seen == [False, True, True, False, *[True] * 6]
    assert len(statements) == 1, statements
    assert not await repo.record_delivery("musicgpt", "n5", job.id)


async def test_idempotency_keys_are_unique(repo):
    await repo.create(new_job(1))
    with pytest.raises(sqlite3.IntegrityError):
        await repo.create(new_job(1))


async def test_a_job_cancelled_while_its_audio_is_checked_stays_cancelled(repo, tmp_path):
    from engine.intake import Intake

    class Registry:
        def get(self, name):
            from providers.local import LocalProvider

            return LocalProvider(tmp_path)

    class Runner:
        def __init__(self) -> None:
            self.enqueued: list[int] = []

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
    await repo.conn.set_trace_callback(statements.append)
    try:
        await call()
    finally:
        # sqlite3 takes None to stop tracing; aiosqlite's type hint leaves it out.
        await repo.conn.set_trace_callback(None)  # type: ignore[arg-type]
    found = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            async with repo.conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                found.append(" / ".join(row[3] for row in await cur.fetchall()))
    assert found, "the call ran no SELECT"
    return found


@pytest.mark.parametrize("guild", [1, None])
@pytest.mark.parametrize("limit", [10, 50])  # /jobs lists 10, the job autocomplete looks at 50
async def test_jobs_and_autocomplete_read_the_member_index_in_order(repo, guild, limit):
    for n in range(1, 6):
        await repo.create(new_job(n, member=10 + n % 2, guild=guild))
    # Only the index, already newest first: no scan of the table, no sort of the member's history.
    assert await plans(repo, lambda: repo.recent_for_member(10, guild, limit=limit)) == [
        "SEARCH jobs USING INDEX jobs_by_member (member_id=? AND guild_id=?)"
    ]


async def test_start_up_scans_read_the_state_index(repo):
    for n in range(1, 6):
        job = await repo.create(new_job(n))
        if n % 2:
            await repo.transition(job.id, JobState.REJECTED, error="no")
    # engine.runner start resumes unfinished jobs; face.bot start rechecks jobs left in RECEIVED.
    for call in (repo.unfinished, lambda: repo.in_state(JobState.RECEIVED)):
        for plan in await plans(repo, call):
            assert plan.startswith("SEARCH jobs USING INDEX jobs_by_state (state=?)"), plan


async def test_an_upgrade_keeps_the_jobs_of_an_older_database(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        for version, _, sql in migrations()[:3]:
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
        assert await db.version() == len(migrations())
        jobs = JobRepository(db)
        assert [j.id for j in await jobs.unfinished()] == [1]
        assert [j.id for j in await jobs.recent_for_member(10, 1)] == [1]
    finally:
        await db.close()


@pytest.fixture
async def guilds(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield GuildRepository(db)
    await db.close()


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


@pytest.mark.parametrize("connections", [1, 2])
async def test_two_config_changes_at_once_both_persist(tmp_path, connections):
    dbs = [await Database.open(tmp_path / "bot.sqlite3") for _ in range(connections)]
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


async def test_webhook_lookups_read_the_token_index(repo):
    for n in range(1, 4):
        await repo.create(new_job(n))
    targets = await plans(
        repo, lambda: asyncio.gather(*(repo.webhook_target("musicgpt", f"tok-{n}") for n in (1, 2)))
    )
    # Lookups arriving together share one SELECT, which searches the unique token index, no scan.
    assert len(targets) == 1 and targets[0].startswith("SEARCH jobs USING INDEX"), targets
    assert "webhook_token" in targets[0], targets
