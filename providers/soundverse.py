"""Soundverse adapter: AI Remix v7, streamed over Server-Sent Events, with polling as the fallback.

`POST /v7/generate/remix` answers with an event stream only (PROVIDERS.md §3.2): `validating`, then
`queued` carrying the `message_id`, ... `completed` with the `audio_url`. `submit` reads the stream
until the `message_id` arrives and keeps the connection open so `track` can go on reading it. When
the stream breaks, or after a restart, `track` polls the status endpoint instead. That endpoint's
path and shape are undocumented, so the path is a setting and its body is parsed defensively.

Request building and chunk parsing are the pure functions at the top; the class does the I/O.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlparse

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.redact import redact
from domain.tracking import Completed, Event, Handle, Output, Progress
from providers.base import Capabilities, Inbox, JobRequest, Provider
from providers.http import HttpClient, default_error, parse_retry_after, read_body, said
from providers.sse import ServerSentEvent, aiter_sse

log = logging.getLogger(__name__)

REMIX_PATH = "/v7/generate/remix"
MAX_INPUT_BYTES = 10 * 1024 * 1024
MAX_PROMPT_CHARS = 1024
# The status endpoint may not know a job for a while after it was queued; 404s are tolerated this
# long (in seconds of polling) before the job counts as lost.
NOT_FOUND_GRACE = 120.0

CAPABILITIES = Capabilities(
    kinds=frozenset({JobKind.REMIX}),
    input_mode="url",
    max_input_bytes=MAX_INPUT_BYTES,
    min_input_seconds=10,
    max_input_seconds=350,
    max_prompt_chars=MAX_PROMPT_CHARS,
    # "At least one of prompt or lyrics is required" (seed 003).
    requires_words=frozenset({JobKind.REMIX}),
    takes=1,
    # The documented stream stages (seed 003), in order.
    stages=("validating", "queued", "starting", "initializing", "uploading", "streaming", "completed"),
    idempotent_submit=False,
    webhooks=False,
)

# Status words: the stream documents `completed`; the others are guesses for the polled endpoint.
DONE_STATUSES = frozenset({"completed", "complete", "success", "succeeded", "done", "finished"})
FAILED_STATUSES = frozenset({"failed", "failure", "error", "errored", "cancelled", "canceled"})
# Keys that may wrap the fields of a polled status body.
WRAPPERS = ("data", "generation", "result", "job", "response")
AUDIO_EXTS = frozenset({"mp3", "wav", "flac", "m4a", "ogg", "opus", "aac"})


# ---------------------------------------------------------------------------------------------
# Pure request building and parsing
# ---------------------------------------------------------------------------------------------


def build_remix_body(request: JobRequest) -> dict[str, Any]:
    """The JSON body of `POST /v7/generate/remix`, or INVALID_INPUT before anything is sent."""
    if request.kind != JobKind.REMIX:
        raise ProviderError(
            ErrorKind.INVALID_INPUT, Reason.KIND_NOT_SUPPORTED, params={"job_kind": request.kind.value}
        )
    if not request.input_url:
        raise ProviderError(ErrorKind.INVALID_INPUT, Reason.LINK_MISSING)
    prompt = request.prompt.strip()
    lyrics = (request.lyrics or "").strip()
    if not prompt and not lyrics:
        raise ProviderError(ErrorKind.INVALID_INPUT, Reason.PROMPT_OR_LYRICS_REQUIRED)
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ProviderError(
            ErrorKind.INVALID_INPUT, Reason.TOO_LONG, params={"field": "prompt", "limit": MAX_PROMPT_CHARS}
        )
    body: dict[str, Any] = {"song_reference_url": request.input_url, "parameters": {}}
    if prompt:
        body["prompt"] = prompt
    if lyrics:
        body["lyrics"] = lyrics
    return body


@dataclass(frozen=True, slots=True)
class Chunk:
    """One stream chunk or polled status, reduced to what the engine needs."""

    status: str | None = None
    message_id: str | None = None
    progress: float | None = None
    complete: bool = False
    audio_url: str | None = None
    listen_url: str | None = None
    album_art: str | None = None
    song_name: str | None = None
    # Set when the chunk reports a failure: the vendor's own words ("" when it gives none).
    failure: str | None = None

    @property
    def done(self) -> bool:
        return self.failure is None and (self.complete or self.status in DONE_STATUSES)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def _audio_item(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first entry of an `audioData`-style list, whose fields stand in for missing top-level ones."""
    items = _first(data, "audioData", "audio_data", "audios", "outputs")
    if isinstance(items, list) and items and isinstance(items[0], Mapping):
        return items[0]
    return {}


