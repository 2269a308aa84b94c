"""cli.py's run of a job whose provider cannot be reached, in-process so its waits run on a fake clock.

The terminal has no pump to carry a deferred submit on later: the CLI waits out the runner's own
SUBMIT policy, then ends the job failed with the last error, in one line (tests/e2e/test_cli.py runs
cli.py as a process for everything that needs no waiting).
"""

from __future__ import annotations

import asyncio
import io
import socket
from pathlib import Path

import pytest

import cli
from config import Settings
from engine.retry import SUBMIT
from tests.clock import FakeClock
from tests.tones import write_tone
from tests.waiting import until


def a_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_provider_fails_the_job_in_one_line_after_the_submit_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    tone = write_tone(tmp_path / "tone.wav", seconds=3)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "bot.sqlite3",
        work_dir=tmp_path / "work",
        musicgpt_api_key="test-key",
        musicgpt_base_url=f"http://127.0.0.1:{a_closed_port()}/api/public/v1",
    )
    args = cli.parse_args(["remix", str(tone), "--prompt", "jazz", "--provider", "musicgpt", "-o", "takes"])
    clock = FakeClock()
    run = asyncio.create_task(cli.run_job(settings, args, clock=clock))

    def a_submit_wait() -> bool:  # the job deadline sleeps on the clock too, far longer
        return any(at - clock.monotonic() <= SUBMIT.cap for at in clock.wake_times())

    while not run.done():
        await until(lambda: run.done() or a_submit_wait())
        if not run.done():
            await clock.advance_to_next()
    code = await run

    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith("error: job 1 failed: MusicGPT could not be reached.")
    assert len([s for s in clock.sleeps if s <= SUBMIT.cap]) == SUBMIT.attempts - 1, "resent by the policy"
    listing = io.StringIO()
    assert await cli.list_jobs(settings, 10, out=listing) == 0
    assert "failed" in listing.getvalue() and "queued" not in listing.getvalue()
    assert not [p for p in (tmp_path / "work").rglob("*") if p.is_file()], "its input copy is removed"
