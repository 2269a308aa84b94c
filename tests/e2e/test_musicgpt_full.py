"""/sing and /generate end to end: the real bot, the fake Discord, the fake MusicGPT, with webhooks
into the bot's own web server and with polling only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from domain.jobs import JobState
from tests.e2e.harness import (
    Harness,
    failure_text,
    free_port,
    harness,
    private_answer,
    song,
    status_message_of,
    status_text,
    title_of,
)
from tests.fakes.musicgpt import FakeMusicGPT, Fault

pytestmark = pytest.mark.slow

LRC_1 = "[00:00.00]la la 1\n[00:00.50]la di da\n"
LRC_2 = "[00:00.00]la la 2\n[00:00.50]la di da\n"


def mg(fake: FakeMusicGPT, **extra):
    return dict(musicgpt_api_key="test-key", musicgpt_base_url=fake.base_url, **extra)


def with_webhooks(fake: FakeMusicGPT, port: int, **extra):
    """PUBLIC_BASE_URL pointing at the bot's own web server on 127.0.0.1."""
    return mg(fake, public_base_url=f"http://127.0.0.1:{port}", webhook_port=port, **extra)


def files(result) -> dict[str, bytes]:
    return {a.filename: a.data for a in result.attachments}


def embed_fields(result) -> dict[str, str]:
    return {f["name"]: f["value"] for f in result.embeds[0].get("fields", [])}


async def refusal(h: Harness, command: str, options: dict, **kw) -> str:
    ix = await h.discord.run_slash_command(command, options, **kw)
    return await private_answer(ix)


async def test_sing_with_webhooks_shuffled_and_repeated(tmp_path: Path):
    port = free_port()
    beat = song(tmp_path, name="beat")
    # /byId never finishes and the backstop is far off: only the webhooks can deliver this job.
    async with FakeMusicGPT(polls_to_complete=10_000, eta=42) as fake:
        async with harness(tmp_path, **with_webhooks(fake, port, musicgpt_backstop_poll_interval=60)) as h:
            await h.start()
            ix = await h.discord.run_slash_command(
                "sing",
                {"prompt": "soulful and slow", "lyrics": "hello world", "gender": "female"},
                attachments=[("my beat.mp3", beat, "audio/mpeg")],
            )
            await ix.wait_response()
            job = await h.wait_for_job(1, lambda j: j.handle is not None)
            submitted = fake.job()
            assert submitted.conversion_type == "SING_OVER_INSTRUMENTAL"
            assert submitted.upload is not None and submitted.upload.data == beat
            assert {k: submitted.fields[k] for k in ("prompt", "lyrics", "gender", "webhook_url")} == {
                "prompt": "soulful and slow",
                "lyrics": "hello world",
                "gender": "female",
                "webhook_url": f"http://127.0.0.1:{port}/webhooks/musicgpt/{job.webhook_token}",
            }

            # Forged or misdirected deliveries get 404 and change nothing; an oversized body is refused.
            real = fake.webhook_payloads(submitted)[0]
            async with aiohttp.ClientSession() as session:

                async def post(url: str, body: bytes) -> int:
                    async with session.post(
                        url, data=body, headers={"Content-Type": "application/json"}
                    ) as r:
                        return r.status

                base = f"http://127.0.0.1:{port}/webhooks/musicgpt"
                assert await post(f"{base}/not-the-token", json.dumps(real).encode()) == 404
                assert await post(f"{base}/{job.webhook_token}x", json.dumps(real).encode()) == 404
                other_task = json.dumps(real | {"task_id": "someone-elses-task"}).encode()
                assert await post(submitted.webhook_url, other_task) == 404
                assert await post(submitted.webhook_url, b"{" + b" " * 300_000 + b"}") == 413
            await asyncio.sleep(0.3)
            assert not h.result_messages()
            assert (await h.job(1)).state in (JobState.SUBMITTED, JobState.RUNNING)

            # Two audio, two lyrics, one cover, in shuffled order, two of them twice: all 2xx.
            statuses = await fake.send_webhooks(duplicates=2, shuffle=True, seed=11)
            assert len(statuses) == 7 and all(200 <= s < 300 for s in statuses)
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.DELIVERED
            assert submitted.polls == 0, "the webhooks, not polling, delivered this job"

            got = files(result)
            assert sorted(got) == [
                "sing-1-take1.lrc",
                "sing-1-take1.mp3",
                "sing-1-take2.lrc",
                "sing-1-take2.mp3",
            ]
            assert got["sing-1-take1.lrc"].decode() == LRC_1 and got["sing-1-take2.lrc"].decode() == LRC_2
            embed = result.embeds[0]
            assert embed["thumbnail"]["url"].endswith(f"/covers/{submitted.task_id}.png")
            assert "la la 1" in embed_fields(result)["Lyrics"]
            assert embed_fields(result)["Take 1"].startswith("1 s")

            # The same deliveries again, after the job is done: 2xx, and nothing changes.
            before = await h.job(1)
            assert all(200 <= s < 300 for s in await fake.send_webhooks())
            await asyncio.sleep(0.3)
            assert len(h.result_messages()) == 1
            assert (await h.job(1)).updated_at == before.updated_at


