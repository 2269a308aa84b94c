"""What the busy-channel benchmarks share: the bot in-process against the fakes, a burst of
commands over several channels, load from a client on 127.0.0.1, /metrics, and one table format.

Every figure is printed beside its baseline from the same run on the same machine, never against
a number remembered from elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.harness import Harness, free_port, harness, song
from tests.fakes.discord import FakeInteraction
from tests.fakes.musicgpt import FakeMusicGPT
from tests.scrape import Samples, scrape, total

__all__ = [
    "BotProcess",
    "Samples",
    "busy_bot",
    "fire",
    "hammer",
    "metrics",
    "results",
    "table",
    "total",
]
BOT_PROCESS = Path(__file__).with_name("bot_process.py")


@dataclass
class Bot:
    h: Harness
    musicgpt: FakeMusicGPT
    metrics_url: str
    channels: list[int]


class BotProcess(Harness):
    """The bot as a process of its own (bench/bot_process.py, which is bot.py's main()), its settings
    in the environment, against the fakes in this process: the bot's RSS, CPU and event-loop lag are
    its own, not the fakes'. stop() is a SIGKILL; `extra_env` is added to the bot's environment."""

    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] | None = None
    peak_rss_mb: float = 0.0  # VmHWM of the last process, read just before it was killed
    # The bot's own helper processes (audio workers and their fork server): their proportional set
    # size summed (pages they share with each other counted once), the most any sample() saw.
    helpers_pss_mb: float = 0.0
    cpu_seconds: float = 0.0  # user + system CPU of every process so far, read likewise
    _starts: int = 0

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "MUSICGPT_"))}
        for name, value in self.settings().model_dump().items():
            if value is None:
                continue
            if hasattr(value, "get_secret_value"):
                value = value.get_secret_value()
            env[name.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
        env["LOG_LEVEL"] = "WARNING"
        return env | (self.extra_env or {})

    async def start(self) -> None:
        assert self.process is None
        sessions_before = len(self.discord.sessions)
        self.process = self._spawn()
        self._profile()
        await self.discord.wait_for(
            lambda: (
                self.process is None
                or self.process.poll() is not None
                or (
                    any(s.connected for s in self.discord.sessions.values())
                    and len(self.discord.sessions) > sessions_before
                )
            ),
            timeout=60,
        )
        if self.process.poll() is not None:
            tail = (self.tmp / f"bot-{self._starts}.log").read_text()[-2000:]
            raise RuntimeError(f"the bot process ended at start:\n{tail}")
        await self.discord.wait_for(lambda: self.discord.guild_commands(), timeout=30)

    def _spawn(self) -> subprocess.Popen[bytes]:
        self._starts += 1
        with open(self.tmp / f"bot-{self._starts}.log", "wb") as log:
            return subprocess.Popen(
                [sys.executable, str(BOT_PROCESS)],
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.tmp,
            )

    def _profile(self) -> None:
        """With BENCH_PYSPY=DIR (and py-spy installed), record the bot process's stacks into DIR."""
        out = os.environ.get("BENCH_PYSPY")
        if out and self.process is not None:
            target = Path(out) / f"bot-{self.process.pid}.txt"
            command = ["py-spy", "record", "--pid", str(self.process.pid), "--format", "raw", "-r", "50"]
            self._spy = subprocess.Popen(
                [*command, "-o", str(target), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def sample(self) -> None:
        """Read the live process's peak RSS and CPU from /proc."""
        assert self.process is not None
        self.peak_rss_mb = _memory(f"/proc/{self.process.pid}/status", "VmHWM:")
        helpers = _descendants(self.process.pid)
        if helpers:
            pss = sum(_memory(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in helpers)
            self.helpers_pss_mb = max(self.helpers_pss_mb, pss)
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        self._cpu_now = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        """CPU seconds of every process so far, the live one's up to now."""
        if self.process is None:
            return self.cpu_seconds
        self.sample()
        return self.cpu_seconds + self._cpu_now

    async def stop(self) -> None:
        """SIGKILL: nothing is written on the way down."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.sample()
            self.cpu_seconds += self._cpu_now
            self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait)
        self.process = None
        if self._spy is not None:
            await asyncio.to_thread(self._spy.wait)
            self._spy = None

    _cpu_now: float = 0.0
    _spy: subprocess.Popen[bytes] | None = None


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children...), read from /proc."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *_descendants(int(child))]
    return found


def _memory(path: str, field: str) -> float:
    """A memory figure of a /proc file in MB (0 when the process is gone)."""
    try:
        status = Path(path).read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith(field)), f"{field} 0 kB")
    return int(line.split()[1]) / 1024


@contextlib.asynccontextmanager
async def busy_bot(
    tmp: Path, *, channels: int = 1, process: bool = False, **overrides: Any
) -> AsyncIterator[Bot]:
    """The real bot (bot.run) with the fake Discord and the fake MusicGPT, /metrics on, `channels`
    text channels. `overrides` are settings (e.g. musicgpt_max_parallel=10). With `process` the bot
    runs as its own process (BotProcess, bot.h); otherwise as a task on this event loop."""
    port = free_port()
    settings: dict[str, Any] = dict(
        default_provider="musicgpt",
        metrics_enabled=True,
        webhook_port=port,
        status_edit_interval=1.0,
    )
    settings.update(overrides)
    async with FakeMusicGPT() as fake:
        settings.setdefault("musicgpt_api_key", fake.api_key)
        settings.setdefault("musicgpt_base_url", fake.base_url)
        async with harness(tmp, **settings) as h:
            if process:
                h = BotProcess(h.discord, tmp, h.overrides)
            ids = [h.discord.default_channel_id]
            ids += [h.discord.add_channel(f"session-{n}").id for n in range(2, channels + 1)]
            try:
                await h.start()
                yield Bot(h, fake, f"http://127.0.0.1:{port}/metrics", ids)
            finally:
                await h.stop()


async def fire(
    bot: Bot, commands: int, *, prompt: str = "slowed", per_second: float | None = None
) -> list[FakeInteraction]:
    """`commands` /remix commands, spread round-robin over the bot's channels and members: all at
    once, or `per_second` of them a second (command n leaves at n / per_second s)."""
    audio = song(bot.h.tmp)
    members = [m.id for m in bot.h.discord.members.values() if not m.bot]
    started = time.perf_counter()

    async def one(n: int) -> FakeInteraction:
        if per_second:
            await asyncio.sleep(max(0.0, started + n / per_second - time.perf_counter()))
        return await bot.h.discord.run_slash_command(
            "remix",
            {"prompt": f"{prompt} {n}"},
            attachments=[("song.mp3", audio, "audio/mpeg")],
            channel_id=bot.channels[n % len(bot.channels)],
            user_id=members[n % len(members)],
        )

    return list(await asyncio.gather(*(one(n) for n in range(commands))))


def results(bot: Bot) -> int:
    """Result messages posted so far, over all the bot's channels."""
    return sum(len(bot.h.result_messages(channel)) for channel in bot.channels)


async def metrics(bot: Bot) -> Samples:
    async with aiohttp.ClientSession() as http:
        return await scrape(http, bot.metrics_url)


async def hammer(
    send: Callable[[int], Awaitable[None]], count: int, *, concurrency: int = 8, max_seconds: float = 10.0
) -> tuple[int, float]:
    """Call `send(i)` for i in 0..count-1 from `concurrency` workers, stopping early after
    `max_seconds`. Returns how many were done and the rate per second."""
    next_i = 0
    done = 0
    started = time.perf_counter()
    stop_at = started + max_seconds

    async def worker() -> None:
        nonlocal next_i, done
        while next_i < count and time.perf_counter() < stop_at:
            i, next_i = next_i, next_i + 1
            await send(i)
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, done / (time.perf_counter() - started)


def table(title: str, rows: list[tuple[str, float, float, float]], goal: float | None = None) -> None:
    """Rows of (figure, ours, baseline from the same run, ratio); the goal for the ratio, if any."""
    width = max([34] + [len(row[0]) for row in rows])
    print(title)
    print(f"{'figure':<{width}} {'ours':>10} {'baseline':>10} {'ratio':>7}" + ("  goal" if goal else ""))
    for name, ours, baseline, ratio in rows:
        mark = f"  {'met' if ratio >= goal else 'MISSED'} (>= {goal}x)" if goal else ""
        print(f"{name:<{width}} {cell(ours, 10)} {cell(baseline, 10)} {cell(ratio, 6, 'x')}{mark}")


def cell(value: float, width: int, unit: str = "") -> str:
    """A figure, or a dash where there is none (NaN: no such figure for that column)."""
    if math.isnan(value):
        return f"{'—':>{width}}{' ' * len(unit)}"
    return f"{value:>{width}.{2 if unit else 1}f}{unit}"
