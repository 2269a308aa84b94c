"""Session buttons and the Remix this form. Every button is a DynamicItem whose custom_id names the
session (and the entry, or the job and take), so it works on any message after any restart; the
session is read again and who may press is checked on every press. Refusals and answers are private,
in the member's language; the labels of buttons on a public message speak the session's (or the job's)
public locale.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from domain.errors import ProviderError
from domain.jobs import Job, JobResult, JobState
from domain.kinds import JobKind
from domain.session_outcomes import (
    EnterCode,
    EnterOutcome,
    PhaseCode,
    PhaseOutcome,
    VoteCode,
    VoteOutcome,
    WithdrawCode,
)
from domain.sessions import Session, SessionPhase
from engine.sessions import Voter
from face import texts
from face.results import take_stem
from face.sources import Source, attached_takes, follow_up, take_of
from face.start import member_locale, start_job
from face.tree import UserFacingError, report
from face.views import DeleteButton, result_view
from providers.http import download_to

if TYPE_CHECKING:
    from face.bot import RemixBot

log = logging.getLogger(__name__)

P = SessionPhase
FORM_TIMEOUT = 30 * 60
ROW_WIDTH = 5
MAX_ENTER_BUTTONS = 4 * ROW_WIDTH


# -- who may do what --------------------------------------------------------------------------------------
async def find_session(bot: RemixBot, interaction: discord.Interaction, session_id: int) -> Session:
    """The session, if it belongs to the server the member is in."""
    session = await bot.session_engine.get(session_id)
    if session is None or session.guild_id != interaction.guild_id:
        raise UserFacingError(texts.session_unknown(str(session_id), locale=member_locale(interaction)))
    return session


async def may_host(bot: RemixBot, interaction: discord.Interaction) -> bool:
    """Manage Server or Manage Events, or the role /config session-role names."""
    permissions = interaction.permissions
    if permissions.manage_guild or permissions.manage_events:
        return True
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    role_id = (await bot.guilds_repo.get(interaction.guild_id)).session_role_id
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)


async def may_steer(bot: RemixBot, interaction: discord.Interaction, session: Session) -> bool:
    """The session's host, any member who may host, or a moderator (Manage Messages)."""
    if interaction.user.id == session.host_id or interaction.permissions.manage_messages:
        return True
    return await may_host(bot, interaction)


def phase_reply(outcome: PhaseOutcome, locale: str) -> str:
    if outcome.code is PhaseCode.NOT_FOUND or outcome.session is None:
        return texts.session_unknown("?", locale=locale)
    if outcome.code is PhaseCode.WRONG_PHASE:
        return texts.session_wrong_phase(outcome.session.phase.value, locale=locale)
    return texts.session_moved(outcome.session.phase.value, locale=locale)


async def steer(
    bot: RemixBot, interaction: discord.Interaction, session: Session, to: SessionPhase | None
) -> None:
    """Open voting, end voting (None: whichever is next) or cancel, for a host; answered privately.

    The follow-up (posting every entry, the results) runs before the phase change returns, so the
    answer is deferred first.
    """
    locale = member_locale(interaction)
    if not await may_steer(bot, interaction, session):
        raise UserFacingError(
            texts.session_not_host_or_moderator(locale=locale)
            if to is P.CANCELLED
            else texts.session_not_host(locale=locale)
        )
    await interaction.response.defer(ephemeral=True, thinking=True)
    engine = bot.session_engine
    if to is P.VOTING:
        outcome = await engine.open_voting(session.id)
    elif to is P.CLOSED:
        outcome = await engine.end_voting(session.id)
    elif to is P.CANCELLED:
        outcome = await engine.cancel(session.id)
    else:
        outcome = await engine.advance(session.id)
    await interaction.followup.send(phase_reply(outcome, locale), ephemeral=True)


