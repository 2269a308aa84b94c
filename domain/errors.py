"""Typed failures: what went wrong, for the engine to decide and the faces to word.

Nothing here is a sentence. A failure is a kind (what the engine acts on) and, where the member
should hear about it differently than the kind's generic sentence, a reason code with parameters;
face/texts.py turns those into words, naming the provider by its label.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from domain.redact import redact


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


class Reason(StrEnum):
    """Why, more finely than the kind: one code per thing a member should hear differently.

    Parameters a code expects are named after it. `said` is always the vendor's own words about the
    member's input, which the face escapes before showing them.
    """

    # -- a provider or a download (ProviderError.reason)
    UNREACHABLE = "unreachable"
    NO_ANSWER = "no_answer"
    LINK_EXPIRED = "link_expired"
    DOWNLOAD_BROKE_OFF = "download_broke_off"
    TOO_LARGE = "too_large"  # limit (bytes, optional): the vendor refused the input's size
    DOWNLOAD_TOO_LARGE = "download_too_large"  # limit (bytes), size (bytes, when the server declared it)
    # The download policy (engine/downloads.py) refused the link: permanent, never retried.
    DOWNLOAD_SCHEME = "download_scheme"  # not https (or no host at all)
    DOWNLOAD_ADDRESS = "download_address"  # a loopback, private, link-local or other non-public address
    DOWNLOAD_REDIRECTS = "download_redirects"  # limit: more redirects than the policy follows
    # limit (seconds): the whole download's time cap; without it, the job's deadline came first
    DOWNLOAD_TOO_SLOW = "download_too_slow"
    ANSWER_TOO_LARGE = "answer_too_large"  # limit (bytes): an API answer over it, left unread
    ANSWERED = "answered"  # status: an HTTP error the conventions do not name
    REFUSED = "refused"  # said (optional)
    FLAGGED = "flagged"  # said (optional)
    MADE_NOTHING = "made_nothing"  # said (optional)
    UNKNOWN_JOB = "unknown_job"
    SERVER_LOST_JOB = "server_lost_job"
    DUPLICATE = "duplicate"
    UNREADABLE = "unreadable"
    NO_JOB_ID = "no_job_id"
    WRONG_ADDRESS = "wrong_address"
    STREAM_BROKE = "stream_broke"
    NO_TAKES = "no_takes"
    NOTHING_TO_DOWNLOAD = "nothing_to_download"
    AUDIO_MISSING = "audio_missing"
    LINK_MISSING = "link_missing"
    BAD_SONG = "bad_song"  # said
    CANNOT_RESUME = "cannot_resume"
    INPUT_GONE = "input_gone"
    RENDER_FAILED = "render_failed"
    TAKE_SILENT = "take_silent"  # index: a take without usable audio
    NO_TAKES_DOWNLOADED = "no_takes_downloaded"
    # UNREACHABLE and DOWNLOAD_BROKE_OFF take grace (seconds, optional) from a self-hosted provider
    # that waited that long (Capabilities.unavailable_grace); the codes below are its own.
    SERVER_FORGOT_JOB = "server_forgot_job"  # a self-hosted server restarted and forgot the job
    QUEUE_FULL = "queue_full"  # grace: a self-hosted server's queue stayed full that long
    SERVER_KEPT_FAILING = "server_kept_failing"  # status, grace
    BAD_KEY = "bad_key"  # setting: the bot's setting that must match the server's key
    OPTION_UNSUPPORTED = "option_unsupported"  # option
    TAKES_SILENT = "takes_silent"  # count, wanted: takes the server dropped as silent

    # -- the engine's own causes (a job's Failure)
    DEADLINE_PASSED = "deadline_passed"  # limit (seconds)
    RESTART_LOST_SUBMIT = "restart_lost_submit"
    SUBMIT_UNCONFIRMED = "submit_unconfirmed"
    INTERRUPTED = "interrupted"
    PROVIDER_GONE = "provider_gone"  # name
    PROVIDER_STOPPED = "provider_stopped"
    RESULT_REFUSED = "result_refused"  # kept_hours (optional): the takes wait for /show
    RESULT_NOT_POSTED = (
        "result_not_posted"  # kept_hours (optional): Discord kept failing until the budget ran out
    )
    CHANNEL_GONE = "channel_gone"  # kept_hours (optional): the job's channel was deleted
    FLAGGED_WITHHELD = "flagged_withheld"  # the server withholds flagged results; nothing was posted
    MISSING_PERMISSIONS = "missing_permissions"  # permissions (flags), kept_hours (optional), job_id
    CANCELLED_BY = "cancelled_by"  # member_id
    CANCELLED_FROM_TERMINAL = "cancelled_from_terminal"  # Ctrl-C in cli.py

    # -- notes on a result (Note)
    TAKE_LEFT_OUT = "take_left_out"  # index (optional), flagged, said (optional)
    FEWER_VARIATIONS = "fewer_variations"  # got, wanted
    TAKE_NOT_DOWNLOADED = "take_not_downloaded"  # index, kind, cause (a Reason or none)
    TAKE_UNAVAILABLE = "take_unavailable"  # index
    DEADLINE_PARTIAL = "deadline_partial"  # limit (seconds)
    DEFAULT_EFFECTS = "default_effects"  # effects
    TAKES_READY = "takes_ready"  # ready, expected (progress detail)
    WORKING_FOR = "working_for"  # seconds (progress detail)

    # -- refusals before anything starts (Refusal); a provider's own checks raise these codes too
    UNKNOWN_PROVIDER = "unknown_provider"  # name, available
    KIND_NOT_SUPPORTED = "kind_not_supported"  # job_kind, supporters (optional)
    PROMPT_REQUIRED = "prompt_required"
    LYRICS_REQUIRED = "lyrics_required"
    PROMPT_OR_LYRICS_REQUIRED = "prompt_or_lyrics_required"
    TOO_LONG = "too_long"  # field, limit, length (optional)
    LENGTH_OUT_OF_RANGE = "length_out_of_range"  # length, low, high
    INSTRUMENTAL_AND_VOCAL_ONLY = "instrumental_and_vocal_only"
    VARIATIONS_NOT_SUPPORTED = "variations_not_supported"  # supporters
    VARIATIONS_OUT_OF_RANGE = "variations_out_of_range"  # wanted, limit
    STRENGTH_NOT_SUPPORTED = "strength_not_supported"  # supporters
    FILE_TOO_LARGE = "file_too_large"  # size (optional: unknown when a download stopped at the cap), limit
    AUDIO_TOO_LONG = "audio_too_long"  # duration, limit
    AUDIO_TOO_SHORT = "audio_too_short"  # duration, limit
    NOT_AUDIO = "not_audio"  # why (an audio check's Reason)
    EMPTY_UPLOAD = "empty_upload"
    NO_AUDIO_ATTACHED = "no_audio_attached"
    ATTACHMENT_UNREACHABLE = "attachment_unreachable"
    TOO_MANY_JOBS = "too_many_jobs"  # limit
    WRONG_CHANNEL = "wrong_channel"  # channel_id
    TAKE_EXISTS = "take_exists"  # path: cli.py would overwrite a take of an earlier job

    # -- audio checks (audio/probe.py NotAudio.reason)
    AUDIO_EMPTY = "audio_empty"
    AUDIO_NOT_AUDIO = "audio_not_audio"
    AUDIO_DAMAGED = "audio_damaged"
    AUDIO_SILENT = "audio_silent"
    AUDIO_VIDEO_WITHOUT_SOUND = "audio_video_without_sound"
    AUDIO_UNKNOWN_LENGTH = "audio_unknown_length"
    AUDIO_LENGTH_MISMATCH = "audio_length_mismatch"  # stated, decoded (optional): a header that lies


class ProviderError(Exception):
    """A provider's (or a download's) failure, typed. The engine decides from kind / retry_after /
    maybe_accepted; a face chooses the words from kind + reason + params, naming the provider by its
    label. `detail` is the vendor's own text (or the exception), for the log only, never shown; it
    is kept with every URL in it redacted, since exceptions and vendors quote signed links and keys."""

    def __init__(
        self,
        kind: ErrorKind,
        reason: Reason | None = None,
        *,
        params: Mapping[str, object] | None = None,
        detail: str | None = None,
        retry_after: float | None = None,
        status: int | None = None,
        maybe_accepted: bool = False,
    ) -> None:
        super().__init__(kind, reason)
        self.kind = kind
        self.reason = reason
        self.params: dict[str, object] = dict(params or {})
        self.detail = redact(detail) if detail is not None else None
        self.retry_after = retry_after
        self.status = status
        # The request may have reached the provider: resending could start (and bill) a second job.
        self.maybe_accepted = maybe_accepted

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_KINDS

    def __str__(self) -> str:
        return f"{self.kind}/{self.reason or '-'}: {self.detail or ''}".rstrip(": ")

    def __repr__(self) -> str:
        return f"ProviderError({self.kind}, {self.reason}, status={self.status})"


class WebhookRejected(Exception):
    """A webhook delivery that must change nothing: bad signature, stale, malformed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
