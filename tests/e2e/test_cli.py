"""cli.py as a member of the terminal would use it: a real process, the same engine and database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from audio.probe import probe
from tests.e2e.harness import fake_hosts
from tests.fakes.musicgpt import FakeMusicGPT, Fault
from tests.tones import write_tone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


async def start_cli(tmp: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_PATH": str(tmp / "bot.sqlite3"),
        "WORK_DIR": str(tmp / "work"),
        "MUSICGPT_POLL_INTERVAL": "0.1",
        "DOWNLOAD_ALLOWED_HOSTS": fake_hosts({k.lower(): v for k, v in env.items()}),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "cli.py"),
        *args,
        cwd=tmp,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def cli(tmp: Path, *args: str, **env: str) -> tuple[int, str, str]:
    proc = await start_cli(tmp, *args, **env)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "tone.wav", seconds=3)


async def test_remix_with_the_offline_provider_writes_two_takes(tmp_path: Path, tone: Path):
    code, out, err = await cli(tmp_path, "remix", str(tone), "--prompt", "slowed + reverb", "-o", "takes")
    assert code == 0, err
    written = [Path(tmp_path / line) for line in out.splitlines() if line.endswith(".mp3")]
    assert len(written) == 2
    for path in written:
        assert probe(path).duration > 3.4, "slowed takes are longer than the 3 s input"
    assert "effects remix, no AI" in out
    assert "Rendering" in err and "%" in err and "Done" in err, "a progress bar with stage and percentage"
    assert tone.exists(), "the member's own file is never consumed"

    code, out, _ = await cli(tmp_path, "jobs")
    assert code == 0 and "delivered" in out and "local" in out


async def test_database_url_keeps_the_jobs_in_postgresql(tmp_path: Path, tone: Path):
    from tests.backends import drop_schema, fresh_schema

    schema, url = await fresh_schema()
    try:
        code, _, err = await cli(
            tmp_path, "remix", str(tone), "--prompt", "lofi", "-o", "t", DATABASE_URL=url
        )
        assert code == 0, err
        code, out, _ = await cli(tmp_path, "jobs", DATABASE_URL=url)
        assert code == 0 and "delivered" in out and "local" in out
        assert not (tmp_path / "bot.sqlite3").exists(), "DATABASE_PATH is not used"
    finally:
        await drop_schema(schema)


async def test_remix_against_musicgpt_checks_the_key_end_to_end(tmp_path: Path, tone: Path):
    async with FakeMusicGPT(polls_to_complete=2) as musicgpt:
        code, out, err = await cli(
            tmp_path,
            "remix",
            str(tone),
            "--prompt",
            "jazz",
            "--provider",
            "musicgpt",
            "-o",
            "out",
            MUSICGPT_API_KEY="test-key",
            MUSICGPT_BASE_URL=musicgpt.base_url,
        )
        assert code == 0, err
        assert musicgpt.submissions == 1
        assert len([line for line in out.splitlines() if line.endswith(".mp3")]) == 2


async def test_a_wrong_key_fails_with_the_reason_and_a_nonzero_exit(tmp_path: Path, tone: Path):
    async with FakeMusicGPT() as musicgpt:
        code, _, err = await cli(
            tmp_path,
            "remix",
            str(tone),
            "--prompt",
            "jazz",
            "--provider",
            "musicgpt",
            MUSICGPT_API_KEY="wrong-key",
            MUSICGPT_BASE_URL=musicgpt.base_url,
        )
        assert code == 1
        assert "refused the bot's API key" in err and err.count("server admin") == 1


async def test_out_of_credits_is_reported(tmp_path: Path, tone: Path):
    async with FakeMusicGPT() as musicgpt:
        musicgpt.script("Remix", Fault.insufficient_credits())
        code, _, err = await cli(
            tmp_path,
            "remix",
            str(tone),
            "--prompt",
            "jazz",
            "--provider",
            "musicgpt",
            MUSICGPT_API_KEY="test-key",
            MUSICGPT_BASE_URL=musicgpt.base_url,
        )
        assert code == 1 and "out of credits" in err


async def test_bad_input_is_refused_before_anything_runs(tmp_path: Path):
    text = tmp_path / "notes.mp3"
    text.write_text("not audio")
    code, _, err = await cli(tmp_path, "remix", str(text), "--prompt", "x")
    assert code == 2 and "doesn't look like an audio file" in err
    code, _, err = await cli(tmp_path, "remix", str(tmp_path / "missing.wav"), "--prompt", "x")
    assert code == 2 and "is not a file" in err


async def test_sing_on_the_offline_provider_names_the_providers_that_can(tmp_path: Path, tone: Path):
    code, _, err = await cli(
        tmp_path, "sing", str(tone), "--prompt", "pop", "--lyrics", "la la", "--provider", "local"
    )
    assert code == 2 and "can't make a sing-over" in err
    assert "MusicGPT can, once a server admin sets one up" in err, "it names the providers that could"


async def test_the_bot_leaves_an_unfinished_terminal_job_alone(tmp_path: Path):
    """cli.py and the bot share the database: a CLI job cut short is not the bot's to resume or post."""
    from domain.jobs import TERMINAL_CHANNEL, JobState, NewJob
    from domain.kinds import JobKind
    from domain.tracking import Handle
    from storage.db import Database
    from storage.jobs import JobRepository
    from tests.e2e.harness import harness

    async with FakeMusicGPT() as musicgpt:
        db = await Database.open(tmp_path / "bot.sqlite3")
        jobs = JobRepository(db)
        job = await jobs.create(
            NewJob(
                guild_id=None,
                channel_id=TERMINAL_CHANNEL,
                member_id=0,
                kind=JobKind.REMIX,
                provider="musicgpt",
                prompt="cut short",
                upload_limit=1 << 30,
                idempotency_key="k",
                webhook_token="t",
            )
        )
        for state in (JobState.QUEUED, JobState.SUBMITTING):
            await jobs.transition(job.id, state)
        await jobs.transition(job.id, JobState.SUBMITTED, handle=Handle(task_id="cli-task"))
        received = await jobs.create(
            NewJob(
                guild_id=None,
                channel_id=TERMINAL_CHANNEL,
                member_id=0,
                kind=JobKind.REMIX,
                provider="musicgpt",
                prompt="never checked",
                upload_limit=1 << 30,
                idempotency_key="k2",
                webhook_token="t2",
            )
        )
        await db.close()

        async with harness(tmp_path, musicgpt_api_key="test-key", musicgpt_base_url=musicgpt.base_url) as h:
            await h.start()
            await asyncio.sleep(1.0)
            assert (await h.job(job.id)).state is JobState.SUBMITTED
            assert (await h.job(received.id)).state is JobState.RECEIVED
            assert not [r for r in musicgpt.requests if "byId" in r[1]], "the bot never polled the CLI's job"
            assert not h.discord.requests_to("POST", rf"/channels/{TERMINAL_CHANNEL}/messages")


