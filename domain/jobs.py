"""A job and its state machine. The jobs table is the truth; this module says what may follow what."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from domain.admin import AdminReason
from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.tracking import Handle, Note


class JobState(StrEnum):
    RECEIVED = "received"  # row exists, input not checked yet
    REJECTED = "rejected"  # input refused; nothing was sent anywhere
    QUEUED = "queued"  # waiting for a provider slot
    SUBMITTING = "submitting"  # request on its way; no handle saved yet
    SUBMITTED = "submitted"  # provider accepted it; handle saved
    RUNNING = "running"  # provider reports progress
    DELIVERING = "delivering"  # takes ready; downloading and posting
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


S = JobState

TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    S.RECEIVED: frozenset({S.QUEUED, S.REJECTED, S.FAILED, S.CANCELLED}),
    S.QUEUED: frozenset({S.SUBMITTING, S.FAILED, S.CANCELLED}),
    # Back to QUEUED only when the provider cannot have accepted the request (429, refused connection).
    S.SUBMITTING: frozenset({S.SUBMITTED, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.RUNNING, S.DELIVERING, S.FAILED, S.CANCELLED}),
    S.RUNNING: frozenset({S.RUNNING, S.DELIVERING, S.FAILED, S.CANCELLED}),
    # Once takes are being posted the job finishes; cancelling then would hide paid work.
    S.DELIVERING: frozenset({S.DELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.REJECTED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Jobs started from cli.py carry this channel id: the bot never drives or posts them.
TERMINAL_CHANNEL = 0

TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
ACTIVE = frozenset(S) - TERMINAL
# States in which a job holds a provider slot.
AT_PROVIDER = frozenset({S.SUBMITTING, S.SUBMITTED, S.RUNNING})


class IllegalTransition(Exception):
    def __init__(self, job_id: int, current: JobState, wanted: JobState) -> None:
        super().__init__(f"job {job_id}: {current} -> {wanted} is not allowed")
        self.current = current
        self.wanted = wanted


def utcnow() -> datetime:
    return datetime.now(UTC)


class Refusal(BaseModel):
    """Why a request was not started: a reason code and its parameters, for a face to word."""

    # The server admins' rules refuse with their own codes (domain/admin.py).
    reason: Reason | AdminReason
    params: dict[str, Any] = Field(default_factory=dict)


class Failure(Note):
    """Why a job ended without takes, was refused or was cancelled; kept in the job's error column as
    JSON. An older row holds a finished sentence there instead: it reads as `text`."""

    kind: ErrorKind | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored_json(cls, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{"):
            try:
                return json.loads(value)
            except ValueError:
                return {"text": value}
        return value

    @classmethod
    def of(cls, error: ProviderError) -> Failure:
        return cls(reason=error.reason, kind=error.kind, params=error.params)

    @classmethod
    def refused(cls, refusal: Refusal) -> Failure:
        return cls(reason=refusal.reason, params=refusal.params)


class TakeInfo(BaseModel):
    """What was posted for one take; kept so results can be shown again."""

    index: int
    filename: str
    duration: float | None = None
    title: str | None = None
    label: str | None = None
    url: str | None = None  # a link, when the take could not be attached
    message_id: int | None = None  # the message holding the attachment (results may be split)


class JobResult(BaseModel):
    title: str | None = None
    lyrics: str | None = None
    cover_url: str | None = None
    takes: list[TakeInfo] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)


class NewJob(BaseModel):
    """What a command hands to storage; the rest is filled in as the job moves."""

    guild_id: int | None
    channel_id: int
    member_id: int
    kind: JobKind
    provider: str
    prompt: str = ""
    lyrics: str | None = None
    gender: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    input_url: str | None = None
    input_filename: str | None = None
    input_size: int | None = None
    upload_limit: int
    reply_to_message_id: int | None = None
    # The message whose attachment `input_filename` is the input, when the audio came from a message.
    source_message_id: int | None = None
    # The remix session this job was started in ("Remix this"): its takes may be entered.
    session_id: int | None = None
    # The languages it speaks (catalogue locales): privately to its member, publicly in the channel.
    # None (a job from before languages): English.
    member_locale: str | None = None
    # The command's interaction token: a private follow-up for 15 minutes if the takes cannot be posted.
    interaction_token: str | None = None
    public_locale: str | None = None
    idempotency_key: str
    webhook_token: str


class Job(NewJob):
    id: int
    state: JobState
    stage: str | None = None
    percent: float | None = None
    # The provider's expected duration, counted from submitted_at (so "expected at" stays put).
    eta_seconds: float | None = None
    listen_url: str | None = None
    input_path: Path | None = None
    handle: Handle | None = None
    status_message_id: int | None = None
    result_message_id: int | None = None
    # The starting command's interaction token: a private follow-up to the member while it lives.
    error: Failure | None = None
    result: JobResult | None = None
    attempts: int = 0
    # Provider credits: held in the server's budget until the cost is known, then the cost itself.
    credits_reserved: float = 0.0
    credits: float | None = None
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None = None
    submitted_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL
