"""/remix provider:soundverse end to end: the real bot, the fake Discord, the fake Soundverse (SSE)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from audio.probe import probe
from domain.jobs import JobState
from face.attachments import expires_at
from providers.soundverse import CAPABILITIES
from tests.e2e.harness import Harness, failure_text, harness, private_answer, song, status_text, title_of
from tests.fakes.soundverse import (
    INSUFFICIENT_BALANCE,
    RATE_LIMITED,
    TOO_LARGE,
    FakeSoundverse,
    ScriptedError,
)

pytestmark = pytest.mark.slow

STAGES = CAPABILITIES.stages
CURRENT = re.compile(r"\*\*([A-Z][a-z]+)(?: (\d+)%)?\*\*")


@pytest.fixture
async def soundverse() -> AsyncIterator[FakeSoundverse]:
    async with FakeSoundverse() as fake:
        # Stages further apart than the status edit interval, so each one gets its own edit.
        fake.chunk_delay = 0.25
        yield fake


def sv(fake: FakeSoundverse, **extra: Any) -> dict[str, Any]:
    return dict(
        soundverse_api_key=fake.api_key,
        soundverse_base_url=fake.base_url,
        soundverse_poll_interval=0.1,
        **extra,
    )


async def remix(h: Harness, tmp: Path, seconds: float = 12, **options: Any) -> None:
    ix = await h.discord.run_slash_command(
        "remix",
        {"prompt": "synthwave", "provider": "soundverse", **options},
        attachments=[("song.mp3", song(tmp, seconds=seconds), "audio/mpeg")],
    )
    await ix.wait_response()


def current_stages(revisions: list[Any]) -> list[tuple[str, str | None]]:
    """The bold (current) stage of each status revision that shows one, with its percentage."""
    found = []
    for revision in revisions:
        match = CURRENT.search(status_text(revision))
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


async def test_clean_run_shows_every_stage_in_order_and_a_listen_link(
    tmp_path: Path, soundverse: FakeSoundverse
) -> None:
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        [status] = h.status_messages()
        await h.wait_for(lambda: "Done" in title_of(status))

        # Each stage is the current one in some edit, in the documented order, streaming with percentages.
        seen = current_stages(status.revisions)
        order = [STAGES.index(stage) for stage, _ in seen]
        assert order == sorted(order), seen
        assert {s for s, _ in seen} >= {"queued", "starting", "initializing", "uploading", "streaming"}
        assert {pct for stage, pct in seen if stage == "streaming"} >= {"0", "50", "90"}
        # The final status ticks every documented stage, validating and completed included.
        final = status_text(status)
        assert " → ".join(f"{s.capitalize()} ✓" for s in STAGES) in final
        assert "Jump to the result" in final

        # Once streaming_ready arrived, the status offered the stream while the job finished.
        job = await h.job(1)
        listen = [r for r in status.revisions if "Listen while it finishes" in status_text(r)]
        assert listen and f"({soundverse.base_url}/audio/{job.handle.task_id}.mp3)" in status_text(listen[0])
        assert "Listen while it finishes" not in final

        # The request: Bearer key, the Discord attachment URL, the prompt.
        [body] = soundverse.bodies
        assert body["song_reference_url"] == job.input_url and body["prompt"] == "synthwave"
        assert "/ephemeral-attachments/" in body["song_reference_url"]

        # One take, posted once, decodable; the handle is Soundverse's message_id.
        assert soundverse.generation_requests == 1 and soundverse.status_requests == 0
        assert len(result.attachments) == 1 and result.attachments[0].filename.endswith(".mp3")
        path = tmp_path / "take.mp3"
        path.write_bytes(result.attachments[0].data)
        assert probe(path).duration > 0.5
        assert job.state is JobState.DELIVERED and job.handle.task_id in soundverse.jobs
        assert result.embeds[0]["title"] == "Remix Title"


async def test_a_dropped_stream_is_resumed_by_polling_and_delivered_once(
    tmp_path: Path, soundverse: FakeSoundverse
) -> None:
    soundverse.chunk_delay = 0.1
    soundverse.drop_after = 6  # right after "streaming 50%"
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        await asyncio.sleep(0.3)  # a second post would show up by now
        assert job.state is JobState.DELIVERED
        assert soundverse.generation_requests == 1, "never submitted again"
        assert soundverse.status_requests >= 1, "the rest was learned by polling"
        assert len(h.result_messages()) == 1 and len(h.status_messages()) == 1
        seen = current_stages(h.status_messages()[0].revisions)
        assert ("streaming", "50") in seen
        assert [STAGES.index(s) for s, _ in seen] == sorted(STAGES.index(s) for s, _ in seen)


async def test_restart_mid_stream_completes_by_polling_with_the_saved_message_id(
    tmp_path: Path, soundverse: FakeSoundverse
) -> None:
    soundverse.chunk_delay = 0.1
    soundverse.hold_at_90 = 4.0  # the model "finalising"; the stream stays open
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING and j.percent == 90, timeout=20)
        await h.stop()

        stopped = await h.job(1)
        assert stopped.state is JobState.RUNNING
        assert stopped.handle and stopped.handle.task_id in soundverse.jobs, "message_id saved at once"
        assert soundverse.status_requests == 0 and not h.result_messages()

        await h.start()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        await asyncio.sleep(0.3)
        assert job.state is JobState.DELIVERED
        assert soundverse.generation_requests == 1 and soundverse.status_requests >= 1
        assert len(h.result_messages()) == 1
        assert len(h.status_messages()) == 1, "the same status message is carried on"
        assert "Completed ✓" in status_text(h.status_messages()[0])


async def test_input_limits_are_checked_before_submitting(tmp_path: Path, soundverse: FakeSoundverse) -> None:
    async with harness(tmp_path, **sv(soundverse)) as h:
        h.discord.attachment_size_limit = 25 * 1024 * 1024  # a boosted member may attach 11 MB
        await h.start()

        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "x", "provider": "soundverse"},
            attachments=[("big.mp3", b"\xff" * (11 * 1024 * 1024), "audio/mpeg")],
        )
        assert await private_answer(ix) == (
            "Nothing was started. That file is 11 MB; Soundverse takes files up to 10 MB."
        )

        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "x", "provider": "soundverse"},
            attachments=[("short.mp3", song(tmp_path, seconds=5), "audio/mpeg")],
        )
        await ix.wait_response()
        await h.wait_for(lambda: ix.original and "Nothing was started" in ix.original.content)
        assert ix.original.ephemeral
        assert "only 5 s long; Soundverse needs at least 10 s" in ix.original.content

        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "x", "provider": "soundverse", "variations": 2},
            attachments=[("a.mp3", song(tmp_path, seconds=12), "audio/mpeg")],
        )
        assert "Soundverse can't make a chosen number of variations" in await private_answer(ix)

        assert all(j.state is JobState.REJECTED for j in await h.jobs())
        assert soundverse.generation_requests == 0 and not h.bot_messages()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (ScriptedError(TOO_LARGE, status=400), "too large for Soundverse: the limit is 10 MB"),
        (
            ScriptedError(TOO_LARGE, status=None, after_chunk=0),
            "too large for Soundverse: the limit is 10 MB",
        ),
        (ScriptedError(INSUFFICIENT_BALANCE, status=402), "out of credits"),
        (ScriptedError(INSUFFICIENT_BALANCE, status=None, after_chunk=3), "out of credits"),
    ],
)
async def test_documented_errors_become_clear_messages(
    tmp_path: Path, soundverse: FakeSoundverse, error: ScriptedError, words: str
) -> None:
    soundverse.chunk_delay = 0.02
    soundverse.errors.append(error)
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.FAILED
        [status] = await h.wait_for(lambda: [m for m in h.status_messages() if "Failed" in title_of(m)])
        assert words in status_text(status)
        if "credits" in words:
            assert "tell a server admin" in status_text(status)
        assert "{" not in status_text(status) and "success" not in status_text(status)
        assert soundverse.generation_requests == 1 and not h.result_messages()


@pytest.mark.parametrize("in_stream", [False, True])
async def test_rate_limited_submit_is_retried_after_a_pause(
    tmp_path: Path, soundverse: FakeSoundverse, in_stream: bool
) -> None:
    soundverse.chunk_delay = 0.02
    if in_stream:
        soundverse.errors.append(ScriptedError(RATE_LIMITED, status=None, after_chunk=0))
    else:
        soundverse.errors.append(ScriptedError(RATE_LIMITED, status=429, headers={"Retry-After": "1"}))
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=40)
        assert job.state is JobState.DELIVERED
        assert soundverse.generation_requests == 2 and len(soundverse.jobs) == 1
        assert len(h.result_messages()) == 1
        # Retry-After 1 (or, in the stream without one, the runner's first backoff of 1-2 s) was waited out.
        first, second = soundverse.generation_times
        assert second - first >= 0.95


async def test_attachment_url_close_to_expiry_is_refreshed_before_submitting(
    tmp_path: Path, soundverse: FakeSoundverse
) -> None:
    soundverse.chunk_delay = 0.02
    async with harness(tmp_path, **sv(soundverse)) as h:
        h.discord.cdn_url_lifetime = 20 * 60  # the signed URL expires sooner than the bot's margin
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "synthwave", "provider": "soundverse"},
            attachments=[("song.mp3", song(tmp_path, seconds=12), "audio/mpeg")],
        )
        h.discord.cdn_url_lifetime = 24 * 3600  # what a refresh hands out
        await ix.wait_response()
        [attachment] = ix.payload["data"]["resolved"]["attachments"].values()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.DELIVERED

        # Refreshed through the bot token just before the submit; Soundverse fetched the fresh URL.
        [call] = h.discord.requests_to("POST", "/attachments/refresh-urls")
        assert call.json == {"attachment_urls": [attachment["url"]]}
        [body] = soundverse.bodies
        assert body["song_reference_url"] == job.input_url
        assert (expires_at(job.input_url) or 0) > (expires_at(attachment["url"]) or 0) + 20 * 3600


async def test_the_job_deadline_bounds_polling(tmp_path: Path, soundverse: FakeSoundverse) -> None:
    soundverse.chunk_delay = 0.02
    soundverse.drop_after = 7  # at 90 %, which then holds for a minute
    soundverse.hold_at_90 = 60
    async with harness(tmp_path, **sv(soundverse, job_deadline_seconds=3)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=15)
        assert job.state is JobState.FAILED and "longer than 3 s" in failure_text(job)
        assert soundverse.status_requests >= 1
        polls = soundverse.status_requests
        await asyncio.sleep(0.5)
        assert soundverse.status_requests == polls, "polling stopped with the job"


async def test_message_id_is_saved_as_soon_as_the_queued_chunk_arrives(
    tmp_path: Path, soundverse: FakeSoundverse
) -> None:
    soundverse.pause_after = 1  # the stream stays open, silent but for keep-alives, right after `queued`
    async with harness(tmp_path, **sv(soundverse)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.handle is not None, timeout=15)
        [(message_id, fake_job)] = soundverse.jobs.items()
        assert [c["status"] for c in fake_job.chunks] == ["validating", "queued"], "nothing later was sent"
        assert job.handle is not None and job.handle.task_id == message_id
        assert job.state in (JobState.SUBMITTED, JobState.RUNNING)

        soundverse.resume()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.DELIVERED and job.handle and job.handle.task_id == message_id
        assert soundverse.generation_requests == 1 and len(h.result_messages()) == 1
