"""Fault matrix: the job deadline covers delivery (issue point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.jobs import JobState
from tests.e2e.harness import failure_text, harness, song, takes_of
from tests.fakes.musicgpt import FakeMusicGPT, Fault
from tests.faults.conftest import mg

pytestmark = pytest.mark.slow


def note_of(message) -> str:
    fields = message.embeds[0].get("fields", [])
    return next((f["value"] for f in fields if f["name"] == "Note"), "")


@pytest.mark.usefixtures("quick_result_retries")
async def test_a_take_served_too_slowly_is_left_out_at_the_deadline(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt, job_deadline_seconds=6)) as h:
        await h.start()
        # Take 1 arrives at once; take 2 trickles at 200 bytes a second (minutes for a tone).
        musicgpt.script("conversions", Fault(), Fault.slow(200))
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=20)
        assert job.state is JobState.DELIVERED, failure_text(job)
        [result] = h.result_messages()
        assert len(takes_of(result)) == 1
        assert "Take 2 could not be downloaded" in note_of(result)
        assert "too slowly" in note_of(result)


@pytest.mark.usefixtures("quick_result_retries")
async def test_no_take_arriving_by_the_deadline_is_a_clear_failure(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt, job_deadline_seconds=6)) as h:
        await h.start()
        musicgpt.script("conversions", Fault.slow(200), Fault.slow(200))
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=20)
        assert job.state is JobState.FAILED
        assert "None of the takes could be downloaded" in failure_text(job)
        assert not h.result_messages()
