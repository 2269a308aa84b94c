"""Input that is not what it claims is refused before anything is sent (or paid for).

A real Intake with the offline provider; attachments come from a fake file server on 127.0.0.1 that
the download policy lets through, as DOWNLOAD_ALLOWED_HOSTS lets the test fakes through.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web

from domain.errors import Reason
from domain.jobs import Job, JobState, Refusal
from domain.kinds import JobKind
from engine.downloads import DownloadPolicy
from engine.intake import Draft, Intake
from face import texts
from providers.local import LocalProvider
from providers.registry import Entry, Registry
from storage.db import Database
from storage.jobs import JobRepository
from tests.tones import write_tone


@dataclass
class Queue:
    enqueued: list[int] = field(default_factory=list)
    held_by: None = None  # no job leases (as cli.py)

    def new_lease(self) -> None:
        return None

    async def enqueue(self, job: Job) -> None:
        self.enqueued.append(job.id)


@dataclass
class Setup:
    intake: Intake
    queue: Queue
    files: dict[str, bytes]
    base_url: str
    internal_url: str  # another service on the bot's machine, not in the allowed hosts
    internal_hits: list[str]


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    files: dict[str, bytes] = {}
    internal_hits: list[str] = []

    async def serve(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()  # chunked, so the size shows only in the bytes
        await resp.prepare(request)
        await resp.write(files[request.match_info["name"]])
        return resp

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def internal(request: web.Request) -> web.Response:
        internal_hits.append(request.path)
        return web.Response(body=files["song.mp3"])

    runners = []
    ports = []
    for routes in ([("/files/{name}", serve), ("/redirect", redirect)], [("/internal", internal)]):
        app = web.Application()
        for path, handler in routes:
            app.router.add_get(path, handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    db = await Database.open(tmp_path / "db.sqlite3")
    queue = Queue()
    intake = Intake(
        JobRepository(db),
        Registry({"local": Entry(LocalProvider(tmp_path / "local"), 1)}, "local"),
        queue,  # type: ignore[arg-type]
        downloads=DownloadPolicy(allowed_hosts=frozenset({f"127.0.0.1:{ports[0]}"})),
        work_dir=tmp_path / "work",
        max_input_bytes=1024 * 1024,
        max_jobs_per_member=100,
    )
    files["song.mp3"] = write_tone(tmp_path / "song.mp3", seconds=4.0, fmt="mp3").read_bytes()
    try:
        base, internal_url = (f"http://127.0.0.1:{port}" for port in ports)
        yield Setup(intake, queue, files, base, f"{internal_url}/internal", internal_hits)
    finally:
        await db.close()
        for runner in runners:
            await runner.cleanup()


async def check(s: Setup, name: str, *, path: Path | None = None, url: str | None = None, size: int) -> Job:
    draft = Draft(
        kind=JobKind.REMIX,
        channel_id=1,
        member_id=7,
        guild_id=None,
        upload_limit=10**8,
        prompt="slowed",
        input_url=url,
        input_filename=name,
        input_size=size,
    )
    job = await s.intake.admit(draft)
    assert not isinstance(job, Refusal), job
    return await s.intake.check_input(job, local_path=path)


def why(job: Job) -> str:
    """What the member reads about the refusal (empty when there is none)."""
    return texts.failure(job.error, "Offline effects") if job.error else ""


def lying_wav(path: Path, *, data_seconds: float, claimed_seconds: float, rate: int = 8000) -> Path:
    """A PCM WAV whose data chunk header claims far more than the samples that follow."""
    samples = (np.sin(np.arange(int(rate * data_seconds)) * 0.1) * 8000).astype("<i2").tobytes()
    claimed = int(rate * claimed_seconds) * 2
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header = b"RIFF" + struct.pack("<I", 36 + claimed) + b"WAVE" + b"fmt " + fmt + b"data"
    path.write_bytes(header + struct.pack("<I", claimed) + samples)
    return path


def mp3_fragment(mp3: bytes, *, start: int, length: int = 2048) -> bytes:
    """`length` bytes of an MP3 from the first frame header at or after `start` (a cut-out piece)."""
    at = start
    while not (mp3[at] == 0xFF and mp3[at + 1] & 0xE0 == 0xE0):
        at += 1
    return mp3[at : at + length]


async def test_an_honest_song_is_queued(setup: Setup, tmp_path: Path):
    job = await check(setup, "song.mp3", path=tmp_path / "song.mp3", size=len(setup.files["song.mp3"]))
    assert job.state is JobState.QUEUED and setup.queue.enqueued == [job.id]


async def test_a_zip_named_mp3_is_refused_though_ffmpeg_finds_mp3_inside(setup: Setup, tmp_path: Path):
    mixtape = tmp_path / "mixtape.mp3"
    with zipfile.ZipFile(mixtape, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.write(tmp_path / "song.mp3", "song.mp3")
    job = await check(setup, "mixtape.mp3", path=mixtape, size=mixtape.stat().st_size)
    assert job.state is JobState.REJECTED and why(job) == texts.not_audio(Reason.AUDIO_NOT_AUDIO)
    assert setup.queue.enqueued == []


@pytest.mark.parametrize("start", [0, 20_000], ids=["head", "middle"])
async def test_a_2_kb_mp3_fragment_is_refused(setup: Setup, tmp_path: Path, start: int):
    fragment = tmp_path / "clip.mp3"
    fragment.write_bytes(mp3_fragment(setup.files["song.mp3"], start=start))
    job = await check(setup, "clip.mp3", path=fragment, size=2048)
    assert job.state is JobState.REJECTED and setup.queue.enqueued == []
    assert "long" in why(job), job.error  # too short, or shorter than its header says


async def test_a_wav_whose_header_claims_ten_hours_is_refused(setup: Setup, tmp_path: Path):
    for data_seconds in (1.0, 30.0):
        wav = lying_wav(tmp_path / "long.wav", data_seconds=data_seconds, claimed_seconds=10 * 3600)
        job = await check(setup, "long.wav", path=wav, size=wav.stat().st_size)
        assert job.state is JobState.REJECTED, data_seconds
        assert "says it is 600:00 long" in why(job), why(job)
    assert setup.queue.enqueued == []


async def test_a_file_larger_than_declared_is_refused_quoting_what_arrived(setup: Setup):
    setup.files["big.mp3"] = setup.files["song.mp3"] + b"\0" * (2 * 1024 * 1024)
    job = await check(setup, "big.mp3", url=f"{setup.base_url}/files/big.mp3", size=157 * 1024)
    assert job.state is JobState.REJECTED
    assert "larger than 1 MB" in why(job), why(job)
    assert "157 KB" not in why(job), "the declared size is not what arrived"


async def test_an_attachment_redirected_to_an_internal_service_is_refused(setup: Setup):
    job = await check(
        setup,
        "song.mp3",
        url=f"{setup.base_url}/redirect?to={setup.internal_url}",
        size=len(setup.files["song.mp3"]),
    )
    assert job.state is JobState.REJECTED and why(job) == texts.attachment_unreachable()
    assert setup.internal_hits == [] and setup.queue.enqueued == []