def _url(value: Any) -> str | None:
    """A URL given as a string or as the first string of a list (`audio_urls`)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    return _text(value)


def _percent(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return min(100.0, max(0.0, number)) if math.isfinite(number) else None


def _error_field(data: Mapping[str, Any]) -> str | None:
    error = data.get("error")
    if isinstance(error, Mapping):
        error = _first(error, "message", "detail")
    return _text(error)


def _messages(data: Mapping[str, Any]) -> str | None:
    """Every human text of a body: the unavailable body splits it over `message` and `error`."""
    texts = [t for t in (_text(data.get("message")), _error_field(data), _text(data.get("detail"))) if t]
    return " - ".join(dict.fromkeys(texts)) or None


def _failure_text(data: Mapping[str, Any]) -> str | None:
    """The failure a chunk reports, if any: `status: failed`, `success: false` or an `error`."""
    status = _text(data.get("status"))
    failed = (
        data.get("success") is False
        or (status is not None and status.lower() in FAILED_STATUSES)
        or _error_field(data) is not None
        # A bare `{"detail": ...}` is how the API words a refused request (FastAPI style).
        or (status is None and _text(data.get("detail")) is not None)
    )
    if not failed:
        return None
    return _messages(data) or ""


def parse_chunk(data: Mapping[str, Any]) -> Chunk:
    """A chunk from the stream or a status body, accepting the documented keys and common variants."""
    item = _audio_item(data)
    merged = {**item, **{k: v for k, v in data.items() if v is not None}}
    status = _text(merged.get("status"))
    ready = merged.get("streaming_ready") is True
    return Chunk(
        status=status.lower() if status else None,
        message_id=_text(_first(merged, "message_id", "messageId", "job_id")),
        progress=_percent(merged.get("progress")),
        complete=_first(merged, "isComplete", "is_complete") is True,
        audio_url=_url(_first(merged, "audio_url", "audioUrl", "audio_urls", "audioUrls")),
        listen_url=_url(_first(merged, "stream_url", "streamUrl")) if ready else None,
        album_art=_text(_first(merged, "album_art", "albumArt")),
        song_name=_text(_first(merged, "song_name", "songName", "title")),
        failure=_failure_text(merged),
    )


def parse_sse_data(data: str) -> Chunk | None:
    """A `data:` payload; None for anything that is not a JSON object (ignored, never fatal)."""
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return parse_chunk(payload) if isinstance(payload, Mapping) else None


def _unwrap(body: Any) -> dict[str, Any]:
    """Fields of a polled body, merged from the outside in through wrappers like `data`."""
    merged: dict[str, Any] = {}
    node = body
    while True:
        if isinstance(node, list):
            node = next((item for item in node if isinstance(item, Mapping)), None)
        if not isinstance(node, Mapping):
            return merged
        inner_key = next((k for k in WRAPPERS if isinstance(node.get(k), Mapping | list)), None)
        merged.update({k: v for k, v in node.items() if k != inner_key and v is not None})
        if inner_key is None:
            return merged
        node = node[inner_key]


def parse_status(body: Any) -> Chunk:
    """A status-endpoint body, whose shape is undocumented."""
    return parse_chunk(_unwrap(body))


def error_for(
    text: str, *, status: int | None = None, retry_after: float | None = None
) -> ProviderError | None:
    """The documented error messages (seed 003), matched on their words: their HTTP codes are unknown."""
    low = text.lower()
    if "either prompt or lyrics" in low:
        return ProviderError(
            ErrorKind.INVALID_INPUT, Reason.PROMPT_OR_LYRICS_REQUIRED, detail=text, status=status
        )
    if "file too large" in low:
        return ProviderError(
            ErrorKind.INVALID_INPUT,
            Reason.TOO_LARGE,
            params={"limit": MAX_INPUT_BYTES},
            detail=text,
            status=status,
        )
    if "reference audio error" in low:
        return ProviderError(
            ErrorKind.INVALID_INPUT, Reason.BAD_SONG, params=said(_reason(text)), detail=text, status=status
        )
    if "rate limit" in low:
        return ProviderError(ErrorKind.RATE_LIMITED, retry_after=retry_after, detail=text, status=status)
    if "insufficient balance" in low:
        return ProviderError(ErrorKind.INSUFFICIENT_CREDITS, detail=text, status=status)
    if "temporarily unavailable" in low:
        return ProviderError(ErrorKind.UNAVAILABLE, retry_after=retry_after, detail=text, status=status)
    return None


def _reason(text: str) -> str:
    return text.split(":", 1)[-1].strip()[:200] or text[:200]


def parse_error(status: int, body: Any, headers: Mapping[str, str]) -> ProviderError:
    """HttpClient's error mapper: the documented messages first, then the HTTP status."""
    text = _messages(body) if isinstance(body, Mapping) else _text(body)
    retry_after = parse_retry_after(headers.get("Retry-After"))
    mapped = error_for(text, status=status, retry_after=retry_after) if text else None
    return mapped or default_error(status, body, headers)


