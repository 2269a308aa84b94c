"""AceStepProvider against FakeAceStep over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Note, Progress
from providers import acestep
from providers.acestep import AceStepProvider
from providers.base import JobRequest
from tests.clock import FakeClock
from tests.fakes.acestep import FakeAceStep, Fault, Outcome
from tests.tones import tone_bytes


@pytest.fixture
async def fake() -> AsyncIterator[FakeAceStep]:
    async with FakeAceStep(api_key="test-key") as fake:
        yield fake


def provider_for(
    session: aiohttp.ClientSession, fake: FakeAceStep, tmp: Path, **kwargs: Any
) -> AceStepProvider:
    options: dict[str, Any] = dict(
        base_url=fake.base_url,
        api_key="test-key",
        work_dir=tmp / "acestep",
        max_take_bytes=10_000_000,
        poll_interval=3.0,
        # Polls wait on virtual time: the fake moves a job one step per poll, not per second.
        clock=FakeClock(instant=True),
    )
    return AceStepProvider(session, **(options | kwargs))


def remix(tmp: Path, **changes: Any) -> JobRequest:
    song = tmp / "song.mp3"
    song.write_bytes(tone_bytes("mp3"))
    fields: dict[str, Any] = {
        "kind": JobKind.REMIX,
        "prompt": "jazz",
        "input_path": song,
        "input_filename": "song.mp3",
        "idempotency_key": str(uuid.uuid4()),
    }
    return JobRequest(**(fields | changes))


async def run(provider: AceStepProvider, request: JobRequest) -> list[Event]:
    handle = await provider.submit(request)
    return [event async for event in provider.track(handle, request, asyncio.Queue())]


async def test_a_remix_uploads_the_audio_shows_stages_and_downloads_two_takes(session, fake, tmp_path):
    provider = provider_for(session, fake, tmp_path)
    request = remix(tmp_path, options={"strength": 0.3})
    events = await run(provider, request)
    await provider.close()

    [task] = fake.submitted
    assert task.files["src_audio"] == request.input_path.read_bytes()
    assert task.fields["task_type"] == "cover" and task.fields["audio_cover_strength"] == "0.3"
    stages = [e.stage for e in events if isinstance(e, Progress)]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == list(acestep.STAGES)
    assert any(e.percent for e in events if isinstance(e, Progress) and e.stage == "generating")
    done = events[-1]
    assert isinstance(done, Completed) and len(done.outputs) == 2 and not done.notes
    for output in done.outputs:
        # Downloaded with the key; no server path is handed on.
        assert output.url is None and output.path and output.path.read_bytes()[:3] in (b"ID3", b"\xff\xfb")


async def test_all_running_jobs_are_polled_in_one_request(session, fake, tmp_path):
    provider = provider_for(session, fake, tmp_path)
    first, second = remix(tmp_path), remix(tmp_path)
    results = await asyncio.gather(run(provider, first), run(provider, second))
    await provider.close()
    assert all(isinstance(events[-1], Completed) for events in results)
    ids = {t.task_id for t in fake.submitted}
    assert any(set(query) == ids for query in fake.queries), "both ids went in one /query_result"
    assert all(len(query) == len(set(query)) for query in fake.queries)


async def test_a_restarted_server_lost_the_job_and_it_is_not_resubmitted(session, fake, tmp_path):
    provider = provider_for(session, fake, tmp_path)
    fake.paused = True
    request = remix(tmp_path)
    handle = await provider.submit(request)
    fake.restart()
    with pytest.raises(ProviderError) as caught:
        async for _ in provider.track(handle, request, asyncio.Queue()):
            pass
    await provider.close()
    assert caught.value.reason == Reason.SERVER_FORGOT_JOB and not caught.value.transient
    assert len(fake.submitted) == 1
    # It failed on the first answer: within two poll intervals.
    assert len([q for q in fake.queries if handle.task_id in q]) == 1


async def test_a_silent_take_is_dropped_with_a_note(session, fake, tmp_path):
    fake.outcomes.append(Outcome(silent=1))
    provider = provider_for(session, fake, tmp_path)
    events = await run(provider, remix(tmp_path))
    await provider.close()
    done = events[-1]
    assert isinstance(done, Completed) and len(done.outputs) == 1
    assert done.notes == [Note(reason=Reason.TAKES_SILENT, params={"count": 1, "wanted": 2})]


async def test_a_failed_job_is_a_generation_failure(session, fake, tmp_path):
    fake.outcomes.append(Outcome(fail=True, error="Traceback: CUDA out of memory"))
    provider = provider_for(session, fake, tmp_path)
    with pytest.raises(ProviderError) as caught:
        await run(provider, remix(tmp_path))
    await provider.close()
    assert caught.value.kind is ErrorKind.GENERATION_FAILED


async def test_a_full_queue_and_a_wrong_key_are_typed(session, tmp_path):
    async with FakeAceStep(api_key="test-key", queue_size=0) as fake:
        provider = provider_for(session, fake, tmp_path, retry_delay=5)
        with pytest.raises(ProviderError) as caught:
            await provider.submit(remix(tmp_path))
        assert caught.value.reason == Reason.QUEUE_FULL and caught.value.retry_after == 5
        assert not caught.value.maybe_accepted

        wrong = provider_for(session, fake, tmp_path, api_key="nope")
        with pytest.raises(ProviderError) as caught:
            await wrong.submit(remix(tmp_path))
        assert caught.value.kind is ErrorKind.AUTH
        assert fake.submitted == []


async def test_a_server_error_on_submit_is_never_resent(session, fake, tmp_path):
    fake.script("release_task", Fault(500, "Internal Server Error"))
    provider = provider_for(session, fake, tmp_path)
    with pytest.raises(ProviderError) as caught:
        await provider.submit(remix(tmp_path))
    assert caught.value.status == 500
    assert [p for m, p, s in fake.requests if p == "/release_task"] == ["/release_task"]


async def test_an_unreachable_server_is_unavailable_and_health_says_so(session, fake, tmp_path):
    provider = provider_for(session, fake, tmp_path, unreachable_grace=60, retry_delay=1)
    assert await provider.health() is True
    await fake.switch_off()
    assert await provider.health() is False
    with pytest.raises(ProviderError) as caught:
        await provider.submit(remix(tmp_path))
    assert caught.value.kind is ErrorKind.UNAVAILABLE and caught.value.reason == Reason.UNREACHABLE
    assert not caught.value.maybe_accepted and caught.value.params == {"grace": 60}


async def test_a_missing_take_file_is_typed_without_the_server_path(session, fake, tmp_path):
    fake.script("audio", Fault(404, {"detail": "File not found"}))
    provider = provider_for(session, fake, tmp_path)
    with pytest.raises(ProviderError) as caught:
        await run(provider, remix(tmp_path))
    await provider.close()
    assert caught.value.reason == Reason.NOTHING_TO_DOWNLOAD
    assert "api_audio" not in repr(caught.value.detail) + str(caught.value)
