"""The result poster: fit the takes to the channel's upload limit and post them (in parts if need be)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import aiohttp
import discord

from audio.transcode import fit_to_size
from audio.waveform import render_waveform
from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, Job, JobResult, TakeInfo
from domain.tracking import Completed, Note
from engine.ports import PostRefused
from engine.takes import Take, take_dir
from face import texts
from face.flagged import FlaggedPolicy, spoiler_name

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_FILES_PER_MESSAGE = 10
FIELD_LIMIT = 1024  # characters in one embed field value
MAX_EMBED_URL = 2048  # characters in an embed image or thumbnail URL
# Discord documents a 25 MiB cap per request; boosted servers accept larger single files.
REQUEST_CAP = 25 * 1024 * 1024
# The embed refers to the picture by this attachment name (attachment://...).
WAVEFORM_NAME = "waveform.png"

# The buttons under a result message, if any.
ResultView = Callable[[Job, JobResult], discord.ui.View | None]


# What the bot needs in a channel to post status and results with the bot token.
REQUIRED = ("view_channel", "send_messages", "embed_links", "attach_files")


def missing_permissions(permissions: discord.Permissions, *, locale: str | None = None) -> list[str]:
    """Discord's names (in `locale`) of the permissions the bot lacks to post here."""
    return [
        texts.permission_name(flag, locale=locale)
        for flag in REQUIRED
        if not getattr(permissions, flag, False)
    ]


def thumbnail_url(cover_url: str | None) -> str | None:
    """The provider's cover art as an embed thumbnail, or None. The bot never downloads it: Discord's
    media proxy fetches it. But Discord refuses a whole message whose embed has a non-web URL (a
    file:// cover would lose the paid-for takes), so only http(s) links of an allowed length are used."""
    if cover_url and cover_url.startswith(("https://", "http://")) and len(cover_url) <= MAX_EMBED_URL:
        return cover_url
    return None


def take_stem(job: Job, number: int) -> str:
    """A posted take's file name without its extension (buttons find take N on a message by it)."""
    return f"{job.kind}-{job.id}-take{number}"


def _filename(job: Job, number: int, ext: str) -> str:
    return f"{take_stem(job, number)}.{ext}"


def result_embed(
    job: Job, result: JobResult, provider_label: str, *, image: str | None = None
) -> discord.Embed:
    """The result card: title, prompt, provider, every take, lyrics, cover art (or `image`, a waveform)."""
    locale = job.public_locale  # public: the server's language, as the job remembers it
    kind = texts.kind_name(job.kind, locale=locale)
    title = result.title or kind[:1].upper() + kind[1:]
    embed = discord.Embed(title=texts.echo(title, 256), colour=discord.Colour.green())
    if job.prompt:
        embed.description = texts.echo(job.prompt, 1000)
    embed.add_field(name=texts.field_name("provider", locale=locale), value=provider_label)
    # Takes are numbered by position: providers count from 0 or 1, members from 1.
    for number, take in enumerate(result.takes, start=1):
        parts = [texts.seconds(take.duration) if take.duration else texts.UNKNOWN_DURATION]
        if take.title and take.title != result.title:
            parts.append(texts.echo(take.title, 100))
        if take.label:
            parts.append(texts.clip(take.label, 200))
        if take.url:
            parts.append(texts.download_link(take.url, locale=locale))
        embed.add_field(
            name=texts.take_name(number, locale=locale), value=texts.clip(" · ".join(parts), FIELD_LIMIT)
        )
    if result.lyrics:
        embed.add_field(
            name=texts.field_name("lyrics", locale=locale), value=texts.echo(result.lyrics, 500), inline=False
        )
    if result.notes:
        notes = "\n".join(texts.note(note, provider_label, locale=locale) for note in result.notes)
        embed.add_field(
            name=texts.field_name("note", locale=locale), value=texts.clip(notes, 1000), inline=False
        )
    if result.cover_url:
        embed.set_thumbnail(url=result.cover_url)
    elif image:
        embed.set_image(url=image)
    embed.set_footer(text=texts.job_footer(job.id, locale=locale))
    return embed


async def draw_waveform(take: Take, dest: Path) -> Path | None:
    """A waveform PNG of the take, drawn in a thread; None if it cannot be drawn (it is decoration)."""
    try:
        return await asyncio.to_thread(render_waveform, take.path, dest / WAVEFORM_NAME)
    except Exception:
        log.warning("could not draw a waveform of %s", take.path, exc_info=True)
        return None


