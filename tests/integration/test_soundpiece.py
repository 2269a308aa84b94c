"""SoundpieceProvider against FakeSoundpiece over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from typing import Any

import aiohttp
import av
import pytest
from aiohttp import web

from domain.errors import ErrorKind, ProviderError, WebhookRejected
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle
from face import texts
from providers.base import Inbox, JobRequest
from providers.soundpiece import SoundpieceProvider
from tests.clock import FakeClock
from tests.fakes.soundpiece import FakeSoundpiece
from tests.waiting import HANG_GUARD, until
from tests.wording import spoken

WHSEC = "whsec_" + base64.b64encode(b"soundpiece-test-signing-secret!!").decode()




def provider_for(session: aiohttp.ClientSession, fake: FakeSoundpiece, **kwargs: Any) -> SoundpieceProvider:
    kwargs.setdefault("clock", FakeClock(instant=True))
    provider = SoundpieceProvider(session, api_key=fake.api_key, base_url=fake.base_url, **kwargs)
    provider.min_poll_interval = 0.05
    return provider


def job(fake: FakeSoundpiece, **changes: Any) -> JobRequest:
    fields: dict[str, Any] = {
        "kind": JobKind.REMIX,
        "prompt": "synthwave, male vocal",
        "lyrics": "[Verse]\nhello there",
        "input_url": fake.source_url,
        "idempotency_key": str(uuid.uuid4()),
    }
    return JobRequest(**(fields | changes))


async def run(provider: SoundpieceProvider, request: JobRequest, inbox: Inbox | None = None) -> list[Event]:
    handle = await provider.submit(request)
    return [event async for event in provider.track(handle, request, inbox or asyncio.Queue())]


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with session.get(url) as resp:
        return resp.status, await resp.read()


def decoded_samples(data: bytes) -> int:
    with av.open(io.BytesIO(data)) as container:
        return sum(frame.samples for frame in container.decode(container.streams.audio[0]))


def gets(fake: FakeSoundpiece) -> list[str]:
    return [path for method, path in fake.requests if method == "GET"]


# --------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize("takes", [1, 3])
async def test_variations_complete_with_that_many_flac_outputs(
    session: aiohttp.ClientSession,
    takes: int,
) -> None:
    async with FakeSoundpiece() as fake:
        events = await run(provider_for(session, fake), job(fake, options={"variations": takes}))
        done = events[-1]
        assert isinstance(done, Completed) and not done.notes
        assert [o.index for o in done.outputs] == list(range(1, takes + 1))
        assert all(o.ext == "flac" and o.duration == fake.audio_seconds for o in done.outputs)
        status, data = await fetch(session, done.outputs[-1].url or "")
        assert status == 200 and decoded_samples(data) > 0
        assert fake.fetched_sources == [fake.source_url] and fake.created == 1


async def test_answers_without_status_are_read_from_outputs(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece(omit_status=True, processing_time=0.2, max_wait=0.05) as fake:
        events = await run(provider_for(session, fake), job(fake))
        assert isinstance(events[-1], Completed) and len(events[-1].outputs) == 1


async def test_progress_says_how_long_it_has_been_working(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece(processing_time=None, max_wait=0.05) as fake:
        provider = provider_for(session, fake)
        request = job(fake)
        handle = await provider.submit(request)
        events = provider.track(handle, request, asyncio.Queue())
        first = await anext(events)
        assert first.kind == "progress" and first.stage == "processing" and first.percent is None
        assert first.detail and "Soundpiece has been working for" in texts.note(first.detail, "Soundpiece")
        fake.finish(handle.task_id)
        assert isinstance([e async for e in events][-1], Completed)


async def test_long_poll_returns_early_on_completion(session: aiohttp.ClientSession) -> None:
    # The fake would hold the poll for an hour: only an early answer finishes within the hang guard.
    async with FakeSoundpiece(processing_time=0.3, max_wait=3600.0) as fake:
        events = await asyncio.wait_for(run(provider_for(session, fake), job(fake)), HANG_GUARD)
        assert isinstance(events[-1], Completed)
        assert len(gets(fake)) == 1 and "wait=true" in gets(fake)[0]


# --------------------------------------------------------------------------- rate limits, retries


async def test_429_pauses_the_whole_client(session: aiohttp.ClientSession) -> None:
    clock = FakeClock()
    calls = clock.sleeps

    async with FakeSoundpiece() as fake:
        provider = provider_for(session, fake, clock=clock)
        first = job(fake)
        # An older job, to refresh while paused (run on a clock that needs no driving).
        earlier = await run(provider_for(session, fake, clock=FakeClock(instant=True)), first)
        handle_old = await provider.submit(first)  # same key: the same operation, nothing new
        fake.rate_limit(retry_after=3)
        with pytest.raises(ProviderError) as info:
            await provider.submit(job(fake))
        assert info.value.kind == ErrorKind.RATE_LIMITED  # raised, not retried: the runner resends
        seen = len(fake.requests)
        submit = asyncio.create_task(provider.submit(job(fake)))
        refresh = asyncio.create_task(provider.refresh_outputs(handle_old))
        await until(lambda: clock.sleeping == 2)
        # Both requests wait out the Retry-After; nothing reached the fake meanwhile.
        assert calls == [pytest.approx(3.0), pytest.approx(3.0)]
        assert len(fake.requests) == seen
        await clock.advance(3.0)
        handle_new = await submit
        assert len(await refresh) == len(earlier[-1].outputs)  # type: ignore[union-attr]
        assert handle_new.task_id in fake.operations and fake.created == 2


async def test_lost_put_answer_is_retried_with_the_same_key(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        provider = provider_for(session, fake, clock=FakeClock(instant=True))
        provider.submit_timeout = aiohttp.ClientTimeout(total=0.3)
        fake.lose_next_put_answer(hold=5.0)
        request = job(fake)
        with pytest.raises(ProviderError) as info:
            await provider.submit(request)
        # The PUT is keyed: the runner may resend it even though it may have been accepted.
        assert info.value.transient and not info.value.maybe_accepted
        handle = await provider.submit(request)
        puts = [path for method, path in fake.requests if method == "PUT"]
        assert len(puts) == 2 and fake.created == 1
        assert list(fake.operations) == [handle.task_id]
        events = [e async for e in provider.track(handle, request, asyncio.Queue())]
        assert isinstance(events[-1], Completed)


async def test_5xx_is_passed_up_and_a_resend_under_the_key_starts_one_job(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeSoundpiece() as fake:
        fake.script_error(503, times=2)
        provider = provider_for(session, fake, clock=FakeClock(instant=True))
        request = job(fake)
        for _ in range(2):
            with pytest.raises(ProviderError) as info:
                await provider.submit(request)
            assert info.value.transient and not info.value.maybe_accepted
        events = await run(provider, request)
        assert isinstance(events[-1], Completed) and fake.created == 1


# --------------------------------------------------------------------------- failures


async def test_failed_operation_raises_a_clear_message(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        fake.fail_next_operation("The model could not follow the lyrics.")
        with pytest.raises(ProviderError) as info:
            await run(provider_for(session, fake), job(fake))
        assert info.value.kind == ErrorKind.GENERATION_FAILED
        assert spoken(info.value, "Soundpiece") == (
            "Soundpiece could not make this remix: The model could not follow the lyrics."
        )


async def test_flagged_operation_with_message_only_error(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        fake.fail_next_operation("Lyrics were flagged by moderation.", code=None)
        with pytest.raises(ProviderError) as info:
            await run(provider_for(session, fake), job(fake))
        assert info.value.kind == ErrorKind.CONTENT_FLAGGED and "flagged" in spoken(info.value, "Soundpiece")


async def test_unreachable_source_fails_the_operation(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        with pytest.raises(ProviderError, match="HTTP 404"):
            await run(provider_for(session, fake), job(fake, input_url=fake.root + "/cdn/gone.flac"))


async def test_validation_error_names_the_field(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        with pytest.raises(ProviderError) as info:
            await provider_for(session, fake).submit(job(fake, lyrics=""))
        assert info.value.kind == ErrorKind.INVALID_INPUT
        assert "lyrics: String should have at least 1 character" in spoken(info.value, "Soundpiece")
        assert fake.created == 0


async def test_bad_key_is_not_retried(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        provider = SoundpieceProvider(session, api_key="spk_wrong", base_url=fake.base_url)
        with pytest.raises(ProviderError) as info:
            await provider.submit(job(fake))
        assert info.value.kind == ErrorKind.AUTH and len(fake.requests) == 1


async def test_expired_urls_are_refreshed(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        provider = provider_for(session, fake)
        request = job(fake, options={"variations": 2})
        handle = await provider.submit(request)
        done = [e async for e in provider.track(handle, request, asyncio.Queue())][-1]
        assert isinstance(done, Completed)
        fake.expire_urls()
        assert (await fetch(session, done.outputs[0].url or ""))[0] == 403
        fresh = await provider.refresh_outputs(handle)
        assert len(fresh) == 2 and {o.url for o in fresh}.isdisjoint(o.url for o in done.outputs)
        for output in fresh:
            status, data = await fetch(session, output.url or "")
            assert status == 200 and decoded_samples(data) > 0


async def test_unknown_operation_is_not_found(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece() as fake:
        with pytest.raises(ProviderError) as info:
            await provider_for(session, fake).refresh_outputs(Handle(task_id="op_" + "0" * 26))
        assert info.value.kind == ErrorKind.NOT_FOUND


# --------------------------------------------------------------------------- webhooks


class Receiver:
    """The web layer in miniature: verify, then hand the payload to the job's inbox (no dedupe)."""

    def __init__(self, provider: SoundpieceProvider) -> None:
        self.provider = provider
        self.inbox: Inbox = asyncio.Queue()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hooks/soundpiece", self._hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/hooks/soundpiece"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _hook(self, request: web.Request) -> web.Response:
        try:
            payload = self.provider.verify_webhook(request.headers, await request.read())
        except WebhookRejected as exc:
            return web.Response(status=exc.status, text=exc.reason)
        await self.inbox.put(payload)
        return web.Response(status=204)


