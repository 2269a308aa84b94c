"""Every sentence a member reads, in one place: a thin layer over the message catalogues.

The words themselves live in locales/<locale>/*.ftl (face/i18n.py loads them); each function here picks
the message, shapes its arguments and takes the `locale` to speak in (English when not given). Private
replies pass the member's Interaction.locale, public messages the job's or the server's public locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from domain.admin import AdminEvent, AdminEventKind, AdminReason, AdminRefusal
from domain.errors import ErrorKind, Reason
from domain.jobs import Failure, Refusal
from domain.kinds import JobKind
from domain.tracking import Note
from face.i18n import SOURCE, Arg, catalogue, t

# Command, option and choice texts registered with Discord in English: the message each came from, so
# face/translator.py can give Discord the same message in every other catalogue.
COMMAND_MESSAGES: dict[str, tuple[str, dict[str, str | int | float]]] = {}


def _command(message_id: str, **args: str | int | float) -> str:
    """A command, option or choice text in English, remembered for the translator."""
    text = t(SOURCE, message_id, **args)
    COMMAND_MESSAGES[text] = (message_id, args)
    return text


def _options(**message_ids: str) -> dict[str, str]:
    """Option descriptions for app_commands.describe, from their message ids."""
    return {option: _command(message_id) for option, message_id in message_ids.items()}


def command_text(english: str, locale: str) -> str | None:
    """A registered command text in `locale`, when that catalogue has it (None: Discord shows English)."""
    found = COMMAND_MESSAGES.get(english)
    resolved = catalogue().resolve(locale)
    if found is None or resolved == SOURCE or not catalogue().has(resolved, found[0]):
        return None
    return catalogue().format(resolved, found[0], found[1])


# The languages /config language offers; each named in its own language.
LANGUAGES = ("en-US", "de", "es-ES", "fr", "pt-BR")
SERVER_LANGUAGE = "server"


def language_name(locale: str) -> str:
    known = catalogue().resolve(locale)
    return t(SOURCE, f"choice-language-{known}") if known in LANGUAGES else locale


LANGUAGE_CHOICES = {code: _command(f"choice-language-{code}") for code in (*LANGUAGES, SERVER_LANGUAGE)}


def language_saved(language: str | None, server_language: str, *, locale: str | None = SOURCE) -> str:
    """/config language: `language` None means the server's Discord language (`server_language`)."""
    if language is None:
        return t(locale, "language-saved-server", language=language_name(server_language))
    return t(locale, "language-saved", language=language_name(language))


def public_locale(language: str | None, guild_locale: str | None) -> str:
    """The language of a server's public messages: /config language, else its Discord one, else English."""
    if language:
        return catalogue().resolve(language)
    return catalogue().resolve(guild_locale)


def terminal_locale(lang: str | None) -> str:
    """The catalogue for a terminal's LANG (`de_DE.UTF-8` -> de), else English (`C`, unset)."""
    return catalogue().resolve((lang or "").split(".")[0].split("@")[0] or None)


STAGES = (
    "received",
    "queued",
    "submitting",
    "submitted",
    "running",
    "delivering",
    "delivered",
    "failed",
    "rejected",
    "cancelled",
)


def kind_name(kind: JobKind, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"kind-{kind.value}")


def stage_name(state: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"stage-{state}") if state in STAGES else state


def field_name(field: str, *, locale: str | None = SOURCE) -> str:
    """An embed field's name: status, provider, lyrics or note."""
    return t(locale, f"{field}-field")


def jobs_title(*, locale: str | None = SOURCE) -> str:
    return t(locale, "jobs-title")


BUTTONS = ("cancel", "delete", "reroll", "edit", "remix-this-audio")


def button(action: str, *, locale: str | None = SOURCE) -> str:
    """A job button's label: cancel, delete, reroll, edit."""
    return t(locale, f"button-{action}")


def gender_name(gender: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"choice-gender-{gender}")


def form_words(name: str, *, locale: str | None = SOURCE) -> str:
    """A remix form's label or hint: prompt, prompt-hint, lyrics, lyrics-hint, gender, ..., file-hint."""
    return t(locale, f"form-{name}")


# -- names and formatting every section uses -----------------------------------------------------------
KIND_NAMES = {kind: t(SOURCE, f"kind-{kind.value}") for kind in JobKind}

STAGE_NAMES = {state: t(SOURCE, f"stage-{state}") for state in STAGES}

# What a member can do next, per kind of provider failure.
NEXT_STEP = {kind: t(SOURCE, f"next-step-{kind.value}") for kind in ErrorKind}


def next_step(kind: ErrorKind, *, locale: str | None = SOURCE) -> str:
    """What a member can do next, per kind of provider failure."""
    return t(locale, f"next-step-{kind.value}")


_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)\d+>")


def defuse(text: str) -> str:
    """Neutralise mentions in member text we echo, on top of AllowedMentions.none()."""
    return _MENTION.sub(lambda m: m.group(0).replace("@", "@\u200b").replace("<#", "<#\u200b"), text)


_MARKDOWN = re.compile(r"([\\*_~`|>\[\]])")


def quoted(text: str, limit: int = 300) -> str:
    """A vendor's words passed on to a member: one line, markdown escaped, mentions defused."""
    return defuse(_MARKDOWN.sub(r"\\\1", clip(" ".join(text.split()), limit)))


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def seconds(value: float) -> str:
    value = round(value)
    return f"{value // 60}:{value % 60:02d}" if value >= 60 else f"{value} s"


def to_member(member_id: int, text: str) -> str:
    """A message in the channel addressed to one member (when a private reply is no longer possible)."""
    return f"<@{member_id}> {text}"


# -- refusals before anything starts ---------------------------------------------------------------
def unknown_provider(name: str, available: list[str], *, locale: str | None = SOURCE) -> str:
    return t(locale, "unknown-provider", name=clip(defuse(name), 40), available=", ".join(available))


# Which providers can make what, for members on a bot where none of those is set up.
CAPABLE_ELSEWHERE = {kind: t(SOURCE, f"capable-{kind.value}") for kind in JobKind}


def kind_not_supported(
    provider: str, kind: JobKind, supporters: list[str] | None, *, locale: str | None = SOURCE
) -> str:
    name = kind_name(kind, locale=locale)
    if supporters is None:  # a provider's own check: who else could is for the bot to say
        return t(locale, "kind-not-supported-own", provider=provider, kind=name)
    if supporters:
        return t(locale, "kind-not-supported", provider=provider, kind=name, supporters=", ".join(supporters))
    capable = t(locale, f"capable-{kind.value}")
    return t(locale, "kind-not-supported-anywhere", provider=provider, kind=name, capable=capable)


def prompt_required(provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "prompt-required", provider=provider)


def lyrics_required(provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "lyrics-required", provider=provider)


def prompt_or_lyrics_required(*, locale: str | None = SOURCE) -> str:
    return t(locale, "prompt-or-lyrics-required")


def length_out_of_range(length: float, low: int, high: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "length-out-of-range", length=f"{length:g}", low=str(low), high=seconds(high))


def instrumental_and_vocal_only(*, locale: str | None = SOURCE) -> str:
    return t(locale, "instrumental-and-vocal-only")


def too_long(
    field: str, length: int | None, limit: int, provider: str, *, locale: str | None = SOURCE
) -> str:
    if length is None:
        return t(locale, "too-long-unknown", field=field, provider=provider, limit=limit)
    return t(locale, "too-long", field=field, length=length, provider=provider, limit=limit)


def variations_not_supported(provider: str, supporters: list[str], *, locale: str | None = SOURCE) -> str:
    if supporters:
        return t(
            locale, "variations-not-supported-others", provider=provider, supporters=", ".join(supporters)
        )
    return t(locale, "variations-not-supported", provider=provider)


def variations_out_of_range(wanted: object, limit: int, provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "variations-out-of-range", provider=provider, limit=limit, wanted=str(wanted))


def strength_not_supported(provider: str, supporters: list[str], *, locale: str | None = SOURCE) -> str:
    if supporters:
        return t(locale, "strength-not-supported-others", provider=provider, supporters=", ".join(supporters))
    return t(locale, "strength-not-supported", provider=provider)


