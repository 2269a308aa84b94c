"""Server settings and usage, for the server's admins (Manage Server by default, guild-only)."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from domain.admin import FlaggedMode, RoleMode
from domain.jobs import utcnow
from engine.moderation import MAX_PATTERN_CHARS, MAX_PATTERNS, normalise_pattern
from engine.usage import usage_csv, usage_report
from face import actions, texts
from face.results import missing_permissions
from face.tree import UserFacingError
from face.usage import usage_chart, usage_embed

if TYPE_CHECKING:
    from face.bot import RemixBot

HEALTH_WAIT = 2.0

FLAGGED_MODES = [
    app_commands.Choice(name=texts.FLAGGED_MODE_NAMES[m.value], value=m.value) for m in FlaggedMode
]
# /config language: the shipped catalogues, and `server` to follow the server's Discord language.
LANGUAGES = [app_commands.Choice(name=name, value=code) for code, name in texts.LANGUAGE_CHOICES.items()]


def provider_choices(bot: RemixBot, current: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=label, value=name)
        for label, name in actions.provider_choices(bot, bot.registry.names(), current)
    ]


def _locale(interaction: discord.Interaction) -> str:
    """/config and /usage answer privately: in the admin's own Discord language."""
    return interaction.locale.value


async def _reply(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(
        text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description=texts.DESCRIBE_CONFIG):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description=texts.DESCRIBE_CONFIG_SHOW)
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id
        guild_id = interaction.guild_id
        server = await self.bot.guilds_repo.get(guild_id)
        rules = await self.bot.rules_repo.get(guild_id)
        roles = await self.bot.rules_repo.roles(guild_id)
        defaults = self.bot.options.rule_defaults
        now = utcnow()
        locale = _locale(interaction)
        names = self.bot.registry.names()
        # Discord wants an answer within 3 s: a slow health check counts as not reachable.
        reachable = await asyncio.gather(*(self._reachable(n) for n in names))
        budgets = [
            (b.provider, b.daily, b.monthly, b.used_today(now), b.used_this_month(now))
            for b in await self.bot.budgets_repo.all(guild_id)
        ]
        summary = texts.config_summary(
            server.default_provider,
            self.bot.registry.default,
            server.channel_id,
            server.max_jobs_per_member or self.bot.options.max_jobs_per_member,
            [
                self.bot.registry.get(n).label + f" (`{n}`)" + texts.reachability(ok, locale=locale)
                for n, ok in zip(names, reachable, strict=True)
            ],
            server.language,
            interaction.guild_locale.value if interaction.guild_locale else None,
            locale=locale,
        )
        admin = texts.admin_summary(
            budgets,
            texts.roles_summary(roles[RoleMode.ALLOW], roles[RoleMode.BYPASS], locale=locale),
            rules.cooldown_seconds if rules.cooldown_seconds is not None else defaults.cooldown_seconds,
            rules.jobs_per_day if rules.jobs_per_day is not None else defaults.jobs_per_day,
            (rules.flagged_mode or defaults.flagged_mode).value,
            rules.log_channel_id,
            len(await self.bot.rules_repo.blocklist(guild_id)),
            locale=locale,
        )
        await _reply(interaction, texts.clip(f"{summary}\n{admin}", 2000))

    async def _reachable(self, name: str) -> bool | None:
        try:
            return await asyncio.wait_for(self.bot.registry.get(name).health(), HEALTH_WAIT)
        except TimeoutError:
            return False

    @app_commands.command(name="provider", description=texts.DESCRIBE_CONFIG_PROVIDER)
    @app_commands.describe(**texts.OPTIONS_CONFIG_PROVIDER)
    async def provider(self, interaction: discord.Interaction, name: str | None = None) -> None:
        assert interaction.guild_id
        if name is not None and name not in self.bot.registry:
            raise UserFacingError(
                texts.unknown_provider(name, self.bot.registry.names(), locale=_locale(interaction))
            )
        await self.bot.guilds_repo.update(interaction.guild_id, interaction.user.id, default_provider=name)
        await _reply(interaction, texts.config_saved(locale=interaction.locale.value))

    @app_commands.command(name="language", description=texts.DESCRIBE_CONFIG_LANGUAGE)
    @app_commands.describe(**texts.OPTIONS_CONFIG_LANGUAGE)
    @app_commands.choices(locale=LANGUAGES)
    async def language(self, interaction: discord.Interaction, locale: str) -> None:
        """The language of public messages (status, results, session cards); `server` clears it."""
        assert interaction.guild_id
        chosen = None if locale == texts.SERVER_LANGUAGE else locale
        await self.bot.guilds_repo.update(interaction.guild_id, interaction.user.id, language=chosen)
        server_language = interaction.guild_locale.value if interaction.guild_locale else texts.SOURCE
        await _reply(
            interaction, texts.language_saved(chosen, server_language, locale=interaction.locale.value)
        )

    async def _providers(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return provider_choices(self.bot, current)

    @app_commands.command(name="channel", description=texts.DESCRIBE_CONFIG_CHANNEL)
    async def channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild_id
        self._check_channel(channel, _locale(interaction))
        await self.bot.guilds_repo.update(
            interaction.guild_id, interaction.user.id, channel_id=channel.id if channel else None
        )
        await _reply(interaction, texts.config_saved(locale=interaction.locale.value))

    @staticmethod
    def _check_channel(channel: discord.TextChannel | None, locale: str) -> None:
        me = channel.guild.me if channel is not None else None
        if channel is None or me is None:
            return
        if missing := missing_permissions(channel.permissions_for(me), locale=locale):
            raise UserFacingError(texts.missing_permissions(missing, locale=locale))

    @app_commands.command(name="member-limit", description=texts.DESCRIBE_CONFIG_MEMBER_LIMITS)
    @app_commands.rename(at_once="at-once", per_day="per-day")
    @app_commands.describe(**texts.OPTIONS_CONFIG_MEMBER_LIMITS)
    async def member_limit(
        self,
        interaction: discord.Interaction,
        at_once: app_commands.Range[int, 1, 20] | None = None,
        per_day: app_commands.Range[int, 0, 1000] | None = None,
    ) -> None:
        assert interaction.guild_id
        await self.bot.guilds_repo.update(
            interaction.guild_id, interaction.user.id, max_jobs_per_member=at_once
        )
        if per_day is not None:
            await self.bot.rules_repo.update(interaction.guild_id, interaction.user.id, jobs_per_day=per_day)
        await _reply(interaction, texts.config_saved(locale=interaction.locale.value))

    @app_commands.command(name="budget", description=texts.DESCRIBE_CONFIG_BUDGET)
    @app_commands.describe(**texts.OPTIONS_CONFIG_BUDGET)
    async def budget(
        self,
        interaction: discord.Interaction,
        provider: str,
        daily: app_commands.Range[float, 0.0, 1e9] | None = None,
        monthly: app_commands.Range[float, 0.0, 1e9] | None = None,
    ) -> None:
        assert interaction.guild_id
        if provider not in self.bot.registry:
            raise UserFacingError(
                texts.unknown_provider(provider, self.bot.registry.names(), locale=_locale(interaction))
            )
        await self.bot.budgets_repo.set_limits(interaction.guild_id, provider, daily, monthly)
        await _reply(interaction, texts.budget_saved(provider, daily, monthly, locale=_locale(interaction)))

    @app_commands.command(name="roles", description=texts.DESCRIBE_CONFIG_ROLES)
    @app_commands.describe(**texts.OPTIONS_CONFIG_ROLES)
    async def roles(
        self,
        interaction: discord.Interaction,
        allow: discord.Role | None = None,
        bypass: discord.Role | None = None,
        remove: bool = False,
    ) -> None:
        assert interaction.guild_id
        repo = self.bot.rules_repo
        for role, mode in ((allow, RoleMode.ALLOW), (bypass, RoleMode.BYPASS)):
            if role is None:
                continue
            if remove:
                await repo.remove_role(interaction.guild_id, role.id, mode)
            else:
                await repo.add_role(interaction.guild_id, role.id, mode)
        roles = await repo.roles(interaction.guild_id)
        saved = texts.roles_saved(roles[RoleMode.ALLOW], roles[RoleMode.BYPASS], locale=_locale(interaction))
        await _reply(interaction, saved)

    @app_commands.command(name="cooldown", description=texts.DESCRIBE_CONFIG_COOLDOWN)
    @app_commands.describe(**texts.OPTIONS_CONFIG_COOLDOWN)
    async def cooldown(
        self, interaction: discord.Interaction, seconds: app_commands.Range[int, 0, 86400]
    ) -> None:
        assert interaction.guild_id
        await self.bot.rules_repo.update(interaction.guild_id, interaction.user.id, cooldown_seconds=seconds)
        await _reply(interaction, texts.config_saved(locale=interaction.locale.value))

    @app_commands.command(name="flagged", description=texts.DESCRIBE_CONFIG_FLAGGED)
    @app_commands.describe(**texts.OPTIONS_CONFIG_FLAGGED)
    @app_commands.choices(mode=FLAGGED_MODES)
    async def flagged(self, interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        assert interaction.guild_id
        await self.bot.rules_repo.update(
            interaction.guild_id, interaction.user.id, flagged_mode=FlaggedMode(mode.value)
        )
        await _reply(interaction, texts.config_saved(locale=interaction.locale.value))

    @app_commands.command(name="log-channel", description=texts.DESCRIBE_CONFIG_LOG_CHANNEL)
    @app_commands.describe(**texts.OPTIONS_CONFIG_LOG_CHANNEL)
    async def log_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild_id
        self._check_channel(channel, _locale(interaction))
        channel_id = channel.id if channel else None
        await self.bot.rules_repo.update(interaction.guild_id, interaction.user.id, log_channel_id=channel_id)
        await _reply(interaction, texts.log_channel_saved(channel_id, locale=_locale(interaction)))

    blocklist = app_commands.Group(name="blocklist", description=texts.DESCRIBE_CONFIG_BLOCKLIST)

    @blocklist.command(name="add", description=texts.DESCRIBE_BLOCKLIST_ADD)
    @app_commands.describe(**texts.OPTIONS_BLOCKLIST_WORD)
    async def blocklist_add(
        self, interaction: discord.Interaction, word: app_commands.Range[str, 1, 200]
    ) -> None:
        assert interaction.guild_id
        pattern = normalise_pattern(word)
        if pattern is None:
            raise UserFacingError(texts.blocklist_invalid(MAX_PATTERN_CHARS, locale=_locale(interaction)))
        if len(await self.bot.rules_repo.blocklist(interaction.guild_id)) >= MAX_PATTERNS:
            raise UserFacingError(texts.blocklist_full(MAX_PATTERNS, locale=_locale(interaction)))
        added = await self.bot.rules_repo.block(interaction.guild_id, pattern)
        await _reply(interaction, texts.blocklist_added(added, locale=_locale(interaction)))

    @blocklist.command(name="remove", description=texts.DESCRIBE_BLOCKLIST_REMOVE)
    @app_commands.describe(**texts.OPTIONS_BLOCKLIST_WORD)
    async def blocklist_remove(
        self, interaction: discord.Interaction, word: app_commands.Range[str, 1, 200]
    ) -> None:
        assert interaction.guild_id
        pattern = normalise_pattern(word)
        removed = pattern is not None and await self.bot.rules_repo.unblock(interaction.guild_id, pattern)
        await _reply(interaction, texts.blocklist_removed(removed, locale=_locale(interaction)))

    @blocklist.command(name="show", description=texts.DESCRIBE_BLOCKLIST_SHOW)
    async def blocklist_show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id
        patterns = await self.bot.rules_repo.blocklist(interaction.guild_id)
        await _reply(interaction, texts.blocklist_shown(patterns, locale=_locale(interaction)))

    # == remix sessions (/config session-role, session-forum, session-voters) ==========================
    async def _session_saved(self, interaction: discord.Interaction, **fields: object) -> None:
        assert interaction.guild_id
        server = await self.bot.guilds_repo.update(interaction.guild_id, interaction.user.id, **fields)
        await _reply(
            interaction,
            texts.session_config_summary(
                server.session_role_id,
                server.session_forum_id,
                server.session_voters_joined_before is not False,
                locale=interaction.locale.value,
            ),
        )

    @app_commands.command(name="session-role", description=texts.DESCRIBE_CONFIG_SESSION_ROLE)
    @app_commands.describe(**texts.OPTIONS_CONFIG_SESSION_ROLE)
    async def session_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        await self._session_saved(interaction, session_role_id=role.id if role else None)

    @app_commands.command(name="session-forum", description=texts.DESCRIBE_CONFIG_SESSION_FORUM)
    @app_commands.describe(**texts.OPTIONS_CONFIG_SESSION_FORUM)
    async def session_forum(
        self, interaction: discord.Interaction, forum: discord.ForumChannel | None = None
    ) -> None:
        await self._session_saved(interaction, session_forum_id=forum.id if forum else None)

    @app_commands.command(name="session-voters", description=texts.DESCRIBE_CONFIG_SESSION_VOTERS)
    @app_commands.describe(**texts.OPTIONS_CONFIG_SESSION_VOTERS)
    async def session_voters(self, interaction: discord.Interaction, joined_before: bool) -> None:
        await self._session_saved(interaction, session_voters_joined_before=joined_before)

    # == end of remix sessions ==========================================================================

    provider.autocomplete("name")(_providers)
    budget.autocomplete("provider")(_providers)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Usage(commands.GroupCog, group_name="usage", group_description=texts.DESCRIBE_USAGE):
    def __init__(self, bot: RemixBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description=texts.DESCRIBE_USAGE_SHOW)
    @app_commands.describe(**texts.OPTIONS_USAGE)
    async def show(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, 365] = 30,
        provider: str | None = None,
    ) -> None:
        assert interaction.guild_id
        locale = _locale(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await usage_report(self.bot.budgets_repo, interaction.guild_id, days, provider)
        if not report.providers:
            await interaction.followup.send(texts.usage_nothing(days, locale=locale), ephemeral=True)
            return
        labels = {n: self.bot.registry.get(n).label for n in self.bot.registry.names()}
        png = await usage_chart(report, locale=locale)
        await interaction.followup.send(
            embed=usage_embed(report, labels, provider, locale=locale),
            file=discord.File(io.BytesIO(png), filename=texts.USAGE_CHART_NAME),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(name="export", description=texts.DESCRIBE_USAGE_EXPORT)
    @app_commands.describe(days=texts.OPTIONS_USAGE["days"])
    async def export(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        assert interaction.guild_id
        rows = await self.bot.budgets_repo.job_costs(interaction.guild_id, utcnow() - timedelta(days=days))
        data = usage_csv(texts.USAGE_CSV_HEADER, rows)
        await interaction.response.send_message(
            texts.usage_export_ready(days, len(rows), locale=_locale(interaction)),
            file=discord.File(io.BytesIO(data), filename=texts.usage_csv_name(days)),
            ephemeral=True,
        )

    async def _providers(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return provider_choices(self.bot, current)

    show.autocomplete("provider")(_providers)


async def setup(bot: RemixBot) -> None:
    await bot.add_cog(Config(bot))
    await bot.add_cog(Usage(bot))
