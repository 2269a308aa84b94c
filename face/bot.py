"""RemixBot: receives its dependencies, wires the engine together in setup_hook."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from domain.clock import Clock, SystemClock
from domain.jobs import TERMINAL_CHANNEL, Job, JobState
from domain.shards import Shards
from engine.admin import AdminRules, JobHooks, RuleDefaults
from engine.budgets import Budgets, Pricing
from engine.downloads import STRICT, DownloadPolicy
from engine.intake import Intake
from engine.offload import THREAD, AudioWorkers, InThread
from engine.relay import WebhookRelay
from engine.runner import Runner
from engine.session_scheduler import SessionScheduler
from engine.sessions import SessionEngine
from face import texts
from face.admin_log import DiscordAdminLog
from face.attachments import fresh_url
from face.channel_writer import ChannelWriter, MetaBudgetStore
from face.flagged import FlaggedPolicy
from face.results import DiscordResults
from face.session_views import SESSION_ITEMS, session_result_view
from face.sessions import DiscordSessions
from face.status import StatusBoard
from face.telemetry import discord_trace
from face.translator import CatalogueTranslator
from face.tree import RemixTree
from face.views import DYNAMIC_ITEMS, board_view, status_view
from providers.registry import Registry
from storage.budgets import BudgetRepository
from storage.db import Database
from storage.guilds import GuildRepository
from storage.jobs import JobRepository
from storage.rules import RulesRepository
from storage.sessions import SessionRepository
from web.server import WebServer

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.create", "cogs.jobs", "cogs.admin", "cogs.sessions")


def started_in_discord(job: Job) -> bool:
    """The bot and cli.py share one database; the bot drives only the jobs members started here."""
    return job.channel_id != TERMINAL_CHANNEL


@dataclass(frozen=True)
class BotOptions:
    """What the Discord face needs from the settings; bot.py fills it in."""

    work_dir: Path
    dev_guild_id: int | None = None
    status_edit_interval: float = 2.0
    channel_board_threshold: int = 8
    job_deadline_seconds: float = 45 * 60
    job_lease_seconds: float = 30.0
    max_input_bytes: int = 50 * 1024 * 1024
    max_take_bytes: int = 200 * 1024 * 1024
    max_jobs_per_member: int = 3
    input_retention_hours: float = 24.0
    public_base_url: str | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    metrics_enabled: bool = False
    # Where takes and attachments may be downloaded from (engine/downloads.py).
    downloads: DownloadPolicy = STRICT
    # Server admin rules: defaults for servers that set nothing, and what jobs cost (engine/admin.py).
    rule_defaults: RuleDefaults = field(default_factory=RuleDefaults)
    pricing: Pricing = field(default_factory=Pricing)
    # Gateway shards (SHARD_COUNT, SHARD_IDS): None, None runs every shard Discord recommends.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    # Worker processes for audio work (engine/offload.py); 0: threads of this process.
    audio_workers: int = 0

    @property
    def shards(self) -> Shards | None:
        """The shards this process runs when it runs some of them, not all."""
        if self.shard_count is None or self.shard_ids is None:
            return None
        return Shards(self.shard_count, frozenset(self.shard_ids))

    @property
    def syncs_commands(self) -> bool:
        """Commands are global to the application: one process syncs them, the one running shard 0."""
        return self.shard_ids is None or 0 in self.shard_ids


def _sharding(options: BotOptions) -> dict[str, Any]:
    """AutoShardedBot's shard keywords, only those set: none asks Discord how many shards to run."""
    chosen: dict[str, Any] = {}
    if options.shard_count is not None:
        chosen["shard_count"] = options.shard_count
    if options.shard_ids is not None:
        chosen["shard_ids"] = list(options.shard_ids)
    return chosen


