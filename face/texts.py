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
    JobKind.REMIX: "MusicGPT, Soundpiece, Soundverse or a self-hosted ACE-Step",
    JobKind.SING: "MusicGPT",
    JobKind.GENERATE: "MusicGPT or a self-hosted ACE-Step",
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


def strength_not_supported(provider: str, supporters: list[str]) -> str:
    others = f", or use {', '.join(supporters)}" if supporters else ""
    return f"{provider} has no remix strength to set. Leave out the `strength` option{others}."


def file_too_large(size: int | None, limit: int, provider: str) -> str:
    """`size` is what the bytes showed; None when a download stopped counting just past the limit."""
    if size is None:
        return f"That file is larger than {mb(limit)}; {provider} takes files up to {mb(limit)}."
    return f"That file is {mb(size)}; {provider} takes files up to {mb(limit)}."


def audio_too_long(duration: float, limit: float, provider: str) -> str:
    return f"That audio is {seconds(duration)} long; {provider} takes up to {seconds(limit)}."


def audio_too_short(duration: float, limit: float, provider: str) -> str:
    return f"That audio is only {seconds(duration)} long; {provider} needs at least {seconds(limit)}."


def not_audio(why: Reason | str | None, params: Mapping[str, Any] | None = None) -> str:
    if why == Reason.AUDIO_LENGTH_MISMATCH and params and "stated" in params:
        return f"I can't use that file: {audio_length_mismatch(params['stated'], params.get('decoded'))}"
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
    # Without its figures (stated, decoded), which audio_length_mismatch puts in.
    Reason.AUDIO_LENGTH_MISMATCH: (
        "This file is much shorter than its header says; it may be cut short or damaged."
    ),
}


def audio_length_mismatch(stated: float, decoded: float | None) -> str:
    """A header that claims more sound than the file holds (a fragment, a cut-short file, a lie)."""
    short = f"{decoded:.1f} s" if decoded is not None and decoded < 10 else seconds(decoded or 0)
    held = f"only {short} of sound" if decoded is not None else "much less sound"
    return f"This file says it is {seconds(stated)} long but holds {held}; it may be cut short or damaged."


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


def result_footer(job_id: int, database_tag: str) -> str:
    """The result card's footer; the tag lets the bot recognise its own post after a restart."""
    return f"Job #{job_id} · {database_tag}"


def kept_for_show(params: Mapping[str, Any]) -> str:
    """What a member can do about takes that were made but could not be posted."""
    hours, job_id = params.get("kept_hours"), params.get("job_id")
    if not hours or job_id is None:
        return ""
    return f" The takes are kept for {hours:g} h: `/show job:{job_id}` posts them once that is fixed."


def result_kept_notice(job_id: int, channel_id: int, why: str) -> str:
    """Told privately to the member whose takes could not be posted in the channel."""
    return f"Your job #{job_id} in <#{channel_id}> finished, but I could not post the takes. {why}"


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


# The download policy (engine/downloads.py) refused the link; where it pointed stays in the log.
DOWNLOAD_REFUSED = "The download link points somewhere the bot does not download from."

