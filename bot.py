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
        job_deadline_seconds=settings.job_deadline_seconds,
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


async def run(settings: Settings) -> None:
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
                    await bot.start(settings.discord_token.get_secret_value())
            finally:
                await registry.close()
    finally:
        await db.close()


async def serve(settings: Settings) -> None:
    """Run until stopped. SIGTERM (docker stop) and SIGINT close the bot cleanly; unfinished jobs
    stay in the database and carry on at the next start."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await run(settings)
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
