"""A clock that tests move by hand, and a session face that records what the engine asked of it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from domain.sessions import Entry, Results, Session, SessionStats


class FakeClock:
    """Time stands still until advance(); sleepers wake when their time has come."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self._registered = asyncio.Event()

    def monotonic(self) -> float:
        return self._mono

    def utcnow(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._mono + max(0.0, seconds), future)
        self._sleepers.append(entry)
        self._registered.set()
        try:
            await future
        finally:
            self._sleepers.remove(entry)

    async def advance(self, seconds: float) -> None:
        """Once someone sleeps, move time on and wake the sleepers that are due; return once
        someone sleeps again (a woken loop has done its work)."""
        await self.asleep()
        self._mono += seconds
        self._now += timedelta(seconds=seconds)
        for due, future in list(self._sleepers):
            if due <= self._mono and not future.done():
                future.set_result(None)
        await self.asleep()

    async def asleep(self) -> None:
        while not any(not future.done() for _, future in self._sleepers):
            self._registered.clear()
            await asyncio.wait_for(self._registered.wait(), timeout=10)


class RecordingFace:
    """Answers like a face that posts everything, and remembers each request in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []  # (what, session id)
        self.cards: list[tuple[Session, SessionStats]] = []
        self.posted: list[Entry] = []
        self.results: list[Results] = []
        self.refuse_entries: set[int] = set()  # entry ids Discord refuses for good
        self.fail_posts = False  # raise on post_entry, as when Discord is down
        self._next_id = 1000

    def card_changed(self, session: Session, stats: SessionStats) -> None:
        self.cards.append((session, stats))

    async def post_entry(self, session: Session, entry: Entry) -> int | None:
        if self.fail_posts:
            raise ConnectionError("discord is down")
        self.calls.append(("entry", session.id))
        if entry.id in self.refuse_entries:
            return None
        self.posted.append(entry)
        return self._id()

    async def post_results(self, session: Session, results: Results) -> int:
        self.calls.append(("results", session.id))
        self.results.append(results)
        return self._id()

    async def close_thread(self, session: Session, entries: list[Entry]) -> None:
        self.calls.append(("close", session.id))

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id
