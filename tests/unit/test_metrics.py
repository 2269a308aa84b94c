"""What /metrics counts stays bounded and honest: route labels carry no ids or tokens, the loop-lag
watch measures overshoot, provider errors are counted by kind."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from domain.errors import ErrorKind, ProviderError
from engine import metrics
from face.telemetry import acknowledged_interaction, discord_trace, route_template, snowflake_time
from tests.clock import FakeClock


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v10/channels/800000000000000201/messages", "/channels/{id}/messages"),
        ("/api/v10/channels/800000000000000201/messages/1234567890123", "/channels/{id}/messages/{id}"),
        (
            "/api/v10/interactions/1234567890123/aW50ZXJhY3Rpb246dG9rZW4/callback",
            "/interactions/{id}/{token}/callback",
        ),
        (
            "/api/v10/webhooks/99887766554433/aW50ZXJhY3Rpb246dG9rZW4/messages/@original",
            "/webhooks/{id}/{token}/messages/@original",
        ),
        # A token made only of lower-case letters is still a token.
        (
            "/api/v10/webhooks/99887766554433/abcdef/messages/@original",
            "/webhooks/{id}/{token}/messages/@original",
        ),
        (
            "/api/v10/channels/1/messages/2/reactions/%F0%9F%8E%B5/@me",
            "/channels/{id}/messages/{id}/reactions/{param}/@me",
        ),
        ("/api/v10/users/@me", "/users/@me"),
        ("/api/v10/oauth2/applications/@me", "/oauth2/applications/@me"),
        # A CDN download ends in the member's file name: never a label.
        ("/attachments/800000000000000201/1234567890123/remix", "/attachments/{file}"),
        ("/api/v10/attachments/refresh-urls", "/attachments/refresh-urls"),
        ("/", "/"),
    ],
)
def test_routes_are_templates_without_ids_or_tokens(path: str, template: str):
    assert route_template(path) == template


def test_only_an_interaction_callback_is_an_acknowledgement():
    interaction = 1234567890123456789
    callback = URL(f"http://d/api/v10/interactions/{interaction}/tok/callback?with_response=true")
    assert acknowledged_interaction("POST", callback) == interaction
    assert acknowledged_interaction("POST", URL("http://d/api/v10/webhooks/1/tok/messages/@original")) is None
    assert acknowledged_interaction("GET", callback) is None
    # Discord's epoch: the first millisecond of 2015.
    assert snowflake_time(0) == 1420070400.0


class LateClock(FakeClock):
    """Each sleep ends later than asked, by the next of `late_by`; after the last, the watch is cancelled."""

    def __init__(self, late_by: list[float]) -> None:
        super().__init__(instant=True)
        self._late_by = iter(late_by)

    async def sleep(self, seconds: float) -> None:
        try:
            late = next(self._late_by)
        except StopIteration:
            raise asyncio.CancelledError from None
        await super().sleep(seconds + late)


async def test_loop_lag_is_how_late_the_sleep_ended():
    clock = LateClock([0.0, 0.25, 1.5])
    count_before, sum_before = (
        value("remixbot_event_loop_lag_seconds_count"),
        value("remixbot_event_loop_lag_seconds_sum"),
    )
    with pytest.raises(asyncio.CancelledError):
        await metrics.watch_loop_lag(0.5, clock=clock)
    assert value("remixbot_event_loop_lag_seconds_count") - count_before == 3
    assert value("remixbot_event_loop_lag_seconds_sum") - sum_before == pytest.approx(1.75)


async def test_provider_calls_are_timed_on_the_callers_clock_and_errors_counted_by_kind():
    errors = (
        "remixbot_provider_errors_total",
        {"provider": "musicgpt", "call": "submit", "kind": "rate_limited"},
    )
    labels = {"provider": "musicgpt", "call": "submit"}
    calls, seconds = (
        ("remixbot_provider_call_seconds_count", labels),
        ("remixbot_provider_call_seconds_sum", labels),
    )
    errors_before, calls_before, seconds_before = value(*errors), value(*calls), value(*seconds)
    clock = FakeClock(instant=True)
    with pytest.raises(ProviderError), metrics.provider_call("musicgpt", "submit", clock):
        await clock.sleep(1.5)
        raise ProviderError(ErrorKind.RATE_LIMITED, retry_after=5)
    with metrics.provider_call("musicgpt", "submit", clock):
        await clock.sleep(2.0)
    assert value(*errors) - errors_before == 1
    assert value(*calls) - calls_before == 2
    assert value(*seconds) - seconds_before == pytest.approx(3.5)


def value(name: str, labels: dict[str, str] | None = None) -> float:
    """A sample's current value (0 before the first record); tests compare before and after."""
    return metrics.REGISTRY.get_sample_value(name, labels or {}) or 0.0


async def test_the_discord_trace_counts_requests_429s_and_acknowledgements():
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"retry_after": 1.0}, status=int(request.query.get("status", "200")))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # a TCPSite once started
    base = f"http://127.0.0.1:{port}/api/v10"
    interaction = (1_900_000_000 - 1420070400) * 1000 << 22  # Discord made it at Unix time 1.9e9
    route = {"method": "POST", "route": "/channels/{id}/messages"}
    before = (
        value("remixbot_discord_requests_total", {**route, "status": "429"}),
        value("remixbot_discord_rate_limited_total", route),
        value("remixbot_ack_latency_seconds_count"),
        value("remixbot_ack_latency_seconds_sum"),
    )
    try:
        async with aiohttp.ClientSession(trace_configs=[discord_trace(now=lambda: 1_900_000_000.25)]) as http:
            for url in (
                f"{base}/channels/800000000000000201/messages?status=429",
                f"{base}/channels/800000000000000202/messages?status=429",
                f"{base}/interactions/{interaction}/secret-token/callback",
            ):
                async with http.post(url) as resp:
                    await resp.read()
    finally:
        await runner.cleanup()
    after = (
        value("remixbot_discord_requests_total", {**route, "status": "429"}),
        value("remixbot_discord_rate_limited_total", route),
        value("remixbot_ack_latency_seconds_count"),
        value("remixbot_ack_latency_seconds_sum"),
    )
    # Two channels, one route template; the interaction answered 0.25 s after Discord made it.
    assert [b - a for a, b in zip(before, after, strict=True)] == pytest.approx([2, 2, 1, 0.25])
    assert "secret-token" not in metrics.exposition().decode()
