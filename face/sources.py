"""Where the audio of a follow-up job comes from: Reroll, Edit and rerun, Remix take N.

Discord's attachment URLs expire, so a stored URL is never reused. A delivered job's input file is
kept for INPUT_RETENTION_HOURS (the runner sweeps it later), so a reroll sends the very same bytes.
A take is read from the result message fetched again, which carries fresh URLs; the same works for a
job whose input came from one of the bot's own messages. Members' messages are not fetched: without
the privileged message-content intent Discord hands a bot their attachments only inside an
interaction, so a member's upload is gone once its kept file is swept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import discord

from domain.jobs import Job, TakeInfo
from domain.kinds import JobKind
from engine.intake import Draft
from face import texts
from face.start import draft_from
from face.tree import UserFacingError

if TYPE_CHECKING:
    from face.bot import RemixBot

log = logging.getLogger(__name__)


@dataclass
class Source:
    filename: str | None  # None: no audio (a song generated from words alone)
    size: int | None
    path: Path | None = None  # a kept input file
    url: str | None = None  # a fresh attachment URL
    message_id: int | None = None  # the message holding the attachment


def attached_takes(job: Job) -> list[tuple[int, TakeInfo]]:
    """(number, take) for every take posted as an attachment; numbers count from 1 over all takes."""
    if job.result is None:
        return []
    return [(n, t) for n, t in enumerate(job.result.takes, start=1) if t.filename]


async def own_attachment(
    bot: RemixBot, job: Job, message_id: int, filename: str
) -> discord.Attachment | None:
    """The attachment `filename` on one of the bot's messages, fetched now (fresh URL), or None."""
    channel = bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
    try:
        message = await channel.fetch_message(message_id)
    except discord.HTTPException as exc:
        log.info("job %s: message %s unavailable (%s)", job.id, message_id, exc.status)
        return None
    if bot.user is None or message.author.id != bot.user.id:
        return None
    return next((a for a in message.attachments if a.filename == filename), None)


async def input_of(bot: RemixBot, job: Job, *, locale: str | None = None) -> Source:
    """The audio `job` was made from, for a reroll; a refusal when it is gone."""
    if job.kind is JobKind.GENERATE and not job.input_filename:
        return Source(None, None)
    filename = job.input_filename or "audio"
    if job.input_path is not None and job.input_path.exists():
        return Source(
            filename, job.input_path.stat().st_size, path=job.input_path, message_id=job.source_message_id
        )
    if job.source_message_id and job.input_filename:
        attachment = await own_attachment(bot, job, job.source_message_id, job.input_filename)
        if attachment is not None:
            return Source(filename, attachment.size, url=attachment.url, message_id=job.source_message_id)
    raise UserFacingError(texts.source_gone(job.id, bot.options.input_retention_hours, locale=locale))


async def take_of(bot: RemixBot, job: Job, number: int, *, locale: str | None = None) -> Source:
    """Take `number` of a delivered job, read from its result message."""
    take = dict(attached_takes(job)).get(number)
    message_id = (take.message_id or job.result_message_id) if take else None
    attachment = await own_attachment(bot, job, message_id, take.filename) if take and message_id else None
    if take is None or attachment is None:
        raise UserFacingError(texts.take_gone(job.id, number, locale=locale))
    return Source(take.filename, attachment.size, url=attachment.url, message_id=message_id)


def follow_up(
    interaction: discord.Interaction,
    source: Source,
    *,
    kind: JobKind,
    provider: str | None,
    prompt: str,
    lyrics: str | None,
    gender: str | None,
    reply_to: int | None,
    options: dict[str, object] | None = None,
) -> Draft:
    """A draft for a new job from `source`; it then goes through start_job like any other."""
    return draft_from(
        interaction,
        kind=kind,
        provider=provider,
        prompt=prompt,
        lyrics=lyrics,
        gender=gender,
        options=dict(options or {}),
        input_url=source.url,
        input_path=source.path,
        input_filename=source.filename,
        input_size=source.size,
        reply_to_message_id=reply_to,
        source_message_id=source.message_id,
    )
