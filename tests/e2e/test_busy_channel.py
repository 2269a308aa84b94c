"""A busy channel end to end: many jobs at once in one channel with Discord's write budget switched on.

The real bot, the fake Discord answering 429 past 5 writes per 0.5 s in a channel, the fake MusicGPT.
Every write waits its turn in the channel's writer, so Discord never has to refuse one; the statuses
fold into one channel board past the threshold, and every job still ends delivered and shown final.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.jobs import JobState
from tests.e2e.harness import harness, song, title_of
from tests.fakes.discord import DEFAULT_MEMBERS
from tests.fakes.musicgpt import FakeMusicGPT

pytestmark = pytest.mark.slow

JOBS = 12


async def test_many_jobs_in_one_channel_are_delivered_without_a_single_429(tmp_path: Path) -> None:
    audio = song(tmp_path, seconds=4.0)
    members = [member_id for member_id, _ in DEFAULT_MEMBERS]
    async with (
        FakeMusicGPT(polls_to_complete=4, eta=30) as musicgpt,
        harness(
            tmp_path,
            fake_discord={"write_limit": (5, 0.5)},
            musicgpt_api_key="test-key",
            musicgpt_base_url=musicgpt.base_url,
            max_jobs_per_member=JOBS,
            channel_board_threshold=4,
        ) as h,
    ):
        await h.start()
        for n in range(JOBS):
            ix = await h.discord.run_slash_command(
                "remix",
                {"prompt": f"busy tune {n}"},
                attachments=[("song.mp3", audio, "audio/mpeg")],
                user_id=members[n % len(members)],
            )
            await ix.wait_response(timeout=3)
        await h.wait_for(lambda: len(h.result_messages()) == JOBS, timeout=120)
        jobs = [await h.wait_for_job(n, lambda j: j.finished, timeout=60) for n in range(1, JOBS + 1)]

        def shown_final() -> bool:
            boards = [m for m in h.bot_messages() if m.embeds and title_of(m).startswith("Channel board")]
            for job in jobs:
                own = [m for m in h.status_messages() if m.embeds[0]["footer"]["text"] == f"Job #{job.id}"]
                lines = [
                    line
                    for board in boards
                    for line in (board.embeds[0].get("description") or "").splitlines()
                    if line.startswith(f"`#{job.id}`")
                ]
                if not own and not lines:
                    return False  # shown nowhere
                if not all("Done" in title_of(m) for m in own) or not all("**Done**" in x for x in lines):
                    return False
            return True

        await h.wait_for(shown_final, timeout=30)

    assert all(job.state is JobState.DELIVERED for job in jobs)
    assert not h.discord.rate_limited, h.discord.rate_limited  # Discord never had to refuse a write
    boards = [m for m in h.bot_messages() if m.embeds and title_of(m).startswith("Channel board")]
    assert boards, "12 jobs against a threshold of 4: the statuses folded into a board"
    assert len(h.status_messages()) < JOBS  # not every job needed a status message of its own


async def test_show_my_status_on_the_board_gives_a_member_a_live_status_of_their_own(tmp_path: Path) -> None:
    audio = song(tmp_path, seconds=4.0)
    alice, bob = (member_id for member_id, _ in DEFAULT_MEMBERS)
    async with (
        FakeMusicGPT(polls_to_complete=10_000) as musicgpt,  # the jobs stay in progress
        harness(
            tmp_path,
            musicgpt_api_key="test-key",
            musicgpt_base_url=musicgpt.base_url,
            channel_board_threshold=1,
        ) as h,
    ):
        await h.start()
        for n, member in enumerate((alice, bob)):
            ix = await h.discord.run_slash_command(
                "remix",
                {"prompt": f"tune {n}"},
                attachments=[("song.mp3", audio, "audio/mpeg")],
                user_id=member,
            )
            await ix.wait_response(timeout=3)
            if n == 0:
                # The acknowledgement comes before intake: wait until the first job shows in the
                # channel, so the second is the one past the threshold.
                await h.wait_for(
                    lambda: [m for m in h.status_messages() if m.embeds[0]["footer"]["text"] == "Job #1"]
                )
        [board] = await h.wait_for(
            lambda: [m for m in h.bot_messages() if m.embeds and title_of(m).startswith("Channel board")]
        )
        assert not any(m.embeds[0]["footer"]["text"] == "Job #2" for m in h.status_messages())

        press = await h.discord.click_button(board.id, f"remix:board:{board.channel_id}", user_id=bob)
        reply = await press.wait_response()
        assert reply.ephemeral and "Your status is posted" in reply.data["content"]
        own = await h.wait_for(
            lambda: [m for m in h.status_messages() if m.embeds[0]["footer"]["text"] == "Job #2"]
        )
        assert own and f"<@{bob}>" in " ".join(f["value"] for f in own[0].embeds[0]["fields"])
