"""The durable scheduler. The jobs table is the truth; this carries every job to an end.

One driver task per job at a provider. Queued jobs wait in an in-memory fair queue
(engine/fair_queue.py: the member with the fewest jobs started goes first, then the oldest job)
and are started under a per-provider limit; picking the next one is O(log n) and reads no rows.
Every transition is still written to the table, and the queue is rebuilt from it at start. After a
restart every unfinished job is carried on from the state it reached: a job with a saved handle is
tracked again, never submitted again.

With leases on (the bot: `lease_seconds`), a job belongs to one process at a time. The runner claims
the jobs it drives (storage/jobs.py claim: FOR UPDATE SKIP LOCKED on PostgreSQL), renews all of its
leases in one statement every third of the lease, and on the same tick claims the jobs whose lease
ran out (a process died) and carries them on exactly as a restart does. Every write of a driven job
is conditional on still holding its lease; a job whose lease went to another process is dropped here
without another write. Clean close gives the leases back.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
import secrets
import shutil
import socket
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, IllegalTransition, Job, JobResult, JobState
from domain.shards import Shards
from domain.tracking import Completed, Handle, Note, Progress
from engine import metrics
from engine.admin import JobHooks
from engine.downloads import STRICT, DownloadPolicy
from engine.fair_queue import FairQueue
from engine.kept import discard, keep, kept_jobs
from engine.offload import THREAD, Offload
from engine.ports import PostRefused, ResultSink, StatusSink
from engine.retry import RESULT_POST, SUBMIT, TRACK, deadline, for_provider
from engine.takes import Take, fetch_takes, take_dir
from providers.base import Inbox, JobRequest, Provider
from providers.registry import Registry
from storage.jobs import CLAIM_BATCH, Claimed, JobRepository, Lease, LeaseLost, WebhookTarget

log = logging.getLogger(__name__)

S = JobState
# How often kept inputs past their retention are looked for.
SWEEP_EVERY = 15 * 60
# Seconds takes that were ready only at (or after) the job's deadline still get to download.
LATE_DOWNLOAD_WINDOW = 120.0

# The job's input URL, made fetchable again if it is signed and about to expire (chat attachments are).
InputUrlRefresher = Callable[[Job], Awaitable[str]]


def process_id() -> str:
    """This process's name on the job leases it holds: host and pid say which process it is to an
    operator; the random part keeps a reused pid (a restarted container) from passing for the old one."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Runner:
    def __init__(
        self,
        jobs: JobRepository,
        registry: Registry,
        status: StatusSink,
        results: ResultSink,
        *,
        downloads: DownloadPolicy = STRICT,
        work_dir: Path,
        deadline_seconds: float,
        max_take_bytes: int,
        public_base_url: str | None = None,
        owns: Callable[[Job], bool] = lambda job: True,
        refresh_input_url: InputUrlRefresher | None = None,
        input_retention: float = 0.0,
        hooks: JobHooks | None = None,
        clock: Clock = SYSTEM_CLOCK,
        lease_seconds: float | None = None,
        holder: str | None = None,
        shards: Shards | None = None,
        sole_process: bool = False,
        on_received: Callable[[Job], None] | None = None,
        audio: Offload = THREAD,
    ) -> None:
        self.jobs = jobs
        self.audio = audio
        self.registry = registry
        self.status = status
        self.results = results
        self.downloads = downloads
        self.work_dir = work_dir
        self.deadline_seconds = deadline_seconds
        self.max_take_bytes = max_take_bytes
        self.public_base_url = public_base_url
        # The bot and the CLI share one database; each drives only the jobs it owns.
        self.owns = owns
        self.refresh_input_url = refresh_input_url
        # Seconds a delivered job's input is kept for a reroll; 0 removes it when the job ends.
        self.input_retention = input_retention
        # Costs and admin events (engine/admin.py); None where no server pays (the CLI).
        self.hooks = hooks
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._inboxes: dict[int, Inbox] = {}
        self._not_before: dict[int, float] = {}
        # When each job's submit first failed in a way that may pass (clock.monotonic()), for
        # providers that wait out an outage for a set time (Capabilities.unavailable_grace).
        self._troubled_since: dict[int, float] = {}
        # The error that put each deferred submit back in the queue: run_one (the CLI) waits it out
        # itself, and fails the job with it when the deadline leaves no time for another attempt.
        self._deferred: dict[int, ProviderError] = {}
        self._positions: dict[int, int] = {}
        # Queued jobs ready to start, in fair order; the driven jobs per provider (they hold a slot
        # from launch, even while the row still reads QUEUED).
        self._queue = FairQueue()
        self._running: Counter[str] = Counter()
        # Deferred submits waiting out their delay: (clock.monotonic() when due, job id), and the rows.
        self._held: list[tuple[float, int]] = []
        self._held_jobs: dict[int, Job] = {}
        # A deferred job goes back to the queue once its driver task has ended.
        self._requeue: dict[int, Job] = {}
        # When each waiting job's deadline passes; entries of jobs that moved on are skipped.
        self._deadlines: list[tuple[datetime, int]] = []
        self._order_changed = False
        # The takes each job has ready so far (Progress.partial), posted if its deadline passes.
        self._partials: dict[int, Completed] = {}
        # The jobs being driven, by (provider, webhook token), with their newest handle: webhook
        # deliveries for them are matched here, without a query (the table stays the truth).
        self._live: dict[tuple[str, str], int] = {}
        self._live_keys: dict[int, tuple[str, str]] = {}
        self._handles: dict[int, Handle | None] = {}
        self._wake = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None
        self._sweep_task: asyncio.Task[None] | None = None
        self._timer: asyncio.Task[None] | None = None
        # Every wait, backoff and deadline is on this clock (tests pass a fake one).
        self.clock = clock
        # Job leases (JOB_LEASE_SECONDS); None: no leases, every unfinished job is this process's
        # (cli.py, which drives only the job it started).
        self.lease_seconds = lease_seconds
        # The gateway shards this process runs (None: all of them); part of its name on leases, so
        # another process knows which channels are this one's home.
        self.shards = shards
        self.holder = holder or process_id() + (shards.label() if shards else "")
        # The condition on every write of a driven job: this process still holds its lease.
        self.held_by = self.holder if lease_seconds else None
        # The only bot process on its database (SQLite): at start, live leases are a dead run's.
        self.sole_process = sole_process
        # Jobs claimed in RECEIVED (their input check was cut short): checked again by the face.
        self.on_received = on_received
        # Jobs launched here after another process held them: webhook deliveries stored for them
        # while they were there are collected at once (the face wires engine/relay.py in).
        self.on_taken_over: Callable[[list[int]], None] | None = None
        # Per provider, jobs at the provider that other processes hold (refreshed every lease tick).
        self._elsewhere: dict[str, int] = {}
        # Jobs taken over from another process with a handle: their webhook deliveries may still go
        # to that process's address, so they are polled at the normal interval.
        self._taken_over: set[int] = set()
        self._lease_task: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Carry on every unfinished job (with leases: every one this process can claim), then start
        handing out provider slots."""
        if self.lease_seconds:
            claimed = await self._claim(live_too=self.sole_process)
            # On a shared database a lease found at start was a process that died.
            resumed = await self._take(claimed, taken_over=not self.sole_process)
            self._lease_task = asyncio.create_task(self._lease_loop(), name="runner-leases")
        else:
            resumed = await self._take([Claimed(job, None) for job in await self.jobs.unfinished()])
        if resumed:
            log.info("resuming %d jobs at their providers", resumed)
        self._pump_task = asyncio.create_task(self._pump(), name="runner-pump")
        if self.input_retention > 0:
            self._sweep_task = asyncio.create_task(self._sweep_loop(), name="runner-sweep")
        self.wake()

    async def _take(self, claimed: list[Claimed], *, taken_over: bool = False) -> int:
        """Carry each job on from the state it reached, as after a restart; how many were resumed at
        their provider. `taken_over`: the leases were other processes' (run out)."""
        resumed = 0
        launched_here: list[int] = []
        for job, previous in claimed:
            if not self.owns(job):
                continue
            if taken_over and previous not in (None, self.holder):
                log.info("job %s: taken over from %s (its lease ran out)", job.id, previous)
                if job.handle is not None:
                    self._taken_over.add(job.id)
            try:
                if job.state is S.RECEIVED:
                    if self.on_received is not None:
                        self.on_received(job)
                elif job.provider not in self.registry:
                    await self._fail(job, Failure(reason=Reason.PROVIDER_GONE, params={"name": job.provider}))
                elif job.state is S.SUBMITTING:
                    await self._recover_submitting(job)
                elif job.state is S.QUEUED:
                    self._wait(job)
                elif job.state in (S.SUBMITTED, S.RUNNING, S.DELIVERING):
                    resumed += 1
                    self._launch(job)
                    launched_here.append(job.id)
            except (IllegalTransition, LeaseLost) as exc:
                log.info("job %s: not carried on here, %s", job.id, exc)
        if taken_over and launched_here and self.on_taken_over is not None:
            self.on_taken_over(launched_here)
        return resumed

    # -- leases ----------------------------------------------------------------------------------------
    def new_lease(self) -> Lease | None:
        """This process's lease from now on, for a job it creates (intake) or claims; None without leases."""
        if not self.lease_seconds:
            return None
        return Lease(self.holder, self.clock.utcnow() + timedelta(seconds=self.lease_seconds))

    def drives(self, job_id: int) -> bool:
        """Whether this process drives the job now (tracks it, or holds it in its queue)."""
        return job_id in self._tasks or self._waiting(job_id) or job_id in self._requeue

    async def _claim(self, *, live_too: bool = False) -> list[Claimed]:
        lease = self.new_lease()
        assert lease is not None
        claimed: list[Claimed] = []
        while True:
            batch = await self.jobs.claim(lease, self.clock.utcnow(), live_too=live_too)
            claimed += batch
            if len(batch) < CLAIM_BATCH:
                return claimed

    async def _lease_loop(self) -> None:
        assert self.lease_seconds
        every = self.lease_seconds / 3
        while True:
            await self.clock.sleep(every)
            try:
                await self.lease_tick()
            except Exception as exc:
                # The leases still hold for two more ticks; a database gone for longer loses them.
                log.warning("job leases: renewal failed (%s); again in %.0fs", exc, every)

    async def lease_tick(self) -> None:
        """Renew this process's leases (one statement), drop the jobs whose lease it lost, claim the
        jobs whose lease ran out, and count the other processes' jobs at each provider."""
        lease = self.new_lease()
        assert lease is not None
        held = await self.jobs.renew(lease)
        mine = (
            set(self._tasks)
            | {job.id for job in self._queue.jobs()}
            | set(self._held_jobs)
            | set(self._requeue)
        )
        if missing := mine - held:
            # A job that finished meanwhile holds no lease either; only an active job held by
            # another process (or by nobody) is lost.
            for job_id, holder in (await self.jobs.active_holders(sorted(missing))).items():
                if holder != self.holder:
                    self._drop(job_id, holder)
        if gained := held - mine:
            # Handed here by another process (their channel's home is here); intake's jobs still
            # being admitted are held but not at their provider yet, and stay the intake's.
            handed = await self.jobs.at_provider(sorted(gained))
            for job in handed:
                log.info("job %s: handed over by another process; its channel is this one's", job.id)
            await self._take([Claimed(job, None) for job in handed], taken_over=True)
        await self._take(await self._claim(), taken_over=True)
        if self.shards is not None:
            await self._hand_home()
        self._elsewhere = await self.jobs.in_flight_elsewhere(self.holder)
        self.wake()

    async def _hand_home(self) -> None:
        """One process writes to a channel at a time (its write budget is per channel). A job taken
        over from a process that died is driven here until that process is back: once it drives a
        job in the same channel again, and the channel's server is on its shards, not this one's,
        the job is handed to it (tracked there from its handle; delivery looks for its own post first)."""
        assert self.shards is not None
        homes: dict[str, set[int]] = {}
        for job_id, guild_id, other in await self.jobs.rivals(self.holder, self.clock.utcnow()):
            if job_id not in self._tasks or self.shards.covers(guild_id):
                continue  # not tracked here yet, or this process's own channel
            if (theirs := Shards.of_holder(other)) is not None and theirs.covers(guild_id):
                homes.setdefault(other, set()).add(job_id)
        for other, job_ids in homes.items():
            lease = Lease(other, self.clock.utcnow() + timedelta(seconds=self.lease_seconds or 0))
            for job_id in sorted(await self.jobs.hand_over(sorted(job_ids), self.holder, lease)):
                self._drop(job_id, other)

    def _drop(self, job_id: int, holder: str | None) -> None:
        """Another process holds the job now: stop driving it here, without another write."""
        log.info("job %s: its lease is now %s's; no longer driven here", job_id, holder or "nobody")
        task = self._tasks.pop(job_id, None)
        if task is not None:
            task.cancel()
        self._forget(job_id)

    async def _recover_submitting(self, job: Job) -> None:
        """The bot died mid-submit. Resend only where the provider deduplicates by key."""
        if self.registry.get(job.provider).capabilities.idempotent_submit:
            job = await self.jobs.transition(job.id, S.QUEUED, held_by=self.held_by)
            self.status.push(job)
            self._wait(job)
        else:
            await self._fail(job, Failure(reason=Reason.RESTART_LOST_SUBMIT))

    async def close(self) -> None:
        """Stop driving jobs; they stay in the table and resume at the next start (with leases: given
        back, so another process carries them on without waiting for the leases to run out)."""
        tasks = [
            t
            for t in (self._pump_task, self._sweep_task, self._timer, self._lease_task, *self._tasks.values())
            if t
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        if self.held_by is not None and self._lease_task is not None:
            try:
                released = await self.jobs.release(self.holder)
            except Exception as exc:
                log.warning("job leases: not given back (%s); they run out in %.0fs", exc, self.lease_seconds)
            else:
                if released:
                    log.info("gave back the leases of %d unfinished jobs", released)

    def wake(self) -> None:
        self._wake.set()

    # -- what the rest of the bot calls ---------------------------------------------------------------
    async def enqueue(self, job: Job) -> None:
        """A job whose input checked out: show it and let the pump pick it."""
        if self.owns(job):
            self._wait(job)
        self.status.push(job, self.position_hint(job))
        self.wake()

    def _wait(self, job: Job) -> None:
        """Put a queued job in line: O(log n), no query."""
        self._queue.push(job)
        self._order_changed = True
        heapq.heappush(self._deadlines, (self._deadline_at(job), job.id))

    def position_hint(self, job: Job) -> int | None:
        return self._positions.get(job.id)

    def tracks(self, job_id: int) -> bool:
        """Whether the job's tracker runs here: its webhook deliveries are handed to it here, and a
        process that receives one for a job it does not track forwards it (engine/relay.py)."""
        return job_id in self._inboxes

    def tracked(self) -> list[int]:
        """Every job whose tracker runs here (see tracks)."""
        return list(self._inboxes)

    def webhook_target(self, provider: str, token: str) -> WebhookTarget | None:
        """The job this webhook URL names, if this process drives it; else None. No query."""
        job_id = self._live.get((provider, token))
        if job_id is None or not self.tracks(job_id):
            return None
        return WebhookTarget(job_id, False, self._handles.get(job_id))

    def push_webhook(self, job_id: int, payload: dict[str, Any]) -> bool:
        """Hand a verified webhook payload to the job's tracker. False if it is not being tracked."""
        inbox = self._inboxes.get(job_id)
        if inbox is None:
            return False
        inbox.put_nowait(payload)
        return True

    async def cancel(self, job_id: int, reason: Failure | None = None) -> Job:
        """Stop a job for good and say so. Raises IllegalTransition once it is delivering or finished."""
        job = await self.jobs.transition(job_id, S.CANCELLED, error=reason)
        self._leave_queue(job_id)
        task = self._tasks.pop(job_id, None)
        if task:
            task.cancel()
        self.status.push(job)
        if job.handle:
            with contextlib.suppress(ProviderError):
                await self.registry.get(job.provider).cancel(job.handle)
        await self._finish(job)
        return job

    async def sweep_inputs(self) -> int:
        """Remove kept inputs, and takes kept for /show, older than the retention; returns how many went."""
        cutoff = self.clock.utcnow() - timedelta(seconds=self.input_retention)
        swept = 0
        for job in await self.jobs.kept_inputs(cutoff):
            if job.input_path:
                job.input_path.unlink(missing_ok=True)
            await self.jobs.update(job.id, input_path=None)
            swept += 1
        for job_id in kept_jobs(self.work_dir):
            kept_for = await self.jobs.get(job_id)
            if kept_for is None or (kept_for.finished_at is not None and kept_for.finished_at < cutoff):
                discard(self.work_dir, job_id)
                swept += 1
        return swept

    async def _sweep_loop(self) -> None:
        while True:
            try:
                if swept := await self.sweep_inputs():
                    log.info("removed %d kept inputs past their retention", swept)
            except Exception:
                log.exception("sweeping kept inputs failed; will retry")
            await self.clock.sleep(min(SWEEP_EVERY, self.input_retention))

    # -- scheduling ------------------------------------------------------------------------------------
    async def _pump(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._schedule()
            except Exception:
                log.exception("scheduling failed; will retry on the next wake")

    async def _schedule(self) -> None:
        now = self.clock.monotonic()
        while self._held and self._held[0][0] <= now:
            _, job_id = heapq.heappop(self._held)
            if (job := self._held_jobs.pop(job_id, None)) is not None:
                self._queue.push(job)
                self._order_changed = True
        await self._fail_overdue()
        for provider in self._queue.providers():
            limit = self.registry.limit(provider) if provider in self.registry else 0
            # Other processes' jobs at this provider take their share of the limit.
            limit -= self._elsewhere.get(provider, 0)
            while self._running[provider] < limit and (job := self._queue.pop(provider)) is not None:
                self._order_changed = True
                self._launch(job)
        if self._order_changed:
            self._order_changed = False
            self._announce_positions()
        # Wake again when a deferred submit is due or a waiting job's deadline passes.
        while self._deadlines and not self._waiting(self._deadlines[0][1]):
            heapq.heappop(self._deadlines)
        waits = [self._held[0][0] - now] if self._held else []
        if self._deadlines:
            waits.append((self._deadlines[0][0] - self.clock.utcnow()).total_seconds())
        if waits:
            if self._timer:
                self._timer.cancel()
            self._timer = asyncio.create_task(self._wake_after(min(waits)), name="runner-timer")

    def _waiting(self, job_id: int) -> bool:
        return job_id in self._queue or job_id in self._held_jobs

    async def _fail_overdue(self) -> None:
        """Waiting for a slot counts too: nobody should watch "in the queue" forever."""
        now = self.clock.utcnow()
        while self._deadlines and self._deadlines[0][0] <= now:
            _, job_id = heapq.heappop(self._deadlines)
            job = self._queue.discard(job_id) or self._held_jobs.pop(job_id, None)
            if job is None:
                continue
            if self._deadline_remaining(job) > 0:  # queued again since: a later entry stands for it
                if job_id in self._not_before:
                    self._hold(job)
                else:
                    self._wait(job)
                continue
            self._order_changed = True
            await self._fail(job, self._deadline_failure())

    def _announce_positions(self) -> None:
        """Each waiting job's place in its provider's line, pushed to its status when it moved."""
        positions: dict[int, int] = {}
        waiting: Counter[str] = Counter()
        for provider in self._queue.providers():
            for job in self._queue.order(provider):
                waiting[provider] += 1
                positions[job.id] = waiting[provider]
        # Deferred submits come after the jobs ready to go.
        for job_id in sorted(self._held_jobs):
            held = self._held_jobs[job_id]
            waiting[held.provider] += 1
            positions[job_id] = waiting[held.provider]
        for job in (*self._queue.jobs(), *self._held_jobs.values()):
            if positions[job.id] != self._positions.get(job.id):
                self.status.push(job, positions[job.id])
        self._positions = positions

    def _hold(self, job: Job) -> None:
        """A deferred submit: back in line once its delay is over."""
        self._held_jobs[job.id] = job
        heapq.heappush(self._held, (self._not_before.get(job.id, 0.0), job.id))
        heapq.heappush(self._deadlines, (self._deadline_at(job), job.id))

    def _leave_queue(self, job_id: int) -> None:
        left = self._queue.discard(job_id) or self._held_jobs.pop(job_id, None)
        self._requeue.pop(job_id, None)
        if left is not None:  # the jobs behind it move up
            self._order_changed = True

    async def _wake_after(self, seconds: float) -> None:
        await self.clock.sleep(seconds)
        self.wake()

    async def run_one(self, job: Job) -> Job:
        """Drive one job to its end without the pump (the CLI). Returns the final row.

        A submit put back in the queue (provider unreachable or busy) is sent again here once the
        SUBMIT policy's wait is over, as the pump would, until it goes through or the policy gives
        up. A wait that would outlast the job's deadline is not waited: the job fails with the last
        submit error, which says more than "it took too long".
        """
        while True:
            self._leave_queue(job.id)
            self._launch(job)
            await asyncio.shield(self._tasks[job.id])
            job = await self._current(job)
            deferred = self._deferred.pop(job.id, None)
            if deferred is None or job.state is not S.QUEUED:
                return job
            wait = max(0.0, self._not_before.get(job.id, 0.0) - self.clock.monotonic())
            if wait >= self._deadline_remaining(job):
                await self._fail(job, Failure.of(deferred), detail=deferred.detail)
                return await self._current(job)
            await self.clock.sleep(wait)

    def _launch(self, job: Job) -> None:
        self._inboxes.setdefault(job.id, asyncio.Queue())
        self._live[(job.provider, job.webhook_token)] = job.id
        self._live_keys[job.id] = (job.provider, job.webhook_token)
        self._handles[job.id] = job.handle
        self._positions.pop(job.id, None)
        self._running[job.provider] += 1
        self._queue.started(job.member_id)
        task = asyncio.create_task(self._drive(job.id), name=f"job-{job.id}")
        self._tasks[job.id] = task
        # Called once however the task ends (finished, failed, cancelled): the slot is free again.
        task.add_done_callback(lambda _: self._ended(job))

    def _ended(self, job: Job) -> None:
        self._running[job.provider] -= 1
        self._queue.ended(job.member_id)
        requeued = self._requeue.pop(job.id, None)
        if requeued is not None and self._pump_task is not None:
            self._hold(requeued)
        self.wake()

    # -- one job ---------------------------------------------------------------------------------------
    async def _drive(self, job_id: int) -> None:
        job = await self.jobs.get(job_id)
        if job is None or job.finished:
            return
        try:
            await self._carry(job)
        except asyncio.CancelledError:
            raise
        except IllegalTransition as exc:
            # Someone else moved the job (a cancel); that decision stands.
            log.info("job %s: stopped, %s", job_id, exc)
        except LeaseLost as exc:
            # Another process carries it on; nothing more is written here.
            log.info("job %s: stopped, %s", job_id, exc)
            self._forget(job_id)
        except Exception:
            log.exception("job %s: unexpected failure", job_id)
            current = await self.jobs.get(job_id)
            if current and not current.finished:
                await self._fail(current, Failure(reason=Reason.INTERRUPTED))
        finally:
            if self._tasks.get(job_id) is asyncio.current_task():
                del self._tasks[job_id]
            self.wake()

    async def _carry(self, job: Job) -> None:
        provider = self.registry.get(job.provider)
        request = self.request_for(job)
        inbox = self._inboxes.setdefault(job.id, asyncio.Queue())
        tracking = request
        if job.id in self._taken_over:
            # Submitted by another process: its webhook deliveries may still go to that process's
            # address, so this one polls at the normal interval rather than the webhook backstop's.
            tracking = request.model_copy(update={"webhook_url": None})
        resumed = job.state is S.DELIVERING
        if not resumed:
            remaining = self._deadline_remaining(job)
            try:
                async with deadline(self.clock, remaining):
                    if job.state is S.QUEUED:
                        submitted = await self._submit(job, provider, request)
                        if submitted is None:
                            return
                        job = submitted
                    completed = await self._track(job, provider, tracking, inbox)
            except TimeoutError:
                partial = self._partial_at_deadline(job.id)
                if partial is None:
                    await self._fail(job, self._deadline_failure())
                    return
                log.info(
                    "job %s: deadline passed with %d take(s) ready; posting those",
                    job.id,
                    len(partial.outputs),
                )
                completed, job = partial, await self._current(job)
            except ProviderError as error:
                await self._fail(await self._current(job), Failure.of(error), detail=error.detail)
                return
            if self.hooks is not None:
                await self.hooks.completed(job, completed)
            job = await self.jobs.transition(job.id, S.DELIVERING, stage=None, held_by=self.held_by)
            self.status.push(job)
        else:
            # Restarted mid-delivery: ask the provider for the outputs again; posting is idempotent.
            # Past the deadline it was a partial delivery, so the takes ready are enough.
            completed = await self._track(
                job, provider, tracking, inbox, accept_partial=self._deadline_remaining(job) <= 0
            )
        await self._deliver(job, provider, completed, resumed=resumed)

    async def _current(self, job: Job) -> Job:
        return await self.jobs.get(job.id) or job

    def _deadline_at(self, job: Job) -> datetime:
        return (job.queued_at or job.created_at) + timedelta(seconds=self.deadline_seconds)

    def _deadline_remaining(self, job: Job) -> float:
        return max(0.0, (self._deadline_at(job) - self.clock.utcnow()).total_seconds())

    def request_for(self, job: Job) -> JobRequest:
        webhook_url = None
        provider = self.registry.get(job.provider)
        if self.public_base_url and provider.capabilities.webhooks:
            webhook_url = f"{self.public_base_url}/webhooks/{job.provider}/{job.webhook_token}"
        return JobRequest(
            kind=job.kind,
            prompt=job.prompt,
            lyrics=job.lyrics,
            gender=job.gender,  # type: ignore[arg-type]  # text in the row; intake admits the Literals only
            options=job.options,
            input_path=job.input_path,
            input_filename=job.input_filename,
            input_url=job.input_url,
            webhook_url=webhook_url,
            idempotency_key=job.idempotency_key,
        )

    async def _submit(self, job: Job, provider: Provider, request: JobRequest) -> Job | None:
        # A resend under the same idempotency key must carry the same body as the first attempt.
        resend = provider.capabilities.idempotent_submit and job.attempts > 0
        if (
            self.refresh_input_url
            and job.input_url
            and provider.capabilities.input_mode == "url"
            and not resend
        ):
            # The provider fetches the input itself, maybe long after the member attached it.
            url = await self.refresh_input_url(job)
            if url != job.input_url:
                job = await self.jobs.update(job.id, input_url=url, held_by=self.held_by)
                request = request.model_copy(update={"input_url": url})
        job = await self.jobs.transition(
            job.id, S.SUBMITTING, attempts=job.attempts + 1, stage=None, held_by=self.held_by
        )
        self.status.push(job)
        try:
            with metrics.provider_call(job.provider, "submit", self.clock):
                handle = await provider.submit(request)
        except ProviderError as error:
            resend_is_safe = not error.maybe_accepted or provider.capabilities.idempotent_submit
            since = self._troubled_since.setdefault(job.id, self.clock.monotonic())
            policy = for_provider(SUBMIT, provider.capabilities.unavailable_grace)
            troubled_for = self.clock.monotonic() - since
            if error.transient and resend_is_safe and not policy.spent(job.attempts, troubled_for):
                delay = policy.delay(job.attempts, error.retry_after)
                log.info("job %s: submit deferred %.0fs (%s)", job.id, delay, error.kind)
                self._not_before[job.id] = self.clock.monotonic() + delay
                self._deferred[job.id] = error
                job = await self.jobs.transition(job.id, S.QUEUED, held_by=self.held_by)
                self._requeue[job.id] = job
                self.status.push(job)
                return None
            if error.maybe_accepted and not provider.capabilities.idempotent_submit:
                log.warning("job %s: submit unconfirmed (%s); not resending", job.id, error.detail)
                await self._fail(job, Failure(reason=Reason.SUBMIT_UNCONFIRMED))
                return None
            raise
        # The handle is saved before anything else happens: from here on the job is only tracked.
        eta = handle.data.get("eta")
        job = await self.jobs.transition(
            job.id,
            S.SUBMITTED,
            held_by=self.held_by,
            handle=handle,
            eta_seconds=eta if isinstance(eta, int | float) and eta > 0 else None,
        )
        self._not_before.pop(job.id, None)
        self._handles[job.id] = handle
        self._troubled_since.pop(job.id, None)
        if self.hooks is not None:
            await self.hooks.submitted(job)
        self.status.push(job)
        log.info("job %s: submitted to %s as %s", job.id, job.provider, handle.task_id)
        return job

    async def _track(
        self, job: Job, provider: Provider, request: JobRequest, inbox: Inbox, *, accept_partial: bool = False
    ) -> Completed:
        assert job.handle is not None
        handle = job.handle
        # One budget for the whole run: a provider's track starts afresh on each entry, this does not.
        # A provider that waits out outages for a set time counts that time instead (engine/retry.py).
        policy = for_provider(TRACK, provider.capabilities.unavailable_grace)
        attempt = 0
        # Since when tracking has kept failing; any event from the provider clears it.
        since: float | None = None
        while True:
            try:
                async for event in provider.track(handle, request, inbox):
                    since = None
                    if isinstance(event, Completed):
                        return event
                    if event.partial is not None and event.partial.outputs:
                        self._partials[job.id] = event.partial
                        if accept_partial and (partial := self._partial_at_deadline(job.id)):
                            return partial
                    handle = event.handle or handle
                    self._handles[job.id] = handle
                    job = await self._progress(job, event)
                raise ProviderError(ErrorKind.UNAVAILABLE, Reason.PROVIDER_STOPPED)
            except ProviderError as error:
                metrics.PROVIDER_ERRORS.labels(job.provider, "track", error.kind.value).inc()
                attempt += 1
                since = self.clock.monotonic() if since is None else since
                if not error.transient or policy.spent(attempt, self.clock.monotonic() - since):
                    raise
                delay = policy.delay(attempt, error.retry_after)
                log.info("job %s: tracking interrupted (%s); again in %.0fs", job.id, error.kind, delay)
                await self.clock.sleep(delay)

    def _partial_at_deadline(self, job_id: int) -> Completed | None:
        """The takes ready when the deadline passed, with a note about the rest; None if none are."""
        partial = self._partials.pop(job_id, None)
        if partial is None:
            return None
        return partial.model_copy(
            update={
                "notes": [
                    *partial.notes,
                    Note(reason=Reason.DEADLINE_PARTIAL, params={"limit": self.deadline_seconds}),
                ]
            }
        )

    async def _progress(self, job: Job, event: Progress) -> Job:
        fields: dict[str, Any] = {"stage": event.stage, "percent": event.percent}
        if event.eta_seconds is not None:
            # Providers say how long is left; the job keeps the whole span from submission.
            since_submit = (
                (self.clock.utcnow() - job.submitted_at).total_seconds() if job.submitted_at else 0.0
            )
            fields["eta_seconds"] = since_submit + max(0.0, event.eta_seconds)
        if event.listen_url:
            fields["listen_url"] = event.listen_url
        if event.handle:
            fields["handle"] = event.handle
        if job.state is S.DELIVERING:
            job = await self.jobs.update(job.id, held_by=self.held_by, **fields)
        else:
            job = await self.jobs.transition(job.id, S.RUNNING, held_by=self.held_by, **fields)
        self.status.push(job)
        return job

    async def _deliver(
        self, job: Job, provider: Provider, completed: Completed, *, resumed: bool = False
    ) -> None:
        """Fetch the takes (engine/takes.py retries each download) and post them, within the job's
        deadline: a take still downloading then is left out; a post Discord could not take right
        now is retried with the RESULT_POST backoff until then (at least RESULT_POST.attempts times).

        The takes were paid for: once fetched they are not thrown away. If the post is refused for
        good, or Discord fails it until the deadline, they are kept for /show (engine/kept.py) and
        the member is told privately. `resumed`: an earlier run of this delivery may have posted.
        """
        dest = take_dir(self.work_dir, job.id)
        handle = job.handle
        # Takes ready at (or after) the deadline still get a short window to arrive.
        download_for = max(self._deadline_remaining(job), LATE_DOWNLOAD_WINDOW)
        try:
            takes, notes = await fetch_takes(
                completed,
                dest,
                self.downloads,
                max_bytes=self.max_take_bytes,
                refresh=(lambda: provider.refresh_outputs(handle)) if handle else None,
                clock=self.clock,
                until=self.clock.monotonic() + download_for,
                audio=self.audio,
            )
        except ProviderError as error:
            await asyncio.to_thread(_discard, dest, completed)
            await self._fail(job, Failure.of(error), detail=error.detail)
            return
        completed = completed.model_copy(update={"notes": [*completed.notes, *notes]})
        try:
            message_id, result = await self._post(job, takes, completed, resumed=resumed)
        except PostRefused as refused:
            log.warning("job %s: the result was not posted: %s", job.id, refused.detail)
            failure = refused.failure
            if refused.keep and self.input_retention > 0:
                keep(self.work_dir, job.id, takes, completed)
                hours = round(self.input_retention / 3600, 1)
                failure = failure.model_copy(
                    update={"params": {**failure.params, "kept_hours": hours, "job_id": job.id}}
                )
            else:
                await asyncio.to_thread(_discard, dest, completed)
            await self._fail(job, failure)
            if refused.tell:
                failed = await self._current(job)
                try:
                    await self.results.undelivered(failed, failure)
                except Exception:
                    log.exception("job %s: could not tell the member about the unposted takes", job.id)
            return
        # Recorded before the takes go: a button pressed on the result finds the message at once.
        job = await self.jobs.transition(
            job.id, S.DELIVERED, result_message_id=message_id, result=result, held_by=self.held_by
        )
        await asyncio.to_thread(_discard, dest, completed)
        self.status.push(job)
        await self._finish(job)

    async def _post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool
    ) -> tuple[int | None, JobResult]:
        """Post the result, retrying what may pass (a 429 storm, a 5xx, a dropped connection) until
        the job's deadline; raises PostRefused when Discord refuses or the time is up."""
        attempt = 0
        started = self.clock.monotonic()
        post_for = self._deadline_remaining(job)
        while True:
            attempt += 1
            try:
                # After a failed attempt the message may have landed all the same: look first.
                return await self.results.post(
                    job, takes, completed.model_copy(deep=True), resumed=resumed or attempt > 1
                )
            except ProviderError as error:
                if not error.transient:
                    raise PostRefused(
                        Failure(reason=Reason.RESULT_REFUSED), detail=str(error.detail)
                    ) from error
                delay = RESULT_POST.delay(attempt, error.retry_after)
                spent = self.clock.monotonic() - started + delay
                if attempt >= RESULT_POST.attempts and spent > post_for:
                    raise PostRefused(
                        Failure(reason=Reason.RESULT_NOT_POSTED), detail=f"{attempt} attempts: {error.detail}"
                    ) from error
                log.info("job %s: result post failed (%s); again in %.0fs", job.id, error.detail, delay)
                await self.clock.sleep(delay)

    def _deadline_failure(self) -> Failure:
        return Failure(reason=Reason.DEADLINE_PASSED, params={"limit": self.deadline_seconds})

    async def _fail(self, job: Job, failure: Failure, *, detail: str | None = None) -> None:
        # One line for the operator: the codes, and the vendor's own words (never shown to members).
        log.info("job %s: failed (%s/%s): %s", job.id, failure.kind, failure.reason, detail or "-")
        try:
            job = await self.jobs.transition(job.id, S.FAILED, error=failure, held_by=self.held_by)
        except (IllegalTransition, LeaseLost):
            return
        if self.hooks is not None:
            await self.hooks.failed(job, failure.kind)
        self.status.push(job)
        await self._finish(job)

    def _forget(self, job_id: int) -> None:
        """Everything this process keeps in memory about a job it no longer drives."""
        self._inboxes.pop(job_id, None)
        if (key := self._live_keys.pop(job_id, None)) is not None:
            self._live.pop(key, None)
        self._handles.pop(job_id, None)
        self._not_before.pop(job_id, None)
        self._troubled_since.pop(job_id, None)
        self._deferred.pop(job_id, None)
        self._positions.pop(job_id, None)
        self._leave_queue(job_id)
        self._partials.pop(job_id, None)
        self._taken_over.discard(job_id)

    async def _finish(self, job: Job) -> None:
        self._forget(job.id)
        if self.hooks is not None:
            await self.hooks.finished(job)
        # A delivered job's input is kept for a while so it can be rerolled; the sweep removes it later.
        keep = job.state is S.DELIVERED and self.input_retention > 0
        if job.input_path and not keep:
            job.input_path.unlink(missing_ok=True)
            await self.jobs.update(job.id, input_path=None)
        self.wake()


def _discard(dest: Path, completed: Completed) -> None:
    """Runs in a thread: a job's takes are megabytes in several files, too slow to unlink on the loop."""
    shutil.rmtree(dest, ignore_errors=True)
    _remove_outputs(completed)


def _remove_outputs(completed: Completed) -> None:
    """Takes a provider wrote to disk (the offline one) are ours to clean up once posted."""
    for output in completed.outputs:
        if output.path:
            output.path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                output.path.parent.rmdir()
