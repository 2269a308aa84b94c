"""The channel writer on a fake clock: what goes first, what is coalesced, and never a write over budget."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from face.channel_writer import EDIT, POST, ChannelWriter, MetaBudgetStore, Priority
from storage.db import Database
from tests.clock import FakeClock
from tests.waiting import until

CHANNEL = 42
BUCKET = "channel-writes"


class FakeChannel:
    """Discord's per-channel window on the fake clock: answers every write with honest headers."""

    def __init__(self, writer: ChannelWriter, clock: FakeClock, limit: int = 5, window: float = 5.0) -> None:
        self.writer, self.clock, self.limit, self.window = writer, clock, limit, window
        self.start, self.count = -window, 0
        self.landed: list[tuple[float, str]] = []  # (time, what) of every write accepted
        self.refused = 0  # writes that would have been answered 429

    def answer(self, route: str = EDIT) -> None:
        now = self.clock.monotonic()
        if now - self.start >= self.window:
            self.start, self.count = now, 0
        if self.count >= self.limit:
            self.refused += 1
            remaining = 0
        else:
            self.count += 1
            remaining = self.limit - self.count
        reset_after = self.start + self.window - now
        self.writer.observe(
            CHANNEL,
            route,
            {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": BUCKET,
            },
        )

    def call(self, what: str, route: str = EDIT) -> Callable[[], Awaitable[str]]:
        async def write() -> str:
            self.answer(route)
            self.landed.append((self.clock.monotonic(), what))
            return what

        return write


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def writer(clock: FakeClock) -> ChannelWriter:
    # Strict order; the turn of a long-stale status has a test of its own.
    return ChannelWriter(clock=clock, stale_after=60.0)


async def advance(clock: FakeClock, seconds: float) -> None:
    """Move the time once the writer is asleep (waiting for its budget or a spacing delay)."""
    await until(lambda: clock.sleeping)
    await clock.advance(seconds)


async def drive(clock: FakeClock, done: Callable[[], bool], step: float = 1.0) -> None:
    """Move the time step by step while the writer sleeps, until `done()`."""
    while not done():
        await until(lambda: clock.sleeping or done())
        if not done():
            await clock.advance(step)


async def spend_budget(channel: FakeChannel) -> None:
    """Five writes (edits) at once: the window is spent and the writer knows it from the headers."""
    for _ in range(channel.limit):
        channel.answer(EDIT)


async def test_a_result_post_overtakes_queued_edits_and_finals_overtake_passing_states(writer, clock):
    channel = FakeChannel(writer, clock)
    await spend_budget(channel)
    for job in (1, 2, 3):
        writer.submit(CHANNEL, ("status", job), channel.call(f"status {job}"), priority=Priority.STATUS)
        await clock.advance(0.1)
    writer.submit(CHANNEL, ("status", 4), channel.call("final 4"), priority=Priority.FINAL)
    result = asyncio.ensure_future(writer.write(CHANNEL, channel.call("result 5", POST), route=POST))
    await asyncio.sleep(0)
    assert channel.landed == []  # the window is spent: nothing is sent before it resets

    await advance(clock, 5.0)
    assert await result == "result 5"
    await drive(clock, lambda: len(channel.landed) == 5)  # the new window's writes, one a second
    assert [what for _, what in channel.landed] == ["result 5", "final 4", "status 1", "status 2", "status 3"]
    assert channel.refused == 0


async def test_the_stalest_status_goes_first_and_a_newer_state_replaces_a_waiting_one(writer, clock):
    channel = FakeChannel(writer, clock, limit=1, window=1.0)
    await spend_budget(channel)
    first = writer.submit(CHANNEL, ("status", 1), channel.call("job 1 at 10%"), priority=Priority.STATUS)
    await clock.advance(0.2)
    writer.submit(CHANNEL, ("status", 2), channel.call("job 2 at 50%"), priority=Priority.STATUS)
    await clock.advance(0.2)
    # Job 1 moves on while its edit waits: the newer state replaces it and keeps its place (stale since 0).
    again = writer.submit(CHANNEL, ("status", 1), channel.call("job 1 at 20%"), priority=Priority.STATUS)
    assert again is first

    await advance(clock, 1.0)
    assert await first == "job 1 at 20%"
    await advance(clock, 1.0)
    await until(lambda: len(channel.landed) == 2)
    assert [what for _, what in channel.landed] == ["job 1 at 20%", "job 2 at 50%"]
    assert channel.refused == 0


async def test_a_final_state_lifts_a_waiting_passing_state_of_the_same_message(writer, clock):
    channel = FakeChannel(writer, clock, limit=1, window=1.0)
    await spend_budget(channel)
    writer.submit(CHANNEL, ("status", 1), channel.call("job 1 running"), priority=Priority.STATUS)
    await clock.advance(0.1)
    writer.submit(CHANNEL, ("status", 2), channel.call("job 2 running"), priority=Priority.STATUS)
    writer.submit(CHANNEL, ("status", 2), channel.call("job 2 done"), priority=Priority.FINAL)
    await advance(clock, 1.0)
    await until(lambda: channel.landed)
    assert [what for _, what in channel.landed] == ["job 2 done"]


