"""A fake ACE-Step 1.5 API server on 127.0.0.1, built from ../shared/ACESTEP.md §11, not from what
our adapter happens to send.

    async with FakeAceStep(api_key="k") as fake:
        provider = AceStepProvider(session, base_url=fake.base_url, api_key="k", ...)
        fake.outcomes.append(Outcome(silent=1))   # the next job drops one take as silent
        fake.script("release_task", Fault(500, "Internal Server Error"))

Like the real server it keeps its jobs in memory and works through them one at a time; here the
job at the head moves one step each time `/query_result` is asked (or `step()` is called), so
tests need no clock. `restart()` forgets every task; `switch_off()` / `switch_on()` stop and
resume listening on the same port with the tasks kept (the box dropped off the network).
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from tests.tones import tone_bytes

# (progress, stage) of a running job, one per step [S SRV, HND, llm_inference.py].
STEPS = [
    (0.01, "running"),
    (0.51, "Preparing inputs..."),
    (0.6, "Generating music (batch size: {n})..."),
    (0.7, "Generating music (batch size: {n})..."),
    (0.8, "Decoding audio..."),
]
PROGRESS_TEXT = "2026-02-08 12:00:01 INFO Saved /srv/acestep/.cache/api_audio/{id}.mp3 in 3.2 s"


@dataclass
class Fault:
    """One scripted answer: a dict goes out as JSON, a str as plain text."""

    status: int
    body: Any = None


@dataclass
class Outcome:
    """How one job ends. Taken in order from `FakeAceStep.outcomes`; success otherwise."""

    fail: bool = False
    error: str | None = None  # only the in-memory fallback carries a reason
    silent: int = 0  # outputs dropped as silent
    stuck: bool = False  # never leaves progress 0


@dataclass
class FakeTask:
    task_id: str
    fields: dict[str, str]
    files: dict[str, bytes]
    outcome: Outcome
    created: float = field(default_factory=time.time)
    step: int = -1  # -1 queued; then an index into STEPS; len(STEPS) done
    outputs: list[Path] = field(default_factory=list)

    @property
    def batch(self) -> int:
        return int(self.fields.get("batch_size") or 2)

    @property
    def finished(self) -> bool:
        return self.step >= len(STEPS)


class FakeAceStep:
    def __init__(self, *, api_key: str | None = "test-key", queue_size: int = 200) -> None:
        self.api_key = api_key
        self.queue_size = queue_size
        self.tasks: dict[str, FakeTask] = {}
        self.submitted: list[FakeTask] = []  # every accepted submit, even forgotten ones
        self.outcomes: list[Outcome] = []
        self.queries: list[list[str]] = []  # the id list of each /query_result
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.paused = False
        self._faults: dict[str, list[Fault]] = {}
        self._out = Path(tempfile.mkdtemp(prefix="fake-acestep-")) / "api_audio"
        self._out.mkdir()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeAceStep:
        await self.switch_on()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.switch_off()

    async def switch_on(self) -> None:
        app = web.Application(middlewares=[self._record, self._auth])
        app.router.add_get("/health", self._health)
        app.router.add_post("/release_task", self._release_task)
        app.router.add_post("/query_result", self._query_result)
        app.router.add_get("/v1/audio", self._audio)
        app.router.add_get("/v1/stats", self._stats)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def switch_off(self) -> None:
        """Stop listening (connections are refused); the tasks stay, as on a box that dropped off."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def restart(self) -> None:
        """The process restarted: its in-memory queue and job store are gone."""
        self.tasks.clear()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- knobs -----------------------------------------------------------------------------------

    def script(self, endpoint: str, *faults: Fault) -> None:
        """Queue answers for "release_task", "query_result" or "audio"; each request uses one."""
        self._faults.setdefault(endpoint, []).extend(faults)

    def age(self, task: FakeTask, seconds: float) -> None:
        task.created -= seconds

    def step(self) -> None:
        """The worker moves the job at the head of the queue one step on."""
        if self.paused:
            return
        head = next((t for t in self.tasks.values() if not t.finished), None)
        if head is None or head.outcome.stuck:
            return
        head.step += 1
        if head.finished and not head.outcome.fail:
            kept = max(0, head.batch - head.outcome.silent)
            for n in range(kept):
                path = self._out / f"{head.task_id}-{n}.mp3"
                path.write_bytes(tone_bytes("mp3", seconds=1.0, freq=330.0 + 110 * n))
                head.outputs.append(path)

    def file_url(self, path: Path) -> str:
        return f"/v1/audio?path={quote(str(path), safe='')}"

    # -- middleware ------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        resp = await handler(request)
        self.requests.append((request.method, request.path, resp.status))
        return resp

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.api_key is not None and request.path != "/health":
            given = request.headers.get("Authorization", "")
            if not given:
                return web.json_response({"detail": "Missing ai_token or Authorization header"}, status=401)
            if given.removeprefix("Bearer ").strip() != self.api_key:
                return web.json_response({"detail": "Invalid API key"}, status=401)
        return await handler(request)

    def _fault(self, endpoint: str) -> web.Response | None:
        faults = self._faults.get(endpoint)
        if not faults:
            return None
        fault = faults.pop(0)
        if isinstance(fault.body, str):
            return web.Response(status=fault.status, text=fault.body)
        return web.json_response(fault.body, status=fault.status)

    @staticmethod
    def _wrap(data: Any) -> web.Response:
        return web.json_response(
            {"data": data, "code": 200, "error": None, "timestamp": int(time.time() * 1000), "extra": None}
        )

    # -- routes ----------------------------------------------------------------------------------

    async def _health(self, request: web.Request) -> web.Response:
        return self._wrap({"status": "ok", "service": "ACE-Step API", "version": "1.0"})

    async def _stats(self, request: web.Request) -> web.Response:
        states = [
            ("succeeded" if t.finished else "running" if t.step >= 0 else "queued")
            for t in self.tasks.values()
        ]
        return self._wrap(
            {
                "jobs": {s: states.count(s) for s in ("queued", "running", "succeeded")}
                | {"total": len(states)},
                "queue_size": self._backlog(),
                "queue_maxsize": self.queue_size,
                "avg_job_seconds": 4.0,
            }
        )

    def _backlog(self) -> int:
        return sum(1 for t in self.tasks.values() if not t.finished)

    async def _release_task(self, request: web.Request) -> web.Response:
        if fault := self._fault("release_task"):
            return fault
        fields: dict[str, str] = {}
        files: dict[str, bytes] = {}
        ctype = request.content_type
        if ctype == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                assert isinstance(part, BodyPartReader)
                name = part.name or ""
                if part.filename is not None or name in (
                    "src_audio",
                    "ctx_audio",
                    "reference_audio",
                    "ref_audio",
                ):
                    files[name] = bytes(await part.read())
                else:
                    fields[name] = await part.text()
        elif ctype == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                return web.json_response({"detail": "JSON payload must be an object"}, status=400)
            fields = {k: str(v) for k, v in body.items()}
        elif ctype == "application/x-www-form-urlencoded":
            fields = {k: str(v) for k, v in (await request.post()).items()}
        else:
            return web.json_response({"detail": f"Unsupported Content-Type: {ctype}"}, status=415)
        # Aliases the server accepts [S SRV PARAM_ALIASES].
        if "caption" in fields:
            fields.setdefault("prompt", fields["caption"])
        if "duration" in fields:
            fields.setdefault("audio_duration", fields["duration"])
        if self._backlog() >= self.queue_size:
            return web.json_response({"detail": "Server busy: queue is full"}, status=429)
        task = FakeTask(
            task_id=str(uuid.uuid4()),
            fields=fields,
            files=files,
            outcome=self.outcomes.pop(0) if self.outcomes else Outcome(),
        )
        self.tasks[task.task_id] = task
        self.submitted.append(task)
        return self._wrap({"task_id": task.task_id, "status": "queued", "queue_position": self._backlog()})

    async def _query_result(self, request: web.Request) -> web.Response:
        if fault := self._fault("query_result"):
            return fault
        if request.content_type == "application/json":
            raw = (await request.json()).get("task_id_list", [])
        else:
            raw = (await request.post()).get("task_id_list", "[]")
        ids = json.loads(raw) if isinstance(raw, str) else list(raw)
        self.queries.append(ids)
        answer = self._wrap([self._report(task_id) for task_id in ids])
        # The worker moves on after answering, so the first answer still shows the job queued.
        self.step()
        return answer

    def _report(self, task_id: str) -> dict[str, Any]:
        task = self.tasks.get(task_id)
        progress_text = PROGRESS_TEXT.format(id=task_id)
        if task is None:
            return {"task_id": task_id, "status": 0, "result": "[]", "progress_text": progress_text}
        common = {"create_time": int(task.created), "prompt": task.fields.get("prompt", "")}
        if not task.finished:
            if task.step < 0:
                progress, stage = 0.0, "queued"
            else:
                progress, stage = STEPS[task.step]
            item = {
                **common,
                "file": "",
                "status": 0,
                "progress": progress,
                "stage": stage.format(n=task.batch),
            }
            # The one-hour rule: an old running job reads as failed [S SRV].
            status = 2 if time.time() - task.created > 3600 else 0
            return {
                "task_id": task_id,
                "status": status,
                "result": json.dumps([item]),
                "progress_text": progress_text,
            }
        if task.outcome.fail:
            item = {**common, "file": "", "status": 2, "progress": 0.8, "stage": "failed"}
            if task.outcome.error:
                item["error"] = task.outcome.error
            return {
                "task_id": task_id,
                "status": 2,
                "result": json.dumps([item]),
                "progress_text": progress_text,
            }
        items = [
            {
                **common,
                "file": self.file_url(path),
                "status": 1,
                "progress": 1.0,
                "stage": "succeeded",
                "metas": {"bpm": 120, "duration": 1.0, "genres": "", "keyscale": "", "timesignature": "4"},
                "seed_value": "1,2",
            }
            for path in task.outputs
        ]
        if not items:
            items = [{**common, "file": "", "status": 1, "progress": 1.0, "stage": "succeeded"}]
        return {"task_id": task_id, "status": 1, "result": json.dumps(items), "progress_text": progress_text}

    async def _audio(self, request: web.Request) -> web.StreamResponse:
        if fault := self._fault("audio"):
            return fault
        found = self._file(request.query.get("path", ""))
        if isinstance(found, int):
            detail = "Path outside the output directory" if found == 403 else "File not found"
            return web.json_response({"detail": detail}, status=found)
        return web.Response(body=found, content_type="audio/mpeg")

    def _file(self, raw: str) -> bytes | int:
        """The bytes of an output file, or 403 outside the output directory, or 404."""
        path = Path(raw).resolve()
        if not path.is_relative_to(self._out.resolve()):
            return 403
        if not path.is_file():
            return 404
        return path.read_bytes()
