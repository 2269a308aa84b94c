"""The one way a test waits for something to happen: `until(predicate)`."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# A guard against a hang, not a measure of speed: generous, so a loaded machine cannot trip it.
HANG_GUARD = 30.0


async def until(
    predicate: Callable[[], T | Awaitable[T]], *, guard: float = HANG_GUARD, poll: float = 0.005
) -> T:
    """Return predicate()'s value (awaited, if it is a coroutine) once it is truthy.

    Real time only bounds a hang: with a fake clock nothing waits on it, so no test depends on
    how fast the machine is."""

    async def check() -> T:
        while True:
            value = predicate()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value  # type: ignore[return-value]
            # A predicate over plain state has no event to wait on: look again after a short nap.
            await asyncio.sleep(poll)

    try:
        return await asyncio.wait_for(check(), guard)
    except TimeoutError:
        raise AssertionError(f"condition never held within the {guard:.0f} s hang guard") from None
