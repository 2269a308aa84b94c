"""Turning a member's request into a queued job, or into a specific, private refusal.

Cheap checks run before the job row exists; the input audio is fetched and probed after the
member has been acknowledged. A refused request is recorded as rejected and nothing is sent to
any provider.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from audio.probe import NotAudio, probe
from domain.errors import ProviderError
from domain.jobs import IllegalTransition, Job, JobState, NewJob
from domain.kinds import JobKind
from domain.redact import redact
from engine.runner import Runner
from face import texts
from providers.base import Capabilities
from providers.http import TooLarge, download_to
from providers.registry import Registry
from storage.guilds import GuildRepository
from storage.jobs import JobRepository

log = logging.getLogger(__name__)

# The song length a member may ask /generate for, in seconds. MusicGPT calls output_length
# "purely experimental" and states no range; this one covers a jingle to a long song.
MIN_LENGTH = 10
MAX_LENGTH = 480


@dataclass
class Draft:
    """A request as the member made it, before any checks."""

    kind: JobKind
    channel_id: int
    member_id: int
    guild_id: int | None
    upload_limit: int
    provider: str | None = None
    prompt: str = ""
    lyrics: str | None = None
    gender: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    input_url: str | None = None
    input_filename: str | None = None
    input_size: int | None = None
    input_path: Path | None = None  # a local file (the CLI, a reroll); skips the download
    reply_to_message_id: int | None = None
    source_message_id: int | None = None


def check_text(draft: Draft, caps: Capabilities, label: str) -> str | None:
    prompt, lyrics = draft.prompt.strip(), (draft.lyrics or "").strip()
    if draft.kind in caps.requires_prompt and not prompt:
        return texts.prompt_required(label)
    if draft.kind in caps.requires_lyrics and not lyrics:
        return texts.lyrics_required(label)
    if not prompt and not lyrics and draft.kind in caps.requires_words:
        return texts.prompt_or_lyrics_required()
    if len(prompt) > caps.max_prompt_chars:
        return texts.too_long("prompt", len(prompt), caps.max_prompt_chars, label)
    if len(lyrics) > caps.max_lyrics_chars:
        return texts.too_long("lyrics", len(lyrics), caps.max_lyrics_chars, label)
    return None


def check_generate_options(draft: Draft) -> str | None:
    """The provider-neutral options of /generate: a length in range, no contradictory switches."""
    options = draft.options
    length = options.get("length")
    if length is not None and not MIN_LENGTH <= length <= MAX_LENGTH:
        return texts.length_out_of_range(length, MIN_LENGTH, MAX_LENGTH)
    if options.get("instrumental") and options.get("vocal_only"):
        return texts.instrumental_and_vocal_only()
    return None


def check_options(draft: Draft, caps: Capabilities, label: str, supporters: list[str]) -> str | None:
    """Options only some providers honour: refused where they would be silently ignored."""
    wanted = draft.options.get("variations")
    if wanted is None:
        return None
    if not caps.max_variations:
        return texts.variations_not_supported(label, supporters)
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= caps.max_variations:
        return texts.variations_out_of_range(wanted, caps.max_variations, label)
    return None


def check_duration(duration: float | None, caps: Capabilities, label: str) -> str | None:
    if duration is None:
        return None
    if caps.max_input_seconds and duration > caps.max_input_seconds:
        return texts.audio_too_long(duration, caps.max_input_seconds, label)
    if caps.min_input_seconds and duration < caps.min_input_seconds:
        return texts.audio_too_short(duration, caps.min_input_seconds, label)
    return None


class Intake:
    def __init__(
        self,
        jobs: JobRepository,
        registry: Registry,
        runner: Runner,
        session: aiohttp.ClientSession,
        *,
        work_dir: Path,
        max_input_bytes: int,
        max_jobs_per_member: int,
        guilds: GuildRepository | None = None,
    ) -> None:
        self.jobs = jobs
        self.registry = registry
        self.runner = runner
        self.session = session
        self.work_dir = work_dir
        self.max_input_bytes = max_input_bytes
        self.max_jobs_per_member = max_jobs_per_member
        self.guilds = guilds
        # Checks and insert are one step, so two quick commands cannot both pass a member's limit.
        self._admission = asyncio.Lock()

    def resolve_provider(self, draft: Draft, server_default: str | None = None) -> str | None:
        """Fill in the provider; the refusal text when it cannot serve this kind of job."""
        if server_default not in self.registry.supporting(draft.kind):
            server_default = None
        name = (
            (draft.provider or "").strip().lower() or server_default or self.registry.default_for(draft.kind)
        )
        if name not in self.registry:
            return texts.unknown_provider(name, self.registry.names())
        provider = self.registry.get(name)
        if draft.kind not in provider.capabilities.kinds:
            return texts.kind_not_supported(
                provider.label,
                draft.kind,
                [self.registry.get(n).label for n in self.registry.supporting(draft.kind)],
            )
        draft.provider = name
        return None

    def input_limit(self, provider: str) -> int:
        cap = self.registry.get(provider).capabilities.max_input_bytes
        return min(cap, self.max_input_bytes) if cap else self.max_input_bytes

    async def precheck(self, draft: Draft) -> str | None:
        """Checks that need no I/O beyond a couple of reads: the refusal text, or None."""
        server = await self.guilds.get(draft.guild_id) if self.guilds and draft.guild_id else None
        if server and server.channel_id and draft.channel_id != server.channel_id:
            return texts.wrong_channel(server.channel_id)
        if reason := self.resolve_provider(draft, server.default_provider if server else None):
            return reason
        assert draft.provider
        provider = self.registry.get(draft.provider)
        if reason := check_text(draft, provider.capabilities, provider.label) or check_generate_options(
            draft
        ):
            return reason
        choosers = [
            p.label
            for p in self.registry
            if p.capabilities.max_variations and draft.kind in p.capabilities.kinds
        ]
        if reason := check_options(draft, provider.capabilities, provider.label, choosers):
            return reason
        limit = self.input_limit(draft.provider)
        if draft.input_size is not None and draft.input_size > limit:
            return texts.file_too_large(draft.input_size, limit, provider.label)
        if draft.input_size == 0:
            return texts.empty_upload()
        member_limit = (server.max_jobs_per_member if server else None) or self.max_jobs_per_member
        if await self.jobs.active_count_for_member(draft.member_id) >= member_limit:
            return texts.too_many_jobs(member_limit)
        return None

    async def admit(self, draft: Draft) -> Job | str:
        """The new job, or the refusal text (recorded as a rejected job when the provider is known)."""
        async with self._admission:
            reason = await self.precheck(draft)
            if reason is None:
                return await self.create(draft)
        if draft.provider in self.registry:  # a typo'd provider name is not worth a row
            await self.reject(await self.create(draft), reason)
        return reason

    async def create(self, draft: Draft) -> Job:
        assert draft.provider, "precheck first"
        return await self.jobs.create(
            NewJob(
                guild_id=draft.guild_id,
                channel_id=draft.channel_id,
                member_id=draft.member_id,
                kind=draft.kind,
                provider=draft.provider,
                prompt=draft.prompt.strip(),
                lyrics=(draft.lyrics or "").strip() or None,
                gender=draft.gender,
                options=draft.options,
                input_url=draft.input_url,
                input_filename=draft.input_filename,
                input_size=draft.input_size,
                upload_limit=draft.upload_limit,
                reply_to_message_id=draft.reply_to_message_id,
                source_message_id=draft.source_message_id,
                idempotency_key=str(uuid.uuid4()),
                webhook_token=secrets.token_urlsafe(24),
            )
        )

    async def reject(self, job: Job, reason: str) -> Job:
        return await self.jobs.transition(job.id, JobState.REJECTED, error=reason)

    async def check_input(self, job: Job, local_path: Path | None = None) -> Job:
        """Fetch and probe the input; queue the job or reject it with the reason.

        A failure of our own ends the job rather than leaving it half-checked, where it would count
        against the member's limit. A shutdown (cancellation) leaves it for the check at next start.
        """
        try:
            return await self._check_input(job, local_path)
        except Exception:
            log.exception("job %s: input check failed", job.id)
            current = await self.jobs.get(job.id)
            if current is not None and current.state is JobState.RECEIVED:
                await self.jobs.transition(job.id, JobState.FAILED, error=texts.interrupted())
            raise

    async def _check_input(self, job: Job, local_path: Path | None = None) -> Job:
        """Fetch and probe the input; queue the job or reject it with the reason."""
        provider = self.registry.get(job.provider)
        path: Path | None = None
        if local_path is not None or job.input_url:
            try:
                path = await self._copy_in(job, local_path) if local_path else await self._download(job)
            except TooLarge as error:
                return await self.reject(
                    job, texts.file_too_large(job.input_size or error.limit + 1, error.limit, provider.label)
                )
            except ProviderError as error:
                log.info("job %s: input download failed: %s", job.id, redact(error.detail or error.message))
                return await self.reject(job, texts.attachment_unreachable())
            try:
                info = await asyncio.to_thread(probe, path)
            except NotAudio as error:
                path.unlink(missing_ok=True)
                return await self.reject(job, texts.not_audio(error.reason))
            limit = self.input_limit(job.provider)
            if info.size > limit:
                path.unlink(missing_ok=True)
                return await self.reject(job, texts.file_too_large(info.size, limit, provider.label))
            if reason := check_duration(info.duration, provider.capabilities, provider.label):
                path.unlink(missing_ok=True)
                return await self.reject(job, reason)
        elif job.kind is not JobKind.GENERATE:
            return await self.reject(job, texts.no_audio_attached())
        try:
            job = await self.jobs.transition(job.id, JobState.QUEUED, input_path=path)
        except IllegalTransition:
            # Cancelled (/cancel) while its audio was being checked: that decision stands.
            if path:
                path.unlink(missing_ok=True)
            return await self.jobs.get(job.id) or job
        await self.runner.enqueue(job)
        return job

    def input_dest(self, job: Job) -> Path:
        """Where the job's own copy of its input lives in the work directory."""
        suffix = Path(job.input_filename or "input").suffix[:8] or ".bin"
        return self.work_dir / "inputs" / f"job{job.id}{suffix}"

    async def _download(self, job: Job) -> Path:
        assert job.input_url
        dest = self.input_dest(job)
        await download_to(self.session, job.input_url, dest, max_bytes=self.input_limit(job.provider))
        return dest

    async def _copy_in(self, job: Job, source: Path) -> Path:
        """The job owns (and later deletes) its input, so a local file is copied, never moved."""
        size = (await asyncio.to_thread(source.stat)).st_size
        if size > self.input_limit(job.provider):
            raise TooLarge(self.input_limit(job.provider))
        dest = self.input_dest(job)
        dest.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.copyfile, source, dest)
        return dest
