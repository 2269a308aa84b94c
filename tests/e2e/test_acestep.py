"""Self-hosted ACE-Step end to end: the real bot, the fake Discord, the fake ACE-Step server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from domain.jobs import JobState
from tests.e2e.harness import (
    Harness,
    failure_text,
    harness,
    private_answer,
    song,
    status_message_of,
    status_text,
    takes_of,
    title_of,
)
from tests.fakes.acestep import FakeAceStep, Outcome

pytestmark = pytest.mark.slow


def ace(fake: FakeAceStep, **extra: Any) -> dict[str, Any]:
    return dict(
        acestep_base_url=fake.base_url,
        acestep_api_key="test-key",
        acestep_poll_interval=0.05,
        **extra,
    )


async def remix(h: Harness, tmp: Path, **options: Any) -> None:
    ix = await h.discord.run_slash_command(
        "remix",
        {"prompt": "lo-fi with chill beats", **options},
        attachments=[("my song.mp3", song(tmp), "audio/mpeg")],
    )
    await ix.wait_response(timeout=5)


def everything_posted(h: Harness) -> str:
    """Every word the bot put in Discord: contents, embeds, every revision of every message."""
    parts: list[str] = []
    for message in h.bot_messages():
        for revision in [message, *getattr(message, "revisions", [])]:
            parts.append(revision.content or "")
            parts.append(str(revision.embeds))
    return "\n".join(parts)


def assert_no_server_paths(h: Harness) -> None:
    posted = everything_posted(h)
    for leak in ("/srv/acestep", "api_audio", "fake-acestep", "/v1/audio"):
        assert leak not in posted


async def test_a_remix_shows_progress_and_posts_two_takes(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        assert f"acestep: ready at {fake.base_url}" in caplog.text
        await remix(h, tmp_path, strength=0.4)

        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        status = status_message_of(h, 1)
        assert status is not None
        await h.wait_for(lambda: "Done" in title_of(status))

        assert len(takes_of(result)) == 2
        shown = [status_text(r) for r in status.revisions]
        assert any("Queued" in s for s in shown)
        assert any("Generating" in s and "%" in s for s in shown), shown
        assert any("Decoding" in s for s in shown), shown
        assert_no_server_paths(h)

        [task] = fake.submitted
        assert task.fields["task_type"] == "cover" and task.fields["audio_cover_strength"] == "0.4"
        assert task.files["src_audio"] == song(tmp_path)


async def test_a_restart_mid_job_resumes_polling_and_delivers_once(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        fake.paused = True
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        await h.stop()
        fake.paused = False

        await h.start()
        await h.wait_for(lambda: h.result_messages(), timeout=30)
        job = await h.wait_for_job(1, lambda j: j.finished)
        await asyncio.sleep(0.3)  # anything posted twice would show up by now
        assert job.state is JobState.DELIVERED
        assert len(fake.submitted) == 1
        assert len(h.result_messages()) == 1
        assert len(takes_of(h.result_messages()[0])) == 2


async def test_a_server_that_restarted_lost_the_job_and_the_member_is_told(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        fake.paused = True
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        fake.restart()

        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.FAILED
        assert "lost this job" in failure_text(job) and "run the command again" in failure_text(job)
        status = status_message_of(h, 1)
        assert status is not None
        await h.wait_for(lambda: "lost this job" in status_text(status))
        assert len(fake.submitted) == 1, "never resubmitted"


async def test_a_full_queue_holds_the_job_until_there_is_room(tmp_path: Path):
    async with FakeAceStep(api_key="test-key", queue_size=0) as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        await remix(h, tmp_path)
        await h.wait_for(lambda: [r for m, p, r in fake.requests if p == "/release_task" and r == 429])
        await h.wait_for(lambda: len([r for m, p, r in fake.requests if r == 429]) >= 2)
        assert (await h.job(1)).state is JobState.QUEUED
        fake.queue_size = 10

        await h.wait_for(lambda: h.result_messages(), timeout=30)
        assert len(fake.submitted) == 1


async def test_a_queue_full_past_the_grace_fails_clearly(tmp_path: Path):
    fake = FakeAceStep(api_key="test-key", queue_size=0)
    async with fake, harness(tmp_path, **ace(fake, acestep_unreachable_grace=1.0)) as h:
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.FAILED
        assert "queue stayed full" in failure_text(job)
        assert fake.submitted == []


async def test_a_server_switched_off_mid_job_is_waited_for(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        fake.paused = True
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        await fake.switch_off()
        await asyncio.sleep(1.0)  # polls fail meanwhile; the job must wait, not fail
        assert (await h.job(1)).state is JobState.RUNNING
        fake.paused = False
        await fake.switch_on()

        await h.wait_for(lambda: h.result_messages(), timeout=30)
        # The state is written just after the post lands.
        await h.wait_for_job(1, lambda j: j.state is JobState.DELIVERED)
        assert len(fake.submitted) == 1


async def test_a_server_that_stays_off_fails_the_job_after_the_grace(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake:
        await fake.switch_off()
        async with harness(tmp_path, **ace(fake, acestep_unreachable_grace=1.0)) as h:
            await h.start()
            await remix(h, tmp_path)
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.FAILED
            assert "could not be reached" in failure_text(job)


async def test_a_take_dropped_as_silent_is_noted(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake:
        fake.outcomes.append(Outcome(silent=1))
        async with harness(tmp_path, **ace(fake)) as h:
            await h.start()
            await remix(h, tmp_path)
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
            assert len(takes_of(result)) == 1
            assert "1 take came out silent and was dropped" in str(result.embeds)
            assert_no_server_paths(h)


async def reply(h: Harness, command: str, options: dict[str, Any], **kw: Any) -> str:
    return await private_answer(await h.discord.run_slash_command(command, options, **kw))


async def test_config_show_says_whether_the_server_is_reachable(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        shown = await reply(h, "config", {}, subcommand="show")
        assert "ACE-Step (`acestep`) · reachable" in shown
        await fake.switch_off()
        shown = await reply(h, "config", {}, subcommand="show")
        assert "ACE-Step (`acestep`) · **not reachable**" in shown
        assert "Offline effects (`local`)," in shown, "no claim where there is no health check"


async def test_sing_is_refused_with_who_can_and_strength_only_where_honoured(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        audio = [("a.mp3", song(tmp_path), "audio/mpeg")]
        sing = await reply(h, "sing", {"prompt": "x", "lyrics": "y"}, attachments=audio)
        assert "ACE-Step can't make a sing-over" in sing and "MusicGPT can" in sing
        local = await reply(
            h, "remix", {"prompt": "x", "provider": "local", "strength": 0.5}, attachments=audio
        )
        assert "no remix strength" in local and "ACE-Step" in local
        assert fake.submitted == []


async def test_generate_makes_a_song_from_a_prompt_and_style(tmp_path: Path):
    async with FakeAceStep(api_key="test-key") as fake, harness(tmp_path, **ace(fake)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "generate", {"prompt": "rain on a tin roof", "style": "Jazz", "length": 60}
        )
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        assert len(takes_of(result)) == 2
        [task] = fake.submitted
        assert task.fields["task_type"] == "text2music" and task.fields["audio_duration"] == "60"
        assert task.fields["prompt"] == "Jazz, rain on a tin roof"
        assert task.files == {}
