"""Provider API answers are read up to MAX_API_BODY: a huge answer is a typed error, never read whole."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from domain.errors import ErrorKind, Reason
from engine.retry import TRACK, retry_transient
from providers.http import MAX_API_BODY, AnswerTooLarge, HttpClient
from tests.clock import FakeClock
from tests.wording import spoken

HUGE = 64 * MAX_API_BODY


class Firehose:
    """An API that answers with 64 MiB, announced (Content-Length) or streamed (chunked)."""

    def __init__(self) -> None:
        self.sent = 0
        self.requests = 0
        self.hung_up = asyncio.Event()

    async def answer(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        if request.query.get("announce"):
            resp.content_length = HUGE
        await resp.prepare(request)
        chunk = b" " * (64 * 1024)
        try:
            while self.sent < HUGE:
                await resp.write(chunk)
                self.sent += len(chunk)
        except (ConnectionResetError, ConnectionError):
            self.hung_up.set()
        return resp


@pytest.fixture
async def firehose() -> AsyncIterator[tuple[Firehose, str]]:
    fake = Firehose()
    app = web.Application()
    app.router.add_get("/status", fake.answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/status"
    await runner.cleanup()


@pytest.mark.parametrize("announce", ["", "1"], ids=["chunked", "content-length"])
async def test_a_huge_answer_is_refused_unread_and_not_retried(firehose, session, announce: str):
    fake, url = firehose
    clock = FakeClock(instant=True)
    client = HttpClient(session, name="vendor", clock=clock)

    async def poll() -> object:
        return await client.request("GET", url, params={"announce": announce}, idempotent=True)

    with pytest.raises(AnswerTooLarge) as raised:
        await retry_transient(TRACK, clock, poll)  # the same request would get the same answer
    error = raised.value
    assert error.kind is ErrorKind.GENERATION_FAILED and error.reason is Reason.ANSWER_TOO_LARGE
    assert error.limit == MAX_API_BODY and "1 MB" in spoken(error, "Vendor")
    assert fake.requests == 1 and clock.sleeps == [], "not retried"
    await asyncio.wait_for(fake.hung_up.wait(), 10)
    assert fake.sent < HUGE / 2, "the client hung up instead of reading it all"
