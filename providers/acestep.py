"""ACE-Step 1.5: the operator's own GPU box running the ACE-Step REST server.

Contract, sources and unknowns: ../shared/ACESTEP.md. `POST /release_task` submits (multipart, so
the member's audio is uploaded as `src_audio`), `POST /query_result` reports on a list of task ids
at once, `GET /v1/audio?path=...` serves the takes. The server has no idempotency key and no
cancel, works through an in-memory queue one job at a time, and forgets everything on restart.

Request building and response parsing are plain functions below; the class only does the I/O.
Providers build no sentences: failures carry a domain.errors.Reason the face words. How long a
job waits for a server that is off or busy is the engine's (engine/retry.py, the ACE-Step row).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Note, Output, Progress
from providers.base import Capabilities, Inbox, JobRequest, Provider
from providers.http import HttpClient, TooLarge, download_to, read_body

log = logging.getLogger(__name__)

# The key setting a refused key names (the operator's fix).
KEY_SETTING = "ACESTEP_API_KEY"

# The stages a member sees, in order (the server's own `stage` strings are mapped onto these).
STAGES = ("queued", "preparing", "generating", "decoding")
# `progress` bounds of the generating stage [S SRV, HND]: 0.51 prepared, 0.8 decoding starts.
GENERATING_FROM, DECODING_FROM = 0.52, 0.8
# A running job created this long ago reads status 2 though it may still run (§4 quirks).
STALE_AFTER = 3600.0
TAKES = 2
OUTPUT_FORMAT = "mp3"
INSTRUMENTAL = "[Instrumental]"
MAX_PROMPT_CHARS = 512
MAX_LYRICS_CHARS = 4096

SUBMIT_TIMEOUT = aiohttp.ClientTimeout(total=120, connect=10)
POLL_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=10)
HEALTH_TIMEOUT = aiohttp.ClientTimeout(total=5, connect=3)
# A whole take must arrive within this; a stalled read much sooner.
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300, sock_read=60)
# How long the engine waits before trying an unreachable server or a full queue again; §8 says
# back off 30-60 s on a full queue.
RETRY_DELAY = 30.0


# --------------------------------------------------------------------------- requests


def strength(request: JobRequest) -> float:
    """`options["strength"]` (0.0-1.0, default 1.0): how closely the remix keeps the original."""
    raw = request.options.get("strength", 1.0)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0.0 <= raw <= 1.0:
        raise ProviderError(ErrorKind.INVALID_INPUT, Reason.OPTION_UNSUPPORTED, params={"option": "strength"})
    return float(raw)


def build_submit_fields(request: JobRequest) -> dict[str, str]:
    """The form fields of `POST /release_task` for a remix (`cover`) or a new song (`text2music`)."""
    opts = request.options
    for option in ("vocal_only", "voice_id"):
        if opts.get(option):
            raise ProviderError(ErrorKind.INVALID_INPUT, Reason.OPTION_UNSUPPORTED, params={"option": option})
    lyrics = (request.lyrics or "").strip()
    if opts.get("instrumental") or not lyrics:
        # Empty lyrics mean instrumental too [S SRV]; saying so keeps the intent unambiguous.
        lyrics = INSTRUMENTAL
    fields = {
        "prompt": request.prompt.strip(),
        "lyrics": lyrics,
        "batch_size": str(TAKES),
        "audio_format": OUTPUT_FORMAT,
        # The LM would otherwise rewrite the member's prompt [I].
        "use_cot_caption": "false",
        "use_cot_language": "false",
    }
    if request.kind is JobKind.REMIX:
        fields["task_type"] = "cover"
        fields["audio_cover_strength"] = f"{strength(request):g}"
    elif request.kind is JobKind.GENERATE:
        fields["task_type"] = "text2music"
        fields["prompt"] = ", ".join(p for p in (str(opts.get("style") or "").strip(), fields["prompt"]) if p)
        if opts.get("length"):
            fields["audio_duration"] = f"{float(opts['length']):g}"
    else:
        raise ProviderError(
            ErrorKind.INVALID_INPUT, Reason.OPTION_UNSUPPORTED, params={"option": str(request.kind)}
        )
    return fields


def build_submit_form(request: JobRequest) -> aiohttp.FormData:
    """The multipart body: the fields, plus the member's audio as `src_audio` for a remix."""
    form = aiohttp.FormData()
    for name, value in build_submit_fields(request).items():
        form.add_field(name, value)
    if request.kind is JobKind.REMIX:
        if request.input_path is None or not request.input_path.exists():
            raise ProviderError(ErrorKind.INVALID_INPUT, Reason.AUDIO_MISSING)
        form.add_field(
            "src_audio",
            request.input_path.read_bytes(),
            filename=request.input_filename or request.input_path.name,
            content_type="application/octet-stream",
        )
    return form


