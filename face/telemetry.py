"""What the face measures of its traffic with Discord, through discord.py's `http_trace` hook.

Every request discord.py makes (REST, interaction responses, the gateway handshake) passes through
one aiohttp session; a TraceConfig on it counts requests and 429s by route template, and takes the
acknowledgement latency of every interaction from its callback, whichever command answered.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp
from yarl import URL

from engine import metrics

DISCORD_EPOCH_MS = 1420070400000
# Words of Discord's API paths are kept; anything else in a path (ids, tokens, emoji) is replaced.
_WORD = re.compile(r"^@?[a-z][a-z0-9-]{0,31}$")
_VERSION = re.compile(r"^v\d+$")
# After these, the next id is followed by a secret token (interaction and webhook routes).
_TOKEN_AFTER = {"interactions", "webhooks"}
# CDN downloads (/attachments/{channel}/{id}/{filename}) end in a name a member chose.
_FILES = {"attachments", "ephemeral-attachments"}


def route_template(path: str) -> str:
    """`/api/v10/channels/123/messages/456` -> `/channels/{id}/messages/{id}`: bounded, no secrets."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"]:
        parts = parts[1:]
    if parts and _VERSION.match(parts[0]):
        parts = parts[1:]
    if len(parts) >= 3 and parts[0] in _FILES:
        return f"/{parts[0]}/{{file}}"
    out: list[str] = []
    for i, part in enumerate(parts):
        if i >= 2 and parts[i - 2] in _TOKEN_AFTER:
            out.append("{token}")
        elif part.isdigit():
            out.append("{id}")
        elif _WORD.match(part):
            out.append(part)
        else:
            out.append("{param}")
    return "/" + "/".join(out)


def snowflake_time(snowflake: int) -> float:
    """When Discord made an id, in Unix seconds."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


def acknowledged_interaction(method: str, url: URL) -> int | None:
    """The interaction id, when this request is an interaction's first response (its callback)."""
    parts = [p for p in url.path.split("/") if p]
    if method != "POST" or len(parts) < 4 or parts[-1] != "callback" or parts[-4] != "interactions":
        return None
    return int(parts[-3]) if parts[-3].isdigit() else None


def discord_trace(now: Callable[[], float] = time.time) -> aiohttp.TraceConfig:
    """A TraceConfig for discord.py's session (`http_trace=`) that records into engine.metrics."""
    trace = aiohttp.TraceConfig()

    async def on_end(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        route = route_template(params.url.path)
        status = params.response.status
        metrics.DISCORD_REQUESTS.labels(params.method, route, str(status)).inc()
        if status == 429:
            metrics.DISCORD_RATE_LIMITED.labels(params.method, route).inc()
        interaction = acknowledged_interaction(params.method, params.url)
        if interaction is not None and status < 400:
            # Discord's clock made the id, ours reads the time: a skew shows up here, never below zero.
            metrics.ACK_LATENCY.observe(max(0.0, now() - snowflake_time(interaction)))

    async def on_exception(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestExceptionParams
    ) -> None:
        metrics.DISCORD_REQUESTS.labels(params.method, route_template(params.url.path), "error").inc()

    trace.on_request_end.append(on_end)
    trace.on_request_exception.append(on_exception)
    return trace
