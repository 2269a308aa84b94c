"""Every sentence a member reads, in one place, so the wording stays consistent and easy to change."""

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

# -- names and formatting every section uses -----------------------------------------------------------
KIND_NAMES = {JobKind.REMIX: "remix", JobKind.SING: "sing-over", JobKind.GENERATE: "song"}

STAGE_NAMES = {
    "received": "Checking your audio",
    "queued": "Waiting in the queue",
    "submitting": "Sending the audio",
    "submitted": "Submitted",
    "running": "Working on it",
    "delivering": "Posting the takes",
    "delivered": "Done",
    "failed": "Failed",
    "rejected": "Not started",
    "cancelled": "Cancelled",
}

# What a member can do next, per kind of provider failure.
NEXT_STEP = {
    ErrorKind.INVALID_INPUT: "Check the audio and the text, then try again.",
    ErrorKind.INSUFFICIENT_CREDITS: "The server's provider account needs a top-up; tell a server admin.",
    ErrorKind.RATE_LIMITED: "Try again in a few minutes.",
    ErrorKind.CONTENT_FLAGGED: "Try a different prompt, lyrics or audio.",
    ErrorKind.UNAVAILABLE: "Try again in a few minutes.",
    ErrorKind.AUTH: "Tell a server admin: the bot's key for this provider needs fixing.",
    ErrorKind.NOT_FOUND: "Try again; if it keeps happening, tell a server admin.",
    ErrorKind.GENERATION_FAILED: "Try again, perhaps with a different prompt.",
    ErrorKind.EXPIRED: "Try again.",
}

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
    value = int(round(value))
    return f"{value // 60}:{value % 60:02d}" if value >= 60 else f"{value} s"


def to_member(member_id: int, text: str) -> str:
    """A message in the channel addressed to one member (when a private reply is no longer possible)."""
    return f"<@{member_id}> {text}"


# -- refusals before anything starts ---------------------------------------------------------------
def unknown_provider(name: str, available: list[str]) -> str:
    return f"I don't know the provider `{clip(defuse(name), 40)}`. Available here: {', '.join(available)}."


# Which providers can make what, for members on a bot where none of those is set up.
CAPABLE_ELSEWHERE = {
    JobKind.REMIX: "MusicGPT, Soundpiece or Soundverse",
    JobKind.SING: "MusicGPT",
    JobKind.GENERATE: "MusicGPT",
}


def kind_not_supported(provider: str, kind: JobKind, supporters: list[str] | None) -> str:
    if supporters is None:  # a provider's own check: who else could is for the bot to say
        return f"{provider} can't make a {KIND_NAMES[kind]}."
    if supporters:
        return f"{provider} can't make a {KIND_NAMES[kind]}. Try {', '.join(supporters)}."
    return (
        f"{provider} can't make a {KIND_NAMES[kind]}, and no provider here can: "
        f"{CAPABLE_ELSEWHERE[kind]} can, once a server admin sets one up."
    )


def prompt_required(provider: str) -> str:
    return f"{provider} needs a prompt: describe how it should sound."


def lyrics_required(provider: str) -> str:
    return f"{provider} needs lyrics for this. Add them with the `lyrics` option."


def prompt_or_lyrics_required() -> str:
    return "Give me a prompt, lyrics, or both."


def length_out_of_range(length: float, low: int, high: int) -> str:
    return f"A length of {length:g} s won't work: pick between {low} s and {seconds(high)}."


def instrumental_and_vocal_only() -> str:
    return "A song can't be both instrumental and vocals only: pick one of the two."


def too_long(field: str, length: int | None, limit: int, provider: str) -> str:
    if length is None:
        return f"Your {field} is too long; {provider} takes at most {limit} characters."
    return (
        f"Your {field} has {length} characters; {provider} takes at most {limit}. Shorten it and try again."
    )


def variations_not_supported(provider: str, supporters: list[str]) -> str:
    others = f", or use {', '.join(supporters)}" if supporters else ""
    return f"{provider} can't make a chosen number of variations. Leave out the `variations` option{others}."


def variations_out_of_range(wanted: object, limit: int, provider: str) -> str:
    return f"{provider} makes 1 to {limit} variations, not {wanted}. Change the `variations` option."


def file_too_large(size: int, limit: int, provider: str) -> str:
    return f"That file is {mb(size)}; {provider} takes files up to {mb(limit)}."


def audio_too_long(duration: float, limit: float, provider: str) -> str:
    return f"That audio is {seconds(duration)} long; {provider} takes up to {seconds(limit)}."


def audio_too_short(duration: float, limit: float, provider: str) -> str:
    return f"That audio is only {seconds(duration)} long; {provider} needs at least {seconds(limit)}."


def not_audio(why: Reason | str | None) -> str:
    return f"I can't use that file: {AUDIO_WORDS.get(why or '', AUDIO_WORDS[Reason.AUDIO_NOT_AUDIO])}"


def empty_upload() -> str:
    return "I can't use that file: the file is empty."


def no_audio_attached() -> str:
    return "I can't use that file: no audio was attached."


def attachment_unreachable() -> str:
    return "I couldn't download your attachment from Discord. Please try again."


def too_many_jobs(limit: int) -> str:
    return f"You already have {limit} jobs going. Wait for one to finish (or cancel one) first."


# Discord's own names for the channel permissions the bot asks for.
PERMISSION_NAMES = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
}


