"""The one way a test waits for something to happen: `until(predicate)`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# A guard against a hang, not a measure of speed: generous, so a loaded machine cannot trip it.
HANG_GUARD = 30.0


async def until(predicate: Callable[[], T], *, guard: float = HANG_GUARD, poll: float = 0.005) -> T:
    """Return predicate()'s value once it is truthy. Real time only bounds a hang: with a fake clock
    nothing waits on it, so a test never depends on how fast the machine is."""

    async def check() -> T:
        while not (value := predicate()):
            await asyncio.sleep(poll)  # noqa: ASYNC110 - a predicate over plain state has no event
        return value

    try:
        return await asyncio.wait_for(check(), guard)
    except TimeoutError:
        raise AssertionError(f"condition never held: {getattr(predicate, '__name__', predicate)}") from None
