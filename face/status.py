"""The StatusBoard: one public status message per job, edited as the job moves; a channel board when busy.

Edits go through the bot token (channel routes), so jobs longer than the 15-minute interaction
token still finish. Every write goes through the channel's writer (face/channel_writer.py): per
message the newest state replaces any edit still waiting, edits of one message are spaced by
`interval`, final states go before passing ones, and nothing is sent beyond the channel's budget.
When a channel has more active jobs than `board_threshold`, their states fold into one board
message (face/channel_board.py) and unfold when it is quiet. A failed write is retried (policy:
engine/retry.py) unless a newer state replaced it; the final state is never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import discord

from domain.clock import SYSTEM_CLOCK, Clock
from domain.jobs import Job, JobState
from engine import metrics
from engine.retry import STATUS_EDIT_FINAL
from face import texts
from face.channel_board import Board, Boards, render_board
from face.channel_writer import EDIT, POST, ChannelWriter, Priority
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


BoardView = Callable[[int, str | None], discord.ui.View | None]  # the board's buttons: channel id, locale
PLACES = ("status", "board")  # where a job's state shows: its own message, a channel board line


class Coalescer(Generic[K, T]):
    """The edit mechanism of one live message per key (a job's status, a channel's board, a session's card).

    Per key the newest state replaces any write still waiting and writes are spaced by `interval`.
    Each write waits its turn in its channel's writer (face/channel_writer.py): final states before
    passing ones, nothing beyond the channel's budget. A failed write is retried (STATUS_EDIT_FINAL)
    unless a newer state replaced it, so a final state is never dropped.
    """

    def __init__(
        self,
        write: Callable[[T], Awaitable[None]],
        *,
        interval: float,
        is_final: Callable[[T], bool],
        name: str,
        channel_of: Callable[[T], int],
        writer: ChannelWriter | None = None,
        route_of: Callable[[T], str] | None = None,
        done: Callable[[K, T], None] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.write = write
        self.interval = interval
        self.is_final = is_final
        self.name = name
        self.channel_of = channel_of
        self.route_of = route_of
        self.done = done  # called once a state is written, given up on or discarded
        self.clock = clock
        self.owns_writer = writer is None
        self.writer = writer or ChannelWriter(clock=clock)
        self._latest: dict[K, T] = {}  # the newest state not yet written, by key
        self._running: set[K] = set()
        self._started: dict[K, float] = {}  # when the key's last write was sent (spacing)
        self._failures: dict[K, int] = {}  # failed attempts in a row, by key
        self._flushers: dict[K, list[asyncio.Event]] = {}

    def push(self, key: K, state: T, *, retry_at: float = 0.0) -> None:
        """Record the newest state; the channel's writer writes it in its turn."""
        self._latest[key] = state
        final = self.is_final(state)
        spacing = 0.0 if final else self._started.get(key, -math.inf) + self.interval
        self.writer.submit(
            self.channel_of(state),
            (self.name, key),
            lambda: self._run(key),
            priority=Priority.FINAL if final else Priority.STATUS,
            route=self.route_of(state) if self.route_of else EDIT,
            not_before=max(spacing, retry_at),
        )

    def pending(self, key: K) -> bool:
        """A state of this key is waiting to be written."""
        return key in self._latest

    def discard(self, key: K) -> T | None:
        """Drop the key's write still waiting (what it carried shows elsewhere); the state dropped."""
        state = self._latest.get(key)
        if state is None or not self.writer.discard(self.channel_of(state), (self.name, key)):
            return None
        del self._latest[key]
        self._settled(key, state)
        return state

    async def flush(self, key: K) -> None:
        """Wait until the key's newest state is written (or given up on)."""
        while key in self._latest or key in self._running:
            event = asyncio.Event()
            self._flushers.setdefault(key, []).append(event)
            await event.wait()

    async def close(self, grace: float = 5.0) -> None:
        """Write what is pending (briefly), then stop."""
        keys = set(self._latest) | self._running
        if keys:
            flushes = [asyncio.ensure_future(self.flush(key)) for key in keys]
            _, late = await asyncio.wait(flushes, timeout=grace)
            for flush in late:
                flush.cancel()
        if self.owns_writer:
            await self.writer.close()

    async def _run(self, key: K) -> None:
        state = self._latest.pop(key, None)
        if state is None:
            return
        self._running.add(key)
        self._started[key] = self.clock.monotonic()
        try:
            await self.write(state)
        except Exception:
            retry_at = self._failed(key)
            if retry_at is not None and key not in self._latest:
                self.push(key, state, retry_at=retry_at)  # nothing newer came: this state again
                return
        else:
            self._failures.pop(key, None)
            if self.is_final(state) and key not in self._latest:
                self._started.pop(key, None)
        finally:
            self._running.discard(key)
        self._settled(key, state)

    def _settled(self, key: K, state: T) -> None:
        if self.done is not None:
            self.done(key, state)
        if key not in self._latest and key not in self._running:
            for event in self._flushers.pop(key, []):
                event.set()

    def _failed(self, key: K) -> float | None:
        """Log a failed write; when to try again, or None when the attempts are spent."""
        attempt = self._failures.get(key, 0) + 1
        self._failures[key] = attempt
        log.warning("%s %s: update failed (attempt %d)", self.name, key, attempt, exc_info=True)
        if attempt >= STATUS_EDIT_FINAL.attempts:
            self._failures.pop(key, None)
            log.error("%s %s: giving up after %d attempts", self.name, key, attempt)
            return None
        return self.clock.monotonic() + STATUS_EDIT_FINAL.delay(attempt)


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
        writer: ChannelWriter | None = None,
        board_threshold: int = 8,
        board_view: BoardView | None = None,
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.provider_labels = provider_labels
        self.provider_stages = provider_stages or {}
        self.interval = interval
        self.view_for = view_for
        self.board_view = board_view
        self.clock = clock
        # Shared with the result poster and the session cards: one writer per channel.
        self.owns_writer = writer is None
        self.writer = writer or ChannelWriter(clock=clock)
        self.boards = Boards(board_threshold)
        self._edits: Coalescer[int, tuple[Job, int | None, int]] = Coalescer(
            self._write_state,
            interval=interval,
            is_final=lambda state: state[0].finished,
            name="status",
            channel_of=lambda state: state[0].channel_id,
            writer=self.writer,
            route_of=lambda state: POST if self._message_id(state[0]) is None else EDIT,
            done=lambda job_id, state: self._wrote("status", {job_id: state[2]}),
            clock=clock,
        )
        # A channel's board: its state, whether a job on it just ended, and the versions it shows.
        self._board_edits: Coalescer[int, tuple[Board, bool, dict[int, int]]] = Coalescer(
            self._write_board,
            interval=interval,
            is_final=lambda state: state[1],
            name="board",
            channel_of=lambda state: state[0].channel_id,
            writer=self.writer,
            route_of=lambda state: POST if state[0].message_id is None else EDIT,
            done=lambda _, state: self._wrote("board", state[2]),
            clock=clock,
        )
        self._posted: dict[int, int] = {}  # status messages this board posted, by job
        # When the oldest change not yet on the message arrived, by job (for status freshness).
        self._pending_since: dict[int, float] = {}
        # Per job: pushes so far, and per place ("status" / "board") the version wanted and the one written.
        self._version: dict[int, int] = {}
        self._wanted: dict[tuple[str, int], int] = {}
        self._written: dict[tuple[str, int], int] = {}
        self._ended: set[int] = set()  # jobs whose final state was pushed
        self._flushers: dict[int, list[asyncio.Event]] = {}

    def push(self, job: Job, position: int | None = None) -> None:
        """Record the newest state; the channel's writer writes it in its turn."""
        if job.state is S.RECEIVED or (job.state is S.REJECTED and job.status_message_id is None):
            return  # before intake passes, the member hears about it privately
        version = self._version[job.id] = self._version.get(job.id, 0) + 1
        if job.finished:
            self._ended.add(job.id)
        board, folded = self.boards.place(job, position)
        if board is None:
            self._own(job, position, version)
            return
        for moved in folded:
            # Their states show on the board now: edits (and first posts) still waiting are dropped.
            if self._edits.discard(moved.id) is not None:
                self._pending_since.pop(moved.id, None)
        self._wanted[("board", job.id)] = version
        self._board(board, final=job.finished)
        if job.id in board.shown or (job.finished and self._message_id(job) is not None):
            # A message the member can see keeps its final state (and loses its buttons).
            self._own(job, position, version)

    def show(self, channel_id: int, member_id: int) -> int:
        """The board's "Show my status": the member's folded jobs get their own live message again."""
        jobs = self.boards.show(channel_id, member_id)
        for job in jobs:
            self._own(job, None, self._version.get(job.id, 0))
        return len(jobs)

    async def flush(self, job_id: int) -> None:
        """Wait until the job's newest state is written (or given up on) wherever it shows."""
        while not self._caught_up(job_id):
            event = asyncio.Event()
            self._flushers.setdefault(job_id, []).append(event)
            await event.wait()

    async def close(self) -> None:
        """Write what is pending (briefly), then stop."""
        await self._edits.close()
        await self._board_edits.close()
        if self.owns_writer:
            await self.writer.close()

    def _caught_up(self, job_id: int) -> bool:
        return all(
            self._written.get((place, job_id), 0) >= self._wanted.get((place, job_id), 0) for place in PLACES
        )

    def _wrote(self, place: str, versions: dict[int, int]) -> None:
        """Written (or given up on): wake the flushes waiting on these jobs; forget jobs that ended."""
        for job_id, version in versions.items():
            key = (place, job_id)
            self._written[key] = max(self._written.get(key, 0), version)
            if not self._caught_up(job_id):
                continue
            for event in self._flushers.pop(job_id, []):
                event.set()
            if job_id in self._ended and not self._edits.pending(job_id):
                self._ended.discard(job_id)
                self._version.pop(job_id, None)
                for place_ in PLACES:
                    self._wanted.pop((place_, job_id), None)
                    self._written.pop((place_, job_id), None)

    # -- one job's own message ------------------------------------------------------------------------

    def _message_id(self, job: Job) -> int | None:
        # A snapshot pushed before this board posted the message does not know its id yet.
        return self._posted.get(job.id, job.status_message_id)

    def _own(self, job: Job, position: int | None, version: int) -> None:
        self._wanted[("status", job.id)] = version
        self._pending_since.setdefault(job.id, self.clock.monotonic())
        self._edits.push(job.id, (job, position, version))

    async def _write_state(self, state: tuple[Job, int | None, int]) -> None:
        job, position, _ = state
        await self._write(job, position)
        # Freshness: from the first state the message did not show yet to the edit that shows it.
        if (since := self._pending_since.pop(job.id, None)) is not None:
            metrics.STATUS_FRESHNESS.observe(self.clock.monotonic() - since)
        if job.finished:
            self._posted.pop(job.id, None)

    async def _write(self, job: Job, position: int | None) -> None:
        message_id = self._message_id(job)
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
        view: discord.ui.View | None = self.view_for(job) if self.view_for else discord.utils.MISSING
        if message_id is not None:
            try:
                await channel.get_partial_message(message_id).edit(embed=embed, view=view)
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
            view=view if view is not None else discord.utils.MISSING,
        )
        self._posted[job.id] = message.id
        await self.jobs.update(job.id, status_message_id=message.id)

    # -- the channel board ------------------------------------------------------------------------------

    def _board(self, board: Board, *, final: bool) -> None:
        shown = {job_id: self._wanted.get(("board", job_id), 0) for job_id in board.lines}
        self._board_edits.push(board.channel_id, (board, final, shown))

    async def _write_board(self, state: tuple[Board, bool, dict[int, int]]) -> None:
        board = state[0]
        settled = board.settled
        embed = render_board(board)
        channel = self.client.get_partial_messageable(board.channel_id)
        if board.message_id is not None:
            try:
                await channel.get_partial_message(board.message_id).edit(embed=embed)
            except discord.NotFound:
                board.message_id = None  # deleted by a moderator: post it again
        if board.message_id is None:
            view = self.board_view(board.channel_id, board.locale) if self.board_view else None
            message = await channel.send(
                embed=embed,
                allowed_mentions=discord.AllowedMentions.none(),
                view=view if view is not None else discord.utils.MISSING,
            )
            board.message_id = message.id
        if settled and board.settled:
            # Every line is final and shown: the channel is quiet, new jobs get their own messages.
            self.boards.unfold(board.channel_id)
