"""Audio work in worker processes answers as it does in the bot's own process, and a worker never
outlives its bot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from audio.probe import NotAudio, probe
from domain.errors import ErrorKind, ProviderError, Reason
from engine.offload import AudioWorkers
from engine.takes import _playable
from tests.tones import write_tone
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[2]


async def test_a_probe_in_a_worker_reads_the_file_and_refuses_the_same_way(tmp_path: Path):
    workers = AudioWorkers(1)
    try:
        await workers.start()
        song = write_tone(tmp_path / "song.mp3", seconds=2, fmt="mp3")
        info = await workers.run(probe, song)
        assert info == probe(song)

        text = tmp_path / "notes.mp3"
        text.write_text("not audio at all")
        with pytest.raises(NotAudio) as refused:
            await workers.run(probe, text)
        assert refused.value.reason is Reason.AUDIO_NOT_AUDIO

        # A take that is not audio: the member is told which take, as when checked in a thread.
        with pytest.raises(ProviderError) as failed:
            await workers.run(_playable, text, 2)
        assert failed.value.kind is ErrorKind.GENERATION_FAILED
        assert failed.value.reason is Reason.TAKE_SILENT
        assert failed.value.params == {"index": 2}
    finally:
        workers.close()


PARENT = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from engine.offload import AudioWorkers

async def main():
    workers = AudioWorkers(1)
    await workers.start()
    print(*[p.pid for p in workers._executor()._processes.values()], flush=True)
    await asyncio.sleep(3600)

if __name__ == "__main__":
    asyncio.run(main())
"""


async def test_a_worker_ends_when_its_bot_is_killed(tmp_path: Path):
    worker = _start_and_kill_a_parent(tmp_path)
    await until(lambda: not _alive(worker))


def _start_and_kill_a_parent(tmp_path: Path) -> int:
    """A process that starts one audio worker, killed with SIGKILL; the worker's pid."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(ROOT)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert _alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    return worker


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # Gone but not yet reaped by whoever adopted it counts as gone.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
