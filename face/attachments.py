"""Discord attachment URLs: signed, expiring, and refreshable through the bot token.

Providers that fetch the input themselves (Soundpiece, Soundverse) get the attachment's CDN URL.
Those URLs carry `ex` (hex unix time of expiry), `is` and `hm`; a job that waits in the queue or
is resubmitted after a restart may hold a URL that is about to stop working. Discord hands out
fresh ones through `POST /attachments/refresh-urls` ({"attachment_urls": [...]} ->
{"refreshed_urls": [{"original", "refreshed"}]}).
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlsplit

import aiohttp
import discord
from discord.http import HTTPClient, Route

log = logging.getLogger(__name__)

# A provider may fetch the input some minutes after it accepted the job (Soundpiece does it while
# processing), so a URL is refreshed well before it expires, not just before.
REFRESH_MARGIN = 30 * 60


def expires_at(url: str) -> float | None:
    """When a signed CDN URL stops working (unix seconds), or None for a URL without `ex`."""
    values = parse_qs(urlsplit(url).query).get("ex")
    if not values:
        return None
    try:
        return float(int(values[0], 16))
    except ValueError:
        return None


def needs_refresh(url: str, *, now: float | None = None, margin: float = REFRESH_MARGIN) -> bool:
    when = expires_at(url)
    return when is not None and when - (time.time() if now is None else now) < margin


async def refresh_urls(http: HTTPClient, urls: list[str]) -> dict[str, str]:
    """Fresh signed URLs by original URL; URLs Discord did not refresh are left out."""
    answer = await http.request(Route("POST", "/attachments/refresh-urls"), json={"attachment_urls": urls})
    fresh: dict[str, str] = {}
    for item in (answer or {}).get("refreshed_urls") or []:
        original, refreshed = item.get("original"), item.get("refreshed")
        if isinstance(original, str) and isinstance(refreshed, str) and refreshed:
            fresh[original] = refreshed
    return fresh


async def fresh_url(http: HTTPClient, url: str) -> str:
    """`url`, or a fresh one when it expires within the margin. Falls back to `url` if Discord fails.

    URLs are never logged: the signature in them grants access to the member's file.
    """
    if not needs_refresh(url):
        return url
    try:
        refreshed = (await refresh_urls(http, [url])).get(url)
    except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
        log.warning("could not refresh an attachment URL (%s); using the stored one", type(exc).__name__)
        return url
    if refreshed is None:
        log.warning("Discord did not refresh an attachment URL; using the stored one")
        return url
    return refreshed
