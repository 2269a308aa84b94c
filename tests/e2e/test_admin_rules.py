"""Server admins in control, end to end on the fake Discord: budgets (and two members at once), roles,
cooldowns, the blocklist, flagged takes behind a spoiler, the admin log, /usage and its CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import pytest

from domain.jobs import JobState
from tests.e2e.harness import Harness, harness, private_answer, song, takes_of
from tests.fakes.musicgpt import FakeMusicGPT

pytestmark = pytest.mark.slow

ALICE, BOB = 800000000000000301, 800000000000000302


async def config(h: Harness, sub: str, **options: Any) -> str:
    ix = await h.discord.run_slash_command("config", options, subcommand=sub)
    response = await ix.wait_response()
    assert response.ephemeral
    return str(response.data["content"])


async def remix(h: Harness, tmp: Path, prompt: str = "slowed", *, user: int = ALICE, **extra: Any) -> Any:
    return await h.discord.run_slash_command(
        "remix",
        {"prompt": prompt, **extra},
        user_id=user,
        attachments=[("a.wav", song(tmp, fmt="wav"), "audio/wav")],
    )


async def answer(ix: Any) -> str:
    return await private_answer(ix)


def log_lines(h: Harness, channel_id: int) -> list[str]:
    return [m.content for m in h.bot_messages(channel_id)]


async def test_a_budget_with_room_for_one_job_lets_exactly_one_of_two_members_through(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1, conversion_cost=1.25) as musicgpt:
        settings = dict(
            musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url, musicgpt_cost_estimate=10
        )
        async with harness(tmp_path, **settings) as h:
            await h.start()
            _general, admin_room = list(h.discord.channels)
            assert "Saved" in await config(h, "log-channel", channel=str(admin_room))
            assert "15 credits a day" in await config(h, "budget", provider="musicgpt", daily=15)

            # Both members at once: the budget has room for one estimate of 10.
            first, second = await asyncio.gather(
                remix(h, tmp_path, "one", user=ALICE), remix(h, tmp_path, "two", user=BOB)
            )
            answers = [await answer(first), await answer(second)]
            refused = [a for a in answers if "no room for this job" in a]
            assert len(refused) == 1, answers
            assert "daily budget for `musicgpt` (15 credits)" in refused[0] and ":f>" in refused[0]

            jobs = await h.jobs()
            made = next(j for j in jobs if j.state is not JobState.REJECTED)
            done = await h.wait_for_job(made.id, lambda j: j.finished, timeout=30)
            assert done.state is JobState.DELIVERED
            assert musicgpt.submissions == 1  # the refused one never reached the provider
            # The reservation was replaced by the cost MusicGPT reported.
            assert done.credits == 1.25 and done.credits_reserved == 0
            await h.wait_for(lambda: any("Budget reached" in line for line in log_lines(h, admin_room)))

            # The day's spending counts even under a budget set later, and the next estimate is the last
            # cost seen (1.25, not the 10 of the setting): 1.25 + 1.25 fits 3 but not 2.
            assert "Saved" in await config(h, "budget", provider="musicgpt", daily=2)
            later = await answer(await remix(h, tmp_path, "three", user=BOB))
            assert "no room for this job" in later
            assert "1.25 of 2 today" in await config(h, "show")
            assert musicgpt.submissions == 1


async def test_roles_decide_who_may_create_and_bypass_skips_the_cooldown(tmp_path: Path):
    async with harness(tmp_path) as h:
        musicians = h.discord.add_role("musicians", members=[ALICE])
        mods = h.discord.add_role("mods", members=[BOB])
        await h.start()
        assert f"<@&{musicians}>" in await config(h, "roles", allow=str(musicians))
        shown = await config(h, "roles", bypass=str(mods))
        assert f"<@&{mods}>" in shown.splitlines()[-1]
        assert "Saved" in await config(h, "cooldown", seconds=3600)

        # Nobody else may start jobs; the refusal names the roles that may.
        carol = h.discord.add_member(800000000000000303, "carol").id
        refused = await answer(await remix(h, tmp_path, user=carol))
        assert "Only members with one of these roles" in refused
        assert f"<@&{musicians}>" in refused and f"<@&{mods}>" in refused

        # Alice may, once an hour: her second job is told when she can try again.
        assert "Your job is in" in await answer(await remix(h, tmp_path, user=ALICE))
        await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        cooled = await answer(await remix(h, tmp_path, user=ALICE))
        assert "cooldown between jobs" in cooled and "<t:" in cooled and ":R>" in cooled

        # Bob holds the bypass role: no cooldown for him, and not in the allow list either.
        assert "Your job is in" in await answer(await remix(h, tmp_path, user=BOB))
        await h.wait_for_job(2, lambda j: j.finished, timeout=30)
        assert "Your job is in" in await answer(await remix(h, tmp_path, "again", user=BOB))
        assert [j.member_id for j in await h.jobs() if j.state is not JobState.REJECTED] == [BOB, BOB, ALICE]


async def test_daily_limit_says_when_the_member_can_try_again(tmp_path: Path):
    async with harness(tmp_path) as h:
        await h.start()
        assert "Saved" in await config(h, "member-limit", **{"per-day": 1})
        assert "Your job is in" in await answer(await remix(h, tmp_path))
        await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        refused = await answer(await remix(h, tmp_path))
        assert "daily limit" in refused and "<t:" in refused


async def test_blocked_words_are_refused_without_echo_and_repeated_attempts_cool_a_member_down(
    tmp_path: Path,
):
    async with harness(tmp_path, blocked_attempts_before_cooldown=2) as h:
        await h.start()
        _general, admin_room = list(h.discord.channels)
        assert "Saved" in await config(h, "log-channel", channel=str(admin_room))
        assert "Added" in await config(h, "blocklist add", word="Forbidden")
        assert "Added" in await config(h, "blocklist add", word="bad*")
        assert "`forbidden`" in await config(h, "blocklist show")

        # Accents and case do not matter; a pattern matches the words it starts.
        refused = await answer(await remix(h, tmp_path, "a FÖRBIDDEN song"))
        assert "a word this server doesn't allow" in refused and "rbidden" not in refused.lower()
        lyrics = await answer(await remix(h, tmp_path, "fine", lyrics="so baaad, badly"))
        assert "a word this server doesn't allow" in lyrics
        assert not await h.jobs()  # nothing recorded, nothing sent

        # Two blocked attempts within the hour: a cooldown, even for a clean request, logged for admins.
        clean = await answer(await remix(h, tmp_path, "a clean song"))
        assert "Too many blocked requests" in clean and "<t:" in clean
        await h.wait_for(lambda: any("Cooldown" in line for line in log_lines(h, admin_room)))
        lines = log_lines(h, admin_room)
        assert sum("Blocked word" in line for line in lines) == 2
        assert not any("rbidden" in line.lower() for line in lines)

        # Other members are not affected; removing the word lets it through.
        assert "Removed" in await config(h, "blocklist remove", word="forbidden")
        assert "Your job is in" in await answer(await remix(h, tmp_path, "a forbidden song", user=BOB))


async def test_a_flagged_take_is_posted_behind_a_spoiler_or_withheld(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1, flagged={2: "violence"}, flagged_audio=True) as musicgpt:
        settings = dict(musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url)
        async with harness(tmp_path, **settings) as h:
            await h.start()
            _general, admin_room = list(h.discord.channels)
            assert "Saved" in await config(h, "log-channel", channel=str(admin_room))

            assert "Your job is in" in await answer(await remix(h, tmp_path))
            assert (await h.wait_for_job(1, lambda j: j.finished, timeout=30)).state is JobState.DELIVERED
            [result] = h.result_messages()
            names = [a.filename for a in takes_of(result)]
            assert names == ["remix-1-take1.mp3", "SPOILER_remix-1-take2.mp3"]
            notes = "\n".join(f["value"] for f in result.embeds[0]["fields"])
            assert "flagged take 2" in notes and "spoiler" in notes
            await h.wait_for(lambda: any("Flagged output" in line for line in log_lines(h, admin_room)))

            # Withheld: only the clean take is posted; the member hears of it privately.
            assert "Saved" in await config(h, "flagged", mode="withhold")
            assert "Your job is in" in await answer(await remix(h, tmp_path, "again"))
            assert (await h.wait_for_job(2, lambda j: j.finished, timeout=30)).state is JobState.DELIVERED
            second = h.result_messages()[-1]
            assert [a.filename for a in takes_of(second)] == ["remix-2-take1.mp3"]
            dms = await h.wait_for(lambda: h.discord.dm_messages(ALICE))
            assert "job #2" in dms[0].content and "withholds flagged" in dms[0].content


async def test_usage_shows_credits_with_a_chart_and_exports_a_csv(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1, conversion_cost=2.5) as musicgpt:
        settings = dict(musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url)
        async with harness(tmp_path, **settings) as h:
            await h.start()
            commands = {c["name"]: c for c in h.discord.guild_commands()}
            assert {o["name"] for o in commands["usage"]["options"]} == {"show", "export"}
            assert "Your job is in" in await answer(await remix(h, tmp_path, user=ALICE))
            await h.wait_for_job(1, lambda j: j.finished, timeout=30)
            assert "Your job is in" in await answer(await remix(h, tmp_path, user=BOB, provider="local"))
            await h.wait_for_job(2, lambda j: j.finished, timeout=30)

            show = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="show")
            assert (await show.wait_response()).ephemeral
            [shown] = await h.wait_for(lambda: show.followups)
            fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
            assert fields["MusicGPT"] == "1 job · 2.5 credits"
            assert fields["Offline effects"] == "1 job · 0 credits"
            assert fields["Top members"].splitlines()[0] == f"<@{ALICE}> · 1 job · 2.5 credits"
            [chart] = shown.attachments
            assert chart.filename == "usage.png" and chart.data.startswith(b"\x89PNG")
            assert shown.embeds[0]["image"]["url"].endswith("usage.png")

            only = await h.discord.run_slash_command(
                "usage", {"days": 7, "provider": "local"}, subcommand="show"
            )
            await only.wait_response()
            [local_only] = await h.wait_for(lambda: only.followups)
            assert [f["name"] for f in local_only.embeds[0]["fields"]] == ["Offline effects", "Top members"]

            export = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="export")
            response = await export.wait_response()
            assert response.ephemeral
            [attachment] = export.original.attachments
            rows = list(csv.reader(io.StringIO(attachment.data.decode())))
            assert rows[0] == ["date", "member", "provider", "kind", "state", "credits"]
            assert [r[1:] for r in rows[1:]] == [
                [str(ALICE), "musicgpt", "remix", "delivered", "2.5"],
                [str(BOB), "local", "remix", "delivered", "0"],
            ]
