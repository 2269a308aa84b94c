"""One loop that acts on session deadlines: at start (catching up on what passed while the bot was
down) and then whenever the next deadline comes, or sooner when a new one appears."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from domain.clock import Clock
from engine.sessions import SessionEngine

log = logging.getLogger(__name__)

# Look again at least this often: the wall clock may jump, and follow-ups the face could not do
# (Discord down) are retried.
MAX_SLEEP = 300.0
RETRY_SLEEP = 60.0


class SessionScheduler:
    def __init__(self, engine: SessionEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._wake = asyncio.Event()
        self._caught_up = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        engine.on_deadline = self.wake

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="session-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Look at the deadlines again now (a session started or moved)."""
        self._caught_up.clear()
        self._wake.set()

    async def caught_up(self) -> None:
        """Return once a pass has run since the start and since the last wake-up."""
        await self._caught_up.wait()

    async def _run(self) -> None:
        while True:
            self._caught_up.clear()
            self._wake.clear()  # a wake-up during the pass makes the next wait return at once
            try:
                await self.engine.run_due()
                delay = await self._delay()
            except Exception as error:  # one bad pass must not end the loop
                log.warning("session scheduler: pass failed, retrying: %s", error)
                delay = RETRY_SLEEP
            if not self._wake.is_set():
                self._caught_up.set()
            await self._wait(delay)

    async def _delay(self) -> float:
        delay = MAX_SLEEP
        if await self.engine.store.unsettled(self.clock.utcnow()):
            delay = RETRY_SLEEP
        deadline = await self.engine.store.next_deadline()
        if deadline is not None:
            delay = min(delay, (deadline - self.clock.utcnow()).total_seconds())
        return max(0.0, delay)

    async def _wait(self, delay: float) -> None:
        sleeper = asyncio.create_task(self.clock.sleep(delay))
        waker = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)
