"""Where CPU-heavy audio work runs (probing, transcoding, drawing waveforms): a thread, or a small
pool of worker processes.

A thread keeps the event loop waiting all the same: PyAV reads through a Python file object
(audio/probe.py) and its decode loop is Python, so both hold the GIL, and under a burst of jobs every
socket write, select() and file open on the loop waited for it (issue 12: event-loop lag p99 of
250-500 ms with 1,000 jobs). A worker process has an interpreter of its own; the loop only waits for
the answer. The bot runs an `AudioWorkers` pool of AUDIO_WORKERS processes; `THREAD` (the default
wherever none is passed, e.g. in tests that build the engine themselves) runs the work in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
# Imported once by the fork server, so each worker starts from a process that already has PyAV and
# shares those pages with it; every function sent to a worker lives in one of these.
_PRELOAD = ["audio.probe", "audio.transcode", "audio.waveform", "engine.takes"]


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
    """At most `workers` processes, started on first use from a fork server (not forked from the
    bot, whose threads and sockets a fork would copy). `fn` and its arguments travel by pickle, so
    `fn` is a module-level function; its exceptions come back with their attributes. A worker that
    dies (a decoder crash on a hostile file) fails that call only: the next call gets a new pool."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    async def start(self) -> None:
        """Start the fork server and the workers now, in a thread: the first start imports PyAV and
        the main script, and multiprocessing waits for that synchronously."""
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
    """While workers start: multiprocessing runs the main script again in every new worker, and the
    bot's (bot.py) imports all of discord.py and the bot, some 90 MB a worker for nothing. With a
    bare __main__ in its place the workers import only what they are sent, by module name."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
