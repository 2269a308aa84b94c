"""A busy remix session: many members press Remix this within a minute in one thread, with the fake
Discord's per-channel write budget on (5 writes per 5 s, Discord's rough figure).

    .venv/bin/python bench/bench_session_load.py [MEMBERS] [SPREAD_SECONDS]

The real bot on the offline provider. Each member presses Remix this, fills the form, and enters
take 1 once the takes are in the thread; then the host opens voting (every entry posted in the
thread) and ends it. Prints the entries delivered (posted for the vote), the 429s the bot was
answered, the writes per channel, whether the card ended in its final state, and the wall time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from storage.db import Database
from storage.sessions import SessionRepository
from tests.e2e.harness import Harness, song
from tests.fakes.discord import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    DEFAULT_WRITE_LIMIT,
    MANAGE_THREADS,
    FakeDiscord,
    FakeInteraction,
    patched_discord,
)

MANAGE_GUILD = 1 << 5
HOST = 810000000000000001
FIRST_MEMBER = 810000000000000100
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PATIENCE = 900.0  # seconds any one step may take before the bench gives up


async def answered(h: Harness, ix: FakeInteraction) -> None:
    await ix.wait_response(timeout=10)


async def one_member(
    h: Harness, member: int, session_id: int, card_id: int, thread_id: int, delay: float
) -> float:
    """Press Remix this after `delay`, enter take 1 when the takes arrive; seconds from press to entry."""
    await asyncio.sleep(delay)
    pressed = time.monotonic()
    click = await h.discord.click_button(card_id, f"session:remix:{session_id}", user_id=member)
    await answered(h, click)
    assert click.modal is not None
    form = await h.discord.submit_modal(click.modal["custom_id"], {"prompt": "nightcore"}, user_id=member)
    await answered(h, form)
    mention = f"<@{member}>"
    [result] = await h.wait_for(
        lambda: [m for m in h.result_messages(thread_id) if m.content.startswith(mention)], timeout=PATIENCE
    )
    enter = next(
        c["custom_id"]
        for row in result.components
        for c in row["components"]
        if c["custom_id"].startswith("session:enter:") and c["custom_id"].endswith(":1")
    )
    ix = await h.discord.click_button(result.id, enter, user_id=member)
    await h.wait_for(lambda: any("is entered" in m.content for m in ix.followups), timeout=PATIENCE)
    progress(f"member {member - FIRST_MEMBER} entered")
    return time.monotonic() - pressed


def progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


async def main(members: int, spread: float) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        async with FakeDiscord(
            app_permissions=DEFAULT_BOT_PERMISSIONS | MANAGE_THREADS, write_limit=DEFAULT_WRITE_LIMIT
        ) as fake:
            fake.add_member(HOST, "host", permissions=DEFAULT_MEMBER_PERMISSIONS | MANAGE_GUILD)
            ids = [FIRST_MEMBER + n for n in range(members)]
            for member in ids:
                fake.add_member(member, f"member{member - FIRST_MEMBER}")
            with patched_discord(fake):
                h = Harness(
                    fake,
                    tmp,
                    {"default_provider": "local", "local_max_parallel": 4, "status_edit_interval": 2.0},
                )
                await h.start()
                began = time.monotonic()
                try:
                    start = await fake.run_slash_command(
                        "session",
                        {"title": "Load test", "entries_per_member": 1},
                        subcommand="start",
                        user_id=HOST,
                        attachments=[("track.mp3", song(tmp, seconds=3.0), "audio/mpeg")],
                    )
                    await answered(h, start)
                    progress("session start answered")
                    await h.wait_for(lambda: fake.threads(fake.default_channel_id), timeout=PATIENCE)
                    db = await Database.open(tmp / "bot.sqlite3")
                    store = SessionRepository(db)
                    session = None
                    while session is None or session.source_message_id is None:
                        found = await store.for_guild(fake.guild_id, LONG_AGO)
                        session = found[0] if found else None
                        await asyncio.sleep(0.1)
                    assert session.card_message_id and session.thread_id
                    progress(f"session {session.id} open; members pressing Remix this")
                    delays = sorted(random.uniform(0, spread) for _ in ids)
                    waits = await asyncio.gather(
                        *(
                            one_member(h, m, session.id, session.card_message_id, session.thread_id, d)
                            for m, d in zip(ids, delays, strict=True)
                        )
                    )
                    entered = time.monotonic()
                    progress("every member entered a take; the host opens voting")
                    opened = await fake.click_button(
                        session.card_message_id, f"session:open:{session.id}", user_id=HOST
                    )
                    await answered(h, opened)
                    card = fake.message(session.card_message_id)
                    end_id = f"session:end:{session.id}"
                    # The host presses End voting once the card shows it.
                    await h.wait_for(
                        lambda: opened.followups and end_id in str(card.components), timeout=PATIENCE
                    )
                    ended = await fake.click_button(
                        session.card_message_id, f"session:end:{session.id}", user_id=HOST
                    )
                    await answered(h, ended)
                    thread = fake.channels[session.thread_id]
                    await h.wait_for(lambda: thread.archived and ended.followups, timeout=PATIENCE)
                    await h.wait_for(
                        lambda: "Closed" in str(card.embeds) and "See the results" in str(card.embeds),
                        timeout=30,
                    )
                    posted = [
                        m for m in h.bot_messages(session.thread_id) if m.content.startswith("**Entry ")
                    ]
                    final = "Closed" in str(card.embeds) and not card.components
                    await db.close()
                finally:
                    await h.stop()
            done = time.monotonic()
            print(f"members pressing Remix this within {spread:.0f} s: {members}")
            print(f"entries delivered (posted for the vote): {len(posted)} of {members}")
            print(f"429s answered to the bot: {sum(fake.rate_limited.values())} {dict(fake.rate_limited)}")
            print(f"writes to the thread: {len(fake.writes_to(session.thread_id))}")
            print(f"writes to the card's channel: {len(fake.writes_to(fake.default_channel_id))}")
            print(f"card in its final state (closed, results linked, no buttons): {final}")
            print(f"press to entered: median {sorted(waits)[len(waits) // 2]:.1f} s, max {max(waits):.1f} s")
            print(f"open voting to thread archived: {done - entered:.1f} s; total {done - began:.1f} s")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20, float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
    )
