"""The one HTTP layer under every provider: timeouts, retries honouring Retry-After, error mapping.

Adapters pass a `parse_error` function that turns a vendor's error response into a ProviderError;
this module decides what is retried. A 429 pauses every request of the client (limits are often
per account), not only the one that hit it.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from domain.errors import ErrorKind, ProviderError
from domain.redact import redact, redact_url
from face import texts

log = logging.getLogger(__name__)

ErrorParser = Callable[[int, Any, Mapping[str, str]], ProviderError]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=120, connect=15, sock_read=60)
# Takes can be large and slow to arrive; a stalled read is what matters.
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=600, sock_read=60)
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


def backoff(
    attempt: int, retry_after: float | None = None, *, base: float = 2.0, cap: float = 120.0
) -> float:
    """Seconds to wait after failed attempt `attempt` (from 1): the server's Retry-After when it gave
    one, else exponential growth from `base` up to `cap`, with jitter so many waiters don't stampede."""
    if retry_after is not None:
        return min(retry_after, cap * 10)
    return min(cap, base * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)


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


def default_error(status: int, body: Any, headers: Mapping[str, str]) -> ProviderError:
    """Status-code mapping shared by vendors that follow HTTP conventions."""
    text = error_text(body)
    retry_after = parse_retry_after(headers.get("Retry-After"))
    if status == 429:
        return ProviderError(
            ErrorKind.RATE_LIMITED, texts.PROVIDER_BUSY, retry_after=retry_after, detail=text, status=status
        )
    if status == 402:
        return ProviderError(
            ErrorKind.INSUFFICIENT_CREDITS, texts.PROVIDER_OUT_OF_CREDITS, detail=text, status=status
        )
    if status in (401, 403):
        return ProviderError(ErrorKind.AUTH, texts.PROVIDER_BAD_KEY, detail=text, status=status)
    if status == 404:
        return ProviderError(
            ErrorKind.NOT_FOUND, text or texts.PROVIDER_UNKNOWN_JOB, detail=text, status=status
        )
    if status in (400, 409, 413, 415, 422):
        return ProviderError(
            ErrorKind.INVALID_INPUT, text or texts.PROVIDER_REFUSED, detail=text, status=status
        )
    if status >= 500:
        return ProviderError(
            ErrorKind.UNAVAILABLE, texts.PROVIDER_TROUBLE, retry_after=retry_after, detail=text, status=status
        )
    return ProviderError(
        ErrorKind.GENERATION_FAILED, text or texts.provider_answered(status), detail=text, status=status
    )