def query_body(task_ids: list[str]) -> dict[str, Any]:
    return {"task_id_list": task_ids}


# --------------------------------------------------------------------------- responses


def envelope_data(body: Any) -> Any:
    """`data` of the `{"data", "code", "error", ...}` envelope; some replies are HTTP 200 with code 500."""
    if not isinstance(body, Mapping) or "data" not in body:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=f"unexpected body: {str(body)[:200]}"
        )
    code = body.get("code", 200)
    if isinstance(code, int) and code >= 400:
        raise ProviderError(
            ErrorKind.UNAVAILABLE,
            Reason.ANSWERED,
            params={"status": code},
            status=code,
            detail=str(body.get("error"))[:300],
        )
    return body["data"]


def parse_submit(body: Any) -> str:
    """The task id of a `/release_task` reply. The job may exist even when the reply is odd."""
    try:
        data = envelope_data(body)
    except ProviderError as error:
        error.maybe_accepted = True
        raise
    task_id = data.get("task_id") if isinstance(data, Mapping) else None
    if not isinstance(task_id, str) or not task_id:
        raise ProviderError(
            ErrorKind.UNAVAILABLE,
            Reason.UNREADABLE,
            maybe_accepted=True,
            detail=f"no task_id in {str(body)[:200]}",
        )
    return task_id


@dataclass(frozen=True)
class TaskReport:
    """One task as `/query_result` reports it."""

    task_id: str
    status: int  # 0 queued or running, 1 succeeded, 2 failed
    items: list[Mapping[str, Any]] = field(default_factory=list)


def decode_result(raw: Any) -> list[Mapping[str, Any]]:
    """`result` is a JSON-encoded string of a list [S SRV]; accept an already decoded list too."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError as exc:
            raise ProviderError(
                ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=f"result: {raw[:200]}"
            ) from exc
    if not isinstance(raw, list):
        raise ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=f"result: {str(raw)[:200]}")
    return [item for item in raw if isinstance(item, Mapping)]


def parse_query(body: Any) -> dict[str, TaskReport]:
    """The reports of a `/query_result` reply, by task id."""
    data = envelope_data(body)
    if not isinstance(data, list):
        raise ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=f"data: {str(data)[:200]}")
    reports: dict[str, TaskReport] = {}
    for entry in data:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("task_id"), str):
            continue
        # The server's global last log line, with server paths in it: never for members.
        if entry.get("progress_text"):
            log.debug("acestep progress_text: %s", entry["progress_text"])
        status = entry.get("status")
        reports[entry["task_id"]] = TaskReport(
            task_id=entry["task_id"],
            status=status if isinstance(status, int) and not isinstance(status, bool) else 0,
            items=decode_result(entry.get("result")),
        )
    return reports


def stage_of(item: Mapping[str, Any]) -> tuple[str, float | None]:
    """Our stage and, while generating, its percentage, from one item's `progress` and `stage`."""
    raw = item.get("progress")
    progress = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else 0.0
    if item.get("stage") == "queued" or progress <= 0.0:
        return "queued", None
    if progress < GENERATING_FROM:
        return "preparing", None
    if progress < DECODING_FROM:
        span = (progress - GENERATING_FROM) / (DECODING_FROM - GENERATING_FROM)
        return "generating", round(min(99.0, max(0.0, span * 100)), 1)
    return "decoding", None


