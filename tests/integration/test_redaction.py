"""Signed URLs never reach a log line: a failing download is logged without its query string."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from domain.errors import ProviderError
from domain.redact import RedactingFormatter, redact, redact_url
from domain.tracking import Completed, Output
from engine.takes import fetch_takes
from providers.http import HttpClient

SIGNATURE = "X-Amz-Signature=5ec12e7f00d4bad1"
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
        await fetch_takes(completed, tmp_path / "takes", session, max_bytes=1 << 20)
    assert "take 1 could not be fetched" in caplog.text, "the failure is logged"
    assert "/take.mp3" in caplog.text, "with the path, so the operator can tell which link"
    assert "5ec12e7f00d4bad1" not in caplog.text and "AKIAEXAMPLE" not in caplog.text
    assert "5ec12e7f00d4bad1" not in f"{raised.value.detail} {raised.value}"


async def test_a_failing_api_call_logs_no_query_string(cdn, session, caplog):
    caplog.set_level(logging.DEBUG)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = HttpClient(session, name="vendor", max_attempts=2, sleep=sleep)
    with pytest.raises(ProviderError):
        await client.request("GET", f"{cdn}/api/status?api_key=k3y-s3cret", idempotent=True)
    assert "/api/status" in caplog.text and "k3y-s3cret" not in caplog.text


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