def permission_name(flag: str) -> str:
    """Discord's name for a permission flag (`manage_messages` -> Manage Messages)."""
    return PERMISSION_NAMES.get(flag) or flag.replace("_", " ").title()


def missing_permissions(names: list[str]) -> str:
    return (
        "I can't post results in this channel: I'm missing "
        + ", ".join(f"**{n}**" for n in names)
        + ". Ask a server admin to grant them, or use another channel."
    )


def wrong_channel(channel_id: int) -> str:
    return f"On this server, remixes happen in <#{channel_id}>."


def guild_only() -> str:
    return "This works in server channels only."


# -- audio checks (audio/probe.py): why a file can't be used as audio ------------------------------------
AUDIO_WORDS: dict[str, str] = {
    Reason.AUDIO_EMPTY: "This file is empty.",
    Reason.AUDIO_NOT_AUDIO: "This doesn't look like an audio file.",
    Reason.AUDIO_DAMAGED: "I could not read this audio; it may be damaged.",
    Reason.AUDIO_SILENT: "This audio file has no sound in it.",
    Reason.AUDIO_VIDEO_WITHOUT_SOUND: "This video has no sound track.",
    Reason.AUDIO_UNKNOWN_LENGTH: "I could not tell how long this audio is.",
}


# -- acknowledgements --------------------------------------------------------------------------------
def checking(with_audio: bool = True) -> str:
    return "Got it! Checking your audio…" if with_audio else "Got it! Getting your song ready…"


def accepted(position: int | None) -> str:
    where = f" You're number {position} in the queue." if position else ""
    return f"Your job is in. Progress shows in this channel.{where}"


def rejected(reason: str) -> str:
    return f"Nothing was started. {reason}"


# -- status message ------------------------------------------------------------------------------------
def status_title(kind: JobKind, state: str) -> str:
    return f"{KIND_NAMES[kind].capitalize()} · {STAGE_NAMES.get(state, state)}"


def queue_position(position: int) -> str:
    return "Next in line" if position == 1 else f"Position {position} in the queue"


# A provider's own progress detail (Progress.detail).
def takes_ready(ready: int, expected: int) -> str:
    return f"{ready} of {expected} takes ready"


def working_for(provider: str, seconds: float) -> str:
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    spent = f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
    return f"{provider} has been working for {spent}"


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


STATUS_FIELD = "Status"


def job_footer(job_id: int) -> str:
    return f"Job #{job_id}"


def requested_by(member_id: int, provider: str) -> str:
    return f"Requested by <@{member_id}> · {provider}"


def progress(stage: str, percent: float | None) -> str:
    return f"{stage} · {percent:.0f}%" if percent is not None else stage


# -- the channel board (face/channel_board.py): one line per job when a busy channel folds ------------
BOARD_FOOTER = "This channel is busy: statuses are shown here together. Show my status gives you your own."
BUTTON_SHOW_STATUS = "Show my status"


def board_title(active: int, total: int) -> str:
    if active == 0:
        return f"Channel board · all {total} jobs finished"
    return f"Channel board · {active} of {total} jobs in progress"


def board_line(
    job_id: int,
    member_id: int,
    excerpt: str | None,
    state: str,
    stage: str | None,
    percent: float | None,
    position: int | None,
) -> str:
    """`excerpt` arrives escaped and defused (texts.quoted); the mention shows a name and pings nobody."""
    parts = [f"`#{job_id}` <@{member_id}>"]
    if excerpt:
        parts.append(excerpt)
    parts.append(f"**{STAGE_NAMES.get(state, state)}**")
    if stage:
        parts.append(stage)
    if percent is not None:
        parts.append(f"{percent:.0f}%")
    if position:
        parts.append(f"#{position} in queue")
    return " · ".join(parts)


def board_more(count: int) -> str:
    return f"… and {count} more"


def board_shown(count: int) -> str:
    if count == 0:
        return "You have no job in progress on this board."
    return (
        "Your status is posted below and kept up to date."
        if count == 1
        else (f"Your {count} statuses are posted below and kept up to date.")
    )


def started(timestamp: int) -> str:
    return f"Started <t:{timestamp}:R>"


def expected(timestamp: int) -> str:
    return f"Expected <t:{timestamp}:R>"


def listen_early(url: str) -> str:
    return f"[Listen while it finishes]({url})"


def cancelled(reason: str | None) -> str:
    return f"This job was cancelled. {reason}" if reason else "This job was cancelled."


def cancelled_by(member_id: int) -> str:
    return f"Cancelled by <@{member_id}>."


# -- why a job failed, was refused or left something out: reason codes and kinds into sentences --------
# A provider's failure is worded from its kind, or from its reason where the member should hear more;
# `{provider}` is the provider's label. `said` is the vendor's own words about the member's input.
Words = Callable[[Mapping[str, Any], str], str]

KIND_WORDS: dict[ErrorKind, str] = {
    ErrorKind.INVALID_INPUT: "{provider} refused the request.",
    ErrorKind.INSUFFICIENT_CREDITS: "The bot's {provider} account is out of credits.",
    ErrorKind.RATE_LIMITED: "{provider} is getting too many requests right now.",
    ErrorKind.CONTENT_FLAGGED: "{provider} flagged this request and made no track.",
    ErrorKind.UNAVAILABLE: "{provider} is having trouble right now.",
    ErrorKind.AUTH: "{provider} refused the bot's API key.",
    ErrorKind.NOT_FOUND: "{provider} has no record of this job.",
    ErrorKind.GENERATION_FAILED: "{provider} could not make this track.",
    ErrorKind.EXPIRED: "The download link from {provider} has expired.",
}


