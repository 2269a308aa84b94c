"""Run the real bot (bot.run, unmodified) against the fake Discord and fake providers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yarl

import bot as bot_main
from config import Settings
from domain.jobs import Job
from face import texts
from providers.acestep import AceStepProvider
from providers.local import LocalProvider
from providers.musicgpt import MusicGPTProvider
from providers.soundpiece import SoundpieceProvider
from providers.soundverse import SoundverseProvider
from storage.db import Database
from storage.jobs import JobRepository
from tests.fakes.discord import FakeDiscord, FakeMessage, patched_discord
from tests.tones import write_tone

LABELS = {
    p.name: p.label
    for p in (AceStepProvider, LocalProvider, MusicGPTProvider, SoundpieceProvider, SoundverseProvider)
}


def failure_text(job: Job) -> str:
    """Why the job failed, in the words its status message shows (empty when it did not fail)."""
    return texts.failure(job.error, LABELS.get(job.provider, job.provider)) if job.error else ""


from tests.waiting import until


def title_of(revision_or_message: Any) -> str:
    embeds = revision_or_message.embeds
    return embeds[0].get("title", "") if embeds else ""


def takes_of(message: FakeMessage) -> list[Any]:
    """The audio attachments of a result message (a waveform or .lrc file may come with them)."""
    return [a for a in message.attachments if a.content_type.startswith("audio/")]


def status_text(revision_or_message: Any) -> str:
    embeds = revision_or_message.embeds
    if not embeds:
        return ""
    return "\n".join(f.get("value", "") for f in embeds[0].get("fields", []))


async def cut_short(task: asyncio.Task[None]) -> None:
    """Cancel the bot's task the way a kill would cut it short. On Python 3.11 asyncio.wait_for (in
    discord.py's connect) swallows a cancel that lands as its inner call completes, so the cancel is
    repeated until the task has ended."""
    for _ in range(100):
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=0.1)
        if done:
            with contextlib.suppress(asyncio.CancelledError):
                task.result()
            return
    raise AssertionError("the bot's task did not stop after 100 cancels")


@dataclass
class Harness:
    discord: FakeDiscord
    tmp: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def settings(self) -> Settings:
        values: dict[str, Any] = dict(
            discord_token="fake-token",
            dev_guild_id=self.discord.guild_id,
            database_path=self.tmp / "bot.sqlite3",
            work_dir=self.tmp / "work",
            discord_api_base=self.discord.api_base,
            discord_gateway_url=self.discord.gateway_url,
            webhook_host="127.0.0.1",
            webhook_port=0,
            status_edit_interval=0.05,
            musicgpt_poll_interval=0.1,
            # Polls ten times a second per job: no plan's /byId limit is what these tests are about.
            musicgpt_status_per_minute=100_000,
        )
        values.update(self.overrides)
        values.setdefault("download_allowed_hosts", fake_hosts(values))
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self) -> None:
        """Start the bot and wait until it is connected and its commands are synced."""
        assert self._task is None or self._task.done()
        sessions_before = len(self.discord.sessions)
        self._task = asyncio.create_task(bot_main.run(self.settings()), name="bot")
        await self.discord.wait_for(
            lambda: (
                self._crashed()
                or (
                    len([s for s in self.discord.sessions.values() if s.connected]) > 0
                    and len(self.discord.sessions) > sessions_before
                )
            ),
            timeout=15,
        )
        self._crashed(raise_it=True)
        await self.discord.wait_for(lambda: self.discord.guild_commands(), timeout=5)

    def _crashed(self, raise_it: bool = False) -> bool:
        if self._task and self._task.done():
            if raise_it and self._task.exception():
                raise self._task.exception()  # type: ignore[misc]
            return True
        return False

    async def stop(self) -> None:
        """Stop the bot the way a SIGTERM would: whatever it was doing is cut short."""
        if self._task is None:
            return
        await cut_short(self._task)
        self._task = None

    async def job(self, job_id: int) -> Job:
        job = await self._find_job(job_id)
        assert job is not None
        return job

    async def _find_job(self, job_id: int) -> Job | None:
        db = await Database.open(self.tmp / "bot.sqlite3")
        try:
            return await JobRepository(db).get(job_id)
        finally:
            await db.close()

    async def jobs(self) -> list[Job]:
        db = await Database.open(self.tmp / "bot.sqlite3")
        try:
            return await JobRepository(db).recent(100)
        finally:
            await db.close()

    def bot_messages(self, channel_id: int | None = None) -> list[FakeMessage]:
        return [m for m in self.discord.messages(channel_id) if m.author_id == self.discord.application_id]

    def status_messages(self, channel_id: int | None = None) -> list[FakeMessage]:
        return [
            m
            for m in self.bot_messages(channel_id)
            if not m.attachments
            and m.embeds
            and "Job #" in m.embeds[0].get("footer", {}).get("text", "")
            and not m.content
        ]

    def result_messages(self, channel_id: int | None = None) -> list[FakeMessage]:
        return [m for m in self.bot_messages(channel_id) if m.content and "ready" in m.content]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 20) -> Any:
        return await self.discord.wait_for(predicate, timeout=timeout)

    async def wait_for_job(self, job_id: int, predicate: Callable[[Job], bool], timeout: float = 20) -> Job:
        async def reached() -> Job | None:
            # The row may not exist yet: the command is still on its way through the fake gateway.
            job = await self._find_job(job_id)
            return job if job is not None and predicate(job) else None

        try:
            return await until(reached, guard=timeout)
        except AssertionError:
            job = await self._find_job(job_id)
            last = f"last state {job.state} ({job.error})" if job else "no such job"
            raise AssertionError(f"job {job_id} never got there; {last}") from None


def fake_hosts(values: dict[str, Any]) -> str:
    """DOWNLOAD_ALLOWED_HOSTS for the fakes in these settings: they serve takes and attachments over
    plain http on 127.0.0.1, which the download policy refuses for every other address."""
    fakes = ("musicgpt_base_url", "soundverse_base_url", "soundpiece_base_url", "discord_api_base")
    urls = [v for k, v in values.items() if k in fakes and isinstance(v, str)]
    return ",".join(sorted({f"{u.host}:{u.port}" for u in map(yarl.URL, urls) if u.host == "127.0.0.1"}))


def free_port() -> int:
    """A port nothing listens on right now, for the bot's own web server (webhooks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status_message_of(h: Harness, job_id: int) -> FakeMessage | None:
    return next(
        (m for m in h.status_messages() if m.embeds[0].get("footer", {}).get("text") == f"Job #{job_id}"),
        None,
    )


