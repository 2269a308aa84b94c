"""Every sentence a member reads, in one place, so the wording stays consistent and easy to change."""

from __future__ import annotations

import re

from domain.errors import ErrorKind
from domain.kinds import JobKind

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
    ErrorKind.RATE_LIMITED: "The provider is busy; try again in a few minutes.",
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


def kind_not_supported(provider: str, kind: JobKind, supporters: list[str]) -> str:
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


def too_long(field: str, length: int, limit: int, provider: str) -> str:
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


def not_audio(reason: str) -> str:
    return f"I can't use that file: {reason}"


def empty_upload() -> str:
    return not_audio("the file is empty.")


def no_audio_attached() -> str:
    return not_audio("no audio was attached.")


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
AUDIO_EMPTY = "This file is empty."
AUDIO_NOT_AUDIO = "This doesn't look like an audio file."
AUDIO_DAMAGED = "I could not read this audio; it may be damaged."
AUDIO_SILENT = "This audio file has no sound in it."
AUDIO_VIDEO_WITHOUT_SOUND = "This video has no sound track."
AUDIO_UNKNOWN_LENGTH = "I could not tell how long this audio is."


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


def failure(message: str, kind: ErrorKind | None) -> str:
    step = NEXT_STEP.get(kind) if kind else None
    return f"{message} {step}" if step else message


def deadline_passed(limit: float) -> str:
    return (
        f"This took longer than {seconds(limit)}, so I stopped waiting. "
        "Try again later, or with another provider."
    )


def deadline_partial(limit: float) -> str:
    return f"The other take was still not ready after {seconds(limit)}, so only the finished one is posted."


def restart_lost_submit() -> str:
    return (
        "The bot restarted while sending this job and can't tell whether the provider got it. "
        "To avoid paying twice it was not sent again; run the command again if no result shows up."
    )


def submit_unconfirmed() -> str:
    return (
        "The provider did not confirm that it got this job. To avoid paying twice it was not sent again; "
        "if no result shows up, run the command again."
    )


def interrupted() -> str:
    return "Something went wrong on our side while handling this job. Please run the command again."


# -- provider failures: the message of a ProviderError, shown on the status message -------------------
# Where a vendor explains itself, its own words are passed through after ours.

# Any provider (providers/http.py): HTTP conventions, connections, downloads.
PROVIDER_BUSY = "The provider is busy right now."
PROVIDER_OUT_OF_CREDITS = "The provider account is out of credits."
PROVIDER_BAD_KEY = "The provider rejected the bot's API key."
PROVIDER_UNKNOWN_JOB = "The provider does not know this job."
PROVIDER_REFUSED = "The provider refused the request."
PROVIDER_TROUBLE = "The provider is having trouble right now."
PROVIDER_UNREACHABLE = "The provider could not be reached."
PROVIDER_NO_ANSWER = "The provider did not answer in time."
PROVIDER_LINK_EXPIRED = "The provider's download link expired."
DOWNLOAD_LINK_EXPIRED = "The download link has expired."
DOWNLOAD_BROKE_OFF = "The download failed part way."


def provider_answered(status: int) -> str:
    return f"The provider answered {status}."


def download_too_large(limit: int) -> str:
    return f"The file is larger than {limit // (1024 * 1024)} MB."


def provider_refused(provider: str, reason: str | None) -> str:
    """The vendor's reason is about the member's input (prompt, lyrics, file), so it is shown."""
    return f"{provider} refused the request: {reason}" if reason else f"{provider} refused the request."


def provider_flagged(provider: str, reason: str | None) -> str:
    why = f" ({reason})" if reason else ""
    return f"{provider} flagged this request{why} and made no track."


def provider_made_nothing(provider: str) -> str:
    return f"{provider} could not make this track."


