"""The fake Discord against the unmodified discord.py: a minimal bot logs in, syncs, answers and posts."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord import EPHEMERAL, FakeDiscord, FakeInteraction, patched_discord

TOKEN = "fake-bot-token"
AUDIO = b"RIFF" + bytes(range(256)) * 40  # not real audio; the bot only moves bytes around
Handler = Callable[[discord.Interaction, discord.Attachment], Awaitable[None]]


class MiniBot(commands.Bot):
    """The smallest bot that exercises the fake: /remix takes an attachment and calls `handler`."""

    def __init__(self, guild_id: int, handler: Handler) -> None:
        # guild_ready_timeout: on_ready waits this long after the last GUILD_CREATE (2 s by default).
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.1)
        self.guild = discord.Object(guild_id)
        self.handler = handler

    async def setup_hook(self) -> None:
        @app_commands.command(name="remix", description="Remix an audio file")
        async def remix(
            interaction: discord.Interaction, audio: discord.Attachment, prompt: str = ""
        ) -> None:
            await self.handler(interaction, audio)

        @remix.autocomplete("prompt")
        async def prompt_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            styles = ["jazz", "lofi", "metal"]
            return [app_commands.Choice(name=s, value=s) for s in styles if s.startswith(current)]

        @app_commands.context_menu(name="Remix this audio")
        async def remix_message(interaction: discord.Interaction, message: discord.Message) -> None:
            await self.handler(interaction, message.attachments[0])

        self.tree.add_command(remix, guild=self.guild)
        self.tree.add_command(remix_message, guild=self.guild)
        await self.tree.sync(guild=self.guild)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        with patched_discord(server):
            yield server


@contextlib.asynccontextmanager
async def running(bot: commands.Bot, fake: FakeDiscord) -> AsyncIterator[commands.Bot]:
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await fake.wait_until_ready(timeout=5)
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 5)


def capture(outcome: asyncio.Future[object], handler: Handler) -> Handler:
    """Hand the handler's result or exception to the test (the command tree would only log it)."""

    async def wrapped(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        try:
            await handler(interaction, audio)
        except Exception as error:
            outcome.set_result(error)
        else:
            if not outcome.done():
                outcome.set_result(None)

    return wrapped


async def test_slash_command_round_trip(fake: FakeDiscord) -> None:
    downloaded: list[bytes] = []
    posted: list[int] = []

    async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await audio.read()
        downloaded.append(data)
        client, channel_id = interaction.client, interaction.channel_id
        channel = client.get_partial_messageable(channel_id, guild_id=interaction.guild_id)
        files = [
            discord.File(io.BytesIO(data), "take1.wav"),
            discord.File(io.BytesIO(data[::-1]), "take2.mp3"),
        ]
        message = await channel.send("two takes", files=files)
        await message.edit(content="two takes (done)")
        posted.append(message.id)
        await interaction.edit_original_response(content="posted")

    outcome: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    bot = MiniBot(fake.guild_id, capture(outcome, handler))
    async with running(bot, fake):
        command, context_menu = fake.guild_commands()
        assert command["name"] == "remix" and command["guild_id"] == str(fake.guild_id)
        assert context_menu["type"] == 3
        assert [o["type"] for o in command["options"]] == [11, 3]

        ix = await fake.run_slash_command("remix", attachments=[("input.wav", AUDIO, "audio/wav")])
        response = await ix.wait_response(timeout=3)
        assert response.type == 5 and response.ephemeral and response.delay < 3
        assert await asyncio.wait_for(outcome, 5) is None

    assert downloaded == [AUDIO]
    assert any(r.path.startswith("/ephemeral-attachments/") and r.status == 200 for r in fake.requests)

    [message] = fake.messages()  # the deferred reply is ephemeral, so the channel shows one message
    assert message.id == posted[0] and message.content == "two takes (done)"
    assert [(a.filename, a.content_type, a.data) for a in message.attachments] == [
        ("take1.wav", "audio/x-wav", AUDIO),
        ("take2.mp3", "audio/mpeg", AUDIO[::-1]),
    ]
    assert [e.content for e in message.edits] == ["two takes (done)"]
    assert len(message.edits[0].attachments) == 2  # an edit without `attachments` keeps them

    original = ix.original
    assert original is not None and original.ephemeral and not original.loading
    assert original.content == "posted" and original.flags & EPHEMERAL

    async with aiohttp.ClientSession() as http:  # the posted takes are served back by the fake CDN
        async with http.get(fake.cdn_url(message.attachments[1])) as reply:
            assert reply.status == 200 and await reply.read() == AUDIO[::-1]

    [session] = fake.sessions.values()
    # Client.close() asks for 1000, but its reader task is waiting in receive(), sees CLOSING and closes
    # first with 4000: on the wire the session ends resumable. Only "closed" is asserted here.
    assert session.close_codes and not session.connected


async def test_repeated_nonce_returns_the_earlier_message(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)  # REST only: no gateway needed to post
    try:
        channel = client.get_partial_messageable(fake.default_channel_id)
        first = await channel.send("take 1 is ready", nonce="job-7-result")
        again = await channel.send("take 1 is ready (retry)", nonce="job-7-result")
        other = await channel.send("another job", nonce="job-8-result")
    finally:
        await client.close()

    assert again.id == first.id and again.content == "take 1 is ready"
    assert other.id != first.id
    assert [m.content for m in fake.messages()] == ["take 1 is ready", "another job"]
    assert len(fake.requests_to("POST", r"/channels/\d+/messages")) == 3


async def test_expired_token_fails_followup_but_bot_token_still_posts(fake: FakeDiscord) -> None:
    gate = asyncio.Event()

    async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        await interaction.response.defer()
        await gate.wait()
        try:
            await interaction.followup.send("too late")
        finally:
            channel = interaction.client.get_partial_messageable(interaction.channel_id)
            await channel.send("fallback via bot token")

    outcome: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    async with running(MiniBot(fake.guild_id, capture(outcome, handler)), fake):
        ix = await fake.run_slash_command("remix", attachments=[("in.wav", AUDIO, "audio/wav")])
        await ix.wait_response()
        fake.expire_token(ix)
        gate.set()
        error = await asyncio.wait_for(outcome, 5)

    assert isinstance(error, discord.HTTPException)
    assert (error.status, error.code) == (401, 50027)
    # A public defer leaves a "thinking..." message that nobody can finish once the token is gone.
    loading, fallback = fake.messages()
    assert loading.id == ix.original_message_id and loading.loading
    assert fallback.content == "fallback via bot token"
    assert ix.followups == []


async def test_scripted_429_with_via_is_retried(fake: FakeDiscord) -> None:
    fake.script_rate_limit("POST", r"/channels/\d+/messages", retry_after=0.2)
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)
    try:
        await client.get_partial_messageable(fake.default_channel_id).send("after a rate limit")
    finally:
        await client.close()

    attempts = fake.requests_to("POST", r"/channels/\d+/messages")
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.2
    assert len(fake.messages()) == 1


