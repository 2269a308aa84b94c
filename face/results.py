"""The result poster: fit the takes to the channel's upload limit and post them (in parts if need be)."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import discord

from audio.transcode import fit_to_size
from audio.waveform import render_waveform
from domain.errors import ErrorKind, ProviderError, Reason
from domain.jobs import Failure, Job, JobResult, TakeInfo
from domain.tracking import Completed, Note
from engine.offload import THREAD, Offload
from engine.ports import PostRefused
from engine.takes import Take, take_dir
from face import texts
from face.channel_writer import ChannelWriter
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


# How many messages since a job began are searched for an earlier post of its result (10 pages).
HISTORY_LOOKUP = 1000
# An interaction token answers follow-ups for 15 minutes; a little margin for the clocks.
INTERACTION_TOKEN_LIFE = timedelta(minutes=14)

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
    job: Job,
    result: JobResult,
    provider_label: str,
    *,
    image: str | None = None,
    database_tag: str | None = None,
) -> discord.Embed:
    """The result card: title, prompt, provider, every take, lyrics, cover art (or `image`, a waveform).

    With `database_tag` the footer marks it as this database's result of the job (see _posted_before)."""
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
    footer = (
        texts.result_footer(job.id, database_tag, locale=locale)
        if database_tag
        else texts.job_footer(job.id, locale=locale)
    )
    embed.set_footer(text=footer)
    return embed


