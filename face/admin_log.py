"""The admin log: events for a server's admins, posted to the channel set with /config log-channel in
the server's public language, and private notes to a member (a direct message) about their own job."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import discord

from domain.admin import AdminEvent
from face import texts
from storage.guilds import GuildRepository
from storage.rules import RulesRepository

log = logging.getLogger(__name__)


class DiscordAdminLog:
    """Posts in the background: a job or a command never waits for (or fails with) the admin log."""

    def __init__(self, client: discord.Client, rules: RulesRepository, guilds: GuildRepository) -> None:
        self.client = client
        self.rules = rules
        self.guilds = guilds
        self._tasks: set[asyncio.Task[None]] = set()

    def post(self, event: AdminEvent) -> None:
        log.info("admin event in guild %s: %s %s", event.guild_id, event.kind, dict(event.params))
        self._spawn(self._post(event))

    def tell_member(self, member_id: int, text: str) -> None:
        self._spawn(self._dm(member_id, text))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, event: AdminEvent) -> None:
        channel_id = (await self.rules.get(event.guild_id)).log_channel_id
        if channel_id is None:
            return
        channel = self.client.get_partial_messageable(channel_id, guild_id=event.guild_id)
        text = texts.admin_event(event, locale=await self.locale(event.guild_id))
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not post to the admin log channel %s: %s", channel_id, exc.status)

    async def locale(self, guild_id: int) -> str:
        """The server's public language, as a job started now would get it: /config language when set,
        else the server's Discord language (its primary locale, known from the gateway), else English."""
        settings = await self.guilds.get(guild_id)
        guild = self.client.get_guild(guild_id)
        guild_locale = guild.preferred_locale.value if guild is not None else None
        return texts.public_locale(settings.language, guild_locale)

    async def _dm(self, member_id: int, text: str) -> None:
        try:
            dm = await self.client.create_dm(discord.Object(member_id))
            await dm.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            # Members may close their DMs; the job's status says the same thing publicly.
            log.info("could not send member %s a direct message: %s", member_id, exc.status)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