async def test_a_status_stale_for_long_gets_every_other_turn_among_many_results(clock):
    writer = ChannelWriter(clock=clock, stale_after=3.0)
    channel = FakeChannel(writer, clock, limit=1, window=1.0)
    await spend_budget(channel)
    writer.submit(CHANNEL, ("board", CHANNEL), channel.call("board"), priority=Priority.STATUS)
    posts = [
        asyncio.ensure_future(writer.write(CHANNEL, channel.call(f"result {n}", POST), route=POST))
        for n in range(6)
    ]
    for _ in range(4):
        await advance(clock, 1.0)
        await asyncio.sleep(0)
    # One write a second: results first, until the board is 3 s out of date; then it takes a turn.
    assert [what for _, what in channel.landed] == ["result 0", "result 1", "board", "result 2"]
    await drive(clock, lambda: len(channel.landed) == 7)
    assert all(post.done() for post in posts)
    assert channel.refused == 0


async def test_many_writes_never_exceed_the_budget_the_headers_announce(writer, clock):
    channel = FakeChannel(writer, clock, limit=5, window=5.0)
    results = [
        asyncio.ensure_future(writer.write(CHANNEL, channel.call(f"take {n}", POST), route=POST))
        for n in range(12)
    ]
    await drive(clock, lambda: len(channel.landed) == 12, step=0.5)
    assert [await r for r in results] == [f"take {n}" for n in range(12)]
    times = [at for at, _ in channel.landed]
    assert channel.refused == 0
    # Five in each window, none early, spread one a second rather than spent in a burst.
    assert times == [float(n) for n in range(12)]


async def test_a_spacing_delay_holds_a_write_back_without_blocking_others(writer, clock):
    channel = FakeChannel(writer, clock)
    writer.submit(CHANNEL, ("status", 1), channel.call("job 1"), priority=Priority.STATUS, not_before=2.0)
    done = await writer.write(CHANNEL, channel.call("take", POST), route=POST)
    assert done == "take" and [what for _, what in channel.landed] == ["take"]
    await advance(clock, 2.0)
    await until(lambda: len(channel.landed) == 2)
    assert channel.landed[-1] == (2.0, "job 1")


async def test_a_failed_write_reaches_its_waiter_and_the_writer_goes_on(writer, clock):
    channel = FakeChannel(writer, clock)

    async def broken() -> None:
        channel.answer()
        raise OSError("connection reset")

    failed = writer.submit(CHANNEL, ("status", 1), broken, priority=Priority.FINAL)
    after = writer.submit(CHANNEL, ("status", 2), channel.call("job 2"), priority=Priority.STATUS)
    with pytest.raises(OSError):
        await failed
    await drive(clock, after.done)
    assert after.result() == "job 2"


async def test_an_unknown_route_waits_for_the_buckets_the_channel_already_knows(writer, clock):
    channel = FakeChannel(writer, clock, limit=2, window=3.0)
    await spend_budget(channel)  # learned through edits only
    post = asyncio.ensure_future(writer.write(CHANNEL, channel.call("take", POST), route=POST))
    await asyncio.sleep(0)
    assert not post.done()
    await advance(clock, 3.0)
    assert await post == "take" and channel.refused == 0


class MemoryStore:
    def __init__(self) -> None:
        self.value: str | None = None

    async def load(self) -> str | None:
        return self.value

    async def save(self, value: str) -> None:
        self.value = value


async def test_a_restart_remembers_a_spent_window(clock):
    store = MemoryStore()
    before = ChannelWriter(clock=clock, store=store)
    await spend_budget(FakeChannel(before, clock, limit=5, window=5.0))
    await before.close()  # a graceful stop saves what it learned
    await clock.advance(1.0)

    after = ChannelWriter(clock=clock, store=store)
    await after.load()
    channel = FakeChannel(after, clock, limit=5, window=5.0)
    channel.start, channel.count = 0.0, 5  # Discord's view: the window the old process spent
    write = asyncio.ensure_future(after.write(CHANNEL, channel.call("take"), route=EDIT))
    await asyncio.sleep(0)
    assert not write.done()  # no probe into a spent window
    await advance(clock, 4.0)
    assert await write == "take"
    assert channel.refused == 0 and channel.landed == [(5.0, "take")]


async def test_remembered_budgets_of_a_window_long_gone_start_full(clock):
    store = MemoryStore()
    before = ChannelWriter(clock=clock, store=store)
    await spend_budget(FakeChannel(before, clock, limit=5, window=5.0))
    await before.close()
    await clock.advance(60.0)
    after = ChannelWriter(clock=clock, store=store)
    await after.load()
    channel = FakeChannel(after, clock, limit=5, window=5.0)
    for n in range(5):  # the whole budget, paced, with no probe waiting for its answer first
        after.submit(CHANNEL, ("status", n), channel.call(f"job {n}"), priority=Priority.STATUS)
    await drive(clock, lambda: len(channel.landed) == 5)
    assert [at for at, _ in channel.landed] == [60.0, 61.0, 62.0, 63.0, 64.0] and channel.refused == 0


async def test_budgets_are_remembered_in_the_database(clock, tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        before = ChannelWriter(clock=clock, store=MetaBudgetStore(db))
        await spend_budget(FakeChannel(before, clock, limit=5, window=5.0))
        await before.close()
        after = ChannelWriter(clock=clock, store=MetaBudgetStore(db))
        await after.load()
        assert after.snapshot() == before.snapshot()
        assert '"limit": 5' in after.snapshot() and '"window": 5.0' in after.snapshot()
    finally:
        await db.close()
