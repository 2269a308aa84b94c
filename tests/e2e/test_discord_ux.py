"""The Discord experience end to end: "Remix this audio", result and status buttons (also after a
restart), who may press what, /jobs /show /cancel and their autocomplete. The real bot, the fake
Discord, the offline provider (and the fake MusicGPT where a job has to stay running, the fake
Soundpiece where a result needs three big takes)."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from domain.jobs import JobState
from tests.e2e.harness import Harness, harness, private_answer, song, status_text, title_of
from tests.fakes.discord import DEFAULT_MEMBERS, MANAGE_MESSAGES, MIB, FakeInteraction, FakeMessage
from tests.fakes.musicgpt import FakeMusicGPT
from tests.fakes.soundpiece import FakeSoundpiece

pytestmark = pytest.mark.slow

LOCAL = {"default_provider": "local"}
MOD_ID = 800000000000000303


def buttons(message: FakeMessage) -> dict[str, dict[str, Any]]:
    """custom_id -> button, over every action row."""
    return {c["custom_id"]: c for row in message.components for c in row.get("components", [])}


def rows(message: FakeMessage) -> list[list[str]]:
    return [[c["custom_id"] for c in row["components"]] for row in message.components]


def form_fields(ix: FakeInteraction) -> dict[str, dict[str, Any]]:
    """custom_id -> component of the form the bot opened (labels unwrapped)."""
    assert ix.modal is not None
    return {c["component"]["custom_id"]: c["component"] for c in ix.modal["components"]}


def private_text(ix: FakeInteraction) -> str:
    """What the member was told privately: the first response, or its edit."""
    if ix.original is not None:
        return ix.original.content
    assert ix.response is not None
    return str(ix.response.data.get("content", ""))


async def remix(h: Harness, prompt: str = "slowed", *, user_id: int | None = None) -> FakeMessage:
    before = len(h.result_messages())
    ix = await h.discord.run_slash_command(
        "remix", {"prompt": prompt}, user_id=user_id, attachments=[("my song.mp3", song(h.tmp), "audio/mpeg")]
    )
    await ix.wait_response()
    results = await h.wait_for(lambda: len(h.result_messages()) > before and h.result_messages())
    return results[-1]


async def fill_form(
    h: Harness, click: FakeInteraction, values: dict[str, Any], user_id: int | None = None
) -> FakeInteraction:
    response = await click.wait_response()
    assert response.type == 9, "a form must be the first response"
    assert click.modal is not None
    submit = await h.discord.submit_modal(click.modal["custom_id"], values, user_id=user_id)
    await submit.wait_response()
    return submit


async def refused(ix: FakeInteraction, *words: str) -> None:
    content = await private_answer(ix)
    for word in words:
        assert word in content, content


async def test_remix_this_audio_on_a_member_message_and_on_a_result(tmp_path: Path):
    async with harness(tmp_path, **LOCAL) as h:
        await h.start()
        [menu] = [c for c in h.discord.guild_commands() if c.get("type") == 3]
        assert menu["name"] == "Remix this audio"

        plain = await h.discord.post_user_message("no audio here")
        ix = await h.discord.run_message_command("Remix this audio", plain.id)
        await refused(ix, "no audio attachment")

        source = await h.discord.post_user_message(
            # Long enough that its nightcore take (sped up) is still over the 3 s minimum to remix again.
            "my loop",
            attachments=[("loop.wav", song(tmp_path, seconds=5, fmt="wav"), "audio/wav")],
        )
        click = await h.discord.run_message_command("Remix this audio", source.id)
        ack = await click.wait_response()
        assert ack.type == 9 and ack.delay < 3
        fields = form_fields(click)
        assert set(fields) == {"prompt", "lyrics", "gender"}, "one file: nothing to choose"
        submit = await fill_form(h, click, {"prompt": "nightcore @everyone", "gender": ["female"]})
        assert submit.response and submit.response.ephemeral

        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        assert result.message_reference and int(result.message_reference["message_id"]) == source.id
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.DELIVERED and job.gender == "female"
        assert job.source_message_id == source.id and job.input_filename == "loop.wav"

        # Takes play inline (audio by extension), a waveform stands in for the missing cover art.
        takes = [a for a in result.attachments if a.content_type.startswith("audio/")]
        assert [a.filename for a in takes] == ["remix-1-take1.mp3", "remix-1-take2.mp3"]
        [picture] = [a for a in result.attachments if a.filename == "waveform.png"]
        assert picture.data.startswith(b"\x89PNG")
        embed = result.embeds[0]
        assert embed["image"]["url"] == "attachment://waveform.png"
        assert "@everyone" not in embed["description"] and "nightcore" in embed["description"]
        assert [f["name"] for f in embed["fields"]][:3] == ["Provider", "Take 1", "Take 2"]
        assert all(" s" in f["value"] for f in embed["fields"][1:3]), "each take's duration"
        assert rows(result) == [
            ["remix:reroll:1", "remix:edit:1", "remix:delete:1"],
            ["remix:take:1:1", "remix:take:1:2"],
        ]

        # The status message lost its Cancel button when the job ended.
        [status] = h.status_messages()
        await h.wait_for(lambda: "Done" in title_of(status))
        assert "remix:cancel:1" in buttons(status.revisions[0])
        assert status.components == []

        # On the bot's own result (remix a take): the form asks which take; the result replies to it.
        bob = list(h.discord.members)[2]
        click = await h.discord.run_message_command("Remix this audio", result.id, user_id=bob)
        await click.wait_response()
        file_choice = form_fields(click)["file"]
        assert [o["label"] for o in file_choice["options"]] == ["remix-1-take1.mp3", "remix-1-take2.mp3"]
        await fill_form(h, click, {"prompt": "lo-fi", "file": ["1"]})
        job2 = await h.wait_for_job(2, lambda j: j.finished, timeout=30)
        assert job2.state is JobState.DELIVERED, job2.error
        assert job2.member_id == bob and job2.input_filename == "remix-1-take2.mp3"
        [_, second] = h.result_messages()
        assert int(second.message_reference["message_id"]) == result.id


async def test_every_button_works_after_a_restart_and_checks_who_presses(tmp_path: Path):
    alice, bob = (member_id for member_id, _ in DEFAULT_MEMBERS)
    async with harness(tmp_path, **LOCAL) as h:
        h.discord.add_member(
            MOD_ID, "mod", permissions=h.discord.members[alice].permissions | MANAGE_MESSAGES
        )
        await h.start()
        result = await remix(h, "slowed")
        job1 = await h.wait_for_job(1, lambda j: j.finished)
        kept = job1.input_path.read_bytes()

        await h.stop()
        await h.start()  # nothing in memory survives: the buttons are found by their custom_id

        # Someone else's job: reroll and edit are the requester's; refused privately, nothing starts.
        await refused(
            await h.discord.click_button(result.id, "remix:reroll:1", user_id=bob), "Only the member"
        )
        await refused(await h.discord.click_button(result.id, "remix:edit:1", user_id=bob), "Only the member")
        await refused(await h.discord.click_button(result.id, "remix:delete:1", user_id=bob), "moderator")
        assert len(await h.jobs()) == 1

        # Reroll: same audio (the kept input), same words, a new job replying to this result.
        click = await h.discord.click_button(result.id, "remix:reroll:1", user_id=alice)
        ack = await click.wait_response()
        assert ack.ephemeral and ack.delay < 3
        job2 = await h.wait_for_job(2, lambda j: j.finished, timeout=30)
        assert job2.state is JobState.DELIVERED, job2.error
        assert (job2.prompt, job2.member_id) == ("slowed", alice)
        assert job2.input_path.read_bytes() == kept
        reroll = h.result_messages()[-1]
        assert int(reroll.message_reference["message_id"]) == result.id

        # Edit and rerun: the form comes prefilled with the job's words.
        click = await h.discord.click_button(result.id, "remix:edit:1", user_id=alice)
        await click.wait_response()
        assert form_fields(click)["prompt"]["value"] == "slowed"
        await fill_form(h, click, {"prompt": "nightcore", "lyrics": "la la"})
        job3 = await h.wait_for_job(3, lambda j: j.finished, timeout=30)
        assert job3.state is JobState.DELIVERED, job3.error
        assert (job3.prompt, job3.lyrics) == ("nightcore", "la la")
        assert job3.input_path.read_bytes() == kept

        # Remix take 2: anyone may; the take (from the message, fresh URL) is the source.
        click = await h.discord.click_button(result.id, "remix:take:1:2", user_id=bob)
        await fill_form(h, click, {"prompt": "bass boost"})
        job4 = await h.wait_for_job(4, lambda j: j.finished, timeout=30)
        assert job4.state is JobState.DELIVERED, job4.error
        assert (job4.member_id, job4.input_filename) == (bob, "remix-1-take2.mp3")
        assert job4.source_message_id == result.id
        take2 = next(a for a in result.attachments if a.filename == "remix-1-take2.mp3")
        assert job4.input_path.read_bytes() == take2.data

        # Delete: a moderator may delete someone else's result; the requester their own.
        click = await h.discord.click_button(reroll.id, "remix:delete:2", user_id=MOD_ID)
        assert (await click.wait_response()).ephemeral
        await h.wait_for(lambda: h.discord.message(reroll.id).deleted)
        click = await h.discord.click_button(result.id, "remix:delete:1", user_id=alice)
        await h.wait_for(lambda: h.discord.message(result.id).deleted)
        assert "Deleted the results of job #1" in (await click.wait_response()).data["content"]


async def test_expired_input_is_refused_clearly_but_a_take_remix_still_rerolls(tmp_path: Path):
    async with harness(tmp_path, **LOCAL, input_retention_hours=0.0002) as h:  # under a second
        await h.start()
        result = await remix(h, "slowed")
        click = await h.discord.click_button(result.id, "remix:take:1:1")
        await fill_form(h, click, {"prompt": "nightcore"})
        await h.wait_for_job(2, lambda j: j.finished, timeout=30)
        take_result = h.result_messages()[-1]
        await asyncio.sleep(1)
        await h.stop()
        await h.start()  # the sweep at start removes inputs past their retention
        await h.wait_for_job(2, lambda j: j.input_path is None)

        # The member's upload is gone: a clear refusal, nothing started.
        ix = await h.discord.click_button(result.id, "remix:reroll:1")
        await refused(ix, "no longer available", "/remix")
        assert len(await h.jobs()) == 2
        # A remix of a take still rerolls: the take is read again from the bot's own result message.
        ix = await h.discord.click_button(take_result.id, "remix:reroll:2")
        await ix.wait_response()
        job3 = await h.wait_for_job(3, lambda j: j.finished, timeout=30)
        assert job3.state is JobState.DELIVERED, job3.error
        assert job3.input_filename == "remix-1-take1.mp3"


async def test_cancel_by_button_and_by_command(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=10_000, eta=60) as musicgpt:
        settings = dict(
            musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url, musicgpt_max_parallel=1
        )
        async with harness(tmp_path, **settings) as h:
            alice, bob = list(h.discord.members)[1:3]
            h.discord.add_member(
                MOD_ID, "mod", permissions=h.discord.members[alice].permissions | MANAGE_MESSAGES
            )
            await h.start()
            for _ in range(2):
                ix = await h.discord.run_slash_command(
                    "remix",
                    {"prompt": "jazz"},
                    user_id=alice,
                    attachments=[("a.mp3", song(tmp_path), "audio/mpeg")],
                )
                await ix.wait_response()
                # Whichever job passes intake first takes the slot: let the first one do so.
                await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
            # The second job waits for the one slot: its status shows where it is in line, and elapsed time.
            first, second = await h.wait_for(
                lambda: (
                    len(h.status_messages()) == 2
                    and sorted(h.status_messages(), key=lambda m: m.embeds[0]["footer"]["text"])
                )
            )
            await h.wait_for(lambda: "Next in line" in status_text(second))
            assert musicgpt.submissions == 1, "one slot: the second job waits"
            assert "Started <t:" in status_text(second)
            await h.wait_for(lambda: "Expected <t:" in status_text(first), timeout=5)  # the provider's ETA
            assert "remix:cancel:1" in buttons(first)

            await h.stop()
            await h.start()
            await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)

            await refused(await h.discord.click_button(first.id, "remix:cancel:1", user_id=bob), "moderator")
            click = await h.discord.click_button(first.id, "remix:cancel:1", user_id=alice)
            assert "cancelled" in (await click.wait_response()).data["content"]
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.CANCELLED
            await h.wait_for(lambda: "Cancelled" in title_of(first) and not first.components)
            assert "This job was cancelled" in status_text(first)
            polls = len([r for r in musicgpt.requests if "byId" in r[1]])
            await asyncio.sleep(0.5)
            assert len([r for r in musicgpt.requests if "byId" in r[1] and r[0] == "GET"]) <= polls + 1, (
                "a cancelled job is no longer tracked"
            )

            # /cancel: the job autocompletes among the member's cancellable jobs; a moderator may cancel it.
            choices = await h.discord.autocomplete("cancel", "job", "", user_id=alice)
            assert [c["value"] for c in choices] == ["2"]
            ix = await h.discord.run_slash_command("cancel", {"job": "2"}, user_id=bob)
            await refused(ix, "moderator")
            ix = await h.discord.run_slash_command("cancel", {"job": "#2"}, user_id=MOD_ID)
            assert "Job #2 is cancelled" in (await ix.wait_response()).data["content"]
            assert (await h.job(2)).state is JobState.CANCELLED
            await h.wait_for(lambda: "Cancelled" in title_of(second) and not second.components)
            assert f"<@{MOD_ID}>" in status_text(second)

            ix = await h.discord.run_slash_command("cancel", {"job": "1"}, user_id=alice)
            await refused(ix, "already ended")
            ix = await h.discord.run_slash_command("cancel", {"job": "abc"}, user_id=alice)
            await refused(ix, "not a job number")


async def test_jobs_show_and_autocomplete(tmp_path: Path):
    async with harness(tmp_path, **LOCAL) as h:
        await h.start()
        alice, bob = list(h.discord.members)[1:3]
        ix = await h.discord.run_slash_command("jobs", user_id=bob)
        await refused(ix, "no jobs")

        result = await remix(h, "vaporwave", user_id=alice)
        job = await h.wait_for_job(1, lambda j: j.finished)
        ix = await h.discord.run_slash_command("jobs", user_id=alice)
        response = await ix.wait_response()
        assert response.ephemeral
        listing = response.data["embeds"][0]["description"]
        assert "#1" in listing and "Done" in listing and "vaporwave" in listing
        assert f"/{result.id})" in listing and f"/{job.status_message_id})" in listing

        choices = await h.discord.autocomplete("show", "job", "", user_id=alice)
        assert [c["value"] for c in choices] == ["1"] and "vaporwave" in choices[0]["name"]
        assert await h.discord.autocomplete("show", "job", "vapor", user_id=alice) == choices
        assert await h.discord.autocomplete("show", "job", "7", user_id=alice) == []
        assert await h.discord.autocomplete("show", "job", "", user_id=bob) == []

        # /show: the takes copied from the result, the same card, fresh buttons, in the asking channel.
        other_channel = list(h.discord.channels)[1]
        ix = await h.discord.run_slash_command("show", {"job": "1"}, user_id=bob, channel_id=other_channel)
        await ix.wait_response()
        [copy] = await h.wait_for(lambda: h.bot_messages(other_channel))
        await h.wait_for(lambda: ix.original and "Posted again" in ix.original.content)
        assert [a.data for a in copy.attachments] == [a.data for a in result.attachments]
        assert copy.embeds[0]["fields"] == result.embeds[0]["fields"]
        assert rows(copy) == rows(result)
        assert f"<@{bob}>" in copy.content and copy.allowed_mentions.get("parse") == []

        # Its buttons work like the original's: Remix take 1 from the copy.
        click = await h.discord.click_button(copy.id, "remix:take:1:1", user_id=bob)
        await fill_form(h, click, {"prompt": "slowed"})
        job2 = await h.wait_for_job(2, lambda j: j.finished, timeout=30)
        assert job2.state is JobState.DELIVERED and job2.channel_id == other_channel

        ix = await h.discord.run_slash_command("show", {"job": "99"})
        await refused(ix, "can't find job #99")


def noise_flac(seconds: float, rate: int = 44100) -> bytes:
    """Stereo noise as FLAC: it barely compresses, so a minute makes a take of about 9 MiB."""
    samples = (np.random.default_rng(7).uniform(-0.5, 0.5, (2, int(seconds * rate))) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with av.open(buf, "w", format="flac") as out:
        stream = out.add_stream("flac", rate=rate, layout="stereo")
        frame = av.AudioFrame.from_ndarray(samples.T.reshape(1, -1).copy(), format="s16", layout="stereo")
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return buf.getvalue()


async def test_show_posts_a_result_in_parts_as_delivery_did(tmp_path: Path):
    # Three takes of ~9 MiB: each fits the 10 MiB file limit, together they pass the 25 MiB a
    # request may carry, so the result went out as two messages and /show must do the same.
    audio = noise_flac(55)
    assert 8.5 * MIB < len(audio) < 10 * MIB
    async with FakeSoundpiece(audio=audio, audio_seconds=55) as soundpiece:
        settings = dict(soundpiece_api_key=soundpiece.api_key, soundpiece_base_url=soundpiece.base_url)
        async with harness(tmp_path, **settings) as h:
            await h.start()
            ix = await h.discord.run_slash_command(
                "remix",
                {"prompt": "synthwave", "lyrics": "la la", "provider": "soundpiece", "variations": 3},
                attachments=[("song.mp3", song(tmp_path), "audio/mpeg")],
            )
            await ix.wait_response()
            job = await h.wait_for_job(1, lambda j: j.finished, timeout=60)
            assert job.state is JobState.DELIVERED, job.error
            original = [m for m in h.bot_messages() if m.attachments]
            assert len(original) == 2

            other_channel = list(h.discord.channels)[1]
            ix = await h.discord.run_slash_command("show", {"job": "1"}, channel_id=other_channel)
            await ix.wait_response()
            await h.wait_for(lambda: ix.original and ix.original.content, timeout=30)
            assert "Posted again" in ix.original.content, ix.original.content
            copies = h.bot_messages(other_channel)
            # The same files in the same parts; the card, the buttons and the jump link on the first.
            assert [[a.data for a in m.attachments] for m in copies] == [
                [a.data for a in m.attachments] for m in original
            ]
            assert copies[0].embeds[0]["image"]["url"] == "attachment://waveform.png"
            assert rows(copies[0]) == rows(original[0]) and not copies[1].embeds and not copies[1].components
            assert ix.original.content.endswith(f"/{other_channel}/{copies[0].id}")
            assert all(sum(a.size for a in m.attachments) <= h.discord.request_size_limit for m in copies)
            # Read part by part: the last take was fetched from the CDN only after the first part was posted.
            first_post = next(
                r
                for r in h.discord.requests
                if r.method == "POST" and r.path == f"/channels/{other_channel}/messages"
            )
            last_take = original[1].attachments[0]
            fetched = [r for r in h.discord.requests if r.method == "GET" and f"/{last_take.id}/" in r.path]
            assert fetched and fetched[-1].at > first_post.at


async def test_a_command_that_could_not_be_acknowledged_leaves_no_job_behind(tmp_path: Path, caplog):
    # Discord answers "Unknown interaction" when the 3 s window is gone: the bot started nothing,
    # so nothing sits in 'received' counting against the member, and their next command goes in.
    caplog.set_level(logging.INFO, logger="face.start")
    async with FakeMusicGPT(polls_to_complete=1) as musicgpt:
        settings = {"musicgpt_api_key": "test-key", "musicgpt_base_url": musicgpt.base_url}
        async with harness(tmp_path, max_jobs_per_member=1, **settings) as h:
            await h.start()
            h.discord.callback_window = -1.0  # every acknowledgement arrives too late
            late = await h.discord.run_slash_command(
                "remix", {"prompt": "late"}, attachments=[("a.mp3", song(h.tmp), "audio/mpeg")]
            )
            await h.wait_for(lambda: late.callbacks)
            assert late.response is None and not await h.jobs()
            await h.wait_for(lambda: "not acknowledged in time" in caplog.text)
            h.discord.callback_window = 3.0
            result = await remix(h, "on time")
            assert result is not None
            [job] = await h.jobs()
            # The result post lands before the row's last write: wait for it rather than race it.
            job = await h.wait_for_job(job.id, lambda j: j.state is JobState.DELIVERED)
            assert musicgpt.submissions == 1
