"""/jobs /show /cancel: parse the options, hand them to core.actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from face import actions, texts

if TYPE_CHECKING:
    from face.bot import RemixBot


class Jobs(commands.Cog):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot

    async def _choices(
        self, interaction: discord.Interaction, current: str, only_cancellable: bool = False
    ) -> list[app_commands.Choice[str]]:
        found = await actions.job_choices(self.bot, interaction, current, only_cancellable=only_cancellable)
        return [app_commands.Choice(name=label, value=str(job_id)) for label, job_id in found]

    async def any_job(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current)

    async def running_job(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current, only_cancellable=True)

    @app_commands.command(name="jobs", description=texts.DESCRIBE_JOBS)
    @app_commands.guild_only()
    async def jobs(self, interaction: discord.Interaction) -> None:
        await actions.list_jobs(self.bot, interaction)

    @app_commands.command(name="show", description=texts.DESCRIBE_SHOW)
    @app_commands.guild_only()
    @app_commands.describe(**texts.OPTIONS_JOB)
    @app_commands.autocomplete(job=any_job)
    async def show(self, interaction: discord.Interaction, job: str) -> None:
        found = await actions.find_job(
            self.bot, interaction, actions.parse_job_id(job, locale=interaction.locale.value)
        )
        await actions.show(self.bot, interaction, found)

    @app_commands.command(name="cancel", description=texts.DESCRIBE_CANCEL)
    @app_commands.guild_only()
    @app_commands.describe(**texts.OPTIONS_JOB)
    @app_commands.autocomplete(job=running_job)
    async def cancel(self, interaction: discord.Interaction, job: str) -> None:
        found = await actions.find_job(
            self.bot, interaction, actions.parse_job_id(job, locale=interaction.locale.value)
        )
        await actions.cancel(self.bot, interaction, found)


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Jobs(bot))
