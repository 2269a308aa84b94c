"""Two processes on one PostgreSQL: a webhook delivery that reaches the process not driving the job
is stored there, signalled with NOTIFY job_webhook, and handed to the tracker of the process that
drives the job, exactly once. Each "process" here is its own database pool, runner, relay and web
server; time is a fake clock that never moves, so polling (the backstop) never carries a job."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from domain.jobs import Job, JobResult, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Completed
from engine.downloads import DownloadPolicy
from engine.relay import WebhookRelay
from engine.runner import Runner
from engine.takes import Take
from providers.musicgpt import MusicGPTProvider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JOB_WEBHOOK, JobRepository
from storage.listener import Listener
from tests.backends import admin_connection
from tests.clock import FakeClock
from tests.fakes.musicgpt import FakeMusicGPT
from tests.tones import write_tone
from tests.unit.test_storage import new_job
from tests.waiting import until
from tests.webhook_rig import Sink
from web.server import WebServer

T = TypeVar("T")


class Results:
    """A result sink that records what it posted."""

    def __init__(self) -> None:
        self.posted: list[tuple[int, list[int]]] = []

    async def post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool = False
    ) -> tuple[int | None, JobResult]:
        self.posted.append((job.id, [t.index for t in takes]))
        return 1000 + job.id, JobResult(title=completed.title)

    async def undelivered(self, job: Job, failure: Any) -> None:
        raise AssertionError(f"job {job.id} not delivered: {failure}")


@dataclass
class Process:
    db: Database
    jobs: JobRepository
    runner: Runner
    relay: WebhookRelay
    server: WebServer
    results: Results
    answers: list[dict[str, Any]] = field(default_factory=list)

    def url(self, job: Job) -> str:
        return f"http://127.0.0.1:{self.server.bound_port}/webhooks/musicgpt/{job.webhook_token}"


@contextlib.asynccontextmanager
async def process(
    url: str, tmp: Path, session: aiohttp.ClientSession, fake: FakeMusicGPT, clock: FakeClock
) -> AsyncIterator[Process]:
    db = await Database.open(url)
    jobs = JobRepository(db)
    # Polling only as the backstop, and the clock never reaches it: only a webhook can finish a job.
    provider = MusicGPTProvider(
        session,
        api_key=fake.api_key,
        base_url=fake.base_url,
        poll_interval=60,
        backstop_interval=3600,
        clock=clock,
    )
    results = Results()
    runner = Runner(
        jobs,
        Registry({"musicgpt": Entry(provider, 5)}, "musicgpt"),
        Sink(),
        results,
        downloads=DownloadPolicy(allowed_hosts=DownloadPolicy.parse_hosts(fake.base_url.split("/")[2])),
        work_dir=tmp / "work",
        deadline_seconds=3600,
        max_take_bytes=10**7,
        public_base_url="https://bot.example",  # behind one load balancer: jobs get webhooks
        clock=clock,
    )
    relay = WebhookRelay(runner, jobs)
    server = WebServer(
        jobs, runner.registry, runner, host="127.0.0.1", port=0, is_ready=lambda: True, relay=relay
    )
    await runner.start()
    await relay.start()
    await server.start()
    try:
        yield Process(db, jobs, runner, relay, server, results)
    finally:
        await server.stop()
        await relay.close()
        await runner.close()
        await db.close()


async def queued_job(jobs: JobRepository, tmp: Path) -> Job:
    song = write_tone(tmp / "song.mp3", seconds=2.0)
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="musicgpt",
            prompt="lo-fi",
            upload_limit=10**7,
            idempotency_key="k-1",
            webhook_token="token-1",
            input_filename="song.mp3",
        )
    )
    return await jobs.transition(job.id, JobState.QUEUED, input_path=song)


async def post(http: aiohttp.ClientSession, url: str, payload: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(url, data=json.dumps(payload), headers={"Content-Type": "application/json"}) as r:
        return r.status, await r.json()


async def test_a_delivery_to_the_process_not_driving_the_job_completes_it_there(
    tmp_path: Path, postgres_url: str, session: aiohttp.ClientSession
):
    clock = FakeClock()
    async with (
        FakeMusicGPT(polls_to_complete=10_000, eta=42) as fake,
        process(postgres_url, tmp_path / "a", session, fake, clock) as a,
        process(postgres_url, tmp_path / "b", session, fake, clock) as b,
    ):
        # Both runners started on an empty table: the job is A's alone (B never resumed it).
        job = await queued_job(a.jobs, tmp_path)
        await a.runner.enqueue(job)
        await until(lambda: fake.jobs and a.runner.tracks(job.id))
        assert not b.runner.tracks(job.id)
        submitted = fake.job()
        assert submitted.webhook_url == f"https://bot.example/webhooks/musicgpt/{job.webhook_token}"
        await until(lambda: clock.sleeping > 0)  # A's tracker waits for webhooks (or the far backstop)

        fake.complete(submitted)
        payloads = fake.webhook_payloads(submitted)
        async with aiohttp.ClientSession() as http:
            # One delivery reaches A itself: handled there as ever, one INSERT and no NOTIFY.
            local = await counted(a.db, post(http, a.url(job), payloads[0]))
            # The rest reach B: the lookup, then stored and signalled in one more statement each.
            forwarded = [await counted(b.db, post(http, b.url(job), p)) for p in payloads[1:]]
            resent = await post(http, b.url(job), payloads[1])
            final = await until(
                lambda: _finished(a.jobs, job.id),
            )
            late = await post(http, b.url(job), payloads[1])

        answer, statements = local
        assert answer == (200, {"ok": True})
        deliveries = [sql for sql in statements if "webhook_deliveries" in sql]
        assert len(deliveries) == 1 and "pg_notify" not in deliveries[0], statements
        for answer, statements in forwarded:
            assert answer == (200, {"ok": True}), "stored for A and A told"
            assert len(statements) == 2 and "pg_notify" in statements[1], statements
        assert resent == (200, {"ok": True, "duplicate": True})
        assert late == (200, {"ok": True, "duplicate": True}), "the job is finished"
        assert final.state is JobState.DELIVERED
        assert a.results.posted == [(job.id, [1, 2])], "delivered once, by the process driving it"
        assert b.results.posted == []
        assert submitted.polls == 0, "the notification carried it, not polling"
        assert clock.monotonic() == 0.0
        waiting = await a.db.fetchall("SELECT payload FROM webhook_deliveries WHERE payload IS NOT NULL")
        assert waiting == [], "every stored delivery was taken"


async def counted(db: Database, request: Awaitable[T]) -> tuple[T, list[str]]:
    """What `request` answered, and the statements `db` sent meanwhile."""
    statements: list[str] = []
    db.trace(statements.append)
    try:
        return await request, statements
    finally:
        db.trace(None)


async def _finished(jobs: JobRepository, job_id: int) -> Job | None:
    job = await jobs.get(job_id)
    return job if job is not None and job.finished else None


class Driving:
    """A runner that tracks the given jobs and records what its trackers were handed."""

    def __init__(self, *job_ids: int) -> None:
        self.job_ids = set(job_ids)
        self.handed: list[tuple[int, dict[str, Any]]] = []

    def tracks(self, job_id: int) -> bool:
        return job_id in self.job_ids

    def tracked(self) -> list[int]:
        return sorted(self.job_ids)

    def push_webhook(self, job_id: int, payload: dict[str, Any]) -> bool:
        self.handed.append((job_id, payload))
        return True


async def two_jobs(jobs: JobRepository) -> tuple[Job, Job]:
    return await jobs.create(new_job(1)), await jobs.create(new_job(2))


async def test_stored_deliveries_reach_the_driving_process_once_even_when_stored_before_it_listened(
    postgres_url: str,
):
    db = await Database.open(postgres_url)
    jobs = JobRepository(db)
    mine, theirs = await two_jobs(jobs)
    # Stored while no process listened (the driving process was restarting): taken when it listens.
    assert await jobs.forward_delivery("musicgpt", "d-1", mine.id, {"n": 1})
    assert await jobs.forward_delivery("musicgpt", "d-2", theirs.id, {"n": 2})
    here, twin = Driving(mine.id), Driving(mine.id)  # two processes that both think they drive it
    elsewhere = Driving(theirs.id)
    relays = [
        WebhookRelay(runner, JobRepository(await Database.open(postgres_url))) for runner in (here, twin)
    ]  # type: ignore[arg-type]
    other = WebhookRelay(elsewhere, JobRepository(await Database.open(postgres_url)))  # type: ignore[arg-type]
    try:
        for relay in (*relays, other):
            await relay.start()
        await until(lambda: len(here.handed) + len(twin.handed) == 1 and elsewhere.handed)
        # Then by notification, while listening.
        for n in range(3, 8):
            assert await jobs.forward_delivery("musicgpt", f"d-{n}", mine.id, {"n": n})
        assert not await jobs.forward_delivery("musicgpt", "d-3", mine.id, {"n": 3}), "a duplicate"
        await until(lambda: len(here.handed) + len(twin.handed) == 6)
        await asyncio.sleep(0.2)  # a second hand-over would show up by now
    finally:
        for relay in (*relays, other):
            await relay.close()
            await relay.jobs.db.close()
        await db.close()
    handed = sorted(p["n"] for _, p in here.handed + twin.handed)
    assert handed == [1, 3, 4, 5, 6, 7], "each delivery handed to one tracker, once"
    assert elsewhere.handed == [(theirs.id, {"n": 2})]


async def test_a_lost_listen_connection_is_opened_again_and_hears_later_notifications(
    postgres_url: str, caplog: pytest.LogCaptureFixture
):
    db = await Database.open(postgres_url)
    heard: list[str] = []
    listens: list[int] = []
    listener = await db.listen(JOB_WEBHOOK, heard.append, connected=lambda: listens.append(1))
    assert isinstance(listener, Listener)
    try:
        first = listener.pid
        assert first is not None and listens == [1]
        await db.execute("SELECT pg_notify(?, '41')", (JOB_WEBHOOK,))
        await until(lambda: heard == ["41"])

        caplog.set_level(logging.INFO, logger="storage.listener")
        admin = await admin_connection()
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await until(lambda: listener.pid not in (None, first))
        assert listens == [1, 1], "told each time it listens, to catch up on what it missed"

        await db.execute("SELECT pg_notify(?, '42')", (JOB_WEBHOOK,))
        await until(lambda: heard == ["41", "42"])
    finally:
        await listener.close()
        await db.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "storage.listener"]
    assert len(lines) == 2 and "connection lost" in lines[0] and "listening again" in lines[1], lines
    assert all(r.exc_info is None for r in caplog.records), "one line each, no traceback"


async def test_on_sqlite_nothing_listens_and_nothing_is_forwarded(tmp_path: Path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        assert await db.listen(JOB_WEBHOOK, lambda _: None, connected=lambda: None) is None
        assert not WebhookRelay(Driving(), JobRepository(db)).forwards  # type: ignore[arg-type]
    finally:
        await db.close()
