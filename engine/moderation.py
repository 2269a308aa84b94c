"""Moderation: a server's blocklist (matched case- and accent-insensitively) and flagged takes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from domain.admin import FlaggedMode

# The longest blocklist entry accepted, and how many a server may keep (each is a regex per check).
MAX_PATTERN_CHARS = 100
MAX_PATTERNS = 500


def fold(text: str) -> str:
    """Lower case without accents or compatibility forms: "Café", "CAFE" and "cafe" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_pattern(raw: str) -> str | None:
    """A blocklist entry as stored: folded, spaces collapsed, `*` runs merged; None if nothing is left."""
    text = re.sub(r"\*+", "*", " ".join(fold(raw).split()))
    return text if text.strip("* ") and len(text) <= MAX_PATTERN_CHARS else None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Whole words only, `*` standing for any letters: "bad*" blocks "badly", not "notbad"."""
    body = r"\w*".join(re.escape(part) for part in pattern.split("*"))
    body = body.replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w){body}(?!\w)")


def blocked(texts: Iterable[str | None], patterns: Iterable[str]) -> bool:
    """Whether any text holds a blocklisted word. Which one is never reported: it is not echoed."""
    folded = [fold(t) for t in texts if t]
    if not folded:
        return False
    return any(compile_pattern(p).search(t) for p in patterns for t in folded)


class Flaggable(Protocol):
    flagged: bool


T = TypeVar("T", bound=Flaggable)


def split_flagged(takes: Sequence[T], mode: FlaggedMode) -> tuple[list[T], int, int]:
    """The takes to post, how many the provider flagged, and how many of those are withheld.

    With SPOILER every take is posted (flagged ones behind a spoiler); with WITHHOLD flagged ones are not.
    """
    flagged = sum(1 for t in takes if t.flagged)
    if mode is FlaggedMode.SPOILER:
        return list(takes), flagged, 0
    return [t for t in takes if not t.flagged], flagged, flagged
