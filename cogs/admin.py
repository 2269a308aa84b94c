"""Server settings and usage, for the server's admins."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from domain.jobs import utcnow
from face import actions, texts
from face.results import missing_permissions
from face.tree import UserFacingError

if TYPE_CHECKING:
    from face.bot import RemixBot


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description=texts.DESCRIBE_CONFIG):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot
        super().__init__()

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @app_commands.command(name="show", description=texts.DESCRIBE_CONFIG_SHOW)
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id
        server = await self.bot.guilds_repo.get(interaction.guild_id)
        await self._reply(
            interaction,
            texts.config_summary(
                server.default_provider,
                self.bot.registry.default,
                server.channel_id,
                server.max_jobs_per_member or self.bot.options.max_jobs_per_member,
                [self.bot.registry.get(n).label + f" (`{n}`)" for n in self.bot.registry.names()],
            ),
        )

    @app_commands.command(name="provider", description=texts.DESCRIBE_CONFIG_PROVIDER)
    @app_commands.describe(**texts.OPTIONS_CONFIG_PROVIDER)
    async def provider(self, interaction: discord.Interaction, name: str | None = None) -> None:
        assert interaction.guild_id
        if name is not None and name not in self.bot.registry:
            raise UserFacingError(texts.unknown_provider(name, self.bot.registry.names()))
        await self.bot.guilds_repo.update(interaction.guild_id, interaction.user.id, default_provider=name)
        await self._reply(interaction, texts.config_saved())

    @provider.autocomplete("name")
    async def provider_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=label, value=name)
            for label, name in actions.provider_choices(self.bot, self.bot.registry.names(), current)
        ]

    @app_commands.command(name="channel", description=texts.DESCRIBE_CONFIG_CHANNEL)
    async def channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild_id
        if channel is not None and channel.guild.me:
            if missing := missing_permissions(channel.permissions_for(channel.guild.me)):
                raise UserFacingError(texts.missing_permissions(missing))
        await self.bot.guilds_repo.update(
            interaction.guild_id, interaction.user.id, channel_id=channel.id if channel else None
        )
        await self._reply(interaction, texts.config_saved())

    @app_commands.command(name="member-limit", description=texts.DESCRIBE_CONFIG_MEMBER_LIMIT)
    async def member_limit(
        self, interaction: discord.Interaction, limit: app_commands.Range[int, 1, 20] | None = None
    ) -> None:
        assert interaction.guild_id
        await self.bot.guilds_repo.update(
            interaction.guild_id, interaction.user.id, max_jobs_per_member=limit
        )
        await self._reply(interaction, texts.config_saved())

    # == remix sessions (/config session-role, session-forum, session-voters) ==========================
    async def _session_saved(self, interaction: discord.Interaction, **fields: object) -> None:
        assert interaction.guild_id
        server = await self.bot.guilds_repo.update(interaction.guild_id, interaction.user.id, **fields)
        await self._reply(
            interaction,
            texts.session_config_summary(
                server.session_role_id,
                server.session_forum_id,
                server.session_voters_joined_before is not False,
            ),
        )

    @app_commands.command(name="session-role", description=texts.DESCRIBE_CONFIG_SESSION_ROLE)
    async def session_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        await self._session_saved(interaction, session_role_id=role.id if role else None)

    @app_commands.command(name="session-forum", description=texts.DESCRIBE_CONFIG_SESSION_FORUM)
    async def session_forum(
        self, interaction: discord.Interaction, forum: discord.ForumChannel | None = None
    ) -> None:
        await self._session_saved(interaction, session_forum_id=forum.id if forum else None)

    @app_commands.command(name="session-voters", description=texts.DESCRIBE_CONFIG_SESSION_VOTERS)
    @app_commands.describe(**texts.OPTIONS_CONFIG_SESSION_VOTERS)
    async def session_voters(self, interaction: discord.Interaction, joined_before: bool) -> None:
        await self._session_saved(interaction, session_voters_joined_before=joined_before)

    # == end of remix sessions ==========================================================================


class Usage(commands.Cog):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot

    @app_commands.command(name="usage", description=texts.DESCRIBE_USAGE)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def usage(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        assert interaction.guild_id
        since = utcnow() - timedelta(days=days)
        rows = await self.bot.guilds_repo.usage(interaction.guild_id, since)
        top = await self.bot.guilds_repo.top_members(interaction.guild_id, since)
        labels = {n: self.bot.registry.get(n).label for n in self.bot.registry.names()}
        await interaction.response.send_message(
            texts.usage_summary(
                days, [(labels.get(r.provider, r.provider), r.state, r.jobs) for r in rows], top
            ),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Config(bot))
    await bot.add_cog(Usage(bot))