# MusicGPT (providers/musicgpt.py)
MUSICGPT_PROMPT_REQUIRED = "Please describe the music you want (a prompt is required)."
MUSICGPT_LYRICS_REQUIRED = "Singing over a track needs lyrics."
MUSICGPT_AUDIO_REQUIRED = "This needs an audio file to work on."
MUSICGPT_INSTRUMENTAL_AND_VOCAL_ONLY = "A track cannot be both instrumental and vocals only."
MUSICGPT_OUT_OF_CREDITS = "The bot's MusicGPT account is out of credits."
MUSICGPT_BAD_KEY = "MusicGPT refused the bot's API key."
MUSICGPT_UNKNOWN_JOB = "MusicGPT has no record of this job."
MUSICGPT_DUPLICATE = "MusicGPT says this duplicates a request it is already working on."
MUSICGPT_FILE_TOO_LARGE = "The audio file is too large for MusicGPT."
MUSICGPT_BUSY = "MusicGPT is getting too many requests right now."
MUSICGPT_TROUBLE = "MusicGPT is having trouble right now."
MUSICGPT_UNREADABLE = "MusicGPT sent an answer the bot could not read."
MUSICGPT_NO_TASK_ID = "MusicGPT did not say which job it started."
MUSICGPT_WRONG_ADDRESS = (
    "MusicGPT did not recognise the bot's request (not found); its MusicGPT address may be wrong."
)
MUSICGPT_LOST_JOB = "MusicGPT lost track of this job."


def musicgpt_cannot(kind: str) -> str:
    return f"MusicGPT cannot do {kind} jobs."


def musicgpt_lyrics_too_long(limit: int) -> str:
    return f"Lyrics can be at most {limit} characters."


def musicgpt_error(status: int) -> str:
    return f"MusicGPT answered with an error ({status})."


# Soundpiece (providers/soundpiece.py)
SOUNDPIECE_URL_REQUIRED = "Soundpiece needs a public URL for the song."
SOUNDPIECE_UNREADABLE = "Soundpiece sent an answer the bot cannot read."
SOUNDPIECE_NO_JOB_ID = "Soundpiece sent an answer without a job id."
SOUNDPIECE_NO_TAKES = "Soundpiece finished but returned no takes."
SOUNDPIECE_UNKNOWN_JOB = "Soundpiece does not know this job."
SOUNDPIECE_NOTHING_TO_DOWNLOAD = "Soundpiece has no downloadable takes for this job."


def soundpiece_variations(limit: int, wanted: object) -> str:
    return f"Soundpiece makes 1 to {limit} variations, not {wanted!r}."


def soundpiece_failed(reason: str | None, *, flagged: bool) -> str:
    lead = "Soundpiece refused this content" if flagged else "Soundpiece could not make this remix"
    return f"{lead}: {reason}" if reason else f"{lead}."


# Soundverse (providers/soundverse.py)
SOUNDVERSE_REMIX_ONLY = "Soundverse can only remix songs here."
SOUNDVERSE_URL_REQUIRED = "Soundverse needs the song as a public link."
SOUNDVERSE_PROMPT_OR_LYRICS = "Soundverse needs a prompt or lyrics for a remix."
SOUNDVERSE_BUSY = "Soundverse is rate limiting the bot right now."
SOUNDVERSE_OUT_OF_CREDITS = "The Soundverse account is out of credits."
SOUNDVERSE_UNAVAILABLE = "Soundverse is temporarily unavailable."
SOUNDVERSE_FAILED = "Soundverse could not make the remix."
SOUNDVERSE_NO_AUDIO = "Soundverse finished without an audio file."
SOUNDVERSE_UNREACHABLE = "Soundverse could not be reached."
SOUNDVERSE_NO_ANSWER = "Soundverse did not answer the remix request."
SOUNDVERSE_STREAM_BROKE = "The connection to Soundverse broke before it confirmed the job."
SOUNDVERSE_UNKNOWN_JOB = "Soundverse has no record of this remix."
SOUNDVERSE_UNEXPECTED = "Soundverse answered in an unexpected way."


def soundverse_prompt_too_long(limit: int) -> str:
    return f"Soundverse takes prompts of up to {limit} characters."


def soundverse_file_too_large(limit_mb: int) -> str:
    return f"The song is too large for Soundverse: the limit is {limit_mb} MB."


def soundverse_bad_song(reason: str) -> str:
    return f"Soundverse could not use the song: {reason}"


def soundverse_failed(reason: str) -> str:
    return f"Soundverse could not make the remix: {reason}"


