"""The StatusBoard: one public status message per job, edited as the job moves.

Edits go through the bot token (channel routes), so jobs longer than the 15-minute interaction
token still finish. Per message, the newest state replaces any edit still waiting, at most one
edit is in flight, and edits are spaced by `interval`; the final state is always written.
discord.py does the rate-limit waiting; because only the newest state is kept, nothing stale
queues up behind it. Spacing and retries run on the injected Clock (policy: engine/retry.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import discord

from domain.clock import SYSTEM_CLOCK, Clock
from domain.jobs import Job, JobState
from engine.retry import STATUS_EDIT_FINAL
from face import texts
from storage.jobs import JobRepository

log = logging.getLogger(__name__)

S = JobState
COLOURS = {
    S.DELIVERED: discord.Colour.green(),
    S.FAILED: discord.Colour.red(),
    S.CANCELLED: discord.Colour.dark_grey(),
    S.REJECTED: discord.Colour.dark_grey(),
}

ViewFactory = Callable[[Job], discord.ui.View | None]


def _ts(job: Job) -> int:
    started = job.submitted_at or job.queued_at or job.created_at
    return int(started.timestamp())


def render_status(
    job: Job,
    position: int | None,
    provider_label: str,
    result_url: str | None,
    stages: tuple[str, ...] = (),
) -> discord.Embed:
    embed = discord.Embed(
        title=texts.status_title(job.kind, job.state.value),
        colour=COLOURS.get(job.state, discord.Colour.blurple()),
    )
    if job.prompt:
        embed.description = texts.clip(texts.defuse(job.prompt), 300)
    lines = [texts.requested_by(job.member_id, provider_label)]
    if job.state is S.QUEUED and position:
        lines.append(texts.queue_position(position))
    if job.state is S.RUNNING and job.stage in stages:
        lines.append(texts.stage_trail(stages, job.stage, job.percent))
    elif job.state is S.RUNNING and job.stage:
        lines.append(texts.progress(texts.provider_stage(job.stage), job.percent))
    elif job.state in (S.DELIVERING, S.DELIVERED) and stages:
        lines.append(texts.stage_trail(stages, None, None))
    if not job.finished:
        # Discord renders relative timestamps live, so elapsed time needs no edits.
        lines.append(texts.started(_ts(job)))
        if job.eta_seconds and job.state in (S.SUBMITTED, S.RUNNING):
            eta = int((job.submitted_at.timestamp() if job.submitted_at else time.time()) + job.eta_seconds)
            lines.append(texts.expected(eta))
    if job.listen_url and not job.finished:
        lines.append(texts.listen_early(job.listen_url))
    if job.state is S.DELIVERED and result_url:
        lines.append(texts.result_link(result_url))
    if job.state in (S.FAILED, S.REJECTED) and job.error:
        lines.append(texts.clip(texts.failure(job.error, provider_label), 1000))
    if job.state is S.CANCELLED:
        lines.append(texts.cancelled(texts.failure(job.error, provider_label) if job.error else None))
    # An embed field holds 1024 characters; a longer one makes Discord refuse the whole edit.
    embed.add_field(name=texts.STATUS_FIELD, value=texts.clip("\n".join(lines), 1024), inline=False)
    embed.set_footer(text=texts.job_footer(job.id))
    return embed


class StatusBoard:
    def __init__(
        self,
        client: discord.Client,
        jobs: JobRepository,
        provider_labels: dict[str, str],
        *,
        interval: float,
        view_for: ViewFactory | None = None,
        provider_stages: dict[str, tuple[str, ...]] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.provider_labels = provider_labels
        self.provider_stages = provider_stages or {}
        self.interval = interval
        self.view_for = view_for
        self.clock = clock
        self._latest: dict[int, tuple[Job, int | None]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._posted: dict[int, int] = {}  # status messages this board posted, by job

    def push(self, job: Job, position: int | None = None) -> None:
        """Record the newest state; the job's worker writes it when the message is free."""
        if job.state is S.RECEIVED or (job.state is S.REJECTED and job.status_message_id is None):
            return  # before intake passes, the member hears about it privately
        self._latest[job.id] = (job, position)
        if job.id not in self._workers:
            self._workers[job.id] = asyncio.create_task(self._work(job.id), name=f"status-{job.id}")

    async def flush(self, job_id: int) -> None:
        worker = self._workers.get(job_id)
        if worker:
            await asyncio.shield(worker)

    async def close(self) -> None:
        """Write what is pending (briefly), then stop."""
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=5)
        for worker in workers:
            worker.cancel()

    async def _work(self, job_id: int) -> None:
        try:
            while job_id in self._latest:
                job, position = self._latest.pop(job_id)
                await self._write_with_retries(job, position)
                if job.finished:
                    self._latest.pop(job_id, None)
                    self._posted.pop(job_id, None)
                    break
                await self.clock.sleep(self.interval)
        finally:
            self._workers.pop(job_id, None)

    async def _write_with_retries(self, job: Job, position: int | None) -> None:
        """A passing state may be skipped when Discord fails; the final one is retried, never dropped."""
        attempts = STATUS_EDIT_FINAL.attempts if job.finished else 1
        for attempt in range(1, attempts + 1):
            try:
                await self._write(job, position)
                return
            except Exception:
                log.exception("job %s: status update failed (attempt %d)", job.id, attempt)
                if attempt < attempts:
                    await self.clock.sleep(STATUS_EDIT_FINAL.delay(attempt))

    async def _write(self, job: Job, position: int | None) -> None:
        # A snapshot pushed before this board posted the message does not know its id yet.
        message_id = self._posted.get(job.id, job.status_message_id)
        channel = self.client.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        result_url = None
        if job.result_message_id:
            result_url = channel.get_partial_message(job.result_message_id).jump_url
        embed = render_status(
            job,
            position,
            self.provider_labels.get(job.provider, job.provider),
            result_url,
            self.provider_stages.get(job.provider, ()),
        )
        # With a view factory every write says which buttons show: None removes them (a final state).
        extra = {"view": self.view_for(job)} if self.view_for else {}
        if message_id is not None:
            try:
                await channel.get_partial_message(message_id).edit(embed=embed, **extra)
                return
            except discord.NotFound:
                log.info("job %s: status message %s is gone; posting a new one", job.id, message_id)
            except discord.HTTPException as exc:
                if exc.code != 30046:  # too old to edit: post a fresh one
                    raise
        message = await channel.send(
            embed=embed,
            allowed_mentions=discord.AllowedMentions.none(),
            nonce=f"j{job.id}s{message_id or 0}",
            **extra,
        )
        self._posted[job.id] = message.id
        await self.jobs.update(job.id, status_message_id=message.id)