async def test_generate_with_webhooks_lost_is_finished_by_slow_polling(tmp_path: Path):
    port = free_port()
    async with FakeMusicGPT(polls_to_complete=2, eta=1) as fake:
        settings = with_webhooks(fake, port, musicgpt_backstop_poll_interval=0.4)
        async with harness(tmp_path, **settings) as h:
            await h.start()
            ix = await h.discord.run_slash_command(
                "generate",
                {
                    "lyrics": "forest song\nunder the trees",
                    "style": "Folk",
                    "gender": "male",
                    "voice": "Drake",
                    "length": 95,
                },
            )
            await ix.wait_response()
            # The fake never sends the webhooks.
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)
            submitted = fake.job()
            assert submitted.conversion_type == "MUSIC_AI"
            assert submitted.fields == {
                "lyrics": "forest song\nunder the trees",
                "music_style": "Folk",
                "make_instrumental": False,
                "vocal_only": False,
                "voice_id": "Drake",
                "gender": "male",
                "output_length": 95.0,
                "webhook_url": f"http://127.0.0.1:{port}/webhooks/musicgpt/{(await h.job(1)).webhook_token}",
            }
            gaps = [b - a for a, b in zip(submitted.poll_times, submitted.poll_times[1:])]
            assert gaps and min(gaps) >= 0.35, f"backstop polls are slow: {gaps}"
            assert sorted(files(result)) == [
                "generate-1-take1.lrc",
                "generate-1-take1.mp3",
                "generate-1-take2.lrc",
                "generate-1-take2.mp3",
            ]
            assert result.embeds[0]["title"] == "Fake Song 1"
            assert result.embeds[0]["thumbnail"]["url"].endswith(".png")


async def test_generate_polling_only_prompt_mode(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=2) as fake, harness(tmp_path, **mg(fake)) as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "generate", {"prompt": "a song about rain", "instrumental": True}
        )
        ack = await ix.wait_response()
        assert ack.ephemeral and "audio" not in ack.data["content"]
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)
        assert fake.job().fields == {
            "prompt": "a song about rain",
            "make_instrumental": True,
            "vocal_only": False,
        }
        assert sorted(files(result)) == ["generate-1-take1.mp3", "generate-1-take2.mp3"]  # no lyrics
        assert result.embeds[0]["title"] == "Fake Song 1"
        # The post lands before the row records it: wait for the record, do not race it.
        assert (await h.wait_for_job(1, lambda j: j.finished)).state is JobState.DELIVERED


