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
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import discord

from domain.clock import SYSTEM_CLOCK, Clock
from domain.jobs import Job, JobState
from engine import metrics
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

K = TypeVar("K")
T = TypeVar("T")

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
    # Public: the server's language, as the job remembers it.
    locale = job.public_locale
    embed = discord.Embed(
        title=texts.status_title(job.kind, job.state.value, locale=locale),
        colour=COLOURS.get(job.state, discord.Colour.blurple()),
    )
    if job.prompt:
        embed.description = texts.echo(job.prompt, 300)
    lines = [texts.requested_by(job.member_id, provider_label, locale=locale)]
    if job.state is S.QUEUED and position:
        lines.append(texts.queue_position(position, locale=locale))
    if job.state is S.RUNNING and job.stage in stages:
        lines.append(texts.stage_trail(stages, job.stage, job.percent))
    elif job.state is S.RUNNING and job.stage:
        lines.append(texts.progress(texts.provider_stage(job.stage), job.percent))
    elif job.state in (S.DELIVERING, S.DELIVERED) and stages:
        lines.append(texts.stage_trail(stages, None, None))
    if not job.finished:
        # Discord renders relative timestamps live, so elapsed time needs no edits.
        lines.append(texts.started(_ts(job), locale=locale))
        if job.eta_seconds and job.state in (S.SUBMITTED, S.RUNNING):
            eta = int((job.submitted_at.timestamp() if job.submitted_at else time.time()) + job.eta_seconds)
            lines.append(texts.expected(eta, locale=locale))
    if job.listen_url and not job.finished:
        lines.append(texts.listen_early(job.listen_url, locale=locale))
    if job.state is S.DELIVERED and result_url:
        lines.append(texts.result_link(result_url, locale=locale))
    if job.state in (S.FAILED, S.REJECTED) and job.error:
        lines.append(texts.clip(texts.failure(job.error, provider_label, locale=locale), 1000))
    if job.state is S.CANCELLED:
        why = texts.failure(job.error, provider_label, locale=locale) if job.error else None
        lines.append(texts.cancelled(why, locale=locale))
    # An embed field holds 1024 characters; a longer one makes Discord refuse the whole edit.
    embed.add_field(
        name=texts.field_name("status", locale=locale), value=texts.clip("\n".join(lines), 1024), inline=False
    )
    embed.set_footer(text=texts.job_footer(job.id, locale=locale))
    return embed


class Coalescer(Generic[K, T]):
    """The edit mechanism of one live message per key (a job's status, a session's card).

    Per key the newest state replaces any write still waiting, at most one write is in flight, and
    writes are spaced by `interval`; a final state is always written (retried, never dropped).
    """

    def __init__(
        self,
        write: Callable[[T], Awaitable[None]],
        *,
        interval: float,
        is_final: Callable[[T], bool],
        name: str,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.write = write
        self.interval = interval
        self.is_final = is_final
        self.name = name
        self.clock = clock
        self._latest: dict[K, T] = {}
        self._workers: dict[K, asyncio.Task[None]] = {}

    def push(self, key: K, state: T) -> None:
        """Record the newest state; the key's worker writes it when the message is free."""
        self._latest[key] = state
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"{self.name}-{key}")

    async def flush(self, key: K) -> None:
        worker = self._workers.get(key)
        if worker:
            await asyncio.shield(worker)

    async def close(self) -> None:
        """Write what is pending (briefly), then stop."""
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=5)
        for worker in workers:
            worker.cancel()

    async def _work(self, key: K) -> None:
        try:
            while key in self._latest:
                state = self._latest.pop(key)
                await self._write_with_retries(key, state)
                if self.is_final(state):
                    self._latest.pop(key, None)
                    break
                await self.clock.sleep(self.interval)
        finally:
            self._workers.pop(key, None)

    async def _write_with_retries(self, key: K, state: T) -> None:
        """A passing state may be skipped when Discord fails; the final one is retried, never dropped."""
        attempts = STATUS_EDIT_FINAL.attempts if self.is_final(state) else 1
        for attempt in range(1, attempts + 1):
            try:
                await self.write(state)
                return
            except Exception:
                log.exception("%s %s: update failed (attempt %d)", self.name, key, attempt)
                if attempt < attempts:
                    await self.clock.sleep(STATUS_EDIT_FINAL.delay(attempt))


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
        self._edits: Coalescer[int, tuple[Job, int | None]] = Coalescer(
            self._write_state,
            interval=interval,
            is_final=lambda state: state[0].finished,
            name="status",
            clock=clock,
        )
        self._posted: dict[int, int] = {}  # status messages this board posted, by job
        # When the oldest change not yet on the message arrived, by job (for status freshness).
        self._pending_since: dict[int, float] = {}

    def push(self, job: Job, position: int | None = None) -> None:
        """Record the newest state; the job's worker writes it when the message is free."""
        if job.state is S.RECEIVED or (job.state is S.REJECTED and job.status_message_id is None):
            return  # before intake passes, the member hears about it privately
        self._pending_since.setdefault(job.id, self.clock.monotonic())
        self._edits.push(job.id, (job, position))

    async def flush(self, job_id: int) -> None:
        await self._edits.flush(job_id)

    async def close(self) -> None:
        """Write what is pending (briefly), then stop."""
        await self._edits.close()

    async def _write_state(self, state: tuple[Job, int | None]) -> None:
        job, position = state
        await self._write(job, position)
        # Freshness: from the first state the message did not show yet to the edit that shows it.
        if (since := self._pending_since.pop(job.id, None)) is not None:
            metrics.STATUS_FRESHNESS.observe(self.clock.monotonic() - since)
        if job.finished:
            self._posted.pop(job.id, None)

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