REASON_WORDS: dict[Reason, Words] = {
    # a provider or a download
    Reason.UNREACHABLE: lambda p, provider: (
        f"{provider} could not be reached for {during(p['grace'])}; the machine running it may be off."
        if p.get("grace") is not None
        else f"{provider} could not be reached."
    ),
    Reason.NO_ANSWER: lambda p, provider: f"{provider} did not answer in time.",
    Reason.LINK_EXPIRED: lambda p, provider: "The download link has expired.",
    Reason.DOWNLOAD_BROKE_OFF: lambda p, provider: (
        f"The takes could not be downloaded from {provider} for {during(p['grace'])}."
        if p.get("grace") is not None
        else "The download failed part way."
    ),
    Reason.TOO_LARGE: lambda p, provider: (
        f"The audio file is too large for {provider}: the limit is {mb(p['limit'])}."
        if p.get("limit")
        else f"The audio file is too large for {provider}."
    ),
    Reason.DOWNLOAD_TOO_LARGE: lambda p, provider: (
        f"The file is larger than {p['limit'] // (1024 * 1024)} MB."
    ),
    Reason.DOWNLOAD_SCHEME: lambda p, provider: DOWNLOAD_REFUSED,
    Reason.DOWNLOAD_ADDRESS: lambda p, provider: DOWNLOAD_REFUSED,
    Reason.DOWNLOAD_REDIRECTS: lambda p, provider: "The download link redirected too many times.",
    Reason.DOWNLOAD_TOO_SLOW: lambda p, provider: (
        f"The download took longer than {seconds(p['limit'])}, so I gave up on it."
        if p.get("limit")
        else f"{provider} sent it too slowly to arrive within the job's time limit."
    ),
    Reason.ANSWER_TOO_LARGE: lambda p, provider: (
        f"{provider} sent an answer larger than any it should (over {mb(p['limit'])}), so it was not read."
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
    Reason.SERVER_FORGOT_JOB: lambda p, provider: (
        f"The {provider} server lost this job (it was probably restarted). "
        "It was not sent again: run the command again."
    ),
    Reason.QUEUE_FULL: lambda p, provider: (
        f"The {provider} server's queue stayed full for {during(p['grace'])}."
    ),
    Reason.SERVER_KEPT_FAILING: lambda p, provider: (
        f"The {provider} server kept failing (HTTP {p.get('status', '5xx')}) for {during(p['grace'])}."
    ),
    Reason.BAD_KEY: lambda p, provider: (
        f"The {provider} server refused the bot's key: {p['setting']} must match the server's key."
    ),
    Reason.OPTION_UNSUPPORTED: lambda p, provider: (
        f"{provider} can't do `{p['option']}`; leave it out or pick another provider."
    ),
    Reason.TAKES_SILENT: lambda p, provider: takes_silent(p["count"], p["wanted"], provider),
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
    Reason.RESULT_REFUSED: lambda p, provider: "Discord refused the result message." + kept_for_show(p),
    Reason.RESULT_NOT_POSTED: lambda p, provider: (
        "Discord kept failing to take the result message, so I stopped trying." + kept_for_show(p)
    ),
    Reason.CHANNEL_GONE: lambda p, provider: "The job's channel no longer exists." + kept_for_show(p),
    Reason.FLAGGED_WITHHELD: lambda p, provider: flagged_withheld(),
    Reason.MISSING_PERMISSIONS: lambda p, provider: (
        missing_permissions([permission_name(flag) for flag in p.get("permissions", [])]) + kept_for_show(p)
    ),
    Reason.CANCELLED_BY: lambda p, provider: cancelled_by(p["member_id"]),
    Reason.CANCELLED_FROM_TERMINAL: lambda p, provider: "Stopped with Ctrl-C in the terminal.",
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
    Reason.STRENGTH_NOT_SUPPORTED: lambda p, provider: strength_not_supported(
        provider, p.get("supporters", [])
    ),
    Reason.VARIATIONS_OUT_OF_RANGE: lambda p, provider: variations_out_of_range(
        p.get("wanted"), p["limit"], provider
    ),
    Reason.FILE_TOO_LARGE: lambda p, provider: file_too_large(p.get("size"), p["limit"], provider),
    Reason.AUDIO_TOO_LONG: lambda p, provider: audio_too_long(p["duration"], p["limit"], provider),
    Reason.AUDIO_TOO_SHORT: lambda p, provider: audio_too_short(p["duration"], p["limit"], provider),
    Reason.NOT_AUDIO: lambda p, provider: not_audio(p.get("why"), p),
    Reason.EMPTY_UPLOAD: lambda p, provider: empty_upload(),
    Reason.NO_AUDIO_ATTACHED: lambda p, provider: no_audio_attached(),
    Reason.ATTACHMENT_UNREACHABLE: lambda p, provider: attachment_unreachable(),
    Reason.TOO_MANY_JOBS: lambda p, provider: too_many_jobs(p["limit"]),
    Reason.WRONG_CHANNEL: lambda p, provider: wrong_channel(p["channel_id"]),
    Reason.TAKE_EXISTS: lambda p, provider: cli_take_exists(p["path"]),
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


def during(value: object) -> str:
    """A self-hosted provider's grace period, in minutes from two minutes up, else in seconds."""
    total = float(value) if isinstance(value, int | float) else 0.0
    if total >= 120:
        return f"{total / 60:g} minutes"
    return "1 second" if total == 1 else f"{total:g} seconds"


def takes_silent(count: int, wanted: int, provider: str) -> str:
    if count >= wanted:
        return f"Every take from {provider} came out silent and was dropped."
    if count == 1:
        return "1 take came out silent and was dropped."
    return f"{count} takes came out silent and were dropped."


def reachability(reachable: bool | None) -> str:
    return "" if reachable is None else " · reachable" if reachable else " · **not reachable**"


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
    "strength": "How closely to keep the original, 0.0 to 1.0 (default 1.0; lower drifts further)",
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


def kept_posted(job_id: int) -> str:
    return f"The takes of job #{job_id} are posted."


JOBS_TITLE = "Your recent jobs"


def no_jobs() -> str:
    return "You have no jobs in this server yet. Start one with `/remix`, or Remix this audio on a message."


def job_line(job_id: int, kind: str, state: str, prompt: str, links: list[str]) -> str:
    what = f" · “{echo(prompt, 60)}”" if prompt else ""
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


# == Remix sessions (cogs/sessions.py, face/session_*.py) ==============================================
# Member text passed in here is already defused, escaped and clipped by the caller.
SESSION_PHASE_NAMES = {
    "submissions": "Submissions open",
    "voting": "Voting open",
    "closed": "Closed",
    "cancelled": "Cancelled",
}
SESSION_FIELD_PHASE = "Phase"
SESSION_FIELD_SUBMISSIONS = "Submissions close"
SESSION_FIELD_VOTING = "Voting closes"
SESSION_FIELD_COUNTS = "So far"
SESSION_FIELD_RULES = "Rules"
SESSION_FIELD_RESULTS = "Results"
BUTTON_SESSION_REMIX = "Remix this"
BUTTON_SESSION_MINE = "My entries"
BUTTON_SESSION_OPEN_VOTING = "Open voting"
BUTTON_SESSION_END_VOTING = "End voting"
BUTTON_SESSION_VOTE = "Vote"
BUTTON_SESSION_WITHDRAW = "Withdraw"
SESSION_FORM_TITLE = "Remix the session track"
SESSION_FORM_PROVIDER = "Provider"
SESSION_FORM_PROVIDER_HINT = "Which service makes your take (the session's choice if you leave it)."
DESCRIBE_SESSION = "Community remix sessions: one track, everyone remixes, the server votes."
DESCRIBE_SESSION_START = "Open a remix session on a track (hosts only)."
DESCRIBE_SESSION_SUBMIT = "Enter your own remix of the session track."
DESCRIBE_SESSION_NEXT = "Close submissions now, or close voting now (hosts only)."
DESCRIBE_SESSION_LIST = "This server's open and recent remix sessions."
DESCRIBE_SESSION_CANCEL = "End a session without results (host or moderator)."
DESCRIBE_SESSION_RESULTS = "Post a finished session's results again."
DESCRIBE_CONFIG_SESSION_ROLE = "Members with this role may host remix sessions (empty: clear)."
DESCRIBE_CONFIG_SESSION_FORUM = "Open remix sessions as posts in this forum (empty: in the channel)."
DESCRIBE_CONFIG_SESSION_VOTERS = "Who may vote in remix sessions."
SESSION_OPTION = "The session (the one of this thread if you leave it empty)"
OPTIONS_SESSION_START = {
    "audio": "The track everyone remixes",
    "title": "The session's name (the thread gets it too)",
    "submissions": "How long entries are taken, e.g. 2d, 12h, 1h 30m (default 2 days)",
    "voting": "How long voting lasts after that, e.g. 1d (default 1 day)",
    "entries_per_member": "How many entries each member may have (1-5, default 2)",
    "provider": "The service Remix this uses unless a member picks another",
    "forum": "Open the session as a post in this forum channel",
}
OPTIONS_SESSION_SUBMIT = {"audio": "Your remix of the session track", "session": SESSION_OPTION}
OPTIONS_SESSION_ONE = {"session": SESSION_OPTION}
OPTIONS_CONFIG_SESSION_VOTERS = {
    "joined_before": "Only members who joined the server before a session started may vote in it",
}
SESSION_VOTERS_NAMES = {True: "members who joined before the session started", False: "every member"}


def session_card_title(title: str) -> str:
    return f"Remix session: {title}"


def session_card_description(host_id: int, source_url: str | None) -> str:
    source = f"[the source track]({source_url})" if source_url else "the source track in the thread"
    return f"Hosted by <@{host_id}>. Remix {source}, enter your best take, then vote for your favourite."


def session_deadline(ts: int) -> str:
    return f"<t:{ts}:f> (<t:{ts}:R>)"


def session_deadline_passed(ts: int) -> str:
    return f"<t:{ts}:f>"


def session_counts(entries: int, ballots: int) -> str:
    entry_word = "entry" if entries == 1 else "entries"
    return f"{entries} {entry_word} · {ballots} {'vote' if ballots == 1 else 'votes'} cast"


def session_rules(per_member: int, joined_before: bool) -> str:
    who = "members who joined the server before the session started" if joined_before else "every member"
    return (
        f"Up to {per_member} {'entry' if per_member == 1 else 'entries'} per member. "
        f"Entries are posted anonymously when submissions close. One vote each, changeable until "
        f"voting closes; not for your own entry. Who may vote: {who}. Tied entries share a place."
    )


def session_results_link(url: str) -> str:
    return f"[See the results]({url})"


def session_footer(session_id: int) -> str:
    return f"Session #{session_id}"


def session_source_posted(title: str) -> str:
    return f"The source track of **{title}**. Press **Remix this** on the card to make your take."


def session_opened(url: str) -> str:
    return f"Your session is open: {url}"


def session_not_host() -> str:
    return (
        "Only hosts may do that: members with Manage Server or Manage Events, or the role an admin set "
        "with `/config session-role`."
    )


def session_not_host_or_moderator() -> str:
    return "Only the session's host or a moderator may do that."


def session_where() -> str:
    return "Start a session in a text channel (or name a forum with `forum:`)."


def session_not_a_forum() -> str:
    return "That channel is not a forum channel."


def session_duration_refused(what: str, problem: str, text: str, minimum: str, maximum: str) -> str:
    reasons = {
        "empty": "is empty",
        "unreadable": "is not a duration I can read (write it like 90m, 2h, 3d or 1d12h)",
        "too_short": f"is shorter than {minimum}",
        "too_long": f"is longer than {maximum}",
    }
    return f"The {what} time `{text}` {reasons.get(problem, 'is not usable')}."


def session_unknown(value: str) -> str:
    return f"I can't find session `{value}` in this server. `/session list` shows them."


def session_which() -> str:
    return "Which session? Run this in the session's thread, or pick one with the `session` option."


def session_not_submitting() -> str:
    return "Submissions for this session are closed."


def session_entered(number: int, count: int, cap: int, url: str | None) -> str:
    where = f" ({url})" if url else ""
    return f"Take {number} is entered{where}. You have {count} of {cap} entries in this session."


def session_upload_entered(count: int, cap: int) -> str:
    return f"Your remix is entered. You have {count} of {cap} entries in this session."


def session_cap_reached(cap: int) -> str:
    entries = "entry" if cap == 1 else "entries"
    return f"You already have {cap} {entries} in this session; withdraw one first (My entries)."


def session_already_entered() -> str:
    return "That take is already an entry."


def session_entry_too_large(limit: int) -> str:
    return f"That file is larger than {mb(limit)}, the most this channel takes."


def session_only_requester() -> str:
    return "Only the member who made this remix may enter its takes."


def session_my_entries(lines: list[str], cap: int) -> str:
    if not lines:
        return f"You have no entries in this session yet (up to {cap})."
    return f"Your entries ({len(lines)} of {cap}):\n" + "\n".join(lines)


def session_my_entry_line(position: int, what: str, ts: int) -> str:
    return f"{position}. {what}, entered <t:{ts}:R>"


def session_ai_entry(job_id: int, take: int) -> str:
    return f"Take {take} of job #{job_id}"


def session_upload_entry(filename: str) -> str:
    return f"Your upload `{filename}`"


def session_withdrawn() -> str:
    return "Withdrawn. That entry is out of the session."


def session_withdraw_not_found() -> str:
    return "That entry is already withdrawn."


def session_entry_heading(number: int) -> str:
    return f"**Entry {number}**"


def session_vote_cast(number: int) -> str:
    return f"Your vote is on Entry {number}."


def session_vote_moved(previous: int | None, number: int) -> str:
    return (
        f"Your vote moved from Entry {previous} to Entry {number}." if previous else session_vote_cast(number)
    )


def session_vote_already(number: int) -> str:
    return f"Your vote is already on Entry {number}."


def session_vote_own() -> str:
    return "That is your own entry; vote for someone else's."


def session_vote_not_eligible() -> str:
    return "Only members who joined the server before this session started may vote in it."


def session_vote_bot() -> str:
    return "Bots don't vote."


def session_vote_not_open() -> str:
    return "Voting for this session is not open."


def session_vote_no_entry() -> str:
    return "That entry is no longer on the ballot."


def session_moved(phase: str) -> str:
    return {
        "voting": "Submissions are closed; the entries are being posted for the vote.",
        "closed": "Voting is closed; the results are being posted.",
        "cancelled": "The session is cancelled.",
    }.get(phase, "Done.")


def session_wrong_phase(phase: str) -> str:
    return f"This session can't do that now (it is {SESSION_PHASE_NAMES.get(phase, phase).lower()})."


def session_results_title(title: str) -> str:
    return f"Results: {title}"


def session_place_line(place: int, number: int, votes: int, author_id: int, what: str) -> str:
    return (
        f"**{place}.** Entry {number}: {votes} {'vote' if votes == 1 else 'votes'} · <@{author_id}> · {what}"
    )


def session_no_winner_line(number: int, author_id: int, what: str) -> str:
    return f"Entry {number}: <@{author_id}> · {what}"


def session_prompt(prompt: str) -> str:
    return f"“{prompt}”" if prompt else "no prompt"


def session_upload_what(filename: str) -> str:
    return f"own remix `{filename}`"


def session_no_winner() -> str:
    return "Nobody voted, so there is no winner. The entries:"


def session_no_entries() -> str:
    return "No entries were made."


def session_tie(count: int) -> str:
    return f"A {count}-way tie for first place."


def session_announcement(title: str, winners: list[int], url: str) -> str:
    if not winners:
        return f"The remix session **{title}** is over, with no winner. Results: {url}"
    who = ", ".join(f"<@{w}>" for w in winners)
    return f"The remix session **{title}** is over. Congratulations, {who}! Results: {url}"


def session_results_not_ready() -> str:
    return "That session has no results (it is not closed, or it was cancelled)."


def session_list(lines: list[str]) -> str:
    return (
        "**Remix sessions**\n" + "\n".join(lines) if lines else "No open or recent sessions in this server."
    )


def session_list_line(session_id: int, title: str, phase: str, url: str | None) -> str:
    link = f" · {url}" if url else ""
    return f"#{session_id} **{title}** · {SESSION_PHASE_NAMES.get(phase, phase)}{link}"


def session_choice(session_id: int, title: str, phase: str) -> str:
    return clip(f"#{session_id} {title} ({SESSION_PHASE_NAMES.get(phase, phase).lower()})", 100)


def session_results_reposted(url: str) -> str:
    return f"Results posted again: {url}"


def session_job_in_thread(url: str) -> str:
    return f"Your remix is on its way; follow it in the session thread: {url}"


def session_config_summary(role_id: int | None, forum_id: int | None, joined_before: bool) -> str:
    role = f"<@&{role_id}>" if role_id else "none"
    forum = f"<#{forum_id}>" if forum_id else "none (sessions open in the channel they start in)"
    return (
        f"Session host role: {role}\nSession forum: {forum}\n"
        f"Who may vote: {SESSION_VOTERS_NAMES[joined_before]}"
    )


def button_session_enter(number: int) -> str:
    return f"Enter take {number}"


def button_session_withdraw(position: int) -> str:
    return f"Withdraw {position}"


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