@pytest.mark.parametrize(
    ("fake_secret", "raw", "our_secret"),
    [
        (WHSEC, False, WHSEC),
        ("plain signing secret", True, "plain signing secret"),
    ],
)
async def test_webhook_cuts_a_stuck_long_poll_short(
    session: aiohttp.ClientSession,
    fake_secret: str,
    raw: bool,
    our_secret: str,
) -> None:
    # The long poll ignores the end (a stale replica) and would hold an hour; the webhook wins.
    async with FakeSoundpiece(
        signing_secret=fake_secret,
        raw_secret=raw,
        early_return=False,
        max_wait=3600.0,
        processing_time=0.1,
        webhook_copies=2,
    ) as fake:
        provider = provider_for(session, fake, webhook_secret=our_secret)
        async with Receiver(provider) as receiver:
            request = job(fake, webhook_url=receiver.url)
            # Only the webhook can end an hour-long hold within the hang guard.
            events = await asyncio.wait_for(run(provider, request, receiver.inbox), HANG_GUARD)
        assert isinstance(events[-1], Completed) and len(events[-1].outputs) == 1
        assert [d.status for d in fake.deliveries] == [204, 204]
        assert fake.deliveries[0].webhook_id == fake.deliveries[1].webhook_id
        # The webhook only prompted a quick confirming GET: polling stays canonical.
        assert gets(fake)[-1].endswith(f"id={next(iter(fake.operations))}")