class RemixBot(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        options: BotOptions,
        db: Database,
        session: aiohttp.ClientSession,
        registry: Registry,
        extensions: tuple[str, ...] = EXTENSIONS,
        clock: Clock | None = None,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        # Every channel write waits its turn in the channel's writer, which learns each channel's budget
        # from the rate-limit headers of discord.py's own HTTP session (and remembers it in the database).
        self.writer = ChannelWriter(store=MetaBudgetStore(db))
        # One trace, two listeners: with metrics on, Discord requests, 429s and acknowledgement latency
        # are counted (face/telemetry.py); the writer adds its own to read the rate-limit headers.
        trace = discord_trace() if options.metrics_enabled else aiohttp.TraceConfig()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=RemixTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            http_trace=self.writer.trace(trace),
            **_sharding(options),
        )
        self.options = options
        self.db = db
        self.session = session
        self.registry = registry
        self.extensions_to_load = extensions
        self.jobs = JobRepository(db)
        # Probes, transcodes and waveforms run here, off the event loop's interpreter.
        self.audio: InThread | AudioWorkers = (
            AudioWorkers(options.audio_workers) if options.audio_workers else THREAD
        )
        self.guilds_repo = GuildRepository(db)
        self.rules_repo = RulesRepository(db)
        self.budgets_repo = BudgetRepository(db)
        self._background: set[asyncio.Task[None]] = set()
        self._closing: asyncio.Future[None] | None = None
        # Session deadlines are read on this clock (tests move it).
        self.clock: Clock = clock or SystemClock()

    def provider_label(self, name: str) -> str:
        """How members know a provider; its name when it is no longer configured."""
        return self.registry.get(name).label if name in self.registry else name

    def failure_text(self, job: Job, *, locale: str | None = None) -> str:
        """Why the job failed, was refused or was cancelled, in words; empty when nothing was said.

        In `locale`, else in the job's public language (a status message, a notice in the channel).
        """
        if not job.error:
            return ""
        speak = locale or job.public_locale
        return texts.failure(job.error, self.provider_label(job.provider), locale=speak)

    async def setup_hook(self) -> None:
        s = self.options
        labels = {p.name: p.label for p in self.registry}
        stages = {p.name: p.capabilities.stages for p in self.registry}
        # Buttons are found again by their custom_id, so they keep working after a restart.
        self.add_dynamic_items(*DYNAMIC_ITEMS, *SESSION_ITEMS)
        await self.writer.load()
        await self.audio.start()
        self.status_board = StatusBoard(
            self,
            self.jobs,
            labels,
            interval=s.status_edit_interval,
            provider_stages=stages,
            view_for=status_view,
            writer=self.writer,
            board_threshold=s.channel_board_threshold,
            board_view=board_view,
        )
        # Server admin rules: budgets, roles, cooldowns, moderation, the admin log.
        self.admin_log = DiscordAdminLog(self, self.rules_repo, self.guilds_repo)
        budgets = Budgets(self.budgets_repo, s.pricing)
        self.admin_rules = AdminRules(self.rules_repo, budgets, s.rule_defaults, admin_log=self.admin_log)
        # A session job's result carries Enter take N; any other result the usual buttons.
        self.results = DiscordResults(
            self,
            labels,
            s.work_dir,
            view_for=session_result_view,
            flagged=FlaggedPolicy(self.admin_rules.flagged_mode, self.admin_log),
            writer=self.writer,
            database_tag=await self.jobs.database_tag(),
            audio=self.audio,
        )
        self.runner = Runner(
            self.jobs,
            self.registry,
            self.status_board,
            self.results,
            downloads=s.downloads,
            work_dir=s.work_dir,
            deadline_seconds=s.job_deadline_seconds,
            max_take_bytes=s.max_take_bytes,
            public_base_url=s.public_base_url,
            refresh_input_url=self._fresh_input_url,
            input_retention=s.input_retention_hours * 3600,
            owns=started_in_discord,
            hooks=JobHooks(budgets, admin_log=self.admin_log),
            lease_seconds=s.job_lease_seconds,
            shards=s.shards,
            # A SQLite file has one bot process: leases found at start are a dead run's.
            sole_process=self.db.dialect == "sqlite",
            # A job claimed while its input was being checked (the check was cut short): again.
            on_received=lambda job: self._spawn(self._recheck(job)),
            audio=self.audio,
        )
        # Webhook deliveries that reach this process for a job another process drives, and back.
        self.relay = WebhookRelay(self.runner, self.jobs)
        self.runner.on_taken_over = self.relay.collect
        self.intake = Intake(
            self.jobs,
            self.registry,
            self.runner,
            downloads=s.downloads,
            work_dir=s.work_dir,
            max_input_bytes=s.max_input_bytes,
            max_jobs_per_member=s.max_jobs_per_member,
            guilds=self.guilds_repo,
            rules=self.admin_rules,
            audio=self.audio,
        )
        self.web = WebServer(
            self.jobs,
            self.registry,
            self.runner,
            host=s.webhook_host,
            port=s.webhook_port,
            is_ready=self.is_serving,
            shards=self.shard_states,
            database=self.db,
            metrics_enabled=s.metrics_enabled,
            relay=self.relay,
        )
        # -- remix sessions: the engine exists before the cogs that use it --
        self.session_face = DiscordSessions(self, interval=s.status_edit_interval, writer=self.writer)
        self.session_engine = SessionEngine(
            SessionRepository(self.db), self.session_face, self.clock, s.work_dir
        )
        self.session_scheduler = SessionScheduler(self.session_engine, self.clock)
        for extension in self.extensions_to_load:
            await self.load_extension(extension)
        # Before syncing: the synced payload carries every catalogue's descriptions and choices.
        await self.tree.set_translator(CatalogueTranslator())
        if s.syncs_commands:
            await self._sync_commands()
        else:
            log.info("shards %s: the process running shard 0 syncs the commands", s.shard_ids)
        await self.runner.start()
        # After the runner: a webhook for a resumed job then finds its tracker waiting, whether it
        # arrives here or was stored by another process (while this one was away, too).
        await self.relay.start()
        await self.web.start()
        # After the runner too: catching up on deadlines missed while down posts entries and results.
        self.session_scheduler.start()
        self._spawn(self.session_engine.show_open_cards())

    def is_serving(self) -> bool:
        """For /healthz: logged in, every shard's gateway session up (a resume in progress counts as down)."""
        states = self.shard_states()
        return not self.is_closed() and self.is_ready() and bool(states) and all(states.values())

    def shard_states(self) -> dict[int, bool]:
        """For /healthz: this process's shards, each with whether its gateway session is up."""
        return {shard_id: not info.is_closed() for shard_id, info in sorted(self.shards.items())}

    async def _sync_commands(self) -> None:
        if self.options.dev_guild_id:
            guild = discord.Object(self.options.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), guild.id)
            return
        # Global commands: only when they changed, since Discord caps command creations per day.
        # The translated payload, so that a changed translation counts as a change too.
        translator = self.tree.translator
        assert translator is not None
        payload = [await c.get_translated_payload(self.tree, translator) for c in self.tree.get_commands()]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        if await self.db.get_meta("commands_digest") != digest:
            synced = await self.tree.sync()
            await self.db.set_meta("commands_digest", digest)
            log.info("synced %d global commands", len(synced))

    async def _recheck(self, job: Job) -> None:
        """A job whose input check was cut short by a restart: check it now, tell the channel if refused."""
        job = await self.intake.check_input(job)
        if job.state is JobState.REJECTED:
            channel = self.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
            try:
                await channel.send(
                    texts.to_member(
                        job.member_id, texts.rejected(self.failure_text(job), locale=job.public_locale)
                    ),
                    allowed_mentions=discord.AllowedMentions(users=[discord.Object(job.member_id)]),
                )
            except discord.HTTPException:
                log.warning("job %s: could not tell the member about the rejection", job.id)

    async def _fresh_input_url(self, job: Job) -> str:
        """The job's attachment URL, refreshed through the bot token when it is close to expiry."""
        assert job.input_url
        return await fresh_url(self.http, job.input_url)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        # Both a stop signal and `async with` close the bot; the work below must run once, and a
        # caller being cancelled must not cut it short halfway.
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_once())
        await asyncio.shield(self._closing)

    async def _close_once(self) -> None:
        for task in list(self._background):
            task.cancel()
        if hasattr(self, "runner"):
            await self.session_scheduler.stop()
            await self.relay.close()
            await self.runner.close()
            await self.status_board.close()
            await self.session_face.close()
            await self.writer.close()  # after everything that writes through it
            await self.web.stop()
            await self.admin_log.close()
        self.audio.close()  # started before the runner: a start that failed later leaves none behind
        await super().close()