def _said(params: Mapping[str, Any], lead: str) -> str:
    """`lead`, then the vendor's words when it gave any."""
    text = params.get("said")
    return f"{lead}: {quoted(text)}" if isinstance(text, str) and text.strip() else f"{lead}."


def _why(params: Mapping[str, Any]) -> str:
    """The vendor's words in brackets, when it gave any."""
    text = params.get("said")
    return f" ({quoted(text)})" if isinstance(text, str) and text.strip() else ""


def _kind_name(params: Mapping[str, Any]) -> str:
    kind = params.get("job_kind")
    return KIND_NAMES[JobKind(kind)] if kind in set(JobKind) else "track"


REASON_WORDS: dict[Reason, Words] = {
    # a provider or a download
    Reason.UNREACHABLE: lambda p, provider: f"{provider} could not be reached.",
    Reason.NO_ANSWER: lambda p, provider: f"{provider} did not answer in time.",
    Reason.LINK_EXPIRED: lambda p, provider: "The download link has expired.",
    Reason.DOWNLOAD_BROKE_OFF: lambda p, provider: "The download failed part way.",
    Reason.TOO_LARGE: lambda p, provider: (
        f"The audio file is too large for {provider}: the limit is {mb(p['limit'])}."
        if p.get("limit")
        else f"The audio file is too large for {provider}."
    ),
    Reason.DOWNLOAD_TOO_LARGE: lambda p, provider: (
        f"The file is larger than {p['limit'] // (1024 * 1024)} MB."
    ),
    Reason.ANSWERED: lambda p, provider: _said(p, f"{provider} answered with an error ({p.get('status')})"),
    Reason.REFUSED: lambda p, provider: _said(p, f"{provider} refused the request"),
    Reason.FLAGGED: lambda p, provider: f"{provider} flagged this request{_why(p)} and made no track.",
    Reason.MADE_NOTHING: lambda p, provider: _said(p, f"{provider} could not make this {_kind_name(p)}"),
    Reason.UNKNOWN_JOB: lambda p, provider: f"{provider} has no record of this job.",
    Reason.SERVER_LOST_JOB: lambda p, provider: f"{provider} lost track of this job.",
    Reason.DUPLICATE: lambda p, provider: (
        f"{provider} says this duplicates a request it is already working on."
    ),
    Reason.UNREADABLE: lambda p, provider: f"{provider} sent an answer the bot could not read.",
    Reason.NO_JOB_ID: lambda p, provider: f"{provider} did not say which job it started.",
    Reason.WRONG_ADDRESS: lambda p, provider: (
        f"{provider} did not recognise the bot's request (not found); its {provider} address may be wrong."
    ),
    Reason.STREAM_BROKE: lambda p, provider: (
        f"The connection to {provider} broke before it confirmed the job."
    ),
    Reason.NO_TAKES: lambda p, provider: f"{provider} finished but returned no takes.",
    Reason.NOTHING_TO_DOWNLOAD: lambda p, provider: f"{provider} has no downloadable takes for this job.",
    Reason.AUDIO_MISSING: lambda p, provider: "This needs an audio file to work on.",
    Reason.LINK_MISSING: lambda p, provider: f"{provider} needs the song as a public link.",
    Reason.BAD_SONG: lambda p, provider: _said(p, f"{provider} could not use the song"),
    Reason.CANNOT_RESUME: lambda p, provider: f"{provider} can't resume this job.",
    Reason.INPUT_GONE: lambda p, provider: "The audio to remix is no longer available.",
    Reason.RENDER_FAILED: lambda p, provider: "I could not process this audio; it may be damaged.",
    Reason.TAKE_SILENT: lambda p, provider: f"Take {p['index']} came back without audio.",
    Reason.NO_TAKES_DOWNLOADED: lambda p, provider: "None of the takes could be downloaded.",
    # the engine's own causes
    Reason.DEADLINE_PASSED: lambda p, provider: (
        f"This took longer than {seconds(p['limit'])}, so I stopped waiting. "
        "Try again later, or with another provider."
    ),
    Reason.RESTART_LOST_SUBMIT: lambda p, provider: (
        "The bot restarted while sending this job and can't tell whether the provider got it. "
        "To avoid paying twice it was not sent again; run the command again if no result shows up."
    ),
    Reason.SUBMIT_UNCONFIRMED: lambda p, provider: (
        f"{provider} did not confirm that it got this job. To avoid paying twice it was not sent again; "
        "if no result shows up, run the command again."
    ),
    Reason.INTERRUPTED: lambda p, provider: (
        "Something went wrong on our side while handling this job. Please run the command again."
    ),
    Reason.PROVIDER_GONE: lambda p, provider: (
        f"The provider {p.get('name')} is no longer configured here. "
        "Run the command again with another provider."
    ),
    Reason.PROVIDER_STOPPED: lambda p, provider: f"{provider} stopped reporting on this job.",
    Reason.RESULT_REFUSED: lambda p, provider: "Discord refused the result message.",
    Reason.FLAGGED_WITHHELD: lambda p, provider: flagged_withheld(),
    Reason.MISSING_PERMISSIONS: lambda p, provider: missing_permissions(
        [permission_name(flag) for flag in p.get("permissions", [])]
    ),
    Reason.CANCELLED_BY: lambda p, provider: cancelled_by(p["member_id"]),
    # notes on a result, and a provider's progress detail
    Reason.TAKE_LEFT_OUT: lambda p, provider: take_left_out(p.get("index"), provider, p),
    Reason.FEWER_VARIATIONS: lambda p, provider: (
        f"{provider} returned {p.get('got')} of the {p.get('wanted')} variations asked for."
    ),
    Reason.TAKE_NOT_DOWNLOADED: lambda p, provider: (
        f"Take {p['index']} could not be downloaded: {provider_failure(p, provider)}"
    ),
    Reason.TAKE_UNAVAILABLE: lambda p, provider: f"Take {p['index']} was too large to post here.",
    Reason.DEADLINE_PARTIAL: lambda p, provider: (
        f"The other take was still not ready after {seconds(p['limit'])}, so only the finished one is posted."
    ),
    Reason.DEFAULT_EFFECTS: lambda p, provider: (
        f"No effect was named in the prompt, so I used {p.get('effects')}. "
        "Try words like slowed, nightcore, lo-fi, bass boost or vaporwave."
    ),
    Reason.TAKES_READY: lambda p, provider: takes_ready(p["ready"], p["expected"]),
    Reason.WORKING_FOR: lambda p, provider: working_for(provider, p["seconds"]),
    # refusals before anything starts (a provider's own checks raise some of these too)
    Reason.UNKNOWN_PROVIDER: lambda p, provider: unknown_provider(p["name"], p.get("available", [])),
    Reason.KIND_NOT_SUPPORTED: lambda p, provider: kind_not_supported(
        provider, JobKind(p["job_kind"]), p.get("supporters")
    ),
    Reason.PROMPT_REQUIRED: lambda p, provider: prompt_required(provider),
    Reason.LYRICS_REQUIRED: lambda p, provider: lyrics_required(provider),
    Reason.PROMPT_OR_LYRICS_REQUIRED: lambda p, provider: prompt_or_lyrics_required(),
    Reason.TOO_LONG: lambda p, provider: too_long(p["field"], p.get("length"), p["limit"], provider),
    Reason.LENGTH_OUT_OF_RANGE: lambda p, provider: length_out_of_range(p["length"], p["low"], p["high"]),
    Reason.INSTRUMENTAL_AND_VOCAL_ONLY: lambda p, provider: instrumental_and_vocal_only(),
    Reason.VARIATIONS_NOT_SUPPORTED: lambda p, provider: variations_not_supported(
        provider, p.get("supporters", [])
    ),
    Reason.VARIATIONS_OUT_OF_RANGE: lambda p, provider: variations_out_of_range(
        p.get("wanted"), p["limit"], provider
    ),
    Reason.FILE_TOO_LARGE: lambda p, provider: file_too_large(p["size"], p["limit"], provider),
    Reason.AUDIO_TOO_LONG: lambda p, provider: audio_too_long(p["duration"], p["limit"], provider),
    Reason.AUDIO_TOO_SHORT: lambda p, provider: audio_too_short(p["duration"], p["limit"], provider),
    Reason.NOT_AUDIO: lambda p, provider: not_audio(p.get("why")),
    Reason.EMPTY_UPLOAD: lambda p, provider: empty_upload(),
    Reason.NO_AUDIO_ATTACHED: lambda p, provider: no_audio_attached(),
    Reason.ATTACHMENT_UNREACHABLE: lambda p, provider: attachment_unreachable(),
    Reason.TOO_MANY_JOBS: lambda p, provider: too_many_jobs(p["limit"]),
    Reason.WRONG_CHANNEL: lambda p, provider: wrong_channel(p["channel_id"]),
}