def interpret(report: TaskReport, *, age: float, wanted: int = TAKES) -> Progress | list[Output]:
    """What one report means: progress, the outputs to download, or a ProviderError raised.

    `age` is seconds since the submit, to recognise the server's one-hour reporting rule.
    """
    if report.status == 1:
        outputs = [
            Output(index=n, url=str(item["file"]), ext=OUTPUT_FORMAT)
            for n, item in enumerate((i for i in report.items if i.get("file")), start=1)
        ]
        if not outputs:
            # Every output was silent and dropped [S INF].
            raise ProviderError(
                ErrorKind.GENERATION_FAILED,
                Reason.TAKES_SILENT,
                params={"count": wanted, "wanted": wanted},
                detail=f"task {report.task_id} succeeded without files",
            )
        return outputs
    if report.status == 2:
        if age > STALE_AFTER:
            # Past an hour the server reads a running job as failed: it may still finish, so keep
            # asking; the engine's deadline ends the wait.
            return Progress(stage="generating")
        error = next((i.get("error") for i in report.items if i.get("error")), None)
        raise ProviderError(
            ErrorKind.GENERATION_FAILED,
            Reason.MADE_NOTHING,
            detail=f"task {report.task_id} failed: {str(error)[:300] if error else 'no reason given'}",
        )
    if not report.items:
        # A known job, even a queued one, reports one item: none means the server forgot it.
        raise ProviderError(
            ErrorKind.NOT_FOUND, Reason.SERVER_FORGOT_JOB, detail=f"task {report.task_id} answered []"
        )
    stage, percent = stage_of(report.items[0])
    return Progress(stage=stage, percent=percent)


def completed(outputs: list[Output], wanted: int = TAKES) -> Completed:
    """The takes, with a note when the server dropped some as silent."""
    dropped = max(0, wanted - len(outputs))
    notes = [Note(reason=Reason.TAKES_SILENT, params={"count": dropped, "wanted": wanted})] if dropped else []
    return Completed(outputs=outputs, notes=notes)


# --------------------------------------------------------------------------- HTTP errors


def detail_of(body: Any) -> str | None:
    detail = body.get("detail") if isinstance(body, Mapping) else None
    if isinstance(detail, str):
        return detail
    if isinstance(body, str) and body.strip():
        return body.strip()[:300]
    return None


def parse_error(
    status: int, body: Any, headers: Mapping[str, str], *, grace: float, retry_delay: float
) -> ProviderError:
    """Map an HTTP error of the ACE-Step server (§8). HttpClient passes the first three."""
    detail = detail_of(body)
    if status == 429:
        return ProviderError(
            ErrorKind.RATE_LIMITED,
            Reason.QUEUE_FULL,
            params={"grace": grace},
            retry_after=retry_delay,
            detail=detail,
            status=status,
        )
    if status == 401 or (status == 503 and detail and "api key" in detail.lower()):
        return ProviderError(
            ErrorKind.AUTH, Reason.BAD_KEY, params={"setting": KEY_SETTING}, detail=detail, status=status
        )
    if status >= 500:
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            Reason.SERVER_KEPT_FAILING,
            params={"grace": grace, "status": status},
            retry_after=retry_delay,
            detail=detail,
            status=status,
        )
    # 400, 403, 404, 415, 422: something the bot sent; the server's words go to the log only (they
    # are about the request, with server paths in them, not the member's input).
    return ProviderError(
        ErrorKind.INVALID_INPUT,
        Reason.ANSWERED,
        params={"status": status},
        detail=detail,
        status=status,
    )


# --------------------------------------------------------------------------- one poll for all jobs

Query = Callable[[list[str]], Awaitable[dict[str, TaskReport]]]


