"""Webhook deliveries between processes on one PostgreSQL.

Behind one load balancer a provider's delivery reaches any process. The process that drives the
job (Runner.tracks) hands it to the job's tracker at once, as a single process always did. Any other
process stores it with the job and names the job on the JOB_WEBHOOK channel (NOTIFY, in the same
statement: JobRepository.forward_delivery); every process LISTENs, and the one that drives the job
takes the stored deliveries (each exactly once) and hands them to its tracker as if they had arrived
there. A notification sent while a LISTEN connection was down is not replayed: on listening again
each process takes whatever was stored for its jobs meanwhile, and polling stays the backstop.

On SQLite (one process) nothing is forwarded and nothing listened to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from engine.runner import Runner
from storage.db import Listening
from storage.jobs import JOB_WEBHOOK, JobRepository

log = logging.getLogger(__name__)

# Jobs whose stored deliveries one statement takes at most (each is a bound value).
TAKE_BATCH = 500


class WebhookRelay:
    def __init__(self, runner: Runner, jobs: JobRepository) -> None:
        self.runner = runner
        self.jobs = jobs
        self._listening: Listening | None = None
        # Jobs driven here that were named on the channel and whose deliveries are still to be taken.
        self._named: set[int] = set()
        self._worker: asyncio.Task[None] | None = None

    @property
    def forwards(self) -> bool:
        """Whether a delivery for a job this process does not drive may be driven by another one."""
        return self.jobs.db.shared

    async def start(self) -> None:
        """Listen for jobs named by other processes (after the runner has resumed its jobs, so that
        the deliveries stored while this process was away find their trackers)."""
        self._listening = await self.jobs.db.listen(JOB_WEBHOOK, self._heard, connected=self._listens)

    async def close(self) -> None:
        if self._listening is not None:
            await self._listening.close()
            self._listening = None
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    async def forward(self, provider: str, delivery_id: str, job_id: int, payload: dict[str, Any]) -> bool:
        """Store a delivery for a job driven elsewhere and tell every process; False if a duplicate."""
        return await self.jobs.forward_delivery(provider, delivery_id, job_id, payload)

    def _heard(self, payload: str) -> None:
        try:
            job_id = int(payload)
        except ValueError:
            log.debug("%s: ignored a notification that names no job", JOB_WEBHOOK)
            return
        # Every process hears every job named; only the one driving it reads the stored deliveries.
        if self.runner.tracks(job_id):
            self._take([job_id])

    def _listens(self) -> None:
        # Anything stored for this process's jobs while it was not listening.
        self._take(self.runner.tracked())

    def collect(self, job_ids: list[int]) -> None:
        """Jobs this process just took over: take what was stored for them before they were here."""
        self._take(job_ids)

    def _take(self, job_ids: list[int]) -> None:
        self._named.update(job_ids)
        if self._named and (self._worker is None or self._worker.done()):
            self._worker = asyncio.create_task(self._hand_over(), name="webhook-relay")

    async def _hand_over(self) -> None:
        # Jobs named while a statement is out wait for the next one: a burst of deliveries costs a
        # few statements, not one each.
        while self._named:
            batch = sorted(self._named)[:TAKE_BATCH]
            self._named.difference_update(batch)
            try:
                taken = await self.jobs.take_forwarded(batch)
            except Exception as exc:
                # Whatever the driver raises: the deliveries stay stored, polling is the backstop.
                log.warning("forwarded webhooks for %d job(s) not read: %s", len(batch), exc)
                continue
            for job_id, payload in taken:
                if not self.runner.push_webhook(job_id, payload):
                    log.debug("job %s: a forwarded webhook arrived after its tracking ended", job_id)
