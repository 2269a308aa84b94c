"""Fault matrix: the result post meets a 429 storm, an outage, lost permissions (issue points 1, 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.jobs import JobState
from engine.takes import take_dir
from tests.e2e.harness import failure_text, harness, song, takes_of
from tests.fakes.musicgpt import FakeMusicGPT
from tests.faults.conftest import mg

pytestmark = pytest.mark.slow

RESULT_POST = r"/channels/{channel}/messages"


def posts_to(channel_id: int) -> str:
    return RESULT_POST.format(channel=channel_id)


async def remix(h, tmp_path: Path):
    return await h.discord.run_slash_command(
        "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
    )


@pytest.mark.usefixtures("quick_result_retries")
async def test_a_429_storm_on_the_result_post_is_waited_out(tmp_path: Path, musicgpt: FakeMusicGPT):
    """More 429s than discord.py retries (5 a request): once Discord refused the post for good."""
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        channel = h.discord.default_channel_id
        h.discord.script_rate_limit("POST", posts_to(channel), retry_after=0.01, times=12)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=60)
        assert job.state is JobState.DELIVERED, failure_text(job)
        [result] = h.result_messages()
        assert len(takes_of(result)) == 2
        # Refused 12 times (two attempts of discord.py's five tries, and two more), then it landed.
        refused = [r for r in h.discord.requests_to("POST", posts_to(channel)) if r.status == 429]
        assert len(refused) == 12
        assert not take_dir(tmp_path / "work", 1).exists(), "posted takes are cleaned up"


@pytest.mark.usefixtures("quick_result_retries")
async def test_an_outage_past_the_deadline_keeps_the_takes_for_show(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt, job_deadline_seconds=8)) as h:
        await h.start()
        ix = await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        channel = h.discord.default_channel_id
        h.discord.script_outage("POST", posts_to(channel), status=503, times=10_000)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.FAILED
        said = failure_text(job)
        assert "Discord kept failing" in said and "`/show job:1`" in said
        assert (take_dir(tmp_path / "work", 1) / "kept.json").is_file(), "the paid takes are kept"
        # The member hears it privately, where the status message may not reach them.
        [notice] = await h.wait_for(lambda: ix.followups)
        assert notice.ephemeral and "/show job:1" in notice.content

        h.discord._scripted.clear()  # Discord is back
        show = await h.discord.run_slash_command("show", {"job": "1"})
        await show.wait_response()
        [result] = await h.wait_for(lambda: h.result_messages())
        assert len(takes_of(result)) == 2
        job = await h.job(1)
        assert job.result_message_id == result.id
        assert not take_dir(tmp_path / "work", 1).exists(), "posted, the kept takes go"


async def test_lost_attach_files_keeps_the_takes_tells_the_member_and_show_posts_them(
    tmp_path: Path, musicgpt: FakeMusicGPT
):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        ix = await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        channel = h.discord.default_channel_id
        await h.discord.set_bot_permissions(channel, attach_files=False)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.FAILED
        said = failure_text(job)
        # Only what is actually missing is named.
        assert "**Attach Files**" in said
        assert "Send Messages" not in said and "Embed Links" not in said and "View Channel" not in said
        [notice] = await h.wait_for(lambda: ix.followups)
        assert notice.ephemeral and "**Attach Files**" in notice.content and "/show job:1" in notice.content
        assert not h.result_messages()

        await h.discord.set_bot_permissions(channel, attach_files=True)
        show = await h.discord.run_slash_command("show", {"job": "1"})
        await show.wait_response()
        [result] = await h.wait_for(lambda: h.result_messages())
        assert len(takes_of(result)) == 2
        await h.wait_for_job(1, lambda j: j.result_message_id == result.id)


async def test_lost_send_messages_after_the_token_expired_is_told_by_dm(
    tmp_path: Path, musicgpt: FakeMusicGPT
):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        ix = await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        h.discord.expire_token(ix)
        await h.discord.set_bot_permissions(h.discord.default_channel_id, send_messages=False)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.FAILED
        member = h.discord.default_user_id
        [dm] = await h.wait_for(lambda: h.discord.dm_messages(member))
        assert "**Send Messages**" in dm.content and "Attach Files" not in dm.content
        assert "/show job:1" in dm.content
        assert not ix.followups


async def test_a_member_refusing_dms_still_sees_the_failure_in_the_status(
    tmp_path: Path, musicgpt: FakeMusicGPT
):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        member = h.discord.default_user_id
        h.discord.members[member].accepts_dms = False
        ix = await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        h.discord.expire_token(ix)
        await h.discord.set_bot_permissions(h.discord.default_channel_id, attach_files=False)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.FAILED and "**Attach Files**" in failure_text(job)
        assert not h.discord.dm_messages(member)
        assert (take_dir(tmp_path / "work", 1) / "kept.json").is_file()
