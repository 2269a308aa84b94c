"""bot.py as a process, the way an operator runs it: starts against Discord, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes.discord import FakeDiscord

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


async def test_bot_process_logs_in_syncs_and_stops_cleanly_on_sigterm(tmp_path: Path):
    async with FakeDiscord() as fake:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DISCORD_TOKEN": "secret-token-value",
            "DEV_GUILD_ID": str(fake.guild_id),
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            "WORK_DIR": str(tmp_path / "work"),
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": "0",
            "DOWNLOAD_ALLOWED_HOSTS": fake.base_url.removeprefix("http://"),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: fake.guild_commands() and fake.ready_session(), timeout=30)
            assert {c["name"] for c in fake.guild_commands()} >= {"remix"}
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
        log = err.decode()
        assert proc.returncode == 0, log
        assert "stopped" in log and "Traceback" not in log
        assert "DISCORD_API_BASE is set" in log, "pointing at a fake Discord is logged loudly"
        assert "DOWNLOAD_ALLOWED_HOSTS is set" in log, "so is opening downloads to the fakes"
        assert "secret-token-value" not in log, "the token is never logged"


async def test_healthz_reports_the_gateway_session(tmp_path: Path):
    import aiohttp

    from tests.e2e.harness import free_port, harness

    port = free_port()
    async with harness(tmp_path, webhook_port=port) as h:
        await h.start()
        url = f"http://127.0.0.1:{port}/healthz"
        async with aiohttp.ClientSession() as http:

            async def status() -> int:
                async with http.get(url) as resp:
                    return resp.status

            deadline = asyncio.get_running_loop().time() + 10
            while await status() != 200:  # ready once on_ready has fired
                assert asyncio.get_running_loop().time() < deadline, "never became healthy"
                await asyncio.sleep(0.1)