# Offline effects (providers/local.py)
OFFLINE_NAME = "Offline effects"
OFFLINE_REMIX_ONLY = "Offline effects can only remix an audio file."
OFFLINE_AUDIO_REQUIRED = "Attach an audio file to remix."
OFFLINE_CANNOT_RESUME = "This offline remix can't be resumed."
OFFLINE_INPUT_GONE = "The audio to remix is no longer available."
OFFLINE_RENDER_FAILED = "I could not process this audio; it may be damaged."


# -- results --------------------------------------------------------------------------------------------
def result_ready(member_id: int, count: int) -> str:
    takes = "take is" if count == 1 else f"{count} takes are"
    return f"<@{member_id}> your {takes} ready!"


def result_link(url: str) -> str:
    return f"[Jump to the result]({url})"


def take_unavailable(index: int) -> str:
    return f"Take {index} was too large to post here."


PROVIDER_FIELD = "Provider"
UNKNOWN_DURATION = "?"
LYRICS_FIELD = "Lyrics"
NOTE_FIELD = "Note"


def take_name(number: int) -> str:
    return f"Take {number}"


def download_link(url: str) -> str:
    return f"[download]({url})"


def take_not_downloaded(index: int, reason: str) -> str:
    return f"Take {index} could not be downloaded: {reason}"


def take_left_out(index: int | None, provider: str, *, flagged: bool, reason: str | None = None) -> str:
    """A note on the result: one take of several failed at the provider."""
    name = f"Take {index}" if index else "One take"
    if flagged:
        why = f" ({reason})" if reason else ""
        return f"{name} was flagged by {provider}{why} and is left out."
    return f"{name} failed at {provider} and is left out."


def fewer_variations(provider: str, got: int, wanted: int) -> str:
    return f"{provider} returned {got} of the {wanted} variations asked for."


# Offline effects (providers/local.py): the effects' names, how strongly each take applies them,
# and what each take did, on its label.
EFFECT_NAMES = {
    "slowed": "slowed + reverb",
    "nightcore": "sped up (nightcore)",
    "vaporwave": "vaporwave",
    "bass": "bass boost",
    "lofi": "lo-fi",
}
LEVEL_NAMES = {"light": "light", "strong": "strong"}


def effect_slowed(speed: float, level: str) -> str:
    return f"slowed {speed:.2f}x + {LEVEL_NAMES[level]} reverb"


def effect_nightcore(speed: float) -> str:
    return f"sped up {speed:.2f}x"


def effect_vaporwave(speed: float, level: str) -> str:
    return f"vaporwave {speed:.2f}x + chorus + {LEVEL_NAMES[level]} reverb"


def effect_bass(gain_db: int) -> str:
    return f"bass +{gain_db} dB"


def effect_lofi(cutoff_hz: int, bits: int) -> str:
    return f"lo-fi ({cutoff_hz / 1000:g} kHz, {bits}-bit)"


def offline_take_label(index: int, level: str, effects: list[str], default: bool) -> str:
    text = f"Take {index} ({LEVEL_NAMES[level]}): " + ", ".join(effects)
    return text + (" (default: no effect named in the prompt)" if default else "")


def offline_default_used(effects: str) -> str:
    return (
        f"No effect was named in the prompt, so I used {effects}. "
        "Try words like slowed, nightcore, lo-fi, bass boost or vaporwave."
    )


def offline_title(source: str, effects: str) -> str:
    return f"{source} ({effects}): effects remix, no AI"


def take_without_audio(index: int) -> str:
    return f"Take {index} came back without audio."


def no_takes() -> str:
    return "None of the takes could be downloaded."


def result_refused() -> str:
    return "Discord refused the result message."


def provider_gone(name: str) -> str:
    return f"The provider {name} is no longer configured here. Run the command again with another provider."


def provider_stopped() -> str:
    return "The provider stopped reporting on this job."


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


# -- for the operator: cli.py and bot.py print these on a terminal, one line per failure -------------
PROVIDER_ANSWER_TOO_LARGE = "The provider sent an answer far larger than any it should; it was not read."
CANCELLED_FROM_TERMINAL = "Stopped with Ctrl-C in the terminal."
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


def start_failed(cause: str) -> str:
    return f"The bot stopped: {cause}. Run bot.py --verbose to see the traceback."
