"""MusicGPTProvider against FakeMusicGPT on 127.0.0.1, with faults scripted per endpoint."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import av
import pytest
from aiohttp import web

from domain.errors import ErrorKind, ProviderError
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Progress
from engine.downloads import DownloadPolicy
from face import texts
from providers.base import JobRequest
from providers.http import RATE_LIMIT_PAUSE
from providers.musicgpt import MusicGPTProvider, PollBudget, first_poll_delay
from tests.clock import FakeClock
from tests.fakes.musicgpt import FakeMusicGPT, Fault
from tests.tones import tone_bytes
from tests.waiting import until
from tests.wording import spoken


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(instant=True)


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "upload.bin"
    path.write_bytes(tone_bytes("mp3", seconds=2.0))
    return path


def make(
    session: aiohttp.ClientSession, fake: FakeMusicGPT, clock: FakeClock, **kw: object
) -> MusicGPTProvider:
    kw.setdefault("backstop_interval", 0.02)
    return MusicGPTProvider(
        session,
        api_key=kw.pop("api_key", fake.api_key),
        base_url=fake.base_url,
        poll_interval=0.01,
        clock=clock,
        **kw,
    )


def remix(song: Path, **kw: object) -> JobRequest:
    fields: dict = {
        "kind": JobKind.REMIX,
        "prompt": "make it lo-fi",
        "input_path": song,
        "input_filename": "My Song.mp3",
        "gender": "female",
        "idempotency_key": "k1",
    }
    return JobRequest(**(fields | kw))


async def run(
    provider: MusicGPTProvider, request: JobRequest, inbox: asyncio.Queue | None = None
) -> tuple[Handle, list[Event]]:
    handle = await provider.submit(request)
    events = [event async for event in provider.track(handle, request, inbox or asyncio.Queue())]
    return handle, events


# -- the clean path ---------------------------------------------------------------------------------------


async def test_clean_remix(session, clock, song, tmp_path) -> None:
    async with FakeMusicGPT(polls_to_complete=3) as fake:
        provider = make(session, fake, clock)
        request = remix(song, lyrics="brand new day", webhook_url="https://h/w?t=s")
        handle, events = await run(provider, request)

        job = fake.job()
        assert fake.submissions == 1
        assert job.upload is not None and job.upload.data == song.read_bytes()
        assert (job.upload.filename, job.upload.content_type) == ("My_Song.mp3", "audio/mpeg")
        assert job.fields == {
            "prompt": "make it lo-fi",
            "lyrics": "brand new day",
            "gender": "female",
            "webhook_url": "https://h/w?t=s",
        }
        assert handle.task_id == job.task_id and handle.conversion_ids == job.conversion_ids
        assert handle.data == {"conversion_type": "REMIX", "eta": 42, "credit_estimate": 47.5}

        first, *middle, last = events
        assert first == Progress(stage="submitted", eta_seconds=42.0)
        assert middle and all(isinstance(e, Progress) and (e.percent or 0) <= 95 for e in middle)
        assert {e.stage for e in middle} <= {"queued", "processing"}
        assert isinstance(last, Completed) and last.notes == []
        assert [(o.index, o.ext, o.duration, o.title, o.lyrics) for o in last.outputs] == [
            (1, "mp3", 1.0, "Fake Song 1", "la la 1"),
            (2, "mp3", 1.0, "Fake Song 2", "la la 2"),
        ]
        assert last.cover_url and last.title == "Fake Song 1"

        dest = tmp_path / "take1.mp3"
        fake_cdn = DownloadPolicy.parse_hosts(fake.base_url.split("/")[2])
        await DownloadPolicy(allowed_hosts=fake_cdn).fetch(last.outputs[0].url, dest, max_bytes=10_000_000)
        with av.open(str(dest)) as container:
            assert container.streams.audio[0].codec_context.name.startswith("mp3")


async def test_sing_and_generate_hit_their_endpoints(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        provider = make(session, fake, clock)
        sing = remix(song, kind=JobKind.SING, lyrics="never mind")
        _, events = await run(provider, sing)
        assert isinstance(events[-1], Completed)
        assert fake.job().conversion_type == "SING_OVER_INSTRUMENTAL"
        assert fake.job().fields["lyrics"] == "never mind"

        generate = JobRequest(
            kind=JobKind.GENERATE,
            prompt="a forest song",
            idempotency_key="k2",
            options={"style": "Pop", "instrumental": True, "length": 30},
        )
        handle, events = await run(provider, generate)
        assert isinstance(events[-1], Completed) and handle.data["conversion_type"] == "MUSIC_AI"
        assert fake.job().fields == {
            "prompt": "a forest song",
            "music_style": "Pop",
            "make_instrumental": True,
            "vocal_only": False,
            "output_length": 30.0,
        }
        assert fake.submissions == 2


@pytest.mark.parametrize(
    "knobs",
    [
        {"vocabulary": "queue"},
        {"vocabulary": "pending", "lowercase_status": True},
        {"shape": "single"},
        {"shape": "single", "vocabulary": "queue", "lowercase_status": True},
    ],
)
async def test_status_vocabularies_and_shapes(session, clock, song, knobs) -> None:
    async with FakeMusicGPT(polls_to_complete=3, **knobs) as fake:
        _, events = await run(make(session, fake, clock), remix(song))
        done = events[-1]
        assert isinstance(done, Completed)
        assert [o.url for o in done.outputs] == [fake.take_url(fake.job(), 1), fake.take_url(fake.job(), 2)]


async def test_track_restarts_from_the_handle_alone(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=2) as fake:
        provider = make(session, fake, clock)
        request = remix(song)
        handle = await provider.submit(request)
        stream = provider.track(handle, request, asyncio.Queue())
        await anext(stream)
        await anext(stream)
        await stream.aclose()  # the bot died here

        restarted = make(session, fake, FakeClock(instant=True))
        saved = Handle.model_validate_json(handle.model_dump_json())
        events = [e async for e in restarted.track(saved, request, asyncio.Queue())]
        assert isinstance(events[-1], Completed) and fake.submissions == 1


# -- submit faults ------------------------------------------------------------------------------------------


async def test_429_raises_and_pauses_the_account_for_retry_after(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("Remix", Fault.rate_limited(retry_after=3))
        provider = make(session, fake, clock)
        with pytest.raises(ProviderError) as info:
            await provider.submit(remix(song))
        assert info.value.kind == ErrorKind.RATE_LIMITED and info.value.retry_after == pytest.approx(3.0)
        assert not info.value.maybe_accepted and clock.sleeps == []  # the engine decides when to resend
        _, events = await run(provider, remix(song))
        assert isinstance(events[-1], Completed)
        assert clock.sleeps[0] == pytest.approx(3.0)  # the next request waited out the account's pause
        assert [s for m, p, s in fake.requests if p.endswith("/Remix")] == [429, 200]


async def test_429_without_retry_after_pauses_for_the_default(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("Remix", Fault.rate_limited())
        provider = make(session, fake, clock)
        with pytest.raises(ProviderError):
            await provider.submit(remix(song))
        await provider.submit(remix(song))
        assert clock.sleeps == [pytest.approx(RATE_LIMIT_PAUSE)] and fake.submissions == 1


async def test_a_5xx_on_submit_may_have_been_accepted_and_is_not_resent(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("Remix", Fault.server_error(502))
        with pytest.raises(ProviderError) as info:
            await make(session, fake, clock).submit(remix(song))
        # A gateway can fail after the vendor took the job: a resend could bill twice.
        assert info.value.kind == ErrorKind.UNAVAILABLE and info.value.maybe_accepted
        assert len([r for r in fake.requests if r[1].endswith("/Remix")]) == 1 and clock.sleeps == []


async def test_402_is_insufficient_credits_and_not_retried(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("Remix", Fault.insufficient_credits())
        with pytest.raises(ProviderError) as info:
            await make(session, fake, clock).submit(remix(song))
        assert info.value.kind == ErrorKind.INSUFFICIENT_CREDITS and not info.value.transient
        assert "credits" in spoken(info.value, "MusicGPT") and not info.value.maybe_accepted
        assert clock.sleeps == [] and len([r for r in fake.requests if r[1].endswith("/Remix")]) == 1


async def test_422_carries_the_providers_message(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("Remix", Fault.validation("Lyrics contain disallowed words."))
        with pytest.raises(ProviderError) as info:
            await make(session, fake, clock).submit(remix(song))
        assert info.value.kind == ErrorKind.INVALID_INPUT and info.value.status == 422
        assert "Lyrics contain disallowed words." in spoken(info.value, "MusicGPT")
        assert fake.submissions == 0


async def test_200_with_success_false_is_an_error(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("Remix", Fault.refused("Audio too long"))
        with pytest.raises(ProviderError) as info:
            await make(session, fake, clock).submit(remix(song))
        assert info.value.kind == ErrorKind.INVALID_INPUT and "Audio too long" in spoken(
            info.value, "MusicGPT"
        )


async def test_wrong_key_is_an_auth_error(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        with pytest.raises(ProviderError) as info:
            await make(session, fake, clock, api_key="wrong").submit(remix(song))
        assert info.value.kind == ErrorKind.AUTH and fake.submissions == 0


async def test_submit_answer_timing_out_is_maybe_accepted(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("Remix", Fault.timeout(delay=3))
        provider = make(session, fake, clock, submit_timeout=aiohttp.ClientTimeout(total=0.3))
        with pytest.raises(ProviderError) as info:
            await provider.submit(remix(song))
        assert info.value.maybe_accepted and info.value.kind == ErrorKind.UNAVAILABLE
        assert fake.submissions == 1


# -- polling faults -----------------------------------------------------------------------------------------


async def test_404_on_first_polls_then_success(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("byId", *[Fault.not_found()] * 3)
        _, events = await run(make(session, fake, clock), remix(song))
        assert isinstance(events[-1], Completed)
        assert [e.stage for e in events[1:4]] == ["queued"] * 3


async def test_404_for_too_long_is_not_found(session, clock, song) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("byId", *[Fault.not_found()] * 10)
        with pytest.raises(ProviderError) as info:
            await run(make(session, fake, clock, not_found_polls=4), remix(song))
        assert info.value.kind == ErrorKind.NOT_FOUND


async def test_a_poll_that_times_out_is_passed_up_and_tracking_resumes(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("byId", Fault.timeout(delay=3))
        provider = make(session, fake, clock, poll_timeout=aiohttp.ClientTimeout(total=0.3))
        request = remix(song)
        handle = await provider.submit(request)
        with pytest.raises(ProviderError) as info:
            [event async for event in provider.track(handle, request, asyncio.Queue())]
        assert info.value.transient and not info.value.maybe_accepted  # the runner re-enters tracking
        events = [event async for event in provider.track(handle, request, asyncio.Queue())]
        assert isinstance(events[-1], Completed)


async def test_malformed_poll_answers_are_sat_through(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("byId", Fault.malformed(), Fault.malformed())
        _, events = await run(make(session, fake, clock), remix(song))
        assert isinstance(events[-1], Completed)


@pytest.mark.parametrize("fault", [Fault.rate_limited(1), Fault.server_error()])
async def test_a_refused_poll_is_passed_up_for_the_runner_to_retry(session, clock, song, fault) -> None:
    async with FakeMusicGPT(polls_to_complete=1) as fake:
        fake.script("byId", fault)
        with pytest.raises(ProviderError) as info:
            await run(make(session, fake, clock), remix(song))
        assert info.value.transient and not info.value.maybe_accepted
        assert len([r for r in fake.requests if r[1].endswith("/byId")]) == 1


@pytest.mark.parametrize("status", ["FAILED", "ERROR"])
async def test_failed_job(session, clock, song, status) -> None:
    async with FakeMusicGPT(polls_to_complete=2, final_status=status) as fake:
        with pytest.raises(ProviderError) as info:
            await run(make(session, fake, clock), remix(song))
        assert info.value.kind == ErrorKind.GENERATION_FAILED


@pytest.mark.parametrize("shape", ["numbered", "single"])
async def test_one_flagged_take_completes_with_the_other(session, clock, song, shape) -> None:
    async with FakeMusicGPT(polls_to_complete=1, shape=shape, flagged={2: "copyrighted melody"}) as fake:
        _, events = await run(make(session, fake, clock), remix(song))
        done = events[-1]
        assert isinstance(done, Completed) and [o.index for o in done.outputs] == [1]
        assert [texts.note(n, "MusicGPT") for n in done.notes] == [
            "Take 2 was flagged by MusicGPT (copyrighted melody) and is left out."
        ]


async def test_all_takes_flagged_is_content_flagged(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1, flagged={1: "hate speech", 2: "hate speech"}) as fake:
        with pytest.raises(ProviderError) as info:
            await run(make(session, fake, clock), remix(song))
        assert info.value.kind == ErrorKind.CONTENT_FLAGGED and "hate speech" in spoken(
            info.value, "MusicGPT"
        )


# -- webhooks ----------------------------------------------------------------------------------------------


async def test_webhooks_in_the_inbox_complete_the_job(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=10_000) as fake:
        provider = make(session, fake, clock)
        request = remix(song)
        handle = await provider.submit(request)
        inbox: asyncio.Queue = asyncio.Queue()
        job = fake.job()
        # Lyrics first, duplicates, another job's audio: none of it may confuse the take list.
        payloads = fake.webhook_payloads(job)
        stranger = payloads[0] | {"conversion_id": "someone-else", "conversion_path": "https://x/other.mp3"}
        for payload in [payloads[2], payloads[4], stranger, payloads[0], payloads[0], payloads[1]]:
            inbox.put_nowait(payload)
        events = [e async for e in provider.track(handle, request, inbox)]
        done = events[-1]
        assert isinstance(done, Completed)
        assert [o.url for o in done.outputs] == [fake.take_url(job, 1), fake.take_url(job, 2)]
        assert done.outputs[0].lyrics == "la la 1"
        assert done.cover_url and done.cover_url.endswith(f"{job.task_id}.png")
        assert job.polls == 0  # the deliveries beat the first poll


async def test_fake_sends_webhooks_like_the_docs(session, clock, song) -> None:
    received: list[dict] = []
    provider_holder: dict[str, MusicGPTProvider] = {}

    async def receive(request: web.Request) -> web.Response:
        received.append(provider_holder["p"].verify_webhook(request.headers, await request.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hooks/musicgpt/{token}", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with FakeMusicGPT(polls_to_complete=10_000) as fake:
            provider_holder["p"] = provider = make(session, fake, clock)
            request = remix(song, webhook_url=f"http://{host}:{port}/hooks/musicgpt/secret")
            handle = await provider.submit(request)
            statuses = await fake.send_webhooks(duplicates=True, shuffle=True, seed=3)
            assert statuses == [200] * 7
            # Every documented delivery once (2 audio, 2 lyrics, 1 cover), two of them twice.
            distinct = {json.dumps(p, sort_keys=True) for p in received}
            assert len(distinct) == 5
            audio = [p for p in received if p.get("conversion_path")]
            assert {p["conversion_id"] for p in audio} == set(handle.conversion_ids)
            assert sum(1 for p in received if p.get("subtype") == "lyrics_timestamped") >= 2

            inbox: asyncio.Queue = asyncio.Queue()
            for payload in received:
                inbox.put_nowait(payload)
            events = [e async for e in provider.track(handle, request, inbox)]
            assert isinstance(events[-1], Completed) and len(events[-1].outputs) == 2
    finally:
        await runner.cleanup()


# -- webhooks as the main channel, polling as the backstop ---------------------------------------------------


async def test_with_a_webhook_url_polling_is_the_slow_backstop(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=3, eta=1) as fake:
        provider = make(session, fake, clock, backstop_interval=0.15)
        _, events = await run(provider, remix(song, webhook_url="https://bot.example/webhooks/musicgpt/t"))
        assert isinstance(events[-1], Completed)
        assert fake.job().polls == 3
        between_polls = clock.sleeps[1:]  # the first wait is the ETA-based one before the first poll
        assert between_polls == [pytest.approx(0.15)] * 2, clock.sleeps  # not 0.01 s as without webhooks


async def test_extras_lost_in_transit_are_fetched_once_from_by_id(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=10_000) as fake:
        provider = make(session, fake, clock, backstop_interval=30)
        request = remix(song, webhook_url="https://bot.example/webhooks/musicgpt/t")
        handle = await provider.submit(request)
        job = fake.job()
        fake.complete(job)
        inbox: asyncio.Queue = asyncio.Queue()
        audio = [p for p in fake.webhook_payloads(job) if p.get("conversion_path")]
        for payload in audio:  # the two lyrics and the cover deliveries never come
            inbox.put_nowait(payload)
        events = [e async for e in provider.track(handle, request, inbox)]
        done = events[-1]
        assert isinstance(done, Completed)
        assert job.polls == 1, "one /byId for the missing cover and timed lyrics"
        assert done.cover_url and done.cover_url.endswith(f"{job.task_id}.png")
        assert [o.lyrics_lrc for o in done.outputs] == [
            "[00:00.00]la la 1\n[00:00.50]la di da\n",
            "[00:00.00]la la 2\n[00:00.50]la di da\n",
        ]


async def test_a_delivery_for_another_task_is_ignored(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=2) as fake:
        provider = make(session, fake, clock)
        request = remix(song)
        handle = await provider.submit(request)
        inbox: asyncio.Queue = asyncio.Queue()
        forged = fake.webhook_payloads(fake.job())[0] | {
            "task_id": "not-ours",
            "conversion_path": "https://evil/x.mp3",
        }
        inbox.put_nowait(forged)
        events = [e async for e in provider.track(handle, request, inbox)]
        assert all(o.url != "https://evil/x.mp3" for o in events[-1].outputs)
        assert fake.job().polls == 2


async def test_a_stalled_take_leaves_the_ready_one_as_partial(session, clock, song) -> None:
    async with FakeMusicGPT(polls_to_complete=1, stalled_takes={2}) as fake:
        provider = make(session, fake, clock)
        request = remix(song)
        handle = await provider.submit(request)
        partials = []
        async for event in provider.track(handle, request, asyncio.Queue()):
            assert isinstance(event, Progress), "a stalled job never completes"
            if event.partial:
                partials.append(event.partial)
            if len(partials) == 2:
                break
        [take] = partials[-1].outputs
        assert take.index == 1 and take.url == fake.take_url(fake.job(), 1)
        assert partials[-1].cover_url is None or partials[-1].cover_url.endswith(".png")


# -- voices --------------------------------------------------------------------------------------------------


async def test_voices_are_paged_once_and_cached(session, clock) -> None:
    async with FakeMusicGPT(max_voice_page=50) as fake:  # smaller pages than the adapter asks for
        provider = make(session, fake, clock)
        found = await provider.list_voices("drake")
        assert [v.voice_id for v in found] == ["Drake", "Drake-2019"]
        everything = await provider.list_voices("", limit=1000)
        assert len(everything) == len(fake.voices) == 240
        assert len(await provider.list_voices("studio voice")) == 25
        pages = [r for r in fake.requests if r[1].endswith("/getAllVoices")]
        assert len(pages) == 5, "240 voices at 50 a page, fetched once for all three lookups"


async def test_voices_unavailable_is_an_empty_list_not_an_error(session, clock) -> None:
    async with FakeMusicGPT() as fake:
        fake.script("getAllVoices", Fault(403, {"success": False, "error": "Forbidden"}))
        provider = make(session, fake, clock)
        assert await provider.list_voices("dr") == []
        assert await provider.list_voices("dr") == [], "no second request within the retry pause"
        assert len([r for r in fake.requests if r[1].endswith("/getAllVoices")]) == 1
        await provider.close()


# -- resumed after a restart -------------------------------------------------------------------------


async def test_budget_spreads_a_crowd_of_polls_within_the_plans_per_minute_limit() -> None:
    clock = FakeClock()
    budget = PollBudget(500, clock)  # Pro: 500 /byId calls a minute
    granted: list[float] = []

    async def one() -> None:
        await budget.take()
        granted.append(clock.monotonic())

    crowd = [asyncio.create_task(one()) for _ in range(1000)]
    await until(lambda: len(granted) + clock.sleeping == 1000)
    while clock.sleeping:
        await clock.advance_to_next()
        await until(lambda: len(granted) + clock.sleeping == 1000)
    await asyncio.gather(*crowd)
    assert granted.count(0.0) == int(budget.capacity), "a sixth of the minute goes at once"
    for start in granted:  # no 60 s window, wherever it starts, holds more than the plan allows
        assert sum(1 for t in granted if start <= t < start + 60) <= 500
    # ...and the rest follow evenly, as fast as the limit lets them (no slot left unused).
    assert max(granted) == pytest.approx((1000 - int(budget.capacity)) / budget.rate, abs=1)


async def test_a_resumed_job_is_polled_at_once_and_a_fresh_one_after_half_its_eta(session, song) -> None:
    clock = FakeClock()  # nothing moves it: a job that waited for its first poll would hang here
    async with FakeMusicGPT(polls_to_complete=1, eta=600) as fake:
        before = make(session, fake, clock, status_per_minute=20)
        handle = await before.submit(remix(song))
        # The bot restarts: a new provider (same account) is asked to track the saved handle.
        after = make(session, fake, clock, status_per_minute=20)
        events = [e async for e in after.track(handle, remix(song), asyncio.Queue())]
        assert isinstance(events[-1], Completed) and clock.monotonic() == 0.0
        polls = sum(1 for _, path, _ in fake.requests if path.endswith("/byId"))
        assert polls == 1

        fresh = await after.submit(remix(song, idempotency_key="k2"))
        stream = aiter(after.track(fresh, remix(song), asyncio.Queue()))
        assert await anext(stream) == Progress(stage="submitted", eta_seconds=600.0)
        waiting = asyncio.create_task(anext(stream))
        await clock.asleep()  # a job this process submitted waits before its first poll
        assert clock.wake_times() == [pytest.approx(first_poll_delay(600, 0.01))]
        assert sum(1 for _, path, _ in fake.requests if path.endswith("/byId")) == polls
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