async def test_late_and_second_callbacks_are_refused() -> None:
    async with FakeDiscord(callback_window=0.2) as fake:
        with patched_discord(fake):
            gate = asyncio.Event()

            async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
                if audio.filename == "late.wav":
                    await asyncio.sleep(0.4)
                await interaction.response.defer()
                await gate.wait()

            outcome: asyncio.Future[object] = asyncio.get_running_loop().create_future()
            async with running(MiniBot(fake.guild_id, capture(outcome, handler)), fake):
                late = await fake.run_slash_command("remix", attachments=[("late.wav", AUDIO, "audio/wav")])
                error = await asyncio.wait_for(outcome, 5)
                assert isinstance(error, discord.NotFound) and error.code == 10062
                assert [c.error_code for c in late.callbacks] == [10062] and late.response is None

                ix = await fake.run_slash_command("remix", attachments=[("ok.wav", AUDIO, "audio/wav")])
                await ix.wait_response()
                status, body = await post_callback(fake, ix, {"type": 4, "data": {"content": "again"}})
                assert (status, body["code"]) == (400, 40060)
                gate.set()


async def post_callback(
    fake: FakeDiscord, ix: FakeInteraction, payload: dict[str, object]
) -> tuple[int, dict[str, object]]:
    """POST a callback by hand: discord.py itself refuses locally to respond twice."""
    url = f"{fake.api_base}/interactions/{ix.id}/{ix.token}/callback?with_response=1"
    async with aiohttp.ClientSession() as http, http.post(url, json=payload) as reply:
        return reply.status, await reply.json(content_type=None)


