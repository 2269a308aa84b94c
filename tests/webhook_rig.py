"""The real web server, runner and database with one job being driven and one finished: the ground
on which the webhook tests and bench/bench_webhook_ingest.py send deliveries.

The provider is the real MusicGPT adapter (its verify_webhook and webhook_belongs run), except that
tracking only collects what the webhooks bring, so the job stays live and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from domain.jobs import Job, JobState, NewJob
from domain.kinds import JobKind
from domain.tracking import Handle
from engine.runner import Runner
from providers.base import Event, Inbox, JobRequest
from providers.musicgpt import MusicGPTProvider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from web.server import WebServer

LIVE_TASK, DONE_TASK = "task-live", "task-done"


class Listening(MusicGPTProvider):
    """MusicGPT whose tracking only listens to its webhook inbox (and never finishes)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__(session, api_key="unused", base_url="http://127.0.0.1:9")
        self.heard: list[dict[str, Any]] = []
        self.tracking = asyncio.Event()

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        self.tracking.set()
        while True:
            self.heard.append(await inbox.get())
        yield  # an async generator, like every adapter's track


class Sink:
    """A status sink that shows nothing."""

    def push(self, job: Job, position: int | None = None) -> None:
        pass

    async def flush(self, job_id: int) -> None:
        pass


@dataclass
class Rig:
    db: Database
    server: WebServer
    provider: Listening
    live_token: str
    done_token: str
    statements: list[str] = field(default_factory=list)

    def url(self, token: str, provider: str = "musicgpt") -> str:
        return f"http://127.0.0.1:{self.server.bound_port}/webhooks/{provider}/{token}"

    def count_sql(self, on: bool) -> None:
        """Record every SQL statement sent through the Database interface while on."""
        self.db.trace(self.statements.append if on else None)


def delivery(task_id: str, n: int) -> bytes:
    """A MusicGPT progress delivery; `n` makes each body (hence its delivery id) distinct."""
    return json.dumps({"task_id": task_id, "conversion_id": f"c-{n}", "status": "IN_PROGRESS"}).encode()


async def _job(jobs: JobRepository, n: int, task: str, *then: JobState) -> Job:
    token = f"token-{task}"
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="musicgpt",
            upload_limit=1,
            idempotency_key=f"key-{n}",
            webhook_token=token,
        ),
        JobState.QUEUED,
    )
    await jobs.transition(job.id, JobState.SUBMITTING)
    await jobs.transition(job.id, JobState.SUBMITTED, handle=Handle(task_id=task))
    for state in then:
        job = await jobs.transition(job.id, state)
    return job


@contextlib.asynccontextmanager
async def webhook_rig(
    tmp: Path, *, database: str | Path | None = None, metrics_enabled: bool = False
) -> AsyncIterator[Rig]:
    """`database`: what Database.open takes (a PostgreSQL URL); by default a SQLite file in `tmp`."""
    db = await Database.open(database or tmp / "bot.sqlite3")
    jobs = JobRepository(db)
    async with aiohttp.ClientSession() as session:
        provider = Listening(session)
        registry = Registry({"musicgpt": Entry(provider, 5)}, "musicgpt")
        runner = Runner(
            jobs,
            registry,
            Sink(),
            None,  # type: ignore[arg-type]  # no result sink: the job is never finished
            work_dir=tmp,
            deadline_seconds=3600,
            max_take_bytes=1,
        )
        live = await _job(jobs, 1, LIVE_TASK, JobState.RUNNING)
        done = await _job(jobs, 2, DONE_TASK, JobState.RUNNING, JobState.DELIVERING, JobState.DELIVERED)
        # Driven without the pump, whose scheduling queries would mix with the ones counted here.
        driving = asyncio.create_task(runner.run_one(live))
        await provider.tracking.wait()
        server = WebServer(
            jobs,
            registry,
            runner,
            host="127.0.0.1",
            port=0,
            is_ready=lambda: True,
            metrics_enabled=metrics_enabled,
        )
        await server.start()
        try:
            yield Rig(db, server, provider, live.webhook_token, done.webhook_token)
        finally:
            await server.stop()
            await runner.close()
            driving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driving
            await db.close()