class BatchPoller:
    """Asks about every watched task in one `/query_result` request per interval.

    Each tracker gets, on its own queue, the report on its task or the error the request failed with.
    """

    def __init__(self, query: Query, *, interval: float, clock: Clock) -> None:
        self._query = query
        self.interval = interval
        self._clock = clock
        self._watchers: dict[str, asyncio.Queue[TaskReport | ProviderError]] = {}
        self._task: asyncio.Task[None] | None = None

    def watching(self) -> list[str]:
        return list(self._watchers)

    def register(self, task_id: str) -> asyncio.Queue[TaskReport | ProviderError]:
        queue: asyncio.Queue[TaskReport | ProviderError] = asyncio.Queue()
        self._watchers[task_id] = queue
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="acestep-poll")
        return queue

    def unregister(self, task_id: str, queue: asyncio.Queue[TaskReport | ProviderError]) -> None:
        if self._watchers.get(task_id) is queue:
            del self._watchers[task_id]

    async def _loop(self) -> None:
        while self._watchers:
            await self._clock.sleep(self.interval)
            ids = list(self._watchers)
            if not ids:
                break
            try:
                answer: dict[str, TaskReport] | ProviderError = await self._query(ids)
            except ProviderError as error:
                answer = error
            except Exception as exc:  # one bad answer must not leave every tracker waiting forever
                log.exception("acestep poll failed")
                answer = ProviderError(ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=repr(exc))
            for task_id in ids:
                queue = self._watchers.get(task_id)
                if queue is None:
                    continue
                if isinstance(answer, ProviderError):
                    queue.put_nowait(answer)
                else:
                    # An id the reply left out is treated like one answered "[]".
                    queue.put_nowait(answer.get(task_id, TaskReport(task_id, 0)))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


# --------------------------------------------------------------------------- the adapter


