"""The bot's metrics, in one registry, for /metrics (Prometheus text format).

The objects live on floor 3 so the engine, the Discord face and the web server can all record;
providers (floor 2) never import this: their calls are measured where the engine makes them.
Recording is always on and cheap (a lock and an add); METRICS_ENABLED only decides whether
web/server.py serves /metrics and whether the face traces Discord requests and watches the loop.
Every label takes values from a small fixed set (providers, states, error kinds, route templates),
so the number of series stays bounded however many jobs run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ProviderError
from domain.jobs import JobState

REGISTRY = CollectorRegistry(auto_describe=True)

# Interactions must be answered within 3 s; the buckets resolve the range around that line.
_ACK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0)
_LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_CALL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_FRESHNESS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0)

JOBS = Gauge(
    "remixbot_jobs", "Jobs in the database by provider and state.", ["provider", "state"], registry=REGISTRY
)
QUEUE_LENGTH = Gauge(
    "remixbot_queue_length",
    "Jobs waiting for a provider slot (state queued).",
    ["provider"],
    registry=REGISTRY,
)
ACK_LATENCY = Histogram(
    "remixbot_ack_latency_seconds",
    "From an interaction's creation (its snowflake) to the bot's response reaching Discord.",
    buckets=_ACK_BUCKETS,
    registry=REGISTRY,
)
LOOP_LAG = Histogram(
    "remixbot_event_loop_lag_seconds",
    "How late a 0.5 s sleep on the bot's event loop woke up.",
    buckets=_LAG_BUCKETS,
    registry=REGISTRY,
)
PROVIDER_CALL = Histogram(
    "remixbot_provider_call_seconds",
    "Duration of the engine's calls to a provider.",
    ["provider", "call"],
    buckets=_CALL_BUCKETS,
    registry=REGISTRY,
)
PROVIDER_ERRORS = Counter(
    "remixbot_provider_errors",
    "Provider errors seen by the engine, by kind.",
    ["provider", "call", "kind"],
    registry=REGISTRY,
)
DISCORD_REQUESTS = Counter(
    "remixbot_discord_requests",
    "HTTP requests to Discord by route template and status ('error' when no response came).",
    ["method", "route", "status"],
    registry=REGISTRY,
)
DISCORD_RATE_LIMITED = Counter(
    "remixbot_discord_rate_limited",
    "429 answers from Discord by route template.",
    ["method", "route"],
    registry=REGISTRY,
)
STATUS_FRESHNESS = Histogram(
    "remixbot_status_freshness_seconds",
    "From a job's change reaching the status board to the status message showing it.",
    buckets=_FRESHNESS_BUCKETS,
    registry=REGISTRY,
)
WEBHOOK_DELIVERIES = Counter(
    "remixbot_webhook_deliveries",
    "Webhook deliveries by outcome: accepted, duplicate, unknown, refused, forwarded (stored for the "
    "process driving the job), idle (job driven by no process that could hear of it).",
    ["provider", "outcome"],
    registry=REGISTRY,
)


def exposition() -> bytes:
    """Everything in the registry, in the Prometheus text format."""
    return generate_latest(REGISTRY)


def set_job_counts(counts: dict[tuple[str, JobState], int]) -> None:
    """Replace the job gauges with a fresh count from the database (the truth)."""
    JOBS.clear()
    QUEUE_LENGTH.clear()
    for (provider, state), count in counts.items():
        JOBS.labels(provider, state.value).set(count)
        if state is JobState.QUEUED:
            QUEUE_LENGTH.labels(provider).set(count)


@contextlib.contextmanager
def provider_call(provider: str, call: str, clock: Clock = SYSTEM_CLOCK) -> Iterator[None]:
    """Time one call to a provider (on the caller's clock); count its ProviderError by kind."""
    started = clock.monotonic()
    try:
        yield
    except ProviderError as error:
        PROVIDER_ERRORS.labels(provider, call, error.kind.value).inc()
        raise
    finally:
        PROVIDER_CALL.labels(provider, call).observe(clock.monotonic() - started)


async def watch_loop_lag(interval: float = 0.5, *, clock: Clock = SYSTEM_CLOCK) -> None:
    """Sleep `interval` again and again; how much later than asked each sleep ends is the loop's lag.

    A loop busy with synchronous work (a slow callback, a blocking call) wakes sleepers late.
    Runs until cancelled.
    """
    while True:
        started = clock.monotonic()
        await clock.sleep(interval)
        LOOP_LAG.observe(max(0.0, clock.monotonic() - started - interval))