async def test_sing_polling_only_with_one_take_flagged(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=2, flagged={2: "explicit lyrics"}) as fake:
        async with harness(tmp_path, **mg(fake)) as h:
            await h.start()
            await h.discord.run_slash_command(
                "sing",
                {"prompt": "rap", "lyrics": "words"},
                attachments=[("beat.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            )
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)
            assert fake.job().conversion_type == "SING_OVER_INSTRUMENTAL" and fake.job().polls >= 2
            assert sorted(files(result)) == ["sing-1-take1.lrc", "sing-1-take1.mp3"]
            assert "take is ready" in result.content
            note = embed_fields(result)["Note"]
            assert "Take 2 was flagged by MusicGPT (explicit lyrics)" in note


async def test_partial_success_at_the_deadline_delivers_the_ready_take(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1, stalled_takes={2}) as fake:
        async with harness(tmp_path, **mg(fake, job_deadline_seconds=1.5)) as h:
            await h.start()
            await h.discord.run_slash_command("generate", {"prompt": "slow jam"})
            [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.DELIVERED
            # The cover had not arrived with the partial result, so a waveform stands in for it.
            assert sorted(files(result)) == ["generate-1-take1.lrc", "generate-1-take1.mp3", "waveform.png"]
            assert "other take was still not ready after 2 s" in embed_fields(result)["Note"]
            assert job.result and [t.index for t in job.result.takes] == [1]


async def test_bad_requests_are_refused_privately_and_nothing_is_sent(tmp_path: Path):
    async with FakeMusicGPT() as fake, harness(tmp_path, **mg(fake)) as h:
        await h.start()
        assert "Give me a prompt, lyrics, or both" in await refusal(h, "generate", {})
        assert "Give me a prompt, lyrics, or both" in await refusal(h, "generate", {"style": "Pop"})
        assert "between 10 s and 8:00" in await refusal(h, "generate", {"prompt": "x", "length": 5})
        both = await refusal(h, "generate", {"prompt": "x", "instrumental": True, "vocal_only": True})
        assert "both instrumental and vocals only" in both
        # The offline provider cannot sing or compose: the message names one that can.
        local = await refusal(
            h,
            "sing",
            {"prompt": "x", "lyrics": "y", "provider": "local"},
            attachments=[("a.mp3", song(tmp_path), "audio/mpeg")],
        )
        assert "Offline effects can't make a sing-over. Try MusicGPT." in local
        assert "can't make a song. Try MusicGPT." in await refusal(
            h, "generate", {"prompt": "x", "provider": "local"}
        )
        await asyncio.sleep(0.2)
        assert fake.submissions == 0 and not h.bot_messages()
        assert all(j.state is JobState.REJECTED for j in await h.jobs())


async def test_voice_autocomplete_filters_the_cached_catalogue(tmp_path: Path):
    async with FakeMusicGPT() as fake, harness(tmp_path, **mg(fake)) as h:
        await h.start()
        choices = await h.discord.autocomplete("generate", "voice", "dra")
        assert [(c["name"], c["value"]) for c in choices] == [
            ("Drake", "Drake"),
            ("Drake (2019)", "Drake-2019"),
        ]
        assert len(await h.discord.autocomplete("generate", "voice", "")) == 25
        assert [c["value"] for c in await h.discord.autocomplete("generate", "voice", "ADELE")] == ["Adele"]
        pages = [r for r in fake.requests if r[1].endswith("/getAllVoices")]
        assert len(pages) == 3, "240 voices, 100 a page, loaded once"
        # With the offline provider picked there are no voices to offer.
        assert await h.discord.autocomplete("generate", "voice", "dra", {"provider": "local"}) == []


@pytest.mark.parametrize(
    "faults, expected",
    [
        (
            [Fault(400, {"success": False, "error": "gender must be male, female or neutral"})],
            "MusicGPT refused the request: gender must be male, female or neutral",
        ),
        ([Fault.insufficient_credits()], "out of credits"),
        ([Fault(403, {"success": False, "error": "Forbidden"})], "refused the bot's API key"),
        ([Fault.not_found()], "did not recognise the bot's request"),
        ([Fault(409, {"success": False, "error": "Conflict"})], "duplicates a request"),
        ([Fault.validation("prompt is too long")], "MusicGPT refused the request: prompt is too long"),
        # Transient and surely not started: retried (Retry-After 0 keeps it quick) until the bot gives up.
        (
            [Fault(429, {"success": False, "error": "Too Many Requests"}, {"Retry-After": "0"})] * 25,
            "too many requests",
        ),
        # A 5xx may come after MusicGPT took the job (a gateway): never sent again, so never paid twice.
        (
            [Fault(500, {"success": False, "error": "Internal Server Error"}, {"Retry-After": "0"})] * 25,
            "did not confirm that it got this job",
        ),
    ],
)
async def test_documented_errors_reach_the_member(tmp_path: Path, faults, expected):
    async with FakeMusicGPT() as fake:
        fake.script("MusicAI", *faults)
        async with harness(tmp_path, **mg(fake)) as h:
            await h.start()
            await h.discord.run_slash_command("generate", {"prompt": "x"})
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.FAILED and expected in failure_text(job)
            status = await h.wait_for(
                lambda: (m := status_message_of(h, 1)) and "Failed" in title_of(m) and m
            )
            assert expected in status_text(status) and "Traceback" not in status_text(status)
            attempts = [r for r in fake.requests if r[1].endswith("/MusicAI")]
            resendable = faults[0].status == 429
            assert (len(attempts) > 1) if resendable else (len(attempts) == 1), "resent only when it is safe"


async def test_all_takes_flagged_reaches_the_member(tmp_path: Path):
    async with FakeMusicGPT(polls_to_complete=1, flagged={1: "policy", 2: "policy"}) as fake:
        async with harness(tmp_path, **mg(fake)) as h:
            await h.start()
            await h.discord.run_slash_command("generate", {"prompt": "x"})
            job = await h.wait_for_job(1, lambda j: j.finished)
            assert job.state is JobState.FAILED
            assert "MusicGPT flagged this request (policy) and made no track" in failure_text(job)
            assert not h.result_messages()


async def test_reroll_and_edit_work_on_a_generated_song(tmp_path: Path):
    """A /generate job has no input audio: Reroll and Edit and rerun start new songs all the same."""
    async with FakeMusicGPT(polls_to_complete=1) as fake, harness(tmp_path, **mg(fake)) as h:
        await h.start()
        await (
            await h.discord.run_slash_command("generate", {"prompt": "a sea shanty", "style": "folk"})
        ).wait_response()
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=15)

        reroll = await h.discord.click_button(result.id, "remix:reroll:1")
        assert "Nothing was started" not in ((await reroll.wait_response()).data or {}).get("content", "")
        second = await h.wait_for_job(2, lambda j: j.finished, timeout=15)
        assert second.state is JobState.DELIVERED, second.error
        assert second.prompt == "a sea shanty" and second.options.get("style") == "folk"

        edit = await h.discord.click_button(result.id, "remix:edit:1")
        assert (await edit.wait_response()).type == 9, "the form opens as the first response"
        await (
            await h.discord.submit_modal(edit.modal["custom_id"], {"prompt": "a pirate ballad"})
        ).wait_response()
        third = await h.wait_for_job(3, lambda j: j.finished, timeout=15)
        assert third.state is JobState.DELIVERED and third.prompt == "a pirate ballad"
        assert [j.fields.get("prompt") for j in fake.jobs] == [
            "a sea shanty",
            "a sea shanty",
            "a pirate ballad",
        ]
