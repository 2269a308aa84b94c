"""Typed failures: what went wrong, for the engine to decide and the faces to word."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorKind(StrEnum):
    INVALID_INPUT = "invalid_input"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    RATE_LIMITED = "rate_limited"
    CONTENT_FLAGGED = "content_flagged"
    UNAVAILABLE = "unavailable"
    AUTH = "auth"
    NOT_FOUND = "not_found"
    GENERATION_FAILED = "generation_failed"
    EXPIRED = "expired"


TRANSIENT_KINDS = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE})


class ProviderError(Exception):
    """A failure with a message a member can read. `detail` is for the log only."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str = "",
        *,
        reason: str | None = None,
        params: Mapping[str, object] | None = None,
        retry_after: float | None = None,
        detail: str | None = None,
        status: int | None = None,
        maybe_accepted: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        # A finer cause the face words from (reason, params), naming the provider itself.
        self.reason = reason
        self.params = dict(params or {})
        self.retry_after = retry_after
        self.detail = detail
        self.status = status
        # The request may have reached the provider: resending could start (and bill) a second job.
        self.maybe_accepted = maybe_accepted

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_KINDS

    def __repr__(self) -> str:
        return f"ProviderError({self.kind}, {self.message!r}, status={self.status})"


class WebhookRejected(Exception):
    """A webhook delivery that must change nothing: bad signature, stale, malformed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
