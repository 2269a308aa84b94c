"""What the busy-channel benchmarks share: the bot in-process against the fakes, a burst of
commands over several channels, load from a client on 127.0.0.1, /metrics, and one table format.

Every figure is printed beside its baseline from the same run on the same machine, never against
a number remembered from elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
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

__all__ = ["Samples", "busy_bot", "fire", "hammer", "metrics", "results", "table", "total"]


@dataclass
class Bot:
    h: Harness
    musicgpt: FakeMusicGPT
    metrics_url: str
    channels: list[int]


@contextlib.asynccontextmanager
async def busy_bot(tmp: Path, *, channels: int = 1, **overrides: Any) -> AsyncIterator[Bot]:
    """The real bot (bot.run) with the fake Discord and the fake MusicGPT, /metrics on, `channels`
    text channels. `overrides` are settings (e.g. musicgpt_max_parallel=10)."""
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
            ids = [h.discord.default_channel_id]
            ids += [h.discord.add_channel(f"session-{n}").id for n in range(2, channels + 1)]
            await h.start()
            yield Bot(h, fake, f"http://127.0.0.1:{port}/metrics", ids)


async def fire(bot: Bot, commands: int, *, prompt: str = "slowed") -> list[FakeInteraction]:
    """`commands` /remix commands at once, spread round-robin over the bot's channels and members."""
    audio = song(bot.h.tmp)
    members = [m.id for m in bot.h.discord.members.values() if not m.bot]

    async def one(n: int) -> FakeInteraction:
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
