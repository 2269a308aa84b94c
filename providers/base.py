"""The provider protocol: what every adapter offers the engine, and what it hands back.

Adapters know their vendor and nothing of Discord. Request building and response parsing are
plain functions in each adapter module; the I/O goes through providers.http.HttpClient.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import ErrorKind, ProviderError, Reason, WebhookRejected
from domain.kinds import JobKind
from domain.tracking import Event, Handle, Output


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    kinds: frozenset[JobKind]
    # How the provider gets the input audio: uploaded by us, or fetched from a public URL.
    input_mode: Literal["upload", "url"] = "upload"
    max_input_bytes: int | None = None
    # Less than this is a fragment, not a song, whatever a provider would bill for it.
    min_input_seconds: float | None = 3.0
    max_input_seconds: float | None = None
    max_prompt_chars: int = 1000
    max_lyrics_chars: int = 2000
    requires_prompt: frozenset[JobKind] = frozenset()
    # Kinds that need at least one of prompt and lyrics (either will do).
    requires_words: frozenset[JobKind] = frozenset({JobKind.SING, JobKind.GENERATE})
    requires_lyrics: frozenset[JobKind] = frozenset()
    takes: int = 1
    # The most takes a member may ask for (`options["variations"]`); None: the count is not a choice.
    max_variations: int | None = None
    # The provider's documented stages in order, so a status can show every stage a job has passed
    # even when quick successive updates were coalesced into one edit.
    stages: tuple[str, ...] = ()
    # Submitting again with the same idempotency key cannot create a second paid job.
    idempotent_submit: bool = False
    # Whether the provider can push results to our webhook receiver.
    webhooks: bool = False
    # Whether /remix's `strength` (how closely the remix keeps the original) is honoured.
    strength: bool = False
    # Seconds a provider that cannot be reached (or whose queue is full) may keep a job waiting,
    # at submit and while tracking, before the job fails. None: the engine's retry counts decide.
    unavailable_grace: float | None = None


class JobRequest(BaseModel):
    """Everything a provider needs to start one job. Built again from the job row after a restart."""

    kind: JobKind
    prompt: str = ""
    lyrics: str | None = None
    gender: Literal["male", "female", "neutral"] | None = None
    # Provider-specific options: style, voice_id, length, variations, instrumental, vocal_only.
    options: dict[str, Any] = Field(default_factory=dict)
    input_path: Path | None = None
    input_filename: str | None = None
    input_url: str | None = None
    webhook_url: str | None = None
    idempotency_key: str


class Voice(BaseModel):
    """A voice model a provider can sing with."""

    model_config = ConfigDict(frozen=True)

    voice_id: str
    name: str


# Verified webhook payloads for one job, pushed by the web receiver, read by `track`.
Inbox = asyncio.Queue[dict[str, Any]]


class Provider(abc.ABC):
    name: str
    label: str
    capabilities: Capabilities

    @abc.abstractmethod
    async def submit(self, request: JobRequest) -> Handle:
        """Start the job. Must not return before the provider has accepted it."""

    @abc.abstractmethod
    def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        """Yield progress until a Completed event; raise ProviderError on failure.

        Must be safe to call again with the same handle after a restart or a transient error.
        """

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Check a delivery and return its payload, or raise WebhookRejected."""
        raise WebhookRejected(404, "this provider takes no webhooks")

    def webhook_belongs(self, handle: Handle, payload: Mapping[str, Any]) -> bool:
        """Whether a verified delivery is about this job (the URL token found the job)."""
        return True

    async def list_voices(self, query: str = "", *, limit: int = 25) -> list[Voice]:
        """Voices whose name matches `query`, for autocomplete; empty when voices are not a thing here."""
        return []

    async def refresh_outputs(self, handle: Handle) -> list[Output]:
        """Fresh download URLs for outputs whose signed URLs expired."""
        raise ProviderError(ErrorKind.EXPIRED, Reason.LINK_EXPIRED)

    async def health(self) -> bool | None:
        """Whether the provider answers right now; None where there is no cheap way to tell."""
        return None

    # cancel and close are optional hooks, not abstract: a provider that cannot stop a job, or holds
    # nothing to release, inherits the no-op instead of writing an empty one.
    async def cancel(self, handle: Handle) -> None:  # noqa: B027
        """Stop the job at the provider if it can be stopped; most cannot, so by default nothing."""

    async def close(self) -> None:  # noqa: B027
        """Release connections and background tasks; by default there are none."""
