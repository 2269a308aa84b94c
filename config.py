"""Every knob of the bot, in one place. Each field is documented in .env.example."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The most jobs one bot process drives at a provider at once (1,000 measured in bench/).
MAX_PARALLEL = 1000
MUSICGPT_API = "https://api.musicgpt.com/api/public/v1"
SOUNDVERSE_API = "https://api.soundverse.ai"
SOUNDPIECE_API = "https://api.soundpiece.co/v1"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    dev_guild_id: int | None = None
    database_path: Path = Path("data/bot.sqlite3")
    # postgresql://user:password@host:5432/db selects PostgreSQL instead of the SQLite file above
    # (several bot processes can share it). A secret: it may carry the password.
    database_url: SecretStr | None = None
    # Where input audio waits between intake and submit; survives restarts.
    work_dir: Path = Path("data/work")
    log_level: str = "INFO"
    # Gateway sharding across processes: how many shards the bot has in all, and which of them this
    # process runs ("0-3", "0,2"; empty: all of them). Empty SHARD_COUNT: as many as Discord says.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: str = ""

    # Empty means: the first provider with a key, else the offline `local` provider.
    default_provider: str | None = None

    musicgpt_api_key: SecretStr | None = None
    musicgpt_base_url: str = MUSICGPT_API
    # MusicGPT plans allow 1 (Free), 5 (Plus) or 10 (Pro) parallel generations; larger accounts
    # are sold by arrangement, so the bound is what one bot process can carry, not a plan.
    musicgpt_max_parallel: int = Field(default=1, ge=1, le=MAX_PARALLEL)
    # /byId calls a minute the plan allows: Free 20, Plus 200, Pro 500 (polls are spread to fit).
    musicgpt_status_per_minute: int = Field(default=20, ge=1, le=100_000)
    musicgpt_poll_interval: float = Field(default=10.0, gt=0)
    # With PUBLIC_BASE_URL set, webhooks bring the result; /byId is polled this slowly as a backstop.
    musicgpt_backstop_poll_interval: float = Field(default=60.0, gt=0)

    soundverse_api_key: SecretStr | None = None
    soundverse_base_url: str = SOUNDVERSE_API
    soundverse_status_path: str = "/status/generation/{message_id}"
    soundverse_read_timeout: float = Field(default=600.0, gt=0)
    # Seconds between status polls once the stream has broken (or after a restart).
    soundverse_poll_interval: float = Field(default=10.0, gt=0)
    soundverse_max_parallel: int = Field(default=2, ge=1, le=MAX_PARALLEL)

    soundpiece_api_key: SecretStr | None = None
    soundpiece_base_url: str = SOUNDPIECE_API
    soundpiece_webhook_secret: SecretStr | None = None
    soundpiece_max_parallel: int = Field(default=3, ge=1, le=MAX_PARALLEL)

    # ACE-Step 1.5 on the operator's own GPU: configured when the base URL is set.
    acestep_base_url: str | None = None
    acestep_api_key: SecretStr | None = None
    # Jobs sent to the server at once; it works through its own queue one at a time.
    acestep_max_parallel: int = Field(default=2, ge=1, le=MAX_PARALLEL)
    acestep_poll_interval: float = Field(default=3.0, gt=0)
    # Seconds a job waits for an unreachable server (or a full queue) before it fails.
    acestep_unreachable_grace: float = Field(default=600.0, ge=0)

    local_max_parallel: int = Field(default=1, ge=1, le=8)
    # Processes that probe, transcode and draw waveforms beside the bot (engine/offload.py); 0 (the
    # default) runs that work in threads of the bot's own process: one process, 50 MB less.
    audio_workers: int = Field(default=0, ge=0, le=16)

    # Webhook receiver inside the bot; PUBLIC_BASE_URL is how providers reach it.
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    public_base_url: str | None = None
    # Serve /metrics (Prometheus text format) on the webhook server.
    metrics_enabled: bool = False

    # A job that has not finished this long after it was queued is ended.
    job_deadline_seconds: float = Field(default=45 * 60, gt=0)
    # How long a process's claim on a job lasts without renewal (renewed every third of it): after a
    # process dies, another one carries its jobs on within about this long.
    job_lease_seconds: float = Field(default=30.0, ge=1)
    # Largest input attachment the bot will download, whatever the provider accepts.
    max_input_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    # Largest take the bot will download from a provider before fitting it to Discord.
    max_take_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    # Minimum seconds between two edits of one status message.
    status_edit_interval: float = Field(default=2.0, ge=0)
    # Active jobs in one channel beyond which their statuses fold into one channel board message.
    channel_board_threshold: int = Field(default=8, ge=1)
    # How many unfinished jobs one member may have at once.
    max_jobs_per_member: int = Field(default=3, ge=1)
    # Hours a delivered job's input audio is kept, so Reroll and Edit and rerun can use it again.
    # 0 deletes it when the job ends.
    input_retention_hours: float = Field(default=24.0, ge=0)

    # -- server admins (defaults for servers that set nothing with /config) --
    # Seconds a member waits between two jobs; 0: no cooldown.
    cooldown_seconds: int = Field(default=0, ge=0)
    # Jobs one member may start per day (UTC); 0: no daily limit.
    member_jobs_per_day: int = Field(default=0, ge=0)
    # Takes a provider flagged: "spoiler" (posted blurred) or "withhold" (not posted).
    flagged_mode: Literal["spoiler", "withhold"] = "spoiler"
    # Blocked requests within an hour before a member is put on a cooldown, and its first length in
    # seconds (doubling with each further blocked request within the hour).
    blocked_attempts_before_cooldown: int = Field(default=3, ge=1)
    blocked_cooldown_seconds: int = Field(default=600, ge=0)
    # Credits a job is assumed to cost before any cost was seen for that provider and kind of job.
    musicgpt_cost_estimate: float = Field(default=0.0, ge=0)
    soundpiece_cost_estimate: float = Field(default=0.0, ge=0)
    soundverse_cost_estimate: float = Field(default=0.0, ge=0)
    # Prices the APIs do not report: credits per variation (Soundpiece) and per job (Soundverse).
    # Empty: unknown (the estimate above is used, and kept as the cost).
    soundpiece_credits_per_variation: float | None = Field(default=None, ge=0)
    soundverse_credits_per_job: float | None = Field(default=None, ge=0)

    # Test use only: point discord.py at a fake Discord.
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    # Test use only: host:port pairs (comma-separated) of fakes that downloads may reach over http.
    download_allowed_hosts: str = ""

    @field_validator("soundverse_status_path")
    @classmethod
    def _status_path_names_the_job(cls, value: str) -> str:
        try:
            filled = value.format(message_id="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError("may contain only the placeholder {message_id}") from exc
        if "{message_id}" not in value or not filled.startswith("/"):
            raise ValueError(
                "must start with / and contain {message_id}, e.g. /status/generation/{message_id}"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgresql(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (leave it empty to use DATABASE_PATH)")
        return value

    @field_validator("shard_ids")
    @classmethod
    def _shard_ids_within_the_count(cls, value: str, info: ValidationInfo) -> str:
        ids = parse_shard_ids(value)
        if ids is None:
            return ""
        if "shard_count" not in info.data:
            return value  # SHARD_COUNT itself was refused; that error says what to fix
        count = info.data["shard_count"]
        if count is None:
            raise ValueError("needs SHARD_COUNT, the number of shards across every process")
        outside = [i for i in ids if i >= count]
        if outside:
            raise ValueError(
                f"shard {outside[0]} does not exist with SHARD_COUNT={count} (ids are 0-{count - 1})"
            )
        return value

    def shards(self) -> tuple[int, ...] | None:
        """The shard ids this process runs; None: every shard (or no sharding at all)."""
        return parse_shard_ids(self.shard_ids)

    def database_target(self) -> str | Path:
        """What storage.db.Database.open takes: the PostgreSQL URL if set, else the SQLite path."""
        return self.database_url.get_secret_value() if self.database_url else self.database_path

    @field_validator("download_allowed_hosts")
    @classmethod
    def _hosts_are_host_port(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            host, sep, port = item.rpartition(":")
            if not sep or not host or not port.isdigit():
                raise ValueError(f"{item!r} is not host:port, e.g. 127.0.0.1:8081")
        return value

    @field_validator("log_level")
    @classmethod
    def _a_known_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator(
        "public_base_url", "default_provider", "discord_api_base", "discord_gateway_url", "acestep_base_url"
    )
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") or None if value else None

    @field_validator(
        "discord_token",
        "musicgpt_api_key",
        "soundverse_api_key",
        "soundpiece_api_key",
        "soundpiece_webhook_secret",
        "database_url",
        "acestep_api_key",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("soundpiece_credits_per_variation", "soundverse_credits_per_job", mode="before")
    @classmethod
    def _blank_price_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dev_guild_id", "shard_count", mode="before")
    @classmethod
    def _blank_id_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def parse_shard_ids(text: str) -> tuple[int, ...] | None:
    """SHARD_IDS such as 0-3, 0,2 or 0-1,4 as sorted shard ids; blank: None.
    A ValueError names what is wrong."""
    ids: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, dash, last = part.partition("-")
        if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
            raise ValueError(f"{part!r} is not a shard id or range, e.g. 0-3 or 0,2")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"{part!r} runs backwards; write {high}-{low}")
        ids.update(range(low, high + 1))
    return tuple(sorted(ids)) if ids else None
