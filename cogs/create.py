"""Commands that make music: parse the options, hand them to core."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from domain.kinds import JobKind
from engine.intake import MAX_LENGTH, MIN_LENGTH
from face import texts
from face.actions import provider_choices
from face.start import draft_from, start_job
from face.views import remix_message

if TYPE_CHECKING:
    from face.bot import RemixBot

GENDERS = [app_commands.Choice(name=name, value=value) for value, name in texts.GENDER_NAMES.items()]
KINDS = {"remix": JobKind.REMIX, "sing": JobKind.SING, "generate": JobKind.GENERATE}
# Discord caps autocomplete at 25 choices of up to 100 characters each.
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


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

    def _kind(self, interaction: discord.Interaction) -> JobKind:
        return KINDS.get(interaction.command.name if interaction.command else "", JobKind.REMIX)

    async def provider_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = self.bot.registry.supporting(self._kind(interaction))
        return [
            app_commands.Choice(name=label, value=name)
            for label, name in provider_choices(self.bot, names, current)
        ]

    async def voice_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Voices of the provider picked in the same command (else the default one), by name."""
        registry = self.bot.registry
        name = str(getattr(interaction.namespace, "provider", None) or "").strip().lower()
        name = name or registry.default_for(JobKind.GENERATE)
        if name not in registry:
            return []
        voices = await registry.get(name).list_voices(current, limit=MAX_CHOICES)
        return [
            app_commands.Choice(name=texts.clip(v.name, MAX_CHOICE_CHARS), value=v.voice_id)
            for v in voices
            if len(v.voice_id) <= MAX_CHOICE_CHARS
        ]

    @app_commands.command(name="remix", description=texts.DESCRIBE_REMIX)
    @app_commands.guild_only()
    @app_commands.describe(**texts.OPTIONS_REMIX)
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
        strength: app_commands.Range[float, 0.0, 1.0] | None = None,
    ) -> None:
        options: dict[str, Any] = {"variations": variations, "strength": strength}
        draft = draft_from(
            interaction,
            kind=JobKind.REMIX,
            provider=provider,
            prompt=prompt,
            lyrics=lyrics,
            gender=gender.value if gender else None,
            input_url=audio.url,
            input_filename=audio.filename,
            input_size=audio.size,
            options={key: value for key, value in options.items() if value is not None},
        )
        await start_job(self.bot, interaction, draft)

    @app_commands.command(name="sing", description=texts.DESCRIBE_SING)
    @app_commands.guild_only()
    @app_commands.describe(**texts.OPTIONS_SING)
    @app_commands.choices(gender=GENDERS)
    async def sing(
        self,
        interaction: discord.Interaction,
        audio: discord.Attachment,
        prompt: str,
        lyrics: str,
        gender: app_commands.Choice[str] | None = None,
        provider: str | None = None,
    ) -> None:
        draft = draft_from(
            interaction,
            kind=JobKind.SING,
            provider=provider,
            prompt=prompt,
            lyrics=lyrics,
            gender=gender.value if gender else None,
            input_url=audio.url,
            input_filename=audio.filename,
            input_size=audio.size,
        )
        await start_job(self.bot, interaction, draft)

    @app_commands.command(name="generate", description=texts.DESCRIBE_GENERATE)
    @app_commands.guild_only()
    @app_commands.describe(**texts.options_generate(MIN_LENGTH, MAX_LENGTH))
    @app_commands.choices(gender=GENDERS)
    async def generate(
        self,
        interaction: discord.Interaction,
        prompt: str | None = None,
        style: app_commands.Range[str, 1, 100] | None = None,
        lyrics: str | None = None,
        instrumental: bool = False,
        vocal_only: bool = False,
        gender: app_commands.Choice[str] | None = None,
        voice: app_commands.Range[str, 1, MAX_CHOICE_CHARS] | None = None,
        length: app_commands.Range[int, MIN_LENGTH, MAX_LENGTH] | None = None,
        provider: str | None = None,
    ) -> None:
        options: dict[str, Any] = {
            "style": style,
            "instrumental": instrumental,
            "vocal_only": vocal_only,
            "voice_id": voice,
            "length": length,
        }
        draft = draft_from(
            interaction,
            kind=JobKind.GENERATE,
            provider=provider,
            prompt=prompt or "",
            lyrics=lyrics,
            gender=gender.value if gender else None,
            options={key: value for key, value in options.items() if value not in (None, False, "")},
        )
        await start_job(self.bot, interaction, draft)

    remix.autocomplete("provider")(provider_autocomplete)
    sing.autocomplete("provider")(provider_autocomplete)
    generate.autocomplete("provider")(provider_autocomplete)
    generate.autocomplete("voice")(voice_autocomplete)


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Create(bot))
