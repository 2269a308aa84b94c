"""Peak memory of fetching a large take: streamed to disk with a cap (ours) vs. reading the body whole.

    .venv/bin/python bench/bench_download_memory.py [MEGABYTES]

Prints the traced peak of each and their ratio; both run in this one process against a local server.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine.downloads import DownloadPolicy

CHUNK = b"\x55" * (1 << 20)


async def serve(size_mb: int) -> tuple[web.AppRunner, str]:
    async def take(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "audio/wav", "Content-Length": str(size_mb << 20)})
        await resp.prepare(request)
        for _ in range(size_mb):
            await resp.write(CHUNK)
        return resp

    app = web.Application()
    app.router.add_get("/take.wav", take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/take.wav"


async def measure(label: str, fetch) -> tuple[float, float]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    await fetch()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<28} peak {peak / 2**20:8.1f} MiB   {elapsed:6.2f} s")
    return peak, elapsed


async def main(size_mb: int) -> None:
    runner, url = await serve(size_mb)
    with tempfile.TemporaryDirectory() as tmp:
        async with aiohttp.ClientSession() as session:
            # The local server is let through the way DOWNLOAD_ALLOWED_HOSTS lets test fakes through.
            policy = DownloadPolicy(allowed_hosts=DownloadPolicy.parse_hosts(url.split("/")[2]))

            async def streamed() -> None:
                await policy.fetch(url, Path(tmp) / "a.wav", max_bytes=(size_mb + 1) << 20)

            async def whole() -> None:
                async with session.get(url) as resp:
                    (Path(tmp) / "b.wav").write_bytes(await resp.read())

            print(f"one {size_mb} MiB take from 127.0.0.1")
            ours, _ = await measure("streamed with cap (ours)", streamed)
            naive, _ = await measure("read whole body", whole)
    await runner.cleanup()
    print(f"memory ratio whole/streamed: {naive / ours:.0f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