def file_too_large(size: int | None, limit: int, provider: str, *, locale: str | None = SOURCE) -> str:
    """`size` is what the bytes showed; None when a download stopped counting just past the limit."""
    if size is None:
        return t(locale, "file-too-large-unknown", limit=mb(limit), provider=provider)
    return t(locale, "file-too-large", size=mb(size), limit=mb(limit), provider=provider)


def audio_too_long(duration: float, limit: float, provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "audio-too-long", duration=seconds(duration), limit=seconds(limit), provider=provider)


def audio_too_short(duration: float, limit: float, provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "audio-too-short", duration=seconds(duration), limit=seconds(limit), provider=provider)


def not_audio(
    why: Reason | str | None, params: Mapping[str, Any] | None = None, *, locale: str | None = SOURCE
) -> str:
    if why == Reason.AUDIO_LENGTH_MISMATCH and params and "stated" in params:
        said = audio_length_mismatch(params["stated"], params.get("decoded"), locale=locale)
    else:
        code = why if why in AUDIO_WORDS else Reason.AUDIO_NOT_AUDIO
        said = t(locale, str(code).replace("_", "-"))
    return t(locale, "not-audio", why=said)


def empty_upload(*, locale: str | None = SOURCE) -> str:
    return t(locale, "empty-upload")


def no_audio_attached(*, locale: str | None = SOURCE) -> str:
    return t(locale, "no-audio-attached")


def attachment_unreachable(*, locale: str | None = SOURCE) -> str:
    return t(locale, "attachment-unreachable")


def too_many_jobs(limit: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "too-many-jobs", limit=limit)


def permission_name(flag: str, *, locale: str | None = SOURCE) -> str:
    """Discord's name for a permission flag (`manage_messages` -> Manage Messages), as Discord's own
    client shows it in that language; a flag no catalogue names keeps Discord's English spelling."""
    if catalogue().has(SOURCE, f"permission-{flag}"):
        return t(locale, f"permission-{flag}")
    return flag.replace("_", " ").title()


def missing_permissions(names: list[str], *, locale: str | None = SOURCE) -> str:
    return t(locale, "missing-permissions", names=", ".join(f"**{n}**" for n in names))


def wrong_channel(channel_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "wrong-channel", channel=str(channel_id))


def guild_only(*, locale: str | None = SOURCE) -> str:
    return t(locale, "guild-only")


# -- audio checks (audio/probe.py): why a file can't be used as audio ------------------------------------
AUDIO_WORDS: dict[str, str] = {
    reason: t(SOURCE, str(reason).replace("_", "-"))
    for reason in (
        Reason.AUDIO_EMPTY,
        Reason.AUDIO_NOT_AUDIO,
        Reason.AUDIO_DAMAGED,
        Reason.AUDIO_SILENT,
        Reason.AUDIO_VIDEO_WITHOUT_SOUND,
        Reason.AUDIO_UNKNOWN_LENGTH,
        # Without its figures (stated, decoded), which audio_length_mismatch puts in.
        Reason.AUDIO_LENGTH_MISMATCH,
    )
}


def audio_length_mismatch(stated: float, decoded: float | None, *, locale: str | None = SOURCE) -> str:
    """A header that claims more sound than the file holds (a fragment, a cut-short file, a lie)."""
    if decoded is None:
        return t(locale, "audio-length-mismatch-less", stated=seconds(stated))
    held = f"{decoded:.1f} s" if decoded < 10 else seconds(decoded)
    return t(locale, "audio-length-mismatch-held", stated=seconds(stated), held=held)


# -- acknowledgements --------------------------------------------------------------------------------
def checking(with_audio: bool = True, *, locale: str | None = SOURCE) -> str:
    return t(locale, "checking-audio" if with_audio else "checking-song")


def accepted(position: int | None, *, locale: str | None = SOURCE) -> str:
    return t(locale, "accepted-queued", position=position) if position else t(locale, "accepted")


def rejected(reason: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "rejected", reason=reason)


# -- status message ------------------------------------------------------------------------------------
def status_title(kind: JobKind, state: str, *, locale: str | None = SOURCE) -> str:
    title = t(
        locale, "status-title", kind=kind_name(kind, locale=locale), stage=stage_name(state, locale=locale)
    )
    return title[:1].upper() + title[1:]


def queue_position(position: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "queue-next") if position == 1 else t(locale, "queue-position", position=position)


# A provider's own progress detail (Progress.detail).
def takes_ready(ready: int, expected: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "takes-ready", ready=ready, expected=expected)


def working_for(provider: str, seconds: float, *, locale: str | None = SOURCE) -> str:
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    spent = f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
    return t(locale, "working-for", provider=provider, spent=spent)


def provider_stage(stage: str) -> str:
    return stage.replace("_", " ").capitalize()


def stage_trail(stages: tuple[str, ...], current: str | None, percent: float | None) -> str:
    """The provider's stages so far: passed ones ticked, the current one in bold with its percentage.

    `current=None` means every stage was passed (the provider finished).
    """
    reached = stages if current is None else stages[: stages.index(current)]
    parts = [f"{provider_stage(s)} ✓" for s in reached]
    if current is not None:
        now = provider_stage(current) + (f" {percent:.0f}%" if percent is not None else "")
        parts.append(f"**{now}**")
    return " → ".join(parts)


STATUS_FIELD = t(SOURCE, "status-field")


def job_footer(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "job-footer", job=str(job_id))


def result_footer(job_id: int, database_tag: str, *, locale: str | None = SOURCE) -> str:
    """The result card's footer; the tag lets the bot recognise its own post after a restart."""
    return t(locale, "result-footer", job=str(job_id), tag=database_tag)


def kept_for_show(params: Mapping[str, Any], locale: str | None = SOURCE) -> str:
    """What a member can do about takes that were made but could not be posted."""
    hours, job_id = params.get("kept_hours"), params.get("job_id")
    if not hours or job_id is None:
        return ""
    return " " + t(locale, "kept-for-show", hours=f"{hours:g}", job=str(job_id))


def result_kept_notice(job_id: int, channel_id: int, why: str, *, locale: str | None = SOURCE) -> str:
    """Told privately to the member whose takes could not be posted in the channel."""
    return t(locale, "result-kept-notice", job=str(job_id), channel=str(channel_id), why=why)


def requested_by(member_id: int, provider: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "requested-by", member=str(member_id), provider=provider)


def progress(stage: str, percent: float | None) -> str:
    return f"{stage} · {percent:.0f}%" if percent is not None else stage


# -- the channel board (face/channel_board.py): one line per job when a busy channel folds ------------
def board_footer(*, locale: str | None = SOURCE) -> str:
    return t(locale, "board-footer")


def button_show_status(*, locale: str | None = SOURCE) -> str:
    return t(locale, "button-show-status")


def board_title(active: int, total: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "board-title", active=active, total=total)


def board_line(
    job_id: int,
    member_id: int,
    excerpt: str | None,
    state: str,
    stage: str | None,
    percent: float | None,
    position: int | None,
    *,
    locale: str | None = SOURCE,
) -> str:
    """`excerpt` arrives escaped and defused (texts.quoted); the mention shows a name and pings nobody."""
    parts = [f"`#{job_id}` <@{member_id}>"]
    if excerpt:
        parts.append(excerpt)
    parts.append(f"**{stage_name(state, locale=locale)}**")
    if stage:
        parts.append(stage)
    if percent is not None:
        parts.append(f"{percent:.0f}%")
    if position:
        parts.append(t(locale, "board-queue", position=position))
    return " · ".join(parts)


def board_more(count: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "board-more", count=count)


def board_shown(count: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "board-shown", count=count)


def started(timestamp: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "started", timestamp=str(timestamp))


def expected(timestamp: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "expected", timestamp=str(timestamp))


def listen_early(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "listen-early", url=url)


def cancelled(reason: str | None, *, locale: str | None = SOURCE) -> str:
    return t(locale, "cancelled-because", reason=reason) if reason else t(locale, "cancelled")


def cancelled_by(member_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "cancelled-by", member=str(member_id))


# -- why a job failed, was refused or left something out: reason codes and kinds into sentences --------
# A provider's failure is worded from its kind, or from its reason where the member should hear more;
# `{provider}` is the provider's label. `said` is the vendor's own words about the member's input.
Words = Callable[[Mapping[str, Any], str, str | None], str]

