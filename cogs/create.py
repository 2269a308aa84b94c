"""Commands that make music: parse the options, hand them to core."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from core import texts
from core.start import draft_from, start_job
from core.views import remix_message
from providers.base import JobKind

if TYPE_CHECKING:
    from core.bot import RemixBot

GENDERS = [app_commands.Choice(name=g, value=g) for g in ("male", "female", "neutral")]


class Create(commands.Cog):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot
        # discord.py cannot declare a context menu inside a cog; it is added to the tree by hand.
        self.remix_this = app_commands.ContextMenu(name=texts.REMIX_THIS_AUDIO, callback=self.remix_message)
        self.remix_this.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.remix_this)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.remix_this.name, type=self.remix_this.type)

    async def remix_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await remix_message(self.bot, interaction, message)

    async def provider_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        kind = {"remix": JobKind.REMIX, "sing": JobKind.SING, "generate": JobKind.GENERATE}.get(
            interaction.command.name if interaction.command else "", JobKind.REMIX
        )
        names = self.bot.registry.supporting(kind)
        return [
            app_commands.Choice(name=self.bot.registry.get(n).label, value=n)
            for n in names if current.lower() in n or current.lower() in self.bot.registry.get(n).label.lower()
        ][:25]

    @app_commands.command(name="remix", description="Remix a song: attach audio and describe the new sound.")
    @app_commands.guild_only()
    @app_commands.describe(
        audio="The song to remix (an audio file)",
        prompt="How it should sound, e.g. 'lo-fi with chill beats'",
        lyrics="New lyrics to sing (optional; some providers need them)",
        gender="Voice for the vocals",
        provider="Which AI service makes it",
        variations="How many takes to make, 1 to 3 (providers that offer a choice)",
    )
    @app_commands.choices(gender=GENDERS)
    async def remix(
        self,
        interaction: discord.Interaction,
        audio: discord.Attachment,
        prompt: str,
        lyrics: str | None = None,
        gender: app_commands.Choice[str] | None = None,
        provider: str | None = None,
        variations: app_commands.Range[int, 1, 3] | None = None,
    ) -> None:
        draft = draft_from(
            interaction, kind=JobKind.REMIX, provider=provider, prompt=prompt, lyrics=lyrics,
            gender=gender.value if gender else None, input_url=audio.url, input_filename=audio.filename,
            input_size=audio.size, options={"variations": variations} if variations is not None else {},
        )
        await start_job(self.bot, interaction, draft)

    remix.autocomplete("provider")(provider_autocomplete)


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Create(bot))
