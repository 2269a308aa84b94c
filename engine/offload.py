"""Where CPU-heavy audio work runs (probing, transcoding, drawing waveforms): a thread, or a small
pool of worker processes.

A thread keeps the event loop waiting all the same: PyAV reads through a Python file object
(audio/probe.py) and its decode loop is Python, so both hold the GIL, and under a burst of jobs every
socket write, select() and file open on the loop waited for it (issue 12: event-loop lag p99 of
250-500 ms with 1,000 jobs). A worker process has an interpreter of its own; the loop only waits for
the answer. With AUDIO_WORKERS the bot runs an `AudioWorkers` pool of that many processes; `THREAD`
(AUDIO_WORKERS=0, the default, and wherever none is passed) runs the work in a thread. On a quiet
2-core machine (bench/bench_thousand_jobs.py, three runs) the two did not differ beyond the order in
which the bench ran them, and threads met the targets (ack p99 14-51 ms, loop lag p99 <= 25 ms at 50
commands a second), so the default is the one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
# Seconds between a worker's checks that the bot is still there.
_WATCH_EVERY = 2.0


class Offload(Protocol):
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


class InThread:
    """The work in a thread of the default executor."""

    async def start(self) -> None:
        return None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)

    def close(self) -> None:
        return None


THREAD = InThread()


class AudioWorkers:
    """At most `workers` processes, spawned (not forked from the bot, whose threads and sockets a
    fork would copy) when the bot starts. `fn` and its arguments travel by pickle, so `fn` is a
    module-level function; its exceptions come back with their attributes. A worker that dies (a
    decoder crash on a hostile file) fails that call only: the next call gets a new pool. A worker
    whose bot is gone (a SIGKILL leaves no time to stop it) ends itself within seconds."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def start(self) -> None:
        """Start the workers now, from a thread: starting a process waits for it synchronously."""
        await asyncio.to_thread(self._warm)

    def _warm(self) -> None:
        with _main_left_out():
            pool = self._executor()
            futures = [pool.submit(int) for _ in range(self.workers)]
        for future in futures:
            future.result()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with _main_left_out():
            # A worker is started here if one is missing (the first calls, or after a crash).
            pool = self._executor()
            future = pool.submit(functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            log.warning("an audio worker process died during %s; starting new ones", fn.__name__)
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise

    def close(self) -> None:
        """Stop the workers; work still queued is cancelled (its jobs resume after a restart)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """While workers start: multiprocessing runs the main script again in every spawned worker, and
    the bot's (bot.py) imports all of discord.py and the bot, some 90 MB a worker for nothing. With a
    bare __main__ in its place the workers import only what they are sent, by module name."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _start_worker(parent: int) -> None:
    """In each worker: end the process once the bot is gone. A worker waits on a queue whose writing
    end it holds itself, so a dead bot would leave it waiting for ever.

    The workers keep the bot's CPU priority: lowered (nice), a transcode on a busy shared host was
    starved by every other process there, not only by the bot, and a job waited minutes for it.
    AUDIO_WORKERS below the core count leaves the event loop a core of its own.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_EVERY)
        os._exit(0)

    threading.Thread(target=watch, name="watch-bot", daemon=True).start()