# -- replies to member actions ------------------------------------------------------------------------------
def vote_reply(outcome: VoteOutcome, locale: str) -> str:
    code, number = outcome.code, outcome.number or 0
    if code is VoteCode.CAST:
        return texts.session_vote_cast(number, locale=locale)
    if code is VoteCode.MOVED:
        return texts.session_vote_moved(outcome.previous, number, locale=locale)
    if code is VoteCode.ALREADY:
        return texts.session_vote_already(number, locale=locale)
    if code is VoteCode.OWN_ENTRY:
        return texts.session_vote_own(locale=locale)
    if code is VoteCode.NOT_ELIGIBLE:
        return texts.session_vote_not_eligible(locale=locale)
    if code is VoteCode.BOT:
        return texts.session_vote_bot(locale=locale)
    if code is VoteCode.NO_SUCH_ENTRY:
        return texts.session_vote_no_entry(locale=locale)
    return texts.session_vote_not_open(locale=locale)


def enter_reply(outcome: EnterOutcome, take: int | None, locale: str, url: str | None = None) -> str:
    if outcome.code is EnterCode.ENTERED:
        if take is None:
            return texts.session_upload_entered(outcome.count, outcome.cap, locale=locale)
        return texts.session_entered(take, outcome.count, outcome.cap, url, locale=locale)
    if outcome.code is EnterCode.CAP_REACHED:
        return texts.session_cap_reached(outcome.cap, locale=locale)
    if outcome.code is EnterCode.ALREADY_ENTERED:
        return texts.session_already_entered(locale=locale)
    if outcome.code is EnterCode.TOO_LARGE:
        return texts.session_entry_too_large(outcome.limit, locale=locale)
    return texts.session_not_submitting(locale=locale)


