"""FakeSoundpiece: an in-process Soundpiece that behaves as docs.soundpiece.co describes it.

See ../shared/PROVIDERS.md §2. What the docs leave open, the fake decides and says so:
an unknown `op_` id answers 404 {"detail": "Operation not found"}; a reused idempotency key with
a different body returns the original response; a source URL that cannot be fetched fails the
operation with code `source_unreachable`; webhook `data` is the DTO without its wrapper.

    async with FakeSoundpiece(signing_secret="whsec_...") as fake:
        fake.base_url        # http://127.0.0.1:<port>/v1
        fake.source_url      # a FLAC the fake serves, standing in for a Discord attachment

Knobs (constructor): api_key, processing_time (None: operations wait for finish()/fail()),
max_wait (the long-poll hold, 20 s for real), early_return (False: a long poll holds the full
max_wait even after the end, as a stale replica would), omit_status (answer like the reference
example, without `status`), url_ttl, audio/audio_seconds, signing_secret (+ raw_secret,
rotated_secret), webhook_copies (auto deliveries per end, same webhook-id).

Scripts (methods): rate_limit(), script_error(), lose_next_put_answer(), fail_next_operation(),
finish(), fail(), expire_urls(), expire_next_urls(), send_webhook(..., forge=, age=, webhook_id=).
Counters: created, requests, fetched_sources, deliveries, most_concurrent_gets (per operation id:
the most GETs of it open at once; a GET whose client hung up is no longer open).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import string
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import aiohttp
from aiohttp import web
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    UrlConstraints,
    ValidationError,
)
from standardwebhooks import Webhook

from tests.tones import tone_bytes

OP_ALPHABET = string.digits + string.ascii_lowercase
API_PREFIX = "/v1"
ROUTE = "create.remix_song"


class AudioSource(BaseModel):
    url: AnyHttpUrl


class RemixSongBody(BaseModel):
    """The request schema from the API reference (seed 001)."""

    model_config = ConfigDict(extra="ignore")
    idempotency_key: UUID
    source: AudioSource
    lyrics: Annotated[str, StringConstraints(min_length=1, max_length=3000)]
    prompt: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    callback_url: Annotated[AnyHttpUrl, UrlConstraints(max_length=2048)] | None = None
    n_variations: Annotated[int, Field(ge=1, le=3)] = 1


@dataclass
class FakeOperation:
    id: str
    body: RemixSongBody
    created_at: datetime
    status: str = "processing"
    error: dict[str, str] | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Delivery:
    webhook_id: str
    url: str
    timestamp: int
    status: int | None
    forged: bool = False


@dataclass
class _Link:
    op_id: str
    index: int
    expires: float


def _iso(when: float | datetime) -> str:
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(when, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _op_error(message: str, code: str | None) -> dict[str, str]:
    return {"code": code, "message": message} if code else {"message": message}


def _detail(status: int, detail: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"detail": detail}, status=status, headers=headers)


# Requests already on their way when a 429 is answered are not the client ignoring it.
IN_FLIGHT_GRACE = 0.5


class FakeSoundpiece:
    def __init__(
        self,
        *,
        api_key: str = "spk_test_key",
        processing_time: float | None = 0.05,
        max_wait: float = 1.0,
        early_return: bool = True,
        omit_status: bool = False,
        url_ttl: float = 3600.0,
        audio: bytes | None = None,
        audio_seconds: float = 0.5,
        signing_secret: str | None = None,
        raw_secret: bool = False,
        rotated_secret: str | None = None,
        webhook_copies: int = 1,
    ) -> None:
        assert api_key.startswith("spk_"), "Soundpiece keys start with spk_"
        self.api_key = api_key
        self.processing_time = processing_time
        self.max_wait = max_wait
        self.early_return = early_return
        self.omit_status = omit_status
        self.url_ttl = url_ttl
        self.audio = audio if audio is not None else tone_bytes("flac", seconds=audio_seconds)
        self.audio_seconds = audio_seconds
        self.signing_secret = signing_secret
        self.raw_secret = raw_secret
        self.rotated_secret = rotated_secret
        self.webhook_copies = webhook_copies

        self.operations: dict[str, FakeOperation] = {}
        self.created = 0
        self.requests: list[tuple[str, str]] = []
        self.fetched_sources: list[str] = []
        self.deliveries: list[Delivery] = []
        self.most_concurrent_gets: dict[str, int] = {}

        self._by_key: dict[str, dict[str, Any]] = {}
        self._links: dict[str, _Link] = {}
        self._scripted: deque[web.Response] = deque()
        # After a 429 with Retry-After the account is paused, as a real API would enforce it: a request
        # arriving inside the pause (past a short grace for requests already on their way) is counted.
        self._paused_until = 0.0
        self._pause_grace_until = 0.0
        self.requests_during_pause = 0
        # Long polls that held their whole wait and then reported the end: what a bot without a
        # working webhook has to wait for.
        self.ready_after_full_hold = 0
        self._lose_put: deque[float] = deque()
        self._stale_answers = 0
        self._failures: deque[dict[str, str]] = deque()
        self._first_attempt: dict[str, int] = {}
        self._open_gets: dict[str, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.root = ""

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return self.root + API_PREFIX

    @property
    def source_url(self) -> str:
        return self.root + "/cdn/source.flac"

    async def __aenter__(self) -> FakeSoundpiece:
        app = web.Application(middlewares=[self._api_gate])
        app.router.add_route("*", API_PREFIX + "/" + ROUTE, self._remix_song)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown)
        app.router.add_get("/files/{op_id}/{index}.flac", self._file)
        app.router.add_get("/cdn/source.flac", self._source)
        # A client that hangs up ends its request here too, as on a real server: a long poll the
        # client gave up on stops holding (and stops counting as open).
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = f"http://127.0.0.1:{port}"
        self._client = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ scripts

    def script_error(
        self,
        status: int,
        *,
        detail: Any = "Internal Server Error",
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` API requests (any method, any key on the account) answer `status`."""
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        for _ in range(times):
            self._scripted.append(_detail(status, detail, headers))

    def rate_limit(self, retry_after: int = 17, *, times: int = 1) -> None:
        self.script_error(
            429,
            detail=f"Rate limit exceeded; retry in {retry_after} seconds",
            retry_after=retry_after,
            times=times,
        )

    def lose_next_put_answer(self, hold: float = 2.0) -> None:
        """The next PUT creates its operation but answers only after `hold` s (past the client's timeout)."""
        self._lose_put.append(hold)

    def fail_next_operation(self, message: str, code: str | None = "generation_failed") -> None:
        """The next operation to finish fails; `code=None` gives the `{"message"}`-only shape."""
        self._failures.append(_op_error(message, code))

    def finish(self, op_id: str) -> None:
        self._end(self.operations[op_id], "ready", None)

    def fail(self, op_id: str, message: str, code: str | None = "generation_failed") -> None:
        self._end(self.operations[op_id], "failed", _op_error(message, code))

    def expire_next_urls(self, times: int = 1) -> None:
        """The next `times` answers with outputs carry URLs that expired before they are used.

        Stands for a download that starts after the signed URL's lifetime (a slow queue, a restart).
        """
        self._stale_answers += times

    def expire_urls(self) -> None:
        """Every output URL handed out so far now answers 403."""
        for link in self._links.values():
            link.expires = 0.0

    # ------------------------------------------------------------------ webhooks

    async def send_webhook(
        self,
        op_id: str,
        *,
        webhook_id: str | None = None,
        forge: bool = False,
        age: float = 0.0,
        url: str | None = None,
    ) -> Delivery:
        """POST the operation's current DTO to its callback (or `url`), signed as Standard Webhooks.

        Reuse a `webhook_id` for a duplicate (it keeps its first timestamp, as retries do); `forge`
        signs with a random key; `age` back-dates the timestamp (a replay).
        """
        op = self.operations[op_id]
        target = url or (str(op.body.callback_url) if op.body.callback_url else None)
        assert target, "operation has no callback_url"
        webhook_id = webhook_id or "msg_" + secrets.token_hex(12)
        stamp = self._first_attempt.setdefault(webhook_id, int(time.time() - age))
        payload = {"type": f"{ROUTE}.{op.status}", "data": self._dto(op)}
        body = json.dumps(payload)
        headers = {
            "content-type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": self._signatures(webhook_id, stamp, body, forge),
        }
        status: int | None
        try:
            assert self._client is not None
            async with self._client.post(
                target, data=body.encode(), headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            status = None
        delivery = Delivery(webhook_id, target, stamp, status, forge)
        self.deliveries.append(delivery)
        return delivery

    def _signatures(self, webhook_id: str, stamp: int, body: str, forge: bool) -> str:
        # The reference library signs, so the adapter is checked against the spec, not against itself.
        when = datetime.fromtimestamp(stamp, UTC)
        if forge:
            return Webhook(secrets.token_bytes(24)).sign(webhook_id, when, body)
        secrets_in_use = [s for s in (self.rotated_secret, self.signing_secret) if s]
        keys = [Webhook(s.encode()) if self.raw_secret else Webhook(s) for s in secrets_in_use]
        return " ".join(key.sign(webhook_id, when, body) for key in keys)

    async def _deliver_on_end(self, op: FakeOperation) -> None:
        # Soundpiece sends callbacks only if the account has a signing secret.
        if not (op.body.callback_url and self.signing_secret and self.webhook_copies):
            return
        first = await self.send_webhook(op.id)
        for _ in range(self.webhook_copies - 1):
            await self.send_webhook(op.id, webhook_id=first.webhook_id)

    # ------------------------------------------------------------------ HTTP: API

    @web.middleware
    async def _api_gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        self.requests.append((request.method, request.path_qs))
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _detail(401, "Invalid or missing API key")
        now = asyncio.get_running_loop().time()
        if self._pause_grace_until < now < self._paused_until:
            self.requests_during_pause += 1
        # Limits are per account: a scripted answer hits whichever request comes next.
        if self._scripted:
            answer = self._scripted.popleft()
            if answer.status == 429 and (retry_after := answer.headers.get("Retry-After")):
                self._paused_until = now + float(retry_after)
                self._pause_grace_until = now + IN_FLIGHT_GRACE
            return answer
        return await handler(request)

    async def _unknown(self, request: web.Request) -> web.Response:
        return _detail(404, "Not Found")

    async def _remix_song(self, request: web.Request) -> web.Response:
        if request.method == "PUT":
            return await self._create(request)
        if request.method == "GET":
            return await self._read(request)
        return _detail(405, "Method Not Allowed")

    async def _create(self, request: web.Request) -> web.Response:
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return _detail(400, "Malformed JSON body")
        try:
            body = RemixSongBody.model_validate(raw)
        except ValidationError as exc:
            return _detail(
                422, [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
            )
        key = str(body.idempotency_key)
        if key in self._by_key:
            return web.json_response(self._by_key[key])
        op = self._new_operation(body)
        answer = {"remix_song": self._dto(op)}
        self._by_key[key] = answer
        if self._lose_put:
            await self._hold(self._lose_put.popleft())
        return web.json_response(answer)

    async def _read(self, request: web.Request) -> web.Response:
        op_id = request.query.get("id")
        if not op_id:
            return _detail(422, [{"loc": ["query", "id"], "msg": "Field required", "type": "missing"}])
        op = self.operations.get(op_id)
        if op is None:
            return _detail(404, "Operation not found")
        self._open_gets[op_id] = self._open_gets.get(op_id, 0) + 1
        open_now = self._open_gets[op_id]
        self.most_concurrent_gets[op_id] = max(self.most_concurrent_gets.get(op_id, 0), open_now)
        try:
            if request.query.get("wait") == "true":
                ended_before = op.ended.is_set()
                await self._hold(self.max_wait, op.ended if self.early_return else None)
                if op.ended.is_set() and not ended_before and not self.early_return:
                    self.ready_after_full_hold += 1
            return web.json_response({"remix_song": self._dto(op)})
        finally:
            self._open_gets[op_id] -= 1

    async def _hold(self, seconds: float, until: asyncio.Event | None = None) -> None:
        """Sleep up to `seconds`, less if `until` fires or the fake shuts down."""
        waiters = [asyncio.ensure_future(self._closing.wait())]
        if until is not None:
            waiters.append(asyncio.ensure_future(until.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    # ------------------------------------------------------------------ operations

    def _new_operation(self, body: RemixSongBody) -> FakeOperation:
        op_id = "op_" + "".join(secrets.choice(OP_ALPHABET) for _ in range(26))
        op = FakeOperation(op_id, body, datetime.now(UTC))
        self.operations[op_id] = op
        self.created += 1
        self._spawn(self._process(op))
        return op

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, op: FakeOperation) -> None:
        # Like the real service, the fake fetches the source itself.
        fetched = await self._fetch_source(str(op.body.source.url))
        if fetched is not None:
            self._end(op, "failed", {"code": "source_unreachable", "message": fetched})
            return
        if self.processing_time is None:
            return
        await asyncio.sleep(self.processing_time)
        if op.status != "processing":
            return
        if self._failures:
            self._end(op, "failed", self._failures.popleft())
        else:
            self._end(op, "ready", None)

    async def _fetch_source(self, url: str) -> str | None:
        """None when the source was fetched, else why not."""
        self.fetched_sources.append(url)
        assert self._client is not None
        try:
            async with self._client.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:
                data = await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Could not fetch the source audio ({type(exc).__name__})."
        if resp.status != 200 or not data:
            return f"Could not fetch the source audio (HTTP {resp.status})."
        return None

    def _end(self, op: FakeOperation, status: str, error: dict[str, str] | None) -> None:
        op.status, op.error = status, error
        op.ended.set()
        self._spawn(self._deliver_on_end(op))

    def _dto(self, op: FakeOperation) -> dict[str, Any]:
        dto: dict[str, Any] = {
            "id": op.id,
            "status": op.status,
            "created_at": _iso(op.created_at),
            "idempotency_key": str(op.body.idempotency_key),
            "source": {"url": str(op.body.source.url)},
            "lyrics": op.body.lyrics,
            "prompt": op.body.prompt,
            "n_variations": op.body.n_variations,
            "outputs": self._outputs(op) if op.status == "ready" else None,
            "error": op.error,
        }
        if self.omit_status:
            del dto["status"]
        return dto

    def _outputs(self, op: FakeOperation) -> list[dict[str, Any]]:
        """Freshly signed URLs, as every GET of a ready operation gives."""
        outputs = []
        ttl = self.url_ttl
        if self._stale_answers:
            self._stale_answers -= 1
            ttl = -1.0
        for index in range(op.body.n_variations):
            token = secrets.token_urlsafe(16)
            link = _Link(op.id, index, time.time() + ttl)
            self._links[token] = link
            outputs.append(
                {
                    "url": f"{self.root}/files/{op.id}/{index}.flac?token={token}",
                    "expires_at": _iso(link.expires),
                    "duration": self.audio_seconds,
                }
            )
        return outputs

    # ------------------------------------------------------------------ HTTP: files

    async def _file(self, request: web.Request) -> web.Response:
        link = self._links.get(request.query.get("token", ""))
        where = (request.match_info["op_id"], request.match_info["index"])
        if link is None or (link.op_id, str(link.index)) != where:
            return web.Response(status=403, text="Signature does not match")
        if link.expires <= time.time():
            return web.Response(status=403, text="Request has expired")
        return web.Response(body=self.audio, content_type="audio/flac")

    async def _source(self, request: web.Request) -> web.Response:
        return web.Response(body=self.audio, content_type="audio/flac")
