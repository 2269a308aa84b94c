"""One writer per channel: every Discord write to a channel waits its turn here, within the channel's budget.

Discord gives each channel a small write budget (about 5 writes per 5 s, announced per bucket in the
X-RateLimit-* headers). Left to themselves, a busy channel's status workers and result posts race for
it, get answered 429 and show states late. Here each channel has one queue and one write in flight:

- order: result posts first, then final states, then the stalest visible status (the one whose
  shown state has been out of date longest); but a status (passing or final) out of date for
  `stale_after` seconds takes every other write, so a stream of result posts cannot starve them;
- coalescing: a write submitted under a key already waiting replaces it (newest state wins) and keeps
  the older staleness and the more urgent priority;
- budget: learned from the headers of every response (an aiohttp trace on discord.py's session),
  per route and bucket; a write is sent only while the bucket has a token left, otherwise the writer
  sleeps on the injected Clock until the window resets. Writes are spread over the window (one per
  window/limit seconds), so a change waits for the next slot, not for the next window. Learned
  budgets are remembered (BudgetStore), so the first seconds after a restart respect a window the
  previous process had spent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from storage.db import Database

log = logging.getLogger(__name__)

# Routes as the writer names them (discord.py's message routes for one channel).
POST = "POST /channels/{channel_id}/messages"
EDIT = "PATCH /channels/{channel_id}/messages/{message_id}"
DELETE = "DELETE /channels/{channel_id}/messages/{message_id}"

_CHANNEL_ROUTE = re.compile(r"/channels/(?P<channel>\d+)/messages(?P<message>/\d+)?$")
# A status this long out of date takes every other write, ahead of results and finals: at 1 write/s
# that keeps a busy channel's statuses within about 5 s of the provider.
STALE_AFTER = 3.0
# When a response carried no headers (a dropped connection), how long a spent bucket is assumed to last.
FALLBACK_WINDOW = 5.0


class Priority(IntEnum):
    RESULT = 0  # a result post: the member is waiting for it
    FINAL = 1  # a final state (done, failed, cancelled): never dropped
    STATUS = 2  # a passing state: the stalest goes first


@dataclass
class Budget:
    """One rate-limit bucket of a channel, as its headers last described it."""

    limit: int | None = None  # None: not learned yet; one probe at a time until it is
    window: float | None = None  # seconds a fresh window lasts (Reset-After of its first write)
    remaining: int = 1
    reset_at: float = math.inf  # monotonic; inf: the current window's reset is not known yet
    last_sent: float = -math.inf

    def refill(self, now: float) -> None:
        if self.limit is not None and now >= self.reset_at:
            # A new window starts with the next write; its reset is known once that write is answered.
            self.remaining, self.reset_at = self.limit, math.inf

    def wait(self, now: float) -> float:
        """Seconds until a token is free (0: now)."""
        self.refill(now)
        if self.remaining > 0:
            if self.limit and self.window and self.remaining < self.limit:
                # Spread the window's writes (5 per 5 s: one a second) instead of spending them in one
                # burst and then showing nothing for the rest of the window.
                return max(self.last_sent + self.window / self.limit - now, 0.0)
            return 0.0
        return (
            max(self.reset_at - now, 0.0) if self.reset_at != math.inf else (self.window or FALLBACK_WINDOW)
        )


class BudgetStore(Protocol):
    """Where learned budgets outlive the process: {channel id: {bucket: (limit, window)}}-like JSON."""

    async def load(self) -> str | None: ...

    async def save(self, value: str) -> None: ...


class MetaBudgetStore:
    """Budgets kept in the database's meta table (one JSON row; a few hundred bytes per busy channel)."""

    KEY = "channel_budgets"

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self) -> str | None:
        return await self.db.get_meta(self.KEY)

    async def save(self, value: str) -> None:
        await self.db.set_meta(self.KEY, value)


@dataclass(eq=False)
class _Entry:
    key: object
    call: Callable[[], Awaitable[Any]]
    priority: Priority
    route: str
    since: float  # when the state it carries first went unwritten
    seq: int
    not_before: float
    future: asyncio.Future[Any]


@dataclass
class _Channel:
    entries: dict[object, _Entry] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)  # route -> bucket id
    buckets: dict[str, Budget] = field(default_factory=dict)  # bucket id -> budget
    probe: Budget = field(default_factory=Budget)  # routes whose bucket is not known yet
    worker: asyncio.Task[None] | None = None
    last_was_result: bool = False  # the last write sent was a result post (for the stale-status turn)
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def budget(self, route: str) -> Budget:
        bucket = self.routes.get(route)
        return self.buckets[bucket] if bucket is not None else self.probe

    def wait(self, route: str, now: float) -> float:
        if route in self.routes:
            return self.buckets[self.routes[route]].wait(now)
        # An unknown route may share a known bucket: wait for all of them, and probe one at a time.
        return max([b.wait(now) for b in self.buckets.values()] + [self.probe.wait(now)])


