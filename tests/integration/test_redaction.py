"""Signed URLs never reach a log line: a failing download, an API call or a vendor's own words about
a link are logged without the query string.

caplog records with its own formatter, not the bot's RedactingFormatter: what it captures proves the
redaction happened before the line was logged (in ProviderError's detail, or at the log call).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import JobState, NewJob
from domain.kinds import JobKind
from domain.redact import RedactingFormatter, redact, redact_url
from domain.tracking import Completed, Handle, Output
from engine.downloads import DownloadPolicy
from engine.runner import Runner
from engine.takes import fetch_takes
from providers.base import Capabilities, JobRequest, Provider
from providers.http import HttpClient
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.clock import FakeClock

SIGNATURE = "X-Amz-Signature=5ec12e7f00d4bad1"
OUR_PACKAGES = {"domain", "providers", "storage", "audio", "engine", "face", "cogs", "web", "bot", "cli"}
SIGNED = f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE&{SIGNATURE}"


@pytest.fixture
async def cdn() -> AsyncIterator[str]:
    """A storage host whose take link redirects to itself for ever, and whose API answers 500."""

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url))

    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"error": "down"}, status=500)

    app = web.Application()
    app.router.add_get("/take.mp3", loop)
    app.router.add_get("/api/status", broken)
    runner = web.AppRunner(app, access_log=None)  # the fake's own access log is not under test
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_failing_take_download_logs_no_signature(cdn, session, tmp_path: Path, caplog):
    caplog.set_level(logging.DEBUG)
    completed = Completed(outputs=[Output(index=1, url=f"{cdn}/take.mp3{SIGNED}")])
    with pytest.raises(ProviderError) as raised:
        downloads = DownloadPolicy(allowed_hosts=frozenset({cdn.removeprefix("http://")}))
        await fetch_takes(
            completed, tmp_path / "takes", downloads, max_bytes=1 << 20, clock=FakeClock(instant=True)
        )
    assert "take 1 could not be fetched" in caplog.text, "the failure is logged"
    assert "/take.mp3" in caplog.text, "with the path, so the operator can tell which link"
    assert "5ec12e7f00d4bad1" not in caplog.text and "AKIAEXAMPLE" not in caplog.text
    assert "5ec12e7f00d4bad1" not in f"{raised.value.detail} {raised.value}"


async def test_a_failing_api_call_logs_no_query_string(cdn, session, caplog):
    caplog.set_level(logging.DEBUG)
    client = HttpClient(session, name="vendor")
    with pytest.raises(ProviderError):
        await client.request("GET", f"{cdn}/api/status?api_key=k3y-s3cret", idempotent=True)
    assert "/api/status" in caplog.text and "k3y-s3cret" not in caplog.text


def test_a_provider_errors_detail_loses_every_query_string():
    """Every provider's details are covered at one place: the error itself."""
    said = f"cannot fetch https://bucket.s3.amazonaws.com/in/song.mp3{SIGNED} (403)"
    error = ProviderError(ErrorKind.INVALID_INPUT, Reason.REFUSED, detail=said)
    assert error.detail == "cannot fetch https://bucket.s3.amazonaws.com/in/song.mp3?… (403)"
    assert "5ec12e7f00d4bad1" not in f"{error} {error!r} {error.args}"


class Quoting(Provider):
    """A vendor that refuses a job quoting the signed link it was given, as vendors do."""

    name = "quoting"
    label = "Quoting"
    capabilities = Capabilities(kinds=frozenset({JobKind.REMIX}))

    async def submit(self, request: JobRequest) -> Handle:
        raise ProviderError(
            ErrorKind.INVALID_INPUT,
            Reason.REFUSED,
            detail=f'{{"error": "unreadable input {request.input_url}"}}',
        )

    async def track(self, handle, request, inbox):  # type: ignore[no-untyped-def, override]
        raise AssertionError("never submitted")
        yield


class Quiet:
    def push(self, job, position=None) -> None:  # type: ignore[no-untyped-def]
        pass


async def test_a_job_failing_on_a_vendors_words_logs_no_signature(session, tmp_path: Path, caplog):
    caplog.set_level(logging.DEBUG)
    db = await Database.open(tmp_path / "db.sqlite3")
    jobs = JobRepository(db)
    job = await jobs.create(
        NewJob(
            guild_id=1,
            channel_id=2,
            member_id=3,
            kind=JobKind.REMIX,
            provider="quoting",
            upload_limit=1,
            idempotency_key="k",
            webhook_token="t",
            input_url=f"https://cdn.discordapp.com/attachments/1/2/song.mp3{SIGNED}",
        )
    )
    job = await jobs.transition(job.id, JobState.QUEUED)
    runner = Runner(
        jobs,
        Registry({"quoting": Entry(Quoting(), 1)}, "quoting"),
        Quiet(),
        None,  # type: ignore[arg-type]
        work_dir=tmp_path,
        deadline_seconds=600,
        max_take_bytes=1,
        clock=FakeClock(),
    )
    try:
        final = await runner.run_one(job)
    finally:
        await runner.close()
        await db.close()
    assert final.state is JobState.FAILED
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in OUR_PACKAGES)
    assert "song.mp3?…" in ours, "the operator still sees which link the vendor meant"
    assert "5ec12e7f00d4bad1" not in ours and "AKIAEXAMPLE" not in ours
    # Libraries log what they are given at DEBUG (aiosqlite: the row's columns); the bot's formatter
    # redacts their lines too.
    formatter = RedactingFormatter("%(name)s: %(message)s")
    assert "5ec12e7f00d4bad1" not in "\n".join(formatter.format(r) for r in caplog.records)


def test_every_url_in_a_line_loses_its_query_string():
    assert redact_url(f"https://bucket.s3.amazonaws.com/a/b.mp3{SIGNED}#t=3") == (
        "https://bucket.s3.amazonaws.com/a/b.mp3?…"
    )
    assert redact_url("https://user:pw@host:8443/p") == "https://host:8443/p"
    text = f"ClientResponseError: 403, message='Forbidden', url='https://cdn.example/x.mp3{SIGNED}'"
    assert redact(text) == "ClientResponseError: 403, message='Forbidden', url='https://cdn.example/x.mp3?…'"
    assert (
        redact("Cannot connect to host 127.0.0.1:9 ssl:default")
        == "Cannot connect to host 127.0.0.1:9 ssl:default"
    )


def test_the_log_formatter_redacts_messages_and_tracebacks():
    formatter = RedactingFormatter("%(message)s")
    try:
        raise aiohttp.InvalidURL(f"https://cdn.example/x.mp3{SIGNED}")
    except aiohttp.InvalidURL:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "fetching %s failed", (f"https://a.example/?{SIGNATURE}",), None
        )
        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "InvalidURL" in line and "5ec12e7f00d4bad1" not in line
