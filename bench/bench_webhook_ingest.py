"""Webhook ingest: deliveries per second the bot's web server answers, beside a bare aiohttp handler.

    .venv/bin/python bench/bench_webhook_ingest.py [DELIVERIES_PER_KIND] [ROUNDS]

The real WebServer, runner and MusicGPT adapter on a temporary database (tests/webhook_rig.py), and
in the same process a bare aiohttp handler that reads the body and answers {"ok": true}. A client
on 127.0.0.1 sends each kind of delivery to both, alternating, ROUNDS times (each run capped at
DELIVERIES_PER_KIND and 10 s); the median rate of each is printed with the median of the
per-round ratios. The counts by
outcome come from the bot's /metrics, which confirms each kind took the path it names.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import hammer, table, total
from tests.scrape import scrape
from tests.webhook_rig import DONE_TASK, LIVE_TASK, Rig, delivery, webhook_rig

GOAL = 0.5
JSON = {"Content-Type": "application/json"}


async def bare_server() -> tuple[web.AppRunner, int]:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/webhooks/{provider}/{token}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started: bound


def kinds(rig: Rig) -> dict[str, tuple[str, Callable[[int], bytes]]]:
    """Per kind: the token it is sent to, and the body of delivery number i."""
    return {
        "valid (job being driven)": (rig.live_token, lambda i: delivery(LIVE_TASK, i)),
        "duplicate (finished job)": (rig.done_token, lambda i: delivery(DONE_TASK, 0)),
        "unknown token": ("never-issued", lambda i: delivery(LIVE_TASK, i)),
    }


async def main(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with webhook_rig(Path(tmp), metrics_enabled=True) as rig, aiohttp.ClientSession() as http:
            bare, bare_port = await bare_server()
            ours_base = f"http://127.0.0.1:{rig.server.bound_port}/webhooks/musicgpt/"
            bare_base = f"http://127.0.0.1:{bare_port}/webhooks/musicgpt/"
            serial = 0  # valid deliveries must all differ, across rounds too
            runs = kinds(rig)
            rates: dict[str, dict[str, list[float]]] = {name: {"ours": [], "bare": []} for name in runs}
            try:
                # Round 0 is not counted: connections, caches and the allocator warm up. Each round
                # measures every kind on both servers back to back, the order flipped every round, so
                # the load of other processes falls on both sides of each ratio alike.
                for n in range(rounds + 1):
                    sides = [("bare", bare_base), ("ours", ours_base)]
                    for name, (token, body) in runs.items():
                        for side, base in sides if n % 2 else sides[::-1]:

                            async def send(
                                i: int,
                                url: str = base + token,
                                make: Callable[[int], bytes] = body,
                                at: int = serial,
                            ) -> None:
                                async with http.post(url, data=make(at + i), headers=JSON) as resp:
                                    await resp.read()
                                    assert resp.status in (200, 404), resp.status

                            done, rate = await hammer(send, count)
                            serial += done
                            if n:
                                rates[name][side].append(rate)
                samples = await scrape(http, f"http://127.0.0.1:{rig.server.bound_port}/metrics")
            finally:
                await bare.cleanup()
    rows = [
        (
            name,
            statistics.median(r["ours"]),
            statistics.median(r["bare"]),
            statistics.median(o / b for o, b in zip(r["ours"], r["bare"], strict=True)),
        )
        for name, r in rates.items()
    ]
    print(
        f"{count} deliveries per kind and run (10 s cap), {rounds} rounds; medians (ratio: of each round's)"
    )
    table("Webhook ingest, requests per second", rows, goal=GOAL)
    outcomes = {
        outcome: int(total(samples, "remixbot_webhook_deliveries_total", outcome=outcome))
        for outcome in ("accepted", "duplicate", "unknown", "refused", "idle")
    }
    print("from /metrics, deliveries by outcome:", outcomes)
    lag = total(samples, "remixbot_event_loop_lag_seconds_sum") / max(
        1.0, total(samples, "remixbot_event_loop_lag_seconds_count")
    )
    print(f"from /metrics, mean event-loop lag during the run: {lag * 1000:.1f} ms")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [1000, 5][len(args) :])))
