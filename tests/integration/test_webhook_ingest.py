"""Webhook ingest under load stays cheap: one SQL statement per delivery at most, whatever its kind.

A busy channel means many deliveries, most of them progress of jobs being driven, some duplicates
(providers resend), some for jobs long finished, some with tokens nobody issued. Each costs at most
one statement; the behaviour a provider sees (status codes, dedupe) stays what it was.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.backends import Backend
from tests.webhook_rig import DONE_TASK, LIVE_TASK, Rig, delivery, webhook_rig


@pytest.fixture
async def rig(tmp_path: Path, backend: Backend):
    async with webhook_rig(tmp_path, database=backend.target) as rig:
        yield rig


async def send(rig: Rig, http: aiohttp.ClientSession, url: str, body: bytes) -> tuple[int, dict, int]:
    """POST one delivery; its status, JSON answer and how many SQL statements it cost."""
    rig.statements.clear()
    rig.count_sql(True)
    try:
        async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
            answer = await resp.json()
            status = resp.status
    finally:
        rig.count_sql(False)
    return status, answer, len(rig.statements)


async def test_every_kind_of_delivery_costs_one_statement_at_most(rig: Rig):
    async with aiohttp.ClientSession() as http:
        live, done = rig.url(rig.live_token), rig.url(rig.done_token)
        outcomes = {
            "valid": await send(rig, http, live, delivery(LIVE_TASK, 1)),
            "resent while live": await send(rig, http, live, delivery(LIVE_TASK, 1)),
            "another task": await send(rig, http, live, delivery("someone-elses", 2)),
            "finished job": await send(rig, http, done, delivery(DONE_TASK, 3)),
            "finished job, resent": await send(rig, http, done, delivery(DONE_TASK, 3)),
            "unknown token": await send(rig, http, rig.url("never-issued"), delivery(LIVE_TASK, 4)),
            "unknown provider": await send(
                rig, http, rig.url(rig.live_token, "nobody"), delivery(LIVE_TASK, 5)
            ),
        }
    costs = {kind: cost for kind, (_, _, cost) in outcomes.items()}
    assert all(cost <= 1 for cost in costs.values()), costs
    answers = {kind: (status, answer) for kind, (status, answer, _) in outcomes.items()}
    assert answers == {
        "valid": (200, {"ok": True}),
        "resent while live": (200, {"ok": True, "duplicate": True}),
        "another task": (404, {"error": "unknown"}),
        "finished job": (200, {"ok": True, "duplicate": True}),
        "finished job, resent": (200, {"ok": True, "duplicate": True}),
        "unknown token": (404, {"error": "unknown"}),
        "unknown provider": (404, {"error": "unknown"}),
    }
    # The tracker heard the valid delivery once: the resend was deduplicated, the stray refused.
    assert [p["conversion_id"] for p in rig.provider.heard] == ["c-1"]


async def test_metrics_are_not_served_unless_enabled(rig: Rig, session: aiohttp.ClientSession):
    async with session.get(f"http://127.0.0.1:{rig.server.bound_port}/metrics") as resp:
        assert resp.status == 404
