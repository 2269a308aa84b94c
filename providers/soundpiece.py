"""Soundpiece: remix a sung song into up to three new takes, guided by lyrics and a prompt.

Contract, sources and unknowns: ../shared/PROVIDERS.md §2 (vendor page: ../shared/seeds/001_*).
The API is RPC style: `PUT /v1/create.remix_song` submits, `GET` on the same path polls. Every
operation goes `processing` -> `ready` | `failed`; outputs are signed FLAC URLs that expire.

Request building and response parsing are plain functions below; the class only does the I/O.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason, WebhookRejected
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Note, Output, Progress
from providers.base import Capabilities, Inbox, JobRequest, Provider
from providers.http import HttpClient, default_error, error_text, said

ROUTE = "create.remix_song"
# Responses wrap the operation in a key named after the action's suffix.
WRAPPER = "remix_song"
STATUSES = frozenset({"processing", "ready", "failed"})
MAX_VARIATIONS = 3

# The server holds a `wait=true` poll for up to 20 s; leave room for the answer to travel.
LONG_POLL_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)
SUBMIT_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=15)
QUICK_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=10)
# If a long poll comes back early while still processing, wait this long from its start before
# the next one, so a server that ignores `wait` is not hammered.
MIN_POLL_INTERVAL = 2.0

WEBHOOK_SECRET_PREFIX = "whsec_"
# Words in an operation error that mean moderation refused the content, not that generation broke.
_FLAGGED = re.compile(
    r"flag|moderat|policy|inappropriate|explicit|copyright|prohibited|unsafe|violat|not allowed",
    re.IGNORECASE,
)
_RETRY_IN = re.compile(r"retry in (\d+(?:\.\d+)?) ?s", re.IGNORECASE)
# Where a validation error points: FastAPI-style locations start with the request part.
_LOC_PARTS = frozenset({"body", "query", "path", "header"})


# --------------------------------------------------------------------------- requests


def variations(request: JobRequest) -> int:
    """How many takes to ask for: `options["variations"]`, 1 to 3, default 1."""
    raw = request.options.get("variations", 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_VARIATIONS:
        raise ProviderError(
            ErrorKind.INVALID_INPUT,
            Reason.VARIATIONS_OUT_OF_RANGE,
            params={"limit": MAX_VARIATIONS, "wanted": raw},
        )
    return raw


def build_submit_body(request: JobRequest, *, callback_url: str | None) -> dict[str, Any]:
    """The JSON body of `PUT /v1/create.remix_song`."""
    if not request.input_url:
        raise ProviderError(ErrorKind.INVALID_INPUT, Reason.LINK_MISSING)
    body: dict[str, Any] = {
        "idempotency_key": request.idempotency_key,
        "source": {"url": request.input_url},
        "lyrics": request.lyrics or "",
        "prompt": request.prompt,
        "n_variations": variations(request),
    }
    if callback_url:
        body["callback_url"] = callback_url
    return body


def poll_params(op_id: str, *, wait: bool) -> dict[str, str]:
    params = {"id": op_id}
    if wait:
        params["wait"] = "true"
    return params


# --------------------------------------------------------------------------- responses


@dataclass(frozen=True)
class Operation:
    """One Soundpiece operation as the GET (or PUT, or webhook) reports it."""

    id: str
    status: str
    outputs: list[Output] = field(default_factory=list)
    error: ProviderError | None = None
    created_at: datetime | None = None


def unwrap(body: Any) -> Mapping[str, Any]:
    """The operation DTO, with or without its `{"remix_song": ...}` wrapper.

    Webhooks carry "the exact GET DTO" in `data`; whether that includes the wrapper is not
    documented, so both are accepted.
    """
    if isinstance(body, Mapping):
        wrapped = body.get(WRAPPER)
        if isinstance(wrapped, Mapping):
            return wrapped
        if "id" in body:
            return body
    raise ProviderError(
        ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=f"unexpected body: {str(body)[:200]}"
    )


def parse_operation(body: Any) -> Operation:
    dto = unwrap(body)
    op_id = dto.get("id")
    if not isinstance(op_id, str) or not op_id:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, Reason.NO_JOB_ID, detail=f"unexpected body: {str(body)[:200]}"
        )
    outputs = parse_outputs(dto.get("outputs"))
    raw_error = dto.get("error")
    status = infer_status(dto.get("status"), has_outputs=bool(outputs), has_error=bool(raw_error))
    error = operation_error(raw_error) if status == "failed" else None
    return Operation(
        id=op_id, status=status, outputs=outputs, error=error, created_at=parse_time(dto.get("created_at"))
    )


def infer_status(raw: Any, *, has_outputs: bool, has_error: bool) -> str:
    """`status` when it is one we know; otherwise read it off `outputs`/`error`.

    The remix_song reference example omits `status`; the docs say that on termination exactly
    one of `outputs` and `error` is populated, and both are null while processing.
    """
    if isinstance(raw, str) and raw in STATUSES:
        return raw
    if has_error:
        return "failed"
    if has_outputs:
        return "ready"
    return "processing"


def parse_outputs(raw: Any) -> list[Output]:
    if not isinstance(raw, list):
        return []
    outputs: list[Output] = []
    for item in raw:
        if isinstance(item, Mapping) and isinstance(item.get("url"), str) and item["url"]:
            # Members read "Take 1", "Take 2": numbered from 1, like the other providers.
            outputs.append(
                Output(
                    index=len(outputs) + 1,
                    url=item["url"],
                    ext="flac",
                    duration=_number(item.get("duration")),
                )
            )
    return outputs


def operation_error(raw: Any) -> ProviderError:
    """A failed operation's `error`: `{"code", "message"}` or only `{"message"}`."""
    code = raw.get("code") if isinstance(raw, Mapping) else None
    message = raw.get("message") if isinstance(raw, Mapping) else raw
    text = message.strip() if isinstance(message, str) and message.strip() else None
    flagged = any(isinstance(s, str) and _FLAGGED.search(s) for s in (code, text))
    detail = f"code={code!r} message={text!r}"
    if flagged:
        return ProviderError(ErrorKind.CONTENT_FLAGGED, Reason.FLAGGED, params=said(text), detail=detail)
    # Soundpiece only remixes; the face names what could not be made.
    params = {"job_kind": JobKind.REMIX.value, **said(text)}
    return ProviderError(ErrorKind.GENERATION_FAILED, Reason.MADE_NOTHING, params=params, detail=detail)


