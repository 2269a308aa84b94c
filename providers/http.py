"""The one HTTP layer under every provider: timeouts, error mapping, the account-wide pause.

Adapters pass a `parse_error` function that turns a vendor's error response into a ProviderError.
Each request is sent once: the engine retries, per engine/retry.py. A 429 pauses every request of
the client (limits are often per account), not only the one that hit it; that pause is state the
client keeps, not a retry.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason
from domain.redact import redact_url

log = logging.getLogger(__name__)

ErrorParser = Callable[[int, Any, Mapping[str, str]], ProviderError]

# How long a 429 without Retry-After holds the account's requests.
RATE_LIMIT_PAUSE = 5.0
# The longest pause a Retry-After may impose; a longer one is the engine's to wait out.
MAX_PAUSE = 120.0

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=120, connect=15, sock_read=60)
# API answers are small JSON documents. A bigger one is no answer we can use (a misrouted download,
# a proxy's page), and reading it whole would only cost memory; takes go through download_to instead.
MAX_API_BODY = 1024 * 1024


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return None


def error_text(body: Any) -> str | None:
    """The human part of a vendor error body: `error`, then `message`, then `detail`."""
    if isinstance(body, Mapping):
        for key in ("error", "message", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    if isinstance(body, str) and body.strip() and len(body) < 500:
        return body.strip()
    return None


def said(text: str | None) -> dict[str, object]:
    """The vendor's own words as an error parameter, for a face to show escaped; none when it said none."""
    return {"said": text[:300]} if text else {}


def default_error(status: int, body: Any, headers: Mapping[str, str]) -> ProviderError:
    """Status-code mapping shared by vendors that follow HTTP conventions."""
    text = error_text(body)
    retry_after = parse_retry_after(headers.get("Retry-After"))
    if status == 429:
        return ProviderError(ErrorKind.RATE_LIMITED, retry_after=retry_after, detail=text, status=status)
    if status == 402:
        return ProviderError(ErrorKind.INSUFFICIENT_CREDITS, detail=text, status=status)
    if status in (401, 403):
        return ProviderError(ErrorKind.AUTH, detail=text, status=status)
    if status == 404:
        return ProviderError(ErrorKind.NOT_FOUND, Reason.UNKNOWN_JOB, detail=text, status=status)
    if status in (400, 409, 413, 415, 422):
        # The vendor's words are about the member's input (prompt, lyrics, file), so they are passed on.
        return ProviderError(
            ErrorKind.INVALID_INPUT, Reason.REFUSED, params=said(text), detail=text, status=status
        )
    if status >= 500:
        return ProviderError(ErrorKind.UNAVAILABLE, retry_after=retry_after, detail=text, status=status)
    return ProviderError(
        ErrorKind.GENERATION_FAILED,
        Reason.ANSWERED,
        params={"status": status, **said(text)},
        detail=text,
        status=status,
    )


class AnswerTooLarge(ProviderError):
    """An API answer over MAX_API_BODY: refused unread, never retried (the same request would get
    the same answer)."""

    def __init__(self, limit: int, status: int) -> None:
        super().__init__(
            ErrorKind.GENERATION_FAILED,
            Reason.ANSWER_TOO_LARGE,
            params={"limit": limit},
            detail=f"HTTP {status} answer over {limit} bytes",
            status=status,
        )
        self.limit = limit


async def read_body(resp: aiohttp.ClientResponse, *, limit: int = MAX_API_BODY) -> Any:
    """The answer as JSON, or as text when it is not JSON; at most `limit` bytes are read."""
    if resp.content_length is not None and resp.content_length > limit:
        raise AnswerTooLarge(limit, resp.status)
    raw = bytearray()
    async for chunk in resp.content.iter_any():
        raw += chunk
        if len(raw) > limit:
            raise AnswerTooLarge(limit, resp.status)
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