async def draw_waveform(take: Take, dest: Path, audio: Offload = THREAD) -> Path | None:
    """A waveform PNG of the take, drawn off the loop; None if it cannot be drawn (it is decoration)."""
    try:
        return await audio.run(render_waveform, take.path, dest / WAVEFORM_NAME)
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
        writer: ChannelWriter | None = None,
        database_tag: str = "",
        audio: Offload = THREAD,
    ) -> None:
        self.client = client
        self.audio = audio  # where takes are transcoded and waveforms drawn (engine/offload.py)
        # In every nonce and result marker: another database's job #n is not this one's.
        self.database_tag = database_tag
        self.provider_labels = provider_labels
        self.work_dir = work_dir
        self.view_for = view_for
        self.flagged = flagged
        self.writer = writer  # the channels' writer (face/channel_writer.py); None: send directly

    async def _fit(self, job: Job, take: Take) -> Path | None:
        if take.path.stat().st_size <= job.upload_limit:
            return take.path
        # Inside the job's takes directory, which the runner removes once the job is posted.
        out_dir = take_dir(self.work_dir, job.id) / "fit"
        return await self.audio.run(fit_to_size, take.path, out_dir, job.upload_limit, duration=take.duration)

    async def _lrc_file(self, job: Job, number: int, take: Take) -> tuple[Path, str]:
        """The take's timed lyrics as an .lrc file beside it, for players that scroll lyrics."""
        assert take.lyrics_lrc is not None
        name = _filename(job, number, "lrc")
        path = take_dir(self.work_dir, job.id) / "lrc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_text, take.lyrics_lrc, encoding="utf-8")
        return path, name

    async def post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool = False
    ) -> tuple[int | None, JobResult]:
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
            waveform = await draw_waveform(takes[0], take_dir(self.work_dir, job.id), self.audio)
            if waveform:
                groups[0].append((waveform, WAVEFORM_NAME))
                image = f"attachment://{WAVEFORM_NAME}"
        embed = result_embed(
            job,
            result,
            self.provider_labels.get(job.provider, job.provider),
            image=image,
            database_tag=self.database_tag,
        )
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
        # Discord's nonce check lasts minutes; a restart may come later, so look for the post itself.
        found = await self._posted_before(channel, job, groups) if resumed else [None] * len(groups)
        first: discord.Message | discord.PartialMessage | None = None
        for part, group in enumerate(groups):
            message = found[part]
            if message is None:
                message = await self._send(
                    channel,
                    job,
                    group,
                    content=content if part == 0 else None,
                    embed=embed if part == 0 else discord.utils.MISSING,
                    allowed_mentions=mentions,
                    reference=reference if part == 0 else None,
                    view=view if part == 0 and view is not None else discord.utils.MISSING,
                    # Unique to this database and part: a resend within minutes returns the first post.
                    nonce=f"{self.database_tag}j{job.id}r{part}",
                )
            else:
                log.info("job %s: result part %d was already posted as %s", job.id, part, message.id)
            for _, name in group:
                if name in by_name:
                    by_name[name].message_id = message.id
            first = first or message
        return (first.id if first else None), result

    async def _send(
        self,
        channel: discord.PartialMessageable,
        job: Job,
        group: list[tuple[Path, str]],
        **fields: Any,
    ) -> discord.Message:
        """Send one part; a refusal for good raises PostRefused, a failure that may pass ProviderError."""
        # Discord picks the player from the extension, so names keep the real one.
        attachments = [discord.File(path, filename=name) for path, name in group]
        send = functools.partial(channel.send, files=attachments, **fields)
        try:
            # In the channel's writer, a result post goes before every status edit waiting there.
            return await (self.writer.write(job.channel_id, send) if self.writer else send())
        except discord.Forbidden as exc:
            missing = self._missing_in(job.channel_id) or _needed(group)
            refused = Failure(reason=Reason.MISSING_PERMISSIONS, params={"permissions": missing})
            raise PostRefused(refused, detail=str(exc)) from exc
        except discord.NotFound as exc:
            # The channel is gone (a missing reply target is ignored: fail_if_not_exists=False).
            raise PostRefused(Failure(reason=Reason.CHANNEL_GONE), detail=str(exc), keep=False) from exc
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:  # what discord.py retried and gave up on
                raise ProviderError(
                    ErrorKind.RATE_LIMITED if exc.status == 429 else ErrorKind.UNAVAILABLE,
                    Reason.RESULT_REFUSED,
                    detail=f"{exc.status} {exc.text}",
                ) from exc
            raise PostRefused(Failure(reason=Reason.RESULT_REFUSED), detail=str(exc)) from exc
        except discord.RateLimited as exc:  # a wait longer than discord.py agrees to sleep
            raise ProviderError(
                ErrorKind.RATE_LIMITED, Reason.RESULT_REFUSED, retry_after=exc.retry_after, detail=str(exc)
            ) from exc
        except (OSError, aiohttp.ClientError, TimeoutError) as exc:
            raise ProviderError(ErrorKind.UNAVAILABLE, Reason.RESULT_REFUSED, detail=repr(exc)) from exc
        finally:
            for attachment in attachments:
                attachment.close()

    def _missing_in(self, channel_id: int) -> list[str]:
        """The permission flags the bot lacks in the channel, from the gateway's cache (kept current
        by CHANNEL_UPDATE and role events); empty if the channel is not cached."""
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return []
        granted = channel.permissions_for(channel.guild.me)
        missing = [flag for flag in REQUIRED if not getattr(granted, flag, False)]
        # Without View Channel or Send Messages Discord denies the rest too: name only the cause.
        for cause in ("view_channel", "send_messages"):
            if cause in missing:
                return [cause]
        return missing

    async def _posted_before(
        self, channel: discord.PartialMessageable, job: Job, groups: list[list[tuple[Path, str]]]
    ) -> list[discord.Message | None]:
        """The parts of this result already in the channel, found among the messages since the job
        began: the first by the marker in its footer, the others by their attachment names after it.
        (Since the job began rather than since its status message: a deleted status message is
        posted again, maybe after the result.)"""
        found: list[discord.Message | None] = [None] * len(groups)
        marker = texts.result_footer(job.id, self.database_tag, locale=job.public_locale)
        names = [{name for _, name in group} for group in groups]
        me = self.client.user.id if self.client.user else None
        # A minute's margin for the difference between our clock and Discord's.
        after = discord.Object(discord.utils.time_snowflake(job.created_at - timedelta(minutes=1)))
        try:
            async for message in channel.history(limit=HISTORY_LOOKUP, after=after, oldest_first=True):
                if message.author.id != me:
                    continue
                if found[0] is None:
                    if message.embeds and message.embeds[0].footer.text == marker:
                        found[0] = message
                    continue
                attached = {a.filename for a in message.attachments}
                for part in range(1, len(groups)):
                    if found[part] is None and attached and attached == names[part]:
                        found[part] = message
                        break
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            # Cannot look (no Read Message History): the nonce still guards a recent attempt.
            log.info("job %s: could not look for an earlier result post: %s", job.id, exc)
        return found

    async def undelivered(self, job: Job, failure: Failure) -> None:
        """Tell the member privately: a follow-up to their command while its token lives, else a DM."""
        # Private: the member's language.
        label = self.provider_labels.get(job.provider, job.provider)
        why = texts.failure(failure, label, locale=job.member_locale)
        text = texts.result_kept_notice(job.id, job.channel_id, why, locale=job.member_locale)
        none = discord.AllowedMentions.none()
        token_alive = job.created_at + INTERACTION_TOKEN_LIFE > datetime.now(UTC)
        if job.interaction_token and token_alive and self.client.application_id:
            # The command's own follow-up webhook, as discord.Interaction.followup builds it.
            payload = {"id": self.client.application_id, "type": 3, "token": job.interaction_token}
            webhook = discord.Webhook.from_state(data=payload, state=self.client._connection)  # type: ignore[arg-type]  # discord.py types the payload as a TypedDict
            try:
                await webhook.send(text, ephemeral=True, allowed_mentions=none)
                return
            except discord.HTTPException as exc:
                log.info("job %s: the follow-up failed (%s); trying a DM", job.id, exc.status)
        try:
            user = self.client.get_user(job.member_id) or await self.client.fetch_user(job.member_id)
            await user.send(text, allowed_mentions=none)
        except discord.HTTPException as exc:
            log.info("job %s: could not tell member %s privately (%s)", job.id, job.member_id, exc.status)


def _needed(group: list[tuple[Path, str]]) -> list[str]:
    """What a post like this one needs, when the cache cannot say which of it is missing."""
    return ["send_messages", "embed_links", "attach_files"] if group else ["send_messages", "embed_links"]


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
