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

from domain.errors import ErrorKind, ProviderError, Reason
from domain.tracking import Completed, Output
from engine.downloads import DownloadPolicy, TooLarge
from engine.retry import TAKE_DOWNLOAD
from engine.takes import fetch_takes
from tests.clock import FakeClock
from tests.tones import write_tone


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

    drops = {"left": 2}

    async def flaky(request: web.Request) -> web.StreamResponse:
        """Drops the connection mid-body until `drops` runs out, then serves the take."""
        if drops["left"] <= 0:
            return web.Response(body=audio)
        drops["left"] -= 1
        resp = web.StreamResponse(headers={"Content-Length": str(len(audio))})
        await resp.prepare(request)
        await resp.write(audio[:1000])
        assert request.transport is not None
        request.transport.close()
        return resp

    app = web.Application()
    app.router.add_get("/take.mp3", take)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/endless", endless)
    app.router.add_get("/declared", declared)
    app.router.add_get("/flaky.mp3", flaky)
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
    assert refused.value.reason == Reason.DOWNLOAD_SCHEME and cdn.hits == []


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
    assert refused.value.reason in (Reason.DOWNLOAD_SCHEME, Reason.DOWNLOAD_ADDRESS)
    assert not refused.value.transient, "refused for good: no retry can make it allowed"
    assert internal.hits == [], "the internal service was never reached"
    assert not (tmp_path / "t.mp3").exists()


async def test_endless_redirects_stop(cdn: Server, tmp_path: Path):
    with pytest.raises(ProviderError) as refused:
        await policy_for(cdn, max_redirects=3).fetch(
            f"{cdn.url}/loop", tmp_path / "dl" / "t", max_bytes=10**7
        )
    assert refused.value.reason == Reason.DOWNLOAD_REDIRECTS and cdn.hits == ["/loop"] * 4


async def test_a_download_slower_than_the_time_cap_fails_for_good(cdn: Server, tmp_path: Path):
    with pytest.raises(ProviderError) as slow:
        await policy_for(cdn, total_seconds=0.3).fetch(
            f"{cdn.url}/slow", tmp_path / "dl" / "t", max_bytes=10**7
        )
    assert slow.value.reason == Reason.DOWNLOAD_TOO_SLOW and not slow.value.transient
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


async def test_a_dropped_connection_is_retried_on_the_clock_until_the_take_arrives(
    cdn: Server, tmp_path: Path
):
    clock = FakeClock(instant=True)
    completed = Completed(outputs=[Output(index=1, url=f"{cdn.url}/flaky.mp3")])
    takes, notes = await fetch_takes(
        completed, tmp_path / "takes", policy_for(cdn), max_bytes=10**7, clock=clock
    )
    assert [take.index for take in takes] == [1] and notes == []
    assert cdn.hits == ["/flaky.mp3"] * 3, "two dropped connections, then the take"
    assert len(clock.sleeps) == 2 and max(clock.sleeps) <= TAKE_DOWNLOAD.cap


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/redirect?to=https://10.0.0.1/take.mp3", {}),  # a forbidden address
        ("/loop", {"max_redirects": 2}),  # too many redirects
        ("/endless", {}),  # too large (see max_bytes below)
        ("/slow", {"total_seconds": 0.3}),  # too slow
    ],
    ids=["address", "redirects", "too-large", "too-slow"],
)
async def test_a_policy_refusal_is_tried_once_and_never_retried(
    cdn: Server, tmp_path: Path, path: str, extra: dict[str, float]
):
    clock = FakeClock(instant=True)
    second = Output(index=2, url=f"{cdn.url}/take.mp3")
    completed = Completed(outputs=[Output(index=1, url=f"{cdn.url}{path}"), second])
    takes, notes = await fetch_takes(
        completed, tmp_path / "takes", policy_for(cdn, **extra), max_bytes=200_000, clock=clock
    )
    assert [take.index for take in takes] == [2], "the other take still arrives"
    assert [note.params["index"] for note in notes] == [1]
    assert clock.sleeps == [], "a refusal is permanent: no wait, no second attempt"
    assert cdn.hits.count(path.split("?")[0]) == (1 if "max_redirects" not in extra else 3)