class AnswerTooLarge(ProviderError):
    """An API answer over MAX_API_BODY: refused unread, never retried (the same request would get
    the same answer)."""

    def __init__(self, limit: int, status: int) -> None:
        super().__init__(
            ErrorKind.GENERATION_FAILED,
            texts.PROVIDER_ANSWER_TOO_LARGE,
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
        max_attempts: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.session = session
        self.name = name
        self.parse_error = parse_error
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every request of this client for `seconds` (a per-account rate limit)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def _wait_if_paused(self) -> None:
        delay = self._paused_until - time.monotonic()
        if delay > 0:
            await self._sleep(delay)

    def _delay(self, attempt: int, error: ProviderError | None) -> float:
        return backoff(attempt, error.retry_after if error else None, base=self.backoff, cap=self.max_backoff)

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
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        retry_statuses: frozenset[int] = frozenset(),
    ) -> Any:
        """Send, retry what is safe to retry, and return the parsed JSON (or text) body.

        `body` is a factory because aiohttp consumes multipart bodies: each attempt builds anew.
        A request that is not idempotent is retried only when the provider cannot have acted on
        it: a 429, a 5xx, or a connection that was never made. A timeout after sending raises
        with `maybe_accepted` set so the engine never pays twice.
        """
        attempt = 0
        while True:
            attempt += 1
            await self._wait_if_paused()
            try:
                async with self.session.request(
                    method,
                    url,
                    data=body() if body else None,
                    json=json_body,
                    params=params,
                    headers=headers,
                    timeout=timeout,
                ) as resp:
                    payload = await read_body(resp)
                    if resp.status < 400 and resp.status not in retry_statuses:
                        return payload
                    error = self.parse_error(resp.status, payload, resp.headers)
                    log.info(
                        "%s %s %s -> %s (%s)", self.name, method, redact_url(url), resp.status, error.kind
                    )
            except aiohttp.ClientConnectorError as exc:
                error = ProviderError(ErrorKind.UNAVAILABLE, texts.PROVIDER_UNREACHABLE, detail=redact(exc))
            except (TimeoutError, aiohttp.ClientError) as exc:
                error = ProviderError(
                    ErrorKind.UNAVAILABLE,
                    texts.PROVIDER_NO_ANSWER,
                    detail=redact(f"{type(exc).__name__}: {exc}"),
                    maybe_accepted=not idempotent,
                )
                if not idempotent:
                    raise error from exc
            if error.kind == ErrorKind.RATE_LIMITED:
                self.pause(self._delay(attempt, error))
            if not error.transient or attempt >= self.max_attempts:
                raise error
            delay = self._delay(attempt, error)
            log.info(
                "%s retrying %s %s in %.1fs (attempt %d)", self.name, method, redact_url(url), delay, attempt
            )
            await self._sleep(delay)

    @contextlib.asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: aiohttp.ClientTimeout,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open a response to read incrementally (SSE). Errors are mapped; nothing is retried."""
        await self._wait_if_paused()
        try:
            resp = await self.session.request(
                method, url, json=json_body, params=params, headers=headers, timeout=timeout
            )
        except aiohttp.ClientConnectorError as exc:
            raise ProviderError(
                ErrorKind.UNAVAILABLE, texts.PROVIDER_UNREACHABLE, detail=redact(exc)
            ) from exc
        try:
            if resp.status >= 400:
                error = self.parse_error(resp.status, await read_body(resp), resp.headers)
                if error.kind == ErrorKind.RATE_LIMITED:
                    self.pause(self._delay(1, error))
                raise error
            yield resp
        finally:
            resp.release()

    async def download(
        self,
        url: str,
        dest: Path,
        *,
        max_bytes: int,
        timeout: aiohttp.ClientTimeout = DOWNLOAD_TIMEOUT,
    ) -> int:
        """Stream `url` to `dest`, refusing to write more than `max_bytes`. Returns the size."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await download_to(self.session, url, dest, max_bytes=max_bytes, timeout=timeout)
            except ProviderError as error:
                if not error.transient or attempt >= self.max_attempts:
                    raise
                await self._sleep(self._delay(attempt, error))
        raise AssertionError("unreachable")


class TooLarge(ProviderError):
    def __init__(self, limit: int) -> None:
        super().__init__(ErrorKind.INVALID_INPUT, texts.download_too_large(limit))
        self.limit = limit


async def download_to(
    session: aiohttp.ClientSession,
    url: str,
    dest: Path,
    *,
    max_bytes: int,
    timeout: aiohttp.ClientTimeout = DOWNLOAD_TIMEOUT,
) -> int:
    """Stream a URL to disk with a size cap. Shared by provider takes and Discord attachments."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        async with session.get(url, timeout=timeout) as resp:
            if resp.status in (401, 403, 410):
                raise ProviderError(ErrorKind.EXPIRED, texts.DOWNLOAD_LINK_EXPIRED, status=resp.status)
            if resp.status >= 400:
                raise default_error(resp.status, None, resp.headers)
            declared = resp.content_length
            if declared is not None and declared > max_bytes:
                raise TooLarge(max_bytes)
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
            ErrorKind.UNAVAILABLE, texts.DOWNLOAD_BROKE_OFF, detail=redact(f"{type(exc).__name__}: {exc}")
        ) from exc
    finally:
        part.unlink(missing_ok=True)