def completed(op: Operation, wanted: int) -> Completed:
    if not op.outputs:
        raise ProviderError(
            ErrorKind.GENERATION_FAILED,
            Reason.NO_TAKES,
            detail=f"operation {op.id} ready without outputs",
        )
    notes: list[Note] = []
    if len(op.outputs) < wanted:
        notes.append(Note(reason=Reason.FEWER_VARIATIONS, params={"got": len(op.outputs), "wanted": wanted}))
    return Completed(outputs=op.outputs, notes=notes)


def parse_time(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _number(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


# --------------------------------------------------------------------------- HTTP errors


def validation_message(items: list[Any]) -> str:
    """A 422 `detail` list as one sentence: "lyrics: String should have at least 1 character"."""
    parts = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        loc = [str(p) for p in item.get("loc") or [] if p is not None]
        if loc and loc[0] in _LOC_PARTS:
            loc = loc[1:]
        msg = str(item.get("msg") or item.get("type") or "is invalid")
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(parts)


def detail_text(body: Any) -> str | None:
    """The readable part of `{"detail": ...}`, whatever shape `detail` takes."""
    if isinstance(body, Mapping):
        detail = body.get("detail")
        if isinstance(detail, list):
            return validation_message(detail) or None
        if isinstance(detail, Mapping):
            return error_text(detail) or json.dumps(detail)[:300]
    # The 402 body is not documented: fall back to the usual `error`/`message`/`detail` keys.
    return error_text(body)


def parse_error(status: int, body: Any, headers: Mapping[str, str]) -> ProviderError:
    """Map an HTTP error from Soundpiece. The engine decides from the kind what is retried."""
    text = detail_text(body)
    if status in (400, 422):
        return ProviderError(
            ErrorKind.INVALID_INPUT, Reason.REFUSED, params=said(text), detail=text, status=status
        )
    if status == 404:
        return ProviderError(ErrorKind.NOT_FOUND, Reason.UNKNOWN_JOB, detail=text, status=status)
    error = default_error(status, {"detail": text} if text else None, headers)
    if error.kind == ErrorKind.RATE_LIMITED and error.retry_after is None:
        # Retry-After is documented; the detail sentence carries the same number as a fallback.
        match = _RETRY_IN.search(text or "")
        error.retry_after = float(match.group(1)) if match else None
    return error


# --------------------------------------------------------------------------- webhooks


def webhook_keys(secret: str) -> list[bytes]:
    """The HMAC keys a configured signing secret may stand for.

    Soundpiece does not say how its secret is encoded. `whsec_<base64>` is the Standard Webhooks
    form (the reference libraries base64-decode it), so that is the only key for a prefixed
    secret. An unprefixed secret may be base64 or a plain string: try both.
    """
    secret = secret.strip()
    if not secret:
        raise ValueError("the Soundpiece webhook secret is empty")
    if secret.startswith(WEBHOOK_SECRET_PREFIX):
        decoded = _b64(secret[len(WEBHOOK_SECRET_PREFIX) :])
        if not decoded:
            raise ValueError("the Soundpiece webhook secret has the whsec_ prefix but is not base64")
        return [decoded]
    keys = [secret.encode()]
    decoded = _b64(secret)
    if decoded and decoded not in keys:
        keys.insert(0, decoded)
    return keys


def _b64(text: str) -> bytes | None:
    try:
        # Standard Webhooks secrets are sometimes shown without padding.
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def sign(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    """One `v1,<base64>` signature as the Standard Webhooks spec defines it."""
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify_signature(
    headers: Mapping[str, str],
    body: bytes,
    keys: list[bytes],
    *,
    tolerance: float,
    now: float,
) -> str:
    """Check the Standard Webhooks headers over the raw body; return the `webhook-id`.

    Written out rather than using the `standardwebhooks` library: that one fixes the tolerance
    at 5 minutes, takes a single key form, and raises assorted exceptions on malformed headers.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id = lowered.get("webhook-id", "").strip()
    stamp = lowered.get("webhook-timestamp", "").strip()
    signatures = lowered.get("webhook-signature", "").split()
    if not (webhook_id and stamp and signatures):
        raise WebhookRejected(401, "missing webhook signature headers")
    if not stamp.isdigit():
        raise WebhookRejected(401, "malformed webhook-timestamp")
    # Both directions: an old timestamp is a replay, a future one a forged clock.
    if abs(now - int(stamp)) > tolerance:
        raise WebhookRejected(401, "webhook timestamp outside the tolerance window")
    expected = [sign(key, webhook_id, stamp, body).encode() for key in keys]
    for candidate in signatures:
        if candidate.startswith("v1,") and any(hmac.compare_digest(candidate.encode(), e) for e in expected):
            return webhook_id
    raise WebhookRejected(401, "no matching webhook signature")


def parse_webhook_body(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise WebhookRejected(400, "webhook body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise WebhookRejected(400, "webhook body has no event type")
    return payload


def announces_end(payload: Mapping[str, Any], op_id: str) -> bool:
    """Whether a verified webhook says this operation reached ready or failed."""
    kind = payload.get("type")
    if not isinstance(kind, str) or not kind.endswith((".ready", ".failed")):
        return False
    try:
        return unwrap(payload.get("data")).get("id") == op_id
    except ProviderError:
        return False


# --------------------------------------------------------------------------- the adapter


class SoundpieceProvider(Provider):
    name = "soundpiece"
    label = "Soundpiece"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_key: str,
        base_url: str,
        webhook_secret: str | None = None,
        webhook_tolerance: float = 300.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._http = HttpClient(session, name=self.name, parse_error=parse_error, clock=clock)
        self._clock = clock
        self._url = f"{base_url.rstrip('/')}/{ROUTE}"
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._webhook_keys = webhook_keys(webhook_secret) if webhook_secret else []
        self._webhook_tolerance = webhook_tolerance
        # Public so tests (and a slow deployment) can tune them.
        self.submit_timeout = SUBMIT_TIMEOUT
        self.poll_timeout = LONG_POLL_TIMEOUT
        self.min_poll_interval = MIN_POLL_INTERVAL
        self.capabilities = Capabilities(
            kinds=frozenset({JobKind.REMIX}),
            input_mode="url",
            # Size, duration and format limits of `source.url` are not documented: left open (but for
            # the bot's own floor on duration, the Capabilities default).
            max_input_bytes=None,
            max_input_seconds=None,
            max_prompt_chars=1024,
            max_lyrics_chars=3000,
            requires_prompt=frozenset({JobKind.REMIX}),
            requires_lyrics=frozenset({JobKind.REMIX}),
            takes=MAX_VARIATIONS,
            max_variations=MAX_VARIATIONS,
            idempotent_submit=True,
            # Deliveries we cannot verify are useless, so no secret means no webhooks.
            webhooks=bool(self._webhook_keys),
        )

    async def submit(self, request: JobRequest) -> Handle:
        # Without a secret every delivery would be rejected: do not ask for them.
        callback = request.webhook_url if self._webhook_keys else None
        body = build_submit_body(request, callback_url=callback)
        # The engine stored the idempotency key before calling us, so a resend can never start a
        # second (paid) operation: the PUT is safe to retry even after a timeout.
        answer = await self._http.request(
            "PUT",
            self._url,
            idempotent=True,
            json_body=body,
            headers=self._headers,
            client_timeout=self.submit_timeout,
        )
        return Handle(task_id=parse_operation(answer).id)

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        wanted = variations(request)
        started = self._clock.monotonic()
        # Set when a webhook said the operation ended: then ask at once instead of long-polling.
        nudged = False
        while True:
            asked = self._clock.monotonic()
            if nudged:
                op = parse_operation(await self._get(handle.task_id, wait=False))
            else:
                op = parse_operation(await self._poll(handle.task_id, inbox))
            if op.status == "ready":
                yield completed(op, wanted)
                return
            if op.status == "failed":
                raise op.error or operation_error(None)
            yield Progress(stage="processing", detail=self._elapsed_text(op.created_at, started))
            rest = self.min_poll_interval - (self._clock.monotonic() - asked)
            nudged = False
            if rest > 0:
                pause = asyncio.ensure_future(self._clock.sleep(rest))
                nudged = await self._webhook_first(pause, handle.task_id, inbox)

    async def refresh_outputs(self, handle: Handle) -> list[Output]:
        # Each GET signs the output URLs again.
        op = parse_operation(await self._get(handle.task_id, wait=False))
        if op.status == "failed":
            raise op.error or operation_error(None)
        if not op.outputs:
            raise ProviderError(
                ErrorKind.EXPIRED,
                Reason.NOTHING_TO_DOWNLOAD,
                detail=f"operation {op.id} is {op.status}",
            )
        return op.outputs

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        if not self._webhook_keys:
            raise WebhookRejected(404, "Soundpiece webhooks are not configured")
        webhook_id = verify_signature(
            headers,
            body,
            self._webhook_keys,
            tolerance=self._webhook_tolerance,
            now=self._clock.utcnow().timestamp(),
        )
        payload = parse_webhook_body(body)
        # The web layer dedupes deliveries on this id (stable across Soundpiece's retries).
        payload["_webhook_id"] = webhook_id
        return payload

    async def _poll(self, op_id: str, inbox: Inbox) -> Any:
        """One long poll, cut short by a webhook saying the operation ended.

        Polling stays canonical: the webhook only makes us ask again at once, without waiting.
        """
        poll = asyncio.ensure_future(self._get(op_id, wait=True))
        if await self._webhook_first(poll, op_id, inbox):
            return await self._get(op_id, wait=False)
        return poll.result()

    async def _webhook_first(self, task: asyncio.Future[Any], op_id: str, inbox: Inbox) -> bool:
        """Wait for `task` or a webhook announcing the end of `op_id`; True if the webhook won.

        When it wins, `task` is cancelled and awaited, so one request at most is in flight.
        """
        getter: asyncio.Future[Any] | None = None
        try:
            while not task.done():
                getter = asyncio.ensure_future(inbox.get())
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done() or not announces_end(getter.result(), op_id):
                    continue
                if task.done():
                    # Both at once: take the task's answer and keep the news for the next wait.
                    inbox.put_nowait(getter.result())
                    return False
                _drain(inbox)  # queued duplicates would only trigger the same check again
                return True
            return False
        finally:
            if getter is not None:
                getter.cancel()
            if not task.done():
                task.cancel()
                await asyncio.wait({task})

    def _elapsed_text(self, created_at: datetime | None, started: float) -> Note:
        """Soundpiece reports no percent or ETA; say how long it has been working."""
        if created_at is not None:
            seconds = (self._clock.utcnow() - created_at).total_seconds()
        else:
            seconds = self._clock.monotonic() - started
        return Note(reason=Reason.WORKING_FOR, params={"seconds": seconds})

    async def _get(self, op_id: str, *, wait: bool) -> Any:
        return await self._http.request(
            "GET",
            self._url,
            idempotent=True,
            params=poll_params(op_id, wait=wait),
            headers=self._headers,
            client_timeout=self.poll_timeout if wait else QUICK_TIMEOUT,
        )


def _drain(inbox: Inbox) -> None:
    while not inbox.empty():
        inbox.get_nowait()
