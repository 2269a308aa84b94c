"""Every sentence a member reads, in one place, so the wording stays consistent and easy to change."""

from __future__ import annotations

import re

from providers.base import ErrorKind, JobKind

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


# -- refusals before anything starts ---------------------------------------------------------------
def unknown_provider(name: str, available: list[str]) -> str:
    return f"I don't know the provider `{clip(defuse(name), 40)}`. Available here: {', '.join(available)}."


def kind_not_supported(provider: str, kind: JobKind, supporters: list[str]) -> str:
    others = f" Try {', '.join(supporters)}." if supporters else ""
    return f"{provider} can't make a {KIND_NAMES[kind]}.{others}"


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
    return f"Your {field} is {length} characters; {provider} takes at most {limit}. Shorten it and try again."


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


def attachment_unreachable() -> str:
    return "I couldn't download your attachment from Discord. Please try again."


def too_many_jobs(limit: int) -> str:
    return f"You already have {limit} jobs going. Wait for one to finish (or cancel one) first."


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
    return f"This took longer than {seconds(limit)}, so I stopped waiting."


def deadline_partial(limit: float) -> str:
    return f"The other take was still not ready after {seconds(limit)}, so only the finished one is posted."


def restart_lost_submit() -> str:
    return (
        "The bot restarted while sending this job and can't tell whether the provider got it. "
        "To avoid paying twice it was not sent again; run the command again if no result shows up."
    )


def interrupted() -> str:
    return "Something went wrong on our side while handling this job."


# -- results --------------------------------------------------------------------------------------------
def result_ready(member_id: int, count: int) -> str:
    takes = "take is" if count == 1 else f"{count} takes are"
    return f"<@{member_id}> your {takes} ready!"


def result_link(url: str) -> str:
    return f"[Jump to the result]({url})"


def take_as_link(index: int, url: str) -> str:
    return f"Take {index} was too large to attach: [download it]({url})"


def take_unavailable(index: int) -> str:
    return f"Take {index} was too large to post here."


PROVIDER_FIELD = "Provider"
LYRICS_FIELD = "Lyrics"
NOTE_FIELD = "Note"


def take_name(number: int) -> str:
    return f"Take {number}"


def download_link(url: str) -> str:
    return f"[download]({url})"


def take_not_downloaded(index: int, reason: str) -> str:
    return f"Take {index} could not be downloaded: {reason}"


def take_without_audio(index: int) -> str:
    return f"Take {index} came back without audio."


def no_takes() -> str:
    return "None of the takes could be downloaded."


def result_refused() -> str:
    return "Discord refused the result message."


def provider_gone(name: str) -> str:
    return f"The provider {name} is no longer configured here."


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


# -- who may press what, and what happened ------------------------------------------------------------
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


def config_summary(provider: str | None, bot_default: str, channel_id: int | None, member_limit: int,
                   available: list[str]) -> str:
    return "\n".join([
        "**Remix settings for this server**",
        f"Default provider: `{provider}`" if provider else f"Default provider: the bot's default (`{bot_default}`)",
        f"Remix channel: <#{channel_id}>" if channel_id else "Remix channel: any channel",
        f"Unfinished jobs per member: {member_limit}",
        f"Providers available: {', '.join(available)}",
    ])


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