def errors_of(err: str) -> list[str]:
    """The failure lines of a run: one per failure, never a traceback."""
    assert "Traceback" not in err, err
    return [line for line in err.splitlines() if line.startswith("error:")]


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


async def test_ctrl_c_cancels_the_job_and_removes_its_work_files(tmp_path: Path, tone: Path):
    async with FakeMusicGPT(polls_to_complete=10**6) as musicgpt:
        proc = await start_cli(
            tmp_path,
            "remix",
            str(tone),
            "--prompt",
            "jazz",
            "--provider",
            "musicgpt",
            MUSICGPT_API_KEY="test-key",
            MUSICGPT_BASE_URL=musicgpt.base_url,
        )
        try:
            deadline = asyncio.get_running_loop().time() + 60
            while not [r for r in musicgpt.requests if "byId" in r[1]]:  # submitted and being tracked
                assert asyncio.get_running_loop().time() < deadline and proc.returncode is None
                await asyncio.sleep(0.05)
            assert files_under(tmp_path / "work"), "the job's input copy is in the work directory"
            proc.send_signal(signal.SIGINT)
            _, raw_err = await asyncio.wait_for(proc.communicate(), 60)
        finally:
            if proc.returncode is None:
                proc.kill()
    err = raw_err.decode()
    assert proc.returncode == 130 and not errors_of(err)
    assert "job 1 cancelled" in err
    code, out, _ = await cli(tmp_path, "jobs")
    assert code == 0 and "cancelled" in out and "running" not in out
    assert not files_under(tmp_path / "work"), "no work files are left behind"


async def test_ctrl_c_while_the_offline_provider_renders_leaves_no_files(tmp_path: Path):
    long_tone = write_tone(tmp_path / "long.wav", seconds=120)
    proc = await start_cli(tmp_path, "remix", str(long_tone), "--prompt", "slowed", "--provider", "local")
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while not list((tmp_path / "work" / "local").glob("*/*.part")):  # rendering
            assert asyncio.get_running_loop().time() < deadline and proc.returncode is None
            await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, raw_err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 130 and "job 1 cancelled" in raw_err.decode()
    assert not files_under(tmp_path / "work")
    _, out, _ = await cli(tmp_path, "jobs")
    assert "cancelled" in out


async def test_an_output_path_that_is_a_file_is_refused_before_anything_runs(tmp_path: Path, tone: Path):
    (tmp_path / "existing.wav").write_bytes(b"keep me")
    code, _, err = await cli(tmp_path, "remix", str(tone), "--prompt", "slowed", "-o", "existing.wav")
    assert code == 2
    [line] = errors_of(err)
    assert "existing.wav is a file" in line
    assert (tmp_path / "existing.wav").read_bytes() == b"keep me"
    _, out, _ = await cli(tmp_path, "jobs")
    assert "no jobs yet" in out, "nothing was rendered"


async def test_takes_of_the_same_name_are_kept_unless_forced(tmp_path: Path, tone: Path):
    code, _, err = await cli(tmp_path, "remix", str(tone), "--prompt", "slowed", "-o", "takes")
    assert code == 0, err
    first = sorted((tmp_path / "takes").iterdir())
    fresh = {"DATABASE_PATH": str(tmp_path / "fresh.sqlite3")}  # numbers its jobs from 1 again
    code, _, err = await cli(tmp_path, "remix", str(tone), "--prompt", "nightcore", "-o", "takes", **fresh)
    assert code == 2
    [line] = errors_of(err)
    assert "remix-1-take1" in line and "--force" in line
    assert sorted((tmp_path / "takes").iterdir()) == first
    assert "Rendering" not in err, "refused before rendering"
    code, _, err = await cli(
        tmp_path, "remix", str(tone), "--prompt", "nightcore", "-o", "takes", "--force", **fresh
    )
    assert code == 0, err
