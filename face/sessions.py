"""The Discord face of remix sessions: opening one (card, thread or forum post, the source track),
entering an upload, and the SessionFace the engine drives (card edits, anonymous entries, results,
closing the thread).

Answers to the member speak their language (Interaction.locale); the card, the thread and the results
speak the session's public locale, resolved at the start like a job's and kept with the session.

The session's source is re-uploaded once by the bot and found again by that message's id, so it
never depends on a member's expiring attachment link.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import discord
from discord import ui

from audio.probe import NotAudio, probe
from audio.transcode import fit_to_size
from domain.durations import DurationRefused, parse_duration
from domain.errors import ProviderError
from domain.kinds import JobKind
from domain.sessions import (
    DEFAULT_SUBMISSIONS,
    DEFAULT_VOTING,
    FINISHED,
    Entry,
    EntryKind,
    Results,
    Session,
    SessionPhase,
    SessionPlan,
    SessionStats,
)
from engine.intake import check_duration
from face import texts
from face.channel_writer import ChannelWriter
from face.results import REQUIRED, message_parts, missing_permissions
from face.session_card import card_channel_id, card_view, echo, render_card
from face.session_views import VoteButton, enter_reply, find_session, may_host
from face.start import member_locale, public_locale
from face.status import Coalescer
from face.tree import UserFacingError
from providers.http import TooLarge, download_to

if TYPE_CHECKING:
    from face.bot import RemixBot

log = logging.getLogger(__name__)

P = SessionPhase
THREAD_NAME_LIMIT = 100
# A week: a session thread should not auto-archive in the middle of its submissions.
AUTO_ARCHIVE_MINUTES: Literal[10080] = 10080
SOURCE_NAME = "session-source"
NEEDED = (*REQUIRED, "create_public_threads")


def _describe_duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    return "".join(parts) or "0m"


def duration(text: str | None, default: timedelta, what: str, locale: str) -> timedelta:
    """`what`: submissions or voting, for the refusal (in `locale`)."""
    if text is None:
        return default
    try:
        return parse_duration(text)
    except DurationRefused as refused:
        raise UserFacingError(
            texts.session_duration_refused(
                what,
                refused.problem.value,
                echo(text, 40),
                _describe_duration(refused.minimum),
                _describe_duration(refused.maximum),
                locale=locale,
            )
        ) from refused


def thread_url(session: Session) -> str | None:
    if session.thread_id is None:
        return None
    return f"https://discord.com/channels/{session.guild_id}/{session.thread_id}"


def message_url(session: Session, channel_id: int | None, message_id: int | None) -> str | None:
    if channel_id is None or message_id is None:
        return None
    return f"https://discord.com/channels/{session.guild_id}/{channel_id}/{message_id}"


async def session_here(bot: RemixBot, interaction: discord.Interaction, value: str | None) -> Session:
    """The session named by the option, or the one whose thread the command runs in."""
    locale = member_locale(interaction)
    if value:
        text = value.strip().lstrip("#")
        if not text.isdigit():
            raise UserFacingError(texts.session_unknown(echo(value, 40), locale=locale))
        return await find_session(bot, interaction, int(text))
    if interaction.channel_id is not None:
        session = await bot.session_engine.by_thread(interaction.channel_id)
        if session is not None and session.guild_id == interaction.guild_id:
            return session
    raise UserFacingError(texts.session_which(locale=locale))


async def fetch_audio(
    bot: RemixBot, attachment: discord.Attachment, limit: int, label: str, locale: str
) -> Path:
    """A member's attachment on disk and checked like any input (size, readable audio); the caller
    removes it. Refusals in the member's `locale`."""
    if attachment.size > limit:
        raise UserFacingError(texts.file_too_large(attachment.size, limit, label, locale=locale))
    if attachment.size == 0:
        raise UserFacingError(texts.empty_upload(locale=locale))
    suffix = Path(attachment.filename).suffix.lower()[:8]
    dest = bot.options.work_dir / "tmp" / f"session-{secrets.token_hex(6)}{suffix}"
    try:
        await download_to(bot.session, attachment.url, dest, max_bytes=limit)
    except TooLarge as exc:
        raise UserFacingError(texts.file_too_large(attachment.size, limit, label, locale=locale)) from exc
    except ProviderError as exc:
        log.info("session upload unreachable: %s", exc)
        raise UserFacingError(texts.attachment_unreachable(locale=locale)) from exc
    return dest