def words(
    reason: Reason | str | None, kind: ErrorKind | None, params: Mapping[str, Any], provider: str
) -> str:
    """The sentence for a reason code, else for the kind; a refusal names its provider in its params."""
    provider = params.get("provider") or provider
    if reason in ADMIN_REASONS:
        return admin_refusal(AdminRefusal(AdminReason(reason), params))
    if reason in REASON_WORDS:
        try:
            return REASON_WORDS[Reason(reason)](params, provider)
        except (KeyError, TypeError, ValueError):
            pass  # parameters from another version: the kind's sentence still says what happened
    if kind is not None:
        return KIND_WORDS[kind].format(provider=provider)
    return REASON_WORDS[Reason.INTERRUPTED](params, provider)


def provider_failure(params: Mapping[str, Any], provider: str) -> str:
    """A provider failure recorded inside a note: its kind and reason (`cause`) among the params."""
    kind = params.get("kind")
    return words(params.get("cause"), ErrorKind(kind) if kind in set(ErrorKind) else None, params, provider)


def failure(error: Failure, provider: str) -> str:
    """Why a job failed, was refused or was cancelled, with what the member can do next."""
    if error.text is not None:
        return error.text  # stored as a sentence by an older version, next step included
    text = words(error.reason, error.kind, error.params, provider)
    step = NEXT_STEP.get(error.kind) if error.kind else None
    return f"{text} {step}" if step else text


def note(item: Note, provider: str) -> str:
    return item.text if item.text is not None else words(item.reason, None, item.params, provider)


