"""A clock a whole bot runs on while tests jump it, and a session face that records what the engine
asked of it. (Unit tests move time with tests/clock.py's FakeClock.)"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from domain.sessions import Entry, Results, Session, SessionStats


class JumpClock:
    """Wall time plus an offset a test moves with jump(), for a whole bot: it keeps running across a
    restart (tests/clock.py's FakeClock moves only when a test advances it, and a stopped bot has no
    sleepers to wake). Sleeps are cut to `poll` so a sleeper sees a jump at once."""

    def __init__(self, poll: float = 0.05) -> None:
        self.offset = timedelta(0)
        self.poll = poll

    def monotonic(self) -> float:
        return time.monotonic() + self.offset.total_seconds()

    def utcnow(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(min(max(0.0, seconds), self.poll))

    def jump(self, span: timedelta) -> None:
        self.offset += span


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
