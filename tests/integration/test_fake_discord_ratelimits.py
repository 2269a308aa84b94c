"""The fake's per-channel write budget: honest X-RateLimit headers, real 429s, and discord.py coping."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from tests.fakes.discord import FakeDiscord, patched_discord

TOKEN = "fake-bot-token"
AUTH = {"Authorization": f"Bot {TOKEN}"}
MESSAGES = "POST /channels/{channel_id}/messages"
EDITS = "PATCH /channels/{channel_id}/messages/{message_id}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    # A budget of 2 writes per 2 s: small enough to exhaust, long enough that no test races its reset.
    async with FakeDiscord(write_limit=(2, 2.0)) as server:
        with patched_discord(server):
            yield server


async def test_third_write_in_a_channel_gets_a_429_like_discord(fake: FakeDiscord) -> None:
    channel = fake.default_channel_id
    other = list(fake.channels)[1]
    url = f"{fake.api_base}/channels/{channel}/messages"
    async with aiohttp.ClientSession(headers=AUTH) as http:
        async with http.post(url, json={"content": "one"}) as first:
            assert first.status == 200
            message_id = (await first.json())["id"]
            first_headers = first.headers
        # An edit spends the same budget as a create: one bucket per channel.
        async with http.patch(f"{url}/{message_id}", json={"content": "one (edited)"}) as edit:
            assert edit.status == 200
            edit_headers = edit.headers
        async with http.post(url, json={"content": "two"}) as refused:
            assert refused.status == 429
            body = await refused.json()
            refused_headers = refused.headers
        async with http.post(
            f"{fake.api_base}/channels/{other}/messages", json={"content": "elsewhere"}
        ) as ok:
            assert ok.status == 200  # another channel has its own budget

    assert first_headers["X-RateLimit-Limit"] == "2" and first_headers["X-RateLimit-Remaining"] == "1"
    assert edit_headers["X-RateLimit-Remaining"] == "0"
    assert first_headers["X-RateLimit-Bucket"] == edit_headers["X-RateLimit-Bucket"]
    assert body["global"] is False and 0 < body["retry_after"] <= 2.0
    assert float(refused_headers["X-RateLimit-Reset-After"]) == pytest.approx(body["retry_after"], abs=0.01)
    assert refused_headers["X-RateLimit-Remaining"] == "0"
    assert refused_headers["X-RateLimit-Scope"] == "user"
    assert int(refused_headers["Retry-After"]) >= 1 and "Via" in refused_headers
    assert "X-RateLimit-Reset" in refused_headers

    assert fake.rate_limited == {MESSAGES: 1}
    assert [(w.route, w.status) for w in fake.writes_to(channel)] == [
        (MESSAGES, 200),
        (EDITS, 200),
        (MESSAGES, 429),
    ]
    assert [m.content for m in fake.messages(channel)] == ["one (edited)"]


async def test_discord_py_retries_a_429_when_another_process_spent_the_budget(fake: FakeDiscord) -> None:
    url = f"{fake.api_base}/channels/{fake.default_channel_id}/messages"
    async with aiohttp.ClientSession(headers=AUTH) as http:  # e.g. the CLI posting with the same token
        for n in (1, 2):
            async with http.post(url, json={"content": f"from elsewhere {n}"}) as reply:
                assert reply.status == 200
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)  # REST only
    try:
        # This client's bucket state knows nothing of the other writes: it is refused, sleeps
        # retry_after and retries, as against Discord.
        sent = await client.get_partial_messageable(fake.default_channel_id).send("take 1")
    finally:
        await client.close()

    assert [m.content for m in fake.messages()] == ["from elsewhere 1", "from elsewhere 2", "take 1"]
    assert fake.message(sent.id).content == "take 1"
    assert fake.rate_limited == {MESSAGES: 1}
    assert [w.status for w in fake.writes] == [200, 200, 429, 200]


async def test_one_discord_py_client_paces_itself_by_the_headers(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)
    try:
        channel = client.get_partial_messageable(fake.default_channel_id)
        first = await channel.send("take 1")
        await channel.send("take 2")  # announces Remaining 0: discord.py sleeps until the reset
        await first.edit(content="take 1 (final)")
    finally:
        await client.close()

    assert [m.content for m in fake.messages()] == ["take 1 (final)", "take 2"]
    assert not fake.rate_limited
    assert [(w.route, w.status) for w in fake.writes] == [(MESSAGES, 200), (MESSAGES, 200), (EDITS, 200)]


async def test_scripted_rate_limits_are_counted_too(fake: FakeDiscord) -> None:
    fake.script_rate_limit("GET", r"/channels/\d+", retry_after=0.05)
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)
    try:
        fetched = await client.fetch_channel(fake.default_channel_id)
    finally:
        await client.close()
    assert fetched.id == fake.default_channel_id
    assert fake.rate_limited == {"GET /channels/{channel_id}": 1}
    assert fake.writes == []  # reads never spend the write budget


async def test_without_a_budget_writes_are_never_refused() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession(headers=AUTH) as http:
        url = f"{fake.api_base}/channels/{fake.default_channel_id}/messages"
        for n in range(8):
            async with http.post(url, json={"content": f"message {n}"}) as reply:
                assert reply.status == 200
                assert int(reply.headers["X-RateLimit-Remaining"]) > 0
    assert len(fake.messages()) == 8 and not fake.rate_limited