KIND_WORDS: dict[ErrorKind, str] = {kind: f"kind-words-{kind.value}" for kind in ErrorKind}


def _said(message_id: str, params: Mapping[str, Any], locale: str | None, **args: Arg) -> str:
    """The message, with the vendor's words (its `-said` twin) when it gave any."""
    text = params.get("said")
    if isinstance(text, str) and text.strip():
        return t(locale, f"{message_id}-said", said=quoted(text), **args)
    return t(locale, message_id, **args)


def _why(params: Mapping[str, Any]) -> str:
    """The vendor's words in brackets, when it gave any."""
    text = params.get("said")
    return f" ({quoted(text)})" if isinstance(text, str) and text.strip() else ""


def _kind_name(params: Mapping[str, Any], locale: str | None) -> str:
    kind = params.get("job_kind")
    return kind_name(JobKind(kind), locale=locale) if kind in set(JobKind) else t(locale, "kind-track")


def _plain(reason: Reason) -> Words:
    """A reason whose sentence names at most the provider."""
    return lambda p, provider, locale: t(locale, f"reason-{reason.value}", provider=provider)


def _grace(reason: Reason) -> Words:
    """A reason said with how long a self-hosted provider was given, when it was given any."""

    def words(p: Mapping[str, Any], provider: str, locale: str | None) -> str:
        if p.get("grace") is None:
            return t(locale, f"reason-{reason.value}", provider=provider)
        return t(
            locale, f"reason-{reason.value}-for", provider=provider, during=during(p["grace"], locale=locale)
        )

    return words


def _kept(reason: Reason) -> Words:
    """A result that could not be posted: the reason, then where its kept takes can be had."""
    return lambda p, provider, locale: (
        t(locale, f"reason-{reason.value}", provider=provider) + kept_for_show(p, locale)
    )


REASON_WORDS: dict[Reason, Words] = {
    # a provider or a download
    Reason.UNREACHABLE: _grace(Reason.UNREACHABLE),
    Reason.NO_ANSWER: _plain(Reason.NO_ANSWER),
    Reason.LINK_EXPIRED: _plain(Reason.LINK_EXPIRED),
    Reason.DOWNLOAD_BROKE_OFF: _grace(Reason.DOWNLOAD_BROKE_OFF),
    Reason.TOO_LARGE: lambda p, provider, locale: (
        t(locale, "reason-too_large-limit", provider=provider, limit=mb(p["limit"]))
        if p.get("limit")
        else t(locale, "reason-too_large", provider=provider)
    ),
    Reason.DOWNLOAD_TOO_LARGE: lambda p, provider, locale: t(
        locale, "reason-download_too_large", limit=f"{p['limit'] // (1024 * 1024)} MB"
    ),
    # The download policy (engine/downloads.py) refused the link; where it pointed stays in the log.
    Reason.DOWNLOAD_SCHEME: lambda p, provider, locale: t(locale, "download-refused"),
    Reason.DOWNLOAD_ADDRESS: lambda p, provider, locale: t(locale, "download-refused"),
    Reason.DOWNLOAD_REDIRECTS: _plain(Reason.DOWNLOAD_REDIRECTS),
    Reason.DOWNLOAD_TOO_SLOW: lambda p, provider, locale: (
        t(locale, "reason-download_too_slow", limit=seconds(p["limit"]))
        if p.get("limit")
        else t(locale, "reason-download_too_slow-deadline", provider=provider)
    ),
    Reason.ANSWER_TOO_LARGE: lambda p, provider, locale: t(
        locale, "reason-answer_too_large", provider=provider, limit=mb(p["limit"])
    ),
    Reason.ANSWERED: lambda p, provider, locale: _said(
        "reason-answered", p, locale, provider=provider, status=str(p.get("status"))
    ),
    Reason.REFUSED: lambda p, provider, locale: _said("reason-refused", p, locale, provider=provider),
    Reason.FLAGGED: lambda p, provider, locale: t(locale, "reason-flagged", provider=provider, why=_why(p)),
    Reason.MADE_NOTHING: lambda p, provider, locale: _said(
        "reason-made_nothing", p, locale, provider=provider, kind=_kind_name(p, locale)
    ),
    Reason.UNKNOWN_JOB: _plain(Reason.UNKNOWN_JOB),
    Reason.SERVER_LOST_JOB: _plain(Reason.SERVER_LOST_JOB),
    Reason.DUPLICATE: _plain(Reason.DUPLICATE),
    Reason.UNREADABLE: _plain(Reason.UNREADABLE),
    Reason.NO_JOB_ID: _plain(Reason.NO_JOB_ID),
    Reason.WRONG_ADDRESS: _plain(Reason.WRONG_ADDRESS),
    Reason.STREAM_BROKE: _plain(Reason.STREAM_BROKE),
    Reason.NO_TAKES: _plain(Reason.NO_TAKES),
    Reason.NOTHING_TO_DOWNLOAD: _plain(Reason.NOTHING_TO_DOWNLOAD),
    Reason.AUDIO_MISSING: _plain(Reason.AUDIO_MISSING),
    Reason.LINK_MISSING: _plain(Reason.LINK_MISSING),
    Reason.BAD_SONG: lambda p, provider, locale: _said("reason-bad_song", p, locale, provider=provider),
    Reason.CANNOT_RESUME: _plain(Reason.CANNOT_RESUME),
    Reason.INPUT_GONE: _plain(Reason.INPUT_GONE),
    Reason.RENDER_FAILED: _plain(Reason.RENDER_FAILED),
    Reason.TAKE_SILENT: lambda p, provider, locale: t(locale, "reason-take_silent", index=p["index"]),
    Reason.NO_TAKES_DOWNLOADED: _plain(Reason.NO_TAKES_DOWNLOADED),
    Reason.SERVER_FORGOT_JOB: _plain(Reason.SERVER_FORGOT_JOB),
    Reason.QUEUE_FULL: lambda p, provider, locale: t(
        locale, "reason-queue_full", provider=provider, during=during(p["grace"], locale=locale)
    ),
    Reason.SERVER_KEPT_FAILING: lambda p, provider, locale: t(
        locale,
        "reason-server_kept_failing",
        provider=provider,
        status=str(p.get("status", "5xx")),
        during=during(p["grace"], locale=locale),
    ),
    Reason.BAD_KEY: lambda p, provider, locale: t(
        locale, "reason-bad_key", provider=provider, setting=str(p["setting"])
    ),
    Reason.OPTION_UNSUPPORTED: lambda p, provider, locale: t(
        locale, "reason-option_unsupported", provider=provider, option=str(p["option"])
    ),
    Reason.TAKES_SILENT: lambda p, provider, locale: takes_silent(
        p["count"], p["wanted"], provider, locale=locale
    ),
    # the engine's own causes
    Reason.DEADLINE_PASSED: lambda p, provider, locale: t(
        locale, "reason-deadline_passed", limit=seconds(p["limit"])
    ),
    Reason.RESTART_LOST_SUBMIT: _plain(Reason.RESTART_LOST_SUBMIT),
    Reason.SUBMIT_UNCONFIRMED: _plain(Reason.SUBMIT_UNCONFIRMED),
    Reason.INTERRUPTED: _plain(Reason.INTERRUPTED),
    Reason.PROVIDER_GONE: lambda p, provider, locale: t(
        locale, "reason-provider_gone", name=str(p.get("name"))
    ),
    Reason.PROVIDER_STOPPED: _plain(Reason.PROVIDER_STOPPED),
    Reason.RESULT_REFUSED: _kept(Reason.RESULT_REFUSED),
    Reason.RESULT_NOT_POSTED: _kept(Reason.RESULT_NOT_POSTED),
    Reason.CHANNEL_GONE: _kept(Reason.CHANNEL_GONE),
    Reason.FLAGGED_WITHHELD: lambda p, provider, locale: flagged_withheld(locale=locale),
    Reason.MISSING_PERMISSIONS: lambda p, provider, locale: (
        missing_permissions(
            [permission_name(flag, locale=locale) for flag in p.get("permissions", [])], locale=locale
        )
        + kept_for_show(p, locale)
    ),
    Reason.CANCELLED_BY: lambda p, provider, locale: cancelled_by(p["member_id"], locale=locale),
    Reason.CANCELLED_FROM_TERMINAL: _plain(Reason.CANCELLED_FROM_TERMINAL),
    # notes on a result, and a provider's progress detail
    Reason.TAKE_LEFT_OUT: lambda p, provider, locale: take_left_out(
        p.get("index"), provider, p, locale=locale
    ),
    Reason.FEWER_VARIATIONS: lambda p, provider, locale: t(
        locale,
        "reason-fewer_variations",
        provider=provider,
        got=str(p.get("got")),
        wanted=str(p.get("wanted")),
    ),
    Reason.TAKE_NOT_DOWNLOADED: lambda p, provider, locale: t(
        locale,
        "reason-take_not_downloaded",
        index=p["index"],
        cause=provider_failure(p, provider, locale=locale),
    ),
    Reason.TAKE_UNAVAILABLE: lambda p, provider, locale: t(
        locale, "reason-take_unavailable", index=p["index"]
    ),
    Reason.DEADLINE_PARTIAL: lambda p, provider, locale: t(
        locale, "reason-deadline_partial", limit=seconds(p["limit"])
    ),
    Reason.DEFAULT_EFFECTS: lambda p, provider, locale: t(
        locale, "reason-default_effects", effects=str(p.get("effects"))
    ),
    Reason.TAKES_READY: lambda p, provider, locale: takes_ready(p["ready"], p["expected"], locale=locale),
    Reason.WORKING_FOR: lambda p, provider, locale: working_for(provider, p["seconds"], locale=locale),
    # refusals before anything starts (a provider's own checks raise some of these too)
    Reason.UNKNOWN_PROVIDER: lambda p, provider, locale: unknown_provider(
        p["name"], p.get("available", []), locale=locale
    ),
    Reason.KIND_NOT_SUPPORTED: lambda p, provider, locale: kind_not_supported(
        provider, JobKind(p["job_kind"]), p.get("supporters"), locale=locale
    ),
    Reason.PROMPT_REQUIRED: lambda p, provider, locale: prompt_required(provider, locale=locale),
    Reason.LYRICS_REQUIRED: lambda p, provider, locale: lyrics_required(provider, locale=locale),
    Reason.PROMPT_OR_LYRICS_REQUIRED: lambda p, provider, locale: prompt_or_lyrics_required(locale=locale),
    Reason.TOO_LONG: lambda p, provider, locale: too_long(
        p["field"], p.get("length"), p["limit"], provider, locale=locale
    ),
    Reason.LENGTH_OUT_OF_RANGE: lambda p, provider, locale: length_out_of_range(
        p["length"], p["low"], p["high"], locale=locale
    ),
    Reason.INSTRUMENTAL_AND_VOCAL_ONLY: lambda p, provider, locale: instrumental_and_vocal_only(
        locale=locale
    ),
    Reason.VARIATIONS_NOT_SUPPORTED: lambda p, provider, locale: variations_not_supported(
        provider, p.get("supporters", []), locale=locale
    ),
    Reason.STRENGTH_NOT_SUPPORTED: lambda p, provider, locale: strength_not_supported(
        provider, p.get("supporters", []), locale=locale
    ),
    Reason.VARIATIONS_OUT_OF_RANGE: lambda p, provider, locale: variations_out_of_range(
        p.get("wanted"), p["limit"], provider, locale=locale
    ),
    Reason.FILE_TOO_LARGE: lambda p, provider, locale: file_too_large(
        p.get("size"), p["limit"], provider, locale=locale
    ),
    Reason.AUDIO_TOO_LONG: lambda p, provider, locale: audio_too_long(
        p["duration"], p["limit"], provider, locale=locale
    ),
    Reason.AUDIO_TOO_SHORT: lambda p, provider, locale: audio_too_short(
        p["duration"], p["limit"], provider, locale=locale
    ),
    Reason.NOT_AUDIO: lambda p, provider, locale: not_audio(p.get("why"), p, locale=locale),
    Reason.EMPTY_UPLOAD: lambda p, provider, locale: empty_upload(locale=locale),
    Reason.NO_AUDIO_ATTACHED: lambda p, provider, locale: no_audio_attached(locale=locale),
    Reason.ATTACHMENT_UNREACHABLE: lambda p, provider, locale: attachment_unreachable(locale=locale),
    Reason.TOO_MANY_JOBS: lambda p, provider, locale: too_many_jobs(p["limit"], locale=locale),
    Reason.WRONG_CHANNEL: lambda p, provider, locale: wrong_channel(p["channel_id"], locale=locale),
    # The terminal's own sentence (cli.py), for the operator.
    Reason.TAKE_EXISTS: lambda p, provider, locale: cli_take_exists(p["path"]),
}