class DiscordResults:
    """Posts the takes as attachments in the job's channel, through the bot token."""

    def __init__(
        self,
        client: discord.Client,
        provider_labels: dict[str, str],
        work_dir: Path,
        *,
        view_for: ResultView | None = None,
        flagged: FlaggedPolicy | None = None,
    ) -> None:
        self.client = client
        self.provider_labels = provider_labels
        self.work_dir = work_dir
        self.view_for = view_for
        self.flagged = flagged

    async def _fit(self, job: Job, take: Take) -> Path | None:
        if take.path.stat().st_size <= job.upload_limit:
            return take.path
        # Inside the job's takes directory, which the runner removes once the job is posted.
        out_dir = take_dir(self.work_dir, job.id) / "fit"
        return await asyncio.to_thread(
            fit_to_size, take.path, out_dir, job.upload_limit, duration=take.duration
        )

    async def _lrc_file(self, job: Job, number: int, take: Take) -> tuple[Path, str]:
        """The take's timed lyrics as an .lrc file beside it, for players that scroll lyrics."""
        assert take.lyrics_lrc is not None
        name = _filename(job, number, "lrc")
        path = take_dir(self.work_dir, job.id) / "lrc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_text, take.lyrics_lrc, encoding="utf-8")
        return path, name

    async def post(self, job: Job, takes: list[Take], completed: Completed) -> tuple[int | None, JobResult]:
        if self.flagged is not None:  # flagged takes: spoiler or withheld (face/flagged.py)
            takes = await self.flagged.apply(job, takes, completed)
        files: list[tuple[Path, str]] = []
        infos: list[TakeInfo] = []
        for number, take in enumerate(takes, start=1):
            path = await self._fit(job, take)
            if path is None:
                infos.append(
                    TakeInfo(
                        index=take.index,
                        filename="",
                        duration=take.duration,
                        title=take.title,
                        label=take.label,
                        url=take.source_url,
                    )
                )
                if not take.source_url:
                    completed.notes.append(Note(reason=Reason.TAKE_UNAVAILABLE, params={"index": number}))
                continue
            name = spoiler_name(_filename(job, number, path.suffix.lstrip(".") or take.ext), take)
            files.append((path, name))
            infos.append(
                TakeInfo(
                    index=take.index,
                    filename=name,
                    duration=take.duration,
                    title=take.title,
                    label=take.label,
                )
            )
            if take.lyrics_lrc:
                files.append(await self._lrc_file(job, number, take))
        lyrics = completed.lyrics or next((o.lyrics for o in completed.outputs if o.lyrics), None)
        result = JobResult(
            title=completed.title,
            lyrics=lyrics,
            cover_url=thumbnail_url(completed.cover_url),
            takes=infos,
            notes=completed.notes,
        )
        groups = message_parts(files, lambda f: f[0].stat().st_size, job.upload_limit) or [[]]
        image = None
        if not result.cover_url and files and len(groups[0]) < MAX_FILES_PER_MESSAGE:
            waveform = await draw_waveform(takes[0], take_dir(self.work_dir, job.id))
            if waveform:
                groups[0].append((waveform, WAVEFORM_NAME))
                image = f"attachment://{WAVEFORM_NAME}"
        embed = result_embed(job, result, self.provider_labels.get(job.provider, job.provider), image=image)
        view = self.view_for(job, result) if self.view_for else None
        channel = self.client.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        mentions = discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(job.member_id)])
        content = texts.result_ready(job.member_id, len(infos), locale=job.public_locale)
        reference = (
            discord.MessageReference(
                message_id=job.reply_to_message_id, channel_id=job.channel_id, fail_if_not_exists=False
            )
            if job.reply_to_message_id
            else None
        )
        by_name = {info.filename: info for info in infos if info.filename}
        first: discord.Message | None = None
        for part, group in enumerate(groups):
            # Discord picks the player from the extension, so names keep the real one.
            attachments = [discord.File(path, filename=name) for path, name in group]
            try:
                message = await channel.send(
                    content=content if part == 0 else None,
                    embed=embed if part == 0 else discord.utils.MISSING,
                    files=attachments,
                    allowed_mentions=mentions,
                    reference=reference if part == 0 else None,
                    view=view if part == 0 and view is not None else discord.utils.MISSING,
                    # Deterministic: a post retried after a crash returns the message already posted.
                    nonce=f"j{job.id}r{part}",
                )
            except discord.Forbidden as exc:
                refused = Failure(reason=Reason.MISSING_PERMISSIONS, params={"permissions": list(REQUIRED)})
                raise PostRefused(refused, detail=str(exc)) from exc
            except discord.HTTPException as exc:
                if exc.status >= 500:  # discord.py already retried what it retries; the runner waits longer
                    raise ProviderError(
                        ErrorKind.UNAVAILABLE, Reason.RESULT_REFUSED, detail=str(exc)
                    ) from exc
                raise PostRefused(Failure(reason=Reason.RESULT_REFUSED), detail=str(exc)) from exc
            except (OSError, aiohttp.ClientError) as exc:
                raise ProviderError(ErrorKind.UNAVAILABLE, Reason.RESULT_REFUSED, detail=str(exc)) from exc
            finally:
                for attachment in attachments:
                    attachment.close()
            for _, name in group:
                if name in by_name:
                    by_name[name].message_id = message.id
            first = first or message
        return (first.id if first else None), result


def message_parts(files: Sequence[T], size_of: Callable[[T], int], upload_limit: int) -> list[list[T]]:
    """Split attachments, in order, so no message exceeds 10 files or the per-request size cap."""
    cap = max(REQUEST_CAP, upload_limit)
    groups: list[list[T]] = []
    size = 0
    for item in files:
        item_size = size_of(item)
        if not groups or len(groups[-1]) >= MAX_FILES_PER_MESSAGE or size + item_size > cap:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += item_size
    return groups
