"""The bot's own web server: /healthz tells a supervisor whether the bot is serving."""

from __future__ import annotations

import aiohttp

from storage.jobs import WebhookTarget
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


async def test_a_sender_dropping_mid_body_is_one_debug_line_each(caplog):
    import asyncio
    import logging

    class Jobs:
        async def webhook_target(self, provider: str, token: str) -> WebhookTarget:
            return WebhookTarget(job_id=7, finished=False, handle=None)

    class NotDriving:
        def webhook_target(self, provider: str, token: str) -> None:
            return None  # not driven by this process: the database answers

    caplog.set_level(logging.DEBUG)
    server = WebServer(
        Jobs(),  # type: ignore[arg-type]
        {"musicgpt": object()},  # type: ignore[arg-type]
        NotDriving(),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=0,
        is_ready=lambda: True,
    )
    await server.start()
    try:
        for _ in range(5):
            _, writer = await asyncio.open_connection("127.0.0.1", server.bound_port)
            writer.write(
                b"POST /webhooks/musicgpt/token HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
                b'Content-Length: 1000\r\n\r\n{"conversion_id": '
            )
            await writer.drain()
            await asyncio.sleep(0.1)  # the handler is reading the body now
            writer.transport.abort()
        for _ in range(50):
            if caplog.text.count("dropped the connection") == 5:
                break
            await asyncio.sleep(0.05)
    finally:
        await server.stop()
    records = [r for r in caplog.records if r.name.startswith(("web", "aiohttp"))]
    assert [r.levelno for r in records if "dropped" in r.getMessage()] == [logging.DEBUG] * 5
    assert all(r.levelno < logging.WARNING and r.exc_info is None for r in records), caplog.text


async def test_healthz_names_this_processs_shards_and_whether_its_database_answers(backend):
    db = await backend.open()
    shards = {1: True, 3: True}
    server = WebServer(
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=0,
        is_ready=lambda: True,
        shards=lambda: shards,
        database=db,
    )
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.bound_port}/healthz"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as resp:
                assert resp.status == 200
                assert await resp.json() == {
                    "ok": True,
                    "shards": [{"id": 1, "connected": True}, {"id": 3, "connected": True}],
                    "database": {"ok": True},
                }
            await db.close()  # the database stops answering
            async with http.get(url) as resp:
                body = await resp.json()
                assert resp.status == 503 and body["ok"] is False and body["database"] == {"ok": False}
    finally:
        await server.stop()
