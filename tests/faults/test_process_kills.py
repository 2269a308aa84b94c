"""Fault matrix: bot.py as a real process, killed (SIGKILL) or stopped (SIGTERM) mid-job, then
started again on the same database: the member gets one result, the provider one submission."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from domain.jobs import Job, JobState
from storage.db import Database
from storage.jobs import JobRepository
from tests.e2e.harness import Harness, failure_text, fake_hosts, song
from tests.fakes.discord import FakeDiscord, patched_discord
from tests.fakes.musicgpt import FakeMusicGPT, Fault
from tests.faults.conftest import mg
from tests.waiting import until

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


async def job_in(db_path: Path, state: JobState) -> Job | None:
    # The process made and migrated the database before it logged in.
    db = await Database.open(db_path)
    try:
        job = await JobRepository(db).get(1)
    finally:
        await db.close()
    return job if job is not None and job.state is state else None


async def start_process(fake: FakeDiscord, musicgpt: FakeMusicGPT, tmp: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "fake-token",
        "DEV_GUILD_ID": str(fake.guild_id),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DATABASE_PATH": str(tmp / "bot.sqlite3"),
        "WORK_DIR": str(tmp / "work"),
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": "0",
        "STATUS_EDIT_INTERVAL": "0.05",
        "MUSICGPT_API_KEY": "test-key",
        "MUSICGPT_BASE_URL": musicgpt.base_url,
        "MUSICGPT_POLL_INTERVAL": "0.1",
    }
    # The fakes serve the attachment and the takes over plain http on 127.0.0.1: let exactly them through.
    env["DOWNLOAD_ALLOWED_HOSTS"] = fake_hosts({k.lower(): v for k, v in env.items()})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await fake.wait_for(lambda: fake.guild_commands() and fake.ready_session(), timeout=30)
    return proc


@pytest.mark.parametrize(
    ("sig", "at", "expected"),
    [
        (signal.SIGKILL, JobState.RUNNING, JobState.DELIVERED),
        (signal.SIGTERM, JobState.RUNNING, JobState.DELIVERED),
        # The POST is held by MusicGPT: it may have been accepted, and MusicGPT has no idempotency key.
        (signal.SIGKILL, JobState.SUBMITTING, JobState.FAILED),
    ],
    ids=["kill-9-running", "sigterm-running", "kill-9-submitting"],
)
async def test_a_killed_bot_carries_the_job_on_at_restart(
    tmp_path: Path, sig: signal.Signals, at: JobState, expected: JobState
):
    async with FakeDiscord() as fake, FakeMusicGPT(polls_to_complete=15) as musicgpt:
        if at is JobState.SUBMITTING:
            musicgpt.script("Remix", Fault.timeout(30))
        proc = await start_process(fake, musicgpt, tmp_path)
        try:
            await fake.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            await until(lambda: job_in(tmp_path / "bot.sqlite3", at), guard=30)
            if at is JobState.SUBMITTING:
                # The state is written before the upload goes out: kill only once MusicGPT has it.
                await until(lambda: musicgpt.submissions == 1, guard=30)
            proc.send_signal(sig)
            await asyncio.wait_for(proc.wait(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        if sig is signal.SIGTERM:
            assert proc.returncode == 0, "a SIGTERM is a clean stop"

        with patched_discord(fake):
            h = Harness(fake, tmp_path, mg(musicgpt, musicgpt_poll_interval=0.1))
            try:
                await h.start()
                job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
                await asyncio.sleep(0.3)  # anything posted twice would show up by now
            finally:
                await h.stop()
        assert job.state is expected, failure_text(job)
        assert musicgpt.submissions == 1
        assert len(h.result_messages()) == (1 if expected is JobState.DELIVERED else 0)
        assert len(h.status_messages()) == 1, "the same status message is carried on"
