"""Entry point: Settings -> logging -> RemixBot(...).start().

python bot.py            # settings from the environment and .env (see .env.example)
python bot.py --verbose  # the same, with the traceback of a failure to start
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
import discord
import yarl
from pydantic import ValidationError

from config import Settings
from domain.admin import FlaggedMode
from domain.redact import RedactingFormatter, redact
from engine.admin import RuleDefaults
from engine.budgets import Price, Pricing
from engine.downloads import DownloadPolicy
from face import texts
from face.bot import BotOptions, RemixBot
from providers.registry import build_registry, log_health
from storage.db import Database, DatabaseUnavailable
from web.server import CannotListen

log = logging.getLogger("bot")
# How long a closed gateway may take to let start() return before the process stops regardless.
CLOSE_GRACE_SECONDS = 10


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # discord.py's HTTP debug lines include request bodies; keep them out of normal logs.
    logging.getLogger("discord.http").setLevel(max(logging.INFO, logging.getLogger().level))


def point_discord_at(settings: Settings) -> None:
    """Test use only: talk to a fake Discord instead of the real one."""
    if settings.discord_api_base:
        log.warning(
            "DISCORD_API_BASE is set: talking to %s, not Discord (test use only)", settings.discord_api_base
        )
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        log.warning("DISCORD_GATEWAY_URL is set: gateway %s (test use only)", settings.discord_gateway_url)
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def bot_options(settings: Settings) -> BotOptions:
    return BotOptions(
        work_dir=settings.work_dir,
        dev_guild_id=settings.dev_guild_id,
        status_edit_interval=settings.status_edit_interval,
        channel_board_threshold=settings.channel_board_threshold,
        job_deadline_seconds=settings.job_deadline_seconds,
        job_lease_seconds=settings.job_lease_seconds,
        max_input_bytes=settings.max_input_bytes,
        max_take_bytes=settings.max_take_bytes,
        max_jobs_per_member=settings.max_jobs_per_member,
        input_retention_hours=settings.input_retention_hours,
        public_base_url=settings.public_base_url,
        webhook_host=settings.webhook_host,
        webhook_port=settings.webhook_port,
        metrics_enabled=settings.metrics_enabled,
        downloads=DownloadPolicy.from_setting(settings.download_allowed_hosts),
        rule_defaults=rule_defaults(settings),
        pricing=pricing(settings),
        shard_count=settings.shard_count,
        shard_ids=settings.shards(),
        audio_workers=settings.audio_workers,
    )


def rule_defaults(settings: Settings) -> RuleDefaults:
    return RuleDefaults(
        cooldown_seconds=settings.cooldown_seconds,
        jobs_per_day=settings.member_jobs_per_day or None,
        flagged_mode=FlaggedMode(settings.flagged_mode),
        strikes_before_penalty=settings.blocked_attempts_before_cooldown,
        penalty_seconds=settings.blocked_cooldown_seconds,
    )


def pricing(settings: Settings) -> Pricing:
    prices = {}
    if settings.soundpiece_credits_per_variation is not None:
        prices["soundpiece"] = Price(per_variation=settings.soundpiece_credits_per_variation)
    if settings.soundverse_credits_per_job is not None:
        prices["soundverse"] = Price(per_job=settings.soundverse_credits_per_job)
    return Pricing(
        prices=prices,
        fallback={
            "musicgpt": settings.musicgpt_cost_estimate,
            "soundpiece": settings.soundpiece_cost_estimate,
            "soundverse": settings.soundverse_cost_estimate,
        },
    )


async def run(settings: Settings, stopper: Stopper | None = None) -> None:
    """Open the database, check the providers, run the bot. Without a stopper (the tests' harness)
    the only way out is a cancel, as from a kill."""
    assert settings.discord_token is not None
    point_discord_at(settings)
    db = await Database.open(settings.database_target())
    try:
        async with aiohttp.ClientSession() as session:
            registry = build_registry(settings, session)
            try:
                await log_health(registry)
                async with RemixBot(
                    options=bot_options(settings), db=db, session=session, registry=registry
                ) as bot:
                    token = settings.discord_token.get_secret_value()
                    if stopper is None:
                        await bot.start(token)
                    else:
                        stopper.bot_running = True
                        await until_stopped(bot.start(token), stopper.requested, bot.close)
            finally:
                await registry.close()
    finally:
        await db.close()


async def until_stopped(
    work: Coroutine[Any, Any, None], stop: asyncio.Event, close: Callable[[], Awaitable[None]]
) -> None:
    """Run `work` until it ends or `stop` is set. A stop closes the bot the way discord.py means it
    to (the gateway closes, start() returns) instead of cancelling start(): on Python 3.11 a cancel
    that lands as a shard finishes connecting is swallowed by asyncio.wait_for, and the process
    would ignore SIGTERM."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        await close()
        done, _ = await asyncio.wait({task}, timeout=CLOSE_GRACE_SECONDS)
        if done:
            return task.result()
        log.warning("the gateway did not close within %ss; stopping anyway", CLOSE_GRACE_SECONDS)
    finally:
        stopped.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class Stopper:
    """What SIGTERM (docker stop) and SIGINT do. Before the bot runs, the start-up is cancelled where
    it stands (opening the database, the health check); once it runs, it is closed cleanly. A second
    signal cancels whatever is left."""

    def __init__(self, task: asyncio.Task[None]) -> None:
        self.task = task
        self.requested = asyncio.Event()
        self.bot_running = False

    def __call__(self) -> None:
        if self.requested.is_set() or not self.bot_running:
            self.task.cancel()
        self.requested.set()


async def serve(settings: Settings) -> None:
    """Run until stopped; unfinished jobs stay in the database and carry on at the next start."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    stopper = Stopper(task)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopper)
    with contextlib.suppress(asyncio.CancelledError):
        await run(settings, stopper)
    log.info("stopped")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        sys.exit(f"Invalid settings in the environment or .env: {problems}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="Run the Discord bot. Settings come from the environment and .env (see .env.example).",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show the traceback when the bot fails, not only its cause"
    )
    return parser.parse_args(argv)


def why_it_stopped(exc: BaseException, settings: Settings) -> str:
    """One line for the operator: which setting to fix, or what failed."""
    if isinstance(exc, discord.LoginFailure):
        return texts.DISCORD_TOKEN_REFUSED
    if isinstance(exc, DatabaseUnavailable):
        return texts.database_unavailable(str(exc))
    if isinstance(exc, CannotListen):
        return texts.webhook_port_unavailable(exc.host, exc.port, exc.cause.strerror or str(exc.cause))
    if isinstance(exc, aiohttp.ClientConnectionError | TimeoutError | discord.GatewayNotFound):
        cause = redact(exc) or type(exc).__name__
        return texts.discord_unreachable(settings.discord_api_base or discord.http.Route.BASE, cause)
    return texts.start_failed(redact(f"{type(exc).__name__}: {exc}"))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = load_settings()
    if settings.discord_token is None:
        sys.exit("DISCORD_TOKEN is not set: copy .env.example to .env and put your bot token in it.")
    configure_logging(settings.log_level)
    try:
        asyncio.run(serve(settings))
    except Exception as exc:
        if args.verbose:
            raise
        sys.exit(why_it_stopped(exc, settings))


if __name__ == "__main__":
    main()
