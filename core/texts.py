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


def generic_error(reference: str) -> str:
    return f"Something went wrong on our side (ref `{reference}`). Please try again."