def refusal(item: Refusal) -> str:
    """Why a request was not started; a refusal names the provider it is about in its params."""
    return rejected(words(item.reason, None, item.params, ""))


# -- results --------------------------------------------------------------------------------------------
def result_ready(member_id: int, count: int) -> str:
    takes = "take is" if count == 1 else f"{count} takes are"
    return f"<@{member_id}> your {takes} ready!"


def result_link(url: str) -> str:
    return f"[Jump to the result]({url})"


PROVIDER_FIELD = "Provider"
UNKNOWN_DURATION = "?"
LYRICS_FIELD = "Lyrics"
NOTE_FIELD = "Note"


def take_name(number: int) -> str:
    return f"Take {number}"


def download_link(url: str) -> str:
    return f"[download]({url})"


def take_left_out(index: int | None, provider: str, params: Mapping[str, Any]) -> str:
    """A note on the result: one take of several failed at the provider."""
    name = f"Take {index}" if index else "One take"
    if params.get("flagged"):
        return f"{name} was flagged by {provider}{_why(params)} and is left out."
    return f"{name} failed at {provider} and is left out."


# -- buttons and forms --------------------------------------------------------------------------------
REMIX_THIS_AUDIO = "Remix this audio"
BUTTON_REROLL = "Reroll"
BUTTON_EDIT = "Edit and rerun"
BUTTON_DELETE = "Delete"
BUTTON_CANCEL = "Cancel"
FORM_PROMPT = "Prompt"
FORM_PROMPT_HINT = "How it should sound, e.g. lo-fi with chill beats"
FORM_LYRICS = "Lyrics"
FORM_LYRICS_HINT = "New lyrics to sing (optional)"
FORM_GENDER = "Voice"
FORM_GENDER_HINT = "Voice for the vocals (optional)"
GENDER_NAMES = {"male": "Male", "female": "Female", "neutral": "Neutral"}
FORM_FILE = "Which file"
FORM_FILE_HINT = "The message has several audio files"


def button_take(number: int) -> str:
    return f"Remix take {number}"


def form_title_take(number: int) -> str:
    return f"Remix take {number}"


def form_title_edit(job_id: int) -> str:
    return f"Edit and rerun job #{job_id}"


# -- command descriptions (Discord shows them in the command picker; at most 100 characters each) -------
DESCRIBE_REMIX = "Remix a song: attach audio and describe the new sound."
DESCRIBE_SING = "Sing your lyrics over an instrumental: attach it and write the words."
DESCRIBE_GENERATE = "Make a new song from a prompt, or from your lyrics and a style."
DESCRIBE_JOBS = "Your recent jobs: state and links (only you see it)."
DESCRIBE_SHOW = "Post a job's results again, with fresh buttons."
DESCRIBE_CANCEL = "Cancel a job that has not finished."
DESCRIBE_CONFIG = "Set up the remix bot for this server"
DESCRIBE_CONFIG_SHOW = "Show this server's remix settings"
DESCRIBE_CONFIG_PROVIDER = "Choose the provider used when a member names none"
DESCRIBE_CONFIG_CHANNEL = "Keep remixes in one channel (leave empty: any channel)"
DESCRIBE_CONFIG_MEMBER_LIMIT = "How many unfinished jobs one member may have"
DESCRIBE_USAGE = "What this server made with the bot recently"

# Options, by command.
OPTIONS_REMIX = {
    "audio": "The song to remix (an audio file)",
    "prompt": "How it should sound, e.g. 'lo-fi with chill beats'",
    "lyrics": "New lyrics to sing (optional; some providers need them)",
    "gender": "Voice for the vocals",
    "provider": "Which AI service makes it",
    "variations": "How many takes to make, 1 to 3 (providers that offer a choice)",
}
OPTIONS_SING = {
    "audio": "The instrumental to sing over (an audio file)",
    "prompt": "How the singing should sound, e.g. 'soulful, slow, breathy'",
    "lyrics": "The words to sing",
    "gender": "Voice for the vocals",
    "provider": "Which AI service makes it",
}


def options_generate(min_length: int, max_length: int) -> dict[str, str]:
    return {
        "prompt": "What the song is about and how it sounds (the AI writes the rest)",
        "style": "Genre or style for your lyrics, e.g. 'Pop' or 'Lo-fi'",
        "lyrics": "Your own lyrics (use with style)",
        "instrumental": "Music only, no vocals",
        "vocal_only": "Vocals only, no instruments",
        "gender": "Voice for the vocals",
        "voice": "A voice model to sing with (start typing a name)",
        "length": f"Length in seconds ({min_length}-{max_length}); experimental",
        "provider": "Which AI service makes it",
    }


OPTIONS_JOB = {"job": "The job number (see /jobs)"}
OPTIONS_CONFIG_PROVIDER = {"name": "A configured provider; leave empty to use the bot's default"}


# -- who may press what, and what happened ------------------------------------------------------------
# What a member tried to do, for the two sentences below.
ACTION_CANCEL = "cancel"
ACTION_DELETE = "delete"
ACTION_REROLL = "reroll"
ACTION_EDIT = "edit and rerun"


def only_requester(action: str) -> str:
    return f"Only the member who started this job can {action} it. Use Remix take on a take to make your own."


def only_requester_or_moderator(action: str) -> str:
    return f"Only the member who started this job or a moderator (Manage Messages) can {action} it."


