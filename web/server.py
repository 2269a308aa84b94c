"""The aiohttp app that runs in the bot's loop: provider webhooks, a health check, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from domain.errors import WebhookRejected
from engine import metrics
from engine.relay import WebhookRelay
from engine.runner import Runner
from providers.registry import Registry
from storage.db import Database
from storage.jobs import JobRepository, WebhookTarget

log = logging.getLogger(__name__)

# Webhook bodies are small JSON documents; anything bigger is not from a provider.
MAX_BODY = 256 * 1024


class CannotListen(Exception):
    """The web server could not bind its address (the port is taken, the host is not ours)."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(f"{host}:{port}: {cause.strerror or cause}")
        self.host = host
        self.port = port
        self.cause = cause


class WebServer:
    def __init__(
        self,
        jobs: JobRepository,
        registry: Registry,
        runner: Runner,
        *,
        host: str,
        port: int,
        is_ready: Callable[[], bool],
        metrics_enabled: bool = False,
        shards: Callable[[], Mapping[int, bool]] | None = None,
        database: Database | None = None,
        relay: WebhookRelay | None = None,
    ) -> None:
        self.jobs = jobs
        self.registry = registry
        self.runner = runner
        self.host = host
        self.port = port
        self.is_ready = is_ready
        # This process's gateway shards (id -> session up) and its database, both shown by /healthz.
        self.shards = shards
        self.database = database
        # Deliveries for jobs that another process drives go to it through the database.
        self.relay = relay
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_post("/webhooks/{provider}/{token}", self.webhook)
        self.metrics_enabled = metrics_enabled
        if metrics_enabled:
            self.app.router.add_get("/metrics", self.metrics)
        self._lag_watch: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise CannotListen(self.host, self.port, exc) from exc
        server = site._server  # the bound port, when 0 was asked for
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("web server listening on %s:%s", self.host, self.bound_port)
        if self.metrics_enabled:
            self._lag_watch = asyncio.create_task(metrics.watch_loop_lag(), name="loop-lag")

    async def stop(self) -> None:
        if self._lag_watch:
            self._lag_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lag_watch
        if self._runner:
            await self._runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        """200 when serving: every shard's session up and the database answering; else 503. The body
        says which shards this process runs, so an operator sees which process is which."""
        ready = self.is_ready()
        body: dict[str, object] = {}
        if self.shards is not None:
            body["shards"] = [{"id": i, "connected": up} for i, up in sorted(self.shards().items())]
        if self.database is not None:
            answers = await self.database.ping()
            body["database"] = {"ok": answers}
            ready = ready and answers
        return web.json_response({"ok": ready, **body}, status=200 if ready else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        metrics.set_job_counts(await self.jobs.counts_by_state())
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def webhook(self, request: web.Request) -> web.Response:
        """One SQL statement per delivery at most, two for a delivery forwarded to another process.

        A job driven here is found in the runner's memory, so only the dedupe INSERT touches the
        database; any other token costs one indexed SELECT (unknown, finished, or not driven here).
        On a shared database a job driven by another process costs a second statement: the delivery
        stored and that process told (engine/relay.py).
        """
        name, token = request.match_info["provider"], request.match_info["token"]
        if name not in self.registry:
            # Not labelled by the name in the URL: anyone could mint series by the million.
            return self._answer("other", "unknown", {"error": "unknown"}, 404)
        live = self.runner.webhook_target(name, token)
        target = live or await self.jobs.webhook_target(name, token)
        if target is None:
            return self._answer(name, "unknown", {"error": "unknown"}, 404)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._answer(name, "refused", {"error": "too large"}, 413)
        except ConnectionResetError:
            # The sender hung up mid-body (it will retry, or it was never a provider): nothing to do.
            log.debug("webhook for job %s: the sender dropped the connection mid-body", target.job_id)
            return web.Response(status=400)
        provider = self.registry.get(name)
        try:
            payload = provider.verify_webhook(request.headers, body)
        except WebhookRejected as rejected:
            log.info("webhook for job %s refused: %s", target.job_id, rejected.reason)
            return self._answer(name, "refused", {"error": rejected.reason}, rejected.status)
        if target.handle is not None and not provider.webhook_belongs(target.handle, payload):
            # The token is right but the delivery is about another task: not this job's, change nothing.
            log.info("webhook for job %s names another task; refused", target.job_id)
            return self._answer(name, "refused", {"error": "unknown"}, 404)
        if live is None:
            return await self._driven_elsewhere(name, target, payload, body)
        if not await self.jobs.record_delivery(name, _delivery_id(payload, body), target.job_id):
            return self._answer(name, "duplicate", {"ok": True, "duplicate": True}, 200)
        # 2xx even when nobody is tracking right now: polling remains the backstop.
        self.runner.push_webhook(target.job_id, payload)
        return self._answer(name, "accepted", {"ok": True}, 200)

    async def _driven_elsewhere(
        self, name: str, target: WebhookTarget, payload: dict[str, Any], body: bytes
    ) -> web.Response:
        """A delivery for a job this process does not drive. 2xx whatever follows: a resend would
        change nothing."""
        if target.finished:
            return self._answer(name, "duplicate", {"ok": True, "duplicate": True}, 200)
        if self.relay is None or not self.relay.forwards:
            # One process (SQLite): nothing would take it; polling remains the backstop.
            return self._answer(name, "idle", {"ok": True, "duplicate": False}, 200)
        # Another process drives it (or will resume it): stored for it, and it is told.
        if not await self.relay.forward(name, _delivery_id(payload, body), target.job_id, payload):
            return self._answer(name, "duplicate", {"ok": True, "duplicate": True}, 200)
        return self._answer(name, "forwarded", {"ok": True}, 200)

    @staticmethod
    def _answer(provider: str, outcome: str, body: dict[str, object], status: int) -> web.Response:
        metrics.WEBHOOK_DELIVERIES.labels(provider, outcome).inc()
        return web.json_response(body, status=status)


def _delivery_id(payload: dict[str, Any], body: bytes) -> str:
    """What deduplicates a delivery: the provider's own id when it sends one, else the body's digest."""
    return str(payload.get("_webhook_id") or hashlib.sha256(body).hexdigest())
