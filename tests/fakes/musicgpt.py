"""A fake MusicGPT on 127.0.0.1, built from ../shared/PROVIDERS.md §1 and the vendor pages, not from
what our adapter happens to send. Where the real behaviour is UNKNOWN it is a knob.

    async with FakeMusicGPT(polls_to_complete=2) as fake:
        provider = MusicGPTProvider(session, api_key=fake.api_key, base_url=fake.base_url)
        fake.script("byId", Fault.not_found(), Fault.not_found())
        ...
        assert fake.submissions == 1

Endpoints: POST /Remix and /sing_over_instrumental (multipart), POST /MusicAI (JSON), GET /byId,
GET /getAllVoices (paged: limit, page from 0; §1.4), and GET /conversions/<id>.mp3|.wav (the takes,
real decodable audio, outside the API prefix the way lalals.s3.amazonaws.com is). Faults are scripted per endpoint name ("Remix", "sing_over_instrumental",
"MusicAI", "byId", "getAllVoices", "conversions") and used up one per request, in order.

Webhooks (§1.5): `send_webhooks` posts what one finished job sends (two audio, two lyrics, one
cover), optionally shuffled, some twice, some never, as the docs leave all of that open.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from PIL import Image

from tests.tones import tone_bytes

API_PREFIX = "/api/public/v1"
CONVERSION_TYPES = {
    "Remix": "REMIX",
    "sing_over_instrumental": "SING_OVER_INSTRUMENTAL",
    "MusicAI": "MUSIC_AI",
}
# The `conversion_type` words of webhook payloads ("Remix", "Music AI" in the seeds).
WEBHOOK_TYPES = {"REMIX": "Remix", "SING_OVER_INSTRUMENTAL": "Sing Over Instrumental", "MUSIC_AI": "Music AI"}
KNOWN_TYPES = frozenset(
    {
        "MUSIC_AI",
        "TEXT_TO_SPEECH",
        "VOICE_CONVERSION",
        "EXTRACTION",
        "COVER",
        "STEMS_SEPARATION",
        "VOCAL_EXTRACTION",
        "DENOISING",
        "DEECHO",
        "DEREVERB",
        "SOUND_GENERATOR",
        "AUDIO_TRANSCRIPTION",
        "AUDIO_SPEED_CHANGER",
        "AUDIO_MASTERING",
        "AUDIO_CUTTER",
        "REMIX",
        "FILE_CONVERT",
        "KEY_BPM_EXTRACTION",
        "AUDIO_TO_MIDI",
        "EXTEND",
        "INPAINT",
        "SING_OVER_INSTRUMENTAL",
        "LYRICS_GENERATOR",
    }
)
# Status words of the two doc snapshots (statuscheck): (queued, processing).
VOCABULARIES = {"queue": ("IN_QUEUE", "IN_QUEUE"), "pending": ("PENDING", "PROCESSING")}
MAX_LYRICS = 2000
# The getAllVoices example has 3108 voices; a smaller catalogue with a few famous names will do.
DEFAULT_VOICES = [
    ("Drake", "Drake"),
    ("Taylor-Swift", "Taylor Swift"),
    ("Adele", "Adele"),
    ("Drake-2019", "Drake (2019)"),
] + [(f"voice-{n:03d}", f"Studio Voice {n}") for n in range(1, 237)]


@functools.cache
def cover_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 60, 120)).save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class Fault:
    """One scripted answer. `status=None` means: do the real work, then answer after `delay`."""

    status: int | None = None
    body: Any = None  # a dict is sent as JSON, a str as raw text
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    rate: float | None = None  # a file served at this many bytes a second (conversions only)

    @classmethod
    def rate_limited(cls, retry_after: float | None = None) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return cls(429, {"success": False, "error": "Too Many Requests"}, headers)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(status, {"success": False, "error": "Internal Server Error"})

    @classmethod
    def timeout(cls, delay: float = 5.0) -> Fault:
        """Accept and act on the request, but answer only after `delay` (beyond the client's timeout)."""
        return cls(None, delay=delay)

    @classmethod
    def slow(cls, bytes_per_second: float) -> Fault:
        """Serve the file, but trickle it out at `bytes_per_second` (a CDN having a bad day)."""
        return cls(None, rate=bytes_per_second)

    @classmethod
    def insufficient_credits(cls) -> Fault:
        return cls(402, {"success": False, "error": "Insufficient credit balance"})

    @classmethod
    def validation(cls, message: str = "Either audio_file or audio_url must be provided.") -> Fault:
        return cls(422, {"success": False, "error": message})

    @classmethod
    def not_found(cls) -> Fault:
        # The body is UNKNOWN; third-party code maps 404 to "Conversion not found".
        return cls(404, {"success": False, "error": "Conversion not found"})

    @classmethod
    def malformed(cls) -> Fault:
        return cls(200, '{"success": true, "conversion": {"status": ')

    @classmethod
    def refused(cls, message: str = "Request rejected") -> Fault:
        return cls(200, {"success": False, "error": message})


@dataclass
class FakeUpload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class FakeJob:
    task_id: str
    conversion_type: str
    conversion_ids: list[str]
    fields: dict[str, Any]
    upload: FakeUpload | None
    eta: int
    final_status: str
    flagged: dict[int, str]
    failed_takes: set[int]
    # Takes that never finish: the job stays in progress with the other takes ready.
    stalled: set[int] = field(default_factory=set)
    created: float = field(default_factory=time.monotonic)
    polls: int = 0
    poll_times: list[float] = field(default_factory=list)
    completed: bool = False

    @property
    def webhook_url(self) -> str | None:
        return self.fields.get("webhook_url")

    @property
    def instrumental(self) -> bool:
        return bool(self.fields.get("make_instrumental"))


class FakeMusicGPT:
    def __init__(
        self,
        *,
        api_key: str = "test-key",
        accept_bearer: bool = False,
        vocabulary: Literal["queue", "pending"] = "pending",
        lowercase_status: bool = False,
        shape: Literal["numbered", "single"] = "numbered",
        polls_to_complete: int = 2,
        seconds_to_complete: float | None = None,
        eta: int = 42,
        final_status: str = "COMPLETED",
        flagged: dict[int, str] | None = None,
        failed_takes: set[int] | None = None,
        stalled_takes: set[int] | None = None,
        audio: bytes | None = None,
        voices: list[tuple[str, str]] | None = None,
        max_voice_page: int = 100,
        credit_estimate: float | None = 47.5,
        conversion_cost: float | None = 1.25,
        flagged_audio: bool = False,
    ) -> None:
        self.api_key = api_key
        # Whether the real API takes "Bearer <key>" is UNKNOWN; by default the fake refuses it.
        self.accept_bearer = accept_bearer
        self.vocabulary = vocabulary
        self.lowercase_status = lowercase_status
        self.shape = shape
        self.polls_to_complete = polls_to_complete
        self.seconds_to_complete = seconds_to_complete
        self.eta = eta
        self.final_status = final_status
        self.flagged = dict(flagged or {})
        self.failed_takes = set(failed_takes or ())
        self.stalled_takes = set(stalled_takes or ())
        self.audio = audio
        self.voices = list(DEFAULT_VOICES if voices is None else voices)
        # The largest page the server hands out, whatever `limit` asks (UNKNOWN for the real API).
        self.max_voice_page = max_voice_page
        # Costs (seeds 000, 002: `credit_estimate` at submit; /byId example: `conversion_cost`). In the
        # numbered shape the fake reports `conversion_cost` once for the job, in the single shape per
        # conversion; None leaves the field out.
        self.credit_estimate = credit_estimate
        self.conversion_cost = conversion_cost
        # Whether a flagged take still carries its audio (the webhook seed has is_flagged beside
        # conversion_path; whether the audio is then empty is UNKNOWN).
        self.flagged_audio = flagged_audio
        self.jobs: list[FakeJob] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self._faults: dict[str, list[Fault]] = {}
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.root_url = ""

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeMusicGPT:
        app = web.Application(middlewares=[self._record])
        app.router.add_post(f"{API_PREFIX}/Remix", functools.partial(self._upload, endpoint="Remix"))
        app.router.add_post(
            f"{API_PREFIX}/sing_over_instrumental",
            functools.partial(self._upload, endpoint="sing_over_instrumental"),
        )
        app.router.add_post(f"{API_PREFIX}/MusicAI", self._music_ai)
        app.router.add_get(f"{API_PREFIX}/byId", self._by_id)
        app.router.add_get(f"{API_PREFIX}/getAllVoices", self._all_voices)
        app.router.add_get("/conversions/{name}", self._file)
        app.router.add_get("/covers/{name}", self._cover)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.root_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return self.root_url + API_PREFIX

    # -- knobs and records -----------------------------------------------------------------------

    def script(self, endpoint: str, *faults: Fault) -> None:
        """Queue faults for an endpoint; each request uses up the next one."""
        self._faults.setdefault(endpoint, []).extend(faults)

    @property
    def submissions(self) -> int:
        """Jobs the fake accepted (and would have billed)."""
        return len(self.jobs)

    def job(self, task_id: str | None = None) -> FakeJob:
        """The job with this task id, or the last one."""
        if task_id is None:
            return self.jobs[-1]
        return next(job for job in self.jobs if job.task_id == task_id)

    def complete(self, job: FakeJob) -> None:
        job.completed = True

    def take_url(self, job: FakeJob, n: int, ext: str = "mp3") -> str:
        return f"{self.root_url}/conversions/{job.conversion_ids[n - 1]}.{ext}"

    # -- webhooks --------------------------------------------------------------------------------

    def webhook_payloads(self, job: FakeJob) -> list[dict[str, Any]]:
        """What the docs say one finished job sends: 2 audio, 2 lyrics (not for instrumentals), 1 cover."""
        takes = [n for n in (1, 2) if n not in job.stalled]
        audio = [self._audio_webhook(job, n) for n in takes]
        # Lyrics / cover shapes are UNKNOWN in the docs; these follow what third-party code observes.
        lyrics = (
            []
            if job.instrumental
            else [
                {
                    "success": True,
                    "conversion_type": "Lyrics",
                    "subtype": "lyrics_timestamped",
                    "task_id": job.task_id,
                    "conversion_id": job.conversion_ids[n - 1],
                    "lyrics": f"la la {n}",
                    "lyrics_timestamped": self.timed_lyrics(n),
                }
                for n in takes
            ]
        )
        cover = [
            {
                "success": True,
                "conversion_type": "Album Cover Image",
                "task_id": job.task_id,
                "album_cover_path": f"{self.root_url}/covers/{job.task_id}.png",
                "album_cover_thumbnail": f"{self.root_url}/covers/{job.task_id}_thumb.png",
            }
        ]
        return audio + lyrics + cover

    async def send_webhooks(
        self,
        url: str | None = None,
        job: FakeJob | None = None,
        *,
        duplicates: bool | int = False,
        shuffle: bool = False,
        lose: int = 0,
        seed: int = 0,
    ) -> list[int]:
        """Finish the job and POST its deliveries to `url` (default: the job's webhook_url).

        `duplicates` sends that many deliveries twice (True: two), `lose` never sends that many.
        Returns the HTTP status of each delivery, in the order sent.
        """
        job = job or self.job()
        target = url or job.webhook_url
        if not target:
            raise ValueError("no webhook URL")
        self.complete(job)
        rng = random.Random(seed)
        payloads = self.webhook_payloads(job)
        for _ in range(min(lose, len(payloads))):
            payloads.pop(rng.randrange(len(payloads)))
        count = 2 if duplicates is True else int(duplicates)
        payloads = payloads + rng.sample(payloads, min(count, len(payloads)))
        if shuffle:
            rng.shuffle(payloads)
        statuses = []
        async with aiohttp.ClientSession() as session:
            for payload in payloads:
                async with session.post(
                    target, data=json.dumps(payload), headers={"Content-Type": "application/json"}
                ) as resp:
                    statuses.append(resp.status)
        return statuses

    @staticmethod
    def timed_lyrics(n: int) -> str:
        """The `lyrics_timestamped` of take n: a JSON list of cues (the real shape is UNKNOWN)."""
        return json.dumps(
            [{"text": f"la la {n}", "start": 0.0, "end": 0.5}, {"text": "la di da", "start": 0.5, "end": 1.0}]
        )

    def _audio_webhook(self, job: FakeJob, n: int) -> dict[str, Any]:
        ok = self._has_audio(job, n) and n not in job.failed_takes
        payload = {
            "success": n not in job.failed_takes,
            "conversion_type": WEBHOOK_TYPES[job.conversion_type],
            "task_id": job.task_id,
            "conversion_id": job.conversion_ids[n - 1],
            "conversion_path": self.take_url(job, n) if ok else "",
            "conversion_path_wav": self.take_url(job, n, "wav") if ok else "",
            "conversion_duration": 1.0 if ok else 0,
            "is_flagged": n in job.flagged,
            "reason": job.flagged.get(n, ""),
            "lyrics": "" if job.instrumental else f"la la {n}",
            "lyrics_timestamped": "[]",
        }
        if job.conversion_type == "MUSIC_AI":
            payload["title"] = f"Fake Song {n}"
        return payload

    # -- handlers --------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        self.requests.append((request.method, request.path, response.status))
        return response

    async def _upload(self, request: web.Request, *, endpoint: str) -> web.Response:
        early = self._check_auth(request)
        fault = self._next_fault(endpoint) if early is None else None
        if fault is not None and fault.status is not None:
            early = await self._fault_response(fault)
        if early is not None:
            # Take in the whole upload first, as a real server does, so the client sees the answer.
            await request.release()
            return early
        if not request.content_type.startswith("multipart/"):
            return _error(422, "Either audio_file or audio_url must be provided.")
        fields, upload = await _read_multipart(request)
        if (problem := _check_upload(endpoint, fields, upload)) is not None:
            return _error(422, problem)
        job = self._accept(CONVERSION_TYPES[endpoint], fields, upload)
        return await self._accepted(job, fault, message=f"{endpoint} request submitted successfully")

    async def _music_ai(self, request: web.Request) -> web.Response:
        if (refused := self._check_auth(request)) is not None:
            return refused
        fault = self._next_fault("MusicAI")
        if fault is not None and fault.status is not None:
            return await self._fault_response(fault)
        try:
            body = await request.json()
        except ValueError:
            return _error(422, "Request body must be JSON.")
        if not isinstance(body, dict):
            return _error(422, "Request body must be a JSON object.")
        if len(body.get("lyrics") or "") > MAX_LYRICS:
            return _error(422, f"lyrics must be at most {MAX_LYRICS} characters.")
        job = self._accept("MUSIC_AI", body, None)
        return await self._accepted(job, fault, message="Message published to queue")

    async def _by_id(self, request: web.Request) -> web.Response:
        if (refused := self._check_auth(request)) is not None:
            return refused
        fault = self._next_fault("byId")
        if fault is not None and fault.status is not None:
            return await self._fault_response(fault)
        query = request.query
        ctype, task_id, cid = query.get("conversionType"), query.get("task_id"), query.get("conversion_id")
        if ctype not in KNOWN_TYPES:
            return _error(422, "conversionType is required and must be a known type.")
        if bool(task_id) == bool(cid):
            return _error(400, "You must provide either task_id or conversion_id, but not both")
        job = self._find(task_id, cid)
        if job is None or job.conversion_type != ctype:
            return _error(404, "Conversion not found")
        if fault is not None:
            await self._delay(fault.delay)
        job.polls += 1
        job.poll_times.append(time.monotonic())
        return web.json_response({"success": True, "conversion": self._conversion(job, cid)})

    async def _all_voices(self, request: web.Request) -> web.Response:
        if (refused := self._check_auth(request)) is not None:
            return refused
        fault = self._next_fault("getAllVoices")
        if fault is not None and fault.status is not None:
            return await self._fault_response(fault)
        try:
            limit = min(int(request.query.get("limit", "20")), self.max_voice_page)
            page = int(request.query.get("page", "0"))
        except ValueError:
            return _error(400, "limit and page must be integers")
        if limit < 1 or page < 0:
            return _error(400, "limit and page must be positive")
        chunk = self.voices[page * limit : (page + 1) * limit]
        return web.json_response(
            {
                "success": True,
                "limit": limit,
                "page": page,
                "total": len(self.voices),
                "voices": [{"voice_id": v, "voice_name": n} for v, n in chunk],
            }
        )

    async def _file(self, request: web.Request) -> web.Response:
        fault = self._next_fault("conversions")
        if fault is not None and fault.status is not None:
            return await self._fault_response(fault)
        stem, _, ext = request.match_info["name"].rpartition(".")
        if self._find(None, stem) is None or ext not in ("mp3", "wav"):
            return web.Response(status=404, text="NoSuchKey")
        data = (
            self.audio
            if ext == "mp3" and self.audio is not None
            else tone_bytes("mp3" if ext == "mp3" else "wav")
        )
        content_type = "audio/mpeg" if ext == "mp3" else "audio/wav"
        if fault is not None and fault.rate:
            return await self._trickle(request, data, content_type, fault.rate)
        return web.Response(body=data, content_type=content_type)

    async def _trickle(
        self, request: web.Request, data: bytes, content_type: str, rate: float
    ) -> web.StreamResponse:
        """Send `data` a tenth of a second's worth at a time, `rate` bytes a second."""
        response = web.StreamResponse(
            headers={"Content-Type": content_type, "Content-Length": str(len(data))}
        )
        await response.prepare(request)
        chunk = max(1, int(rate / 10))
        for start in range(0, len(data), chunk):
            if self._closing.is_set():
                break
            await response.write(data[start : start + chunk])
            await self._delay(0.1)
        return response

    async def _cover(self, request: web.Request) -> web.Response:
        return web.Response(body=cover_png(), content_type="image/png")

    # -- helpers ---------------------------------------------------------------------------------

    def _check_auth(self, request: web.Request) -> web.Response | None:
        value = request.headers.get("Authorization", "")
        if self.accept_bearer and value.startswith("Bearer "):
            value = value.removeprefix("Bearer ")
        if value != self.api_key:
            return _error(403, "Forbidden: invalid API key")
        return None

    def _next_fault(self, endpoint: str) -> Fault | None:
        queue = self._faults.get(endpoint)
        return queue.pop(0) if queue else None

    async def _fault_response(self, fault: Fault) -> web.Response:
        await self._delay(fault.delay)
        if isinstance(fault.body, str):
            return web.Response(
                status=fault.status or 200,
                text=fault.body,
                headers=fault.headers,
                content_type="application/json",
            )
        return web.json_response(fault.body, status=fault.status or 200, headers=fault.headers)

    async def _delay(self, seconds: float) -> None:
        """Sleep, but let the server shut down at once instead of waiting for the handler."""
        if seconds > 0:
            try:
                await asyncio.wait_for(self._closing.wait(), seconds)
            except TimeoutError:
                pass

    def _accept(self, ctype: str, fields: dict[str, Any], upload: FakeUpload | None) -> FakeJob:
        job = FakeJob(
            task_id=str(uuid.uuid4()),
            conversion_type=ctype,
            conversion_ids=[str(uuid.uuid4()), str(uuid.uuid4())],
            fields=fields,
            upload=upload,
            eta=self.eta,
            final_status=self.final_status,
            flagged=dict(self.flagged),
            failed_takes=set(self.failed_takes),
            stalled=set(self.stalled_takes),
        )
        self.jobs.append(job)
        return job

    async def _accepted(self, job: FakeJob, fault: Fault | None, *, message: str) -> web.Response:
        if fault is not None:
            await self._delay(fault.delay)
        body: dict[str, Any] = {
            "success": True,
            "message": message,
            "task_id": job.task_id,
            "conversion_id_1": job.conversion_ids[0],
            "conversion_id_2": job.conversion_ids[1],
            "eta": job.eta,
        }
        if job.conversion_type != "MUSIC_AI" and self.credit_estimate is not None:
            body["credit_estimate"] = self.credit_estimate  # the MusicAI example has none
        return web.json_response(body)

    def _has_audio(self, job: FakeJob, n: int) -> bool:
        return n not in job.flagged or self.flagged_audio

    def _find(self, task_id: str | None, cid: str | None) -> FakeJob | None:
        for job in self.jobs:
            if job.task_id == task_id or cid in job.conversion_ids:
                return job
        return None

    def _phase(self, job: FakeJob) -> Literal["queued", "processing", "done"]:
        """How far the job is; with a stalled take it never gets past processing."""
        if self._takes_ready(job):
            return "processing" if job.stalled else "done"
        if self.seconds_to_complete is not None:
            elapsed = time.monotonic() - job.created
            return "processing" if elapsed >= self.seconds_to_complete / 2 else "queued"
        return "queued" if job.polls <= 1 else "processing"

    def _takes_ready(self, job: FakeJob) -> bool:
        if job.completed:
            return True
        if self.seconds_to_complete is not None:
            return time.monotonic() - job.created >= self.seconds_to_complete
        return job.polls >= self.polls_to_complete

    def _status_word(self, job: FakeJob) -> str:
        phase = self._phase(job)
        queued, processing = VOCABULARIES[self.vocabulary]
        word = {"queued": queued, "processing": processing, "done": job.final_status}[phase]
        return word.lower() if self.lowercase_status else word

    def _conversion(self, job: FakeJob, cid: str | None) -> dict[str, Any]:
        status = self._status_word(job)
        done = status.upper() == "COMPLETED"
        base = {
            "task_id": job.task_id,
            "status": status,
            "status_msg": "Conversion successful" if done else "Conversion in progress",
            "music_style": "Pop",
            "createdAt": "2025-01-01T00:00:00Z",
            "updatedAt": "2025-01-01T00:01:00Z",
        }
        if self.shape == "single":
            n = job.conversion_ids.index(cid) + 1 if cid else 1
            return base | self._single_fields(job, n, done)
        return base | self._numbered_fields(job, done, self._takes_ready(job))

    def _numbered_fields(self, job: FakeJob, done: bool, ready: bool) -> dict[str, Any]:
        """The observed [3P] shape: `_1`/`_2` fields whichever id was asked for.

        While a take is stalled the other one is already filled in (our guess at the real behaviour).
        """
        fields: dict[str, Any] = {}
        for n, cid in enumerate(job.conversion_ids, start=1):
            ok = ready and n not in job.stalled and self._has_audio(job, n) and n not in job.failed_takes
            fields |= {
                f"conversion_id_{n}": cid,
                f"conversion_path_{n}": self.take_url(job, n) if ok else None,
                f"conversion_path_wav_{n}": self.take_url(job, n, "wav") if ok else None,
                f"conversion_duration_{n}": 1.0 if ok else None,
                f"title_{n}": f"Fake Song {n}" if ok else None,
                f"lyrics_{n}": f"la la {n}" if ok and not job.instrumental else None,
                f"lyrics_timestamped_{n}": self.timed_lyrics(n) if ok and not job.instrumental else None,
            }
            # Per-take flag fields are not documented for /byId; this is the fake's guess.
            if done and n in job.flagged:
                fields |= {f"is_flagged_{n}": True, f"reason_{n}": job.flagged[n]}
        if done and self.conversion_cost is not None:
            fields["conversion_cost"] = self.conversion_cost
        if done:
            fields |= {
                "album_cover_path": f"{self.root_url}/covers/{job.task_id}.png",
                "album_cover_thumbnail": f"{self.root_url}/covers/{job.task_id}_thumb.png",
            }
        return fields

    def _single_fields(self, job: FakeJob, n: int, done: bool) -> dict[str, Any]:
        """The documented shape: one conversion with `audio_url`."""
        ok = done and self._has_audio(job, n) and n not in job.failed_takes
        fields: dict[str, Any] = {
            "conversion_id": job.conversion_ids[n - 1],
            "audio_url": self.take_url(job, n) if ok else None,
            "conversion_cost": self.conversion_cost,
            "title": f"Fake Song {n}" if ok else None,
            "lyrics": f"la la {n}" if ok else None,
        }
        if done and n in job.flagged:
            fields |= {"is_flagged": True, "reason": job.flagged[n]}
        return fields


async def _read_multipart(request: web.Request) -> tuple[dict[str, Any], FakeUpload | None]:
    fields: dict[str, Any] = {}
    upload = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader):
            continue
        if part.name == "audio_file":
            upload = FakeUpload(part.filename, part.headers.get("Content-Type"), bytes(await part.read()))
        elif part.name:
            fields[part.name] = await part.text()
    return fields, upload


def _check_upload(endpoint: str, fields: dict[str, Any], upload: FakeUpload | None) -> str | None:
    """The documented 422 reasons (seeds 000, 002)."""
    has_audio = (upload is not None and upload.data) or fields.get("audio_url")
    complete_sing = has_audio and fields.get("prompt") and fields.get("lyrics")
    if endpoint == "sing_over_instrumental" and not complete_sing:
        return "Either audio_file or audio_url must be provided, along with prompt and lyrics."
    if not has_audio:
        return "Either audio_file or audio_url must be provided."
    if not fields.get("prompt"):
        return "prompt is required."
    if len(fields.get("lyrics", "")) > MAX_LYRICS:
        return f"lyrics must be at most {MAX_LYRICS} characters."
    if fields.get("gender") not in (None, "male", "female", "neutral"):
        return "gender must be one of male, female, neutral."
    return None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"success": False, "error": message}, status=status)
