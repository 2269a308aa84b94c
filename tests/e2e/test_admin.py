"""Server admins set the bot up for their server with /config and see what it made with /usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.jobs import JobState
from tests.e2e.harness import harness, private_answer, song
from tests.fakes.musicgpt import FakeMusicGPT

pytestmark = pytest.mark.slow
MANAGE_GUILD = 1 << 5


async def config(h, sub: str, **options):
    ix = await h.discord.run_slash_command("config", options, subcommand=sub)
    response = await ix.wait_response()
    assert response.ephemeral
    return response.data["content"]


async def test_config_commands_are_for_admins_and_steer_new_jobs(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1) as musicgpt:
        async with harness(tmp_path, musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url) as h:
            await h.start()
            commands = {c["name"]: c for c in h.discord.guild_commands()}
            for name in ("config", "usage"):
                assert int(commands[name]["default_member_permissions"]) == MANAGE_GUILD

            general, remix_room = list(h.discord.channels)
            assert "Saved" in await config(h, "provider", name="local")
            assert "Saved" in await config(h, "channel", channel=str(remix_room))
            assert "Saved" in await config(h, "member-limit", **{"at-once": 1})
            shown = await config(h, "show")
            assert "`local`" in shown and f"<#{remix_room}>" in shown and "per member: 1" in shown

            # Wrong channel: refused privately, nothing recorded.
            wrong = await h.discord.run_slash_command(
                "remix",
                {"prompt": "slowed"},
                channel_id=general,
                attachments=[("a.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            )
            assert f"remixes happen in <#{remix_room}>" in await private_answer(wrong)
            assert not await h.jobs()

            # Right channel, no provider named: the server's default (local) serves it, not MusicGPT.
            await h.discord.run_slash_command(
                "remix",
                {"prompt": "slowed"},
                channel_id=remix_room,
                attachments=[("a.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            )
            # A second job from the same member while the first runs: over the server's limit of 1.
            second = await h.discord.run_slash_command(
                "remix",
                {"prompt": "again"},
                channel_id=remix_room,
                attachments=[("b.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            )
            assert "You already have a job going" in await private_answer(second)
            job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
            assert job.state is JobState.DELIVERED and job.provider == "local"
            assert musicgpt.submissions == 0

            usage = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="show")
            assert (await usage.wait_response()).ephemeral
            [shown] = await h.wait_for(lambda: usage.followups)
            fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
            # The refused job was never made: it is not counted (the CSV export lists it).
            assert fields["Offline effects"] == "1 job · 0 credits"
            assert f"<@{h.discord.default_user_id}> · 1 job" in fields["Top members"]

            assert "Saved" in await config(h, "provider")  # cleared: back to the bot's default
            assert "the bot's default (`musicgpt`)" in await config(h, "show")


async def test_unknown_provider_in_config_is_refused(tmp_path: Path):
    async with harness(tmp_path) as h:
        await h.start()
        ix = await h.discord.run_slash_command("config", {"name": "suno"}, subcommand="provider")
        content = await private_answer(ix)
        assert "I don't know the provider `suno`" in content
