"""One error policy for every app command, and a reply that survives an expired interaction."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from face import texts

log = logging.getLogger(__name__)


class UserFacingError(app_commands.AppCommandError):
    """A refusal whose message is meant for the member as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def safe_reply(interaction: discord.Interaction, content: str, *, ephemeral: bool = True) -> None:
    """Answer privately if the interaction still allows it, else say it in the channel once."""
    none = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=ephemeral, allowed_mentions=none)
        else:
            await interaction.response.send_message(content, ephemeral=ephemeral, allowed_mentions=none)
        return
    except discord.HTTPException as exc:
        # 10062 unknown interaction, 50027 invalid webhook token: the 3 s or 15 min window closed.
        log.info("interaction %s expired (%s); replying in the channel", interaction.id, exc.code)
    channel = interaction.channel
    if isinstance(channel, discord.abc.Messageable):
        try:
            await channel.send(
                texts.to_member(interaction.user.id, content),
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[interaction.user]
                ),
            )
        except discord.HTTPException:
            log.warning(
                "could not reply to %s in channel %s either", interaction.user.id, interaction.channel_id
            )


def describe(error: Exception, locale: str | None = None) -> str | None:
    """The member-facing text for an expected error (in the member's `locale`), or None for a bug."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return texts.guild_only(locale=locale)
    if isinstance(error, app_commands.CommandOnCooldown):
        return texts.slow_down(error.retry_after, locale=locale)
    if isinstance(error, app_commands.BotMissingPermissions):
        names = [texts.permission_name(p, locale=locale) for p in error.missing_permissions]
        return texts.missing_permissions(names, locale=locale)
    if isinstance(error, app_commands.MissingPermissions):
        return texts.no_permission(locale=locale)
    if isinstance(error, app_commands.CheckFailure):
        return texts.cannot_use_here(locale=locale)
    if isinstance(error, app_commands.TransformerError):
        return texts.not_understood(str(error.value), locale=locale)
    return None


async def report(interaction: discord.Interaction, error: Exception, where: str) -> None:
    """The one error policy: a refusal is told as it is; a bug is logged with a reference the member sees."""
    locale = interaction.locale.value  # a refusal is private: the member's language
    message = describe(error, locale)
    if message is None:
        reference = secrets.token_hex(4)
        log.error("%s failed (ref %s)", where, reference, exc_info=getattr(error, "original", error))
        message = texts.generic_error(reference, locale=locale)
    await safe_reply(interaction, message)


class RemixTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        await report(interaction, error, f"command {command}")