# -- the Remix this form ------------------------------------------------------------------------------------
class SessionRemixForm(ui.Modal):
    """Prompt, lyrics and provider for a remix of the session track, in the presser's `locale`."""

    def __init__(self, bot: RemixBot, session: Session, locale: str) -> None:
        super().__init__(title=texts.session_form_words("title", locale=locale), timeout=FORM_TIMEOUT)
        self.bot = bot
        self.session = session
        names = bot.registry.supporting(JobKind.REMIX)
        self.prompt: ui.TextInput[SessionRemixForm] = ui.TextInput(
            custom_id="prompt", style=discord.TextStyle.paragraph, required=False, max_length=4000
        )
        self.lyrics: ui.TextInput[SessionRemixForm] = ui.TextInput(
            custom_id="lyrics", style=discord.TextStyle.paragraph, required=False, max_length=4000
        )
        self.provider: ui.Select[SessionRemixForm] = ui.Select(
            custom_id="provider",
            required=False,
            min_values=0,
            max_values=1,
            options=[
                discord.SelectOption(label=bot.registry.get(n).label, value=n, default=n == session.provider)
                for n in names[:25]
            ],
        )
        for words, component in (("prompt", self.prompt), ("lyrics", self.lyrics)):
            self.add_item(
                ui.Label(
                    text=texts.form_words(words, locale=locale),
                    description=texts.form_words(f"{words}-hint", locale=locale),
                    component=component,
                )
            )
        self.add_item(
            ui.Label(
                text=texts.session_form_words("provider", locale=locale),
                description=texts.session_form_words("provider-hint", locale=locale),
                component=self.provider,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        locale = member_locale(interaction)
        session = await find_session(self.bot, interaction, self.session.id)
        if session.phase is not P.SUBMISSIONS or session.thread_id is None:
            raise UserFacingError(texts.session_not_submitting(locale=locale))
        source = await session_source(self.bot, session, locale)
        draft = follow_up(
            interaction,
            source,
            kind=JobKind.REMIX,
            provider=(self.provider.values[0] if self.provider.values else None) or session.provider,
            prompt=self.prompt.value,
            lyrics=self.lyrics.value or None,
            gender=None,
            reply_to=None,
        )
        # Status and takes go to the session thread, wherever the card was pressed.
        draft.channel_id = session.thread_id
        draft.session_id = session.id
        job = await start_job(self.bot, interaction, draft)
        if job is not None and job.state is JobState.QUEUED:
            # start_job says "in this channel"; the card may be in another one than the thread.
            url = f"https://discord.com/channels/{session.guild_id}/{session.thread_id}"
            await interaction.edit_original_response(content=texts.session_job_in_thread(url, locale=locale))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]  # discord.py types the form's own on_error narrower
        await report(interaction, error, "session remix form")


async def session_source(bot: RemixBot, session: Session, locale: str) -> Source:
    """The session track from the bot's own message in the thread, its URL fresh now; a refusal in the
    member's `locale`."""
    if session.thread_id is None or session.source_message_id is None:
        raise UserFacingError(texts.session_not_submitting(locale=locale))
    channel = bot.get_partial_messageable(session.thread_id, guild_id=session.guild_id)
    try:
        message = await channel.fetch_message(session.source_message_id)
    except discord.HTTPException as exc:
        log.warning("session %s: source message unavailable (%s)", session.id, exc.status)
        raise UserFacingError(texts.session_not_submitting(locale=locale)) from exc
    attachment = next(
        (a for a in message.attachments if a.filename == session.source_filename),
        message.attachments[0] if message.attachments else None,
    )
    if attachment is None:
        raise UserFacingError(texts.session_not_submitting(locale=locale))
    return Source(attachment.filename, attachment.size, url=attachment.url, message_id=message.id)


# -- buttons -------------------------------------------------------------------------------------------------
class _SessionButton:
    """Shared by every session button: `session:<action>:<session id>[:<entry id>]`."""

    session_id: int
    custom_id: str

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: RemixBot = interaction.client  # type: ignore[assignment]  # the client is always this bot
        try:
            session = await find_session(bot, interaction, self.session_id)
            await self.run(bot, interaction, session)
        except Exception as error:
            await report(interaction, error, f"button {self.custom_id}")


def _button(label: str, custom_id: str, style: discord.ButtonStyle) -> ui.Button[Any]:
    return ui.Button(label=label, style=style, custom_id=custom_id)


class RemixThisButton(
    _SessionButton, ui.DynamicItem[ui.Button[Any]], template=r"session:remix:(?P<session>[0-9]+)"
):
    def __init__(self, session_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        super().__init__(
            _button(
                texts.session_button("remix", locale=locale),
                f"session:remix:{session_id}",
                discord.ButtonStyle.primary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> RemixThisButton:
        return cls(int(match["session"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        locale = member_locale(interaction)
        if session.phase is not P.SUBMISSIONS:
            raise UserFacingError(texts.session_not_submitting(locale=locale))
        await interaction.response.send_modal(SessionRemixForm(bot, session, locale))


class MyEntriesButton(
    _SessionButton, ui.DynamicItem[ui.Button[Any]], template=r"session:mine:(?P<session>[0-9]+)"
):
    def __init__(self, session_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        super().__init__(
            _button(
                texts.session_button("mine", locale=locale),
                f"session:mine:{session_id}",
                discord.ButtonStyle.secondary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> MyEntriesButton:
        return cls(int(match["session"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        locale = member_locale(interaction)  # the list and its buttons are private
        if session.phase is not P.SUBMISSIONS:
            raise UserFacingError(texts.session_not_submitting(locale=locale))
        entries = await bot.session_engine.my_entries(session.id, interaction.user.id)
        lines = []
        view = ui.View(timeout=None)
        for position, entry in enumerate(entries, start=1):
            what = (
                texts.session_ai_entry(entry.job_id, entry.take_index, locale=locale)
                if entry.job_id is not None and entry.take_index is not None
                else texts.session_upload_entry(
                    discord.utils.escape_markdown(texts.clip(entry.upload_filename or "", 80)), locale=locale
                )
            )
            moment = int(entry.created_at.timestamp())
            lines.append(texts.session_my_entry_line(position, what, moment, locale=locale))
            button = WithdrawButton(session.id, entry.id)
            button.item.label = texts.button_session_withdraw(position, locale=locale)
            view.add_item(button)
        await interaction.response.send_message(
            texts.session_my_entries(lines, session.entries_per_member, locale=locale),
            view=view if entries else discord.utils.MISSING,
            ephemeral=True,
        )


class WithdrawButton(
    _SessionButton,
    ui.DynamicItem[ui.Button[Any]],
    template=r"session:withdraw:(?P<session>[0-9]+):(?P<entry>[0-9]+)",
):
    def __init__(self, session_id: int, entry_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        self.entry_id = entry_id
        super().__init__(
            _button(
                texts.session_button("withdraw", locale=locale),
                f"session:withdraw:{session_id}:{entry_id}",
                discord.ButtonStyle.danger,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> WithdrawButton:
        return cls(int(match["session"]), int(match["entry"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        code = await bot.session_engine.withdraw(session.id, self.entry_id, interaction.user.id)
        locale = member_locale(interaction)
        reply = {
            WithdrawCode.WITHDRAWN: texts.session_withdrawn(locale=locale),
            WithdrawCode.NOT_FOUND: texts.session_withdraw_not_found(locale=locale),
        }.get(code, texts.session_not_submitting(locale=locale))
        await interaction.response.send_message(reply, ephemeral=True)


class VoteButton(
    _SessionButton,
    ui.DynamicItem[ui.Button[Any]],
    template=r"session:vote:(?P<session>[0-9]+):(?P<entry>[0-9]+)",
):
    def __init__(self, session_id: int, entry_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        self.entry_id = entry_id
        super().__init__(
            _button(
                texts.session_button("vote", locale=locale),
                f"session:vote:{session_id}:{entry_id}",
                discord.ButtonStyle.success,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["session"]), int(match["entry"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        user = interaction.user
        voter = Voter(
            member_id=user.id,
            is_bot=user.bot,
            joined_at=user.joined_at if isinstance(user, discord.Member) else None,
        )
        outcome = await bot.session_engine.vote(session.id, self.entry_id, voter)
        await interaction.response.send_message(
            vote_reply(outcome, member_locale(interaction)), ephemeral=True
        )


class OpenVotingButton(
    _SessionButton, ui.DynamicItem[ui.Button[Any]], template=r"session:open:(?P<session>[0-9]+)"
):
    def __init__(self, session_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        super().__init__(
            _button(
                texts.session_button("open-voting", locale=locale),
                f"session:open:{session_id}",
                discord.ButtonStyle.secondary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> OpenVotingButton:
        return cls(int(match["session"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        await steer(bot, interaction, session, P.VOTING)


class EndVotingButton(
    _SessionButton, ui.DynamicItem[ui.Button[Any]], template=r"session:end:(?P<session>[0-9]+)"
):
    def __init__(self, session_id: int, locale: str | None = None) -> None:
        self.session_id = session_id
        super().__init__(
            _button(
                texts.session_button("end-voting", locale=locale),
                f"session:end:{session_id}",
                discord.ButtonStyle.secondary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> EndVotingButton:
        return cls(int(match["session"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, session: Session) -> None:
        await steer(bot, interaction, session, P.CLOSED)


class EnterTakeButton(
    ui.DynamicItem[ui.Button[Any]], template=r"session:enter:(?P<job>[0-9]+):(?P<take>[0-9]+)"
):
    """On a session job's result: make take N an entry. Only the member who made the job."""

    def __init__(self, job_id: int, number: int, locale: str | None = None) -> None:
        """`locale`: the language of the result it sits on (a press finds it again by custom_id)."""
        self.job_id = job_id
        self.number = number
        super().__init__(
            _button(
                texts.button_session_enter(number, locale=locale),
                f"session:enter:{job_id}:{number}",
                discord.ButtonStyle.success,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> EnterTakeButton:
        return cls(int(match["job"]), int(match["take"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: RemixBot = interaction.client  # type: ignore[assignment]  # the client is always this bot
        try:
            await self._enter(bot, interaction)
        except Exception as error:
            await report(interaction, error, f"button session:enter:{self.job_id}:{self.number}")

    async def _enter(self, bot: RemixBot, interaction: discord.Interaction) -> None:
        locale = member_locale(interaction)
        job = await bot.jobs.get(self.job_id)
        if job is None or job.guild_id != interaction.guild_id or job.session_id is None:
            raise UserFacingError(texts.job_not_found(self.job_id, locale=locale))
        if interaction.user.id != job.member_id:
            raise UserFacingError(texts.session_only_requester(locale=locale))
        session = await bot.session_engine.get(job.session_id)
        if session is None or session.phase is not P.SUBMISSIONS:
            raise UserFacingError(texts.session_not_submitting(locale=locale))  # before any download
        await interaction.response.defer(ephemeral=True, thinking=True)
        source = _take_source(interaction, job, self.number) or await take_of(
            bot, job, self.number, locale=locale
        )
        assert source.url is not None
        session_id = session.id
        suffix = Path(source.filename or "").suffix[:8]
        dest = bot.options.work_dir / "tmp" / f"enter-{job.id}-{self.number}-{secrets.token_hex(4)}{suffix}"
        limit = interaction.filesize_limit
        try:
            # The take was posted here, so it fits; the cap only guards against a surprise.
            await download_to(
                bot.session, source.url, dest, max_bytes=max(limit, bot.options.max_input_bytes)
            )
            outcome = await bot.session_engine.enter(
                session_id,
                interaction.user.id,
                dest,
                max_bytes=limit,
                job_id=job.id,
                take_index=self.number,
            )
        except ProviderError as exc:
            log.warning("session %s: take %s of job %s unreachable: %s", session_id, self.number, job.id, exc)
            raise UserFacingError(texts.take_gone(job.id, self.number, locale=locale)) from exc
        finally:
            dest.unlink(missing_ok=True)
        await interaction.followup.send(enter_reply(outcome, self.number, locale), ephemeral=True)


def _take_source(interaction: discord.Interaction, job: Job, number: int) -> Source | None:
    """Take `number` from the message the button is on (its URL fresh with this interaction)."""
    if interaction.message is None:
        return None
    take = dict(attached_takes(job)).get(number)
    # The job row records its result just after the post; a press in between finds the take by name.
    found = next(
        (
            a
            for a in interaction.message.attachments
            if (a.filename == take.filename if take else a.filename.startswith(f"{take_stem(job, number)}."))
        ),
        None,
    )
    if found is None:
        return None
    return Source(found.filename, found.size, url=found.url, message_id=interaction.message.id)


SESSION_ITEMS = (
    RemixThisButton,
    MyEntriesButton,
    WithdrawButton,
    VoteButton,
    OpenVotingButton,
    EndVotingButton,
    EnterTakeButton,
)


def session_result_view(job: Job, result: JobResult) -> ui.View | None:
    """A session job's result carries Enter take N (only its requester may press them); any other
    job's result keeps the usual buttons. The labels speak the job's public locale, like the result."""
    if job.session_id is None:
        return result_view(job, result)
    numbered = [n for n, t in enumerate(result.takes, start=1) if t.filename][:MAX_ENTER_BUTTONS]
    view = ui.View(timeout=None)
    for position, number in enumerate(numbered):
        button = EnterTakeButton(job.id, number, job.public_locale)
        button.row = position // ROW_WIDTH
        view.add_item(button)
    view.add_item(DeleteButton(job.id, job.public_locale))
    return view