async def test_forged_and_replayed_webhooks_are_refused(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece(signing_secret=WHSEC) as fake:
        provider = provider_for(session, fake, webhook_secret=WHSEC)
        async with Receiver(provider) as receiver:
            await run(provider, job(fake, webhook_url=receiver.url), receiver.inbox)
            op_id = next(iter(fake.operations))
            await until(lambda: fake.deliveries)
            forged = await fake.send_webhook(op_id, forge=True)
            replayed = await fake.send_webhook(op_id, age=600)
            again = await fake.send_webhook(op_id, webhook_id=fake.deliveries[0].webhook_id)
        assert (forged.status, replayed.status, again.status) == (401, 401, 204)


async def test_webhook_claim_is_checked_by_polling(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece(processing_time=None, max_wait=0.1) as fake:
        provider = provider_for(session, fake, webhook_secret=WHSEC)
        request = job(fake)
        handle = await provider.submit(request)
        inbox: Inbox = asyncio.Queue()
        events = provider.track(handle, request, inbox)
        assert (await anext(events)).kind == "progress"
        # A verified but premature "ready": the confirming GET still says processing.
        await inbox.put({"type": "create.remix_song.ready", "data": {"id": handle.task_id}})
        assert (await anext(events)).kind == "progress"
        assert gets(fake)[-1].endswith(f"id={handle.task_id}")  # the quick, confirming GET
        fake.finish(handle.task_id)
        assert isinstance([e async for e in events][-1], Completed)


async def test_no_secret_means_no_callback_requested(session: aiohttp.ClientSession) -> None:
    async with FakeSoundpiece(signing_secret=WHSEC) as fake:
        provider = provider_for(session, fake)
        await run(provider, job(fake, webhook_url="https://bot.example/hooks/soundpiece"))
        assert next(iter(fake.operations.values())).body.callback_url is None
        assert fake.deliveries == []
