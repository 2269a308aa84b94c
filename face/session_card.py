"""The session card: one embed saying where a session stands, and the buttons its phase offers."""

from __future__ import annotations

import discord
from discord import ui

from domain.sessions import Session, SessionPhase, SessionStats
from face import texts
from face.session_views import EndVotingButton, MyEntriesButton, OpenVotingButton, RemixThisButton

P = SessionPhase
COLOURS = {
    P.SUBMISSIONS: discord.Colour.blurple(),
    P.VOTING: discord.Colour.gold(),
    P.CLOSED: discord.Colour.green(),
    P.CANCELLED: discord.Colour.dark_grey(),
}


def echo(text: str, limit: int) -> str:
    """Member text shown back: mentions defused, markdown escaped, clipped."""
    return texts.clip(texts.defuse(discord.utils.escape_markdown(text)), limit)


def card_channel_id(session: Session) -> int:
    """Where the card lives: the forum post's first message, or the start channel (its thread hangs
    off the card)."""
    if session.forum_channel_id is not None and session.thread_id is not None:
        return session.thread_id
    return session.channel_id


def _deadline(moment: int, open_: bool) -> str:
    return texts.session_deadline(moment) if open_ else texts.session_deadline_passed(moment)


def render_card(
    session: Session,
    stats: SessionStats,
    *,
    source_url: str | None = None,
    results_url: str | None = None,
) -> discord.Embed:
    """The card is public: it speaks the session's public locale."""
    locale = session.public_locale
    embed = discord.Embed(
        title=texts.clip(texts.session_card_title(echo(session.title, 200), locale=locale), 256),
        description=texts.session_card_description(session.host_id, source_url, locale=locale),
        colour=COLOURS[session.phase],
    )
    embed.add_field(
        name=texts.session_field("phase", locale=locale),
        value=texts.session_phase_name(session.phase.value, locale=locale),
    )
    submissions_end = int(session.submissions_end.timestamp())
    voting_end = int(session.voting_end.timestamp())
    embed.add_field(
        name=texts.session_field("submissions", locale=locale),
        value=_deadline(submissions_end, session.phase is P.SUBMISSIONS),
        inline=False,
    )
    if session.phase is not P.CANCELLED:
        embed.add_field(
            name=texts.session_field("voting", locale=locale),
            value=_deadline(voting_end, session.phase in (P.SUBMISSIONS, P.VOTING)),
            inline=False,
        )
    # Counts only: the tallies stay hidden until the end.
    embed.add_field(
        name=texts.session_field("counts", locale=locale),
        value=texts.session_counts(stats.entries, stats.ballots, locale=locale),
        inline=False,
    )
    embed.add_field(
        name=texts.session_field("rules", locale=locale),
        value=texts.session_rules(session.entries_per_member, session.voters_joined_before, locale=locale),
        inline=False,
    )
    if results_url:
        embed.add_field(
            name=texts.session_field("results", locale=locale),
            value=texts.session_results_link(results_url, locale=locale),
            inline=False,
        )
    embed.set_footer(text=texts.session_footer(session.id, locale=locale))
    return embed


def card_view(session: Session) -> ui.View | None:
    """Remix this, My entries and the host's Open voting while submissions are open; End voting while
    voting is; nothing once the session is over. Labelled in the session's public locale."""
    view = ui.View(timeout=None)
    locale = session.public_locale
    if session.phase is P.SUBMISSIONS:
        view.add_item(RemixThisButton(session.id, locale))
        view.add_item(MyEntriesButton(session.id, locale))
        view.add_item(OpenVotingButton(session.id, locale))
        return view
    if session.phase is P.VOTING:
        view.add_item(EndVotingButton(session.id, locale))
        return view
    return None
