"""Turning a member's request into a queued job, or into a specific, private refusal.

Cheap checks run before the job row exists; the input audio is fetched and probed after the
member has been acknowledged. A refused request is recorded as rejected and nothing is sent to
any provider.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audio.probe import NotAudio, probe
from domain.errors import ProviderError, Reason
from domain.jobs import Failure, IllegalTransition, Job, JobState, NewJob, Refusal
from domain.kinds import JobKind
from engine.admin import AdminRules, Member
from engine.downloads import STRICT, DownloadPolicy, TooLarge
from engine.offload import THREAD, Offload
from engine.runner import Runner
from providers.base import Capabilities
from providers.registry import Registry
from storage.guilds import GuildRepository
from storage.jobs import JobRepository, LeaseLost

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
    session_id: int | None = None
    # The member's client language and the server's public one (the face decides both).
    member_locale: str | None = None
    interaction_token: str | None = None
    public_locale: str | None = None
    # Server admin rules (engine/admin.py): the member's roles, and whether they waive the limits.
    member_roles: tuple[int, ...] = ()
    limits_waived: bool = False


def refusal(reason: Reason, **params: object) -> Refusal:
    return Refusal(reason=reason, params=params)


def check_text(draft: Draft, caps: Capabilities, label: str) -> Refusal | None:
    prompt, lyrics = draft.prompt.strip(), (draft.lyrics or "").strip()
    if draft.kind in caps.requires_prompt and not prompt:
        return refusal(Reason.PROMPT_REQUIRED, provider=label)
    if draft.kind in caps.requires_lyrics and not lyrics:
        return refusal(Reason.LYRICS_REQUIRED, provider=label)
    if not prompt and not lyrics and draft.kind in caps.requires_words:
        return refusal(Reason.PROMPT_OR_LYRICS_REQUIRED)
    if len(prompt) > caps.max_prompt_chars:
        return refusal(
            Reason.TOO_LONG, field="prompt", length=len(prompt), limit=caps.max_prompt_chars, provider=label
        )
    if len(lyrics) > caps.max_lyrics_chars:
        return refusal(
            Reason.TOO_LONG, field="lyrics", length=len(lyrics), limit=caps.max_lyrics_chars, provider=label
        )
    return None


def check_generate_options(draft: Draft) -> Refusal | None:
    """The provider-neutral options of /generate: a length in range, no contradictory switches."""
    options = draft.options
    length = options.get("length")
    if length is not None and not MIN_LENGTH <= length <= MAX_LENGTH:
        return refusal(Reason.LENGTH_OUT_OF_RANGE, length=length, low=MIN_LENGTH, high=MAX_LENGTH)
    if options.get("instrumental") and options.get("vocal_only"):
        return refusal(Reason.INSTRUMENTAL_AND_VOCAL_ONLY)
    return None


def check_options(
    draft: Draft,
    caps: Capabilities,
    label: str,
    supporters: list[str],
    strength_supporters: list[str] | None = None,
) -> Refusal | None:
    """Options only some providers honour: refused where they would be silently ignored."""
    if draft.options.get("strength") is not None and not caps.strength:
        return refusal(Reason.STRENGTH_NOT_SUPPORTED, provider=label, supporters=strength_supporters or [])
    wanted = draft.options.get("variations")
    if wanted is None:
        return None
    if not caps.max_variations:
        return refusal(Reason.VARIATIONS_NOT_SUPPORTED, provider=label, supporters=supporters)
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= caps.max_variations:
        return refusal(
            Reason.VARIATIONS_OUT_OF_RANGE, wanted=wanted, limit=caps.max_variations, provider=label
        )
    return None


def check_duration(duration: float | None, caps: Capabilities, label: str) -> Refusal | None:
    if duration is None:
        return None
    if caps.max_input_seconds and duration > caps.max_input_seconds:
        return refusal(Reason.AUDIO_TOO_LONG, duration=duration, limit=caps.max_input_seconds, provider=label)
    if caps.min_input_seconds and duration < caps.min_input_seconds:
        return refusal(
            Reason.AUDIO_TOO_SHORT, duration=duration, limit=caps.min_input_seconds, provider=label
        )
    return None


class Intake:
    def __init__(
        self,
        jobs: JobRepository,
        registry: Registry,
        runner: Runner,
        *,
        downloads: DownloadPolicy = STRICT,
        work_dir: Path,
        max_input_bytes: int,
        max_jobs_per_member: int,
        guilds: GuildRepository | None = None,
        rules: AdminRules | None = None,
        audio: Offload = THREAD,
    ) -> None:
        self.jobs = jobs
        self.audio = audio
        self.registry = registry
        self.runner = runner
        self.downloads = downloads
        self.work_dir = work_dir
        self.max_input_bytes = max_input_bytes
        self.max_jobs_per_member = max_jobs_per_member
        self.guilds = guilds
        self.rules = rules
        # Checks and insert are one step per member, so two quick commands by one member cannot
        # both pass the member's limit; different members never wait for each other.
        self._turns: dict[int, asyncio.Lock] = {}
        self._in_turn: Counter[int] = Counter()

    def resolve_provider(self, draft: Draft, server_default: str | None = None) -> Refusal | None:
        """Fill in the provider; the refusal when it cannot serve this kind of job."""
        if server_default not in self.registry.supporting(draft.kind):
            server_default = None
        name = (
            (draft.provider or "").strip().lower() or server_default or self.registry.default_for(draft.kind)
        )
        if name not in self.registry:
            return refusal(Reason.UNKNOWN_PROVIDER, name=name, available=self.registry.names())
        provider = self.registry.get(name)
        if draft.kind not in provider.capabilities.kinds:
            return refusal(
                Reason.KIND_NOT_SUPPORTED,
                provider=provider.label,
                job_kind=draft.kind.value,
                supporters=[self.registry.get(n).label for n in self.registry.supporting(draft.kind)],
            )
        draft.provider = name
        return None

    def input_limit(self, provider: str) -> int:
        cap = self.registry.get(provider).capabilities.max_input_bytes
        return min(cap, self.max_input_bytes) if cap else self.max_input_bytes

    async def precheck(self, draft: Draft) -> Refusal | None:
        """Checks that need no I/O beyond a couple of reads: the refusal, or None."""
        server = await self.guilds.get(draft.guild_id) if self.guilds and draft.guild_id else None
        # A session's jobs run in its thread, wherever the server's remix channel is.
        if (
            server
            and server.channel_id
            and draft.channel_id != server.channel_id
            and draft.session_id is None
        ):
            return refusal(Reason.WRONG_CHANNEL, channel_id=server.channel_id)
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
        strength = [
            p.label for p in self.registry if p.capabilities.strength and draft.kind in p.capabilities.kinds
        ]
        if reason := check_options(draft, provider.capabilities, provider.label, choosers, strength):
            return reason
        limit = self.input_limit(draft.provider)
        if draft.input_size is not None and draft.input_size > limit:
            return refusal(Reason.FILE_TOO_LARGE, size=draft.input_size, limit=limit, provider=provider.label)
        if draft.input_size == 0:
            return refusal(Reason.EMPTY_UPLOAD)
        member_limit = (server.max_jobs_per_member if server else None) or self.max_jobs_per_member
        if (
            not draft.limits_waived
            and await self.jobs.active_count_for_member(draft.member_id) >= member_limit
        ):
            return refusal(Reason.TOO_MANY_JOBS, limit=member_limit)
        return None

    async def admit(self, draft: Draft) -> Job | Refusal:
        """The new job, or the refusal (recorded as a rejected job when the provider is known)."""
        async with self._member_turn(draft.member_id):
            reason = await self.admin_check(draft) or await self.precheck(draft)
            if reason is None:
                job = await self.create(draft)
                # The server's budget: the estimated cost is reserved now, or the job is refused.
                found = await self.rules.reserve(job) if self.rules is not None else None
                if found is None:
                    return job
                refused = Refusal(reason=found.reason, params=dict(found.params))
                await self.reject(job, refused)
                return refused
        if draft.provider in self.registry:  # a typo'd provider name is not worth a row
            await self.reject(await self.create(draft), reason)
        return reason

    @contextlib.asynccontextmanager
    async def _member_turn(self, member_id: int) -> AsyncIterator[None]:
        """One admission at a time for this member; the lock goes once nobody holds or awaits it."""
        lock = self._turns.setdefault(member_id, asyncio.Lock())
        self._in_turn[member_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._in_turn[member_id] -= 1
            if not self._in_turn[member_id]:
                del self._in_turn[member_id], self._turns[member_id]

    async def admin_check(self, draft: Draft) -> Refusal | None:
        """The server admins' rules (engine/admin.py): roles, blocklist, cooldowns, daily limit."""
        if self.rules is None:
            return None
        member = Member(draft.guild_id, draft.member_id, draft.member_roles)
        draft.limits_waived = await self.rules.waived(member)
        words = [draft.prompt, draft.lyrics, *(v for v in draft.options.values() if isinstance(v, str))]
        found = await self.rules.check(member, words)
        return Refusal(reason=found.reason, params=dict(found.params)) if found is not None else None

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
                session_id=draft.session_id,
                member_locale=draft.member_locale,
                interaction_token=draft.interaction_token,
                public_locale=draft.public_locale,
                idempotency_key=str(uuid.uuid4()),
                webhook_token=secrets.token_urlsafe(24),
            ),
            # Held by this process from the start: no other process rechecks it while it is checked here.
            lease=self.runner.new_lease(),
        )

    async def reject(self, job: Job, reason: Refusal) -> Job:
        job = await self.jobs.transition(
            job.id, JobState.REJECTED, error=Failure.refused(reason), held_by=self.runner.held_by
        )
        if self.rules is not None:  # nothing was sent: the budget gets the reservation back
            await self.rules.budgets.finished(job)
        return job

    async def check_input(self, job: Job, local_path: Path | None = None) -> Job:
        """Fetch and probe the input; queue the job or reject it with the reason.

        A failure of our own ends the job rather than leaving it half-checked, where it would count
        against the member's limit. A shutdown (cancellation) leaves it for the check at next start.
        """
        try:
            return await self._check_input(job, local_path)
        except LeaseLost as lost:
            # This process stalled past the lease; the holder now checks the input again itself.
            log.info("job %s: input check stopped, %s", job.id, lost)
            return await self.jobs.get(job.id) or job
        except Exception:
            log.exception("job %s: input check failed", job.id)
            current = await self.jobs.get(job.id)
            if current is not None and current.state is JobState.RECEIVED:
                await self.jobs.transition(
                    job.id,
                    JobState.FAILED,
                    error=Failure(reason=Reason.INTERRUPTED),
                    held_by=self.runner.held_by,
                )
            raise

    async def _check_input(self, job: Job, local_path: Path | None = None) -> Job:
        """Fetch and probe the input; queue the job or reject it with the reason."""
        provider = self.registry.get(job.provider)
        path: Path | None = None
        if local_path is not None or job.input_url:
            try:
                path = await self._copy_in(job, local_path) if local_path else await self._download(job)
            except TooLarge as error:
                # The size the bytes showed, never the size the upload declared (it may have lied);
                # none when the download stopped counting just past the limit.
                return await self.reject(
                    job,
                    refusal(
                        Reason.FILE_TOO_LARGE, size=error.size, limit=error.limit, provider=provider.label
                    ),
                )
            except ProviderError as error:
                log.info("job %s: input download failed: %s", job.id, error)
                return await self.reject(job, refusal(Reason.ATTACHMENT_UNREACHABLE))
            try:
                info = await self.audio.run(probe, path)
            except NotAudio as error:
                path.unlink(missing_ok=True)
                return await self.reject(job, refusal(Reason.NOT_AUDIO, why=error.reason, **error.params))
            duration = info.duration
            limit = self.input_limit(job.provider)
            if info.size > limit:
                path.unlink(missing_ok=True)
                return await self.reject(
                    job, refusal(Reason.FILE_TOO_LARGE, size=info.size, limit=limit, provider=provider.label)
                )
            if reason := check_duration(duration, provider.capabilities, provider.label):
                path.unlink(missing_ok=True)
                return await self.reject(job, reason)
        elif job.kind is not JobKind.GENERATE:
            return await self.reject(job, refusal(Reason.NO_AUDIO_ATTACHED))
        try:
            job = await self.jobs.transition(
                job.id, JobState.QUEUED, input_path=path, held_by=self.runner.held_by
            )
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
        await self.downloads.fetch(job.input_url, dest, max_bytes=self.input_limit(job.provider))
        return dest

    async def _copy_in(self, job: Job, source: Path) -> Path:
        """The job owns (and later deletes) its input, so a local file is copied, never moved."""
        size = (await asyncio.to_thread(source.stat)).st_size
        if size > self.input_limit(job.provider):
            raise TooLarge(self.input_limit(job.provider), size)
        dest = self.input_dest(job)
        dest.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.copyfile, source, dest)
        return dest
