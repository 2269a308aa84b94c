"""/remix end to end: the real bot, the fake Discord, the fake MusicGPT."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from audio.probe import probe
from domain.jobs import JobState
from tests.e2e.harness import failure_text, harness, private_answer, song, status_text, takes_of, title_of
from tests.fakes.musicgpt import FakeMusicGPT, Fault

pytestmark = pytest.mark.slow

ORDER = [
    "Waiting in the queue",
    "Sending the audio",
    "Submitted",
    "Working on it",
    "Posting the takes",
    "Done",
]


def audio_of(message):
    """The takes among a result's attachments (timed lyrics come as .lrc files beside them)."""
    return [a for a in message.attachments if not a.filename.endswith(".lrc")]


def stage_index(title: str) -> int:
    return next(i for i, name in enumerate(ORDER) if name in title)


@pytest.fixture
async def musicgpt():
    async with FakeMusicGPT(polls_to_complete=4, eta=30) as fake:
        yield fake


def mg(fake: FakeMusicGPT, **extra):
    return dict(musicgpt_api_key="test-key", musicgpt_base_url=fake.base_url, **extra)


async def test_remix_is_acknowledged_tracked_and_delivered(tmp_path: Path, musicgpt: FakeMusicGPT):
    audio = song(tmp_path)
    async with harness(tmp_path, audio_workers=1, **mg(musicgpt)) as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "lo-fi with chill beats @everyone"},
            attachments=[("my song.mp3", audio, "audio/mpeg")],
        )
        ack = await ix.wait_response(timeout=3)
        assert ack.delay < 3 and ack.ephemeral

        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        [status] = h.status_messages()
        await h.wait_for(lambda: "Done" in title_of(status))

        # The status message went through the states in order and ended on Done, linking the result.
        titles = [title_of(r) for r in status.revisions]
        indexes = [stage_index(t) for t in titles]
        assert indexes == sorted(indexes), titles
        assert "Waiting in the queue" in titles[0] and "Done" in titles[-1]
        assert any("Working on it" in t for t in titles)
        assert any("%" in status_text(r) for r in status.revisions)
        assert "Jump to the result" in status_text(status)
        assert all(r.via == "PATCH channel" for r in status.revisions[1:]), "edits must use the bot token"

        # One result message: mentions the member, two takes that decode as audio.
        assert result.content.startswith(f"<@{h.discord.default_user_id}>")
        # Two takes that decode as audio, each with its timed lyrics beside it.
        assert sorted(a.filename for a in result.attachments) == [
            "remix-1-take1.lrc",
            "remix-1-take1.mp3",
            "remix-1-take2.lrc",
            "remix-1-take2.mp3",
        ]
        for n, attachment in enumerate(audio_of(result), start=1):
            path = tmp_path / f"got{n}.mp3"
            path.write_bytes(attachment.data)
            assert probe(path).duration > 0.5
        assert "@everyone" not in (result.embeds[0].get("description") or "")
        assert result.allowed_mentions and result.allowed_mentions.get("parse") == []

        # The provider saw one upload of exactly the member's bytes, with the raw key.
        assert musicgpt.submissions == 1
        assert musicgpt.jobs[0].upload.data == audio

        job = await h.job(1)
        assert job.state is JobState.DELIVERED
        assert job.result_message_id == result.id and job.status_message_id == status.id
        assert job.handle and job.handle.task_id == musicgpt.jobs[0].task_id
        assert job.handle.conversion_ids == musicgpt.jobs[0].conversion_ids
        # The input is kept for the retention period, so Reroll can send the very same bytes.
        assert job.input_path and job.input_path.read_bytes() == audio


async def test_restart_mid_job_submits_once_and_delivers_once(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=12, eta=5) as musicgpt:
        async with harness(tmp_path, **mg(musicgpt)) as h:
            await h.start()
            ix = await h.discord.run_slash_command(
                "remix",
                {"prompt": "make it jazz"},
                attachments=[("a.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            )
            await ix.wait_response()
            await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
            await h.stop()

            stopped = await h.job(1)
            assert stopped.state is JobState.RUNNING and stopped.handle is not None
            assert not h.result_messages()

            await h.start()
            await h.wait_for(lambda: h.result_messages(), timeout=30)
            job = await h.wait_for_job(1, lambda j: j.finished)
            await asyncio.sleep(0.3)  # anything posted twice would show up by now

            assert job.state is JobState.DELIVERED
            assert musicgpt.submissions == 1
            assert len(h.result_messages()) == 1
            assert len(h.status_messages()) == 1, "the same status message is carried on"
            assert len(audio_of(h.result_messages()[0])) == 2


async def test_not_audio_is_refused_privately_and_nothing_is_sent(tmp_path: Path, musicgpt: FakeMusicGPT):
    # AUDIO_WORKERS=1: the refusal comes from the probe in a worker process, with its reason intact.
    async with harness(tmp_path, audio_workers=1, **mg(musicgpt)) as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "x"},
            attachments=[("song.mp3", b"this is not audio at all" * 20, "audio/mpeg")],
        )
        await ix.wait_response()
        await h.wait_for(lambda: ix.original and "Nothing was started" in ix.original.content)
        assert "doesn't look like an audio file" in ix.original.content
        assert ix.original.ephemeral
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.REJECTED
        assert musicgpt.submissions == 0 and not h.bot_messages()


async def test_lyrics_too_long_is_refused_at_once(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "x", "lyrics": "la" * 1050},
            attachments=[("a.mp3", song(tmp_path), "audio/mpeg")],
        )
        content = await private_answer(ix)
        assert "2100 characters" in content and "at most 2000" in content
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.REJECTED
        assert musicgpt.submissions == 0


