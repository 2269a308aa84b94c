"""The one fake clock of the test suite: time moves only when a test (or, if instant, a sleep) moves it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.waiting import until


class FakeClock:
    """A domain.clock.Clock on virtual time. Every sleep is recorded in `sleeps`.

    instant=True: a sleep moves the time forward by its length and returns at once (a recording
    sleep, for code that only waits between its own steps). instant=False: a sleep waits until the
    test moves the time past its end with `advance` or `advance_to_next`; nothing runs on real time.
    """

    def __init__(self, *, instant: bool = False, start: datetime | None = None) -> None:
        self.instant = instant
        self.sleeps: list[float] = []
        self._now = 0.0
        # Wall time starts at the real now, so rows stamped by the database line up with it.
        self._start = start or datetime.now(UTC)
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self._now

    def utcnow(self) -> datetime:
        return self._start + timedelta(seconds=self._now)

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        if self.instant:
            self._now += seconds
            await asyncio.sleep(0)
            return
        wake = asyncio.get_running_loop().create_future()
        entry = (self._now + seconds, wake)
        self._sleepers.append(entry)
        try:
            await wake
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    @property
    def sleeping(self) -> int:
        """How many sleeps are waiting for the time to move."""
        return sum(1 for _, wake in self._sleepers if not wake.done())

    async def asleep(self) -> None:
        """Return once some sleep waits for the time to move: a loop that `advance` woke has done its
        work (real I/O included) and waits again."""
        await until(lambda: self.sleeping > 0)

    def wake_times(self) -> list[float]:
        return sorted(at for at, wake in self._sleepers if not wake.done())

    async def advance(self, seconds: float) -> None:
        """Move the time forward, waking each sleeper whose end is passed, earliest first."""
        target = self._now + seconds
        while True:
            due = [(at, wake) for at, wake in self._sleepers if at <= target and not wake.done()]
            if not due:
                break
            at, wake = min(due, key=lambda entry: entry[0])
            self._now = max(self._now, at)
            wake.set_result(None)
            # Let the woken task run up to its next wait before the time moves on.
            for _ in range(5):
                await asyncio.sleep(0)
        self._now = target

    async def advance_to_next(self) -> None:
        """Move the time to the end of the earliest sleep waiting."""
        times = self.wake_times()
        assert times, "nothing is sleeping"
        await self.advance(times[0] - self._now)