def words(
    reason: Reason | str | None,
    kind: ErrorKind | None,
    params: Mapping[str, Any],
    provider: str,
    *,
    locale: str | None = SOURCE,
) -> str:
    """The sentence for a reason code, else for the kind; a refusal names its provider in its params."""
    provider = params.get("provider") or provider
    if reason in ADMIN_REASONS:
        return admin_refusal(AdminRefusal(AdminReason(reason), params), locale=locale)
    if reason in REASON_WORDS:
        try:
            return REASON_WORDS[Reason(reason)](params, provider, locale)
        except (KeyError, TypeError, ValueError):
            pass  # parameters from another version: the kind's sentence still says what happened
    if kind is not None:
        return t(locale, KIND_WORDS[kind], provider=provider)
    return REASON_WORDS[Reason.INTERRUPTED](params, provider, locale)


def provider_failure(params: Mapping[str, Any], provider: str, *, locale: str | None = SOURCE) -> str:
    """A provider failure recorded inside a note: its kind and reason (`cause`) among the params."""
    kind = params.get("kind")
    known = ErrorKind(kind) if kind in set(ErrorKind) else None
    return words(params.get("cause"), known, params, provider, locale=locale)


def failure(error: Failure, provider: str, *, locale: str | None = SOURCE) -> str:
    """Why a job failed, was refused or was cancelled, with what the member can do next."""
    if error.text is not None:
        return error.text  # stored as a sentence by an older version, next step included
    text = words(error.reason, error.kind, error.params, provider, locale=locale)
    return f"{text} {next_step(error.kind, locale=locale)}" if error.kind else text


def note(item: Note, provider: str, *, locale: str | None = SOURCE) -> str:
    return (
        item.text if item.text is not None else words(item.reason, None, item.params, provider, locale=locale)
    )


def refusal(item: Refusal, *, locale: str | None = SOURCE) -> str:
    """Why a request was not started; a refusal names the provider it is about in its params."""
    return rejected(words(item.reason, None, item.params, "", locale=locale), locale=locale)


def during(value: object, *, locale: str | None = SOURCE) -> str:
    """A self-hosted provider's grace period, in minutes from two minutes up, else in seconds."""
    total = float(value) if isinstance(value, int | float) else 0.0
    if total >= 120:
        return t(locale, "during-minutes", minutes=f"{total / 60:g}")
    return t(locale, "during-seconds", seconds=int(total) if total.is_integer() else total)


def takes_silent(count: int, wanted: int, provider: str, *, locale: str | None = SOURCE) -> str:
    if count >= wanted:
        return t(locale, "takes-silent-all", provider=provider)
    return t(locale, "takes-silent", count=count)


def reachability(reachable: bool | None, *, locale: str | None = SOURCE) -> str:
    """After a provider's name in /config show: whether its health check answered."""
    if reachable is None:
        return ""
    return " · " + t(locale, "provider-reachable" if reachable else "provider-unreachable")


# -- results --------------------------------------------------------------------------------------------
def result_ready(member_id: int, count: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "result-ready", member=str(member_id), count=count)


def result_link(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "result-link", url=url)


PROVIDER_FIELD = t(SOURCE, "provider-field")
UNKNOWN_DURATION = "?"
LYRICS_FIELD = t(SOURCE, "lyrics-field")
NOTE_FIELD = t(SOURCE, "note-field")


def take_name(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "take-name", number=number)


def download_link(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "download-link", url=url)


