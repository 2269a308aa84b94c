"""A fake Soundverse API on 127.0.0.1, following the AI Remix v7 page (seed 003).

    async with FakeSoundverse() as fake:
        song = fake.add_file("song.mp3", tone_bytes("mp3", seconds=12))
        provider = SoundverseProvider(session, api_key=fake.api_key, base_url=fake.base_url)

`POST /v7/generate/remix` checks the Bearer key and the body, fetches `song_reference_url` over
HTTP as the real service would, then streams the documented stages as `data: {json}` events. The
job runs on its own task, so it goes on after a client drops, and the status endpoint reports it.
Faults are knobs set before a request: delays, a long hold at 90 % with keep-alive comments, a
connection drop or a clean EOF after a chunk, a pause after a chunk until `resume()`, and
scripted error bodies (HTTP or in-stream).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from tests.tones import tone_bytes

MAX_REFERENCE_BYTES = 10 * 1024 * 1024

# The documented error bodies, verbatim.
MISSING_PROMPT = {"detail": "Either prompt or lyrics must be provided"}
TOO_LARGE = {
    "success": False,
    "message": "Reference audio error: File too large: 12657318 bytes (max: 10485760)",
}
RATE_LIMITED = {"success": False, "message": "Rate limits have been passed for the user."}
INSUFFICIENT_BALANCE = {"success": False, "message": "Insufficient balance for this operation."}
UNAVAILABLE = {
    "success": False,
    "message": "Service temporarily unavailable. Please try again in a moment.",
    "error": "Database connection pool exhausted",
}


def too_large(size: int) -> dict[str, Any]:
    return {
        "success": False,
        "message": f"Reference audio error: File too large: {size} bytes (max: {MAX_REFERENCE_BYTES})",
    }


@dataclass
class ScriptedError:
    """One refusal for the next remix request, consumed in order."""

    body: dict[str, Any]
    # The HTTP status of a plain JSON answer; None sends the body inside the stream instead.
    status: int | None = 400
    # In-stream only: sent after the chunk with this chunkIndex (0 = after `validating`, before a job
    # exists; 1 or more = after `queued`, so the job exists and fails).
    after_chunk: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeJob:
    message_id: str
    body: dict[str, Any]
    chunks: list[dict[str, Any]] = field(default_factory=list)
    finished: bool = False
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def emit(self, chunk: dict[str, Any], *, last: bool = False) -> None:
        async with self.changed:
            self.chunks.append(chunk)
            self.finished = last
            self.changed.notify_all()

    def state(self) -> dict[str, Any]:
        """The job as the status endpoint reports it: the latest value of every chunk field."""
        merged: dict[str, Any] = {}
        for chunk in self.chunks:
            merged.update(chunk)
        merged.pop("chunkIndex", None)
        return merged


class FakeSoundverse:
    def __init__(
        self,
        *,
        api_key: str = "sksoundverse_test",
        status_path: str = "/status/generation/{message_id}",
        output_audio: bytes | None = None,
    ) -> None:
        self.api_key = api_key
        self.status_path = status_path
        self.output_audio = output_audio if output_audio is not None else tone_bytes("mp3")
        # Knobs. Stage timing:
        self.chunk_delay = 0.01
        self.progress_steps: tuple[int, ...] = (0, 50, 90, 100)
        self.hold_at_90 = 0.0
        self.keepalive_interval = 0.05
        self.sep = "\n"
        # Faults of the stream (chunkIndex after which to act; None = never):
        self.drop_after: int | None = None
        self.eof_after: int | None = None
        # The job stops after this chunkIndex, keep-alives still flowing, until resume() is called.
        self.pause_after: int | None = None
        self._resumed = asyncio.Event()
        self.errors: list[ScriptedError] = []
        # The status endpoint answers 404 to the first polls of each job (not visible yet).
        self.status_not_found_polls = 0
        # The key wrapping the status fields (None = top level); the real shape is unknown.
        self.status_wrapper: str | None = "data"
        # Records.
        self.generation_requests = 0
        self.generation_times: list[float] = []  # time.monotonic() of each generation request
        self.status_requests = 0
        self.audio_requests = 0
        self.bodies: list[dict[str, Any]] = []
        self.jobs: dict[str, FakeJob] = {}
        self.files: dict[str, bytes] = {}
        self._polls: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/v7/generate/remix", self._remix)
        app.router.add_get(self.status_path, self._status)
        app.router.add_get("/audio/{message_id}.mp3", self._audio)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def resume(self) -> None:
        """Let jobs held by `pause_after` go on."""
        self._resumed.set()

    def add_file(self, name: str, data: bytes) -> str:
        """Host `data` (an input song) and return its public URL."""
        self.files[name] = data
        return f"{self.base_url}/files/{name}"

    # -- remix -----------------------------------------------------------------------------------

    async def _remix(self, request: web.Request) -> web.StreamResponse:
        self.generation_requests += 1
        self.generation_times.append(time.monotonic())
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"detail": "Invalid or missing API key"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"detail": "Invalid JSON body"}, status=422)
        self.bodies.append(body)
        refusal = await self._refuse(body)
        if refusal is not None:
            return refusal
        scripted = self.errors.pop(0) if self.errors else None
        if scripted is not None and scripted.status is not None:
            return web.json_response(scripted.body, status=scripted.status, headers=scripted.headers)
        job = FakeJob(uuid.uuid4().hex, body)
        self._spawn(self._run(job, scripted))
        return await self._stream(request, job)

    async def _refuse(self, body: Any) -> web.Response | None:
        if not isinstance(body, dict) or not isinstance(body.get("song_reference_url"), str):
            return web.json_response({"detail": "song_reference_url is required"}, status=422)
        if not (body.get("prompt") or body.get("lyrics")):
            return web.json_response(MISSING_PROMPT, status=400)
        size = await self._reference_size(body["song_reference_url"])
        if size is None:
            unreadable = {"success": False, "message": "Reference audio error: could not download the file"}
            return web.json_response(unreadable, status=400)
        if size > MAX_REFERENCE_BYTES:
            return web.json_response(too_large(size), status=400)
        return None

    async def _reference_size(self, url: str) -> int | None:
        assert self._session is not None
        try:
            async with self._session.get(url) as resp:
                return len(await resp.read()) if resp.status == 200 else None
        except aiohttp.ClientError:
            return None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: FakeJob, scripted: ScriptedError | None) -> None:
        """Advance the job through the documented stages, whether or not anyone is listening."""
        mid = job.message_id
        for chunk in self._stages(mid):
            index = chunk["chunkIndex"]
            if index == 1:
                self.jobs[mid] = job  # queued: from here on the job exists at the provider
            await job.emit(chunk, last=chunk.get("isComplete", False))
            if chunk.get("progress") == 90 and chunk["status"] == "streaming":
                await asyncio.sleep(self.hold_at_90)
            if scripted is not None and index == scripted.after_chunk:
                await job.emit(scripted.body, last=True)
                return
            if index == self.pause_after:
                await self._resumed.wait()
            await asyncio.sleep(self.chunk_delay)

    def _stages(self, mid: str) -> list[dict[str, Any]]:
        art = f"{self.base_url}/art/{mid}.png"
        name = "Remix Title"
        chunks: list[dict[str, Any]] = [
            {"isComplete": False, "status": "validating"},
            {"message_id": mid, "isComplete": False, "status": "queued", "album_art": art, "song_name": name},
            {"message_id": mid, "isComplete": False, "status": "starting"},
            {"message_id": mid, "isComplete": False, "status": "initializing"},
            {"message_id": mid, "isComplete": False, "status": "uploading"},
        ]
        for step in self.progress_steps:
            chunks.append({"message_id": mid, "isComplete": False, "status": "streaming", "progress": step})
        chunks[-1].update(stream_url=f"{self.base_url}/audio/{mid}.mp3", streaming_ready=True, version=1)
        chunks.append(
            {
                "message_id": mid,
                "isComplete": True,
                "status": "completed",
                "audio_url": f"{self.base_url}/audio/{mid}.mp3",
                "album_art": art,
                "song_name": name,
                "progress": 100,
            }
        )
        return [{**chunk, "chunkIndex": i} for i, chunk in enumerate(chunks)]

    async def _stream(self, request: web.Request, job: FakeJob) -> web.StreamResponse:
        async with sse_response(request, sep=self.sep, allow_all_methods=True) as resp:
            # The client going away is normal (a restart, a read timeout); the job carries on.
            with contextlib.suppress(ConnectionResetError):
                await self._relay(request, resp, job)
        return resp

    async def _relay(self, request: web.Request, resp: EventSourceResponse, job: FakeJob) -> None:
        sent = 0
        while (chunk := await self._next(resp, job, sent)) is not None:
            await resp.send(json.dumps(chunk))
            sent += 1
            index = chunk.get("chunkIndex")
            if index is not None and index == self.drop_after:
                assert request.transport is not None
                request.transport.abort()  # mid-body: the client sees a broken chunked response
                return
            if index is not None and index == self.eof_after:
                return

    async def _next(self, resp: EventSourceResponse, job: FakeJob, sent: int) -> dict[str, Any] | None:
        """The job's next chunk, writing keep-alive comments while it takes its time."""
        async with job.changed:
            while len(job.chunks) <= sent:
                if job.finished:
                    return None
                try:
                    async with asyncio.timeout(self.keepalive_interval):
                        await job.changed.wait()
                except TimeoutError:
                    await resp.write(f": keep-alive{self.sep}{self.sep}".encode())
            return job.chunks[sent]

    # -- status and files ------------------------------------------------------------------------

    async def _status(self, request: web.Request) -> web.Response:
        self.status_requests += 1
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"detail": "Invalid or missing API key"}, status=401)
        mid = request.match_info["message_id"]
        self._polls[mid] = self._polls.get(mid, 0) + 1
        job = self.jobs.get(mid)
        if job is None or self._polls[mid] <= self.status_not_found_polls:
            return web.json_response({"detail": "Generation not found"}, status=404)
        state = job.state()
        wrapped = {"success": True, self.status_wrapper: state} if self.status_wrapper else state
        return web.json_response(wrapped)

    async def _audio(self, request: web.Request) -> web.Response:
        self.audio_requests += 1
        if request.match_info["message_id"] not in self.jobs:
            raise web.HTTPNotFound()
        return web.Response(body=self.output_audio, content_type="audio/mpeg")

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["name"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="audio/mpeg")
