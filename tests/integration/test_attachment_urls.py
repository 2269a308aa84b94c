"""Attachment URLs close to expiry are refreshed through POST /attachments/refresh-urls (fake Discord)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from face.attachments import expires_at, fresh_url, needs_refresh, refresh_urls
from tests.fakes.discord import FakeDiscord, patched_discord

AUDIO = b"ID3" + bytes(range(256)) * 8


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        with patched_discord(server):
            yield server


@pytest.fixture
async def http(fake: FakeDiscord) -> AsyncIterator[discord.http.HTTPClient]:
    client = discord.http.HTTPClient(asyncio.get_running_loop())
    await client.static_login("fake-token")
    yield client
    await client.close()


async def fetch(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        await resp.read()
        return resp.status


def test_expiry_is_read_from_the_hex_ex_parameter() -> None:
    url = "https://cdn.discordapp.com/attachments/1/2/a.mp3?ex=65d903de&is=65c68ede&hm=ab&"
    assert expires_at(url) == 0x65D903DE
    assert needs_refresh(url, now=0x65D903DE - 60)
    assert not needs_refresh(url, now=0x65D903DE - 24 * 3600)
    # No signature, or a garbled one: nothing to refresh, the URL is used as it is.
    assert expires_at("https://example.com/song.mp3") is None
    assert not needs_refresh("https://example.com/song.mp3?ex=zz", now=0)


async def test_an_expired_url_is_refreshed_and_works_again(
    fake: FakeDiscord, http: discord.http.HTTPClient
) -> None:
    fake.cdn_url_lifetime = -60  # signed a minute in the past: expired already, no waiting
    message = await fake.post_user_message("here", attachments=[("my song.mp3", AUDIO, "audio/mpeg")])
    stale = fake.cdn_url(message.attachments[0])
    assert await fetch(stale) == 404

    fake.cdn_url_lifetime = 24 * 3600
    fresh = await fresh_url(http, stale)
    assert fresh != stale and await fetch(fresh) == 200
    assert (expires_at(fresh) or 0) > time.time() + 23 * 3600
    [call] = fake.requests_to("POST", "/attachments/refresh-urls")
    assert call.json == {"attachment_urls": [stale]}
    assert call.headers["Authorization"] == "Bot fake-token"


async def test_a_url_far_from_expiry_is_left_alone(fake: FakeDiscord, http: discord.http.HTTPClient) -> None:
    message = await fake.post_user_message("here", attachments=[("a.mp3", AUDIO, "audio/mpeg")])
    url = fake.cdn_url(message.attachments[0])
    assert await fresh_url(http, url) == url
    assert not fake.requests_to("POST", "/attachments/refresh-urls")


async def test_unknown_urls_are_left_out_and_the_stored_url_kept(
    fake: FakeDiscord, http: discord.http.HTTPClient
) -> None:
    unknown = f"{fake.base_url}/attachments/1/2/gone.mp3?ex={int(time.time()) + 60:x}&is=0&hm=00&"
    assert await refresh_urls(http, [unknown]) == {}
    assert await fresh_url(http, unknown) == unknown
