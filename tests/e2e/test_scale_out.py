"""Two bot processes on one PostgreSQL and one WORK_DIR, each on its own gateway shard (SHARD_COUNT=2,
SHARD_IDS=0 and 1): a member's /remix is answered and delivered by the process holding the shard of
that member's server, and only the process holding shard 0 syncs the slash commands. A provider's
webhook that reaches the process not driving the job (behind one load balancer) still completes it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import pytest

import bot as bot_main
from config import Settings
from domain.jobs import Job, JobState
from engine.takes import Take
from face.results import DiscordResults
from storage.db import Database
from storage.jobs import JobRepository
from tests.e2e.harness import cut_short, fake_hosts, free_port, song
from tests.fakes.discord import FakeDiscord, FakeMessage, patched_discord
from tests.fakes.musicgpt import FakeMusicGPT
from tests.waiting import until

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

# Discord's shard formula, (id >> 22) % 2: the first server is on shard 0, the second on shard 1.
SHARD0_GUILD = 2 << 22
SHARD1_GUILD = 3 << 22
SHARD1_CHANNEL = SHARD1_GUILD + 10


def process_settings(
    fake: FakeDiscord, tmp: Path, database_url: str, shard_ids: str, **extra: Any
) -> Settings:
    values: dict[str, Any] = dict(
        discord_token="fake-token",
        database_url=database_url,
        work_dir=tmp / "shared-work",  # one volume for every process
        shard_count=2,
        shard_ids=shard_ids,
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        webhook_host="127.0.0.1",
        webhook_port=0,
        status_edit_interval=0.05,
    )
    values.update(extra)
    values["download_allowed_hosts"] = fake_hosts(values)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def bot_process(settings: Settings, fake: FakeDiscord, shard: int) -> AsyncIterator[None]:
    """One bot process (bot.run, as `python bot.py` runs it), up once its shard's session is ready."""
    task = asyncio.create_task(bot_main.run(settings), name=f"bot-shard-{shard}")
    try:
        await fake.wait_for(
            lambda: task.done() or any(s.ready and s.shard == (shard, 2) for s in fake.sessions.values()),
            timeout=15,
        )
        if task.done():
            task.result()  # its failure to start, as raised
        yield
    finally:
        await cut_short(task)


def results_in(fake: FakeDiscord, channel_id: int) -> list[FakeMessage]:
    return [
        m
        for m in fake.messages(channel_id)
        if m.author_id == fake.application_id and m.content and "ready" in m.content
    ]


async def test_each_process_serves_the_servers_on_its_shard(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
):
    posted_by: list[tuple[list[int] | None, int]] = []
    post = DiscordResults.post

    async def recording(self: DiscordResults, job: Job, takes: list[Take], completed: Any, **how: Any) -> Any:
        posted_by.append((self.client.shard_ids, job.id))  # type: ignore[attr-defined]
        return await post(self, job, takes, completed, **how)

    monkeypatch.setattr(DiscordResults, "post", recording)
    audio = song(tmp_path, fmt="wav")

    async with FakeDiscord(guild_id=SHARD0_GUILD, shard_count=2) as fake:
        with patched_discord(fake):
            fake.add_guild(SHARD1_GUILD, "Second server", channels=[(SHARD1_CHANNEL, "lobby")])
            sync = r"/applications/\d+/commands"
            # Shard 1's process first: with nothing synced yet, it leaves the commands alone all the same.
            async with bot_process(process_settings(fake, tmp_path, postgres_url, "1"), fake, shard=1):
                assert fake.global_commands() == [] and fake.requests_to("PUT", sync) == []
                async with bot_process(process_settings(fake, tmp_path, postgres_url, "0"), fake, shard=0):
                    await fake.wait_for(fake.global_commands, timeout=10)
                    for channel_id in (fake.default_channel_id, SHARD1_CHANNEL):
                        ix = await fake.run_slash_command(
                            "remix",
                            {"prompt": "nightcore please"},
                            attachments=[("tune.wav", audio, "audio/wav")],
                            channel_id=channel_id,
                        )
                        await ix.wait_response()
                        await fake.wait_for(lambda c=channel_id: results_in(fake, c), timeout=30)
                        await wait_until_delivered(postgres_url, len(posted_by))

    assert len(fake.requests_to("PUT", sync)) == 1, "commands synced once, by shard 0's process"
    assert posted_by == [([0], 1), ([1], 2)], "each job delivered by the process holding its server's shard"
    by_shard = {s.shard: s for s in fake.sessions.values()}
    assert set(by_shard) == {(0, 2), (1, 2)}
    for (shard_id, _), session in by_shard.items():
        interactions = [f["d"]["guild_id"] for f in session.backlog if f["t"] == "INTERACTION_CREATE"]
        assert interactions == [str(SHARD0_GUILD if shard_id == 0 else SHARD1_GUILD)]