class ChannelWriter:
    """The per-channel write scheduler every status edit, board edit and result post goes through."""

    def __init__(
        self,
        *,
        clock: Clock = SYSTEM_CLOCK,
        store: BudgetStore | None = None,
        stale_after: float = STALE_AFTER,
    ) -> None:
        self.clock = clock
        self.store = store
        self.stale_after = stale_after
        self._channels: dict[int, _Channel] = {}
        self._seq = 0
        self._saver: asyncio.Task[None] | None = None
        self._closed = False

    # -- learning the budget ------------------------------------------------------------------------

    def trace(self, config: aiohttp.TraceConfig) -> aiohttp.TraceConfig:
        """Listen to discord.py's HTTP session (Client(http_trace=config)) for the rate-limit headers."""
        config.on_request_end.append(self._on_request_end)
        return config

    async def _on_request_end(
        self, session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        match = _CHANNEL_ROUTE.search(params.url.path)
        if match is None:
            return
        route = EDIT.split(" ")[1] if match["message"] else POST.split(" ")[1]
        self.observe(int(match["channel"]), f"{params.method} {route}", params.response.headers)

    def observe(self, channel_id: int, route: str, headers: Mapping[str, str]) -> None:
        """What one response said about the route's bucket (a 429 included)."""
        channel = self._channel(channel_id)
        now = self.clock.monotonic()
        try:
            reset_after = float(headers.get("X-RateLimit-Reset-After") or headers["Retry-After"])
        except (KeyError, ValueError):
            return
        bucket = headers.get("X-RateLimit-Bucket") or route
        budget = channel.buckets.setdefault(bucket, Budget())
        channel.routes[route] = bucket
        if "X-RateLimit-Limit" in headers:
            budget.limit = int(headers["X-RateLimit-Limit"])
        if "X-RateLimit-Remaining" in headers:
            budget.remaining = int(headers["X-RateLimit-Remaining"])
            if budget.limit is not None and budget.remaining == budget.limit - 1:
                budget.window = reset_after  # the first write of a window: the whole window is ahead
        else:
            budget.remaining = 0  # a 429 without our headers: wait for Retry-After
        budget.reset_at = now + reset_after
        self._save_soon()

    # -- writing ------------------------------------------------------------------------------------

    def submit(
        self,
        channel_id: int,
        key: object,
        call: Callable[[], Awaitable[Any]],
        *,
        priority: Priority,
        route: str = EDIT,
        not_before: float = 0.0,
    ) -> asyncio.Future[Any]:
        """Queue a write; one already waiting under `key` is replaced (its waiters get this one's result)."""
        channel = self._channel(channel_id)
        now = self.clock.monotonic()
        waiting = channel.entries.get(key)
        if waiting is not None:
            waiting.call = call
            waiting.route = route
            waiting.priority = min(waiting.priority, priority)
            waiting.not_before = min(waiting.not_before, not_before)
            entry = waiting
        else:
            self._seq += 1
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            entry = _Entry(key, call, priority, route, now, self._seq, not_before, future)
            channel.entries[key] = entry
        channel.wake.set()
        if channel.worker is None or channel.worker.done():
            channel.worker = asyncio.create_task(self._work(channel_id, channel), name=f"writer-{channel_id}")
        return entry.future

    async def write(
        self,
        channel_id: int,
        call: Callable[[], Awaitable[Any]],
        *,
        priority: Priority = Priority.RESULT,
        route: str = POST,
        key: object = None,
    ) -> Any:
        """Run one write in its turn and return what it returned (or raise what it raised)."""
        key = key or object()
        future = self.submit(channel_id, key, call, priority=priority, route=route)
        try:
            return await future
        except asyncio.CancelledError:
            # The caller gave up (e.g. shutdown): a write not yet sent is not sent later behind its back.
            channel = self._channels[channel_id]
            if channel.entries.get(key) is not None and channel.entries[key].future is future:
                del channel.entries[key]
            raise

    def discard(self, channel_id: int, key: object) -> bool:
        """Drop a write still waiting (its waiters get None): what it carried will show elsewhere."""
        channel = self._channels.get(channel_id)
        entry = channel.entries.pop(key, None) if channel else None
        if entry is not None and not entry.future.done():
            entry.future.set_result(None)
        return entry is not None

    def pending(self, channel_id: int) -> int:
        channel = self._channels.get(channel_id)
        return len(channel.entries) if channel else 0

    async def _work(self, channel_id: int, channel: _Channel) -> None:
        while channel.entries:
            now = self.clock.monotonic()
            ready = [e for e in channel.entries.values() if e.not_before <= now]
            if not ready:
                await self._nap(channel, min(e.not_before for e in channel.entries.values()) - now)
                continue
            entry = self._next(channel, ready, now)
            wait = channel.wait(entry.route, now)
            if wait > 0:
                # Something more urgent may arrive meanwhile; the choice is made again after the nap.
                await self._nap(channel, wait)
                continue
            del channel.entries[entry.key]
            channel.last_was_result = entry.priority is Priority.RESULT
            budget = channel.budget(entry.route)
            budget.remaining -= 1
            budget.last_sent = now
            before = budget.reset_at
            try:
                result = await entry.call()
            except asyncio.CancelledError:
                entry.future.cancel()
                raise
            except BaseException as exc:  # the waiter decides; the writer goes on with the next write
                if not entry.future.done():
                    entry.future.set_exception(exc)
            else:
                if not entry.future.done():
                    entry.future.set_result(result)
            if budget is channel.probe:
                # Taught the route's bucket, or no headers to learn from (no trace attached): either
                # way an unknown route goes on one write at a time, and discord.py's own limiter rules.
                budget.remaining = 1
                if entry.route in channel.routes:
                    learned = channel.buckets[channel.routes[entry.route]]
                    learned.last_sent = max(learned.last_sent, now)
            elif budget.remaining <= 0 and budget.reset_at == before == math.inf:
                # No headers came back (e.g. a dropped connection): assume the spent token lasts a window.
                budget.reset_at = self.clock.monotonic() + (budget.window or FALLBACK_WINDOW)

    def _next(self, channel: _Channel, ready: list[_Entry], now: float) -> _Entry:
        """Results, then finals, then the stalest status; a status stale too long gets every other turn."""
        best = min(ready, key=lambda e: (e.priority, e.since, e.seq))
        if best.priority is not Priority.RESULT or not channel.last_was_result:
            return best
        statuses = [e for e in ready if e.priority is not Priority.RESULT]
        stalest = min(statuses, key=lambda e: (e.since, e.seq), default=None)
        if stalest is not None and now - stalest.since >= self.stale_after:
            return stalest
        return best

    async def _nap(self, channel: _Channel, seconds: float) -> None:
        """Sleep on the clock until `seconds` pass or a new write is submitted."""
        channel.wake.clear()
        sleep = asyncio.ensure_future(self.clock.sleep(seconds))
        woken = asyncio.ensure_future(channel.wake.wait())
        try:
            await asyncio.wait((sleep, woken), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleep, woken):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(sleep, woken, return_exceptions=True)

    def _channel(self, channel_id: int) -> _Channel:
        channel = self._channels.get(channel_id)
        if channel is None:
            channel = self._channels[channel_id] = _Channel()
        return channel

    # -- remembering budgets across a restart -------------------------------------------------------

    async def load(self) -> None:
        """Read the budgets learned before a restart; a window still running keeps its spent tokens."""
        if self.store is None:
            return
        try:
            raw = await self.store.load()
            saved = json.loads(raw) if raw else {}
        except Exception:
            log.warning("could not read the remembered channel budgets; learning them again")
            return
        now, wall = self.clock.monotonic(), self.clock.utcnow().timestamp()
        for channel_key, state in saved.items():
            channel = self._channel(int(channel_key))
            channel.routes.update(state.get("routes", {}))
            for bucket, b in state.get("buckets", {}).items():
                budget = channel.buckets.setdefault(bucket, Budget())
                budget.limit, budget.window = b["limit"], b.get("window")
                if b.get("reset_wall", 0) > wall:
                    budget.remaining = b["remaining"]
                    budget.reset_at = now + (b["reset_wall"] - wall)
                else:
                    budget.remaining = budget.limit or 1

    def snapshot(self) -> str:
        now, wall = self.clock.monotonic(), self.clock.utcnow().timestamp()
        state: dict[str, Any] = {}
        for channel_id, channel in self._channels.items():
            buckets = {
                bucket: {
                    "limit": b.limit,
                    "window": b.window,
                    "remaining": b.remaining,
                    "reset_wall": wall + (b.reset_at - now) if b.reset_at != math.inf else 0,
                }
                for bucket, b in channel.buckets.items()
                if b.limit is not None
            }
            if buckets:
                state[str(channel_id)] = {"routes": channel.routes, "buckets": buckets}
        return json.dumps(state, sort_keys=True)

    def _save_soon(self) -> None:
        """Coalesce saves: at most one write to the store a second, whatever the traffic."""
        if self.store is None or self._closed or (self._saver is not None and not self._saver.done()):
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to save from
            self._saver = asyncio.get_running_loop().create_task(self._save_later())

    async def _save_later(self) -> None:
        await self.clock.sleep(1.0)
        await self.save()

    async def save(self) -> None:
        if self.store is None:
            return
        try:
            await self.store.save(self.snapshot())
        except Exception:
            log.warning("could not remember the channel budgets", exc_info=True)

    async def close(self, grace: float = 5.0) -> None:
        """Write what is waiting (briefly), remember the budgets, then stop."""
        self._closed = True
        workers = [c.worker for c in self._channels.values() if c.worker is not None and not c.worker.done()]
        if workers:
            await asyncio.wait(workers, timeout=grace)
        for worker in workers:
            worker.cancel()
        if self._saver is not None:
            self._saver.cancel()
        await self.save()