# -- /session start ---------------------------------------------------------------------------------------
async def start_session(
    bot: RemixBot,
    interaction: discord.Interaction,
    *,
    audio: discord.Attachment,
    title: str,
    submissions: str | None,
    voting: str | None,
    entries_per_member: int,
    provider: str | None,
    forum: discord.ForumChannel | None,
) -> None:
    locale = member_locale(interaction)
    if interaction.guild is None or interaction.guild_id is None or interaction.channel_id is None:
        raise UserFacingError(texts.guild_only(locale=locale))
    if not await may_host(bot, interaction):
        raise UserFacingError(texts.session_not_host(locale=locale))
    settings = await bot.guilds_repo.get(interaction.guild_id)
    if forum is None and settings.session_forum_id:
        configured = interaction.guild.get_channel(settings.session_forum_id)
        forum = configured if isinstance(configured, discord.ForumChannel) else None
    channel = interaction.channel
    if forum is None and not isinstance(channel, discord.TextChannel):
        raise UserFacingError(texts.session_where(locale=locale))
    submissions_span = duration(submissions, DEFAULT_SUBMISSIONS, "submissions", locale)
    voting_span = duration(voting, DEFAULT_VOTING, "voting", locale)
    name = (provider or "").strip().lower() or None
    remixers = bot.registry.supporting(JobKind.REMIX)
    if name is not None and name not in bot.registry:
        raise UserFacingError(texts.unknown_provider(echo(name, 40), remixers, locale=locale))
    if name is not None and name not in remixers:
        labels = [bot.registry.get(n).label for n in remixers]
        raise UserFacingError(
            texts.kind_not_supported(bot.registry.get(name).label, JobKind.REMIX, labels, locale=locale)
        )
    checker = bot.registry.get(name or bot.registry.default_for(JobKind.REMIX))
    if missing := missing_permissions(interaction.app_permissions, locale=locale):
        raise UserFacingError(texts.missing_permissions(missing, locale=locale))
    await interaction.response.defer(ephemeral=True, thinking=True)
    path = await fetch_audio(bot, audio, bot.intake.input_limit(checker.name), checker.label, locale)
    try:
        try:
            info = await bot.audio.run(probe, path)
        except NotAudio as exc:
            raise UserFacingError(texts.not_audio(exc.reason, locale=locale)) from exc
        if refused := check_duration(info.duration, checker.capabilities, checker.label):
            raise UserFacingError(texts.refusal(refused, locale=locale))
        plan = SessionPlan(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            host_id=interaction.user.id,
            title=title.strip() or audio.filename,
            provider=name,
            entries_per_member=entries_per_member,
            voters_joined_before=settings.session_voters_joined_before is not False,
            source_filename=SOURCE_NAME + path.suffix,
            forum_channel_id=forum.id if forum else None,
            submissions=submissions_span,
            voting=voting_span,
            # The card, thread and results speak the server's public language, kept across restarts.
            public_locale=await public_locale(bot, interaction),
        )
        session = await bot.session_engine.start(plan)
        try:
            session = await _open_in_discord(bot, session, path, forum, channel)
        except discord.HTTPException as exc:
            log.warning("session %s: could not open it in Discord (%s)", session.id, exc.status)
            await bot.session_engine.cancel(session.id)
            needed = [texts.permission_name(flag, locale=locale) for flag in NEEDED]
            raise UserFacingError(texts.missing_permissions(needed, locale=locale)) from exc
    finally:
        path.unlink(missing_ok=True)
    bot.session_face.card_changed(session, await bot.session_engine.stats(session.id))
    await interaction.edit_original_response(
        content=texts.session_opened(thread_url(session) or "", locale=locale)
    )


