"""Buttons and forms. Buttons are DynamicItems: the custom_id carries the action and the job id
(`remix:<action>:<job>[:<take>]`), so a button works on any message after any restart; the job is
read again and who may press it is checked on every press (see core/actions.py for the rules).

Forms (modals) live only in memory: one left open across a restart is lost, and Discord tells the
member the interaction failed; they open the form again from the same button.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord
from discord import ui

from domain.jobs import Job, JobResult
from domain.kinds import JobKind
from face import actions, texts
from face.sources import Source, attached_takes, follow_up, input_of, take_of
from face.start import start_job
from face.tree import UserFacingError, report
from providers.base import Capabilities

if TYPE_CHECKING:
    from face.bot import RemixBot

# Discord's layout limits: 5 buttons a row, 5 rows; the first row holds the job's own actions.
ROW_WIDTH = 5
MAX_TAKE_BUTTONS = 4 * ROW_WIDTH
FORM_TIMEOUT = 30 * 60
GENDERS = ("male", "female", "neutral")
AUDIO_SUFFIXES = (".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac", ".aif", ".aiff", ".wma")


# -- forms ---------------------------------------------------------------------------------------------
@dataclass
class FormValues:
    prompt: str
    lyrics: str | None
    gender: str | None
    file: int  # which of the offered files (0 when only one)


Submit = Callable[[discord.Interaction, FormValues], Awaitable[None]]


class RemixForm(ui.Modal):
    """Prompt, lyrics, voice (and which file, when a message has several); limits from the provider."""

    def __init__(
        self,
        *,
        title: str,
        caps: Capabilities,
        kind: JobKind,
        submit: Submit,
        prompt: str = "",
        lyrics: str | None = None,
        gender: str | None = None,
        files: list[str] | None = None,
        locale: str | None = None,
    ) -> None:
        # A form is shown to one member: `locale` is theirs.
        super().__init__(title=texts.clip(title, 45), timeout=FORM_TIMEOUT)
        self.submit = submit
        self.prompt: ui.TextInput[RemixForm] = ui.TextInput(
            custom_id="prompt",
            style=discord.TextStyle.paragraph,
            default=prompt or None,
            required=kind in caps.requires_prompt,
            max_length=min(4000, caps.max_prompt_chars),
        )
        self.lyrics: ui.TextInput[RemixForm] = ui.TextInput(
            custom_id="lyrics",
            style=discord.TextStyle.paragraph,
            default=lyrics or None,
            required=kind in caps.requires_lyrics,
            max_length=min(4000, caps.max_lyrics_chars),
        )
        self.gender: ui.Select[RemixForm] = ui.Select(
            custom_id="gender",
            required=False,
            min_values=0,
            max_values=1,
            options=[
                discord.SelectOption(label=texts.gender_name(g, locale=locale), value=g, default=g == gender)
                for g in GENDERS
            ],
        )
        self.add_item(
            ui.Label(
                text=texts.form_words("prompt", locale=locale),
                description=texts.form_words("prompt-hint", locale=locale),
                component=self.prompt,
            )
        )
        self.add_item(
            ui.Label(
                text=texts.form_words("lyrics", locale=locale),
                description=texts.form_words("lyrics-hint", locale=locale),
                component=self.lyrics,
            )
        )
        self.add_item(
            ui.Label(
                text=texts.form_words("gender", locale=locale),
                description=texts.form_words("gender-hint", locale=locale),
                component=self.gender,
            )
        )
        self.file: ui.Select[RemixForm] | None = None
        if files and len(files) > 1:
            self.file = ui.Select(
                custom_id="file",
                options=[
                    discord.SelectOption(label=texts.clip(name, 100), value=str(i), default=i == 0)
                    for i, name in enumerate(files[:25])
                ],
            )
            self.add_item(
                ui.Label(
                    text=texts.form_words("file", locale=locale),
                    description=texts.form_words("file-hint", locale=locale),
                    component=self.file,
                )
            )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        chosen = self.file.values[0] if self.file and self.file.values else "0"
        gender = next((g for g in self.gender.values if g in GENDERS), None)
        await self.submit(
            interaction,
            FormValues(
                prompt=self.prompt.value,
                lyrics=self.lyrics.value or None,
                gender=gender,
                file=int(chosen) if chosen.isdigit() else 0,
            ),
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]  # discord.py's Modal.on_error drops BaseView's `item`
        await report(interaction, error, f"form {self.title!r}")


def remix_provider(bot: RemixBot, wanted: str | None) -> tuple[str | None, Capabilities]:
    """The provider a remix goes to (`wanted` when it can remix, else the default) and its limits."""
    if (
        wanted is not None
        and wanted in bot.registry
        and JobKind.REMIX in bot.registry.get(wanted).capabilities.kinds
    ):
        return wanted, bot.registry.get(wanted).capabilities
    return None, bot.registry.get(bot.registry.default_for(JobKind.REMIX)).capabilities


# -- "Remix this audio" on a message ----------------------------------------------------------------------
def audio_attachments(message: discord.Message) -> list[discord.Attachment]:
    return [
        a
        for a in message.attachments
        if (a.content_type or "").startswith("audio/") or a.filename.lower().endswith(AUDIO_SUFFIXES)
    ]


async def remix_message(bot: RemixBot, interaction: discord.Interaction, message: discord.Message) -> None:
    """Open the form at once (a form must be the first response); the attachment URLs are fresh now."""
    found = audio_attachments(message)
    if not found:
        raise UserFacingError(texts.no_audio_in_message(locale=interaction.locale.value))

    async def submit(modal_interaction: discord.Interaction, values: FormValues) -> None:
        attachment = found[min(values.file, len(found) - 1)]
        source = Source(attachment.filename, attachment.size, url=attachment.url, message_id=message.id)
        await start_job(
            bot,
            modal_interaction,
            follow_up(
                modal_interaction,
                source,
                kind=JobKind.REMIX,
                provider=None,
                prompt=values.prompt,
                lyrics=values.lyrics,
                gender=values.gender,
                reply_to=message.id,
            ),
        )

    _, caps = remix_provider(bot, None)
    await interaction.response.send_modal(
        RemixForm(
            title=texts.button("remix-this-audio", locale=interaction.locale.value),
            caps=caps,
            kind=JobKind.REMIX,
            submit=submit,
            files=[a.filename for a in found],
            locale=interaction.locale.value,
        )
    )


# -- buttons -------------------------------------------------------------------------------------------------
class _JobAction:
    """Shared by every job button: read the job, check the presser, run; refusals are private."""

    job_id: int
    custom_id: str
    job: Job

    def check(self, interaction: discord.Interaction, job: Job) -> None:
        """Raise UserFacingError when this member may not press this button."""

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        bot: RemixBot = interaction.client  # type: ignore[assignment]  # the client is always this bot
        try:
            job = await actions.find_job(bot, interaction, self.job_id)
            self.check(interaction, job)
        except Exception as error:
            await report(interaction, error, f"button {self.custom_id}")
            return False
        self.job = job
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction.client, interaction, self.job)  # type: ignore[arg-type]  # the client is always this bot
        except Exception as error:
            await report(interaction, error, f"button {self.custom_id}")


def _requester_only(interaction: discord.Interaction, job: Job, action: str) -> None:
    if not actions.is_requester(interaction, job):
        raise UserFacingError(texts.only_requester(action, locale=interaction.locale.value))


class _OneJobButton(_JobAction):
    """A button that names one job: `remix:<action>:<job id>`, found again after a restart."""

    action: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary
    row: ClassVar[int | None] = None

    def __init__(self, job_id: int, locale: str | None = None) -> None:
        """`locale`: the language of the public message it sits on (a press finds it again by custom_id)."""
        self.job_id = job_id
        super().__init__(
            ui.Button(
                label=texts.button(self.action, locale=locale),
                style=self.style,  # type: ignore[call-arg]  # reaches ui.DynamicItem.__init__ in the concrete buttons
                custom_id=f"remix:{self.action}:{job_id}",
            ),
            row=self.row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["job"]))


def _template(action: str) -> str:
    return rf"remix:{action}:(?P<job>[0-9]+)"


class CancelButton(_OneJobButton, ui.DynamicItem[ui.Button[Any]], template=_template("cancel")):
    action, style = "cancel", discord.ButtonStyle.danger

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        await actions.cancel(bot, interaction, job)  # checks requester or moderator


class DeleteButton(_OneJobButton, ui.DynamicItem[ui.Button[Any]], template=_template("delete")):
    action, row = "delete", 0

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        await actions.delete_results(bot, interaction, job)  # checks requester or moderator


class RerollButton(_OneJobButton, ui.DynamicItem[ui.Button[Any]], template=_template("reroll")):
    """Same audio, same words, a new job: new takes reply to the result the button is on."""

    action, style, row = "reroll", discord.ButtonStyle.primary, 0

    def check(self, interaction: discord.Interaction, job: Job) -> None:
        _requester_only(interaction, job, texts.ACTION_REROLL)

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        source = await input_of(bot, job, locale=interaction.locale.value)
        await start_job(
            bot,
            interaction,
            follow_up(
                interaction,
                source,
                kind=job.kind,
                provider=job.provider,
                prompt=job.prompt,
                lyrics=job.lyrics,
                gender=job.gender,
                options=job.options,
                reply_to=_pressed_on(interaction),
            ),
        )


class EditButton(_OneJobButton, ui.DynamicItem[ui.Button[Any]], template=_template("edit")):
    """A form prefilled with the job's words; the same audio, a new job."""

    action, row = "edit", 0

    def check(self, interaction: discord.Interaction, job: Job) -> None:
        _requester_only(interaction, job, texts.ACTION_EDIT)

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        reply_to = _pressed_on(interaction)

        async def submit(modal_interaction: discord.Interaction, values: FormValues) -> None:
            # Read the job again: the source is looked up when the member commits, not when the form opened.
            source = await input_of(
                bot, await bot.jobs.get(job.id) or job, locale=modal_interaction.locale.value
            )
            await start_job(
                bot,
                modal_interaction,
                follow_up(
                    modal_interaction,
                    source,
                    kind=job.kind,
                    provider=job.provider,
                    prompt=values.prompt,
                    lyrics=values.lyrics,
                    gender=values.gender,
                    options=job.options,
                    reply_to=reply_to,
                ),
            )

        caps = (
            bot.registry.get(job.provider).capabilities
            if job.provider in bot.registry
            else remix_provider(bot, None)[1]
        )
        await interaction.response.send_modal(
            RemixForm(
                title=texts.form_title_edit(job.id, locale=interaction.locale.value),
                locale=interaction.locale.value,
                caps=caps,
                kind=job.kind,
                submit=submit,
                prompt=job.prompt,
                lyrics=job.lyrics,
                gender=job.gender,
            )
        )


