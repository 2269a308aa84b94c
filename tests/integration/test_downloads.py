"""Take and attachment downloads under the policy, against a fake file server on 127.0.0.1.

The fake is let through by `allowed_hosts`, the way DOWNLOAD_ALLOWED_HOSTS lets the test fakes through;
a second server on another port plays "another service on the bot's machine" and must never be reached.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from audio.synth import write_tone
from domain.errors import ErrorKind, ProviderError
from domain.tracking import Completed, Output
from engine.downloads import (
    REFUSED_ADDRESS,
    REFUSED_SCHEME,
    TOO_MANY_REDIRECTS,
    TOO_SLOW,
    DownloadPolicy,
    TooLarge,
)
from engine.takes import fetch_takes


class Server:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.hits: list[str] = []
        self.runner = web.AppRunner(app, shutdown_timeout=0.1, handler_cancellation=True)
        self.port = 0

    async def start(self) -> None:
        @web.middleware
        async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
            self.hits.append(request.path)
            return await handler(request)

        self.app.middlewares.append(record)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def internal() -> AsyncIterator[Server]:
    """A service on the bot's own machine that nobody outside should read."""
    app = web.Application()

    async def secret(request: web.Request) -> web.Response:
        return web.Response(body=b"ID3 internal secrets")

    app.router.add_get("/secret", secret)
    server = Server(app)
    await server.start()
    yield server
    await server.runner.cleanup()


@pytest.fixture
async def cdn(tmp_path: Path) -> AsyncIterator[Server]:
    audio = write_tone(tmp_path / "source.mp3", seconds=3.5, fmt="mp3").read_bytes()

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def slow(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        for _ in range(1000):  # about 50 s if nobody gives up
            await resp.write(b"x" * 1024)
            await asyncio.sleep(0.05)
        return resp

    async def endless(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()  # chunked: no Content-Length to go by
        await resp.prepare(request)
        for _ in range(64):
            await resp.write(b"x" * 64 * 1024)
        return resp

    async def take(request: web.Request) -> web.Response:
        return web.Response(body=audio)

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def declared(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 300_000)

    app = web.Application()
    app.router.add_get("/take.mp3", take)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/endless", endless)
    app.router.add_get("/declared", declared)
    server = Server(app)
    await server.start()
    yield server
    await server.runner.cleanup()


def policy_for(server: Server, **extra: float) -> DownloadPolicy:
    return DownloadPolicy(allowed_hosts=frozenset({f"127.0.0.1:{server.port}"}), **extra)  # type: ignore[arg-type]


async def test_an_allowed_fake_serves_its_take(cdn: Server, tmp_path: Path):
    size = await policy_for(cdn).fetch(f"{cdn.url}/take.mp3", tmp_path / "t.mp3", max_bytes=10**7)
    assert size == (tmp_path / "t.mp3").stat().st_size > 0


async def test_without_the_allowance_a_loopback_fake_is_refused(cdn: Server, tmp_path: Path):
    with pytest.raises(ProviderError) as refused:
        await DownloadPolicy().fetch(f"{cdn.url}/take.mp3", tmp_path / "t.mp3", max_bytes=10**7)
    assert refused.value.reason == REFUSED_SCHEME and cdn.hits == []


@pytest.mark.parametrize(
    "target",
    [
        "{internal}/secret",  # another port on the same machine
        "https://localhost:{port}/secret",  # a name that resolves to loopback
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "https://10.0.0.1/secret",
        "file:///etc/passwd",
    ],
)
async def test_a_redirect_to_a_forbidden_place_is_refused(
    cdn: Server, internal: Server, tmp_path: Path, target: str
):
    to = target.format(internal=internal.url, port=internal.port)
    with pytest.raises(ProviderError) as refused:
        await policy_for(cdn).fetch(f"{cdn.url}/redirect?to={to}", tmp_path / "t.mp3", max_bytes=10**7)
    assert refused.value.reason in (REFUSED_SCHEME, REFUSED_ADDRESS)
    assert not refused.value.transient, "refused for good: no retry can make it allowed"
    assert internal.hits == [], "the internal service was never reached"
    assert not (tmp_path / "t.mp3").exists()


async def test_endless_redirects_stop(cdn: Server, tmp_path: Path):
    with pytest.raises(ProviderError) as refused:
        await policy_for(cdn, max_redirects=3).fetch(
            f"{cdn.url}/loop", tmp_path / "dl" / "t", max_bytes=10**7
        )
    assert refused.value.reason == TOO_MANY_REDIRECTS and cdn.hits == ["/loop"] * 4


async def test_a_download_slower_than_the_time_cap_fails_for_good(cdn: Server, tmp_path: Path):
    with pytest.raises(ProviderError) as slow:
        await policy_for(cdn, total_seconds=0.3).fetch(
            f"{cdn.url}/slow", tmp_path / "dl" / "t", max_bytes=10**7
        )
    assert slow.value.reason == TOO_SLOW and not slow.value.transient
    assert not list((tmp_path / "dl").iterdir()), "no partial file is left behind"


async def test_more_bytes_than_the_cap_are_refused_with_or_without_a_declared_length(
    cdn: Server, tmp_path: Path
):
    with pytest.raises(TooLarge) as endless:
        await policy_for(cdn).fetch(f"{cdn.url}/endless", tmp_path / "dl" / "t", max_bytes=200_000)
    assert endless.value.limit == 200_000 and endless.value.size is None
    with pytest.raises(TooLarge) as declared:
        await policy_for(cdn).fetch(f"{cdn.url}/declared", tmp_path / "dl" / "t", max_bytes=200_000)
    assert declared.value.size == 300_000
    assert not list((tmp_path / "dl").iterdir())


async def test_a_take_served_as_file_url_fails_at_once_and_is_not_worth_retrying(tmp_path: Path):
    completed = Completed(outputs=[Output(index=1, url="file:///etc/passwd")])
    with pytest.raises(ProviderError) as failed:
        await fetch_takes(completed, tmp_path / "takes", DownloadPolicy(), max_bytes=10**7)
    assert not failed.value.transient, "the runner retries only transient failures"
    assert failed.value.kind is ErrorKind.GENERATION_FAILED
