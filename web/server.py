"""The aiohttp app that runs in the bot's loop: provider webhooks and a health check."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from aiohttp import web

from domain.errors import WebhookRejected
from engine.runner import Runner
from providers.registry import Registry
from storage.jobs import JobRepository

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
    ) -> None:
        self.jobs = jobs
        self.registry = registry
        self.runner = runner
        self.host = host
        self.port = port
        self.is_ready = is_ready
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_post("/webhooks/{provider}/{token}", self.webhook)
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

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        ready = self.is_ready()
        return web.json_response({"ok": ready}, status=200 if ready else 503)

    async def webhook(self, request: web.Request) -> web.Response:
        name, token = request.match_info["provider"], request.match_info["token"]
        if name not in self.registry:
            return web.json_response({"error": "unknown"}, status=404)
        job = await self.jobs.by_webhook_token(name, token)
        if job is None:
            return web.json_response({"error": "unknown"}, status=404)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": "too large"}, status=413)
        except ConnectionResetError:
            # The sender hung up mid-body (it will retry, or it was never a provider): nothing to do.
            log.debug("webhook for job %s: the sender dropped the connection mid-body", job.id)
            return web.Response(status=400)
        provider = self.registry.get(name)
        try:
            payload = provider.verify_webhook(request.headers, body)
        except WebhookRejected as rejected:
            log.info("webhook for job %s refused: %s", job.id, rejected.reason)
            return web.json_response({"error": rejected.reason}, status=rejected.status)
        if job.handle is not None and not provider.webhook_belongs(job.handle, payload):
            # The token is right but the delivery is about another task: not this job's, change nothing.
            log.info("webhook for job %s names another task; refused", job.id)
            return web.json_response({"error": "unknown"}, status=404)
        delivery_id = str(payload.get("_webhook_id") or hashlib.sha256(body).hexdigest())
        if not await self.jobs.record_delivery(name, delivery_id, job.id):
            return web.json_response({"ok": True, "duplicate": True})
        if not job.finished:
            self.runner.push_webhook(job.id, payload)
        # 2xx even when nobody is tracking right now: polling remains the backstop.
        return web.json_response({"ok": True})