async def _open_in_discord(
    bot: RemixBot,
    session: Session,
    source: Path,
    forum: discord.ForumChannel | None,
    channel: object,
) -> Session:
    """The card, the thread (or forum post) and the re-uploaded source; their ids recorded."""
    stats = SessionStats(entries=0, ballots=0)
    name = texts.clip(session.title, THREAD_NAME_LIMIT)
    file = discord.File(source, filename=session.source_filename)
    try:
        if forum is not None:
            made = await forum.create_thread(
                name=name,
                embed=render_card(session, stats),
                file=file,
                view=card_view(session) or discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            recorded = await bot.session_engine.record(
                session.id,
                thread_id=made.thread.id,
                card_message_id=made.message.id,
                source_message_id=made.message.id,
            )
        else:
            assert isinstance(channel, discord.TextChannel)
            card = await channel.send(
                embed=render_card(session, stats),
                view=card_view(session) or discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            await bot.session_engine.record(session.id, card_message_id=card.id)
            thread = await card.create_thread(name=name, auto_archive_duration=AUTO_ARCHIVE_MINUTES)
            posted = await thread.send(
                texts.session_source_posted(echo(session.title, 200), locale=session.public_locale),
                file=file,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            recorded = await bot.session_engine.record(
                session.id, thread_id=thread.id, source_message_id=posted.id
            )
    finally:
        file.close()
    return recorded or session


# -- /session submit ---------------------------------------------------------------------------------------
async def submit_upload(
    bot: RemixBot, interaction: discord.Interaction, audio: discord.Attachment, session_option: str | None
) -> None:
    """A member's own remix: checked like any input, posted as uploaded unless it must shrink to fit."""
    locale = member_locale(interaction)
    session = await session_here(bot, interaction, session_option)
    if session.phase is not P.SUBMISSIONS:
        raise UserFacingError(texts.session_not_submitting(locale=locale))
    await interaction.response.defer(ephemeral=True, thinking=True)
    limit = interaction.filesize_limit
    label = texts.session_upload_label(locale=locale)
    path = await fetch_audio(bot, audio, bot.options.max_input_bytes, label, locale)
    fitted: Path | None = None
    try:
        try:
            info = await bot.audio.run(probe, path)
        except NotAudio as exc:
            raise UserFacingError(texts.not_audio(exc.reason, locale=locale)) from exc
        entry_file = path
        if info.size > limit:
            fitted = await bot.audio.run(
                fit_to_size, path, path.parent / f"{path.stem}-fit", limit, duration=info.duration
            )
            if fitted is None:
                raise UserFacingError(texts.session_entry_too_large(limit, locale=locale))
            entry_file = fitted
        outcome = await bot.session_engine.enter(
            session.id,
            interaction.user.id,
            entry_file,
            max_bytes=limit,
            upload_filename=Path(audio.filename).with_suffix(entry_file.suffix).name,
        )
    finally:
        path.unlink(missing_ok=True)
        if fitted is not None:
            fitted.unlink(missing_ok=True)
    await interaction.followup.send(enter_reply(outcome, None, locale), ephemeral=True)


# -- the SessionFace -----------------------------------------------------------------------------------------
class DiscordSessions:
    """What the session engine asks of Discord. Posts carry nonces derived from the session and
    entry, so a post retried after a crash returns the message already posted."""

    def __init__(self, bot: RemixBot, *, interval: float, writer: ChannelWriter | None = None) -> None:
        self.bot = bot
        # Card edits wait their turn in the writer of the card's channel (or forum thread), with the
        # status edits and result posts there.
        self._cards: Coalescer[int, tuple[Session, SessionStats]] = Coalescer(
            self._write_card,
            interval=interval,
            is_final=lambda state: state[0].phase in FINISHED,
            name="card",
            channel_of=lambda state: card_channel_id(state[0]),
            writer=writer,
        )

    async def close(self) -> None:
        await self._cards.close()

    # -- card ----------------------------------------------------------------------------
    def card_changed(self, session: Session, stats: SessionStats) -> None:
        if session.card_message_id is not None:
            self._cards.push(session.id, (session, stats))

    async def _write_card(self, state: tuple[Session, SessionStats]) -> None:
        session, stats = state
        assert session.card_message_id is not None
        channel = self.bot.get_partial_messageable(card_channel_id(session), guild_id=session.guild_id)
        embed = render_card(
            session,
            stats,
            source_url=message_url(session, session.thread_id, session.source_message_id),
            results_url=message_url(session, session.thread_id, session.results_message_id),
        )
        await channel.get_partial_message(session.card_message_id).edit(embed=embed, view=card_view(session))

    # -- entries -------------------------------------------------------------------------
    async def post_entry(self, session: Session, entry: Entry) -> int | None:
        if session.thread_id is None or entry.number is None or not entry.file_path.exists():
            log.warning("session %s: entry %s cannot be posted (no thread or no file)", session.id, entry.id)
            return None
        thread = self.bot.get_partial_messageable(session.thread_id, guild_id=session.guild_id)
        view = ui.View(timeout=None)
        view.add_item(VoteButton(session.id, entry.id, session.public_locale))
        # A neutral name: nothing in the file name may tell whose entry it is.
        file = discord.File(entry.file_path, filename=f"entry-{entry.number}{entry.file_path.suffix}")
        try:
            message = await thread.send(
                texts.session_entry_heading(entry.number, locale=session.public_locale),
                file=file,
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=f"s{session.id}e{entry.id}",
            )
        except discord.HTTPException as exc:
            if exc.status >= 500:
                raise  # worth another try: the scheduler comes back
            log.warning(
                "session %s: Discord refused entry %s (%s %s)", session.id, entry.id, exc.status, exc.code
            )
            return None
        finally:
            file.close()
        return message.id

    # -- results -------------------------------------------------------------------------
    async def _what(self, entry: Entry, locale: str | None) -> str:
        if entry.kind is EntryKind.AI and entry.job_id is not None:
            job = await self.bot.jobs.get(entry.job_id)
            return texts.session_prompt(echo(job.prompt, 120) if job else "", locale=locale)
        return texts.session_upload_what(echo(entry.upload_filename or "", 60), locale=locale)

    async def results_embed(self, results: Results) -> discord.Embed:
        """The results are public: in the session's public locale, wherever they are posted."""
        session = results.session
        locale = session.public_locale
        lines: list[str] = []
        if not results.placings:
            lines.append(texts.session_no_entries(locale=locale))
        elif results.no_winner:
            lines.append(texts.session_no_winner(locale=locale))
            for placing in results.placings:
                entry = placing.entry
                what = await self._what(entry, locale)
                lines.append(
                    texts.session_no_winner_line(entry.number or 0, entry.member_id, what, locale=locale)
                )
        else:
            if len(results.winners) > 1:
                lines.append(texts.session_tie(len(results.winners), locale=locale))
            for placing in results.placings:
                entry = placing.entry
                lines.append(
                    texts.session_place_line(
                        placing.place,
                        entry.number or 0,
                        placing.votes,
                        entry.member_id,
                        await self._what(entry, locale),
                        locale=locale,
                    )
                )
        embed = discord.Embed(
            title=texts.clip(texts.session_results_title(echo(session.title, 200), locale=locale), 256),
            description=texts.clip("\n".join(lines), 4000),
            colour=discord.Colour.green(),
        )
        embed.set_footer(text=texts.session_footer(session.id, locale=locale))
        return embed

    def winner_files(self, results: Results, upload_limit: int) -> list[discord.File]:
        """The winning takes again, as many as one message carries."""
        found = [
            (p.entry.file_path, f"entry-{p.entry.number}{p.entry.file_path.suffix}")
            for p in results.winners
            if p.entry.file_path.exists()
        ]
        groups = message_parts(found, lambda f: f[0].stat().st_size, upload_limit)
        return [discord.File(path, filename=name) for path, name in (groups[0] if groups else [])]

    async def send_results(self, channel_id: int, results: Results, *, nonce: str | None) -> discord.Message:
        session = results.session
        channel = self.bot.get_partial_messageable(channel_id, guild_id=session.guild_id)
        guild = self.bot.get_guild(session.guild_id)
        files = self.winner_files(results, guild.filesize_limit if guild else 10 * 1024 * 1024)
        try:
            return await channel.send(
                embed=await self.results_embed(results),
                files=files,
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=nonce or discord.utils.MISSING,
            )
        finally:
            for file in files:
                file.close()

    async def post_results(self, session: Session, results: Results) -> int:
        assert session.thread_id is not None
        message = await self.send_results(session.thread_id, results, nonce=f"s{session.id}results")
        winners = sorted({p.entry.member_id for p in results.winners})
        try:
            await self.bot.get_partial_messageable(session.channel_id, guild_id=session.guild_id).send(
                texts.session_announcement(
                    echo(session.title, 200), winners, message.jump_url, locale=session.public_locale
                ),
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(w) for w in winners]),
                nonce=f"s{session.id}announce",
            )
        except discord.HTTPException as exc:
            log.warning("session %s: announcement refused (%s)", session.id, exc.status)
        return message.id

    # -- closing -------------------------------------------------------------------------
    async def close_thread(self, session: Session, entries: list[Entry]) -> None:
        # The card's last state first: a locked, archived forum post can no longer be edited.
        await self._cards.flush(session.id)
        if session.thread_id is None:
            return
        thread = self.bot.get_partial_messageable(session.thread_id, guild_id=session.guild_id)
        for entry in entries:
            if entry.message_id is None:
                continue
            with contextlib.suppress(discord.NotFound):
                await thread.get_partial_message(entry.message_id).edit(view=None)
        channel = self.bot.get_channel(session.thread_id) or await self.bot.fetch_channel(session.thread_id)
        if not isinstance(channel, discord.Thread):
            return
        try:
            await channel.edit(locked=True, archived=True)
        except discord.Forbidden:
            # Locking takes Manage Threads; archiving alone is the bot's right as the thread's creator.
            log.warning("session %s: no Manage Threads, archiving the thread without locking it", session.id)
            await channel.edit(archived=True)