async def test_a_webhook_sent_to_the_process_not_driving_the_job_still_completes_it(
    tmp_path: Path, postgres_url: str
):
    ports = {0: free_port(), 1: free_port()}
    audio = song(tmp_path, fmt="wav")
    # /byId never finishes and the backstop poll is a minute away: only the webhooks can deliver it.
    async with FakeMusicGPT(polls_to_complete=10_000, eta=42) as musicgpt:

        def settings(shard: int) -> Settings:
            return process_settings(
                fake,
                tmp_path,
                postgres_url,
                str(shard),
                default_provider="musicgpt",
                musicgpt_api_key=musicgpt.api_key,
                musicgpt_base_url=musicgpt.base_url,
                musicgpt_backstop_poll_interval=60,
                # Each process's own address; a load balancer in front would pick either.
                public_base_url=f"http://127.0.0.1:{ports[shard]}",
                webhook_port=ports[shard],
            )

        async with FakeDiscord(guild_id=SHARD0_GUILD, shard_count=2) as fake:
            with patched_discord(fake):
                fake.add_guild(SHARD1_GUILD, "Second server", channels=[(SHARD1_CHANNEL, "lobby")])
                async with (
                    bot_process(settings(1), fake, shard=1),
                    bot_process(settings(0), fake, shard=0),
                ):
                    ix = await fake.run_slash_command(
                        "remix",
                        {"prompt": "nightcore please"},
                        attachments=[("tune.wav", audio, "audio/wav")],
                        channel_id=SHARD1_CHANNEL,
                    )
                    await ix.wait_response()
                    await fake.wait_for(lambda: musicgpt.jobs, timeout=30)
                    job = musicgpt.job()
                    # Submitted by shard 1's process, with its webhook URL; sent to shard 0's instead.
                    assert job.webhook_url is not None and f":{ports[1]}/" in job.webhook_url
                    elsewhere = job.webhook_url.replace(f":{ports[1]}/", f":{ports[0]}/")
                    statuses = await musicgpt.send_webhooks(url=elsewhere, duplicates=2, seed=3)
                    await fake.wait_for(lambda: results_in(fake, SHARD1_CHANNEL), timeout=30)
                    await wait_until_delivered(postgres_url, 1, provider="musicgpt")
                    await asyncio.sleep(0.5)  # a second result would show up by now

    assert statuses and all(s == 200 for s in statuses)
    assert len(results_in(fake, SHARD1_CHANNEL)) == 1, "delivered once"
    assert job.polls == 0, "the forwarded webhooks carried it, not polling"
    assert musicgpt.submissions == 1


async def wait_until_delivered(database_url: str, job_id: int, provider: str = "local") -> None:
    """The job's row reads DELIVERED (the result message is posted just before)."""
    db = await Database.open(database_url)
    try:
        jobs = JobRepository(db)
        for _ in range(200):
            job = await jobs.get(job_id)
            if job is not None and job.state is JobState.DELIVERED:
                assert job.provider == provider
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"job {job_id} never delivered")
    finally:
        await db.close()