def take_left_out(
    index: int | None, provider: str, params: Mapping[str, Any], *, locale: str | None = SOURCE
) -> str:
    """A note on the result: one take of several failed at the provider."""
    name = take_name(index, locale=locale) if index else t(locale, "one-take")
    if params.get("flagged"):
        return t(locale, "take-left-out-flagged", name=name, provider=provider, why=_why(params))
    return t(locale, "take-left-out", name=name, provider=provider)


# -- buttons and forms --------------------------------------------------------------------------------
REMIX_THIS_AUDIO = _command("button-remix-this-audio")  # also the context menu's name
BUTTON_REROLL = t(SOURCE, "button-reroll")
BUTTON_EDIT = t(SOURCE, "button-edit")
BUTTON_DELETE = t(SOURCE, "button-delete")
BUTTON_CANCEL = t(SOURCE, "button-cancel")
FORM_PROMPT = t(SOURCE, "form-prompt")
FORM_PROMPT_HINT = t(SOURCE, "form-prompt-hint")
FORM_LYRICS = t(SOURCE, "form-lyrics")
FORM_LYRICS_HINT = t(SOURCE, "form-lyrics-hint")
FORM_GENDER = t(SOURCE, "form-gender")
FORM_GENDER_HINT = t(SOURCE, "form-gender-hint")
GENDER_NAMES = {g: _command(f"choice-gender-{g}") for g in ("male", "female", "neutral")}
FORM_FILE = t(SOURCE, "form-file")
FORM_FILE_HINT = t(SOURCE, "form-file-hint")


def button_take(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "button-take", number=number)


def form_title_take(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "form-title-take", number=number)


def form_title_edit(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "form-title-edit", job=str(job_id))


# -- command descriptions (Discord shows them in the command picker; at most 100 characters each) -------
DESCRIBE_REMIX = _command("describe-remix")
DESCRIBE_SING = _command("describe-sing")
DESCRIBE_GENERATE = _command("describe-generate")
DESCRIBE_JOBS = _command("describe-jobs")
DESCRIBE_SHOW = _command("describe-show")
DESCRIBE_CANCEL = _command("describe-cancel")
DESCRIBE_CONFIG = _command("describe-config")
DESCRIBE_CONFIG_SHOW = _command("describe-config-show")
DESCRIBE_CONFIG_PROVIDER = _command("describe-config-provider")
DESCRIBE_CONFIG_LANGUAGE = _command("describe-config-language")
DESCRIBE_CONFIG_CHANNEL = _command("describe-config-channel")
DESCRIBE_CONFIG_MEMBER_LIMIT = _command("describe-config-member-limit")
DESCRIBE_USAGE = _command("describe-usage")

# Options, by command.
OPTIONS_REMIX = _options(
    audio="option-remix-audio",
    prompt="option-remix-prompt",
    lyrics="option-remix-lyrics",
    gender="option-gender",
    provider="option-provider",
    variations="option-remix-variations",
    strength="option-remix-strength",
)
OPTIONS_SING = _options(
    audio="option-sing-audio",
    prompt="option-sing-prompt",
    lyrics="option-sing-lyrics",
    gender="option-gender",
    provider="option-provider",
)


def options_generate(min_length: int, max_length: int) -> dict[str, str]:
    return {
        **_options(
            prompt="option-generate-prompt",
            style="option-generate-style",
            lyrics="option-generate-lyrics",
            instrumental="option-generate-instrumental",
            vocal_only="option-generate-vocal-only",
            gender="option-gender",
            voice="option-generate-voice",
        ),
        "length": _command("option-generate-length", low=min_length, high=max_length),
        "provider": _command("option-provider"),
    }


OPTIONS_JOB = _options(job="option-job")
OPTIONS_CONFIG_PROVIDER = _options(name="option-config-provider-name")
OPTIONS_CONFIG_LANGUAGE = _options(locale="option-config-language-locale")


# -- who may press what, and what happened ------------------------------------------------------------
# What a member tried to do, for the two sentences below.
ACTION_CANCEL = "cancel"
ACTION_DELETE = "delete"
ACTION_REROLL = "reroll"
ACTION_EDIT = "edit"


def only_requester(action: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"only-requester-{action}")


def only_requester_or_moderator(action: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"only-requester-or-moderator-{action}")


def job_not_found(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "job-not-found", job=str(job_id))


def not_a_job_id(value: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "not-a-job-id", value=clip(defuse(value), 30))


def no_audio_in_message(*, locale: str | None = SOURCE) -> str:
    return t(locale, "no-audio-in-message")


def source_gone(job_id: int, hours: float, *, locale: str | None = SOURCE) -> str:
    if hours:
        return t(locale, "source-gone-kept", job=str(job_id), hours=f"{hours:g}")
    return t(locale, "source-gone", job=str(job_id))


def take_gone(job_id: int, number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "take-gone", job=str(job_id), number=number)


def cannot_cancel_now(job_id: int, state: str, *, locale: str | None = SOURCE) -> str:
    if state == "delivering":
        return t(locale, "cannot-cancel-delivering", job=str(job_id))
    return t(locale, "cannot-cancel-ended", job=str(job_id), stage=stage_name(state, locale=locale).lower())


def cancel_done(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "cancel-done", job=str(job_id))


def deleted(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "deleted", job=str(job_id))


def result_deleted(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "result-deleted", job=str(job_id))


def not_delivered(
    job_id: int, state: str, error: str | None, url: str | None, *, locale: str | None = SOURCE
) -> str:
    text = t(locale, "not-delivered", job=str(job_id), stage=stage_name(state, locale=locale).lower())
    if error:
        text += f" {clip(error, 300)}"
    return text + (" " + t(locale, "status-link-label", url=url) if url else "")


def shown_again(job_id: int, member_id: int, shown_by: int, *, locale: str | None = SOURCE) -> str:
    if shown_by == member_id:
        return t(locale, "shown-again", job=str(job_id), member=str(member_id))
    return t(locale, "shown-again-by", job=str(job_id), member=str(member_id), by=str(shown_by))


def shown_posted(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "shown-posted", url=url)


def kept_posted(job_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "kept-posted", job=str(job_id))


JOBS_TITLE = t(SOURCE, "jobs-title")


def no_jobs(*, locale: str | None = SOURCE) -> str:
    return t(locale, "no-jobs")


def job_line(
    job_id: int, kind: str, state: str, prompt: str, links: list[str], *, locale: str | None = SOURCE
) -> str:
    what = f" · “{echo(prompt, 60)}”" if prompt else ""
    tail = f" · {' · '.join(links)}" if links else ""
    return f"**#{job_id}** {kind} · {stage_name(state, locale=locale)}{what}{tail}"


def status_link(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "status-link", url=url)


def results_link(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "results-link", url=url)


def job_choice(job_id: int, state: str, prompt: str, *, locale: str | None = SOURCE) -> str:
    return clip(f"#{job_id} · {stage_name(state, locale=locale)} · {prompt or t(locale, 'no-prompt')}", 100)


# -- errors ---------------------------------------------------------------------------------------------
def slow_down(retry_after: float, *, locale: str | None = SOURCE) -> str:
    return t(locale, "slow-down", seconds=f"{retry_after:.0f}")


def no_permission(*, locale: str | None = SOURCE) -> str:
    return t(locale, "no-permission")


def cannot_use_here(*, locale: str | None = SOURCE) -> str:
    return t(locale, "cannot-use-here")


def not_understood(value: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "not-understood", value=clip(defuse(value), 50))


def generic_error(reference: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "generic-error", reference=reference)


# -- server settings -----------------------------------------------------------------------------------
def config_saved(*, locale: str | None = SOURCE) -> str:
    return t(locale, "config-saved")


def config_summary(
    provider: str | None,
    bot_default: str,
    channel_id: int | None,
    member_limit: int,
    available: list[str],
    language: str | None = None,
    server_language: str | None = None,
    *,
    locale: str | None = SOURCE,
) -> str:
    """`language`: the /config language setting (None: the server's); `server_language`: its guild_locale."""
    lines = [
        t(locale, "config-title"),
        t(locale, "config-provider", provider=provider)
        if provider
        else t(locale, "config-provider-default", provider=bot_default),
        t(locale, "config-channel", channel=str(channel_id))
        if channel_id
        else t(locale, "config-channel-any"),
        t(locale, "config-member-limit", limit=member_limit),
        t(locale, "config-providers", providers=", ".join(available)),
    ]
    if language:
        lines.append(t(locale, "config-language", language=language_name(language)))
    elif server_language:
        lines.append(t(locale, "config-language-server", language=language_name(server_language)))
    return "\n".join(lines)


