"""Members, locales, several guilds and shards, DMs, follow-ups and permission changes in the fake."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord import EPHEMERAL, FakeDiscord, patched_discord

TOKEN = "fake-bot-token"
Handler = Callable[[discord.Interaction], Awaitable[None]]
JOINED = dt.datetime(2025, 6, 1, 12, 30, tzinfo=dt.UTC)


class Translator(app_commands.Translator):
    """French names for the command, so the synced payload carries name/description localizations."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext,
    ) -> str | None:
        french = {"ping": "sonner", "Answer the member": "Répondre au membre"}
        return french.get(string.message) if locale is discord.Locale.french else None


class PingBot(commands.Bot):
    """/ping in every guild the fake has; the test decides what answering means."""

    def __init__(self, guild_ids: list[int], handler: Handler) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.1)
        self.guild_ids, self.handler, self.answered = guild_ids, handler, asyncio.Queue[object]()

    async def setup_hook(self) -> None:
        @app_commands.command(name="ping", description="Answer the member")
        async def ping(interaction: discord.Interaction) -> None:
            try:
                await self.handler(interaction)
            except Exception as error:
                await self.answered.put(error)
            else:
                await self.answered.put(interaction)

        await self.tree.set_translator(Translator())
        for guild_id in self.guild_ids:
            self.tree.add_command(ping, guild=discord.Object(guild_id))
            await self.tree.sync(guild=discord.Object(guild_id))


class ShardedPingBot(PingBot, commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between shards' IDENTIFYs: the fake enforces no identify concurrency."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        with patched_discord(server):
            yield server


@contextlib.asynccontextmanager
async def running(bot: commands.Bot, fake: FakeDiscord, sessions: int = 1) -> AsyncIterator[commands.Bot]:
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await fake.wait_for(lambda: sum(s.ready for s in fake.sessions.values()) >= sessions, timeout=10)
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 5)


async def answered(bot: PingBot) -> discord.Interaction:
    result = await asyncio.wait_for(bot.answered.get(), 5)
    if isinstance(result, Exception):
        raise result
    assert isinstance(result, discord.Interaction)
    return result


async def ack(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong")


# -- members ---------------------------------------------------------------------------------------


async def test_members_have_join_dates_and_bots_are_marked(fake: FakeDiscord) -> None:
    carol = fake.add_member(800000000000000303, "carol", joined_at=JOINED)
    helper = fake.add_member(800000000000000304, "helperbot", bot=True)
    bot = PingBot([fake.guild_id], ack)
    async with running(bot, fake):
        await fake.run_slash_command("ping", user_id=carol.id)
        interaction = await answered(bot)
        guild = bot.get_guild(fake.guild_id)
        assert guild is not None
        fetched = await guild.fetch_member(carol.id)
        other = await guild.fetch_member(helper.id)
        with pytest.raises(discord.NotFound) as unknown:
            await guild.fetch_member(800000000000000399)

    assert isinstance(interaction.user, discord.Member) and interaction.user.joined_at == JOINED
    assert fetched.joined_at == JOINED and not fetched.bot
    assert other.bot and other.joined_at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert unknown.value.code == 10007


# -- locales ---------------------------------------------------------------------------------------


async def test_interactions_carry_the_member_and_guild_locales() -> None:
    async with FakeDiscord(preferred_locale="de") as fake:
        fake.add_member(800000000000000303, "chloé", locale="fr")
        with patched_discord(fake):
            bot = PingBot([fake.guild_id], ack)
            async with running(bot, fake):
                await fake.run_slash_command("ping", user_id=800000000000000303)
                by_default = await answered(bot)
                await fake.run_slash_command("ping", user_id=800000000000000303, locale="es-ES")
                overridden = await answered(bot)
                guild = bot.get_guild(fake.guild_id)
                assert guild is not None and guild.preferred_locale is discord.Locale.german

    assert by_default.locale is discord.Locale.french
    assert overridden.locale is discord.Locale.spain_spanish
    assert by_default.guild_locale is overridden.guild_locale is discord.Locale.german
    stored = fake.command("ping")
    assert stored["name_localizations"] == {"fr": "sonner"}
    assert stored["description_localizations"] == {"fr": "Répondre au membre"}


# -- guilds and shards -----------------------------------------------------------------------------

# Guild ids chosen by Discord's shard formula, (id >> 22) % 2: the first on shard 0, the second on 1.
SHARD0_GUILD = 2 << 22
SHARD1_GUILD = 3 << 22


async def test_each_shard_gets_only_its_guilds_and_their_interactions() -> None:
    async with FakeDiscord(guild_id=SHARD0_GUILD, shard_count=2) as fake:
        fake.add_guild(SHARD1_GUILD, "Second", channels=[(SHARD1_GUILD + 10, "lobby")])
        with patched_discord(fake):
            bot = ShardedPingBot([SHARD0_GUILD, SHARD1_GUILD], ack)
            async with running(bot, fake, sessions=2):
                assert bot.shard_count == 2  # from GET /gateway/bot
                await fake.run_slash_command("ping", channel_id=SHARD1_GUILD + 10)
                second = await answered(bot)
                await fake.run_slash_command("ping")
                first = await answered(bot)
                guilds = {g.id: g.shard_id for g in bot.guilds}

    assert guilds == {SHARD0_GUILD: 0, SHARD1_GUILD: 1}
    assert (second.guild_id, first.guild_id) == (SHARD1_GUILD, SHARD0_GUILD)
    by_shard = {s.shard: s for s in fake.sessions.values()}
    assert set(by_shard) == {(0, 2), (1, 2)}
    for (shard_id, _), session in by_shard.items():
        expected = str(SHARD0_GUILD if shard_id == 0 else SHARD1_GUILD)
        ready = next(f["d"] for f in session.backlog if f["t"] == "READY")
        creates = [f["d"]["id"] for f in session.backlog if f["t"] == "GUILD_CREATE"]
        interactions = [f["d"]["guild_id"] for f in session.backlog if f["t"] == "INTERACTION_CREATE"]
        assert ready["shard"] == [shard_id, 2] and [g["id"] for g in ready["guilds"]] == [expected]
        assert creates == [expected] and interactions == [expected]
    assert fake.guild_commands(SHARD1_GUILD)[0]["guild_id"] == str(SHARD1_GUILD)


# -- DMs and follow-ups ----------------------------------------------------------------------------


async def test_bot_opens_a_dm_and_posts_there(fake: FakeDiscord) -> None:
    alice, bob = list(fake.members)[1:3]
    fake.members[bob].accepts_dms = False
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)  # REST only
    try:
        dm = await (await client.fetch_user(alice)).create_dm()
        again = await (await client.fetch_user(alice)).create_dm()
        sent = await dm.send("your take is ready", file=discord.File(io.BytesIO(b"RIFF"), "take.wav"))
        closed = await (await client.fetch_user(bob)).create_dm()
        with pytest.raises(discord.Forbidden) as refused:
            await closed.send("hello?")
    finally:
        await client.close()

    channel = fake.dm_channel(alice)
    assert channel is not None and dm.id == again.id == channel.id
    [message] = fake.messages(channel.id)
    assert message.id == sent.id and message.attachments[0].filename == "take.wav"
    assert sent.guild is None
    assert refused.value.code == 50007