async def test_buttons_modals_autocomplete_and_user_messages(fake: FakeDiscord) -> None:
    submitted: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    class PromptModal(discord.ui.Modal, title="Remix prompt"):
        prompt: discord.ui.Label[PromptModal] = discord.ui.Label(
            text="Prompt", component=discord.ui.TextInput(custom_id="prompt")
        )

        def __init__(self) -> None:
            super().__init__(custom_id="ask")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            assert isinstance(self.prompt.component, discord.ui.TextInput)
            submitted.set_result(self.prompt.component.value)
            await interaction.response.send_message("queued", ephemeral=True)

    class Controls(discord.ui.View):
        @discord.ui.button(label="Prompt", custom_id="open")
        async def open(self, interaction: discord.Interaction, button: discord.ui.Button[Controls]) -> None:
            await interaction.response.send_modal(PromptModal())

    async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        await interaction.response.send_message(f"got {audio.filename}", view=Controls())

    async with running(MiniBot(fake.guild_id, handler), fake):
        choices = await fake.autocomplete("remix", focused="prompt", value="l")
        assert choices == [{"name": "lofi", "value": "lofi"}]

        user_message = await fake.post_user_message("my loop", attachments=[("loop.wav", AUDIO, "audio/wav")])
        assert user_message.attachments[0].size == len(AUDIO)

        uploads = [("a.wav", AUDIO, "audio/wav")]
        ix = await fake.run_slash_command("remix", {"prompt": "jazz"}, attachments=uploads)
        assert (await ix.wait_response()).type == 4
        assert ix.original is not None and ix.original.content == "got a.wav"

        click = await fake.click_button(ix.original.id, "open")
        assert (await click.wait_response()).type == 9
        submit = await fake.submit_modal("ask", {"prompt": "make it swing"})
        assert (await submit.wait_response()).ephemeral
        assert await asyncio.wait_for(submitted, 3) == "make it swing"


async def test_message_command_and_multipart_edit(fake: FakeDiscord) -> None:
    async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True)
        data = await audio.read()
        channel = interaction.client.get_partial_messageable(interaction.channel_id)
        message = await channel.send("working", files=[discord.File(io.BytesIO(b"draft"), "draft.txt")])
        # Replace the draft with the result: `attachments` lists exactly what the message keeps.
        await message.edit(content="done", attachments=[discord.File(io.BytesIO(data), "result.wav")])

    outcome: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    async with running(MiniBot(fake.guild_id, capture(outcome, handler)), fake):
        source = await fake.post_user_message("my loop", attachments=[("loop.wav", AUDIO, "audio/wav")])
        ix = await fake.run_message_command("Remix this audio", source.id)
        assert (await ix.wait_response()).type == 5
        assert await asyncio.wait_for(outcome, 5) is None

    _, result = fake.messages()
    assert [a.filename for a in result.revisions[0].attachments] == ["draft.txt"]
    assert [(a.filename, a.data) for a in result.attachments] == [("result.wav", AUDIO)]
    assert result.edits[0].via == "PATCH channel" and result.edited_at is not None


async def test_gateway_resume_replays_missed_events(fake: FakeDiscord) -> None:
    answered: list[str] = []

    async def handler(interaction: discord.Interaction, audio: discord.Attachment) -> None:
        answered.append(audio.filename)
        await interaction.response.send_message("ok", ephemeral=True)

    async with running(MiniBot(fake.guild_id, handler), fake) as bot:
        [session] = fake.sessions.values()
        await fake.disconnect_gateway(code=4000)
        assert not session.connected
        # Dispatched while the bot is away: kept in the session's backlog and replayed on RESUME.
        ix = await fake.run_slash_command("remix", attachments=[("missed.wav", AUDIO, "audio/wav")])
        await ix.wait_response()
        assert session.resumes == 1 and session.connected
        assert bot.is_ready() and answered == ["missed.wav"]
    assert len(fake.sessions) == 1  # resumed, not re-identified
