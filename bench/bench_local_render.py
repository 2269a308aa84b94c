"""The offline provider's speed: seconds of audio rendered (both takes) per second of wall time.

.venv/bin/python bench/bench_local_render.py [SECONDS_OF_AUDIO]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from domain.kinds import JobKind
from domain.tracking import Completed
from providers.base import JobRequest
from providers.local import LocalProvider
from tests.tones import write_chord

PROMPTS = ["slowed + reverb", "nightcore", "lo-fi chill", "bass boosted", "vaporwave"]


async def render(provider: LocalProvider, song: Path, prompt: str) -> float:
    request = JobRequest(kind=JobKind.REMIX, prompt=prompt, input_path=song, idempotency_key=prompt)
    started = time.perf_counter()
    handle = await provider.submit(request)
    async for event in provider.track(handle, request, asyncio.Queue()):
        if isinstance(event, Completed):
            break
    return time.perf_counter() - started


async def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        song = write_chord(Path(tmp) / "song.wav", seconds=seconds)
        provider = LocalProvider(Path(tmp) / "work")
        print(f"{seconds:.0f} s stereo input, two takes per prompt")
        for prompt in PROMPTS:
            elapsed = await render(provider, song, prompt)
            print(f"{prompt:<18} {elapsed:6.2f} s   {seconds / elapsed:5.1f}x realtime")


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 180))
