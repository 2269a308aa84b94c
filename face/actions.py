"""What members do with jobs that exist: cancel, delete results, show them again, list them.

Shared by the buttons (core/views.py) and the /jobs /show /cancel commands (cogs/jobs.py). Who may
do what is decided here, on every call:
  - Cancel and Delete: the member who started the job, or a moderator (Manage Messages where it runs);
  - Reroll and Edit and rerun: the member who started the job (it is their audio and their quota);
  - Remix take N, Remix this audio and /show: anyone in the server (results are public in the channel).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from domain.errors import ProviderError, Reason
from domain.jobs import TRANSITIONS, Failure, IllegalTransition, Job, JobState
from domain.tracking import Completed
from engine import kept as kept_takes
from engine.ports import PostRefused
from engine.takes import Take
from face import texts
from face.results import (
    MAX_FILES_PER_MESSAGE,
    WAVEFORM_NAME,
    message_parts,
    missing_permissions,
    result_embed,
)
from face.sources import attached_takes
from face.tree import UserFacingError

if TYPE_CHECKING:
    from face.bot import RemixBot


def is_requester(interaction: discord.Interaction, job: Job) -> bool:
    return interaction.user.id == job.member_id


def is_moderator(interaction: discord.Interaction, job: Job) -> bool:
    """Manage Messages in the job's channel (not merely where the command was run)."""
    if interaction.channel_id == job.channel_id:
        return interaction.permissions.manage_messages
    guild, member = interaction.guild, interaction.user
    channel = guild.get_channel(job.channel_id) if guild else None
    if channel is None or not isinstance(member, discord.Member):
        return False
    return channel.permissions_for(member).manage_messages


def cancellable(job: Job) -> bool:
    return JobState.CANCELLED in TRANSITIONS[job.state]


def parse_job_id(value: str | int, *, locale: str | None = None) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdigit():
        raise UserFacingError(texts.not_a_job_id(str(value), locale=locale))
    return int(text)


async def find_job(bot: RemixBot, interaction: discord.Interaction, job_id: int) -> Job:
    """The job, if it belongs to the server the member is in."""
    job = await bot.jobs.get(job_id)
    if job is None or job.guild_id != interaction.guild_id:
        raise UserFacingError(texts.job_not_found(job_id, locale=interaction.locale.value))
    return job


def jump_url(bot: RemixBot, job: Job, message_id: int | None) -> str | None:
    if message_id is None:
        return None
    return (
        bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        .get_partial_message(message_id)
        .jump_url
    )