async def test_ephemeral_followups_are_recorded_and_the_token_expires() -> None:
    async with FakeDiscord(token_lifetime=60) as fake:
        with patched_discord(fake):
            gate = asyncio.Event()

            async def handler(interaction: discord.Interaction) -> None:
                await interaction.response.defer(ephemeral=True, thinking=True)
                await interaction.followup.send("only you see this", ephemeral=True)
                await interaction.followup.send("everyone sees this")
                await gate.wait()
                await interaction.followup.send("after the token expired", ephemeral=True)

            bot = PingBot([fake.guild_id], handler)
            async with running(bot, fake):
                ix = await fake.run_slash_command("ping")
                await fake.wait_for(lambda: len(ix.followup_ids) == 2)
                assert ix.expires_at - ix.created_at == pytest.approx(60, abs=1)
                fake.expire_token(ix)
                gate.set()
                with pytest.raises(discord.HTTPException) as expired:
                    await answered(bot)

            async with aiohttp.ClientSession() as http:
                wrong_app = f"{fake.api_base}/webhooks/1/{ix.token}"
                async with http.post(wrong_app, json={"content": "x"}) as reply:
                    unknown = (reply.status, (await reply.json())["code"])

    secret, public = ix.followups
    assert secret.ephemeral and secret.flags & EPHEMERAL and not public.ephemeral
    assert [m.content for m in fake.messages()] == ["everyone sees this"]
    assert (expired.value.status, expired.value.code) == (401, 50027)
    assert unknown == (404, 10015)


# -- permissions -----------------------------------------------------------------------------------


async def test_revoking_send_messages_mid_test(fake: FakeDiscord) -> None:
    bot = PingBot([fake.guild_id], ack)
    async with running(bot, fake):
        channel = bot.get_channel(fake.default_channel_id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("before")

        async def change(**grants: bool) -> discord.Permissions:
            """Change the bot's permissions in the fake; what the bot then sees after CHANNEL_UPDATE."""
            updated = asyncio.ensure_future(bot.wait_for("guild_channel_update"))
            await fake.set_bot_permissions(channel.id, **grants)
            _, after = await asyncio.wait_for(updated, 5)
            return after.permissions_for(channel.guild.me)

        seen = await change(send_messages=False)
        # Without Send Messages, Attach Files and Embed Links are implicitly denied too (Discord's rule).
        assert not seen.send_messages and not seen.attach_files
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("while revoked")

        seen = await change(attach_files=False, send_messages=True)
        assert seen.send_messages and not seen.attach_files
        await channel.send("text still goes")
        with pytest.raises(discord.Forbidden):
            await channel.send("a file does not", file=discord.File(io.BytesIO(b"RIFF"), "take.wav"))

        assert (await change(attach_files=True)).attach_files
        await channel.send("a file again", file=discord.File(io.BytesIO(b"RIFF"), "take.wav"))

    assert refused.value.code == 50013
    assert [m.content for m in fake.messages()] == ["before", "text still goes", "a file again"]
