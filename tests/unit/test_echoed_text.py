"""Member text echoed into embeds cannot change their layout: markdown escaped, mentions defused."""

from __future__ import annotations

from datetime import UTC, datetime

import discord.utils
import pytest

from domain.jobs import Job, JobResult, JobState, TakeInfo
from domain.kinds import JobKind
from face import texts
from face.results import result_embed, thumbnail_url
from face.status import render_status

UNCLOSED = "```py\nslowed + reverb <@123> @everyone **loud** _soft_"


def job(**fields) -> Job:
    now = datetime.now(UTC)
    base = dict(
        id=7,
        guild_id=1,
        channel_id=2,
        member_id=42,
        kind=JobKind.SING,
        provider="local",
        prompt=UNCLOSED,
        upload_limit=1,
        idempotency_key="k",
        webhook_token="t",
        state=JobState.DELIVERED,
        created_at=now,
        updated_at=now,
    )
    base.update(fields)
    return Job(**base)


def shown_texts(embed: discord.Embed) -> list[str]:
    return [embed.title or "", embed.description or ""] + [f.value or "" for f in embed.fields]


def assert_inert(text: str) -> None:
    assert "```" not in text and "**loud**" not in text, text
    assert "<@123>" not in text and "@everyone" not in text, text


def test_an_unclosed_code_fence_in_a_prompt_no_longer_breaks_the_embeds():
    result = JobResult(
        title=UNCLOSED,
        lyrics=UNCLOSED,
        takes=[TakeInfo(index=1, filename="a.mp3", duration=3.0, title=f"take {UNCLOSED}")],
    )
    status = render_status(job(state=JobState.RUNNING), None, "Offline effects", None)
    card = result_embed(job(), result, "Offline effects")
    line = texts.job_line(7, "remix", "delivered", UNCLOSED, [])
    echoed = [status.description or "", *shown_texts(card), line]
    assert sum("slowed + reverb" in text for text in echoed) == 6, "the prompt is still shown, as text"
    for text in echoed:
        assert_inert(text)


@pytest.mark.parametrize(
    "text",
    [
        UNCLOSED,
        "**bold** __under__ ~~gone~~ ||spoiler|| `code`",
        "> quoted\n>>> all quoted\n# Heading\n- item",
        "[click](https://example.com) and https://cdn.example/take_1_final.mp3",
        "<https://example.com/a_b> back\\slash * lone",
    ],
)
def test_escaping_matches_discord_py(text: str):
    """face/texts.py may not import discord (cli.py runs without it), so it carries its own copy."""
    assert texts.escape_markdown(text) == discord.utils.escape_markdown(text)


def test_echo_defuses_escapes_and_clips():
    assert texts.echo("@here *hi*", 100) == "@\u200bhere \\*hi\\*"
    assert len(texts.echo("_" * 50, 10)) == 10


@pytest.mark.parametrize(
    ("cover", "shown"),
    [
        ("https://cdn.example/art.png", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("https://cdn.example/" + "a" * 3000, False),
        (None, False),
    ],
)
def test_cover_art_is_a_thumbnail_only_when_discord_would_accept_it(cover: str | None, shown: bool):
    """The bot never downloads cover art; a URL Discord refuses would sink the whole result post."""
    assert thumbnail_url(cover) == (cover if shown else None)
