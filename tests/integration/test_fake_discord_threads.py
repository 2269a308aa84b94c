"""Threads and forum posts in the fake Discord, driven by the unmodified discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakes.discord import (
    DEFAULT_BOT_PERMISSIONS,
    GUILD_FORUM,
    HAS_THREAD,
    MANAGE_THREADS,
    PUBLIC_THREAD,
    FakeDiscord,
    patched_discord,
)

TOKEN = "fake-bot-token"
AUDIO = b"RIFF" + bytes(range(256)) * 8


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(app_permissions=DEFAULT_BOT_PERMISSIONS | MANAGE_THREADS) as server:
        with patched_discord(server):
            yield server


@contextlib.asynccontextmanager
async def connected(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    task = asyncio.create_task(client.start(TOKEN))
    try:
        await fake.wait_until_ready(timeout=5)
        await asyncio.wait_for(client.wait_until_ready(), 5)
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 5)


def text_channel(client: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_thread_from_a_message_then_messages_inside_it(fake: FakeDiscord) -> None:
    async with connected(fake) as client:
        channel = text_channel(client, fake.default_channel_id)
        starter = await channel.send("take 1 is ready")
        created = asyncio.ensure_future(client.wait_for("thread_create"))
        thread = await starter.create_thread(name="Take 1 feedback")
        announced = await asyncio.wait_for(created, 5)
        inside = await thread.send("what do you think?")

        assert thread.id == starter.id  # a thread started from a message carries the message's id
        assert thread.parent_id == channel.id and thread.type is discord.ChannelType.public_thread
        assert announced.id == thread.id and client.get_channel(thread.id) is not None
        assert inside.channel.id == thread.id

    [stored] = fake.threads(channel.id)
    assert (stored.id, stored.type, stored.parent_id, stored.name) == (
        starter.id,
        PUBLIC_THREAD,
        channel.id,
        "Take 1 feedback",
    )
    assert [m.content for m in fake.messages(thread.id)] == ["what do you think?"]
    assert fake.message(starter.id).flags & HAS_THREAD
    assert [m.content for m in fake.messages(channel.id)] == ["take 1 is ready"]  # the thread is apart


async def test_a_message_starts_one_thread_only(fake: FakeDiscord) -> None:
    async with connected(fake) as client:
        starter = await text_channel(client, fake.default_channel_id).send("take")
        await starter.create_thread(name="first")
        with pytest.raises(discord.HTTPException) as refused:
            await starter.create_thread(name="second")
    assert (refused.value.status, refused.value.code) == (400, 160004)


async def test_thread_without_a_message_and_locking_it(fake: FakeDiscord) -> None:
    async with connected(fake) as client:
        channel = text_channel(client, fake.default_channel_id)
        thread = await channel.create_thread(name="Queue chat", type=discord.ChannelType.public_thread)
        await thread.send("hello")

        updated = asyncio.ensure_future(client.wait_for("thread_update"))
        await thread.edit(archived=True, locked=True)
        before, after = await asyncio.wait_for(updated, 5)
        assert not before.locked and after.locked and after.archived

        with pytest.raises(discord.HTTPException) as refused:
            await thread.send("too late")
        assert (refused.value.status, refused.value.code) == (400, 50083)

    [stored] = fake.threads(channel.id)
    assert stored.type == PUBLIC_THREAD and stored.locked and stored.archived
    assert stored.id != channel.id and stored.parent_id == channel.id
    assert [m.content for m in fake.messages(stored.id)] == ["hello"]


async def test_a_message_unarchives_an_unlocked_thread(fake: FakeDiscord) -> None:
    async with connected(fake) as client:
        channel = text_channel(client, fake.default_channel_id)
        thread = await channel.create_thread(name="Archived", type=discord.ChannelType.public_thread)
        await thread.edit(archived=True)
        unarchived = asyncio.ensure_future(
            client.wait_for(
                "raw_thread_update", check=lambda raw: not raw.data["thread_metadata"]["archived"]
            )
        )
        await thread.send("back again")
        await asyncio.wait_for(unarchived, 5)
    [stored] = fake.threads(channel.id)
    assert not stored.archived


async def test_locking_needs_manage_threads() -> None:
    async with FakeDiscord() as fake, connected_with(fake) as client:
        thread = await text_channel(client, fake.default_channel_id).create_thread(
            name="mine", type=discord.ChannelType.public_thread
        )
        await thread.edit(archived=True)  # the creator may archive its own thread
        with pytest.raises(discord.Forbidden) as refused:
            await thread.edit(locked=True)
    assert refused.value.code == 50013


@contextlib.asynccontextmanager
async def connected_with(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    with patched_discord(fake):
        async with connected(fake) as client:
            yield client


async def test_forum_post_with_an_attachment(fake: FakeDiscord) -> None:
    forum_id = fake.add_channel("songs", type=GUILD_FORUM).id
    async with connected(fake) as client:
        forum = client.get_channel(forum_id)
        assert isinstance(forum, discord.ForumChannel)
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Remix", custom_id="remix:again:1"))
        post = await forum.create_thread(
            name="Night drive (remix)",
            content="Here is the take",
            embed=discord.Embed(title="Take 1"),
            file=discord.File(io.BytesIO(AUDIO), "take1.wav"),
            view=view,
        )
        # A forum holds posts only: a plain message to it is refused.
        with pytest.raises(discord.HTTPException) as refused:
            await client.http.send_message(forum_id, params=discord.http.handle_message_parameters("x"))

    assert post.thread.id == post.message.id  # a post's starter message has the thread's id
    assert post.thread.parent_id == forum_id and post.message.channel.id == post.thread.id
    assert [a.filename for a in post.message.attachments] == ["take1.wav"]
    [thread] = fake.threads(forum_id)
    [starter] = fake.messages(thread.id)
    assert starter.id == thread.id and starter.content == "Here is the take"
    assert [a.data for a in starter.attachments] == [AUDIO]
    assert starter.embeds[0]["title"] == "Take 1"
    assert starter.components[0]["components"][0]["custom_id"] == "remix:again:1"
    [request] = fake.requests_to("POST", rf"/channels/{forum_id}/threads")
    assert request.files and request.json["message"]["content"] == "Here is the take"
    assert (refused.value.status, refused.value.code) == (400, 50008)


async def test_forum_post_without_a_message_is_refused(fake: FakeDiscord) -> None:
    forum_id = fake.add_channel("songs", type=GUILD_FORUM).id
    async with connected(fake) as client:
        with pytest.raises(discord.HTTPException) as refused:
            await client.http.start_thread_without_message(
                forum_id,
                name="empty",
                auto_archive_duration=1440,
                type=discord.ChannelType.public_thread.value,
            )
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert fake.threads(forum_id) == []