# == Remix sessions (cogs/sessions.py, face/session_*.py) ==============================================
# Member text passed in here is already defused, escaped and clipped by the caller. Public messages (the
# card, the thread, the results, the announcement) speak the session's public locale; everything else
# the member's.
SESSION_PHASES = ("submissions", "voting", "closed", "cancelled")
SESSION_FIELDS = ("phase", "submissions", "voting", "counts", "rules", "results")
SESSION_BUTTONS = ("remix", "mine", "open-voting", "end-voting", "vote", "withdraw")
DESCRIBE_SESSION = _command("describe-session")
DESCRIBE_SESSION_START = _command("describe-session-start")
DESCRIBE_SESSION_SUBMIT = _command("describe-session-submit")
DESCRIBE_SESSION_NEXT = _command("describe-session-next")
DESCRIBE_SESSION_LIST = _command("describe-session-list")
DESCRIBE_SESSION_CANCEL = _command("describe-session-cancel")
DESCRIBE_SESSION_RESULTS = _command("describe-session-results")
DESCRIBE_CONFIG_SESSION_ROLE = _command("describe-config-session-role")
DESCRIBE_CONFIG_SESSION_FORUM = _command("describe-config-session-forum")
DESCRIBE_CONFIG_SESSION_VOTERS = _command("describe-config-session-voters")
OPTIONS_SESSION_START = _options(
    audio="option-session-start-audio",
    title="option-session-start-title",
    submissions="option-session-start-submissions",
    voting="option-session-start-voting",
    entries_per_member="option-session-start-entries-per-member",
    provider="option-session-start-provider",
    forum="option-session-start-forum",
)
OPTIONS_SESSION_SUBMIT = _options(audio="option-session-submit-audio", session="option-session")
OPTIONS_SESSION_ONE = _options(session="option-session")
OPTIONS_CONFIG_SESSION_VOTERS = _options(joined_before="option-config-session-voters-joined-before")
OPTIONS_CONFIG_SESSION_ROLE = _options(role="option-config-session-role")
OPTIONS_CONFIG_SESSION_FORUM = _options(forum="option-config-session-forum")


def _voters(joined_before: bool) -> str:
    """The selector the catalogues word "who may vote" by."""
    return "joined-before" if joined_before else "everyone"


def session_phase_name(phase: str, *, locale: str | None = SOURCE) -> str:
    """A phase as the card shows it ("Submissions open")."""
    return t(locale, f"session-phase-{phase}") if phase in SESSION_PHASES else phase


def session_phase_inline(phase: str, *, locale: str | None = SOURCE) -> str:
    """A phase inside a sentence ("submissions open")."""
    return t(locale, f"session-phase-inline-{phase}") if phase in SESSION_PHASES else phase


def session_field(field: str, *, locale: str | None = SOURCE) -> str:
    """A card field's name: phase, submissions, voting, counts, rules, results."""
    return t(locale, f"session-field-{field}")


def session_button(action: str, *, locale: str | None = SOURCE) -> str:
    """A session button's label: remix, mine, open-voting, end-voting, vote, withdraw."""
    return t(locale, f"button-session-{action}")


def session_form_words(name: str, *, locale: str | None = SOURCE) -> str:
    """The Remix this form's words: title, provider, provider-hint."""
    return t(locale, f"session-form-{name}")


