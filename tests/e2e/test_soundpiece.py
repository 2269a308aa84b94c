"""/remix provider:soundpiece end to end: the real bot, the fake Discord, the fake Soundpiece."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from audio.probe import probe
from domain.jobs import JobState
from storage.db import Database
from tests.e2e.harness import Harness, failure_text, free_port, harness, song, status_text, takes_of, title_of
from tests.fakes.soundpiece import FakeSoundpiece
from tests.waiting import until

pytestmark = pytest.mark.slow

SECRET = "whsec_" + base64.b64encode(b"soundpiece-e2e-signing-secret!!").decode()
LYRICS = "[Verse]\nNeon rain on the window\n[Chorus]\nWe ride the night"


def sp(fake: FakeSoundpiece, **extra: Any) -> dict[str, Any]:
    return dict(soundpiece_api_key=fake.api_key, soundpiece_base_url=fake.base_url, **extra)


async def remix(h: Harness, tmp: Path, user_id: int | None = None, **options: Any) -> None:
    ix = await h.discord.run_slash_command(
        "remix",
        {"prompt": "synthwave, female vocals", "lyrics": LYRICS, "provider": "soundpiece", **options},
        attachments=[("song.mp3", song(tmp, seconds=3), "audio/mpeg")],
        user_id=user_id,
    )
    await ix.wait_response()


async def recorded_deliveries(h: Harness) -> list[tuple[str, int]]:
    db = await Database.open(h.tmp / "bot.sqlite3")
    try:
        rows = await db.fetchall("SELECT delivery_id, job_id FROM webhook_deliveries")
        return [(row[0], row[1]) for row in rows]
    finally:
        await db.close()


def puts(fake: FakeSoundpiece) -> list[str]:
    return [path for method, path in fake.requests if method == "PUT"]


@pytest.mark.parametrize(("variations", "takes"), [(None, 1), (1, 1), (3, 3)])
async def test_variations_become_that_many_attachments(
    tmp_path: Path, variations: int | None, takes: int
) -> None:
    options = {"variations": variations} if variations else {}
    async with FakeSoundpiece(processing_time=0.3) as fake, harness(tmp_path, **sp(fake)) as h:
        await h.start()
        await remix(h, tmp_path, **options)
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.DELIVERED

        # The PUT carried the stored idempotency key, the Discord attachment URL, lyrics and prompt.
        [op] = fake.operations.values()
        assert str(op.body.idempotency_key) == job.idempotency_key
        assert str(op.body.source.url) == job.input_url and "/ephemeral-attachments/" in job.input_url
        assert op.body.lyrics == LYRICS and op.body.prompt == "synthwave, female vocals"
        assert op.body.n_variations == takes and op.body.callback_url is None
        assert fake.fetched_sources == [job.input_url], "Soundpiece fetched the member's file from Discord"
        assert fake.created == 1 and job.handle and job.handle.task_id == op.id

        # Progress came by long-polling: never more than one request at a time, no tight loop.
        gets = [p for m, p in fake.requests if m == "GET"]
        assert gets and all("wait=true" in p for p in gets) and len(gets) < 5
        assert fake.most_concurrent_gets == {op.id: 1}

        assert len(takes_of(result)) == takes
        names = [a.filename for a in takes_of(result)]
        assert names == [f"remix-1-take{n}.flac" for n in range(1, takes + 1)]
        for attachment in takes_of(result):
            path = tmp_path / attachment.filename
            path.write_bytes(attachment.data)
            assert probe(path).duration > 0.3
        assert "Take 1" in str(result.embeds[0]["fields"])


async def test_missing_lyrics_are_asked_for_by_name(tmp_path: Path) -> None:
    async with FakeSoundpiece() as fake, harness(tmp_path, **sp(fake)) as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "synthwave", "provider": "soundpiece"},
            attachments=[("song.mp3", song(tmp_path), "audio/mpeg")],
        )
        response = await ix.wait_response()
        assert response.ephemeral
        assert response.data["content"] == (
            "Nothing was started. Soundpiece needs lyrics for this. Add them with the `lyrics` option."
        )
        assert fake.created == 0 and not fake.requests and not h.bot_messages()


async def test_signed_webhooks_valid_forged_and_replayed(tmp_path: Path) -> None:
    port = free_port()
    # The long poll holds its full 20 s even after the end (a stale replica), so only a valid
    # webhook can make the bot notice the end quickly; the fake sends none by itself.
    async with FakeSoundpiece(
        processing_time=None, max_wait=20, early_return=False, signing_secret=SECRET, webhook_copies=0
    ) as fake:
        settings = sp(
            fake,
            soundpiece_webhook_secret=SECRET,
            public_base_url=f"http://127.0.0.1:{port}",
            webhook_port=port,
        )
        async with harness(tmp_path, **settings) as h:
            await h.start()
            await remix(h, tmp_path)
            job = await h.wait_for_job(1, lambda j: j.state is JobState.SUBMITTED)
            [op] = fake.operations.values()
            callback = f"http://127.0.0.1:{port}/webhooks/soundpiece/{job.webhook_token}"
            assert str(op.body.callback_url) == callback

            fake.finish(op.id)
            forged = await fake.send_webhook(op.id, forge=True)
            # A captured delivery sent again an hour later.
            replayed = await fake.send_webhook(op.id, age=3600)
            assert (forged.status, replayed.status) == (401, 401)
            # Anyone holding the URL (the token is in it) but not the secret: no signature headers at all.
            body = {"type": "create.remix_song.ready", "data": {"id": op.id, "status": "ready"}}
            async with aiohttp.ClientSession() as client, client.post(callback, json=body) as resp:
                assert resp.status == 401
            await asyncio.sleep(1.0)
            assert (await h.job(1)).state is JobState.SUBMITTED, "refused deliveries change nothing"
            assert await recorded_deliveries(h) == []

            valid = await fake.send_webhook(op.id)
            duplicate = await fake.send_webhook(op.id, webhook_id=valid.webhook_id)
            assert (valid.status, duplicate.status) == (200, 200)
            await h.wait_for(lambda: h.result_messages(), timeout=10)
            assert fake.ready_after_full_hold == 0, "the webhook cut the 20 s long poll short"
            # The long poll the webhook cut short was dropped before the bot asked again.
            assert fake.most_concurrent_gets == {op.id: 1}, "one request in flight per job"
            assert await recorded_deliveries(h) == [(valid.webhook_id, job.id)], "deduplicated on webhook-id"

            # Polling stayed the source of truth: the bot asked Soundpiece before believing the webhook.
            assert any(m == "GET" and "wait=true" not in p for m, p in fake.requests)
            await asyncio.sleep(0.3)
            assert len(h.result_messages()) == 1 and fake.created == 1


async def test_429_pauses_every_soundpiece_request_of_the_account(tmp_path: Path) -> None:
    # Each job asks at least every 2 s (the adapter spaces polls that come back early), so a
    # pause-free client would show requests in the 3 s window watched below.
    async with FakeSoundpiece(processing_time=None, max_wait=1.0) as fake, harness(tmp_path, **sp(fake)) as h:
        await h.start()
        alice, bob = list(h.discord.members)[1:3]
        await remix(h, tmp_path, user_id=alice)
        await remix(h, tmp_path, user_id=bob)
        for job_id in (1, 2):
            await h.wait_for_job(job_id, lambda j: j.state is JobState.RUNNING)

        before = len(fake.requests)
        fake.rate_limit(retry_after=4)
        await until(lambda: len(fake.requests) > before)  # this one got the 429
        await asyncio.sleep(0.2)  # a request already on its way may land
        during = len(fake.requests)
        await until(lambda: len(fake.requests) > during)  # both jobs carry on after the pause
        assert fake.requests_during_pause == 0, "no job asked anything while the account was paused"

        for op in list(fake.operations.values()):
            fake.finish(op.id)
        await h.wait_for(lambda: len(h.result_messages()) == 2, timeout=30)
        assert fake.created == 2


async def test_killed_after_the_put_was_sent_pays_once(tmp_path: Path) -> None:
    async with FakeSoundpiece(processing_time=0.3) as fake, harness(tmp_path, **sp(fake)) as h:
        fake.lose_next_put_answer(hold=30)
        await h.start()
        await remix(h, tmp_path)
        # The operation exists at Soundpiece, but its answer never reached the bot.
        await until(lambda: fake.created == 1)
        assert (await h.job(1)).state is JobState.SUBMITTING
        await h.stop()

        stopped = await h.job(1)
        assert stopped.state is JobState.SUBMITTING and stopped.handle is None

        await h.start()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        await asyncio.sleep(0.3)
        assert job.state is JobState.DELIVERED
        assert fake.created == 1, "exactly one operation: the resend reused the idempotency key"
        assert len(puts(fake)) == 2
        assert {str(op.body.idempotency_key) for op in fake.operations.values()} == {job.idempotency_key}
        assert job.handle and job.handle.task_id in fake.operations
        assert len(h.result_messages()) == 1 and len(h.status_messages()) == 1


async def test_expired_output_urls_are_fetched_again(tmp_path: Path) -> None:
    async with FakeSoundpiece(processing_time=0.3) as fake, harness(tmp_path, **sp(fake)) as h:
        fake.expire_next_urls()
        await h.start()
        await remix(h, tmp_path, variations=2)
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        assert len(takes_of(result)) == 2
        assert "could not be downloaded" not in str(result.embeds[0])
        # The ready answer's URLs were refused (expired); one quick GET signed them again.
        quick = [p for m, p in fake.requests if m == "GET" and "wait=true" not in p]
        assert len(quick) == 1


async def test_failed_operation_and_validation_errors_are_clear(tmp_path: Path) -> None:
    async with FakeSoundpiece(processing_time=0.2) as fake, harness(tmp_path, **sp(fake)) as h:
        fake.fail_next_operation("The vocals could not be separated from the mix.")
        await h.start()
        await remix(h, tmp_path)
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert job.state is JobState.FAILED
        [status] = await h.wait_for(lambda: [m for m in h.status_messages() if "Failed" in title_of(m)])
        assert (
            "Soundpiece could not make this remix: The vocals could not be separated from the mix."
            in status_text(status)
        )

        fake.script_error(
            422,
            detail=[
                {
                    "loc": ["body", "lyrics"],
                    "msg": "String should have at most 3000 characters",
                    "type": "string_too_long",
                }
            ],
        )
        await remix(h, tmp_path)
        job = await h.wait_for_job(2, lambda j: j.finished)
        assert job.state is JobState.FAILED
        expected = "Soundpiece refused the request: lyrics: String should have at most 3000 characters"
        assert expected in failure_text(job)
        assert fake.created == 1
