"""Which providers this deployment has, how many jobs each may run at once, and the default."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiohttp

from domain.kinds import JobKind
from providers.base import Provider

log = logging.getLogger(__name__)

# Preference order for the default when DEFAULT_PROVIDER is not set.
_PREFERENCE = ("musicgpt", "soundpiece", "soundverse", "acestep", "local")


class Secret(Protocol):
    def get_secret_value(self) -> str: ...


class ProviderSettings(Protocol):
    """The settings the registry reads; the application's Settings has them all. Declared here so
    this floor never imports the configuration module: bot.py and cli.py hand the settings in.

    The secrets are read-only properties: a plain attribute would be invariant, so pydantic's
    `SecretStr | None` would not match `Secret | None`; read-only, any subtype of `Secret` does."""

    work_dir: Path
    default_provider: str | None
    max_take_bytes: int
    local_max_parallel: int
    musicgpt_base_url: str
    musicgpt_poll_interval: float
    musicgpt_backstop_poll_interval: float
    musicgpt_max_parallel: int
    soundpiece_base_url: str
    soundpiece_max_parallel: int
    soundverse_base_url: str
    soundverse_status_path: str
    soundverse_read_timeout: float
    soundverse_poll_interval: float
    soundverse_max_parallel: int
    acestep_base_url: str | None
    acestep_max_parallel: int
    acestep_poll_interval: float
    acestep_unreachable_grace: float

    # The keys, read-only (see above).
    @property
    def musicgpt_api_key(self) -> Secret | None: ...

    @property
    def soundpiece_api_key(self) -> Secret | None: ...

    @property
    def soundpiece_webhook_secret(self) -> Secret | None: ...

    @property
    def soundverse_api_key(self) -> Secret | None: ...

    @property
    def acestep_api_key(self) -> Secret | None: ...


@dataclass(frozen=True)
class Entry:
    provider: Provider
    max_parallel: int


class Registry:
    def __init__(self, entries: dict[str, Entry], default: str) -> None:
        if default not in entries:
            raise ValueError(f"default provider {default!r} is not configured")
        self._entries = entries
        self.default = default

    def __contains__(self, name: object) -> bool:
        # `object`, as for any container: asking about None or a typo is a plain "no".
        return name in self._entries

    def __iter__(self) -> Iterator[Provider]:
        return (e.provider for e in self._entries.values())

    def get(self, name: str) -> Provider:
        return self._entries[name].provider

    def limit(self, name: str) -> int:
        return self._entries[name].max_parallel

    def names(self) -> list[str]:
        return list(self._entries)

    def supporting(self, kind: JobKind) -> list[str]:
        return [name for name, e in self._entries.items() if kind in e.provider.capabilities.kinds]

    def default_for(self, kind: JobKind) -> str:
        if kind in self.get(self.default).capabilities.kinds:
            return self.default
        supporters = self.supporting(kind)
        return supporters[0] if supporters else self.default

    async def close(self) -> None:
        for entry in self._entries.values():
            await entry.provider.close()


def build_registry(settings: ProviderSettings, session: aiohttp.ClientSession) -> Registry:
    """Every provider with a key, plus the offline one, which needs none."""
    from providers.local import LocalProvider

    entries: dict[str, Entry] = {
        "local": Entry(LocalProvider(settings.work_dir / "local"), settings.local_max_parallel),
    }
    if settings.musicgpt_api_key:
        from providers.musicgpt import MusicGPTProvider

        entries["musicgpt"] = Entry(
            MusicGPTProvider(
                session,
                api_key=settings.musicgpt_api_key.get_secret_value(),
                base_url=settings.musicgpt_base_url,
                poll_interval=settings.musicgpt_poll_interval,
                backstop_interval=settings.musicgpt_backstop_poll_interval,
            ),
            settings.musicgpt_max_parallel,
        )
    if settings.soundpiece_api_key:
        from providers.soundpiece import SoundpieceProvider

        secret = settings.soundpiece_webhook_secret
        entries["soundpiece"] = Entry(
            SoundpieceProvider(
                session,
                api_key=settings.soundpiece_api_key.get_secret_value(),
                base_url=settings.soundpiece_base_url,
                webhook_secret=secret.get_secret_value() if secret else None,
            ),
            settings.soundpiece_max_parallel,
        )
    if settings.soundverse_api_key:
        from providers.soundverse import SoundverseProvider

        entries["soundverse"] = Entry(
            SoundverseProvider(
                session,
                api_key=settings.soundverse_api_key.get_secret_value(),
                base_url=settings.soundverse_base_url,
                status_path=settings.soundverse_status_path,
                read_timeout=settings.soundverse_read_timeout,
                poll_interval=settings.soundverse_poll_interval,
            ),
            settings.soundverse_max_parallel,
        )
    if settings.acestep_base_url:
        from providers.acestep import AceStepProvider

        key = settings.acestep_api_key
        entries["acestep"] = Entry(
            AceStepProvider(
                session,
                base_url=settings.acestep_base_url,
                api_key=key.get_secret_value() if key else None,
                work_dir=settings.work_dir / "acestep",
                max_take_bytes=settings.max_take_bytes,
                poll_interval=settings.acestep_poll_interval,
                unreachable_grace=settings.acestep_unreachable_grace,
            ),
            settings.acestep_max_parallel,
        )
    default = settings.default_provider
    if default and default not in entries:
        log.warning("DEFAULT_PROVIDER=%s has no API key configured; ignoring it", default)
        default = None
    if not default:
        default = next(name for name in _PREFERENCE if name in entries)
    log.info("providers: %s (default %s)", ", ".join(entries), default)
    return Registry(entries, default)


async def log_health(registry: Registry) -> None:
    """One line per provider that can tell whether it answers (the self-hosted ones)."""
    for provider in registry:
        reachable = await provider.health()
        if reachable is None:
            continue
        where = getattr(provider, "base_url", "")
        if reachable:
            log.info("%s: ready at %s", provider.name, where)
        else:
            log.warning("%s: unreachable at %s; jobs wait for it", provider.name, where)
