"""bot.py as a process, the way an operator runs it: starts against Discord, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
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


def bot_env(tmp_path: Path, **env: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "DISCORD_TOKEN": "secret-token-value",
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "WORK_DIR": str(tmp_path / "work"),
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": "0",
        **env,
    }


async def bot_fails_to_start(tmp_path: Path, *args: str, **env: str) -> list[str]:
    """Run bot.py expecting it to stop by itself; returns the lines it wrote to stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        cwd=tmp_path,
        env=bot_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode not in (0, None)
    return err.decode().splitlines()


def the_one_failure(lines: list[str]) -> str:
    """The bot's own log lines carry a timestamp; the failure is the one line without, and no traceback."""
    text = "\n".join(lines)
    assert "Traceback" not in text, text
    assert "secret-token-value" not in text, "the token is never printed"
    plain = [line for line in lines if not line[:4].isdigit()]
    assert len(plain) == 1, text
    return plain[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_network_at_start_is_one_line_naming_discord(tmp_path: Path):
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    line = the_one_failure(await bot_fails_to_start(tmp_path, DISCORD_API_BASE=base))
    assert line.startswith("Can't reach Discord at " + base)


async def test_verbose_shows_the_traceback(tmp_path: Path):
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    lines = await bot_fails_to_start(tmp_path, "--verbose", DISCORD_API_BASE=base)
    assert "Traceback (most recent call last):" in lines


async def test_a_refused_token_is_one_line_naming_the_setting(tmp_path: Path):
    async with FakeDiscord(bot_token="the-right-token") as fake:
        lines = await bot_fails_to_start(
            tmp_path, DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url
        )
    assert the_one_failure(lines).startswith("Discord refused DISCORD_TOKEN")


async def test_a_webhook_port_in_use_is_one_line_naming_the_setting(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeDiscord() as fake:
            lines = await bot_fails_to_start(
                tmp_path,
                DEV_GUILD_ID=str(fake.guild_id),
                DISCORD_API_BASE=fake.api_base,
                DISCORD_GATEWAY_URL=fake.gateway_url,
                WEBHOOK_PORT=str(port),
            )
    line = the_one_failure(lines)
    assert f"WEBHOOK_PORT={port}" in line and "in use" in line


async def test_a_bad_log_level_is_one_line_naming_the_setting(tmp_path: Path):
    line = the_one_failure(await bot_fails_to_start(tmp_path, LOG_LEVEL="LOUD"))
    assert "LOG_LEVEL" in line and "DEBUG" in line


async def test_help_prints_usage_without_starting(tmp_path: Path):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "--help",
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "")},  # no token: --help must not need one
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0
    assert out.decode().startswith("usage: bot.py") and "--verbose" in out.decode()


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
