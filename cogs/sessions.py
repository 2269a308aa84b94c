"""/session: community remix sessions. Parse the options, hand them to face/sessions.py.

Every answer here is private: it speaks the member's language (Interaction.locale)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from domain.kinds import JobKind
from domain.sessions import ENTRIES_PER_MEMBER_DEFAULT, ENTRIES_PER_MEMBER_MAX, SessionPhase
from face import texts
from face.actions import provider_choices
from face.session_card import echo
from face.session_views import steer
from face.sessions import message_url, session_here, start_session, submit_upload, thread_url
from face.tree import UserFacingError

if TYPE_CHECKING:
    from face.bot import RemixBot


@app_commands.guild_only()
class Sessions(commands.GroupCog, group_name="session", group_description=texts.DESCRIBE_SESSION):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot
        super().__init__()

    async def session_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.bot.session_engine.autocomplete(interaction.guild_id, current.lstrip("#"))
        locale = interaction.locale.value
        return [
            app_commands.Choice(
                name=texts.session_choice(s.id, texts.clip(s.title, 80), s.phase.value, locale=locale),
                value=str(s.id),
            )
            for s in found
        ]

    async def provider_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = self.bot.registry.supporting(JobKind.REMIX)
        return [
            app_commands.Choice(name=label, value=name)
            for label, name in provider_choices(self.bot, names, current)
        ]

    @app_commands.command(name="start", description=texts.DESCRIBE_SESSION_START)
    @app_commands.describe(**texts.OPTIONS_SESSION_START)
    async def start(
        self,
        interaction: discord.Interaction,
        audio: discord.Attachment,
        title: app_commands.Range[str, 1, 100],
        submissions: str | None = None,
        voting: str | None = None,
        entries_per_member: app_commands.Range[int, 1, ENTRIES_PER_MEMBER_MAX] = ENTRIES_PER_MEMBER_DEFAULT,
        provider: str | None = None,
        forum: discord.ForumChannel | None = None,
    ) -> None:
        await start_session(
            self.bot,
            interaction,
            audio=audio,
            title=title,
            submissions=submissions,
            voting=voting,
            entries_per_member=entries_per_member,
            provider=provider,
            forum=forum,
        )

    @app_commands.command(name="submit", description=texts.DESCRIBE_SESSION_SUBMIT)
    @app_commands.describe(**texts.OPTIONS_SESSION_SUBMIT)
    async def submit(
        self, interaction: discord.Interaction, audio: discord.Attachment, session: str | None = None
    ) -> None:
        await submit_upload(self.bot, interaction, audio, session)

    @app_commands.command(name="next", description=texts.DESCRIBE_SESSION_NEXT)
    @app_commands.describe(**texts.OPTIONS_SESSION_ONE)
    async def next_phase(self, interaction: discord.Interaction, session: str | None = None) -> None:
        await steer(self.bot, interaction, await session_here(self.bot, interaction, session), None)

    @app_commands.command(name="cancel", description=texts.DESCRIBE_SESSION_CANCEL)
    @app_commands.describe(**texts.OPTIONS_SESSION_ONE)
    async def cancel(self, interaction: discord.Interaction, session: str | None = None) -> None:
        found = await session_here(self.bot, interaction, session)
        await steer(self.bot, interaction, found, SessionPhase.CANCELLED)

    @app_commands.command(name="list", description=texts.DESCRIBE_SESSION_LIST)
    async def list_sessions(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        found = await self.bot.session_engine.list_for_guild(interaction.guild_id)
        locale = interaction.locale.value
        lines = [
            texts.session_list_line(s.id, echo(s.title, 80), s.phase.value, thread_url(s), locale=locale)
            for s in found
        ]
        await interaction.response.send_message(
            texts.clip(texts.session_list(lines, locale=locale), 2000),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(name="results", description=texts.DESCRIBE_SESSION_RESULTS)
    @app_commands.describe(**texts.OPTIONS_SESSION_ONE)
    async def results(self, interaction: discord.Interaction, session: str | None = None) -> None:
        found = await session_here(self.bot, interaction, session)
        results = await self.bot.session_engine.results(found.id)
        if results is None or interaction.channel_id is None:
            raise UserFacingError(texts.session_results_not_ready(locale=interaction.locale.value))
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = await self.bot.session_face.send_results(interaction.channel_id, results, nonce=None)
        url = message_url(found, message.channel.id, message.id) or message.jump_url
        await interaction.followup.send(
            texts.session_results_reposted(url, locale=interaction.locale.value), ephemeral=True
        )

    start.autocomplete("provider")(provider_autocomplete)
    submit.autocomplete("session")(session_autocomplete)
    next_phase.autocomplete("session")(session_autocomplete)
    cancel.autocomplete("session")(session_autocomplete)
    results.autocomplete("session")(session_autocomplete)


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Sessions(bot))
