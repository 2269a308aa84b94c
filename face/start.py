"""From an interaction to a job: acknowledge within 3 s, check privately, then go public."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

import discord

from domain.jobs import Job, JobState, Refusal
from domain.kinds import JobKind
from engine.intake import Draft
from face import texts
from face.results import missing_permissions
from face.tree import UserFacingError

if TYPE_CHECKING:
    from face.bot import RemixBot

log = logging.getLogger(__name__)


def member_locale(interaction: discord.Interaction) -> str:
    """The member's client language: private replies to this interaction speak it."""
    return interaction.locale.value


async def public_locale(bot: RemixBot, interaction: discord.Interaction) -> str:
    """The server's public language: /config language when set, else its Discord language, else English."""
    guild_locale = interaction.guild_locale.value if interaction.guild_locale else None
    if interaction.guild_id is None:
        return texts.public_locale(None, guild_locale)
    settings = await bot.guilds_repo.get(interaction.guild_id)
    return texts.public_locale(settings.language, guild_locale)


class DraftFields(TypedDict, total=False):
    """What a command or button says about the request; draft_from adds who, where and the limits."""

    kind: Required[JobKind]
    provider: str | None
    prompt: str
    lyrics: str | None
    gender: str | None
    options: dict[str, Any]
    input_url: str | None
    input_filename: str | None
    input_size: int | None
    input_path: Path | None
    reply_to_message_id: int | None
    source_message_id: int | None


def draft_from(interaction: discord.Interaction, **fields: Unpack[DraftFields]) -> Draft:
    if interaction.channel_id is None:
        raise UserFacingError(texts.guild_only(locale=member_locale(interaction)))
    return Draft(
        channel_id=interaction.channel_id,
        member_id=interaction.user.id,
        guild_id=interaction.guild_id,
        upload_limit=interaction.filesize_limit,
        # For the server's role rules (engine/admin.py).
        member_roles=tuple(role.id for role in getattr(interaction.user, "roles", ())),
        member_locale=member_locale(interaction),
        **fields,
    )


async def start_job(bot: RemixBot, interaction: discord.Interaction, draft: Draft) -> Job | None:
    """Acknowledge, run the checks and start the job, telling the member privately how it went.

    The acknowledgement goes first, before any database or disk work: Discord allows 3 s, and a
    busy bot's queries can take longer than that. When it cannot be given (the interaction expired)
    nothing is started, so no job is left waiting for a member who was told nothing.
    """
    locale = member_locale(interaction)
    missing = missing_permissions(interaction.app_permissions, locale=locale)
    if missing:
        raise UserFacingError(texts.missing_permissions(missing, locale=locale))
    try:
        await interaction.response.send_message(
            texts.checking(bool(draft.input_url or draft.input_path), locale=locale), ephemeral=True
        )
    except discord.HTTPException as exc:
        log.info(
            "interaction %s by %s not acknowledged in time (%s); no job started",
            interaction.id,
            interaction.user.id,
            exc.code,
        )
        return None
    # The job remembers both languages, so a restart keeps speaking them.
    draft.member_locale = locale
    draft.public_locale = await public_locale(bot, interaction)
    # Kept with the row, to tell the member privately if the takes cannot be posted later.
    draft.interaction_token = interaction.token
    job = await bot.intake.admit(draft)
    if isinstance(job, Refusal):
        await _answer(interaction, texts.refusal(job, locale=locale))
        return None
    job = await bot.intake.check_input(job, local_path=draft.input_path)
    if job.state is JobState.REJECTED:
        reply = texts.rejected(bot.failure_text(job, locale=locale), locale=locale)
    elif job.state is JobState.CANCELLED:
        reply = texts.cancel_done(job.id, locale=locale)
    else:
        reply = texts.accepted(bot.runner.position_hint(job), locale=locale)
    await _answer(interaction, reply, job)
    return job


async def _answer(interaction: discord.Interaction, content: str, job: Job | None = None) -> None:
    """Replace the private acknowledgement with how it went."""
    try:
        await interaction.edit_original_response(
            content=content, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException:
        log.info("job %s: could not update the private acknowledgement", job.id if job else "-")