async def test_take_over_the_upload_limit_is_transcoded_to_fit(tmp_path: Path):
    big_take = song(tmp_path, seconds=30, fmt="wav", name="take")  # ~5 MB of WAV
    async with FakeMusicGPT(polls_to_complete=1, audio=big_take) as musicgpt:
        async with harness(tmp_path, audio_workers=1, **mg(musicgpt)) as h:
            h.discord.attachment_size_limit = 1024 * 1024
            await h.start()
            await h.discord.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
            for attachment in audio_of(result):
                assert attachment.size <= 1024 * 1024
                assert attachment.filename.endswith(".mp3")
                path = tmp_path / attachment.filename
                path.write_bytes(attachment.data)
                assert abs(probe(path).duration - 30) < 1


async def test_out_of_credits_ends_the_job_with_a_clear_message(tmp_path: Path, musicgpt: FakeMusicGPT):
    musicgpt.script("Remix", Fault.insufficient_credits())
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.FAILED
        [status] = await h.wait_for(lambda: [m for m in h.status_messages() if "Failed" in title_of(m)])
        assert "out of credits" in status_text(status) and "server admin" in status_text(status)
        assert "Traceback" not in status_text(status)


async def test_rate_limited_submit_is_retried(tmp_path: Path, musicgpt: FakeMusicGPT):
    musicgpt.script("Remix", Fault.rate_limited(retry_after=0.2), Fault.rate_limited(retry_after=0.2))
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=40)
        assert job.state is JobState.DELIVERED
        assert musicgpt.submissions == 1
        assert [s for _, p, s in musicgpt.requests if p.endswith("/Remix")] == [429, 429, 200]


async def test_a_5xx_submit_is_not_resent(tmp_path: Path, musicgpt: FakeMusicGPT):
    # The vendor may have taken the job before its gateway failed: a resend could bill twice.
    musicgpt.script("Remix", Fault.server_error(502))
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=40)
        assert job.state is JobState.FAILED and "did not confirm" in failure_text(job)
        assert len([r for r in musicgpt.requests if r[1].endswith("/Remix")]) == 1


async def test_deadline_ends_a_stuck_job(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=10_000) as musicgpt:
        async with harness(tmp_path, **mg(musicgpt, job_deadline_seconds=1.5)) as h:
            await h.start()
            await h.discord.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.FAILED and "longer than" in failure_text(job)


async def test_parallel_limit_queues_the_second_member(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=6) as musicgpt:
        async with harness(tmp_path, **mg(musicgpt, musicgpt_max_parallel=1)) as h:
            await h.start()
            alice, bob = list(h.discord.members)[1:3]
            await h.discord.run_slash_command(
                "remix", {"prompt": "a"}, user_id=alice, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            await h.wait_for_job(1, lambda j: j.state in (JobState.SUBMITTED, JobState.RUNNING))
            await h.discord.run_slash_command(
                "remix", {"prompt": "b"}, user_id=bob, attachments=[("b.mp3", song(tmp_path), "audio/mpeg")]
            )
            await h.wait_for(
                lambda: any(
                    "Next in line" in status_text(r) for m in h.status_messages() for r in m.revisions
                )
            )
            assert musicgpt.submissions == 1, "the second job waits for the slot"
            await h.wait_for(lambda: len(h.result_messages()) == 2, timeout=40)
            assert musicgpt.submissions == 2


async def test_missing_channel_permissions_are_refused_clearly(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        for channel in h.discord.channels.values():
            channel.bot_permissions = 1 << 10 | 1 << 11  # view channel + send messages only
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        response = await ix.wait_response()
        assert response.ephemeral and "Attach Files" in response.data["content"]
        assert "Embed Links" in response.data["content"]
        assert not await h.jobs()


async def test_empty_and_oversized_files_are_refused_before_any_download(
    tmp_path: Path, musicgpt: FakeMusicGPT
):
    async with harness(tmp_path, **mg(musicgpt, max_input_bytes=20_000)) as h:
        await h.start()
        empty = await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", b"", "audio/mpeg")]
        )
        assert "empty" in await private_answer(empty)
        big = await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("big.wav", song(tmp_path, fmt="wav"), "audio/wav")]
        )
        content = await private_answer(big)
        assert "That file is" in content and "up to 20 KB" in content
        assert [j.state for j in await h.jobs()] == [JobState.REJECTED, JobState.REJECTED]
        assert not h.discord.requests_to("GET", r"attachments"), "nothing was downloaded"
        assert musicgpt.submissions == 0