class HttpClient:
    """One client per provider account. Shares an aiohttp session with the rest of the bot."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        name: str,
        parse_error: ErrorParser = default_error,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.session = session
        self.name = name
        self.parse_error = parse_error
        self._clock = clock
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every request of this client for `seconds` (a per-account rate limit)."""
        self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    async def _wait_if_paused(self) -> None:
        delay = self._paused_until - self._clock.monotonic()
        if delay > 0:
            await self._clock.sleep(delay)

    def _note_rate_limit(self, error: ProviderError) -> None:
        if error.kind == ErrorKind.RATE_LIMITED:
            wait = RATE_LIMIT_PAUSE if error.retry_after is None else error.retry_after
            self.pause(min(wait, MAX_PAUSE))

    async def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        body: Callable[[], Any] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        client_timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
    ) -> Any:
        """Send once and return the parsed JSON (or text) body, or raise a typed ProviderError.

        `body` is a factory so that a caller retrying builds a fresh (multipart) body each time.
        A request that is not idempotent raises with `maybe_accepted` set whenever the provider may
        have acted on it: a 5xx (a gateway can fail after the vendor accepted), or a timeout or
        reset after the connection was made. Only a connection never made, a 429 or a 4xx is sure
        to have started nothing.
        """
        await self._wait_if_paused()
        try:
            async with self.session.request(
                method,
                url,
                data=body() if body else None,
                json=json_body,
                params=params,
                headers=headers,
                timeout=client_timeout,
            ) as resp:
                payload = await read_body(resp)
                if resp.status < 400:
                    return payload
                status = resp.status
                error = self.parse_error(status, payload, resp.headers)
                log.info("%s %s %s -> %s (%s)", self.name, method, redact_url(url), status, error.kind)
        except aiohttp.ClientConnectorError as exc:
            raise ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREACHABLE, detail=str(exc)) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise ProviderError(
                ErrorKind.UNAVAILABLE,
                Reason.NO_ANSWER,
                detail=f"{type(exc).__name__}: {exc}",
                maybe_accepted=not idempotent,
            ) from exc
        self._note_rate_limit(error)
        if not idempotent and status >= 500:
            error.maybe_accepted = True
        raise error

    @contextlib.asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        client_timeout: aiohttp.ClientTimeout,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open a response to read incrementally (SSE). Errors are mapped as by `request`."""
        await self._wait_if_paused()
        try:
            resp = await self.session.request(
                method, url, json=json_body, params=params, headers=headers, timeout=client_timeout
            )
        except aiohttp.ClientConnectorError as exc:
            raise ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREACHABLE, detail=str(exc)) from exc
        try:
            if resp.status >= 400:
                error = self.parse_error(resp.status, await read_body(resp), resp.headers)
                self._note_rate_limit(error)
                if not idempotent and resp.status >= 500:
                    error.maybe_accepted = True
                raise error
            yield resp
        finally:
            resp.release()


# A take from the operator's own server can be large; a stalled read is what matters.
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=600, sock_read=60)


class TooLarge(ProviderError):
    """More than `limit` bytes. `size` is what the server declared, when it did (else we stopped
    counting just past the limit and the true size is unknown)."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        params = {"limit": limit} if size is None else {"limit": limit, "size": size}
        super().__init__(ErrorKind.INVALID_INPUT, Reason.DOWNLOAD_TOO_LARGE, params=params)
        self.limit = limit
        self.size = size


async def download_to(
    session: aiohttp.ClientSession,
    url: str,
    dest: Path,
    *,
    max_bytes: int,
    client_timeout: aiohttp.ClientTimeout = DOWNLOAD_TIMEOUT,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Stream a URL to disk with a size cap. Shared by provider takes and Discord attachments.
    `headers` is for a self-hosted server that wants its key on downloads too."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        # No redirects: the file must come from the server the operator configured.
        async with session.get(url, timeout=client_timeout, headers=headers, allow_redirects=False) as resp:
            if resp.status in (401, 403, 410):
                raise ProviderError(ErrorKind.EXPIRED, Reason.LINK_EXPIRED, status=resp.status)
            if resp.status >= 300:
                raise default_error(resp.status, None, resp.headers)
            declared = resp.content_length
            if declared is not None and declared > max_bytes:
                raise TooLarge(max_bytes, declared)
            size = 0
            with part.open("wb") as fh:
                async for chunk in resp.content.iter_chunked(256 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    fh.write(chunk)
        part.replace(dest)
        return size
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, Reason.DOWNLOAD_BROKE_OFF, detail=f"{type(exc).__name__}: {exc}"
        ) from exc
    finally:
        part.unlink(missing_ok=True)
