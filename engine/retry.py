"""Every retry the bot makes, in one place: one policy per call type, and nothing retries beneath it.

The HTTP client under the providers sends each request once: it maps the answer to a typed error
(noting `maybe_accepted` when a paid request may have reached the vendor) and keeps an account-wide
pause after a 429, which is state, not a retry. Providers pass errors up. The layer named below
decides, counts and waits, on the injected Clock.

| call                | retried by       | attempts | waits between attempts      | worst-case waiting      |
|---------------------|------------------|----------|-----------------------------|-------------------------|
| submit              | engine/runner.py | 5        | 2, 4, 8, 16 s (cap 60 s)    | 4 x 60 s = 4 min        |
| poll / track        | engine/runner.py | 8        | 2, 4, ... 32, 60, 60 s      | 7 x 60 s = 7 min        |
| take download       | engine/takes.py  | 4        | 2, 4, 8 s (cap 30 s)        | 3 x 30 s = 90 s a take  |
| Discord status edit | face/status.py   | 1 (6)    | final state: 2 ... 16, 30 s | 5 x 30 s = 2.5 min      |
| Discord result post | engine/runner.py | 6 (+)    | 2, 4, 8, 16, 32 s (cap 60)  | 5 x 60 s = 5 min (+)    |
| ACE-Step submit and | engine/runner.py | while the outage is younger than the grace   | grace + 1 wait  |
|   track (override)  |   (for_provider) | (ACESTEP_UNREACHABLE_GRACE, default 600 s);  | = 10 min + 30 s |
|                     |                  | waits: the provider's Retry-After, min(30 s, |                 |
|                     |                  | 10 x poll interval, grace)                   |                 |

Caps apply to a server's Retry-After too, so the worst case is `cap x (attempts - 1)` of waiting,
plus the attempts themselves (HTTP timeouts: a submit or poll <= 120 s, a download <= 600 s).
A take download is retried only when its connection dropped or stalled; whatever the download
policy (engine/downloads.py) refused (scheme, address, redirects, size, total time) is permanent.
A submit that may have been accepted (`maybe_accepted`) is never resent unless the provider
dedupes by idempotency key (capabilities.idempotent_submit). Tracking is re-entered after a
transient failure; the runner counts re-entries for the whole job run, so no re-entry resets the
budget. A passing status is written once (a newer one follows); the final one gets 6 attempts.
Submit, tracking and take downloads live inside the job deadline, which ends them sooner if it comes
first (takes ready only at the deadline get two more minutes to download). (+) The result post goes
on past its 6 attempts while the deadline allows; when both are spent the takes are kept for /show.
Waits have jitter (each is 50-100 % of the figure above) unless the server said Retry-After.
discord.py, under both Discord calls, still waits out 429s itself (its bucket state, like our
account pause) and resends a 500/502/504 up to 5 times (1 s, 3 s, 5 s, 7 s apart: 16 s); that
loop is inside the library and counted here as part of one attempt.

The one override: a provider that declares `capabilities.unavailable_grace` (the self-hosted
ACE-Step server, which an operator restarts or switches off and whose queue fills) has its submit
and track attempts bounded by time instead of a count: the runner keeps trying while the trouble
(first failure, cleared by any answer) is younger than the grace, then fails the job with the
provider's reason. Its submit is still never resent once it may have been accepted, and the job
deadline still ends the wait sooner. ACE-Step downloads its takes inside track (with its key), so
a broken download is a track failure under the same grace.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from domain.clock import Clock
from domain.errors import ProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base: float
    cap: float

    # Set by for_provider: attempts are bounded by how long the trouble has lasted, not counted.
    within: float | None = None

    def spent(self, attempt: int, troubled_for: float) -> bool:
        """Whether failed attempt `attempt` (from 1) was the last, the trouble having lasted
        `troubled_for` seconds."""
        if self.within is not None:
            return troubled_for >= self.within
        return attempt >= self.attempts

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (from 1): the server's Retry-After when it
        gave one, else exponential growth from `base`, with jitter so many waiters don't stampede.
        Both are capped, so the worst case in the table holds."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.cap)
        return min(self.cap, self.base * 2.0 ** (attempt - 1)) * (0.5 + random.random() / 2)

    def worst_case_wait(self) -> float:
        if self.within is not None:
            return self.within + self.cap
        return self.cap * (self.attempts - 1)


SUBMIT = RetryPolicy(attempts=5, base=2.0, cap=60.0)
TRACK = RetryPolicy(attempts=8, base=2.0, cap=60.0)
TAKE_DOWNLOAD = RetryPolicy(attempts=4, base=2.0, cap=30.0)
STATUS_EDIT_FINAL = RetryPolicy(attempts=6, base=2.0, cap=30.0)
RESULT_POST = RetryPolicy(attempts=6, base=2.0, cap=60.0)


def for_provider(policy: RetryPolicy, grace: float | None) -> RetryPolicy:
    """`policy`, or its time-bounded override for a provider that waits out outages for `grace`
    seconds (Capabilities.unavailable_grace; the table's ACE-Step row)."""
    return policy if grace is None else replace(policy, within=grace)


async def retry_transient(
    policy: RetryPolicy,
    clock: Clock,
    call: Callable[[], Awaitable[T]],
    *,
    on_retry: Callable[[ProviderError, float], None] | None = None,
) -> T:
    """Run `call` until it succeeds, fails for good, or the policy's attempts are spent.

    Only transient errors that cannot have started a paid operation are retried."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except ProviderError as error:
            if not error.transient or error.maybe_accepted or attempt >= policy.attempts:
                raise
            delay = policy.delay(attempt, error.retry_after)
            if on_retry is not None:
                on_retry(error, delay)
            await clock.sleep(delay)


@contextlib.asynccontextmanager
async def deadline(clock: Clock, seconds: float) -> AsyncIterator[None]:
    """Like asyncio.timeout(seconds), but on `clock`: raises TimeoutError when its time passes.

    asyncio.timeout reads the loop's real time, which a test's fake clock cannot move; here a
    sleeper on the clock expires the scope instead, through asyncio's own cancellation bookkeeping.
    """
    async with asyncio.timeout(None) as scope:
        loop = asyncio.get_running_loop()

        async def expire() -> None:
            await clock.sleep(seconds)
            scope.reschedule(loop.time())

        timer = asyncio.create_task(expire(), name="deadline")
        try:
            yield
        finally:
            timer.cancel()