async def test_a_typo_is_answered_and_another_members_job_carries_on(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        alice, bob = list(h.discord.members)[1:3]
        await h.discord.run_slash_command(
            "remix", {"prompt": "a"}, user_id=alice, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        typo = await h.discord.run_slash_command(
            "remix",
            {"prompt": "b", "provider": "musicgtp"},
            user_id=bob,
            attachments=[("b.mp3", song(tmp_path), "audio/mpeg")],
        )
        reply = await private_answer(typo)
        assert "I don't know the provider `musicgtp`" in reply and "musicgpt" in reply
        await h.wait_for(lambda: h.result_messages(), timeout=30)
        [job] = await h.jobs()
        assert job.member_id == alice
        await h.wait_for_job(job.id, lambda j: j.state is JobState.DELIVERED)


async def test_a_burst_of_jobs_never_exceeds_the_parallel_limit(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=3) as musicgpt:
        async with harness(tmp_path, **mg(musicgpt, musicgpt_max_parallel=2, max_jobs_per_member=10)) as h:
            await h.start()
            audio = song(tmp_path)
            for n in range(6):
                await h.discord.run_slash_command(
                    "remix", {"prompt": f"take {n}"}, attachments=[(f"{n}.mp3", audio, "audio/mpeg")]
                )
            at_provider = {JobState.SUBMITTING, JobState.SUBMITTED, JobState.RUNNING}
            peak = 0
            while len(h.result_messages()) < 6:
                peak = max(peak, len([j for j in await h.jobs() if j.state in at_provider]))
                await asyncio.sleep(0.02)
            assert peak == 2
            assert musicgpt.submissions == 6


async def test_a_discord_outage_while_posting_does_not_lose_the_takes(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        # From here the only POST is the result (status updates are PATCHes): it meets a 503 twice.
        h.discord.script_outage("POST", r"/channels/\d+/messages", times=2)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=40)
        assert len(h.discord.requests_to("POST", r"/channels/\d+/messages")) >= 4  # status, 2 refused, result
        assert job.state is JobState.DELIVERED, job.error
        [result] = h.result_messages()
        assert len(takes_of(result)) == 2
        assert musicgpt.submissions == 1


async def test_takes_over_the_download_cap_end_the_job_at_once(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt, max_take_bytes=1000)) as h:
        await h.start()
        await h.discord.run_slash_command(
            "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
        )
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=10)
        assert job.state is JobState.FAILED
        assert "None of the takes could be downloaded" in failure_text(job)
        assert not h.result_messages()


async def test_a_restart_mid_submit_is_not_resent_to_a_provider_without_idempotency(tmp_path: Path):
    """MusicGPT has no idempotency key: a submit cut short by a restart must not be sent again."""
    async with FakeMusicGPT() as musicgpt:
        musicgpt.script("Remix", Fault.timeout(30))  # the job is created, its answer never arrives
        async with harness(tmp_path, **mg(musicgpt)) as h:
            await h.start()
            await h.discord.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            await h.wait_for_job(1, lambda j: j.state is JobState.SUBMITTING)
            await h.wait_for(lambda: musicgpt.submissions == 1)
            await h.stop()
            await h.start()
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.FAILED and "not sent again" in failure_text(job)
            assert musicgpt.submissions == 1
            [status] = h.status_messages()
            await h.wait_for(lambda: "Failed" in title_of(status))


async def test_takes_are_named_by_their_real_format_so_discord_plays_them(tmp_path: Path):
    """The URL says .mp3 but the bytes are WAV: the attachment is named .wav, so players pick the right codec."""
    wav = song(tmp_path, seconds=2, fmt="wav", name="take")
    async with FakeMusicGPT(polls_to_complete=1, audio=wav) as musicgpt:
        async with harness(tmp_path, **mg(musicgpt)) as h:
            await h.start()
            await h.discord.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
            names = sorted(a.filename for a in takes_of(result))
            assert names == ["remix-1-take1.wav", "remix-1-take2.wav"]
            assert all(a.data == wav for a in takes_of(result)), "posted as they came, only renamed"
