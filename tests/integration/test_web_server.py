"""The bot's own web server: /healthz tells a supervisor whether the bot is serving."""

from __future__ import annotations

import aiohttp

from web.server import WebServer


async def test_healthz_follows_the_bots_readiness():
    serving = {"now": False}
    server = WebServer(
        None,
        None,
        None,
        host="127.0.0.1",
        port=0,  # type: ignore[arg-type]
        is_ready=lambda: serving["now"],
    )
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.bound_port}/healthz"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as resp:
                assert resp.status == 503 and (await resp.json()) == {"ok": False}
            serving["now"] = True
            async with http.get(url) as resp:
                assert resp.status == 200 and (await resp.json()) == {"ok": True}
    finally:
        await server.stop()