def chunk_failure(chunk: Chunk) -> ProviderError:
    text = chunk.failure
    # Soundverse only remixes here; the face names what could not be made.
    made_nothing = {"job_kind": JobKind.REMIX.value, **said(text[:200] if text else None)}
    if not text:
        return ProviderError(ErrorKind.GENERATION_FAILED, Reason.MADE_NOTHING, params=made_nothing)
    return error_for(text) or ProviderError(
        ErrorKind.GENERATION_FAILED, Reason.MADE_NOTHING, params=made_nothing, detail=text
    )


def _ext(url: str) -> str:
    suffix = PurePosixPath(urlparse(url).path).suffix.lower().lstrip(".")
    return suffix if suffix in AUDIO_EXTS else "mp3"


def chunk_events(chunk: Chunk, handle: Handle) -> list[Event]:
    """What one chunk tells the engine. Raises the mapped ProviderError for a failure chunk."""
    if chunk.failure is not None:
        raise chunk_failure(chunk)
    events: list[Event] = []
    if chunk.status or chunk.progress is not None:
        percent = 100.0 if chunk.done and chunk.progress is None else chunk.progress
        events.append(Progress(stage=chunk.status or "working", percent=percent, listen_url=chunk.listen_url))
    if chunk.done:
        events.append(completed(chunk, handle))
    return events


def completed(chunk: Chunk, handle: Handle) -> Completed:
    if not chunk.audio_url:
        raise ProviderError(ErrorKind.GENERATION_FAILED, Reason.NO_TAKES)
    # The queued chunk names the song; the final chunk (or a polled body) may not repeat it.
    title = chunk.song_name or handle.data.get("song_name")
    output = Output(index=1, url=chunk.audio_url, ext=_ext(chunk.audio_url), title=title)
    return Completed(outputs=[output], title=title, cover_url=chunk.album_art or handle.data.get("album_art"))


# ---------------------------------------------------------------------------------------------
# The provider
# ---------------------------------------------------------------------------------------------


class _StreamLost(Exception):
    """The event stream broke or ended early; the job goes on at Soundverse."""


@dataclass
class _LiveStream:
    """A submit's open stream, waiting for `track` to read on."""

    stack: contextlib.AsyncExitStack
    events: AsyncGenerator[ServerSentEvent, None]
    # Chunks submit read before the message_id; track reports them so no stage goes missing.
    seen: list[Chunk] = field(default_factory=list)

    async def next_chunk(self) -> Chunk:
        """The next JSON chunk; keep-alive comments never reach here (the decoder drops them)."""
        try:
            async for event in self.events:
                chunk = parse_sse_data(event.data)
                if chunk is not None:
                    return chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _StreamLost(redact(f"{type(exc).__name__}: {exc}")) from exc
        raise _StreamLost("end of stream")

    async def close(self) -> None:
        await self.stack.aclose()