def job_not_found(job_id: int) -> str:
    return f"I can't find job #{job_id} in this server."


def not_a_job_id(value: str) -> str:
    return f"`{clip(defuse(value), 30)}` is not a job number. Pick one from the list or see `/jobs`."


def no_audio_in_message() -> str:
    return "That message has no audio attachment. Use Remix this audio on a message with an audio file."


def source_gone(job_id: int, hours: float) -> str:
    kept = f"kept for {hours:g} hours" if hours else "not kept after a job ends"
    return (
        f"The audio of job #{job_id} is no longer available (inputs are {kept}). "
        "Run `/remix` again with the file, or use Remix this audio on a message that has it."
    )


def take_gone(job_id: int, number: int) -> str:
    return f"Take {number} of job #{job_id} is no longer in its result message (was it deleted?)."


def cannot_cancel_now(job_id: int, state: str) -> str:
    if state == "delivering":
        return f"Job #{job_id} is already posting its takes, so it can't be cancelled any more."
    return f"Job #{job_id} has already ended ({STAGE_NAMES.get(state, state).lower()}); there is nothing to cancel."


def cancel_done(job_id: int) -> str:
    return f"Job #{job_id} is cancelled."


def deleted(job_id: int) -> str:
    return f"Deleted the results of job #{job_id}."


def result_deleted(job_id: int) -> str:
    return f"The results of job #{job_id} were deleted, so there is nothing to show again."


def not_delivered(job_id: int, state: str, error: str | None, url: str | None) -> str:
    text = f"Job #{job_id} has no results to show: {STAGE_NAMES.get(state, state).lower()}."
    if error:
        text += f" {clip(error, 300)}"
    return text + (f" [Status]({url})" if url else "")


def shown_again(job_id: int, member_id: int, shown_by: int) -> str:
    by = "" if shown_by == member_id else f", shown again by <@{shown_by}>"
    return f"Results of job #{job_id} by <@{member_id}>{by}"


def shown_posted(url: str) -> str:
    return f"Posted again: {url}"


JOBS_TITLE = "Your recent jobs"


def no_jobs() -> str:
    return "You have no jobs in this server yet. Start one with `/remix`, or Remix this audio on a message."


def job_line(job_id: int, kind: str, state: str, prompt: str, links: list[str]) -> str:
    what = f" · “{clip(defuse(prompt), 60)}”" if prompt else ""
    tail = f" · {' · '.join(links)}" if links else ""
    return f"**#{job_id}** {kind} · {STAGE_NAMES.get(state, state)}{what}{tail}"


def status_link(url: str) -> str:
    return f"[status]({url})"


def results_link(url: str) -> str:
    return f"[result]({url})"


def job_choice(job_id: int, state: str, prompt: str) -> str:
    return clip(f"#{job_id} · {STAGE_NAMES.get(state, state)} · {prompt or 'no prompt'}", 100)


# -- errors ---------------------------------------------------------------------------------------------
def slow_down(retry_after: float) -> str:
    return f"Slow down a little: try again in {retry_after:.0f} s."


def no_permission() -> str:
    return "You don't have permission to do that here."


def cannot_use_here() -> str:
    return "You can't use this command here."


def not_understood(value: str) -> str:
    return f"I couldn't understand `{clip(defuse(value), 50)}`."


def generic_error(reference: str) -> str:
    return f"Something went wrong on our side (ref `{reference}`). Please try again."


# -- server settings -----------------------------------------------------------------------------------
def config_saved() -> str:
    return "Saved. `/config show` lists this server's settings."


def config_summary(
    provider: str | None, bot_default: str, channel_id: int | None, member_limit: int, available: list[str]
) -> str:
    return "\n".join(
        [
            "**Remix settings for this server**",
            f"Default provider: `{provider}`"
            if provider
            else f"Default provider: the bot's default (`{bot_default}`)",
            f"Remix channel: <#{channel_id}>" if channel_id else "Remix channel: any channel",
            f"Unfinished jobs per member: {member_limit}",
            f"Providers available: {', '.join(available)}",
        ]
    )


def usage_summary(days: int, rows: list[tuple[str, str, int]], top: list[tuple[int, int]]) -> str:
    if not rows:
        return f"No jobs in the last {days} days."
    by_provider: dict[str, dict[str, int]] = {}
    for provider, state, count in rows:
        by_provider.setdefault(provider, {})[state] = count
    lines = [f"**Last {days} days**"]
    for provider, states in by_provider.items():
        detail = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        lines.append(f"{provider}: {sum(states.values())} jobs ({detail})")
    if top:
        lines.append("Most takes delivered: " + ", ".join(f"<@{m}> {n}" for m, n in top))
    return "\n".join(lines)