def song(tmp: Path, seconds: float = 3.0, fmt: str = "mp3", name: str = "song") -> bytes:
    path = tmp / f"{name}.{fmt}"
    write_tone(path, seconds=seconds, fmt=fmt)  # type: ignore[arg-type]
    return path.read_bytes()


@contextlib.asynccontextmanager
async def harness(
    tmp: Path,
    *,
    fake_discord: dict[str, Any] | None = None,
    preferred_locale: str = "en-US",
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """The bot's settings are `overrides`; `fake_discord` are FakeDiscord knobs (e.g. write_limit);
    `preferred_locale` is the fake guild's language (interactions' guild_locale)."""
    async with FakeDiscord(preferred_locale=preferred_locale, **(fake_discord or {})) as fake:
        with patched_discord(fake):
            h = Harness(fake, tmp, overrides)
            try:
                yield h
            finally:
                await h.stop()


async def private_answer(ix: Any) -> str:
    """What the member reads privately once the bot has settled the command: a refusal given at
    once, or what replaced the acknowledgement (face/start.py acknowledges before any checks)."""
    response = await ix.wait_response()
    assert response.ephemeral, "refusals and acknowledgements are private"
    acks = {texts.checking(True), texts.checking(False)}

    def settled() -> str | None:
        content = ix.original.content if ix.original is not None else response.data.get("content")
        return str(content) if content and content not in acks else None

    answer = await until(settled)
    assert answer is not None
    return answer