async def cancel(bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
    if not (is_requester(interaction, job) or is_moderator(interaction, job)):
        raise UserFacingError(
            texts.only_requester_or_moderator(texts.ACTION_CANCEL, locale=interaction.locale.value)
        )
    try:
        await bot.runner.cancel(
            job.id, Failure(reason=Reason.CANCELLED_BY, params={"member_id": interaction.user.id})
        )
    except IllegalTransition as exc:
        raise UserFacingError(
            texts.cannot_cancel_now(job.id, exc.current.value, locale=interaction.locale.value)
        ) from exc
    await interaction.response.send_message(
        texts.cancel_done(job.id, locale=interaction.locale.value), ephemeral=True
    )


async def delete_results(bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
    """Delete the result message the button is on; for the original result, every part of it."""
    if not (is_requester(interaction, job) or is_moderator(interaction, job)):
        raise UserFacingError(
            texts.only_requester_or_moderator(texts.ACTION_DELETE, locale=interaction.locale.value)
        )
    await interaction.response.send_message(
        texts.deleted(job.id, locale=interaction.locale.value), ephemeral=True
    )
    pressed = interaction.message
    messages: list[discord.Message | discord.PartialMessage] = [pressed] if pressed else []
    if pressed is not None and pressed.id == job.result_message_id:
        channel = bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        parts = {t.message_id for _, t in attached_takes(job) if t.message_id and t.message_id != pressed.id}
        messages += [channel.get_partial_message(mid) for mid in parts]
    for message in messages:
        with contextlib.suppress(discord.NotFound):
            await message.delete()


async def show(bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
    """Post a delivered job's results again here: the takes copied from the result, fresh buttons.
    A job whose result could not be posted gets its kept takes posted now, in its own channel."""
    if (kept := kept_takes.load(bot.options.work_dir, job.id)) is not None:
        await _post_kept(bot, interaction, job, *kept)
        return
    # A job that failed to post may have had its kept takes posted since: that result is shown.
    if job.result is None or (job.state is not JobState.DELIVERED and job.result_message_id is None):
        url = jump_url(bot, job, job.status_message_id)
        locale = interaction.locale.value
        why = bot.failure_text(job, locale=locale)
        raise UserFacingError(texts.not_delivered(job.id, job.state.value, why, url, locale=locale))
    if missing := missing_permissions(interaction.app_permissions, locale=interaction.locale.value):
        raise UserFacingError(texts.missing_permissions(missing, locale=interaction.locale.value))
    await interaction.response.defer(ephemeral=True, thinking=True)
    attachments = await _result_attachments(bot, job)
    if not attachments and any(t.filename for t in job.result.takes):
        raise UserFacingError(texts.result_deleted(job.id, locale=interaction.locale.value))
    parts = _parts_like_delivery(attachments, interaction.filesize_limit)
    image = f"attachment://{WAVEFORM_NAME}" if any(a.filename == WAVEFORM_NAME for a in parts[0]) else None
    embed = result_embed(
        job,
        job.result,
        bot.provider_label(job.provider),
        image=image,
    )
    assert interaction.channel_id is not None
    channel = bot.get_partial_messageable(interaction.channel_id, guild_id=interaction.guild_id)
    first: discord.Message | None = None
    for number, part in enumerate(parts):
        # Read from the CDN part by part: only one message's files are held in memory at a time.
        files = [await attachment.to_file() for attachment in part]
        view = bot.results.view_for(job, job.result) if bot.results.view_for and number == 0 else None
        try:
            message = await channel.send(
                texts.shown_again(job.id, job.member_id, interaction.user.id, locale=job.public_locale)
                if number == 0
                else None,
                embed=embed if number == 0 else discord.utils.MISSING,
                files=files,
                view=view if view is not None else discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        finally:
            for file in files:
                file.close()
        first = first or message
    assert first is not None
    await interaction.edit_original_response(
        content=texts.shown_posted(first.jump_url, locale=interaction.locale.value)
    )


async def _post_kept(
    bot: RemixBot, interaction: discord.Interaction, job: Job, takes: list[Take], completed: Completed
) -> None:
    """Post takes kept because the result could not be posted (engine/kept.py), and record them."""
    locale = interaction.locale.value  # the replies are private: the member's language
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        message_id, result = await bot.results.post(job, takes, completed, resumed=True)
    except PostRefused as refused:
        raise UserFacingError(
            texts.failure(refused.failure, bot.provider_label(job.provider), locale=locale)
        ) from refused
    except ProviderError as error:
        raise UserFacingError(
            texts.failure(Failure.of(error), bot.provider_label(job.provider), locale=locale)
        ) from error
    job = await bot.jobs.update(job.id, result_message_id=message_id, result=result)
    kept_takes.discard(bot.options.work_dir, job.id)
    url = jump_url(bot, job, message_id)
    await interaction.edit_original_response(
        content=texts.shown_posted(url, locale=locale) if url else texts.kept_posted(job.id, locale=locale)
    )


async def _result_attachments(bot: RemixBot, job: Job) -> list[discord.Attachment]:
    """The takes (and waveform) as they were posted, read from the result messages with fresh URLs."""
    channel = bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
    ids = [job.result_message_id] if job.result_message_id else []
    ids += [t.message_id for _, t in attached_takes(job) if t.message_id and t.message_id not in ids]
    attachments: list[discord.Attachment] = []
    for message_id in ids:
        try:
            message = await channel.fetch_message(message_id)
        except discord.NotFound:
            continue
        attachments += message.attachments
    return attachments


def _parts_like_delivery(
    attachments: list[discord.Attachment], upload_limit: int
) -> list[list[discord.Attachment]]:
    """One list per message, split as delivery splits a result, the waveform with the first part."""
    waveform = next((a for a in attachments if a.filename == WAVEFORM_NAME), None)
    rest = [a for a in attachments if a is not waveform]
    parts = message_parts(rest, lambda a: a.size, upload_limit) or [[]]
    if waveform is not None and len(parts[0]) < MAX_FILES_PER_MESSAGE:
        parts[0].append(waveform)
    return parts


async def list_jobs(bot: RemixBot, interaction: discord.Interaction) -> None:
    jobs = await bot.jobs.recent_for_member(interaction.user.id, interaction.guild_id, limit=10)
    if not jobs:
        await interaction.response.send_message(
            texts.no_jobs(locale=interaction.locale.value), ephemeral=True
        )
        return
    lines = []
    for job in jobs:
        links = []
        if url := jump_url(bot, job, job.status_message_id):
            links.append(texts.status_link(url, locale=interaction.locale.value))
        if url := jump_url(bot, job, job.result_message_id):
            links.append(texts.results_link(url, locale=interaction.locale.value))
        kind = texts.kind_name(job.kind, locale=interaction.locale.value)
        lines.append(
            texts.job_line(job.id, kind, job.state.value, job.prompt, links, locale=interaction.locale.value)
        )
    embed = discord.Embed(
        title=texts.jobs_title(locale=interaction.locale.value),
        description="\n".join(lines),
        colour=discord.Colour.blurple(),
    )
    await interaction.response.send_message(embed=embed, ephemeral=True)


async def job_choices(
    bot: RemixBot, interaction: discord.Interaction, current: str, *, only_cancellable: bool = False
) -> list[tuple[str, int]]:
    """(label, id) of the member's recent jobs matching what they typed (a number or prompt words)."""
    typed = str(current or "").strip().lstrip("#").lower()
    jobs = await bot.jobs.recent_for_member(interaction.user.id, interaction.guild_id, limit=50)
    found = []
    for job in jobs:
        if only_cancellable and not cancellable(job):
            continue
        if typed and not (str(job.id).startswith(typed) or typed in job.prompt.lower()):
            continue
        found.append(
            (
                texts.job_choice(
                    job.id, job.state.value, texts.defuse(job.prompt), locale=interaction.locale.value
                ),
                job.id,
            )
        )
    return found[:25]


def provider_choices(bot: RemixBot, names: list[str], current: str) -> list[tuple[str, str]]:
    """(label, name) of the providers among `names` matching what the member typed."""
    typed = (current or "").strip().lower()
    labels = [(bot.registry.get(n).label, n) for n in names]
    return [(label, n) for label, n in labels if typed in n or typed in label.lower()][:25]
