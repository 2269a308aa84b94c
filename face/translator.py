"""Command descriptions and choices in every shipped language, for Discord's command picker.

discord.py asks this translator for each registered text in each Discord locale while it builds the
synced payload (description_localizations, name_localizations of choices). Command and option names
stay in English everywhere: members type /remix whatever their client language.
"""

from __future__ import annotations

import discord
from discord import app_commands

from face import texts

# Names are what members type and what the docs and other members say: they stay as registered.
KEPT_AS_REGISTERED = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CatalogueTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        # A context menu's name is the label members read in the Apps menu, not something they type.
        menu = isinstance(context.data, app_commands.ContextMenu)
        if context.location in KEPT_AS_REGISTERED and not menu:
            return None
        return texts.command_text(string.message, locale.value)