class SoundverseProvider(Provider):
    name = "soundverse"
    label = "Soundverse"
    capabilities = CAPABILITIES

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_key: str,
        base_url: str,
        status_path: str = "/status/generation/{message_id}",
        read_timeout: float = 600.0,
        poll_interval: float = 10.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._api_key = api_key
        self._base = base_url.rstrip("/")
        self._status_path = status_path
        # No total limit: progress can hold at 90 for minutes (seed 003); only silence is an error.
        self._stream_timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=read_timeout)
        self._poll_interval = poll_interval
        self._not_found_polls = max(1, math.ceil(NOT_FOUND_GRACE / max(poll_interval, 0.001)))
        self._clock = clock
        self._http = HttpClient(session, name=self.name, parse_error=parse_error, clock=clock)
        self._live: dict[str, _LiveStream] = {}

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    # -- submit --------------------------------------------------------------------------------

    async def submit(self, request: JobRequest) -> Handle:
        # A refusal (busy, unavailable) is raised as transient and not accepted; the runner requeues
        # the job with backoff and gives its slot to others meanwhile. Nothing is retried here.
        return await self._start(build_remix_body(request))

    async def _start(self, body: dict[str, Any]) -> Handle:
        stack = contextlib.AsyncExitStack()
        try:
            live = await self._open(stack, body)
            queued = await self._until_queued(live)
        except BaseException:
            await stack.aclose()
            raise
        message_id = queued.message_id or ""
        self._live[message_id] = live
        log.info("soundverse job %s queued", message_id)
        data = {"message_id": message_id, "song_name": queued.song_name, "album_art": queued.album_art}
        return Handle(task_id=message_id, data={k: v for k, v in data.items() if v})

    async def _open(self, stack: contextlib.AsyncExitStack, body: dict[str, Any]) -> _LiveStream:
        stream = self._http.stream(
            "POST",
            self._base + REMIX_PATH,
            idempotent=False,
            json_body=body,
            headers=self._headers(),
            client_timeout=self._stream_timeout,
        )
        try:
            resp = await stack.enter_async_context(stream)
            if resp.content_type != "text/event-stream":
                raise await _refusal(resp)
        except aiohttp.ConnectionTimeoutError as exc:
            # Never connected, so nothing was sent: safe to retry.
            raise ProviderError(
                ErrorKind.UNAVAILABLE, Reason.UNREACHABLE, detail=f"{type(exc).__name__}: {exc}"
            ) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            # The request was sent: a job may exist that we will never hear of.
            raise ProviderError(
                ErrorKind.UNAVAILABLE,
                Reason.NO_ANSWER,
                detail=f"{type(exc).__name__}: {exc}",
                maybe_accepted=True,
            ) from exc
        events = aiter_sse(resp)
        stack.push_async_callback(events.aclose)
        return _LiveStream(stack, events)

    async def _until_queued(self, live: _LiveStream) -> Chunk:
        """Read up to the chunk that carries the message_id (`queued`)."""
        while True:
            try:
                chunk = await live.next_chunk()
            except _StreamLost as lost:
                raise ProviderError(
                    ErrorKind.UNAVAILABLE,
                    Reason.STREAM_BROKE,
                    detail=str(lost),
                    maybe_accepted=True,
                ) from lost
            if chunk.failure is not None:
                raise chunk_failure(chunk)  # refused before a job existed: safe to retry if transient
            live.seen.append(chunk)
            if chunk.message_id:
                return chunk

    # -- track ---------------------------------------------------------------------------------

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        live = self._live.pop(handle.task_id, None)
        last: Event | None = None
        if live is not None:
            try:
                async with contextlib.aclosing(self._follow(live, handle)) as events:
                    async for event in events:
                        last = event
                        yield event
                        if isinstance(event, Completed):
                            return
            except _StreamLost as lost:
                log.info("soundverse job %s: stream lost (%s); polling", handle.task_id, lost)
            finally:
                await live.close()
        async for event in self._poll(handle, last):
            yield event

    async def _follow(self, live: _LiveStream, handle: Handle) -> AsyncGenerator[Event, None]:
        for chunk in live.seen:
            for event in chunk_events(chunk, handle):
                yield event
        while True:
            for event in chunk_events(await live.next_chunk(), handle):
                yield event

    async def _poll(self, handle: Handle, last: Event | None) -> AsyncIterator[Event]:
        """Poll until completion, reporting only changes (`last` is what the stream said last)."""
        url = self._base + self._status_path.format(message_id=quote(handle.task_id, safe=""))
        misses = 0
        visible = False
        while True:
            try:
                body = await self._http.request("GET", url, idempotent=True, headers=self._headers())
            except ProviderError as error:
                if error.kind != ErrorKind.NOT_FOUND:
                    raise
                # Right after a drop the job may not be visible yet; once seen, a 404 means it is gone.
                misses += 1
                if visible or misses > self._not_found_polls:
                    raise ProviderError(
                        ErrorKind.NOT_FOUND,
                        Reason.UNKNOWN_JOB,
                        detail=error.detail,
                        status=error.status,
                    ) from error
            else:
                visible = True
                for event in chunk_events(parse_status(body), handle):
                    if event != last:
                        last = event
                        yield event
                    if isinstance(event, Completed):
                        return
            await self._clock.sleep(self._poll_interval)

    async def cancel(self, handle: Handle) -> None:
        """Soundverse documents no cancel; at least let go of a stream nobody will read."""
        live = self._live.pop(handle.task_id, None)
        if live is not None:
            await live.close()

    async def close(self) -> None:
        live, self._live = list(self._live.values()), {}
        for stream in live:
            await stream.close()


async def _refusal(resp: aiohttp.ClientResponse) -> ProviderError:
    """A plain answer where a stream was expected: one of the documented error bodies, usually."""
    body = await read_body(resp)
    error = parse_error(resp.status, body, resp.headers)
    if resp.status < 400 and error.kind == ErrorKind.GENERATION_FAILED:
        # An unrecognised success answer is undocumented: a job may exist, so it must not be resent.
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            Reason.UNREADABLE,
            detail=str(body)[:500],
            status=resp.status,
            maybe_accepted=True,
        )
    return error