def session_card_title(title: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-card-title", title=title)


def session_card_description(host_id: int, source_url: str | None, *, locale: str | None = SOURCE) -> str:
    if source_url:
        return t(locale, "session-card-description", host=host_id, url=source_url)
    return t(locale, "session-card-description-unlinked", host=host_id)


def session_deadline(ts: int) -> str:
    return f"<t:{ts}:f> (<t:{ts}:R>)"


def session_deadline_passed(ts: int) -> str:
    return f"<t:{ts}:f>"


def session_counts(entries: int, ballots: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-counts", entries=entries, ballots=ballots)


def session_rules(per_member: int, joined_before: bool, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-rules", count=per_member, voters=_voters(joined_before))


def session_results_link(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-results-link", url=url)


def session_footer(session_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-footer", session=session_id)


def session_source_posted(title: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-source-posted", title=title)


def session_opened(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-opened", url=url)


def session_not_host(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-not-host")


def session_not_host_or_moderator(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-not-host-or-moderator")


def session_where(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-where")


def session_not_a_forum(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-not-a-forum")


def session_duration_refused(
    what: str, problem: str, text: str, minimum: str, maximum: str, *, locale: str | None = SOURCE
) -> str:
    """`what`: submissions or voting; `problem`: a DurationProblem value (empty, too_short, ...)."""
    return t(
        locale,
        "session-duration-refused",
        what=what,
        problem=problem.replace("_", "-"),
        text=text,
        minimum=minimum,
        maximum=maximum,
    )


def session_unknown(value: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-unknown", session=value)


def session_which(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-which")


def session_not_submitting(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-not-submitting")


def session_upload_label(*, locale: str | None = SOURCE) -> str:
    """Who takes a /session submit upload, where a provider's name would stand ("this session")."""
    return t(locale, "session-upload-label")


def session_entered(
    number: int, count: int, cap: int, url: str | None, *, locale: str | None = SOURCE
) -> str:
    if url:
        return t(locale, "session-entered-linked", number=number, count=count, cap=cap, url=url)
    return t(locale, "session-entered", number=number, count=count, cap=cap)


def session_upload_entered(count: int, cap: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-upload-entered", count=count, cap=cap)


def session_cap_reached(cap: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-cap-reached", cap=cap)


def session_already_entered(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-already-entered")


def session_entry_too_large(limit: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-entry-too-large", limit=mb(limit))


def session_only_requester(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-only-requester")


def session_my_entries(lines: list[str], cap: int, *, locale: str | None = SOURCE) -> str:
    if not lines:
        return t(locale, "session-my-entries-none", cap=cap)
    return "\n".join([t(locale, "session-my-entries", count=len(lines), cap=cap), *lines])


def session_my_entry_line(position: int, what: str, ts: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-my-entry-line", position=position, what=what, timestamp=ts)


def session_ai_entry(job_id: int, take: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-ai-entry", job=job_id, take=take)


def session_upload_entry(filename: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-upload-entry", filename=filename)


def session_withdrawn(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-withdrawn")


def session_withdraw_not_found(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-withdraw-not-found")


def session_entry_heading(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-entry-heading", number=number)


def session_vote_cast(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-cast", number=number)


def session_vote_moved(previous: int | None, number: int, *, locale: str | None = SOURCE) -> str:
    if not previous:
        return session_vote_cast(number, locale=locale)
    return t(locale, "session-vote-moved", previous=previous, number=number)


def session_vote_already(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-already", number=number)


def session_vote_own(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-own")


def session_vote_not_eligible(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-not-eligible")


def session_vote_bot(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-bot")


def session_vote_not_open(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-not-open")


def session_vote_no_entry(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-vote-no-entry")


def session_moved(phase: str, *, locale: str | None = SOURCE) -> str:
    """What a host's phase change did: voting, closed or cancelled."""
    return t(locale, f"session-moved-{phase if phase in SESSION_PHASES[1:] else 'other'}")


def session_wrong_phase(phase: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-wrong-phase", phase=session_phase_inline(phase, locale=locale))


def session_results_title(title: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-results-title", title=title)


def session_place_line(
    place: int, number: int, votes: int, author_id: int, what: str, *, locale: str | None = SOURCE
) -> str:
    return t(
        locale, "session-place-line", place=place, number=number, votes=votes, author=author_id, what=what
    )


def session_no_winner_line(number: int, author_id: int, what: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-no-winner-line", number=number, author=author_id, what=what)


def session_prompt(prompt: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-prompt", prompt=prompt) if prompt else t(locale, "session-no-prompt")


def session_upload_what(filename: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-upload-what", filename=filename)


def session_no_winner(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-no-winner")


def session_no_entries(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-no-entries")


def session_tie(count: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-tie", count=count)


def session_announcement(title: str, winners: list[int], url: str, *, locale: str | None = SOURCE) -> str:
    if not winners:
        return t(locale, "session-announcement-no-winner", title=title, url=url)
    who = ", ".join(f"<@{w}>" for w in winners)
    return t(locale, "session-announcement", title=title, winners=who, url=url)


def session_results_not_ready(*, locale: str | None = SOURCE) -> str:
    return t(locale, "session-results-not-ready")


def session_list(lines: list[str], *, locale: str | None = SOURCE) -> str:
    if not lines:
        return t(locale, "session-list-empty")
    return "\n".join([t(locale, "session-list-title"), *lines])


def session_list_line(
    session_id: int, title: str, phase: str, url: str | None, *, locale: str | None = SOURCE
) -> str:
    link = f" · {url}" if url else ""
    return f"#{session_id} **{title}** · {session_phase_name(phase, locale=locale)}{link}"


def session_choice(session_id: int, title: str, phase: str, *, locale: str | None = SOURCE) -> str:
    return clip(f"#{session_id} {title} ({session_phase_inline(phase, locale=locale)})", 100)


def session_results_reposted(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-results-reposted", url=url)


def session_job_in_thread(url: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, "session-job-in-thread", url=url)


def session_config_summary(
    role_id: int | None, forum_id: int | None, joined_before: bool, *, locale: str | None = SOURCE
) -> str:
    return t(
        locale,
        "session-config-summary",
        role=f"<@&{role_id}>" if role_id else t(locale, "session-config-no-role"),
        forum=f"<#{forum_id}>" if forum_id else t(locale, "session-config-no-forum"),
        voters=_voters(joined_before),
    )


def button_session_enter(number: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "button-session-enter", number=number)


def button_session_withdraw(position: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "button-session-withdraw-one", position=position)


# -- server admins: budgets, roles, cooldowns, moderation, usage, admin log ----------------------------
# Everything the admin rules (engine/admin.py, engine/budgets.py) and their commands say.
DESCRIBE_CONFIG_BUDGET = _command("describe-config-budget")
DESCRIBE_CONFIG_ROLES = _command("describe-config-roles")
DESCRIBE_CONFIG_COOLDOWN = _command("describe-config-cooldown")
DESCRIBE_CONFIG_MEMBER_LIMITS = _command("describe-config-member-limits")
DESCRIBE_CONFIG_BLOCKLIST = _command("describe-config-blocklist")
DESCRIBE_BLOCKLIST_ADD = _command("describe-blocklist-add")
DESCRIBE_BLOCKLIST_REMOVE = _command("describe-blocklist-remove")
DESCRIBE_BLOCKLIST_SHOW = _command("describe-blocklist-show")
DESCRIBE_CONFIG_FLAGGED = _command("describe-config-flagged")
DESCRIBE_CONFIG_LOG_CHANNEL = _command("describe-config-log-channel")
DESCRIBE_USAGE_SHOW = _command("describe-usage-show")
DESCRIBE_USAGE_EXPORT = _command("describe-usage-export")
OPTIONS_CONFIG_BUDGET = _options(
    provider="option-config-budget-provider",
    daily="option-config-budget-daily",
    monthly="option-config-budget-monthly",
)
OPTIONS_CONFIG_ROLES = _options(
    allow="option-config-roles-allow",
    bypass="option-config-roles-bypass",
    remove="option-config-roles-remove",
)
OPTIONS_CONFIG_COOLDOWN = _options(seconds="option-config-cooldown-seconds")
OPTIONS_CONFIG_MEMBER_LIMITS = _options(
    at_once="option-config-member-limits-at-once", per_day="option-config-member-limits-per-day"
)
OPTIONS_BLOCKLIST_WORD = _options(word="option-blocklist-word")
OPTIONS_CONFIG_FLAGGED = _options(mode="option-config-flagged-mode")
OPTIONS_CONFIG_LOG_CHANNEL = _options(channel="option-config-log-channel-channel")
OPTIONS_USAGE = _options(days="option-usage-days", provider="option-usage-provider")
FLAGGED_MODE_NAMES = {m: _command(f"choice-flagged-{m}") for m in ("spoiler", "withhold")}


def when(moment: datetime) -> str:
    """A moment every member sees in their own time zone, and how far off it is."""
    stamp = int(moment.timestamp())
    return f"<t:{stamp}:t> (<t:{stamp}:R>)"


def amount(value: float) -> int | float:
    """Credits as a number the catalogue formats in the reader's language (1,5 in German), picking
    the plural form (a whole number stays whole: `1 credit`, not `1.0 credits`)."""
    return int(value) if float(value).is_integer() else round(float(value), 3)


ADMIN_REASONS = frozenset(AdminReason)


def admin_refusal(refusal: AdminRefusal, *, locale: str | None = SOURCE) -> str:
    params = refusal.params
    until = params.get("until")
    if isinstance(until, str):  # read back from a rejected job's stored reason
        until = datetime.fromisoformat(until)
    reason = refusal.reason
    if reason is AdminReason.ROLE_REQUIRED:
        named = params.get("roles")
        roles = ", ".join(f"<@&{r}>" for r in (named if isinstance(named, list) else []))
        return t(locale, "admin-role-required", roles=roles)
    if reason is AdminReason.BLOCKED_WORD:
        return t(locale, "admin-blocked-word")
    assert isinstance(until, datetime)
    if reason is AdminReason.PENALTY:
        return t(locale, "admin-penalty", when=when(until))
    if reason is AdminReason.COOLDOWN:
        return t(locale, "admin-cooldown", when=when(until))
    if reason is AdminReason.DAILY_LIMIT:
        limit = params.get("limit")
        return t(locale, "admin-daily-limit", limit=limit if isinstance(limit, int) else 0, when=when(until))
    period = "month" if params.get("period") == "month" else "day"
    budget = params.get("budget")
    stamp = int(until.timestamp())
    args: dict[str, Arg] = {
        "provider": str(params.get("provider")),
        "resets": f"<t:{stamp}:f> (<t:{stamp}:R>)",
    }
    if isinstance(budget, int | float):
        return t(locale, f"admin-budget-{period}-amount", credits=amount(budget), **args)
    return t(locale, f"admin-budget-{period}", **args)


def budget_saved(
    provider: str, daily: float | None, monthly: float | None, *, locale: str | None = SOURCE
) -> str:
    """A limit of 0 is a limit (nothing may be spent); None is none."""
    if daily is not None and monthly is not None:
        return t(locale, "budget-saved-both", provider=provider, daily=amount(daily), monthly=amount(monthly))
    if daily is not None:
        return t(locale, "budget-saved-daily", provider=provider, daily=amount(daily))
    if monthly is not None:
        return t(locale, "budget-saved-monthly", provider=provider, monthly=amount(monthly))
    return t(locale, "budget-saved-none", provider=provider)


def roles_saved(allow: list[int], bypass: list[int], *, locale: str | None = SOURCE) -> str:
    return t(locale, "roles-saved") + "\n" + roles_summary(allow, bypass, locale=locale)


def roles_summary(allow: list[int], bypass: list[int], *, locale: str | None = SOURCE) -> str:
    def mentions(roles: list[int]) -> str:
        return ", ".join(f"<@&{r}>" for r in roles)

    allowed = t(locale, "roles-allow", roles=mentions(allow)) if allow else t(locale, "roles-allow-everyone")
    bypassing = (
        t(locale, "roles-bypass", roles=mentions(bypass)) if bypass else t(locale, "roles-bypass-nobody")
    )
    return f"{allowed}\n{bypassing}"


def blocklist_added(added: bool, *, locale: str | None = SOURCE) -> str:
    return t(locale, "blocklist-added" if added else "blocklist-already")


def blocklist_removed(removed: bool, *, locale: str | None = SOURCE) -> str:
    return t(locale, "blocklist-removed" if removed else "blocklist-not-there")


def blocklist_invalid(limit: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "blocklist-invalid", limit=limit)


def blocklist_full(limit: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "blocklist-full", limit=limit)


def blocklist_shown(patterns: list[str], *, locale: str | None = SOURCE) -> str:
    if not patterns:
        return t(locale, "blocklist-empty")
    listed = ", ".join(f"`{defuse(p)}`" for p in patterns)
    return clip(t(locale, "blocklist-title") + "\n" + listed, 2000)


def flagged_mode_name(mode: str, *, locale: str | None = SOURCE) -> str:
    return t(locale, f"choice-flagged-{mode}") if mode in FLAGGED_MODE_NAMES else mode


def admin_summary(
    budgets: list[tuple[str, float | None, float | None, float, float]],
    roles: str,
    cooldown: int,
    per_day: int | None,
    flagged_mode: str,
    log_channel_id: int | None,
    blocked: int,
    *,
    locale: str | None = SOURCE,
) -> str:
    """The admin part of /config show. budgets: (provider, daily, monthly, used today, used this month)."""
    lines = []
    for provider, daily, monthly, today, month in budgets:
        limits = [
            t(locale, f"config-budget-{period}", used=amount(used), limit=amount(limit))
            for period, limit, used in (("today", daily, today), ("month", monthly, month))
            if limit is not None
        ]
        if limits:
            lines.append(t(locale, "config-budget", provider=provider, limits=", ".join(limits)))
    if not lines:
        lines.append(t(locale, "config-budgets-none"))
    lines += [
        roles,
        t(locale, "config-cooldown", cooldown=during(cooldown, locale=locale))
        if cooldown
        else t(locale, "config-cooldown-none"),
        t(locale, "config-per-day", limit=per_day) if per_day else t(locale, "config-per-day-none"),
        t(locale, "config-flagged", mode=flagged_mode_name(flagged_mode, locale=locale)),
        t(locale, "config-log", channel=str(log_channel_id))
        if log_channel_id
        else t(locale, "config-log-off"),
        t(locale, "config-blocklist", count=blocked),
    ]
    return "\n".join(lines)


def flagged_note(numbers: list[int], withheld: bool, *, locale: str | None = SOURCE) -> str:
    which = ", ".join(str(n) for n in numbers)
    return t(locale, "flagged-note-withheld" if withheld else "flagged-note-spoiler", takes=which)


def flagged_withheld(*, locale: str | None = SOURCE) -> str:
    return t(locale, "flagged-withheld")


def flagged_withheld_dm(job_id: int, channel_id: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "flagged-withheld-dm", job=str(job_id), channel=str(channel_id))


def admin_event(event: AdminEvent, *, locale: str | None = SOURCE) -> str:
    """One line in the admin log channel: the server's language."""
    p = event.params
    kind = event.kind
    provider = str(p.get("provider"))
    job = str(p.get("job_id"))
    member = str(p.get("member_id"))
    strikes = p.get("strikes")
    count = strikes if isinstance(strikes, int) else 0
    if kind is AdminEventKind.BUDGET_REACHED:
        period = "month" if p.get("period") == "month" else "day"
        return t(locale, f"event-budget-reached-{period}", provider=provider, member=member)
    if kind is AdminEventKind.BLOCKED_WORD:
        return t(locale, "event-blocked-word", member=member, count=count)
    if kind is AdminEventKind.MEMBER_PENALISED:
        until = p.get("until")
        moment = when(until) if isinstance(until, datetime) else ""
        return t(locale, "event-member-penalised", member=member, count=count, when=moment)
    takes = p.get("takes")
    if kind is AdminEventKind.FLAGGED_OUTPUT and not takes:
        return t(locale, "event-flagged-refused", provider=provider, job=job)
    if kind is AdminEventKind.FLAGGED_OUTPUT:
        done = "withheld" if p.get("withheld") else "spoiler"
        flagged = takes if isinstance(takes, int) else 0
        return t(locale, f"event-flagged-{done}", provider=provider, job=job, count=flagged)
    if kind is AdminEventKind.PROVIDER_KEY_REFUSED:
        return t(locale, "event-key-refused", provider=provider, job=job)
    return t(locale, "event-out-of-credits", provider=provider, job=job)


def log_channel_saved(channel_id: int | None, *, locale: str | None = SOURCE) -> str:
    if channel_id:
        return t(locale, "log-channel-saved", channel=str(channel_id))
    return t(locale, "log-channel-off")


USAGE_CHART_NAME = "usage.png"
# The CSV's column names stay English in every language: spreadsheets and scripts read them.
USAGE_CSV_HEADER = ("date", "member", "provider", "kind", "state", "credits")


def usage_title(days: int, provider: str | None, *, locale: str | None = SOURCE) -> str:
    title = t(locale, "usage-title", days=days)
    return f"{title} · `{provider}`" if provider else title


def usage_nothing(days: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "usage-nothing", days=days)


def usage_provider_line(jobs: int, credits: float, *, locale: str | None = SOURCE) -> str:
    return t(locale, "usage-line", jobs=jobs, credits=amount(credits))


def usage_top(rows: list[tuple[int, int, float]], *, locale: str | None = SOURCE) -> str:
    lines = [f"<@{m}> · " + usage_provider_line(jobs, c, locale=locale) for m, jobs, c in rows]
    return "\n".join(lines) or t(locale, "usage-top-nobody")


def usage_top_field(*, locale: str | None = SOURCE) -> str:
    return t(locale, "usage-top-field")


def usage_chart_unit(by_jobs: bool, *, locale: str | None = SOURCE) -> str:
    """The chart's axis label: what the bars count."""
    return t(locale, "usage-chart-jobs" if by_jobs else "usage-chart-credits")


def usage_export_ready(days: int, jobs: int, *, locale: str | None = SOURCE) -> str:
    return t(locale, "usage-export-ready", days=days, jobs=jobs)


def usage_csv_name(days: int) -> str:
    return f"usage-{days}d.csv"


# -- member text echoed into embeds: mentions defused, markdown escaped -------------------------------------
# The same patterns as discord.utils.escape_markdown (as_needed=False, ignore_links=True), written out here
# because this module is used without discord.py (cli.py). An unclosed ``` in a prompt would otherwise turn
# the rest of an embed into a code block.
_LINK = r"(?P<url><[^: >]+:\/[^ >]+>|(?:https?|steam):\/\/[^\s<]+[^<.,:;\"\'\]\s])"
_MARKUP = r"(?P<markdown>[_\\~|\*`]|^>(?:>>)?\s|\[.+\]\(.+\)|^#{1,3}|^\s*-)"
_ESCAPE = re.compile(f"(?:{_LINK}|{_MARKUP})", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Every markdown character escaped with a backslash; links left as they are."""
    return _ESCAPE.sub(lambda m: m.group("url") or "\\" + m.group("markdown"), text)


def echo(text: str, limit: int) -> str:
    """Member (or vendor) text shown inside an embed: defused, escaped, then clipped to `limit`."""
    return clip(escape_markdown(defuse(text)), limit)


# -- for the operator: cli.py and bot.py print these on a terminal, one line per failure -------------
DISCORD_TOKEN_REFUSED = (
    "Discord refused DISCORD_TOKEN: check the token in .env (Developer Portal > Bot > Token)."
)


def cli_job_ended(job_id: int, state: str, reason: str | None) -> str:
    return f"job {job_id} {state}: {reason or 'no reason given'}"


def cli_job_cancelled(job_id: int) -> str:
    return f"job {job_id} cancelled (Ctrl-C); its work files are removed"


def cli_out_is_a_file(path: object) -> str:
    return f"{path} is a file: -o names the directory the takes are written to"


def cli_take_exists(path: object) -> str:
    return f"{path} already exists: pass --force to overwrite it, or -o another directory"


def discord_unreachable(api_base: str, cause: str) -> str:
    return (
        f"Can't reach Discord at {api_base} ({cause}): check the network, and DISCORD_API_BASE if it is set."
    )


def webhook_port_unavailable(host: str, port: int, cause: str) -> str:
    return (
        f"Can't listen on WEBHOOK_HOST={host} WEBHOOK_PORT={port} ({cause}): "
        "choose a free WEBHOOK_PORT, or stop what is using it."
    )


def database_unavailable(cause: str) -> str:
    return f"{cause} (check DATABASE_URL in .env)"


def start_failed(cause: str) -> str:
    return f"The bot stopped: {cause}. Run bot.py --verbose to see the traceback."
