"""LISTEN on PostgreSQL: one connection of its own, outside the pool, kept open for as long as the
process runs, so that a NOTIFY from another process sharing the database is heard in this one.

A pooled connection would not do: LISTEN belongs to a session, and the pool resets sessions. When
the connection drops (the server restarted, an operator ended it, the network went away) it is
opened again at once, then with a growing pause while that fails; the operator reads one line when
it is lost and one when it listens again. Notifications sent while it was down are not replayed:
`connected` is called every time it listens (again), so the caller can look for what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger(__name__)

# Seconds to wait for the server when (re)connecting.
CONNECT_TIMEOUT = 10.0
# A connection that went silent without closing (a network gone) is noticed by a trivial query this often.
KEEPALIVE_SECONDS = 30.0
PING_TIMEOUT = 5.0
# Pauses between failed attempts to reconnect: the first retry is quick, then they spread out.
RETRY_FIRST, RETRY_MAX = 0.5, 15.0


class Listener:
    """LISTEN `channel` on its own connection; `heard(payload)` for every NOTIFY, `connected()` each
    time the connection listens (the first time included). Both are called on the event loop and
    must not block."""

    def __init__(
        self, url: str, channel: str, heard: Callable[[str], None], connected: Callable[[], None]
    ) -> None:
        self._url = url
        self.channel = channel
        self._heard = heard
        self._connected = connected
        self._conn: asyncpg.Connection | None = None
        # Set by the driver when the listening connection closes, whoever closed it.
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The server process of the listening connection (pg_stat_activity shows it); None while down."""
        conn = self._conn
        return conn.get_server_pid() if conn is not None and not conn.is_closed() else None

    async def start(self) -> None:
        """Listen from now on; returns once the first attempt has listened or failed (then it keeps
        trying in the background: the bot runs on without hearing other processes meanwhile)."""
        first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(first), name=f"listen-{self.channel}")
        await first

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None

    async def _run(self, first: asyncio.Future[None]) -> None:
        down = False  # whether the operator has been told it is not listening
        pause = RETRY_FIRST
        while True:
            try:
                conn = await self._connect()
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                if not down:
                    log.warning("LISTEN %s: cannot connect (%s); trying again", self.channel, _why(exc))
                    down = True
                if not first.done():
                    first.set_result(None)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MAX)
                continue
            pause = RETRY_FIRST
            if down:
                log.info("LISTEN %s: listening again", self.channel)
                down = False
            if not first.done():
                first.set_result(None)
            self._connected()
            reason = await self._until_lost(conn)
            self._conn = None
            conn.terminate()
            log.warning("LISTEN %s: connection lost (%s); reconnecting", self.channel, reason)
            down = True

    async def _connect(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
        self._lost.clear()
        try:
            conn.add_termination_listener(self._on_closed)
            await conn.add_listener(self.channel, self._on_notify)
        except BaseException:
            conn.terminate()
            raise
        self._conn = conn
        return conn

    async def _until_lost(self, conn: asyncpg.Connection) -> str:
        """Wait while the connection stays up; why it was lost."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), KEEPALIVE_SECONDS)
            if self._lost.is_set() or conn.is_closed():
                return "closed"
            try:
                await asyncio.wait_for(conn.execute("SELECT 1"), PING_TIMEOUT)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                return _why(exc)

    def _on_closed(self, conn: object) -> None:
        self._lost.set()

    def _on_notify(self, conn: object, pid: int, channel: str, payload: object) -> None:
        self._heard(str(payload))


def _why(exc: BaseException) -> str:
    """The driver's words in one line (host, port, user; never the password)."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