# -- server admins: budgets, roles, cooldowns, moderation, usage, admin log ----------------------------
# Everything the admin rules (engine/admin.py, engine/budgets.py) and their commands say.
DESCRIBE_CONFIG_BUDGET = "Credit budget per provider for this server (leave both empty: no budget)"
DESCRIBE_CONFIG_ROLES = "Who may start jobs (allow) and who skips the per-member limits (bypass)"
DESCRIBE_CONFIG_COOLDOWN = "Seconds a member waits between two jobs (0: no cooldown)"
DESCRIBE_CONFIG_MEMBER_LIMITS = "Jobs per member: unfinished at once, and started per day (UTC)"
DESCRIBE_CONFIG_BLOCKLIST = "Words refused in prompts, lyrics and titles"
DESCRIBE_BLOCKLIST_ADD = "Refuse requests containing this word or pattern (* stands for any letters)"
DESCRIBE_BLOCKLIST_REMOVE = "Allow this word or pattern again"
DESCRIBE_BLOCKLIST_SHOW = "List the blocked words and patterns (only you see them)"
DESCRIBE_CONFIG_FLAGGED = "What to do with takes the provider flagged: spoiler or withhold"
DESCRIBE_CONFIG_LOG_CHANNEL = "Where the bot tells admins about budgets, blocked words and provider trouble"
DESCRIBE_USAGE_SHOW = "Jobs and credits per provider and day, and the top members"
DESCRIBE_USAGE_EXPORT = "A CSV file of every job of the period with its cost"
OPTIONS_CONFIG_BUDGET = {
    "provider": "The provider this budget is for",
    "daily": "Credits per day (UTC); leave empty for no daily budget",
    "monthly": "Credits per calendar month (UTC); leave empty for no monthly budget",
}
OPTIONS_CONFIG_ROLES = {
    "allow": "Only members with an allowed role may start jobs (none set: everyone may)",
    "bypass": "Members with this role skip the per-member limits and the cooldown",
    "remove": "Remove the given roles instead of adding them",
}
OPTIONS_CONFIG_COOLDOWN = {"seconds": "Seconds between two jobs of one member; 0 turns it off"}
OPTIONS_CONFIG_MEMBER_LIMITS = {
    "at_once": "Unfinished jobs one member may have at once",
    "per_day": "Jobs one member may start per day (UTC); 0 means no daily limit",
}
OPTIONS_BLOCKLIST_WORD = {"word": "A word or phrase; * matches any letters (e.g. bad*)"}
OPTIONS_CONFIG_FLAGGED = {"mode": "spoiler: post it behind a spoiler; withhold: don't post it"}
OPTIONS_CONFIG_LOG_CHANNEL = {"channel": "A text channel for admin events; leave empty to stop"}
OPTIONS_USAGE = {
    "days": "How many days back (default 30)",
    "provider": "Only this provider",
}
FLAGGED_MODE_NAMES = {"spoiler": "Post behind a spoiler", "withhold": "Withhold"}
PERIOD_NAMES = {"day": "daily", "month": "monthly"}


def when(moment: datetime) -> str:
    """A moment every member sees in their own time zone, and how far off it is."""
    stamp = int(moment.timestamp())
    return f"<t:{stamp}:t> (<t:{stamp}:R>)"


def credits(amount: float) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


ADMIN_REASONS = frozenset(AdminReason)


def admin_refusal(refusal: AdminRefusal) -> str:
    params = refusal.params
    until = params.get("until")
    if isinstance(until, str):  # read back from a rejected job's stored reason
        until = datetime.fromisoformat(until)
    reason = refusal.reason
    if reason is AdminReason.ROLE_REQUIRED:
        roles = [f"<@&{r}>" for r in params.get("roles", [])]  # type: ignore[attr-defined]
        return f"Only members with one of these roles can start jobs here: {', '.join(roles)}."
    if reason is AdminReason.BLOCKED_WORD:
        return "Your request contains a word this server doesn't allow, so nothing was sent."
    assert isinstance(until, datetime)
    if reason is AdminReason.PENALTY:
        return f"Too many blocked requests in the last hour. You can start jobs again at {when(until)}."
    if reason is AdminReason.COOLDOWN:
        return f"This server has a cooldown between jobs. You can start the next one at {when(until)}."
    if reason is AdminReason.DAILY_LIMIT:
        return (
            f"You've started {params.get('limit')} jobs today, this server's daily limit. "
            f"You can start more at {when(until)}."
        )
    period = PERIOD_NAMES.get(str(params.get("period")), "")
    budget = params.get("budget")
    amount = f" ({credits(budget)} credits)" if isinstance(budget, int | float) else ""
    return (
        f"This server's {period} budget for `{params.get('provider')}`{amount} has no room for this job. "
        f"It resets at <t:{int(until.timestamp())}:f> (<t:{int(until.timestamp())}:R>)."
    )


def budget_saved(provider: str, daily: float | None, monthly: float | None) -> str:
    if daily is None and monthly is None:
        return f"Saved: no budget for `{provider}`."
    parts = [f"{credits(v)} credits {PERIOD_NAMES[p]}" for p, v in (("day", daily), ("month", monthly)) if v]
    return f"Saved: `{provider}` may use {' and '.join(parts)} (UTC days and months)."


def roles_saved(allow: list[int], bypass: list[int]) -> str:
    return "Saved.\n" + roles_summary(allow, bypass)


def roles_summary(allow: list[int], bypass: list[int]) -> str:
    allowed = ", ".join(f"<@&{r}>" for r in allow) if allow else "everyone"
    bypassing = ", ".join(f"<@&{r}>" for r in bypass) if bypass else "nobody"
    return f"Who may start jobs: {allowed}\nSkips per-member limits and cooldown: {bypassing}"


def blocklist_added(added: bool) -> str:
    return "Added to the blocklist." if added else "That is already on the blocklist."


def blocklist_removed(removed: bool) -> str:
    return "Removed from the blocklist." if removed else "That is not on the blocklist."