def process_env(
    fake: FakeDiscord, musicgpt: FakeMusicGPT, tmp: Path, database_url: str, shard: int
) -> dict[str, str]:
    """`python bot.py` on one shard of 2, with short job leases (JOB_LEASE_SECONDS=2)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "fake-token",
        "DATABASE_URL": database_url,
        "WORK_DIR": str(tmp / "shared-work"),
        "SHARD_COUNT": "2",
        "SHARD_IDS": str(shard),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DOWNLOAD_ALLOWED_HOSTS": fake_hosts(
            {"discord_api_base": fake.api_base, "musicgpt_base_url": musicgpt.base_url}
        ),
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": "0",
        "STATUS_EDIT_INTERVAL": "0.05",
        "MUSICGPT_API_KEY": "test-key",
        "MUSICGPT_BASE_URL": musicgpt.base_url,
        "MUSICGPT_POLL_INTERVAL": "0.2",
        "MUSICGPT_STATUS_PER_MINUTE": "1000",
        "JOB_LEASE_SECONDS": "2",
    }


async def test_a_killed_process_s_job_is_taken_over_and_delivered_once(tmp_path: Path, postgres_url: str):
    """SIGKILL the process driving a job at MusicGPT: the other process claims it once the lease has
    run out, tracks it from its saved handle (no second submit) and posts the result exactly once."""
    audio = song(tmp_path)
    logs = [tmp_path / "shard0.log", tmp_path / "shard1.log"]
    procs: list[asyncio.subprocess.Process] = []
    async with (
        FakeMusicGPT(polls_to_complete=1_000_000) as musicgpt,
        FakeDiscord(guild_id=SHARD0_GUILD, shard_count=2) as fake,
    ):
        fake.add_guild(SHARD1_GUILD, "Second server", channels=[(SHARD1_CHANNEL, "lobby")])
        db: Database | None = None
        try:
            for shard, log in enumerate(logs):
                with log.open("wb") as out:
                    procs.append(
                        await asyncio.create_subprocess_exec(
                            sys.executable,
                            str(ROOT / "bot.py"),
                            cwd=tmp_path,
                            env=process_env(fake, musicgpt, tmp_path, postgres_url, shard),
                            stdout=out,
                            stderr=out,
                        )
                    )
                await fake.wait_for(
                    lambda s=shard: any(x.ready and x.shard == (s, 2) for x in fake.sessions.values()),
                    timeout=30,
                )
            driver, survivor = procs
            db = await Database.open(postgres_url)
            jobs = JobRepository(db)

            async def holder() -> str:
                return await jobs.lease_holder(1) or ""

            async def delivered() -> Job | None:
                job = await jobs.get(1)
                return job if job is not None and job.state is JobState.DELIVERED else None

            ix = await fake.run_slash_command(
                "remix", {"prompt": "lo-fi"}, attachments=[("tune.mp3", audio, "audio/mpeg")]
            )
            await ix.wait_response()
            await fake.wait_for(lambda: musicgpt.jobs, timeout=30)
            await until(lambda: _at_provider(jobs), poll=0.05)
            assert f":{driver.pid}:" in await holder(), "the process running the server's shard drives it"

            driver.send_signal(signal.SIGKILL)
            await driver.wait()
            # Once the 2 s lease has run out, the survivor's next tick claims the job.
            await until(lambda: _contains(holder(), f":{survivor.pid}:"), poll=0.1)
            musicgpt.complete(musicgpt.job())
            await fake.wait_for(lambda: results_in(fake, fake.default_channel_id), timeout=30)
            job = await until(delivered, poll=0.1)
            assert job.result_message_id is not None
            assert len(results_in(fake, fake.default_channel_id)) == 1, "posted exactly once"
            assert musicgpt.submissions == 1, "never submitted again"
            survivor.send_signal(signal.SIGTERM)
            await asyncio.wait_for(survivor.wait(), 20)
        finally:
            if db is not None:
                await db.close()
            for proc in procs:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
    survivor_log = logs[1].read_text()
    assert "taken over from" in survivor_log, survivor_log
    assert "Traceback" not in survivor_log, survivor_log


async def _at_provider(jobs: JobRepository) -> bool:
    job = await jobs.get(1)
    return job is not None and job.state in (JobState.SUBMITTED, JobState.RUNNING)


async def _contains(text: Awaitable[str], part: str) -> bool:
    return part in await text