class AceStepProvider(Provider):
    name = "acestep"
    label = "ACE-Step"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        api_key: str | None,
        work_dir: Path,
        max_take_bytes: int,
        poll_interval: float = 3.0,
        unreachable_grace: float = 600.0,
        retry_delay: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._grace = unreachable_grace
        # An outage is looked at again ten poll intervals apart, at most every RETRY_DELAY seconds.
        if retry_delay is None:
            retry_delay = min(RETRY_DELAY, 10 * poll_interval)
        self._retry_delay = min(retry_delay, unreachable_grace)
        # The client sends once; the engine decides what is tried again (and, for the submit,
        # nothing is ever resent once it may have reached the server).
        self._http = HttpClient(
            session,
            name=self.name,
            parse_error=lambda s, b, h: parse_error(
                s, b, h, grace=self._grace, retry_delay=self._retry_delay
            ),
            clock=clock,
        )
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._work_dir = work_dir
        self._max_take_bytes = max_take_bytes
        self._clock = clock
        self._poller = BatchPoller(self._query, interval=poll_interval, clock=clock)
        self.capabilities = Capabilities(
            # Singing over an instrumental would need `lego`, which the turbo models lack (§3).
            kinds=frozenset({JobKind.REMIX, JobKind.GENERATE}),
            input_mode="upload",
            # No upload limit in the server's code (§9); the bot's own MAX_INPUT_BYTES applies.
            max_input_bytes=None,
            max_input_seconds=600.0,
            max_prompt_chars=MAX_PROMPT_CHARS,
            max_lyrics_chars=MAX_LYRICS_CHARS,
            requires_words=frozenset({JobKind.GENERATE}),
            takes=TAKES,
            stages=STAGES,
            strength=True,
            unavailable_grace=unreachable_grace,
        )

    async def submit(self, request: JobRequest) -> Handle:
        # Built once, before sending, so a bad request fails without reaching the server.
        build_submit_fields(request)
        answer = await self._call(
            "POST",
            "/release_task",
            idempotent=False,
            body=lambda: build_submit_form(request),
            client_timeout=SUBMIT_TIMEOUT,
        )
        task_id = parse_submit(answer)
        # Wall-clock seconds: the handle outlives a restart of the bot.
        submitted_at = self._clock.utcnow().timestamp()
        return Handle(task_id=task_id, data={"submitted_at": submitted_at, "takes": TAKES})

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        submitted_at = handle.data.get("submitted_at")
        wanted = handle.data.get("takes", TAKES)
        queue = self._poller.register(handle.task_id)
        try:
            while True:
                report = await queue.get()
                if isinstance(report, ProviderError):
                    raise report
                age = (
                    self._clock.utcnow().timestamp() - submitted_at
                    if isinstance(submitted_at, int | float)
                    else 0.0
                )
                outcome = interpret(report, age=age, wanted=wanted)
                if isinstance(outcome, Progress):
                    yield outcome
                    continue
                # Done asking before the engine gets the takes: it never comes back for more.
                self._poller.unregister(handle.task_id, queue)
                yield completed(await self._download(handle.task_id, outcome), wanted)
                return
        finally:
            self._poller.unregister(handle.task_id, queue)

    async def health(self) -> bool:
        try:
            async with self._http.session.get(f"{self.base_url}/health", timeout=HEALTH_TIMEOUT) as resp:
                body = await read_body(resp)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.debug("acestep health: %s", exc)
            return False
        data = body.get("data") if isinstance(body, Mapping) else None
        return resp.status == 200 and isinstance(data, Mapping) and data.get("status") == "ok"

    async def close(self) -> None:
        await self._poller.close()

    async def _query(self, task_ids: list[str]) -> dict[str, TaskReport]:
        answer = await self._call(
            "POST",
            "/query_result",
            idempotent=True,
            json_body=query_body(task_ids),
            client_timeout=POLL_TIMEOUT,
        )
        return parse_query(answer)

    async def _download(self, task_id: str, outputs: list[Output]) -> list[Output]:
        """Fetch the takes with the key: the engine's downloader sends no Authorization header.
        Server paths (in `file`) are logged at debug level only and never handed on."""
        dest = self._work_dir / task_id
        fetched = []
        for output in outputs:
            assert output.url is not None
            path = dest / f"take{output.index}.{output.ext}"
            log.debug("acestep task %s take %d from %s", task_id, output.index, output.url)
            try:
                # The operator's own server, usually at a private address, and with the key: not
                # the engine's take downloader, which sends no key (and keeps to public https).
                await download_to(
                    self._http.session,
                    f"{self.base_url}/{output.url.lstrip('/')}",
                    path,
                    max_bytes=self._max_take_bytes,
                    client_timeout=DOWNLOAD_TIMEOUT,
                    headers=self._headers,
                )
            except ProviderError as error:
                raise self._download_error(error) from None
            fetched.append(output.model_copy(update={"url": None, "path": path}))
        return fetched

    def _download_error(self, error: ProviderError) -> ProviderError:
        """The download's error with server paths kept out of it (aiohttp puts URLs in messages)."""
        if error.status == 401:
            return ProviderError(ErrorKind.AUTH, Reason.BAD_KEY, params={"setting": KEY_SETTING}, status=401)
        if error.status in (403, 404, 410):
            return ProviderError(ErrorKind.GENERATION_FAILED, Reason.NOTHING_TO_DOWNLOAD, status=error.status)
        if isinstance(error, TooLarge):
            return error
        return ProviderError(
            error.kind,
            Reason.DOWNLOAD_BROKE_OFF,
            params={"grace": self._grace},
            retry_after=self._retry_delay,
            status=error.status,
            detail=type(error.__cause__).__name__ if error.__cause__ else error.detail,
        )

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request; connection failures get this provider's reason and retry delay."""
        try:
            return await self._http.request(method, f"{self.base_url}{path}", headers=self._headers, **kwargs)
        except ProviderError as error:
            if error.reason in (Reason.UNREACHABLE, Reason.NO_ANSWER) and error.status is None:
                raise ProviderError(
                    ErrorKind.UNAVAILABLE,
                    Reason.NO_ANSWER if error.maybe_accepted else Reason.UNREACHABLE,
                    params={"grace": self._grace},
                    retry_after=self._retry_delay,
                    maybe_accepted=error.maybe_accepted,
                    detail=error.detail,
                ) from None
            raise
