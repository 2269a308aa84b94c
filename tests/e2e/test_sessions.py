"""Community remix sessions end to end: the real bot, the fake Discord, the offline provider.

A host opens a session on a track; members remix it with "Remix this" (an ordinary job whose takes
they enter) or enter their own upload; entries go up anonymously for the vote; the results name the
winners. Deadlines are moved with a JumpClock (no test waits for one), restarts are real restarts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.sessions import Entry, EntryStatus, Session
from storage.db import Database
from storage.sessions import SessionRepository
from tests.e2e.harness import Harness, song
from tests.fakes.discord import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    GUILD_FORUM,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    FakeDiscord,
    FakeInteraction,
    FakeMessage,
    patched_discord,
)
from tests.fakes.sessions import JumpClock

pytestmark = pytest.mark.slow

MANAGE_GUILD = 1 << 5
HOST, ALICE, BOB = 800000000000000310, 800000000000000301, 800000000000000302
CAROL, DAVE, LATE, ROBOT = 800000000000000311, 800000000000000312, 800000000000000313, 800000000000000314


@contextlib.asynccontextmanager
async def world(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, **fake: Any
) -> AsyncIterator[tuple[Harness, JumpClock]]:
    """The bot (offline provider) on a fake Discord where it may lock threads, with a host, members
    who joined long ago, one who joined after any session starts, and another bot."""
    clock = JumpClock()
    monkeypatch.setattr("face.bot.SystemClock", lambda: clock)
    async with FakeDiscord(app_permissions=DEFAULT_BOT_PERMISSIONS | MANAGE_THREADS, **fake) as discord_:
        discord_.add_member(HOST, "host", permissions=DEFAULT_MEMBER_PERMISSIONS | MANAGE_GUILD)
        discord_.add_member(CAROL, "carol")
        discord_.add_member(DAVE, "dave")
        discord_.add_member(LATE, "late", joined_at=dt.datetime.now(dt.UTC) + timedelta(minutes=5))
        discord_.add_member(ROBOT, "robot", bot=True)
        with patched_discord(discord_):
            h = Harness(discord_, tmp, {"default_provider": "local", "input_retention_hours": 0})
            try:
                yield h, clock
            finally:
                await h.stop()


def buttons(message: FakeMessage) -> dict[str, str]:
    """custom_id -> label, over every action row."""
    return {
        c["custom_id"]: c.get("label", "") for row in message.components for c in row.get("components", [])
    }


def card_text(message: FakeMessage) -> str:
    embed = message.embeds[0]
    return "\n".join(
        [embed.get("title", ""), embed.get("description", "")]
        + [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    )


def said(ix: FakeInteraction) -> str:
    """What the member was told privately: the response, its edit, or the follow-ups."""
    parts = []
    if ix.response is not None:
        assert ix.response.ephemeral or ix.response.type in (5, 9), "private replies are ephemeral"
        parts.append(str(ix.response.data.get("content") or ""))
    if ix.original is not None:
        parts.append(ix.original.content)
    parts += [m.content for m in ix.followups]
    return "\n".join(parts)


async def answer(h: Harness, ix: FakeInteraction, *words: str) -> str:
    await ix.wait_response(timeout=10)
    text = await h.wait_for(lambda: all(w in said(ix) for w in words) and said(ix), timeout=30)
    assert not ix.response or ix.response.ephemeral, "answers are private"
    return text


async def sessions(h: Harness) -> list[Session]:
    db = await Database.open(h.tmp / "bot.sqlite3")
    try:
        return await SessionRepository(db).for_guild(
            h.discord.guild_id, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        )
    finally:
        await db.close()


async def entries(h: Harness, session_id: int) -> list[Entry]:
    db = await Database.open(h.tmp / "bot.sqlite3")
    try:
        return await SessionRepository(db).entries(session_id)
    finally:
        await db.close()


async def start(h: Harness, title: str = "Summer flip", **options: Any) -> tuple[Session, FakeMessage]:
    general = h.discord.default_channel_id
    ix = await h.discord.run_slash_command(
        "session",
        {"title": title, **options},
        subcommand="start",
        user_id=HOST,
        channel_id=general,
        attachments=[("host track.mp3", song(h.tmp, seconds=3.0), "audio/mpeg")],
    )
    await answer(h, ix, "Your session is open")
    [session] = [s for s in await sessions(h) if s.title == title]
    assert session.card_message_id and session.thread_id and session.source_message_id
    return session, h.discord.message(session.card_message_id)


async def card_says(h: Harness, session: Session, *words: str) -> FakeMessage:
    card = h.discord.message(session.card_message_id or 0)
    await h.wait_for(lambda: all(w in card_text(card) for w in words), timeout=30)
    return card


async def remix_this(h: Harness, session: Session, member: int, prompt: str) -> FakeMessage:
    """A member presses Remix this on the card, fills the form, and gets the takes in the thread."""
    assert session.thread_id
    before = len(h.result_messages(session.thread_id))
    click = await h.discord.click_button(
        session.card_message_id or 0, f"session:remix:{session.id}", user_id=member
    )
    await click.wait_response()
    assert click.modal is not None, "Remix this opens a form"
    fields = {c["component"]["custom_id"] for c in click.modal["components"]}
    assert fields == {"prompt", "lyrics", "provider"}
    submit = await h.discord.submit_modal(click.modal["custom_id"], {"prompt": prompt}, user_id=member)
    await submit.wait_response()
    results = await h.wait_for(
        lambda: len(h.result_messages(session.thread_id)) > before and h.result_messages(session.thread_id),
        timeout=60,
    )
    return results[-1]


async def submit(
    h: Harness,
    session: Session,
    member: int,
    name: str = "mine.wav",
    *,
    channel_id: int | None = None,
    options: dict[str, Any] | None = None,
) -> str:
    ix = await h.discord.run_slash_command(
        "session",
        options or {},
        subcommand="submit",
        user_id=member,
        channel_id=channel_id or session.thread_id,
        attachments=[(name, song(h.tmp, seconds=2.0, fmt="wav", name=f"up{member}"), "audio/wav")],
    )
    return await answer(h, ix, "entr")


async def vote(h: Harness, message: FakeMessage, member: int) -> str:
    [custom_id] = [c for c in buttons(message) if c.startswith("session:vote:")]
    ix = await h.discord.click_button(message.id, custom_id, user_id=member)
    return await answer(h, ix)


def entry_posts(h: Harness, session: Session) -> list[FakeMessage]:
    return [m for m in h.bot_messages(session.thread_id) if m.content.startswith("**Entry ")]


async def test_a_full_session_with_ai_entries_and_an_own_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    async with world(tmp_path, monkeypatch) as (h, _):
        await h.start()
        general = h.discord.default_channel_id
        # Only hosts open sessions.
        refused = await h.discord.run_slash_command(
            "session",
            {"title": "x"},
            subcommand="start",
            user_id=ALICE,
            attachments=[("t.mp3", song(tmp_path), "audio/mpeg")],
        )
        assert "Only hosts" in await answer(h, refused)

        session, card = await start(h, "Summer <@everyone> *flip*", submissions="1h", voting="30m")
        # The card: title (escaped, defused), host, phase, both deadlines absolute and relative, rules.
        text = card_text(card)
        assert "@\u200beveryone" in text and "\\*flip\\*" in text
        assert f"<@{HOST}>" in text and "Submissions open" in text
        sub_end, vote_end = int(session.submissions_end.timestamp()), int(session.voting_end.timestamp())
        assert f"<t:{sub_end}:f> (<t:{sub_end}:R>)" in text and f"<t:{vote_end}:f> (<t:{vote_end}:R>)" in text
        assert "Up to 2 entries per member" in text and "Tied entries share a place" in text
        assert set(buttons(card)) == {
            f"session:remix:{session.id}",
            f"session:mine:{session.id}",
            f"session:open:{session.id}",
        }
        # A thread from the card, named after the title; the bot's first message there carries the track.
        [thread] = h.discord.threads(general)
        assert thread.id == session.thread_id == card.id and thread.name == "Summer <@everyone> *flip*"
        first = h.bot_messages(thread.id)[0]
        assert first.id == session.source_message_id and first.attachments[0].filename == "session-source.mp3"

        # Remix this: an ordinary job on the session track, its status and takes in the thread.
        result = await remix_this(h, session, ALICE, "lofi")
        assert h.status_messages(thread.id), "the job's status is in the thread"
        [job] = [j for j in await h.jobs() if j.member_id == ALICE]
        assert (
            job.session_id == session.id
            and job.channel_id == thread.id
            and job.input_filename == "session-source.mp3"
        )
        enter_1 = f"session:enter:{job.id}:1"
        assert enter_1 in buttons(result) and f"session:enter:{job.id}:2" in buttons(result)
        # Only the requester enters a take.
        bob_try = await h.discord.click_button(result.id, enter_1, user_id=BOB)
        assert "Only the member who made this remix" in await answer(h, bob_try)
        pressed = await h.discord.click_button(result.id, enter_1, user_id=ALICE)
        assert "Take 1 is entered" in await answer(h, pressed, "1 of 2")
        again = await h.discord.click_button(result.id, enter_1, user_id=ALICE)
        assert "already an entry" in await answer(h, again, "already")

        # Own uploads, in the thread; a session option works from elsewhere.
        assert "Your remix is entered" in await submit(h, session, BOB, "bob's mix.wav")
        assert "Your remix is entered" in await submit(
            h, session, CAROL, channel_id=general, options={"session": str(session.id)}
        )
        await card_says(h, session, "3 entries", "0 votes cast")
        # An entry's take is copied to the session's storage when entered.
        made = await entries(h, session.id)
        assert len(made) == 3 and all(e.file_path.exists() for e in made)

        # The host opens voting: every entry posted anonymously, in shuffled order, with a Vote button.
        not_host = await h.discord.click_button(card.id, f"session:open:{session.id}", user_id=BOB)
        assert "Only hosts" in await answer(h, not_host)
        opened = await h.discord.click_button(card.id, f"session:open:{session.id}", user_id=HOST)
        await answer(h, opened, "entries are being posted")
        posts = await h.wait_for(lambda: len(entry_posts(h, session)) == 3 and entry_posts(h, session))
        by_member = {e.member_id: e for e in await entries(h, session.id)}
        for number, post in enumerate(posts, start=1):
            assert post.content == f"**Entry {number}**"
            [attachment] = post.attachments
            assert attachment.filename.startswith(f"entry-{number}.")
            assert "bob" not in attachment.filename and "lofi" not in post.content
        assert posts[[e.number for e in by_member.values()].index(by_member[BOB].number)]
        post_of = {member: posts[(e.number or 0) - 1] for member, e in by_member.items()}
        bob_upload = post_of[BOB].attachments[0]
        assert bob_upload.filename.endswith(".wav"), "an upload is posted as uploaded"
        card = await card_says(h, session, "Voting open")
        assert set(buttons(card)) == {f"session:end:{session.id}"}
        late_entry = await h.discord.click_button(result.id, f"session:enter:{job.id}:2", user_id=ALICE)
        assert "Submissions for this session are closed" in await answer(h, late_entry)

        # Votes: own entry refused, cast, already, moved; ineligible and bots refused.
        assert "your own entry" in await vote(h, post_of[ALICE], ALICE)
        n_bob, n_carol = by_member[BOB].number, by_member[CAROL].number
        assert f"Your vote is on Entry {n_bob}." in await vote(h, post_of[BOB], ALICE)
        assert f"already on Entry {n_bob}" in await vote(h, post_of[BOB], ALICE)
        assert f"moved from Entry {n_bob} to Entry {n_carol}" in await vote(h, post_of[CAROL], ALICE)
        assert f"moved from Entry {n_carol} to Entry {n_bob}" in await vote(h, post_of[BOB], ALICE)
        assert "joined the server before" in await vote(h, post_of[BOB], LATE)
        assert "Bots don't vote" in await vote(h, post_of[BOB], ROBOT)
        assert "is on Entry" in await vote(h, post_of[BOB], DAVE)
        assert "is on Entry" in await vote(h, post_of[ALICE], CAROL)
        card = await card_says(h, session, "3 votes cast")
        assert "2 votes" not in card_text(card), "tallies stay hidden until the end"

        # The host ends voting with /session next in the thread.
        ix = await h.discord.run_slash_command(
            "session", {}, subcommand="next", user_id=HOST, channel_id=thread.id
        )
        await answer(h, ix, "results are being posted")
        results = await h.wait_for(
            lambda: [
                m for m in h.bot_messages(thread.id) if m.embeds and "Results" in m.embeds[0].get("title", "")
            ]
        )
        ranking = results[0].embeds[0]["description"]
        assert f"**1.** Entry {n_bob}: 2 votes · <@{BOB}>" in ranking
        assert (
            "“lofi”" in ranking and f"<@{ALICE}>" in ranking and "bob's mix.wav" in ranking.replace("\\", "")
        )
        assert [a.filename for a in results[0].attachments] == [f"entry-{n_bob}.wav"], (
            "the winning take again"
        )
        announcement = await h.wait_for(
            lambda: [m for m in h.bot_messages(general) if "is over" in m.content]
        )
        assert (
            f"<@{BOB}>" in announcement[0].content
            and results[0].id == (await sessions(h))[0].results_message_id
        )

        # Buttons gone, thread locked and archived, the card closed with a link to the results.
        await h.wait_for(lambda: thread.locked and thread.archived, timeout=30)
        card = await card_says(h, session, "Closed", "See the results")
        assert card.components == [] and all(p.components == [] for p in entry_posts(h, session))
        assert str(results[0].id) in card_text(card)
        # /session results posts them again, here.
        again_ix = await h.discord.run_slash_command(
            "session", {"session": str(session.id)}, subcommand="results", user_id=DAVE, channel_id=general
        )
        await answer(h, again_ix, "Results posted again")


async def test_buttons_work_after_a_restart_during_submissions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    async with world(tmp_path, monkeypatch) as (h, _):
        await h.start()
        session, card = await start(h, entries_per_member=1)
        result = await remix_this(h, session, ALICE, "tape warble")
        [job] = await h.jobs()
        assert "Your remix is entered" in await submit(h, session, BOB)

        await card_says(h, session, "1 entry")
        await h.stop()
        edits = len(h.discord.message(card.id).revisions)
        await h.start()
        # Card edits waiting at the stop are gone: a start shows every open session's card again.
        await h.wait_for(lambda: len(h.discord.message(card.id).revisions) > edits)

        # Enter take N, My entries, Withdraw and the host's button are found again by their custom_id.
        pressed = await h.discord.click_button(result.id, f"session:enter:{job.id}:2", user_id=ALICE)
        assert "Take 2 is entered" in await answer(h, pressed, "1 of 1")
        over = await h.discord.click_button(result.id, f"session:enter:{job.id}:1", user_id=ALICE)
        assert "You already have 1 entry" in await answer(h, over, "already")
        mine = await h.discord.click_button(card.id, f"session:mine:{session.id}", user_id=BOB)
        listed = await answer(h, mine, "Your entries")
        assert "Your upload" in listed
        [withdraw] = [c for c in buttons(h.discord.message(mine.original_message_id or 0))]
        gone = await h.discord.click_button(mine.original_message_id or 0, withdraw, user_id=BOB)
        assert "Withdrawn" in await answer(h, gone, "Withdrawn")
        await card_says(h, session, "1 entry")
        opened = await h.discord.click_button(card.id, f"session:open:{session.id}", user_id=HOST)
        await answer(h, opened, "entries are being posted")
        [post] = await h.wait_for(lambda: entry_posts(h, session))
        assert "is on Entry 1" in await vote(h, post, BOB)
        statuses = {e.member_id: e.status for e in await entries(h, session.id)}
        assert statuses == {ALICE: EntryStatus.ENTERED, BOB: EntryStatus.WITHDRAWN}


async def test_both_deadlines_pass_while_the_bot_is_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    async with world(tmp_path, monkeypatch) as (h, clock):
        await h.start()
        session, _card = await start(h, submissions="2h", voting="1d")
        await submit(h, session, BOB)
        await submit(h, session, CAROL)
        await h.stop()
        clock.jump(timedelta(days=2))
        await h.start()

        thread = h.discord.channels[session.thread_id or 0]
        await h.wait_for(lambda: thread.locked and thread.archived, timeout=30)
        posts = entry_posts(h, session)
        [results] = [
            m for m in h.bot_messages(thread.id) if m.embeds and "Results" in m.embeds[0].get("title", "")
        ]
        assert len(posts) == 2 and max(p.id for p in posts) < results.id, "entries first, then the results"
        assert "Nobody voted, so there is no winner" in results.embeds[0]["description"]
        assert results.attachments == []
        assert all(p.components == [] for p in posts)
        await card_says(h, session, "Closed", "See the results")


async def test_a_tie_withdrawal_and_a_session_in_a_forum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    async with world(tmp_path, monkeypatch) as (h, _):
        forum = h.discord.add_channel("sessions", type=GUILD_FORUM)
        await h.start()
        setting = await h.discord.run_slash_command(
            "config", {"forum": str(forum.id)}, subcommand="session-forum", user_id=HOST
        )
        assert f"<#{forum.id}>" in await answer(h, setting)

        session, card = await start(h, "Forum flip")
        # A forum post named after the title whose first message is the card, with the track attached.
        [post] = h.discord.threads(forum.id)
        assert post.name == "Forum flip" and session.thread_id == post.id == card.id
        assert session.forum_channel_id == forum.id and card.channel_id == post.id
        assert [a.filename for a in card.attachments] == ["session-source.mp3"] and card.embeds
        assert not [m for m in h.bot_messages(h.discord.default_channel_id) if m.embeds]

        # Remix this reads the track from the post's first message (the card).
        result = await remix_this(h, session, ALICE, "tape stop")
        [job] = await h.jobs()
        assert job.source_message_id == card.id and job.channel_id == post.id
        assert f"session:enter:{job.id}:1" in buttons(result)
        await submit(h, session, BOB)
        await submit(h, session, CAROL, name="first.wav")
        # Carol withdraws her first entry (no confirmation; the private reply confirms) and enters another.
        mine = await h.discord.click_button(card.id, f"session:mine:{session.id}", user_id=CAROL)
        await answer(h, mine, "Your entries")
        [withdraw] = list(buttons(h.discord.message(mine.original_message_id or 0)))
        assert "Withdrawn" in await answer(
            h, await h.discord.click_button(mine.original_message_id or 0, withdraw, user_id=CAROL)
        )
        await submit(h, session, CAROL, name="second.wav")

        ix = await h.discord.run_slash_command(
            "session", {}, subcommand="next", user_id=HOST, channel_id=post.id
        )
        await answer(h, ix, "entries are being posted")
        posts = await h.wait_for(lambda: len(entry_posts(h, session)) == 2 and entry_posts(h, session))
        by_member = {e.member_id: e for e in await entries(h, session.id) if e.status is EntryStatus.ENTERED}
        assert by_member[CAROL].upload_filename == "second.wav"
        await vote(h, posts[(by_member[BOB].number or 0) - 1], ALICE)
        await vote(h, posts[(by_member[CAROL].number or 0) - 1], DAVE)

        # A member can press only what the card shows: End voting once the card says voting is open.
        await h.wait_for(lambda: f"session:end:{session.id}" in buttons(h.discord.message(card.id)))
        end = await h.discord.click_button(card.id, f"session:end:{session.id}", user_id=HOST)
        await answer(h, end, "results are being posted")
        await h.wait_for(lambda: post.locked and post.archived, timeout=30)
        [results] = [
            m for m in h.bot_messages(post.id) if m.embeds and "Results" in m.embeds[0].get("title", "")
        ]
        ranking = results.embeds[0]["description"]
        assert "A 2-way tie for first place" in ranking
        assert ranking.count("**1.**") == 2, "tied entries share the place"
        assert len(results.attachments) == 2, "both winning takes"
        announcement = [m for m in h.bot_messages(h.discord.default_channel_id) if "is over" in m.content]
        assert f"<@{BOB}>" in announcement[0].content and f"<@{CAROL}>" in announcement[0].content
        card = h.discord.message(card.id)
        assert card.components == [] and "Closed" in card_text(card)


async def test_cancel_list_and_autocomplete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    async with world(tmp_path, monkeypatch) as (h, _):
        await h.start()
        session, card = await start(h, "Cancel me")
        choices = await h.discord.autocomplete(
            "session", "session", "canc", subcommand="cancel", user_id=HOST
        )
        assert [c["value"] for c in choices] == [str(session.id)] and "Cancel me" in choices[0]["name"]
        listed = await h.discord.run_slash_command("session", {}, subcommand="list", user_id=ALICE)
        assert f"#{session.id} **Cancel me** · Submissions open" in await answer(h, listed)

        nope = await h.discord.run_slash_command(
            "session", {"session": str(session.id)}, subcommand="cancel", user_id=ALICE
        )
        assert "Only the session's host or a moderator" in await answer(h, nope)
        h.discord.members[DAVE].permissions |= MANAGE_MESSAGES
        ix = await h.discord.run_slash_command(
            "session", {"session": str(session.id)}, subcommand="cancel", user_id=DAVE
        )
        assert "cancelled" in await answer(h, ix, "cancelled")
        thread = h.discord.channels[session.thread_id or 0]
        await h.wait_for(lambda: thread.archived, timeout=30)
        card = await card_says(h, session, "Cancelled")
        assert card.components == []
        assert not [
            m for m in h.bot_messages(thread.id) if m.embeds and "Results" in m.embeds[0].get("title", "")
        ]
        results = await h.discord.run_slash_command(
            "session", {"session": str(session.id)}, subcommand="results", user_id=ALICE
        )
        assert "has no results" in await answer(h, results)


async def test_voters_setting_and_uploads_checked_like_any_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    async with world(tmp_path, monkeypatch) as (h, _):
        await h.start()
        setting = await h.discord.run_slash_command(
            "config", {"joined_before": False}, subcommand="session-voters", user_id=HOST
        )
        assert "Who may vote: every member" in await answer(h, setting)
        session, card = await start(h, "Open to all")
        assert "Who may vote: every member" in card_text(card)

        not_audio = await h.discord.run_slash_command(
            "session",
            {},
            subcommand="submit",
            user_id=BOB,
            channel_id=session.thread_id,
            attachments=[("fake.mp3", b"this is not audio at all" * 100, "audio/mpeg")],
        )
        assert "I can't use that file" in await answer(h, not_audio, "can't use")
        too_early = await h.discord.run_slash_command(
            "session", {}, subcommand="next", user_id=BOB, channel_id=session.thread_id
        )
        assert "Only hosts" in await answer(h, too_early)
        assert await entries(h, session.id) == []

        await submit(h, session, BOB)
        opened = await h.discord.click_button(card.id, f"session:open:{session.id}", user_id=HOST)
        await answer(h, opened, "entries are being posted")
        [post] = await h.wait_for(lambda: entry_posts(h, session))
        assert "Your vote is on Entry 1" in await vote(h, post, LATE), (
            "a newcomer may vote when the setting is off"
        )


async def test_a_french_server_reads_its_session_in_french_and_a_german_member_hears_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The card, its buttons and the thread speak the server's language (guild_locale fr), and still do
    after a restart; a member's refusals and answers speak the member's (locale de)."""
    async with world(tmp_path, monkeypatch, preferred_locale="fr") as (h, _):
        await h.start()
        # /session and the session settings are registered with every catalogue's descriptions.
        start_command = next(o for o in h.discord.command("session")["options"] if o["name"] == "start")
        assert start_command["description_localizations"]["fr"] == (
            "Lance une session remix sur un morceau (hôtes seulement)."
        )
        title = next(o for o in start_command["options"] if o["name"] == "title")
        assert title["description_localizations"]["de"] == "Der Name der Session (auch für den Thread)"
        forum = next(o for o in h.discord.command("config")["options"] if o["name"] == "session-forum")
        assert forum["options"][0]["description_localizations"]["pt-BR"].startswith("O fórum onde")

        refused = await h.discord.run_slash_command(
            "session",
            {"title": "x"},
            subcommand="start",
            user_id=ALICE,
            locale="de",
            attachments=[("t.mp3", song(tmp_path), "audio/mpeg")],
        )
        assert (await answer(h, refused)).startswith(
            "Das dürfen nur Hosts: Mitglieder mit „Server verwalten“"
        )

        session, card = await start(h, "Sommerflip")  # the host's own answer: their language (en-US)
        assert session.public_locale == "fr", "a restart keeps the session's language"
        embed = card.embeds[0]
        assert embed["title"] == "Session remix : Sommerflip"
        assert [f["name"] for f in embed["fields"]] == [
            "Phase",
            "Fin des envois",
            "Fin du vote",
            "Pour l'instant",
            "Règles",
        ]
        assert embed["fields"][0]["value"] == "Envois ouverts"
        assert "Jusqu'à 2 participations par membre." in card_text(card)
        assert set(buttons(card).values()) == {"Je remixe", "Mes participations", "Ouvrir le vote"}
        source = h.discord.message(session.source_message_id or 0)
        assert source.content.startswith("Le morceau d'origine de **Sommerflip**. Appuie sur **Je remixe**")

        # A German member on the French card: refused in German, their upload answered in German.
        pressed = await h.discord.click_button(
            card.id, f"session:open:{session.id}", user_id=DAVE, locale="de"
        )
        assert (await answer(h, pressed)).startswith("Das dürfen nur Hosts:")
        upload = await h.discord.run_slash_command(
            "session",
            {},
            subcommand="submit",
            user_id=CAROL,
            channel_id=session.thread_id,
            locale="de",
            attachments=[("mix.wav", song(tmp_path, seconds=2.0, fmt="wav", name="carol"), "audio/wav")],
        )
        assert "Dein Remix ist eingereicht \u2013 dein Beitrag 1 von 2 in dieser Session." in await answer(
            h, upload, "eingereicht"
        )
        await card_says(h, session, "1 participation · 0 vote")

        await h.stop()
        edits = len(h.discord.message(card.id).revisions)
        await h.start()
        await h.wait_for(lambda: len(h.discord.message(card.id).revisions) > edits)
        assert "Pour l'instant: 1 participation" in card_text(h.discord.message(card.id))
        opened = await h.discord.click_button(card.id, f"session:open:{session.id}", user_id=HOST)
        await answer(h, opened, "entries are being posted")
        [post] = await h.wait_for(
            lambda: [m for m in h.bot_messages(session.thread_id) if m.content.startswith("**Participation")]
        )
        assert post.content == "**Participation 1**" and set(buttons(post).values()) == {"Voter"}
        card = await card_says(h, session, "Vote ouvert", "Fin du vote")
        assert set(buttons(card).values()) == {"Clore le vote"}
