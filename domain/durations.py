"""Durations as people write them: `90m`, `2h`, `3d`, `1d12h`, `1h 30m`.

Units go from days down to minutes, each at most once; a bare number is refused because nobody can
tell whether `90` means minutes or hours. Refusals are typed; the face words them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

MIN_DURATION = timedelta(minutes=1)
# Far beyond any sensible session, and small enough that no arithmetic on it can overflow.
MAX_DURATION = timedelta(days=60)

_DAYS = r"(?:(?P<d>\d+)\s*(?:d|days?))?"
_HOURS = r"(?:(?P<h>\d+)\s*(?:h|hrs?|hours?))?"
_MINUTES = r"(?:(?P<m>\d+)\s*(?:m|mins?|minutes?))?"
_PATTERN = re.compile(rf"^\s*{_DAYS}\s*{_HOURS}\s*{_MINUTES}\s*$", re.IGNORECASE)
# Digits beyond this are refused before int() so `99999…` cannot make a huge number.
_MAX_DIGITS = 6


class DurationProblem(StrEnum):
    EMPTY = "empty"
    UNREADABLE = "unreadable"  # params: text
    TOO_SHORT = "too_short"  # params: minimum
    TOO_LONG = "too_long"  # params: maximum


class DurationRefused(ValueError):
    def __init__(self, problem: DurationProblem, text: str) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.problem = problem
        self.text = text
        self.minimum = MIN_DURATION
        self.maximum = MAX_DURATION


def parse_duration(text: str) -> timedelta:
    """The span `text` names, between MIN_DURATION and MAX_DURATION, or DurationRefused."""
    if not text.strip():
        raise DurationRefused(DurationProblem.EMPTY, text)
    match = _PATTERN.match(text)
    if match is None or not any(match.groupdict().values()):
        raise DurationRefused(DurationProblem.UNREADABLE, text)
    parts = {unit: value or "0" for unit, value in match.groupdict().items()}
    if any(len(value) > _MAX_DIGITS for value in parts.values()):
        raise DurationRefused(DurationProblem.TOO_LONG, text)
    span = timedelta(days=int(parts["d"]), hours=int(parts["h"]), minutes=int(parts["m"]))
    if span < MIN_DURATION:
        raise DurationRefused(DurationProblem.TOO_SHORT, text)
    if span > MAX_DURATION:
        raise DurationRefused(DurationProblem.TOO_LONG, text)
    return span
