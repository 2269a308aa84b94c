"""How bot.py stops: a stop closes the bot instead of relying on a cancel reaching start()."""

from __future__ import annotations

import asyncio

from bot import until_stopped


async def test_a_stop_closes_the_bot_even_when_start_swallows_a_cancel():
    # discord.py's start() sits in asyncio.wait_for while a shard connects; on Python 3.11 a cancel
    # that lands as the connection completes is swallowed there. Model that: start() ignores cancels
    # and returns only once the bot is closed.
    closed = asyncio.Event()
    stop = asyncio.Event()

    async def start() -> None:
        while not closed.is_set():
            try:
                await closed.wait()
            except asyncio.CancelledError:
                continue  # swallowed, as wait_for does in the race

    async def close() -> None:
        closed.set()

    running = asyncio.create_task(until_stopped(start(), stop, close))
    await asyncio.sleep(0)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert closed.is_set()


async def test_a_start_that_fails_raises_its_error_without_a_stop():
    async def start() -> None:
        raise RuntimeError("login refused")

    async def close() -> None:
        raise AssertionError("nothing to close: start() ended by itself")

    try:
        await until_stopped(start(), asyncio.Event(), close)
    except RuntimeError as exc:
        assert str(exc) == "login refused"
    else:
        raise AssertionError("the failure must reach the caller, which turns it into one line")