def blocklist_invalid(limit: int) -> str:
    return f"Give a word or phrase of up to {limit} characters (* alone is not enough)."


def blocklist_full(limit: int) -> str:
    return f"The blocklist holds up to {limit} entries; remove some first."


def blocklist_shown(patterns: list[str]) -> str:
    if not patterns:
        return "The blocklist is empty."
    return clip("**Blocked words and patterns**\n" + ", ".join(f"`{defuse(p)}`" for p in patterns), 2000)


def admin_summary(
    budgets: list[tuple[str, float | None, float | None, float, float]],
    roles: str,
    cooldown: int,
    per_day: int | None,
    flagged_mode: str,
    log_channel_id: int | None,
    blocked: int,
) -> str:
    """The admin part of /config show. budgets: (provider, daily, monthly, used today, used this month)."""
    lines = []
    for provider, daily, monthly, today, month in budgets:
        limits = [
            f"{credits(used)} of {credits(limit)} {name}"
            for name, limit, used in (("today", daily, today), ("this month", monthly, month))
            if limit is not None
        ]
        if limits:
            lines.append(f"Budget `{provider}`: {', '.join(limits)}")
    if not lines:
        lines.append("Budgets: none")
    lines += [
        roles,
        f"Cooldown between jobs: {seconds(cooldown)}" if cooldown else "Cooldown between jobs: none",
        f"Jobs per member per day: {per_day}" if per_day else "Jobs per member per day: no limit",
        f"Flagged takes: {FLAGGED_MODE_NAMES.get(flagged_mode, flagged_mode)}",
        f"Admin log: <#{log_channel_id}>" if log_channel_id else "Admin log: off",
        f"Blocklist: {blocked} entries (`/config blocklist show`)",
    ]
    return "\n".join(lines)


def flagged_note(numbers: list[int], withheld: bool) -> str:
    which = ", ".join(str(n) for n in numbers)
    if withheld:
        return f"The provider flagged take {which}; this server withholds flagged takes, so it is not posted."
    return f"The provider flagged take {which}; it is posted behind a spoiler."


def flagged_withheld() -> str:
    return (
        "The provider flagged this result, and this server withholds flagged results, so nothing was posted."
    )


def flagged_withheld_dm(job_id: int, channel_id: int) -> str:
    return (
        f"The provider flagged your job #{job_id} in <#{channel_id}>, and that server withholds flagged "
        "takes, so they were not posted."
    )


def admin_event(event: AdminEvent) -> str:
    p = event.params
    kind = event.kind
    if kind is AdminEventKind.BUDGET_REACHED:
        period = PERIOD_NAMES.get(str(p.get("period")), "")
        return (
            f"Budget reached: the {period} budget for `{p.get('provider')}` refused a job from "
            f"<@{p.get('member_id')}>."
        )
    if kind is AdminEventKind.BLOCKED_WORD:
        return (
            f"Blocked word: a request from <@{p.get('member_id')}> was refused "
            f"({p.get('strikes')} in the last hour)."
        )
    if kind is AdminEventKind.MEMBER_PENALISED:
        until = p.get("until")
        moment = when(until) if isinstance(until, datetime) else ""
        return (
            f"Cooldown: <@{p.get('member_id')}> made {p.get('strikes')} blocked requests in an hour; "
            f"no jobs until {moment}."
        )
    if kind is AdminEventKind.FLAGGED_OUTPUT and not p.get("takes"):
        return f"Flagged output: `{p.get('provider')}` refused the content of job #{p.get('job_id')}."
    if kind is AdminEventKind.FLAGGED_OUTPUT:
        done = "withheld" if p.get("withheld") else "posted behind a spoiler"
        return (
            f"Flagged output: `{p.get('provider')}` flagged {p.get('takes')} take(s) "
            f"of job #{p.get('job_id')}; {done}."
        )
    if kind is AdminEventKind.PROVIDER_KEY_REFUSED:
        return (
            f"Provider key refused: `{p.get('provider')}` rejected the bot's API key "
            f"(job #{p.get('job_id')})."
        )
    return f"Out of credits: the `{p.get('provider')}` account has no credits left (job #{p.get('job_id')})."


def log_channel_saved(channel_id: int | None) -> str:
    return f"Saved: admin events go to <#{channel_id}>." if channel_id else "Saved: the admin log is off."


USAGE_TITLE = "Usage"
USAGE_CHART_NAME = "usage.png"
USAGE_CSV_HEADER = ("date", "member", "provider", "kind", "state", "credits")


def usage_title(days: int, provider: str | None) -> str:
    return f"Last {days} days" + (f" · `{provider}`" if provider else "")


def usage_nothing(days: int) -> str:
    return f"No jobs in the last {days} days."


def usage_provider_line(jobs: int, amount: float) -> str:
    return f"{jobs} jobs · {credits(amount)} credits"


def usage_top(rows: list[tuple[int, int, float]]) -> str:
    return "\n".join(f"<@{m}> · {jobs} jobs · {credits(c)} credits" for m, jobs, c in rows) or "nobody"


TOP_MEMBERS_FIELD = "Top members"
PER_DAY_FIELD = "Credits per day"


def usage_export_ready(days: int, jobs: int) -> str:
    return f"{jobs} jobs in the last {days} days."


def usage_csv_name(days: int) -> str:
    return f"usage-{days}d.csv"
