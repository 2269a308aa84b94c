"""The Soundverse adapter against FakeSoundverse: the stream, its faults, the polling fallback, errors."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import av
import pytest

from domain.errors import ErrorKind, ProviderError
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Progress
from providers import soundverse
from providers.base import JobRequest
from providers.soundverse import SoundverseProvider
from tests.clock import FakeClock
from tests.fakes.soundverse import (
    INSUFFICIENT_BALANCE,
    MISSING_PROMPT,
    RATE_LIMITED,
    TOO_LARGE,
    UNAVAILABLE,
    FakeSoundverse,
    ScriptedError,
)
from tests.tones import tone_bytes
from tests.wording import spoken

STAGES = [
    "validating",
    "queued",
    "starting",
    "initializing",
    "uploading",
    "streaming",
    "streaming",
    "streaming",
    "streaming",
    "completed",
]

ERROR_CASES = [
    (MISSING_PROMPT, ErrorKind.INVALID_INPUT, "prompt, lyrics, or both"),
    (TOO_LARGE, ErrorKind.INVALID_INPUT, "10 MB"),
    (RATE_LIMITED, ErrorKind.RATE_LIMITED, "too many requests"),
    (INSUFFICIENT_BALANCE, ErrorKind.INSUFFICIENT_CREDITS, "out of credits"),
    (UNAVAILABLE, ErrorKind.UNAVAILABLE, "Soundverse is having trouble"),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSoundverse]:
    async with FakeSoundverse() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(instant=True)


@pytest.fixture
async def make(fake: FakeSoundverse, session: aiohttp.ClientSession, clock: FakeClock) -> AsyncIterator[Any]:
    made: list[SoundverseProvider] = []

    def factory(**kw: Any) -> SoundverseProvider:
        options: dict[str, Any] = {
            "api_key": fake.api_key,
            "base_url": fake.base_url,
            "read_timeout": 2.0,
            "poll_interval": 0.05,
            "clock": clock,
        }
        provider = SoundverseProvider(session, **(options | kw))
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        await provider.close()


@pytest.fixture
def song(fake: FakeSoundverse) -> JobRequest:
    url = fake.add_file("song.mp3", tone_bytes("mp3", seconds=1.0))
    return JobRequest(
        kind=JobKind.REMIX,
        prompt="upbeat jazz remix with brass horns",
        input_url=url,
        idempotency_key="job-1",
    )


async def follow(provider: SoundverseProvider, handle: Handle, request: JobRequest) -> list[Event]:
    events: list[Event] = []
    async with asyncio.timeout(10):
        async for event in provider.track(handle, request, asyncio.Queue()):
            events.append(event)
    return events


def stages(events: list[Event]) -> list[str]:
    return [e.stage for e in events if isinstance(e, Progress)]


def done(events: list[Event]) -> Completed:
    assert [e for e in events if isinstance(e, Completed)] == [events[-1]]
    assert isinstance(events[-1], Completed)
    return events[-1]


async def test_clean_run_reports_every_stage_then_the_take(
    fake: FakeSoundverse, make: Any, song: JobRequest, session: aiohttp.ClientSession
) -> None:
    provider = make()
    handle = await provider.submit(song)
    assert fake.bodies == [{"song_reference_url": song.input_url, "prompt": song.prompt, "parameters": {}}]
    assert handle.task_id in fake.jobs and handle.data["song_name"] == "Remix Title"
    events = await follow(provider, handle, song)
    assert stages(events) == STAGES
    streaming = [e.percent for e in events if isinstance(e, Progress) and e.stage == "streaming"]
    assert streaming == [0, 50, 90, 100]
    assert [e.listen_url for e in events if isinstance(e, Progress) and e.listen_url] == [
        f"{fake.base_url}/audio/{handle.task_id}.mp3"
    ]
    result = done(events)
    assert result.title == "Remix Title" and result.cover_url
    [take] = result.outputs
    assert take.ext == "mp3" and take.title == "Remix Title"
    async with session.get(take.url or "") as resp:
        audio = await resp.read()
    with av.open(io.BytesIO(audio)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert samples > 44100 * 0.9  # the one-second tone decodes
    assert fake.status_requests == 0 and fake.generation_requests == 1


async def test_handle_survives_serialisation(make: Any, song: JobRequest) -> None:
    handle = await make().submit(song)
    assert Handle.model_validate_json(handle.model_dump_json()) == handle


async def test_long_hold_at_90_with_keepalives_does_not_time_out(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.hold_at_90, fake.keepalive_interval = 0.6, 0.05
    provider = make(read_timeout=0.25)  # far shorter than the hold: only silence may time out
    events = await follow(provider, await provider.submit(song), song)
    assert stages(events) == STAGES and done(events)
    assert fake.status_requests == 0


async def test_silent_hold_past_read_timeout_falls_back_to_polling(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.hold_at_90, fake.keepalive_interval = 0.6, 30.0
    provider = make(read_timeout=0.2)
    events = await follow(provider, await provider.submit(song), song)
    assert done(events).outputs[0].url
    assert fake.status_requests > 0 and fake.generation_requests == 1


async def test_drop_after_queued_polls_and_completes_once(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.drop_after = 1
    provider = make()
    handle = await provider.submit(song)
    events = await follow(provider, handle, song)
    assert stages(events)[:2] == ["validating", "queued"]
    assert done(events).outputs[0].url == f"{fake.base_url}/audio/{handle.task_id}.mp3"
    assert fake.status_requests > 0
    assert fake.generation_requests == 1 and len(fake.jobs) == 1


async def test_drop_mid_generation_does_not_repeat_the_last_stage(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.drop_after, fake.hold_at_90 = 7, 0.3  # dropped at 90 %, while the model finalises
    provider = make()
    events = await follow(provider, await provider.submit(song), song)
    progress = [e for e in events if isinstance(e, Progress)]
    assert all(a != b for a, b in zip(progress, progress[1:], strict=False))
    assert done(events)


async def test_eof_without_completion_polls(fake: FakeSoundverse, make: Any, song: JobRequest) -> None:
    fake.eof_after = 4
    provider = make()
    events = await follow(provider, await provider.submit(song), song)
    assert stages(events)[:5] == STAGES[:5] and done(events)
    assert fake.status_requests > 0


async def test_restart_tracks_by_polling_with_only_the_handle(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    first = make()
    saved = (await first.submit(song)).model_dump_json()
    await first.close()  # the bot stops: its stream goes with it
    events = await follow(make(), Handle.model_validate_json(saved), song)
    result = done(events)
    assert result.title == "Remix Title" and result.outputs[0].url
    assert fake.generation_requests == 1 and fake.status_requests > 0


async def test_status_not_visible_at_first_keeps_polling(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.drop_after, fake.status_not_found_polls = 1, 3
    provider = make()
    events = await follow(provider, await provider.submit(song), song)
    assert done(events)
    assert fake.status_requests > 3


async def test_status_never_visible_gives_up(
    fake: FakeSoundverse, make: Any, song: JobRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soundverse, "NOT_FOUND_GRACE", 0.2)
    fake.drop_after, fake.status_not_found_polls = 1, 1000
    provider = make()
    handle = await provider.submit(song)
    with pytest.raises(ProviderError) as info:
        await follow(provider, handle, song)
    assert info.value.kind == ErrorKind.NOT_FOUND


async def test_status_at_top_level_and_custom_path(
    session: aiohttp.ClientSession, clock: FakeClock, song: JobRequest
) -> None:
    async with FakeSoundverse(status_path="/v7/status/{message_id}") as other:
        other.drop_after, other.status_wrapper = 1, None
        request = song.model_copy(update={"input_url": other.add_file("s.mp3", b"x" * 1000)})
        provider = SoundverseProvider(
            session,
            api_key=other.api_key,
            base_url=other.base_url,
            status_path="/v7/status/{message_id}",
            poll_interval=0.05,
            clock=clock,
        )
        try:
            events = await follow(provider, await provider.submit(request), request)
        finally:
            await provider.close()
    assert done(events) and other.status_requests > 0


@pytest.mark.parametrize(("body", "kind", "words"), ERROR_CASES)
@pytest.mark.parametrize("status", [400, 200])
async def test_documented_errors_as_http(
    fake: FakeSoundverse,
    make: Any,
    song: JobRequest,
    body: dict[str, Any],
    kind: ErrorKind,
    words: str,
    status: int,
) -> None:
    # 200 with a JSON body: the Content-Type, not the code, says whether it is a stream.
    fake.errors = [ScriptedError(body, status=status)]
    with pytest.raises(ProviderError) as info:
        await make().submit(song)
    assert info.value.kind == kind and words in spoken(info.value, "Soundverse")
    assert not info.value.maybe_accepted
    # One request: a transient refusal is retried by the runner, which frees the slot meanwhile.
    assert fake.generation_requests == 1
    assert not fake.jobs


@pytest.mark.parametrize(("body", "kind", "words"), ERROR_CASES)
async def test_documented_errors_in_stream_before_the_job(
    fake: FakeSoundverse, make: Any, song: JobRequest, body: dict[str, Any], kind: ErrorKind, words: str
) -> None:
    fake.errors = [ScriptedError(body, status=None, after_chunk=0)]
    with pytest.raises(ProviderError) as info:
        await make().submit(song)
    assert info.value.kind == kind and words in spoken(info.value, "Soundverse")
    assert fake.generation_requests == 1


FAILED_CHUNK = ({"status": "failed", "error": "Model crashed"}, ErrorKind.GENERATION_FAILED, "Model crashed")


@pytest.mark.parametrize(("body", "kind", "words"), [*ERROR_CASES, FAILED_CHUNK])
async def test_documented_errors_in_stream_after_the_job(
    fake: FakeSoundverse, make: Any, song: JobRequest, body: dict[str, Any], kind: ErrorKind, words: str
) -> None:
    fake.errors = [ScriptedError(body, status=None, after_chunk=4)]
    provider = make()
    handle = await provider.submit(song)
    with pytest.raises(ProviderError) as info:
        await follow(provider, handle, song)
    assert info.value.kind == kind and words in spoken(info.value, "Soundverse")
    assert fake.generation_requests == 1


async def test_failure_seen_by_polling(fake: FakeSoundverse, make: Any, song: JobRequest) -> None:
    fake.drop_after = 1
    fake.errors = [ScriptedError(INSUFFICIENT_BALANCE, status=None, after_chunk=3)]
    provider = make()
    with pytest.raises(ProviderError) as info:
        await follow(provider, await provider.submit(song), song)
    assert info.value.kind == ErrorKind.INSUFFICIENT_CREDITS and fake.status_requests > 0


async def test_rate_limited_submit_is_retried_after_retry_after(
    fake: FakeSoundverse, make: Any, song: JobRequest, clock: FakeClock
) -> None:
    fake.errors = [ScriptedError(RATE_LIMITED, status=429, headers={"Retry-After": "3"})]
    provider = make()
    with pytest.raises(ProviderError) as info:
        await provider.submit(song)
    refusal = info.value
    assert refusal.kind is ErrorKind.RATE_LIMITED and refusal.retry_after == 3 and not refusal.maybe_accepted
    # The runner submits again later; every request of the account first waits out Retry-After.
    events = await follow(provider, await provider.submit(song), song)
    assert done(events)
    assert clock.sleeps and clock.sleeps[0] == pytest.approx(3)
    assert fake.generation_requests == 2 and len(fake.jobs) == 1


async def test_too_large_reference_is_refused_by_the_fetch(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    big = song.model_copy(update={"input_url": fake.add_file("big.mp3", b"\0" * (10 * 1024 * 1024 + 1))})
    with pytest.raises(ProviderError) as info:
        await make().submit(big)
    assert info.value.kind == ErrorKind.INVALID_INPUT and "10 MB" in spoken(info.value, "Soundverse")
    assert "10485761 bytes" in (info.value.detail or "")


async def test_missing_prompt_is_refused_before_sending(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    with pytest.raises(ProviderError) as info:
        await make().submit(song.model_copy(update={"prompt": ""}))
    assert info.value.kind == ErrorKind.INVALID_INPUT and fake.generation_requests == 0


async def test_wrong_key_is_an_auth_error_that_never_shows_the_key(
    fake: FakeSoundverse, make: Any, song: JobRequest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderError) as info:
        await make(api_key="sksoundverse_wrong_secret").submit(song)
    assert info.value.kind == ErrorKind.AUTH
    assert "wrong_secret" not in caplog.text and "wrong_secret" not in repr(info.value)


async def test_stream_closing_before_the_job_id_may_have_created_a_job(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    fake.eof_after = 0
    with pytest.raises(ProviderError) as info:
        await make().submit(song)
    assert info.value.kind == ErrorKind.UNAVAILABLE and info.value.maybe_accepted
    assert fake.generation_requests == 1  # never resent: a job might exist


async def test_close_releases_an_untracked_stream(fake: FakeSoundverse, make: Any, song: JobRequest) -> None:
    provider = make()
    handle = await provider.submit(song)
    await provider.close()
    # The stream is gone; tracking still works by polling.
    assert done(await follow(provider, handle, song))


async def test_a_5xx_answer_to_the_generation_may_have_been_accepted(
    fake: FakeSoundverse, make: Any, song: JobRequest
) -> None:
    # A gateway error can come after Soundverse took the job: the runner must not send it again.
    fake.errors = [ScriptedError(UNAVAILABLE, status=502)]
    with pytest.raises(ProviderError) as info:
        await make().submit(song)
    assert info.value.kind is ErrorKind.UNAVAILABLE and info.value.maybe_accepted
    assert fake.generation_requests == 1
