"""The message catalogues (locales/<locale>/*.ftl, Fluent): every member-facing sentence, per language.

Loaded once. English (en-US) is the source and is complete; another catalogue that lacks a message
falls back to English, so a half-done translation still speaks. Discord names locales like `de`,
`es-ES`, `pt-BR`; a locale with no catalogue of its own borrows one of its language (`es-419` -> `es-ES`,
`en-GB` -> `en-US`), else English.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number

log = logging.getLogger(__name__)

SOURCE = "en-US"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"

Arg = str | int | float


class Catalogue:
    """Every locale folder under `root`, each one FluentBundle; format() never raises."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        self.bundles: dict[str, FluentBundle] = {}
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            # Bidi isolation marks around placeholders would show up as stray characters in Discord.
            bundle = FluentBundle([folder.name], use_isolating=False)
            for path in sorted(folder.glob("*.ftl")):
                bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
            self.bundles[folder.name] = bundle
        if SOURCE not in self.bundles:
            raise RuntimeError(f"no {SOURCE} catalogue under {root}")

    @property
    def locales(self) -> list[str]:
        return sorted(self.bundles)

    def resolve(self, locale: str | None) -> str:
        """The catalogue that speaks for a Discord locale: its own, else one of its language, else English."""
        if not locale:
            return SOURCE
        locale = str(locale).replace("_", "-")
        if locale in self.bundles:
            return locale
        language = locale.split("-")[0].lower()
        for known in self.locales:
            if known.split("-")[0].lower() == language:
                return known
        return SOURCE

    def supports(self, locale: str | None) -> bool:
        """Whether a catalogue of this locale's language exists (English always does)."""
        return (bool(locale) and self.resolve(locale) != SOURCE) or str(locale).lower().startswith("en")

    def has(self, locale: str, message_id: str) -> bool:
        return locale in self.bundles and self.bundles[locale].has_message(message_id)

    def format(self, locale: str | None, message_id: str, args: Mapping[str, Arg] | None = None) -> str:
        """The message in that locale (English when that catalogue lacks it), placeholders filled in."""
        bundle = self.bundles[self.resolve(locale)]
        if not bundle.has_message(message_id):
            bundle = self.bundles[SOURCE]
        message = bundle.get_message(message_id)
        if message.value is None:
            raise KeyError(message_id)
        # Numbers still pick plural forms, but print as they are: no "2,001" for a character count.
        values = {
            name: fluent_number(value, useGrouping=False) if isinstance(value, int | float) else value
            for name, value in (args or {}).items()
        }
        text, errors = bundle.format_pattern(message.value, values)
        for error in errors:  # a translation naming a placeholder it was not given: say so, still speak
            log.warning("catalogue %s, message %s: %s", bundle.locales[0], message_id, error)
        return str(text)


@cache
def catalogue() -> Catalogue:
    return Catalogue()


def t(locale: str | None, message_id: str, **args: Arg) -> str:
    """Shorthand: one message of the shipped catalogues."""
    return catalogue().format(locale, message_id, args)
