"""What /metrics counts stays bounded and honest: route labels carry no ids or tokens, the loop-lag
watch measures overshoot, provider errors are counted by kind."""

from __future__ import annotations

import asyncio

import pytest
from yarl import URL

from domain.errors import ErrorKind, ProviderError
from engine import metrics
from face.telemetry import acknowledged_interaction, route_template, snowflake_time


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


async def test_loop_lag_is_how_late_the_sleep_ended():
    now = [100.0]
    late_by = iter([0.0, 0.25, 1.5])

    async def sleep(seconds: float) -> None:
        try:
            now[0] += seconds + next(late_by)
        except StopIteration:
            raise asyncio.CancelledError from None

    count_before, sum_before = (
        value("remixbot_event_loop_lag_seconds_count"),
        value("remixbot_event_loop_lag_seconds_sum"),
    )
    with pytest.raises(asyncio.CancelledError):
        await metrics.watch_loop_lag(0.5, clock=lambda: now[0], sleep=sleep)
    assert value("remixbot_event_loop_lag_seconds_count") - count_before == 3
    assert value("remixbot_event_loop_lag_seconds_sum") - sum_before == pytest.approx(1.75)


def test_provider_errors_are_counted_by_kind_and_reraised():
    errors = (
        "remixbot_provider_errors_total",
        {"provider": "musicgpt", "call": "submit", "kind": "rate_limited"},
    )
    calls = ("remixbot_provider_call_seconds_count", {"provider": "musicgpt", "call": "submit"})
    errors_before, calls_before = value(*errors), value(*calls)
    with pytest.raises(ProviderError), metrics.provider_call("musicgpt", "submit"):
        raise ProviderError(ErrorKind.RATE_LIMITED, "slow down")
    with metrics.provider_call("musicgpt", "submit"):
        pass
    assert value(*errors) - errors_before == 1
    assert value(*calls) - calls_before == 2


def value(name: str, labels: dict[str, str] | None = None) -> float:
    """A sample's current value (0 before the first record); tests compare before and after."""
    return metrics.REGISTRY.get_sample_value(name, labels or {}) or 0.0