class TakeButton(
    _JobAction, ui.DynamicItem[ui.Button[Any]], template=r"remix:take:(?P<job>[0-9]+):(?P<take>[0-9]+)"
):
    """Anyone may remix a take: a form for the words, the take as the audio; the result replies to it."""

    def __init__(self, job_id: int, number: int, locale: str | None = None) -> None:
        self.job_id = job_id
        self.number = number
        super().__init__(
            ui.Button(
                label=texts.button_take(number, locale=locale),
                style=discord.ButtonStyle.secondary,
                custom_id=f"remix:take:{job_id}:{number}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> TakeButton:
        return cls(int(match["job"]), int(match["take"]))

    async def run(self, bot: RemixBot, interaction: discord.Interaction, job: Job) -> None:
        # The message the button is on came with this interaction, its attachment URLs fresh.
        take = dict(attached_takes(job)).get(self.number)
        on_message = (
            next((a for a in interaction.message.attachments if take and a.filename == take.filename), None)
            if interaction.message
            else None
        )
        number = self.number

        async def submit(modal_interaction: discord.Interaction, values: FormValues) -> None:
            if on_message is not None and interaction.message is not None:
                source = Source(
                    on_message.filename,
                    on_message.size,
                    url=on_message.url,
                    message_id=interaction.message.id,
                )
            else:
                source = await take_of(bot, job, number, locale=modal_interaction.locale.value)
            await start_job(
                bot,
                modal_interaction,
                follow_up(
                    modal_interaction,
                    source,
                    kind=JobKind.REMIX,
                    provider=provider,
                    prompt=values.prompt,
                    lyrics=values.lyrics,
                    gender=values.gender,
                    reply_to=source.message_id,
                ),
            )

        if take is None:
            raise UserFacingError(texts.take_gone(job.id, number, locale=interaction.locale.value))
        provider, caps = remix_provider(bot, job.provider)
        await interaction.response.send_modal(
            RemixForm(
                title=texts.form_title_take(number, locale=interaction.locale.value),
                locale=interaction.locale.value,
                caps=caps,
                kind=JobKind.REMIX,
                submit=submit,
            )
        )


def _pressed_on(interaction: discord.Interaction) -> int | None:
    return interaction.message.id if interaction.message else None


class ShowStatusButton(ui.DynamicItem[ui.Button[Any]], template=r"remix:board:(?P<channel>[0-9]+)"):
    """On a channel board: the presser's folded jobs get their own live status messages again."""

    def __init__(self, channel_id: int, locale: str | None = None) -> None:
        """`locale`: the board's language (a press finds the button again by custom_id)."""
        self.channel_id = channel_id
        super().__init__(
            ui.Button(
                label=texts.button_show_status(locale=locale),
                style=discord.ButtonStyle.secondary,
                custom_id=f"remix:board:{channel_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ShowStatusButton:
        return cls(int(match["channel"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: RemixBot = interaction.client  # type: ignore[assignment]  # the client running this view is the bot
        try:
            shown = bot.status_board.show(self.channel_id, interaction.user.id)
            await interaction.response.send_message(
                texts.board_shown(shown, locale=interaction.locale.value), ephemeral=True
            )
        except Exception as error:
            await report(interaction, error, f"button {self.custom_id}")


DYNAMIC_ITEMS = (CancelButton, DeleteButton, RerollButton, EditButton, TakeButton, ShowStatusButton)


def board_view(channel_id: int, locale: str | None = None) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(ShowStatusButton(channel_id, locale))
    return view


def status_view(job: Job) -> ui.View | None:
    """Cancel while the job can still be cancelled; None (no buttons) from then on."""
    if not actions.cancellable(job):
        return None
    view = ui.View(timeout=None)
    view.add_item(CancelButton(job.id, job.public_locale))
    return view


def result_view(job: Job, result: JobResult) -> ui.View:
    view = ui.View(timeout=None)
    locale = job.public_locale  # buttons on a public message speak the server's language
    for item in (RerollButton(job.id, locale), EditButton(job.id, locale), DeleteButton(job.id, locale)):
        view.add_item(item)
    numbered = [n for n, t in enumerate(result.takes, start=1) if t.filename][:MAX_TAKE_BUTTONS]
    for position, number in enumerate(numbered):
        button = TakeButton(job.id, number, locale)
        button.row = 1 + position // ROW_WIDTH
        view.add_item(button)
    return view
